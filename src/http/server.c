/*
 * server.c — the libmicrohttpd side of the HTTP layer: connection contexts,
 * body accumulation under the size cap, authentication, routing, the
 * request transaction, idempotent replay, the access log and a graceful
 * stop that lets requests in flight finish.
 *
 * A response is queued only on a later call of the access handler, never on
 * the first one, because libmicrohttpd 0.9.75 closes the connection (no
 * keep-alive) when a response is queued on the first call.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "http_internal.h"
#include "limits.h"

struct write_job {
    http_req *r;
    const struct http_route *rt;
    int done;
    struct write_job *next;
};

struct group_commit {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* the writer: jobs are waiting, or stop */
    pthread_cond_t done;  /* the request threads: a batch has finished */
    struct write_job *head, **tail;
    int stopping;
    db *w;
    pthread_t thread;
    /* figures for the log: batches committed and requests in them */
    uint64_t batches, requests;
};

#define GROUP_MAX 256

struct http_server {
    struct MHD_Daemon *mhd;
    db_pool *pool;
    struct http_config cfg;
    int port;
    atomic_int active;
    const struct http_route **tables;
    struct group_commit group; /* group.w is NULL when writes commit alone */
};

typedef struct conn_ctx {
    http_req req;
    gg_buf body;
    int too_big;
    int processed;
    struct timespec started;
} conn_ctx;

static const struct http_route *const *route_tables(void)
{
    static const struct http_route *tables[] = {
        http_routes_session,
        http_routes_places,
        http_routes_plans,
        http_routes_users,
        http_routes_import,
        http_routes_cases,
        http_routes_categories,
        http_routes_indicators,
        http_routes_photos,
        http_routes_open311,
        http_routes_registry,
        http_routes_static,
        NULL,
    };
    return tables;
}

/* Match url against pattern; fills params. */
static int route_match(const char *pattern, const char *url, http_req *r, char *scratch,
                       size_t scratch_len)
{
    const char *p = pattern, *u = url;
    int np = 0;
    size_t used = 0;
    while (*p && *u) {
        if (*p == '*')
            return 1;
        if (*p == ':') {
            while (*p && *p != '/')
                p++;
            const char *start = u;
            while (*u && *u != '/')
                u++;
            size_t len = (size_t)(u - start);
            if (len == 0 || np >= 4 || used + len + 1 > scratch_len)
                return 0;
            memcpy(scratch + used, start, len);
            scratch[used + len] = '\0';
            r->params[np++] = scratch + used;
            used += len + 1;
            continue;
        }
        if (*p != *u)
            return 0;
        p++;
        u++;
    }
    return (*p == '\0' || *p == '*') && *u == '\0';
}

/*
 * The first table with a pattern matching the path owns that path: tables go
 * from specific to generic, and the registry's "/api/v1/:resource" must not
 * take a method the owner lacks (POST /api/v1/audit is 405, not a search for
 * a resource named "audit").
 */
static const struct http_route *route_find(http_req *r, char *scratch, size_t n, int *method_ok)
{
    *method_ok = 0;
    for (const struct http_route *const *t = route_tables(); *t; t++) {
        for (const struct http_route *rt = *t; rt->method; rt++) {
            if (!route_match(rt->pattern, r->url, r, scratch, n))
                continue;
            if (strcmp(rt->method, r->method) == 0 ||
                (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
                *method_ok = 1;
                return rt;
            }
            *method_ok = -1; /* path known, method not */
        }
        if (*method_ok == -1)
            return NULL;
    }
    return NULL;
}

/* The body cap of the request's route: its own, or the import's, or GG_MAX_BODY. */
static size_t body_cap(http_req *r)
{
    char scratch[256];
    int method_ok;
    const struct http_route *rt = route_find(r, scratch, sizeof(scratch), &method_ok);
    memset(r->params, 0, sizeof(r->params)); /* they pointed into scratch */
    if (rt && rt->max_body)
        return rt->max_body;
    /* CSV imports are files, not JSON: they get the larger cap. */
    return strncmp(r->url, "/api/v1/import/", 15) == 0 ? GG_MAX_IMPORT : GG_MAX_BODY;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    http_req *r = cls;
    if (r->nargs >= (int)GG_ARRAY_LEN(r->args)) {
        r->status = -1;
        return MHD_NO;
    }
    r->args[r->nargs].name = key;
    r->args[r->nargs].value = value ? value : "";
    r->nargs++;
    return MHD_YES;
}

/* Authenticate from a bearer token, the session cookie or an API key. */
static void authenticate(http_req *r)
{
    const char *auth = http_header(r, "Authorization");
    const char *token = NULL;
    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        token = auth + 7;
    if (!token)
        token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "gg_session");
    if (token && strncmp(token, "gk_", 3) == 0) {
        if (store_apikey_check(r->db, token, &r->apikey_id) == 0)
            r->authed = 2;
        return;
    }
    if (token && store_session_user(r->db, token, &r->user) == 0) {
        r->authed = 1;
        r->role = role_parse(r->user.role);
    }
    const char *key = http_header(r, "X-Api-Key");
    if (!r->authed && key && store_apikey_check(r->db, key, &r->apikey_id) == 0)
        r->authed = 2;
}

