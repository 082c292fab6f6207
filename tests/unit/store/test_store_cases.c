/*
 * test_store_cases.c — the cases store on a temporary SQLite file: the
 * seeded categories and their edits, filing and locating, automatic
 * dispatch, the seven-step cycle with its log, refusals that change
 * nothing, the conditional update that settles races, extensions, merges,
 * private cases, lists and the overdue sweep with its escalation levels.
 *
 * Includes store_cases.c to reach row_store for the race test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../src/store/store_cases.c"
#include "store.h"

/* Monday 2026-03-02 09:00 China Standard Time. */
#define NOW 1772413200LL
#define DAY 86400LL
#define HOUR 3600LL

#define GRID1 "150781004004001"
#define GRID2 "150781004004002"
#define GRID3 "150781002001001"

static char path[64];

static const char *const fixture =
    "INSERT INTO places (code, level, parent, name, short_name, kind, created_at, updated_at)"
    " VALUES ('150781', 3, NULL, '满洲里市', '满洲里市', 'county', 0, 0),"
    " ('150781004', 4, '150781', '兴华街道', '兴华街道', 'street', 0, 0),"
    " ('150781004004', 5, '150781004', '华埠社区居委会', '华埠社区', 'community', 0, 0),"
    " ('" GRID1 "', 6, '150781004004', '第1网格', '第1网格', 'grid', 0, 0),"
    " ('" GRID2 "', 6, '150781004004', '第2网格', '第2网格', 'grid', 0, 0),"
    " ('150781002', 4, '150781', '南区街道', '南区街道', 'street', 0, 0),"
    " ('150781002001', 5, '150781002', '云杉社区居委会', '云杉社区', 'community', 0, 0),"
    " ('" GRID3 "', 6, '150781002001', '第1网格', '第1网格', 'grid', 0, 0);"
    "INSERT INTO buildings (id, place, name, lat, lon, created_at, updated_at) VALUES"
    " (500, '" GRID1 "', '1号楼', 49.590, 117.430, 0, 0),"
    " (501, '" GRID2 "', '2号楼', 49.600, 117.450, 0, 0),"
    " (502, '" GRID3 "', '3号楼', 49.560, 117.400, 0, 0);"
    "INSERT INTO households (id, place, building_id, unit, room, area_centi, created_at,"
    " updated_at) VALUES (1000, '" GRID1 "', 500, '1', '101', 8800, 0, 0),"
    " (1001, '" GRID1 "', 500, '1', '102', 8800, 0, 0),"
    " (1002, '" GRID2 "', 501, '1', '101', 8800, 0, 0);"
    "INSERT INTO residents (id, place, household_id, name, created_at, updated_at) VALUES"
    " (100, '" GRID1 "', 1000, '张三', 0, 0), (101, '" GRID1 "', 1001, '李四', 0, 0);"
    "INSERT INTO staff (id, place, name, role, on_duty, created_at, updated_at) VALUES"
    " (10, '" GRID1 "', '王网格长', 'grid_chief', 1, 0, 0),"
    " (11, '" GRID1 "', '赵专职', 'fulltime', 1, 0, 0),"
    " (12, '" GRID1 "', '钱专职', 'fulltime', 1, 0, 0),"
    " (13, '" GRID1 "', '孙兼职', 'parttime', 1, 0, 0),"
    " (14, '" GRID1 "', '周志愿', 'volunteer', 1, 0, 0),"
    " (20, '" GRID3 "', '吴专职', 'fulltime', 1, 0, 0),"
    " (21, '" GRID2 "', '郑专职', 'fulltime', 0, 0, 0);"
    "INSERT INTO users (id, login, pw_hash, role, place, staff_id, resident_id, department,"
    " created_at, updated_at) VALUES"
    " (1, 'admin', 'x', 'city_admin', '150781', NULL, NULL, '', 0, 0),"
    " (2, 'chief', 'x', 'grid_chief', '" GRID1 "', 10, NULL, '', 0, 0),"
    " (3, 'worker', 'x', 'grid_worker', '" GRID1 "', 11, NULL, '', 0, 0),"
    " (4, 'worker2', 'x', 'grid_worker', '" GRID1 "', 12, NULL, '', 0, 0),"
    " (5, 'res', 'x', 'resident', '" GRID1 "', NULL, 100, '', 0, 0),"
    " (6, 'res2', 'x', 'resident', '" GRID1 "', NULL, 101, '', 0, 0),"
    " (7, 'heat', 'x', 'dept_handler', '150781', NULL, NULL, '热力公司', 0, 0),"
    " (8, 'far', 'x', 'grid_worker', '" GRID3 "', 20, NULL, '', 0, 0),"
    " (9, 'huabu', 'x', 'community_admin', '150781004004', NULL, NULL, '', 0, 0),"
    " (10, 'audit', 'x', 'auditor', '150781', NULL, NULL, '', 0, 0);";

