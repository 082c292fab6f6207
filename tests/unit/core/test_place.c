/*
 * test_place.c — unit tests of src/core/place.c: levels from code length,
 * scope by prefix at level boundaries, grid codes and serials, and short
 * display names of communities and villages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "place.h"

static void test_levels_by_length(void **state)
{
    (void)state;
    assert_int_equal(place_level_of("15"), PLACE_PROVINCE);
    assert_int_equal(place_level_of("1507"), PLACE_CITY);
    assert_int_equal(place_level_of("150781"), PLACE_COUNTY);
    assert_int_equal(place_level_of("150781004"), PLACE_STREET);
    assert_int_equal(place_level_of("150781004004"), PLACE_COMMUNITY);
    assert_int_equal(place_level_of("150781004004001"), PLACE_GRID);
    /* all-zero and leading-zero codes are still digits of the right length */
    assert_int_equal(place_level_of("110000"), PLACE_COUNTY);
    assert_int_equal(place_level_of("000000000"), PLACE_STREET);
}

static void test_levels_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "1",
        "150",
        "15078",
        "1507810",
        "15078100",
        "1507810040",
        "15078100400",
        "1507810040040",
        "15078100400400",
        "1507810040040011",
        "150781004004001001",
        "15078a",
        "15 781",
        "-15078",
        "+15078",
        "15078 ",
        "１５", /* full-width digits: 6 bytes, not ASCII */
        "150781004004a01",
        "15078100400400x",
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++)
        if (place_level_of(bad[i]) != PLACE_INVALID)
            fail_msg("\"%s\" should be invalid", bad[i]);
    assert_int_equal(place_level_of(NULL), PLACE_INVALID);
}

static void test_code_len_and_names(void **state)
{
    (void)state;
    assert_int_equal(place_code_len(PLACE_INVALID), 0);
    assert_int_equal(place_code_len(PLACE_PROVINCE), 2);
    assert_int_equal(place_code_len(PLACE_CITY), 4);
    assert_int_equal(place_code_len(PLACE_COUNTY), 6);
    assert_int_equal(place_code_len(PLACE_STREET), 9);
    assert_int_equal(place_code_len(PLACE_COMMUNITY), 12);
    assert_int_equal(place_code_len(PLACE_GRID), 15);
    assert_int_equal(place_code_len((enum place_level)7), 0);
    assert_int_equal(place_code_len((enum place_level)-1), 0);

    assert_string_equal(place_level_name(PLACE_INVALID), "invalid");
    assert_string_equal(place_level_name(PLACE_PROVINCE), "province");
    assert_string_equal(place_level_name(PLACE_CITY), "city");
    assert_string_equal(place_level_name(PLACE_COUNTY), "county");
    assert_string_equal(place_level_name(PLACE_STREET), "street");
    assert_string_equal(place_level_name(PLACE_COMMUNITY), "community");
    assert_string_equal(place_level_name(PLACE_GRID), "grid");
    assert_string_equal(place_level_name((enum place_level)42), "invalid");

    /* level_of and code_len agree */
    char code[16];
    for (int lv = PLACE_PROVINCE; lv <= PLACE_GRID; lv++) {
        int n = place_code_len((enum place_level)lv);
        memset(code, '7', (size_t)n);
        code[n] = '\0';
        assert_int_equal(place_level_of(code), lv);
    }
}

static void test_scope_matches(void **state)
{
    (void)state;
    assert_true(place_in_scope("150781", "150781004004001"));
    assert_true(place_in_scope("150781", "150781004004"));
    assert_true(place_in_scope("150781", "150781004"));
    assert_true(place_in_scope("150781004", "150781004004"));
    assert_true(place_in_scope("150781004", "150781004004001"));
    assert_true(place_in_scope("150781004004", "150781004004001"));
    assert_true(place_in_scope("15", "150781004004001"));
    assert_true(place_in_scope("1507", "150781"));
    /* a scope contains itself */
    assert_true(place_in_scope("150781", "150781"));
    assert_true(place_in_scope("150781004004001", "150781004004001"));
}

static void test_scope_non_matches(void **state)
{
    (void)state;
    /* siblings at each level */
    assert_false(place_in_scope("150781", "150782004004001"));
    assert_false(place_in_scope("150781", "150782"));
    assert_false(place_in_scope("150781004", "150781005004"));
    assert_false(place_in_scope("150781004", "150781005"));
    assert_false(place_in_scope("150781004004", "150781004005001"));
    assert_false(place_in_scope("150781004004001", "150781004004002"));
    assert_false(place_in_scope("15", "16"));
    /* differing only in the first digit */
    assert_false(place_in_scope("250781", "150781004"));
    /* scope deeper than the code */
    assert_false(place_in_scope("150781004004001", "150781004004"));
    assert_false(place_in_scope("150781004", "150781"));
    assert_false(place_in_scope("150781", "15"));
    /* a malformed scope never matches, even when it is a textual prefix */
    assert_false(place_in_scope("15078", "150781004"));
    assert_false(place_in_scope("1507810", "150781004"));
    assert_false(place_in_scope("15078100", "150781004"));
    assert_false(place_in_scope("1", "150781004"));
    assert_false(place_in_scope("", "150781004"));
    assert_false(place_in_scope("15078x", "15078x004"));
    assert_false(place_in_scope(NULL, "150781004"));
    /* a malformed code is in no scope */
    assert_false(place_in_scope("150781", "1507810040"));
    assert_false(place_in_scope("150781", "150781004004001001"));
    assert_false(place_in_scope("150781", "150781a04"));
    assert_false(place_in_scope("150781", ""));
    assert_false(place_in_scope("150781", NULL));
    assert_false(place_in_scope(NULL, NULL));
}

