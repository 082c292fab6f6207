/*
 * request.c — what handlers read from a request (arguments, headers, the
 * JSON body under the limits of limits.h, paging) and what they write back
 * (JSON replies, errors, audit entries).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_internal.h"
#include "limits.h"
#include "place.h"

const char *http_arg_get(const http_req *r, const char *name)
{
    for (int i = 0; i < r->nargs; i++)
        if (strcmp(r->args[i].name, name) == 0)
            return r->args[i].value;
    return NULL;
}

int http_args_only(http_req *r, const char *const *names, size_t n)
{
    for (int i = 0; i < r->nargs; i++) {
        size_t k = 0;
        while (k < n && strcmp(r->args[i].name, names[k]) != 0)
            k++;
        if (k == n)
            return http_fail(r, GG_EINVAL, r->args[i].name, "unknown query parameter %s",
                             r->args[i].name);
    }
    return 0;
}

int http_arg_flag(http_req *r, const char *name, int *out)
{
    const char *v = http_arg_get(r, name);
    *out = 0;
    if (!v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *out = 1;
        return 0;
    }
    return http_fail(r, GG_EINVAL, name, "%s must be 1 or 0", name);
}

int http_place_arg(http_req *r, const char **scope)
{
    *scope = r->user.place;
    const char *p = http_arg_get(r, "place");
    if (p) {
        if (place_level_of(p) == PLACE_INVALID)
            return http_fail(r, GG_EINVAL, "place", "place must be a division or grid code");
        if (!place_in_scope(r->user.place, p))
            return http_fail(r, GG_EFORBIDDEN, "place", "place %s is outside your area", p);
        *scope = p;
    }
    return 0;
}

const char *http_header(const http_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
    if (v && strlen(v) > GG_MAX_HEADER_VALUE)
        return NULL;
    return v;
}

/* Depth of nesting of a JSON text, ignoring brackets inside strings. */
static int json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

int http_body_json(http_req *r, json_t **out)
{
    if (!r->body || r->body_len == 0)
        return http_fail(r, GG_EINVAL, "body", "a JSON body is required");
    if (r->body_len > GG_MAX_BODY)
        return http_fail(r, GG_ETOOBIG, "body", "the request body is larger than %u bytes",
                         GG_MAX_BODY);
    if (!gg_utf8_valid(r->body, r->body_len))
        return http_fail(r, GG_EINVAL, "body", "the request body is not valid UTF-8");
    if (json_depth(r->body, r->body_len) > GG_MAX_JSON_DEPTH)
        return http_fail(r, GG_EINVAL, "body", "JSON nested deeper than %d levels",
                         GG_MAX_JSON_DEPTH);
    json_error_t je;
    json_t *v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return http_fail(r, GG_EINVAL, "body", "malformed JSON at line %d column %d: %s",
                         je.line, je.column, je.text);
    if (!json_is_object(v)) {
        json_decref(v);
        return http_fail(r, GG_EINVAL, "body", "the request body must be a JSON object");
    }
    *out = v;
    return 0;
}

int http_page_args(http_req *r, int *limit, int64_t *after)
{
    const char *l = http_arg_get(r, "limit");
    const char *a = http_arg_get(r, "after");
    int64_t v = GG_PAGE_DEFAULT;
    if (l && gg_parse_i64(l, 1, GG_PAGE_MAX, &v) != 0)
        return http_fail(r, GG_EINVAL, "limit", "limit must be an integer from 1 to %d",
                         GG_PAGE_MAX);
    *limit = (int)v;
    *after = 0;
    if (a && *a && http_cursor_decode(a, after) != 0)
        return http_fail(r, GG_EINVAL, "after", "after is not a cursor returned by this list");
    return 0;
}

/* Cursors are the id in base 36 behind a "c" so clients treat them as opaque. */
void http_cursor_encode(int64_t id, char out[32])
{
    if (id <= 0) {
        out[0] = '\0';
        return;
    }
    char tmp[24];
    int n = 0;
    uint64_t v = (uint64_t)id;
    while (v && n < (int)sizeof(tmp)) {
        tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
        v /= 36;
    }
    out[0] = 'c';
    for (int i = 0; i < n; i++)
        out[1 + i] = tmp[n - 1 - i];
    out[n + 1] = '\0';
}

