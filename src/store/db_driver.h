/*
 * db_driver.h — what a database driver provides to db.c. Private to
 * src/store: nothing outside the store layer includes it.
 */
#ifndef GG_DB_DRIVER_H
#define GG_DB_DRIVER_H

#include "db.h"

struct db_driver {
    const char *name;
    const char *begin_write_sql;
    int (*open)(const char *url, db **out, gg_err *err);
    void (*close)(db *d);
    int (*prepare)(db *d, const char *sql, db_stmt **out);
    int (*bind_i64)(db_stmt *s, int idx, int64_t v);
    int (*bind_double)(db_stmt *s, int idx, double v);
    int (*bind_text)(db_stmt *s, int idx, const char *v);
    int (*bind_blob)(db_stmt *s, int idx, const void *p, int n);
    int (*bind_null)(db_stmt *s, int idx);
    int (*step)(db_stmt *s);
    int (*col_count)(db_stmt *s);
    const char *(*col_name)(db_stmt *s, int col);
    int (*col_type)(db_stmt *s, int col);
    int64_t (*col_i64)(db_stmt *s, int col);
    double (*col_double)(db_stmt *s, int col);
    const char *(*col_text)(db_stmt *s, int col);
    const void *(*col_blob)(db_stmt *s, int col, int *n);
    void (*reset)(db_stmt *s);
    void (*finalize)(db_stmt *s);
    int64_t (*changes)(db *d);
    int (*exec)(db *d, const char *sql, gg_err *err);
    const char *(*errmsg)(db *d);
};

/* Common head of every driver's connection and statement structs. */
struct db {
    const struct db_driver *drv;
    int in_tx;
};

struct db_stmt {
    db *d;
};

extern const struct db_driver db_driver_sqlite;

/* The PostgreSQL driver, or NULL when gridgov was built without it. */
const struct db_driver *db_driver_postgres(void);

#endif
