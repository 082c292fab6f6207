/*
 * h_plans.c — grid plans:
 *
 *   POST /api/v1/plans {"scope", "all"?, "params"?}   compute and store a preview
 *   GET  /api/v1/plans[?scope=]                        plans in scope, newest first
 *   GET  /api/v1/plans/check[?scope=]                  today's grids and communities
 *                                                      out of standard
 *   GET  /api/v1/plans/:id[?format=geojson]            one plan, or its grids as GeoJSON
 *   POST /api/v1/plans/:id/apply                       apply a preview (one transaction)
 *
 * City and street admins plan and apply within their scope; community
 * admins and auditors read. GG_PLAN_FAIL_AT=step makes apply fail at that
 * step, for the tests that prove a failed apply changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "place.h"
#include "plan_db.h"
#include "store_plans.h"

static int plan_id(http_req *r, int64_t *id)
{
    if (gg_parse_i64(r->params[0], 1, INT64_MAX, id) != 0)
        return http_fail(r, GG_ENOTFOUND, "id", "plan %.20s not found", r->params[0]);
    return 0;
}

/* Load plan id if the caller may see it (its scope lies in theirs); 404 otherwise. */
static int load_visible(http_req *r, int64_t id, json_t **out)
{
    json_t *plan;
    gg_err err = {0};
    int rc = plan_load(r->db, id, &plan, &err);
    if (rc == GG_ENOTFOUND ||
        (rc == 0 &&
         !place_in_scope(r->user.place, json_string_value(json_object_get(plan, "scope"))))) {
        if (rc == 0)
            json_decref(plan);
        return http_fail(r, GG_ENOTFOUND, "id", "plan %lld not found", (long long)id);
    }
    if (rc) {
        r->err = err;
        return rc;
    }
    *out = plan;
    return 0;
}

/* The plan as the API shows it: no building assignment, no shapes (see ?format=geojson). */
static json_t *public_plan(json_t *plan)
{
    size_t i;
    json_t *x;
    json_array_foreach (json_object_get(plan, "communities"), i, x)
        json_object_del(x, "assignment");
    json_array_foreach (json_object_get(plan, "grids"), i, x)
        json_object_del(x, "geometry");
    return plan;
}

static int scope_arg(http_req *r, const char *s, const char **scope)
{
    if (!s) {
        *scope = r->user.place;
        return 0;
    }
    enum place_level lv = place_level_of(s);
    if (lv != PLACE_COUNTY && lv != PLACE_STREET && lv != PLACE_COMMUNITY)
        return http_fail(r, GG_EINVAL, "scope", "scope must be a community, street or county code");
    if (!place_in_scope(r->user.place, s))
        return http_fail(r, GG_EFORBIDDEN, "scope", "%s is outside your area", s);
    *scope = s;
    return 0;
}

static int plans_create(http_req *r)
{
    int rc = http_require(r, "plans", ACT_CREATE);
    if (rc)
        return rc;
    json_t *b;
    if ((rc = http_body_json(r, &b)) != 0)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach (b, key, v)
        if (strcmp(key, "scope") != 0 && strcmp(key, "all") != 0 && strcmp(key, "params") != 0) {
            rc = http_fail(r, GG_EINVAL, key, "unknown field %s", key);
            json_decref(b);
            return rc;
        }
    struct plan_opts o;
    plan_opts_default(&o);
    const json_t *sj = json_object_get(b, "scope"), *all = json_object_get(b, "all"),
                 *params = json_object_get(b, "params");
    const char *scope;
    if (!json_is_string(sj)) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "scope", "scope must be a community, street or county code");
    }
    if (all && !json_is_boolean(all)) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "all", "all must be true or false");
    }
    o.all = json_is_true(all);
    if (params && !json_is_object(params)) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "params", "params must be an object");
    }
    if (params && (rc = plan_params_from_json(params, &o.params, &r->err)) != 0) {
        json_decref(b);
        return rc;
    }
    if ((rc = scope_arg(r, json_string_value(sj), &scope)) != 0) {
        json_decref(b);
        return rc;
    }
    char sc[16];
    gg_strlcpy(sc, scope, sizeof(sc));
    json_decref(b);
    json_t *plan;
    if ((rc = plan_compute(r->db, sc, &o, &plan, &r->err)) != 0)
        return rc;
    int64_t id;
    if ((rc = plan_save(r->db, plan, r->user.id, &id, &r->err)) != 0) {
        json_decref(plan);
        return rc;
    }
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    if ((rc = http_audit(r, "create", "plans", ids, sc, "")) != 0) {
        json_decref(plan);
        return http_fail(r, rc, "", "cannot write the audit log");
    }
    return http_reply_json(r, 201, public_plan(plan));
}

