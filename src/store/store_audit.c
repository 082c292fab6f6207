/*
 * store_audit.c — the append-only audit log and the stored answers that
 * make retried POSTs with an Idempotency-Key harmless.
 */
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store.h"
#include "store_util.h"

int store_audit(db *d, int64_t user_id, const char *login, const char *action,
                const char *resource, const char *object_id, const char *place,
                const char *detail)
{
    int rc = db_run(d,
                    "INSERT INTO audit_log (at, user_id, login, action, resource, object_id,"
                    " place, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    NULL, "iitttttt", gg_now(), user_id, login ? login : "", action, resource,
                    object_id ? object_id : "", place ? place : "", detail ? detail : "");
    return rc < 0 ? rc : 0;
}

int store_audit_list(db *d, const char *scope, int64_t before, int limit, json_t **out,
                     int64_t *next)
{
    char hi[20];
    store_prefix_upper(scope, hi, sizeof(hi));
    db_stmt *s;
    /* Entries without a place (logins, system) are visible to county-level scopes only. */
    int rc = db_run(d,
                    "SELECT id, at, user_id, login, action, resource, object_id, place, detail"
                    " FROM audit_log WHERE ((place >= $1 AND place < $2) OR"
                    " (place = '' AND length($1) <= 6)) AND ($3 = 0 OR id < $3)"
                    " ORDER BY id DESC LIMIT $4",
                    &s, "ttii", scope, hi, before, (int64_t)limit + 1);
    if (rc < 0)
        return rc;
    return store_collect_page(s, rc, limit, NULL, NULL, out, next);
}

int store_idem_get(db *d, int64_t user_id, const char *key, const char *method,
                   const char *path, const char *body_hash, int *status, char **body)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT method, path, body_hash, status, response FROM idempotency"
                    " WHERE user_id = $1 AND key = $2 AND created_at > $3",
                    &s, "iti", user_id, key, gg_now() - GG_IDEMPOTENCY_TTL);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    int same = strcmp(db_col_text(s, 0), method) == 0 && strcmp(db_col_text(s, 1), path) == 0 &&
               strcmp(db_col_text(s, 2), body_hash) == 0;
    if (same) {
        *status = (int)db_col_i64(s, 3);
        *body = xstrdup(db_col_text(s, 4));
    }
    db_finalize(s);
    return same ? 0 : GG_ECONFLICT;
}

int store_idem_put(db *d, int64_t user_id, const char *key, const char *method,
                   const char *path, const char *body_hash, int status, const char *body)
{
    int rc = db_run(d,
                    "INSERT INTO idempotency (user_id, key, method, path, body_hash, status,"
                    " response, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                    " ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method,"
                    " path = excluded.path, body_hash = excluded.body_hash,"
                    " status = excluded.status, response = excluded.response,"
                    " created_at = excluded.created_at",
                    NULL, "ittttiti", user_id, key, method, path, body_hash, (int64_t)status,
                    body, gg_now());
    return rc < 0 ? rc : 0;
}
