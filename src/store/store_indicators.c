/*
 * store_indicators.c — the materialised indicator counters: moving a case's
 * contribution on every write of its row, the roll-ups by place, worker,
 * category and month, and the rebuild and check from the cases table.
 * Contracts in store_indicators.h; the contribution rule in
 * src/core/indicator_case.h.
 *
 * Sums are added up in C rather than by GROUP BY: the rows come back in
 * any order and land in a small hash table of groups, which costs one pass
 * and no sort.
 */
#include "store_indicators.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_flow.h"
#include "indicator.h"
#include "indicator_case.h"
#include "store_util.h"

/* ---- counters as columns ---- */

#define COUNTER_COLS                                                                               \
    "due, closed, closed_on_time, handling_minutes_sum, dispatched, returned, extended,"           \
    " reopened, rated, rating_sum, rating_4_5"
#define NCOUNTERS 11
#define SUM_COLS                                                                                   \
    "SUM(due), SUM(closed), SUM(closed_on_time), SUM(handling_minutes_sum), SUM(dispatched),"      \
    " SUM(returned), SUM(extended), SUM(reopened), SUM(rated), SUM(rating_sum), SUM(rating_4_5)"

static const struct {
    const char *name; /* column, and key in the API's JSON */
    size_t off;
} counters[NCOUNTERS] = {
    {"due", offsetof(struct case_counters, due)},
    {"closed", offsetof(struct case_counters, closed)},
    {"closed_on_time", offsetof(struct case_counters, closed_on_time)},
    {"handling_minutes_sum", offsetof(struct case_counters, handling_minutes_sum)},
    {"dispatched", offsetof(struct case_counters, dispatched)},
    {"returned", offsetof(struct case_counters, returned)},
    {"extended", offsetof(struct case_counters, extended)},
    {"reopened", offsetof(struct case_counters, reopened)},
    {"rated", offsetof(struct case_counters, rated)},
    {"rating_sum", offsetof(struct case_counters, rating_sum)},
    {"rating_4_5", offsetof(struct case_counters, rating_4_5)},
};

static int64_t *counter(struct case_counters *c, int i)
{
    return (int64_t *)((char *)c + counters[i].off);
}

static int64_t counter_get(const struct case_counters *c, int i)
{
    return *(const int64_t *)((const char *)c + counters[i].off);
}

/* Read the counters from columns first.. of the current row. */
static void counters_from_row(db_stmt *s, int first, struct case_counters *c)
{
    for (int i = 0; i < NCOUNTERS; i++)
        *counter(c, i) = db_col_i64(s, first + i);
}

/* Bind the counters to parameters $first.. */
static void counters_bind(db_stmt *s, int first, const struct case_counters *c)
{
    for (int i = 0; i < NCOUNTERS; i++)
        db_bind_i64(s, first + i, counter_get(c, i));
}

/* ---- sums keyed by text: a small open-addressing hash table ---- */

struct sums {
    size_t n, cap; /* entries */
    char **key;    /* owned */
    struct case_counters *c;
    int64_t *aux;   /* per entry, for the caller (seen flags) */
    size_t nslot;   /* power of two, at least twice n */
    uint32_t *slot; /* 0 empty, else entry index + 1 */
};

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void sums_free(struct sums *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->key[i]);
    free(m->key);
    free(m->c);
    free(m->aux);
    free(m->slot);
    memset(m, 0, sizeof(*m));
}

/* Index of key, or -1. */
static ptrdiff_t sums_find(const struct sums *m, const char *key)
{
    if (!m->nslot)
        return -1;
    for (size_t i = hash_text(key) & (m->nslot - 1);; i = (i + 1) & (m->nslot - 1)) {
        uint32_t e = m->slot[i];
        if (!e)
            return -1;
        if (strcmp(m->key[e - 1], key) == 0)
            return (ptrdiff_t)(e - 1);
    }
}

static void sums_rehash(struct sums *m, size_t nslot)
{
    free(m->slot);
    m->nslot = nslot;
    m->slot = xcalloc(nslot, sizeof(*m->slot));
    for (size_t e = 0; e < m->n; e++) {
        size_t i = hash_text(m->key[e]) & (nslot - 1);
        while (m->slot[i])
            i = (i + 1) & (nslot - 1);
        m->slot[i] = (uint32_t)(e + 1);
    }
}

