/*
 * store_indicators.h — the materialised case indicators (考核指标): per
 * bucket sums of every case's contribution (src/core/indicator_case.h),
 * kept in step with the cases table in the transaction of each write, the
 * roll-ups the API answers with, and the rebuild and check from scratch.
 *
 * Two tables (migration 0004): indicator_counters per (grid, worker or
 * department, category, month) and indicator_counters_place per (grid,
 * category, month). Queries grouped by place, category or month read the
 * second; by worker or filtered by department, the first.
 *
 * Nothing here opens a transaction: the caller brackets the work (the
 * case's own write transaction, a request's read snapshot, or the CLI's).
 */
#ifndef GG_STORE_INDICATORS_H
#define GG_STORE_INDICATORS_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "gg.h"

/* ---- keeping the counters in step (called by store_cases.c only) ---- */

/*
 * Step s, a prepared UPDATE of case case_id that changes at most that one
 * row, and move the case's contribution: read it before, step, read it
 * after and add the difference to both tables. Returns what db_step
 * returned (DB_DONE) or a GG_E code. When the UPDATE matched no row
 * nothing else is written, so db_changes(d) is still 0; when it matched,
 * every statement run after it changed exactly one row, so db_changes(d)
 * is still 1.
 */
int store_indicators_step(db *d, db_stmt *s, int64_t case_id);

/* Case case_id was just inserted: add its contribution. 0 or a GG_E code. */
int store_indicators_case_added(db *d, int64_t case_id);

/* ---- reading ---- */

enum indicator_group {
    IND_GROUP_STREET = 0, /* 街道: the 9-digit prefix of the grid */
    IND_GROUP_COMMUNITY,  /* 社区: 12 digits */
    IND_GROUP_GRID,       /* 网格: the grid */
    IND_GROUP_WORKER,     /* the assignee: a staff member, a department, or none */
    IND_GROUP_CATEGORY,   /* the category as filed (a parent and its children apart) */
    IND_GROUP_MONTH,      /* the month of the bucket */
    IND_GROUP_COUNT_
};

/* Group by name ("street" …) into *out; GG_EINVAL if unknown. */
int store_indicator_group_parse(const char *name, enum indicator_group *out);
const char *store_indicator_group_name(enum indicator_group g);

struct indicator_query {
    const char *place; /* place prefix to sum under (the scope), required */
    enum indicator_group group;
    const char *from, *to;  /* months "YYYY-MM", inclusive; NULL for open ends */
    const char *category;   /* a category code: it and its children; NULL for all */
    const char *department; /* only cases assigned to this department; NULL for all */
};

/*
 * The counters of q summed per group: *items is a JSON array of
 * {key, name, <every counter of struct case_counters>, <every indicator of
 * indicator.h by indicator_name, null when its denominator is 0>} in the
 * group's order (place codes, months, categories by their sort, workers by
 * staff id then departments then "未分派"), and *total the same for all of
 * them with key null and name "合计". Groups with no bucket are absent.
 * Caller owns both. GG_EIO if stored counters are inconsistent (see
 * store_indicators_check).
 */
int store_indicators_query(db *d, const struct indicator_query *q, json_t **items, json_t **total);

/* ---- rebuilding and checking ---- */

/* Progress of a long scan: done of total cases. */
typedef void (*store_progress_fn)(void *ctx, int64_t done, int64_t total);

/*
 * Replace both tables by the sums recomputed from every case row. *cases
 * gets the number of cases read, *buckets the rows written to
 * indicator_counters. progress (may be NULL) is called as cases are read.
 */
int store_indicators_rebuild(db *d, store_progress_fn progress, void *ctx, int64_t *cases,
                             int64_t *buckets);

/*
 * Compare both tables with the sums recomputed from every case row (rows
 * whose counters are all zero count as absent). *ndiff gets the number of
 * buckets that differ; *diffs (caller owns) a JSON array describing the
 * first ones, at most max_report strings. Run it in one transaction so
 * that the cases and the tables are one snapshot.
 */
int store_indicators_check(db *d, store_progress_fn progress, void *ctx, int max_report,
                           int64_t *ndiff, json_t **diffs);

#endif
