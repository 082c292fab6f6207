/*
 * plan_bench.c — the planning benchmark's driver: generates a province-sized
 * layout of buildings (estates of a few buildings on a jittered street grid,
 * 40–160 households each), plans it (Delaunay graph, METIS, repair, figures)
 * and times the bare METIS call on the same graph with the same k in the
 * same run. Prints one line of key=value figures.
 *
 * usage: plan_bench N_BUILDINGS [SEED] [--shapes]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID,
                  &ts); /* CPU time of this thread: steady on a shared machine */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    if (argc > 2 && strcmp(argv[2], "--shapes") != 0)
        rng += (uint64_t)strtoull(argv[2], NULL, 10);
    int shapes = argc > 2 && strcmp(argv[argc - 1], "--shapes") == 0;
    if (n < 10)
        return 2;
    struct plan_bldg *b = calloc((size_t)n, sizeof(*b));
    /* estates of 3–8 buildings in blocks of 120 m on a square street grid */
    int side = 1;
    while (side * side * 5 < n)
        side++;
    int64_t hh = 0;
    int64_t estate = 0;
    for (int i = 0; i < n;) {
        int blk = (int)(estate % ((int64_t)side * side));
        double bx = (blk % side) * 120.0, by = (blk / side) * 120.0;
        int m = 3 + (int)(next() % 6);
        estate++;
        for (int j = 0; j < m && i < n; j++, i++) {
            b[i].x = bx + 10 + unit() * 100;
            b[i].y = by + 10 + unit() * 100;
            b[i].households = 40 + (int)(next() % 121);
            b[i].residents = b[i].households * (20 + (int)(next() % 7)) / 10;
            b[i].estate = estate;
            hh += b[i].households;
        }
    }
    struct plan_params pp;
    plan_params_default(&pp);
    gg_err err = {0};
    int *part = malloc(sizeof(int) * (size_t)n), k = 0;
    double t0 = now_s();
    plan_graph *g;
    if (plan_graph_delaunay(b, n, &g, &err) != 0) {
        fprintf(stderr, "graph: %s\n", err.msg);
        return 1;
    }
    double t1 = now_s(), metis_in = 0;
    if (plan_partition(g, b, &pp, part, &k, &metis_in, &err) != 0) {
        fprintf(stderr, "partition: %s\n", err.msg);
        return 1;
    }
    struct plan_grid_stat *st = calloc((size_t)k, sizeof(*st));
    int bad = plan_eval(g, b, part, k, &pp, st);
    int esplit = plan_estates_split(b, n, part);
    double t2 = now_s();
    /* the bare METIS call: same graph, same k, same weights */
    int *vw = malloc(sizeof(int) * (size_t)n), *p2 = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        vw[i] = b[i].households;
    double t3 = now_s();
    if (plan_metis(g, vw, k, 1, p2, &err) != 0) {
        fprintf(stderr, "metis: %s\n", err.msg);
        return 1;
    }
    double t4 = now_s();
    int metis_bad = 0;
    {
        int64_t *h = calloc((size_t)k, sizeof(int64_t));
        for (int i = 0; i < n; i++)
            h[p2[i]] += b[i].households;
        for (int p = 0; p < k; p++)
            metis_bad += h[p] < pp.min_households || h[p] > pp.max_households;
        free(h);
    }
    double shape_s = 0;
    if (shapes) {
        double t5 = now_s();
        plan_shapes *sh;
        if (plan_shapes_build(b, n, part, k, 40.0, &sh, &err) != 0) {
            fprintf(stderr, "shapes: %s\n", err.msg);
            return 1;
        }
        shape_s = now_s() - t5;
        plan_shapes_free(sh);
    }
    double whole = t2 - t0, metis = t4 - t3;
    printf("buildings=%d households=%lld grids=%d within_bounds=%d out_of_bounds=%d "
           "within_pct=%.2f estates_split=%d graph_s=%.3f partition_s=%.3f metis_inside_s=%.3f "
           "whole_s=%.3f bare_metis_s=%.3f bare_metis_out_of_bounds=%d ratio=%.2f shapes_s=%.3f\n",
           n, (long long)hh, k, k - bad, bad, 100.0 * (k - bad) / k, esplit, t1 - t0, t2 - t1,
           metis_in, whole, metis, metis_bad, whole / metis, shape_s);
    plan_graph_free(g);
    free(st);
    free(part);
    free(p2);
    free(vw);
    free(b);
    return 0;
}
