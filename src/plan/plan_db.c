/*
 * plan_db.c — planning a community from the database: buildings in,
 * partition and shapes (plan.h), figures before and after, the team each
 * old grid hands to a new one, open cases, staffing and the split
 * proposal; then storing the preview and applying it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "place.h"
#include "plan_db.h"
#include "store.h"
#include "store_plans.h"

#define HULL_MARGIN 40.0 /* metres around a community's buildings */

void plan_opts_default(struct plan_opts *o)
{
    memset(o, 0, sizeof(*o));
    plan_params_default(&o->params);
}

static const struct {
    const char *name;
    size_t off;
} param_fields[] = {
    {"min_households", offsetof(struct plan_params, min_households)},
    {"max_households", offsetof(struct plan_params, max_households)},
    {"max_residents", offsetof(struct plan_params, max_residents)},
    {"split_households", offsetof(struct plan_params, split_households)},
    {"staff_per_10k", offsetof(struct plan_params, staff_per_10k)},
};

json_t *plan_params_json(const struct plan_params *pp)
{
    json_t *o = json_object();
    for (size_t i = 0; i < GG_ARRAY_LEN(param_fields); i++)
        json_object_set_new(o, param_fields[i].name,
                            json_integer(*(const int *)((const char *)pp + param_fields[i].off)));
    return o;
}

int plan_params_from_json(const json_t *o, struct plan_params *pp, gg_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)o, key, v) {
        size_t i;
        for (i = 0; i < GG_ARRAY_LEN(param_fields); i++)
            if (strcmp(param_fields[i].name, key) == 0)
                break;
        if (i == GG_ARRAY_LEN(param_fields))
            return gg_fail(err, GG_EINVAL, key, "unknown field %s", key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10000000)
            return gg_fail(err, GG_EINVAL, key, "%s must be a non-negative integer", key);
        *(int *)((char *)pp + param_fields[i].off) = (int)json_integer_value(v);
    }
    return plan_params_check(pp, err);
}

/* ---- small helpers ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* {min, median, max} of n values (sorted here). */
static json_t *spread(int64_t *v, int n)
{
    if (n == 0)
        return json_pack("{s:n, s:n, s:n}", "min", "median", "max");
    qsort(v, (size_t)n, sizeof(*v), cmp_i64);
    double med = n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    return json_pack("{s:I, s:f, s:I}", "min", (json_int_t)v[0], "median", med, "max",
                     (json_int_t)v[n - 1]);
}

static json_t *team_json(const struct plan_team *t)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "grid_chief", t->chief, "fulltime", t->fulltime,
                     "parttime", t->parttime, "volunteers", t->volunteers);
}

static void team_add(struct plan_team *a, const struct plan_team *b)
{
    a->chief += b->chief;
    a->fulltime += b->fulltime;
    a->parttime += b->parttime;
    a->volunteers += b->volunteers;
}

static void team_of_stats(const json_t *grid, struct plan_team *t)
{
    const json_t *tm = json_object_get(grid, "team");
    t->chief = (int)json_integer_value(json_object_get(tm, "grid_chief"));
    t->fulltime = (int)json_integer_value(json_object_get(tm, "fulltime"));
    t->parttime = (int)json_integer_value(json_object_get(tm, "parttime"));
    t->volunteers = (int)json_integer_value(json_object_get(tm, "volunteers"));
}

/* Why today's grid is out of standard, "" if it is not. */
static void grid_why(int64_t hh, int64_t res, const struct plan_params *pp, char *out, size_t n)
{
    struct plan_grid_stat st = {.households = hh, .residents = res, .big_building = -1};
    if (hh > pp->max_households)
        st.issues |= PLAN_TOO_MANY;
    if (hh < pp->min_households)
        st.issues |= PLAN_TOO_FEW;
    if (res > pp->max_residents)
        st.issues |= PLAN_TOO_MANY_RES;
    plan_issue_text(&st, NULL, pp, out, n);
}

/* ---- one community ---- */

struct comm {
    db *d;
    const struct plan_params *pp;
    const char *code;
    const char *short_name;
    int force;
    json_t *grids_out; /* the plan's "grids" array: new grids are appended */
    /* today */
    json_t *stats; /* store_grid_stats rows of in-service grids */
    int nold;
    /* buildings */
    struct store_plan_bldg *rows;
    int n;
    struct plan_bldg *b;
    struct plan_proj pj;
    int *old; /* index of each building's grid in stats, -1 if none */
};

static int old_index(const struct comm *c, const char *place)
{
    for (int i = 0; i < c->nold; i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(c->stats, i), "code")),
                   place) == 0)
            return i;
    return -1;
}

