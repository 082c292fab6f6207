/*
 * h_open311.c — Open311 GeoReport v2 at /open311/v2/, in XML and JSON
 * (the extension of the last path segment picks the format):
 *
 *   GET  discovery.{fmt}               where the endpoint is, which formats
 *   GET  services.{fmt}                public active categories as services
 *   GET  services/{code}.{fmt}         a service definition (its attributes)
 *   POST requests.{fmt}                file a case (form-encoded, api_key)
 *   GET  requests.{fmt}                public cases: service_request_id,
 *                                      service_code, start_date, end_date,
 *                                      status, page, page_size
 *   GET  requests/{id}.{fmt}           one public case
 *   GET  tokens/{token}.{fmt}          the request id of a token
 *
 * Reads are public, as the specification has them; filing needs an API key
 * (form field api_key, or the Authorization: Bearer gk_… / X-Api-Key
 * headers). Errors are the specification's: an array of {code,
 * description}, every problem of the request at once, status 403 for the
 * key, 404 for an unknown service or request, else 400. Private cases and
 * private categories never appear; contact data sent with a request is
 * kept for staff and never shown here. docs/open311.md maps the states and
 * fields. Filing is open311_post.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_internal.h"
#include "iso8601.h"
#include "open311.h"
#include "store_cases.h"
#include "store_meta.h"
#include "store_open311.h"
#include "svcattr.h"

#define PREFIX "/open311/v2/"
#define OPEN311_CHANGESET "2026-03-01T00:00:00+08:00" /* last change of this interface */
#define OPEN311_RANGE_MAX (90 * 86400)                /* start_date..end_date, seconds */
#define OPEN311_PAGE_MAX 1000                         /* page_size, and the default */
#define OPEN311_IDS_MAX 200                           /* ids in one service_request_id */
#define OPEN311_XML_MAX (64u << 20)                   /* bytes of one XML answer */

/* ---- answers ---- */

