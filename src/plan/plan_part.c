/*
 * plan_part.c — cutting the building graph into grids: the number of grids,
 * the METIS call, and the repair that brings every grid within the bounds
 * while keeping it in one piece.
 *
 * The repair measures a plan by its violation: for each grid, five points
 * per household over the maximum or under the minimum plus one per resident
 * over the maximum. A move of one boundary building (or a chain of two) is
 * taken only when it lowers the total and leaves the grid it leaves
 * connected, so the repair always ends and never breaks contiguity.
 */
#include <metis.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"

int plan_metis(const plan_graph *g, const int *vw, int k, int seed, int *part, gg_err *err)
{
    int n = g->n;
    if (k < 1 || (n > 0 && k > n))
        return gg_fail(err, GG_EINVAL, "k", "cannot cut %d buildings into %d grids", n, k);
    if (k == 1 || n == 0) {
        for (int i = 0; i < n; i++)
            part[i] = 0;
        return 0;
    }
    idx_t nv = n, ncon = 1, np = k, objval = 0;
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_CONTIG] = 1;
    options[METIS_OPTION_OBJTYPE] = METIS_OBJTYPE_CUT;
    options[METIS_OPTION_SEED] = seed;
    /* idx_t is int here (IDXTYPEWIDTH 32); METIS takes non-const pointers */
    _Static_assert(sizeof(idx_t) == sizeof(int), "METIS idx_t must be int");
    idx_t *vwgt = xmalloc(sizeof(idx_t) * (size_t)n);
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        vwgt[i] = vw[i] > 0 ? vw[i] : 0;
        total += vwgt[i];
    }
    if (total == 0)
        for (int i = 0; i < n; i++)
            vwgt[i] = 1;
    int rc = METIS_PartGraphKway(&nv, &ncon, (idx_t *)g->xadj, (idx_t *)g->adj, vwgt, NULL,
                                 (idx_t *)g->w, &np, NULL, NULL, options, &objval, (idx_t *)part);
    free(vwgt);
    if (rc != METIS_OK)
        return gg_fail(err, rc == METIS_ERROR_MEMORY ? GG_EIO : GG_EINVAL, "graph",
                       "METIS could not cut the graph into %d parts (code %d)", k, rc);
    return 0;
}

void plan_choose_k(int64_t households, int64_t residents, int nbuildings,
                   const struct plan_params *pp, int *k, int *kmin, int *kmax)
{
    int64_t lo = (households + pp->max_households - 1) / pp->max_households;
    int64_t lr = (residents + pp->max_residents - 1) / pp->max_residents;
    if (lr > lo)
        lo = lr;
    if (lo < 1)
        lo = 1;
    int64_t hi = households / pp->min_households;
    if (hi > nbuildings)
        hi = nbuildings;
    int64_t target = (pp->min_households + pp->max_households) / 2;
    int64_t best = (households + target / 2) / target;
    if (lo <= hi) {
        best = best < lo ? lo : best > hi ? hi : best;
    } else {
        /* no count fits: as many as needed for the maxima, at most one per building */
        best = lo < nbuildings ? lo : nbuildings;
    }
    if (best < 1)
        best = 1;
    *k = (int)best;
    *kmin = (int)(lo > INT32_MAX ? INT32_MAX : lo);
    *kmax = (int)(hi < 0 ? 0 : hi);
}

int64_t plan_violation(int64_t households, int64_t residents, const struct plan_params *pp)
{
    int64_t v = 0;
    if (households > pp->max_households)
        v += 5 * (households - pp->max_households);
    else if (households < pp->min_households)
        v += 5 * (pp->min_households - households);
    if (residents > pp->max_residents)
        v += residents - pp->max_residents;
    return v;
}

/* ---- repair state ---- */

