/*
 * case_flow.c — the case workflow table. One row per action: the state it
 * moves a case to from each state where it is allowed, who may take it,
 * whether it needs a reason and which closure it sets. Everything else in
 * this file reads that table; changing the workflow means changing a row.
 *
 * Who may act is decided by three role sets per action: roles allowed by
 * rank alone (staff), roles allowed only as the case's assignee, and roles
 * allowed only as its reporter; "not_self" then bars the assignee from
 * judging their own work (verify, reopen, approving their own extension).
 */
#include "case_flow.h"

#include <string.h>

/* One bit per role, the system pseudo-role included. */
#define B(r) (1u << (r))
#define CA B(ROLE_CITY_ADMIN)
#define SA B(ROLE_STREET_ADMIN)
#define CM B(ROLE_COMMUNITY_ADMIN)
#define GC B(ROLE_GRID_CHIEF)
#define GW B(ROLE_GRID_WORKER)
#define DH B(ROLE_DEPT_HANDLER)
#define RS B(ROLE_RESIDENT)
#define SY B(CASE_ROLE_SYSTEM)

/* Staff who triage reports (立案, 作废, 合并). */
#define TRIAGE (CA | SA | CM | GC | GW)
/* Staff who command and check the work (派遣, 核查, 审批延期). */
#define COMMAND (CA | SA | CM | GC)
/* Those who can be assigned a case and do the work. */
#define HANDLERS (GC | GW | DH)

/* clang-format off */
static const struct case_rule {
    const char *name;
    const char *label;
    /* Next state by current state; CASE_STATE_NONE: not allowed from there. */
    enum case_state to[CASE_STATE_COUNT_];
    unsigned staff;    /* roles that may, by role alone */
    unsigned assignee; /* roles that may only as the assignee */
    unsigned reporter; /* roles that may only as the reporter */
    int not_self;      /* the assignee may not, whatever their role */
    int reason;        /* a reason/note is required */
    enum case_closure closure;
} rules[CASE_ACTION_COUNT_] = {
    [CASE_REGISTER] = {"register", "立案",
                       {[CASE_REPORTED] = CASE_REGISTERED},
                       TRIAGE | SY, 0, 0, 0, 0, CASE_CLOSURE_NONE},
    [CASE_CANCEL] = {"cancel", "作废",
                     {[CASE_REPORTED] = CASE_CANCELLED},
                     TRIAGE, 0, RS, 0, 1, CASE_CLOSURE_CANCELLED},
    [CASE_DISPATCH] = {"dispatch", "派遣",
                       {[CASE_REGISTERED] = CASE_DISPATCHED},
                       COMMAND | SY, 0, 0, 0, 0, CASE_CLOSURE_NONE},
    [CASE_ACCEPT] = {"accept", "受理",
                     {[CASE_DISPATCHED] = CASE_ACCEPTED},
                     0, HANDLERS, 0, 0, 0, CASE_CLOSURE_NONE},
    [CASE_RETURN] = {"return", "退回",
                     {[CASE_DISPATCHED] = CASE_REGISTERED},
                     0, HANDLERS, 0, 0, 1, CASE_CLOSURE_NONE},
    [CASE_HANDLE] = {"handle", "处置反馈",
                     {[CASE_ACCEPTED] = CASE_HANDLED},
                     0, HANDLERS, 0, 0, 0, CASE_CLOSURE_NONE},
    [CASE_VERIFY] = {"verify", "核查结案",
                     {[CASE_HANDLED] = CASE_CLOSED},
                     COMMAND, 0, RS, 1, 0, CASE_CLOSURE_NONE},
    [CASE_REOPEN] = {"reopen", "返工",
                     {[CASE_HANDLED] = CASE_DISPATCHED},
                     COMMAND, 0, RS, 1, 1, CASE_CLOSURE_NONE},
    [CASE_RATE] = {"rate", "评价",
                   {[CASE_CLOSED] = CASE_RATED},
                   SY, 0, RS, 0, 0, CASE_CLOSURE_NONE},
    [CASE_EXTEND_REQUEST] = {"extend_request", "申请延期",
                             {[CASE_DISPATCHED] = CASE_DISPATCHED,
                              [CASE_ACCEPTED] = CASE_ACCEPTED},
                             0, HANDLERS, 0, 0, 1, CASE_CLOSURE_NONE},
    [CASE_EXTEND_APPROVE] = {"extend_approve", "批准延期",
                             {[CASE_DISPATCHED] = CASE_DISPATCHED,
                              [CASE_ACCEPTED] = CASE_ACCEPTED},
                             COMMAND, 0, 0, 1, 1, CASE_CLOSURE_NONE},
    [CASE_EXTEND_REJECT] = {"extend_reject", "驳回延期",
                            {[CASE_DISPATCHED] = CASE_DISPATCHED,
                             [CASE_ACCEPTED] = CASE_ACCEPTED},
                            COMMAND, 0, 0, 1, 1, CASE_CLOSURE_NONE},
    [CASE_ESCALATE] = {"escalate", "升级",
                       {[CASE_DISPATCHED] = CASE_DISPATCHED,
                        [CASE_ACCEPTED] = CASE_ACCEPTED},
                       COMMAND | SY, 0, 0, 0, 0, CASE_CLOSURE_NONE},
    [CASE_MERGE] = {"merge", "合并",
                    {[CASE_REPORTED] = CASE_CANCELLED, [CASE_REGISTERED] = CASE_CANCELLED},
                    TRIAGE, 0, 0, 0, 0, CASE_CLOSURE_MERGED},
    [CASE_SUPERVISE] = {"supervise", "督办",
                        {[CASE_REPORTED] = CASE_REPORTED, [CASE_REGISTERED] = CASE_REGISTERED,
                         [CASE_DISPATCHED] = CASE_DISPATCHED, [CASE_ACCEPTED] = CASE_ACCEPTED,
                         [CASE_HANDLED] = CASE_HANDLED},
                        CA | SA | CM, 0, 0, 0, 1, CASE_CLOSURE_NONE},
};
/* clang-format on */

