/*
 * indicator.h — case performance indicators (考核指标) from counters: 结案率,
 * 按期结案率, mean handling time, return, extension and reopen rates,
 * satisfaction. Counters are plain sums, so a grid's counters added to its
 * neighbours' give the community's, and so on up to the city; the store
 * keeps them per (grid, worker, category, period) and never scans cases to
 * answer. Rates are integers — basis points (1/10000) or hundredths — so
 * nothing stored or compared is floating point.
 */
#ifndef GG_INDICATOR_H
#define GG_INDICATOR_H

#include <stddef.h>
#include <stdint.h>

#include "gg.h"

/*
 * Per-bucket counters. Each case contributes to one bucket (the store
 * picks the period, e.g. the month of its deadline), so within a bucket
 * every "of those" below really is a subset; indicator_rates checks it.
 */
struct case_counters {
    int64_t due;                  /* 应结案数: cases due in the bucket */
    int64_t closed;               /* of those, verified and closed */
    int64_t closed_on_time;       /* of those closed, by the deadline (特殊 counts as on time) */
    int64_t handling_minutes_sum; /* working minutes dispatch → verified result, over closed */
    int64_t dispatched;           /* cases dispatched */
    int64_t returned;             /* of those, returned by a handler at least once (退回) */
    int64_t extended;             /* of those, granted an extension at least once (延期) */
    int64_t reopened;             /* of those, reopened at least once (返工) */
    int64_t rated;                /* cases rated (by the reporter or automatically) */
    int64_t rating_sum;           /* sum of their ratings, each 1..5 */
    int64_t rating_4_5;           /* of those, rated 4 or 5 (满意) */
};

/* Most cases and most minutes a counter may hold; keeps every product in range. */
#define INDICATOR_MAX_COUNT 1000000000000LL      /* 10^12 */
#define INDICATOR_MAX_MINUTES 1000000000000000LL /* 10^15 */

enum indicator {
    IND_CLOSE_RATE,     /* 结案率 = closed / due, bp */
    IND_ON_TIME_RATE,   /* 按期结案率 = closed_on_time / due, bp */
    IND_MEAN_HANDLING,  /* 平均处置时长 = handling_minutes_sum / closed, working minutes */
    IND_RETURN_RATE,    /* 退回率 = returned / dispatched, bp */
    IND_EXTENSION_RATE, /* 延期率 = extended / dispatched, bp */
    IND_REOPEN_RATE,    /* 返工率 = reopened / dispatched, bp */
    IND_MEAN_RATING,    /* 平均评分 = rating_sum / rated, hundredths (437 = 4.37) */
    IND_SATISFACTION,   /* 满意率 = rating_4_5 / rated, bp */
    IND_COUNT_
};

enum indicator_unit {
    IND_UNIT_BP,      /* basis points: 10000 = 100 % */
    IND_UNIT_MINUTES, /* working minutes */
    IND_UNIT_X100,    /* hundredths */
};

/* An indicator whose denominator is zero has no value (shown as "—"). */
#define INDICATOR_NA (-1)

struct case_rates {
    int64_t v[IND_COUNT_]; /* by enum indicator; INDICATOR_NA when undefined */
};

/*
 * Add c into sum (roll a grid up into its community, a day into a month).
 * c may hold negative deltas (a case leaving a bucket). Returns 0, or GG_ETOOBIG if a total would
 * pass INDICATOR_MAX_COUNT / INDICATOR_MAX_MINUTES; sum is then unchanged.
 */
int indicator_add(struct case_counters *sum, const struct case_counters *c);

/*
 * Compute every indicator of c into *out, each rounded half up. Returns 0,
 * or GG_EINVAL (field names the counter) if c is inconsistent: a negative
 * or over-limit counter, a subset larger than its whole (closed > due …),
 * or a rating sum outside rated..5 × rated. *out is written only on success.
 */
int indicator_rates(const struct case_counters *c, struct case_rates *out, gg_err *err);

/* API/CSV name ("close_rate"), Chinese label ("结案率") and unit of an indicator. */
const char *indicator_name(enum indicator i);
const char *indicator_label(enum indicator i);
enum indicator_unit indicator_unit(enum indicator i);

/*
 * Format value v of indicator i for display into out (n bytes, always
 * NUL-terminated): "87.65%", "4.37", "3小时5分", or "—" for INDICATOR_NA.
 * Returns the length it needed, as snprintf does. 32 bytes always suffice.
 */
int indicator_format(enum indicator i, int64_t v, char *out, size_t n);

#endif