static const char *item_name(const char *name)
{
    static const char *const pairs[][2] = {
        {"services", "service"}, {"service_requests", "request"},
        {"errors", "error"},     {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},
        {"formats", "format"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(pairs); i++)
        if (strcmp(name, pairs[i][0]) == 0)
            return pairs[i][1];
    return "item";
}

/* Reply with v (taken) in the exchange's format; root names the XML document element. */
int open311_reply(struct o311 *o, int status, json_t *v, const char *root)
{
    if (!o->xml)
        return http_reply_json(o->r, status, v);
    gg_buf b;
    gg_buf_init(&b, OPEN311_XML_MAX);
    int rc = http_xml_render(v, root, item_name, &b);
    json_decref(v);
    if (rc == 0)
        rc = http_reply_bytes(o->r, status, "application/xml; charset=utf-8", b.data, b.len);
    else
        rc = http_fail(o->r, GG_ETOOBIG, "", "the answer is too large");
    gg_buf_free(&b);
    return rc;
}

/* Record one problem of the request: code is 400, 403 or 404 (or 500). */
void open311_error(struct o311 *o, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gg_utf8_cut(msg);
    for (char *p = msg; *p; p++) /* messages echo input: keep them valid for JSON */
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (!gg_utf8_valid(msg, strlen(msg)))
        gg_strlcpy(msg, "malformed input", sizeof(msg));
    json_array_append_new(o->errors, json_pack("{s:i, s:s}", "code", code, "description", msg));
}

/* Answer the errors found: 400 if any is a 400, else the first one's code (403, 404, 500). */
int open311_reply_errors(struct o311 *o)
{
    int status = 0;
    size_t i;
    json_t *e;
    json_array_foreach (o->errors, i, e) {
        int c = (int)json_integer_value(json_object_get(e, "code"));
        if (status == 0 || c == 400)
            status = c;
    }
    json_t *errs = o->errors;
    o->errors = json_array();
    return open311_reply(o, status ? status : 400, errs, "errors");
}

/* A failure of the server itself (the database), as an Open311 error. */
static int internal(struct o311 *o, int rc, const char *what)
{
    open311_error(o, 500, "cannot %s (%s)", what, gg_strerror(rc));
    return open311_reply_errors(o);
}

/* ---- the path and the parameters ---- */

/*
 * Split the path after /open311/v2/ into resource, argument and format:
 * "services/utilities.heating_cold.json" → ("services",
 * "utilities.heating_cold", json). GG_ENOTFOUND if it has no known shape;
 * *known_fmt says whether the extension was .json or .xml.
 */
static int split_path(struct o311 *o, int *known_fmt)
{
    const char *rest = o->r->url + strlen(PREFIX);
    const char *dot = strrchr(rest, '.');
    *known_fmt = 0;
    if (!dot)
        return GG_ENOTFOUND;
    if (strcmp(dot, ".json") == 0) {
        o->xml = 0;
    } else if (strcmp(dot, ".xml") == 0) {
        o->xml = 1;
    } else {
        return GG_ENOTFOUND;
    }
    *known_fmt = 1;
    size_t stem = (size_t)(dot - rest);
    const char *slash = memchr(rest, '/', stem);
    size_t rl = slash ? (size_t)(slash - rest) : stem;
    if (rl == 0 || rl >= sizeof(o->res))
        return GG_ENOTFOUND;
    memcpy(o->res, rest, rl);
    o->res[rl] = '\0';
    o->arg[0] = '\0';
    if (slash) {
        size_t al = stem - rl - 1;
        if (al == 0 || al >= sizeof(o->arg) || memchr(slash + 1, '/', al))
            return GG_ENOTFOUND;
        memcpy(o->arg, slash + 1, al);
        o->arg[al] = '\0';
    }
    return 0;
}

/* Every query parameter must be one of names[]. */
static void check_args(struct o311 *o, const char *const *names, size_t n)
{
    for (int i = 0; i < o->r->nargs; i++) {
        size_t k = 0;
        while (k < n && strcmp(o->r->args[i].name, names[k]) != 0)
            k++;
        if (k == n)
            open311_error(o, 400, "%.64s: unknown parameter", o->r->args[i].name);
    }
}

/* jurisdiction_id, when given, must be the division this database serves. */
void open311_check_jurisdiction(struct o311 *o, const char *j)
{
    if (!j)
        return;
    char div[32] = "";
    if (store_meta_get(o->r->db, "division", div, sizeof(div)) != 0 || strcmp(j, div) != 0)
        open311_error(o, 404, "jurisdiction_id: this endpoint serves only jurisdiction %s",
                      div[0] ? div : "(none)");
}

/* ---- discovery and services ---- */

/* "http://host" from the Host header when it looks like a host name, else "". */
static void base_url(http_req *r, char *out, size_t n)
{
    const char *host = http_header(r, "Host");
    const char *proto = http_header(r, "X-Forwarded-Proto");
    out[0] = '\0';
    if (!host || !*host || strlen(host) > 255)
        return;
    for (const char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']'))
            return;
    snprintf(out, n, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http", host);
}

static int discovery(struct o311 *o)
{
    char base[300], url[340];
    base_url(o->r, base, sizeof(base));
    snprintf(url, sizeof(url), "%s/open311/v2", base);
    json_t *endpoint = json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification",
                                 "http://wiki.open311.org/GeoReport_v2", "url", url, "changeset",
                                 OPEN311_CHANGESET, "type", "production", "formats", "text/xml",
                                 "application/json");
    json_t *d = json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", OPEN311_CHANGESET, "contact",
                          "网格化服务管理中心 (gridgov)", "key_service",
                          "API key 由市级管理员发放 (gridgov apikey add)", "endpoints", endpoint);
    return open311_reply(o, 200, d, "discovery");
}

/* A stored service row as an Open311 service; NULL if its attributes are malformed. */
static json_t *service_json(json_t *row, svcattr_set **attrs)
{
    gg_err e;
    svcattr_set *s;
    if (svcattr_parse(json_string_value(json_object_get(row, "attributes")), &s, &e) != 0)
        return NULL;
    json_t *out = json_pack(
        "{s:O, s:O, s:O, s:b, s:s, s:O, s:O}", "service_code", json_object_get(row, "code"),
        "service_name", json_object_get(row, "name"), "description",
        json_object_get(row, "description"), "metadata", svcattr_count(s) > 0, "type", "realtime",
        "keywords", json_object_get(row, "keywords"), "group", json_object_get(row, "group"));
    if (attrs)
        *attrs = s;
    else
        svcattr_free(s);
    return out;
}

