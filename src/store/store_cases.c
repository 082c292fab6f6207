/*
 * store_cases.c — categories and cases: filing and locating, the
 * transitions of the seven-step cycle with their log rows, automatic
 * dispatch, extensions, merges, the overdue sweep and the reads of each
 * role. The rules come from src/core (case_flow.h, workcal.h); this file
 * only applies them to rows. See store_cases.h for the contracts.
 *
 * A transition is one conditional UPDATE on (id, state, version) followed
 * by its case_log row, both in the caller's transaction; if the UPDATE
 * touches no row the case moved under us and the caller gets GG_ECONFLICT.
 */
#include "store_cases.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "place.h"
#include "store_photos.h"
#include "store_indicators.h"
#include "store_util.h"
#include "workcal.h"

/* ---- categories ---- */

#define CAT_COLS "code, COALESCE(parent, ''), name, limit_hours, handler, private, active, sort"

int store_category_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CATEGORY_CODE_MAX)
        return 0;
    int dots = 0;
    char prev = '.';
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '.') {
            if (prev == '.' || ++dots > 1)
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
        prev = c;
    }
    return prev != '.';
}

static void category_from_row(db_stmt *s, struct category *c)
{
    memset(c, 0, sizeof(*c));
    gg_strlcpy(c->code, db_col_text(s, 0), sizeof(c->code));
    gg_strlcpy(c->parent, db_col_text(s, 1), sizeof(c->parent));
    gg_strlcpy(c->name, db_col_text(s, 2), sizeof(c->name));
    c->limit_hours = (int)db_col_i64(s, 3);
    gg_strlcpy(c->handler, db_col_text(s, 4), sizeof(c->handler));
    c->is_private = (int)db_col_i64(s, 5);
    c->active = (int)db_col_i64(s, 6);
    c->sort = (int)db_col_i64(s, 7);
}

static json_t *category_json(const struct category *c)
{
    return json_pack("{s:s, s:s?, s:s, s:i, s:s, s:b, s:b, s:i}", "code", c->code, "parent",
                     c->parent[0] ? c->parent : NULL, "name", c->name, "limit_hours",
                     c->limit_hours, "handler", c->handler, "private", c->is_private, "active",
                     c->active, "sort", c->sort);
}

int store_category_load(db *d, const char *code, struct category *out)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " CAT_COLS " FROM categories WHERE code = $1", &s, "t", code);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        category_from_row(s, out);
    db_finalize(s);
    return rc == DB_ROW ? 0 : GG_ENOTFOUND;
}

int store_category_list(db *d, int include_inactive, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT " CAT_COLS " FROM categories WHERE active = 1 OR $1 = 1"
                    " ORDER BY sort, code",
                    &s, "i", (int64_t)(include_inactive ? 1 : 0));
    if (rc < 0)
        return rc;
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        struct category c;
        category_from_row(s, &c);
        json_array_append_new(arr, category_json(&c));
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int store_category_get(db *d, const char *code, json_t **out)
{
    struct category c;
    int rc = store_category_load(d, code, &c);
    if (rc == 0)
        *out = category_json(&c);
    return rc;
}

int store_category_insert(db *d, const struct category *c, int64_t now, gg_err *err)
{
    if (!store_category_code_ok(c->code))
        return gg_fail(err, GG_EINVAL, "code",
                       "a category code is 1 to %d of a-z, 0-9 and _, with one dot before a "
                       "subcategory's own part",
                       CATEGORY_CODE_MAX);
    const char *dot = strchr(c->code, '.');
    if (c->parent[0]) {
        struct category p;
        int rc = store_category_load(d, c->parent, &p);
        if (rc == GG_ENOTFOUND)
            return gg_fail(err, GG_ERULE, "parent", "category %s does not exist", c->parent);
        if (rc)
            return gg_fail(err, rc, "", "cannot read category %s", c->parent);
        if (p.parent[0])
            return gg_fail(err, GG_ERULE, "parent",
                           "%s is itself a subcategory: categories have two levels", c->parent);
        size_t pl = strlen(c->parent);
        if (!dot || strncmp(c->code, c->parent, pl) != 0 || c->code[pl] != '.')
            return gg_fail(err, GG_ERULE, "code",
                           "a subcategory's code is its parent's, a dot and its own part (%s.…)",
                           c->parent);
    } else if (dot) {
        return gg_fail(err, GG_ERULE, "code",
                       "a code with a dot names a subcategory: give its parent");
    }
    db_stmt *s;
    int rc = db_prepare(d,
                        "INSERT INTO categories (code, parent, name, limit_hours, handler, private,"
                        " active, sort, created_at, updated_at)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                        &s);
    if (rc)
        return gg_fail(err, rc, "", "cannot prepare the category insert");
    db_bind_text(s, 1, c->code);
    db_bind_text(s, 2, c->parent[0] ? c->parent : NULL);
    db_bind_text(s, 3, c->name);
    db_bind_i64(s, 4, c->limit_hours);
    db_bind_text(s, 5, c->handler);
    db_bind_i64(s, 6, c->is_private ? 1 : 0);
    db_bind_i64(s, 7, c->active ? 1 : 0);
    db_bind_i64(s, 8, c->sort);
    db_bind_i64(s, 9, now);
    rc = db_step(s);
    db_finalize(s);
    if (rc == GG_ECONFLICT)
        return gg_fail(err, rc, "code", "category %s already exists", c->code);
    if (rc < 0)
        return gg_fail(err, rc, "", "cannot insert category %s: %s", c->code, db_errmsg(d));
    return 0;
}

int store_category_update(db *d, const struct category *c, int64_t now, gg_err *err)
{
    db_stmt *s;
    int rc = db_prepare(d,
                        "UPDATE categories SET name = $2, limit_hours = $3, handler = $4,"
                        " private = $5, active = $6, sort = $7, updated_at = $8 WHERE code = $1",
                        &s);
    if (rc)
        return gg_fail(err, rc, "", "cannot prepare the category update");
    db_bind_text(s, 1, c->code);
    db_bind_text(s, 2, c->name);
    db_bind_i64(s, 3, c->limit_hours);
    db_bind_text(s, 4, c->handler);
    db_bind_i64(s, 5, c->is_private ? 1 : 0);
    db_bind_i64(s, 6, c->active ? 1 : 0);
    db_bind_i64(s, 7, c->sort);
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_finalize(s);
    if (rc < 0)
        return gg_fail(err, rc, "", "cannot update category %s: %s", c->code, db_errmsg(d));
    if (db_changes(d) == 0)
        return gg_fail(err, GG_ENOTFOUND, "code", "category %s not found", c->code);
    return 0;
}

/* ---- calendar ---- */

/* Local (China Standard Time) year of instant t. */
static int year_cn(int64_t t)
{
    time_t tt = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    return tm.tm_year + 1900;
}

/*
 * The working calendar around t: the official holidays of the year before
 * (for time left on old deadlines) through two years after (for long
 * limits and extensions across a year end). Years without a published
 * arrangement count weekends only. Free with workcal_free.
 */
static workcal *calendar_for(int64_t t)
{
    workcal *cal = workcal_new();
    int y = year_cn(t);
    for (int k = y - 1; k <= y + 2; k++)
        workcal_load_cn(cal, k, NULL); /* GG_ENOTFOUND: weekends only */
    return cal;
}

/* ---- case rows ---- */

struct case_row {
    int64_t id, version;
    char place[16], team_grid[16];
    char category[CATEGORY_CODE_MAX + 1];
    enum case_state state;
    int64_t reporter_id, assignee_staff_id;
    char assignee_dept[CATEGORY_HANDLER_MAX * 4 + 1];
    int is_private;
    int64_t registered_at, dispatched_at, deadline, handled_at, closed_at;
    char closure[16];
    char *result, *rating_comment; /* owned */
    int rating, ext_pending_hours, extended_hours, returned, reopened, overdue, escalation;
    int64_t merged_into;
};

#define ROW_COLS                                                                                   \
    "id, version, place, COALESCE(team_grid, ''), category, state, COALESCE(reporter_id, 0),"      \
    " COALESCE(assignee_staff_id, 0), assignee_dept, private, COALESCE(registered_at, 0),"         \
    " COALESCE(dispatched_at, 0), COALESCE(deadline, 0), COALESCE(handled_at, 0),"                 \
    " COALESCE(closed_at, 0), closure, result, COALESCE(rating, 0), rating_comment,"               \
    " ext_pending_hours, extended_hours, returned, reopened, overdue, escalation,"                 \
    " COALESCE(merged_into, 0)"

static void row_free(struct case_row *c)
{
    free(c->result);
    free(c->rating_comment);
    c->result = c->rating_comment = NULL;
}

static int row_load(db *d, int64_t id, struct case_row *c)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT " ROW_COLS " FROM cases WHERE id = $1", &s, "i", id);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    memset(c, 0, sizeof(*c));
    int k = 0;
    c->id = db_col_i64(s, k++);
    c->version = db_col_i64(s, k++);
    gg_strlcpy(c->place, db_col_text(s, k++), sizeof(c->place));
    gg_strlcpy(c->team_grid, db_col_text(s, k++), sizeof(c->team_grid));
    gg_strlcpy(c->category, db_col_text(s, k++), sizeof(c->category));
    c->state = case_state_parse(db_col_text(s, k++));
    c->reporter_id = db_col_i64(s, k++);
    c->assignee_staff_id = db_col_i64(s, k++);
    gg_strlcpy(c->assignee_dept, db_col_text(s, k++), sizeof(c->assignee_dept));
    c->is_private = (int)db_col_i64(s, k++);
    c->registered_at = db_col_i64(s, k++);
    c->dispatched_at = db_col_i64(s, k++);
    c->deadline = db_col_i64(s, k++);
    c->handled_at = db_col_i64(s, k++);
    c->closed_at = db_col_i64(s, k++);
    gg_strlcpy(c->closure, db_col_text(s, k++), sizeof(c->closure));
    c->result = xstrdup(db_col_text(s, k++));
    c->rating = (int)db_col_i64(s, k++);
    c->rating_comment = xstrdup(db_col_text(s, k++));
    c->ext_pending_hours = (int)db_col_i64(s, k++);
    c->extended_hours = (int)db_col_i64(s, k++);
    c->returned = (int)db_col_i64(s, k++);
    c->reopened = (int)db_col_i64(s, k++);
    c->overdue = (int)db_col_i64(s, k++);
    c->escalation = (int)db_col_i64(s, k++);
    c->merged_into = db_col_i64(s, k++);
    db_finalize(s);
    return 0;
}

