/*
 * test_case_flow.c — the case workflow table, checked cell by cell: every
 * state × every action × every role × (assignee, reporter) against the
 * expectation written out below by hand from DESIGN.md, not computed from
 * case_flow.c. Also reasons, closures and names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "case_flow.h"

/* If authz.h gains a role, the WHO table below must gain a column. */
_Static_assert(ROLE_COUNT_ == 9, "new role: extend the WHO table in test_case_flow.c");
_Static_assert(CASE_STATE_COUNT_ == 9, "new state: extend the NEXT table");
_Static_assert(CASE_ACTION_COUNT_ == 16, "new action: extend the NEXT and WHO tables");

#define NSTATES (CASE_STATE_COUNT_ - 1)
#define NACTIONS (CASE_ACTION_COUNT_ - 1)
#define NROLES (CASE_ROLE_COUNT_) /* none .. auditor, system */

/* Abbreviations for the expectation tables. */
#define __ CASE_STATE_NONE
#define RP CASE_REPORTED
#define RG CASE_REGISTERED
#define DS CASE_DISPATCHED
#define AC CASE_ACCEPTED
#define HD CASE_HANDLED
#define CL CASE_CLOSED
#define RT CASE_RATED
#define CN CASE_CANCELLED

/*
 * Next state, by action (rows) and current state (columns). __: refused
 * with 409 whoever asks.
 */
/* clang-format off */
static const enum case_state NEXT[NACTIONS][NSTATES] = {
    /*                  reported registered dispatched accepted handled closed rated cancelled */
    /* register       */ {RG, __, __, __, __, __, __, __},
    /* cancel         */ {CN, __, __, __, __, __, __, __},
    /* dispatch       */ {__, DS, __, __, __, __, __, __},
    /* accept         */ {__, __, AC, __, __, __, __, __},
    /* return         */ {__, __, RG, __, __, __, __, __},
    /* handle         */ {__, __, __, HD, __, __, __, __},
    /* verify         */ {__, __, __, __, CL, __, __, __},
    /* reopen         */ {__, __, __, __, DS, __, __, __},
    /* rate           */ {__, __, __, __, __, RT, __, __},
    /* extend_request */ {__, __, DS, AC, __, __, __, __},
    /* extend_approve */ {__, __, DS, AC, __, __, __, __},
    /* extend_reject  */ {__, __, DS, AC, __, __, __, __},
    /* escalate       */ {__, __, DS, AC, __, __, __, __},
    /* merge          */ {CN, CN, __, __, __, __, __, __},
    /* supervise      */ {RP, RG, DS, AC, HD, __, __, __},
};

/*
 * Who may, by action (rows) and role (columns):
 *   '-' nobody of this role        'Y' anyone of this role
 *   'A' only as the assignee       'R' only as the reporter
 *   'S' anyone of this role except the assignee (no judging one's own work)
 *   'r' only as the reporter, and not as the assignee
 */
static const char *const WHO[NACTIONS] = {
    /*                   none city street community chief worker dept resident auditor system */
    /* register       */ "-YYYYY---Y",
    /* cancel         */ "-YYYYY-R--",
    /* dispatch       */ "-YYYY----Y",
    /* accept         */ "----AAA---",
    /* return         */ "----AAA---",
    /* handle         */ "----AAA---",
    /* verify         */ "-SSSS--r--",
    /* reopen         */ "-SSSS--r--",
    /* rate           */ "-------R-Y",
    /* extend_request */ "----AAA---",
    /* extend_approve */ "-SSSS-----",
    /* extend_reject  */ "-SSSS-----",
    /* escalate       */ "-YYYY----Y",
    /* merge          */ "-YYYYY----",
    /* supervise      */ "-YYY------",
};
/* clang-format on */

static int who_allows(char c, int assignee, int reporter)
{
    switch (c) {
    case 'Y':
        return 1;
    case 'A':
        return assignee;
    case 'R':
        return reporter;
    case 'S':
        return !assignee;
    case 'r':
        return reporter && !assignee;
    default:
        return 0;
    }
}

