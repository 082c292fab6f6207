/*
 * h_session.c — logging in and out, who am I, and the health check.
 * Failed logins are limited per login name (limits.h) to slow guessing.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "limits.h"
#include "store_cases.h"

#define RATE_SLOTS 1024

/* Recent failures per login name, in a small hash table of timestamps. */
static struct {
    char login[64];
    int64_t fails[GG_LOGIN_MAX_FAILS];
    int n;
} rate[RATE_SLOTS];
static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char rate_key[crypto_shorthash_KEYBYTES];
static int rate_key_set;

/*
 * Slot of a login name; called with rate_mu held. The hash is keyed with a
 * random secret (SipHash) because a slot keeps one name: with a public hash
 * an attacker could compute a name sharing the victim's slot and reset the
 * victim's count by failing with it between guesses.
 */
static unsigned slot_of(const char *login)
{
    if (!rate_key_set) {
        crypto_shorthash_keygen(rate_key);
        rate_key_set = 1;
    }
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)login, strlen(login), rate_key);
    return ((unsigned)h[0] | (unsigned)h[1] << 8 | (unsigned)h[2] << 16) % RATE_SLOTS;
}

/*
 * Reserve one password check for login: counts the attempts inside the
 * window and, if under the limit, records this one as a failure before the
 * (slow) check runs, so that concurrent guesses cannot all pass the count.
 * A successful login clears the record. Returns 1 if the check may run.
 */
static int reserve_attempt(const char *login, int64_t now)
{
    pthread_mutex_lock(&rate_mu);
    unsigned i = slot_of(login);
    if (strcmp(rate[i].login, login) != 0) {
        gg_strlcpy(rate[i].login, login, sizeof(rate[i].login));
        rate[i].n = 0;
    }
    int kept = 0;
    for (int k = 0; k < rate[i].n; k++)
        if (rate[i].fails[k] > now - GG_LOGIN_WINDOW)
            rate[i].fails[kept++] = rate[i].fails[k];
    rate[i].n = kept;
    int ok = kept < GG_LOGIN_MAX_FAILS;
    if (ok)
        rate[i].fails[rate[i].n++] = now;
    pthread_mutex_unlock(&rate_mu);
    return ok;
}

static void clear_fails(const char *login)
{
    pthread_mutex_lock(&rate_mu);
    unsigned i = slot_of(login);
    if (strcmp(rate[i].login, login) == 0)
        rate[i].n = 0;
    pthread_mutex_unlock(&rate_mu);
}

/* A resident's own household: where their reports go by default; null if unknown. */
static json_t *home_json(const http_req *r)
{
    const struct res_def *def = res_find("residents");
    json_t *row = NULL;
    if (!r->user.resident_id || !def || store_res_get(r->db, def, r->user.resident_id, &row) != 0)
        return json_null();
    json_int_t hid = json_integer_value(json_object_get(row, "household_id"));
    json_decref(row);
    char grid[16], addr[256];
    double lat, lon;
    if (hid <= 0 || store_household_locate(r->db, hid, grid, &lat, &lon, addr, sizeof(addr)) != 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s, s:f, s:f}", "id", hid, "grid", grid, "address", addr, "lat",
                     lat, "lon", lon);
}

static json_t *user_json(const http_req *r)
{
    const struct user *u = &r->user;
    json_t *place = NULL;
    store_place_get(r->db, u->place, &place);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o*}", "id", (json_int_t)u->id,
                          "login", u->login, "role", u->role, "role_label",
                          role_label(role_parse(u->role)), "place", u->place, "display_name",
                          u->display_name, "department", u->department, "place_info", place);
    json_object_set_new(o, "staff_id", u->staff_id ? json_integer(u->staff_id) : json_null());
    json_object_set_new(o, "resident_id",
                        u->resident_id ? json_integer(u->resident_id) : json_null());
    json_object_set_new(o, "household", home_json(r));
    return o;
}

static int login(http_req *r)
{
    json_t *b;
    int rc = http_body_json(r, &b);
    if (rc)
        return rc;
    const char *l = json_string_value(json_object_get(b, "login"));
    const char *p = json_string_value(json_object_get(b, "password"));
    if (!l || !*l || strlen(l) > 63) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "login", "login must be a string of 1 to 63 bytes");
    }
    if (!p || strlen(p) > GG_PASSWORD_MAX) {
        json_decref(b);
        return http_fail(r, GG_EINVAL, "password", "password must be a string");
    }
    int64_t now = gg_now();
    if (!reserve_attempt(l, now)) {
        json_decref(b);
        return http_fail(r, GG_ELIMIT, "login",
                         "too many failed logins; wait %d minutes and try again",
                         GG_LOGIN_WINDOW / 60);
    }
    rc = store_user_check_password(r->db, l, p, &r->user);
    if (rc == GG_EAUTH) {
        /* Autocommit: the failure's audit entry stays although the request fails. */
        store_audit(r->db, 0, l, "login_failed", "session", "", "", "");
        json_decref(b);
        return http_fail(r, GG_EAUTH, "password", "wrong login or password");
    }
    if (rc) {
        json_decref(b);
        return http_fail(r, rc, "", "cannot check the password");
    }
    clear_fails(l);
    json_decref(b); /* l points into b */
    char token[65];
    r->authed = 1;
    r->role = role_parse(r->user.role);
    if ((rc = db_begin_write(r->db)) != 0)
        return http_fail(r, GG_EBUSY, "", "the database is busy, try again");
    if ((rc = store_session_new(r->db, r->user.id, token)) != 0 ||
        (rc = http_audit(r, "login", "session", "", r->user.place, "")) != 0 ||
        (rc = db_commit(r->db)) != 0) {
        db_rollback(r->db);
        return http_fail(r, rc, "", "cannot start a session");
    }
    snprintf(r->cookie, sizeof(r->cookie),
             "gg_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
             GG_SESSION_TTL);
    json_t *out = json_pack("{s:s, s:o}", "token", token, "user", user_json(r));
    return http_reply_json(r, 201, out);
}

/* End the session the request was authenticated with: bearer token or cookie. */
static int logout(http_req *r)
{
    const char *auth = http_header(r, "Authorization");
    const char *token = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
    if (!token)
        token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "gg_session");
    int rc;
    if (token && (rc = store_session_end(r->db, token)) != 0)
        return http_fail(r, rc, "", "cannot end the session");
    if ((rc = http_audit(r, "logout", "session", "", r->user.place, "")) != 0)
        return http_fail(r, rc, "", "cannot write the audit log");
    snprintf(r->cookie, sizeof(r->cookie), "gg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return http_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static int me(http_req *r)
{
    return http_reply_json(r, 200, user_json(r));
}

static int healthz(http_req *r)
{
    int64_t one = 0;
    if (db_query_i64(r->db, "SELECT 1", &one, "") != 0)
        return http_fail(r, GG_EUNAVAIL, "", "the database does not answer");
    return http_reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "db",
                                             db_dialect(r->db)));
}

const struct http_route http_routes_session[] = {
    {"GET", "/healthz", healthz, ROUTE_PUBLIC},
    {"POST", "/api/v1/session", login, ROUTE_PUBLIC | ROUTE_OWNTX},
    {"DELETE", "/api/v1/session", logout, 0},
    {"GET", "/api/v1/me", me, 0},
    {NULL, NULL, NULL, 0},
};
