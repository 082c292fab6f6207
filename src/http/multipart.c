/*
 * multipart.c — the strict multipart/form-data parser of multipart.h.
 *
 * One pass over the body: after each delimiter come the part's header
 * lines (bounded in length and number), then the part's bytes up to the
 * next "\r\n--boundary" (found with memmem, so the whole body is scanned
 * once). Parts are slices of the body; nothing is copied or allocated.
 */
#include "multipart.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* RFC 7230 tchar: the characters of a token. */
static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046 bchars (space allowed, but not last). */
static int is_bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("'()+_,-./:=? ", c) != NULL);
}

static int ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Slice s[0..n) equals the lower-case ASCII word w, ignoring case. */
static int slice_is(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    if (n != k)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i])
            return 0;
    }
    return 1;
}

int mp_name_is(const struct mp_part *p, const char *s)
{
    return p->name && p->name_len == strlen(s) && memcmp(p->name, s, p->name_len) == 0;
}

int mp_boundary(const char *ct, char out[MP_BOUNDARY_MAX + 1], gg_err *err)
{
    static const char type[] = "multipart/form-data";
    if (!ct)
        return gg_fail(err, GG_EINVAL, "Content-Type",
                       "send the files as multipart/form-data with a boundary");
    const char *p = ct;
    while (ows((unsigned char)*p))
        p++;
    size_t tl = 0;
    while (p[tl] && p[tl] != ';' && !ows((unsigned char)p[tl]))
        tl++;
    if (!slice_is(p, tl, type))
        return gg_fail(err, GG_EINVAL, "Content-Type",
                       "send the files as multipart/form-data with a boundary");
    p += tl;
    int found = 0;
    for (;;) {
        while (ows((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (*p++ != ';')
            return gg_fail(err, GG_EINVAL, "Content-Type", "malformed Content-Type parameters");
        while (ows((unsigned char)*p))
            p++;
        const char *name = p;
        while (is_tchar((unsigned char)*p))
            p++;
        size_t nl = (size_t)(p - name);
        if (nl == 0 || *p++ != '=')
            return gg_fail(err, GG_EINVAL, "Content-Type", "malformed Content-Type parameters");
        const char *v = p;
        size_t vl;
        if (*p == '"') {
            v = ++p;
            while (*p && *p != '"' && *p != '\\')
                p++;
            if (*p != '"')
                return gg_fail(err, GG_EINVAL, "Content-Type",
                               "unterminated quoted Content-Type parameter");
            vl = (size_t)(p - v);
            p++;
        } else {
            while (is_tchar((unsigned char)*p))
                p++;
            vl = (size_t)(p - v);
        }
        if (!slice_is(name, nl, "boundary"))
            continue; /* charset and the like mean nothing to binary parts */
        if (found)
            return gg_fail(err, GG_EINVAL, "Content-Type", "boundary is given twice");
        found = 1;
        if (vl == 0 || vl > MP_BOUNDARY_MAX || v[vl - 1] == ' ')
            return gg_fail(err, GG_EINVAL, "Content-Type",
                           "the boundary must be 1 to %d characters", MP_BOUNDARY_MAX);
        for (size_t i = 0; i < vl; i++)
            if (!is_bchar((unsigned char)v[i]))
                return gg_fail(err, GG_EINVAL, "Content-Type",
                               "the boundary has a character RFC 2046 does not allow");
        memcpy(out, v, vl);
        out[vl] = '\0';
    }
    if (!found)
        return gg_fail(err, GG_EINVAL, "Content-Type", "multipart/form-data needs a boundary");
    return 0;
}

/* ---- parts ---- */

size_t mp_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Name a part in errors: "NAME[i]" (the name cut at a character boundary), or "part[i]". */
static void part_field(const struct mp_part *p, size_t i, char out[64])
{
    size_t n = p->name ? mp_cut(p->name, p->name_len, 32) : 0;
    if (n)
        snprintf(out, 64, "%.*s[%zu]", (int)n, p->name, i);
    else
        snprintf(out, 64, "part[%zu]", i);
}

static int part_fail(gg_err *err, int code, const struct mp_part *p, size_t i, const char *what)
{
    char f[64];
    part_field(p, i, f);
    return gg_fail(err, code, f, "%s: %s", f, what);
}

/*
 * A parameter value of Content-Disposition at *pp (before end): a quoted
 * string (no quote inside; a backslash is an ordinary character, as
 * browsers send Windows paths) or a token. Advances *pp.
 */
static int param_value(const char **pp, const char *end, const char **v, size_t *vl)
{
    const char *p = *pp;
    if (p < end && *p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        if (!q)
            return -1;
        *v = p + 1;
        *vl = (size_t)(q - p - 1);
        *pp = q + 1;
        return 0;
    }
    const char *s = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (p == s)
        return -1;
    *v = s;
    *vl = (size_t)(p - s);
    *pp = p;
    return 0;
}

/* Content-Disposition: form-data; name="…"[; filename="…"] */
static int parse_disposition(const char *v, size_t n, struct mp_part *part, size_t idx, gg_err *err)
{
    const char *p = v, *end = v + n;
    const char *t = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (!slice_is(t, (size_t)(p - t), "form-data"))
        return part_fail(err, GG_EINVAL, part, idx, "Content-Disposition must be form-data");
    int have_file = 0;
    while (p < end) {
        while (p < end && ows((unsigned char)*p))
            p++;
        if (p == end)
            break;
        if (*p++ != ';')
            return part_fail(err, GG_EINVAL, part, idx, "malformed Content-Disposition");
        while (p < end && ows((unsigned char)*p))
            p++;
        const char *pn = p;
        while (p < end && is_tchar((unsigned char)*p))
            p++;
        size_t pl = (size_t)(p - pn);
        const char *pv;
        size_t pvl;
        if (pl == 0 || p == end || *p++ != '=' || param_value(&p, end, &pv, &pvl) != 0)
            return part_fail(err, GG_EINVAL, part, idx, "malformed Content-Disposition");
        if (slice_is(pn, pl, "name")) {
            if (part->name)
                return part_fail(err, GG_EINVAL, part, idx, "name is given twice");
            if (pvl == 0)
                return part_fail(err, GG_EINVAL, part, idx, "the part's name is empty");
            part->name = pv;
            part->name_len = pvl;
        } else if (slice_is(pn, pl, "filename")) {
            if (have_file++)
                return part_fail(err, GG_EINVAL, part, idx, "filename is given twice");
            part->filename = pv;
            part->filename_len = pvl;
        } else {
            return part_fail(err, GG_EINVAL, part, idx,
                             "Content-Disposition takes only name and filename");
        }
    }
    if (!part->name)
        return part_fail(err, GG_EINVAL, part, idx, "Content-Disposition has no name");
    return 0;
}

/* A decimal slice of at most 18 digits into *out. */
static int slice_size(const char *s, size_t n, size_t *out)
{
    if (n == 0 || n > 18)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

/*
 * The header lines of part idx starting at *pp, through the empty line.
 * On success *pp is the first byte of the part's data.
 */
static int parse_headers(const char **pp, const char *end, struct mp_part *part, size_t idx,
                         int *has_len, size_t *clen, gg_err *err)
{
    const char *p = *pp;
    int seen_disp = 0, seen_cte = 0, lines = 0;
    for (;;) {
        /* find the line's CRLF: no bare CR or LF, no control characters */
        size_t k = 0;
        while (p + k < end && p[k] != '\r' && p[k] != '\n') {
            unsigned char c = (unsigned char)p[k];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return part_fail(err, GG_EINVAL, part, idx,
                                 "a part header has a control character");
            if (++k > MP_HEADER_LINE_MAX)
                return part_fail(err, GG_EINVAL, part, idx, "a part header line is too long");
        }
        if (p + k + 1 >= end || p[k] != '\r' || p[k + 1] != '\n')
            return part_fail(err, GG_EINVAL, part, idx,
                             "part headers must end in CRLF and an empty line");
        const char *line = p;
        p += k + 2;
        if (k == 0)
            break;
        if (++lines > MP_HEADERS_MAX)
            return part_fail(err, GG_EINVAL, part, idx, "too many part headers");
        if (!gg_utf8_valid(line, k))
            return part_fail(err, GG_EINVAL, part, idx, "a part header is not valid UTF-8");
        size_t nl = 0;
        while (nl < k && is_tchar((unsigned char)line[nl]))
            nl++;
        if (nl == 0 || nl == k || line[nl] != ':')
            return part_fail(err, GG_EINVAL, part, idx, "malformed part header");
        const char *v = line + nl + 1, *ve = line + k;
        while (v < ve && ows((unsigned char)*v))
            v++;
        while (ve > v && ows((unsigned char)ve[-1]))
            ve--;
        size_t vl = (size_t)(ve - v);
        int rc;
        if (slice_is(line, nl, "content-disposition")) {
            if (seen_disp++)
                return part_fail(err, GG_EINVAL, part, idx, "Content-Disposition is given twice");
            if ((rc = parse_disposition(v, vl, part, idx, err)) != 0)
                return rc;
        } else if (slice_is(line, nl, "content-type")) {
            if (part->type)
                return part_fail(err, GG_EINVAL, part, idx, "Content-Type is given twice");
            if (vl == 0)
                return part_fail(err, GG_EINVAL, part, idx, "Content-Type is empty");
            part->type = v;
            part->type_len = vl;
        } else if (slice_is(line, nl, "content-length")) {
            if ((*has_len)++)
                return part_fail(err, GG_EINVAL, part, idx, "Content-Length is given twice");
            if (slice_size(v, vl, clen) != 0)
                return part_fail(err, GG_EINVAL, part, idx, "Content-Length is not a number");
        } else if (slice_is(line, nl, "content-transfer-encoding")) {
            if (seen_cte++)
                return part_fail(err, GG_EINVAL, part, idx,
                                 "Content-Transfer-Encoding is given twice");
            if (!slice_is(v, vl, "binary") && !slice_is(v, vl, "8bit") && !slice_is(v, vl, "7bit"))
                return part_fail(err, GG_EINVAL, part, idx,
                                 "send the bytes as they are (Content-Transfer-Encoding binary)");
        } else {
            return part_fail(err, GG_EINVAL, part, idx,
                             "only Content-Disposition and Content-Type may describe a part");
        }
    }
    if (!seen_disp)
        return part_fail(err, GG_EINVAL, part, idx, "the part has no Content-Disposition");
    *pp = p;
    return 0;
}

int mp_parse(const char *body, size_t n, const char *boundary, struct mp_part *parts,
             size_t max_parts, size_t max_part_bytes, size_t *nparts, gg_err *err)
{
    size_t bl = boundary ? strlen(boundary) : 0;
    if (bl == 0 || bl > MP_BOUNDARY_MAX)
        return gg_fail(err, GG_EINVAL, "Content-Type", "the boundary must be 1 to %d characters",
                       MP_BOUNDARY_MAX);
    /* the delimiter inside the body: CRLF "--" boundary */
    char delim[MP_BOUNDARY_MAX + 4];
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, bl);
    size_t dl = bl + 4;
    if (!body || n < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
        return gg_fail(err, GG_EINVAL, "body", "the body must start with --boundary");
    const char *p = body + dl - 2, *end = body + n;
    size_t np = 0;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            p += 2;
            if (p != end && !(end - p == 2 && p[0] == '\r' && p[1] == '\n'))
                return gg_fail(err, GG_EINVAL, "body", "nothing may follow the closing boundary");
            break;
        }
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return gg_fail(err, GG_EINVAL, "body", "a boundary must be followed by CRLF");
        p += 2;
        if (np == max_parts)
            return gg_fail(err, GG_ETOOBIG, "body", "more than %zu parts", max_parts);
        struct mp_part *part = &parts[np];
        memset(part, 0, sizeof(*part));
        int has_len = 0;
        size_t clen = 0;
        int rc = parse_headers(&p, end, part, np, &has_len, &clen, err);
        if (rc)
            return rc;
        const char *q = memmem(p, (size_t)(end - p), delim, dl);
        if (!q)
            return part_fail(err, GG_EINVAL, part, np, "the part is not closed by a boundary");
        part->data = p;
        part->len = (size_t)(q - p);
        if (part->len > max_part_bytes) {
            char what[96];
            snprintf(what, sizeof(what), "larger than %zu bytes", max_part_bytes);
            return part_fail(err, GG_ETOOBIG, part, np, what);
        }
        if (has_len && clen != part->len)
            return part_fail(err, GG_EINVAL, part, np, "Content-Length does not match the part");
        p = q + dl;
        np++;
    }
    if (np == 0)
        return gg_fail(err, GG_EINVAL, "body", "the body has no parts");
    *nparts = np;
    return 0;
}