static int services(struct o311 *o)
{
    json_t *rows;
    int rc = store_open311_services(o->r->db, &rows);
    if (rc)
        return internal(o, rc, "list the services");
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *s = service_json(row, NULL);
        if (!s) {
            open311_error(o, 500, "the definition of service %s is malformed",
                          json_string_value(json_object_get(row, "code")));
            continue;
        }
        json_array_append_new(out, s);
    }
    json_decref(rows);
    if (json_array_size(o->errors)) {
        json_decref(out);
        return open311_reply_errors(o);
    }
    return open311_reply(o, 200, out, "services");
}

/* The public service code, its row into *row; adds a 404 (or 500) and returns non-zero if none. */
int open311_load_service(struct o311 *o, const char *code, json_t **row)
{
    int rc =
        store_category_code_ok(code) ? store_open311_service(o->r->db, code, row) : GG_ENOTFOUND;
    if (rc == GG_ENOTFOUND) {
        open311_error(o, 404, "service_code: no service %.60s", code);
        return rc;
    }
    if (rc)
        open311_error(o, 500, "cannot read service %.60s", code);
    return rc;
}

static int definition(struct o311 *o)
{
    json_t *row;
    if (open311_load_service(o, o->arg, &row) != 0)
        return open311_reply_errors(o);
    svcattr_set *attrs = NULL;
    json_t *s = service_json(row, &attrs);
    json_decref(row);
    if (!s) {
        open311_error(o, 500, "the definition of service %s is malformed", o->arg);
        return open311_reply_errors(o);
    }
    json_t *d = json_pack("{s:O, s:o}", "service_code", json_object_get(s, "service_code"),
                          "attributes", svcattr_definition(attrs));
    json_decref(s);
    svcattr_free(attrs);
    return open311_reply(o, 200, d, "service_definition");
}

/* ---- reading requests ---- */

static json_t *time_json(json_t *v)
{
    if (!json_is_integer(v))
        return json_null();
    char buf[ISO8601_CST_LEN];
    iso8601_cst(json_integer_value(v), buf);
    return json_string(buf);
}

/* A stored public case (store_open311_requests) as an Open311 service request. */
static json_t *request_json(json_t *row)
{
    enum case_state st = case_state_parse(json_string_value(json_object_get(row, "state")));
    char id[24], notes[96];
    snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    snprintf(notes, sizeof(notes), "%s (%s)", case_state_label(st), case_state_name(st));
    const char *dept = json_string_value(json_object_get(row, "assignee_dept"));
    const char *team = json_string_value(json_object_get(row, "team_name"));
    return json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:s, s:o, s:o, s:o, s:O, s:O, s:O, s:O}",
                     "service_request_id", id, "status", case_state_is_open(st) ? "open" : "closed",
                     "status_notes", notes, "service_name", json_object_get(row, "category_name"),
                     "service_code", json_object_get(row, "category"), "description",
                     json_object_get(row, "description"), "agency_responsible",
                     dept && *dept ? dept
                     : team        ? team
                                   : "",
                     "requested_datetime", time_json(json_object_get(row, "reported_at")),
                     "updated_datetime", time_json(json_object_get(row, "updated_at")),
                     "expected_datetime", time_json(json_object_get(row, "deadline")), "address",
                     json_object_get(row, "address"), "lat", json_object_get(row, "lat"), "long",
                     json_object_get(row, "lon"), "media_url", json_object_get(row, "media_url"));
}

static int reply_requests(struct o311 *o, const struct open311_query *q)
{
    json_t *rows;
    int rc = store_open311_requests(o->r->db, q, &rows);
    if (rc)
        return internal(o, rc, "list the service requests");
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append_new(out, request_json(row));
    json_decref(rows);
    return open311_reply(o, 200, out, "service_requests");
}

/* A date parameter into *out; 0 if absent, 1 if given, -1 (error added) if malformed. */
static int date_arg(struct o311 *o, const char *name, int64_t *out)
{
    const char *v = http_arg_get(o->r, name);
    if (!v)
        return 0;
    if (iso8601_parse(v, out) != 0) {
        open311_error(o, 400,
                      "%s: not an ISO-8601 date-time (e.g. 2026-03-02T09:00:00+08:00 or "
                      "2026-03-02T01:00:00Z)",
                      name);
        return -1;
    }
    return 1;
}