struct rp {
    const plan_graph *g;
    const struct plan_bldg *b;
    const struct plan_params *pp;
    int k;
    int *part;
    int64_t *hh, *res;
    int *sz;
    int **mem; /* members of each part */
    int *mcap;
    int *pos;  /* index of v in mem[part[v]] */
    int *mark; /* BFS stamps */
    int stamp;
    int *stack;
};

static int64_t pen(const struct rp *r, int p, int64_t dh, int64_t dr, int dsz)
{
    if (r->sz[p] + dsz == 0)
        return 0;
    return plan_violation(r->hh[p] + dh, r->res[p] + dr, r->pp);
}

static void mem_add(struct rp *r, int p, int v)
{
    if (r->sz[p] == r->mcap[p]) {
        r->mcap[p] = r->mcap[p] * 2 + 4;
        r->mem[p] = xrealloc(r->mem[p], sizeof(int) * (size_t)r->mcap[p]);
    }
    r->pos[v] = r->sz[p];
    r->mem[p][r->sz[p]++] = v;
}

static void mem_del(struct rp *r, int p, int v)
{
    int i = r->pos[v], last = r->mem[p][--r->sz[p]];
    r->mem[p][i] = last;
    r->pos[last] = i;
}

static void move(struct rp *r, int v, int q)
{
    int p = r->part[v];
    mem_del(r, p, v);
    r->hh[p] -= r->b[v].households;
    r->res[p] -= r->b[v].residents;
    mem_add(r, q, v);
    r->hh[q] += r->b[v].households;
    r->res[q] += r->b[v].residents;
    r->part[v] = q;
}

/* Would part p stay connected without v? (An emptied part counts as fine.) */
static int stays_connected(struct rp *r, int v)
{
    int p = r->part[v];
    if (r->sz[p] <= 2)
        return 1;
    const plan_graph *g = r->g;
    int start = -1;
    for (int i = g->xadj[v]; i < g->xadj[v + 1]; i++)
        if (r->part[g->adj[i]] == p) {
            start = g->adj[i];
            break;
        }
    if (start < 0)
        return 0; /* v was isolated inside p: p is already in pieces */
    int st = ++r->stamp, top = 0, seen = 1;
    r->mark[v] = st;
    r->mark[start] = st;
    r->stack[top++] = start;
    while (top) {
        int x = r->stack[--top];
        for (int i = g->xadj[x]; i < g->xadj[x + 1]; i++) {
            int u = g->adj[i];
            if (r->part[u] == p && r->mark[u] != st) {
                r->mark[u] = st;
                r->stack[top++] = u;
                seen++;
            }
        }
    }
    return seen == r->sz[p] - 1;
}

/* Edge weight from v into part q. */
static int64_t conn(const struct rp *r, int v, int q)
{
    int64_t s = 0;
    for (int i = r->g->xadj[v]; i < r->g->xadj[v + 1]; i++)
        if (r->part[r->g->adj[i]] == q)
            s += r->g->w[i];
    return s;
}

/* Change of the total violation if v moves to q. */
static int64_t delta(const struct rp *r, int v, int q)
{
    int p = r->part[v];
    int64_t h = r->b[v].households, s = r->b[v].residents;
    return pen(r, p, -h, -s, -1) + pen(r, q, h, s, 1) - pen(r, p, 0, 0, 0) - pen(r, q, 0, 0, 0);
}

struct cand {
    int v, q;
    int64_t d, gain;
};

/*
 * The best single move touching part p: one of p's buildings out to a
 * neighbouring part, or a neighbour's building into p. Candidates that
 * would cut their part in two are skipped. Also collects up to ncap
 * candidates (any delta) into list for the two-step search.
 */
