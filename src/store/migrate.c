/*
 * migrate.c — applies the embedded migrations in order. Each migration and
 * its schema_migrations row commit together, so a failure leaves the
 * database at the previous version.
 */
#include "migrate.h"

#include <stdio.h>

static int ensure_table(db *d, gg_err *err)
{
    return db_exec(d,
                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                   err);
}

int migrate_version(db *d)
{
    int64_t v = 0;
    if (ensure_table(d, NULL) != 0)
        return 0;
    if (db_query_i64(d, "SELECT COALESCE(MAX(number), 0) FROM schema_migrations", &v, "") != 0)
        return 0;
    return (int)v;
}

int migrate_up(db *d, gg_err *err)
{
    int rc = ensure_table(d, err);
    if (rc)
        return rc;
    int have = migrate_version(d);
    for (int i = 0; i < gg_migration_count; i++) {
        const struct migration *m = &gg_migrations[i];
        if (m->number <= have)
            continue;
        if ((rc = db_begin_write(d)) != 0)
            return gg_fail(err, rc, "db", "cannot start migration %d", m->number);
        rc = db_exec(d, m->sql, err);
        if (rc == 0)
            rc = db_run(d, "INSERT INTO schema_migrations (number, name, applied_at) "
                           "VALUES ($1, $2, $3)",
                        NULL, "iti", (int64_t)m->number, m->name, gg_now());
        if (rc < 0) {
            db_rollback(d);
            if (err && !err->msg[0])
                gg_fail(err, rc, "db", "migration %s failed: %s", m->name, db_errmsg(d));
            return rc;
        }
        if ((rc = db_commit(d)) != 0)
            return gg_fail(err, rc, "db", "cannot commit migration %s", m->name);
    }
    return 0;
}
