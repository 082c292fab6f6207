/*
 * store_meta.c — reads and writes of the meta table (key → value), which
 * records facts about the database as a whole (the division it serves).
 */
#include "store_meta.h"

#include <string.h>

int store_meta_set(db *d, const char *key, const char *value)
{
    int rc = db_run(d,
                    "INSERT INTO meta (key, value) VALUES ($1, $2)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    NULL, "tt", key, value);
    return rc < 0 ? rc : 0;
}

int store_meta_get(db *d, const char *key, char *out, size_t n)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT value FROM meta WHERE key = $1", &s, "t", key);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    const char *v = db_col_text(s, 0);
    if (n == 0 || strlen(v) >= n) {
        if (n)
            out[0] = '\0';
        db_finalize(s);
        return GG_ETOOBIG;
    }
    gg_strlcpy(out, v, n);
    db_finalize(s);
    return 0;
}