static const struct {
    const char *name;
    const char *label;
} states[CASE_STATE_COUNT_] = {
    [CASE_STATE_NONE] = {"", ""},
    [CASE_REPORTED] = {"reported", "已上报"},
    [CASE_REGISTERED] = {"registered", "已立案"},
    [CASE_DISPATCHED] = {"dispatched", "已派遣"},
    [CASE_ACCEPTED] = {"accepted", "处置中"},
    [CASE_HANDLED] = {"handled", "已处置"},
    [CASE_CLOSED] = {"closed", "已结案"},
    [CASE_RATED] = {"rated", "已评价"},
    [CASE_CANCELLED] = {"cancelled", "已作废"},
};

static const struct {
    const char *name;
    const char *label;
} closures[CASE_CLOSURE_COUNT_] = {
    [CASE_CLOSURE_NONE] = {"", ""},
    [CASE_CLOSURE_NORMAL] = {"normal", "正常"},
    [CASE_CLOSURE_OVERDUE] = {"overdue", "超时"},
    [CASE_CLOSURE_SPECIAL] = {"special", "特殊"},
    [CASE_CLOSURE_CANCELLED] = {"cancelled", "作废"},
    [CASE_CLOSURE_MERGED] = {"merged", "合并"},
};

static int state_ok(enum case_state s)
{
    return s > CASE_STATE_NONE && s < CASE_STATE_COUNT_;
}

static int action_ok(enum case_action a)
{
    return a > CASE_ACTION_NONE && a < CASE_ACTION_COUNT_;
}

/* ROLE_NONE is a valid input that may do nothing (403); beyond the system is a bug (400). */
static int role_ok(enum role r)
{
    return (int)r >= ROLE_NONE && (int)r < CASE_ROLE_COUNT_;
}

static const char *actor_name(enum role r)
{
    if (r == CASE_ROLE_SYSTEM)
        return "system";
    return r == ROLE_NONE ? "none" : role_name(r);
}

/*
 * May this actor take rule ru? Returns 0, or GG_EFORBIDDEN with a message
 * that says what would have made it allowed.
 */
static int actor_may(const struct case_rule *ru, enum role who, int is_assignee, int is_reporter,
                     gg_err *err)
{
    unsigned bit = B(who);
    int allowed = (ru->staff & bit) || ((ru->assignee & bit) && is_assignee) ||
                  ((ru->reporter & bit) && is_reporter);
    if (allowed && ru->not_self && is_assignee)
        return gg_fail(err, GG_EFORBIDDEN, "action", "the assignee may not %s their own case",
                       ru->name);
    if (allowed)
        return 0;
    if (ru->assignee & bit)
        return gg_fail(err, GG_EFORBIDDEN, "action", "only the assignee may %s this case",
                       ru->name);
    if (ru->reporter & bit)
        return gg_fail(err, GG_EFORBIDDEN, "action", "only the reporter may %s this case",
                       ru->name);
    return gg_fail(err, GG_EFORBIDDEN, "action", "role %s may not %s a case", actor_name(who),
                   ru->name);
}

