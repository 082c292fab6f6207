/*
 * plan_shape.c — grid polygons: each building's Voronoi cell (GEOS), the
 * union of a grid's cells clipped to the community's hull (the concave hull
 * of its buildings, buffered), their compactness, RFC 7946 GeoJSON output
 * and a checker for GeoJSON polygons (closed rings, orientation, GEOS
 * validity).
 */
#include <geos_c.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

struct plan_shapes {
    GEOSContextHandle_t ctx;
    int k;
    GEOSGeometry **geom; /* k, NULL for an empty part */
    double *area, *perim;
};

static void geos_msg(const char *msg, void *ctx)
{
    (void)msg;
    (void)ctx;
}

/* ---- nearest site: a uniform bucket grid over the sites ---- */

struct nn {
    double x0, y0, cell;
    int nx, ny;
    int *start; /* nx*ny + 1 */
    int *item;
    const double *px, *py;
};

static void nn_build(struct nn *t, const double *px, const double *py, int n)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int i = 0; i < n; i++) {
        x0 = fmin(x0, px[i]);
        y0 = fmin(y0, py[i]);
        x1 = fmax(x1, px[i]);
        y1 = fmax(y1, py[i]);
    }
    double w = fmax(x1 - x0, 1.0), h = fmax(y1 - y0, 1.0);
    double cell = sqrt(w * h / (n > 0 ? n : 1)) * 1.5;
    if (cell <= 0 || !isfinite(cell))
        cell = 1.0;
    t->x0 = x0;
    t->y0 = y0;
    t->cell = cell;
    t->nx = (int)fmin(w / cell + 1, 4096);
    t->ny = (int)fmin(h / cell + 1, 4096);
    t->px = px;
    t->py = py;
    size_t nb = (size_t)t->nx * (size_t)t->ny;
    t->start = xcalloc(nb + 1, sizeof(int));
    t->item = xmalloc(sizeof(int) * ((size_t)n + 1));
    int *bk = xmalloc(sizeof(int) * ((size_t)n + 1));
    for (int i = 0; i < n; i++) {
        int cx = (int)fmin((px[i] - x0) / cell, t->nx - 1),
            cy = (int)fmin((py[i] - y0) / cell, t->ny - 1);
        bk[i] = cy * t->nx + cx;
        t->start[bk[i] + 1]++;
    }
    for (size_t c = 0; c < nb; c++)
        t->start[c + 1] += t->start[c];
    int *fill = xmalloc(sizeof(int) * (nb + 1));
    memcpy(fill, t->start, sizeof(int) * (nb + 1));
    for (int i = 0; i < n; i++)
        t->item[fill[bk[i]]++] = i;
    free(fill);
    free(bk);
}

static int nn_find(const struct nn *t, double x, double y)
{
    double fx = floor((x - t->x0) / t->cell), fy = floor((y - t->y0) / t->cell);
    /* a point off the grid searches from the nearest cell on it */
    int cx = (int)fmax(0, fmin(fx, t->nx - 1)), cy = (int)fmax(0, fmin(fy, t->ny - 1));
    int best = -1;
    double bd = INFINITY;
    int maxr = t->nx > t->ny ? t->nx : t->ny;
    for (int r = 0; r <= maxr + 1; r++) {
        for (int j = cy - r; j <= cy + r; j++) {
            if (j < 0 || j >= t->ny)
                continue;
            for (int i = cx - r; i <= cx + r; i++) {
                if (i < 0 || i >= t->nx || (abs(i - cx) != r && abs(j - cy) != r))
                    continue;
                int c = j * t->nx + i;
                for (int s = t->start[c]; s < t->start[c + 1]; s++) {
                    int it = t->item[s];
                    double d = hypot(t->px[it] - x, t->py[it] - y);
                    if (d < bd) {
                        bd = d;
                        best = it;
                    }
                }
            }
        }
        /* every site of ring r + 1 or beyond is at least r * cell away */
        if (best >= 0 && bd <= r * t->cell)
            break;
    }
    return best;
}

static void nn_free(struct nn *t)
{
    free(t->start);
    free(t->item);
}

/* ---- building the shapes ---- */

static GEOSGeometry *multipoint(GEOSContextHandle_t ctx, const double *x, const double *y, int n)
{
    GEOSGeometry **pts = xmalloc(sizeof(*pts) * ((size_t)n + 1));
    for (int i = 0; i < n; i++)
        pts[i] = GEOSGeom_createPointFromXY_r(ctx, x[i], y[i]);
    GEOSGeometry *mp = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, pts, (unsigned)n);
    free(pts);
    return mp;
}

