/*
 * store_plans.c — grid plans: what planning reads (buildings with their
 * counts, open cases, in-service grids), plan previews, and the statements
 * that apply a plan. The plan itself is computed in src/plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_plans.h"
#include "store_util.h"

/* Counts per building by one grouped query each, then the buildings. */
int store_plan_buildings(db *d, const char *community, struct store_plan_bldg **out, int *n)
{
    char hi[20];
    store_prefix_upper(community, hi, sizeof(hi));
    int64_t count = 0;
    int rc = db_query_i64(d, "SELECT COUNT(*) FROM buildings WHERE place >= $1 AND place < $2",
                          &count, "tt", community, hi);
    if (rc)
        return rc;
    struct store_plan_bldg *b = xcalloc((size_t)count + 1, sizeof(*b));
    db_stmt *s;
    rc = db_run(d,
                "SELECT b.id, b.lat, b.lon, COALESCE(b.estate_id, 0), b.place,"
                " COALESCE(e.name, '') || b.name FROM buildings b"
                " LEFT JOIN estates e ON e.id = b.estate_id"
                " WHERE b.place >= $1 AND b.place < $2 ORDER BY b.id",
                &s, "tt", community, hi);
    int m = 0;
    while (rc == DB_ROW && m < count) {
        struct store_plan_bldg *x = &b[m++];
        x->id = db_col_i64(s, 0);
        x->lat = db_col_double(s, 1);
        x->lon = db_col_double(s, 2);
        x->estate_id = db_col_i64(s, 3);
        gg_strlcpy(x->place, db_col_text(s, 4), sizeof(x->place));
        gg_strlcpy(x->name, db_col_text(s, 5), sizeof(x->name));
        gg_utf8_cut(x->name);
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    /* households and residents per building: rows come in building id order */
    static const char *const counts[2] = {
        "SELECT building_id, COUNT(*) FROM households WHERE place >= $1 AND place < $2"
        " GROUP BY building_id ORDER BY building_id",
        "SELECT h.building_id, COUNT(*) FROM residents r JOIN households h"
        " ON h.id = r.household_id WHERE r.place >= $1 AND r.place < $2"
        " GROUP BY h.building_id ORDER BY h.building_id",
    };
    for (int q = 0; q < 2 && rc >= 0; q++) {
        rc = db_run(d, counts[q], &s, "tt", community, hi);
        int j = 0;
        while (rc == DB_ROW) {
            int64_t bid = db_col_i64(s, 0), c = db_col_i64(s, 1);
            while (j < m && b[j].id < bid)
                j++;
            if (j < m && b[j].id == bid) {
                if (q == 0)
                    b[j].households = (int)c;
                else
                    b[j].residents = (int)c;
            }
            rc = db_step(s);
        }
        if (rc >= 0)
            db_finalize(s);
    }
    if (rc < 0) {
        free(b);
        return rc;
    }
    *out = b;
    *n = m;
    return 0;
}

int store_plan_open_cases(db *d, const char *community, struct store_plan_case **out, int *n)
{
    char hi[20];
    store_prefix_upper(community, hi, sizeof(hi));
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT c.id, c.place, COALESCE(h.building_id, 0), c.lat, c.lon FROM cases c"
                    " LEFT JOIN households h ON h.id = c.household_id"
                    " WHERE c.place >= $1 AND c.place < $2 AND c.closed_at IS NULL ORDER BY c.id",
                    &s, "tt", community, hi);
    size_t cap = 16;
    int m = 0;
    struct store_plan_case *c = xmalloc(sizeof(*c) * cap);
    while (rc == DB_ROW) {
        if ((size_t)m == cap) {
            cap *= 2;
            c = xrealloc(c, sizeof(*c) * cap);
        }
        struct store_plan_case *x = &c[m++];
        x->id = db_col_i64(s, 0);
        gg_strlcpy(x->place, db_col_text(s, 1), sizeof(x->place));
        x->building_id = db_col_i64(s, 2);
        x->lat = db_col_double(s, 3);
        x->lon = db_col_double(s, 4);
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    if (rc < 0) {
        free(c);
        return rc;
    }
    *out = c;
    *n = m;
    return 0;
}

int store_plan_grid_codes(db *d, const char *community, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT code FROM places WHERE parent = $1 AND level = 6 AND retired_at IS NULL"
                    " ORDER BY code",
                    &s, "t", community);
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        json_array_append_new(arr, json_string(db_col_text(s, 0)));
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int store_plan_insert(db *d, const char *scope, const char *params, const char *body,
                      int64_t user_id, int64_t *id)
{
    db_stmt *s;
    /* created_by is NULL for the command line (no user row) */
    int rc = db_run(d,
                    "INSERT INTO plans (scope, state, params, body, created_by, created_at)"
                    " VALUES ($1, 'preview', $2, $3, (SELECT id FROM users WHERE id = $4), $5)"
                    " RETURNING id",
                    &s, "tttii", scope, params, body, user_id, gg_now());
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    if (rc >= 0)
        db_finalize(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : GG_EIO;
}

int store_plan_add_grid(db *d, int64_t plan_id, const char *code, const char *community,
                        const char *name, int64_t households, int64_t residents, int buildings,
                        const char *geometry)
{
    int rc = db_run(d,
                    "INSERT INTO plan_grids (plan_id, code, community, name, households, residents,"
                    " buildings, geometry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    NULL, "itttiiit", plan_id, code, community, name, households, residents,
                    (int64_t)buildings, geometry ? geometry : "");
    return rc < 0 ? rc : 0;
}

int store_plan_add_building(db *d, int64_t plan_id, int64_t building_id, const char *old_place,
                            const char *new_grid)
{
    int rc = db_run(d,
                    "INSERT INTO plan_buildings (plan_id, building_id, old_place, new_grid)"
                    " VALUES ($1, $2, $3, $4)",
                    NULL, "iitt", plan_id, building_id, old_place, new_grid);
    return rc < 0 ? rc : 0;
}

int store_plan_add_team(db *d, int64_t plan_id, const char *old_grid, const char *new_grid)
{
    int rc = db_run(d, "INSERT INTO plan_teams (plan_id, old_grid, new_grid) VALUES ($1, $2, $3)",
                    NULL, "itt", plan_id, old_grid, new_grid);
    return rc < 0 ? rc : 0;
}

static json_t *parse_or_null(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    return v ? v : json_null();
}

int store_plan_get(db *d, int64_t id, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT id, scope, state, created_by, created_at, applied_by, applied_at,"
                    " params, body FROM plans WHERE id = $1",
                    &s, "i", id);
    if (rc == DB_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(db_col_i64(s, 0)));
        json_object_set_new(o, "scope", json_string(db_col_text(s, 1)));
        json_object_set_new(o, "state", json_string(db_col_text(s, 2)));
        json_object_set_new(o, "created_by",
                            db_col_is_null(s, 3) ? json_null() : json_integer(db_col_i64(s, 3)));
        json_object_set_new(o, "created_at", json_integer(db_col_i64(s, 4)));
        json_object_set_new(o, "applied_by",
                            db_col_is_null(s, 5) ? json_null() : json_integer(db_col_i64(s, 5)));
        json_object_set_new(o, "applied_at",
                            db_col_is_null(s, 6) ? json_null() : json_integer(db_col_i64(s, 6)));
        json_object_set_new(o, "params", parse_or_null(db_col_text(s, 7)));
        json_object_set_new(o, "body", parse_or_null(db_col_text(s, 8)));
        *out = o;
    }
    if (rc >= 0)
        db_finalize(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? GG_ENOTFOUND : rc;
}

int store_plan_geometries(db *d, int64_t id, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT code, geometry FROM plan_grids WHERE plan_id = $1 ORDER BY code", &s,
                    "i", id);
    json_t *o = json_object();
    while (rc == DB_ROW) {
        const char *g = db_col_text(s, 1);
        json_object_set_new(o, db_col_text(s, 0), g[0] ? parse_or_null(g) : json_null());
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int store_plan_list(db *d, const char *scope, int64_t before, int limit, json_t **out,
                    int64_t *next)
{
    char hi[20];
    store_prefix_upper(scope, hi, sizeof(hi));
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT id, scope, state, created_by, created_at, applied_by, applied_at,"
                    " (SELECT COUNT(*) FROM plan_grids g WHERE g.plan_id = plans.id) AS grids"
                    " FROM plans WHERE scope >= $1 AND scope < $2 AND ($3 = 0 OR id < $3)"
                    " ORDER BY id DESC LIMIT $4",
                    &s, "ttii", scope, hi, before, (int64_t)limit + 1);
    if (rc < 0)
        return rc;
    return store_collect_page(s, rc, limit, NULL, NULL, out, next);
}

/* One integer of a query bound to the plan id. */
static int plan_count(db *d, const char *sql, int64_t id, int64_t *out)
{
    return db_query_i64(d, sql, out, "i", id);
}

int store_plan_check_fresh(db *d, int64_t id, gg_err *err)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT state FROM plans WHERE id = $1", &s, "i", id);
    if (rc == DB_DONE)
        return gg_fail(err, GG_ENOTFOUND, "id", "plan %lld not found", (long long)id);
    if (rc < 0)
        return rc;
    char state[16];
    gg_strlcpy(state, db_col_text(s, 0), sizeof(state));
    db_finalize(s);
    if (strcmp(state, "preview") != 0)
        return gg_fail(err, GG_ECONFLICT, "id", "plan %lld is %s, not a preview", (long long)id,
                       state);
    int64_t planned, still, now_in, extra_grids, taken;
    if ((rc = plan_count(d, "SELECT COUNT(*) FROM plan_buildings WHERE plan_id = $1", id,
                         &planned)) ||
        (rc = plan_count(
             d,
             "SELECT COUNT(*) FROM plan_buildings pb JOIN buildings b"
             " ON b.id = pb.building_id AND b.place = pb.old_place WHERE pb.plan_id = $1",
             id, &still)) ||
        (rc = plan_count(d,
                         "SELECT COUNT(*) FROM buildings b WHERE substr(b.place, 1, 12) IN"
                         " (SELECT DISTINCT community FROM plan_grids WHERE plan_id = $1)",
                         id, &now_in)) ||
        (rc = plan_count(d,
                         "SELECT COUNT(*) FROM places p WHERE p.level = 6 AND p.retired_at IS NULL"
                         " AND p.parent IN (SELECT DISTINCT community FROM plan_grids"
                         " WHERE plan_id = $1) AND p.code NOT IN (SELECT old_grid FROM plan_teams"
                         " WHERE plan_id = $1)",
                         id, &extra_grids)) ||
        (rc = plan_count(d,
                         "SELECT COUNT(*) FROM places WHERE code IN"
                         " (SELECT code FROM plan_grids WHERE plan_id = $1)",
                         id, &taken)))
        return rc;
    if (still != planned || now_in != planned)
        return gg_fail(err, GG_ECONFLICT, "id",
                       "buildings were added, removed or moved since plan %lld was made: make a "
                       "new plan",
                       (long long)id);
    if (extra_grids)
        return gg_fail(err, GG_ECONFLICT, "id",
                       "grids were added since plan %lld was made: make a new plan", (long long)id);
    if (taken)
        return gg_fail(err, GG_ECONFLICT, "id",
                       "the grid codes of plan %lld are taken: make a new plan", (long long)id);
    return 0;
}

