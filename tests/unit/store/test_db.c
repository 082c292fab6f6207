/*
 * test_db.c — the SQLite driver behind db.h: numbered placeholders bound by
 * number in any order, the statement cache, transactions, migrations, and
 * the append-only audit log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "migrate.h"
#include "store.h"

static char path[64];

static int setup(void **state)
{
    snprintf(path, sizeof(path), "/tmp/gg-test-db-%d.db", (int)getpid());
    unlink(path);
    db *d;
    gg_err err;
    if (store_open(path, &d, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
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

static void test_placeholders_by_number(void **state)
{
    db *d = *state;
    /* $2 appears before $1: binding must follow the numbers, not the order. */
    db_stmt *s;
    assert_int_equal(db_prepare(d, "SELECT $2 || '-' || $1, $1 + 0", &s), 0);
    assert_int_equal(db_bind_text(s, 1, "7"), 0);
    assert_int_equal(db_bind_text(s, 2, "b"), 0);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "b-7");
    assert_int_equal(db_col_i64(s, 1), 7);
    /* A parameter the statement does not have is refused. */
    assert_int_equal(db_bind_i64(s, 3, 1), GG_EINVAL);
    db_finalize(s);
}

static void test_cache_and_reuse(void **state)
{
    db *d = *state;
    int64_t v;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(db_query_i64(d, "SELECT $1 * 2", &v, "i", (int64_t)i), 0);
        assert_int_equal(v, 2 * i);
    }
    /* The same text prepared twice at once gives two independent statements. */
    db_stmt *a, *b;
    assert_int_equal(db_prepare(d, "SELECT $1", &a), 0);
    assert_int_equal(db_prepare(d, "SELECT $1", &b), 0);
    assert_ptr_not_equal(a, b);
    db_bind_i64(a, 1, 1);
    db_bind_i64(b, 1, 2);
    assert_int_equal(db_step(a), DB_ROW);
    assert_int_equal(db_step(b), DB_ROW);
    assert_int_equal(db_col_i64(a, 0), 1);
    assert_int_equal(db_col_i64(b, 0), 2);
    db_finalize(a);
    db_finalize(b);
    assert_int_equal(db_query_i64(d, "SELECT 1 WHERE 0", &v, ""), GG_ENOTFOUND);
}

static void test_transactions(void **state)
{
    db *d = *state;
    gg_err err;
    assert_int_equal(db_exec(d, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT UNIQUE)", &err), 0);
    assert_int_equal(db_begin_write(d), 0);
    assert_true(db_in_tx(d));
    assert_int_equal(db_run(d, "INSERT INTO t (v) VALUES ($1)", NULL, "t", "a"), DB_DONE);
    assert_int_equal(db_rollback(d), 0);
    assert_false(db_in_tx(d));
    int64_t n;
    assert_int_equal(db_query_i64(d, "SELECT COUNT(*) FROM t", &n, ""), 0);
    assert_int_equal(n, 0);
    assert_int_equal(db_run(d, "INSERT INTO t (v) VALUES ($1)", NULL, "t", "a"), DB_DONE);
    /* A uniqueness violation is a conflict, not an I/O error. */
    assert_int_equal(db_run(d, "INSERT INTO t (v) VALUES ($1)", NULL, "t", "a"), GG_ECONFLICT);
    /* SQL text in a value is only a value. */
    assert_int_equal(db_run(d, "INSERT INTO t (v) VALUES ($1)", NULL, "t", "x'); DROP TABLE t;--"),
                     DB_DONE);
    assert_int_equal(db_query_i64(d, "SELECT COUNT(*) FROM t", &n, ""), 0);
    assert_int_equal(n, 2);
}

static void test_migrations(void **state)
{
    db *d = *state;
    gg_err err;
    int v = migrate_version(d);
    assert_true(v >= 1);
    assert_int_equal(v, gg_migrations[gg_migration_count - 1].number);
    /* Running them again changes nothing. */
    assert_int_equal(migrate_up(d, &err), 0);
    assert_int_equal(migrate_version(d), v);
}

static void test_audit_append_only(void **state)
{
    db *d = *state;
    assert_int_equal(store_audit(d, 1, "admin", "create", "residents", "1", "150781", "{}"), 0);
    gg_err err;
    assert_int_not_equal(db_exec(d, "UPDATE audit_log SET action = 'x'", &err), 0);
    assert_int_not_equal(db_exec(d, "DELETE FROM audit_log", &err), 0);
    int64_t n;
    assert_int_equal(db_query_i64(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'create'", &n, ""), 0);
    assert_int_equal(n, 1);
}

static void test_sessions(void **state)
{
    db *d = *state;
    struct place_row p = {.code = "150781", .level = 3, .name = "满洲里市", .short_name = "满洲里市",
                          .kind = "county"};
    assert_int_equal(store_place_put(d, &p), 0);
    gg_err err;
    int64_t id;
    assert_int_equal(store_user_add(d, "u1", "short", "city_admin", "150781", "", &id, &err),
                     GG_EINVAL);
    assert_int_equal(store_user_add(d, "u1", "long-enough-pw", "city_admin", "150781", "", &id, &err), 0);
    assert_int_equal(store_user_add(d, "u1", "long-enough-pw", "city_admin", "150781", "", &id, &err),
                     GG_ECONFLICT);
    struct user u;
    assert_int_equal(store_user_check_password(d, "u1", "wrong-password", &u), GG_EAUTH);
    assert_int_equal(store_user_check_password(d, "nobody", "long-enough-pw", &u), GG_EAUTH);
    assert_int_equal(store_user_check_password(d, "u1", "long-enough-pw", &u), 0);
    assert_string_equal(u.role, "city_admin");
    char token[65];
    assert_int_equal(store_session_new(d, u.id, token), 0);
    assert_int_equal(strlen(token), 64);
    struct user v;
    assert_int_equal(store_session_user(d, token, &v), 0);
    assert_int_equal(v.id, u.id);
    /* Only the hash is stored. */
    int64_t n;
    assert_int_equal(db_query_i64(d, "SELECT COUNT(*) FROM sessions WHERE token_hash = $1", &n, "t", token), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_session_end(d, token), 0);
    assert_int_equal(store_session_user(d, token, &v), GG_EAUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_by_number),
        cmocka_unit_test(test_cache_and_reuse),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_migrations),
        cmocka_unit_test(test_audit_append_only),
        cmocka_unit_test(test_sessions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
