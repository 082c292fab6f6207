/*
 * image.c — image dimensions from the header bytes (see image.h). Every
 * read is bounds-checked against n: the bytes come from outside.
 */
#include "image.h"

#include <string.h>

#include "gg.h"

static const char *const mimes[] = {"", "image/jpeg", "image/png", "image/webp"};

enum image_type image_type_of(const char *mime)
{
    for (int t = IMAGE_JPEG; mime && t <= IMAGE_WEBP; t++)
        if (strcmp(mime, mimes[t]) == 0)
            return (enum image_type)t;
    return IMAGE_NONE;
}

const char *image_mime(enum image_type t)
{
    return t >= IMAGE_JPEG && t <= IMAGE_WEBP ? mimes[t] : "";
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static unsigned long le24(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16;
}

static unsigned long le32(const unsigned char *p)
{
    return le24(p) | (unsigned long)p[3] << 24;
}

static int png_dims(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
        return GG_ENOTFOUND;
    *w = be32(p + 16);
    *h = be32(p + 20);
    return 0;
}

/* The first SOFn segment: every marker with a frame header but DHT, JPG and DAC. */
static int jpeg_dims(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return GG_ENOTFOUND;
    size_t i = 2;
    while (i + 1 < n) {
        if (p[i] != 0xFF)
            return GG_ENOTFOUND;
        unsigned char m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        i += 2;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) /* TEM, RSTn: no length */
            continue;
        if (m == 0xD9 || m == 0xDA) /* EOI, or SOS before any frame header */
            return GG_ENOTFOUND;
        if (i + 2 > n)
            return GG_ENOTFOUND;
        unsigned len = be16(p + i);
        if (len < 2)
            return GG_ENOTFOUND;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 7 || i + 7 > n)
                return GG_ENOTFOUND;
            *h = be16(p + i + 3);
            *w = be16(p + i + 5);
            return 0;
        }
        if (len > n - i)
            return GG_ENOTFOUND;
        i += len;
    }
    return GG_ENOTFOUND;
}

static int webp_dims(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    if (n < 30 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
        return GG_ENOTFOUND;
    const unsigned char *c = p + 12, *d = p + 20;
    if (memcmp(c, "VP8 ", 4) == 0) {
        /* frame tag (3), start code 9d 01 2a, then 14-bit width and height */
        if (d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a)
            return GG_ENOTFOUND;
        *w = ((unsigned long)d[6] | (unsigned long)d[7] << 8) & 0x3fff;
        *h = ((unsigned long)d[8] | (unsigned long)d[9] << 8) & 0x3fff;
        return 0;
    }
    if (memcmp(c, "VP8L", 4) == 0) {
        if (d[0] != 0x2f)
            return GG_ENOTFOUND;
        unsigned long bits = le32(d + 1);
        *w = (bits & 0x3fff) + 1;
        *h = ((bits >> 14) & 0x3fff) + 1;
        return 0;
    }
    if (memcmp(c, "VP8X", 4) == 0) {
        *w = le24(d + 4) + 1;
        *h = le24(d + 7) + 1;
        return 0;
    }
    return GG_ENOTFOUND;
}

int image_dims(enum image_type t, const unsigned char *p, size_t n, int *width, int *height)
{
    unsigned long w = 0, h = 0;
    int rc = GG_ENOTFOUND;
    if (!p)
        return rc;
    switch (t) {
    case IMAGE_PNG:
        rc = png_dims(p, n, &w, &h);
        break;
    case IMAGE_JPEG:
        rc = jpeg_dims(p, n, &w, &h);
        break;
    case IMAGE_WEBP:
        rc = webp_dims(p, n, &w, &h);
        break;
    default:
        break;
    }
    /* PNG allows up to 2^31-1; nothing real is that large, and 0 is no picture */
    if (rc || w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff)
        return GG_ENOTFOUND;
    *width = (int)w;
    *height = (int)h;
    return 0;
}
