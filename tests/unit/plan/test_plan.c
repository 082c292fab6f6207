/*
 * test_plan.c — the pure planning rules on hand-made layouts: a row of
 * buildings, a ring, one tower of 700 households, a community of 250,
 * the repair step, grid order, shapes and GeoJSON, and the staffing
 * arithmetic.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

static struct plan_params P;

static int setup(void **state)
{
    (void)state;
    plan_params_default(&P);
    return 0;
}

/* Cut b[n] and check: k parts, each contiguous; returns the number of parts with issues. */
static int cut(struct plan_bldg *b, int n, int *part, int *k, struct plan_grid_stat **st)
{
    plan_graph *g;
    gg_err err = {0};
    assert_int_equal(plan_graph_delaunay(b, n, &g, &err), 0);
    assert_int_equal(plan_partition(g, b, &P, part, k, NULL, &err), 0);
    *st = calloc((size_t)*k, sizeof(**st));
    int bad = plan_eval(g, b, part, *k, &P, *st);
    for (int p = 0; p < *k; p++)
        assert_int_equal(plan_part_components(g, part, p), 1);
    plan_graph_free(g);
    return bad;
}

static void row_of_buildings(void **state)
{
    (void)state;
    struct plan_bldg b[10];
    for (int i = 0; i < 10; i++)
        b[i] = (struct plan_bldg){.x = i * 30.0, .y = 0, .households = 100, .residents = 230};
    /* collinear points: the triangulation alone is no graph; it must still be a path */
    plan_graph *g;
    assert_int_equal(plan_graph_delaunay(b, 10, &g, NULL), 0);
    int all0[10] = {0};
    assert_int_equal(plan_part_components(g, all0, 0), 1);
    plan_graph_free(g);
    int part[10], k;
    struct plan_grid_stat *st;
    assert_int_equal(cut(b, 10, part, &k, &st), 0);
    assert_true(k >= 2 && k <= 3);
    for (int p = 0; p < k; p++) {
        assert_true(st[p].households >= 300 && st[p].households <= 500);
        assert_int_equal(st[p].issues, 0);
    }
    free(st);
}

static void ring_of_buildings(void **state)
{
    (void)state;
    enum { N = 24 };
    struct plan_bldg b[N];
    for (int i = 0; i < N; i++) {
        double a = 2 * M_PI * i / N;
        b[i] = (struct plan_bldg){.x = 300 * cos(a),
                                  .y = 300 * sin(a),
                                  .households = 60 + (i % 3) * 20,
                                  .residents = 150};
    }
    int part[N], k;
    struct plan_grid_stat *st;
    assert_int_equal(cut(b, N, part, &k, &st), 0);
    int64_t total = 0;
    for (int p = 0; p < k; p++) {
        assert_true(st[p].households >= 300 && st[p].households <= 500);
        total += st[p].households;
    }
    assert_int_equal(total, 8 * 60 + 8 * 80 + 8 * 100);
    free(st);
}

static void tower_of_700(void **state)
{
    (void)state;
    /* one estate of one tower: it cannot be split, so its grid stays over and says why */
    struct plan_bldg one = {.x = 0, .y = 0, .households = 700, .residents = 1600, .estate = 1};
    int part[6], k;
    struct plan_grid_stat *st;
    assert_int_equal(cut(&one, 1, part, &k, &st), 1);
    assert_int_equal(k, 1);
    assert_true(st[0].issues & PLAN_TOO_MANY);
    assert_true(st[0].issues & PLAN_BIG_BUILDING);
    char why[256];
    plan_issue_text(&st[0], &one, &P, why, sizeof(why));
    assert_non_null(strstr(why, "超过上限 500"));
    assert_non_null(strstr(why, "楼栋不可拆分"));
    free(st);
    /* the tower next to four ordinary buildings: only the tower's grid is out */
    struct plan_bldg b[5] = {{0, 0, 700, 1600, 1},
                             {100, 0, 100, 230, 2},
                             {130, 40, 100, 230, 2},
                             {160, 0, 100, 230, 2},
                             {190, 40, 100, 230, 2}};
    assert_int_equal(cut(b, 5, part, &k, &st), 1);
    assert_int_equal(k, 2);
    int tower = part[0];
    assert_int_equal(st[tower].households, 700);
    assert_true(st[tower].issues & PLAN_BIG_BUILDING);
    assert_int_equal(st[1 - tower].households, 400);
    assert_int_equal(st[1 - tower].issues, 0);
    free(st);
}

static void too_small(void **state)
{
    (void)state;
    struct plan_bldg b[5];
    for (int i = 0; i < 5; i++)
        b[i] = (struct plan_bldg){
            .x = i * 20.0, .y = (i % 2) * 15.0, .households = 50, .residents = 110};
    int part[5], k;
    struct plan_grid_stat *st;
    assert_int_equal(cut(b, 5, part, &k, &st), 1);
    assert_int_equal(k, 1);
    assert_int_equal(st[0].households, 250);
    assert_true(st[0].issues & PLAN_TOO_FEW);
    assert_true(st[0].issues & PLAN_SMALL_TOTAL);
    char why[256];
    plan_issue_text(&st[0], b, &P, why, sizeof(why));
    assert_non_null(strstr(why, "低于下限 300"));
    assert_non_null(strstr(why, "不足一个网格"));
    free(st);
}

