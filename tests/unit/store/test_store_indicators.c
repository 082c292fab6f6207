/*
 * test_store_indicators.c — the materialised indicators on a temporary
 * SQLite file: counters moved by the case store's writes, a lost race that
 * moves nothing, roll-ups by place, worker, category and month with names
 * and totals, buckets emptied by a move, and the check that finds a
 * corrupted counter and the rebuild that repairs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_cases.h"
#include "store_indicators.h"

/* Monday 2026-03-02 09:00 China Standard Time. */
#define NOW 1772413200LL
#define HOUR 3600LL
#define DAY 86400LL

#define GRID1 "150781004004001"
#define GRID2 "150781002001001"

static char path[64];

static const char *const fixture =
    "INSERT INTO places (code, level, parent, name, short_name, kind, created_at, updated_at)"
    " VALUES ('150781', 3, NULL, '满洲里市', '满洲里市', 'county', 0, 0),"
    " ('150781004', 4, '150781', '兴华街道', '兴华街道', 'street', 0, 0),"
    " ('150781004004', 5, '150781004', '华埠社区居委会', '华埠社区', 'community', 0, 0),"
    " ('" GRID1 "', 6, '150781004004', '华埠社区第1网格', '华埠社区第1网格', 'grid', 0, 0),"
    " ('150781002', 4, '150781', '南区街道', '南区街道', 'street', 0, 0),"
    " ('150781002001', 5, '150781002', '云杉社区居委会', '云杉社区', 'community', 0, 0),"
    " ('" GRID2 "', 6, '150781002001', '云杉社区第1网格', '云杉社区第1网格', 'grid', 0, 0);"
    "INSERT INTO buildings (id, place, name, lat, lon, created_at, updated_at) VALUES"
    " (500, '" GRID1 "', '1号楼', 49.590, 117.430, 0, 0),"
    " (501, '" GRID2 "', '2号楼', 49.560, 117.400, 0, 0);"
    "INSERT INTO households (id, place, building_id, unit, room, area_centi, created_at,"
    " updated_at) VALUES (1000, '" GRID1 "', 500, '1', '101', 8800, 0, 0),"
    " (1001, '" GRID2 "', 501, '1', '101', 8800, 0, 0);"
    "INSERT INTO staff (id, place, name, role, on_duty, created_at, updated_at) VALUES"
    " (10, '" GRID1 "', '王网格长', 'grid_chief', 1, 0, 0),"
    " (11, '" GRID1 "', '赵专职', 'fulltime', 1, 0, 0),"
    " (12, '" GRID1 "', '钱专职', 'fulltime', 0, 0, 0),"
    " (20, '" GRID2 "', '吴专职', 'fulltime', 1, 0, 0);"
    "INSERT INTO users (id, login, pw_hash, role, place, staff_id, department, created_at,"
    " updated_at) VALUES (1, 'admin', 'x', 'city_admin', '150781', NULL, '', 0, 0),"
    " (2, 'chief', 'x', 'grid_chief', '" GRID1 "', 10, '', 0, 0),"
    " (3, 'worker', 'x', 'grid_worker', '" GRID1 "', 11, '', 0, 0),"
    " (4, 'heat', 'x', 'dept_handler', '150781', NULL, '热力公司', 0, 0);";

static struct case_actor admin = {1, "admin", ROLE_CITY_ADMIN, "150781", "", 0, 0};
static struct case_actor chief = {2, "chief", ROLE_GRID_CHIEF, GRID1, "", 10, 0};
static struct case_actor worker = {3, "worker", ROLE_GRID_WORKER, GRID1, "", 11, 0};
static struct case_actor heat = {4, "heat", ROLE_DEPT_HANDLER, "150781", "热力公司", 0, 0};