static void test_table_complete(void **state)
{
    (void)state;
    for (int a = 0; a < NACTIONS; a++)
        assert_int_equal(strlen(WHO[a]), NROLES);
    assert_int_equal(CASE_ROLE_SYSTEM, NROLES - 1);
}

/* The heart of it: 8 states × 15 actions × 10 roles × 4 flag combinations. */
static void test_every_cell(void **state)
{
    (void)state;
    int checked = 0, allowed = 0;
    for (int s = 1; s <= NSTATES; s++) {
        for (int a = 1; a <= NACTIONS; a++) {
            for (int r = 0; r < NROLES; r++) {
                for (int f = 0; f < 4; f++) {
                    int asg = f & 1, rep = (f >> 1) & 1;
                    enum case_state want = NEXT[a - 1][s - 1];
                    enum case_state to = (enum case_state)99;
                    gg_err err = {{0}};
                    int rc = case_transition((enum case_state)s, (enum case_action)a, (enum role)r,
                                             asg, rep, &to, &err);
                    if (want == CASE_STATE_NONE) {
                        if (rc != GG_ECONFLICT)
                            fail_msg("state %s action %s role %d a=%d r=%d: want 409, got %d",
                                     case_state_name((enum case_state)s),
                                     case_action_name((enum case_action)a), r, asg, rep, rc);
                        assert_int_equal(to, 99);
                    } else if (who_allows(WHO[a - 1][r], asg, rep)) {
                        if (rc != 0)
                            fail_msg("state %s action %s role %d a=%d r=%d: want ok, got %d (%s)",
                                     case_state_name((enum case_state)s),
                                     case_action_name((enum case_action)a), r, asg, rep, rc,
                                     err.msg);
                        assert_int_equal(to, want);
                        allowed++;
                    } else {
                        if (rc != GG_EFORBIDDEN)
                            fail_msg("state %s action %s role %d a=%d r=%d: want 403, got %d",
                                     case_state_name((enum case_state)s),
                                     case_action_name((enum case_action)a), r, asg, rep, rc);
                        assert_int_equal(to, 99);
                        assert_string_equal(err.field, "action");
                        assert_true(err.msg[0] != '\0');
                    }
                    checked++;
                }
            }
        }
    }
    assert_int_equal(checked, 8 * 15 * 10 * 4);
    assert_true(allowed > 0);
}

/* case_actions_allowed is the same table seen from the UI. */
static void test_actions_allowed(void **state)
{
    (void)state;
    for (int s = 1; s <= NSTATES; s++)
        for (int r = 0; r < NROLES; r++)
            for (int f = 0; f < 4; f++) {
                unsigned want = 0;
                for (int a = 1; a <= NACTIONS; a++)
                    if (NEXT[a - 1][s - 1] != CASE_STATE_NONE &&
                        who_allows(WHO[a - 1][r], f & 1, (f >> 1) & 1))
                        want |= 1u << a;
                assert_int_equal(
                    case_actions_allowed((enum case_state)s, (enum role)r, f & 1, (f >> 1) & 1),
                    want);
            }
    /* Spot checks a reader can verify at a glance. */
    assert_int_equal(case_actions_allowed(CASE_DISPATCHED, ROLE_GRID_WORKER, 1, 0),
                     (1u << CASE_ACCEPT) | (1u << CASE_RETURN) | (1u << CASE_EXTEND_REQUEST));
    assert_int_equal(case_actions_allowed(CASE_CLOSED, ROLE_RESIDENT, 0, 1), 1u << CASE_RATE);
    assert_int_equal(case_actions_allowed(CASE_RATED, ROLE_CITY_ADMIN, 0, 0), 0);
    assert_int_equal(case_actions_allowed(CASE_CANCELLED, CASE_ROLE_SYSTEM, 0, 0), 0);
    assert_int_equal(case_actions_allowed(CASE_HANDLED, ROLE_AUDITOR, 1, 1), 0);
}

