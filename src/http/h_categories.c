/*
 * h_categories.c — case categories (水电气暖 › 暖气不热 …) with their time
 * limits in working hours, default handler and private flag:
 *
 *   GET   /api/v1/categories            every active category (?include_inactive=1)
 *   GET   /api/v1/categories/{code}     one category
 *   POST  /api/v1/categories            {code, parent?, name, limit_hours, handler?,
 *                                        private?, active?, sort?}   city admins
 *   PATCH /api/v1/categories/{code}     {name?, limit_hours?, handler?, private?,
 *                                        active?, sort?}             city admins
 *
 * Categories are city-wide, so every authenticated role may read them. A
 * code and its parent never change once created: cases refer to the code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "limits.h"
#include "store_cases.h"

/* Refuse a field that is not in allowed[]. */
static int only_fields(http_req *r, json_t *b, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach (b, key, v) {
        int ok = 0;
        for (size_t i = 0; i < n; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char k[64];
            gg_strlcpy(k, key, sizeof(k));
            return http_fail(r, GG_EINVAL, k, "unknown or read-only field %s", k);
        }
    }
    return 0;
}

/* Copy the fields present in b into c, checking each. */
static int read_fields(http_req *r, json_t *b, struct category *c)
{
    json_t *v;
    if ((v = json_object_get(b, "name")) != NULL) {
        const char *s = json_string_value(v);
        if (!s || !*s || gg_utf8_len(s) > CATEGORY_NAME_MAX)
            return http_fail(r, GG_EINVAL, "name", "name must be 1 to %d characters",
                             CATEGORY_NAME_MAX);
        gg_strlcpy(c->name, s, sizeof(c->name));
    }
    if ((v = json_object_get(b, "limit_hours")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 ||
            json_integer_value(v) > CATEGORY_LIMIT_MAX)
            return http_fail(r, GG_EINVAL, "limit_hours",
                             "limit_hours must be an integer from 1 to %d (working hours)",
                             CATEGORY_LIMIT_MAX);
        c->limit_hours = (int)json_integer_value(v);
    }
    if ((v = json_object_get(b, "handler")) != NULL) {
        const char *s = json_string_value(v);
        if (!s || !*s || gg_utf8_len(s) > CATEGORY_HANDLER_MAX)
            return http_fail(r, GG_EINVAL, "handler",
                             "handler must be \"grid\" or a department name of 1 to %d "
                             "characters",
                             CATEGORY_HANDLER_MAX);
        gg_strlcpy(c->handler, s, sizeof(c->handler));
    }
    static const char *const flags[] = {"private", "active"};
    int *dst[] = {&c->is_private, &c->active};
    for (size_t i = 0; i < GG_ARRAY_LEN(flags); i++) {
        if ((v = json_object_get(b, flags[i])) == NULL)
            continue;
        if (!json_is_boolean(v))
            return http_fail(r, GG_EINVAL, flags[i], "%s must be true or false", flags[i]);
        *dst[i] = json_is_true(v);
    }
    if ((v = json_object_get(b, "sort")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000)
            return http_fail(r, GG_EINVAL, "sort", "sort must be an integer from 0 to 100000");
        c->sort = (int)json_integer_value(v);
    }
    return 0;
}

static int audit_category(http_req *r, const char *action, const struct category *c)
{
    json_t *j =
        json_pack("{s:s, s:i, s:s, s:b, s:b}", "name", c->name, "limit_hours", c->limit_hours,
                  "handler", c->handler, "private", c->is_private, "active", c->active);
    char *detail = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    int rc = http_audit(r, action, "categories", c->code, r->user.place, detail ? detail : "");
    free(detail);
    return rc ? http_fail(r, rc, "", "cannot write the audit log") : 0;
}

static int categories_list(http_req *r)
{
    int rc = http_require(r, "categories", ACT_READ);
    if (rc)
        return rc;
    static const char *const params[] = {"include_inactive"};
    int all;
    if ((rc = http_args_only(r, params, 1)) != 0 ||
        (rc = http_arg_flag(r, "include_inactive", &all)) != 0)
        return rc;
    json_t *rows;
    if ((rc = store_category_list(r->db, all, &rows)) != 0)
        return http_fail(r, rc, "", "cannot list the categories");
    return http_reply_json(r, 200, http_page(rows, 0));
}