static void bind_opt(db_stmt *s, int idx, int64_t v)
{
    if (v)
        db_bind_i64(s, idx, v);
    else
        db_bind_null(s, idx);
}

/*
 * Write every mutable column of c, provided the stored case is still in
 * state from at version. GG_ECONFLICT if it is not (someone else moved it).
 */
static int row_store(db *d, const struct case_row *c, enum case_state from, int64_t version,
                     int64_t now)
{
    db_stmt *s;
    int rc = db_prepare(
        d,
        "UPDATE cases SET state = $3, team_grid = $4, assignee_staff_id = $5, assignee_dept = $6,"
        " registered_at = $7, dispatched_at = $8, deadline = $9, handled_at = $10,"
        " closed_at = $11, closure = $12, result = $13, rating = $14, rating_comment = $15,"
        " ext_pending_hours = $16, extended_hours = $17, returned = $18, reopened = $19,"
        " overdue = $20, escalation = $21, merged_into = $22, version = version + 1,"
        " updated_at = $23 WHERE id = $1 AND version = $2 AND state = $24",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, c->id);
    db_bind_i64(s, 2, version);
    db_bind_text(s, 3, case_state_name(c->state));
    db_bind_text(s, 4, c->team_grid[0] ? c->team_grid : NULL);
    bind_opt(s, 5, c->assignee_staff_id);
    db_bind_text(s, 6, c->assignee_dept);
    bind_opt(s, 7, c->registered_at);
    bind_opt(s, 8, c->dispatched_at);
    bind_opt(s, 9, c->deadline);
    bind_opt(s, 10, c->handled_at);
    bind_opt(s, 11, c->closed_at);
    db_bind_text(s, 12, c->closure);
    db_bind_text(s, 13, c->result ? c->result : "");
    bind_opt(s, 14, c->rating);
    db_bind_text(s, 15, c->rating_comment ? c->rating_comment : "");
    db_bind_i64(s, 16, c->ext_pending_hours);
    db_bind_i64(s, 17, c->extended_hours);
    db_bind_i64(s, 18, c->returned);
    db_bind_i64(s, 19, c->reopened);
    db_bind_i64(s, 20, c->overdue);
    db_bind_i64(s, 21, c->escalation);
    bind_opt(s, 22, c->merged_into);
    db_bind_i64(s, 23, now);
    db_bind_text(s, 24, case_state_name(from));
    rc = store_indicators_step(d, s, c->id); /* db_step, keeping the indicators in step */
    db_finalize(s);
    if (rc < 0)
        return rc;
    return db_changes(d) == 1 ? 0 : GG_ECONFLICT;
}

/* Append one case_log row; takes the reference to detail (may be NULL). */
static int log_write(db *d, const struct case_actor *a, int64_t case_id, int64_t now,
                     const char *action, enum case_state from, enum case_state to, const char *note,
                     json_t *detail)
{
    char *dj = detail && json_object_size(detail)
                   ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12))
                   : NULL;
    json_decref(detail);
    int sys = a->role == CASE_ROLE_SYSTEM;
    db_stmt *s;
    int rc = db_prepare(d,
                        "INSERT INTO case_log (case_id, at, actor_id, actor, role, action,"
                        " from_state, to_state, note, detail)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        &s);
    if (rc) {
        free(dj);
        return rc;
    }
    db_bind_i64(s, 1, case_id);
    db_bind_i64(s, 2, now);
    bind_opt(s, 3, sys ? 0 : a->user_id);
    db_bind_text(s, 4, sys && !(a->login && a->login[0]) ? "system" : a->login);
    db_bind_text(s, 5, sys ? "system" : role_name(a->role));
    db_bind_text(s, 6, action);
    db_bind_text(s, 7, case_state_name(from)); /* "" for CASE_STATE_NONE */
    db_bind_text(s, 8, case_state_name(to));
    db_bind_text(s, 9, note ? note : "");
    db_bind_text(s, 10, dj ? dj : "");
    rc = db_step(s);
    db_finalize(s);
    free(dj);
    return rc < 0 ? rc : 0;
}

