/*
 * db_sqlite.c — the SQLite driver: WAL, synchronous=FULL (a commit is on
 * disk before it is acknowledged), foreign keys, a busy timeout so writers
 * queue, and a per-connection cache of prepared statements keyed by SQL text.
 *
 * Placeholders are written $1, $2, …; SQLite treats each as a named
 * parameter, so binding maps the number to SQLite's own index.
 */
#include "db_driver.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 128
#define MAX_PARAMS 64

typedef struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    char *sql;
    unsigned hash;
    int in_use;
    int nmap;
    unsigned char map[MAX_PARAMS + 1]; /* $n -> sqlite index */
    struct sq_stmt *next;
} sq_stmt;

typedef struct sq_db {
    struct db base;
    sqlite3 *h;
    sq_stmt *cache[CACHE_SIZE];
    int ncached;
} sq_db;

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int map_rc(sqlite3 *h, int rc)
{
    switch (rc) {
    case SQLITE_OK:
        return 0;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_CONSTRAINT:
        return GG_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return GG_EBUSY;
    case SQLITE_TOOBIG:
        return GG_ETOOBIG;
    default:
        (void)h;
        return GG_EIO;
    }
}

static int sq_exec(db *d, const char *sql, gg_err *err)
{
    sq_db *q = (sq_db *)d;
    char *msg = NULL;
    int rc = sqlite3_exec(q->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int code = map_rc(q->h, sqlite3_extended_errcode(q->h) & 0xff);
        gg_fail(err, code, "db", "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return 0;
}

/* Debian's SQLite keeps memory statistics behind a global mutex taken on
 * every allocation; gridgov does not read them. Must run before SQLite
 * initialises itself. */
static void sq_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *url, db **out, gg_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_configure);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    sq_db *q = xcalloc(1, sizeof(*q));
    q->base.drv = &db_driver_sqlite;
    int rc = sqlite3_open_v2(url, &q->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        gg_fail(err, GG_EIO, "db", "cannot open %s: %s", url,
                q->h ? sqlite3_errmsg(q->h) : sqlite3_errstr(rc));
        sqlite3_close(q->h);
        free(q);
        return GG_EIO;
    }
    sqlite3_busy_timeout(q->h, 10000);
    sqlite3_extended_result_codes(q->h, 1);
    rc = sq_exec(&q->base,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                 "PRAGMA cache_size=-2000;",
                 err);
    if (rc) {
        sqlite3_close(q->h);
        free(q);
        return rc;
    }
    *out = &q->base;
    return 0;
}

static void stmt_free(sq_stmt *s)
{
    sqlite3_finalize(s->st);
    free(s->sql);
    free(s);
}

static void sq_close(db *d)
{
    sq_db *q = (sq_db *)d;
    for (int i = 0; i < CACHE_SIZE; i++) {
        sq_stmt *s = q->cache[i];
        while (s) {
            sq_stmt *n = s->next;
            stmt_free(s);
            s = n;
        }
    }
    sqlite3_close_v2(q->h);
    free(q);
}

