/*
 * test_area.c — unit tests of src/core/area.c: exact decimal parsing of
 * floor areas into hundredths of a square metre, and formatting back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "area.h"

#define SENTINEL (-777)

static void expect_area(const char *s, int64_t want)
{
    gg_err err;
    gg_err_clear(&err);
    int64_t v = SENTINEL;
    int rc = area_parse(s, "area", &v, &err);
    if (rc != 0)
        fail_msg("\"%s\" refused: %s", s, err.msg);
    assert_int_equal(v, want);
}

static void expect_refused(const char *s, const char *msg)
{
    gg_err err;
    gg_err_clear(&err);
    int64_t v = SENTINEL;
    assert_int_equal(area_parse(s, "area", &v, &err), GG_EINVAL);
    assert_int_equal(v, SENTINEL); /* written only on success */
    assert_string_equal(err.field, "area");
    assert_string_equal(err.msg, msg);
}

static void test_accepts(void **state)
{
    (void)state;
    expect_area("89", 8900);
    expect_area("89.5", 8950);
    expect_area("89.50", 8950);
    expect_area("89.05", 8905);
    expect_area("0.01", 1);
    expect_area("0.1", 10);
    expect_area("0.10", 10);
    expect_area("1", 100);
    expect_area("123.45", 12345);
    expect_area("999999.99", 99999999);
    expect_area("1000000", AREA_MAX_CENTI);
    expect_area("1000000.00", AREA_MAX_CENTI);
    expect_area("1000000.0", AREA_MAX_CENTI);
    /* leading zeros are unambiguous */
    expect_area("089.5", 8950);
    expect_area("0000000000000000000000001", 100);
}

static void test_exactness(void **state)
{
    (void)state;
    /* values that binary floating point cannot hold exactly */
    expect_area("0.29", 29);
    expect_area("1.15", 115);
    expect_area("4.35", 435);
    expect_area("80.07", 8007);
    expect_area("99999.99", 9999999);
}

static void test_refuses(void **state)
{
    (void)state;
    expect_refused("-1", "area: must be greater than 0");
    expect_refused("-0.5", "area: must be greater than 0");
    expect_refused("+1", "area: must not have a sign");
    expect_refused("1e3", "area: must be a plain decimal number in m², as in 89.5 (found 'e')");
    expect_refused("1E3", "area: must be a plain decimal number in m², as in 89.5 (found 'E')");
    expect_refused("1.5e2", "area: must be a plain decimal number in m², as in 89.5 (found 'e')");
    expect_refused("1.234", "area: may have at most two decimal places");
    expect_refused("0.001", "area: may have at most two decimal places");
    expect_refused("89.500", "area: may have at most two decimal places");
    expect_refused("", "area: is required");
    expect_refused(NULL, "area: is required");
    expect_refused(" 1", "area: must not start with a space");
    expect_refused("\t1", "area: must not start with a space");
    expect_refused("1 ", "area: must be a plain decimal number in m², as in 89.5");
    expect_refused("0", "area: must be greater than 0");
    expect_refused("0.0", "area: must be greater than 0");
    expect_refused("0.00", "area: must be greater than 0");
    expect_refused("000", "area: must be greater than 0");
    expect_refused("abc", "area: must start with a digit, as in 89.5");
    expect_refused(".5", "area: must start with a digit, as in 89.5");
    expect_refused("89.", "area: needs a digit after the decimal point");
    expect_refused("89.x", "area: needs a digit after the decimal point");
    expect_refused("1,5", "area: must be a plain decimal number in m², as in 89.5 (found ',')");
    expect_refused("1.2.3", "area: must be a plain decimal number in m², as in 89.5 (found '.')");
    expect_refused("0x10", "area: must be a plain decimal number in m², as in 89.5 (found 'x')");
    expect_refused("89.5m²", "area: must be a plain decimal number in m², as in 89.5 (found 'm')");
    /* a non-ASCII byte is not echoed, so the message stays valid UTF-8 */
    expect_refused("89²", "area: must be a plain decimal number in m², as in 89.5");
    expect_refused("inf", "area: must start with a digit, as in 89.5");
    expect_refused("nan", "area: must start with a digit, as in 89.5");
}

static void test_upper_bound_and_overflow(void **state)
{
    (void)state;
    expect_refused("1000000.01", "area: must be at most 1000000 m²");
    expect_refused("1000001", "area: must be at most 1000000 m²");
    expect_refused("9999999", "area: must be at most 1000000 m²");
    expect_refused("92233720368547758.07", "area: must be at most 1000000 m²");
    expect_refused("9223372036854775807", "area: must be at most 1000000 m²");
    expect_refused("99999999999999999999999999999999999999", "area: must be at most 1000000 m²");
    expect_refused("18446744073709551616", "area: must be at most 1000000 m²");
}

static void test_field_and_null_err(void **state)
{
    (void)state;
    gg_err err;
    int64_t v = SENTINEL;
    assert_int_equal(area_parse("x", "usable_area", &v, &err), GG_EINVAL);
    assert_string_equal(err.field, "usable_area");
    assert_string_equal(err.msg, "usable_area: must start with a digit, as in 89.5");
    assert_int_equal(area_parse("x", "area", &v, NULL), GG_EINVAL);
    assert_int_equal(v, SENTINEL);
    assert_int_equal(area_parse("1.5", NULL, &v, NULL), 0);
    assert_int_equal(v, 150);
}

static void test_format(void **state)
{
    (void)state;
    char out[32];
    area_format(8950, out, sizeof(out));
    assert_string_equal(out, "89.50");
    area_format(8905, out, sizeof(out));
    assert_string_equal(out, "89.05");
    area_format(1, out, sizeof(out));
    assert_string_equal(out, "0.01");
    area_format(0, out, sizeof(out));
    assert_string_equal(out, "0.00");
    area_format(AREA_MAX_CENTI, out, sizeof(out));
    assert_string_equal(out, "1000000.00");
    area_format(-5, out, sizeof(out));
    assert_string_equal(out, "-0.05");
    area_format(-12345, out, sizeof(out));
    assert_string_equal(out, "-123.45");
    area_format(INT64_MIN, out, sizeof(out));
    assert_string_equal(out, "-92233720368547758.08");
    area_format(INT64_MAX, out, sizeof(out));
    assert_string_equal(out, "92233720368547758.07");
    area_format(8950, out, 3);
    assert_string_equal(out, "89");
    memcpy(out, "untouched", 10);
    area_format(8950, out, 0);
    assert_string_equal(out, "untouched");
}

static void test_round_trip(void **state)
{
    (void)state;
    char text[32];
    for (int64_t c = 1; c <= 20000; c++) {
        int64_t back = SENTINEL;
        area_format(c, text, sizeof(text));
        assert_int_equal(area_parse(text, "area", &back, NULL), 0);
        assert_int_equal(back, c);
    }
    for (int64_t c = AREA_MAX_CENTI - 1000; c <= AREA_MAX_CENTI; c++) {
        int64_t back = SENTINEL;
        area_format(c, text, sizeof(text));
        assert_int_equal(area_parse(text, "area", &back, NULL), 0);
        assert_int_equal(back, c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_exactness),
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_upper_bound_and_overflow),
        cmocka_unit_test(test_field_and_null_err),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