/* ---- who sees and who is who ---- */

/* Roles that file reports and triage them (立案): their own reports are registered at once. */
static int role_triages(enum role r)
{
    return r == ROLE_CITY_ADMIN || r == ROLE_STREET_ADMIN || r == ROLE_COMMUNITY_ADMIN ||
           r == ROLE_GRID_CHIEF || r == ROLE_GRID_WORKER;
}

static int case_visible(const struct case_actor *a, const struct case_row *c)
{
    if (a->role == CASE_ROLE_SYSTEM)
        return 1;
    switch (a->role) {
    case ROLE_NONE:
        return 0;
    case ROLE_RESIDENT:
        return a->user_id > 0 && c->reporter_id == a->user_id;
    case ROLE_DEPT_HANDLER:
        return a->department && a->department[0] && strcmp(a->department, c->assignee_dept) == 0 &&
               place_in_scope(a->place, c->place);
    default:
        return place_in_scope(a->place, c->place) ||
               (a->staff_id > 0 && a->staff_id == c->assignee_staff_id);
    }
}

int store_case_visible(db *d, const struct case_actor *a, int64_t id)
{
    struct case_row c;
    int rc = row_load(d, id, &c);
    if (rc)
        return rc;
    rc = case_visible(a, &c) ? 0 : GG_ENOTFOUND;
    row_free(&c);
    return rc;
}

static int case_is_assignee(const struct case_actor *a, const struct case_row *c)
{
    if (c->assignee_dept[0])
        return a->role == ROLE_DEPT_HANDLER && a->department &&
               strcmp(a->department, c->assignee_dept) == 0;
    return a->staff_id > 0 && a->staff_id == c->assignee_staff_id;
}

static int case_is_reporter(const struct case_actor *a, const struct case_row *c)
{
    return a->user_id > 0 && a->user_id == c->reporter_id;
}

/* ---- dispatch targets ---- */

/*
 * Where auto-dispatch sends c: the category's department, or the on-duty
 * grid worker of the case's team with the fewest cases on their desk
 * (dispatched or accepted), full-time before part-time, then the lowest
 * id. GG_ENOTFOUND when the team has nobody on duty.
 */
static int auto_target(db *d, const struct case_row *c, const struct category *cat,
                       int64_t *staff_id, char *dept, size_t n)
{
    if (strcmp(cat->handler, "grid") != 0) {
        *staff_id = 0;
        gg_strlcpy(dept, cat->handler, n);
        return 0;
    }
    int64_t id;
    int rc = db_query_i64(
        d,
        "SELECT s.id FROM staff s WHERE s.place = $1 AND s.role IN ('fulltime', 'parttime')"
        " AND s.on_duty = 1 ORDER BY (SELECT COUNT(*) FROM cases k WHERE k.assignee_staff_id ="
        " s.id AND k.state IN ('dispatched', 'accepted')),"
        " CASE s.role WHEN 'fulltime' THEN 0 ELSE 1 END, s.id LIMIT 1",
        &id, "t", c->team_grid[0] ? c->team_grid : c->place);
    if (rc)
        return rc;
    *staff_id = id;
    dept[0] = '\0';
    return 0;
}

/* A staff member named for dispatch: in the actor's scope, a grid chief or worker. */
static int check_staff(db *d, const struct case_actor *a, int64_t staff_id, char grid[16],
                       json_t *detail, gg_err *err)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT place, role, name FROM staff WHERE id = $1", &s, "i", staff_id);
    if (rc < 0)
        return gg_fail(err, rc, "", "cannot read staff %lld", (long long)staff_id);
    int found = rc == DB_ROW &&
                (a->role == CASE_ROLE_SYSTEM || place_in_scope(a->place, db_col_text(s, 0)));
    if (!found) {
        db_finalize(s);
        return gg_fail(err, GG_ERULE, "staff_id", "staff %lld does not exist in your area",
                       (long long)staff_id);
    }
    const char *role = db_col_text(s, 1);
    if (strcmp(role, "grid_chief") != 0 && strcmp(role, "fulltime") != 0 &&
        strcmp(role, "parttime") != 0) {
        rc = gg_fail(err, GG_ERULE, "staff_id",
                     "staff %lld is a %s: cases go to grid chiefs and grid workers",
                     (long long)staff_id, role);
        db_finalize(s);
        return rc;
    }
    grid[0] = '\0';
    if (place_level_of(db_col_text(s, 0)) == PLACE_GRID)
        gg_strlcpy(grid, db_col_text(s, 0), 16);
    json_object_set_new(detail, "staff_name", json_string(db_col_text(s, 2)));
    db_finalize(s);
    return 0;
}

/* ---- actions ---- */

static const char *const level_names[] = {"", "grid_chief", "community", "street"};
static const char *const level_labels[] = {"", "网格长", "社区", "街道"};

/* The place an escalation of level (1..3) goes to, from the case's grid code. */
static void level_place(const char *grid, int level, char out[16])
{
    size_t n = level == 1 ? 15 : level == 2 ? 12 : 9;
    gg_strlcpy(out, grid, 16);
    if (strlen(out) > n)
        out[n] = '\0';
}

static json_t *escalation_detail(const struct case_row *c, int level)
{
    char p[16];
    level_place(c->place, level, p);
    return json_pack("{s:i, s:s, s:s}", "level", level, "to", level_names[level], "place", p);
}

/* Deadline of a dispatch at now for category code (the category's working hours). */
static int dispatch_deadline(db *d, const char *code, int64_t now, int64_t *deadline,
                             int *limit_hours)
{
    struct category cat;
    int rc = store_category_load(d, code, &cat);
    if (rc)
        return rc;
    workcal *cal = calendar_for(now);
    *deadline = workcal_add(cal, now, cat.limit_hours * 60);
    *limit_hours = cat.limit_hours;
    workcal_free(cal);
    return 0;
}

/*
 * The changes particular to each action, made to c in memory (the caller
 * stores them). detail collects what the log row should say.
 */
