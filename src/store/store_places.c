/*
 * store_places.c — the place tree (county, streets, communities, grids) and
 * store_open, which opens a database and migrates it.
 */
#include <stdio.h>
#include <string.h>

#include "migrate.h"
#include "store.h"
#include "store_util.h"

int store_open(const char *url, db **out, gg_err *err)
{
    db *d;
    int rc = db_open(url, &d, err);
    if (rc)
        return rc;
    if ((rc = migrate_up(d, err)) != 0) {
        db_close(d);
        return rc;
    }
    *out = d;
    return 0;
}

int store_place_put(db *d, const struct place_row *p)
{
    int64_t now = gg_now();
    db_stmt *s;
    int rc = db_prepare(d,
                    "INSERT INTO places (code, level, parent, name, short_name, kind, virtual,"
                    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
                    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                    " short_name = excluded.short_name, kind = excluded.kind,"
                    " virtual = excluded.virtual, updated_at = excluded.updated_at",
                    &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, p->code);
    db_bind_i64(s, 2, p->level);
    db_bind_text(s, 3, p->parent[0] ? p->parent : NULL);
    db_bind_text(s, 4, p->name);
    db_bind_text(s, 5, p->short_name);
    db_bind_text(s, 6, p->kind);
    db_bind_i64(s, 7, p->is_virtual);
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? rc : 0;
}

#define PLACE_COLS "code, level, parent, name, short_name, kind, virtual"

static json_t *place_json(db_stmt *s)
{
    return json_pack("{s:s, s:I, s:s?, s:s, s:s, s:s, s:b}", "code", db_col_text(s, 0), "level",
                     (json_int_t)db_col_i64(s, 1), "parent",
                     db_col_is_null(s, 2) ? NULL : db_col_text(s, 2), "name", db_col_text(s, 3),
                     "short_name", db_col_text(s, 4), "kind", db_col_text(s, 5), "virtual",
                     (int)db_col_i64(s, 6));
}

int store_place_get(db *d, const char *code, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " PLACE_COLS " FROM places WHERE code = $1", &s, "t", code);
    if (rc == DB_ROW)
        *out = place_json(s);
    if (rc >= 0)
        db_finalize(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? GG_ENOTFOUND : rc;
}

static int collect(db_stmt *s, int rc, json_t **out, int limit)
{
    json_t *arr = json_array();
    while (rc == DB_ROW && (limit <= 0 || (int)json_array_size(arr) < limit)) {
        json_array_append_new(arr, place_json(s));
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int store_place_children(db *d, const char *parent, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " PLACE_COLS " FROM places WHERE parent = $1 ORDER BY code", &s,
                    "t", parent);
    if (rc < 0)
        return rc;
    return collect(s, rc, out, 0);
}

int store_place_list(db *d, const char *scope, int level, const char *q, const char *after,
                     int limit, json_t **out)
{
    char hi[20];
    store_prefix_upper(scope, hi, sizeof(hi));
    char like[200];
    store_like_pattern(q ? q : "", like, sizeof(like));
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT " PLACE_COLS " FROM places WHERE code >= $1 AND code < $2"
                    " AND ($3 = 0 OR level = $3) AND ($4 = '' OR name LIKE $5 ESCAPE '\\')"
                    " AND code > $6 ORDER BY code LIMIT $7",
                    &s, "ttittti", scope, hi, (int64_t)level, q ? q : "", like,
                    after ? after : "", (int64_t)limit);
    if (rc < 0)
        return rc;
    return collect(s, rc, out, 0);
}

int store_grid_next_serial(db *d, const char *community, int *serial)
{
    int64_t max = 0;
    int rc = db_query_i64(d,
                          "SELECT COALESCE(MAX(CAST(substr(code, 13, 3) AS INTEGER)), 0)"
                          " FROM places WHERE parent = $1 AND level = 6",
                          &max, "t", community);
    if (rc)
        return rc;
    if (max >= 999)
        return GG_ERULE;
    *serial = (int)max + 1;
    return 0;
}

int store_grid_stats(db *d, const char *scope, json_t **out)
{
    char hi[20];
    store_prefix_upper(scope, hi, sizeof(hi));
    db_stmt *s;
    int rc = db_run(
        d,
        "SELECT p.code, p.name, p.parent,"
        " (SELECT COUNT(*) FROM households h WHERE h.place = p.code),"
        " (SELECT COUNT(*) FROM residents r WHERE r.place = p.code),"
        " (SELECT COUNT(*) FROM buildings b WHERE b.place = p.code),"
        " (SELECT COUNT(*) FROM staff t WHERE t.place = p.code AND t.role = 'grid_chief'),"
        " (SELECT COUNT(*) FROM staff t WHERE t.place = p.code AND t.role = 'fulltime'),"
        " (SELECT COUNT(*) FROM staff t WHERE t.place = p.code AND t.role = 'parttime'),"
        " (SELECT COUNT(*) FROM staff t WHERE t.place = p.code"
        "   AND t.role IN ('volunteer', 'wulao'))"
        " FROM places p WHERE p.level = 6 AND p.retired_at IS NULL AND p.code >= $1 AND p.code < $2"
        " ORDER BY p.code",
        &s, "tt", scope, hi);
    if (rc < 0)
        return rc;
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        int64_t chief = db_col_i64(s, 6), full = db_col_i64(s, 7), part = db_col_i64(s, 8),
                vol = db_col_i64(s, 9);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:b}}", "code",
                           db_col_text(s, 0), "name", db_col_text(s, 1), "community",
                           db_col_text(s, 2), "households", (json_int_t)db_col_i64(s, 3),
                           "residents", (json_int_t)db_col_i64(s, 4), "buildings",
                           (json_int_t)db_col_i64(s, 5), "team", "grid_chief", (json_int_t)chief,
                           "fulltime", (json_int_t)full, "parttime", (json_int_t)part,
                           "volunteers", (json_int_t)vol, "complete",
                           chief >= 1 && full + part >= 2 && vol >= 1));
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}
