/*
 * store_registry.c — create, read, update, list and search for every
 * registry resource, driven by its res_def. Column names are the field
 * names of the definition (never request text), values are always bound.
 */
#include <stdio.h>
#include <string.h>

#include "area.h"
#include "store.h"
#include "store_util.h"

#define SQL_MAX 4096

/* Name of the column a uniqueness failure names ("… failed: residents.id_number"). */
static void conflict_field(db *d, char *out, size_t n)
{
    const char *m = db_errmsg(d);
    const char *dot = strrchr(m, '.');
    gg_strlcpy(out, dot ? dot + 1 : "", n);
    char *comma = strchr(out, ',');
    if (comma)
        *comma = '\0';
}

static int bind_json(db_stmt *s, int idx, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return db_bind_i64(s, idx, json_integer_value(v));
    case JSON_REAL:
        return db_bind_double(s, idx, json_real_value(v));
    case JSON_STRING:
        return db_bind_text(s, idx, json_string_value(v));
    case JSON_TRUE:
        return db_bind_i64(s, idx, 1);
    case JSON_FALSE:
        return db_bind_i64(s, idx, 0);
    default:
        return db_bind_null(s, idx);
    }
}

/* Is key a column the store may write for def? */
static int writable_column(const struct res_def *def, const char *key)
{
    return res_field(def, key) || strcmp(key, "place") == 0 || strcmp(key, "id_tail") == 0 ||
           strcmp(key, "phone_tail") == 0;
}

static const struct res_def *ref_def(const struct res_field *f)
{
    return f->ref ? res_find(f->ref) : NULL;
}

int store_res_parent_place(db *d, const struct res_def *def, int64_t parent_id, char out[16])
{
    const struct res_field *f = res_field(def, def->place_from);
    const struct res_def *pd = f ? ref_def(f) : NULL;
    if (!pd)
        return GG_EINVAL;
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT place FROM %s WHERE id = $1", pd->table);
    db_stmt *s;
    int rc = db_run(d, sql, &s, "i", parent_id);
    if (rc == DB_ROW)
        gg_strlcpy(out, db_col_text(s, 0), 16);
    if (rc >= 0)
        db_finalize(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? GG_ENOTFOUND : rc;
}

int store_res_check_refs(db *d, const struct res_def *def, const json_t *row, const char *scope,
                         gg_err *err)
{
    for (int i = 0; i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        const json_t *v = json_object_get(row, f->name);
        if (f->type != FT_REF || !json_is_integer(v))
            continue;
        const struct res_def *rd = ref_def(f);
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT place FROM %s WHERE id = $1", rd->table);
        db_stmt *s;
        int rc = db_run(d, sql, &s, "i", (int64_t)json_integer_value(v));
        if (rc < 0)
            return rc;
        int ok = rc == DB_ROW && place_in_scope(scope, db_col_text(s, 0));
        db_finalize(s);
        if (!ok)
            return gg_fail(err, GG_ERULE, f->name, "%s %lld does not exist in your area", f->name,
                           (long long)json_integer_value(v));
    }
    return 0;
}

int store_res_insert(db *d, const struct res_def *def, const json_t *row, int64_t *id,
                     gg_err *err)
{
    gg_buf cols, vals;
    gg_buf_init(&cols, SQL_MAX);
    gg_buf_init(&vals, SQL_MAX);
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach((json_t *)row, key, v)
    {
        if (!writable_column(def, key) && strcmp(key, "owner_key") != 0)
            continue;
        n++;
        gg_buf_printf(&cols, "%s, ", key);
        gg_buf_printf(&vals, "$%d, ", n);
    }
    char sql[SQL_MAX * 2 + 200];
    snprintf(sql, sizeof(sql),
             "INSERT INTO %s (%screated_at, updated_at) VALUES (%s$%d, $%d) RETURNING id",
             def->table, cols.data ? cols.data : "", vals.data ? vals.data : "", n + 1, n + 1);
    gg_buf_free(&cols);
    gg_buf_free(&vals);
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return gg_fail(err, rc, "", "cannot prepare insert into %s", def->table);
    int i = 0;
    json_object_foreach((json_t *)row, key, v)
    {
        if (!writable_column(def, key) && strcmp(key, "owner_key") != 0)
            continue;
        bind_json(s, ++i, v);
    }
    db_bind_i64(s, n + 1, gg_now());
    rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        db_step(s);
        rc = 0;
    } else if (rc == GG_ECONFLICT) {
        char field[64];
        conflict_field(d, field, sizeof(field));
        gg_fail(err, rc, field, "a %s record with the same %s already exists", def->name,
                field[0] ? field : "key");
    } else {
        gg_fail(err, rc < 0 ? rc : GG_EIO, "", "insert into %s failed: %s", def->table,
                db_errmsg(d));
        rc = rc < 0 ? rc : GG_EIO;
    }
    db_finalize(s);
    return rc;
}