/* The seven steps end to end, with a reopen and a return on the way. */
static void test_happy_path(void **state)
{
    (void)state;
    static const struct {
        enum case_action act;
        enum role who;
        int asg, rep;
        enum case_state to;
    } steps[] = {
        {CASE_REGISTER, CASE_ROLE_SYSTEM, 0, 0, CASE_REGISTERED},
        {CASE_DISPATCH, ROLE_GRID_CHIEF, 0, 0, CASE_DISPATCHED},
        {CASE_RETURN, ROLE_DEPT_HANDLER, 1, 0, CASE_REGISTERED},
        {CASE_DISPATCH, CASE_ROLE_SYSTEM, 0, 0, CASE_DISPATCHED},
        {CASE_ACCEPT, ROLE_GRID_WORKER, 1, 0, CASE_ACCEPTED},
        {CASE_EXTEND_REQUEST, ROLE_GRID_WORKER, 1, 0, CASE_ACCEPTED},
        {CASE_EXTEND_APPROVE, ROLE_GRID_CHIEF, 0, 0, CASE_ACCEPTED},
        {CASE_HANDLE, ROLE_GRID_WORKER, 1, 0, CASE_HANDLED},
        {CASE_REOPEN, ROLE_RESIDENT, 0, 1, CASE_DISPATCHED},
        {CASE_ACCEPT, ROLE_GRID_WORKER, 1, 0, CASE_ACCEPTED},
        {CASE_HANDLE, ROLE_GRID_WORKER, 1, 0, CASE_HANDLED},
        {CASE_VERIFY, ROLE_COMMUNITY_ADMIN, 0, 0, CASE_CLOSED},
        {CASE_RATE, ROLE_RESIDENT, 0, 1, CASE_RATED},
    };
    enum case_state s = CASE_REPORTED;
    for (size_t i = 0; i < GG_ARRAY_LEN(steps); i++) {
        enum case_state to;
        assert_int_equal(
            case_transition(s, steps[i].act, steps[i].who, steps[i].asg, steps[i].rep, &to, NULL),
            0);
        assert_int_equal(to, steps[i].to);
        s = to;
    }
    assert_false(case_state_is_open(s));
}

static void test_messages(void **state)
{
    (void)state;
    gg_err err = {{0}};
    enum case_state to;
    /* 409 names the state and the action. */
    assert_int_equal(case_transition(CASE_ACCEPTED, CASE_ACCEPT, ROLE_GRID_WORKER, 1, 0, &to, &err),
                     GG_ECONFLICT);
    assert_non_null(strstr(err.msg, "accepted"));
    assert_non_null(strstr(err.msg, "accept"));
    assert_int_equal(case_transition(CASE_RATED, CASE_REOPEN, ROLE_CITY_ADMIN, 0, 0, &to, &err),
                     GG_ECONFLICT);
    assert_non_null(strstr(err.msg, "rated"));
    assert_non_null(strstr(err.msg, "reopen"));
    /* 403 says what would have been needed. */
    assert_int_equal(
        case_transition(CASE_DISPATCHED, CASE_ACCEPT, ROLE_GRID_WORKER, 0, 0, &to, &err),
        GG_EFORBIDDEN);
    assert_non_null(strstr(err.msg, "assignee"));
    assert_int_equal(case_transition(CASE_CLOSED, CASE_RATE, ROLE_RESIDENT, 0, 0, &to, &err),
                     GG_EFORBIDDEN);
    assert_non_null(strstr(err.msg, "reporter"));
    assert_int_equal(case_transition(CASE_HANDLED, CASE_VERIFY, ROLE_GRID_CHIEF, 1, 0, &to, &err),
                     GG_EFORBIDDEN);
    assert_non_null(strstr(err.msg, "own"));
    assert_int_equal(case_transition(CASE_REGISTERED, CASE_DISPATCH, ROLE_AUDITOR, 0, 0, &to, &err),
                     GG_EFORBIDDEN);
    assert_non_null(strstr(err.msg, "auditor"));
    /* A NULL err is fine. */
    assert_int_equal(case_transition(CASE_RATED, CASE_RATE, ROLE_RESIDENT, 0, 1, &to, NULL),
                     GG_ECONFLICT);
}

