/*
 * test_image.c — unit tests of src/core/image.c: MIME names, and the
 * dimensions of real PNG, baseline JPEG and WebP (VP8, VP8L, VP8X) files
 * (the same tiny images the API tests upload), every truncation of them,
 * and headers that lie.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gg.h"
#include "image.h"

/* 3×2 RGB, zlib+struct as tests/api/test_photos.py makes it */
static const unsigned char png[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00\x00"
    "\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63"
    "\xf8\xcf\xc0\x00\x41\x0c\x70\x16\x00\x41\xd2\x05\xfb\x87\xf0\xb9\x48\x00\x00\x00\x00\x49"
    "\x45\x4e\x44\xae\x42\x60\x82";
/* 16×8 grey baseline JPEG: JFIF, DQT, SOF0, two one-code DHTs, SOS, two blocks, EOI */
static const unsigned char jpeg[] =
    "\xff\xd8\xff\xe0\x00\x10\x4a\x46\x49\x46\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb"
    "\x00\x43\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
    "\x01\xff\xc0\x00\x0b\x08\x00\x08\x00\x10\x01\x01\x11\x00\xff\xc4\x00\x14\x00\x01\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xc4\x00\x14\x10\x01\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xda\x00\x08\x01\x01\x00\x00"
    "\x3f\x00\x0f\xff\xd9";
/* 1×1 lossless and lossy WebP */
static const unsigned char vp8l[] =
    "\x52\x49\x46\x46\x1a\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c\x0d\x00\x00\x00\x2f\x00"
    "\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";
static const unsigned char vp8[] =
    "\x52\x49\x46\x46\x22\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x20\x16\x00\x00\x00\x30\x01"
    "\x00\x9d\x01\x2a\x01\x00\x01\x00\x0e\xc0\xfe\x25\xa4\x00\x03\x70\x00\x00\x00\x00";
/* an extended WebP header: canvas 640×480 */
static const unsigned char vp8x[] =
    "RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x7f\x02\x00\xdf\x01\x00"
    "\x00\x00\x00\x00\x00\x00";

static void expect_dims(enum image_type t, const unsigned char *p, size_t n, int w, int h)
{
    int gw = -1, gh = -1;
    assert_int_equal(image_dims(t, p, n, &gw, &gh), 0);
    assert_int_equal(gw, w);
    assert_int_equal(gh, h);
}

static void expect_none(enum image_type t, const unsigned char *p, size_t n)
{
    int gw = -1, gh = -1;
    assert_int_equal(image_dims(t, p, n, &gw, &gh), GG_ENOTFOUND);
    assert_int_equal(gw, -1); /* untouched */
    assert_int_equal(gh, -1);
}

static void test_mime(void **state)
{
    (void)state;
    assert_int_equal(image_type_of("image/jpeg"), IMAGE_JPEG);
    assert_int_equal(image_type_of("image/png"), IMAGE_PNG);
    assert_int_equal(image_type_of("image/webp"), IMAGE_WEBP);
    assert_int_equal(image_type_of("image/gif"), IMAGE_NONE);
    assert_int_equal(image_type_of("image/jpeg; charset=binary"), IMAGE_NONE);
    assert_int_equal(image_type_of(""), IMAGE_NONE);
    assert_int_equal(image_type_of(NULL), IMAGE_NONE);
    assert_string_equal(image_mime(IMAGE_PNG), "image/png");
    assert_string_equal(image_mime(IMAGE_NONE), "");
}

static void test_dims(void **state)
{
    (void)state;
    expect_dims(IMAGE_PNG, png, sizeof(png) - 1, 3, 2);
    expect_dims(IMAGE_JPEG, jpeg, sizeof(jpeg) - 1, 16, 8);
    expect_dims(IMAGE_WEBP, vp8l, sizeof(vp8l) - 1, 1, 1);
    expect_dims(IMAGE_WEBP, vp8, sizeof(vp8) - 1, 1, 1);
    expect_dims(IMAGE_WEBP, vp8x, sizeof(vp8x) - 1, 640, 480);
    /* the wrong type reads nothing */
    expect_none(IMAGE_JPEG, png, sizeof(png) - 1);
    expect_none(IMAGE_PNG, jpeg, sizeof(jpeg) - 1);
    expect_none(IMAGE_WEBP, png, sizeof(png) - 1);
    expect_none(IMAGE_NONE, png, sizeof(png) - 1);
    expect_none(IMAGE_PNG, NULL, 0);
}

/* Every prefix of every file: no read past the end (ASan), and dimensions only once complete. */
static void test_truncated(void **state)
{
    (void)state;
    static const struct {
        enum image_type t;
        const unsigned char *p;
        size_t n;
        size_t need; /* bytes the header needs */
    } files[] = {
        {IMAGE_PNG, png, sizeof(png) - 1, 24},
        {IMAGE_JPEG, jpeg, sizeof(jpeg) - 1, 0x59 + 9}, /* SOF0 at 0x59 */
        {IMAGE_WEBP, vp8l, sizeof(vp8l) - 1, 30},
        {IMAGE_WEBP, vp8, sizeof(vp8) - 1, 30},
        {IMAGE_WEBP, vp8x, sizeof(vp8x) - 1, 30},
    };
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        for (size_t k = 0; k <= files[f].n; k++) {
            unsigned char *copy = malloc(k ? k : 1); /* exact size: ASan sees any overread */
            memcpy(copy, files[f].p, k);
            int w, h;
            int rc = image_dims(files[f].t, copy, k, &w, &h);
            if (k < files[f].need && rc == 0)
                fail_msg("file %zu: dimensions from only %zu bytes", f, k);
            if (k >= files[f].need && rc != 0)
                fail_msg("file %zu: no dimensions from %zu bytes", f, k);
            free(copy);
        }
    }
}

