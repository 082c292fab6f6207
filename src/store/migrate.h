/*
 * migrate.h — numbered schema migrations, embedded in the binary from
 * src/store/migrations/NNNN_name.sql at build time and applied in order,
 * each in its own transaction, recorded in schema_migrations.
 */
#ifndef GG_MIGRATE_H
#define GG_MIGRATE_H

#include "db.h"

struct migration {
    int number;
    const char *name;
    const char *sql;
};

extern const struct migration gg_migrations[];
extern const int gg_migration_count;

/* Apply every migration not yet applied. Returns 0 or a GG_E code with err. */
int migrate_up(db *d, gg_err *err);

/* Highest applied migration number (0 for a fresh database). */
int migrate_version(db *d);

#endif