int http_cursor_decode(const char *s, int64_t *id)
{
    if (s[0] != 'c' || !s[1] || strlen(s) > 14)
        return GG_EINVAL;
    uint64_t v = 0;
    for (const char *p = s + 1; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'z')
            d = *p - 'a' + 10;
        else
            return GG_EINVAL;
        v = v * 36 + (uint64_t)d;
        if (v > INT64_MAX)
            return GG_EINVAL;
    }
    *id = (int64_t)v;
    return 0;
}

json_t *http_page(json_t *items, int64_t next)
{
    char c[32];
    http_cursor_encode(next, c);
    return json_pack("{s:o, s:s?}", "items", items, "next", next ? c : NULL);
}

int http_require(http_req *r, const char *resource, unsigned action)
{
    if (r->authed != 1 || !authz_allowed(r->role, resource, action))
        return http_fail(r, GG_EFORBIDDEN, "", "your role (%s) may not do this on %s",
                         r->authed == 1 ? role_name(r->role) : "api key", resource);
    return 0;
}

int http_audit(http_req *r, const char *action, const char *resource, const char *object_id,
               const char *place, const char *detail)
{
    /* A read request writes only its audit entry: end the read snapshot and
     * write it on its own, so it never has to upgrade a stale snapshot. */
    if (r->read_tx) {
        db_commit(r->db);
        r->read_tx = 0;
    }
    return store_audit(r->db, r->authed == 1 ? r->user.id : 0,
                       r->authed == 1 ? r->user.login : "apikey", action, resource, object_id,
                       place, detail);
}

int http_reply_json(http_req *r, int status, json_t *v)
{
    if (!v)
        return http_fail(r, GG_EIO, "", "cannot build the response");
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(v);
    free(r->resp);
    r->resp = s;
    r->resp_len = strlen(s);
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    return 0;
}

int http_reply_bytes(http_req *r, int status, const char *type, const void *p, size_t n)
{
    free(r->resp);
    r->resp = xmalloc(n + 1);
    memcpy(r->resp, p, n);
    r->resp[n] = '\0';
    r->resp_len = n;
    r->status = status;
    r->content_type = type;
    return 0;
}

int http_fail(http_req *r, int code, const char *field, const char *fmt, ...)
{
    gg_strlcpy(r->err.field, field ? field : "", sizeof(r->err.field));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
    va_end(ap);
    return code;
}

/*
 * Copy s into out[n] as valid UTF-8: error texts echo request input (a path,
 * a field name) and may have been cut mid-character by a fixed buffer, and
 * jansson refuses invalid UTF-8, so each bad byte becomes '?'.
 */
static void utf8_clean(const char *s, char *out, size_t n)
{
    size_t o = 0;
    while (*s && o + 1 < n) {
        unsigned char c = (unsigned char)*s;
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (strnlen(s, len) == len && gg_utf8_valid(s, len) && o + len < n) {
            memcpy(out + o, s, len);
            o += len;
            s += len;
        } else {
            out[o++] = '?';
            s++;
        }
    }
    out[o] = '\0';
}

char *http_error_body(int code, const gg_err *err)
{
    char msg[sizeof(err->msg)], field[sizeof(err->field)];
    utf8_clean(err && err->msg[0] ? err->msg : gg_strerror(code), msg, sizeof(msg));
    utf8_clean(err ? err->field : "", field, sizeof(field));
    json_t *e = json_pack("{s:s, s:s}", "code", gg_strerror(code), "message", msg);
    if (e && field[0])
        json_object_set_new(e, "field", json_string(field));
    json_t *o = e ? json_pack("{s:o}", "error", e) : NULL;
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s ? s : xstrdup("{\"error\":{\"code\":\"internal_error\",\"message\":\"error\"}}");
}

int http_parse_addr(const char *host, int port, struct sockaddr_storage *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return 0;
    }
    return GG_EINVAL;
}

void http_format_addr(const struct sockaddr *sa, char *out, size_t n)
{
    if (getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                  : sizeof(struct sockaddr_in),
                    out, (socklen_t)n, NULL, 0, NI_NUMERICHOST) != 0)
        gg_strlcpy(out, "-", n);
}
