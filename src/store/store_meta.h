/*
 * store_meta.h — the meta table: a few named settings of the database as a
 * whole, such as the division it was initialised with ('division') and the
 * seed of the demo data ('demo_seed').
 */
#ifndef GG_STORE_META_H
#define GG_STORE_META_H

#include <stddef.h>

#include "db.h"

/*
 * Set key to value (both borrowed), replacing any earlier value. Runs in the
 * caller's transaction, if any. Returns 0 or a GG_E code.
 */
int store_meta_set(db *d, const char *key, const char *value);

/*
 * Copy the value of key into out (size n, always NUL-terminated).
 * Returns 0, GG_ENOTFOUND if the key is not set, GG_ETOOBIG if the value
 * does not fit (out is then left empty), or another GG_E code.
 */
int store_meta_get(db *d, const char *key, char *out, size_t n);

#endif
