/*
 * test_multipart.c — unit tests of src/http/multipart.c: the boundary of a
 * Content-Type, well-formed bodies as browsers, curl and phone libraries
 * send them (slices point into the body, binary data with CR, LF and
 * boundary-like bytes intact), and the refusals of the strict parser, each
 * with the field it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "multipart.h"

#define B "XyZ123"
#define MAXP 9

static size_t nparts;
static struct mp_part parts[MAXP];

static int parse(const char *body, size_t n, size_t max_bytes, gg_err *err)
{
    gg_err_clear(err);
    nparts = 0;
    return mp_parse(body, n, B, parts, MAXP, max_bytes, &nparts, err);
}

static void expect_ok(const char *body, size_t want_parts)
{
    gg_err err;
    int rc = parse(body, strlen(body), 1 << 20, &err);
    if (rc != 0)
        fail_msg("refused (%s): %s", err.field, err.msg);
    assert_int_equal(nparts, want_parts);
}

static void expect_refused(const char *body, int code, const char *field)
{
    gg_err err;
    int rc = parse(body, strlen(body), 1 << 20, &err);
    if (rc == 0)
        fail_msg("accepted: %s", body);
    assert_int_equal(rc, code);
    assert_string_equal(err.field, field);
    assert_true(err.msg[0] != '\0');
}

static void assert_slice(const char *p, size_t n, const char *want)
{
    assert_non_null(p);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void test_boundary(void **state)
{
    (void)state;
    char b[MP_BOUNDARY_MAX + 1];
    gg_err err;
    assert_int_equal(mp_boundary("multipart/form-data; boundary=abc", b, &err), 0);
    assert_string_equal(b, "abc");
    assert_int_equal(mp_boundary("Multipart/Form-Data;boundary=\"a b'()+_,-./:=?\"", b, &err), 0);
    assert_string_equal(b, "a b'()+_,-./:=?");
    assert_int_equal(
        mp_boundary("multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxk",
                    b, &err),
        0);
    assert_string_equal(b, "----WebKitFormBoundary7MA4YWxk");
    assert_int_equal(mp_boundary("  multipart/form-data ;  boundary=x  ", b, &err), 0);
    assert_string_equal(b, "x");
    char longb[200];
    snprintf(longb, sizeof(longb), "multipart/form-data; boundary=%070d", 7);
    assert_int_equal(mp_boundary(longb, b, &err), 0);
    assert_int_equal(strlen(b), 70);

    static const char *const bad[] = {
        NULL,
        "",
        "application/json",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc",
        "multipart/form-data; boundary=\"ends in space \"",
        "multipart/form-data; boundary=a; boundary=b",
        "multipart/form-data; boundary=\"a\\b\"",
        "multipart/form-data; boundary=\"a\x01b\"",
        "multipart/form-data boundary=abc",
        "multipart/form-data; =abc",
        "multipart/mixed; boundary=abc",
        "multipart/form-data-x; boundary=abc",
        "multipart/form-data; boundary=abc junk",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gg_err_clear(&err);
        if (mp_boundary(bad[i], b, &err) != GG_EINVAL)
            fail_msg("accepted Content-Type %s", bad[i] ? bad[i] : "(null)");
        assert_string_equal(err.field, "Content-Type");
    }
    snprintf(longb, sizeof(longb), "multipart/form-data; boundary=%071d", 7);
    assert_int_equal(mp_boundary(longb, b, &err), GG_EINVAL);
}

static void test_parts(void **state)
{
    (void)state;
    const char *body =
        "--" B "\r\n"
        "Content-Disposition: form-data; name=\"photo\"; filename=\"猫.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n"
        "\r\n"
        "AB\r\nC\r\n--XyZ\r\n"
        "\r\n--" B "\r\n"
        "content-disposition:form-data;name=photo\r\n"
        "Content-Length: 0\r\n"
        "Content-Transfer-Encoding: binary\r\n"
        "\r\n"
        "\r\n--" B "\r\n"
        "Content-Disposition: form-data; name=\"note\"; filename=\"C:\\dir\\a.png\"\r\n"
        "\r\n"
        "-\r\n--" B "--\r\n";
    expect_ok(body, 3);
    /* slices point into the body; the bytes between are the part's, CRLFs included */
    assert_slice(parts[0].name, parts[0].name_len, "photo");
    assert_slice(parts[0].filename, parts[0].filename_len, "猫.jpg");
    assert_slice(parts[0].type, parts[0].type_len, "image/jpeg");
    assert_slice(parts[0].data, parts[0].len, "AB\r\nC\r\n--XyZ\r\n");
    assert_true(parts[0].data > body && parts[0].data < body + strlen(body));
    assert_true(mp_name_is(&parts[0], "photo"));
    assert_false(mp_name_is(&parts[0], "phot"));
    assert_slice(parts[1].name, parts[1].name_len, "photo");
    assert_null(parts[1].filename);
    assert_null(parts[1].type);
    assert_int_equal(parts[1].len, 0);
    assert_slice(parts[2].filename, parts[2].filename_len, "C:\\dir\\a.png");
    assert_slice(parts[2].data, parts[2].len, "-");
    /* no CRLF after the close delimiter is fine too */
    expect_ok("--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--" B "--", 1);
    /* binary bytes, NUL included */
    static const char bin[] = "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
                              "\0\xff\r\r\n\n--\r\n--" B "--";
    gg_err err;
    assert_int_equal(parse(bin, sizeof(bin) - 1, 100, &err), 0);
    assert_int_equal(parts[0].len, 8);
    assert_memory_equal(parts[0].data, "\0\xff\r\r\n\n--", 8);
}