/* Index of key, added with zero counters if absent. */
static size_t sums_at(struct sums *m, const char *key)
{
    ptrdiff_t f = sums_find(m, key);
    if (f >= 0)
        return (size_t)f;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->key = xrealloc(m->key, m->cap * sizeof(*m->key));
        m->c = xrealloc(m->c, m->cap * sizeof(*m->c));
        m->aux = xrealloc(m->aux, m->cap * sizeof(*m->aux));
    }
    size_t e = m->n++;
    m->key[e] = xstrdup(key);
    memset(&m->c[e], 0, sizeof(m->c[e]));
    m->aux[e] = 0;
    if (2 * m->n > m->nslot)
        sums_rehash(m, m->nslot ? m->nslot * 2 : 128);
    else {
        size_t i = hash_text(key) & (m->nslot - 1);
        while (m->slot[i])
            i = (i + 1) & (m->nslot - 1);
        m->slot[i] = (uint32_t)(e + 1);
    }
    return e;
}

/* Add c into the entry of key; GG_EIO if a total leaves the counters' range. */
static int sums_add(struct sums *m, const char *key, const struct case_counters *c)
{
    size_t e = sums_at(m, key); /* may move m->c */
    return indicator_add(&m->c[e], c) == 0 ? 0 : GG_EIO;
}

/* ---- one case's contribution ---- */

static pthread_once_t cal_once = PTHREAD_ONCE_INIT;
static workcal *cal_all; /* for the life of the process */

static void cal_init(void)
{
    cal_all = indicator_calendar_new();
}

static const workcal *calendar(void)
{
    pthread_once(&cal_once, cal_init);
    return cal_all;
}

#define CASE_COLS                                                                                  \
    "place, category, state, COALESCE(assignee_staff_id, 0), assignee_dept,"                       \
    " COALESCE(dispatched_at, 0), COALESCE(deadline, 0), COALESCE(handled_at, 0), closure,"        \
    " COALESCE(rating, 0), returned, reopened, extended_hours"

/* Contribution of the current row of a SELECT CASE_COLS: as indicator_case_contribution. */
static int row_contribution(db_stmt *s, struct indicator_key *k, struct case_counters *c)
{
    struct indicator_case ic = {
        .place = db_col_text(s, 0),
        .category = db_col_text(s, 1),
        .state = case_state_parse(db_col_text(s, 2)),
        .staff_id = db_col_i64(s, 3),
        .department = db_col_text(s, 4),
        .dispatched_at = db_col_i64(s, 5),
        .deadline = db_col_i64(s, 6),
        .handled_at = db_col_i64(s, 7),
        .closure = case_closure_parse(db_col_text(s, 8)),
        .rating = (int)db_col_i64(s, 9),
        .returned = (int)db_col_i64(s, 10),
        .reopened = (int)db_col_i64(s, 11),
        .extended_hours = (int)db_col_i64(s, 12),
    };
    return indicator_case_contribution(&ic, calendar(), k, c);
}

/* Contribution of stored case id: 1 (key and counters written), 0 (none), or a GG_E code. */
static int case_contribution(db *d, int64_t id, struct indicator_key *k, struct case_counters *c)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " CASE_COLS " FROM cases WHERE id = $1", &s, "i", id);
    if (rc < 0)
        return rc;
    rc = rc == DB_ROW ? row_contribution(s, k, c) : 0;
    db_finalize(s);
    return rc;
}

/* ---- moving a contribution ---- */

#define ADD1(t, c) c " = " t "." c " + excluded." c
#define ADD_ALL(t)                                                                                                                             \
    ADD1(t, "due")                                                                                                                             \
    ", " ADD1(t, "closed") ", " ADD1(t, "closed_on_time") ", " ADD1(                                                                           \
        t,                                                                                                                                     \
        "handling_minutes_sum") ", " ADD1(t,                                                                                                   \
                                          "dispatched") ", " ADD1(t,                                                                           \
                                                                  "returned") ", " ADD1(t,                                                     \
                                                                                        "extende"                                              \
                                                                                        "d") ","                                               \
                                                                                             " " ADD1(t, "reopened") ", " ADD1(                \
                                                                                                 t,                                            \
                                                                                                 "rated") ", " ADD1(t,                         \
                                                                                                                    "rating_sum") ", " ADD1(t, \
                                                                                                                                            "rating_4_5")
