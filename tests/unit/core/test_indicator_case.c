/*
 * test_indicator_case.c — one case's contribution to the indicator
 * counters: every state, on time and late, special closures, extensions,
 * returns, reopening, ratings, departments, the bucket month (deadline, or
 * dispatch for a returned case) across a month end in China Standard Time,
 * and that every contribution is a consistent set of counters. Expected
 * working minutes are worked out by hand in the comments (a working day is
 * 08:30–12:00 and 14:30–18:00).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "indicator_case.h"

/* Monday 2026-03-02 09:00 China Standard Time. */
#define MON 1772413200LL
#define HOUR 3600LL
#define DAY 86400LL
/* 14 working hours after MON: Wednesday 2026-03-04 09:00. */
#define DEADLINE (MON + 2 * DAY)

#define GRID "150781004004001"

static workcal *cal;

static int setup(void **state)
{
    (void)state;
    cal = indicator_calendar_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    workcal_free(cal);
    return 0;
}

/* A case dispatched at MON to staff 11 with a 14-hour limit, in state st. */
static struct indicator_case base(enum case_state st)
{
    struct indicator_case c = {
        .place = GRID,
        .category = "utilities.heating_cold",
        .state = st,
        .staff_id = 11,
        .department = "",
        .dispatched_at = MON,
        .deadline = DEADLINE,
    };
    return c;
}

static void expect(const struct case_counters *c, int64_t due, int64_t closed, int64_t on_time,
                   int64_t minutes, int64_t returned, int64_t extended, int64_t reopened,
                   int64_t rated, int64_t rating_sum, int64_t r45)
{
    assert_int_equal(c->due, due);
    assert_int_equal(c->closed, closed);
    assert_int_equal(c->closed_on_time, on_time);
    assert_int_equal(c->handling_minutes_sum, minutes);
    assert_int_equal(c->dispatched, 1);
    assert_int_equal(c->returned, returned);
    assert_int_equal(c->extended, extended);
    assert_int_equal(c->reopened, reopened);
    assert_int_equal(c->rated, rated);
    assert_int_equal(c->rating_sum, rating_sum);
    assert_int_equal(c->rating_4_5, r45);
}

static void test_counts_nowhere(void **state)
{
    (void)state;
    struct indicator_key k;
    struct case_counters c;
    /* Reported and registered cases were never dispatched. */
    struct indicator_case x = base(CASE_REPORTED);
    x.dispatched_at = x.deadline = 0;
    x.staff_id = 0;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 0);
    assert_true(indicator_is_zero(&c));
    x.state = CASE_REGISTERED;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 0);
    /* Cancelled and merged cases count nowhere, even once dispatched and returned. */
    x = base(CASE_CANCELLED);
    x.deadline = 0;
    x.returned = 1;
    x.closure = CASE_CLOSURE_MERGED;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 0);
    assert_true(indicator_is_zero(&c));
    x.state = CASE_STATE_NONE;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 0);
}

static void test_open_states(void **state)
{
    (void)state;
    static const enum case_state open[] = {CASE_DISPATCHED, CASE_ACCEPTED, CASE_HANDLED};
    for (size_t i = 0; i < GG_ARRAY_LEN(open); i++) {
        struct indicator_key k;
        struct case_counters c;
        struct indicator_case x = base(open[i]);
        if (open[i] == CASE_HANDLED)
            x.handled_at = MON + DAY; /* a result waiting for verification is not closed */
        assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
        expect(&c, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assert_string_equal(k.place, GRID);
        assert_int_equal(k.staff_id, 11);
        assert_string_equal(k.department, "");
        assert_string_equal(k.category, "utilities.heating_cold");
        assert_string_equal(k.month, "2026-03");
    }
}

static void test_closed_on_time_and_late(void **state)
{
    (void)state;
    struct indicator_key k;
    struct case_counters c;
    /* Result on Tuesday 10:00: Monday 09:00–12:00 and 14:30–18:00 (390) + Tuesday 08:30–10:00 (90).
     */
    struct indicator_case x = base(CASE_CLOSED);
    x.handled_at = MON + DAY + HOUR;
    x.closure = CASE_CLOSURE_NORMAL;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 1, 480, 0, 0, 0, 0, 0, 0);
    /* Late: result on Thursday 09:00: 390 + 420 + 420 + 30 = 1,260 minutes. */
    x.handled_at = MON + 3 * DAY;
    x.closure = CASE_CLOSURE_OVERDUE;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 0, 1260, 0, 0, 0, 0, 0, 0);
    /* 特殊: the clock was waived, so it counts as on time; the minutes still count. */
    x.closure = CASE_CLOSURE_SPECIAL;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 1, 1260, 0, 0, 0, 0, 0, 0);
    /* Over a weekend: dispatched Friday 2026-03-06 17:00, result Monday 2026-03-09 09:00. */
    x.dispatched_at = MON + 4 * DAY + 8 * HOUR;
    x.handled_at = MON + 7 * DAY;
    x.deadline = MON + 9 * DAY;
    x.closure = CASE_CLOSURE_NORMAL;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 1, 60 + 30, 0, 0, 0, 0, 0, 0);
}

