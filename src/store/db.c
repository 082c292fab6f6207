/*
 * db.c — the driver-independent half of the database interface: picking a
 * driver by URL, the helpers built on the primitives (db_run, db_query_i64)
 * and the connection pool.
 */
#include "db.h"
#include "db_driver.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct db_driver *driver_for(const char *url)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return db_driver_postgres();
    return &db_driver_sqlite;
}

int db_open(const char *url, db **out, gg_err *err)
{
    const struct db_driver *drv = driver_for(url);
    if (!drv)
        return gg_fail(err, GG_EUNAVAIL, "db", "no driver for %.40s", url);
    return drv->open(url, out, err);
}

void db_close(db *d)
{
    if (d)
        d->drv->close(d);
}

const char *db_dialect(const db *d)
{
    return d->drv->name;
}

int db_prepare(db *d, const char *sql, db_stmt **out)
{
    return d->drv->prepare(d, sql, out);
}

int db_bind_i64(db_stmt *s, int idx, int64_t v)
{
    return s->d->drv->bind_i64(s, idx, v);
}

int db_bind_double(db_stmt *s, int idx, double v)
{
    return s->d->drv->bind_double(s, idx, v);
}

int db_bind_text(db_stmt *s, int idx, const char *v)
{
    if (!v)
        return s->d->drv->bind_null(s, idx);
    return s->d->drv->bind_text(s, idx, v);
}

int db_bind_blob(db_stmt *s, int idx, const void *p, int n)
{
    return s->d->drv->bind_blob(s, idx, p, n);
}

int db_bind_null(db_stmt *s, int idx)
{
    return s->d->drv->bind_null(s, idx);
}

int db_step(db_stmt *s)
{
    return s->d->drv->step(s);
}

int db_col_count(db_stmt *s)
{
    return s->d->drv->col_count(s);
}

const char *db_col_name(db_stmt *s, int col)
{
    return s->d->drv->col_name(s, col);
}

int db_col_is_null(db_stmt *s, int col)
{
    return s->d->drv->col_type(s, col) == 'n';
}

int64_t db_col_i64(db_stmt *s, int col)
{
    return s->d->drv->col_i64(s, col);
}

double db_col_double(db_stmt *s, int col)
{
    return s->d->drv->col_double(s, col);
}

const char *db_col_text(db_stmt *s, int col)
{
    const char *t = s->d->drv->col_text(s, col);
    return t ? t : "";
}

const void *db_col_blob(db_stmt *s, int col, int *n)
{
    return s->d->drv->col_blob(s, col, n);
}

int db_col_type(db_stmt *s, int col)
{
    return s->d->drv->col_type(s, col);
}

void db_reset(db_stmt *s)
{
    if (s)
        s->d->drv->reset(s);
}

void db_finalize(db_stmt *s)
{
    if (s)
        s->d->drv->finalize(s);
}

int64_t db_changes(db *d)
{
    return d->drv->changes(d);
}

int db_exec(db *d, const char *sql, gg_err *err)
{
    return d->drv->exec(d, sql, err);
}

int db_begin(db *d)
{
    int rc = d->drv->exec(d, "BEGIN", NULL);
    if (rc == 0)
        d->in_tx = 1;
    return rc;
}

int db_begin_write(db *d)
{
    int rc = d->drv->exec(d, d->drv->begin_write_sql, NULL);
    if (rc == 0)
        d->in_tx = 1;
    return rc;
}

int db_commit(db *d)
{
    int rc = d->drv->exec(d, "COMMIT", NULL);
    if (rc == 0)
        d->in_tx = 0;
    return rc;
}

int db_rollback(db *d)
{
    int rc = d->drv->exec(d, "ROLLBACK", NULL);
    d->in_tx = 0;
    return rc;
}

int db_in_tx(db *d)
{
    return d->in_tx;
}

const char *db_errmsg(db *d)
{
    return d->drv->errmsg(d);
}

static int bind_va(db_stmt *s, const char *fmt, va_list ap)
{
    int idx = 1;
    for (const char *f = fmt; f && *f; f++, idx++) {
        int rc;
        switch (*f) {
        case 'i':
            rc = db_bind_i64(s, idx, va_arg(ap, int64_t));
            break;
        case 't':
            rc = db_bind_text(s, idx, va_arg(ap, const char *));
            break;
        case 'd':
            rc = db_bind_double(s, idx, va_arg(ap, double));
            break;
        case 'n':
            rc = db_bind_null(s, idx);
            break;
        default:
            rc = GG_EINVAL;
        }
        if (rc)
            return rc;
    }
    return 0;
}

int db_run(db *d, const char *sql, db_stmt **out, const char *fmt, ...)
{
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    rc = bind_va(s, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = db_step(s);
    if (out && rc >= 0)
        *out = s;
    else
        db_finalize(s);
    return rc;
}

int db_query_i64(db *d, const char *sql, int64_t *out, const char *fmt, ...)
{
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    rc = bind_va(s, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = db_step(s);
    if (rc == DB_ROW) {
        *out = db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = GG_ENOTFOUND;
    }
    db_finalize(s);
    return rc;
}

/* ---- pool ---- */

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int size;
    int nfree;
    db **conns; /* conns[0..nfree) are free */
};

int db_pool_open(const char *url, int size, db_pool **out, gg_err *err)
{
    db_pool *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->conns = xcalloc((size_t)size, sizeof(db *));
    for (int i = 0; i < size; i++) {
        int rc = db_open(url, &p->conns[i], err);
        if (rc) {
            p->nfree = i;
            p->size = i;
            db_pool_close(p);
            return rc;
        }
    }
    p->size = p->nfree = size;
    *out = p;
    return 0;
}

db *db_pool_acquire(db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    db *d = p->conns[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return d;
}

void db_pool_release(db_pool *p, db *d)
{
    if (db_in_tx(d))
        db_rollback(d);
    pthread_mutex_lock(&p->mu);
    p->conns[p->nfree++] = d;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void db_pool_close(db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nfree; i++)
        db_close(p->conns[i]);
    free(p->conns);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
