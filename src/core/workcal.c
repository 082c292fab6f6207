/*
 * workcal.c — working-time arithmetic on a calendar of weekdays, holidays
 * and make-up working days.
 *
 * The idea: C(t), the working seconds from some origin to instant t, is a
 * step-and-ramp function, and everything is a difference of C or its
 * inverse. C splits into whole working days before t's local day (a count)
 * plus the part of t's own day. Weekdays in a span of days are counted by
 * arithmetic on weeks; exceptions are kept as one sorted array of effective
 * changes (a weekday off: -1, a weekend day worked: +1) with prefix sums,
 * so counting working days in any span is two binary searches. workcal_add
 * finds the day of the k-th working day by galloping then bisecting on that
 * count. No loop runs per minute or per day.
 *
 * Days are numbered from 1970-01-01 in local time; seconds of a day are
 * local. Instants are clamped to ±2^50 s (tens of millions of years) so
 * that no product overflows.
 */
#include "workcal.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400
#define T_MAX (1LL << 50) /* any real instant is far inside; day * 86400 stays in range */
#define T_MIN (-T_MAX)

struct workcal {
    struct workcal_hours h;
    int n;                                    /* exceptions in use */
    int32_t day[WORKCAL_MAX_EXCEPTIONS];      /* local day numbers, ascending */
    int8_t delta[WORKCAL_MAX_EXCEPTIONS];     /* -1 weekday off, +1 weekend worked */
    int32_t psum[WORKCAL_MAX_EXCEPTIONS + 1]; /* psum[i] = delta[0] + ... + delta[i-1] */
};

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floormod(int64_t a, int64_t b)
{
    return a - floordiv(a, b) * b;
}

/* Monday = 0 … Sunday = 6; day 0 (1970-01-01) was a Thursday. */
static int weekday(int64_t d)
{
    return (int)floormod(d + 3, 7);
}

/* Weekdays (Mon–Fri) in the n days starting on Monday 1969-12-29, n may be negative. */
static int64_t weekdays_from_anchor(int64_t n)
{
    int64_t r = floormod(n, 7);
    return floordiv(n, 7) * 5 + (r < 5 ? r : 5);
}

/* Days from 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Day number of a YYYYMMDD date in 1900..9999, or GG_EINVAL. */
static int date_to_day(int yyyymmdd, int64_t *out)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
    if (yyyymmdd < 19000101 || y > 9999 || m < 1 || m > 12 || d < 1)
        return GG_EINVAL;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > dim[m - 1] + (m == 2 && leap))
        return GG_EINVAL;
    *out = days_from_civil(y, m, d);
    return 0;
}