#define MOVED_BUILDINGS                                                                            \
    "SELECT building_id FROM plan_buildings WHERE plan_id = $1 AND new_grid <> old_place"
#define OLD_GRIDS "SELECT old_grid FROM plan_teams WHERE plan_id = $1"

static const struct {
    const char *step;
    const char *sql[4];
} steps[] = {
    {"grids",
     {"INSERT INTO places (code, level, parent, name, short_name, kind, virtual, created_at,"
      " updated_at) SELECT code, 6, community, name, name, 'grid', 0, $2, $2 FROM plan_grids"
      " WHERE plan_id = $1 ORDER BY code"}},
    {"buildings",
     {"UPDATE buildings SET place = (SELECT pb.new_grid FROM plan_buildings pb"
      " WHERE pb.plan_id = $1 AND pb.building_id = buildings.id), updated_at = $2"
      " WHERE id IN (" MOVED_BUILDINGS ")"}},
    {"households",
     {"UPDATE households SET place = (SELECT b.place FROM buildings b"
      " WHERE b.id = households.building_id), updated_at = $2"
      " WHERE building_id IN (" MOVED_BUILDINGS ")",
      "UPDATE residents SET place = (SELECT h.place FROM households h"
      " WHERE h.id = residents.household_id), updated_at = $2"
      " WHERE household_id IN (SELECT h.id FROM households h WHERE h.building_id IN"
      " (" MOVED_BUILDINGS "))",
      "UPDATE owners SET place = (SELECT h.place FROM households h"
      " WHERE h.id = owners.household_id), updated_at = $2"
      " WHERE household_id IN (SELECT h.id FROM households h WHERE h.building_id IN"
      " (" MOVED_BUILDINGS "))"}},
    {"teams",
     {"UPDATE staff SET place = (SELECT t.new_grid FROM plan_teams t WHERE t.plan_id = $1"
      " AND t.old_grid = staff.place), updated_at = $2 WHERE place IN (" OLD_GRIDS ")",
      "UPDATE users SET place = (SELECT t.new_grid FROM plan_teams t WHERE t.plan_id = $1"
      " AND t.old_grid = users.place), updated_at = $2"
      " WHERE resident_id IS NULL AND place IN (" OLD_GRIDS ")",
      "UPDATE users SET place = COALESCE((SELECT r.place FROM residents r"
      " WHERE r.id = users.resident_id), (SELECT t.new_grid FROM plan_teams t"
      " WHERE t.plan_id = $1 AND t.old_grid = users.place)), updated_at = $2"
      " WHERE resident_id IS NOT NULL AND place IN (" OLD_GRIDS ")"}},
    {"estates",
     {"UPDATE estates SET place = (SELECT p.parent FROM places p WHERE p.code = estates.place),"
      " updated_at = $2 WHERE place IN (" OLD_GRIDS ")"}},
    {"retire",
     {"UPDATE places SET retired_at = $2, updated_at = $2 WHERE code IN (" OLD_GRIDS ")"}},
    {"state",
     {"UPDATE plans SET state = 'superseded' WHERE state = 'applied' AND id IN"
      " (SELECT g.plan_id FROM plan_grids g WHERE g.community IN"
      " (SELECT community FROM plan_grids WHERE plan_id = $1))",
      "UPDATE plans SET state = 'stale' WHERE state = 'preview' AND id <> $1 AND id IN"
      " (SELECT g.plan_id FROM plan_grids g WHERE g.community IN"
      " (SELECT community FROM plan_grids WHERE plan_id = $1))",
      "UPDATE plans SET state = 'applied', applied_at = $2,"
      " applied_by = (SELECT id FROM users WHERE id = $3) WHERE id = $1"}},
};

