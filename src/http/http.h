/*
 * http.h — the HTTP layer: a libmicrohttpd server with a route table,
 * JSON in and out, authentication, and the error format of the API:
 *   {"error": {"code": "invalid_field", "message": "…", "field": "id_number"}}
 *
 * A handler receives an http_req with the parsed request, the caller's
 * identity and a database connection for the request's lifetime. It either
 * sets a response (http_reply_*) and returns 0, or returns a GG_E code with
 * r->err filled, which the server renders as the error JSON.
 *
 * Write requests (POST, PUT, PATCH, DELETE) run inside one database
 * transaction opened by the server: it commits only when the handler
 * succeeds, so a refused request changes nothing, and the response is sent
 * after the commit, so an acknowledged write is durable.
 */
#ifndef GG_HTTP_H
#define GG_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "authz.h"
#include "gg.h"
#include "store.h"

struct http_server;

typedef struct http_arg {
    const char *name;
    const char *value;
} http_arg;

typedef struct http_req {
    /* request */
    const char *method;
    const char *url;          /* path without the query string */
    const char *params[4];    /* values of :param segments of the route, in order */
    http_arg args[32];        /* decoded query string parameters */
    int nargs;
    const char *body;         /* request body (NUL-terminated), may be NULL */
    size_t body_len;
    void *conn;               /* struct MHD_Connection * */
    struct http_server *srv;

    /* caller */
    int authed;
    struct user user;
    enum role role;
    int64_t apikey_id;

    /* resources */
    db *db;
    int read_tx;              /* a read request's snapshot transaction is open */
    gg_err err;

    /* response */
    int status;
    char *resp;               /* owned; freed by the server */
    size_t resp_len;
    const char *content_type;
    char disposition[160];    /* Content-Disposition, for downloads */
    char cookie[200];         /* Set-Cookie, if any */
    const char *cache_control; /* NULL: no-store */
    char etag[72];            /* ETag, if any */
    int has_file;             /* send file_fd (file_size bytes) instead of resp; the */
    int file_fd;              /* server closes it */
    int64_t file_size;
} http_req;

typedef int (*http_handler)(http_req *r);

enum {
    ROUTE_PUBLIC = 1 << 0, /* no authentication needed */
    ROUTE_APIKEY = 1 << 1, /* an API key is enough */
    /* The handler writes in its own short transactions instead of the
     * request-wide one (login: the slow password check must not hold the
     * database's write lock). No Idempotency-Key replay on such routes. */
    ROUTE_OWNTX = 1 << 2,
};

struct http_route {
    const char *method;
    const char *pattern; /* "/api/v1/households/:id"; a trailing "*" matches the rest */
    http_handler fn;
    unsigned flags;
    size_t max_body; /* request body cap, bytes; 0: GG_MAX_BODY */
};

struct http_config {
    const char *db_url;
    const char *listen_host;
    int port;
    int threads;
    const char *web_root; /* directory of the UI's files, or NULL */
    int quiet;            /* no access log */
    const char *photo_dir; /* the photo store (blobs.h), or NULL: no photos */
    int solo_writes;      /* commit each write request alone instead of in groups */
};

/* Start serving; returns once the server is listening. */
int http_start(const struct http_config *cfg, struct http_server **out, gg_err *err);

/* Stop accepting, let requests in flight finish (up to a few seconds), stop. */
void http_stop(struct http_server *s);

/* The port actually bound (for --listen 127.0.0.1:0). */
int http_port(const struct http_server *s);

/* ---- replies (reply.c) ---- */

/* Reply with a JSON value; takes the reference to v. */
int http_reply_json(http_req *r, int status, json_t *v);

/* Reply with bytes (copied) of the given content type. */
int http_reply_bytes(http_req *r, int status, const char *type, const void *p, size_t n);

/* Fill r->err and return code, for handlers: return http_fail(r, GG_EINVAL, "name", "..."). */
int http_fail(http_req *r, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The error JSON body for code and err (caller frees). */
char *http_error_body(int code, const gg_err *err);

/* ---- request helpers (request.c) ---- */

/* Query argument by name, or NULL. */
const char *http_arg_get(const http_req *r, const char *name);

/* Refuse any query parameter not in names[0..n): 0, or GG_EINVAL naming it. */
int http_args_only(http_req *r, const char *const *names, size_t n);

/* A 1/0 (or true/false) query flag into *out (0 when absent); GG_EINVAL naming it otherwise. */
int http_arg_flag(http_req *r, const char *name, int *out);

/*
 * The place a list is scoped to: the query argument place if given (a
 * division or grid code inside the caller's area: GG_EINVAL naming it if
 * malformed, GG_EFORBIDDEN if outside), else the caller's own place.
 * *scope is borrowed from the request.
 */
int http_place_arg(http_req *r, const char **scope);

/* Header value by name (case-insensitive), or NULL. */
const char *http_header(const http_req *r, const char *name);

/*
 * Parse the body as a JSON object with the limits of limits.h (depth,
 * duplicates, UTF-8). On failure fills r->err and returns GG_EINVAL
 * (GG_ETOOBIG for size). *out is owned by the caller.
 */
int http_body_json(http_req *r, json_t **out);

/* Parse limit/after query arguments; defaults from limits.h. */
int http_page_args(http_req *r, int *limit, int64_t *after);

/* Opaque cursor text for an id into out[32] ("" for 0), and back. */
void http_cursor_encode(int64_t id, char out[32]);
int http_cursor_decode(const char *s, int64_t *id);

/* A page envelope: {"items": items, "next": cursor|null}; takes items. */
json_t *http_page(json_t *items, int64_t next);

/* Check the caller may do action on resource; fills r->err (403) if not. */
int http_require(http_req *r, const char *resource, unsigned action);

/* Append an audit entry for the caller (in the request's transaction). */
int http_audit(http_req *r, const char *action, const char *resource, const char *object_id,
               const char *place, const char *detail);

/* ---- route tables of each resource file ---- */

extern const struct http_route http_routes_session[];
extern const struct http_route http_routes_places[];
extern const struct http_route http_routes_plans[];
extern const struct http_route http_routes_cases[];
extern const struct http_route http_routes_categories[];
extern const struct http_route http_routes_indicators[];
extern const struct http_route http_routes_registry[];
extern const struct http_route http_routes_users[];
extern const struct http_route http_routes_import[];
extern const struct http_route http_routes_photos[];
extern const struct http_route http_routes_static[];
extern const struct http_route http_routes_open311[];

/*
 * Exports a JSON array of rows as CSV (with a UTF-8 BOM for Excel) or .xlsx
 * into the reply; columns lists the keys to write, labels their headers.
 */
int http_reply_table(http_req *r, const char *format, const char *filename, json_t *rows,
                     const char *const *columns, const char *const *labels, int ncolumns);

/* Write rows as CSV (with BOM) or .xlsx into out; 0 or a GG_E code. */
int export_csv(json_t *rows, const char *const *cols, const char *const *labels, int ncols,
               gg_buf *out);
int export_xlsx(json_t *rows, const char *const *cols, const char *const *labels, int ncols,
                const char *sheet, gg_buf *out);

#endif
