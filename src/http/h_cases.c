/*
 * h_cases.c — cases (事件/诉求) over HTTP:
 *
 *   POST /api/v1/cases                  file a report {category, title?, description?,
 *                                       address?, household_id | lat+lon, private?,
 *                                       photos?: [hash…] uploaded first (h_photos.c)}
 *   GET  /api/v1/cases                  visible cases, paged; filters state, category,
 *                                       place (or grid), assignee=me, overdue=1;
 *                                       sort=recent|deadline; ?format=csv|xlsx exports
 *   GET  /api/v1/cases/nearby           open cases of a category near a point
 *                                       (?category=&lat=&lon=&radius_m=), before filing
 *   GET  /api/v1/cases/{id}             one case with its log and working minutes left
 *   POST /api/v1/cases/{id}/actions     one workflow action {action, note?,
 *                                       expected_version?, …}
 *   POST /api/v1/admin/tick             city admins: run the overdue sweep now
 *
 * Who may take which action is case_flow.c's table; which cases a caller
 * sees is the store's rule (store_cases.h). A case the caller may not see
 * answers 404. The server runs every POST in one transaction, so a refused
 * action (403, 409, 400/422) changes nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "http_internal.h"
#include "limits.h"
#include "store_cases.h"
#include "store_photos.h"

#define CASE_TITLE_MAX 100   /* code points */
#define CASE_ADDRESS_MAX 200 /* code points */
#define CASE_COMMENT_MAX 1000
#define CASE_NEARBY_DEFAULT 200 /* metres */
#define CASE_NEARBY_LIMIT 50

static void actor_of(const http_req *r, struct case_actor *a)
{
    a->user_id = r->user.id;
    a->login = r->user.login;
    a->role = r->role;
    a->place = r->user.place;
    a->department = r->user.department;
    a->staff_id = r->user.staff_id;
    a->resident_id = r->user.resident_id;
}

void http_case_actor(const http_req *r, struct case_actor *a)
{
    actor_of(r, a);
}

/* The case id of the path; a malformed id is simply a case that does not exist. */
static int path_id(http_req *r, int64_t *id)
{
    if (gg_parse_i64(r->params[0], 1, INT64_MAX, id) != 0)
        return http_fail(r, GG_ENOTFOUND, "id", "no case %.32s", r->params[0]);
    return 0;
}

/* ---- body fields ---- */