static int pt_cmp_idx(const void *a, const void *b, const struct plan_bldg *bl)
{
    const struct plan_bldg *p = &bl[*(const int *)a], *q = &bl[*(const int *)b];
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->y < q->y ? -1 : p->y > q->y;
}

static const struct plan_bldg *sort_b;
static int sort_cmp(const void *a, const void *b)
{
    return pt_cmp_idx(a, b, sort_b);
}

int plan_shapes_build(const struct plan_bldg *b, int n, const int *part, int k, double margin,
                      plan_shapes **out, gg_err *err)
{
    plan_shapes *s = xcalloc(1, sizeof(*s));
    s->ctx = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(s->ctx, geos_msg, NULL);
    s->k = k;
    s->geom = xcalloc((size_t)k + 1, sizeof(*s->geom));
    s->area = xcalloc((size_t)k + 1, sizeof(double));
    s->perim = xcalloc((size_t)k + 1, sizeof(double));
    if (n == 0 || k == 0) {
        *out = s;
        return 0;
    }
    GEOSContextHandle_t ctx = s->ctx;
    /* distinct points, each with the part of its first building */
    int *idx = xmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        idx[i] = i;
    sort_b = b;
    qsort(idx, (size_t)n, sizeof(int), sort_cmp);
    sort_b = NULL;
    double *ux = xmalloc(sizeof(double) * (size_t)n), *uy = xmalloc(sizeof(double) * (size_t)n);
    int *upart = xmalloc(sizeof(int) * (size_t)n);
    int nu = 0;
    for (int i = 0; i < n; i++) {
        const struct plan_bldg *p = &b[idx[i]];
        if (nu > 0 && ux[nu - 1] == p->x && uy[nu - 1] == p->y)
            continue;
        ux[nu] = p->x;
        uy[nu] = p->y;
        upart[nu] = part[idx[i]];
        nu++;
    }
    free(idx);
    int rc = 0;
    GEOSGeometry *mp = multipoint(ctx, ux, uy, nu);
    GEOSGeometry *hull = NULL, *clip = NULL, *vor = NULL;
    if (!mp) {
        rc = gg_fail(err, GG_EIO, "buildings", "cannot make the points of the buildings");
        goto done;
    }
    hull = nu >= 3 ? GEOSConcaveHull_r(ctx, mp, 0.5, 0) : GEOSConvexHull_r(ctx, mp);
    clip = hull ? GEOSBuffer_r(ctx, hull, margin, 8) : NULL;
    if (!clip) {
        rc = gg_fail(err, GG_EIO, "buildings", "cannot make the community's hull");
        goto done;
    }
    if (nu == 1) {
        s->geom[upart[0]] = GEOSGeom_clone_r(ctx, clip);
    } else {
        vor = GEOSVoronoiDiagram_r(ctx, mp, clip, 0.0, 0);
        if (!vor) {
            rc = gg_fail(err, GG_EIO, "buildings", "the Voronoi diagram failed");
            goto done;
        }
        struct nn t;
        nn_build(&t, ux, uy, nu);
        int nc = GEOSGetNumGeometries_r(ctx, vor);
        /* cells grouped by part: counting sort of cell indices */
        int *cpart = xmalloc(sizeof(int) * ((size_t)nc + 1));
        int *cnt = xcalloc((size_t)k + 1, sizeof(int));
        for (int c = 0; c < nc; c++) {
            const GEOSGeometry *cell = GEOSGetGeometryN_r(ctx, vor, c);
            GEOSGeometry *ce = GEOSGetCentroid_r(ctx, cell);
            double cx = 0, cy = 0;
            cpart[c] = -1;
            if (ce && GEOSGeomGetX_r(ctx, ce, &cx) == 1 && GEOSGeomGetY_r(ctx, ce, &cy) == 1) {
                int site = nn_find(&t, cx, cy);
                cpart[c] = site >= 0 ? upart[site] : -1;
            }
            if (ce)
                GEOSGeom_destroy_r(ctx, ce);
            if (cpart[c] >= 0)
                cnt[cpart[c]]++;
        }
        nn_free(&t);
        int *first = xcalloc((size_t)k + 2, sizeof(int));
        for (int p = 0; p < k; p++)
            first[p + 1] = first[p] + cnt[p];
        int *cells = xmalloc(sizeof(int) * ((size_t)nc + 1));
        int *fill = xmalloc(sizeof(int) * ((size_t)k + 1));
        memcpy(fill, first, sizeof(int) * (size_t)k);
        for (int c = 0; c < nc; c++)
            if (cpart[c] >= 0)
                cells[fill[cpart[c]]++] = c;
        for (int p = 0; p < k && rc == 0; p++) {
            int m = first[p + 1] - first[p];
            if (m == 0)
                continue;
            GEOSGeometry **parts = xmalloc(sizeof(*parts) * (size_t)m);
            for (int i = 0; i < m; i++)
                parts[i] = GEOSGeom_clone_r(ctx, GEOSGetGeometryN_r(ctx, vor, cells[first[p] + i]));
            GEOSGeometry *coll =
                GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)m);
            free(parts);
            GEOSGeometry *u = coll ? GEOSUnaryUnion_r(ctx, coll) : NULL;
            GEOSGeometry *g = u ? GEOSIntersection_r(ctx, u, clip) : NULL;
            if (coll)
                GEOSGeom_destroy_r(ctx, coll);
            if (u)
                GEOSGeom_destroy_r(ctx, u);
            if (!g)
                rc = gg_fail(err, GG_EIO, "buildings", "cannot join the cells of grid %d", p + 1);
            s->geom[p] = g;
        }
        free(cpart);
        free(cnt);
        free(first);
        free(cells);
        free(fill);
    }
    for (int p = 0; p < k; p++) {
        if (!s->geom[p])
            continue;
        GEOSArea_r(ctx, s->geom[p], &s->area[p]);
        GEOSLength_r(ctx, s->geom[p], &s->perim[p]);
    }
