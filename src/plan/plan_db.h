/*
 * plan_db.h — grid planning on a database: read a community's (or a
 * street's, or the city's) buildings, cut them into grids with plan.h,
 * compare with today's grids, store the preview, and apply it in the
 * caller's transaction. Both `gridgov plan` and the /api/v1/plans handlers
 * go through here.
 *
 * A plan document is JSON (the caller owns every json_t * returned):
 *   {scope, scope_name, params, summary, communities: [...], grids: [...]}
 * where each community has its figures before and after, what is out of
 * bounds and why, a split proposal, staffing and the diff against today,
 * and each grid its new code, totals, compactness, team and geometry.
 */
#ifndef GG_PLAN_DB_H
#define GG_PLAN_DB_H

#include <jansson.h>

#include "db.h"
#include "plan.h"

struct plan_opts {
    struct plan_params params;
    /* street or city scope: re-plan every community, not only those whose
     * grids are out of standard */
    int all;
    /* called after each community (may be NULL) */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
};

void plan_opts_default(struct plan_opts *o);

/*
 * Compute a plan for scope (a community, street or county code). Reads
 * only. GG_ENOTFOUND if the place does not exist, GG_EINVAL if it is not a
 * community, street or county, GG_ERULE if a community would pass 999 grid
 * serials. *out is the plan document (with each grid's "geometry" and each
 * community's "assignment" of buildings, which plan_save moves into tables).
 */
int plan_compute(db *d, const char *scope, const struct plan_opts *o, json_t **out, gg_err *err);

/* Store plan (from plan_compute) as a preview; sets its "id" and "state". */
int plan_save(db *d, json_t *plan, int64_t user_id, int64_t *id, gg_err *err);

/* A stored plan: its body with id, state, created/applied times. GG_ENOTFOUND. */
int plan_load(db *d, int64_t id, json_t **out, gg_err *err);

/* Put each grid's stored geometry back into a plan from plan_load. */
int plan_load_geometry(db *d, json_t *plan);

/* The grids of a plan as a GeoJSON FeatureCollection (RFC 7946). New reference. */
json_t *plan_geojson(const json_t *plan);

/*
 * Apply stored plan id: new grid places, buildings with their households,
 * residents and owners, teams and open cases moved; old grids retired;
 * closed cases keep their grid. Does not open a transaction: the caller
 * brackets it and rolls back on failure. fail_at names a step at which to
 * fail on purpose (tests), or NULL. *out: what was done.
 */
int plan_apply(db *d, int64_t id, int64_t user_id, const char *fail_at, json_t **out, gg_err *err);

/*
 * Today's grids and communities under scope measured against the standard:
 * {grids: n, communities: n, grids_out: [...], communities_out: [...]}.
 */
int plan_check(db *d, const char *scope, const struct plan_params *pp, json_t **out, gg_err *err);

/* The plan's parameters as JSON, and back (unknown keys refused, naming the field). */
json_t *plan_params_json(const struct plan_params *pp);
int plan_params_from_json(const json_t *o, struct plan_params *pp, gg_err *err);

#endif
