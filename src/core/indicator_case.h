/*
 * indicator_case.h — what one case contributes to the indicator counters
 * (indicator.h): a bucket key and a case_counters value, computed from the
 * case's stored row alone. The store keeps per-bucket sums of these and, on
 * every write of a case, adds (new contribution − old contribution), so the
 * sums never need a scan of the cases; rebuilding them from the cases table
 * gives the same numbers because the function is pure.
 *
 * The bucket rule:
 *   key = (the case's grid, its assignee staff id or 0, its assignee
 *          department or "", its category, a month "YYYY-MM" in China
 *          Standard Time);
 *   month = the month of the case's deadline, or, for a case whose deadline
 *          was cleared by a return (退回) and that waits for a new dispatch,
 *          the month of its latest dispatch.
 * A case that was never dispatched (reported, registered), or that was
 * cancelled or merged, counts nowhere.
 *
 * The counters of a case in its bucket (each 0 or 1 unless said):
 *   due            1 when it has a deadline: dispatched, accepted, handled,
 *                  closed or rated (the month of a deadline is when it is due);
 *   closed         closed or rated;
 *   closed_on_time closed as 正常 or 特殊 (the closure set at verification);
 *   handling_minutes_sum  for a closed case, the working minutes from its
 *                  latest dispatch to its latest reported result
 *                  (workcal_between on indicator_calendar_new's calendar);
 *   dispatched     1 for every case that counts at all;
 *   returned, extended, reopened   returned at least once / granted an
 *                  extension at least once / reopened at least once;
 *   rated, rating_sum, rating_4_5  rated, its rating 1..5, rated 4 or 5.
 */
#ifndef GG_INDICATOR_CASE_H
#define GG_INDICATOR_CASE_H

#include <stdint.h>

#include "case_flow.h"
#include "gg.h"
#include "indicator.h"
#include "workcal.h"

/* Sizes of the key's strings, terminating NUL included. */
#define INDICATOR_PLACE_SIZE 16    /* a 15-digit grid code */
#define INDICATOR_DEPT_SIZE 129    /* a department name: 32 code points of UTF-8 */
#define INDICATOR_CATEGORY_SIZE 49 /* a category code: 48 bytes */
#define INDICATOR_MONTH_SIZE 8     /* "YYYY-MM" */

/* The columns of a case row that its contribution depends on. Strings are borrowed. */
struct indicator_case {
    const char *place;      /* the grid the case lies in */
    const char *category;   /* category code */
    enum case_state state;  /* current state */
    int64_t staff_id;       /* assignee staff id, 0 if none */
    const char *department; /* assignee department, "" (or NULL) if none */
    int64_t dispatched_at;  /* latest dispatch, 0 if never */
    int64_t deadline;       /* current deadline with extensions, 0 if none */
    int64_t handled_at;     /* latest reported result, 0 if none */
    enum case_closure closure;
    int rating;         /* 1..5, 0 if unrated */
    int returned;       /* times returned */
    int reopened;       /* times reopened */
    int extended_hours; /* working hours of extensions granted */
};

/* A bucket of the materialised counters. */
struct indicator_key {
    char place[INDICATOR_PLACE_SIZE];
    int64_t staff_id;
    char department[INDICATOR_DEPT_SIZE];
    char category[INDICATOR_CATEGORY_SIZE];
    char month[INDICATOR_MONTH_SIZE];
};

/*
 * The contribution of case c: returns 1 and writes its bucket to *key and
 * its counters to *out; returns 0 (with *out zeroed, *key untouched) when
 * the case counts nowhere; GG_EINVAL (nothing written) when a string of c
 * does not fit its key field or a rating is outside 0..5. cal is the
 * calendar for handling times: pass indicator_calendar_new()'s, so that
 * every caller computes the same minutes.
 */
int indicator_case_contribution(const struct indicator_case *c, const workcal *cal,
                                struct indicator_key *key, struct case_counters *out);

/* Are two keys the same bucket? */
int indicator_key_equal(const struct indicator_key *a, const struct indicator_key *b);

/* out = a − b, counter by counter (no range check: contributions are small). */
void indicator_sub(struct case_counters *out, const struct case_counters *a,
                   const struct case_counters *b);

/* Are all counters of c zero? */
int indicator_is_zero(const struct case_counters *c);

/* The month "YYYY-MM" (China Standard Time) of Unix instant t into out. */
void indicator_month(int64_t t, char out[INDICATOR_MONTH_SIZE]);

/* Is s a month "YYYY-MM" (year 1900..9999, month 01..12)? */
int indicator_month_ok(const char *s);

/*
 * A working calendar with every year's official holiday arrangement this
 * build knows (workcal_load_cn): the one contributions are computed on, so
 * that they do not depend on when they are computed. Free with workcal_free.
 */
workcal *indicator_calendar_new(void);

#endif
