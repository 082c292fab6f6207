/*
 * indicator.c — indicator formulas on counters, in integers. Each indicator
 * is one row: numerator, denominator, scale. Counters are capped so that
 * num × scale × 2 never leaves int64 range, which keeps rounding exact.
 */
#include "indicator.h"

#include <stdio.h>

/* Counter fields by name, for validation messages and the formula table. */
#define C_DUE offsetof(struct case_counters, due)
#define C_CLOSED offsetof(struct case_counters, closed)
#define C_ON_TIME offsetof(struct case_counters, closed_on_time)
#define C_MINUTES offsetof(struct case_counters, handling_minutes_sum)
#define C_DISPATCHED offsetof(struct case_counters, dispatched)
#define C_RETURNED offsetof(struct case_counters, returned)
#define C_EXTENDED offsetof(struct case_counters, extended)
#define C_REOPENED offsetof(struct case_counters, reopened)
#define C_RATED offsetof(struct case_counters, rated)
#define C_RATING_SUM offsetof(struct case_counters, rating_sum)
#define C_RATING_45 offsetof(struct case_counters, rating_4_5)

static const struct {
    const char *name;
    const char *label;
    enum indicator_unit unit;
    size_t num, den; /* offsets into struct case_counters */
    int64_t scale;
} formulas[IND_COUNT_] = {
    [IND_CLOSE_RATE] = {"close_rate", "结案率", IND_UNIT_BP, C_CLOSED, C_DUE, 10000},
    [IND_ON_TIME_RATE] = {"on_time_rate", "按期结案率", IND_UNIT_BP, C_ON_TIME, C_DUE, 10000},
    [IND_MEAN_HANDLING] = {"mean_handling_minutes", "平均处置时长", IND_UNIT_MINUTES, C_MINUTES,
                           C_CLOSED, 1},
    [IND_RETURN_RATE] = {"return_rate", "退回率", IND_UNIT_BP, C_RETURNED, C_DISPATCHED, 10000},
    [IND_EXTENSION_RATE] = {"extension_rate", "延期率", IND_UNIT_BP, C_EXTENDED, C_DISPATCHED,
                            10000},
    [IND_REOPEN_RATE] = {"reopen_rate", "返工率", IND_UNIT_BP, C_REOPENED, C_DISPATCHED, 10000},
    [IND_MEAN_RATING] = {"mean_rating", "平均评分", IND_UNIT_X100, C_RATING_SUM, C_RATED, 100},
    [IND_SATISFACTION] = {"satisfaction_rate", "满意率", IND_UNIT_BP, C_RATING_45, C_RATED, 10000},
};

/* Every counter: name, cap, and the counter it is a subset of (or itself). */
static const struct {
    const char *name;
    size_t off;
    int64_t max;
    size_t within;
} fields[] = {
    {"due", C_DUE, INDICATOR_MAX_COUNT, C_DUE},
    {"closed", C_CLOSED, INDICATOR_MAX_COUNT, C_DUE},
    {"closed_on_time", C_ON_TIME, INDICATOR_MAX_COUNT, C_CLOSED},
    {"handling_minutes_sum", C_MINUTES, INDICATOR_MAX_MINUTES, C_MINUTES},
    {"dispatched", C_DISPATCHED, INDICATOR_MAX_COUNT, C_DISPATCHED},
    {"returned", C_RETURNED, INDICATOR_MAX_COUNT, C_DISPATCHED},
    {"extended", C_EXTENDED, INDICATOR_MAX_COUNT, C_DISPATCHED},
    {"reopened", C_REOPENED, INDICATOR_MAX_COUNT, C_DISPATCHED},
    {"rated", C_RATED, INDICATOR_MAX_COUNT, C_RATED},
    {"rating_sum", C_RATING_SUM, 5 * INDICATOR_MAX_COUNT, C_RATING_SUM},
    {"rating_4_5", C_RATING_45, INDICATOR_MAX_COUNT, C_RATED},
};

