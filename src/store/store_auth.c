/*
 * store_auth.c — users with argon2id password hashes, sessions and API keys
 * whose tokens are stored only as BLAKE2b hashes, so a copy of the database
 * cannot be used to log in.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "store.h"
#include "store_util.h"

static int sodium_ready(void)
{
    static int ok = -2;
    if (ok == -2)
        ok = sodium_init() < 0 ? -1 : 0;
    return ok;
}

/* Hex BLAKE2b-256 of a token into out[65]. */
static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
    sodium_memzero(buf, sizeof(buf));
}

int store_user_add(db *d, const char *login, const char *password, const char *role,
                   const char *place, const char *display_name, int64_t *id, gg_err *err)
{
    if (sodium_ready() < 0)
        return gg_fail(err, GG_EIO, "", "libsodium failed to initialise");
    size_t plen = strlen(password);
    if (plen < GG_PASSWORD_MIN || plen > GG_PASSWORD_MAX)
        return gg_fail(err, GG_EINVAL, "password", "password must be %d to %d bytes",
                       GG_PASSWORD_MIN, GG_PASSWORD_MAX);
    char hash[crypto_pwhash_STRBYTES];
    /* Interactive limits: about 64 MiB and a few tenths of a second. */
    if (crypto_pwhash_str(hash, password, plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE / 4) != 0)
        return gg_fail(err, GG_EIO, "password", "cannot hash password (out of memory)");
    int64_t now = gg_now();
    db_stmt *s = NULL;
    int rc = db_run(d,
                    "INSERT INTO users (login, pw_hash, role, place, display_name, created_at,"
                    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                    &s, "ttttti", login, hash, role, place, display_name ? display_name : "",
                    now);
    sodium_memzero(hash, sizeof(hash));
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        db_step(s);
        rc = 0;
    }
    if (rc >= 0 && s)
        db_finalize(s);
    if (rc == GG_ECONFLICT)
        return gg_fail(err, rc, "login", "login %s is already taken", login);
    if (rc < 0)
        return gg_fail(err, rc, "", "cannot create user: %s", db_errmsg(d));
    return 0;
}

int store_user_link(db *d, int64_t user_id, int64_t staff_id, int64_t resident_id)
{
    int rc = db_run(d,
                    "UPDATE users SET staff_id = CASE WHEN $2 > 0 THEN $2 ELSE staff_id END,"
                    " resident_id = CASE WHEN $3 > 0 THEN $3 ELSE resident_id END,"
                    " updated_at = $4 WHERE id = $1",
                    NULL, "iiii", user_id, staff_id, resident_id, gg_now());
    return rc < 0 ? rc : 0;
}

int store_user_set_department(db *d, int64_t user_id, const char *department)
{
    int rc = db_run(d, "UPDATE users SET department = $2, updated_at = $3 WHERE id = $1", NULL,
                    "iti", user_id, department, gg_now());
    return rc < 0 ? rc : 0;
}

#define USER_COLS                                                                             \
    "u.id, u.login, u.role, u.place, u.display_name, u.department, COALESCE(u.staff_id, 0),"  \
    " COALESCE(u.resident_id, 0), u.disabled"

static void user_from(db_stmt *s, struct user *u)
{
    memset(u, 0, sizeof(*u));
    u->id = db_col_i64(s, 0);
    gg_strlcpy(u->login, db_col_text(s, 1), sizeof(u->login));
    gg_strlcpy(u->role, db_col_text(s, 2), sizeof(u->role));
    gg_strlcpy(u->place, db_col_text(s, 3), sizeof(u->place));
    gg_strlcpy(u->display_name, db_col_text(s, 4), sizeof(u->display_name));
    gg_strlcpy(u->department, db_col_text(s, 5), sizeof(u->department));
    u->staff_id = db_col_i64(s, 6);
    u->resident_id = db_col_i64(s, 7);
    u->disabled = (int)db_col_i64(s, 8);
}