static void choose_k(void **state)
{
    (void)state;
    int k, lo, hi;
    plan_choose_k(3369, 7799, 94, &P, &k, &lo, &hi);
    assert_int_equal(lo, 7);
    assert_int_equal(hi, 11);
    assert_int_equal(k, 8);
    plan_choose_k(250, 600, 5, &P, &k, &lo, &hi);
    assert_true(lo > hi);
    assert_int_equal(k, 1);
    /* residents can force more grids than households do */
    plan_choose_k(900, 6000, 40, &P, &k, &lo, &hi);
    assert_int_equal(lo, 3);
    assert_int_equal(k, 3);
    assert_int_equal(plan_violation(400, 1000, &P), 0);
    assert_int_equal(plan_violation(510, 1000, &P), 50);
    assert_int_equal(plan_violation(290, 2600, &P), 150);
}

/* A path 0-1-2-3-4-5 with households 150 each, cut badly: {0..3} and {4, 5}. */
static void repair_path(void **state)
{
    (void)state;
    int u[5] = {0, 1, 2, 3, 4}, v[5] = {1, 2, 3, 4, 5};
    plan_graph *g;
    assert_int_equal(plan_graph_from_edges(6, u, v, NULL, 5, &g), 0);
    struct plan_bldg b[6];
    for (int i = 0; i < 6; i++)
        b[i] = (struct plan_bldg){.x = i, .households = 150, .residents = 300};
    int part[6] = {0, 0, 0, 0, 1, 1};
    assert_int_equal(plan_repair(g, b, 2, &P, part), 0);
    int n0 = 0;
    for (int i = 0; i < 6; i++)
        n0 += part[i] == 0;
    assert_int_equal(n0, 3);
    assert_int_equal(plan_part_components(g, part, 0), 1);
    assert_int_equal(plan_part_components(g, part, 1), 1);
    /* a part in two pieces is made whole first */
    int split[6] = {0, 1, 1, 0, 0, 0};
    plan_repair(g, b, 2, &P, split);
    assert_int_equal(plan_part_components(g, split, 0), 1);
    assert_int_equal(plan_part_components(g, split, 1), 1);
    plan_graph_free(g);
}

/* A star: the centre may not leave its part, that would cut the part in pieces. */
static void repair_keeps_parts_whole(void **state)
{
    (void)state;
    /* 0 centre of 1..4; 5-6 a second part hanging off 4 */
    int u[6] = {0, 0, 0, 0, 4, 5}, v[6] = {1, 2, 3, 4, 5, 6};
    plan_graph *g;
    assert_int_equal(plan_graph_from_edges(7, u, v, NULL, 6, &g), 0);
    struct plan_bldg b[7] = {{0, 0, 160, 300, 0}, {0, 0, 120, 300, 0}, {0, 0, 120, 300, 0},
                             {0, 0, 120, 300, 0}, {0, 0, 60, 100, 0},  {0, 0, 150, 300, 0},
                             {0, 0, 150, 300, 0}};
    int part[7] = {0, 0, 0, 0, 0, 1, 1}; /* 580 and 300 */
    int64_t v0 = plan_violation(580, 1500, &P) + plan_violation(300, 600, &P);
    int64_t v1 = plan_repair(g, b, 2, &P, part);
    /* 4 can go (520 and 360); 1..3 hang on the centre, which may not go */
    assert_true(v1 < v0);
    assert_int_equal(v1, plan_violation(520, 1400, &P));
    assert_int_equal(part[0], 0);
    assert_int_equal(part[4], 1);
    assert_int_equal(plan_part_components(g, part, 0), 1);
    assert_int_equal(plan_part_components(g, part, 1), 1);
    plan_graph_free(g);
}