done:
    if (vor)
        GEOSGeom_destroy_r(ctx, vor);
    if (clip)
        GEOSGeom_destroy_r(ctx, clip);
    if (hull)
        GEOSGeom_destroy_r(ctx, hull);
    if (mp)
        GEOSGeom_destroy_r(ctx, mp);
    free(ux);
    free(uy);
    free(upart);
    if (rc) {
        plan_shapes_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void plan_shapes_free(plan_shapes *s)
{
    if (!s)
        return;
    for (int p = 0; p < s->k; p++)
        if (s->geom[p])
            GEOSGeom_destroy_r(s->ctx, s->geom[p]);
    free(s->geom);
    free(s->area);
    free(s->perim);
    GEOS_finish_r(s->ctx);
    free(s);
}

double plan_shape_area(const plan_shapes *s, int p)
{
    return p >= 0 && p < s->k ? s->area[p] : 0;
}

double plan_shape_compactness(const plan_shapes *s, int p)
{
    if (p < 0 || p >= s->k || s->perim[p] <= 0)
        return 0;
    return 4.0 * M_PI * s->area[p] / (s->perim[p] * s->perim[p]);
}

/* ---- GeoJSON out ---- */

static double round7(double v)
{
    return round(v * 1e7) / 1e7;
}

/* Signed area of a ring of n (x,y) pairs (closed or not): > 0 counter-clockwise. */
static double ring_area(const double *xy, int n)
{
    double a = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
    return a / 2;
}

/* One ring in lon/lat, rounded, without repeated points, closed, oriented ccw or cw. */
static json_t *ring_json(GEOSContextHandle_t ctx, const GEOSGeometry *ring,
                         const struct plan_proj *pj, int ccw)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned np = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &np) || np < 4)
        return NULL;
    double *xy = xmalloc(sizeof(double) * 2 * np);
    int m = 0;
    for (unsigned i = 0; i < np; i++) {
        double x, y, lat, lon;
        GEOSCoordSeq_getXY_r(ctx, cs, i, &x, &y);
        plan_proj_inv(pj, x, y, &lat, &lon);
        lon = round7(lon);
        lat = round7(lat);
        if (m > 0 && xy[2 * (m - 1)] == lon && xy[2 * (m - 1) + 1] == lat)
            continue;
        xy[2 * m] = lon;
        xy[2 * m + 1] = lat;
        m++;
    }
    /* drop the closing point for now, if it survived */
    if (m > 1 && xy[0] == xy[2 * (m - 1)] && xy[1] == xy[2 * (m - 1) + 1])
        m--;
    if (m < 3) {
        free(xy);
        return NULL;
    }
    double a = ring_area(xy, m);
    int reverse = ccw ? a < 0 : a > 0;
    json_t *arr = json_array();
    for (int i = 0; i <= m; i++) {
        int j = i % m;
        if (reverse)
            j = (m - (i % m)) % m;
        json_array_append_new(arr, json_pack("[f, f]", xy[2 * j], xy[2 * j + 1]));
    }
    free(xy);
    return arr;
}