/* Load the category named in the path; 404 if there is none. */
static int load(http_req *r, struct category *c)
{
    int rc = store_category_code_ok(r->params[0]) ? store_category_load(r->db, r->params[0], c)
                                                  : GG_ENOTFOUND;
    if (rc == GG_ENOTFOUND)
        return http_fail(r, rc, "code", "no category %.48s", r->params[0]);
    if (rc)
        return http_fail(r, rc, "", "cannot read the category");
    return 0;
}

static int categories_get(http_req *r)
{
    int rc = http_require(r, "categories", ACT_READ);
    struct category c;
    if (rc || (rc = load(r, &c)) != 0)
        return rc;
    json_t *out;
    if ((rc = store_category_get(r->db, c.code, &out)) != 0)
        return http_fail(r, rc, "", "cannot read the category");
    return http_reply_json(r, 200, out);
}

static int categories_create(http_req *r)
{
    static const char *const allowed[] = {"code",    "parent",  "name",   "limit_hours",
                                          "handler", "private", "active", "sort"};
    int rc = http_require(r, "categories", ACT_CREATE);
    json_t *b;
    if (rc || (rc = http_body_json(r, &b)) != 0)
        return rc;
    struct category c = {.handler = "grid", .active = 1};
    json_t *code = json_object_get(b, "code"), *parent = json_object_get(b, "parent");
    if ((rc = only_fields(r, b, allowed, GG_ARRAY_LEN(allowed))) != 0)
        goto done;
    if (!json_is_string(code) || !store_category_code_ok(json_string_value(code))) {
        rc = http_fail(r, GG_EINVAL, "code",
                       "code is required: 1 to %d of a-z, 0-9 and _, a subcategory's being its "
                       "parent's code, a dot and its own part",
                       CATEGORY_CODE_MAX);
        goto done;
    }
    gg_strlcpy(c.code, json_string_value(code), sizeof(c.code));
    if (parent && !json_is_null(parent)) {
        if (!json_is_string(parent) || !store_category_code_ok(json_string_value(parent))) {
            rc = http_fail(r, GG_EINVAL, "parent", "parent must be a category code or null");
            goto done;
        }
        gg_strlcpy(c.parent, json_string_value(parent), sizeof(c.parent));
    }
    static const char *const required[] = {"name", "limit_hours"};
    for (size_t i = 0; i < GG_ARRAY_LEN(required); i++)
        if (!json_object_get(b, required[i])) {
            rc = http_fail(r, GG_EINVAL, required[i], "%s is required", required[i]);
            goto done;
        }
    if ((rc = read_fields(r, b, &c)) != 0 ||
        (rc = store_category_insert(r->db, &c, gg_now(), &r->err)) != 0 ||
        (rc = audit_category(r, "create", &c)) != 0)
        goto done;
    json_t *out;
    if ((rc = store_category_get(r->db, c.code, &out)) != 0) {
        rc = http_fail(r, rc, "", "cannot read back the category");
        goto done;
    }
    rc = http_reply_json(r, 201, out);
done:
    json_decref(b);
    return rc;
}

static int categories_update(http_req *r)
{
    static const char *const allowed[] = {"name",    "limit_hours", "handler",
                                          "private", "active",      "sort"};
    int rc = http_require(r, "categories", ACT_UPDATE);
    struct category c;
    if (rc || (rc = load(r, &c)) != 0)
        return rc;
    json_t *b;
    if ((rc = http_body_json(r, &b)) != 0)
        return rc;
    if ((rc = only_fields(r, b, allowed, GG_ARRAY_LEN(allowed))) == 0 &&
        (rc = read_fields(r, b, &c)) == 0 &&
        (rc = store_category_update(r->db, &c, gg_now(), &r->err)) == 0 &&
        (rc = audit_category(r, "update", &c)) == 0) {
        json_t *out;
        rc = store_category_get(r->db, c.code, &out);
        rc = rc ? http_fail(r, rc, "", "cannot read back the category")
                : http_reply_json(r, 200, out);
    }
    json_decref(b);
    return rc;
}

const struct http_route http_routes_categories[] = {
    {"GET", "/api/v1/categories", categories_list, 0},
    {"POST", "/api/v1/categories", categories_create, 0},
    {"GET", "/api/v1/categories/:code", categories_get, 0},
    {"PATCH", "/api/v1/categories/:code", categories_update, 0},
    {NULL, NULL, NULL, 0},
};