/*
 * Rows that inherit their place from a row of def (households from a
 * building, residents and owners from a household) follow it when it moves:
 * ids is SQL selecting the moved rows of def ("$2" for the top row).
 */
static int cascade_place(db *d, const struct res_def *def, const char *ids, const char *place,
                         int64_t id, int depth)
{
    if (depth > 4)
        return 0;
    for (int i = 0; i < res_count; i++) {
        const struct res_def *c = res_all[i];
        const struct res_field *f = c->place_from ? res_field(c, c->place_from) : NULL;
        if (!f || !f->ref || strcmp(f->ref, def->name) != 0)
            continue;
        char sql[1024], sub[900];
        snprintf(sql, sizeof(sql), "UPDATE %s SET place = $1, updated_at = $3 WHERE %s IN (%s)",
                 c->table, f->name, ids);
        int rc = db_run(d, sql, NULL, "tii", place, id, gg_now());
        if (rc < 0)
            return rc;
        snprintf(sub, sizeof(sub), "SELECT id FROM %s WHERE %s IN (%s)", c->table, f->name, ids);
        if ((rc = cascade_place(d, c, sub, place, id, depth + 1)) != 0)
            return rc;
    }
    return 0;
}

int store_res_update(db *d, const struct res_def *def, int64_t id, const json_t *changes,
                     gg_err *err)
{
    gg_buf set;
    gg_buf_init(&set, SQL_MAX);
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach((json_t *)changes, key, v)
    {
        if (!writable_column(def, key))
            continue;
        n++;
        gg_buf_printf(&set, "%s = $%d, ", key, n);
    }
    char sql[SQL_MAX + 200];
    snprintf(sql, sizeof(sql), "UPDATE %s SET %supdated_at = $%d WHERE id = $%d", def->table,
             set.data ? set.data : "", n + 1, n + 2);
    gg_buf_free(&set);
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return gg_fail(err, rc, "", "cannot prepare update of %s", def->table);
    int i = 0;
    json_object_foreach((json_t *)changes, key, v)
    {
        if (!writable_column(def, key))
            continue;
        bind_json(s, ++i, v);
    }
    db_bind_i64(s, n + 1, gg_now());
    db_bind_i64(s, n + 2, id);
    rc = db_step(s);
    db_finalize(s);
    if (rc == GG_ECONFLICT) {
        char field[64];
        conflict_field(d, field, sizeof(field));
        return gg_fail(err, rc, field, "a %s record with the same %s already exists", def->name,
                       field[0] ? field : "key");
    }
    if (rc < 0)
        return gg_fail(err, rc, "", "update of %s failed", def->table);
    if (db_changes(d) == 0)
        return gg_fail(err, GG_ENOTFOUND, "id", "%s %lld not found", def->name, (long long)id);
    const char *place = json_string_value(json_object_get(changes, "place"));
    if (place && (rc = cascade_place(d, def, "$2", place, id, 0)) != 0)
        return gg_fail(err, rc, "place", "cannot move the records of %s %lld", def->name,
                       (long long)id);
    return 0;
}

