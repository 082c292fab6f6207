/*
 * case_flow.h — the seven-step case workflow (信息收集 → 立案 → 派遣 → 处置 →
 * 反馈 → 核查结案 → 评价) as one table: which action moves a case from which
 * state to which, who may take it, and whether it needs a reason.
 *
 * Pure rules, no I/O. The store calls case_transition() inside the same
 * transaction that writes the new state and the case-log row; a refusal
 * (409 or 403) must change nothing.
 */
#ifndef GG_CASE_FLOW_H
#define GG_CASE_FLOW_H

#include <stdint.h>

#include "authz.h"
#include "gg.h"

/* States. Stored and exchanged by name (case_state_name), never by number. */
enum case_state {
    CASE_STATE_NONE = 0,
    CASE_REPORTED,   /* 已上报: filed by a resident, a worker or Open311 */
    CASE_REGISTERED, /* 已立案: accepted as a case, waiting for dispatch */
    CASE_DISPATCHED, /* 已派遣: sent to a worker or department; clock runs */
    CASE_ACCEPTED,   /* 处置中: the assignee has taken it on; clock runs */
    CASE_HANDLED,    /* 已处置: result reported, waiting for verification */
    CASE_CLOSED,     /* 已结案: verified */
    CASE_RATED,      /* 已评价: rated by the reporter or automatically (final) */
    CASE_CANCELLED,  /* 已作废: cancelled or merged into another case (final) */
    CASE_STATE_COUNT_
};

/* Actions. Exchanged by name (case_action_name). */
enum case_action {
    CASE_ACTION_NONE = 0,
    CASE_REGISTER,       /* 立案: reported → registered */
    CASE_CANCEL,         /* 作废: reported → cancelled (reason) */
    CASE_DISPATCH,       /* 派遣: registered → dispatched */
    CASE_ACCEPT,         /* 受理: dispatched → accepted */
    CASE_RETURN,         /* 退回: dispatched → registered (reason) */
    CASE_HANDLE,         /* 处置反馈: accepted → handled */
    CASE_VERIFY,         /* 核查结案: handled → closed */
    CASE_REOPEN,         /* 返工: handled → dispatched, same assignee (reason) */
    CASE_RATE,           /* 评价: closed → rated */
    CASE_EXTEND_REQUEST, /* 申请延期: dispatched/accepted, unchanged (reason) */
    CASE_EXTEND_APPROVE, /* 批准延期: dispatched/accepted, unchanged (reason) */
    CASE_EXTEND_REJECT,  /* 驳回延期: dispatched/accepted, unchanged (reason) */
    CASE_ESCALATE,       /* 升级: dispatched/accepted, unchanged */
    CASE_MERGE,          /* 合并: reported/registered → cancelled, closure merged */
    CASE_SUPERVISE,      /* 督办: any open state, unchanged (reason) */
    CASE_ACTION_COUNT_
};

/*
 * The system itself (scheduler, auto-dispatch, auto-rating) as a pseudo-role
 * one past the real roles of authz.h. Never stored on a user; the case log
 * records it as actor "system".
 */
#define CASE_ROLE_SYSTEM ((enum role)ROLE_COUNT_)
#define CASE_ROLE_COUNT_ (ROLE_COUNT_ + 1)

/* How a case ended. */
enum case_closure {
    CASE_CLOSURE_NONE = 0,
    CASE_CLOSURE_NORMAL,    /* 正常: closed within the deadline */
    CASE_CLOSURE_OVERDUE,   /* 超时: closed after the deadline */
    CASE_CLOSURE_SPECIAL,   /* 特殊: closed by special approval (clock waived) */
    CASE_CLOSURE_CANCELLED, /* 作废: cancelled before registration */
    CASE_CLOSURE_MERGED,    /* 合并: a duplicate merged into its original */
    CASE_CLOSURE_COUNT_
};

/*
 * Apply action act to a case in state from, taken by a user of role who
 * (or CASE_ROLE_SYSTEM). is_assignee: the actor is the case's current
 * assignee (the assigned worker, or a member of the assigned team or
 * department, as the store defines it). is_reporter: the actor filed it.
 *
 * Checks the state first, then the actor, so that the loser of a race
 * (two workers accepting at once) always gets 409.
 *
 * Returns 0 and writes *to (equal to from for actions that do not move the
 * case: extensions, escalate, supervise); GG_EINVAL for an unknown state,
 * action or an out-of-range role; GG_ECONFLICT if act is not allowed from
 * this state (the message names both); GG_EFORBIDDEN if this actor may not
 * take it (ROLE_NONE and ROLE_AUDITOR may take nothing). *to is written
 * only on success; err may be NULL.
 *
 * Only the workflow is checked here. The caller still checks scope (the
 * case lies in the actor's subtree), that a reason is present
 * (case_action_needs_reason), that a pending extension request exists
 * before approve/reject, and the merge target.
 */
int case_transition(enum case_state from, enum case_action act, enum role who, int is_assignee,
                    int is_reporter, enum case_state *to, gg_err *err);

/*
 * Actions this actor may take on a case in state s, as a bit set
 * (1u << action): the buttons a UI should offer. Agrees with
 * case_transition() by construction.
 */
unsigned case_actions_allowed(enum case_state s, enum role who, int is_assignee, int is_reporter);

/* Does act require a non-empty reason/note (cancel, return, reopen, extend_*, supervise)? */
int case_action_needs_reason(enum case_action act);

/* Closure an action itself sets (cancel → cancelled, merge → merged), else NONE. */
enum case_closure case_action_closure(enum case_action act);

/*
 * Closure type of a verified case: special if special is non-zero (the
 * clock was waived by approval), else normal if there is no deadline
 * (deadline <= 0) or closed_at <= deadline (on the second is on time), else
 * overdue. closed_at is the instant the clock stopped; deadline already
 * includes approved extensions. Both are Unix seconds.
 */
enum case_closure case_closure_type(int64_t closed_at, int64_t deadline, int special);

/* Is s an open (non-final) state: not closed, rated or cancelled? */
int case_state_is_open(enum case_state s);

/* Does the handling clock run in s (dispatched, accepted)? */
int case_state_clock_runs(enum case_state s);

/*
 * Names and labels. *_name gives the API name ("dispatched"), "" if out of
 * range; *_parse the reverse, *_NONE if unknown or NULL; *_label the
 * Chinese UI label. All returned strings are static.
 */
const char *case_state_name(enum case_state s);
enum case_state case_state_parse(const char *name);
const char *case_state_label(enum case_state s);
const char *case_action_name(enum case_action a);
enum case_action case_action_parse(const char *name);
const char *case_action_label(enum case_action a);
const char *case_closure_name(enum case_closure c);
enum case_closure case_closure_parse(const char *name);
const char *case_closure_label(enum case_closure c);

#endif