static int is_write(const char *m)
{
    return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
           strcmp(m, "DELETE") == 0;
}

static void body_hash(const http_req *r, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)(r->body ? r->body : ""), r->body_len,
                       NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static void set_error(http_req *r, int code)
{
    free(r->resp);
    r->resp = http_error_body(code, &r->err);
    r->resp_len = strlen(r->resp);
    r->status = gg_http_status(code);
    r->content_type = "application/json; charset=utf-8";
}

/*
 * The part of a write request that runs inside its transaction: the
 * Idempotency-Key check and replay, the handler, and the stored answer.
 * Returns nonzero when the request's writes must be undone.
 */
static int write_body(http_req *r, const struct http_route *rt)
{
    /* Read raw: http_header hides values over GG_MAX_HEADER_VALUE, and an
     * over-long key must be refused, not silently ignored. */
    const char *idem = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
    char bh[65];
    int64_t idem_user = r->authed == 2 ? -r->apikey_id : r->user.id;
    int rc;
    if (idem) {
        if (strlen(idem) == 0 || strlen(idem) > GG_IDEMPOTENCY_KEY_MAX) {
            gg_fail(&r->err, GG_EINVAL, "Idempotency-Key", "Idempotency-Key must be 1 to %d bytes",
                    GG_IDEMPOTENCY_KEY_MAX);
            set_error(r, GG_EINVAL);
            return 1;
        }
        body_hash(r, bh);
        int status;
        char *stored;
        rc = store_idem_get(r->db, idem_user, idem, r->method, r->url, bh, &status, &stored);
        if (rc == 0) {
            r->status = status;
            r->resp = stored;
            r->resp_len = strlen(stored);
            /* Open311 answers in XML too; everything else stored is JSON */
            r->content_type = stored[0] == '<' ? "application/xml; charset=utf-8"
                                               : "application/json; charset=utf-8";
            return 0;
        }
        if (rc == GG_ECONFLICT) {
            gg_fail(&r->err, GG_ERULE, "Idempotency-Key",
                    "this Idempotency-Key was already used for a different request");
            set_error(r, GG_ERULE);
            return 1;
        }
    }
    rc = rt->fn(r);
    if (rc == 0 && r->status < 300 && idem)
        rc = store_idem_put(r->db, idem_user, idem, r->method, r->url, bh, r->status,
                            r->resp ? r->resp : "");
    if (rc != 0)
        set_error(r, rc);
    return rc != 0 || r->status >= 400;
}

/* A write request whose transaction was lost after its handler succeeded. */
static void lost_tx(http_req *r, const char *why)
{
    free(r->resp);
    r->resp = NULL;
    r->disposition[0] = r->cookie[0] = r->etag[0] = '\0';
    if (r->has_file) {
        close(r->file_fd);
        r->has_file = 0;
    }
    gg_fail(&r->err, GG_EBUSY, "", "the request was not saved (%s); send it again", why);
    set_error(r, GG_EBUSY);
}