/* First index whose day is >= d. */
static int lower_bound(const workcal *cal, int64_t d)
{
    int lo = 0, hi = cal->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cal->day[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int day_is_workday(const workcal *cal, int64_t d)
{
    int i = lower_bound(cal, d);
    if (i < cal->n && cal->day[i] == d)
        return cal->delta[i] > 0;
    return weekday(d) < 5;
}

/* Working days in [d1, d2), d1 <= d2. */
static int64_t count_workdays(const workcal *cal, int64_t d1, int64_t d2)
{
    int64_t base = weekdays_from_anchor(d2 + 3) - weekdays_from_anchor(d1 + 3);
    return base + cal->psum[lower_bound(cal, d2)] - cal->psum[lower_bound(cal, d1)];
}

static int64_t period_secs(int start, int end)
{
    return (int64_t)(end - start) * 60;
}

/* Working seconds of one working day. */
static int64_t day_secs(const workcal *cal)
{
    return period_secs(cal->h.am_start, cal->h.am_end) +
           period_secs(cal->h.pm_start, cal->h.pm_end);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Working seconds of a working day before local second-of-day s. */
static int64_t secs_before(const workcal *cal, int64_t s)
{
    const struct workcal_hours *h = &cal->h;
    return clamp64(s - (int64_t)h->am_start * 60, 0, period_secs(h->am_start, h->am_end)) +
           clamp64(s - (int64_t)h->pm_start * 60, 0, period_secs(h->pm_start, h->pm_end));
}

/* Split instant t into local day and second of day. */
static void split(const workcal *cal, int64_t t, int64_t *d, int64_t *s)
{
    int64_t local = clamp64(t, T_MIN, T_MAX) + (int64_t)cal->h.utc_offset * 60;
    *d = floordiv(local, DAY);
    *s = floormod(local, DAY);
}

/* The instant in working day d when p working seconds of it have passed, 0 < p <= day_secs. */
static int64_t instant_at(const workcal *cal, int64_t d, int64_t p)
{
    const struct workcal_hours *h = &cal->h;
    int64_t am = period_secs(h->am_start, h->am_end);
    int64_t s = p <= am ? (int64_t)h->am_start * 60 + p : (int64_t)h->pm_start * 60 + (p - am);
    return d * DAY + s - (int64_t)h->utc_offset * 60;
}

workcal *workcal_new(void)
{
    workcal *cal = xcalloc(1, sizeof(*cal));
    struct workcal_hours cn = WORKCAL_HOURS_CN;
    cal->h = cn;
    return cal;
}

void workcal_free(workcal *cal)
{
    free(cal);
}

int workcal_set_hours(workcal *cal, const struct workcal_hours *h, gg_err *err)
{
    if (h->am_start < 0 || h->am_start > h->am_end || h->am_end > h->pm_start ||
        h->pm_start > h->pm_end || h->pm_end > 24 * 60)
        return gg_fail(err, GG_EINVAL, "hours",
                       "working periods must be ordered, not overlap and lie within 00:00-24:00");
    if (h->am_start == h->am_end && h->pm_start == h->pm_end)
        return gg_fail(err, GG_EINVAL, "hours", "a working day needs at least one minute");
    if (h->utc_offset < -14 * 60 || h->utc_offset > 14 * 60)
        return gg_fail(err, GG_EINVAL, "utc_offset", "utc_offset must be within -840..840 minutes");
    cal->h = *h;
    return 0;
}

void workcal_get_hours(const workcal *cal, struct workcal_hours *out)
{
    *out = cal->h;
}

/*
 * Make day d a day off (want_work 0) or a working day (1), replacing any
 * earlier mark. Only marks that differ from the weekly rule are stored.
 */
static int mark_day(workcal *cal, int64_t d, int want_work, gg_err *err)
{
    int i = lower_bound(cal, d);
    int present = i < cal->n && cal->day[i] == d;
    int by_rule = weekday(d) < 5;
    if (want_work == by_rule) {
        if (present) {
            memmove(&cal->day[i], &cal->day[i + 1], (size_t)(cal->n - i - 1) * sizeof(cal->day[0]));
            memmove(&cal->delta[i], &cal->delta[i + 1],
                    (size_t)(cal->n - i - 1) * sizeof(cal->delta[0]));
            cal->n--;
        }
    } else if (!present) {
        if (cal->n >= WORKCAL_MAX_EXCEPTIONS)
            return gg_fail(err, GG_ETOOBIG, "date", "a calendar holds at most %d exception dates",
                           WORKCAL_MAX_EXCEPTIONS);
        memmove(&cal->day[i + 1], &cal->day[i], (size_t)(cal->n - i) * sizeof(cal->day[0]));
        memmove(&cal->delta[i + 1], &cal->delta[i], (size_t)(cal->n - i) * sizeof(cal->delta[0]));
        cal->day[i] = (int32_t)d;
        cal->delta[i] = (int8_t)(want_work ? 1 : -1);
        cal->n++;
    } else {
        return 0; /* already marked this way: a weekday off stays -1, a weekend worked +1 */
    }
    for (int j = i; j < cal->n; j++)
        cal->psum[j + 1] = cal->psum[j] + cal->delta[j];
    return 0;
}

static int mark_date(workcal *cal, int yyyymmdd, int want_work, gg_err *err)
{
    int64_t d;
    if (date_to_day(yyyymmdd, &d) < 0)
        return gg_fail(err, GG_EINVAL, "date", "%d is not a date YYYYMMDD in 1900..9999", yyyymmdd);
    return mark_day(cal, d, want_work, err);
}

int workcal_add_holiday(workcal *cal, int yyyymmdd, gg_err *err)
{
    return mark_date(cal, yyyymmdd, 0, err);
}

int workcal_add_workday(workcal *cal, int yyyymmdd, gg_err *err)
{
    return mark_date(cal, yyyymmdd, 1, err);
}

int workcal_is_workday(const workcal *cal, int yyyymmdd)
{
    int64_t d;
    if (date_to_day(yyyymmdd, &d) < 0)
        return 0;
    return day_is_workday(cal, d);
}

/*
 * The State Council General Office notices. Holidays as inclusive date
 * ranges, make-up working days (调休上班) as single dates.
 *   2025: 国办发明电〔2024〕12号 (2024-11-12).
 *   2026: notice of 2025-11-04 (新华社 the same day).
 */
/* clang-format off */
static const struct {
    int year;
    int holidays[8][2];
    int workdays[8];
} cn_years[] = {
    {2025,
     {{20250101, 20250101},  /* 元旦 */
      {20250128, 20250204},  /* 春节 */
      {20250404, 20250406},  /* 清明节 */
      {20250501, 20250505},  /* 劳动节 */
      {20250531, 20250602},  /* 端午节 */
      {20251001, 20251008}}, /* 国庆节、中秋节 */
     {20250126, 20250208, 20250427, 20250928, 20251011}},
    {2026,
     {{20260101, 20260103},  /* 元旦 */
      {20260215, 20260223},  /* 春节 */
      {20260404, 20260406},  /* 清明节 */
      {20260501, 20260505},  /* 劳动节 */
      {20260619, 20260621},  /* 端午节 */
      {20260925, 20260927},  /* 中秋节 */
      {20261001, 20261007}}, /* 国庆节 */
     {20260104, 20260214, 20260228, 20260509, 20260920, 20261010}},
};
/* clang-format on */

int workcal_load_cn(workcal *cal, int year, gg_err *err)
{
    for (size_t y = 0; y < GG_ARRAY_LEN(cn_years); y++) {
        if (cn_years[y].year != year)
            continue;
        /* Check room first so that a full calendar is left unchanged. */
        int64_t need = 0, d1, d2;
        for (int i = 0; i < 8 && cn_years[y].holidays[i][0]; i++) {
            if (date_to_day(cn_years[y].holidays[i][0], &d1) < 0 ||
                date_to_day(cn_years[y].holidays[i][1], &d2) < 0)
                return gg_fail(err, GG_EIO, "year", "built-in calendar for %d is corrupt", year);
            need += d2 - d1 + 1;
        }
        for (int i = 0; i < 8 && cn_years[y].workdays[i]; i++)
            need++;
        if (cal->n + need > WORKCAL_MAX_EXCEPTIONS)
            return gg_fail(err, GG_ETOOBIG, "year", "a calendar holds at most %d exception dates",
                           WORKCAL_MAX_EXCEPTIONS);
        for (int i = 0; i < 8 && cn_years[y].holidays[i][0]; i++) {
            date_to_day(cn_years[y].holidays[i][0], &d1);
            date_to_day(cn_years[y].holidays[i][1], &d2);
            for (int64_t d = d1; d <= d2; d++)
                mark_day(cal, d, 0, NULL);
        }
        for (int i = 0; i < 8 && cn_years[y].workdays[i]; i++) {
            date_to_day(cn_years[y].workdays[i], &d1);
            mark_day(cal, d1, 1, NULL);
        }
        return 0;
    }
    return gg_fail(err, GG_ENOTFOUND, "year", "no holiday arrangement known for %d", year);
}

int64_t workcal_add(const workcal *cal, int64_t start, int minutes)
{
    if (minutes <= 0)
        return start;
    int64_t w = day_secs(cal);
    int64_t r = (int64_t)minutes * 60;
    int64_t d, s;
    split(cal, start, &d, &s);
    if (day_is_workday(cal, d)) {
        int64_t done = secs_before(cal, s);
        if (r <= w - done)
            return instant_at(cal, d, done + r);
        r -= w - done;
    }
    /* The answer lies in the k-th working day after d, p seconds into it. */
    int64_t k = (r + w - 1) / w;
    int64_t p = r - (k - 1) * w;
    /* Gallop: the k-th working day is at least k days on. */
    int64_t lo = d + 1, hi = d + k;
    while (count_workdays(cal, d + 1, hi + 1) < k) {
        lo = hi + 1;
        hi = d + 2 * (hi - d) + 7;
    }
    /* Bisect for the first day e with k working days in [d+1, e]. */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (count_workdays(cal, d + 1, mid + 1) >= k)
            hi = mid;
        else
            lo = mid + 1;
    }
    return instant_at(cal, lo, p);
}

int64_t workcal_between(const workcal *cal, int64_t a, int64_t b)
{
    if (b < a)
        return -workcal_between(cal, b, a);
    int64_t da, sa, db, sb;
    split(cal, a, &da, &sa);
    split(cal, b, &db, &sb);
    int64_t secs = day_secs(cal) * count_workdays(cal, da, db);
    if (day_is_workday(cal, db))
        secs += secs_before(cal, sb);
    if (day_is_workday(cal, da))
        secs -= secs_before(cal, sa);
    return secs / 60;
}
