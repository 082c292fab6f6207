/*
 * store_open311.h — the reads and writes of the Open311 GeoReport v2
 * interface: categories as services, cases as service requests, the
 * per-request data an Open311 client sends (contact, media URL, answers,
 * token) and locating a free-text address in the registry.
 *
 * Nothing here shows a private case or offers a private category: a case
 * is public when neither it, its category nor its category's parent is
 * private. Filing itself goes through store_case_create (store_cases.h).
 */
#ifndef GG_STORE_OPEN311_H
#define GG_STORE_OPEN311_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

#define OPEN311_TOKEN_LEN 32 /* hex characters of a request token */

/*
 * Active public categories, ordered by sort then code, as a JSON array of
 * {code, name, description, keywords, group (the parent's name, "" for a
 * top-level one), attributes (the stored definition text)}. Caller owns *out.
 */
int store_open311_services(db *d, json_t **out);

/* One of them by code into *out (same shape); GG_ENOTFOUND if absent, inactive or private. */
int store_open311_service(db *d, const char *code, json_t **out);

enum open311_status { OPEN311_ANY = 0, OPEN311_OPEN, OPEN311_CLOSED };

struct open311_query {
    const int64_t *ids;   /* service_request_id list: only these (other filters ignored) */
    int nids;             /* 0: no id list */
    const char *category; /* exactly this category code, or NULL */
    int64_t start, end;   /* reported_at in [start, end], Unix seconds */
    enum open311_status status;
    int64_t offset; /* rows to skip (paging) */
    int limit;
};

/*
 * Public cases matching q, newest first (reported_at, then id), as a JSON
 * array of {id, state, category, category_name, description, assignee_dept,
 * team_name (the name of the grid of the team), reported_at, updated_at,
 * deadline (null when none), address, lat, lon, media_url}. Never contact
 * data. Caller owns *out.
 */
int store_open311_requests(db *d, const struct open311_query *q, json_t **out);

/* What an Open311 client sent besides the case itself; strings borrowed, "" when absent. */
struct open311_extra {
    int64_t apikey_id;
    const char *token;
    const char *email, *first_name, *last_name, *phone;
    const char *device_id, *account_id, *media_url, *address_string;
    const char *attributes; /* JSON object text of the answers */
};

/* Record x for case case_id (in the caller's transaction). */
int store_open311_record(db *d, int64_t case_id, const struct open311_extra *x, int64_t now);

/* The case of request token into *case_id; GG_ENOTFOUND. */
int store_open311_token(db *d, const char *token, int64_t *case_id);

/* The name of API key id into out (size n); GG_ENOTFOUND. */
int store_open311_key_name(db *d, int64_t id, char *out, size_t n);

/*
 * Locate a free-text address in the registry: the building whose address
 * (or estate name and building name) appears in it, the longest such match
 * winning; else the estate whose name or address appears in it (the centre
 * of its buildings). Writes the point into *lat, *lon; GG_ENOTFOUND when
 * nothing matches.
 */
int store_open311_geocode(db *d, const char *address, double *lat, double *lon);

#endif