static int sq_prepare(db *d, const char *sql, db_stmt **out)
{
    sq_db *q = (sq_db *)d;
    unsigned h = hash_str(sql);
    sq_stmt **slot = &q->cache[h % CACHE_SIZE];
    for (sq_stmt *s = *slot; s; s = s->next) {
        if (s->hash == h && !s->in_use && strcmp(s->sql, sql) == 0) {
            s->in_use = 1;
            *out = &s->base;
            return 0;
        }
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(q->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return map_rc(q->h, rc & 0xff) == GG_EBUSY ? GG_EBUSY : GG_EIO;
    sq_stmt *s = xcalloc(1, sizeof(*s));
    s->base.d = d;
    s->st = st;
    s->sql = xstrdup(sql);
    s->hash = h;
    s->in_use = 1;
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        int64_t num;
        if (name && name[0] == '$' && gg_parse_i64(name + 1, 1, MAX_PARAMS, &num) == 0) {
            s->map[num] = (unsigned char)i;
            if ((int)num > s->nmap)
                s->nmap = (int)num;
        }
    }
    /* Keep only a bounded number of statements per connection. */
    if (q->ncached < CACHE_SIZE * 4) {
        s->next = *slot;
        *slot = s;
        q->ncached++;
    } else {
        s->hash = 0; /* not cached: finalize frees it */
        s->next = NULL;
        s->in_use = 2;
    }
    *out = &s->base;
    return 0;
}

static int param(sq_stmt *s, int idx)
{
    if (idx < 1 || idx > s->nmap || !s->map[idx])
        return 0;
    return s->map[idx];
}

static int sq_bind_i64(db_stmt *b, int idx, int64_t v)
{
    sq_stmt *s = (sq_stmt *)b;
    int i = param(s, idx);
    return i ? map_rc(NULL, sqlite3_bind_int64(s->st, i, v)) : GG_EINVAL;
}

static int sq_bind_double(db_stmt *b, int idx, double v)
{
    sq_stmt *s = (sq_stmt *)b;
    int i = param(s, idx);
    return i ? map_rc(NULL, sqlite3_bind_double(s->st, i, v)) : GG_EINVAL;
}

static int sq_bind_text(db_stmt *b, int idx, const char *v)
{
    sq_stmt *s = (sq_stmt *)b;
    int i = param(s, idx);
    return i ? map_rc(NULL, sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT)) : GG_EINVAL;
}

static int sq_bind_blob(db_stmt *b, int idx, const void *p, int n)
{
    sq_stmt *s = (sq_stmt *)b;
    int i = param(s, idx);
    return i ? map_rc(NULL, sqlite3_bind_blob(s->st, i, p, n, SQLITE_TRANSIENT)) : GG_EINVAL;
}

static int sq_bind_null(db_stmt *b, int idx)
{
    sq_stmt *s = (sq_stmt *)b;
    int i = param(s, idx);
    return i ? map_rc(NULL, sqlite3_bind_null(s->st, i)) : GG_EINVAL;
}

static int sq_step(db_stmt *b)
{
    sq_stmt *s = (sq_stmt *)b;
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return map_rc(sqlite3_db_handle(s->st), rc & 0xff);
}

static int sq_col_count(db_stmt *b)
{
    return sqlite3_column_count(((sq_stmt *)b)->st);
}

static const char *sq_col_name(db_stmt *b, int col)
{
    return sqlite3_column_name(((sq_stmt *)b)->st, col);
}

static int sq_col_type(db_stmt *b, int col)
{
    switch (sqlite3_column_type(((sq_stmt *)b)->st, col)) {
    case SQLITE_INTEGER:
        return 'i';
    case SQLITE_FLOAT:
        return 'f';
    case SQLITE_TEXT:
        return 't';
    case SQLITE_BLOB:
        return 'b';
    default:
        return 'n';
    }
}

static int64_t sq_col_i64(db_stmt *b, int col)
{
    return sqlite3_column_int64(((sq_stmt *)b)->st, col);
}

static double sq_col_double(db_stmt *b, int col)
{
    return sqlite3_column_double(((sq_stmt *)b)->st, col);
}

static const char *sq_col_text(db_stmt *b, int col)
{
    return (const char *)sqlite3_column_text(((sq_stmt *)b)->st, col);
}

static const void *sq_col_blob(db_stmt *b, int col, int *n)
{
    sq_stmt *s = (sq_stmt *)b;
    const void *p = sqlite3_column_blob(s->st, col);
    *n = sqlite3_column_bytes(s->st, col);
    return p;
}

static void sq_reset(db_stmt *b)
{
    sq_stmt *s = (sq_stmt *)b;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static void sq_finalize(db_stmt *b)
{
    sq_stmt *s = (sq_stmt *)b;
    if (s->in_use == 2) {
        stmt_free(s);
        return;
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = 0;
}

static int64_t sq_changes(db *d)
{
    return sqlite3_changes64(((sq_db *)d)->h);
}

static const char *sq_errmsg(db *d)
{
    return sqlite3_errmsg(((sq_db *)d)->h);
}

const struct db_driver db_driver_sqlite = {
    .name = "sqlite",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .col_type = sq_col_type,
    .col_i64 = sq_col_i64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .changes = sq_changes,
    .exec = sq_exec,
    .errmsg = sq_errmsg,
};