static void test_grid_code(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(place_grid_code("150781004004", 1, out), 0);
    assert_string_equal(out, "150781004004001");
    assert_int_equal(place_grid_code("150781004004", 42, out), 0);
    assert_string_equal(out, "150781004004042");
    assert_int_equal(place_grid_code("150781004004", 100, out), 0);
    assert_string_equal(out, "150781004004100");
    assert_int_equal(place_grid_code("150781004004", 999, out), 0);
    assert_string_equal(out, "150781004004999");
    assert_int_equal(place_level_of(out), PLACE_GRID);
    assert_true(place_in_scope("150781004004", out));
}

static void test_grid_code_refused(void **state)
{
    (void)state;
    char out[16];
    memcpy(out, "untouched", 10);
    assert_int_equal(place_grid_code("150781004004", 0, out), GG_EINVAL);
    assert_string_equal(out, "untouched");
    assert_int_equal(place_grid_code("150781004004", 1000, out), GG_EINVAL);
    assert_int_equal(place_grid_code("150781004004", -1, out), GG_EINVAL);
    assert_int_equal(place_grid_code("150781004004", INT32_MIN, out), GG_EINVAL);
    assert_int_equal(place_grid_code("150781004004", INT32_MAX, out), GG_EINVAL);
    /* the base must be a community code */
    assert_int_equal(place_grid_code("150781004", 1, out), GG_EINVAL);
    assert_int_equal(place_grid_code("150781004004001", 1, out), GG_EINVAL);
    assert_int_equal(place_grid_code("15078100400", 1, out), GG_EINVAL);
    assert_int_equal(place_grid_code("15078100400a", 1, out), GG_EINVAL);
    assert_int_equal(place_grid_code(NULL, 1, out), GG_EINVAL);
    assert_string_equal(out, "untouched");
}

static void test_grid_serial(void **state)
{
    (void)state;
    assert_int_equal(place_grid_serial("150781004004001"), 1);
    assert_int_equal(place_grid_serial("150781004004042"), 42);
    assert_int_equal(place_grid_serial("150781004004100"), 100);
    assert_int_equal(place_grid_serial("150781004004999"), 999);
    assert_int_equal(place_grid_serial("150781004004000"), GG_EINVAL);
    assert_int_equal(place_grid_serial("150781004004"), GG_EINVAL);
    assert_int_equal(place_grid_serial("1507810040040001"), GG_EINVAL);
    assert_int_equal(place_grid_serial("15078100400400a"), GG_EINVAL);
    assert_int_equal(place_grid_serial(""), GG_EINVAL);
    assert_int_equal(place_grid_serial(NULL), GG_EINVAL);

    char out[16];
    for (int s = 1; s <= 999; s++) {
        assert_int_equal(place_grid_code("150781004004", s, out), 0);
        assert_int_equal(place_grid_serial(out), s);
    }
}

static void expect_short(const char *official, const char *want)
{
    char out[128];
    place_short_name(official, out, sizeof(out));
    assert_string_equal(out, want);
}

static void test_short_names(void **state)
{
    (void)state;
    expect_short("华埠社区居委会", "华埠社区");
    expect_short("华埠社区居民委员会", "华埠社区");
    expect_short("某某村村民委员会", "某某村");
    expect_short("道南村委会", "道南村");
    expect_short("道南村村委会", "道南村");
    /* the common official form without a doubled 村 keeps the village's 村 */
    expect_short("新立村民委员会", "新立村");
    expect_short("多福巷居委会", "多福巷");
    expect_short("多福巷居民委员会", "多福巷");
    /* nothing to strip */
    expect_short("满洲里市", "满洲里市");
    expect_short("道南社区", "道南社区");
    expect_short("某委员会", "某委员会");
    expect_short("居委会大院", "居委会大院");
    /* only one suffix comes off */
    expect_short("居委会居委会", "居委会");
    /* a bare suffix is kept: an empty name helps nobody */
    expect_short("居委会", "居委会");
    expect_short("村民委员会", "村民委员会");
    expect_short("村委会", "村委会");
    /* 村 + 村委会: the remainder is a lone 村, kept */
    expect_short("村村委会", "村");
    expect_short("", "");
    expect_short(NULL, "");
}

static void test_short_name_truncation(void **state)
{
    (void)state;
    char out[16];
    /* "华埠社区" is 12 bytes; 7 bytes of room hold "华埠" (6) and never half a character */
    place_short_name("华埠社区居委会", out, 7);
    assert_string_equal(out, "华埠");
    place_short_name("华埠社区居委会", out, 6);
    assert_string_equal(out, "华");
    place_short_name("华埠社区居委会", out, 13);
    assert_string_equal(out, "华埠社区");
    place_short_name("华埠社区居委会", out, 3);
    assert_string_equal(out, "");
    place_short_name("ab华埠", out, 4);
    assert_string_equal(out, "ab");
    place_short_name("华埠社区居委会", out, 1);
    assert_string_equal(out, "");
    memcpy(out, "untouched", 10);
    place_short_name("华埠社区居委会", out, 0);
    assert_string_equal(out, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_by_length),
        cmocka_unit_test(test_levels_invalid),
        cmocka_unit_test(test_code_len_and_names),
        cmocka_unit_test(test_scope_matches),
        cmocka_unit_test(test_scope_non_matches),
        cmocka_unit_test(test_grid_code),
        cmocka_unit_test(test_grid_code_refused),
        cmocka_unit_test(test_grid_serial),
        cmocka_unit_test(test_short_names),
        cmocka_unit_test(test_short_name_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
