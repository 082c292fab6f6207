/*
 * store_cases.h — categories and cases (事件/诉求): filing, locating a point
 * into a grid, automatic dispatch, the transitions of the seven-step cycle
 * with their append-only log, extensions, merging duplicates, the overdue
 * sweep with escalation, and the reads each role is allowed.
 *
 * The workflow rules are src/core/case_flow.h (case_transition) and the
 * deadlines src/core/workcal.h; this file applies them to stored rows.
 * Nothing here opens a transaction: the caller (the HTTP server, or a test)
 * brackets each request in db_begin_write/db_commit, so a refused action
 * changes nothing and a transition and its log row commit together.
 *
 * Visibility, used by every read and action (a case the actor may not see
 * is GG_ENOTFOUND, never GG_EFORBIDDEN, so its existence is not disclosed):
 *   resident       the cases they reported, nothing else;
 *   dept_handler   cases assigned to their department (users.department)
 *                  whose place lies in their scope;
 *   other roles    cases whose place lies in their scope, private ones too.
 */
#ifndef GG_STORE_CASES_H
#define GG_STORE_CASES_H

#include <jansson.h>
#include <stdint.h>

#include "authz.h"
#include "case_flow.h"
#include "db.h"
#include "gg.h"

/* ---- categories ---- */

#define CATEGORY_CODE_MAX 48    /* bytes: [a-z0-9_.], dot only between parent and child */
#define CATEGORY_NAME_MAX 32    /* code points */
#define CATEGORY_HANDLER_MAX 32 /* code points of a department name */
#define CATEGORY_LIMIT_MAX 2000 /* working hours */

struct category {
    char code[CATEGORY_CODE_MAX + 1];
    char parent[CATEGORY_CODE_MAX + 1]; /* "" for a top-level category */
    char name[CATEGORY_NAME_MAX * 4 + 1];
    int limit_hours;
    char handler[CATEGORY_HANDLER_MAX * 4 + 1]; /* "grid" or a department */
    int is_private;
    int active;
    int sort;
};

/* Is s a well-formed category code (not whether it exists)? */
int store_category_code_ok(const char *s);

/* One category by code into *out; GG_ENOTFOUND. */
int store_category_load(db *d, const char *code, struct category *out);

/*
 * Categories ordered by sort then code as a JSON array of
 * {code, parent, name, limit_hours, handler, private, active, sort};
 * inactive ones only if include_inactive. Caller owns *out.
 */
int store_category_list(db *d, int include_inactive, json_t **out);

/* The category as JSON (as in the list); GG_ENOTFOUND. Caller owns *out. */
int store_category_get(db *d, const char *code, json_t **out);

/*
 * Insert c (validated by the caller: code shape, name, limit, handler).
 * GG_ECONFLICT if the code exists, GG_ERULE (field parent) if the parent
 * does not exist or is itself a child (the tree has two levels).
 */
int store_category_insert(db *d, const struct category *c, int64_t now, gg_err *err);

/*
 * Replace name, limit_hours, handler, private, active and sort of category
 * c->code (code and parent never change: cases refer to the code).
 * GG_ENOTFOUND if absent. Cases already filed keep their deadlines.
 */
int store_category_update(db *d, const struct category *c, int64_t now, gg_err *err);

/* ---- who acts ---- */

/*
 * The caller of a case function: a user, or the system (user_id 0, role
 * CASE_ROLE_SYSTEM, login "system"). Strings are borrowed for the call.
 */
struct case_actor {
    int64_t user_id;
    const char *login;
    enum role role;
    const char *place;      /* scope: a place code prefix */
    const char *department; /* dept_handler's department, else "" */
    int64_t staff_id;       /* linked staff row, 0 if none */
    int64_t resident_id;    /* linked resident row, 0 if none */
};

/*
 * 0 if actor a may see case id (the rule above), GG_ENOTFOUND if not or if
 * it does not exist. For records that borrow a case's visibility (photos).
 */
int store_case_visible(db *d, const struct case_actor *a, int64_t id);

/* ---- filing ---- */

struct case_new {
    const char *category;    /* code of an active category */
    const char *title;       /* NULL or "": the category's name */
    const char *description; /* may be NULL */
    const char *address;     /* may be NULL */
    int64_t household_id;    /* > 0: filed for this household ... */
    int has_point;           /* ... or for this point (WGS-84 degrees) */
    double lat, lon;
    int is_private; /* asked to be private (a private category always is) */
    const char *source; /* cases.source; NULL: "resident" or "staff" by the actor's role */
};

/*
 * Where household hid is: its grid, its building's point and its address
 * (the household's own, else building, unit and room). GG_ENOTFOUND if none.
 */
int store_household_locate(db *d, int64_t hid, char grid[16], double *lat, double *lon,
                           char *addr, size_t n);