#define VALUES_11 "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16"

/* Add v to the bucket k of indicator_counters (creating it). */
static int upsert_worker(db *d, const struct indicator_key *k, const struct case_counters *v)
{
    db_stmt *s;
    int rc = db_prepare(d,
                        "INSERT INTO indicator_counters (place, staff_id, department, category,"
                        " month, " COUNTER_COLS ") VALUES ($1, $2, $3, $4, $5, " VALUES_11 ")"
                        " ON CONFLICT (place, staff_id, department, category, month)"
                        " DO UPDATE SET " ADD_ALL("indicator_counters"),
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, k->place);
    db_bind_i64(s, 2, k->staff_id);
    db_bind_text(s, 3, k->department);
    db_bind_text(s, 4, k->category);
    db_bind_text(s, 5, k->month);
    counters_bind(s, 6, v);
    rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? rc : 0;
}

/* Add v to the bucket (k's place, category, month) of indicator_counters_place. */
static int upsert_place(db *d, const struct indicator_key *k, const struct case_counters *v)
{
    db_stmt *s;
    int rc =
        db_prepare(d,
                   "INSERT INTO indicator_counters_place (place, category, month, " COUNTER_COLS
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                   " ON CONFLICT (place, category, month)"
                   " DO UPDATE SET " ADD_ALL("indicator_counters_place"),
                   &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, k->place);
    db_bind_text(s, 2, k->category);
    db_bind_text(s, 3, k->month);
    counters_bind(s, 4, v);
    rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? rc : 0;
}

static int same_place_bucket(const struct indicator_key *a, const struct indicator_key *b)
{
    return strcmp(a->place, b->place) == 0 && strcmp(a->category, b->category) == 0 &&
           strcmp(a->month, b->month) == 0;
}

/*
 * Replace a case's old contribution (had: ko, co) by its new one (has: kn,
 * cn) in one table: one upsert of the difference when the bucket is the
 * same, else minus the old and plus the new. same says whether the buckets
 * are the same for this table.
 */
static int move_in(db *d,
                   int (*upsert)(db *, const struct indicator_key *, const struct case_counters *),
                   int had, const struct indicator_key *ko, const struct case_counters *co, int has,
                   const struct indicator_key *kn, const struct case_counters *cn, int same)
{
    struct case_counters v, zero = {0};
    if (had && has && same) {
        indicator_sub(&v, cn, co);
        return indicator_is_zero(&v) ? 0 : upsert(d, kn, &v);
    }
    int rc = 0;
    if (had) {
        indicator_sub(&v, &zero, co);
        rc = upsert(d, ko, &v);
    }
    if (rc == 0 && has)
        rc = upsert(d, kn, cn);
    return rc;
}

int store_indicators_step(db *d, db_stmt *s, int64_t case_id)
{
    struct indicator_key ko, kn;
    struct case_counters co, cn;
    int had = case_contribution(d, case_id, &ko, &co);
    if (had < 0)
        return had;
    int rc = db_step(s);
    if (rc < 0 || db_changes(d) != 1)
        return rc;
    int has = case_contribution(d, case_id, &kn, &cn);
    if (has < 0)
        return has;
    int same = had && has;
    int mv = move_in(d, upsert_worker, had, &ko, &co, has, &kn, &cn,
                     same && indicator_key_equal(&ko, &kn));
    if (mv == 0)
        mv = move_in(d, upsert_place, had, &ko, &co, has, &kn, &cn,
                     same && same_place_bucket(&ko, &kn));
    return mv ? mv : rc;
}

int store_indicators_case_added(db *d, int64_t case_id)
{
    struct indicator_key k;
    struct case_counters c;
    int has = case_contribution(d, case_id, &k, &c);
    if (has <= 0)
        return has;
    int rc = upsert_worker(d, &k, &c);
    return rc ? rc : upsert_place(d, &k, &c);
}

