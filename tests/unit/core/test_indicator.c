/*
 * test_indicator.c — indicator formulas on hand-made counters (expected
 * values worked out by hand in the comments), zero denominators, rounding,
 * roll-up of grids into a community, consistency checks and display.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "indicator.h"

/* Grid A: a busy month. */
static const struct case_counters grid_a = {
    .due = 40,
    .closed = 36,
    .closed_on_time = 30,
    .handling_minutes_sum = 7560,
    .dispatched = 50,
    .returned = 3,
    .extended = 4,
    .reopened = 2,
    .rated = 30,
    .rating_sum = 129,
    .rating_4_5 = 26,
};

/* Grid B: small and perfect. */
static const struct case_counters grid_b = {
    .due = 10,
    .closed = 10,
    .closed_on_time = 10,
    .handling_minutes_sum = 1000,
    .dispatched = 12,
    .returned = 0,
    .extended = 1,
    .reopened = 0,
    .rated = 10,
    .rating_sum = 50,
    .rating_4_5 = 10,
};

static void test_formulas(void **state)
{
    (void)state;
    struct case_rates r;
    assert_int_equal(indicator_rates(&grid_a, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 9000);    /* 36 / 40 */
    assert_int_equal(r.v[IND_ON_TIME_RATE], 7500);  /* 30 / 40 */
    assert_int_equal(r.v[IND_MEAN_HANDLING], 210);  /* 7560 / 36 minutes */
    assert_int_equal(r.v[IND_RETURN_RATE], 600);    /* 3 / 50 */
    assert_int_equal(r.v[IND_EXTENSION_RATE], 800); /* 4 / 50 */
    assert_int_equal(r.v[IND_REOPEN_RATE], 400);    /* 2 / 50 */
    assert_int_equal(r.v[IND_MEAN_RATING], 430);    /* 129 / 30 = 4.30 */
    assert_int_equal(r.v[IND_SATISFACTION], 8667);  /* 26 / 30 = 86.666… % */

    assert_int_equal(indicator_rates(&grid_b, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 10000);
    assert_int_equal(r.v[IND_ON_TIME_RATE], 10000);
    assert_int_equal(r.v[IND_MEAN_HANDLING], 100);
    assert_int_equal(r.v[IND_RETURN_RATE], 0);
    assert_int_equal(r.v[IND_EXTENSION_RATE], 833); /* 1 / 12 = 8.333… % */
    assert_int_equal(r.v[IND_MEAN_RATING], 500);
    assert_int_equal(r.v[IND_SATISFACTION], 10000);
}

static void test_rounding(void **state)
{
    (void)state;
    struct case_rates r;
    struct case_counters c = {0};
    c.due = 3;
    c.closed = 2;
    c.closed_on_time = 1;
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 6667);   /* 6666.67 up */
    assert_int_equal(r.v[IND_ON_TIME_RATE], 3333); /* 3333.33 down */
    /* Exactly half a basis point rounds up; a quarter rounds down. */
    c = (struct case_counters){.due = 20000, .closed = 1, .closed_on_time = 1};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 1);
    c = (struct case_counters){.due = 40000, .closed = 1};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 0);
    /* Mean rating 4.375 → 4.38; handling 7 / 2 = 3.5 → 4 minutes. */
    c = (struct case_counters){.rated = 8,
                               .rating_sum = 35,
                               .rating_4_5 = 7,
                               .due = 2,
                               .closed = 2,
                               .handling_minutes_sum = 7};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_MEAN_RATING], 438);
    assert_int_equal(r.v[IND_SATISFACTION], 8750);
    assert_int_equal(r.v[IND_MEAN_HANDLING], 4);
    /* The largest counters still compute exactly. */
    c = (struct case_counters){.due = INDICATOR_MAX_COUNT,
                               .closed = INDICATOR_MAX_COUNT - 1,
                               .handling_minutes_sum = INDICATOR_MAX_MINUTES,
                               .rated = INDICATOR_MAX_COUNT,
                               .rating_sum = 5 * INDICATOR_MAX_COUNT};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 10000);
    assert_int_equal(r.v[IND_MEAN_HANDLING], 1000);
    assert_int_equal(r.v[IND_MEAN_RATING], 500);
    assert_int_equal(r.v[IND_SATISFACTION], 0);
}