static int requests_list(struct o311 *o)
{
    static const char *const names[] = {"service_request_id", "service_code",    "start_date",
                                        "end_date",           "status",          "page",
                                        "page_size",          "jurisdiction_id", "api_key"};
    check_args(o, names, GG_ARRAY_LEN(names));
    open311_check_jurisdiction(o, http_arg_get(o->r, "jurisdiction_id"));
    struct open311_query q = {0};
    int64_t ids[OPEN311_IDS_MAX];
    const char *v = http_arg_get(o->r, "service_request_id");
    if (v) {
        const char *p = v;
        while (1) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            char one[32] = "";
            while (n && *p == ' ') {
                p++;
                n--;
            }
            while (n && p[n - 1] == ' ')
                n--;
            int64_t id;
            if (n == 0 || n >= sizeof(one)) {
                open311_error(o, 400, "service_request_id: a comma-separated list of request ids");
                break;
            }
            memcpy(one, p, n);
            if (gg_parse_i64(one, 1, INT64_MAX, &id) != 0) {
                open311_error(o, 400, "service_request_id: %s is not a request id", one);
                break;
            }
            if (q.nids == OPEN311_IDS_MAX) {
                open311_error(o, 400, "service_request_id: at most %d ids at once",
                              OPEN311_IDS_MAX);
                break;
            }
            ids[q.nids++] = id;
            if (!comma)
                break;
            p = comma + 1;
        }
        q.ids = ids;
    }
    q.category = http_arg_get(o->r, "service_code");
    json_t *row;
    if (q.category && open311_load_service(o, q.category, &row) == 0)
        json_decref(row);
    int64_t now = gg_now(), start = 0, end = 0;
    int hs = date_arg(o, "start_date", &start), he = date_arg(o, "end_date", &end);
    if (hs >= 0 && he >= 0) {
        if (!hs && !he) {
            end = now;
            start = now - OPEN311_RANGE_MAX;
        } else if (!he) {
            end = start + OPEN311_RANGE_MAX;
        } else if (!hs) {
            start = end - OPEN311_RANGE_MAX;
        } else if (end < start) {
            open311_error(o, 400, "end_date: before start_date");
        } else if (end - start > OPEN311_RANGE_MAX) {
            open311_error(o, 400, "end_date: the range from start_date may span at most 90 days");
        }
    }
    q.start = start;
    q.end = end;
    if ((v = http_arg_get(o->r, "status")) != NULL) {
        int open = 0, closed = 0, bad = 0;
        for (const char *p = v;;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            while (n && *p == ' ') {
                p++;
                n--;
            }
            if (n == 4 && memcmp(p, "open", 4) == 0)
                open = 1;
            else if (n == 6 && memcmp(p, "closed", 6) == 0)
                closed = 1;
            else
                bad = 1;
            if (!comma)
                break;
            p = comma + 1;
        }
        if (bad)
            open311_error(o, 400, "status: open, closed or both (comma-separated)");
        q.status = open && !closed ? OPEN311_OPEN : closed && !open ? OPEN311_CLOSED : OPEN311_ANY;
    }
    int64_t page = 1, size = OPEN311_PAGE_MAX;
    if ((v = http_arg_get(o->r, "page")) != NULL && gg_parse_i64(v, 1, 1000000, &page) != 0)
        open311_error(o, 400, "page: an integer from 1");
    if ((v = http_arg_get(o->r, "page_size")) != NULL &&
        gg_parse_i64(v, 1, OPEN311_PAGE_MAX, &size) != 0)
        open311_error(o, 400, "page_size: an integer from 1 to %d", OPEN311_PAGE_MAX);
    if (json_array_size(o->errors))
        return open311_reply_errors(o);
    q.limit = (int)size;
    q.offset = (page - 1) * size;
    return reply_requests(o, &q);
}

