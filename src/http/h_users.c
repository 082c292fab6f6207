/*
 * h_users.c — user accounts, API keys and the audit log:
 *
 *   GET  /api/v1/users              users in the caller's area
 *   POST /api/v1/users {login, password, role, place, display_name}
 *   POST /api/v1/apikeys {name}     a new API key, shown once
 *   DELETE /api/v1/apikeys/{id}     revoke an API key (it stops working at once)
 *   GET  /api/v1/audit              the audit log of the caller's area, newest first
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "limits.h"

static int users_list(http_req *r)
{
    int rc = http_require(r, "users", ACT_READ);
    int limit;
    int64_t after;
    if (rc || (rc = http_page_args(r, &limit, &after)) != 0)
        return rc;
    json_t *rows;
    int64_t next;
    if ((rc = store_user_list(r->db, r->user.place, after, limit, &rows, &next)) != 0)
        return http_fail(r, rc, "", "cannot list users");
    return http_reply_json(r, 200, http_page(rows, next));
}

static int users_create(http_req *r)
{
    int rc = http_require(r, "users", ACT_CREATE);
    json_t *b;
    if (rc || (rc = http_body_json(r, &b)) != 0)
        return rc;
    static const char *const allowed[] = {"login", "password", "role", "place", "display_name"};
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v)
    {
        int ok = 0;
        for (size_t i = 0; i < GG_ARRAY_LEN(allowed); i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok || !json_is_string(v)) {
            rc = http_fail(r, GG_EINVAL, key, ok ? "%s must be a string" : "unknown field %s", key);
            json_decref(b); /* key points into b: format the error first */
            return rc;
        }
    }
    const char *login = json_string_value(json_object_get(b, "login"));
    const char *pw = json_string_value(json_object_get(b, "password"));
    const char *role = json_string_value(json_object_get(b, "role"));
    const char *place = json_string_value(json_object_get(b, "place"));
    const char *dn = json_string_value(json_object_get(b, "display_name"));
    rc = 0;
    if (!login || !*login || strlen(login) > 63)
        rc = http_fail(r, GG_EINVAL, "login", "login is required (1 to 63 bytes)");
    else if (!pw)
        rc = http_fail(r, GG_EINVAL, "password", "password is required");
    else if (role_parse(role) == ROLE_NONE)
        rc = http_fail(r, GG_EINVAL, "role", "role must be one of city_admin, street_admin, "
                                             "community_admin, grid_chief, grid_worker, "
                                             "dept_handler, resident, auditor");
    else if (!place || place_level_of(place) == PLACE_INVALID)
        rc = http_fail(r, GG_EINVAL, "place", "place must be a place code");
    else if (dn && gg_utf8_len(dn) > GG_MAX_NAME)
        rc = http_fail(r, GG_EINVAL, "display_name", "display_name is too long");
    else if (!authz_may_grant(r->role, r->user.place, role_parse(role), place))
        rc = http_fail(r, GG_EFORBIDDEN, "role", "you may not create a %s at %s", role, place);
    if (rc) {
        json_decref(b);
        return rc;
    }
    json_t *p;
    if (store_place_get(r->db, place, &p) != 0) {
        rc = http_fail(r, GG_ERULE, "place", "place %s does not exist", place);
        json_decref(b);
        return rc;
    }
    json_decref(p);
    int64_t id;
    rc = store_user_add(r->db, login, pw, role, place, dn, &id, &r->err);
    if (rc == 0) {
        char ids[24];
        snprintf(ids, sizeof(ids), "%lld", (long long)id);
        if ((rc = http_audit(r, "create", "users", ids, place, role)) != 0)
            http_fail(r, rc, "", "cannot write the audit log");
    }
    json_t *out = rc ? NULL
                     : json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "login",
                                 login, "role", role, "place", place, "display_name",
                                 dn ? dn : "");
    json_decref(b);
    return rc ? rc : http_reply_json(r, 201, out);
}

static int apikeys_create(http_req *r)
{
    int rc = http_require(r, "apikeys", ACT_CREATE);
    json_t *b;
    if (rc || (rc = http_body_json(r, &b)) != 0)
        return rc;
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!name || !*name || gg_utf8_len(name) > GG_MAX_NAME || json_object_size(b) != 1) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "name", "name is required and is the only field");
    }
    int64_t id;
    char key[68];
    rc = store_apikey_add(r->db, name, &id, key);
    if (rc == 0) {
        char ids[24];
        snprintf(ids, sizeof(ids), "%lld", (long long)id);
        rc = http_audit(r, "create", "apikeys", ids, "", name);
    }
    json_t *out =
        rc ? NULL : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "key", key);
    json_decref(b);
    sodium_memzero(key, sizeof(key));
    if (rc)
        return http_fail(r, rc, "", "cannot create API key");
    return http_reply_json(r, 201, out);
}

static int apikeys_revoke(http_req *r)
{
    int rc = http_require(r, "apikeys", ACT_UPDATE);
    int64_t id;
    if (rc)
        return rc;
    if (gg_parse_i64(r->params[0], 1, INT64_MAX, &id) != 0)
        return http_fail(r, GG_ENOTFOUND, "id", "no API key %.32s", r->params[0]);
    rc = store_apikey_revoke(r->db, id);
    if (rc == GG_ENOTFOUND)
        return http_fail(r, rc, "id", "no API key %lld", (long long)id);
    if (rc == 0)
        rc = http_audit(r, "revoke", "apikeys", r->params[0], "", "");
    if (rc)
        return http_fail(r, rc, "", "cannot revoke the API key");
    return http_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

static int audit_list(http_req *r)
{
    int rc = http_require(r, "audit", ACT_READ);
    int limit;
    int64_t after;
    if (rc || (rc = http_page_args(r, &limit, &after)) != 0)
        return rc;
    json_t *rows;
    int64_t next;
    if ((rc = store_audit_list(r->db, r->user.place, after, limit, &rows, &next)) != 0)
        return http_fail(r, rc, "", "cannot read the audit log");
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0) {
        if ((rc = http_require(r, "audit", ACT_EXPORT)) != 0) {
            json_decref(rows);
            return rc;
        }
        static const char *const cols[] = {"id",       "at",        "login", "action",
                                           "resource", "object_id", "place", "detail"};
        static const char *const labels[] = {"序号", "时间", "账号",   "操作",
                                             "对象", "编号", "区划", "详情"};
        return http_reply_table(r, format, "audit", rows, cols, labels, 8);
    }
    return http_reply_json(r, 200, http_page(rows, next));
}

const struct http_route http_routes_users[] = {
    {"GET", "/api/v1/users", users_list, 0},
    {"POST", "/api/v1/users", users_create, 0},
    {"POST", "/api/v1/apikeys", apikeys_create, 0},
    {"DELETE", "/api/v1/apikeys/:id", apikeys_revoke, 0},
    {"GET", "/api/v1/audit", audit_list, 0},
    {NULL, NULL, NULL, 0},
};