/*
 * File a case for actor a at time now: locate it (the household's grid, or
 * the grid of the building nearest to the point), write it as reported
 * with its "report" log row, and write the new id into *id.
 *
 * A resident files for their own household (users.resident_id) or for any
 * point in the city; staff file for a household or a point inside their
 * scope. A report filed by triage staff (admins, grid chiefs and workers)
 * is registered at once by them and dispatched automatically; a resident's
 * report waits in "reported" for a grid worker to register it.
 *
 * The system (CASE_ROLE_SYSTEM, e.g. an Open311 client; its login names it
 * in the log) files for any household or point of the city, and its report
 * waits in "reported" like a resident's.
 *
 * Returns 0; GG_EFORBIDDEN for a role that may not file; GG_ERULE with the
 * field (category, household_id, lat) for an unknown or inactive category,
 * a household that is not the actor's or not in scope, or a point with no
 * grid nearby or outside the actor's scope.
 */
int store_case_create(db *d, const struct case_actor *a, const struct case_new *n, int64_t now,
                      int64_t *id, gg_err *err);

/* ---- acting ---- */

struct case_act {
    enum case_action action;
    const char *note;         /* reason or remark; required where case_action_needs_reason */
    int64_t expected_version; /* > 0: refuse with GG_ECONFLICT unless the case has it */
    int64_t staff_id;         /* dispatch: this grid worker (0: automatic) */
    const char *department;   /* dispatch: this department (NULL: automatic) */
    int hours;                /* extend_request: hours asked; extend_approve: hours granted
                                 (0: as asked) */
    int rating;               /* rate: 1..5 */
    const char *comment;      /* rate: may be NULL */
    const char *result;       /* handle: the result (NULL: the note) */
    int64_t into;             /* merge: the original case */
    int special;              /* verify: close as 特殊 (clock waived) */
};

/*
 * Take action act on case id as actor a at time now: check visibility
 * (GG_ENOTFOUND), expected_version (GG_ECONFLICT), the workflow table
 * (case_transition: GG_ECONFLICT for the state, GG_EFORBIDDEN for the
 * actor), the reason (GG_EINVAL, field note) and the action's own rules
 * (GG_ERULE or GG_ECONFLICT with the field); then move the case with a
 * conditional UPDATE on (id, state, version), so that of two actors racing
 * for the same transition exactly one wins and the other gets
 * GG_ECONFLICT, and append the log row. Dispatch sets dispatched_at and
 * the deadline (the category's working hours from now); register is
 * followed by an automatic dispatch when a target is found. On any error
 * nothing has been written by this call, provided the caller rolls back.
 */
int store_case_act(db *d, const struct case_actor *a, int64_t id, const struct case_act *act,
                   int64_t now, gg_err *err);

/* ---- reading ---- */

/*
 * Case id as JSON with its log ("log": [...] oldest first), the ids merged
 * into it ("duplicates"), the working minutes left before the deadline
 * ("time_left_minutes", negative when overdue, null when the clock does
 * not run), the actions the actor may take now ("actions") and its photos
 * ("photos", store_photos_attach). Residents
 * get the log without staff logins. GG_ENOTFOUND if absent or not visible.
 * Caller owns *out.
 */
int store_case_get(db *d, const struct case_actor *a, int64_t id, int64_t now, json_t **out);

enum case_sort {
    CASE_SORT_RECENT = 0, /* newest first; cursor = the last id */
    CASE_SORT_DEADLINE,   /* earliest deadline first, no deadline last; cursor = offset */
};

struct case_query {
    const char *state;    /* state name, or NULL */
    const char *category; /* code: the category and its children, or NULL */
    const char *place;    /* place prefix within scope, or NULL */
    int assignee_me;      /* assigned to the actor (their staff row or department) */
    int overdue;          /* clock running and past the deadline at now */
    enum case_sort sort;
    int64_t after; /* cursor from the previous page, 0 for the first */
    int limit;
};

/*
 * A page of visible cases as a JSON array (without logs), each with
 * time_left_minutes. *next is the cursor of the next page, 0 at the end.
 */
int store_case_list(db *d, const struct case_actor *a, const struct case_query *q, int64_t now,
                    json_t **out, int64_t *next);

#define CASE_NEARBY_MAX_RADIUS 2000 /* metres */

/*
 * Open cases of category (exactly) within radius_m metres of the point,
 * nearest first, at most limit, as a JSON array of {id, title, state,
 * category, distance_m, reported_at}. Residents see other people's cases
 * only in this reduced form and never private ones; staff see the cases
 * visible to them.
 */
int store_case_nearby(db *d, const struct case_actor *a, const char *category, double lat,
                      double lon, int radius_m, int limit, json_t **out);

/* ---- the overdue sweep ---- */

/*
 * Working minutes past the deadline at which an overdue case escalates to
 * each level: grid chief as soon as it is late, the community after one
 * more working day, the street after three.
 */
#define CASE_ESCALATE_CHIEF_MIN 0
#define CASE_ESCALATE_COMMUNITY_MIN (7 * 60)
#define CASE_ESCALATE_STREET_MIN (3 * 7 * 60)

/*
 * Mark every case whose clock runs and whose deadline has passed at now as
 * overdue, and escalate it grid chief → community → street: one
 * "escalate" log row (actor system) per level reached, each level written
 * exactly once however often the sweep runs. *n gets the number of log
 * rows written. Runs in the caller's transaction.
 */
int store_cases_escalate_overdue(db *d, int64_t now, int *n);

#endif