static void test_zero_due(void **state)
{
    (void)state;
    struct case_rates r;
    struct case_counters c = {0};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    for (int i = 0; i < IND_COUNT_; i++)
        assert_int_equal(r.v[i], INDICATOR_NA);
    /* Nothing due yet, but cases were dispatched and some rated. */
    c.dispatched = 4;
    c.extended = 1;
    c.rated = 1;
    c.rating_sum = 3;
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], INDICATOR_NA);
    assert_int_equal(r.v[IND_ON_TIME_RATE], INDICATOR_NA);
    assert_int_equal(r.v[IND_MEAN_HANDLING], INDICATOR_NA);
    assert_int_equal(r.v[IND_RETURN_RATE], 0);
    assert_int_equal(r.v[IND_EXTENSION_RATE], 2500);
    assert_int_equal(r.v[IND_MEAN_RATING], 300);
    assert_int_equal(r.v[IND_SATISFACTION], 0);
    /* Due but none closed: 0 %, not "no data"; handling time has no data. */
    c = (struct case_counters){.due = 5};
    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
    assert_int_equal(r.v[IND_CLOSE_RATE], 0);
    assert_int_equal(r.v[IND_ON_TIME_RATE], 0);
    assert_int_equal(r.v[IND_MEAN_HANDLING], INDICATOR_NA);
}

static void test_roll_up(void **state)
{
    (void)state;
    struct case_counters community = {0};
    assert_int_equal(indicator_add(&community, &grid_a), 0);
    assert_int_equal(indicator_add(&community, &grid_b), 0);
    assert_int_equal(community.due, 50);
    assert_int_equal(community.closed, 46);
    assert_int_equal(community.rating_sum, 179);
    struct case_rates r;
    assert_int_equal(indicator_rates(&community, &r, NULL), 0);
    /* Rates of the sum, not the mean of the rates (which would be 95.00 %). */
    assert_int_equal(r.v[IND_CLOSE_RATE], 9200);    /* 46 / 50 */
    assert_int_equal(r.v[IND_ON_TIME_RATE], 8000);  /* 40 / 50 */
    assert_int_equal(r.v[IND_MEAN_HANDLING], 186);  /* 8560 / 46 = 186.09 */
    assert_int_equal(r.v[IND_RETURN_RATE], 484);    /* 3 / 62 = 4.8387 % */
    assert_int_equal(r.v[IND_EXTENSION_RATE], 806); /* 5 / 62 = 8.0645 % */
    assert_int_equal(r.v[IND_REOPEN_RATE], 323);    /* 2 / 62 = 3.2258 % */
    assert_int_equal(r.v[IND_MEAN_RATING], 448);    /* 179 / 40 = 4.475 → 4.48 */
    assert_int_equal(r.v[IND_SATISFACTION], 9000);  /* 36 / 40 */

    /* Street = community + community; order does not matter. */
    struct case_counters s1 = {0}, s2 = {0};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(indicator_add(&s1, &grid_a), 0);
        assert_int_equal(indicator_add(&s1, &grid_b), 0);
    }
    for (int i = 0; i < 3; i++)
        assert_int_equal(indicator_add(&s2, &grid_b), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(indicator_add(&s2, &grid_a), 0);
    assert_memory_equal(&s1, &s2, sizeof(s1));
    assert_int_equal(s1.dispatched, 186);

    /* A negative delta takes a case back out. */
    struct case_counters back = {
        .due = -1, .closed = -1, .closed_on_time = -1, .handling_minutes_sum = -100};
    assert_int_equal(indicator_add(&s1, &back), 0);
    assert_int_equal(s1.due, 149);
    assert_int_equal(s1.handling_minutes_sum, 3 * 8560 - 100);

    /* Overflow is refused and leaves the sum unchanged. */
    struct case_counters big = {.due = INDICATOR_MAX_COUNT};
    struct case_counters one = {.due = 1, .closed = 1};
    assert_int_equal(indicator_add(&big, &one), GG_ETOOBIG);
    assert_int_equal(big.due, INDICATOR_MAX_COUNT);
    assert_int_equal(big.closed, 0);
    struct case_counters mins = {.handling_minutes_sum = INDICATOR_MAX_MINUTES};
    struct case_counters m1 = {.handling_minutes_sum = 1};
    assert_int_equal(indicator_add(&mins, &m1), GG_ETOOBIG);
    struct case_counters huge = {.due = INT64_MAX};
    struct case_counters zero = {0};
    assert_int_equal(indicator_add(&zero, &huge), GG_ETOOBIG);
    assert_int_equal(zero.due, 0);
}