/*
 * Group commit. Write requests are run by one writer thread on its own
 * connection: it takes every request waiting, runs each handler in a
 * SAVEPOINT of one transaction (a failed request rolls back to its
 * savepoint and leaves the others alone), commits the batch once, and only
 * then wakes the request threads, which answer. So every answer of a write
 * is sent after its commit, and concurrent writers share one fsync. If the
 * transaction itself is lost (the commit or a savepoint fails), no request
 * of the batch is saved and each answers 503 "send it again".
 */

static void run_batch(struct group_commit *g, struct write_job *jobs)
{
    db *w = g->w;
    const char *lost = NULL;
    if (db_begin_write(w) != 0)
        lost = "the database is busy";
    struct write_job *j;
    for (j = jobs; j && !lost; j = j->next) {
        http_req *r = j->r;
        db *own = r->db;
        r->db = w;
        if (db_exec(w, "SAVEPOINT request", NULL) != 0) {
            r->db = own;
            lost = "cannot open a savepoint";
            break;
        }
        int undo = write_body(r, j->rt);
        if (undo)
            undo = db_exec(w, "ROLLBACK TO request", NULL);
        if (undo == 0 && db_exec(w, "RELEASE request", NULL) != 0)
            undo = 1;
        r->db = own;
        if (undo) {
            /* the statement that failed took the transaction with it */
            lost = "its transaction was rolled back";
            j = j->next;
            break;
        }
    }
    if (!lost && db_commit(w) != 0)
        lost = "the commit failed";
    if (lost) {
        const char *msg = db_errmsg(w);
        if (db_in_tx(w))
            db_rollback(w);
        fprintf(stderr, "gridgov: a batch of writes was lost: %s: %s\n", lost, msg ? msg : "");
        /* Requests that ran (or would have) answer "send it again"; those
         * already refused keep their own error: nothing of theirs was kept. */
        for (struct write_job *k = jobs; k; k = k->next)
            if (k->r->status < 400 || k == j)
                lost_tx(k->r, lost);
    }
    pthread_mutex_lock(&g->mu);
    g->batches++;
    for (j = jobs; j; j = j->next) {
        j->done = 1;
        g->requests++;
    }
    pthread_cond_broadcast(&g->done);
    pthread_mutex_unlock(&g->mu);
}

static void *writer_main(void *arg)
{
    struct group_commit *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->head && !g->stopping)
            pthread_cond_wait(&g->work, &g->mu);
        if (!g->head)
            break;
        /* take up to GROUP_MAX jobs, in arrival order */
        struct write_job *jobs = g->head, *last = jobs;
        for (int n = 1; n < GROUP_MAX && last->next; n++)
            last = last->next;
        g->head = last->next;
        if (!g->head)
            g->tail = &g->head;
        last->next = NULL;
        pthread_mutex_unlock(&g->mu);
        run_batch(g, jobs);
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static int group_start(struct group_commit *g, const char *url, gg_err *err)
{
    memset(g, 0, sizeof(*g));
    int rc = db_open(url, &g->w, err);
    if (rc)
        return rc;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->work, NULL);
    pthread_cond_init(&g->done, NULL);
    g->tail = &g->head;
    if (pthread_create(&g->thread, NULL, writer_main, g) != 0) {
        db_close(g->w);
        g->w = NULL;
        return gg_fail(err, GG_EIO, "", "cannot start the writer thread");
    }
    return 0;
}

/* Stop after the jobs already queued are done. */
static void group_stop(struct group_commit *g)
{
    if (!g->w)
        return;
    pthread_mutex_lock(&g->mu);
    g->stopping = 1;
    pthread_cond_signal(&g->work);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    db_close(g->w);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->work);
    pthread_cond_destroy(&g->done);
}

