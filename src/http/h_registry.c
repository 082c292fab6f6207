/*
 * h_registry.c — the registry resources (estates, buildings, households,
 * residents, owners, staff, paired units, enterprises) through one set of
 * handlers driven by their res_def tables:
 *
 *   GET   /api/v1/{resource}        list and search, paged; ?format=csv|xlsx exports
 *   POST  /api/v1/{resource}        create
 *   GET   /api/v1/{resource}/{id}   read
 *   PATCH /api/v1/{resource}/{id}   update (PUT is accepted as a synonym)
 *
 * Reads are limited to the caller's place subtree; rows outside it answer
 * 404 so that their existence is not disclosed. ID numbers and phones are
 * masked unless the caller asks for ?reveal=1 and the role allows it; every
 * revealed read is written to the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "limits.h"

static const struct res_def *resource_of(http_req *r)
{
    const struct res_def *def = res_find(r->params[0]);
    if (!def)
        http_fail(r, GG_ENOTFOUND, "", "no such resource: %s", r->params[0]);
    return def;
}

/* Which sensitive values the caller sees in full on this request. */
static int reveal_flags(http_req *r, const struct res_def *def, int *rid, int *rphone)
{
    *rid = *rphone = 0;
    int reveal;
    int rc = http_arg_flag(r, "reveal", &reveal);
    if (rc || !reveal)
        return rc;
    *rid = authz_allowed(r->role, def->name, ACT_REVEAL_ID);
    *rphone = authz_allowed(r->role, def->name, ACT_REVEAL_PHONE);
    if (!*rid && !*rphone)
        return http_fail(r, GG_EFORBIDDEN, "reveal", "your role may not see unmasked %s",
                         def->name);
    return 0;
}

/* Has def any sensitive field that this reveal would show? */
static int reveals_something(const struct res_def *def, int rid, int rphone)
{
    for (int i = 0; i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        if ((f->flags & FF_SENSITIVE) &&
            ((f->type == FT_IDNUM && rid) || (f->type == FT_PHONE && rphone)))
            return 1;
    }
    return 0;
}

/* Audit detail for a write: the fields written, sensitive values masked. */
static char *audit_detail(const struct res_def *def, const json_t *row)
{
    json_t *copy = json_deep_copy(row);
    res_mask_row(def, copy, 0, 0);
    char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
    json_decref(copy);
    return s;
}

static int list(http_req *r)
{
    const struct res_def *def = resource_of(r);
    if (!def)
        return GG_ENOTFOUND;
    int rc = http_require(r, def->name, ACT_READ);
    if (rc)
        return rc;
    for (int i = 0; i < r->nargs; i++)
        if (!res_query_param_ok(def, r->args[i].name))
            return http_fail(r, GG_EINVAL, r->args[i].name, "unknown query parameter %s",
                             r->args[i].name);
    struct res_query q = {.scope = r->user.place};
    q.place = http_arg_get(r, "place");
    if (q.place && place_level_of(q.place) == PLACE_INVALID)
        return http_fail(r, GG_EINVAL, "place", "place must be a division or grid code");
    q.q = http_arg_get(r, "q");
    if (q.q && gg_utf8_len(q.q) > GG_MAX_NAME)
        return http_fail(r, GG_EINVAL, "q", "q is longer than %d characters", GG_MAX_NAME);
    q.phone_tail = http_arg_get(r, "phone_tail");
    q.id_tail = http_arg_get(r, "id_tail");
    if (q.phone_tail && (strlen(q.phone_tail) < 1 || strlen(q.phone_tail) > 4))
        return http_fail(r, GG_EINVAL, "phone_tail", "phone_tail must be the last 4 digits");
    if (q.id_tail && (strlen(q.id_tail) < 1 || strlen(q.id_tail) > 4))
        return http_fail(r, GG_EINVAL, "id_tail", "id_tail must be the last 4 characters");
    char id_tail[5];
    if (q.id_tail) {
        /* The check character is stored upper-case: "002x" finds "002X". */
        gg_strlcpy(id_tail, q.id_tail, sizeof(id_tail));
        for (char *c = id_tail; *c; c++)
            if (*c == 'x')
                *c = 'X';
        q.id_tail = id_tail;
    }
    for (int i = 0; i < r->nargs; i++) {
        const struct res_field *f = res_field(def, r->args[i].name);
        if (!f || !(f->flags & FF_FILTER) || strcmp(f->name, "place") == 0)
            continue;
        if (res_filter_check(def, f->name, r->args[i].value, &r->err) != 0)
            return GG_EINVAL;
        if (q.nfilters == (int)GG_ARRAY_LEN(q.filter_names))
            return http_fail(r, GG_EINVAL, f->name, "at most %d equality filters",
                             (int)GG_ARRAY_LEN(q.filter_names));
        q.filter_names[q.nfilters] = f->name;
        q.filter_values[q.nfilters++] = r->args[i].value;
    }
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
        strcmp(format, "xlsx") != 0)
        return http_fail(r, GG_EINVAL, "format", "format must be json, csv or xlsx");
    int exporting = format && strcmp(format, "json") != 0;
    if (exporting && (rc = http_require(r, def->name, ACT_EXPORT)) != 0)
        return rc;
    if ((rc = http_page_args(r, &q.limit, &q.after)) != 0)
        return rc;
    int rid, rphone;
    if ((rc = reveal_flags(r, def, &rid, &rphone)) != 0)
        return rc;
    json_t *rows;
    int64_t next;
    if (exporting)
        q.limit = GG_EXPORT_MAX;
    if ((rc = store_res_list(r->db, def, &q, &rows, &next)) != 0)
        return http_fail(r, rc, "", "cannot list %s", def->name);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) res_mask_row(def, row, rid, rphone);
    if ((rid || rphone) && reveals_something(def, rid, rphone) && json_array_size(rows)) {
        char detail[128];
        snprintf(detail, sizeof(detail), "%zu rows, first id %lld", json_array_size(rows),
                 (long long)json_integer_value(json_object_get(json_array_get(rows, 0), "id")));
        /* no unmasked answer without its audit entry */
        if ((rc = http_audit(r, "reveal", def->name, "", q.place ? q.place : r->user.place,
                             detail)) != 0) {
            json_decref(rows);
            return http_fail(r, rc, "", "cannot write the audit log");
        }
    }
    if (exporting) {
        const char *cols[24], *labels[24];
        int nc = 0;
        cols[nc] = "id";
        labels[nc++] = "id";
        if (!res_field(def, "place")) {
            cols[nc] = "place";
            labels[nc++] = "place";
        }
        for (int k = 0; k < def->nfields && nc < 23; k++) {
            cols[nc] = def->fields[k].name;
            labels[nc++] = def->fields[k].name;
        }
        return http_reply_table(r, format, def->name, rows, cols, labels, nc);
    }
    return http_reply_json(r, 200, http_page(rows, next));
}

