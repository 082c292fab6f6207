/*
 * plan_graph.c — the neighbourhood graph of buildings: a local metric
 * projection, the Delaunay triangulation through GEOS (its edges, mapped
 * back to buildings by exact coordinates), closeness weights, and the CSR
 * layout METIS reads.
 */
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define EARTH_R 6371008.8

void plan_params_default(struct plan_params *p)
{
    p->min_households = 300;
    p->max_households = 500;
    p->max_residents = 2500;
    p->split_households = 3000;
    p->staff_per_10k = 18;
}

int plan_params_check(const struct plan_params *p, gg_err *err)
{
    if (p->min_households < 1 || p->min_households > 100000)
        return gg_fail(err, GG_EINVAL, "min_households", "min_households must be 1 to 100000");
    if (p->max_households < p->min_households || p->max_households > 100000)
        return gg_fail(err, GG_EINVAL, "max_households",
                       "max_households must be at least min_households and at most 100000");
    if (p->max_residents < 1 || p->max_residents > 1000000)
        return gg_fail(err, GG_EINVAL, "max_residents", "max_residents must be 1 to 1000000");
    if (p->split_households < p->max_households || p->split_households > 10000000)
        return gg_fail(err, GG_EINVAL, "split_households",
                       "split_households must be at least max_households and at most 10000000");
    if (p->staff_per_10k < 0 || p->staff_per_10k > 10000)
        return gg_fail(err, GG_EINVAL, "staff_per_10k", "staff_per_10k must be 0 to 10000");
    return 0;
}

/* ---- projection ---- */

void plan_proj_init(struct plan_proj *pj, const double *lat, const double *lon, int n)
{
    double sa = 0, so = 0;
    for (int i = 0; i < n; i++) {
        sa += lat[i];
        so += lon[i];
    }
    pj->lat0 = n ? sa / n : 0;
    pj->lon0 = n ? so / n : 0;
    pj->ky = EARTH_R * M_PI / 180.0;
    pj->kx = pj->ky * cos(pj->lat0 * M_PI / 180.0);
}

void plan_proj_fwd(const struct plan_proj *pj, double lat, double lon, double *x, double *y)
{
    *x = (lon - pj->lon0) * pj->kx;
    *y = (lat - pj->lat0) * pj->ky;
}

void plan_proj_inv(const struct plan_proj *pj, double x, double y, double *lat, double *lon)
{
    *lon = pj->lon0 + x / pj->kx;
    *lat = pj->lat0 + y / pj->ky;
}

/* ---- CSR construction ---- */

struct edge {
    int u, v, w;
};

static int edge_cmp(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* Build CSR from directed edge list e[m] (both directions present); merges duplicates. */
static plan_graph *csr_build(int n, struct edge *e, size_t m)
{
    qsort(e, m, sizeof(*e), edge_cmp);
    plan_graph *g = xcalloc(1, sizeof(*g));
    g->n = n;
    g->xadj = xcalloc((size_t)n + 1, sizeof(int));
    g->adj = xmalloc((m ? m : 1) * sizeof(int));
    g->w = xmalloc((m ? m : 1) * sizeof(int));
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (e[i].u == e[i].v)
            continue;
        if (k > 0 && e[i].u == e[k - 1].u && e[i].v == e[k - 1].v) {
            if (e[i].w > e[k - 1].w)
                e[k - 1].w = e[i].w;
            continue;
        }
        e[k++] = e[i];
    }
    for (size_t i = 0; i < k; i++) {
        g->adj[i] = e[i].v;
        g->w[i] = e[i].w;
        g->xadj[e[i].u + 1]++;
    }
    for (int v = 0; v < n; v++)
        g->xadj[v + 1] += g->xadj[v];
    return g;
}

int plan_graph_from_edges(int n, const int *u, const int *v, const int *w, int m, plan_graph **out)
{
    if (n < 0 || m < 0)
        return GG_EINVAL;
    struct edge *e = xmalloc(sizeof(*e) * (size_t)(2 * m + 1));
    for (int i = 0; i < m; i++) {
        if (u[i] < 0 || u[i] >= n || v[i] < 0 || v[i] >= n) {
            free(e);
            return GG_EINVAL;
        }
        int wi = w ? w[i] : 1;
        e[2 * i] = (struct edge){u[i], v[i], wi < 1 ? 1 : wi};
        e[2 * i + 1] = (struct edge){v[i], u[i], wi < 1 ? 1 : wi};
    }
    *out = csr_build(n, e, (size_t)2 * (size_t)m);
    free(e);
    return 0;
}