/* Turn stored values into API values: booleans, and areas also as "89.50". */
static void row_out(const struct res_def *def, json_t *row)
{
    for (int i = 0; i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        json_t *v = json_object_get(row, f->name);
        if (!v)
            continue;
        if (f->type == FT_BOOL && json_is_integer(v)) {
            json_object_set_new(row, f->name, json_boolean(json_integer_value(v)));
        } else if (f->type == FT_AREA && json_is_integer(v)) {
            char a[32];
            area_format(json_integer_value(v), a, sizeof(a));
            json_object_set_new(row, "area", json_string(a));
        }
    }
}

static void row_fix(json_t *row, const void *def)
{
    row_out(def, row);
}

int store_res_get(db *d, const struct res_def *def, int64_t id, json_t **out)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE id = $1", def->table);
    db_stmt *s;
    int rc = db_run(d, sql, &s, "i", id);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW) {
        *out = store_row_json(s);
        row_out(def, *out);
    }
    db_finalize(s);
    return rc == DB_ROW ? 0 : GG_ENOTFOUND;
}

int store_res_list(db *d, const struct res_def *def, const struct res_query *q, json_t **out,
                   int64_t *next)
{
    gg_buf w;
    gg_buf_init(&w, SQL_MAX);
    const char *binds[24];
    int nb = 0;
    char hi[20], phi[20], like[256];
    store_prefix_upper(q->scope, hi, sizeof(hi));
    binds[nb++] = q->scope;
    binds[nb++] = hi;
    gg_buf_printf(&w, "place >= $1 AND place < $2");
    if (q->place && *q->place) {
        store_prefix_upper(q->place, phi, sizeof(phi));
        binds[nb++] = q->place;
        binds[nb++] = phi;
        gg_buf_printf(&w, " AND place >= $%d AND place < $%d", nb - 1, nb);
    }
    if (q->q && *q->q) {
        store_like_pattern(q->q, like, sizeof(like));
        binds[nb++] = like;
        gg_buf_puts(&w, " AND (");
        int first = 1;
        for (int i = 0; i < def->nfields; i++) {
            if (!(def->fields[i].flags & FF_SEARCH))
                continue;
            gg_buf_printf(&w, "%s%s LIKE $%d ESCAPE '\\'", first ? "" : " OR ",
                          def->fields[i].name, nb);
            first = 0;
        }
        gg_buf_puts(&w, ")");
    }
    if (q->phone_tail && *q->phone_tail) {
        binds[nb++] = q->phone_tail;
        gg_buf_printf(&w, " AND phone_tail = $%d", nb);
    }
    if (q->id_tail && *q->id_tail) {
        binds[nb++] = q->id_tail;
        gg_buf_printf(&w, " AND id_tail = $%d", nb);
    }
    int64_t ivals[8];
    int isint[24] = {0};
    for (int i = 0; i < q->nfilters && i < 8; i++) {
        const struct res_field *f = res_field(def, q->filter_names[i]);
        if (!f || !(f->flags & FF_FILTER))
            continue;
        binds[nb++] = q->filter_values[i];
        if (f->type == FT_REF || f->type == FT_INT || f->type == FT_BOOL) {
            const char *fv = q->filter_values[i];
            int64_t iv = 0;
            if (f->type == FT_BOOL)
                iv = strcmp(fv, "true") == 0 || strcmp(fv, "1") == 0;
            else
                gg_parse_i64(fv, INT64_MIN, INT64_MAX, &iv);
            ivals[i] = iv;
            isint[nb - 1] = i + 1;
        }
        gg_buf_printf(&w, " AND %s = $%d", f->name, nb);
    }
    char sql[SQL_MAX + 200];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE %s AND id > $%d ORDER BY id LIMIT $%d",
             def->table, w.data, nb + 1, nb + 2);
    gg_buf_free(&w);
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return rc;
    for (int i = 0; i < nb; i++) {
        if (isint[i])
            db_bind_i64(s, i + 1, ivals[isint[i] - 1]);
        else
            db_bind_text(s, i + 1, binds[i]);
    }
    db_bind_i64(s, nb + 1, q->after);
    db_bind_i64(s, nb + 2, (int64_t)q->limit + 1);
    return store_collect_page(s, db_step(s), q->limit, row_fix, def, out, next);
}
