/*
 * h_places.c — the place tree and grids:
 *
 *   GET  /api/v1/places[?level=street|community|grid&q=&parent=]   places in scope
 *   GET  /api/v1/places/:code                                      one place
 *   GET  /api/v1/places/:code/children                             its children
 *   GET  /api/v1/grids[?place=]            grids with household/resident counts and team
 *   POST /api/v1/grids {"community", "name"}   a new grid numbered after the last one
 *   GET  /api/v1/grids/:code               one grid with its counts
 *   GET  /api/v1/teams[?place=]            each grid's "1+2+X" team, complete or not
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "limits.h"

static int parse_level(const char *s)
{
    static const char *const names[] = {"county", "street", "community", "grid"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return PLACE_COUNTY + i;
    return -1;
}

/* May the caller see place code? Places above the caller are visible as ancestors. */
static int visible(const http_req *r, const char *code)
{
    return place_in_scope(r->user.place, code) || place_in_scope(code, r->user.place);
}

static int places_list(http_req *r)
{
    int rc = http_require(r, "places", ACT_READ);
    if (rc)
        return rc;
    const char *lv = http_arg_get(r, "level");
    const char *parent = http_arg_get(r, "parent");
    int level = 0;
    if (lv && (level = parse_level(lv)) < 0)
        return http_fail(r, GG_EINVAL, "level", "level must be county, street, community or grid");
    const char *scope = r->user.place;
    if (parent) {
        if (place_level_of(parent) == PLACE_INVALID)
            return http_fail(r, GG_EINVAL, "parent", "parent must be a place code");
        if (!place_in_scope(r->user.place, parent) && !place_in_scope(parent, r->user.place))
            return http_fail(r, GG_ENOTFOUND, "parent", "place %s not found", parent);
        if (place_in_scope(r->user.place, parent))
            scope = parent;
    }
    const char *q = http_arg_get(r, "q");
    if (q && gg_utf8_len(q) > GG_MAX_NAME)
        return http_fail(r, GG_EINVAL, "q", "q is too long");
    json_t *rows;
    if ((rc = store_place_list(r->db, scope, level, q, NULL, GG_EXPORT_MAX, &rows)) != 0)
        return http_fail(r, rc, "", "cannot list places");
    return http_reply_json(r, 200, json_pack("{s:o, s:n}", "items", rows, "next"));
}

static int places_get(http_req *r)
{
    int rc = http_require(r, "places", ACT_READ);
    if (rc)
        return rc;
    const char *code = r->params[0];
    json_t *p;
    if (place_level_of(code) == PLACE_INVALID || !visible(r, code) ||
        store_place_get(r->db, code, &p) != 0)
        return http_fail(r, GG_ENOTFOUND, "code", "place %.20s not found", code);
    return http_reply_json(r, 200, p);
}

static int places_children(http_req *r)
{
    int rc = http_require(r, "places", ACT_READ);
    if (rc)
        return rc;
    const char *code = r->params[0];
    json_t *p;
    if (place_level_of(code) == PLACE_INVALID || !visible(r, code) ||
        store_place_get(r->db, code, &p) != 0)
        return http_fail(r, GG_ENOTFOUND, "code", "place %.20s not found", code);
    json_decref(p);
    json_t *rows;
    if ((rc = store_place_children(r->db, code, &rows)) != 0)
        return http_fail(r, rc, "", "cannot list places");
    /* Of an ancestor's children, show only the branch leading to the caller. */
    if (!place_in_scope(r->user.place, code)) {
        json_t *kept = json_array();
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) if (visible(r, json_string_value(json_object_get(row, "code"))))
            json_array_append(kept, row);
        json_decref(rows);
        rows = kept;
    }
    return http_reply_json(r, 200, json_pack("{s:o, s:n}", "items", rows, "next"));
}

static int grids_list(http_req *r)
{
    int rc = http_require(r, "grids", ACT_READ);
    const char *scope;
    if (rc || (rc = http_place_arg(r, &scope)) != 0)
        return rc;
    json_t *rows;
    if ((rc = store_grid_stats(r->db, scope, &rows)) != 0)
        return http_fail(r, rc, "", "cannot list grids");
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0) {
        if ((rc = http_require(r, "grids", ACT_EXPORT)) != 0) {
            json_decref(rows);
            return rc;
        }
        static const char *const cols[] = {"code", "name", "community", "households",
                                           "residents", "buildings"};
        static const char *const labels[] = {"网格编码", "网格名称", "所属社区", "户数",
                                             "人口", "楼栋数"};
        return http_reply_table(r, format, "grids", rows, cols, labels, 6);
    }
    return http_reply_json(r, 200, json_pack("{s:o, s:n}", "items", rows, "next"));
}