/* Load row id of def if it lies in the caller's scope; 404 otherwise. */
static int load_in_scope(http_req *r, const struct res_def *def, json_t **row, int64_t *id)
{
    if (gg_parse_i64(r->params[1], 1, INT64_MAX, id) != 0)
        return http_fail(r, GG_ENOTFOUND, "id", "%s has no record %.32s", def->name, r->params[1]);
    int rc = store_res_get(r->db, def, *id, row);
    if (rc == GG_ENOTFOUND ||
        (rc == 0 && !place_in_scope(r->user.place,
                                    json_string_value(json_object_get(*row, "place"))))) {
        if (rc == 0)
            json_decref(*row);
        return http_fail(r, GG_ENOTFOUND, "id", "%s %lld not found", def->name, (long long)*id);
    }
    if (rc)
        return http_fail(r, rc, "", "cannot read %s", def->name);
    return 0;
}

static int get_one(http_req *r)
{
    const struct res_def *def = resource_of(r);
    if (!def)
        return GG_ENOTFOUND;
    int rc = http_require(r, def->name, ACT_READ);
    if (rc)
        return rc;
    int rid, rphone;
    if ((rc = reveal_flags(r, def, &rid, &rphone)) != 0)
        return rc;
    json_t *row;
    int64_t id;
    if ((rc = load_in_scope(r, def, &row, &id)) != 0)
        return rc;
    if ((rid || rphone) && reveals_something(def, rid, rphone) &&
        (rc = http_audit(r, "reveal", def->name, r->params[1],
                         json_string_value(json_object_get(row, "place")), "")) != 0) {
        json_decref(row);
        return http_fail(r, rc, "", "cannot write the audit log");
    }
    res_mask_row(def, row, rid, rphone);
    return http_reply_json(r, 200, row);
}