static void test_ratings(void **state)
{
    (void)state;
    struct indicator_key k;
    struct case_counters c;
    struct indicator_case x = base(CASE_RATED);
    x.handled_at = MON + DAY + HOUR;
    x.closure = CASE_CLOSURE_NORMAL;
    static const struct {
        int rating;
        int64_t r45;
    } r[] = {{1, 0}, {2, 0}, {3, 0}, {4, 1}, {5, 1}};
    for (size_t i = 0; i < GG_ARRAY_LEN(r); i++) {
        x.rating = r[i].rating;
        assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
        expect(&c, 1, 1, 1, 480, 0, 0, 0, 1, r[i].rating, r[i].r45);
    }
    /* Closed but not yet rated. */
    x.state = CASE_CLOSED;
    x.rating = 0;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 1, 480, 0, 0, 0, 0, 0, 0);
    /* A rating outside 0..5 is refused. */
    x.rating = 6;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), GG_EINVAL);
    x.rating = -1;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), GG_EINVAL);
}

static void test_return_extension_reopen(void **state)
{
    (void)state;
    struct indicator_key k;
    struct case_counters c;
    /* Returned and waiting: no assignee, no deadline; counted as dispatched in the month of
     * its dispatch, not due. */
    struct indicator_case x = base(CASE_REGISTERED);
    x.staff_id = 0;
    x.deadline = 0;
    x.returned = 1;
    x.dispatched_at = MON - 2 * DAY; /* Saturday 2026-02-28 09:00 */
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0);
    assert_string_equal(k.month, "2026-02");
    assert_int_equal(k.staff_id, 0);
    /* Dispatched again: due in its new deadline's month, returned once or twice is 1. */
    x = base(CASE_ACCEPTED);
    x.returned = 2;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0);
    /* An extension granted, then closed late anyway. */
    x = base(CASE_CLOSED);
    x.extended_hours = 7;
    x.deadline = DEADLINE + DAY;
    x.handled_at = MON + 3 * DAY + HOUR; /* Thursday 10:00: 1,260 + 60 */
    x.closure = CASE_CLOSURE_OVERDUE;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 0, 1320, 0, 1, 0, 0, 0, 0);
    /* Reopened twice, now waiting again with the same assignee. */
    x = base(CASE_DISPATCHED);
    x.reopened = 2;
    x.handled_at = MON + DAY;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    /* Everything at once, closed and rated. */
    x = base(CASE_RATED);
    x.returned = 1;
    x.extended_hours = 14;
    x.reopened = 1;
    x.handled_at = MON + DAY + HOUR;
    x.closure = CASE_CLOSURE_NORMAL;
    x.rating = 4;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    expect(&c, 1, 1, 1, 480, 1, 1, 1, 1, 4, 1);
}

