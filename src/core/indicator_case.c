/*
 * indicator_case.c — one case's contribution to the indicator counters, as
 * a pure function of its row (the rule is in indicator_case.h).
 */
#include "indicator_case.h"

#include <string.h>
#include <time.h>

#define CST_OFFSET (8 * 3600) /* China Standard Time, UTC+8, no daylight saving */

/* Oldest and newest years whose official arrangement might be built in. */
#define CAL_FIRST_YEAR 2000
#define CAL_LAST_YEAR 2100

void indicator_month(int64_t t, char out[INDICATOR_MONTH_SIZE])
{
    time_t tt = (time_t)(t + CST_OFFSET);
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        memcpy(out, "0000-00", INDICATOR_MONTH_SIZE);
        return;
    }
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

int indicator_month_ok(const char *s)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return 0;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    return y >= 1900 && m >= 1 && m <= 12;
}

workcal *indicator_calendar_new(void)
{
    workcal *cal = workcal_new();
    for (int y = CAL_FIRST_YEAR; y <= CAL_LAST_YEAR; y++)
        workcal_load_cn(cal, y, NULL); /* GG_ENOTFOUND: that year counts weekends only */
    return cal;
}

/* Copy s into a key field of size n; 0, or GG_EINVAL if it does not fit. */
static int key_copy(char *dst, const char *s, size_t n)
{
    if (!s)
        s = "";
    if (strlen(s) >= n)
        return GG_EINVAL;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

int indicator_case_contribution(const struct indicator_case *c, const workcal *cal,
                                struct indicator_key *key, struct case_counters *out)
{
    struct case_counters v = {0};
    if (c->rating < 0 || c->rating > 5)
        return GG_EINVAL;
    int with_deadline = 0, closed = 0;
    switch (c->state) {
    case CASE_DISPATCHED:
    case CASE_ACCEPTED:
    case CASE_HANDLED:
        with_deadline = 1;
        break;
    case CASE_CLOSED:
    case CASE_RATED:
        with_deadline = closed = 1;
        break;
    case CASE_REGISTERED:
        /* dispatched once and returned: waits for a new dispatch */
        break;
    default:
        *out = v; /* never dispatched, cancelled or merged */
        return 0;
    }
    int64_t when = with_deadline && c->deadline > 0 ? c->deadline : c->dispatched_at;
    if (when <= 0) {
        *out = v;
        return 0;
    }
    struct indicator_key k;
    memset(&k, 0, sizeof(k));
    if (key_copy(k.place, c->place, sizeof(k.place)) ||
        key_copy(k.department, c->department, sizeof(k.department)) ||
        key_copy(k.category, c->category, sizeof(k.category)))
        return GG_EINVAL;
    k.staff_id = c->staff_id > 0 ? c->staff_id : 0;
    indicator_month(when, k.month);

    v.dispatched = 1;
    v.due = with_deadline && c->deadline > 0;
    v.returned = c->returned > 0;
    v.extended = c->extended_hours > 0;
    v.reopened = c->reopened > 0;
    if (closed && v.due) {
        v.closed = 1;
        v.closed_on_time = c->closure == CASE_CLOSURE_NORMAL || c->closure == CASE_CLOSURE_SPECIAL;
        if (c->dispatched_at > 0 && c->handled_at > c->dispatched_at)
            v.handling_minutes_sum = workcal_between(cal, c->dispatched_at, c->handled_at);
        if (c->rating > 0) {
            v.rated = 1;
            v.rating_sum = c->rating;
            v.rating_4_5 = c->rating >= 4;
        }
    }
    *key = k;
    *out = v;
    return 1;
}

int indicator_key_equal(const struct indicator_key *a, const struct indicator_key *b)
{
    return a->staff_id == b->staff_id && strcmp(a->place, b->place) == 0 &&
           strcmp(a->department, b->department) == 0 && strcmp(a->category, b->category) == 0 &&
           strcmp(a->month, b->month) == 0;
}

void indicator_sub(struct case_counters *out, const struct case_counters *a,
                   const struct case_counters *b)
{
    out->due = a->due - b->due;
    out->closed = a->closed - b->closed;
    out->closed_on_time = a->closed_on_time - b->closed_on_time;
    out->handling_minutes_sum = a->handling_minutes_sum - b->handling_minutes_sum;
    out->dispatched = a->dispatched - b->dispatched;
    out->returned = a->returned - b->returned;
    out->extended = a->extended - b->extended;
    out->reopened = a->reopened - b->reopened;
    out->rated = a->rated - b->rated;
    out->rating_sum = a->rating_sum - b->rating_sum;
    out->rating_4_5 = a->rating_4_5 - b->rating_4_5;
}

int indicator_is_zero(const struct case_counters *c)
{
    return !(c->due | c->closed | c->closed_on_time | c->handling_minutes_sum | c->dispatched |
             c->returned | c->extended | c->reopened | c->rated | c->rating_sum | c->rating_4_5);
}
