/*
 * test_authz.c — the permission matrix, role levels and who may grant which role.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "authz.h"

static void test_role_names(void **state)
{
    (void)state;
    for (int r = 1; r < ROLE_COUNT_; r++) {
        assert_int_equal(role_parse(role_name((enum role)r)), r);
        assert_true(role_label((enum role)r)[0] != '\0');
    }
    assert_int_equal(role_parse("root"), ROLE_NONE);
    assert_int_equal(role_parse(""), ROLE_NONE);
    assert_int_equal(role_parse(NULL), ROLE_NONE);
}

static void test_matrix(void **state)
{
    (void)state;
    assert_true(authz_allowed(ROLE_CITY_ADMIN, "residents", ACT_READ | ACT_CREATE | ACT_UPDATE));
    assert_true(authz_allowed(ROLE_GRID_WORKER, "residents", ACT_READ | ACT_CREATE));
    assert_true(authz_allowed(ROLE_GRID_WORKER, "residents", ACT_REVEAL_PHONE));
    assert_false(authz_allowed(ROLE_GRID_WORKER, "residents", ACT_REVEAL_ID));
    assert_false(authz_allowed(ROLE_GRID_WORKER, "estates", ACT_CREATE));
    assert_false(authz_allowed(ROLE_RESIDENT, "residents", ACT_READ));
    assert_false(authz_allowed(ROLE_DEPT_HANDLER, "households", ACT_READ));
    assert_true(authz_allowed(ROLE_DEPT_HANDLER, "places", ACT_READ));
    assert_true(authz_allowed(ROLE_AUDITOR, "audit", ACT_READ));
    assert_false(authz_allowed(ROLE_AUDITOR, "residents", ACT_CREATE));
    assert_false(authz_allowed(ROLE_AUDITOR, "residents", ACT_UPDATE));
    assert_false(authz_allowed(ROLE_GRID_CHIEF, "audit", ACT_READ));
    /* Unknown resources and the empty role allow nothing. */
    assert_false(authz_allowed(ROLE_CITY_ADMIN, "nonsense", ACT_READ));
    assert_false(authz_allowed(ROLE_NONE, "places", ACT_READ));
    assert_false(authz_allowed(ROLE_COUNT_, "places", ACT_READ));
}

static void test_levels(void **state)
{
    (void)state;
    int lo, hi;
    assert_int_equal(authz_role_levels(ROLE_STREET_ADMIN, &lo, &hi), 0);
    assert_int_equal(lo, 4);
    assert_int_equal(hi, 4);
    assert_int_equal(authz_role_levels(ROLE_GRID_WORKER, &lo, &hi), 0);
    assert_int_equal(lo, 6);
    assert_int_not_equal(authz_role_levels(ROLE_NONE, &lo, &hi), 0);
}

static void test_grant(void **state)
{
    (void)state;
    /* Inside the area and no higher than oneself. */
    assert_true(authz_may_grant(ROLE_CITY_ADMIN, "150781", ROLE_STREET_ADMIN, "150781004"));
    assert_true(authz_may_grant(ROLE_STREET_ADMIN, "150781004", ROLE_COMMUNITY_ADMIN,
                                "150781004004"));
    assert_true(authz_may_grant(ROLE_COMMUNITY_ADMIN, "150781004004", ROLE_GRID_WORKER,
                                "150781004004001"));
    /* Outside the area. */
    assert_false(authz_may_grant(ROLE_STREET_ADMIN, "150781004", ROLE_COMMUNITY_ADMIN,
                                 "150781002001"));
    /* Higher than oneself. */
    assert_false(authz_may_grant(ROLE_COMMUNITY_ADMIN, "150781004004", ROLE_CITY_ADMIN,
                                 "150781004004"));
    assert_false(authz_may_grant(ROLE_STREET_ADMIN, "150781004", ROLE_AUDITOR, "150781004"));
    /* A role at a place of the wrong level. */
    assert_false(authz_may_grant(ROLE_CITY_ADMIN, "150781", ROLE_GRID_WORKER, "150781004004"));
    assert_false(authz_may_grant(ROLE_CITY_ADMIN, "150781", ROLE_STREET_ADMIN, "150781004004"));
    /* Roles without user administration grant nothing. */
    assert_false(authz_may_grant(ROLE_GRID_CHIEF, "150781004004", ROLE_GRID_WORKER,
                                 "150781004004001"));
    assert_true(authz_may_grant(ROLE_CITY_ADMIN, "150781", ROLE_AUDITOR, "150781"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_grant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