static int prepare_action(db *d, const struct case_actor *a, struct case_row *c,
                          const struct case_act *act, int64_t now, json_t *detail, gg_err *err)
{
    int rc;
    switch (act->action) {
    case CASE_REGISTER:
        c->registered_at = now;
        return 0;
    case CASE_CANCEL:
        c->closed_at = now;
        gg_strlcpy(c->closure, case_closure_name(CASE_CLOSURE_CANCELLED), sizeof(c->closure));
        return 0;
    case CASE_DISPATCH: {
        int64_t sid = act->staff_id;
        char dept[sizeof(c->assignee_dept)] = "";
        char grid[16] = "";
        if (act->department && act->department[0]) {
            if (sid)
                return gg_fail(err, GG_EINVAL, "department",
                               "dispatch to a staff_id or a department, not both");
            gg_strlcpy(dept, act->department, sizeof(dept));
        } else if (sid) {
            if ((rc = check_staff(d, a, sid, grid, detail, err)) != 0)
                return rc;
        } else {
            struct category cat;
            if ((rc = store_category_load(d, c->category, &cat)) != 0)
                return gg_fail(err, rc, "category", "cannot read category %s", c->category);
            rc = auto_target(d, c, &cat, &sid, dept, sizeof(dept));
            if (rc == GG_ENOTFOUND)
                return gg_fail(err, GG_ERULE, "staff_id",
                               "no grid worker of grid %s is on duty: name a staff_id or a "
                               "department",
                               c->team_grid[0] ? c->team_grid : c->place);
            if (rc)
                return gg_fail(err, rc, "", "cannot pick a grid worker");
            if (sid && (rc = check_staff(d, a, sid, grid, detail, err)) != 0)
                return rc;
        }
        c->assignee_staff_id = sid;
        gg_strlcpy(c->assignee_dept, dept, sizeof(c->assignee_dept));
        if (grid[0])
            gg_strlcpy(c->team_grid, grid, sizeof(c->team_grid));
        int limit;
        if ((rc = dispatch_deadline(d, c->category, now, &c->deadline, &limit)) != 0)
            return gg_fail(err, rc, "category", "cannot read category %s", c->category);
        c->dispatched_at = now;
        c->ext_pending_hours = 0;
        c->overdue = 0;
        c->escalation = 0;
        if (sid)
            json_object_set_new(detail, "staff_id", json_integer(sid));
        if (dept[0])
            json_object_set_new(detail, "department", json_string(dept));
        json_object_set_new(detail, "team_grid", json_string(c->team_grid));
        json_object_set_new(detail, "limit_hours", json_integer(limit));
        json_object_set_new(detail, "deadline", json_integer(c->deadline));
        return 0;
    }
    case CASE_ACCEPT:
        return 0;
    case CASE_RETURN:
        /* back to the command desk: no assignee, no clock until the next dispatch */
        c->assignee_staff_id = 0;
        c->assignee_dept[0] = '\0';
        c->deadline = 0;
        c->ext_pending_hours = 0;
        c->overdue = 0;
        c->returned++;
        return 0;
    case CASE_HANDLE: {
        const char *res = act->result && act->result[0] ? act->result : act->note;
        if (!res || !res[0])
            return gg_fail(err, GG_EINVAL, "result", "say what was done: result is required");
        free(c->result);
        c->result = xstrdup(res);
        c->handled_at = now;
        c->ext_pending_hours = 0;
        return 0;
    }
    case CASE_VERIFY: {
        if (act->special && a->role == ROLE_RESIDENT)
            return gg_fail(err, GG_EFORBIDDEN, "special", "only staff may close a case as special");
        if (act->special && (!act->note || !act->note[0]))
            return gg_fail(err, GG_EINVAL, "note", "a special closure needs a reason");
        enum case_closure cl = case_closure_type(c->handled_at, c->deadline, act->special);
        gg_strlcpy(c->closure, case_closure_name(cl), sizeof(c->closure));
        c->closed_at = now;
        json_object_set_new(detail, "closure", json_string(c->closure));
        return 0;
    }
    case CASE_REOPEN: {
        /* The clock stood still while the result waited for verification. */
        if (c->deadline && c->handled_at && now > c->handled_at) {
            workcal *cal = calendar_for(now);
            int64_t paused = workcal_between(cal, c->handled_at, now);
            if (paused > 0 && paused < INT32_MAX)
                c->deadline = workcal_add(cal, c->deadline, (int)paused);
            workcal_free(cal);
        }
        c->reopened++;
        json_object_set_new(detail, "deadline", json_integer(c->deadline));
        return 0;
    }
    case CASE_RATE:
        if (act->rating < 1 || act->rating > 5)
            return gg_fail(err, GG_EINVAL, "rating", "rating must be an integer from 1 to 5");
        c->rating = act->rating;
        free(c->rating_comment);
        c->rating_comment = xstrdup(act->comment ? act->comment : "");
        json_object_set_new(detail, "rating", json_integer(act->rating));
        return 0;
    case CASE_EXTEND_REQUEST:
        if (act->hours < 1 || act->hours > CATEGORY_LIMIT_MAX)
            return gg_fail(err, GG_EINVAL, "hours", "hours must be an integer from 1 to %d",
                           CATEGORY_LIMIT_MAX);
        if (c->ext_pending_hours)
            return gg_fail(err, GG_ECONFLICT, "action",
                           "an extension of %d hours is already waiting for approval",
                           c->ext_pending_hours);
        c->ext_pending_hours = act->hours;
        json_object_set_new(detail, "hours", json_integer(act->hours));
        return 0;
    case CASE_EXTEND_APPROVE: {
        if (!c->ext_pending_hours)
            return gg_fail(err, GG_ECONFLICT, "action", "no extension request is pending");
        int h = act->hours ? act->hours : c->ext_pending_hours;
        if (h < 1 || h > c->ext_pending_hours)
            return gg_fail(err, GG_ERULE, "hours", "grant from 1 to the %d hours asked",
                           c->ext_pending_hours);
        workcal *cal = calendar_for(now);
        c->deadline = workcal_add(cal, c->deadline ? c->deadline : now, h * 60);
        workcal_free(cal);
        c->extended_hours += h;
        c->ext_pending_hours = 0;
        c->overdue = c->deadline < now;
        json_object_set_new(detail, "hours", json_integer(h));
        json_object_set_new(detail, "deadline", json_integer(c->deadline));
        return 0;
    }
    case CASE_EXTEND_REJECT:
        if (!c->ext_pending_hours)
            return gg_fail(err, GG_ECONFLICT, "action", "no extension request is pending");
        json_object_set_new(detail, "hours", json_integer(c->ext_pending_hours));
        c->ext_pending_hours = 0;
        return 0;
    case CASE_ESCALATE:
        if (c->escalation >= 3)
            return gg_fail(err, GG_ERULE, "action", "the case is already escalated to the street");
        c->escalation++;
        return 0;
    case CASE_MERGE: {
        if (act->into <= 0)
            return gg_fail(err, GG_EINVAL, "into", "into: the id of the original case is required");
        if (act->into == c->id)
            return gg_fail(err, GG_ERULE, "into", "a case cannot be merged into itself");
        struct case_row t;
        rc = row_load(d, act->into, &t);
        if (rc && rc != GG_ENOTFOUND)
            return gg_fail(err, rc, "into", "cannot read case %lld", (long long)act->into);
        int ok = rc == 0 && case_visible(a, &t);
        enum case_state ts = ok ? t.state : CASE_STATE_NONE;
        if (rc == 0)
            row_free(&t);
        if (!ok)
            return gg_fail(err, GG_ERULE, "into", "case %lld does not exist in your area",
                           (long long)act->into);
        if (ts == CASE_CANCELLED)
            return gg_fail(err, GG_ERULE, "into",
                           "case %lld is cancelled: merge into the original it was merged into",
                           (long long)act->into);
        c->merged_into = act->into;
        c->closed_at = now;
        gg_strlcpy(c->closure, case_closure_name(CASE_CLOSURE_MERGED), sizeof(c->closure));
        json_object_set_new(detail, "into", json_integer(act->into));
        return 0;
    }
    case CASE_SUPERVISE:
        return 0;
    default:
        return gg_fail(err, GG_EINVAL, "action", "unknown action");
    }
}

