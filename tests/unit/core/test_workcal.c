/*
 * test_workcal.c — working-time deadlines: weekends, 2025 春节 and 国庆 with
 * their make-up days, the 2025→2026 year end, starts before, within, after
 * hours and at lunch, zero and long spans, and between() as the inverse of
 * add(). Expected instants are written by hand; a minute-by-minute
 * reference built from the holiday lists below (copied from the State
 * Council notices, not from workcal.c) checks thousands of random cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "workcal.h"

/* UTC instant of a China Standard Time wall-clock moment. */
static int64_t cst(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static workcal *cn_cal(void)
{
    workcal *cal = workcal_new();
    assert_int_equal(workcal_load_cn(cal, 2025, NULL), 0);
    assert_int_equal(workcal_load_cn(cal, 2026, NULL), 0);
    return cal;
}

#define ASSERT_ADD(cal, start, minutes, want)                                                      \
    do {                                                                                           \
        int64_t got_ = workcal_add((cal), (start), (minutes));                                     \
        if (got_ != (want))                                                                        \
            fail_msg("add %d min: got %lld want %lld (diff %lld s)", (minutes), (long long)got_,   \
                     (long long)(want), (long long)(got_ - (want)));                               \
        assert_int_equal(workcal_between((cal), (start), got_), (minutes));                        \
    } while (0)

static void test_within_day(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    /* Monday 2025-03-03. */
    ASSERT_ADD(cal, cst(2025, 3, 3, 7, 0), 30, cst(2025, 3, 3, 9, 0));    /* before hours */
    ASSERT_ADD(cal, cst(2025, 3, 3, 10, 0), 30, cst(2025, 3, 3, 10, 30)); /* within */
    ASSERT_ADD(cal, cst(2025, 3, 3, 12, 30), 30, cst(2025, 3, 3, 15, 0)); /* at lunch */
    ASSERT_ADD(cal, cst(2025, 3, 3, 19, 0), 30, cst(2025, 3, 4, 9, 0));   /* after hours */
    ASSERT_ADD(cal, cst(2025, 3, 3, 8, 30), 1, cst(2025, 3, 3, 8, 31));
    /* A deadline at the end of a period is that end, not the next start. */
    ASSERT_ADD(cal, cst(2025, 3, 3, 11, 30), 30, cst(2025, 3, 3, 12, 0));
    ASSERT_ADD(cal, cst(2025, 3, 3, 11, 30), 31, cst(2025, 3, 3, 14, 31));
    ASSERT_ADD(cal, cst(2025, 3, 3, 17, 0), 60, cst(2025, 3, 3, 18, 0));
    ASSERT_ADD(cal, cst(2025, 3, 3, 17, 0), 61, cst(2025, 3, 4, 8, 31));
    /* One full working day is 7 hours. */
    ASSERT_ADD(cal, cst(2025, 3, 3, 8, 30), 420, cst(2025, 3, 3, 18, 0));
    ASSERT_ADD(cal, cst(2025, 3, 3, 8, 30), 421, cst(2025, 3, 4, 8, 31));
    /* Seconds are kept. */
    ASSERT_ADD(cal, cst(2025, 3, 3, 11, 59) + 30, 1, cst(2025, 3, 3, 14, 30) + 30);
    assert_int_equal(workcal_between(cal, cst(2025, 3, 3, 8, 30), cst(2025, 3, 3, 8, 30) + 59), 0);
    assert_int_equal(workcal_between(cal, cst(2025, 3, 3, 11, 0), cst(2025, 3, 3, 15, 0)), 90);
    assert_int_equal(workcal_between(cal, cst(2025, 3, 3, 12, 5), cst(2025, 3, 3, 14, 25)), 0);
    workcal_free(cal);
}

static void test_zero_and_negative(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    int64_t sat = cst(2025, 3, 8, 10, 0), mon = cst(2025, 3, 3, 10, 0);
    assert_int_equal(workcal_add(cal, sat, 0), sat);
    assert_int_equal(workcal_add(cal, mon, 0), mon);
    assert_int_equal(workcal_add(cal, mon, -5), mon);
    assert_int_equal(workcal_between(cal, mon, mon), 0);
    /* Overdue: time left turns negative with the same magnitude. */
    assert_int_equal(workcal_between(cal, cst(2025, 3, 3, 16, 0), cst(2025, 3, 3, 10, 0)), -210);
    workcal_free(cal);
}

static void test_weekend(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    /* Friday 2025-03-14 17:00 + 2 h → Monday 09:30. */
    ASSERT_ADD(cal, cst(2025, 3, 14, 17, 0), 120, cst(2025, 3, 17, 9, 30));
    /* Starting on Saturday or Sunday waits for Monday 08:30. */
    ASSERT_ADD(cal, cst(2025, 3, 15, 10, 0), 60, cst(2025, 3, 17, 9, 30));
    ASSERT_ADD(cal, cst(2025, 3, 16, 23, 59), 60, cst(2025, 3, 17, 9, 30));
    assert_int_equal(workcal_between(cal, cst(2025, 3, 14, 18, 0), cst(2025, 3, 17, 8, 30)), 0);
    /* A whole week is 5 × 420 minutes. */
    assert_int_equal(workcal_between(cal, cst(2025, 3, 10, 0, 0), cst(2025, 3, 17, 0, 0)), 2100);
    workcal_free(cal);
}

static void test_spring_festival_2025(void **state)
{
    (void)state;
    workcal *cal = cn_cal();
    /* Saturday 1/25 → Sunday 1/26 is a make-up working day. */
    assert_true(workcal_is_workday(cal, 20250126));
    assert_false(workcal_is_workday(cal, 20250125));
    ASSERT_ADD(cal, cst(2025, 1, 25, 10, 0), 60, cst(2025, 1, 26, 9, 30));
    /* Monday 1/27 17:00 + 2 h: 1 h that day, then 1/28–2/4 off, then Wed 2/5. */
    for (int d = 20250128; d <= 20250131; d++)
        assert_false(workcal_is_workday(cal, d));
    for (int d = 20250201; d <= 20250204; d++)
        assert_false(workcal_is_workday(cal, d));
    ASSERT_ADD(cal, cst(2025, 1, 27, 17, 0), 120, cst(2025, 2, 5, 9, 30));
    /* Friday 2/7 → Saturday 2/8 is worked. */
    assert_true(workcal_is_workday(cal, 20250208));
    ASSERT_ADD(cal, cst(2025, 2, 7, 17, 0), 120, cst(2025, 2, 8, 9, 30));
    /* Across the whole holiday: Mon 1/27 08:30 … Sat 2/8 18:00 is 1/27, 2/5–2/8 = 5 days. */
    assert_int_equal(workcal_between(cal, cst(2025, 1, 27, 8, 30), cst(2025, 2, 8, 18, 0)),
                     5 * 420);
    workcal_free(cal);
}

static void test_national_day_2025(void **state)
{
    (void)state;
    workcal *cal = cn_cal();
    assert_true(workcal_is_workday(cal, 20250928)); /* Sunday, worked */
    assert_true(workcal_is_workday(cal, 20251011)); /* Saturday, worked */
    assert_false(workcal_is_workday(cal, 20251008));
    assert_true(workcal_is_workday(cal, 20251009));
    ASSERT_ADD(cal, cst(2025, 9, 27, 9, 0), 30, cst(2025, 9, 28, 9, 0));
    /* Tuesday 9/30 17:00 + 2 h → Thursday 10/9 09:30. */
    ASSERT_ADD(cal, cst(2025, 9, 30, 17, 0), 120, cst(2025, 10, 9, 9, 30));
    /* Friday 10/10 17:00 + 2 h → Saturday 10/11 09:30. */
    ASSERT_ADD(cal, cst(2025, 10, 10, 17, 0), 120, cst(2025, 10, 11, 9, 30));
    /* A 3-day (21 h) limit dispatched on Monday 9/29 at 10:00: 330 + 420 min before the
     * holiday, 420 on Thursday 10/9, the last 90 on Friday 10/10. */
    ASSERT_ADD(cal, cst(2025, 9, 29, 10, 0), 21 * 60, cst(2025, 10, 10, 10, 0));
    workcal_free(cal);
}

static void test_year_end(void **state)
{
    (void)state;
    workcal *cal = cn_cal();
    /* Wed 2025-12-31 17:00 + 2 h: 2026-01-01..03 off, Sunday 01-04 worked. */
    assert_true(workcal_is_workday(cal, 20251231));
    assert_false(workcal_is_workday(cal, 20260101));
    assert_false(workcal_is_workday(cal, 20260102));
    assert_true(workcal_is_workday(cal, 20260104));
    ASSERT_ADD(cal, cst(2025, 12, 31, 17, 0), 120, cst(2026, 1, 4, 9, 30));
    ASSERT_ADD(cal, cst(2025, 12, 31, 17, 0), 480, cst(2026, 1, 4, 18, 0));
    ASSERT_ADD(cal, cst(2025, 12, 31, 17, 0), 540, cst(2026, 1, 5, 9, 30));
    workcal_free(cal);

    /* Without 2026 loaded, New Year's Day 2026 is an ordinary Thursday. */
    cal = workcal_new();
    assert_int_equal(workcal_load_cn(cal, 2025, NULL), 0);
    ASSERT_ADD(cal, cst(2025, 12, 31, 17, 0), 120, cst(2026, 1, 1, 9, 30));
    workcal_free(cal);
}

static void test_cn_2026(void **state)
{
    (void)state;
    workcal *cal = cn_cal();
    static const int off[] = {20260216, 20260223, 20260406, 20260505,
                              20260619, 20260925, 20261001, 20261007};
    static const int on[] = {20260214, 20260228, 20260509, 20260920, 20261010, 20260224};
    for (size_t i = 0; i < GG_ARRAY_LEN(off); i++)
        assert_false(workcal_is_workday(cal, off[i]));
    for (size_t i = 0; i < GG_ARRAY_LEN(on); i++)
        assert_true(workcal_is_workday(cal, on[i]));
    gg_err err = {{0}};
    assert_int_equal(workcal_load_cn(cal, 2024, &err), GG_ENOTFOUND);
    assert_string_equal(err.field, "year");
    assert_int_equal(workcal_load_cn(cal, 2025, NULL), 0); /* loading twice is harmless */
    workcal_free(cal);
}

static void test_long_span(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    /*
     * 10,000 hours from Monday 2025-03-03 08:30 on a plain calendar:
     * 600,000 / 420 = 1428 days + 240 min; 1428 working days = 285 weeks +
     * 3 days, so the answer is Thursday + 1998 days, 240 min in: 15:00.
     */
    int64_t start = cst(2025, 3, 3, 8, 30);
    ASSERT_ADD(cal, start, 600000, cst(2025, 3, 3, 15, 0) + 1998LL * 86400);
    /* Many such calls must be cheap (no assertion on time: it just must finish). */
    int64_t acc = 0;
    for (int i = 0; i < 20000; i++)
        acc += workcal_add(cal, start + i * 7919, 600000) & 1;
    assert_true(acc >= 0);
    /* The largest int is fine too and between() agrees. */
    int64_t far = workcal_add(cal, start, 2147483647);
    assert_true(far > start);
    assert_int_equal(workcal_between(cal, start, far), 2147483647);
    workcal_free(cal);

    cal = cn_cal();
    start = cst(2025, 1, 2, 9, 0);
    int64_t end = workcal_add(cal, start, 600000);
    assert_int_equal(workcal_between(cal, start, end), 600000);
    /*
     * Working days per year, counted by hand: 2025 has 261 weekdays, 18 of them
     * holidays, and 5 make-up days: 248. 2026: 261 − 19 + 6 = 248.
     */
    assert_int_equal(workcal_between(cal, cst(2025, 1, 1, 0, 0), cst(2026, 1, 1, 0, 0)), 248 * 420);
    assert_int_equal(workcal_between(cal, cst(2026, 1, 1, 0, 0), cst(2027, 1, 1, 0, 0)), 248 * 420);
    workcal_free(cal);
}

/* --- reference: minute by minute on explicit day flags ------------------ */

#define REF_FIRST_DAY 20089 /* 2025-01-01 as days since 1970 */
#define REF_DAYS 730        /* 2025 and 2026 */

static unsigned char ref_work[REF_DAYS];

static void ref_build(void)
{
    static const int hol[][2] = {
        {20250101, 20250101}, {20250128, 20250204}, {20250404, 20250406}, {20250501, 20250505},
        {20250531, 20250602}, {20251001, 20251008}, {20260101, 20260103}, {20260215, 20260223},
        {20260404, 20260406}, {20260501, 20260505}, {20260619, 20260621}, {20260925, 20260927},
        {20261001, 20261007},
    };
    static const int mk[] = {20250126, 20250208, 20250427, 20250928, 20251011, 20260104,
                             20260214, 20260228, 20260509, 20260920, 20261010};
    for (int i = 0; i < REF_DAYS; i++) {
        time_t t = (time_t)(REF_FIRST_DAY + i) * 86400 + 43200;
        struct tm tm;
        gmtime_r(&t, &tm);
        int ymd = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
        int w = tm.tm_wday != 0 && tm.tm_wday != 6;
        for (size_t h = 0; h < GG_ARRAY_LEN(hol); h++)
            if (ymd >= hol[h][0] && ymd <= hol[h][1])
                w = 0;
        for (size_t m = 0; m < GG_ARRAY_LEN(mk); m++)
            if (ymd == mk[m])
                w = 1;
        ref_work[i] = (unsigned char)w;
    }
}

/* Is the minute starting at t (a whole minute) working time? */
static int ref_minute(int64_t t)
{
    int64_t local = t + 8 * 3600;
    int64_t day = local / 86400 - REF_FIRST_DAY;
    int mod = (int)(local % 86400 / 60);
    assert_true(day >= 0 && day < REF_DAYS);
    if (!ref_work[day])
        return 0;
    return (mod >= 510 && mod < 720) || (mod >= 870 && mod < 1080);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_against_reference(void **state)
{
    (void)state;
    ref_build();
    workcal *cal = cn_cal();
    int64_t first = cst(2025, 1, 1, 0, 0);
    for (int i = 0; i < 1500; i++) {
        /* Whole minutes in 2025..2026, spans up to ~12 working days. */
        int64_t a = first + (int64_t)(next_rand() % (700ULL * 1440)) * 60;
        int m = (int)(next_rand() % 5000);
        int64_t t = a;
        int got = 0;
        while (got < m) {
            got += ref_minute(t);
            t += 60;
        }
        int64_t want = t; /* end of the m-th working minute (a when m == 0) */
        int64_t res = workcal_add(cal, a, m);
        if (res != want)
            fail_msg("case %d: add(%lld, %d) = %lld, reference %lld", i, (long long)a, m,
                     (long long)res, (long long)want);
        /* between() over a random span, including spans that end off hours. */
        int64_t b = a + (int64_t)(next_rand() % (20ULL * 1440)) * 60;
        int64_t n = 0;
        for (int64_t u = a; u < b; u += 60)
            n += ref_minute(u);
        assert_int_equal(workcal_between(cal, a, b), n);
        assert_int_equal(workcal_between(cal, b, a), -n);
        /* add(a, between(a, b)) is the earliest instant with that much work: never after b. */
        int64_t back = workcal_add(cal, a, (int)n);
        assert_true(back <= b);
        assert_int_equal(workcal_between(cal, a, back), n);
        if (ref_minute(b - 60) && n > 0)
            assert_int_equal(back, b);
    }
    workcal_free(cal);
}

/* Random starts with seconds, spans of any size: between() inverts add(). */
static void test_inverse(void **state)
{
    (void)state;
    workcal *cal = cn_cal();
    int64_t first = cst(2024, 6, 1, 0, 0);
    for (int i = 0; i < 20000; i++) {
        int64_t a = first + (int64_t)(next_rand() % (1000ULL * 86400));
        int m = (int)(next_rand() % 200000);
        int64_t t = workcal_add(cal, a, m);
        assert_true(t >= a);
        assert_int_equal(workcal_between(cal, a, t), m);
        /* One second earlier not enough has elapsed. */
        if (m > 0)
            assert_true(workcal_between(cal, a, t - 1) < m);
    }
    workcal_free(cal);
}

static void test_exceptions(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    gg_err err = {{0}};
    assert_int_equal(workcal_add_holiday(cal, 20250230, &err), GG_EINVAL);
    assert_string_equal(err.field, "date");
    assert_int_equal(workcal_add_holiday(cal, 20250229, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_holiday(cal, 20251301, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_workday(cal, 20250100, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_workday(cal, 18991231, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_workday(cal, 100000101, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_holiday(cal, -20250101, NULL), GG_EINVAL);
    assert_int_equal(workcal_add_holiday(cal, 20240229, NULL), 0); /* leap day, a Thursday */
    assert_false(workcal_is_workday(cal, 20240229));
    assert_false(workcal_is_workday(cal, 20250230));

    /* A later mark replaces an earlier one. */
    assert_true(workcal_is_workday(cal, 20250305)); /* Wednesday */
    assert_int_equal(workcal_add_holiday(cal, 20250305, NULL), 0);
    assert_int_equal(workcal_add_holiday(cal, 20250305, NULL), 0);
    assert_false(workcal_is_workday(cal, 20250305));
    ASSERT_ADD(cal, cst(2025, 3, 4, 17, 0), 120, cst(2025, 3, 6, 9, 30));
    assert_int_equal(workcal_add_workday(cal, 20250305, NULL), 0);
    assert_true(workcal_is_workday(cal, 20250305));
    ASSERT_ADD(cal, cst(2025, 3, 4, 17, 0), 120, cst(2025, 3, 5, 9, 30));
    assert_int_equal(workcal_add_workday(cal, 20250308, NULL), 0); /* Saturday */
    assert_true(workcal_is_workday(cal, 20250308));
    assert_int_equal(workcal_add_holiday(cal, 20250308, NULL), 0);
    assert_false(workcal_is_workday(cal, 20250308));
    ASSERT_ADD(cal, cst(2025, 3, 7, 17, 0), 120, cst(2025, 3, 10, 9, 30));
    workcal_free(cal);

    /* The cap: WORKCAL_MAX_EXCEPTIONS weekday holidays fit, one more does not. */
    cal = workcal_new();
    int added = 0;
    for (int y = 2000; added < WORKCAL_MAX_EXCEPTIONS; y++)
        for (int mo = 1; mo <= 12 && added < WORKCAL_MAX_EXCEPTIONS; mo++)
            for (int d = 1; d <= 28 && added < WORKCAL_MAX_EXCEPTIONS; d++) {
                int ymd = y * 10000 + mo * 100 + d;
                if (workcal_is_workday(cal, ymd)) {
                    assert_int_equal(workcal_add_holiday(cal, ymd, NULL), 0);
                    added++;
                }
            }
    assert_int_equal(workcal_add_holiday(cal, 20990105, &err), GG_ETOOBIG); /* Monday */
    assert_true(workcal_is_workday(cal, 20990105));
    assert_int_equal(workcal_load_cn(cal, 2025, NULL), GG_ETOOBIG);
    assert_true(workcal_is_workday(cal, 20990105));
    /* Re-marking an existing date still works when full. */
    assert_int_equal(workcal_add_holiday(cal, 20000103, NULL), 0);
    workcal_free(cal);
    workcal_free(NULL);
}

static void test_hours(void **state)
{
    (void)state;
    workcal *cal = workcal_new();
    gg_err err = {{0}};
    struct workcal_hours h;
    workcal_get_hours(cal, &h);
    assert_int_equal(h.am_start, 510);
    assert_int_equal(h.pm_end, 1080);
    assert_int_equal(h.utc_offset, 480);

    struct workcal_hours bad[] = {
        {-1, 720, 870, 1080, 480},   {600, 500, 870, 1080, 480}, {510, 900, 870, 1080, 480},
        {510, 720, 870, 1441, 480},  {600, 600, 900, 900, 480},  {510, 720, 870, 1080, 841},
        {510, 720, 870, 1080, -841},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bad); i++)
        assert_int_equal(workcal_set_hours(cal, &bad[i], &err), GG_EINVAL);
    workcal_get_hours(cal, &h);
    assert_int_equal(h.am_start, 510); /* unchanged */

    /* One period 09:00–17:00 in UTC: 480 minutes a day. */
    struct workcal_hours utc = {540, 1020, 1020, 1020, 0};
    assert_int_equal(workcal_set_hours(cal, &utc, NULL), 0);
    int64_t mon9 = cst(2025, 3, 3, 17, 0); /* 09:00 UTC */
    assert_int_equal(workcal_add(cal, mon9, 480), mon9 + 8 * 3600);
    assert_int_equal(workcal_add(cal, mon9, 481), mon9 + 86400 + 60);
    assert_int_equal(workcal_between(cal, mon9, mon9 + 7 * 86400), 5 * 480);
    /* Only an afternoon. */
    struct workcal_hours pm = {0, 0, 780, 1020, 480};
    assert_int_equal(workcal_set_hours(cal, &pm, NULL), 0);
    assert_int_equal(workcal_add(cal, cst(2025, 3, 3, 9, 0), 30), cst(2025, 3, 3, 13, 30));
    assert_int_equal(workcal_add(cal, cst(2025, 3, 3, 9, 0), 241), cst(2025, 3, 4, 13, 1));
    workcal_free(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_within_day),        cmocka_unit_test(test_zero_and_negative),
        cmocka_unit_test(test_weekend),           cmocka_unit_test(test_spring_festival_2025),
        cmocka_unit_test(test_national_day_2025), cmocka_unit_test(test_year_end),
        cmocka_unit_test(test_cn_2026),           cmocka_unit_test(test_long_span),
        cmocka_unit_test(test_against_reference), cmocka_unit_test(test_inverse),
        cmocka_unit_test(test_exceptions),        cmocka_unit_test(test_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
