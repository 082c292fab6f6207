/*
 * store.h — the queries of gridgov, one group per aggregate. This is the
 * only interface through which the HTTP and CLI layers touch the database;
 * all SQL text lives behind it in src/store.
 *
 * Rows cross this interface as jansson objects (keys = field names); the
 * caller owns every json_t * returned through an out parameter.
 * Functions that write do not open transactions themselves unless they say
 * so: the caller brackets a request's writes in db_begin_write/db_commit.
 */
#ifndef GG_STORE_H
#define GG_STORE_H

#include <jansson.h>

#include "db.h"
#include "resource.h"

/* Open the database at url and bring its schema up to date. */
int store_open(const char *url, db **out, gg_err *err);

/* ---- places (store_places.c) ---- */

struct place_row {
    char code[16];
    int level;
    char parent[16];
    const char *name;       /* official */
    const char *short_name; /* display */
    const char *kind;       /* street, town, zone, community, village, grid */
    int is_virtual;
};

/* Insert or replace a place (used by init and grid creation). */
int store_place_put(db *d, const struct place_row *p);

/* One place as JSON {code, level, parent, name, short_name, kind, virtual}; GG_ENOTFOUND. */
int store_place_get(db *d, const char *code, json_t **out);

/* Children of parent (ordered by code) as a JSON array. */
int store_place_children(db *d, const char *parent, json_t **out);

/* Places under scope (prefix) of a level, optional name search q (may be NULL). */
int store_place_list(db *d, const char *scope, int level, const char *q, const char *after,
                     int limit, json_t **out);

/* Next free grid serial under a community (1 + the highest used); GG_ERULE past 999. */
int store_grid_next_serial(db *d, const char *community, int *serial);

/* Per-grid totals of households, residents, buildings, staff under scope, as an array. */
int store_grid_stats(db *d, const char *scope, json_t **out);

/* ---- registry, generic over res_def (store_registry.c) ---- */

/*
 * Place that a new row of def inherits from its parent reference (the place
 * of row parent_id in the referenced table), into out[16]. GG_ENOTFOUND if
 * the parent does not exist.
 */
int store_res_parent_place(db *d, const struct res_def *def, int64_t parent_id, char out[16]);

/* Check that every FT_REF value in row names an existing row in scope. */
int store_res_check_refs(db *d, const struct res_def *def, const json_t *row, const char *scope,
                         gg_err *err);

/* Insert a validated row (with "place" set); writes the new id. */
int store_res_insert(db *d, const struct res_def *def, const json_t *row, int64_t *id,
                     gg_err *err);

/* Update the given fields of row id (validated). GG_ENOTFOUND if absent. */
int store_res_update(db *d, const struct res_def *def, int64_t id, const json_t *changes,
                     gg_err *err);

/* One row by id, all columns; GG_ENOTFOUND. */
int store_res_get(db *d, const struct res_def *def, int64_t id, json_t **out);

struct res_query {
    const char *scope;      /* place prefix the caller may see (required) */
    const char *place;      /* narrower place filter, or NULL */
    const char *q;          /* name/address search, or NULL */
    const char *phone_tail; /* exact last digits, or NULL */
    const char *id_tail;    /* exact last characters, or NULL */
    const char *filter_names[8];
    const char *filter_values[8];
    int nfilters;
    int64_t after; /* id cursor (exclusive), 0 for the first page */
    int limit;
};

/*
 * A page of rows as a JSON array, ordered by id. *next is the id to pass as
 * `after` for the next page, or 0 when this was the last page.
 */
int store_res_list(db *d, const struct res_def *def, const struct res_query *q, json_t **out,
                   int64_t *next);

/* ---- users, sessions, API keys (store_auth.c) ---- */

struct user {
    int64_t id;
    char login[64];
    char role[24];
    char place[16];
    char display_name[64];
    char department[64];
    int64_t staff_id;
    int64_t resident_id;
    int disabled;
};

/* Create a user with an argon2id hash of password. GG_ECONFLICT if the login exists. */
int store_user_add(db *d, const char *login, const char *password, const char *role,
                   const char *place, const char *display_name, int64_t *id, gg_err *err);

/* Link a user to a staff or resident row (0 leaves a link as it is). */
int store_user_link(db *d, int64_t user_id, int64_t staff_id, int64_t resident_id);

/* Set the department a department handler works for ("热力公司"). */
int store_user_set_department(db *d, int64_t user_id, const char *department);

/* Look up a user by login and check password. GG_EAUTH on any mismatch. */
int store_user_check_password(db *d, const char *login, const char *password, struct user *out);

int store_user_get(db *d, int64_t id, struct user *out);

/* Users under scope as a JSON array (no password hashes). */
int store_user_list(db *d, const char *scope, int64_t after, int limit, json_t **out,
                    int64_t *next);

/*
 * Start a session for user_id: writes a new random token (hex, 64 chars)
 * into token[65]; only its hash is stored.
 */
int store_session_new(db *d, int64_t user_id, char token[65]);

/* The user of a live session token; GG_EAUTH if unknown or expired. */
int store_session_user(db *d, const char *token, struct user *out);

int store_session_end(db *d, const char *token);

/* Create an API key; writes the key (prefixed "gk_", 67 chars) into key[68]. */
int store_apikey_add(db *d, const char *name, int64_t *id, char key[68]);

/* 0 if key is a live API key (writes its id), GG_EAUTH otherwise. */
int store_apikey_check(db *d, const char *key, int64_t *id);

/* Revoke API key id: it stops working at once. GG_ENOTFOUND if there is no such key. */
int store_apikey_revoke(db *d, int64_t id);

/* ---- audit log (store_audit.c) ---- */

/* Append one audit entry. login may be NULL (system). */
int store_audit(db *d, int64_t user_id, const char *login, const char *action,
                const char *resource, const char *object_id, const char *place,
                const char *detail);

/* Audit entries under scope, newest first, as a JSON array. */
int store_audit_list(db *d, const char *scope, int64_t before, int limit, json_t **out,
                     int64_t *next);

/* ---- idempotency (store_audit.c) ---- */

/*
 * Look up a stored answer for (user_id, key). Returns 0 with *status and
 * *body (caller frees) when found and body_hash matches, GG_ECONFLICT when
 * the key was used for a different request, GG_ENOTFOUND otherwise.
 */
int store_idem_get(db *d, int64_t user_id, const char *key, const char *method,
                   const char *path, const char *body_hash, int *status, char **body);

int store_idem_put(db *d, int64_t user_id, const char *key, const char *method,
                   const char *path, const char *body_hash, int status, const char *body);

#endif