/*
 * Check and apply act to c (already visible to a). On success the case
 * row and its log row are written; c holds the new values.
 */
static int apply(db *d, const struct case_actor *a, struct case_row *c, const struct case_act *act,
                 int64_t now, gg_err *err)
{
    if (act->expected_version > 0 && act->expected_version != c->version)
        return gg_fail(err, GG_ECONFLICT, "expected_version",
                       "the case is at version %lld, not %lld: reload it", (long long)c->version,
                       (long long)act->expected_version);
    enum case_state from = c->state, to;
    int rc = case_transition(from, act->action, a->role, case_is_assignee(a, c),
                             case_is_reporter(a, c), &to, err);
    if (rc)
        return rc;
    if (case_action_needs_reason(act->action) && (!act->note || !act->note[0]))
        return gg_fail(err, GG_EINVAL, "note", "%s needs a reason: give a note",
                       case_action_name(act->action));
    json_t *detail = json_object();
    rc = prepare_action(d, a, c, act, now, detail, err);
    if (rc == 0 && act->action == CASE_ESCALATE) {
        json_decref(detail);
        detail = escalation_detail(c, c->escalation);
    }
    if (rc) {
        json_decref(detail);
        return rc;
    }
    c->state = to;
    if ((rc = row_store(d, c, from, c->version, now)) != 0) {
        json_decref(detail);
        if (rc == GG_ECONFLICT)
            return gg_fail(err, rc, "action", "the case changed meanwhile: reload it");
        return gg_fail(err, rc, "", "cannot update case %lld: %s", (long long)c->id, db_errmsg(d));
    }
    c->version++;
    if ((rc = log_write(d, a, c->id, now, case_action_name(act->action), from, to, act->note,
                        detail)) != 0)
        return gg_fail(err, rc, "", "cannot write the case log: %s", db_errmsg(d));
    return 0;
}

static const struct case_actor system_actor = {0, "system", CASE_ROLE_SYSTEM, "", "", 0, 0};

/* After registration: dispatch by the system when a target exists, else leave it registered. */
static int auto_dispatch(db *d, struct case_row *c, int64_t now, gg_err *err)
{
    struct category cat;
    int64_t sid;
    char dept[sizeof(c->assignee_dept)];
    int rc = store_category_load(d, c->category, &cat);
    if (rc == 0)
        rc = auto_target(d, c, &cat, &sid, dept, sizeof(dept));
    if (rc == GG_ENOTFOUND)
        return 0; /* nobody on duty: a commander dispatches by hand */
    if (rc)
        return gg_fail(err, rc, "", "cannot pick a grid worker");
    struct case_act act = {.action = CASE_DISPATCH, .staff_id = sid, .department = dept};
    return apply(d, &system_actor, c, &act, now, err);
}

int store_case_act(db *d, const struct case_actor *a, int64_t id, const struct case_act *act,
                   int64_t now, gg_err *err)
{
    if (act->action <= CASE_ACTION_NONE || act->action >= CASE_ACTION_COUNT_)
        return gg_fail(err, GG_EINVAL, "action", "unknown action");
    struct case_row c;
    int rc = row_load(d, id, &c);
    if (rc && rc != GG_ENOTFOUND)
        return gg_fail(err, rc, "", "cannot read case %lld", (long long)id);
    if (rc == GG_ENOTFOUND || !case_visible(a, &c)) {
        if (rc == 0)
            row_free(&c);
        return gg_fail(err, GG_ENOTFOUND, "id", "case %lld not found", (long long)id);
    }
    rc = apply(d, a, &c, act, now, err);
    if (rc == 0 && act->action == CASE_REGISTER)
        rc = auto_dispatch(d, &c, now, err);
    row_free(&c);
    return rc;
}

/* ---- filing ---- */

#define EARTH_RADIUS_M 6371000.0
#define DEG (M_PI / 180.0)

/* Metres between two points (equirectangular: exact enough within a city). */
static double distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double x = (lon2 - lon1) * DEG * cos((lat1 + lat2) / 2 * DEG);
    double y = (lat2 - lat1) * DEG;
    return EARTH_RADIUS_M * sqrt(x * x + y * y);
}

/*
 * The grid of the building nearest to (lat, lon), looking in growing boxes
 * up to about 5 km. GG_ENOTFOUND if there is none. (Grid polygons, when
 * planning makes them, will take precedence.)
 */
static int locate_point(db *d, double lat, double lon, char grid[16])
{
    static const double boxes[] = {0.005, 0.02, 0.05};
    double k = cos(lat * DEG);
    for (size_t i = 0; i < GG_ARRAY_LEN(boxes); i++) {
        double dl = boxes[i], dn = k > 0.05 ? boxes[i] / k : 180;
        db_stmt *s;
        int rc = db_run(d,
                        "SELECT b.place FROM buildings b JOIN places p ON p.code = b.place"
                        " WHERE p.level = 6 AND b.lat BETWEEN $1 AND $2 AND b.lon BETWEEN $3 AND $4"
                        " ORDER BY (b.lat - $5) * (b.lat - $5) + (b.lon - $6) * (b.lon - $6) * $7,"
                        " b.id LIMIT 1",
                        &s, "ddddddd", lat - dl, lat + dl, lon - dn, lon + dn, lat, lon, k * k);
        if (rc < 0)
            return rc;
        if (rc == DB_ROW) {
            gg_strlcpy(grid, db_col_text(s, 0), 16);
            db_finalize(s);
            return 0;
        }
        db_finalize(s);
    }
    return GG_ENOTFOUND;
}

int store_household_locate(db *d, int64_t hid, char grid[16], double *lat, double *lon,
                           char *addr, size_t n)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT h.place, b.lat, b.lon, h.address, b.address, b.name, h.unit, h.room"
                    " FROM households h JOIN buildings b ON b.id = h.building_id WHERE h.id = $1",
                    &s, "i", hid);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    gg_strlcpy(grid, db_col_text(s, 0), 16);
    *lat = db_col_double(s, 1);
    *lon = db_col_double(s, 2);
    if (db_col_text(s, 3)[0])
        gg_strlcpy(addr, db_col_text(s, 3), n);
    else
        snprintf(addr, n, "%s%s%s%s%s%s", db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 6),
                 db_col_text(s, 6)[0] ? "单元" : "", db_col_text(s, 7),
                 db_col_text(s, 7)[0] ? "室" : "");
    db_finalize(s);
    return 0;
}

