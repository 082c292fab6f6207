/*
 * gg.c — shared basics: error codes and their HTTP statuses, aborting
 * allocators, the capped buffer, number parsing and UTF-8 checks.
 */
#include "gg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    int code;
    const char *name;
    int status;
} err_table[] = {
    {GG_OK, "ok", 200},
    {GG_EINVAL, "invalid_field", 400},
    {GG_ENOTFOUND, "not_found", 404},
    {GG_ECONFLICT, "conflict", 409},
    {GG_EFORBIDDEN, "forbidden", 403},
    {GG_EAUTH, "unauthenticated", 401},
    {GG_ERULE, "rule_violated", 422},
    {GG_ETOOBIG, "too_large", 413},
    {GG_ELIMIT, "rate_limited", 429},
    {GG_EIO, "internal_error", 500},
    {GG_EBUSY, "busy", 503},
    {GG_EUNAVAIL, "unavailable", 503},
    {GG_EMETHOD, "method_not_allowed", 405},
};

const char *gg_strerror(int code)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(err_table); i++)
        if (err_table[i].code == code)
            return err_table[i].name;
    return "internal_error";
}

int gg_http_status(int code)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(err_table); i++)
        if (err_table[i].code == code)
            return err_table[i].status;
    return 500;
}

int gg_fail(gg_err *err, int code, const char *field, const char *fmt, ...)
{
    if (err) {
        gg_strlcpy(err->field, field ? field : "", sizeof(err->field));
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        /* Truncation must not leave half a character behind. */
        gg_utf8_cut(err->field);
        gg_utf8_cut(err->msg);
    }
    return code;
}

void gg_err_clear(gg_err *err)
{
    if (err) {
        err->field[0] = '\0';
        err->msg[0] = '\0';
    }
}

static void oom(size_t n)
{
    fprintf(stderr, "gridgov: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void gg_buf_init(gg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

int gg_buf_append(gg_buf *b, const void *p, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return GG_ETOOBIG;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gg_buf_puts(gg_buf *b, const char *s)
{
    return gg_buf_append(b, s, strlen(s));
}

int gg_buf_printf(gg_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return GG_EINVAL;
    if ((size_t)n < sizeof(small))
        return gg_buf_append(b, small, (size_t)n);
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = gg_buf_append(b, big, (size_t)n);
    free(big);
    return rc;
}

void gg_buf_reset(gg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void gg_buf_free(gg_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int gg_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return GG_EINVAL;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return GG_EINVAL;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end != '\0' || v < min || v > max)
        return GG_EINVAL;
    *out = (int64_t)v;
    return 0;
}

size_t gg_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return len;
}

int gg_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        int more;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (e - p <= more)
            return 0;
        for (int i = 1; i <= more; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += more + 1;
    }
    return 1;
}

void gg_utf8_cut(char *s)
{
    size_t n = strlen(s), i = n;
    /* Back up over at most 3 continuation bytes to the last lead byte. */
    while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    if (lead < 0xC0)
        return;
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < want)
        s[i - 1] = '\0';
}

size_t gg_utf8_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

int64_t gg_now(void)
{
    const char *pin = getenv("GG_TEST_NOW");
    int64_t t;
    if (pin && gg_parse_i64(pin, 0, INT64_MAX, &t) == 0)
        return t;
    return (int64_t)time(NULL);
}

void gg_iso8601(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