static void test_lies(void **state)
{
    (void)state;
    unsigned char b[sizeof(jpeg)];
    /* a segment length running past the end */
    memcpy(b, jpeg, sizeof(jpeg));
    b[4] = 0xff;
    expect_none(IMAGE_JPEG, b, sizeof(jpeg) - 1);
    /* a length below 2 */
    memcpy(b, jpeg, sizeof(jpeg));
    b[4] = 0;
    b[5] = 1;
    expect_none(IMAGE_JPEG, b, sizeof(jpeg) - 1);
    /* SOS before any frame header */
    static const unsigned char sos[] = "\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00";
    expect_none(IMAGE_JPEG, sos, sizeof(sos) - 1);
    /* fill bytes and restart markers are skipped */
    static const unsigned char fill[] =
        "\xff\xd8\xff\xff\xff\xd0\xff\xc2\x00\x0b\x08\x01\x00\x02\x00"
        "\x01\x01\x11\x00";
    expect_dims(IMAGE_JPEG, fill, sizeof(fill) - 1, 512, 256);
    /* DHT (C4) is not a frame header */
    static const unsigned char dht[] = "\xff\xd8\xff\xc4\x00\x07\x08\x00\x08\x00\x10";
    expect_none(IMAGE_JPEG, dht, sizeof(dht) - 1);
    /* zero sizes are no picture */
    unsigned char p[sizeof(png)];
    memcpy(p, png, sizeof(png));
    memset(p + 16, 0, 4);
    expect_none(IMAGE_PNG, p, sizeof(png) - 1);
    /* over 2^31 - 1 */
    memcpy(p, png, sizeof(png));
    memset(p + 16, 0xff, 4);
    expect_none(IMAGE_PNG, p, sizeof(png) - 1);
    /* a VP8 frame without its start code */
    unsigned char v[sizeof(vp8)];
    memcpy(v, vp8, sizeof(vp8));
    v[23] = 0;
    expect_none(IMAGE_WEBP, v, sizeof(vp8) - 1);
    /* a VP8L without its signature */
    unsigned char l[sizeof(vp8l)];
    memcpy(l, vp8l, sizeof(vp8l));
    l[20] = 0;
    expect_none(IMAGE_WEBP, l, sizeof(vp8l) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mime),
        cmocka_unit_test(test_dims),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_lies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