int store_case_create(db *d, const struct case_actor *a, const struct case_new *n, int64_t now,
                      int64_t *id, gg_err *err)
{
    int sys = a->role == CASE_ROLE_SYSTEM;
    if (a->role != ROLE_RESIDENT && !role_triages(a->role) && !sys)
        return gg_fail(err, GG_EFORBIDDEN, "", "your role (%s) may not file cases",
                       role_name(a->role));
    struct category cat;
    int rc = store_category_load(d, n->category ? n->category : "", &cat);
    if (rc && rc != GG_ENOTFOUND)
        return gg_fail(err, rc, "", "cannot read the categories");
    if (rc || !cat.active)
        return gg_fail(err, GG_ERULE, "category", "no category %s is open for reports",
                       n->category ? n->category : "");
    char grid[16], addr[512] = "";
    double lat = 0, lon = 0;
    if (n->household_id > 0 && n->has_point)
        return gg_fail(err, GG_EINVAL, "household_id",
                       "give household_id or lat and lon, not both");
    if (n->household_id > 0) {
        rc = store_household_locate(d, n->household_id, grid, &lat, &lon, addr, sizeof(addr));
        if (rc && rc != GG_ENOTFOUND)
            return gg_fail(err, rc, "", "cannot read household %lld", (long long)n->household_id);
        if (a->role == ROLE_RESIDENT) {
            int64_t own = 0;
            if (a->resident_id <= 0 ||
                db_query_i64(d, "SELECT household_id FROM residents WHERE id = $1", &own, "i",
                             a->resident_id) != 0 ||
                own != n->household_id || rc)
                return gg_fail(err, GG_ERULE, "household_id",
                               "household %lld is not yours: report for your own household or "
                               "for a point on the map",
                               (long long)n->household_id);
        } else if (rc || (!sys && !place_in_scope(a->place, grid))) {
            return gg_fail(err, GG_ERULE, "household_id",
                           "household %lld does not exist in your area",
                           (long long)n->household_id);
        }
    } else if (n->has_point) {
        if (!(n->lat >= -90 && n->lat <= 90) || !(n->lon >= -180 && n->lon <= 180))
            return gg_fail(err, GG_EINVAL, "lat", "lat and lon must be WGS-84 degrees");
        lat = n->lat;
        lon = n->lon;
        rc = locate_point(d, lat, lon, grid);
        if (rc == GG_ENOTFOUND)
            return gg_fail(err, GG_ERULE, "lat", "no grid is near this point");
        if (rc)
            return gg_fail(err, rc, "", "cannot locate the point");
        if (a->role != ROLE_RESIDENT && !sys && !place_in_scope(a->place, grid))
            return gg_fail(err, GG_ERULE, "lat", "the point lies in grid %s, outside your area",
                           grid);
    } else {
        return gg_fail(err, GG_EINVAL, "household_id",
                       "say where: household_id, or lat and lon, is required");
    }
    const char *title = n->title && n->title[0] ? n->title : cat.name;
    if (n->address && n->address[0])
        gg_strlcpy(addr, n->address, sizeof(addr));
    db_stmt *s;
    rc = db_prepare(d,
                    "INSERT INTO cases (place, category, title, description, address, source,"
                    " reporter_id, household_id, lat, lon, private, state, team_grid, reported_at,"
                    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                    " $11, 'reported', $1, $12, $12, $12) RETURNING id",
                    &s);
    if (rc)
        return gg_fail(err, rc, "", "cannot prepare the case insert");
    db_bind_text(s, 1, grid);
    db_bind_text(s, 2, cat.code);
    db_bind_text(s, 3, title);
    db_bind_text(s, 4, n->description ? n->description : "");
    db_bind_text(s, 5, addr);
    db_bind_text(s, 6, n->source ? n->source : a->role == ROLE_RESIDENT ? "resident" : "staff");
    bind_opt(s, 7, a->user_id);
    bind_opt(s, 8, n->household_id > 0 ? n->household_id : 0);
    db_bind_double(s, 9, lat);
    db_bind_double(s, 10, lon);
    db_bind_i64(s, 11, cat.is_private || n->is_private ? 1 : 0);
    db_bind_i64(s, 12, now);
    rc = db_step(s);
    int64_t newid = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    if (rc == DB_ROW)
        rc = db_step(s);
    db_finalize(s);
    if (rc >= 0)
        rc = store_indicators_case_added(d, newid);
    if (rc < 0)
        return gg_fail(err, rc, "", "cannot file the case: %s", db_errmsg(d));
    json_t *detail = json_pack("{s:s, s:s}", "category", cat.code, "place", grid);
    if (n->household_id > 0)
        json_object_set_new(detail, "household_id", json_integer(n->household_id));
    if ((rc = log_write(d, a, newid, now, "report", CASE_STATE_NONE, CASE_REPORTED, NULL,
                        detail)) != 0)
        return gg_fail(err, rc, "", "cannot write the case log: %s", db_errmsg(d));
    if (role_triages(a->role)) {
        struct case_act reg = {.action = CASE_REGISTER};
        if ((rc = store_case_act(d, a, newid, &reg, now, err)) != 0)
            return rc;
    }
    *id = newid;
    return 0;
}

/* ---- reading ---- */

#define CASE_SELECT                                                                                \
    "SELECT c.*, k.name AS category_name, COALESCE(s.name, '') AS assignee_name FROM cases c"      \
    " JOIN categories k ON k.code = c.category LEFT JOIN staff s ON s.id = c.assignee_staff_id"

/* API shape of a stored case row: booleans, labels and the time left. */
struct decorate_ctx {
    workcal *cal;
    int64_t now;
};

static void case_decorate(json_t *o, const workcal *cal, int64_t now);

/* store_collect_page's per-row hook for case lists. */
static void decorate_row(json_t *o, const void *ctx)
{
    const struct decorate_ctx *c = ctx;
    case_decorate(o, c->cal, c->now);
}

static void case_decorate(json_t *o, const workcal *cal, int64_t now)
{
    static const char *const bools[] = {"private", "overdue"};
    for (size_t i = 0; i < GG_ARRAY_LEN(bools); i++)
        json_object_set_new(o, bools[i],
                            json_boolean(json_integer_value(json_object_get(o, bools[i]))));
    enum case_state st = case_state_parse(json_string_value(json_object_get(o, "state")));
    json_object_set_new(o, "state_label", json_string(case_state_label(st)));
    enum case_closure cl = case_closure_parse(json_string_value(json_object_get(o, "closure")));
    json_object_set_new(o, "closure_label", json_string(case_closure_label(cl)));
    int esc = (int)json_integer_value(json_object_get(o, "escalation"));
    json_object_set_new(o, "escalated_to",
                        esc > 0 && esc <= 3 ? json_string(level_names[esc]) : json_null());
    json_t *dl = json_object_get(o, "deadline");
    if (case_state_clock_runs(st) && json_is_integer(dl))
        json_object_set_new(o, "time_left_minutes",
                            json_integer(workcal_between(cal, now, json_integer_value(dl))));
    else
        json_object_set_new(o, "time_left_minutes", json_null());
    json_object_del(o, "created_at");
}