int case_transition(enum case_state from, enum case_action act, enum role who, int is_assignee,
                    int is_reporter, enum case_state *to, gg_err *err)
{
    if (!state_ok(from))
        return gg_fail(err, GG_EINVAL, "state", "unknown case state %d", (int)from);
    if (!action_ok(act))
        return gg_fail(err, GG_EINVAL, "action", "unknown case action %d", (int)act);
    if (!role_ok(who))
        return gg_fail(err, GG_EINVAL, "role", "unknown role %d", (int)who);
    const struct case_rule *ru = &rules[act];
    enum case_state next = ru->to[from];
    if (next == CASE_STATE_NONE)
        return gg_fail(err, GG_ECONFLICT, "action", "case is %s: %s is not allowed",
                       states[from].name, ru->name);
    int rc = actor_may(ru, who, is_assignee, is_reporter, err);
    if (rc < 0)
        return rc;
    *to = next;
    return 0;
}

unsigned case_actions_allowed(enum case_state s, enum role who, int is_assignee, int is_reporter)
{
    unsigned set = 0;
    enum case_state to;
    for (int a = 1; a < CASE_ACTION_COUNT_; a++)
        if (case_transition(s, (enum case_action)a, who, is_assignee, is_reporter, &to, NULL) == 0)
            set |= 1u << a;
    return set;
}

int case_action_needs_reason(enum case_action act)
{
    return action_ok(act) ? rules[act].reason : 0;
}

enum case_closure case_action_closure(enum case_action act)
{
    return action_ok(act) ? rules[act].closure : CASE_CLOSURE_NONE;
}

enum case_closure case_closure_type(int64_t closed_at, int64_t deadline, int special)
{
    if (special)
        return CASE_CLOSURE_SPECIAL;
    if (deadline <= 0 || closed_at <= deadline)
        return CASE_CLOSURE_NORMAL;
    return CASE_CLOSURE_OVERDUE;
}

int case_state_is_open(enum case_state s)
{
    return state_ok(s) && s != CASE_CLOSED && s != CASE_RATED && s != CASE_CANCELLED;
}

int case_state_clock_runs(enum case_state s)
{
    return s == CASE_DISPATCHED || s == CASE_ACCEPTED;
}

const char *case_state_name(enum case_state s)
{
    return state_ok(s) ? states[s].name : "";
}

enum case_state case_state_parse(const char *name)
{
    if (!name)
        return CASE_STATE_NONE;
    for (int s = 1; s < CASE_STATE_COUNT_; s++)
        if (strcmp(states[s].name, name) == 0)
            return (enum case_state)s;
    return CASE_STATE_NONE;
}

const char *case_state_label(enum case_state s)
{
    return state_ok(s) ? states[s].label : "";
}

const char *case_action_name(enum case_action a)
{
    return action_ok(a) ? rules[a].name : "";
}

enum case_action case_action_parse(const char *name)
{
    if (!name)
        return CASE_ACTION_NONE;
    for (int a = 1; a < CASE_ACTION_COUNT_; a++)
        if (strcmp(rules[a].name, name) == 0)
            return (enum case_action)a;
    return CASE_ACTION_NONE;
}

const char *case_action_label(enum case_action a)
{
    return action_ok(a) ? rules[a].label : "";
}

const char *case_closure_name(enum case_closure c)
{
    return c > CASE_CLOSURE_NONE && c < CASE_CLOSURE_COUNT_ ? closures[c].name : "";
}

enum case_closure case_closure_parse(const char *name)
{
    if (!name)
        return CASE_CLOSURE_NONE;
    for (int c = 1; c < CASE_CLOSURE_COUNT_; c++)
        if (strcmp(closures[c].name, name) == 0)
            return (enum case_closure)c;
    return CASE_CLOSURE_NONE;
}

const char *case_closure_label(enum case_closure c)
{
    return c > CASE_CLOSURE_NONE && c < CASE_CLOSURE_COUNT_ ? closures[c].label : "";
}
