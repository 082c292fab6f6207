/*
 * cli_util.c — option parsing and terminal progress shared by subcommands.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *cli_opt(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0) {
                fprintf(stderr, "gridgov: option %s needs a value\n", name);
                exit(2);
            }
            return argv[i + 1];
        }
    }
    return def;
}

int cli_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_progress *p, const char *label, int64_t total)
{
    p->label = label;
    p->total = total > 0 ? total : 1;
    p->done = 0;
    p->last_shown = 0;
    p->started = now_s();
    p->tty = isatty(STDERR_FILENO);
    p->last_pct = -1;
}

static void show(cli_progress *p, int final)
{
    int pct = (int)(p->done * 100 / p->total);
    double el = now_s() - p->started;
    double rate = el > 0 ? (double)p->done / el : 0;
    if (p->tty) {
        fprintf(stderr, "\r%-24s %10lld/%-10lld %3d%% %9.0f/s%s", p->label, (long long)p->done,
                (long long)p->total, pct, rate, final ? "\n" : "");
    } else if (final || pct / 10 != p->last_pct / 10) {
        fprintf(stderr, "%s: %lld/%lld (%d%%)\n", p->label, (long long)p->done,
                (long long)p->total, pct);
    }
    p->last_pct = pct;
    fflush(stderr);
}

void cli_progress_add(cli_progress *p, int64_t n)
{
    p->done += n;
    if (p->done - p->last_shown >= p->total / 200 + 1) {
        p->last_shown = p->done;
        show(p, 0);
    }
}

void cli_progress_end(cli_progress *p)
{
    p->done = p->done > p->total ? p->done : p->total;
    show(p, 1);
}