static void test_invalid(void **state)
{
    (void)state;
    gg_err err = {{0}};
    enum case_state to = CASE_REPORTED;
    assert_int_equal(
        case_transition(CASE_STATE_NONE, CASE_REGISTER, ROLE_CITY_ADMIN, 0, 0, &to, &err),
        GG_EINVAL);
    assert_string_equal(err.field, "state");
    assert_int_equal(
        case_transition(CASE_STATE_COUNT_, CASE_REGISTER, ROLE_CITY_ADMIN, 0, 0, &to, &err),
        GG_EINVAL);
    assert_int_equal(
        case_transition(CASE_REPORTED, CASE_ACTION_NONE, ROLE_CITY_ADMIN, 0, 0, &to, &err),
        GG_EINVAL);
    assert_string_equal(err.field, "action");
    assert_int_equal(
        case_transition(CASE_REPORTED, CASE_ACTION_COUNT_, ROLE_CITY_ADMIN, 0, 0, &to, &err),
        GG_EINVAL);
    assert_int_equal(
        case_transition(CASE_REPORTED, CASE_REGISTER, (enum role)CASE_ROLE_COUNT_, 0, 0, &to, &err),
        GG_EINVAL);
    assert_string_equal(err.field, "role");
    assert_int_equal(
        case_transition(CASE_REPORTED, CASE_REGISTER, (enum role) - 1, 0, 0, &to, &err), GG_EINVAL);
    assert_int_equal(to, CASE_REPORTED);
    assert_int_equal(case_actions_allowed(CASE_STATE_NONE, ROLE_CITY_ADMIN, 0, 0), 0);
}

static void test_reasons(void **state)
{
    (void)state;
    /* Exactly these actions need a reason. */
    static const int needs[NACTIONS] = {
        /* register */ 0,       /* cancel */ 1,         /* dispatch */ 0,
        /* accept */ 0,         /* return */ 1,
        /* handle */ 0,         /* verify */ 0,         /* reopen */ 1,
        /* rate */ 0,           /* extend_request */ 1,
        /* extend_approve */ 1, /* extend_reject */ 1,  /* escalate */ 0,
        /* merge */ 0,
        /* supervise */ 1,
    };
    for (int a = 1; a <= NACTIONS; a++)
        assert_int_equal(!!case_action_needs_reason((enum case_action)a), needs[a - 1]);
    assert_false(case_action_needs_reason(CASE_ACTION_NONE));
    assert_false(case_action_needs_reason(CASE_ACTION_COUNT_));
}

static void test_closures(void **state)
{
    (void)state;
    for (int a = 1; a <= NACTIONS; a++) {
        enum case_closure want = a == CASE_CANCEL  ? CASE_CLOSURE_CANCELLED
                                 : a == CASE_MERGE ? CASE_CLOSURE_MERGED
                                                   : CASE_CLOSURE_NONE;
        assert_int_equal(case_action_closure((enum case_action)a), want);
    }
    assert_int_equal(case_action_closure(CASE_ACTION_COUNT_), CASE_CLOSURE_NONE);

    int64_t dl = 1750000000;
    assert_int_equal(case_closure_type(dl - 3600, dl, 0), CASE_CLOSURE_NORMAL);
    assert_int_equal(case_closure_type(dl, dl, 0), CASE_CLOSURE_NORMAL); /* on the second */
    assert_int_equal(case_closure_type(dl + 1, dl, 0), CASE_CLOSURE_OVERDUE);
    assert_int_equal(case_closure_type(dl + 1, dl, 1), CASE_CLOSURE_SPECIAL);
    assert_int_equal(case_closure_type(dl - 1, dl, 1), CASE_CLOSURE_SPECIAL);
    assert_int_equal(case_closure_type(dl, 0, 0), CASE_CLOSURE_NORMAL); /* no deadline */
}