/* A community like 华埠: estates of buildings of 16–80 households in a block. */
static void estate_block(void **state)
{
    (void)state;
    enum { N = 90 };
    struct plan_bldg b[N];
    uint32_t seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        int hh = 16 + (int)((seed >> 16) % 65);
        b[i] = (struct plan_bldg){.x = (i % 10) * 40.0 + (seed % 7),
                                  .y = (i / 10) * 35.0,
                                  .households = hh,
                                  .residents = hh * 23 / 10,
                                  .estate = 1 + (i % 10) / 3 + 4 * (i / 30)};
    }
    int part[N], k;
    struct plan_grid_stat *st;
    assert_int_equal(cut(b, N, part, &k, &st), 0);
    for (int p = 0; p < k; p++)
        assert_true(st[p].households >= 300 && st[p].households <= 500);
    /* shapes: one polygon per grid, valid GeoJSON */
    plan_shapes *sh;
    gg_err err = {0};
    assert_int_equal(plan_shapes_build(b, N, part, k, 40.0, &sh, &err), 0);
    struct plan_proj pj = {.lat0 = 49.59, .lon0 = 117.43, .ky = 111195.0};
    pj.kx = pj.ky * cos(pj.lat0 * M_PI / 180);
    json_t *fs = json_array();
    double area = 0;
    for (int p = 0; p < k; p++) {
        assert_true(plan_shape_compactness(sh, p) > 0.05 && plan_shape_compactness(sh, p) <= 1);
        area += plan_shape_area(sh, p);
        json_t *geom = plan_shape_geojson(sh, p, &pj);
        assert_non_null(geom);
        json_array_append_new(
            fs, json_pack("{s:s, s:o, s:{}}", "type", "Feature", "geometry", geom, "properties"));
    }
    assert_true(area > 360.0 * 315.0); /* the cells cover the block and its margin */
    json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", fs);
    int np = 0;
    assert_int_equal(plan_geojson_check(fc, &np, &err), 0);
    assert_true(np >= k);
    json_decref(fc);
    plan_shapes_free(sh);
    free(st);
}

static void geojson_check_faults(void **state)
{
    (void)state;
    gg_err err = {0};
    int np;
    json_t *ok = json_loads(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}", 0, NULL);
    assert_int_equal(plan_geojson_check(ok, &np, &err), 0);
    assert_int_equal(np, 1);
    json_decref(ok);
    static const char *const bad[] = {
        /* clockwise exterior */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}",
        /* not closed */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
        /* a bow tie: closed and oriented by its signed area, but not simple */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}",
        /* a counter-clockwise hole */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
        "[[1,1],[2,1],[2,2],[1,2],[1,1]]]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *d = json_loads(bad[i], 0, NULL);
        assert_non_null(d);
        assert_int_equal(plan_geojson_check(d, &np, &err), GG_EINVAL);
        json_decref(d);
    }
}

static void order_rows(void **state)
{
    (void)state;
    /* 2 rows of 3, given scrambled: serials go north row first, west to east */
    struct plan_grid_stat st[6];
    double cx[6] = {200, 0, 100, 100, 200, 0}, cy[6] = {0, 100, 0, 100, 100, 0};
    for (int i = 0; i < 6; i++) {
        memset(&st[i], 0, sizeof(st[i]));
        st[i].cx = cx[i];
        st[i].cy = cy[i] + (i % 2) * 7; /* rows are not perfectly level */
        st[i].minx = cx[i] - 50;
        st[i].maxx = cx[i] + 50;
        st[i].miny = cy[i] - 50;
        st[i].maxy = cy[i] + 50;
    }
    int order[6];
    plan_order(st, 6, order);
    int want[6] = {1, 3, 4, 5, 2, 0};
    for (int i = 0; i < 6; i++)
        assert_int_equal(order[i], want[i]);
}

static void staffing(void **state)
{
    (void)state;
    /* 华埠社区: 7,799 residents at 18 per 10,000 = 14.04, so 15 */
    assert_int_equal(plan_staff_fulltime(7799, 18), 15);
    assert_int_equal(plan_staff_fulltime(10000, 18), 18);
    assert_int_equal(plan_staff_fulltime(10001, 18), 19);
    assert_int_equal(plan_staff_fulltime(0, 18), 0);
    assert_int_equal(plan_staff_fulltime(1, 18), 1);
    assert_int_equal(plan_staff_fulltime(5000, 0), 0);
    struct plan_team need, gap;
    plan_staff_need(500, 18, &need);
    assert_int_equal(need.chief, 1);
    assert_int_equal(need.fulltime, 1);
    assert_int_equal(need.parttime, 1); /* 1+2+X: two workers at least */
    assert_int_equal(need.volunteers, 1);
    plan_staff_need(1200, 18, &need); /* 2.16 → 3 */
    assert_int_equal(need.fulltime, 3);
    assert_int_equal(need.parttime, 0);
    struct plan_team have = {0, 1, 3, 0};
    assert_int_equal(plan_staff_gap(&need, &have, &gap), 1 + 2 + 0 + 1);
    assert_int_equal(gap.fulltime, 2);
    assert_int_equal(gap.parttime, 0);
    /* a surplus full-time worker stands in for a missing part-time one */
    plan_staff_need(500, 18, &need);
    struct plan_team have2 = {1, 2, 0, 3};
    assert_int_equal(plan_staff_gap(&need, &have2, &gap), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(row_of_buildings, setup),
        cmocka_unit_test_setup(ring_of_buildings, setup),
        cmocka_unit_test_setup(tower_of_700, setup),
        cmocka_unit_test_setup(too_small, setup),
        cmocka_unit_test_setup(choose_k, setup),
        cmocka_unit_test_setup(repair_path, setup),
        cmocka_unit_test_setup(repair_keeps_parts_whole, setup),
        cmocka_unit_test_setup(estate_block, setup),
        cmocka_unit_test_setup(geojson_check_faults, setup),
        cmocka_unit_test_setup(order_rows, setup),
        cmocka_unit_test_setup(staffing, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