/* Today's figures: {grids, households{}, residents{}, out_of_standard[], estates_split}. */
static json_t *before_json(struct comm *c, int *nout)
{
    int64_t *hh = xmalloc(sizeof(int64_t) * ((size_t)c->nold + 1));
    int64_t *rs = xmalloc(sizeof(int64_t) * ((size_t)c->nold + 1));
    json_t *out = json_array();
    for (int i = 0; i < c->nold; i++) {
        const json_t *g = json_array_get(c->stats, i);
        hh[i] = json_integer_value(json_object_get(g, "households"));
        rs[i] = json_integer_value(json_object_get(g, "residents"));
        char why[256];
        grid_why(hh[i], rs[i], c->pp, why, sizeof(why));
        if (why[0])
            json_array_append_new(
                out, json_pack("{s:O, s:O, s:I, s:I, s:s}", "code", json_object_get(g, "code"),
                               "name", json_object_get(g, "name"), "households", (json_int_t)hh[i],
                               "residents", (json_int_t)rs[i], "why", why));
    }
    int unassigned = 0;
    int *part = xmalloc(sizeof(int) * ((size_t)c->n + 1));
    for (int v = 0; v < c->n; v++) {
        unassigned += c->old[v] < 0;
        part[v] = c->old[v] < 0 ? c->nold : c->old[v];
    }
    int esplit = plan_estates_split(c->b, c->n, part);
    free(part);
    *nout = (int)json_array_size(out) + (unassigned > 0);
    json_t *o = json_pack("{s:i, s:o, s:o, s:o, s:i, s:i}", "grids", c->nold, "households",
                          spread(hh, c->nold), "residents", spread(rs, c->nold), "out_of_standard",
                          out, "buildings_without_grid", unassigned, "estates_split", esplit);
    free(hh);
    free(rs);
    return o;
}

static json_t *staffing_today(struct comm *c, int64_t residents)
{
    struct plan_team need = {0}, have = {0}, gap = {0};
    for (int i = 0; i < c->nold; i++) {
        const json_t *g = json_array_get(c->stats, i);
        struct plan_team n1, h1, g1;
        plan_staff_need(json_integer_value(json_object_get(g, "residents")), c->pp->staff_per_10k,
                        &n1);
        team_of_stats(g, &h1);
        plan_staff_gap(&n1, &h1, &g1);
        team_add(&need, &n1);
        team_add(&have, &h1);
        team_add(&gap, &g1);
    }
    return json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "per_10k", c->pp->staff_per_10k, "residents",
                     (json_int_t)residents, "fulltime_by_ratio",
                     (json_int_t)plan_staff_fulltime(residents, c->pp->staff_per_10k), "need",
                     team_json(&need), "today", team_json(&have), "gap", team_json(&gap));
}

/* Nearest building to (lat, lon), by the community's projection. */
static int nearest_building(const struct comm *c, double lat, double lon)
{
    double x, y, best = INFINITY;
    int bi = -1;
    plan_proj_fwd(&c->pj, lat, lon, &x, &y);
    for (int v = 0; v < c->n; v++) {
        double dd = hypot(c->b[v].x - x, c->b[v].y - y);
        if (dd < best) {
            best = dd;
            bi = v;
        }
    }
    return bi;
}

