/*
 * store_plans.h — the queries of grid planning: a community's buildings
 * with their household and resident counts, its open cases, storing a plan
 * preview, and the steps that apply a plan (new grid places; buildings,
 * households, residents, owners, staff, users, estates and open cases
 * moved; old grids retired).
 *
 * Nothing here opens a transaction: applying a plan is many statements that
 * the caller brackets in one db_begin_write/db_commit, so a failure at any
 * step rolls every one of them back.
 */
#ifndef GG_STORE_PLANS_H
#define GG_STORE_PLANS_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "gg.h"

struct store_plan_bldg {
    int64_t id;
    double lat, lon;
    int64_t estate_id; /* 0 for none */
    char place[16];    /* grid (or community) it is in now */
    int households, residents;
    char name[96]; /* estate name + building name, for messages */
};

/*
 * Every building whose place lies in community, ordered by id, with its
 * counts. *out (caller frees) holds *n rows.
 */
int store_plan_buildings(db *d, const char *community, struct store_plan_bldg **out, int *n);

struct store_plan_case {
    int64_t id;
    char place[16];
    int64_t building_id; /* of its household, 0 if reported by place */
    double lat, lon;
};

/* Open cases (closed_at IS NULL) whose place lies in community. *out: caller frees. */
int store_plan_open_cases(db *d, const char *community, struct store_plan_case **out, int *n);

/* In-service grids (not retired) of a community as a JSON array of codes, in code order. */
int store_plan_grid_codes(db *d, const char *community, json_t **out);

/* Store a new plan in state "preview"; params and body are JSON text. */
int store_plan_insert(db *d, const char *scope, const char *params, const char *body,
                      int64_t user_id, int64_t *id);
int store_plan_add_grid(db *d, int64_t plan_id, const char *code, const char *community,
                        const char *name, int64_t households, int64_t residents, int buildings,
                        const char *geometry);
int store_plan_add_building(db *d, int64_t plan_id, int64_t building_id, const char *old_place,
                            const char *new_grid);
int store_plan_add_team(db *d, int64_t plan_id, const char *old_grid, const char *new_grid);

/*
 * One plan: {id, scope, state, created_by, created_at, applied_by,
 * applied_at, params, body} with params and body parsed. GG_ENOTFOUND.
 */
int store_plan_get(db *d, int64_t id, json_t **out);

/* The geometry of each grid of plan id: a JSON object code → GeoJSON geometry (or null). */
int store_plan_geometries(db *d, int64_t id, json_t **out);

/* Plans whose scope lies in scope (newest first) without their bodies, a page. */
int store_plan_list(db *d, const char *scope, int64_t before, int limit, json_t **out,
                    int64_t *next);

/*
 * 0 if plan id can still be applied: still a preview, its buildings where
 * they were and no others added, no grid added since, its new codes free.
 * GG_ECONFLICT with the reason in err otherwise.
 */
int store_plan_check_fresh(db *d, int64_t id, gg_err *err);

/*
 * One step of applying plan id at time now. Steps, in order:
 *   grids       insert the new grid places
 *   buildings   move buildings to their new grids
 *   households  households, residents and owners follow their building
 *   teams       staff and grid-bound users follow their old grid's team;
 *               resident users follow their resident
 *   estates     estates bound to an old grid are bound to its community
 *   retire      old grids marked retired
 *   state       the plan applied, earlier plans of its communities
 *               superseded, other previews of them stale
 * Returns 0 or a GG_E code.
 */
int store_plan_apply_step(db *d, int64_t id, const char *step, int64_t user_id, int64_t now);

/*
 * Move open case case_id from old_grid to new_grid under plan id: its
 * place, and its team when that was the old grid's; one case_log row (action
 * "regrid") and one plan_cases row.
 */
int store_plan_move_case(db *d, int64_t id, int64_t case_id, const char *old_grid,
                         const char *new_grid, int64_t now);

#endif
