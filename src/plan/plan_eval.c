/*
 * plan_eval.c — what a partition looks like: per-grid totals, estates,
 * centres, what is out of bounds and why (in Chinese, for the people who
 * read the plan), the west→east, north→south order of the new codes, the
 * community split along grid boundaries, and the staffing arithmetic.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

struct pair {
    int64_t a, b;
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

int plan_eval(const plan_graph *g, const struct plan_bldg *b, const int *part, int k,
              const struct plan_params *pp, struct plan_grid_stat *st)
{
    int n = g->n;
    int64_t total = 0;
    double *wx = xcalloc((size_t)k + 1, sizeof(double)),
           *wy = xcalloc((size_t)k + 1, sizeof(double));
    for (int p = 0; p < k; p++) {
        memset(&st[p], 0, sizeof(st[p]));
        st[p].minx = st[p].miny = INFINITY;
        st[p].maxx = st[p].maxy = -INFINITY;
        st[p].big_building = -1;
    }
    for (int v = 0; v < n; v++) {
        struct plan_grid_stat *s = &st[part[v]];
        s->households += b[v].households;
        s->residents += b[v].residents;
        s->buildings++;
        total += b[v].households;
        double w = b[v].households > 0 ? b[v].households : 0;
        s->cx += b[v].x * w;
        s->cy += b[v].y * w;
        wx[part[v]] += b[v].x;
        wy[part[v]] += b[v].y;
        if (b[v].x < s->minx)
            s->minx = b[v].x;
        if (b[v].x > s->maxx)
            s->maxx = b[v].x;
        if (b[v].y < s->miny)
            s->miny = b[v].y;
        if (b[v].y > s->maxy)
            s->maxy = b[v].y;
        if (s->big_building < 0 || b[v].households > b[s->big_building].households)
            s->big_building = v;
    }
    /* estates per grid: distinct (part, estate) pairs */
    struct pair *pe = xmalloc(sizeof(*pe) * ((size_t)n + 1));
    int np = 0;
    for (int v = 0; v < n; v++)
        if (b[v].estate)
            pe[np++] = (struct pair){part[v], b[v].estate};
    qsort(pe, (size_t)np, sizeof(*pe), pair_cmp);
    for (int i = 0; i < np; i++)
        if (i == 0 || pe[i].a != pe[i - 1].a || pe[i].b != pe[i - 1].b)
            st[pe[i].a].estates++;
    free(pe);
    /* pieces of each part, all parts in one sweep */
    int *comp = xmalloc(sizeof(int) * ((size_t)n + 1));
    int *stack = xmalloc(sizeof(int) * ((size_t)n + 1));
    int *pieces = xcalloc((size_t)k + 1, sizeof(int));
    for (int v = 0; v < n; v++)
        comp[v] = 0;
    for (int s0 = 0; s0 < n; s0++) {
        if (comp[s0])
            continue;
        int p = part[s0], top = 0;
        pieces[p]++;
        comp[s0] = 1;
        stack[top++] = s0;
        while (top) {
            int x = stack[--top];
            for (int e = g->xadj[x]; e < g->xadj[x + 1]; e++) {
                int u = g->adj[e];
                if (part[u] == p && !comp[u]) {
                    comp[u] = 1;
                    stack[top++] = u;
                }
            }
        }
    }
    free(comp);
    free(stack);
    int bad = 0;
    for (int p = 0; p < k; p++) {
        struct plan_grid_stat *s = &st[p];
        if (s->households > 0) {
            s->cx /= (double)s->households;
            s->cy /= (double)s->households;
        } else if (s->buildings > 0) {
            s->cx = wx[p] / s->buildings;
            s->cy = wy[p] / s->buildings;
        }
        if (s->households > pp->max_households)
            s->issues |= PLAN_TOO_MANY;
        if (s->households < pp->min_households)
            s->issues |= PLAN_TOO_FEW;
        if (s->residents > pp->max_residents)
            s->issues |= PLAN_TOO_MANY_RES;
        if (pieces[p] > 1)
            s->issues |= PLAN_NOT_CONTIGUOUS;
        if (s->big_building >= 0 && (b[s->big_building].households > pp->max_households ||
                                     b[s->big_building].residents > pp->max_residents))
            s->issues |= PLAN_BIG_BUILDING;
        if (k == 1 && total < pp->min_households)
            s->issues |= PLAN_SMALL_TOTAL;
        bad += s->issues != 0;
    }
    free(pieces);
    free(wx);
    free(wy);
    return bad;
}