/* The case's log as a JSON array; residents see roles, not staff logins. */
static int case_log_json(db *d, int64_t id, int resident_view, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT at, actor, role, action, from_state, to_state, note, detail"
                    " FROM case_log WHERE case_id = $1 ORDER BY id",
                    &s, "i", id);
    if (rc < 0)
        return rc;
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        const char *role = db_col_text(s, 2);
        const char *actor = db_col_text(s, 1);
        if (resident_view && strcmp(role, "system") != 0 && strcmp(role, "resident") != 0)
            actor = role_label(role_parse(role));
        enum case_action act = case_action_parse(db_col_text(s, 3));
        json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "at",
                              (json_int_t)db_col_i64(s, 0), "actor", actor, "role", role, "action",
                              db_col_text(s, 3), "action_label",
                              act ? case_action_label(act) : "上报", "from", db_col_text(s, 4),
                              "to", db_col_text(s, 5), "note", db_col_text(s, 6));
        const char *dj = db_col_text(s, 7);
        json_t *det = dj[0] ? json_loads(dj, 0, NULL) : NULL;
        json_object_set_new(e, "detail", det ? det : json_object());
        json_array_append_new(arr, e);
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

/* Names of the actions a may take on c now, as a JSON array. */
static json_t *actions_json(const struct case_actor *a, const struct case_row *c)
{
    unsigned set =
        case_actions_allowed(c->state, a->role, case_is_assignee(a, c), case_is_reporter(a, c));
    json_t *arr = json_array();
    for (int k = 1; k < CASE_ACTION_COUNT_; k++) {
        if (!(set & (1u << k)))
            continue;
        /* an extension is asked once, and decided only when asked */
        if ((k == CASE_EXTEND_REQUEST && c->ext_pending_hours) ||
            ((k == CASE_EXTEND_APPROVE || k == CASE_EXTEND_REJECT) && !c->ext_pending_hours) ||
            (k == CASE_ESCALATE && c->escalation >= 3))
            continue;
        json_array_append_new(arr, json_string(case_action_name((enum case_action)k)));
    }
    return arr;
}

int store_case_get(db *d, const struct case_actor *a, int64_t id, int64_t now, json_t **out)
{
    struct case_row c;
    int rc = row_load(d, id, &c);
    if (rc)
        return rc;
    int visible = case_visible(a, &c);
    if (!visible) {
        row_free(&c);
        return GG_ENOTFOUND;
    }
    db_stmt *s;
    rc = db_run(d, CASE_SELECT " WHERE c.id = $1", &s, "i", id);
    if (rc != DB_ROW) {
        if (rc >= 0)
            db_finalize(s);
        row_free(&c);
        return rc < 0 ? rc : GG_ENOTFOUND;
    }
    json_t *o = store_row_json(s);
    db_finalize(s);
    workcal *cal = calendar_for(now);
    case_decorate(o, cal, now);
    workcal_free(cal);
    json_object_set_new(o, "actions", actions_json(a, &c));
    row_free(&c);
    json_t *log, *dups = json_array();
    if ((rc = case_log_json(d, id, a->role == ROLE_RESIDENT, &log)) != 0) {
        json_decref(o);
        json_decref(dups);
        return rc;
    }
    json_object_set_new(o, "log", log);
    rc = db_run(d, "SELECT id FROM cases WHERE merged_into = $1 ORDER BY id", &s, "i", id);
    while (rc == DB_ROW) {
        json_array_append_new(dups, json_integer(db_col_i64(s, 0)));
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    json_object_set_new(o, "duplicates", dups);
    if (rc >= 0)
        rc = store_photos_attach(d, id, o);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* Bound parameters of a query built piece by piece. */
struct binds {
    int n;
    char type[24];
    int64_t i[24];
    const char *t[24];
    char scratch[6][CATEGORY_CODE_MAX + 2]; /* upper bounds of prefix ranges */
    int nscratch;
};

static int bind_i(struct binds *b, int64_t v)
{
    b->type[b->n] = 'i';
    b->i[b->n] = v;
    return ++b->n;
}

static int bind_t(struct binds *b, const char *v)
{
    b->type[b->n] = 't';
    b->t[b->n] = v;
    return ++b->n;
}

/* Bind "col >= prefix AND col < upper" for a prefix range; returns the upper's text. */
static void where_prefix(gg_buf *w, struct binds *b, const char *col, const char *prefix, char last)
{
    char *hi = b->scratch[b->nscratch++];
    snprintf(hi, sizeof(b->scratch[0]), "%s", prefix);
    size_t n = strlen(hi);
    if (n + 1 < sizeof(b->scratch[0])) {
        hi[n] = last;
        hi[n + 1] = '\0';
    }
    int lo = bind_t(b, prefix);
    int up = bind_t(b, hi);
    gg_buf_printf(w, "%s >= $%d AND %s < $%d", col, lo, col, up);
}

static void binds_apply(db_stmt *s, const struct binds *b)
{
    for (int k = 0; k < b->n; k++) {
        if (b->type[k] == 'i')
            db_bind_i64(s, k + 1, b->i[k]);
        else
            db_bind_text(s, k + 1, b->t[k]);
    }
}

/* The visibility rule of store_cases.h as SQL over cases c. */
static void where_visible(gg_buf *w, struct binds *b, const struct case_actor *a)
{
    if (a->role == CASE_ROLE_SYSTEM) {
        gg_buf_puts(w, "1 = 1");
        return;
    }
    switch (a->role) {
    case ROLE_NONE:
        gg_buf_puts(w, "1 = 0");
        break;
    case ROLE_RESIDENT:
        gg_buf_printf(w, "c.reporter_id = $%d", bind_i(b, a->user_id > 0 ? a->user_id : -1));
        break;
    case ROLE_DEPT_HANDLER:
        if (!a->department || !a->department[0]) {
            gg_buf_puts(w, "1 = 0");
            break;
        }
        gg_buf_printf(w, "c.assignee_dept = $%d AND ", bind_t(b, a->department));
        where_prefix(w, b, "c.place", a->place, ':');
        break;
    default:
        gg_buf_puts(w, "((");
        where_prefix(w, b, "c.place", a->place, ':');
        gg_buf_printf(w, ") OR c.assignee_staff_id = $%d)",
                      bind_i(b, a->staff_id > 0 ? a->staff_id : -1));
    }
}

int store_case_list(db *d, const struct case_actor *a, const struct case_query *q, int64_t now,
                    json_t **out, int64_t *next)
{
    gg_buf w;
    gg_buf_init(&w, 4096);
    struct binds b = {0};
    where_visible(&w, &b, a);
    if (q->state && *q->state)
        gg_buf_printf(&w, " AND c.state = $%d", bind_t(&b, q->state));
    if (q->category && *q->category) {
        /* the category and its children: "utilities" and "utilities.*" ('/' follows '.') */
        char *lo = b.scratch[b.nscratch++], *hi = b.scratch[b.nscratch++];
        snprintf(lo, sizeof(b.scratch[0]), "%s.", q->category);
        snprintf(hi, sizeof(b.scratch[0]), "%s/", q->category);
        int eq = bind_t(&b, q->category);
        int l = bind_t(&b, lo);
        int h = bind_t(&b, hi);
        gg_buf_printf(&w, " AND (c.category = $%d OR (c.category >= $%d AND c.category < $%d))", eq,
                      l, h);
    }
    if (q->place && *q->place) {
        gg_buf_puts(&w, " AND ");
        where_prefix(&w, &b, "c.place", q->place, ':');
    }
    if (q->assignee_me) {
        if (a->role == ROLE_DEPT_HANDLER)
            gg_buf_printf(&w, " AND c.assignee_dept = $%d",
                          bind_t(&b, a->department ? a->department : ""));
        else
            gg_buf_printf(&w, " AND c.assignee_staff_id = $%d",
                          bind_i(&b, a->staff_id > 0 ? a->staff_id : -1));
    }
    if (q->overdue)
        gg_buf_printf(&w,
                      " AND c.state IN ('dispatched', 'accepted') AND c.deadline IS NOT NULL"
                      " AND c.deadline < $%d",
                      bind_i(&b, now));
    int limit = q->limit > 0 ? q->limit : 50;
    char sql[6144];
    if (q->sort == CASE_SORT_DEADLINE) {
        int l = bind_i(&b, (int64_t)limit + 1);
        int o = bind_i(&b, q->after > 0 ? q->after : 0);
        snprintf(sql, sizeof(sql),
                 CASE_SELECT " WHERE %s ORDER BY c.deadline IS NULL, c.deadline, c.id"
                             " LIMIT $%d OFFSET $%d",
                 w.data, l, o);
    } else {
        if (q->after > 0)
            gg_buf_printf(&w, " AND c.id < $%d", bind_i(&b, q->after));
        int l = bind_i(&b, (int64_t)limit + 1);
        snprintf(sql, sizeof(sql), CASE_SELECT " WHERE %s ORDER BY c.id DESC LIMIT $%d", w.data, l);
    }
    gg_buf_free(&w);
    db_stmt *s;
    int rc = db_prepare(d, sql, &s);
    if (rc)
        return rc;
    binds_apply(s, &b);
    struct decorate_ctx ctx = {calendar_for(now), now};
    rc = store_collect_page(s, db_step(s), limit, decorate_row, &ctx, out, next);
    workcal_free(ctx.cal);
    /* The deadline order pages by offset, not by id. */
    if (rc == 0 && *next && q->sort == CASE_SORT_DEADLINE)
        *next = (q->after > 0 ? q->after : 0) + limit;
    return rc;
}

struct near {
    double dist;
    json_t *o;
};

static int by_dist(const void *x, const void *y)
{
    const struct near *a = x, *b = y;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return 0;
}

int store_case_nearby(db *d, const struct case_actor *a, const char *category, double lat,
                      double lon, int radius_m, int limit, json_t **out)
{
    double dl = radius_m / 111000.0 + 1e-6;
    double k = cos(lat * DEG);
    double dn = k > 0.05 ? dl / k : 180;
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT id, title, state, category, lat, lon, reported_at, private,"
                    " COALESCE(reporter_id, 0), place, assignee_dept,"
                    " COALESCE(assignee_staff_id, 0) FROM cases WHERE category = $1"
                    " AND state IN ('reported', 'registered', 'dispatched', 'accepted', 'handled')"
                    " AND lat BETWEEN $2 AND $3 AND lon BETWEEN $4 AND $5 ORDER BY id LIMIT 5000",
                    &s, "tdddd", category, lat - dl, lat + dl, lon - dn, lon + dn);
    if (rc < 0)
        return rc;
    size_t n = 0, cap = 16;
    struct near *v = xmalloc(cap * sizeof(*v));
    while (rc == DB_ROW) {
        struct case_row c = {0};
        c.reporter_id = db_col_i64(s, 8);
        gg_strlcpy(c.place, db_col_text(s, 9), sizeof(c.place));
        gg_strlcpy(c.assignee_dept, db_col_text(s, 10), sizeof(c.assignee_dept));
        c.assignee_staff_id = db_col_i64(s, 11);
        int is_private = (int)db_col_i64(s, 7);
        int show =
            a->role == ROLE_RESIDENT ? !is_private || case_is_reporter(a, &c) : case_visible(a, &c);
        double dist = distance_m(lat, lon, db_col_double(s, 4), db_col_double(s, 5));
        if (show && dist <= radius_m) {
            if (n == cap) {
                cap *= 2;
                v = xrealloc(v, cap * sizeof(*v));
            }
            enum case_state st = case_state_parse(db_col_text(s, 2));
            v[n].dist = dist;
            v[n].o =
                json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)db_col_i64(s, 0),
                          "title", db_col_text(s, 1), "state", db_col_text(s, 2), "state_label",
                          case_state_label(st), "category", db_col_text(s, 3), "distance_m",
                          (json_int_t)llround(dist), "reported_at", (json_int_t)db_col_i64(s, 6));
            n++;
        }
        rc = db_step(s);
    }
    db_finalize(s);
    qsort(v, n, sizeof(*v), by_dist);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if ((int)i < limit && rc >= 0)
            json_array_append_new(arr, v[i].o);
        else
            json_decref(v[i].o);
    }
    free(v);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