/* A string field of at most max code points (0: no limit beyond the body's); NULL if absent. */
static int body_text(http_req *r, json_t *b, const char *name, size_t max, const char **out)
{
    json_t *v = json_object_get(b, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return http_fail(r, GG_EINVAL, name, "%s must be a string", name);
    if (max && gg_utf8_len(json_string_value(v)) > max)
        return http_fail(r, GG_EINVAL, name, "%s is longer than %zu characters", name, max);
    *out = json_string_value(v);
    return 0;
}

/* An integer field in [min, max]; *out untouched if absent. */
static int body_int(http_req *r, json_t *b, const char *name, int64_t min, int64_t max,
                    int64_t *out)
{
    json_t *v = json_object_get(b, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return http_fail(r, GG_EINVAL, name, "%s must be an integer from %lld to %lld", name,
                         (long long)min, (long long)max);
    *out = json_integer_value(v);
    return 0;
}

static int body_bool(http_req *r, json_t *b, const char *name, int *out)
{
    json_t *v = json_object_get(b, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return http_fail(r, GG_EINVAL, name, "%s must be true or false", name);
    *out = json_is_true(v);
    return 0;
}

/* ---- filing ---- */

static int cases_create(http_req *r)
{
    static const char *const allowed[] = {"category", "title", "description", "address",
                                          "household_id", "lat", "lon", "private", "photos"};
    int rc = http_require(r, "cases", ACT_CREATE);
    json_t *b;
    if (rc || (rc = http_body_json(r, &b)) != 0)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach (b, key, v) {
        int ok = 0;
        for (size_t i = 0; i < GG_ARRAY_LEN(allowed); i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char k[64];
            gg_strlcpy(k, key, sizeof(k));
            rc = http_fail(r, GG_EINVAL, k, "unknown field %s", k);
            goto done;
        }
    }
    struct case_new n = {0};
    const char *photos[GG_MAX_PHOTOS];
    int nphotos;
    json_t *lat = json_object_get(b, "lat"), *lon = json_object_get(b, "lon");
    if ((rc = body_text(r, b, "category", 0, &n.category)) != 0 ||
        (rc = body_text(r, b, "title", CASE_TITLE_MAX, &n.title)) != 0 ||
        (rc = body_text(r, b, "description", GG_MAX_STRING, &n.description)) != 0 ||
        (rc = body_text(r, b, "address", CASE_ADDRESS_MAX, &n.address)) != 0 ||
        (rc = body_int(r, b, "household_id", 1, INT64_MAX, &n.household_id)) != 0 ||
        (rc = body_bool(r, b, "private", &n.is_private)) != 0 ||
        (rc = http_photo_hashes(r, b, photos, &nphotos)) != 0)
        goto done;
    if (!n.category || !store_category_code_ok(n.category)) {
        rc = http_fail(r, GG_EINVAL, "category", "category is required: a category code");
        goto done;
    }
    if ((lat && !json_is_null(lat)) || (lon && !json_is_null(lon))) {
        if (!json_is_number(lat) || !json_is_number(lon)) {
            rc = http_fail(r, GG_EINVAL, json_is_number(lat) ? "lon" : "lat",
                           "lat and lon must both be numbers (WGS-84 degrees)");
            goto done;
        }
        n.has_point = 1;
        n.lat = json_number_value(lat);
        n.lon = json_number_value(lon);
        if (!(n.lat >= -90 && n.lat <= 90) || !(n.lon >= -180 && n.lon <= 180)) {
            rc = http_fail(r, GG_EINVAL, "lat", "lat must be in -90..90 and lon in -180..180");
            goto done;
        }
    }
    struct case_actor a;
    actor_of(r, &a);
    int64_t id;
    if ((rc = store_case_create(r->db, &a, &n, gg_now(), &id, &r->err)) != 0 ||
        (rc = store_photos_link_case(r->db, id, "report", photos, nphotos, a.user_id, gg_now(),
                                     &r->err)) != 0)
        goto done;
    json_t *out;
    if ((rc = store_case_get(r->db, &a, id, gg_now(), &out)) != 0) {
        rc = http_fail(r, rc, "", "cannot read back the case");
        goto done;
    }
    rc = http_reply_json(r, 201, out);
done:
    json_decref(b);
    return rc;
}

/* ---- reading ---- */

static int cases_get(http_req *r)
{
    int rc = http_require(r, "cases", ACT_READ);
    int64_t id;
    if (rc || (rc = path_id(r, &id)) != 0)
        return rc;
    struct case_actor a;
    actor_of(r, &a);
    json_t *out;
    rc = store_case_get(r->db, &a, id, gg_now(), &out);
    if (rc == GG_ENOTFOUND)
        return http_fail(r, rc, "id", "case %lld not found", (long long)id);
    if (rc)
        return http_fail(r, rc, "", "cannot read the case");
    return http_reply_json(r, 200, out);
}

/* Unix seconds as China Standard Time "2026-03-02 09:00" for spreadsheets; "" for none. */
static json_t *local_time(json_t *v)
{
    if (!json_is_integer(v))
        return json_string("");
    time_t t = (time_t)(json_integer_value(v) + 8 * 3600);
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    return json_string(buf);
}

static int export_cases(http_req *r, const char *format, json_t *rows)
{
    static const char *const cols[] = {
        "id",        "place",         "category_name", "title",       "state_label",   "source",
        "address",   "assignee_name", "assignee_dept", "reported_at", "dispatched_at", "deadline",
        "closed_at", "closure_label", "rating",        "overdue"};
    static const char *const labels[] = {
        "编号",     "网格",     "类别",     "标题",     "状态",     "来源",     "地址", "处置人",
        "处置部门", "上报时间", "派遣时间", "处置时限", "结案时间", "结案类型", "评分", "超时"};
    static const char *const times[] = {"reported_at", "dispatched_at", "deadline", "closed_at"};
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        for (size_t k = 0; k < GG_ARRAY_LEN(times); k++)
            json_object_set_new(row, times[k], local_time(json_object_get(row, times[k])));
    }
    return http_reply_table(r, format, "cases", rows, cols, labels, (int)GG_ARRAY_LEN(cols));
}

static int cases_list(http_req *r)
{
    static const char *const params[] = {"state",   "category", "place", "grid",  "assignee",
                                         "overdue", "sort",     "limit", "after", "format"};
    int rc = http_require(r, "cases", ACT_READ);
    if (rc)
        return rc;
    if ((rc = http_args_only(r, params, GG_ARRAY_LEN(params))) != 0)
        return rc;
    struct case_query q = {0};
    q.state = http_arg_get(r, "state");
    if (q.state && case_state_parse(q.state) == CASE_STATE_NONE)
        return http_fail(r, GG_EINVAL, "state",
                         "state must be one of reported, registered, dispatched, accepted, "
                         "handled, closed, rated, cancelled");
    q.category = http_arg_get(r, "category");
    if (q.category && !store_category_code_ok(q.category))
        return http_fail(r, GG_EINVAL, "category", "category must be a category code");
    q.place = http_arg_get(r, "place");
    const char *grid = http_arg_get(r, "grid");
    if (grid && q.place)
        return http_fail(r, GG_EINVAL, "grid", "give place or grid, not both");
    if (grid && place_level_of(grid) != PLACE_GRID)
        return http_fail(r, GG_EINVAL, "grid", "grid must be a 15-digit grid code");
    if (grid)
        q.place = grid;
    if (q.place && place_level_of(q.place) == PLACE_INVALID)
        return http_fail(r, GG_EINVAL, "place", "place must be a division or grid code");
    const char *as = http_arg_get(r, "assignee");
    if (as && strcmp(as, "me") != 0)
        return http_fail(r, GG_EINVAL, "assignee", "assignee must be \"me\"");
    q.assignee_me = as != NULL;
    if ((rc = http_arg_flag(r, "overdue", &q.overdue)) != 0)
        return rc;
    const char *sort = http_arg_get(r, "sort");
    if (sort && strcmp(sort, "recent") != 0 && strcmp(sort, "deadline") != 0)
        return http_fail(r, GG_EINVAL, "sort", "sort must be recent or deadline");
    /* a worker's queue comes by deadline unless asked otherwise */
    q.sort = (sort ? strcmp(sort, "deadline") == 0 : q.assignee_me) ? CASE_SORT_DEADLINE
                                                                    : CASE_SORT_RECENT;
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
        strcmp(format, "xlsx") != 0)
        return http_fail(r, GG_EINVAL, "format", "format must be json, csv or xlsx");
    int exporting = format && strcmp(format, "json") != 0;
    if (exporting && (rc = http_require(r, "cases", ACT_EXPORT)) != 0)
        return rc;
    if ((rc = http_page_args(r, &q.limit, &q.after)) != 0)
        return rc;
    if (exporting) {
        q.limit = GG_EXPORT_MAX;
        q.after = 0;
    }
    struct case_actor a;
    actor_of(r, &a);
    json_t *rows;
    int64_t next;
    if ((rc = store_case_list(r->db, &a, &q, gg_now(), &rows, &next)) != 0)
        return http_fail(r, rc, "", "cannot list cases");
    if (exporting)
        return export_cases(r, format, rows);
    return http_reply_json(r, 200, http_page(rows, next));
}

/* A decimal number argument in [min, max]. */
static int number_arg(http_req *r, const char *name, double min, double max, double *out)
{
    const char *v = http_arg_get(r, name);
    if (!v || !*v)
        return http_fail(r, GG_EINVAL, name, "%s is required", name);
    char *end;
    double x = strtod(v, &end);
    if (*end || !isfinite(x) || x < min || x > max)
        return http_fail(r, GG_EINVAL, name, "%s must be a number from %g to %g", name, min, max);
    *out = x;
    return 0;
}

static int cases_nearby(http_req *r)
{
    static const char *const params[] = {"category", "lat", "lon", "radius_m", "limit"};
    int rc = http_require(r, "cases", ACT_READ);
    if (rc)
        return rc;
    if ((rc = http_args_only(r, params, GG_ARRAY_LEN(params))) != 0)
        return rc;
    const char *cat = http_arg_get(r, "category");
    if (!cat || !store_category_code_ok(cat))
        return http_fail(r, GG_EINVAL, "category", "category is required: a category code");
    double lat, lon;
    if ((rc = number_arg(r, "lat", -90, 90, &lat)) != 0 ||
        (rc = number_arg(r, "lon", -180, 180, &lon)) != 0)
        return rc;
    int64_t radius = CASE_NEARBY_DEFAULT, limit = 20;
    const char *rs = http_arg_get(r, "radius_m"), *ls = http_arg_get(r, "limit");
    if (rs && gg_parse_i64(rs, 1, CASE_NEARBY_MAX_RADIUS, &radius) != 0)
        return http_fail(r, GG_EINVAL, "radius_m", "radius_m must be an integer from 1 to %d",
                         CASE_NEARBY_MAX_RADIUS);
    if (ls && gg_parse_i64(ls, 1, CASE_NEARBY_LIMIT, &limit) != 0)
        return http_fail(r, GG_EINVAL, "limit", "limit must be an integer from 1 to %d",
                         CASE_NEARBY_LIMIT);
    struct case_actor a;
    actor_of(r, &a);
    json_t *rows;
    if ((rc = store_case_nearby(r->db, &a, cat, lat, lon, (int)radius, (int)limit, &rows)) != 0)
        return http_fail(r, rc, "", "cannot search nearby cases");
    return http_reply_json(r, 200, http_page(rows, 0));
}

/* ---- acting ---- */

/* Body fields that only some actions take, and which. */
static const struct {
    const char *name;
    unsigned actions; /* bit set of enum case_action */
} action_fields[] = {
    {"staff_id", 1u << CASE_DISPATCH},
    {"department", 1u << CASE_DISPATCH},
    {"hours", 1u << CASE_EXTEND_REQUEST | 1u << CASE_EXTEND_APPROVE},
    {"rating", 1u << CASE_RATE},
    {"comment", 1u << CASE_RATE},
    {"result", 1u << CASE_HANDLE},
    {"photos", 1u << CASE_HANDLE}, /* of the result */
    {"into", 1u << CASE_MERGE},
    {"special", 1u << CASE_VERIFY},
};

static int parse_action(http_req *r, json_t *b, struct case_act *x)
{
    const char *name;
    int rc = body_text(r, b, "action", 0, &name);
    if (rc)
        return rc;
    x->action = case_action_parse(name);
    if (x->action == CASE_ACTION_NONE)
        return http_fail(r, GG_EINVAL, "action",
                         "action must be one of register, cancel, dispatch, accept, return, "
                         "handle, verify, reopen, rate, extend_request, extend_approve, "
                         "extend_reject, escalate, merge, supervise");
    const char *key;
    json_t *v;
    json_object_foreach (b, key, v) {
        if (strcmp(key, "action") == 0 || strcmp(key, "note") == 0 ||
            strcmp(key, "expected_version") == 0)
            continue;
        size_t i = 0;
        while (i < GG_ARRAY_LEN(action_fields) && strcmp(action_fields[i].name, key) != 0)
            i++;
        char k[64];
        gg_strlcpy(k, key, sizeof(k));
        if (i == GG_ARRAY_LEN(action_fields))
            return http_fail(r, GG_EINVAL, k, "unknown field %s", k);
        if (!(action_fields[i].actions & (1u << x->action)))
            return http_fail(r, GG_EINVAL, k, "%s does not apply to %s", k, name);
    }
    int64_t staff = 0, hours = 0, rating = 0, into = 0;
    if ((rc = body_text(r, b, "note", GG_MAX_STRING, &x->note)) != 0 ||
        (rc = body_int(r, b, "expected_version", 1, INT64_MAX, &x->expected_version)) != 0 ||
        (rc = body_int(r, b, "staff_id", 1, INT64_MAX, &staff)) != 0 ||
        (rc = body_text(r, b, "department", CATEGORY_HANDLER_MAX, &x->department)) != 0 ||
        (rc = body_int(r, b, "hours", 1, CATEGORY_LIMIT_MAX, &hours)) != 0 ||
        (rc = body_int(r, b, "rating", 1, 5, &rating)) != 0 ||
        (rc = body_text(r, b, "comment", CASE_COMMENT_MAX, &x->comment)) != 0 ||
        (rc = body_text(r, b, "result", GG_MAX_STRING, &x->result)) != 0 ||
        (rc = body_int(r, b, "into", 1, INT64_MAX, &into)) != 0 ||
        (rc = body_bool(r, b, "special", &x->special)) != 0)
        return rc;
    if (x->department && !x->department[0])
        return http_fail(r, GG_EINVAL, "department", "department must not be empty");
    x->staff_id = staff;
    x->hours = (int)hours;
    x->rating = (int)rating;
    x->into = into;
    return 0;
}

static int cases_action(http_req *r)
{
    int rc = http_require(r, "cases", ACT_UPDATE);
    int64_t id;
    if (rc || (rc = path_id(r, &id)) != 0)
        return rc;
    json_t *b;
    if ((rc = http_body_json(r, &b)) != 0)
        return rc;
    struct case_act x = {0};
    struct case_actor a;
    actor_of(r, &a);
    const char *photos[GG_MAX_PHOTOS];
    int nphotos;
    if ((rc = parse_action(r, b, &x)) == 0 &&
        (rc = http_photo_hashes(r, b, photos, &nphotos)) == 0 &&
        (rc = store_case_act(r->db, &a, id, &x, gg_now(), &r->err)) == 0 &&
        (rc = store_photos_link_case(r->db, id, "result", photos, nphotos, a.user_id, gg_now(),
                                     &r->err)) == 0) {
        json_t *out;
        rc = store_case_get(r->db, &a, id, gg_now(), &out);
        rc = rc ? http_fail(r, rc, "", "cannot read back the case") : http_reply_json(r, 200, out);
    }
    json_decref(b); /* the strings of x point into b */
    return rc;
}

/* ---- the overdue sweep, by hand ---- */

static int admin_tick(http_req *r)
{
    if (r->role != ROLE_CITY_ADMIN)
        return http_fail(r, GG_EFORBIDDEN, "", "only city admins may run the scheduler by hand");
    int64_t now = gg_now();
    int n = 0;
    int rc = store_cases_escalate_overdue(r->db, now, &n);
    if (rc)
        return http_fail(r, rc, "", "the overdue sweep failed: %s", db_errmsg(r->db));
    char detail[64];
    snprintf(detail, sizeof(detail), "{\"escalations\":%d}", n);
    if ((rc = http_audit(r, "tick", "cases", "", r->user.place, detail)) != 0)
        return http_fail(r, rc, "", "cannot write the audit log");
    return http_reply_json(r, 200,
                           json_pack("{s:i, s:I}", "escalations", n, "now", (json_int_t)now));
}

const struct http_route http_routes_cases[] = {
    {"GET", "/api/v1/cases", cases_list, 0},
    {"POST", "/api/v1/cases", cases_create, 0},
    {"GET", "/api/v1/cases/nearby", cases_nearby, 0},
    {"GET", "/api/v1/cases/:id", cases_get, 0},
    {"POST", "/api/v1/cases/:id/actions", cases_action, 0},
    {"POST", "/api/v1/admin/tick", admin_tick, 0},
    {NULL, NULL, NULL, 0},
};