void plan_issue_text(const struct plan_grid_stat *st, const struct plan_bldg *b,
                     const struct plan_params *pp, char *out, size_t n)
{
    gg_buf t;
    gg_buf_init(&t, n > 0 ? n - 1 : 0);
    const char *sep = "";
    if (st->issues & PLAN_TOO_MANY) {
        gg_buf_printf(&t, "%s户数 %lld，超过上限 %d", sep, (long long)st->households,
                      pp->max_households);
        sep = "；";
    }
    if (st->issues & PLAN_TOO_FEW) {
        gg_buf_printf(&t, "%s户数 %lld，低于下限 %d", sep, (long long)st->households,
                      pp->min_households);
        sep = "；";
    }
    if (st->issues & PLAN_TOO_MANY_RES) {
        gg_buf_printf(&t, "%s人口 %lld，超过上限 %d", sep, (long long)st->residents,
                      pp->max_residents);
        sep = "；";
    }
    if (st->issues & PLAN_NOT_CONTIGUOUS) {
        gg_buf_printf(&t, "%s网格不连片", sep);
        sep = "；";
    }
    if ((st->issues & PLAN_BIG_BUILDING) && b && st->big_building >= 0) {
        const struct plan_bldg *x = &b[st->big_building];
        gg_buf_printf(&t, "%s单栋楼即有 %d 户、%d 人，超过上限，楼栋不可拆分", sep, x->households,
                      x->residents);
        sep = "；";
    }
    if (st->issues & PLAN_SMALL_TOTAL)
        gg_buf_printf(&t, "%s全社区仅 %lld 户，不足一个网格的下限 %d", sep,
                      (long long)st->households, pp->min_households);
    if (n > 0) {
        gg_strlcpy(out, t.data ? t.data : "", n);
        gg_utf8_cut(out);
    }
    gg_buf_free(&t);
}

int plan_estates_split(const struct plan_bldg *b, int n, const int *part)
{
    struct pair *pe = xmalloc(sizeof(*pe) * ((size_t)n + 1));
    int np = 0;
    for (int v = 0; v < n; v++)
        if (b[v].estate)
            pe[np++] = (struct pair){b[v].estate, part[v]};
    qsort(pe, (size_t)np, sizeof(*pe), pair_cmp);
    int split = 0;
    for (int i = 0; i < np;) {
        int j = i, several = 0;
        while (j < np && pe[j].a == pe[i].a) {
            several |= pe[j].b != pe[i].b;
            j++;
        }
        split += several;
        i = j;
    }
    free(pe);
    return split;
}

static const struct plan_grid_stat *order_st;
static double order_top, order_band;

static int order_row(int p)
{
    return (int)floor((order_top - order_st[p].cy) / order_band);
}