int store_user_check_password(db *d, const char *login, const char *password, struct user *out)
{
    if (sodium_ready() < 0)
        return GG_EIO;
    db_stmt *s;
    int rc = db_run(d, "SELECT " USER_COLS ", u.pw_hash FROM users u WHERE u.login = $1", &s, "t",
                    login);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW) {
        db_finalize(s);
        /* Spend the same effort as a real check so timing does not reveal logins. */
        char dummy[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(dummy, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE / 4) != 0)
            return GG_EIO;
        return GG_EAUTH;
    }
    struct user u;
    user_from(s, &u);
    char hash[crypto_pwhash_STRBYTES];
    gg_strlcpy(hash, db_col_text(s, 9), sizeof(hash));
    db_finalize(s);
    int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    sodium_memzero(hash, sizeof(hash));
    if (!ok || u.disabled)
        return GG_EAUTH;
    *out = u;
    return 0;
}

int store_user_get(db *d, int64_t id, struct user *out)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " USER_COLS " FROM users u WHERE u.id = $1", &s, "i", id);
    if (rc == DB_ROW)
        user_from(s, out);
    if (rc >= 0)
        db_finalize(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? GG_ENOTFOUND : rc;
}

static void user_row_fix(json_t *row, const void *ctx)
{
    (void)ctx;
    json_object_set_new(row, "disabled",
                        json_boolean(json_integer_value(json_object_get(row, "disabled"))));
}

int store_user_list(db *d, const char *scope, int64_t after, int limit, json_t **out,
                    int64_t *next)
{
    char hi[20];
    store_prefix_upper(scope, hi, sizeof(hi));
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT id, login, role, place, display_name, department, staff_id,"
                    " resident_id, disabled, created_at FROM users"
                    " WHERE place >= $1 AND place < $2 AND id > $3 ORDER BY id LIMIT $4",
                    &s, "ttii", scope, hi, after, (int64_t)limit + 1);
    if (rc < 0)
        return rc;
    return store_collect_page(s, rc, limit, user_row_fix, NULL, out, next);
}

int store_session_new(db *d, int64_t user_id, char token[65])
{
    if (sodium_ready() < 0)
        return GG_EIO;
    random_hex(token, 32);
    char h[65];
    token_hash(token, h);
    int64_t now = gg_now();
    int rc = db_run(d,
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                    " VALUES ($1, $2, $3, $4)",
                    NULL, "tiii", h, user_id, now, now + GG_SESSION_TTL);
    return rc < 0 ? rc : 0;
}

int store_session_user(db *d, const char *token, struct user *out)
{
    if (strlen(token) != 64)
        return GG_EAUTH;
    char h[65];
    token_hash(token, h);
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT " USER_COLS " FROM sessions x JOIN users u ON u.id = x.user_id"
                    " WHERE x.token_hash = $1 AND x.expires_at > $2 AND u.disabled = 0",
                    &s, "ti", h, gg_now());
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        user_from(s, out);
    db_finalize(s);
    return rc == DB_ROW ? 0 : GG_EAUTH;
}

int store_session_end(db *d, const char *token)
{
    char h[65];
    token_hash(token, h);
    int rc = db_run(d, "DELETE FROM sessions WHERE token_hash = $1", NULL, "t", h);
    return rc < 0 ? rc : 0;
}

int store_apikey_add(db *d, const char *name, int64_t *id, char key[68])
{
    if (sodium_ready() < 0)
        return GG_EIO;
    memcpy(key, "gk_", 3);
    random_hex(key + 3, 32);
    char h[65];
    token_hash(key, h);
    db_stmt *s;
    int rc = db_run(d,
                    "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3)"
                    " RETURNING id",
                    &s, "tti", name, h, gg_now());
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        db_step(s);
        rc = 0;
    }
    if (rc >= 0)
        db_finalize(s);
    return rc;
}

int store_apikey_check(db *d, const char *key, int64_t *id)
{
    char h[65];
    token_hash(key, h);
    int64_t v;
    int rc = db_query_i64(d, "SELECT id FROM api_keys WHERE key_hash = $1 AND revoked = 0", &v,
                          "t", h);
    if (rc == GG_ENOTFOUND)
        return GG_EAUTH;
    if (rc == 0)
        *id = v;
    return rc;
}

int store_apikey_revoke(db *d, int64_t id)
{
    int rc = db_run(d, "UPDATE api_keys SET revoked = 1 WHERE id = $1", NULL, "i", id);
    if (rc < 0)
        return rc;
    return db_changes(d) ? 0 : GG_ENOTFOUND;
}