static int building_by_id(const struct comm *c, int64_t id)
{
    int lo = 0, hi = c->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (c->rows[mid].id == id)
            return mid;
        if (c->rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/*
 * Which new grid each old grid's team joins: pairs by shared households,
 * largest first, one to one; old grids left over (more old than new) join
 * the new grid they share most with. team[nold].
 */
static void match_teams(const struct comm *c, const int *part, int k, int *team)
{
    int no = c->nold;
    int64_t *ov = xcalloc((size_t)(no * k) + 1, sizeof(int64_t));
    for (int v = 0; v < c->n; v++)
        if (c->old[v] >= 0)
            ov[c->old[v] * k + part[v]] += c->b[v].households + 1;
    char *used = xcalloc((size_t)k + 1, 1);
    for (int i = 0; i < no; i++)
        team[i] = -1;
    for (;;) {
        int bi = -1, bj = -1;
        int64_t bv = -1;
        for (int i = 0; i < no; i++) {
            if (team[i] >= 0)
                continue;
            for (int j = 0; j < k; j++)
                if (!used[j] && ov[i * k + j] > bv) {
                    bv = ov[i * k + j];
                    bi = i;
                    bj = j;
                }
        }
        if (bi < 0)
            break;
        team[bi] = bj;
        used[bj] = 1;
    }
    for (int i = 0; i < no; i++) {
        if (team[i] >= 0)
            continue;
        int bj = 0;
        for (int j = 1; j < k; j++)
            if (ov[i * k + j] > ov[i * k + bj])
                bj = j;
        team[i] = bj;
    }
    free(ov);
    free(used);
}

static int replan(struct comm *c, json_t *cj, gg_err *err)
{
    const struct plan_params *pp = c->pp;
    plan_graph *g = NULL;
    plan_shapes *sh = NULL;
    int rc = plan_graph_delaunay(c->b, c->n, &g, err);
    if (rc)
        return rc;
    int *part = xmalloc(sizeof(int) * ((size_t)c->n + 1));
    int k = 0;
    struct plan_grid_stat *st = NULL;
    int *order = NULL, *rank = NULL, *team = NULL, *group = NULL;
    char(*codes)[16] = NULL;
    if ((rc = plan_partition(g, c->b, pp, part, &k, NULL, err)) != 0)
        goto out;
    int serial0;
    if ((rc = store_grid_next_serial(c->d, c->code, &serial0)) != 0 || serial0 + k - 1 > 999) {
        rc = gg_fail(err, GG_ERULE, "community",
                     "community %s has no room for %d more grid codes (serials end at 999)",
                     c->code, k);
        goto out;
    }
    st = xcalloc((size_t)k + 1, sizeof(*st));
    plan_eval(g, c->b, part, k, pp, st);
    order = xmalloc(sizeof(int) * ((size_t)k + 1));
    rank = xmalloc(sizeof(int) * ((size_t)k + 1));
    plan_order(st, k, order);
    for (int i = 0; i < k; i++)
        rank[order[i]] = i;
    codes = xmalloc(sizeof(*codes) * ((size_t)k + 1));
    for (int p = 0; p < k; p++)
        place_grid_code(c->code, serial0 + rank[p], codes[p]);
    if ((rc = plan_shapes_build(c->b, c->n, part, k, HULL_MARGIN, &sh, err)) != 0)
        goto out;
    team = xmalloc(sizeof(int) * ((size_t)c->nold + 1));
    if (c->nold > 0)
        match_teams(c, part, k, team);

    /* the grids, in serial order */
    int64_t *hh = xmalloc(sizeof(int64_t) * ((size_t)k + 1));
    int64_t *rs = xmalloc(sizeof(int64_t) * ((size_t)k + 1));
    double cmin = INFINITY, csum = 0;
    int within = 0;
    struct plan_team need_all = {0}, have_all = {0}, gap_all = {0};
    json_t *issues = json_array();
    for (int i = 0; i < k; i++) {
        int p = order[i];
        const struct plan_grid_stat *s = &st[p];
        hh[i] = s->households;
        rs[i] = s->residents;
        double comp = plan_shape_compactness(sh, p);
        cmin = fmin(cmin, comp);
        csum += comp;
        char why[512], name[160];
        plan_issue_text(s, c->b, pp, why, sizeof(why));
        if ((s->issues & PLAN_BIG_BUILDING) && s->big_building >= 0) {
            size_t l = strlen(why);
            snprintf(why + l, sizeof(why) - l, "（%s）", c->rows[s->big_building].name);
            gg_utf8_cut(why);
        }
        within += s->issues == 0;
        snprintf(name, sizeof(name), "%s第%d网格", c->short_name, i + 1);
        /* the team: old grids whose team joins this one */
        struct plan_team have = {0}, need, gap;
        json_t *from = json_array();
        for (int o = 0; o < c->nold; o++)
            if (team[o] == p) {
                const json_t *og = json_array_get(c->stats, o);
                struct plan_team t1;
                team_of_stats(og, &t1);
                team_add(&have, &t1);
                json_array_append(from, json_object_get(og, "code"));
            }
        plan_staff_need(s->residents, pp->staff_per_10k, &need);
        plan_staff_gap(&need, &have, &gap);
        team_add(&need_all, &need);
        team_add(&have_all, &have);
        team_add(&gap_all, &gap);
        double lat, lon;
        plan_proj_inv(&c->pj, s->cx, s->cy, &lat, &lon);
        json_t *geom = plan_shape_geojson(sh, p, &c->pj);
        json_t *gj = json_pack(
            "{s:s, s:s, s:s, s:i, s:I, s:I, s:i, s:i, s:f, s:f, s:b, s:s, s:[f, f], s:o,"
            " s:{s:o, s:o, s:o}, s:o}",
            "code", codes[p], "name", name, "community", c->code, "serial", serial0 + i,
            "households", (json_int_t)s->households, "residents", (json_int_t)s->residents,
            "buildings", s->buildings, "estates", s->estates, "compactness",
            round(comp * 1000) / 1000, "area_m2", round(plan_shape_area(sh, p)), "within_bounds",
            s->issues == 0, "why", why, "centre", round(lon * 1e6) / 1e6, round(lat * 1e6) / 1e6,
            "team_from", from, "staffing", "need", team_json(&need), "today", team_json(&have),
            "gap", team_json(&gap), "geometry", geom ? geom : json_null());
        json_array_append_new(c->grids_out, gj);
        if (s->issues)
            json_array_append_new(issues, json_pack("{s:s, s:s}", "grid", codes[p], "why", why));
    }
    int esplit = plan_estates_split(c->b, c->n, part);
    json_t *after = json_pack("{s:i, s:o, s:o, s:{s:f, s:f}, s:i, s:i, s:i}", "grids", k,
                              "households", spread(hh, k), "residents", spread(rs, k),
                              "compactness", "min", k ? round(cmin * 1000) / 1000 : 0.0, "mean",
                              k ? round(csum / k * 1000) / 1000 : 0.0, "estates_split", esplit,
                              "within_bounds", within, "out_of_bounds", k - within);
    free(hh);
    free(rs);

    /* the diff: buildings whose team changes, and where each old team goes */
    int bmoved = 0;
    int64_t hmoved = 0, rmoved = 0;
    json_t *assign = json_array(), *teams = json_array();
    for (int v = 0; v < c->n; v++) {
        int o = c->old[v];
        if (o < 0 || team[o] != part[v]) {
            bmoved++;
            hmoved += c->b[v].households;
            rmoved += c->b[v].residents;
        }
        json_array_append_new(assign, json_pack("[I, s, s]", (json_int_t)c->rows[v].id,
                                                c->rows[v].place, codes[part[v]]));
    }
    for (int o = 0; o < c->nold; o++)
        json_array_append_new(teams, json_pack("{s:O, s:s}", "old",
                                               json_object_get(json_array_get(c->stats, o), "code"),
                                               "new", codes[team[o]]));
    /* open cases: follow their household's building, else the nearest building */
    struct store_plan_case *cs = NULL;
    int ncs = 0, hands = 0;
    if ((rc = store_plan_open_cases(c->d, c->code, &cs, &ncs)) != 0) {
        json_decref(after);
        json_decref(assign);
        json_decref(teams);
        json_decref(issues);
        goto out;
    }
    for (int i = 0; i < ncs; i++) {
        int v = cs[i].building_id ? building_by_id(c, cs[i].building_id) : -1;
        if (v < 0)
            v = nearest_building(c, cs[i].lat, cs[i].lon);
        int o = old_index(c, cs[i].place);
        if (v >= 0 && (o < 0 || team[o] != part[v]))
            hands++;
    }
    free(cs);
    json_t *diff =
        json_pack("{s:i, s:I, s:I, s:i, s:i, s:o}", "buildings_moved", bmoved, "households_moved",
                  (json_int_t)hmoved, "residents_moved", (json_int_t)rmoved, "open_cases", ncs,
                  "cases_changing_hands", hands, "teams", teams);

    /* the split proposal */
    int64_t total_h = json_integer_value(json_object_get(cj, "households"));
    int64_t total_r = json_integer_value(json_object_get(cj, "residents"));
    json_t *split =
        json_pack("{s:i, s:b, s:[]}", "threshold", pp->split_households, "proposed", 0, "groups");
    if (total_h > pp->split_households && k >= 2) {
        group = xmalloc(sizeof(int) * ((size_t)k + 1));
        int ng = plan_split(g, c->b, part, k, pp, group, err);
        if (ng < 0) {
            rc = ng;
            json_decref(split);
            json_decref(after);
            json_decref(assign);
            json_decref(diff);
            json_decref(issues);
            goto out;
        }
        json_t *groups = json_object_get(split, "groups");
        for (int gi = 0; gi < ng; gi++) {
            json_t *gc = json_array();
            int64_t gh = 0, gr = 0;
            for (int i = 0; i < k; i++) {
                int p = order[i];
                if (group[p] != gi)
                    continue;
                json_array_append_new(gc, json_string(codes[p]));
                gh += st[p].households;
                gr += st[p].residents;
            }
            json_array_append_new(groups, json_pack("{s:o, s:I, s:I}", "grids", gc, "households",
                                                    (json_int_t)gh, "residents", (json_int_t)gr));
        }
        json_object_set_new(split, "proposed", json_boolean(ng > 1));
    }
    json_t *staffing =
        json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "per_10k", pp->staff_per_10k, "residents",
                  (json_int_t)total_r, "fulltime_by_ratio",
                  (json_int_t)plan_staff_fulltime(total_r, pp->staff_per_10k), "need",
                  team_json(&need_all), "today", team_json(&have_all), "gap", team_json(&gap_all));
    json_object_set_new(cj, "replanned", json_true());
    json_object_set_new(cj, "after", after);
    json_object_set_new(cj, "issues", issues);
    json_object_set_new(cj, "split", split);
    json_object_set_new(cj, "staffing", staffing);
    json_object_set_new(cj, "diff", diff);
    json_object_set_new(cj, "assignment", assign);
out:
    plan_shapes_free(sh);
    plan_graph_free(g);
    free(part);
    free(st);
    free(order);
    free(rank);
    free(codes);
    free(team);
    free(group);
    return rc;
}

static int plan_community(db *d, const json_t *place, int force, const struct plan_params *pp,
                          json_t *grids_out, json_t **out, gg_err *err)
{
    struct comm c = {.d = d, .pp = pp, .force = force, .grids_out = grids_out};
    c.code = json_string_value(json_object_get(place, "code"));
    c.short_name = json_string_value(json_object_get(place, "short_name"));
    json_t *all;
    int rc = store_grid_stats(d, c.code, &all);
    if (rc)
        return gg_fail(err, rc, "", "cannot read the grids of %s", c.code);
    c.stats = all;
    c.nold = (int)json_array_size(all);
    if ((rc = store_plan_buildings(d, c.code, &c.rows, &c.n)) != 0) {
        json_decref(all);
        return gg_fail(err, rc, "", "cannot read the buildings of %s", c.code);
    }
    double *lat = xmalloc(sizeof(double) * ((size_t)c.n + 1)),
           *lon = xmalloc(sizeof(double) * ((size_t)c.n + 1));
    int64_t hh = 0, res = 0;
    for (int v = 0; v < c.n; v++) {
        lat[v] = c.rows[v].lat;
        lon[v] = c.rows[v].lon;
    }
    plan_proj_init(&c.pj, lat, lon, c.n);
    free(lat);
    free(lon);
    c.b = xcalloc((size_t)c.n + 1, sizeof(*c.b));
    c.old = xmalloc(sizeof(int) * ((size_t)c.n + 1));
    int64_t *estates = xmalloc(sizeof(int64_t) * ((size_t)c.n + 1));
    int ne = 0;
    for (int v = 0; v < c.n; v++) {
        plan_proj_fwd(&c.pj, c.rows[v].lat, c.rows[v].lon, &c.b[v].x, &c.b[v].y);
        c.b[v].households = c.rows[v].households;
        c.b[v].residents = c.rows[v].residents;
        c.b[v].estate = c.rows[v].estate_id;
        c.old[v] = old_index(&c, c.rows[v].place);
        hh += c.rows[v].households;
        res += c.rows[v].residents;
        if (c.rows[v].estate_id)
            estates[ne++] = c.rows[v].estate_id;
    }
    qsort(estates, (size_t)ne, sizeof(int64_t), cmp_i64);
    int nestates = 0;
    for (int i = 0; i < ne; i++)
        nestates += i == 0 || estates[i] != estates[i - 1];
    free(estates);
    int nout = 0;
    json_t *before = before_json(&c, &nout);
    int k, kmin, kmax;
    plan_choose_k(hh, res, c.n, pp, &k, &kmin, &kmax);
    json_t *cj =
        json_pack("{s:s, s:O, s:I, s:I, s:i, s:i, s:o, s:{s:i, s:i}}", "code", c.code, "name",
                  json_object_get(place, "short_name"), "households", (json_int_t)hh, "residents",
                  (json_int_t)res, "buildings", c.n, "estates", nestates, "before", before,
                  "grid_count_range", "min", kmin, "max", kmax);
    json_object_set_new(cj, "needs_split", json_boolean(hh > pp->split_households));
    if (c.n > 0 && (force || nout > 0)) {
        rc = replan(&c, cj, err);
    } else {
        json_object_set_new(cj, "replanned", json_false());
        json_object_set_new(cj, "staffing", staffing_today(&c, res));
    }
    json_decref(all);
    free(c.rows);
    free(c.b);
    free(c.old);
    if (rc) {
        json_decref(cj);
        return rc;
    }
    *out = cj;
    return 0;
}

int plan_compute(db *d, const char *scope, const struct plan_opts *o, json_t **out, gg_err *err)
{
    enum place_level lv = place_level_of(scope);
    if (lv != PLACE_COMMUNITY && lv != PLACE_STREET && lv != PLACE_COUNTY)
        return gg_fail(err, GG_EINVAL, "scope",
                       "scope must be a community (12 digits), street (9) or county (6) code");
    int rc = plan_params_check(&o->params, err);
    if (rc)
        return rc;
    json_t *place;
    if (store_place_get(d, scope, &place) != 0)
        return gg_fail(err, GG_ENOTFOUND, "scope", "place %s not found", scope);
    json_t *list;
    if (lv == PLACE_COMMUNITY) {
        list = json_pack("[O]", place);
    } else if ((rc = store_place_list(d, scope, PLACE_COMMUNITY, NULL, NULL, GG_EXPORT_MAX,
                                      &list)) != 0) {
        json_decref(place);
        return gg_fail(err, rc, "", "cannot list the communities of %s", scope);
    }
    json_t *comms = json_array(), *grids = json_array();
    size_t nc = json_array_size(list);
    int replanned = 0, within = 0, ngrids = 0, before_grids = 0, bmoved = 0, open = 0, hands = 0;
    int64_t hmoved = 0;
    for (size_t i = 0; i < nc && rc == 0; i++) {
        json_t *cj;
        rc = plan_community(d, json_array_get(list, i), lv == PLACE_COMMUNITY || o->all, &o->params,
                            grids, &cj, err);
        if (rc)
            break;
        before_grids +=
            (int)json_integer_value(json_object_get(json_object_get(cj, "before"), "grids"));
        if (json_is_true(json_object_get(cj, "replanned"))) {
            const json_t *a = json_object_get(cj, "after"), *df = json_object_get(cj, "diff");
            replanned++;
            ngrids += (int)json_integer_value(json_object_get(a, "grids"));
            within += (int)json_integer_value(json_object_get(a, "within_bounds"));
            bmoved += (int)json_integer_value(json_object_get(df, "buildings_moved"));
            hmoved += json_integer_value(json_object_get(df, "households_moved"));
            open += (int)json_integer_value(json_object_get(df, "open_cases"));
            hands += (int)json_integer_value(json_object_get(df, "cases_changing_hands"));
        }
        json_array_append_new(comms, cj);
        if (o->progress)
            o->progress(o->progress_ctx, (int)i + 1, (int)nc);
    }
    json_decref(list);
    if (rc) {
        json_decref(place);
        json_decref(comms);
        json_decref(grids);
        return rc;
    }
    json_t *doc = json_pack(
        "{s:n, s:s, s:s, s:O, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:I, s:i, s:i}, s:o, "
        "s:o}",
        "id", "state", "computed", "scope", scope, "scope_name", json_object_get(place, "name"),
        "params", plan_params_json(&o->params), "summary", "communities", (int)nc, "replanned",
        replanned, "grids_before", before_grids, "grids_after", ngrids, "within_bounds", within,
        "out_of_bounds", ngrids - within, "buildings_moved", bmoved, "households_moved",
        (json_int_t)hmoved, "open_cases", open, "cases_changing_hands", hands, "communities", comms,
        "grids", grids);
    json_decref(place);
    *out = doc;
    return 0;
}

/* ---- storing and reading ---- */

int plan_save(db *d, json_t *plan, int64_t user_id, int64_t *id, gg_err *err)
{
    /* the body keeps what people read; assignments and shapes go to their tables */
    json_t *body = json_deep_copy(plan);
    json_object_del(body, "id");
    json_object_del(body, "state");
    size_t i;
    json_t *c, *g;
    json_array_foreach (json_object_get(body, "communities"), i, c)
        json_object_del(c, "assignment");
    json_array_foreach (json_object_get(body, "grids"), i, g)
        json_object_del(g, "geometry");
    char *btext = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
    char *ptext = json_dumps(json_object_get(plan, "params"), JSON_COMPACT);
    json_decref(body);
    int64_t pid = 0;
    int rc = store_plan_insert(d, json_string_value(json_object_get(plan, "scope")), ptext, btext,
                               user_id, &pid);
    free(btext);
    free(ptext);
    json_array_foreach (json_object_get(plan, "grids"), i, g) {
        if (rc)
            break;
        const json_t *geom = json_object_get(g, "geometry");
        char *gtext =
            json_is_object(geom) ? json_dumps(geom, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
        rc = store_plan_add_grid(d, pid, json_string_value(json_object_get(g, "code")),
                                 json_string_value(json_object_get(g, "community")),
                                 json_string_value(json_object_get(g, "name")),
                                 json_integer_value(json_object_get(g, "households")),
                                 json_integer_value(json_object_get(g, "residents")),
                                 (int)json_integer_value(json_object_get(g, "buildings")), gtext);
        free(gtext);
    }
    json_array_foreach (json_object_get(plan, "communities"), i, c) {
        size_t j;
        json_t *a;
        json_array_foreach (json_object_get(c, "assignment"), j, a) {
            if (rc)
                break;
            rc = store_plan_add_building(d, pid, json_integer_value(json_array_get(a, 0)),
                                         json_string_value(json_array_get(a, 1)),
                                         json_string_value(json_array_get(a, 2)));
        }
        json_array_foreach (json_object_get(json_object_get(c, "diff"), "teams"), j, a) {
            if (rc)
                break;
            rc = store_plan_add_team(d, pid, json_string_value(json_object_get(a, "old")),
                                     json_string_value(json_object_get(a, "new")));
        }
    }
    if (rc)
        return gg_fail(err, rc, "", "cannot store the plan: %s", db_errmsg(d));
    json_object_set_new(plan, "id", json_integer(pid));
    json_object_set_new(plan, "state", json_string("preview"));
    *id = pid;
    return 0;
}

int plan_load(db *d, int64_t id, json_t **out, gg_err *err)
{
    json_t *row;
    int rc = store_plan_get(d, id, &row);
    if (rc == GG_ENOTFOUND)
        return gg_fail(err, rc, "id", "plan %lld not found", (long long)id);
    if (rc)
        return gg_fail(err, rc, "", "cannot read plan %lld", (long long)id);
    json_t *body = json_object_get(row, "body");
    json_t *doc = json_is_object(body) ? json_incref(body) : json_object();
    static const char *const keys[] = {"id",         "state",      "created_by",
                                       "created_at", "applied_by", "applied_at"};
    for (size_t i = 0; i < GG_ARRAY_LEN(keys); i++)
        json_object_set(doc, keys[i], json_object_get(row, keys[i]));
    json_decref(row);
    *out = doc;
    return 0;
}

int plan_load_geometry(db *d, json_t *plan)
{
    json_t *geo;
    int rc = store_plan_geometries(d, json_integer_value(json_object_get(plan, "id")), &geo);
    if (rc)
        return rc;
    size_t i;
    json_t *g;
    json_array_foreach (json_object_get(plan, "grids"), i, g) {
        json_t *x = json_object_get(geo, json_string_value(json_object_get(g, "code")));
        json_object_set(g, "geometry", x ? x : json_null());
    }
    json_decref(geo);
    return 0;
}

json_t *plan_geojson(const json_t *plan)
{
    json_t *fs = json_array();
    size_t i;
    json_t *g;
    json_array_foreach (json_object_get(plan, "grids"), i, g) {
        const json_t *geom = json_object_get(g, "geometry");
        json_t *props = json_pack(
            "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "code", json_object_get(g, "code"), "name",
            json_object_get(g, "name"), "community", json_object_get(g, "community"), "households",
            json_object_get(g, "households"), "residents", json_object_get(g, "residents"),
            "buildings", json_object_get(g, "buildings"), "within_bounds",
            json_object_get(g, "within_bounds"), "why", json_object_get(g, "why"));
        if (!props)
            props = json_object();
        json_array_append_new(fs, json_pack("{s:s, s:O, s:o}", "type", "Feature", "geometry",
                                            geom ? geom : json_null(), "properties", props));
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", fs);
}

/* ---- applying ---- */

static int injected(const char *fail_at, const char *step, gg_err *err)
{
    if (fail_at && strcmp(fail_at, step) == 0)
        return gg_fail(err, GG_EIO, "plan", "failure injected at step %s", step);
    return 0;
}

/* Move the open cases of one community: to their household's building's new grid, else to
 * the new grid of the nearest building. Buildings have moved already. */
static int move_cases(db *d, int64_t id, const char *community, int64_t now, int *moved)
{
    struct store_plan_bldg *rows;
    int n, rc = store_plan_buildings(d, community, &rows, &n);
    if (rc)
        return rc;
    struct store_plan_case *cs;
    int ncs;
    if ((rc = store_plan_open_cases(d, community, &cs, &ncs)) != 0) {
        free(rows);
        return rc;
    }
    struct comm c = {.rows = rows, .n = n};
    double *lat = xmalloc(sizeof(double) * ((size_t)n + 1)),
           *lon = xmalloc(sizeof(double) * ((size_t)n + 1));
    for (int v = 0; v < n; v++) {
        lat[v] = rows[v].lat;
        lon[v] = rows[v].lon;
    }
    plan_proj_init(&c.pj, lat, lon, n);
    free(lat);
    free(lon);
    c.b = xcalloc((size_t)n + 1, sizeof(*c.b));
    for (int v = 0; v < n; v++)
        plan_proj_fwd(&c.pj, rows[v].lat, rows[v].lon, &c.b[v].x, &c.b[v].y);
    for (int i = 0; i < ncs && rc == 0; i++) {
        int v = cs[i].building_id ? building_by_id(&c, cs[i].building_id) : -1;
        if (v < 0)
            v = nearest_building(&c, cs[i].lat, cs[i].lon);
        if (v < 0 || strcmp(rows[v].place, cs[i].place) == 0)
            continue;
        rc = store_plan_move_case(d, id, cs[i].id, cs[i].place, rows[v].place, now);
        *moved += rc == 0;
    }
    free(c.b);
    free(rows);
    free(cs);
    return rc;
}

int plan_apply(db *d, int64_t id, int64_t user_id, const char *fail_at, json_t **out, gg_err *err)
{
    int rc = store_plan_check_fresh(d, id, err);
    if (rc)
        return rc;
    json_t *plan;
    if ((rc = plan_load(d, id, &plan, err)) != 0)
        return rc;
    int64_t now = gg_now();
    static const char *const before_cases[] = {"grids", "buildings", "households", "teams",
                                               "estates"};
    static const char *const after_cases[] = {"retire", "state"};
    for (size_t i = 0; i < GG_ARRAY_LEN(before_cases) && rc == 0; i++)
        if ((rc = store_plan_apply_step(d, id, before_cases[i], user_id, now)) != 0)
            gg_fail(err, rc, "", "cannot apply plan %lld (%s): %s", (long long)id, before_cases[i],
                    db_errmsg(d));
        else
            rc = injected(fail_at, before_cases[i], err);
    int cases = 0;
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(plan, "communities"), i, c) {
        if (rc || !json_is_true(json_object_get(c, "replanned")))
            continue;
        if ((rc = move_cases(d, id, json_string_value(json_object_get(c, "code")), now, &cases)) !=
            0)
            gg_fail(err, rc, "", "cannot move the open cases: %s", db_errmsg(d));
    }
    if (rc == 0)
        rc = injected(fail_at, "cases", err);
    for (size_t j = 0; j < GG_ARRAY_LEN(after_cases) && rc == 0; j++)
        if ((rc = store_plan_apply_step(d, id, after_cases[j], user_id, now)) != 0)
            gg_fail(err, rc, "", "cannot apply plan %lld (%s): %s", (long long)id, after_cases[j],
                    db_errmsg(d));
        else
            rc = injected(fail_at, after_cases[j], err);
    if (rc) {
        json_decref(plan);
        return rc;
    }
    json_t *codes = json_array(), *retired = json_array();
    json_t *g;
    json_array_foreach (json_object_get(plan, "grids"), i, g)
        json_array_append(codes, json_object_get(g, "code"));
    json_array_foreach (json_object_get(plan, "communities"), i, c) {
        size_t j;
        json_t *t;
        json_array_foreach (json_object_get(json_object_get(c, "diff"), "teams"), j, t)
            json_array_append(retired, json_object_get(t, "old"));
    }
    const json_t *sum = json_object_get(plan, "summary");
    *out = json_pack("{s:I, s:s, s:O, s:o, s:o, s:O, s:O, s:i}", "id", (json_int_t)id, "state",
                     "applied", "scope", json_object_get(plan, "scope"), "grids", codes, "retired",
                     retired, "buildings_moved", json_object_get(sum, "buildings_moved"),
                     "households_moved", json_object_get(sum, "households_moved"),
                     "open_cases_moved", cases);
    json_decref(plan);
    return 0;
}

/* ---- the city-wide check ---- */

int plan_check(db *d, const char *scope, const struct plan_params *pp, json_t **out, gg_err *err)
{
    enum place_level lv = place_level_of(scope);
    if (lv == PLACE_INVALID || lv < PLACE_COUNTY)
        return gg_fail(err, GG_EINVAL, "scope", "scope must be a county, street or community code");
    int rc = plan_params_check(pp, err);
    if (rc)
        return rc;
    json_t *grids, *comms;
    if ((rc = store_grid_stats(d, scope, &grids)) != 0)
        return gg_fail(err, rc, "", "cannot read the grids of %s", scope);
    if (lv == PLACE_COMMUNITY) {
        json_t *p;
        if (store_place_get(d, scope, &p) != 0) {
            json_decref(grids);
            return gg_fail(err, GG_ENOTFOUND, "scope", "place %s not found", scope);
        }
        comms = json_pack("[o]", p);
    } else if ((rc = store_place_list(d, scope, PLACE_COMMUNITY, NULL, NULL, GG_EXPORT_MAX,
                                      &comms)) != 0) {
        json_decref(grids);
        return gg_fail(err, rc, "", "cannot list the communities of %s", scope);
    }
    json_t *gout = json_array(), *cout = json_array();
    size_t i, j;
    json_t *g, *c;
    json_array_foreach (grids, i, g) {
        char why[256];
        grid_why(json_integer_value(json_object_get(g, "households")),
                 json_integer_value(json_object_get(g, "residents")), pp, why, sizeof(why));
        if (why[0]) {
            json_t *row = json_deep_copy(g);
            json_object_del(row, "team");
            json_object_set_new(row, "why", json_string(why));
            json_array_append_new(gout, row);
        }
    }
    json_array_foreach (comms, i, c) {
        const char *code = json_string_value(json_object_get(c, "code"));
        int64_t hh = 0, res = 0;
        int n = 0, bad = 0;
        json_array_foreach (grids, j, g) {
            if (strcmp(json_string_value(json_object_get(g, "community")), code) != 0)
                continue;
            n++;
            hh += json_integer_value(json_object_get(g, "households"));
            res += json_integer_value(json_object_get(g, "residents"));
            char why[256];
            grid_why(json_integer_value(json_object_get(g, "households")),
                     json_integer_value(json_object_get(g, "residents")), pp, why, sizeof(why));
            bad += why[0] != 0;
        }
        gg_buf w;
        gg_buf_init(&w, 1024);
        if (bad)
            gg_buf_printf(&w, "%d 个网格不合标准", bad);
        if (hh > pp->split_households)
            gg_buf_printf(&w, "%s户数 %lld，超过 %d，建议拆分社区", w.len ? "；" : "",
                          (long long)hh, pp->split_households);
        if (w.len)
            json_array_append_new(
                cout,
                json_pack("{s:s, s:O, s:i, s:I, s:I, s:i, s:b, s:s}", "code", code, "name",
                          json_object_get(c, "short_name"), "grids", n, "households",
                          (json_int_t)hh, "residents", (json_int_t)res, "grids_out_of_standard",
                          bad, "needs_split", hh > pp->split_households, "why", w.data));
        gg_buf_free(&w);
    }
    *out = json_pack("{s:s, s:o, s:i, s:i, s:o, s:o}", "scope", scope, "params",
                     plan_params_json(pp), "grids", (int)json_array_size(grids), "communities",
                     (int)json_array_size(comms), "grids_out", gout, "communities_out", cout);
    json_decref(grids);
    json_decref(comms);
    return 0;
}