int store_plan_apply_step(db *d, int64_t id, const char *step, int64_t user_id, int64_t now)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(steps); i++) {
        if (strcmp(steps[i].step, step) != 0)
            continue;
        for (int j = 0; j < 4 && steps[i].sql[j]; j++) {
            /* bind as many of (id, now, user) as the statement numbers */
            const char *sql = steps[i].sql[j];
            const char *fmt = strstr(sql, "$3") ? "iii" : strstr(sql, "$2") ? "ii" : "i";
            int rc = db_run(d, sql, NULL, fmt, id, now, user_id);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    return GG_EINVAL;
}

int store_plan_move_case(db *d, int64_t id, int64_t case_id, const char *old_grid,
                         const char *new_grid, int64_t now)
{
    int rc = db_run(d,
                    "UPDATE cases SET place = $2, team_grid = CASE WHEN team_grid IS NULL"
                    " THEN NULL WHEN team_grid IN (SELECT old_grid FROM plan_teams"
                    " WHERE plan_id = $4) THEN $2 ELSE team_grid END,"
                    " version = version + 1, updated_at = $3 WHERE id = $1",
                    NULL, "itii", case_id, new_grid, now, id);
    if (rc < 0)
        return rc;
    char note[96], detail[160];
    snprintf(note, sizeof(note), "网格调整：%s → %s", old_grid, new_grid);
    snprintf(detail, sizeof(detail), "{\"plan_id\":%lld,\"old_grid\":\"%s\",\"new_grid\":\"%s\"}",
             (long long)id, old_grid, new_grid);
    rc = db_run(d,
                "INSERT INTO case_log (case_id, at, actor_id, actor, role, action, from_state,"
                " to_state, note, detail) SELECT id, $2, NULL, 'system', 'system', 'regrid',"
                " state, state, $3, $4 FROM cases WHERE id = $1",
                NULL, "iitt", case_id, now, note, detail);
    if (rc < 0)
        return rc;
    rc = db_run(d,
                "INSERT INTO plan_cases (plan_id, case_id, old_grid, new_grid)"
                " VALUES ($1, $2, $3, $4)",
                NULL, "iitt", id, case_id, old_grid, new_grid);
    return rc < 0 ? rc : 0;
}