static void test_inconsistent(void **state)
{
    (void)state;
    static const struct {
        struct case_counters c;
        const char *field;
    } bad[] = {
        {{.due = -1}, "due"},
        {{.due = 2, .closed = 3}, "closed"},
        {{.due = 3, .closed = 2, .closed_on_time = 3}, "closed_on_time"},
        {{.dispatched = 1, .returned = 2}, "returned"},
        {{.dispatched = 1, .extended = 2}, "extended"},
        {{.dispatched = 1, .reopened = 2}, "reopened"},
        {{.rated = 1, .rating_sum = 5, .rating_4_5 = 2}, "rating_4_5"},
        {{.rated = 2, .rating_sum = 11}, "rating_sum"},
        {{.rated = 2, .rating_sum = 1}, "rating_sum"},
        {{.rating_sum = 1}, "rating_sum"},
        {{.handling_minutes_sum = 5}, "handling_minutes_sum"},
        {{.handling_minutes_sum = -5}, "handling_minutes_sum"},
        {{.due = INDICATOR_MAX_COUNT + 1}, "due"},
        {{.due = 1, .closed = 1, .handling_minutes_sum = INDICATOR_MAX_MINUTES + 1},
         "handling_minutes_sum"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++) {
        struct case_rates r = {{12345}};
        gg_err err = {{0}};
        assert_int_equal(indicator_rates(&bad[i].c, &r, &err), GG_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(r.v[0], 12345); /* untouched */
    }
}

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i < IND_COUNT_; i++) {
        assert_true(indicator_name((enum indicator)i)[0] != '\0');
        assert_true(indicator_label((enum indicator)i)[0] != '\0');
        for (int j = 0; j < i; j++)
            assert_string_not_equal(indicator_name((enum indicator)i),
                                    indicator_name((enum indicator)j));
    }
    assert_string_equal(indicator_label(IND_CLOSE_RATE), "结案率");
    assert_string_equal(indicator_label(IND_ON_TIME_RATE), "按期结案率");
    assert_string_equal(indicator_name(IND_CLOSE_RATE), "close_rate");
    assert_int_equal(indicator_unit(IND_MEAN_HANDLING), IND_UNIT_MINUTES);
    assert_int_equal(indicator_unit(IND_MEAN_RATING), IND_UNIT_X100);
    assert_int_equal(indicator_unit(IND_SATISFACTION), IND_UNIT_BP);
    assert_string_equal(indicator_name(IND_COUNT_), "");
    assert_string_equal(indicator_label((enum indicator) - 1), "");
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    indicator_format(IND_CLOSE_RATE, 9000, buf, sizeof(buf));
    assert_string_equal(buf, "90.00%");
    indicator_format(IND_SATISFACTION, 8667, buf, sizeof(buf));
    assert_string_equal(buf, "86.67%");
    indicator_format(IND_RETURN_RATE, 5, buf, sizeof(buf));
    assert_string_equal(buf, "0.05%");
    indicator_format(IND_ON_TIME_RATE, 10000, buf, sizeof(buf));
    assert_string_equal(buf, "100.00%");
    indicator_format(IND_MEAN_RATING, 430, buf, sizeof(buf));
    assert_string_equal(buf, "4.30");
    indicator_format(IND_MEAN_HANDLING, 210, buf, sizeof(buf));
    assert_string_equal(buf, "3小时30分");
    indicator_format(IND_MEAN_HANDLING, 45, buf, sizeof(buf));
    assert_string_equal(buf, "45分");
    indicator_format(IND_MEAN_HANDLING, 60, buf, sizeof(buf));
    assert_string_equal(buf, "1小时0分");
    indicator_format(IND_CLOSE_RATE, INDICATOR_NA, buf, sizeof(buf));
    assert_string_equal(buf, "—");
    indicator_format(IND_COUNT_, 5, buf, sizeof(buf));
    assert_string_equal(buf, "—");
    /* The documented 32 bytes hold the widest value. */
    assert_true(indicator_format(IND_MEAN_HANDLING, INT64_MAX, buf, sizeof(buf)) < 32);
    assert_true(indicator_format(IND_CLOSE_RATE, INT64_MAX, buf, sizeof(buf)) < 32);
    /* A short buffer is truncated and terminated; the needed length is returned. */
    char small[4];
    assert_int_equal(indicator_format(IND_CLOSE_RATE, 9000, small, sizeof(small)), 6);
    assert_string_equal(small, "90.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formulas),     cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_zero_due),     cmocka_unit_test(test_roll_up),
        cmocka_unit_test(test_inconsistent), cmocka_unit_test(test_names),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