static int best_move(struct rp *r, int p, struct cand *best, struct cand *list, int ncap,
                     int *nlist)
{
    const plan_graph *g = r->g;
    int found = 0;
    *nlist = 0;
    for (int i = 0; i < r->sz[p]; i++) {
        int v = r->mem[p][i];
        for (int e = g->xadj[v]; e < g->xadj[v + 1]; e++) {
            int u = g->adj[e], q = r->part[u];
            if (q == p)
                continue;
            /* out: v to q; in: u to p */
            for (int dir = 0; dir < 2; dir++) {
                int mv = dir ? u : v, to = dir ? p : q;
                int64_t d = delta(r, mv, to);
                int64_t gain = conn(r, mv, to) - conn(r, mv, r->part[mv]);
                if (found && (d > best->d || (d == best->d && gain <= best->gain)) &&
                    *nlist >= ncap)
                    continue;
                if (!stays_connected(r, mv))
                    continue;
                struct cand c = {mv, to, d, gain};
                if (*nlist < ncap)
                    list[(*nlist)++] = c;
                if (!found || d < best->d || (d == best->d && gain > best->gain)) {
                    *best = c;
                    found = 1;
                }
            }
        }
    }
    return found;
}

/* Try a chain of two moves starting with each candidate of list; commit the first that helps. */
static int two_step(struct rp *r, const struct cand *list, int nlist)
{
    struct cand scratch[64];
    for (int i = 0; i < nlist; i++) {
        const struct cand *c = &list[i];
        int from = r->part[c->v];
        if (from == c->q)
            continue;
        move(r, c->v, c->q);
        /* second move: around the part that changed most, not undoing the first */
        int parts[2] = {c->q, from};
        for (int j = 0; j < 2; j++) {
            struct cand b2;
            int n2;
            if (best_move(r, parts[j], &b2, scratch, 0, &n2) && b2.v != c->v && c->d + b2.d < 0) {
                move(r, b2.v, b2.q);
                return 1;
            }
        }
        move(r, c->v, from);
    }
    return 0;
}

static void rp_init(struct rp *r, const plan_graph *g, const struct plan_bldg *b, int k,
                    const struct plan_params *pp, int *part)
{
    int n = g->n;
    memset(r, 0, sizeof(*r));
    r->g = g;
    r->b = b;
    r->pp = pp;
    r->k = k;
    r->part = part;
    r->hh = xcalloc((size_t)k + 1, sizeof(int64_t));
    r->res = xcalloc((size_t)k + 1, sizeof(int64_t));
    r->sz = xcalloc((size_t)k + 1, sizeof(int));
    r->mcap = xcalloc((size_t)k + 1, sizeof(int));
    r->mem = xcalloc((size_t)k + 1, sizeof(int *));
    r->pos = xmalloc(sizeof(int) * ((size_t)n + 1));
    r->mark = xcalloc((size_t)n + 1, sizeof(int));
    r->stack = xmalloc(sizeof(int) * ((size_t)n + 1));
    for (int v = 0; v < n; v++) {
        int p = part[v];
        mem_add(r, p, v);
        r->hh[p] += b[v].households;
        r->res[p] += b[v].residents;
    }
}

static void rp_free(struct rp *r)
{
    for (int p = 0; p < r->k; p++)
        free(r->mem[p]);
    free(r->mem);
    free(r->mcap);
    free(r->hh);
    free(r->res);
    free(r->sz);
    free(r->pos);
    free(r->mark);
    free(r->stack);
}