static int create(http_req *r)
{
    const struct res_def *def = resource_of(r);
    if (!def)
        return GG_ENOTFOUND;
    int rc = http_require(r, def->name, ACT_CREATE);
    if (rc)
        return rc;
    json_t *body, *row = NULL;
    if ((rc = http_body_json(r, &body)) != 0)
        return rc;
    rc = res_validate(def, body, 0, &row, &r->err);
    json_decref(body);
    if (rc)
        return rc;
    char place[16];
    if (def->place_from) {
        int64_t pid = json_integer_value(json_object_get(row, def->place_from));
        rc = store_res_parent_place(r->db, def, pid, place);
        if (rc == 0 && !place_in_scope(r->user.place, place))
            rc = GG_ENOTFOUND;
        if (rc) {
            json_decref(row);
            return http_fail(r, GG_ERULE, def->place_from, "%s %lld does not exist in your area",
                             def->place_from, (long long)pid);
        }
        json_object_set_new(row, "place", json_string(place));
    } else {
        gg_strlcpy(place, json_string_value(json_object_get(row, "place")), sizeof(place));
        if (!place_in_scope(r->user.place, place)) {
            json_decref(row);
            return http_fail(r, GG_EFORBIDDEN, "place", "place %s is outside your area", place);
        }
        json_t *p;
        if (store_place_get(r->db, place, &p) != 0) {
            json_decref(row);
            return http_fail(r, GG_ERULE, "place", "place %s does not exist", place);
        }
        json_decref(p);
    }
    if ((rc = store_res_check_refs(r->db, def, row, r->user.place, &r->err)) != 0) {
        json_decref(row);
        return rc;
    }
    int64_t id;
    if ((rc = store_res_insert(r->db, def, row, &id, &r->err)) != 0) {
        json_decref(row);
        return rc;
    }
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    char *detail = audit_detail(def, row);
    rc = http_audit(r, "create", def->name, ids, place, detail);
    free(detail);
    json_decref(row);
    if (rc)
        return http_fail(r, rc, "", "cannot write the audit log");
    json_t *out;
    if ((rc = store_res_get(r->db, def, id, &out)) != 0)
        return http_fail(r, rc, "", "cannot read back the new record");
    res_mask_row(def, out, 0, 0);
    return http_reply_json(r, 201, out);
}

/*
 * Derived fields (the read-only ones, such as an owner's owner_key) follow
 * the fields they come from: derive them again from the stored row cur with
 * the changes applied, and add them to changes.
 */
static int rederive(const struct res_def *def, const json_t *cur, json_t *changes, gg_err *err)
{
    json_t *row = json_deep_copy(cur);
    json_object_update(row, changes);
    int rc = def->derive(row, err);
    for (int i = 0; rc == 0 && i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        json_t *v = json_object_get(row, f->name);
        if ((f->flags & FF_READONLY) && v)
            json_object_set(changes, f->name, v);
    }
    json_decref(row);
    return rc;
}

static int update(http_req *r)
{
    const struct res_def *def = resource_of(r);
    if (!def)
        return GG_ENOTFOUND;
    int rc = http_require(r, def->name, ACT_UPDATE);
    if (rc)
        return rc;
    json_t *cur, *body, *changes = NULL;
    int64_t id;
    if ((rc = load_in_scope(r, def, &cur, &id)) != 0)
        return rc;
    if ((rc = http_body_json(r, &body)) != 0) {
        json_decref(cur);
        return rc;
    }
    rc = res_validate(def, body, 1, &changes, &r->err);
    json_decref(body);
    if (rc == 0 && def->derive)
        rc = rederive(def, cur, changes, &r->err);
    json_decref(cur);
    if (rc) {
        json_decref(changes);
        return rc;
    }
    const char *np = json_string_value(json_object_get(changes, "place"));
    json_t *p = NULL;
    if (np && !place_in_scope(r->user.place, np))
        rc = http_fail(r, GG_EFORBIDDEN, "place", "place %s is outside your area", np);
    else if (np && store_place_get(r->db, np, &p) != 0)
        rc = http_fail(r, GG_ERULE, "place", "place %s does not exist", np);
    json_decref(p);
    if (rc) {
        json_decref(changes); /* np points into changes */
        return rc;
    }
    if ((rc = store_res_check_refs(r->db, def, changes, r->user.place, &r->err)) != 0 ||
        (rc = store_res_update(r->db, def, id, changes, &r->err)) != 0) {
        json_decref(changes);
        return rc;
    }
    json_t *out;
    if ((rc = store_res_get(r->db, def, id, &out)) != 0) {
        json_decref(changes);
        return http_fail(r, rc, "", "cannot read back the record");
    }
    char *detail = audit_detail(def, changes);
    rc = http_audit(r, "update", def->name, r->params[1],
                    json_string_value(json_object_get(out, "place")), detail);
    free(detail);
    json_decref(changes);
    if (rc) {
        json_decref(out);
        return http_fail(r, rc, "", "cannot write the audit log");
    }
    res_mask_row(def, out, 0, 0);
    return http_reply_json(r, 200, out);
}

const struct http_route http_routes_registry[] = {
    {"GET", "/api/v1/:resource", list, 0},
    {"POST", "/api/v1/:resource", create, 0},
    {"GET", "/api/v1/:resource/:id", get_one, 0},
    {"PATCH", "/api/v1/:resource/:id", update, 0},
    {"PUT", "/api/v1/:resource/:id", update, 0},
    {NULL, NULL, NULL, 0},
};