static int grids_get(http_req *r)
{
    int rc = http_require(r, "grids", ACT_READ);
    if (rc)
        return rc;
    const char *code = r->params[0];
    if (place_level_of(code) != PLACE_GRID || !place_in_scope(r->user.place, code))
        return http_fail(r, GG_ENOTFOUND, "code", "grid %.20s not found", code);
    json_t *rows;
    if ((rc = store_grid_stats(r->db, code, &rows)) != 0)
        return http_fail(r, rc, "", "cannot read grid");
    if (json_array_size(rows) != 1) {
        json_decref(rows);
        return http_fail(r, GG_ENOTFOUND, "code", "grid %.20s not found", code);
    }
    json_t *g = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return http_reply_json(r, 200, g);
}

static int grids_create(http_req *r)
{
    int rc = http_require(r, "grids", ACT_CREATE);
    if (rc)
        return rc;
    json_t *b;
    if ((rc = http_body_json(r, &b)) != 0)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) if (strcmp(key, "community") != 0 && strcmp(key, "name") != 0)
    {
        rc = http_fail(r, GG_EINVAL, key, "unknown field %s", key);
        json_decref(b); /* key points into b: format the error first */
        return rc;
    }
    const char *community = json_string_value(json_object_get(b, "community"));
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!community || place_level_of(community) != PLACE_COMMUNITY) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "community", "community must be a 12-digit community code");
    }
    if (json_object_get(b, "name") && (!name || !*name || gg_utf8_len(name) > GG_MAX_NAME)) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "name", "name must be a string of 1 to %d characters",
                         GG_MAX_NAME);
    }
    /* community points into b: every error below is formatted before b is freed */
    if (!place_in_scope(r->user.place, community)) {
        rc = http_fail(r, GG_EFORBIDDEN, "community", "community %s is outside your area",
                       community);
        json_decref(b);
        return rc;
    }
    json_t *cp;
    if (store_place_get(r->db, community, &cp) != 0) {
        rc = http_fail(r, GG_ERULE, "community", "community %s does not exist", community);
        json_decref(b);
        return rc;
    }
    int serial;
    if ((rc = store_grid_next_serial(r->db, community, &serial)) != 0) {
        rc = http_fail(r, GG_ERULE, "community", "community %s has 999 grids already", community);
        json_decref(b);
        json_decref(cp);
        return rc;
    }
    struct place_row p = {.level = PLACE_GRID, .kind = "grid"};
    place_grid_code(community, serial, p.code);
    gg_strlcpy(p.parent, community, sizeof(p.parent));
    char defname[160];
    snprintf(defname, sizeof(defname), "%s第%d网格",
             json_string_value(json_object_get(cp, "short_name")), serial);
    p.name = name ? name : defname;
    p.short_name = p.name;
    rc = store_place_put(r->db, &p);
    json_decref(cp);
    if (rc == 0)
        rc = http_audit(r, "create", "grids", p.code, p.code, p.name);
    json_decref(b);
    if (rc)
        return http_fail(r, rc, "", "cannot create grid");
    json_t *out;
    store_place_get(r->db, p.code, &out);
    return http_reply_json(r, 201, out);
}

static int teams_list(http_req *r)
{
    int rc = http_require(r, "teams", ACT_READ);
    const char *scope;
    if (rc || (rc = http_place_arg(r, &scope)) != 0)
        return rc;
    json_t *rows;
    if ((rc = store_grid_stats(r->db, scope, &rows)) != 0)
        return http_fail(r, rc, "", "cannot list teams");
    json_t *out = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(rows, i, g)
    {
        json_t *t = json_deep_copy(json_object_get(g, "team"));
        json_object_set(t, "grid", json_object_get(g, "code"));
        json_object_set(t, "name", json_object_get(g, "name"));
        json_array_append_new(out, t);
    }
    json_decref(rows);
    return http_reply_json(r, 200, json_pack("{s:o, s:n}", "items", out, "next"));
}

const struct http_route http_routes_places[] = {
    {"GET", "/api/v1/places", places_list, 0},
    {"GET", "/api/v1/places/:code", places_get, 0},
    {"GET", "/api/v1/places/:code/children", places_children, 0},
    {"GET", "/api/v1/grids", grids_list, 0},
    {"POST", "/api/v1/grids", grids_create, 0},
    {"GET", "/api/v1/grids/:code", grids_get, 0},
    {"GET", "/api/v1/teams", teams_list, 0},
    {NULL, NULL, NULL, 0},
};