static void test_bucket_key(void **state)
{
    (void)state;
    struct indicator_key k, k2;
    struct case_counters c;
    /* A department's case: no staff. */
    struct indicator_case x = base(CASE_DISPATCHED);
    x.staff_id = 0;
    x.department = "热力公司";
    x.category = "utilities.heating_network";
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    assert_int_equal(k.staff_id, 0);
    assert_string_equal(k.department, "热力公司");
    assert_string_equal(k.category, "utilities.heating_network");
    /* NULL department is "". */
    x.department = NULL;
    x.staff_id = 12;
    assert_int_equal(indicator_case_contribution(&x, cal, &k2, &c), 1);
    assert_string_equal(k2.department, "");
    assert_false(indicator_key_equal(&k, &k2));
    k2 = k;
    assert_true(indicator_key_equal(&k, &k2));
    /* The deadline's month in China Standard Time: 2026-03-31 16:30 UTC is 00:30 on 1 April. */
    x.deadline = 1774974600LL;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    assert_string_equal(k.month, "2026-04");
    x.deadline = 1774974600LL - HOUR; /* 23:30 on 31 March */
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    assert_string_equal(k.month, "2026-03");
    /* A year end. */
    x.deadline = 1767196800LL; /* 2026-01-01 00:00 CST */
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    assert_string_equal(k.month, "2026-01");
    x.deadline -= 1;
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), 1);
    assert_string_equal(k.month, "2025-12");
    /* Strings too long for the key are refused, nothing written. */
    char longdept[200];
    memset(longdept, 'x', sizeof(longdept) - 1);
    longdept[sizeof(longdept) - 1] = '\0';
    x.department = longdept;
    memset(&k, 0x5a, sizeof(k));
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), GG_EINVAL);
    assert_int_equal((unsigned char)k.place[0], 0x5a);
    x.department = "";
    x.place = "1507810040040011";
    assert_int_equal(indicator_case_contribution(&x, cal, &k, &c), GG_EINVAL);
}

/* Every combination of state, closure, flags and rating gives counters indicator_rates accepts. */
static void test_always_consistent(void **state)
{
    (void)state;
    int counted = 0;
    for (int st = CASE_STATE_NONE; st < CASE_STATE_COUNT_; st++)
        for (int cl = CASE_CLOSURE_NONE; cl < CASE_CLOSURE_COUNT_; cl++)
            for (int flags = 0; flags < 32; flags++)
                for (int rating = 0; rating <= 5; rating++) {
                    struct indicator_case x = base((enum case_state)st);
                    x.closure = (enum case_closure)cl;
                    x.returned = flags & 1;
                    x.reopened = (flags >> 1) & 1;
                    x.extended_hours = (flags >> 2) & 1 ? 7 : 0;
                    if ((flags >> 3) & 1)
                        x.deadline = 0;
                    if ((flags >> 4) & 1)
                        x.handled_at = MON + DAY;
                    x.rating = rating;
                    struct indicator_key k;
                    struct case_counters c, sum = {0};
                    struct case_rates r;
                    int rc = indicator_case_contribution(&x, cal, &k, &c);
                    assert_true(rc == 0 || rc == 1);
                    assert_int_equal(indicator_rates(&c, &r, NULL), 0);
                    /* Adding and taking away again leaves nothing. */
                    struct case_counters neg;
                    indicator_sub(&neg, &sum, &c);
                    assert_int_equal(indicator_add(&sum, &c), 0);
                    assert_int_equal(indicator_add(&sum, &neg), 0);
                    assert_true(indicator_is_zero(&sum));
                    counted += rc;
                }
    assert_true(counted > 0);
}

static void test_months(void **state)
{
    (void)state;
    char m[INDICATOR_MONTH_SIZE];
    indicator_month(MON, m);
    assert_string_equal(m, "2026-03");
    indicator_month(0, m);
    assert_string_equal(m, "1970-01");
    assert_true(indicator_month_ok("2026-03"));
    assert_true(indicator_month_ok("1900-12"));
    assert_false(indicator_month_ok("2026-13"));
    assert_false(indicator_month_ok("2026-00"));
    assert_false(indicator_month_ok("2026-3"));
    assert_false(indicator_month_ok("2026/03"));
    assert_false(indicator_month_ok("1899-12"));
    assert_false(indicator_month_ok("2026-03-01"));
    assert_false(indicator_month_ok(""));
    assert_false(indicator_month_ok(NULL));
}

static void test_sub_and_zero(void **state)
{
    (void)state;
    struct case_counters a = {.due = 3, .closed = 2, .rating_sum = 9}, b = {.due = 1, .closed = 2};
    struct case_counters d;
    indicator_sub(&d, &a, &b);
    assert_int_equal(d.due, 2);
    assert_int_equal(d.closed, 0);
    assert_int_equal(d.rating_sum, 9);
    assert_false(indicator_is_zero(&d));
    indicator_sub(&d, &a, &a);
    assert_true(indicator_is_zero(&d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_nowhere),
        cmocka_unit_test(test_open_states),
        cmocka_unit_test(test_closed_on_time_and_late),
        cmocka_unit_test(test_ratings),
        cmocka_unit_test(test_return_extension_reopen),
        cmocka_unit_test(test_bucket_key),
        cmocka_unit_test(test_always_consistent),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_sub_and_zero),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
