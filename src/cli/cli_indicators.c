/*
 * cli_indicators.c — `gridgov indicators`: rebuild or check the
 * materialised case indicators.
 *
 *   gridgov indicators --db URL --rebuild [--quiet]
 *   gridgov indicators --db URL --check [--quiet]
 *
 * --rebuild recomputes every bucket from the cases table and replaces both
 * counter tables in one transaction (for a database whose cases were
 * written without the counters, e.g. loaded in bulk). --check recomputes
 * them in one read snapshot and compares with what is stored, listing the
 * first differences; exit status 0 when they agree, 1 when they differ or
 * on failure, 2 on bad usage. Progress goes to standard error, redrawn in
 * place on a terminal.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "store_indicators.h"

#define CHECK_REPORT 20 /* differences listed by --check */

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    cli_progress *p = ctx;
    p->total = total > 0 ? total : 1;
    if (done > p->done)
        cli_progress_add(p, done - p->done);
}

static int usage(void)
{
    fprintf(stderr, "usage: gridgov indicators --db URL --rebuild|--check [--quiet]\n");
    return 2;
}

int cmd_indicators(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0) {
            i++;
        } else if (strcmp(argv[i], "--rebuild") != 0 && strcmp(argv[i], "--check") != 0 &&
                   strcmp(argv[i], "--quiet") != 0) {
            fprintf(stderr, "gridgov: unknown argument %s\n", argv[i]);
            return usage();
        }
    }
    const char *url = cli_opt(argc, argv, "--db", NULL);
    int rebuild = cli_flag(argc, argv, "--rebuild"), check = cli_flag(argc, argv, "--check");
    int quiet = cli_flag(argc, argv, "--quiet");
    if (!url || rebuild == check)
        return usage();
    db *d;
    gg_err err = {{0}};
    if (store_open(url, &d, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    cli_progress p;
    cli_progress_start(&p, "cases", 1);
    store_progress_fn progress = quiet ? NULL : on_progress;
    int rc, status = 1;
    if (rebuild) {
        int64_t cases = 0, buckets = 0;
        rc = db_begin_write(d);
        if (rc == 0)
            rc = store_indicators_rebuild(d, progress, &p, &cases, &buckets);
        if (rc == 0)
            rc = db_commit(d);
        else
            db_rollback(d);
        if (!quiet)
            cli_progress_end(&p);
        if (rc == 0) {
            printf("rebuilt the indicators of %lld cases: %lld buckets\n", (long long)cases,
                   (long long)buckets);
            status = 0;
        } else {
            fprintf(stderr, "gridgov: rebuild failed: %s\n", db_errmsg(d));
        }
    } else {
        int64_t ndiff = 0;
        json_t *diffs = NULL;
        rc = db_begin(d);
        if (rc == 0)
            rc = store_indicators_check(d, progress, &p, CHECK_REPORT, &ndiff, &diffs);
        db_rollback(d);
        if (!quiet)
            cli_progress_end(&p);
        if (rc != 0) {
            fprintf(stderr, "gridgov: check failed: %s\n", db_errmsg(d));
        } else if (ndiff == 0) {
            printf("indicators OK: the stored counters equal those recomputed from the cases\n");
            status = 0;
        } else {
            size_t i;
            json_t *v;
            json_array_foreach (diffs, i, v)
                printf("%s\n", json_string_value(v));
            if (ndiff > (int64_t)json_array_size(diffs))
                printf("… and %lld more\n", (long long)(ndiff - (int64_t)json_array_size(diffs)));
            printf("indicators differ in %lld buckets: run gridgov indicators --rebuild\n",
                   (long long)ndiff);
        }
        json_decref(diffs);
    }
    db_close(d);
    return status;
}