/* ---- the overdue sweep ---- */

/* Level an overdue case has reached, late working minutes past its deadline. */
static int escalation_level(int64_t late)
{
    if (late >= CASE_ESCALATE_STREET_MIN)
        return 3;
    if (late >= CASE_ESCALATE_COMMUNITY_MIN)
        return 2;
    return 1;
}

int store_cases_escalate_overdue(db *d, int64_t now, int *n)
{
    /* Collect first: the updates below must not disturb the scan. */
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT id FROM cases WHERE state IN ('dispatched', 'accepted')"
                    " AND deadline IS NOT NULL AND deadline < $1"
                    " AND (escalation < 3 OR overdue = 0) ORDER BY id",
                    &s, "i", now);
    if (rc < 0)
        return rc;
    size_t cnt = 0, cap = 64;
    int64_t *ids = xmalloc(cap * sizeof(*ids));
    while (rc == DB_ROW) {
        if (cnt == cap) {
            cap *= 2;
            ids = xrealloc(ids, cap * sizeof(*ids));
        }
        ids[cnt++] = db_col_i64(s, 0);
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        free(ids);
        return rc;
    }
    workcal *cal = calendar_for(now);
    int written = 0;
    rc = 0;
    for (size_t i = 0; i < cnt && rc == 0; i++) {
        struct case_row c;
        if ((rc = row_load(d, ids[i], &c)) != 0)
            break;
        int level = escalation_level(workcal_between(cal, c.deadline, now));
        int from = c.escalation, mark = !c.overdue;
        enum case_state to;
        if (level > from &&
            case_transition(c.state, CASE_ESCALATE, CASE_ROLE_SYSTEM, 0, 0, &to, NULL) == 0) {
            c.overdue = 1;
            c.escalation = level;
            rc = row_store(d, &c, c.state, c.version, now);
            for (int l = from + 1; l <= level && rc == 0; l++) {
                char note[64];
                snprintf(note, sizeof(note), "超时升级至%s", level_labels[l]);
                rc = log_write(d, &system_actor, c.id, now, case_action_name(CASE_ESCALATE),
                               c.state, to, note, escalation_detail(&c, l));
                written += rc == 0;
            }
        } else if (mark) {
            /* its levels were written before an extension: only mark it again */
            c.overdue = 1;
            rc = row_store(d, &c, c.state, c.version, now);
        }
        row_free(&c);
    }
    workcal_free(cal);
    free(ids);
    if (rc == 0)
        *n = written;
    return rc;
}