static json_t *polygon_json(GEOSContextHandle_t ctx, const GEOSGeometry *poly,
                            const struct plan_proj *pj)
{
    const GEOSGeometry *ext = GEOSGetExteriorRing_r(ctx, poly);
    json_t *er = ext ? ring_json(ctx, ext, pj, 1) : NULL;
    if (!er)
        return NULL;
    json_t *rings = json_array();
    json_array_append_new(rings, er);
    int nh = GEOSGetNumInteriorRings_r(ctx, poly);
    for (int i = 0; i < nh; i++) {
        json_t *hr = ring_json(ctx, GEOSGetInteriorRingN_r(ctx, poly, i), pj, 0);
        if (hr)
            json_array_append_new(rings, hr);
    }
    return rings;
}

static void collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                             const struct plan_proj *pj, json_t *polys)
{
    int t = GEOSGeomTypeId_r(ctx, g);
    if (t == GEOS_POLYGON) {
        json_t *p = polygon_json(ctx, g, pj);
        if (p)
            json_array_append_new(polys, p);
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; i++)
            collect_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), pj, polys);
    }
}

json_t *plan_shape_geojson(const plan_shapes *s, int p, const struct plan_proj *pj)
{
    if (p < 0 || p >= s->k || !s->geom[p])
        return NULL;
    json_t *polys = json_array();
    collect_polygons(s->ctx, s->geom[p], pj, polys);
    size_t n = json_array_size(polys);
    json_t *g = NULL;
    if (n == 1)
        g = json_pack("{s:s, s:O}", "type", "Polygon", "coordinates", json_array_get(polys, 0));
    else if (n > 1)
        g = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", polys);
    json_decref(polys);
    return g;
}

/* ---- GeoJSON check ---- */

struct gcheck {
    GEOSContextHandle_t ctx;
    int npoly;
    gg_err *err;
    char where[64];
};

/* A ring's positions into a new GEOS LinearRing, after the RFC 7946 checks. */
static GEOSGeometry *check_ring(struct gcheck *c, const json_t *ring, int exterior, int *rc)
{
    size_t n = json_array_size(ring);
    if (!json_is_array(ring) || n < 4) {
        *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: a ring needs 4 or more positions",
                      c->where);
        return NULL;
    }
    double *xy = xmalloc(sizeof(double) * 2 * n);
    for (size_t i = 0; i < n; i++) {
        const json_t *pos = json_array_get(ring, i);
        if (!json_is_array(pos) || json_array_size(pos) < 2 ||
            !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1))) {
            free(xy);
            *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: position %zu is not [lon, lat]",
                          c->where, i);
            return NULL;
        }
        xy[2 * i] = json_number_value(json_array_get(pos, 0));
        xy[2 * i + 1] = json_number_value(json_array_get(pos, 1));
        if (fabs(xy[2 * i]) > 180 || fabs(xy[2 * i + 1]) > 90) {
            free(xy);
            *rc = gg_fail(c->err, GG_EINVAL, "coordinates",
                          "%s: position %zu is outside lon/lat range", c->where, i);
            return NULL;
        }
    }
    if (xy[0] != xy[2 * (n - 1)] || xy[1] != xy[2 * (n - 1) + 1]) {
        free(xy);
        *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: the ring is not closed", c->where);
        return NULL;
    }
    double a = ring_area(xy, (int)n - 1);
    if (exterior ? a <= 0 : a >= 0) {
        free(xy);
        *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: %s ring is %s", c->where,
                      exterior ? "an exterior" : "a hole",
                      exterior ? "not counter-clockwise" : "not clockwise");
        return NULL;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(c->ctx, xy, (unsigned)n, 0, 0);
    free(xy);
    GEOSGeometry *r = cs ? GEOSGeom_createLinearRing_r(c->ctx, cs) : NULL;
    if (!r)
        *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: not a valid ring", c->where);
    return r;
}

static GEOSGeometry *check_polygon(struct gcheck *c, const json_t *rings, int *rc)
{
    size_t n = json_array_size(rings);
    if (!json_is_array(rings) || n < 1) {
        *rc = gg_fail(c->err, GG_EINVAL, "coordinates", "%s: a polygon needs rings", c->where);
        return NULL;
    }
    GEOSGeometry *shell = check_ring(c, json_array_get(rings, 0), 1, rc);
    if (!shell)
        return NULL;
    GEOSGeometry **holes = xmalloc(sizeof(*holes) * n);
    size_t nh = 0;
    for (size_t i = 1; i < n; i++) {
        GEOSGeometry *h = check_ring(c, json_array_get(rings, i), 0, rc);
        if (!h) {
            for (size_t j = 0; j < nh; j++)
                GEOSGeom_destroy_r(c->ctx, holes[j]);
            GEOSGeom_destroy_r(c->ctx, shell);
            free(holes);
            return NULL;
        }
        holes[nh++] = h;
    }
    GEOSGeometry *p = GEOSGeom_createPolygon_r(c->ctx, shell, holes, (unsigned)nh);
    free(holes);
    c->npoly++;
    return p;
}