static int plans_list(http_req *r)
{
    static const char *const args[] = {"scope", "limit", "after"};
    int rc = http_require(r, "plans", ACT_READ);
    int limit;
    int64_t after;
    const char *scope;
    if (rc || (rc = http_args_only(r, args, GG_ARRAY_LEN(args))) != 0 ||
        (rc = http_page_args(r, &limit, &after)) != 0 ||
        (rc = scope_arg(r, http_arg_get(r, "scope"), &scope)) != 0)
        return rc;
    json_t *rows;
    int64_t next;
    if ((rc = store_plan_list(r->db, scope, after, limit, &rows, &next)) != 0)
        return http_fail(r, rc, "", "cannot list plans");
    return http_reply_json(r, 200, http_page(rows, next));
}

static int plans_check(http_req *r)
{
    static const char *const args[] = {"scope"};
    int rc = http_require(r, "plans", ACT_READ);
    const char *scope;
    if (rc || (rc = http_args_only(r, args, GG_ARRAY_LEN(args))) != 0 ||
        (rc = scope_arg(r, http_arg_get(r, "scope"), &scope)) != 0)
        return rc;
    if (place_level_of(scope) < PLACE_COUNTY || place_level_of(scope) > PLACE_COMMUNITY)
        return http_fail(r, GG_EINVAL, "scope", "scope must be a community, street or county code");
    struct plan_params pp;
    plan_params_default(&pp);
    json_t *out;
    if ((rc = plan_check(r->db, scope, &pp, &out, &r->err)) != 0)
        return rc;
    return http_reply_json(r, 200, out);
}

static int plans_get(http_req *r)
{
    static const char *const args[] = {"format"};
    int rc = http_require(r, "plans", ACT_READ);
    int64_t id;
    if (rc || (rc = http_args_only(r, args, GG_ARRAY_LEN(args))) != 0 ||
        (rc = plan_id(r, &id)) != 0)
        return rc;
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "geojson") != 0)
        return http_fail(r, GG_EINVAL, "format", "format must be json or geojson");
    json_t *plan;
    if ((rc = load_visible(r, id, &plan)) != 0)
        return rc;
    if (format && strcmp(format, "geojson") == 0) {
        if ((rc = plan_load_geometry(r->db, plan)) != 0) {
            json_decref(plan);
            return http_fail(r, rc, "", "cannot read the plan's shapes");
        }
        json_t *fc = plan_geojson(plan);
        json_decref(plan);
        char *s = json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(fc);
        rc = http_reply_bytes(r, 200, "application/geo+json", s, strlen(s));
        free(s);
        return rc;
    }
    return http_reply_json(r, 200, public_plan(plan));
}

static int plans_apply(http_req *r)
{
    int rc = http_require(r, "plans", ACT_UPDATE);
    int64_t id;
    if (rc || (rc = plan_id(r, &id)) != 0)
        return rc;
    if (r->body_len > 0) {
        json_t *b;
        if ((rc = http_body_json(r, &b)) != 0)
            return rc;
        if (json_object_size(b) > 0) {
            const char *key = json_object_iter_key(json_object_iter(b));
            rc = http_fail(r, GG_EINVAL, key, "unknown field %s", key);
            json_decref(b);
            return rc;
        }
        json_decref(b);
    }
    json_t *plan;
    if ((rc = load_visible(r, id, &plan)) != 0)
        return rc;
    char scope[16];
    gg_strlcpy(scope, json_string_value(json_object_get(plan, "scope")), sizeof(scope));
    json_decref(plan);
    json_t *out;
    if ((rc = plan_apply(r->db, id, r->user.id, getenv("GG_PLAN_FAIL_AT"), &out, &r->err)) != 0)
        return rc;
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    if ((rc = http_audit(r, "apply", "plans", ids, scope, "")) != 0) {
        json_decref(out);
        return http_fail(r, rc, "", "cannot write the audit log");
    }
    return http_reply_json(r, 200, out);
}

const struct http_route http_routes_plans[] = {
    {"GET", "/api/v1/plans", plans_list, 0},
    {"POST", "/api/v1/plans", plans_create, 0},
    {"GET", "/api/v1/plans/check", plans_check, 0},
    {"GET", "/api/v1/plans/:id", plans_get, 0},
    {"POST", "/api/v1/plans/:id/apply", plans_apply, 0},
    {NULL, NULL, NULL, 0},
};
