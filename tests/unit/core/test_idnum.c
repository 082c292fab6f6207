/*
 * test_idnum.c — unit tests of src/core/idnum.c: the GB 11643 check
 * character, birth-date rules (pinned "today" via GG_TEST_NOW), phone
 * shapes and masking.
 *
 * Valid ID numbers below were computed by hand from the MOD 11-2 rule and
 * are written out literally, so a wrong weight or map in idnum.c fails
 * here rather than agreeing with itself. ref_check_char is a second,
 * independent copy of the rule used only to build IDs whose date is the
 * thing under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "idnum.h"

/* 2024-06-15T12:00:00Z = 2024-06-15 20:00 in China */
#define NOW_NOON "1718452800"
/* 2024-06-15T15:59:59Z = 2024-06-15 23:59:59 in China */
#define NOW_LAST_SECOND "1718467199"
/* 2024-06-15T16:00:00Z = 2024-06-16 00:00:00 in China */
#define NOW_NEXT_DAY_CN "1718467200"

static char ref_check_char(const char *first17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

/* ID "150781" + date8 + "001" + correct check char, into out[19]. */
static void make_id(const char *date8, char out[19])
{
    memcpy(out, "150781", 6);
    memcpy(out + 6, date8, 8);
    memcpy(out + 14, "001", 3);
    out[17] = ref_check_char(out);
    out[18] = '\0';
}

static int pin_now(void **state)
{
    (void)state;
    setenv("GG_TEST_NOW", NOW_NOON, 1);
    return 0;
}

static int unpin_now(void **state)
{
    (void)state;
    unsetenv("GG_TEST_NOW");
    return 0;
}

static void expect_id_error(const char *id, const char *msg)
{
    gg_err err;
    gg_err_clear(&err);
    assert_int_equal(idnum_check(id, "id_number", &err), GG_EINVAL);
    assert_string_equal(err.field, "id_number");
    assert_string_equal(err.msg, msg);
}

static void expect_id_ok(const char *id)
{
    gg_err err;
    gg_err_clear(&err);
    int rc = idnum_check(id, "id_number", &err);
    if (rc != 0)
        fail_msg("%s refused: %s", id, err.msg);
}

static void test_check_char_known_values(void **state)
{
    (void)state;
    /* the worked example of GB 11643-1999 */
    assert_int_equal(idnum_check_char("11010519491231002"), 'X');
    assert_int_equal(idnum_check_char("44052418800101001"), '4');
    assert_int_equal(idnum_check_char("15078119900101123"), '9');
    assert_int_equal(idnum_check_char("32010219780521061"), '7');
    assert_int_equal(idnum_check_char("15078119850315003"), '1');
    assert_int_equal(idnum_check_char("15078119991231000"), '2');
    assert_int_equal(idnum_check_char("15078119000101000"), '8');
    assert_int_equal(idnum_check_char("15078119900104003"), 'X');
    /* all eleven residues appear across these prefixes */
    char found[12] = {0};
    size_t nfound = 0;
    char buf[18];
    for (int i = 0; i < 200 && nfound < 11; i++) {
        memcpy(buf, "15078119900101", 14);
        buf[14] = (char)('0' + i / 100);
        buf[15] = (char)('0' + i / 10 % 10);
        buf[16] = (char)('0' + i % 10);
        buf[17] = '\0';
        char c = idnum_check_char(buf);
        assert_int_equal(c, ref_check_char(buf));
        if (!strchr(found, c))
            found[nfound++] = c;
    }
    assert_int_equal(nfound, 11);
}

static void test_check_char_non_digit(void **state)
{
    (void)state;
    assert_int_equal(idnum_check_char("1507811990010112A"), '?');
    assert_int_equal(idnum_check_char("150781"), '?');
    assert_int_equal(idnum_check_char(NULL), '?');
}

static void test_valid_ids(void **state)
{
    (void)state;
    expect_id_ok("11010519491231002X");
    expect_id_ok("11010519491231002x");
    expect_id_ok("150781199001011239");
    expect_id_ok("15078119900104003X");
    expect_id_ok("15078119900104003x");
    expect_id_ok("320102197805210617");
    expect_id_ok("150781198503150031");
    expect_id_ok("150781199912310002");
    expect_id_ok("15078119901231004X");
    /* first possible birth date */
    expect_id_ok("150781190001010008");
    expect_id_ok("150781190001010024");
    /* err may be NULL */
    assert_int_equal(idnum_check("150781199001011239", NULL, NULL), 0);
}

static void test_wrong_check_digit(void **state)
{
    (void)state;
    expect_id_error("150781199001011234", "id_number: check digit should be '9'");
    expect_id_error("110105194912310021", "id_number: check digit should be 'X'");
    expect_id_error("110105194912310020", "id_number: check digit should be 'X'");
    expect_id_error("15078119900101123X", "id_number: check digit should be '9'");
    expect_id_error("15078119900101123x", "id_number: check digit should be '9'");
    expect_id_error("320102197805210618", "id_number: check digit should be '7'");
    /* a swapped pair of digits is caught */
    expect_id_error("150781199001011329", "id_number: check digit should be '7'");
    /* NULL err still reports the code */
    assert_int_equal(idnum_check("150781199001011234", "id_number", NULL), GG_EINVAL);
}

static void test_field_name_in_message(void **state)
{
    (void)state;
    gg_err err;
    assert_int_equal(idnum_check("150781199001011234", "guardian_id", &err), GG_EINVAL);
    assert_string_equal(err.field, "guardian_id");
    assert_string_equal(err.msg, "guardian_id: check digit should be '9'");
    /* a NULL field falls back to a sensible name */
    assert_int_equal(idnum_check("1", NULL, &err), GG_EINVAL);
    assert_string_equal(err.field, "id_number");
}

static void test_wrong_length(void **state)
{
    (void)state;
    expect_id_error("15078119900101123", "id_number: must be 18 characters, got 17");
    expect_id_error("1507811990010112390", "id_number: must be 18 characters, got 19");
    /* the old 15-digit form is not accepted */
    expect_id_error("150781900101123", "id_number: must be 18 characters, got 15");
    expect_id_error(" 150781199001011239", "id_number: must be 18 characters, got 19");
    expect_id_error("", "id_number: is required");
    expect_id_error(NULL, "id_number: is required");
}

static void test_non_digit(void **state)
{
    (void)state;
    expect_id_error("1507811990010A1239", "id_number: character 14 must be a digit");
    expect_id_error("A50781199001011239", "id_number: character 1 must be a digit");
    expect_id_error("15078119900101x239", "id_number: character 15 must be a digit");
    expect_id_error("1507811990010112X9", "id_number: character 17 must be a digit");
    expect_id_error("15078119900101123Y", "id_number: last character must be a digit or 'X'");
    expect_id_error("15078119900101123 ", "id_number: last character must be a digit or 'X'");
    expect_id_error("150781 99001011239", "id_number: character 7 must be a digit");
    /* a full-width digit is three non-ASCII bytes; 15 digits + "２" is 18 bytes, refused */
    expect_id_error("150781199001011２", "id_number: character 16 must be a digit");
}

static void test_bad_birth_dates(void **state)
{
    (void)state;
    char id[19];
    make_id("19900230", id);
    expect_id_error(id, "id_number: birth date 19900230 is not a real date");
    make_id("19900231", id);
    expect_id_error(id, "id_number: birth date 19900231 is not a real date");
    make_id("19901301", id);
    expect_id_error(id, "id_number: birth date 19901301 is not a real date");
    make_id("19900001", id);
    expect_id_error(id, "id_number: birth date 19900001 is not a real date");
    make_id("19900100", id);
    expect_id_error(id, "id_number: birth date 19900100 is not a real date");
    make_id("19900132", id);
    expect_id_error(id, "id_number: birth date 19900132 is not a real date");
    make_id("19900431", id);
    expect_id_error(id, "id_number: birth date 19900431 is not a real date");
    make_id("18991231", id);
    expect_id_error(id, "id_number: birth date 18991231 is before 1900-01-01");
    expect_id_error("440524188001010014", "id_number: birth date 18800101 is before 1900-01-01");
    make_id("00000101", id);
    expect_id_error(id, "id_number: birth date 00000101 is before 1900-01-01");
    /* sanity: the same helper makes acceptable IDs */
    make_id("19900228", id);
    expect_id_ok(id);
}

static void test_leap_days(void **state)
{
    (void)state;
    char id[19];
    expect_id_ok("15078120000229001X"); /* 2000 is divisible by 400 */
    make_id("20040229", id);
    expect_id_ok(id);
    make_id("19960229", id);
    expect_id_ok(id);
    /* 1900 is divisible by 100 but not 400 */
    expect_id_error("150781190002290013", "id_number: birth date 19000229 is not a real date");
    make_id("19990229", id);
    expect_id_error(id, "id_number: birth date 19990229 is not a real date");
    make_id("20000230", id);
    expect_id_error(id, "id_number: birth date 20000230 is not a real date");
}

static void test_future_birth_date(void **state)
{
    (void)state;
    /* pinned to 2024-06-15 20:00 China time by the setup */
    expect_id_ok("150781202406150012");
    expect_id_error("150781202406160018", "id_number: birth date 20240616 is in the future");
    char id[19];
    make_id("20250101", id);
    expect_id_error(id, "id_number: birth date 20250101 is in the future");
    make_id("20240701", id);
    expect_id_error(id, "id_number: birth date 20240701 is in the future");
    make_id("99991231", id);
    expect_id_error(id, "id_number: birth date 99991231 is in the future");
}

static void test_today_is_china_date(void **state)
{
    (void)state;
    setenv("GG_TEST_NOW", NOW_LAST_SECOND, 1);
    expect_id_error("150781202406160018", "id_number: birth date 20240616 is in the future");
    /* 16:00 UTC is already midnight of the next day in China */
    setenv("GG_TEST_NOW", NOW_NEXT_DAY_CN, 1);
    expect_id_ok("150781202406160018");
    char id[19];
    make_id("20240617", id);
    expect_id_error(id, "id_number: birth date 20240617 is in the future");
    /* a pinned clock far in the future must not overflow */
    setenv("GG_TEST_NOW", "9223372036854775807", 1);
    make_id("99991231", id);
    expect_id_ok(id);
    setenv("GG_TEST_NOW", "0", 1); /* 1970-01-01 08:00 in China */
    make_id("19700101", id);
    expect_id_ok(id);
    make_id("19700102", id);
    expect_id_error(id, "id_number: birth date 19700102 is in the future");
}

static void test_real_clock(void **state)
{
    (void)state;
    /* unpinned by the setup: the real clock is after 2024 and before 2099 */
    expect_id_ok("150781202406150012");
    char id[19];
    make_id("20990101", id);
    expect_id_error(id, "id_number: birth date 20990101 is in the future");
}

static void test_normalize_birth_sex(void **state)
{
    (void)state;
    char out[19];
    idnum_normalize("15078119900104003x", out);
    assert_string_equal(out, "15078119900104003X");
    idnum_normalize("150781199001011239", out);
    assert_string_equal(out, "150781199001011239");
    idnum_normalize("1507811990010112390000", out);
    assert_string_equal(out, "150781199001011239");

    assert_int_equal(idnum_birth("11010519491231002X"), 19491231);
    assert_int_equal(idnum_birth("15078120000229001X"), 20000229);
    assert_int_equal(idnum_birth("short"), 0);
    assert_int_equal(idnum_birth(NULL), 0);
    /* 17th digit odd: male; even: female */
    assert_int_equal(idnum_sex("150781199001011239"), 1);
    assert_int_equal(idnum_sex("11010519491231002X"), 2);
    assert_int_equal(idnum_sex("150781199001010008"), 2);
    assert_int_equal(idnum_sex("15078119901231004X"), 2);
    assert_int_equal(idnum_sex("15078119900104003X"), 1);
    assert_int_equal(idnum_sex("short"), 0);
    assert_int_equal(idnum_sex(NULL), 0);
}

static void expect_phone_ok(const char *p)
{
    gg_err err;
    gg_err_clear(&err);
    int rc = phone_check(p, "phone", &err);
    if (rc != 0)
        fail_msg("%s refused: %s", p, err.msg);
}

static void expect_phone_error(const char *p, const char *msg)
{
    gg_err err;
    gg_err_clear(&err);
    assert_int_equal(phone_check(p, "phone", &err), GG_EINVAL);
    assert_string_equal(err.field, "phone");
    assert_string_equal(err.msg, msg);
}

static void test_mobile_valid(void **state)
{
    (void)state;
    expect_phone_ok("13812345678");
    expect_phone_ok("14700000000");
    expect_phone_ok("15012345678");
    expect_phone_ok("16612345678");
    expect_phone_ok("17712345678");
    expect_phone_ok("18847123456");
    expect_phone_ok("19912345678");
    assert_int_equal(phone_check("13812345678", NULL, NULL), 0);
}

static void test_mobile_invalid(void **state)
{
    (void)state;
    expect_phone_error("10012345678", "phone: mobile number must start with 13-19");
    expect_phone_error("11012345678", "phone: mobile number must start with 13-19");
    expect_phone_error("12812345678", "phone: mobile number must start with 13-19");
    expect_phone_error("1381234567", "phone: mobile number must be 11 digits, got 10");
    expect_phone_error("138123456789", "phone: mobile number must be 11 digits, got 12");
    expect_phone_error("1", "phone: mobile number must be 11 digits, got 1");
    expect_phone_error("1381234567a", "phone: mobile number may contain only digits");
    expect_phone_error("138-1234-567", "phone: mobile number may contain only digits");
    expect_phone_error("138 1234 5678", "phone: mobile number may contain only digits");
    expect_phone_error("23812345678",
                       "phone: must be a mobile number starting with 1 or a landline starting "
                       "with 0");
    expect_phone_error("+8613812345678", "phone: is too long (14 characters)");
    expect_phone_error("abcdefghijk",
                       "phone: must be a mobile number starting with 1 or a landline starting "
                       "with 0");
    expect_phone_error("", "phone: is required");
    expect_phone_error(NULL, "phone: is required");
    expect_phone_error("138123456781381234567813812345678", "phone: is too long (33 characters)");
}

static void test_landline_valid(void **state)
{
    (void)state;
    expect_phone_ok("0471-6221234");  /* 4-digit area, 7-digit number */
    expect_phone_ok("0471-62212345"); /* 4 + 8 */
    expect_phone_ok("010-12345678");  /* 3 + 8 */
    expect_phone_ok("021-1234567");   /* 3 + 7 */
    expect_phone_ok("04716221234");   /* no dash, 11 digits */
    expect_phone_ok("01012345678");
    expect_phone_ok("0211234567");   /* 10 digits */
    expect_phone_ok("047162212345"); /* 12 digits */
}

static void test_landline_invalid(void **state)
{
    (void)state;
    expect_phone_error("0471-123456", "phone: subscriber number must be 7-8 digits");
    expect_phone_error("010-123456789", "phone: subscriber number must be 7-8 digits");
    expect_phone_error("0471-", "phone: subscriber number must be 7-8 digits");
    expect_phone_error("0471-123456789", "phone: is too long (14 characters)");
    expect_phone_error("04711-1234567",
                       "phone: area code must be 3-4 digits including the leading 0");
    expect_phone_error("04-1234567", "phone: area code must be 3-4 digits including the leading 0");
    expect_phone_error("0-1234567", "phone: area code must be 3-4 digits including the leading 0");
    expect_phone_error("0471--622123", "phone: may contain only one '-'");
    expect_phone_error("0471-622-1234", "phone: may contain only one '-'");
    expect_phone_error("0010-12345678", "phone: area code must not start with 00");
    expect_phone_error("0471-62a1234", "phone: may contain only digits and '-'");
    expect_phone_error("0471 6221234", "phone: may contain only digits and '-'");
    expect_phone_error("047162212", "phone: landline must be 10-12 digits (area code and number)");
    expect_phone_error("0471622123456",
                       "phone: landline must be 10-12 digits (area code and number)");
    expect_phone_error("0", "phone: landline must be 10-12 digits (area code and number)");
}

static void test_idnum_mask(void **state)
{
    (void)state;
    char out[32];
    idnum_mask("150781199001011234", out, sizeof(out));
    assert_string_equal(out, "150781********1234");
    idnum_mask("15078119900104003x", out, sizeof(out));
    assert_string_equal(out, "150781********003x");
    /* anything not 18 characters is starred whole, never shown */
    idnum_mask("12345", out, sizeof(out));
    assert_string_equal(out, "*****");
    idnum_mask("1507811990010112390", out, sizeof(out));
    assert_string_equal(out, "*******************");
    idnum_mask("", out, sizeof(out));
    assert_string_equal(out, "");
    idnum_mask(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    /* a short buffer truncates and terminates */
    idnum_mask("150781199001011234", out, 8);
    assert_string_equal(out, "150781*");
    idnum_mask("150781199001011234", out, 1);
    assert_string_equal(out, "");
    memcpy(out, "sentinel", 9);
    idnum_mask("150781199001011234", out, 0);
    assert_string_equal(out, "sentinel");
    /* exactly fits */
    idnum_mask("150781199001011234", out, 19);
    assert_string_equal(out, "150781********1234");
}

static void test_phone_mask(void **state)
{
    (void)state;
    char out[32];
    phone_mask("13812345678", out, sizeof(out));
    assert_string_equal(out, "138****5678");
    phone_mask("0471-6221234", out, sizeof(out));
    assert_string_equal(out, "0471-***1234");
    phone_mask("010-12345678", out, sizeof(out));
    assert_string_equal(out, "010-****5678");
    phone_mask("04716221234", out, sizeof(out));
    assert_string_equal(out, "047****1234");
    phone_mask("1234567", out, sizeof(out));
    assert_string_equal(out, "*******");
    phone_mask("0471-123", out, sizeof(out));
    assert_string_equal(out, "047*-123");
    phone_mask(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    phone_mask("13812345678", out, 6);
    assert_string_equal(out, "138**");
    memcpy(out, "sentinel", 9);
    phone_mask("13812345678", out, 0);
    assert_string_equal(out, "sentinel");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_char_known_values),
        cmocka_unit_test(test_check_char_non_digit),
        cmocka_unit_test_setup_teardown(test_valid_ids, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_wrong_check_digit, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_field_name_in_message, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_wrong_length, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_non_digit, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_bad_birth_dates, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_leap_days, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_future_birth_date, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_today_is_china_date, pin_now, unpin_now),
        cmocka_unit_test_setup_teardown(test_real_clock, unpin_now, unpin_now),
        cmocka_unit_test(test_normalize_birth_sex),
        cmocka_unit_test(test_mobile_valid),
        cmocka_unit_test(test_mobile_invalid),
        cmocka_unit_test(test_landline_valid),
        cmocka_unit_test(test_landline_invalid),
        cmocka_unit_test(test_idnum_mask),
        cmocka_unit_test(test_phone_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