static void test_state_predicates(void **state)
{
    (void)state;
    static const int open[NSTATES] = {1, 1, 1, 1, 1, 0, 0, 0};
    static const int clock[NSTATES] = {0, 0, 1, 1, 0, 0, 0, 0};
    for (int s = 1; s <= NSTATES; s++) {
        assert_int_equal(!!case_state_is_open((enum case_state)s), open[s - 1]);
        assert_int_equal(!!case_state_clock_runs((enum case_state)s), clock[s - 1]);
    }
    assert_false(case_state_is_open(CASE_STATE_NONE));
    assert_false(case_state_is_open(CASE_STATE_COUNT_));
}

static void test_names(void **state)
{
    (void)state;
    static const char *const snames[NSTATES] = {"reported", "registered", "dispatched",
                                                "accepted", "handled",    "closed",
                                                "rated",    "cancelled"};
    static const char *const slabels[NSTATES] = {"已上报", "已立案", "已派遣", "处置中",
                                                 "已处置", "已结案", "已评价", "已作废"};
    static const char *const anames[NACTIONS] = {
        "register",       "cancel",        "dispatch", "accept", "return",
        "handle",         "verify",        "reopen",   "rate",   "extend_request",
        "extend_approve", "extend_reject", "escalate", "merge",  "supervise"};
    for (int s = 1; s <= NSTATES; s++) {
        assert_string_equal(case_state_name((enum case_state)s), snames[s - 1]);
        assert_string_equal(case_state_label((enum case_state)s), slabels[s - 1]);
        assert_int_equal(case_state_parse(snames[s - 1]), s);
    }
    for (int a = 1; a <= NACTIONS; a++) {
        assert_string_equal(case_action_name((enum case_action)a), anames[a - 1]);
        assert_int_equal(case_action_parse(anames[a - 1]), a);
        assert_true(case_action_label((enum case_action)a)[0] != '\0');
    }
    assert_string_equal(case_action_label(CASE_REGISTER), "立案");
    assert_string_equal(case_action_label(CASE_REOPEN), "返工");
    assert_string_equal(case_action_label(CASE_VERIFY), "核查结案");
    for (int c = 1; c < CASE_CLOSURE_COUNT_; c++) {
        const char *n = case_closure_name((enum case_closure)c);
        assert_true(n[0] != '\0');
        assert_int_equal(case_closure_parse(n), c);
    }
    assert_string_equal(case_closure_label(CASE_CLOSURE_NORMAL), "正常");
    assert_string_equal(case_closure_label(CASE_CLOSURE_OVERDUE), "超时");
    assert_string_equal(case_closure_label(CASE_CLOSURE_SPECIAL), "特殊");
    assert_string_equal(case_closure_name(CASE_CLOSURE_MERGED), "merged");

    /* Unknown, empty, NULL, near misses and out of range. */
    assert_int_equal(case_state_parse("Closed"), CASE_STATE_NONE);
    assert_int_equal(case_state_parse(""), CASE_STATE_NONE);
    assert_int_equal(case_state_parse(NULL), CASE_STATE_NONE);
    assert_int_equal(case_action_parse("rate "), CASE_ACTION_NONE);
    assert_int_equal(case_action_parse(NULL), CASE_ACTION_NONE);
    assert_int_equal(case_closure_parse("late"), CASE_CLOSURE_NONE);
    assert_int_equal(case_closure_parse(NULL), CASE_CLOSURE_NONE);
    assert_string_equal(case_state_name(CASE_STATE_NONE), "");
    assert_string_equal(case_state_name(CASE_STATE_COUNT_), "");
    assert_string_equal(case_state_label(CASE_STATE_COUNT_), "");
    assert_string_equal(case_action_name(CASE_ACTION_COUNT_), "");
    assert_string_equal(case_action_label(CASE_ACTION_NONE), "");
    assert_string_equal(case_closure_name(CASE_CLOSURE_COUNT_), "");
    assert_string_equal(case_closure_label(CASE_CLOSURE_NONE), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_complete),   cmocka_unit_test(test_every_cell),
        cmocka_unit_test(test_actions_allowed),  cmocka_unit_test(test_happy_path),
        cmocka_unit_test(test_messages),         cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_reasons),          cmocka_unit_test(test_closures),
        cmocka_unit_test(test_state_predicates), cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
