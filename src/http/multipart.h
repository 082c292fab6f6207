/*
 * multipart.h — a strict parser of multipart/form-data request bodies
 * (RFC 7578 over RFC 2046) for file uploads.
 *
 * The whole body is in memory (the server buffers it under the route's
 * cap); the parser copies nothing: every part is a set of slices (pointer
 * and length) into the caller's body, valid as long as the body is.
 *
 * Strict means: the body starts with the first delimiter (no preamble),
 * delimiters end in CRLF with no transport padding, every part has a
 * Content-Disposition of form-data with a quoted name, only the headers
 * Content-Disposition, Content-Type, Content-Length (which must match) and
 * Content-Transfer-Encoding (binary, 8bit or 7bit) are allowed, each at
 * most once, header lines are valid UTF-8 without control characters, and
 * nothing but an optional CRLF follows the close delimiter. Anything else
 * is GG_EINVAL with the field "body" (or the part) named in the error.
 */
#ifndef GG_MULTIPART_H
#define GG_MULTIPART_H

#include <stddef.h>

#include "gg.h"

#define MP_BOUNDARY_MAX 70      /* RFC 2046 */
#define MP_HEADER_LINE_MAX 1024 /* bytes of one part header line */
#define MP_HEADERS_MAX 8        /* header lines of one part */

/* One part: slices into the body. filename and type are NULL when absent. */
struct mp_part {
    const char *name;
    size_t name_len;
    const char *filename;
    size_t filename_len;
    const char *type; /* the part's Content-Type as sent (not trusted) */
    size_t type_len;
    const char *data;
    size_t len;
};

/*
 * The boundary of a Content-Type header value "multipart/form-data;
 * boundary=…" (token or quoted string, 1–70 characters of RFC 2046's
 * bchars, not ending in a space) into out, NUL-terminated. GG_EINVAL with
 * the field "Content-Type" otherwise (also when content_type is NULL).
 */
int mp_boundary(const char *content_type, char out[MP_BOUNDARY_MAX + 1], gg_err *err);

/*
 * Parse body[0..n) delimited by boundary into parts[0..max_parts). At most
 * max_parts parts (more: GG_ETOOBIG, field "body") of at most max_part_bytes
 * each (more: GG_ETOOBIG, field "NAME[i]" with the part's name and index).
 * Syntax errors are GG_EINVAL naming "body" or the part. On success writes
 * the number of parts (at least one) into *nparts.
 */
int mp_parse(const char *body, size_t n, const char *boundary, struct mp_part *parts,
             size_t max_parts, size_t max_part_bytes, size_t *nparts, gg_err *err);

/* The length of s[0..n) cut to at most max bytes without splitting a UTF-8 character. */
size_t mp_cut(const char *s, size_t n, size_t max);

/* Is the part's name exactly s? */
int mp_name_is(const struct mp_part *p, const char *s);

#endif
