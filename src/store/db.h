/*
 * db.h — the database driver interface. Every other file in src/store speaks
 * SQL through this interface only; the drivers (SQLite today, PostgreSQL
 * next) sit behind a table of function pointers picked by the URL's shape.
 *
 * One SQL text serves both databases: placeholders are written $1, $2, …
 * and bound by number; RETURNING is used for generated keys; times are
 * integer Unix seconds.
 *
 * A db handle is one connection and is used by one thread at a time.
 */
#ifndef GG_DB_H
#define GG_DB_H

#include <stdint.h>

#include "gg.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum { DB_ROW = 1, DB_DONE = 0 };

/*
 * Open a connection. url is a file path (SQLite, created if missing, WAL,
 * synchronous=FULL, foreign keys on) or postgres://… once that driver exists.
 * On success *out is the new handle, closed with db_close.
 */
int db_open(const char *url, db **out, gg_err *err);

/* Close a connection; NULL is a no-op. Unfinalized statements are finalized. */
void db_close(db *d);

/* Name of the dialect: "sqlite" or "postgres". */
const char *db_dialect(const db *d);

/*
 * Prepare sql (a static or caller-owned string that must outlive nothing:
 * it is copied). Statements are cached per connection by text, so preparing
 * the same text again is cheap. Finish with db_finalize.
 */
int db_prepare(db *d, const char *sql, db_stmt **out);

/* Bind parameter $idx (1-based). Text is copied. */
int db_bind_i64(db_stmt *s, int idx, int64_t v);
int db_bind_double(db_stmt *s, int idx, double v);
int db_bind_text(db_stmt *s, int idx, const char *v); /* NULL binds NULL */
int db_bind_blob(db_stmt *s, int idx, const void *p, int n);
int db_bind_null(db_stmt *s, int idx);

/* Run one step: DB_ROW with a row ready, DB_DONE at the end, or a GG_E code
 * (GG_ECONFLICT for a constraint violation, GG_EBUSY for a lock timeout). */
int db_step(db_stmt *s);

/* Column accessors for the current row (0-based). Text is owned by the
 * statement and valid until the next step or finalize. */
int db_col_count(db_stmt *s);
const char *db_col_name(db_stmt *s, int col);
int db_col_is_null(db_stmt *s, int col);
int64_t db_col_i64(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col); /* "" for NULL */
const void *db_col_blob(db_stmt *s, int col, int *n);
/* 'i' integer, 'f' real, 't' text, 'b' blob, 'n' null. */
int db_col_type(db_stmt *s, int col);

/* Reset a statement for reuse (bindings cleared) or release it. NULL is a no-op. */
void db_reset(db_stmt *s);
void db_finalize(db_stmt *s);

/* Rows changed by the last statement. */
int64_t db_changes(db *d);

/* Run sql with no parameters and no result rows (DDL, pragmas). */
int db_exec(db *d, const char *sql, gg_err *err);

/* Transactions. db_begin_write takes the write lock at once (BEGIN IMMEDIATE
 * on SQLite) so that writers queue instead of failing on upgrade. */
int db_begin(db *d);
int db_begin_write(db *d);
int db_commit(db *d);
int db_rollback(db *d);
int db_in_tx(db *d);

/* Last error text of the connection, for logs. */
const char *db_errmsg(db *d);

/*
 * Convenience: prepare, bind "fmt" args, step once. fmt has one letter per
 * parameter: 'i' int64_t, 't' const char * (NULL → NULL), 'd' double,
 * 'n' null (no argument). Returns DB_ROW/DB_DONE/GG_E*, with *out left
 * prepared (finalize it) when out is non-NULL; otherwise finalized here.
 */
int db_run(db *d, const char *sql, db_stmt **out, const char *fmt, ...);

/* Single integer result of sql (first column of the first row); GG_ENOTFOUND if no row. */
int db_query_i64(db *d, const char *sql, int64_t *out, const char *fmt, ...);

/*
 * db_pool — a fixed set of connections shared by server threads. Acquire
 * blocks until one is free.
 */
typedef struct db_pool db_pool;
int db_pool_open(const char *url, int size, db_pool **out, gg_err *err);
db *db_pool_acquire(db_pool *p);
void db_pool_release(db_pool *p, db *d);
void db_pool_close(db_pool *p);

#endif