static void test_limits(void **state)
{
    (void)state;
    char body[4096];
    size_t n = 0;
    for (int i = 0; i < MAXP; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n,
                              "--" B "\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\n"
                              "%d\r\n",
                              i);
    snprintf(body + n, sizeof(body) - n, "--" B "--\r\n");
    expect_ok(body, MAXP);
    assert_slice(parts[8].data, parts[8].len, "8");
    /* one more part than allowed */
    snprintf(body + n, sizeof(body) - n,
             "--" B "\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nx\r\n--" B "--");
    expect_refused(body, GG_ETOOBIG, "body");
    /* a part over the byte limit is named */
    const char *big = "--" B "\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nok\r\n"
                      "--" B "\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\n12345\r\n"
                      "--" B "--";
    gg_err err;
    assert_int_equal(parse(big, strlen(big), 4, &err), GG_ETOOBIG);
    assert_string_equal(err.field, "photo[1]");
    assert_int_equal(parse(big, strlen(big), 5, &err), 0);
    /* a header line at and over its limit */
    char line[MP_HEADER_LINE_MAX + 200];
    int pad = MP_HEADER_LINE_MAX - (int)strlen("Content-Disposition: form-data; name=\"\"");
    snprintf(line, sizeof(line),
             "--" B "\r\nContent-Disposition: form-data; name=\"%0*d\"\r\n\r\nx\r\n--" B "--", pad,
             0);
    expect_ok(line, 1);
    snprintf(line, sizeof(line),
             "--" B "\r\nContent-Disposition: form-data; name=\"%0*d\"\r\n\r\nx\r\n--" B "--",
             pad + 1, 0);
    expect_refused(line, GG_EINVAL, "part[0]");
    /* a header repeated, and more header lines than allowed */
    expect_refused("--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                   "Content-Type: a\r\nContent-Type: b\r\n\r\nx\r\n--" B "--",
                   GG_EINVAL, "a[0]");
    char many[2048];
    n = (size_t)snprintf(many, sizeof(many),
                         "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n");
    for (int i = 0; i < MP_HEADERS_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof(many) - n, "Content-Transfer-Encoding: 8bit\r\n");
    snprintf(many + n, sizeof(many) - n, "\r\nx\r\n--" B "--");
    expect_refused(many, GG_EINVAL, "a[0]");
}