static int setup(void **state)
{
    snprintf(path, sizeof(path), "/tmp/gg-test-indicators-%d.db", (int)getpid());
    unlink(path);
    db *d;
    gg_err err;
    if (store_open(path, &d, &err) != 0 || db_exec(d, fixture, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    char p[80];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
    return 0;
}

static int64_t file(db *d, const struct case_actor *a, const char *cat, int64_t hh, int64_t now)
{
    struct case_new n = {.category = cat, .household_id = hh};
    gg_err err;
    int64_t id = 0;
    assert_int_equal(store_case_create(d, a, &n, now, &id, &err), 0);
    return id;
}

static void act(db *d, const struct case_actor *a, int64_t id, struct case_act x, int64_t now)
{
    gg_err err;
    int rc = store_case_act(d, a, id, &x, now, &err);
    if (rc)
        fprintf(stderr, "act %d on %lld: %s: %s\n", x.action, (long long)id, err.field, err.msg);
    assert_int_equal(rc, 0);
}

/* The totals of a query as JSON; caller frees. */
static json_t *query(db *d, const char *place, enum indicator_group g, json_t **items)
{
    struct indicator_query q = {.place = place, .group = g};
    json_t *it, *tot;
    assert_int_equal(store_indicators_query(d, &q, &it, &tot), 0);
    if (items)
        *items = it;
    else
        json_decref(it);
    return tot;
}

static int64_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void check_diffs(db *d, int64_t want)
{
    int64_t nd = -1;
    json_t *diffs;
    assert_int_equal(store_indicators_check(d, NULL, NULL, 5, &nd, &diffs), 0);
    if (nd != want)
        fprintf(stderr, "%s\n", json_dumps(diffs, 0));
    assert_int_equal(nd, want);
    json_decref(diffs);
}

static void test_cycle_and_rollups(void **state)
{
    db *d = *state;
    /* A: filed and closed on time; B: dispatched to the heating company; C: in grid 2. */
    int64_t a = file(d, &worker, "utilities.heating_cold", 1000, NOW);
    int64_t b = file(d, &worker, "utilities.heating_network", 1000, NOW);
    int64_t c = file(d, &admin, "sanitation.stairwell", 1001, NOW);
    act(d, &worker, a, (struct case_act){.action = CASE_ACCEPT}, NOW);
    act(d, &worker, a, (struct case_act){.action = CASE_HANDLE, .result = "好了"}, NOW + 2 * HOUR);
    act(d, &chief, a, (struct case_act){.action = CASE_VERIFY}, NOW + 2 * HOUR);
    act(d, &heat, b, (struct case_act){.action = CASE_ACCEPT}, NOW);
    json_t *items;
    json_t *tot = query(d, "150781", IND_GROUP_STREET, &items);
    assert_int_equal(num(tot, "due"), 3);
    assert_int_equal(num(tot, "closed"), 1);
    assert_int_equal(num(tot, "closed_on_time"), 1);
    assert_int_equal(num(tot, "handling_minutes_sum"), 120);
    assert_int_equal(num(tot, "close_rate"), 3333);
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(first, "key")), "150781002");
    assert_string_equal(json_string_value(json_object_get(first, "name")), "南区街道");
    assert_int_equal(num(first, "due"), 1);
    json_decref(items);
    json_decref(tot);

    tot = query(d, GRID1, IND_GROUP_WORKER, &items);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")),
                        "赵专职");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "key")),
                        "热力公司");
    json_decref(items);
    json_decref(tot);

    tot = query(d, "150781", IND_GROUP_CATEGORY, &items);
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")),
                        "暖气不热");
    json_decref(items);
    json_decref(tot);

    tot = query(d, "150781", IND_GROUP_MONTH, &items);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")),
                        "2026年3月");
    json_decref(items);
    json_decref(tot);
    (void)c;
    check_diffs(d, 0);
}