static int check_valid(struct gcheck *c, GEOSGeometry *g)
{
    int rc = 0;
    if (GEOSisValid_r(c->ctx, g) != 1) {
        char *why = GEOSisValidReason_r(c->ctx, g);
        rc = gg_fail(c->err, GG_EINVAL, "geometry", "%s: not valid: %s", c->where, why ? why : "?");
        if (why)
            GEOSFree_r(c->ctx, why);
    }
    GEOSGeom_destroy_r(c->ctx, g);
    return rc;
}

static int check_geometry(struct gcheck *c, const json_t *geom)
{
    if (json_is_null(geom))
        return 0;
    const char *type = json_string_value(json_object_get(geom, "type"));
    const json_t *coords = json_object_get(geom, "coordinates");
    if (!type)
        return gg_fail(c->err, GG_EINVAL, "type", "%s: a geometry needs a type", c->where);
    int rc = 0;
    if (strcmp(type, "Polygon") == 0) {
        GEOSGeometry *p = check_polygon(c, coords, &rc);
        return p ? check_valid(c, p) : rc;
    }
    if (strcmp(type, "MultiPolygon") == 0) {
        size_t n = json_array_size(coords);
        if (!json_is_array(coords) || n == 0)
            return gg_fail(c->err, GG_EINVAL, "coordinates", "%s: empty MultiPolygon", c->where);
        GEOSGeometry **ps = xmalloc(sizeof(*ps) * n);
        for (size_t i = 0; i < n; i++) {
            ps[i] = check_polygon(c, json_array_get(coords, i), &rc);
            if (!ps[i]) {
                for (size_t j = 0; j < i; j++)
                    GEOSGeom_destroy_r(c->ctx, ps[j]);
                free(ps);
                return rc;
            }
        }
        GEOSGeometry *mp = GEOSGeom_createCollection_r(c->ctx, GEOS_MULTIPOLYGON, ps, (unsigned)n);
        free(ps);
        return mp ? check_valid(c, mp)
                  : gg_fail(c->err, GG_EINVAL, "coordinates", "%s: bad MultiPolygon", c->where);
    }
    if (strcmp(type, "GeometryCollection") == 0) {
        const json_t *gs = json_object_get(geom, "geometries");
        size_t i;
        const json_t *g;
        json_array_foreach (gs, i, g)
            if ((rc = check_geometry(c, g)) != 0)
                return rc;
    }
    return 0; /* points and lines have no rings to check */
}

int plan_geojson_check(const json_t *doc, int *npolygons, gg_err *err)
{
    struct gcheck c = {.err = err};
    if (!json_is_object(doc))
        return gg_fail(err, GG_EINVAL, "type", "GeoJSON must be an object");
    c.ctx = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(c.ctx, geos_msg, NULL);
    const char *type = json_string_value(json_object_get(doc, "type"));
    int rc = 0;
    if (type && strcmp(type, "FeatureCollection") == 0) {
        const json_t *fs = json_object_get(doc, "features");
        if (!json_is_array(fs)) {
            rc = gg_fail(err, GG_EINVAL, "features", "a FeatureCollection needs features");
        } else {
            size_t i;
            const json_t *f;
            json_array_foreach (fs, i, f) {
                snprintf(c.where, sizeof(c.where), "feature %zu", i);
                if (!json_is_object(f) || !json_object_get(f, "geometry")) {
                    rc = gg_fail(err, GG_EINVAL, "geometry", "%s has no geometry", c.where);
                    break;
                }
                if ((rc = check_geometry(&c, json_object_get(f, "geometry"))) != 0)
                    break;
            }
        }
    } else if (type && strcmp(type, "Feature") == 0) {
        snprintf(c.where, sizeof(c.where), "feature");
        rc = check_geometry(&c, json_object_get(doc, "geometry"));
    } else {
        snprintf(c.where, sizeof(c.where), "geometry");
        rc = check_geometry(&c, doc);
    }
    GEOS_finish_r(c.ctx);
    if (rc == 0 && npolygons)
        *npolygons = c.npoly;
    return rc;
}