static void test_refusals(void **state)
{
    (void)state;
#define CD "Content-Disposition: form-data; name=\"photo\"\r\n"
    static const struct {
        const char *body;
        const char *field;
    } bad[] = {
        {"", "body"},
        {"--" B "--", "body"},     /* no parts */
        {"--" B "--\r\n", "body"}, /* no parts */
        {"preamble\r\n--" B "\r\n" CD "\r\nx\r\n--" B "--", "body"},
        {"--" B " \r\n" CD "\r\nx\r\n--" B "--", "body"}, /* transport padding */
        {"--" B "\n" CD "\r\nx\r\n--" B "--", "body"},    /* bare LF */
        {"--" B "\r\n" CD "\r\nx\r\n--" B "--\r\nepilogue", "body"},
        {"--" B "\r\n" CD "\r\nx\r\n--" B "--\r\n\r\n", "body"},
        {"--" B "\r\n" CD "\r\nx\r\n--" B "junk", "body"}, /* delimiter followed by junk */
        {"--" B "\r\n" CD "\r\nx", "photo[0]"},            /* never closed */
        {"--" B "\r\n" CD "\r\nx\r\n--" B, "body"},        /* cut after the delimiter */
        {"--" B "\r\n" CD "x\r\n--" B "--", "photo[0]"},   /* header without a colon */
        {"--" B "\r\n" CD, "photo[0]"},                    /* headers not ended */
        {"--" B "\r\n\r\nx\r\n--" B "--", "part[0]"},      /* no Content-Disposition */
        {"--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" B "--", "part[0]"},
        {"--" B "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" B "--", "part[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--" B "--", "part[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" B "--", "part[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--" B "--",
         "a[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\"; filename=\"y\"\r\n"
         "\r\nx\r\n--" B "--",
         "a[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''x\r\n\r\nx\r\n"
         "--" B "--",
         "a[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\"; size=3\r\n\r\nx\r\n--" B "--",
         "a[0]"},
        {"--" B "\r\nContent-Disposition: form-data; name=\"a\" junk\r\n\r\nx\r\n--" B "--",
         "a[0]"},
        {"--" B "\r\n" CD CD "\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "X-Other: 1\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Type:\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Length: 2\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Length: -1\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx\r\n--" B "--",
         "photo[0]"},
        {"--" B "\r\n" CD "Content-Type : image/png\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Type: a\x01"
         "b\r\n\r\nx\r\n--" B "--",
         "photo[0]"},
        {"--" B "\r\n" CD "Content-Type: a\rb\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "Content-Type: \xff\xfe\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD " folded: continuation\r\n\r\nx\r\n--" B "--", "photo[0]"},
        {"--" B "\r\n" CD "\r\nx\r\n--" B "\r\n", "part[1]"}, /* second part cut short */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gg_err err;
        int rc = parse(bad[i].body, strlen(bad[i].body), 1 << 20, &err);
        if (rc != GG_EINVAL)
            fail_msg("case %zu: got %d for %s", i, rc, bad[i].body);
        if (strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: field %s, want %s (%s)", i, err.field, bad[i].field, err.msg);
    }
#undef CD
    /* a body with another boundary */
    gg_err err;
    const char *other =
        "--other\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--other--";
    assert_int_equal(parse(other, strlen(other), 100, &err), GG_EINVAL);
    assert_int_equal(mp_parse(NULL, 0, B, parts, MAXP, 100, &nparts, &err), GG_EINVAL);
    assert_int_equal(mp_parse(other, strlen(other), "", parts, MAXP, 100, &nparts, &err),
                     GG_EINVAL);
}

static void test_field_names_are_utf8(void **state)
{
    (void)state;
    /* a long multi-byte part name is cut at a character boundary in the field */
    char body[512];
    snprintf(body, sizeof(body),
             "--" B "\r\nContent-Disposition: form-data; name=\"%s\"; name=\"x\"\r\n\r\nx\r\n--" B
             "--",
             "照片照片照片照片照片照片照片");
    gg_err err;
    assert_int_equal(parse(body, strlen(body), 100, &err), GG_EINVAL);
    assert_true(gg_utf8_valid(err.field, strlen(err.field)));
    assert_true(gg_utf8_valid(err.msg, strlen(err.msg)));
    assert_string_equal(err.field, "照片照片照片照片照片[0]");
    assert_int_equal(mp_cut("ab照", 5, 3), 2);
    assert_int_equal(mp_cut("ab照", 5, 5), 5);
    assert_int_equal(mp_cut("ab照", 5, 4), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_field_names_are_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