static int order_cmp(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    int ra = order_row(a), rb = order_row(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (order_st[a].cx != order_st[b].cx)
        return order_st[a].cx < order_st[b].cx ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int dbl_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

void plan_order(const struct plan_grid_stat *st, int k, int *order)
{
    if (k <= 0)
        return;
    double *h = xmalloc(sizeof(double) * (size_t)k);
    double top = -INFINITY;
    int nh = 0;
    for (int p = 0; p < k; p++) {
        order[p] = p;
        if (st[p].maxy > st[p].miny)
            h[nh++] = st[p].maxy - st[p].miny;
        if (st[p].cy > top)
            top = st[p].cy;
    }
    qsort(h, (size_t)nh, sizeof(double), dbl_cmp);
    double band = nh ? h[nh / 2] : 1.0;
    free(h);
    /* a grid a little off its row's line still belongs to that row */
    order_st = st;
    order_top = top + band * 0.5;
    order_band = band > 0 ? band : 1.0;
    qsort(order, (size_t)k, sizeof(int), order_cmp);
    order_st = NULL;
}

/* ---- community split ---- */

int plan_split(const plan_graph *g, const struct plan_bldg *b, const int *part, int k,
               const struct plan_params *pp, int *group, gg_err *err)
{
    int64_t total = 0;
    int n = g->n;
    int *hh = xcalloc((size_t)k + 1, sizeof(int));
    for (int v = 0; v < n; v++) {
        total += b[v].households;
        hh[part[v]] += b[v].households;
    }
    for (int p = 0; p < k; p++)
        group[p] = 0;
    int64_t m = (total + pp->split_households - 1) / pp->split_households;
    if (m > k)
        m = k;
    if (m <= 1) {
        free(hh);
        return 1;
    }
    /* the graph of grids: two grids are neighbours when buildings of theirs are */
    size_t cap = 64, ne = 0;
    int *eu = xmalloc(sizeof(int) * cap), *ev = xmalloc(sizeof(int) * cap),
        *ew = xmalloc(sizeof(int) * cap);
    for (int v = 0; v < n; v++)
        for (int e = g->xadj[v]; e < g->xadj[v + 1]; e++) {
            int u = g->adj[e];
            if (u <= v || part[u] == part[v])
                continue;
            if (ne == cap) {
                cap *= 2;
                eu = xrealloc(eu, sizeof(int) * cap);
                ev = xrealloc(ev, sizeof(int) * cap);
                ew = xrealloc(ew, sizeof(int) * cap);
            }
            eu[ne] = part[v];
            ev[ne] = part[u];
            ew[ne] = g->w[e];
            ne++;
        }
    plan_graph *gg;
    int rc = plan_graph_from_edges(k, eu, ev, ew, (int)ne, &gg);
    free(eu);
    free(ev);
    free(ew);
    if (rc == 0) {
        rc = plan_metis(gg, hh, (int)m, 1, group, err);
        plan_graph_free(gg);
    }
    free(hh);
    if (rc)
        return rc;
    /* renumber groups in order of their first grid */
    int map[64];
    int next = 0;
    for (int i = 0; i < 64; i++)
        map[i] = -1;
    for (int p = 0; p < k; p++) {
        if (group[p] < 0 || group[p] >= 64)
            continue;
        if (map[group[p]] < 0)
            map[group[p]] = next++;
        group[p] = map[group[p]];
    }
    return next;
}

/* ---- staffing ---- */

int64_t plan_staff_fulltime(int64_t residents, int per_10k)
{
    if (residents <= 0 || per_10k <= 0)
        return 0;
    return (residents * per_10k + 9999) / 10000;
}

void plan_staff_need(int64_t residents, int per_10k, struct plan_team *need)
{
    int64_t ft = plan_staff_fulltime(residents, per_10k);
    need->chief = 1;
    need->fulltime = (int)(ft < 1 ? 1 : ft);
    need->parttime = need->fulltime >= 2 ? 0 : 2 - need->fulltime;
    need->volunteers = 1;
}

int plan_staff_gap(const struct plan_team *need, const struct plan_team *have,
                   struct plan_team *gap)
{
    gap->chief = need->chief > have->chief ? need->chief - have->chief : 0;
    gap->fulltime = need->fulltime > have->fulltime ? need->fulltime - have->fulltime : 0;
    /* a full-time worker beyond the need stands in for a part-time one */
    int extra_ft = have->fulltime > need->fulltime ? have->fulltime - need->fulltime : 0;
    int part_have = have->parttime + extra_ft;
    gap->parttime = need->parttime > part_have ? need->parttime - part_have : 0;
    gap->volunteers = need->volunteers > have->volunteers ? need->volunteers - have->volunteers : 0;
    return gap->chief + gap->fulltime + gap->parttime + gap->volunteers;
}
