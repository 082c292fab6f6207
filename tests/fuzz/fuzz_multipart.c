/*
 * fuzz_multipart.c — libFuzzer harness for photo uploads: the Content-Type
 * boundary (mp_boundary), the strict multipart parser (mp_parse) and the
 * image header reader (image_dims) on every part it returns.
 *
 * Input: a first line (up to '\n') is the Content-Type header; the rest is
 * the body. When the first line gives no boundary, the whole input is a
 * body with the boundary "XyZ".
 *
 * Beyond not crashing: an accepted body has 1..max parts, each a slice
 * inside the input no longer than the part limit, with a name, and whose
 * data does not contain the delimiter; names, file names, part types and
 * every error message and field are valid UTF-8 (they go into answers).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gg.h"
#include "image.h"
#include "multipart.h"

#define MAX_PARTS 9
#define MAX_PART_BYTES 4096

static void check(int cond)
{
    if (!cond)
        abort();
}

static void check_err(const gg_err *e)
{
    check(gg_utf8_valid(e->msg, strlen(e->msg)));
    check(gg_utf8_valid(e->field, strlen(e->field)));
}

static int inside(const char *p, size_t n, const char *base, size_t size)
{
    return p >= base && n <= size && (size_t)(p - base) <= size - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so AddressSanitizer sees any read past the end */
    char *in = malloc(size ? size : 1);
    memcpy(in, data, size);
    const char *body = in;
    size_t n = size;
    char boundary[MP_BOUNDARY_MAX + 1] = "XyZ";
    const char *nl = memchr(in, '\n', size < 200 ? size : 200);
    if (nl) {
        char ct[200];
        memcpy(ct, in, (size_t)(nl - in));
        ct[nl - in] = '\0';
        gg_err e;
        gg_err_clear(&e);
        char b[MP_BOUNDARY_MAX + 1];
        if (mp_boundary(ct, b, &e) == 0) {
            check(strlen(b) >= 1 && strlen(b) <= MP_BOUNDARY_MAX);
            memcpy(boundary, b, sizeof(b));
            body = nl + 1;
            n = size - (size_t)(nl + 1 - in);
        } else {
            check_err(&e);
        }
    }
    struct mp_part parts[MAX_PARTS];
    size_t np = 0;
    gg_err err;
    gg_err_clear(&err);
    int rc = mp_parse(body, n, boundary, parts, MAX_PARTS, MAX_PART_BYTES, &np, &err);
    if (rc != 0) {
        check(rc == GG_EINVAL || rc == GG_ETOOBIG);
        check_err(&err);
        free(in);
        return 0;
    }
    check(np >= 1 && np <= MAX_PARTS);
    char delim[MP_BOUNDARY_MAX + 5] = "\r\n--";
    memcpy(delim + 4, boundary, strlen(boundary) + 1);
    for (size_t i = 0; i < np; i++) {
        const struct mp_part *p = &parts[i];
        check(p->name && p->name_len > 0 && inside(p->name, p->name_len, body, n));
        check(gg_utf8_valid(p->name, p->name_len));
        if (p->filename)
            check(inside(p->filename, p->filename_len, body, n) &&
                  gg_utf8_valid(p->filename, p->filename_len));
        if (p->type)
            check(inside(p->type, p->type_len, body, n) && gg_utf8_valid(p->type, p->type_len));
        check(p->len <= MAX_PART_BYTES && inside(p->data, p->len, body, n));
        check(memmem(p->data, p->len, delim, strlen(delim)) == NULL);
        for (int t = IMAGE_NONE; t <= IMAGE_WEBP; t++) {
            int w = 0, h = 0;
            if (image_dims((enum image_type)t, (const unsigned char *)p->data, p->len, &w, &h) == 0)
                check(w > 0 && h > 0);
        }
    }
    free(in);
    return 0;
}
