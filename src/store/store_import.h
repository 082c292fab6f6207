/*
 * store_import.h — the import engine for residents: streams a CSV file (the
 * format of csvrow.h), validates every row, looks up and creates estates,
 * buildings and households as the rows name them, and inserts residents.
 *
 * All or nothing: the caller opens a write transaction (db_begin_write) and
 * commits it only when store_import_finish reports no bad row, and rolls it
 * back otherwise: rows before the first bad one may have been written.
 * A dry run never writes, but checks everything a real run would, including
 * the database lookups (grid exists and is in scope, ID numbers not yet
 * registered).
 *
 * Fast on large files: one pass, prepared statements reused, in-memory maps
 * of the grids, estates, buildings, households and ID numbers already seen,
 * no JSON per row.
 */
#ifndef GG_STORE_IMPORT_H
#define GG_STORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csvrow.h"
#include "db.h"
#include "resource.h"

struct store_import_opts {
    const char *scope; /* place code the rows must lie in; NULL or "" = the whole database */
    int dry_run;       /* validate only, write nothing */
    int max_errors;    /* bad rows kept for listing; 0 = GG_CSV_MAX_ERRORS */
    /* Called every few thousand rows with the rows read so far (may be NULL). */
    void (*progress)(void *ctx, int64_t rows);
    void *progress_ctx;
};

struct store_import_stats {
    int64_t rows;               /* data rows read (header and blank lines not counted) */
    int64_t residents;          /* residents written, or that a dry run would write */
    int64_t households;         /* distinct households the file names */
    int64_t households_created; /* of which new */
    int64_t buildings_created;
    int64_t estates_created;
    int64_t bad_rows; /* rows refused; a header or file error counts as one */
};

typedef struct store_import store_import;

/*
 * Start an import into d, which must be inside a write transaction (or any
 * transaction for a dry run). opts is copied. Returns 0 with *out (free with
 * store_import_free), or a GG_E code with err.
 */
int store_import_begin(db *d, const struct store_import_opts *opts, store_import **out,
                       gg_err *err);

/*
 * Feed the next n bytes of the file, in any chunks. Bad rows are collected,
 * not returned: the return is 0, or a GG_E code for a database failure that
 * ends the import (err says what; roll the transaction back).
 */
int store_import_feed(store_import *im, const void *p, size_t n, gg_err *err);

/*
 * End of the file. Fills *st. Returns 0 (look at st->bad_rows: when it is
 * not 0, nothing was written and the transaction must not be committed), or
 * a GG_E code for a database failure.
 */
int store_import_finish(store_import *im, struct store_import_stats *st, gg_err *err);

/*
 * The bad rows kept, in file order (at most opts.max_errors; st.bad_rows
 * says how many there were). The array belongs to im.
 */
const csvrow_err *store_import_errors(const store_import *im, int *n);

/* Free an import (statements released, memory caches dropped); NULL is a no-op. */
void store_import_free(store_import *im);

/*
 * Rows of def whose place lies under scope ("" = all), into *n: the total
 * for an export's progress. Returns 0 or a GG_E code.
 */
int store_export_count(db *d, const struct res_def *def, const char *scope, int64_t *n);

#endif