static void group_run(struct group_commit *g, http_req *r, const struct http_route *rt)
{
    struct write_job j = {.r = r, .rt = rt};
    pthread_mutex_lock(&g->mu);
    *g->tail = &j;
    g->tail = &j.next;
    pthread_cond_signal(&g->work);
    while (!j.done)
        pthread_cond_wait(&g->done, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

/* A write request alone: its own transaction on the request's connection. */
static void run_alone(http_req *r, const struct http_route *rt)
{
    if (db_begin_write(r->db) != 0) {
        gg_fail(&r->err, GG_EBUSY, "", "the database is busy, try again");
        set_error(r, GG_EBUSY);
        return;
    }
    if (write_body(r, rt) != 0) {
        db_rollback(r->db);
        return;
    }
    if (db_commit(r->db) != 0) {
        const char *msg = db_errmsg(r->db);
        char why[200];
        snprintf(why, sizeof(why), "commit failed: %s", msg ? msg : "");
        db_rollback(r->db);
        lost_tx(r, why);
    }
}

/* Run the matched handler: writes in a transaction (grouped or alone),
 * reads and ROUTE_OWNTX routes as they are. */
static void run_handler(struct http_server *srv, http_req *r, const struct http_route *rt)
{
    if (is_write(r->method) && !(rt->flags & ROUTE_OWNTX)) {
        if (srv->group.w)
            group_run(&srv->group, r, rt);
        else
            run_alone(r, rt);
        return;
    }
    int rc = rt->fn(r);
    if (rc != 0)
        set_error(r, rc);
}

static void process(struct http_server *srv, conn_ctx *c)
{
    http_req *r = &c->req;
    if (c->too_big) {
        gg_fail(&r->err, GG_ETOOBIG, "body", "the request body is larger than %zu bytes",
                c->body.max);
        set_error(r, GG_ETOOBIG);
        return;
    }
    if (strlen(r->url) > GG_MAX_URL) {
        gg_fail(&r->err, GG_ETOOBIG, "url", "the request URL is too long");
        set_error(r, GG_ETOOBIG);
        return;
    }
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, r);
    if (r->status == -1) {
        r->status = 0;
        gg_fail(&r->err, GG_EINVAL, "query", "too many query parameters (at most %d)",
                GG_MAX_QUERY_ARGS);
        set_error(r, GG_EINVAL);
        return;
    }
    for (int i = 0; i < r->nargs; i++) {
        if (!gg_utf8_valid(r->args[i].value, strlen(r->args[i].value)) ||
            !gg_utf8_valid(r->args[i].name, strlen(r->args[i].name))) {
            gg_fail(&r->err, GG_EINVAL, r->args[i].name, "query parameter is not valid UTF-8");
            set_error(r, GG_EINVAL);
            return;
        }
    }
    r->body = c->body.data;
    r->body_len = c->body.len;
    char scratch[256];
    int method_ok;
    const struct http_route *rt = route_find(r, scratch, sizeof(scratch), &method_ok);
    if (!rt) {
        int code = method_ok == -1 ? GG_EMETHOD : GG_ENOTFOUND;
        if (method_ok == -1) {
            gg_fail(&r->err, code, "", "method %s is not allowed here", r->method);
            set_error(r, code);
        } else {
            gg_fail(&r->err, code, "", "no such resource: %s", r->url);
            set_error(r, code);
        }
        return;
    }
    r->db = db_pool_acquire(srv->pool);
    /* A read request sees one snapshot and takes the WAL read lock once for
     * the session lookup and the handler's queries together. */
    r->read_tx = !is_write(r->method) && db_begin(r->db) == 0;
    authenticate(r);
    if (!(rt->flags & ROUTE_PUBLIC) &&
        !(r->authed == 1 || (r->authed == 2 && (rt->flags & ROUTE_APIKEY)))) {
        gg_fail(&r->err, GG_EAUTH, "", "log in first: send Authorization: Bearer <token>");
        set_error(r, GG_EAUTH);
    } else {
        run_handler(srv, r, rt);
    }
    if (r->read_tx)
        db_commit(r->db);
    db_pool_release(srv->pool, r->db);
    r->db = NULL;
}

static enum MHD_Result queue(struct MHD_Connection *conn, http_req *r)
{
    if (!r->resp) {
        r->resp = xstrdup("");
        r->resp_len = 0;
    }
    struct MHD_Response *resp;
    if (r->has_file) {
        resp = MHD_create_response_from_fd((uint64_t)r->file_size, r->file_fd);
        r->has_file = 0; /* the response closes it */
    } else {
        resp = MHD_create_response_from_buffer_with_free_callback(r->resp_len, r->resp, &free);
        r->resp = NULL; /* owned by the response now */
    }
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->disposition[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
    if (r->cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->cache_control ? r->cache_control : "no-store");
    if (r->etag[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    if (r->status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, POST, PATCH, PUT, DELETE");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http_server *srv = cls;
    conn_ctx *c = *con_cls;
    if (!c) {
        c = xcalloc(1, sizeof(*c));
        clock_gettime(CLOCK_MONOTONIC, &c->started);
        c->req.method = method;
        c->req.url = url;
        c->req.conn = conn;
        c->req.srv = srv;
        size_t cap = body_cap(&c->req);
        gg_buf_init(&c->body, cap);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        int64_t len;
        if (cl && gg_parse_i64(cl, 0, INT64_MAX, &len) == 0 && len > (int64_t)cap)
            c->too_big = 1;
        *con_cls = c;
        atomic_fetch_add(&srv->active, 1);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!c->too_big && gg_buf_append(&c->body, upload_data, *upload_size) != 0)
            c->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (!c->processed) {
        c->processed = 1;
        process(srv, c);
    }
    return queue(conn, &c->req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    conn_ctx *c = *con_cls;
    if (!c)
        return;
    if (!srv->cfg.quiet) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double ms = (double)(now.tv_sec - c->started.tv_sec) * 1e3 +
                    (double)(now.tv_nsec - c->started.tv_nsec) / 1e6;
        char at[21];
        gg_iso8601((int64_t)time(NULL), at);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char ip[64] = "-";
        if (ci && ci->client_addr)
            http_format_addr(ci->client_addr, ip, sizeof(ip));
        fprintf(stderr, "%s %s \"%s %s\" %d %.1fms user=%s%s\n", at, ip, c->req.method, c->req.url,
                c->req.status, ms, c->req.authed == 1 ? c->req.user.login : "-",
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    free(c->req.resp);
    if (c->req.has_file)
        close(c->req.file_fd);
    gg_buf_free(&c->body);
    free(c);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->active, 1);
}

static void log_panic(void *cls, const char *file, unsigned line, const char *reason)
{
    (void)cls;
    fprintf(stderr, "gridgov: libmicrohttpd failure at %s:%u: %s\n", file, line,
            reason ? reason : "");
    abort();
}

int http_start(const struct http_config *cfg, struct http_server **out, gg_err *err)
{
    if (sodium_init() < 0)
        return gg_fail(err, GG_EIO, "", "libsodium failed to initialise");
    struct http_server *s = xcalloc(1, sizeof(*s));
    s->cfg = *cfg;
    int threads = cfg->threads > 0 ? cfg->threads : 4;
    int rc = db_pool_open(cfg->db_url, threads + 1, &s->pool, err);
    if (rc) {
        free(s);
        return rc;
    }
    if (!cfg->solo_writes && (rc = group_start(&s->group, cfg->db_url, err)) != 0) {
        db_pool_close(s->pool);
        free(s);
        return rc;
    }
    struct sockaddr_storage addr;
    if (http_parse_addr(cfg->listen_host, cfg->port, &addr) != 0) {
        group_stop(&s->group);
        db_pool_close(s->pool);
        free(s);
        return gg_fail(err, GG_EINVAL, "listen", "cannot use listen address %s", cfg->listen_host);
    }
    MHD_set_panic_func(log_panic, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    /* MHD_USE_EPOLL is an enum constant, not a macro: ask the library. */
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!s->mhd) {
        group_stop(&s->group);
        db_pool_close(s->pool);
        free(s);
        return gg_fail(err, GG_EIO, "listen", "cannot listen on %s:%d (in use?)", cfg->listen_host,
                       cfg->port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    *out = s;
    return 0;
}

int http_port(const struct http_server *s)
{
    return s->port;
}

struct db_pool *http_pool(struct http_server *s)
{
    return s->pool;
}

const struct http_config *http_cfg(const struct http_server *s)
{
    return &s->cfg;
}

void http_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    /* Let requests in flight finish, for at most ten seconds. */
    for (int i = 0; i < 1000 && atomic_load(&s->active) > 0; i++)
        usleep(10000);
    MHD_stop_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    group_stop(&s->group);
    if (!s->cfg.quiet && s->group.batches)
        fprintf(stderr, "gridgov: %llu write requests in %llu commits\n",
                (unsigned long long)s->group.requests, (unsigned long long)s->group.batches);
    db_pool_close(s->pool);
    free(s);
}