/* Move every piece of a part but its biggest to the neighbour it is tied to most. */
static void make_contiguous(struct rp *r)
{
    const plan_graph *g = r->g;
    int n = g->n;
    int *comp = xmalloc(sizeof(int) * ((size_t)n + 1));
    int *queue = xmalloc(sizeof(int) * ((size_t)n + 1));
    for (int pass = 0; pass < 16; pass++) {
        int changed = 0;
        for (int v = 0; v < n; v++)
            comp[v] = -1;
        for (int p = 0; p < r->k; p++) {
            if (r->sz[p] <= 1)
                continue;
            /* label p's pieces; remember the heaviest */
            int nc = 0, bestc = 0;
            int64_t besth = -1;
            int bestn = 0;
            for (int i = 0; i < r->sz[p]; i++) {
                int s = r->mem[p][i];
                if (comp[s] >= 0)
                    continue;
                int qh = 0, qt = 0;
                int64_t h = 0;
                queue[qt++] = s;
                comp[s] = nc;
                while (qh < qt) {
                    int x = queue[qh++];
                    h += r->b[x].households;
                    for (int e = g->xadj[x]; e < g->xadj[x + 1]; e++) {
                        int u = g->adj[e];
                        if (r->part[u] == p && comp[u] < 0) {
                            comp[u] = nc;
                            queue[qt++] = u;
                        }
                    }
                }
                if (h > besth || (h == besth && qt > bestn)) {
                    besth = h;
                    bestn = qt;
                    bestc = nc;
                }
                nc++;
            }
            if (nc == 1)
                continue;
            for (int c = 0; c < nc; c++) {
                if (c == bestc)
                    continue;
                /* the piece's vertices and its strongest outside neighbour part */
                int cnt = 0;
                for (int i = 0; i < r->sz[p]; i++)
                    if (comp[r->mem[p][i]] == c)
                        queue[cnt++] = r->mem[p][i];
                int bestq = -1;
                int64_t bw = -1;
                for (int i = 0; i < cnt; i++) {
                    int x = queue[i];
                    for (int e = g->xadj[x]; e < g->xadj[x + 1]; e++) {
                        int q = r->part[g->adj[e]];
                        if (q == p)
                            continue;
                        int64_t w = conn(r, x, q);
                        if (w > bw) {
                            bw = w;
                            bestq = q;
                        }
                    }
                }
                if (bestq < 0)
                    continue; /* an island with no neighbour: nothing to join */
                for (int i = 0; i < cnt; i++)
                    move(r, queue[i], bestq);
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    free(comp);
    free(queue);
}

/* Moves that keep every bound, keep parts whole and lower the edge cut. */
static void polish(struct rp *r, int passes)
{
    const plan_graph *g = r->g;
    for (int pass = 0; pass < passes; pass++) {
        int moved = 0;
        for (int v = 0; v < g->n; v++) {
            int p = r->part[v], bq = -1;
            int64_t here = conn(r, v, p), bgain = 0;
            for (int e = g->xadj[v]; e < g->xadj[v + 1]; e++) {
                int q = r->part[g->adj[e]];
                if (q == p || q == bq)
                    continue;
                int64_t gain = conn(r, v, q) - here;
                if (gain > bgain && delta(r, v, q) <= 0) {
                    bgain = gain;
                    bq = q;
                }
            }
            if (bq >= 0 && r->sz[p] > 1 && stays_connected(r, v)) {
                move(r, v, bq);
                moved++;
            }
        }
        if (!moved)
            break;
    }
}

int64_t plan_repair(const plan_graph *g, const struct plan_bldg *b, int k,
                    const struct plan_params *pp, int *part)
{
    if (g->n == 0 || k <= 0)
        return 0;
    struct rp r;
    rp_init(&r, g, b, k, pp, part);
    make_contiguous(&r);
    struct cand list[48];
    int *work = xmalloc(sizeof(int) * (size_t)k);
    for (int round = 0; round < 1000; round++) {
        int nw = 0, improved = 0;
        for (int p = 0; p < k; p++)
            if (pen(&r, p, 0, 0, 0) > 0)
                work[nw++] = p;
        if (nw == 0)
            break;
        for (int i = 0; i < nw; i++) {
            int p = work[i];
            /* keep moving around p while it helps */
            for (int step = 0; step < 64 && pen(&r, p, 0, 0, 0) > 0; step++) {
                struct cand best;
                int nlist;
                int found = best_move(&r, p, &best, list, (int)GG_ARRAY_LEN(list), &nlist);
                if (found && best.d < 0) {
                    move(&r, best.v, best.q);
                    improved = 1;
                    continue;
                }
                if (two_step(&r, list, nlist)) {
                    improved = 1;
                    continue;
                }
                break;
            }
        }
        if (!improved)
            break;
    }
    free(work);
    polish(&r, 3);
    int64_t total = 0;
    for (int p = 0; p < k; p++)
        total += pen(&r, p, 0, 0, 0);
    rp_free(&r);
    return total;
}

/* ---- the whole cut ---- */

/* CPU time of the calling thread: what METIS costs, whatever else the machine does */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t edge_cut(const plan_graph *g, const int *part)
{
    int64_t cut = 0;
    for (int v = 0; v < g->n; v++)
        for (int e = g->xadj[v]; e < g->xadj[v + 1]; e++)
            if (part[g->adj[e]] != part[v])
                cut += g->w[e];
    return cut / 2;
}

/* Renumber parts 0..k'-1 in order of first appearance, dropping empty ones; returns k'. */
static int compact_parts(int *part, int n, int k)
{
    int *map = xmalloc(sizeof(int) * ((size_t)k + 1));
    for (int p = 0; p < k; p++)
        map[p] = -1;
    int next = 0;
    for (int v = 0; v < n; v++) {
        if (map[part[v]] < 0)
            map[part[v]] = next++;
        part[v] = map[part[v]];
    }
    free(map);
    return next;
}

int plan_partition(const plan_graph *g, const struct plan_bldg *b, const struct plan_params *pp,
                   int *part, int *k, double *metis_s, gg_err *err)
{
    int n = g->n;
    if (metis_s)
        *metis_s = 0;
    if (n == 0) {
        *k = 0;
        return 0;
    }
    int64_t hh = 0, res = 0, floor_v = 0;
    for (int v = 0; v < n; v++) {
        hh += b[v].households;
        res += b[v].residents;
        /* what no plan can avoid: a building alone over a maximum */
        int64_t over = plan_violation(b[v].households, b[v].residents, pp);
        if (b[v].households > pp->max_households || b[v].residents > pp->max_residents)
            floor_v += over;
    }
    int k0, kmin, kmax;
    plan_choose_k(hh, res, n, pp, &k0, &kmin, &kmax);
    if (k0 <= 1) {
        for (int v = 0; v < n; v++)
            part[v] = 0;
        *k = 1;
        return 0;
    }
    int *vw = xmalloc(sizeof(int) * (size_t)n);
    for (int v = 0; v < n; v++)
        vw[v] = b[v].households;
    int *trial = xmalloc(sizeof(int) * (size_t)n);
    int64_t best_v = -1, best_cut = 0;
    int best_k = 0;
    /* k0 first; if bounds are missed, the neighbouring counts and another seed */
    int tries[6][2] = {{k0, 1}, {k0 + 1, 1}, {k0 - 1, 1}, {k0, 7}, {k0 + 2, 1}, {k0 - 2, 1}};
    int rc = 0;
    for (int t = 0; t < 6; t++) {
        int kt = tries[t][0];
        if (kt < 1 || kt > n || (t > 0 && (kt < kmin || kt > kmax) && kmin <= kmax))
            continue;
        double t0 = now_s();
        rc = plan_metis(g, vw, kt, tries[t][1], trial, err);
        if (metis_s)
            *metis_s += now_s() - t0;
        if (rc) {
            if (best_v >= 0)
                rc = 0; /* keep the plan we have */
            break;
        }
        int64_t v = plan_repair(g, b, kt, pp, trial);
        int64_t cut = edge_cut(g, trial);
        if (best_v < 0 || v < best_v || (v == best_v && cut < best_cut)) {
            best_v = v;
            best_cut = cut;
            best_k = kt;
            memcpy(part, trial, sizeof(int) * (size_t)n);
        }
        if (best_v <= floor_v)
            break;
    }
    free(vw);
    free(trial);
    if (rc)
        return rc;
    *k = compact_parts(part, n, best_k);
    return 0;
}
