/*
 * gg.h — what every gridgov module shares: error codes, the error detail
 * buffer, aborting allocators and a bounded string builder.
 *
 * Functions return int: 0 on success, a negative GG_E* code on failure.
 * Detail about a failure (which field, why) goes into a caller-supplied
 * gg_err, never into a global.
 */
#ifndef GG_H
#define GG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum {
    GG_OK = 0,
    GG_EINVAL = -1,     /* malformed input: 400 */
    GG_ENOTFOUND = -2,  /* 404 */
    GG_ECONFLICT = -3,  /* state or uniqueness conflict: 409 */
    GG_EFORBIDDEN = -4, /* authenticated but not allowed: 403 */
    GG_EAUTH = -5,      /* not authenticated: 401 */
    GG_ERULE = -6,      /* well-formed but violates a domain rule: 422 */
    GG_ETOOBIG = -7,    /* over a size limit: 413 */
    GG_ELIMIT = -8,     /* rate limited: 429 */
    GG_EIO = -9,        /* storage or system failure: 500 */
    GG_EBUSY = -10,     /* storage busy, try again: 503 */
    GG_EUNAVAIL = -11,  /* dependency missing (data file, service): 503 */
    GG_EMETHOD = -12,   /* method not allowed on this path: 405 */
};

/* Error detail: the field concerned (may be empty) and a message. */
typedef struct gg_err {
    char field[64];
    char msg[256];
} gg_err;

/* Record a failure in err (which may be NULL) and return code. */
int gg_fail(gg_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clear err. NULL is a no-op. */
void gg_err_clear(gg_err *err);

/* Short machine-readable name of an error code ("invalid_field"...). */
const char *gg_strerror(int code);

/* HTTP status that an error code maps to. */
int gg_http_status(int code);

/* Allocators that abort on failure. Free with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * gg_buf — a growable byte buffer with a hard cap. Appending past the cap
 * fails with GG_ETOOBIG and leaves the buffer unchanged. The data is always
 * NUL-terminated. Free with gg_buf_free (the struct itself is caller-owned).
 */
typedef struct gg_buf {
    char *data;
    size_t len;
    size_t cap; /* allocated */
    size_t max; /* hard limit on len */
} gg_buf;

void gg_buf_init(gg_buf *b, size_t max);
int gg_buf_append(gg_buf *b, const void *p, size_t n);
int gg_buf_puts(gg_buf *b, const char *s);
int gg_buf_printf(gg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gg_buf_reset(gg_buf *b);
void gg_buf_free(gg_buf *b);

/*
 * Range-checked integer parse of the whole string s (base 10, optional
 * sign). Returns 0 and writes *out, or GG_EINVAL.
 */
int gg_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Copy src into dst of size n, always NUL-terminating; returns strlen(src). */
size_t gg_strlcpy(char *dst, const char *src, size_t n);

/* True if s (len n) is well-formed UTF-8 without NUL bytes. */
int gg_utf8_valid(const char *s, size_t n);

/* Cut a trailing incomplete UTF-8 sequence off s (after truncation). */
void gg_utf8_cut(char *s);

/* Number of Unicode code points in valid UTF-8 s. */
size_t gg_utf8_len(const char *s);

/* Current time as Unix seconds; tests may pin it with GG_TEST_NOW. */
int64_t gg_now(void);

/* Format Unix seconds as ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void gg_iso8601(int64_t t, char out[21]);

#define GG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