enum { ADMIN = 1, CHIEF, WORKER, WORKER2, RES, RES2, HEAT, FAR, HUABU, AUDIT };

/* The actor of fixture user id. */
static struct case_actor who(int id)
{
    static const struct {
        const char *login;
        enum role role;
        const char *place, *dept;
        int64_t staff, resident;
    } u[] = {
        [ADMIN] = {"admin", ROLE_CITY_ADMIN, "150781", "", 0, 0},
        [CHIEF] = {"chief", ROLE_GRID_CHIEF, GRID1, "", 10, 0},
        [WORKER] = {"worker", ROLE_GRID_WORKER, GRID1, "", 11, 0},
        [WORKER2] = {"worker2", ROLE_GRID_WORKER, GRID1, "", 12, 0},
        [RES] = {"res", ROLE_RESIDENT, GRID1, "", 0, 100},
        [RES2] = {"res2", ROLE_RESIDENT, GRID1, "", 0, 101},
        [HEAT] = {"heat", ROLE_DEPT_HANDLER, "150781", "热力公司", 0, 0},
        [FAR] = {"far", ROLE_GRID_WORKER, GRID3, "", 20, 0},
        [HUABU] = {"huabu", ROLE_COMMUNITY_ADMIN, "150781004004", "", 0, 0},
        [AUDIT] = {"audit", ROLE_AUDITOR, "150781", "", 0, 0},
    };
    struct case_actor a = {id,         u[id].login, u[id].role,    u[id].place,
                           u[id].dept, u[id].staff, u[id].resident};
    return a;
}