void plan_graph_free(plan_graph *g)
{
    if (!g)
        return;
    free(g->xadj);
    free(g->adj);
    free(g->w);
    free(g);
}

int plan_part_components(const plan_graph *g, const int *part, int p)
{
    char *seen = xcalloc((size_t)g->n + 1, 1);
    int *stack = xmalloc(sizeof(int) * ((size_t)g->n + 1));
    int comps = 0;
    for (int s = 0; s < g->n; s++) {
        if (part[s] != p || seen[s])
            continue;
        comps++;
        int top = 0;
        stack[top++] = s;
        seen[s] = 1;
        while (top) {
            int v = stack[--top];
            for (int i = g->xadj[v]; i < g->xadj[v + 1]; i++) {
                int u = g->adj[i];
                if (part[u] == p && !seen[u]) {
                    seen[u] = 1;
                    stack[top++] = u;
                }
            }
        }
    }
    free(seen);
    free(stack);
    return comps;
}

/* ---- coordinate hash: exact point → index of its first building ---- */

struct pt_map {
    size_t cap; /* power of two */
    int *slot;  /* building index + 1, 0 empty */
    const struct plan_bldg *b;
};

static uint64_t pt_hash(double x, double y)
{
    uint64_t a, c;
    memcpy(&a, &x, 8);
    memcpy(&c, &y, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (c + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
    h ^= h >> 31;
    return h * 0xBF58476D1CE4E5B9ull;
}

/* The first building at (x, y), or -1; with insert, adds index i if absent. */
static int pt_find(struct pt_map *m, double x, double y, int insert_i)
{
    size_t mask = m->cap - 1, h = (size_t)pt_hash(x, y) & mask;
    for (;;) {
        int s = m->slot[h];
        if (s == 0) {
            if (insert_i >= 0)
                m->slot[h] = insert_i + 1;
            return -1;
        }
        if (m->b[s - 1].x == x && m->b[s - 1].y == y)
            return s - 1;
        h = (h + 1) & mask;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int closeness(double len, double l0)
{
    int w = (int)lround(100.0 * l0 / (len + l0));
    return w < 1 ? 1 : w;
}

static void no_msg(const char *msg, void *ctx)
{
    (void)msg;
    (void)ctx;
}

/*
 * Label the components of g into comp[n]; returns their number. Collinear
 * or duplicate-heavy input can leave the triangulation in pieces.
 */
static int label_components(const plan_graph *g, int *comp)
{
    int n = g->n, nc = 0;
    int *stack = xmalloc(sizeof(int) * ((size_t)n + 1));
    for (int i = 0; i < n; i++)
        comp[i] = -1;
    for (int s = 0; s < n; s++) {
        if (comp[s] >= 0)
            continue;
        int top = 0;
        stack[top++] = s;
        comp[s] = nc;
        while (top) {
            int v = stack[--top];
            for (int i = g->xadj[v]; i < g->xadj[v + 1]; i++)
                if (comp[g->adj[i]] < 0) {
                    comp[g->adj[i]] = nc;
                    stack[top++] = g->adj[i];
                }
        }
        nc++;
    }
    free(stack);
    return nc;
}

/* Join each component c > 0 to its nearest vertex in a component before it. */
static void connect_components(const struct plan_bldg *b, int n, const int *comp, int nc,
                               struct edge **e, size_t *m, size_t *cap, double l0)
{
    for (int c = 1; c < nc; c++) {
        double best = INFINITY;
        int bu = -1, bv = -1;
        for (int u = 0; u < n; u++) {
            if (comp[u] != c)
                continue;
            for (int v = 0; v < n; v++) {
                if (comp[v] >= c)
                    continue;
                double d = hypot(b[u].x - b[v].x, b[u].y - b[v].y);
                if (d < best) {
                    best = d;
                    bu = u;
                    bv = v;
                }
            }
        }
        if (bu < 0)
            continue;
        if (*m + 2 > *cap) {
            *cap = *cap * 2 + 4;
            *e = xrealloc(*e, sizeof(**e) * *cap);
        }
        int w = closeness(best, l0);
        (*e)[(*m)++] = (struct edge){bu, bv, w};
        (*e)[(*m)++] = (struct edge){bv, bu, w};
    }
}

int plan_graph_delaunay(const struct plan_bldg *b, int n, plan_graph **out, gg_err *err)
{
    if (n < 0)
        return gg_fail(err, GG_EINVAL, "buildings", "negative building count");
    size_t cap = 16;
    struct pt_map pm = {.b = b};
    while (pm.cap < (size_t)n * 2 + 2)
        pm.cap = pm.cap ? pm.cap * 2 : 16;
    pm.slot = xcalloc(pm.cap, sizeof(int));
    int *rep = xmalloc(sizeof(int) * ((size_t)n + 1)); /* representative of each point */
    int nuniq = 0;
    for (int i = 0; i < n; i++) {
        int f = pt_find(&pm, b[i].x, b[i].y, i);
        rep[i] = f < 0 ? i : f;
        nuniq += f < 0;
    }
    size_t m = 0;
    cap = (size_t)n * 6 + 16;
    struct edge *e = xmalloc(sizeof(*e) * cap);
    double *len = NULL;
    size_t nlen = 0;
    int rc = 0;
    if (nuniq >= 2) {
        GEOSContextHandle_t ctx = GEOS_init_r();
        GEOSContext_setErrorMessageHandler_r(ctx, no_msg, NULL);
        GEOSGeometry **pts = xmalloc(sizeof(*pts) * (size_t)nuniq);
        int k = 0;
        for (int i = 0; i < n; i++)
            if (rep[i] == i)
                pts[k++] = GEOSGeom_createPointFromXY_r(ctx, b[i].x, b[i].y);
        GEOSGeometry *mp = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, pts, (unsigned)k);
        free(pts);
        GEOSGeometry *tri = mp ? GEOSDelaunayTriangulation_r(ctx, mp, 0.0, 1) : NULL;
        if (!tri) {
            rc = gg_fail(err, GG_EIO, "buildings", "the Delaunay triangulation failed");
        } else {
            int ng = GEOSGetNumGeometries_r(ctx, tri);
            len = xmalloc(sizeof(double) * ((size_t)ng + 1));
            for (int i = 0; i < ng; i++) {
                const GEOSGeometry *ln = GEOSGetGeometryN_r(ctx, tri, i);
                const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ln);
                unsigned np = 0;
                if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &np) || np < 2)
                    continue;
                double x0, y0, x1, y1;
                GEOSCoordSeq_getXY_r(ctx, cs, 0, &x0, &y0);
                GEOSCoordSeq_getXY_r(ctx, cs, np - 1, &x1, &y1);
                int u = pt_find(&pm, x0, y0, -1), v = pt_find(&pm, x1, y1, -1);
                if (u < 0 || v < 0 || u == v)
                    continue;
                if (m + 2 > cap) {
                    cap *= 2;
                    e = xrealloc(e, sizeof(*e) * cap);
                }
                double l = hypot(x1 - x0, y1 - y0);
                len[nlen++] = l;
                /* weight filled in below, once the median is known; keep length in w's place */
                e[m++] = (struct edge){u, v, (int)nlen - 1};
                e[m++] = (struct edge){v, u, (int)nlen - 1};
            }
            GEOSGeom_destroy_r(ctx, tri);
        }
        if (mp)
            GEOSGeom_destroy_r(ctx, mp);
        GEOS_finish_r(ctx);
    }
    if (rc) {
        free(e);
        free(len);
        free(rep);
        free(pm.slot);
        return rc;
    }
    double l0 = 1.0;
    if (nlen) {
        double *sorted = xmalloc(sizeof(double) * nlen);
        memcpy(sorted, len, sizeof(double) * nlen);
        qsort(sorted, nlen, sizeof(double), cmp_double);
        l0 = sorted[nlen / 2] > 0 ? sorted[nlen / 2] : 1.0;
        free(sorted);
    }
    for (size_t i = 0; i < m; i++) {
        int w = closeness(len[e[i].w], l0);
        if (b[e[i].u].estate && b[e[i].u].estate == b[e[i].v].estate)
            w *= 4;
        e[i].w = w;
    }
    free(len);
    /* buildings at one point: tie each to the first one there */
    for (int i = 0; i < n; i++) {
        if (rep[i] == i)
            continue;
        if (m + 2 > cap) {
            cap *= 2;
            e = xrealloc(e, sizeof(*e) * cap);
        }
        e[m++] = (struct edge){i, rep[i], 400};
        e[m++] = (struct edge){rep[i], i, 400};
    }
    free(rep);
    free(pm.slot);
    plan_graph *g = csr_build(n, e, m);
    int *comp = xmalloc(sizeof(int) * ((size_t)n + 1));
    int nc = label_components(g, comp);
    if (nc > 1) {
        /* csr_build compacted e in place: its first g->xadj[n] entries are the edges */
        m = (size_t)g->xadj[n];
        for (size_t i = 0; i < m; i++)
            e[i].w = g->w[i];
        plan_graph_free(g);
        connect_components(b, n, comp, nc, &e, &m, &cap, l0);
        g = csr_build(n, e, m);
    }
    free(comp);
    free(e);
    *out = g;
    return 0;
}