static int requests_one(struct o311 *o)
{
    static const char *const names[] = {"jurisdiction_id", "api_key"};
    check_args(o, names, GG_ARRAY_LEN(names));
    open311_check_jurisdiction(o, http_arg_get(o->r, "jurisdiction_id"));
    int64_t id;
    if (gg_parse_i64(o->arg, 1, INT64_MAX, &id) != 0)
        open311_error(o, 404, "service_request_id: no request %.40s", o->arg);
    if (json_array_size(o->errors))
        return open311_reply_errors(o);
    struct open311_query q = {.ids = &id, .nids = 1, .limit = 1};
    json_t *rows;
    int rc = store_open311_requests(o->r->db, &q, &rows);
    if (rc)
        return internal(o, rc, "read the service request");
    size_t n = json_array_size(rows);
    json_decref(rows);
    if (n == 0) {
        open311_error(o, 404, "service_request_id: no request %lld", (long long)id);
        return open311_reply_errors(o);
    }
    return reply_requests(o, &q);
}

static int token_ok(const char *t)
{
    if (strlen(t) != OPEN311_TOKEN_LEN)
        return 0;
    for (const char *p = t; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static int tokens_one(struct o311 *o)
{
    static const char *const names[] = {"jurisdiction_id", "api_key"};
    check_args(o, names, GG_ARRAY_LEN(names));
    open311_check_jurisdiction(o, http_arg_get(o->r, "jurisdiction_id"));
    int64_t id = 0;
    int rc = token_ok(o->arg) ? store_open311_token(o->r->db, o->arg, &id) : GG_ENOTFOUND;
    if (rc == GG_ENOTFOUND)
        open311_error(o, 404, "token: no request has the token %.40s", o->arg);
    else if (rc)
        return internal(o, rc, "read the token");
    if (json_array_size(o->errors))
        return open311_reply_errors(o);
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    return open311_reply(o, 200,
                         json_pack("[{s:s, s:s}]", "service_request_id", ids, "token", o->arg),
                         "service_requests");
}

/* ---- dispatch ---- */

/* Set up the exchange; on a path of no known shape answer 404 and return non-zero. */
static int start(struct o311 *o, http_req *r)
{
    memset(o, 0, sizeof(*o));
    o->r = r;
    o->errors = json_array();
    int known;
    if (split_path(o, &known) != 0) {
        open311_error(o, 404, "no such resource: %.100s%s", r->url,
                      known ? "" : " (the path ends in .json or .xml)");
        open311_reply_errors(o);
        return -1;
    }
    return 0;
}

static int finish(struct o311 *o, int rc)
{
    json_decref(o->errors);
    return rc;
}

static int open311_get(http_req *r)
{
    struct o311 o;
    if (start(&o, r) != 0)
        return finish(&o, 0);
    int rc;
    const char *res = o.res;
    int has_arg = o.arg[0] != '\0';
    if (strcmp(res, "discovery") == 0 && !has_arg) {
        static const char *const none[] = {"jurisdiction_id"};
        check_args(&o, none, 1);
        rc = json_array_size(o.errors) ? open311_reply_errors(&o) : discovery(&o);
    } else if (strcmp(res, "services") == 0) {
        static const char *const names[] = {"jurisdiction_id"};
        check_args(&o, names, 1);
        open311_check_jurisdiction(&o, http_arg_get(r, "jurisdiction_id"));
        rc = json_array_size(o.errors) ? open311_reply_errors(&o)
             : has_arg                 ? definition(&o)
                                       : services(&o);
    } else if (strcmp(res, "requests") == 0) {
        rc = has_arg ? requests_one(&o) : requests_list(&o);
    } else if (strcmp(res, "tokens") == 0 && has_arg) {
        rc = tokens_one(&o);
    } else {
        open311_error(&o, 404, "no such resource: %.100s", r->url);
        rc = open311_reply_errors(&o);
    }
    return finish(&o, rc);
}

static int open311_post(http_req *r)
{
    struct o311 o;
    if (start(&o, r) != 0)
        return finish(&o, 0);
    int rc;
    if (strcmp(o.res, "requests") == 0 && !o.arg[0]) {
        rc = open311_create(r, &o);
    } else {
        open311_error(&o, 405, "POST is only for requests.json and requests.xml");
        rc = open311_reply_errors(&o);
    }
    return finish(&o, rc);
}

const struct http_route http_routes_open311[] = {
    {"GET", "/open311/v2/*", open311_get, ROUTE_PUBLIC},
    {"POST", "/open311/v2/*", open311_post, ROUTE_PUBLIC},
    {NULL, NULL, NULL, 0},
};
