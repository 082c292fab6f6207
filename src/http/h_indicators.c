/*
 * h_indicators.c — case indicators (考核指标) over HTTP:
 *
 *   GET /api/v1/indicators?group=street|community|grid|worker|category|month
 *       &place=&from=YYYY-MM&to=YYYY-MM&category=&department=[&format=csv|xlsx]
 *
 * Sums of the materialised counters (store_indicators.h) under a place the
 * caller may see, one row per group with its Chinese name, its counters and
 * every indicator of indicator.h, and a totals row. Without group the rows
 * are the next level below the place (city → streets → communities →
 * grids → workers). A department handler sees only their department's
 * cases. The formulas and the bucket rule are in docs/indicators.md.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "indicator.h"
#include "indicator_case.h"
#include "place.h"
#include "store_cases.h"
#include "store_indicators.h"

/* Counters as the API names them, with their spreadsheet headers. */
static const struct {
    const char *name, *label;
} counter_cols[] = {
    {"due", "应结案数"},
    {"closed", "结案数"},
    {"closed_on_time", "按期结案数"},
    {"handling_minutes_sum", "处置时长合计(工作分钟)"},
    {"dispatched", "派遣数"},
    {"returned", "退回数"},
    {"extended", "延期数"},
    {"reopened", "返工数"},
    {"rated", "评价数"},
    {"rating_sum", "评分合计"},
    {"rating_4_5", "满意数(4–5分)"},
};

/* Headers of the key and name columns, by group. */
static const char *const key_labels[IND_GROUP_COUNT_][2] = {
    [IND_GROUP_STREET] = {"街道代码", "街道"},   [IND_GROUP_COMMUNITY] = {"社区代码", "社区"},
    [IND_GROUP_GRID] = {"网格代码", "网格"},     [IND_GROUP_WORKER] = {"处置人编号", "处置人"},
    [IND_GROUP_CATEGORY] = {"类别代码", "类别"}, [IND_GROUP_MONTH] = {"月份", "月份名称"},
};

#define NCOLS (2 + (int)GG_ARRAY_LEN(counter_cols) + IND_COUNT_)

/* Rates as display text ("87.65%", "4.37", "3小时5分", "—") for a spreadsheet. */
static void format_rates(json_t *row)
{
    for (int i = 0; i < IND_COUNT_; i++) {
        const char *name = indicator_name((enum indicator)i);
        json_t *v = json_object_get(row, name);
        char buf[32];
        indicator_format((enum indicator)i, json_is_integer(v) ? json_integer_value(v) : -1, buf,
                         sizeof(buf));
        json_object_set_new(row, name, json_string(buf));
    }
}

static int export_indicators(http_req *r, const char *format, enum indicator_group g, json_t *items,
                             json_t *total)
{
    const char *cols[NCOLS], *labels[NCOLS];
    int n = 0;
    cols[n] = "key";
    labels[n++] = key_labels[g][0];
    cols[n] = "name";
    labels[n++] = key_labels[g][1];
    for (size_t i = 0; i < GG_ARRAY_LEN(counter_cols); i++) {
        cols[n] = counter_cols[i].name;
        labels[n++] = counter_cols[i].label;
    }
    for (int i = 0; i < IND_COUNT_; i++) {
        cols[n] = indicator_name((enum indicator)i);
        labels[n++] = indicator_label((enum indicator)i);
    }
    json_array_append_new(items, total);
    size_t i;
    json_t *row;
    json_array_foreach (items, i, row)
        format_rates(row);
    char file[48];
    snprintf(file, sizeof(file), "indicators-%s", store_indicator_group_name(g));
    return http_reply_table(r, format, file, items, cols, labels, n);
}

/* The group one level below a place: the default rows of an answer. */
static enum indicator_group group_below(const char *place)
{
    switch (place_level_of(place)) {
    case PLACE_STREET:
        return IND_GROUP_COMMUNITY;
    case PLACE_COMMUNITY:
        return IND_GROUP_GRID;
    case PLACE_GRID:
        return IND_GROUP_WORKER;
    default:
        return IND_GROUP_STREET;
    }
}

static int month_arg(http_req *r, const char *name, const char **out)
{
    *out = http_arg_get(r, name);
    if (*out && !indicator_month_ok(*out))
        return http_fail(r, GG_EINVAL, name, "%s must be a month YYYY-MM", name);
    return 0;
}

static int indicators_get(http_req *r)
{
    static const char *const params[] = {"group",    "place",      "from",  "to",
                                         "category", "department", "format"};
    int rc = http_require(r, "indicators", ACT_READ);
    if (rc || (rc = http_args_only(r, params, GG_ARRAY_LEN(params))) != 0)
        return rc;
    struct indicator_query q = {0};
    if ((rc = http_place_arg(r, &q.place)) != 0)
        return rc;
    const char *group = http_arg_get(r, "group");
    q.group = group_below(q.place);
    if (group && store_indicator_group_parse(group, &q.group) != 0)
        return http_fail(r, GG_EINVAL, "group",
                         "group must be street, community, grid, worker, category or month");
    if ((rc = month_arg(r, "from", &q.from)) != 0 || (rc = month_arg(r, "to", &q.to)) != 0)
        return rc;
    if (q.from && q.to && strcmp(q.from, q.to) > 0)
        return http_fail(r, GG_EINVAL, "to", "to (%s) is before from (%s)", q.to, q.from);
    q.category = http_arg_get(r, "category");
    if (q.category && !store_category_code_ok(q.category))
        return http_fail(r, GG_EINVAL, "category", "category must be a category code");
    q.department = http_arg_get(r, "department");
    if (q.department && (!q.department[0] || gg_utf8_len(q.department) > CATEGORY_HANDLER_MAX))
        return http_fail(r, GG_EINVAL, "department", "department must be 1 to %d characters",
                         CATEGORY_HANDLER_MAX);
    if (r->role == ROLE_DEPT_HANDLER) {
        /* a department sees its own work only */
        if (!r->user.department[0])
            return http_fail(r, GG_EFORBIDDEN, "department",
                             "your account is not linked to a department");
        if (q.department && strcmp(q.department, r->user.department) != 0)
            return http_fail(r, GG_EFORBIDDEN, "department",
                             "you may see the indicators of %s only", r->user.department);
        q.department = r->user.department;
    }
    const char *format = http_arg_get(r, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
        strcmp(format, "xlsx") != 0)
        return http_fail(r, GG_EINVAL, "format", "format must be json, csv or xlsx");
    int exporting = format && strcmp(format, "json") != 0;
    if (exporting && (rc = http_require(r, "indicators", ACT_EXPORT)) != 0)
        return rc;
    json_t *items, *total;
    if ((rc = store_indicators_query(r->db, &q, &items, &total)) != 0)
        return http_fail(r, rc, "",
                         rc == GG_EIO ? "the stored indicators are inconsistent: run gridgov "
                                        "indicators --check"
                                      : "cannot read the indicators");
    if (exporting)
        return export_indicators(r, format, q.group, items, total);
    return http_reply_json(r, 200,
                           json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "group",
                                     store_indicator_group_name(q.group), "place", q.place, "from",
                                     q.from, "to", q.to, "category", q.category, "department",
                                     q.department, "items", items, "total", total));
}

const struct http_route http_routes_indicators[] = {
    {"GET", "/api/v1/indicators", indicators_get, 0},
    {NULL, NULL, NULL, 0},
};