static void test_moves_and_races(void **state)
{
    db *d = *state;
    int64_t a = file(d, &worker, "utilities.heating_cold", 1000, NOW);
    /* Returned: leaves the worker for "no assignee"; dispatched to staff 12: moves again. */
    act(d, &worker, a, (struct case_act){.action = CASE_RETURN, .note = "不归我"}, NOW);
    json_t *items, *tot = query(d, GRID1, IND_GROUP_WORKER, &items);
    assert_int_equal(num(tot, "due"), 0);
    assert_int_equal(num(tot, "returned"), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")),
                        "未分派");
    json_decref(items);
    json_decref(tot);
    act(d, &chief, a, (struct case_act){.action = CASE_DISPATCH, .staff_id = 12}, NOW + HOUR);
    tot = query(d, GRID1, IND_GROUP_WORKER, &items);
    /* the emptied bucket of "no assignee" is not listed */
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "key")), "12");
    assert_int_equal(num(tot, "due"), 1);
    assert_int_equal(num(tot, "returned"), 1);
    json_decref(items);
    json_decref(tot);

    /* A stale UPDATE (wrong version) moves no counter and leaves db_changes at 0. */
    db_stmt *s;
    assert_int_equal(db_prepare(d,
                                "UPDATE cases SET state = 'closed', closure = 'normal',"
                                " handled_at = $2 WHERE id = $1 AND version = 999",
                                &s),
                     0);
    db_bind_i64(s, 1, a);
    db_bind_i64(s, 2, NOW + 2 * HOUR);
    assert_int_equal(store_indicators_step(d, s, a), DB_DONE);
    db_finalize(s);
    assert_int_equal(db_changes(d), 0);
    tot = query(d, GRID1, IND_GROUP_GRID, NULL);
    assert_int_equal(num(tot, "closed"), 0);
    json_decref(tot);
    /* The same UPDATE that matches moves them, and db_changes still says 1. */
    assert_int_equal(db_prepare(d,
                                "UPDATE cases SET state = 'closed', closure = 'normal',"
                                " handled_at = $2 WHERE id = $1",
                                &s),
                     0);
    db_bind_i64(s, 1, a);
    db_bind_i64(s, 2, NOW + 2 * HOUR);
    assert_int_equal(store_indicators_step(d, s, a), DB_DONE);
    db_finalize(s);
    assert_int_equal(db_changes(d), 1);
    tot = query(d, GRID1, IND_GROUP_GRID, NULL);
    assert_int_equal(num(tot, "closed"), 1);
    assert_int_equal(num(tot, "closed_on_time"), 1);
    json_decref(tot);
    check_diffs(d, 0);
}

static void test_check_and_rebuild(void **state)
{
    db *d = *state;
    int64_t a = file(d, &worker, "utilities.heating_cold", 1000, NOW);
    file(d, &admin, "safety", 1001, NOW);
    act(d, &worker, a,
        (struct case_act){.action = CASE_EXTEND_REQUEST, .note = "等配件", .hours = 7}, NOW);
    act(d, &chief, a, (struct case_act){.action = CASE_EXTEND_APPROVE, .note = "同意"}, NOW);
    check_diffs(d, 0);
    assert_int_equal(db_exec(d, "UPDATE indicator_counters SET extended = 0", NULL), 0);
    assert_int_equal(
        db_exec(d, "DELETE FROM indicator_counters_place WHERE place = '" GRID2 "'", NULL), 0);
    check_diffs(d, 2);
    int64_t cases = 0, buckets = 0;
    assert_int_equal(store_indicators_rebuild(d, NULL, NULL, &cases, &buckets), 0);
    assert_int_equal(cases, 2);
    assert_int_equal(buckets, 2);
    check_diffs(d, 0);
    json_t *tot = query(d, "150781", IND_GROUP_STREET, NULL);
    assert_int_equal(num(tot, "extended"), 1);
    assert_int_equal(num(tot, "due"), 2);
    json_decref(tot);
    /* A group name that is not one. */
    enum indicator_group g;
    assert_int_equal(store_indicator_group_parse("district", &g), GG_EINVAL);
    assert_int_equal(store_indicator_group_parse("month", &g), 0);
    assert_int_equal(g, IND_GROUP_MONTH);
    assert_string_equal(store_indicator_group_name(IND_GROUP_WORKER), "worker");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cycle_and_rollups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moves_and_races, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_and_rebuild, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