static int setup(void **state)
{
    snprintf(path, sizeof(path), "/tmp/gg-test-cases-%d.db", (int)getpid());
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

static int64_t q1(db *d, const char *sql, int64_t id)
{
    int64_t v = -1;
    int rc = db_query_i64(d, sql, &v, "i", id);
    return rc == 0 ? v : -1;
}

static const char *text1(db *d, const char *sql, int64_t id, char *buf, size_t n)
{
    db_stmt *s;
    buf[0] = '\0';
    if (db_run(d, sql, &s, "i", id) == DB_ROW)
        gg_strlcpy(buf, db_col_text(s, 0), n);
    db_finalize(s);
    return buf;
}

static const char *state_of(db *d, int64_t id)
{
    static char buf[32];
    return text1(d, "SELECT state FROM cases WHERE id = $1", id, buf, sizeof(buf));
}

static int64_t nlog(db *d, int64_t id)
{
    return q1(d, "SELECT COUNT(*) FROM case_log WHERE case_id = $1", id);
}

static int act(db *d, int user, int64_t id, enum case_action a, const char *note, int64_t now)
{
    struct case_actor ac = who(user);
    struct case_act x = {.action = a, .note = note};
    gg_err err;
    return store_case_act(d, &ac, id, &x, now, &err);
}

/* A resident's report for their household, in category cat. */
static int64_t file_home(db *d, int user, const char *cat, int64_t now)
{
    struct case_actor a = who(user);
    struct case_new n = {.category = cat,
                         .title = "暖气不热",
                         .description = "卧室暖气片冰凉",
                         .household_id = user == RES ? 1000 : 1001};
    gg_err err;
    int64_t id = 0;
    int rc = store_case_create(d, &a, &n, now, &id, &err);
    if (rc)
        fprintf(stderr, "file_home: %d %s: %s\n", rc, err.field, err.msg);
    assert_int_equal(rc, 0);
    return id;
}

/* ---- categories ---- */

static void test_categories_seeded(void **state)
{
    db *d = *state;
    json_t *all;
    assert_int_equal(store_category_list(d, 0, &all), 0);
    assert_true(json_array_size(all) >= 19);
    json_decref(all);
    struct category c;
    assert_int_equal(store_category_load(d, "utilities.heating_cold", &c), 0);
    assert_string_equal(c.name, "暖气不热");
    assert_string_equal(c.parent, "utilities");
    assert_string_equal(c.handler, "grid");
    assert_int_equal(c.limit_hours, 14);
    assert_int_equal(store_category_load(d, "dispute", &c), 0);
    assert_true(c.is_private);
    assert_int_equal(store_category_load(d, "utilities.heating_network", &c), 0);
    assert_string_equal(c.handler, "热力公司");
    assert_int_equal(store_category_load(d, "nope", &c), GG_ENOTFOUND);
}

static void test_category_edit(void **state)
{
    db *d = *state;
    gg_err err;
    struct category c = {.code = "sanitation.snow",
                         .parent = "sanitation",
                         .name = "积雪清扫",
                         .limit_hours = 7,
                         .handler = "grid",
                         .active = 1,
                         .sort = 23};
    assert_int_equal(store_category_insert(d, &c, NOW, &err), 0);
    assert_int_equal(store_category_insert(d, &c, NOW, &err), GG_ECONFLICT);
    assert_string_equal(err.field, "code");
    struct category bad = c;
    gg_strlcpy(bad.code, "Snow!", sizeof(bad.code));
    assert_int_equal(store_category_insert(d, &bad, NOW, &err), GG_EINVAL);
    gg_strlcpy(bad.code, "sanitation.snow.deep", sizeof(bad.code));
    assert_int_equal(store_category_insert(d, &bad, NOW, &err), GG_EINVAL);
    /* a third level is refused, and a child's code carries its parent's */
    gg_strlcpy(bad.code, "deep", sizeof(bad.code));
    gg_strlcpy(bad.parent, "sanitation.snow", sizeof(bad.parent));
    assert_int_equal(store_category_insert(d, &bad, NOW, &err), GG_ERULE);
    assert_string_equal(err.field, "parent");
    gg_strlcpy(bad.parent, "sanitation", sizeof(bad.parent));
    gg_strlcpy(bad.code, "safety.snow", sizeof(bad.code));
    assert_int_equal(store_category_insert(d, &bad, NOW, &err), GG_ERULE);
    assert_string_equal(err.field, "code");
    gg_strlcpy(bad.parent, "nowhere", sizeof(bad.parent));
    assert_int_equal(store_category_insert(d, &bad, NOW, &err), GG_ERULE);
    assert_string_equal(err.field, "parent");
    c.limit_hours = 21;
    c.active = 0;
    assert_int_equal(store_category_update(d, &c, NOW, &err), 0);
    struct category back;
    assert_int_equal(store_category_load(d, "sanitation.snow", &back), 0);
    assert_int_equal(back.limit_hours, 21);
    assert_false(back.active);
    json_t *active, *all;
    assert_int_equal(store_category_list(d, 0, &active), 0);
    assert_int_equal(store_category_list(d, 1, &all), 0);
    assert_int_equal(json_array_size(all), json_array_size(active) + 1);
    json_decref(active);
    json_decref(all);
    gg_strlcpy(c.code, "missing", sizeof(c.code));
    assert_int_equal(store_category_update(d, &c, NOW, &err), GG_ENOTFOUND);
    /* an inactive category takes no new reports */
    struct case_actor a = who(RES);
    struct case_new n = {.category = "sanitation.snow", .household_id = 1000};
    int64_t id;
    assert_int_equal(store_case_create(d, &a, &n, NOW, &id, &err), GG_ERULE);
    assert_string_equal(err.field, "category");
}

/* ---- the cycle ---- */

static void test_full_cycle(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_string_equal(state_of(d, id), "reported");
    assert_int_equal(nlog(d, id), 1);
    char buf[64];
    assert_string_equal(text1(d, "SELECT place FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        GRID1);
    assert_int_equal(q1(d, "SELECT private FROM cases WHERE id = $1", id), 0);

    /* a grid worker registers; the system dispatches to the least busy full-timer */
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    assert_string_equal(state_of(d, id), "dispatched");
    assert_int_equal(nlog(d, id), 3);
    assert_int_equal(q1(d, "SELECT assignee_staff_id FROM cases WHERE id = $1", id), 11);
    assert_int_equal(q1(d, "SELECT dispatched_at FROM cases WHERE id = $1", id), NOW);
    /* 14 working hours from Monday 09:00: Wednesday 09:00 */
    assert_int_equal(q1(d, "SELECT deadline FROM cases WHERE id = $1", id), NOW + 2 * DAY);
    assert_string_equal(text1(d, "SELECT actor FROM case_log WHERE case_id = $1 ORDER BY id DESC",
                              id, buf, sizeof(buf)),
                        "system");

    /* the next case goes to the other full-timer, who now has fewer */
    int64_t id2 = file_home(d, RES2, "utilities.pipe_blocked", NOW);
    assert_int_equal(act(d, WORKER, id2, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(q1(d, "SELECT assignee_staff_id FROM cases WHERE id = $1", id2), 12);

    /* only the assignee accepts */
    assert_int_equal(act(d, WORKER2, id, CASE_ACCEPT, NULL, NOW + HOUR), GG_EFORBIDDEN);
    assert_int_equal(act(d, RES, id, CASE_ACCEPT, NULL, NOW + HOUR), GG_EFORBIDDEN);
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW + HOUR), 0);
    assert_string_equal(state_of(d, id), "accepted");

    /* handling needs a result */
    assert_int_equal(act(d, WORKER, id, CASE_HANDLE, NULL, NOW + 2 * HOUR), GG_EINVAL);
    assert_int_equal(act(d, WORKER, id, CASE_HANDLE, "排气阀排气后暖气恢复", NOW + 2 * HOUR), 0);
    assert_string_equal(state_of(d, id), "handled");
    assert_string_equal(text1(d, "SELECT result FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        "排气阀排气后暖气恢复");

    /* the assignee may not verify their own work; the chief does */
    assert_int_equal(act(d, WORKER, id, CASE_VERIFY, NULL, NOW + 3 * HOUR), GG_EFORBIDDEN);
    assert_int_equal(act(d, CHIEF, id, CASE_VERIFY, NULL, NOW + 3 * HOUR), 0);
    assert_string_equal(state_of(d, id), "closed");
    assert_string_equal(text1(d, "SELECT closure FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        "normal");

    /* the reporter rates, once, 1..5 */
    struct case_actor r = who(RES);
    gg_err err;
    struct case_act rate = {.action = CASE_RATE, .rating = 6};
    assert_int_equal(store_case_act(d, &r, id, &rate, NOW + 4 * HOUR, &err), GG_EINVAL);
    assert_string_equal(err.field, "rating");
    rate.rating = 5;
    rate.comment = "很及时";
    struct case_actor r2 = who(RES2);
    assert_int_equal(store_case_act(d, &r2, id, &rate, NOW + 4 * HOUR, &err), GG_ENOTFOUND);
    assert_int_equal(store_case_act(d, &r, id, &rate, NOW + 4 * HOUR, &err), 0);
    assert_string_equal(state_of(d, id), "rated");
    assert_int_equal(q1(d, "SELECT rating FROM cases WHERE id = $1", id), 5);
    assert_int_equal(store_case_act(d, &r, id, &rate, NOW + 5 * HOUR, &err), GG_ECONFLICT);
    /* report, register, dispatch, accept, handle, verify, rate */
    assert_int_equal(nlog(d, id), 7);

    json_t *o;
    assert_int_equal(store_case_get(d, &r, id, NOW + 5 * HOUR, &o), 0);
    assert_int_equal(json_array_size(json_object_get(o, "log")), 7);
    assert_true(json_is_null(json_object_get(o, "time_left_minutes")));
    /* a resident sees roles, not staff logins */
    json_t *e = json_array_get(json_object_get(o, "log"), 3);
    assert_string_equal(json_string_value(json_object_get(e, "actor")), "网格员");
    json_decref(o);
}

static void test_refusals_change_nothing(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    int64_t v = q1(d, "SELECT version FROM cases WHERE id = $1", id);
    /* state first: verify on a reported case is a conflict, whoever asks */
    assert_int_equal(act(d, CHIEF, id, CASE_VERIFY, NULL, NOW), GG_ECONFLICT);
    assert_int_equal(act(d, RES2, id, CASE_VERIFY, NULL, NOW), GG_ENOTFOUND);
    assert_int_equal(act(d, AUDIT, id, CASE_REGISTER, NULL, NOW), GG_EFORBIDDEN);
    assert_int_equal(act(d, HEAT, id, CASE_REGISTER, NULL, NOW), GG_ENOTFOUND);
    assert_int_equal(act(d, FAR, id, CASE_REGISTER, NULL, NOW), GG_ENOTFOUND);
    /* cancel needs a reason */
    assert_int_equal(act(d, RES, id, CASE_CANCEL, NULL, NOW), GG_EINVAL);
    /* a stale expected_version */
    struct case_actor w = who(WORKER);
    struct case_act x = {.action = CASE_REGISTER, .expected_version = v + 1};
    gg_err err;
    assert_int_equal(store_case_act(d, &w, id, &x, NOW, &err), GG_ECONFLICT);
    assert_string_equal(err.field, "expected_version");
    assert_int_equal(q1(d, "SELECT version FROM cases WHERE id = $1", id), v);
    assert_string_equal(state_of(d, id), "reported");
    assert_int_equal(nlog(d, id), 1);
    assert_int_equal(act(d, RES, id, CASE_CANCEL, "已自行修好", NOW), 0);
    assert_string_equal(state_of(d, id), "cancelled");
    char buf[32];
    assert_string_equal(text1(d, "SELECT closure FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        "cancelled");
    /* the log is append-only */
    gg_err e2;
    assert_int_not_equal(db_exec(d, "UPDATE case_log SET note = 'x'", &e2), 0);
    assert_int_not_equal(db_exec(d, "DELETE FROM case_log", &e2), 0);
}

/* Two actors race: the loser's conditional update touches nothing. */
static void test_race_conditional_update(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    struct case_row a, b;
    assert_int_equal(row_load(d, id, &a), 0);
    assert_int_equal(row_load(d, id, &b), 0);
    a.state = CASE_ACCEPTED;
    b.state = CASE_ACCEPTED;
    assert_int_equal(row_store(d, &a, CASE_DISPATCHED, a.version, NOW), 0);
    assert_int_equal(row_store(d, &b, CASE_DISPATCHED, b.version, NOW), GG_ECONFLICT);
    row_free(&a);
    row_free(&b);
    /* through the API of the store: the second accept is a state conflict */
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW), GG_ECONFLICT);
}

static void test_return_and_dispatch(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(act(d, WORKER, id, CASE_RETURN, NULL, NOW), GG_EINVAL);
    assert_int_equal(act(d, WORKER, id, CASE_RETURN, "供热管网问题，应由热力公司处理", NOW), 0);
    assert_string_equal(state_of(d, id), "registered");
    assert_int_equal(q1(d, "SELECT COALESCE(assignee_staff_id, 0) FROM cases WHERE id = $1", id),
                     0);
    assert_int_equal(q1(d, "SELECT COALESCE(deadline, 0) FROM cases WHERE id = $1", id), 0);
    /* a worker may not dispatch; the chief may, to a department */
    struct case_actor c = who(CHIEF);
    gg_err err;
    struct case_act x = {.action = CASE_DISPATCH, .department = "热力公司"};
    assert_int_equal(act(d, WORKER, id, CASE_DISPATCH, NULL, NOW), GG_EFORBIDDEN);
    x.staff_id = 14;
    assert_int_equal(store_case_act(d, &c, id, &x, NOW, &err), GG_EINVAL);
    x.department = NULL;
    assert_int_equal(store_case_act(d, &c, id, &x, NOW, &err), GG_ERULE); /* a volunteer */
    x.staff_id = 20;
    assert_int_equal(store_case_act(d, &c, id, &x, NOW, &err), GG_ERULE); /* out of scope */
    x.staff_id = 0;
    x.department = "热力公司";
    assert_int_equal(store_case_act(d, &c, id, &x, NOW, &err), 0);
    assert_string_equal(state_of(d, id), "dispatched");
    /* the department's handler sees it and accepts; the old worker no longer can */
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW), GG_EFORBIDDEN);
    struct case_actor h = who(HEAT);
    json_t *o;
    assert_int_equal(store_case_get(d, &h, id, NOW, &o), 0);
    json_decref(o);
    assert_int_equal(act(d, HEAT, id, CASE_ACCEPT, NULL, NOW), 0);
    assert_int_equal(q1(d, "SELECT returned FROM cases WHERE id = $1", id), 1);

    /* a category with a department goes there by itself */
    int64_t id2 = file_home(d, RES, "utilities.heating_network", NOW);
    assert_int_equal(act(d, CHIEF, id2, CASE_REGISTER, NULL, NOW), 0);
    char buf[64];
    assert_string_equal(
        text1(d, "SELECT assignee_dept FROM cases WHERE id = $1", id2, buf, sizeof(buf)),
        "热力公司");
    /* 7 working hours from Monday 09:00: Tuesday 09:00 */
    assert_int_equal(q1(d, "SELECT deadline FROM cases WHERE id = $1", id2), NOW + DAY);
}

static void test_staff_reports_and_points(void **state)
{
    db *d = *state;
    struct case_actor w = who(WORKER);
    gg_err err;
    int64_t id;
    /* a worker's report from a round is registered at once and dispatched */
    struct case_new n = {.category = "sanitation.stairwell",
                         .title = "楼道堆放杂物",
                         .has_point = 1,
                         .lat = 49.5901,
                         .lon = 117.4302};
    assert_int_equal(store_case_create(d, &w, &n, NOW, &id, &err), 0);
    assert_string_equal(state_of(d, id), "dispatched");
    char buf[64];
    assert_string_equal(text1(d, "SELECT place FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        GRID1);
    assert_string_equal(text1(d, "SELECT source FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        "staff");
    /* a point nearer grid 2's building lies outside the worker's grid */
    n.lat = 49.6001;
    n.lon = 117.4501;
    assert_int_equal(store_case_create(d, &w, &n, NOW, &id, &err), GG_ERULE);
    assert_string_equal(err.field, "lat");
    /* ... but a resident may report it; nobody in grid 2 is on duty, so after
     * registration it waits for a commander */
    struct case_actor r = who(RES);
    assert_int_equal(store_case_create(d, &r, &n, NOW, &id, &err), 0);
    assert_string_equal(text1(d, "SELECT place FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        GRID2);
    assert_int_equal(act(d, HUABU, id, CASE_REGISTER, NULL, NOW), 0);
    assert_string_equal(state_of(d, id), "registered");
    struct case_act x = {.action = CASE_DISPATCH};
    struct case_actor h = who(HUABU);
    assert_int_equal(store_case_act(d, &h, id, &x, NOW, &err), GG_ERULE);
    assert_string_equal(err.field, "staff_id");
    x.staff_id = 11; /* a worker of grid 1 helps out: they see it although it lies in grid 2 */
    assert_int_equal(store_case_act(d, &h, id, &x, NOW, &err), 0);
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW), 0);
    /* far from every building */
    n.lat = 10;
    n.lon = 10;
    assert_int_equal(store_case_create(d, &r, &n, NOW, &id, &err), GG_ERULE);
    /* households: residents only their own, staff only in scope */
    struct case_new hh = {.category = "safety", .household_id = 1001};
    assert_int_equal(store_case_create(d, &r, &hh, NOW, &id, &err), GG_ERULE);
    assert_string_equal(err.field, "household_id");
    hh.household_id = 1002;
    assert_int_equal(store_case_create(d, &w, &hh, NOW, &id, &err), GG_ERULE);
    struct case_actor f = who(FAR);
    hh.household_id = 1000;
    assert_int_equal(store_case_create(d, &f, &hh, NOW, &id, &err), GG_ERULE);
    struct case_actor heat = who(HEAT);
    assert_int_equal(store_case_create(d, &heat, &hh, NOW, &id, &err), GG_EFORBIDDEN);
    struct case_new none = {.category = "safety"};
    assert_int_equal(store_case_create(d, &r, &none, NOW, &id, &err), GG_EINVAL);
}

static void test_private_and_lists(void **state)
{
    db *d = *state;
    int64_t priv = file_home(d, RES, "dispute", NOW);
    int64_t open = file_home(d, RES, "utilities.heating_cold", NOW);
    int64_t other = file_home(d, RES2, "utilities.heating_cold", NOW);
    assert_int_equal(q1(d, "SELECT private FROM cases WHERE id = $1", priv), 1);
    struct case_actor r2 = who(RES2), w = who(WORKER), far = who(FAR), h = who(HEAT);
    json_t *o;
    assert_int_equal(store_case_get(d, &r2, priv, NOW, &o), GG_ENOTFOUND);
    assert_int_equal(store_case_get(d, &r2, open, NOW, &o), GG_ENOTFOUND);
    assert_int_equal(store_case_get(d, &far, open, NOW, &o), GG_ENOTFOUND);
    assert_int_equal(store_case_get(d, &h, open, NOW, &o), GG_ENOTFOUND);
    assert_int_equal(store_case_get(d, &w, priv, NOW, &o), 0);
    assert_true(json_is_true(json_object_get(o, "private")));
    json_decref(o);

    struct case_query q = {.limit = 50};
    int64_t next;
    assert_int_equal(store_case_list(d, &r2, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(o, 0), "id")), other);
    json_decref(o);
    assert_int_equal(store_case_list(d, &w, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 3);
    /* newest first */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(o, 0), "id")), other);
    json_decref(o);
    assert_int_equal(store_case_list(d, &far, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 0);
    json_decref(o);
    /* category filter takes children */
    q.category = "utilities";
    assert_int_equal(store_case_list(d, &w, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 2);
    json_decref(o);
    q.category = NULL;
    /* paging */
    q.limit = 2;
    assert_int_equal(store_case_list(d, &w, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 2);
    assert_int_equal(next, open);
    json_decref(o);
    q.after = next;
    assert_int_equal(store_case_list(d, &w, &q, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 1);
    assert_int_equal(next, 0);
    json_decref(o);

    /* nearby: other residents never see the dispute, and only a reduced row */
    struct case_actor r = who(RES);
    assert_int_equal(store_case_nearby(d, &r2, "dispute", 49.590, 117.430, 200, 20, &o), 0);
    assert_int_equal(json_array_size(o), 0);
    json_decref(o);
    assert_int_equal(store_case_nearby(d, &r, "dispute", 49.590, 117.430, 200, 20, &o), 0);
    assert_int_equal(json_array_size(o), 1);
    json_decref(o);
    assert_int_equal(
        store_case_nearby(d, &r2, "utilities.heating_cold", 49.590, 117.430, 200, 20, &o), 0);
    assert_int_equal(json_array_size(o), 2);
    assert_null(json_object_get(json_array_get(o, 0), "description"));
    json_decref(o);
    assert_int_equal(
        store_case_nearby(d, &w, "utilities.heating_cold", 49.600, 117.450, 200, 20, &o), 0);
    assert_int_equal(json_array_size(o), 0); /* about 1.8 km away */
    json_decref(o);

    /* worker queue: assigned to me, by deadline; overdue later */
    assert_int_equal(act(d, WORKER, open, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(act(d, WORKER, other, CASE_REGISTER, NULL, NOW + HOUR), 0);
    struct case_query mine = {.assignee_me = 1, .sort = CASE_SORT_DEADLINE, .limit = 50};
    struct case_actor w2 = who(WORKER2);
    assert_int_equal(store_case_list(d, &w, &mine, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 1);
    assert_true(json_integer_value(json_object_get(json_array_get(o, 0), "time_left_minutes")) > 0);
    json_decref(o);
    assert_int_equal(store_case_list(d, &w2, &mine, NOW, &o, &next), 0);
    assert_int_equal(json_array_size(o), 1);
    json_decref(o);
    struct case_query late = {.overdue = 1, .limit = 50};
    assert_int_equal(store_case_list(d, &w, &late, NOW + 3 * DAY, &o, &next), 0);
    assert_int_equal(json_array_size(o), 2);
    assert_true(json_integer_value(json_object_get(json_array_get(o, 0), "time_left_minutes")) < 0);
    json_decref(o);
}

static void test_extensions_and_merge(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    int64_t dl = q1(d, "SELECT deadline FROM cases WHERE id = $1", id);
    struct case_actor w = who(WORKER), c = who(CHIEF);
    gg_err err;
    struct case_act req = {.action = CASE_EXTEND_REQUEST, .note = "需等待配件", .hours = 7};
    struct case_act app = {.action = CASE_EXTEND_APPROVE, .note = "同意"};
    assert_int_equal(store_case_act(d, &c, id, &app, NOW, &err), GG_ECONFLICT);
    req.hours = 0;
    assert_int_equal(store_case_act(d, &w, id, &req, NOW, &err), GG_EINVAL);
    req.hours = 7;
    assert_int_equal(store_case_act(d, &c, id, &req, NOW, &err), GG_EFORBIDDEN);
    assert_int_equal(store_case_act(d, &w, id, &req, NOW, &err), 0);
    assert_int_equal(store_case_act(d, &w, id, &req, NOW, &err), GG_ECONFLICT);
    assert_int_equal(store_case_act(d, &w, id, &app, NOW, &err), GG_EFORBIDDEN);
    app.hours = 8;
    assert_int_equal(store_case_act(d, &c, id, &app, NOW, &err), GG_ERULE);
    app.hours = 0;
    assert_int_equal(store_case_act(d, &c, id, &app, NOW, &err), 0);
    /* one working day later: Wednesday 09:00 → Thursday 09:00 */
    assert_int_equal(q1(d, "SELECT deadline FROM cases WHERE id = $1", id), dl + DAY);
    assert_int_equal(q1(d, "SELECT extended_hours FROM cases WHERE id = $1", id), 7);
    struct case_act rej = {.action = CASE_EXTEND_REJECT, .note = "不同意"};
    assert_int_equal(store_case_act(d, &c, id, &rej, NOW, &err), GG_ECONFLICT);
    assert_int_equal(store_case_act(d, &w, id, &req, NOW, &err), 0);
    assert_int_equal(store_case_act(d, &c, id, &rej, NOW, &err), 0);
    assert_int_equal(q1(d, "SELECT deadline FROM cases WHERE id = $1", id), dl + DAY);
    assert_string_equal(state_of(d, id), "dispatched");

    /* merge a duplicate report into the original */
    int64_t dup = file_home(d, RES2, "utilities.heating_cold", NOW);
    struct case_act m = {.action = CASE_MERGE, .into = dup};
    assert_int_equal(store_case_act(d, &w, dup, &m, NOW, &err), GG_ERULE);
    m.into = 999;
    assert_int_equal(store_case_act(d, &w, dup, &m, NOW, &err), GG_ERULE);
    m.into = id;
    struct case_actor r2 = who(RES2);
    assert_int_equal(store_case_act(d, &r2, dup, &m, NOW, &err), GG_EFORBIDDEN);
    assert_int_equal(store_case_act(d, &w, dup, &m, NOW, &err), 0);
    assert_string_equal(state_of(d, dup), "cancelled");
    assert_int_equal(q1(d, "SELECT merged_into FROM cases WHERE id = $1", dup), id);
    json_t *o;
    assert_int_equal(store_case_get(d, &w, id, NOW, &o), 0);
    assert_int_equal(json_array_size(json_object_get(o, "duplicates")), 1);
    json_decref(o);
    /* nothing merges into a cancelled case */
    int64_t third = file_home(d, RES2, "utilities.heating_cold", NOW);
    m.into = dup;
    assert_int_equal(store_case_act(d, &w, third, &m, NOW, &err), GG_ERULE);
}

static void test_overdue_escalation(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW), 0);
    int64_t dl = q1(d, "SELECT deadline FROM cases WHERE id = $1", id); /* Wed 09:00 */
    int n = -1;
    assert_int_equal(store_cases_escalate_overdue(d, dl, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_cases_escalate_overdue(d, dl + 60, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(q1(d, "SELECT overdue FROM cases WHERE id = $1", id), 1);
    assert_int_equal(q1(d, "SELECT escalation FROM cases WHERE id = $1", id), 1);
    int64_t v = q1(d, "SELECT version FROM cases WHERE id = $1", id);
    assert_int_equal(store_cases_escalate_overdue(d, dl + 2 * HOUR, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(q1(d, "SELECT version FROM cases WHERE id = $1", id), v);
    /* one working day late (Thursday 09:00): the community */
    assert_int_equal(store_cases_escalate_overdue(d, dl + DAY, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(q1(d, "SELECT escalation FROM cases WHERE id = $1", id), 2);
    /* three working days late (next Monday 09:00, over the weekend): the street */
    assert_int_equal(store_cases_escalate_overdue(d, dl + 2 * DAY, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_cases_escalate_overdue(d, dl + 5 * DAY, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_cases_escalate_overdue(d, dl + 9 * DAY, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(
        q1(d, "SELECT COUNT(*) FROM case_log WHERE case_id = $1 AND action = 'escalate'", id), 3);
    char buf[128];
    assert_string_equal(text1(d,
                              "SELECT detail FROM case_log WHERE case_id = $1 AND action ="
                              " 'escalate' ORDER BY id DESC",
                              id, buf, sizeof(buf)),
                        "{\"level\":3,\"place\":\"150781004\",\"to\":\"street\"}");
    /* a case far past its deadline at the first sweep gets all three rows at once */
    int64_t id2 = file_home(d, RES2, "utilities.outage", NOW);
    assert_int_equal(act(d, WORKER, id2, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(store_cases_escalate_overdue(d, NOW + 30 * DAY, &n), 0);
    assert_int_equal(n, 3);
    /* late closure is 超时 */
    assert_int_equal(act(d, WORKER, id, CASE_HANDLE, "已修复", dl + 10 * DAY), 0);
    assert_int_equal(act(d, CHIEF, id, CASE_VERIFY, NULL, dl + 10 * DAY), 0);
    assert_string_equal(text1(d, "SELECT closure FROM cases WHERE id = $1", id, buf, sizeof(buf)),
                        "overdue");
    /* a special closure needs a reason and staff */
    assert_int_equal(act(d, WORKER2, id2, CASE_ACCEPT, NULL, NOW), 0);
    assert_int_equal(act(d, WORKER2, id2, CASE_HANDLE, "已恢复供水", NOW + 40 * DAY), 0);
    struct case_actor c = who(CHIEF);
    gg_err err;
    struct case_act sp = {.action = CASE_VERIFY, .special = 1};
    assert_int_equal(store_case_act(d, &c, id2, &sp, NOW + 40 * DAY, &err), GG_EINVAL);
    sp.note = "市政管网抢修，经批准特殊结案";
    assert_int_equal(store_case_act(d, &c, id2, &sp, NOW + 40 * DAY, &err), 0);
    assert_string_equal(text1(d, "SELECT closure FROM cases WHERE id = $1", id2, buf, sizeof(buf)),
                        "special");
}

static void test_reopen_pauses_clock(void **state)
{
    db *d = *state;
    int64_t id = file_home(d, RES, "utilities.heating_cold", NOW);
    assert_int_equal(act(d, WORKER, id, CASE_REGISTER, NULL, NOW), 0);
    assert_int_equal(act(d, WORKER, id, CASE_ACCEPT, NULL, NOW), 0);
    int64_t dl = q1(d, "SELECT deadline FROM cases WHERE id = $1", id);
    assert_int_equal(act(d, WORKER, id, CASE_HANDLE, "已处理", NOW + HOUR), 0);
    /* the reporter is not satisfied: back to the same worker, the wait not counted */
    assert_int_equal(act(d, RES, id, CASE_REOPEN, NULL, NOW + 3 * HOUR), GG_EINVAL);
    assert_int_equal(act(d, RES, id, CASE_REOPEN, "还是不热", NOW + 3 * HOUR), 0);
    assert_string_equal(state_of(d, id), "dispatched");
    assert_int_equal(q1(d, "SELECT assignee_staff_id FROM cases WHERE id = $1", id), 11);
    assert_int_equal(q1(d, "SELECT reopened FROM cases WHERE id = $1", id), 1);
    /* 10:00 → 12:00 Monday is two working hours */
    assert_int_equal(q1(d, "SELECT deadline FROM cases WHERE id = $1", id), dl + 2 * HOUR);
    struct case_actor w = who(WORKER);
    json_t *o;
    assert_int_equal(store_case_get(d, &w, id, NOW + 3 * HOUR, &o), 0);
    json_t *acts = json_object_get(o, "actions");
    int has_accept = 0;
    for (size_t i = 0; i < json_array_size(acts); i++)
        has_accept |= strcmp(json_string_value(json_array_get(acts, i)), "accept") == 0;
    assert_true(has_accept);
    json_decref(o);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_categories_seeded),
        T(test_category_edit),
        T(test_full_cycle),
        T(test_refusals_change_nothing),
        T(test_race_conditional_update),
        T(test_return_and_dispatch),
        T(test_staff_reports_and_points),
        T(test_private_and_lists),
        T(test_extensions_and_merge),
        T(test_overdue_escalation),
        T(test_reopen_pauses_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
