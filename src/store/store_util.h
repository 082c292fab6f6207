/*
 * store_util.h — small helpers shared by the store's query files. Private
 * to src/store.
 */
#ifndef GG_STORE_UTIL_H
#define GG_STORE_UTIL_H

#include <jansson.h>
#include <stddef.h>

#include "db.h"

/*
 * Upper bound for a code-prefix range scan: rows with place in
 * [prefix, upper) are exactly those whose place starts with prefix, because
 * codes are digits and ':' sorts right after '9'.
 */
void store_prefix_upper(const char *prefix, char *out, size_t n);

/* A LIKE pattern "%q%" with %, _ and \ escaped (use ESCAPE '\'). */
void store_like_pattern(const char *q, char *out, size_t n);

/* The current row of s as a JSON object keyed by column name. */
json_t *store_row_json(db_stmt *s);

/*
 * Collect a page: the rows of s, whose first db_step returned rc, as JSON
 * objects (store_row_json, then fix(row, ctx) if fix is non-NULL) into a
 * new array *out, at most limit of them. The query asks for limit + 1 rows:
 * when the extra one is there, *next is the "id" of the last row kept,
 * otherwise 0. Finalizes s. Returns 0 or the step's GG_E code.
 */
int store_collect_page(db_stmt *s, int rc, int limit, void (*fix)(json_t *row, const void *ctx),
                       const void *ctx, json_t **out, int64_t *next);

#endif