static int64_t get(const struct case_counters *c, size_t off)
{
    return *(const int64_t *)((const char *)c + off);
}

static int64_t *at(struct case_counters *c, size_t off)
{
    return (int64_t *)((char *)c + off);
}

int indicator_add(struct case_counters *sum, const struct case_counters *c)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(fields); i++) {
        int64_t a = get(sum, fields[i].off), b = get(c, fields[i].off);
        /* Both within ±max, so a + b cannot overflow; check the total. */
        if (a < -fields[i].max || a > fields[i].max || b < -fields[i].max || b > fields[i].max ||
            a + b > fields[i].max || a + b < -fields[i].max)
            return GG_ETOOBIG;
    }
    for (size_t i = 0; i < GG_ARRAY_LEN(fields); i++)
        *at(sum, fields[i].off) += get(c, fields[i].off);
    return 0;
}

/* num / den × scale rounded half up; 0 <= num, 0 < den, num × scale × 2 fits. */
static int64_t ratio(int64_t num, int64_t den, int64_t scale)
{
    return (2 * num * scale + den) / (2 * den);
}

int indicator_rates(const struct case_counters *c, struct case_rates *out, gg_err *err)
{
    for (size_t i = 0; i < GG_ARRAY_LEN(fields); i++) {
        int64_t v = get(c, fields[i].off);
        if (v < 0 || v > fields[i].max)
            return gg_fail(err, GG_EINVAL, fields[i].name, "%s: %lld is out of range",
                           fields[i].name, (long long)v);
        if (v > get(c, fields[i].within))
            return gg_fail(err, GG_EINVAL, fields[i].name, "%s: %lld exceeds its whole (%lld)",
                           fields[i].name, (long long)v, (long long)get(c, fields[i].within));
    }
    if (c->rating_sum < c->rated || c->rating_sum > 5 * c->rated)
        return gg_fail(err, GG_EINVAL, "rating_sum",
                       "rating_sum: %lld is not possible for %lld ratings of 1..5",
                       (long long)c->rating_sum, (long long)c->rated);
    if (c->closed == 0 && c->handling_minutes_sum != 0)
        return gg_fail(err, GG_EINVAL, "handling_minutes_sum",
                       "handling_minutes_sum: must be 0 when nothing is closed");
    struct case_rates r;
    for (int i = 0; i < IND_COUNT_; i++) {
        int64_t den = get(c, formulas[i].den);
        r.v[i] = den == 0 ? INDICATOR_NA : ratio(get(c, formulas[i].num), den, formulas[i].scale);
    }
    *out = r;
    return 0;
}

const char *indicator_name(enum indicator i)
{
    return (int)i >= 0 && i < IND_COUNT_ ? formulas[i].name : "";
}

const char *indicator_label(enum indicator i)
{
    return (int)i >= 0 && i < IND_COUNT_ ? formulas[i].label : "";
}

enum indicator_unit indicator_unit(enum indicator i)
{
    return (int)i >= 0 && i < IND_COUNT_ ? formulas[i].unit : IND_UNIT_BP;
}

int indicator_format(enum indicator i, int64_t v, char *out, size_t n)
{
    if (v < 0 || (int)i < 0 || i >= IND_COUNT_)
        return snprintf(out, n, "—");
    long long q = (long long)(v / 100), rem = (long long)(v % 100);
    switch (formulas[i].unit) {
    case IND_UNIT_BP:
        return snprintf(out, n, "%lld.%02lld%%", q, rem);
    case IND_UNIT_X100:
        return snprintf(out, n, "%lld.%02lld", q, rem);
    case IND_UNIT_MINUTES:
        if (v < 60)
            return snprintf(out, n, "%lld分", (long long)v);
        return snprintf(out, n, "%lld小时%lld分", (long long)(v / 60), (long long)(v % 60));
    }
    return snprintf(out, n, "—");
}
