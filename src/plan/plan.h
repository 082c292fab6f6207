/*
 * plan.h — grid planning, the pure part: cut a community's buildings into
 * grids of 300–500 households (≤ 2,500 residents), compact and contiguous,
 * never splitting a building and preferring not to split an estate; the
 * grid shapes; a community split along grid boundaries; staffing.
 *
 * Nothing here touches the database (plan_db.h does): every function works
 * on arrays of buildings in local metres, so the rules are unit-tested on
 * hand-made layouts.
 *
 *   plan_proj_*        lat/lon ↔ local metres (equirectangular about the mean)
 *   plan_graph_*       neighbourhood graph of buildings (Delaunay, GEOS)
 *   plan_metis         the bare METIS_PartGraphKway call
 *   plan_partition     choose k, METIS, repair; the whole cut
 *   plan_repair        contiguity and bounds by moving boundary buildings
 *   plan_eval          per-grid figures and what is out of bounds, and why
 *   plan_shapes_*      grid polygons (Voronoi cells, union, hull), GeoJSON
 *   plan_split         a community split into groups of grids
 *   plan_staff_*       the "1+2+X" team and grid workers at N per 10,000
 */
#ifndef GG_PLAN_H
#define GG_PLAN_H

#include <jansson.h>
#include <stdint.h>

#include "gg.h"

/* The standard. plan_params_default fills the values of the seed. */
struct plan_params {
    int min_households;   /* 300: fewest households of a grid */
    int max_households;   /* 500: most households of a grid */
    int max_residents;    /* 2,500: most residents of a grid */
    int split_households; /* 3,000: a community above this is proposed for a split */
    int staff_per_10k;    /* 18: full-time grid workers per 10,000 residents */
};

void plan_params_default(struct plan_params *p);

/* 0 if p is coherent (positive, min < max, ...); GG_EINVAL naming the field otherwise. */
int plan_params_check(const struct plan_params *p, gg_err *err);

/* One building, the unit a plan moves. */
struct plan_bldg {
    double x, y;    /* local metres (plan_proj_fwd) */
    int households; /* >= 0 */
    int residents;  /* >= 0 */
    int64_t estate; /* estate id, 0 for none */
};

/* ---- projection ---- */

struct plan_proj {
    double lat0, lon0; /* origin */
    double kx, ky;     /* metres per degree of longitude and latitude */
};

/* Centre the projection on the mean of n points (n may be 0: origin 0,0). */
void plan_proj_init(struct plan_proj *pj, const double *lat, const double *lon, int n);
void plan_proj_fwd(const struct plan_proj *pj, double lat, double lon, double *x, double *y);
void plan_proj_inv(const struct plan_proj *pj, double x, double y, double *lat, double *lon);

/* ---- graph ---- */

/* An undirected graph in CSR form (METIS's layout): the neighbours of v are
 * adj[xadj[v] .. xadj[v+1]) with weights w[...]; every edge appears twice. */
typedef struct plan_graph {
    int n;
    int *xadj; /* n + 1 */
    int *adj;
    int *w;
} plan_graph;

/*
 * The neighbourhood graph of n buildings: edges of their Delaunay
 * triangulation (GEOS), weighted by closeness (100·L0/(L+L0), L0 the median
 * edge length) and four times heavier between buildings of one estate.
 * Buildings at the same point are tied to one another. The graph is made
 * connected if the triangulation is not (collinear input). Free with
 * plan_graph_free.
 */
int plan_graph_delaunay(const struct plan_bldg *b, int n, plan_graph **out, gg_err *err);

/* A graph from m undirected edges (u[i], v[i], w[i]); duplicates are merged. */
int plan_graph_from_edges(int n, const int *u, const int *v, const int *w, int m, plan_graph **out);

void plan_graph_free(plan_graph *g);

/* Number of connected components of the vertices of part p (part[v] == p). */
int plan_part_components(const plan_graph *g, const int *part, int p);

/* ---- partition ---- */

/*
 * The bare METIS_PartGraphKway call (contiguity on, vertex weight vw,
 * objective edge cut) into k parts, written to part[n]. k == 1 needs no call.
 */
int plan_metis(const plan_graph *g, const int *vw, int k, int seed, int *part, gg_err *err);

/*
 * Grid counts that can hold households and residents: every k in
 * [kmin, kmax] gives a mean inside the bounds (kmin > kmax when none does,
 * e.g. 250 households); *k is the one nearest the middle of the bounds.
 */
void plan_choose_k(int64_t households, int64_t residents, int nbuildings,
                   const struct plan_params *pp, int *k, int *kmin, int *kmax);

/*
 * Repair part[n] (values in [0, k)) in place: make every part contiguous,
 * then move boundary buildings, one or two at a time, while that lowers the
 * total violation of the bounds (households over max or under min, residents
 * over max), never cutting a part in two. Then polish: moves that keep every
 * bound and lower the edge cut. Returns the remaining violation (0: every
 * part is within bounds). Parts may become empty (merged away).
 */
int64_t plan_repair(const plan_graph *g, const struct plan_bldg *b, int k,
                    const struct plan_params *pp, int *part);