/* ---- reading ---- */

static const char *const group_names[IND_GROUP_COUNT_] = {
    [IND_GROUP_STREET] = "street", [IND_GROUP_COMMUNITY] = "community", [IND_GROUP_GRID] = "grid",
    [IND_GROUP_WORKER] = "worker", [IND_GROUP_CATEGORY] = "category",   [IND_GROUP_MONTH] = "month",
};

int store_indicator_group_parse(const char *name, enum indicator_group *out)
{
    for (int g = 0; name && g < IND_GROUP_COUNT_; g++)
        if (strcmp(name, group_names[g]) == 0) {
            *out = (enum indicator_group)g;
            return 0;
        }
    return GG_EINVAL;
}

const char *store_indicator_group_name(enum indicator_group g)
{
    return (int)g >= 0 && g < IND_GROUP_COUNT_ ? group_names[g] : "";
}

/* A row of the answer; NULL if c is inconsistent. Takes the reference to key. */
static json_t *row_json(json_t *key, const char *name, const struct case_counters *c)
{
    struct case_rates r;
    if (indicator_rates(c, &r, NULL) != 0) {
        json_decref(key);
        return NULL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "key", key);
    json_object_set_new(o, "name", json_string(name));
    for (int i = 0; i < NCOUNTERS; i++)
        json_object_set_new(o, counters[i].name, json_integer(counter_get(c, i)));
    for (int i = 0; i < IND_COUNT_; i++)
        json_object_set_new(o, indicator_name((enum indicator)i),
                            r.v[i] == INDICATOR_NA ? json_null() : json_integer(r.v[i]));
    return o;
}

/* First text column of sql with one text or integer parameter, into out ("" if none). */
static int lookup_text(db *d, const char *sql, const char *fmt, const void *arg, char *out,
                       size_t n, int64_t *second)
{
    db_stmt *s;
    int rc = fmt[0] == 'i' ? db_run(d, sql, &s, "i", *(const int64_t *)arg)
                           : db_run(d, sql, &s, "t", (const char *)arg);
    if (rc < 0)
        return rc;
    out[0] = '\0';
    if (rc == DB_ROW) {
        gg_strlcpy(out, db_col_text(s, 0), n);
        if (second)
            *second = db_col_i64(s, 1);
    }
    db_finalize(s);
    return 0;
}

/* A group in the answer's order: its sort position, then its key. */
struct ranked {
    int64_t order;
    const char *key;
    size_t e;
};