/* Violation of one part's totals (0 when within bounds). */
int64_t plan_violation(int64_t households, int64_t residents, const struct plan_params *pp);

/*
 * The whole cut: choose k, METIS, repair; when bounds are missed, other k
 * and seeds are tried and the best plan kept. Writes part[n] with values in
 * [0, *k) (no empty part) and returns 0; the bounds may still be missed
 * (plan_eval says where and why). *metis_s, if not NULL, receives the time
 * spent inside METIS (CPU time of the calling thread).
 */
int plan_partition(const plan_graph *g, const struct plan_bldg *b, const struct plan_params *pp,
                   int *part, int *k, double *metis_s, gg_err *err);

/* ---- evaluation ---- */

enum plan_issue {
    PLAN_OK = 0,
    PLAN_TOO_FEW = 1 << 0,      /* households under the minimum */
    PLAN_TOO_MANY = 1 << 1,     /* households over the maximum */
    PLAN_TOO_MANY_RES = 1 << 2, /* residents over the maximum */
    PLAN_NOT_CONTIGUOUS = 1 << 3,
    PLAN_BIG_BUILDING = 1 << 4, /* one building alone is over a maximum */
    PLAN_SMALL_TOTAL = 1 << 5,  /* the whole community is under the minimum */
};

struct plan_grid_stat {
    int64_t households, residents;
    int buildings;
    int estates;   /* distinct estates with buildings here */
    double cx, cy; /* household-weighted centre (plain centre if none) */
    double minx, miny, maxx, maxy;
    unsigned issues;  /* enum plan_issue bits */
    int big_building; /* index of the largest building, for PLAN_BIG_BUILDING */
};

/* Figures of the k parts into st[k]; returns the number of parts with issues. */
int plan_eval(const plan_graph *g, const struct plan_bldg *b, const int *part, int k,
              const struct plan_params *pp, struct plan_grid_stat *st);

/* Why a grid is out of bounds, in Chinese, into out (size n): "" when it is not. */
void plan_issue_text(const struct plan_grid_stat *st, const struct plan_bldg *b,
                     const struct plan_params *pp, char *out, size_t n);

/* Estates whose buildings lie in more than one part. */
int plan_estates_split(const struct plan_bldg *b, int n, const int *part);

/*
 * Order of k parts west→east, north→south: rows of the height of a typical
 * part, north first, west to east inside a row. Writes order[k] (order[i]
 * is the part that gets serial i + 1).
 */
void plan_order(const struct plan_grid_stat *st, int k, int *order);

/* ---- shapes ---- */

typedef struct plan_shapes plan_shapes;

/*
 * The grid polygons of a partition: each the union of its buildings'
 * Voronoi cells, clipped to the community's hull (the concave hull of its
 * buildings buffered by margin metres). Free with plan_shapes_free.
 */
int plan_shapes_build(const struct plan_bldg *b, int n, const int *part, int k, double margin,
                      plan_shapes **out, gg_err *err);
void plan_shapes_free(plan_shapes *s);

/* Area (m²) and Polsby–Popper compactness 4πA/P² (1 for a disc) of grid p. */
double plan_shape_area(const plan_shapes *s, int p);
double plan_shape_compactness(const plan_shapes *s, int p);

/*
 * Grid p as an RFC 7946 GeoJSON geometry (Polygon or MultiPolygon, lon/lat,
 * closed rings, exteriors counter-clockwise, holes clockwise); NULL for an
 * empty part. Caller owns the reference.
 */
json_t *plan_shape_geojson(const plan_shapes *s, int p, const struct plan_proj *pj);

/*
 * Check a GeoJSON document (FeatureCollection, Feature or geometry): every
 * Polygon/MultiPolygon ring closed and of 4+ positions, exteriors
 * counter-clockwise, holes clockwise, each polygon valid per GEOS. Writes
 * the number of polygons checked; GG_EINVAL with the first fault in err.
 */
int plan_geojson_check(const json_t *doc, int *npolygons, gg_err *err);

/* ---- community split ---- */

/*
 * A split of one community's k grids into groups along grid boundaries:
 * ceil(households / split_households) contiguous groups of similar size
 * (METIS on the graph of grids). group[k] receives each grid's group;
 * returns the number of groups (1: no split proposed).
 */
int plan_split(const plan_graph *g, const struct plan_bldg *b, const int *part, int k,
               const struct plan_params *pp, int *group, gg_err *err);

/* ---- staffing ---- */

/* A "1+2+X" team: 1 grid chief (a committee member), full- and part-time grid
 * workers (2 at least together), X volunteers (at least 1). */
struct plan_team {
    int chief, fulltime, parttime, volunteers;
};

/* Full-time grid workers for residents at per_10k per 10,000, rounded up. */
int64_t plan_staff_fulltime(int64_t residents, int per_10k);

/* What a grid of residents needs: 1 chief, max(1, the ratio) full-time, part-time
 * to make 2 workers, 1 volunteer. */
void plan_staff_need(int64_t residents, int per_10k, struct plan_team *need);

/* Missing members by role (need − have, never negative) into gap; returns the total. */
int plan_staff_gap(const struct plan_team *need, const struct plan_team *have,
                   struct plan_team *gap);

#endif