static int by_order(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* Display key, name and sort position of group key gk of group g. */
static int describe(db *d, enum indicator_group g, const char *gk, json_t **key, char *name,
                    size_t n, int64_t *order)
{
    int rc = 0;
    int64_t sort = 0;
    *order = 0;
    switch (g) {
    case IND_GROUP_STREET:
    case IND_GROUP_COMMUNITY:
    case IND_GROUP_GRID:
        rc =
            lookup_text(d, "SELECT short_name FROM places WHERE code = $1", "t", gk, name, n, NULL);
        *key = json_string(gk);
        break;
    case IND_GROUP_CATEGORY:
        rc = lookup_text(d, "SELECT name, sort FROM categories WHERE code = $1", "t", gk, name, n,
                         &sort);
        *order = sort;
        *key = json_string(gk);
        break;
    case IND_GROUP_MONTH:
        snprintf(name, n, "%.4s年%d月", gk, (gk[5] - '0') * 10 + (gk[6] - '0'));
        *key = json_string(gk);
        break;
    case IND_GROUP_WORKER:
        if (gk[0] == 's') { /* "s<staff id>" */
            int64_t id = 0;
            gg_parse_i64(gk + 1, 1, INT64_MAX, &id);
            rc = lookup_text(d, "SELECT name FROM staff WHERE id = $1", "i", &id, name, n, NULL);
            *order = id;
            *key = json_string(gk + 1);
        } else if (gk[0] == 'd') { /* "d<department>" */
            gg_strlcpy(name, gk + 1, n);
            *order = (int64_t)1 << 62;
            *key = json_string(gk + 1);
        } else {
            gg_strlcpy(name, "未分派", n);
            *order = INT64_MAX;
            *key = json_string("");
        }
        break;
    default:
        return GG_EINVAL;
    }
    return rc;
}

/* The group key of the current row (columns: place, category, month, staff_id, department). */
static void group_key(enum indicator_group g, db_stmt *s, char *out, size_t n)
{
    const char *place = db_col_text(s, 0);
    switch (g) {
    case IND_GROUP_STREET:
        snprintf(out, n, "%.9s", place);
        break;
    case IND_GROUP_COMMUNITY:
        snprintf(out, n, "%.12s", place);
        break;
    case IND_GROUP_GRID:
        gg_strlcpy(out, place, n);
        break;
    case IND_GROUP_CATEGORY:
        gg_strlcpy(out, db_col_text(s, 1), n);
        break;
    case IND_GROUP_MONTH:
        gg_strlcpy(out, db_col_text(s, 2), n);
        break;
    case IND_GROUP_WORKER:
    default:
        if (db_col_i64(s, 3) > 0)
            snprintf(out, n, "s%lld", (long long)db_col_i64(s, 3));
        else if (db_col_text(s, 4)[0])
            snprintf(out, n, "d%s", db_col_text(s, 4));
        else
            gg_strlcpy(out, "-", n);
        break;
    }
}

int store_indicators_query(db *d, const struct indicator_query *q, json_t **items, json_t **total)
{
    if ((int)q->group < 0 || q->group >= IND_GROUP_COUNT_ || !q->place)
        return GG_EINVAL;
    /* Only answers by assignee need the table with the assignee in its key. */
    int by_worker = q->group == IND_GROUP_WORKER || q->department;
    char hi[32], clo[INDICATOR_CATEGORY_SIZE + 2], chi[INDICATOR_CATEGORY_SIZE + 2];
    store_prefix_upper(q->place, hi, sizeof(hi));
    /*
     * SQL sums per grid (and per category, month or assignee when that is
     * the group); the grids are then added up by prefix here. Grouping by
     * a leading part of the table's key needs no sort, and a city comes
     * back as a few thousand rows at most.
     */
    const char *cols, *group_by;
    switch (q->group) {
    case IND_GROUP_CATEGORY:
        cols = "place, category, '', 0, ''";
        group_by = "place, category";
        break;
    case IND_GROUP_MONTH:
        cols = "place, '', month, 0, ''";
        group_by = "place, month";
        break;
    case IND_GROUP_WORKER:
        cols = "place, '', '', staff_id, department";
        group_by = "place, staff_id, department";
        break;
    default:
        cols = "place, '', '', 0, ''";
        group_by = "place";
        break;
    }
    gg_buf sql;
    gg_buf_init(&sql, 4096);
    gg_buf_printf(&sql, "SELECT %s, " SUM_COLS " FROM %s", cols,
                  by_worker ? "indicator_counters" : "indicator_counters_place");
    gg_buf_puts(&sql, " WHERE place >= $1 AND place < $2");
    const char *bind[8] = {q->place, hi};
    int nb = 2;
    if (q->from) {
        bind[nb++] = q->from;
        gg_buf_printf(&sql, " AND month >= $%d", nb);
    }
    if (q->to) {
        bind[nb++] = q->to;
        gg_buf_printf(&sql, " AND month <= $%d", nb);
    }
    if (q->category) {
        /* the category and its children: "utilities" and "utilities.*" ('/' follows '.') */
        snprintf(clo, sizeof(clo), "%s.", q->category);
        snprintf(chi, sizeof(chi), "%s/", q->category);
        bind[nb++] = q->category;
        bind[nb++] = clo;
        bind[nb++] = chi;
        gg_buf_printf(&sql, " AND (category = $%d OR (category >= $%d AND category < $%d))", nb - 2,
                      nb - 1, nb);
    }
    if (q->department) {
        bind[nb++] = q->department;
        gg_buf_printf(&sql, " AND department = $%d", nb);
    }
    gg_buf_printf(&sql, " GROUP BY %s", group_by);
    db_stmt *s;
    int rc = db_prepare(d, sql.data, &s);
    gg_buf_free(&sql);
    if (rc)
        return rc;
    for (int i = 0; i < nb; i++)
        db_bind_text(s, i + 1, bind[i]);
    struct sums groups = {0};
    struct case_counters all = {0}, c;
    char gk[INDICATOR_DEPT_SIZE + 2];
    ptrdiff_t last = -1;
    char last_key[sizeof(gk)] = "";
    while ((rc = db_step(s)) == DB_ROW) {
        counters_from_row(s, 5, &c);
        if (indicator_is_zero(&c))
            continue; /* only buckets every case has left */
        group_key(q->group, s, gk, sizeof(gk));
        /* consecutive rows mostly share a group: skip the hash then */
        size_t e = last >= 0 && strcmp(gk, last_key) == 0 ? (size_t)last : sums_at(&groups, gk);
        if (indicator_add(&groups.c[e], &c) != 0 || indicator_add(&all, &c) != 0) {
            rc = GG_EIO;
            break;
        }
        last = (ptrdiff_t)e;
        gg_strlcpy(last_key, gk, sizeof(last_key));
    }
    db_finalize(s);
    if (rc < 0) {
        sums_free(&groups);
        return rc;
    }
    struct ranked *order = xcalloc(groups.n + 1, sizeof(*order));
    json_t **keys = xcalloc(groups.n + 1, sizeof(*keys));
    char(*names)[INDICATOR_DEPT_SIZE + 32] = xcalloc(groups.n + 1, sizeof(*names));
    for (size_t e = 0; e < groups.n && rc == 0; e++) {
        order[e] = (struct ranked){0, groups.key[e], e};
        rc = describe(d, q->group, groups.key[e], &keys[e], names[e], sizeof(names[e]),
                      &order[e].order);
    }
    if (rc == 0)
        qsort(order, groups.n, sizeof(*order), by_order);
    json_t *arr = json_array();
    for (size_t i = 0; i < groups.n && rc == 0; i++) {
        size_t e = order[i].e;
        json_t *o = row_json(keys[e], names[e], &groups.c[e]);
        keys[e] = NULL;
        if (!o)
            rc = GG_EIO;
        else
            json_array_append_new(arr, o);
    }
    json_t *tot = rc == 0 ? row_json(json_null(), "合计", &all) : NULL;
    if (rc == 0 && !tot)
        rc = GG_EIO;
    for (size_t e = 0; e < groups.n; e++)
        json_decref(keys[e]);
    free(keys);
    free(names);
    free(order);
    sums_free(&groups);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *items = arr;
    *total = tot;
    return 0;
}

/* ---- rebuilding and checking ---- */

/*
 * Text keys of the two tables. The department is last because it is the
 * only free text; the fields before it never contain the separator.
 */
#define SEP '\x1f'

static void worker_key(const struct indicator_key *k, char *out, size_t n)
{
    snprintf(out, n, "%s%c%lld%c%s%c%s%c%s", k->place, SEP, (long long)k->staff_id, SEP,
             k->category, SEP, k->month, SEP, k->department);
}

static void place_key(const struct indicator_key *k, char *out, size_t n)
{
    snprintf(out, n, "%s%c%s%c%s", k->place, SEP, k->category, SEP, k->month);
}

#define KEY_TEXT_MAX                                                                               \
    (INDICATOR_PLACE_SIZE + 24 + INDICATOR_CATEGORY_SIZE + INDICATOR_MONTH_SIZE +                  \
     INDICATOR_DEPT_SIZE + 8)

/* Split text key t into its nf fields (the last takes the rest); modifies t. */
static void split_key(char *t, char **f, int nf)
{
    for (int i = 0; i < nf; i++) {
        f[i] = t;
        if (i + 1 < nf) {
            char *sep = strchr(t, SEP);
            if (!sep) {
                for (int j = i + 1; j < nf; j++)
                    f[j] = t + strlen(t);
                return;
            }
            *sep = '\0';
            t = sep + 1;
        }
    }
}

/* Every case's contribution summed into the two tables' buckets. */
static int recompute(db *d, store_progress_fn progress, void *ctx, struct sums *worker,
                     struct sums *place, int64_t *ncases)
{
    int64_t total = 0, n = 0;
    int rc = db_query_i64(d, "SELECT COUNT(*) FROM cases", &total, "");
    if (rc)
        return rc;
    db_stmt *s;
    rc = db_run(d, "SELECT " CASE_COLS " FROM cases", &s, "");
    if (rc < 0)
        return rc;
    char key[KEY_TEXT_MAX];
    while (rc == DB_ROW) {
        struct indicator_key k;
        struct case_counters c;
        int has = row_contribution(s, &k, &c);
        if (has < 0) {
            rc = GG_EIO;
            break;
        }
        if (has) {
            worker_key(&k, key, sizeof(key));
            if ((rc = sums_add(worker, key, &c)) != 0)
                break;
            place_key(&k, key, sizeof(key));
            if ((rc = sums_add(place, key, &c)) != 0)
                break;
        }
        if (++n % 8192 == 0 && progress)
            progress(ctx, n, total);
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0)
        return rc;
    if (progress)
        progress(ctx, n, total);
    *ncases = n;
    return 0;
}

int store_indicators_rebuild(db *d, store_progress_fn progress, void *ctx, int64_t *cases,
                             int64_t *buckets)
{
    struct sums worker = {0}, place = {0};
    int64_t n = 0, written = 0;
    int rc = recompute(d, progress, ctx, &worker, &place, &n);
    if (rc == 0)
        rc = db_run(d, "DELETE FROM indicator_counters", NULL, "");
    if (rc >= 0)
        rc = db_run(d, "DELETE FROM indicator_counters_place", NULL, "");
    char key[KEY_TEXT_MAX];
    db_stmt *s = NULL;
    if (rc >= 0)
        rc = db_prepare(d,
                        "INSERT INTO indicator_counters (place, staff_id, department, category,"
                        " month, " COUNTER_COLS ") VALUES ($1, $2, $3, $4, $5, " VALUES_11 ")",
                        &s);
    for (size_t e = 0; e < worker.n && rc >= 0; e++) {
        if (indicator_is_zero(&worker.c[e]))
            continue;
        char *f[5];
        int64_t staff = 0;
        gg_strlcpy(key, worker.key[e], sizeof(key));
        split_key(key, f, 5);
        gg_parse_i64(f[1], 0, INT64_MAX, &staff);
        db_reset(s);
        db_bind_text(s, 1, f[0]);
        db_bind_i64(s, 2, staff);
        db_bind_text(s, 3, f[4]);
        db_bind_text(s, 4, f[2]);
        db_bind_text(s, 5, f[3]);
        counters_bind(s, 6, &worker.c[e]);
        rc = db_step(s);
        written++;
    }
    db_finalize(s);
    s = NULL;
    if (rc >= 0)
        rc =
            db_prepare(d,
                       "INSERT INTO indicator_counters_place (place, category, month, " COUNTER_COLS
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                       &s);
    for (size_t e = 0; e < place.n && rc >= 0; e++) {
        if (indicator_is_zero(&place.c[e]))
            continue;
        char *f[3];
        gg_strlcpy(key, place.key[e], sizeof(key));
        split_key(key, f, 3);
        db_reset(s);
        db_bind_text(s, 1, f[0]);
        db_bind_text(s, 2, f[1]);
        db_bind_text(s, 3, f[2]);
        counters_bind(s, 4, &place.c[e]);
        rc = db_step(s);
    }
    db_finalize(s);
    sums_free(&worker);
    sums_free(&place);
    if (rc < 0)
        return rc;
    *cases = n;
    *buckets = written;
    return 0;
}

/* "due 3 ≠ 2, closed 1 ≠ 0": the counters where a (stored) and b (recomputed) differ. */
static void describe_diff(const struct case_counters *a, const struct case_counters *b, char *out,
                          size_t n)
{
    size_t w = 0;
    out[0] = '\0';
    for (int i = 0; i < NCOUNTERS && w < n; i++) {
        if (counter_get(a, i) == counter_get(b, i))
            continue;
        int k =
            snprintf(out + w, n - w, "%s%s stored %lld, recomputed %lld", w ? "; " : "",
                     counters[i].name, (long long)counter_get(a, i), (long long)counter_get(b, i));
        w += k > 0 ? (size_t)k : 0;
    }
}

/* Readable bucket of a text key: separators as " / ". */
static void readable_key(const char *key, char *out, size_t n)
{
    size_t w = 0;
    for (const char *p = key; *p && w + 4 < n; p++) {
        if (*p == SEP) {
            memcpy(out + w, " / ", 3);
            w += 3;
        } else {
            out[w++] = *p;
        }
    }
    out[w] = '\0';
    gg_utf8_cut(out);
}

/*
 * Compare the rows of sql (place, category, month, [staff_id, department,]
 * counters: nkey key columns) of table with the recomputed sums m. Counts
 * differences into *ndiff and reports the first max_report into diffs.
 */
static int compare_table(db *d, const char *table, const char *sql, int nkey, struct sums *m,
                         int max_report, int64_t *ndiff, json_t *diffs)
{
    db_stmt *s;
    int rc = db_run(d, sql, &s, "");
    if (rc < 0)
        return rc;
    char key[KEY_TEXT_MAX], readable[KEY_TEXT_MAX + 64], what[512];
    struct case_counters zero = {0};
    for (size_t e = 0; e < m->n; e++)
        m->aux[e] = 0;
    while (rc == DB_ROW) {
        struct indicator_key k;
        struct case_counters c;
        memset(&k, 0, sizeof(k));
        gg_strlcpy(k.place, db_col_text(s, 0), sizeof(k.place));
        gg_strlcpy(k.category, db_col_text(s, 1), sizeof(k.category));
        gg_strlcpy(k.month, db_col_text(s, 2), sizeof(k.month));
        if (nkey == 5) {
            k.staff_id = db_col_i64(s, 3);
            gg_strlcpy(k.department, db_col_text(s, 4), sizeof(k.department));
            worker_key(&k, key, sizeof(key));
        } else {
            place_key(&k, key, sizeof(key));
        }
        counters_from_row(s, nkey, &c);
        ptrdiff_t f = sums_find(m, key);
        const struct case_counters *want = f >= 0 ? &m->c[f] : &zero;
        if (f >= 0)
            m->aux[f] = 1;
        if (memcmp(&c, want, sizeof(c)) != 0) {
            if (*ndiff < max_report) {
                readable_key(key, readable, sizeof(readable));
                describe_diff(&c, want, what, sizeof(what));
                json_array_append_new(diffs, json_sprintf("%s %s: %s", table, readable, what));
            }
            ++*ndiff;
        }
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0)
        return rc;
    for (size_t e = 0; e < m->n; e++) {
        if (m->aux[e] || indicator_is_zero(&m->c[e]))
            continue;
        if (*ndiff < max_report) {
            readable_key(m->key[e], readable, sizeof(readable));
            describe_diff(&zero, &m->c[e], what, sizeof(what));
            json_array_append_new(diffs,
                                  json_sprintf("%s %s (missing): %s", table, readable, what));
        }
        ++*ndiff;
    }
    return 0;
}

int store_indicators_check(db *d, store_progress_fn progress, void *ctx, int max_report,
                           int64_t *ndiff, json_t **diffs)
{
    struct sums worker = {0}, place = {0};
    int64_t n = 0, nd = 0;
    json_t *arr = json_array();
    int rc = recompute(d, progress, ctx, &worker, &place, &n);
    if (rc == 0)
        rc = compare_table(d, "indicator_counters",
                           "SELECT place, category, month, staff_id, department, " COUNTER_COLS
                           " FROM indicator_counters",
                           5, &worker, max_report, &nd, arr);
    if (rc == 0)
        rc = compare_table(d, "indicator_counters_place",
                           "SELECT place, category, month, " COUNTER_COLS
                           " FROM indicator_counters_place",
                           3, &place, max_report, &nd, arr);
    sums_free(&worker);
    sums_free(&place);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *ndiff = nd;
    *diffs = arr;
    return 0;
}
