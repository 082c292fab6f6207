/*
 * authz.h — who may do what, where. Roles are scoped to a place; a user
 * acts on rows whose place lies in that subtree. The permission matrix is
 * one table in authz.c: role × resource × action.
 */
#ifndef GG_AUTHZ_H
#define GG_AUTHZ_H

#include "gg.h"

enum role {
    ROLE_NONE = 0,
    ROLE_CITY_ADMIN,
    ROLE_STREET_ADMIN,
    ROLE_COMMUNITY_ADMIN,
    ROLE_GRID_CHIEF,
    ROLE_GRID_WORKER,
    ROLE_DEPT_HANDLER,
    ROLE_RESIDENT,
    ROLE_AUDITOR,
    ROLE_COUNT_
};

enum action {
    ACT_READ = 1 << 0,
    ACT_CREATE = 1 << 1,
    ACT_UPDATE = 1 << 2,
    ACT_DELETE = 1 << 3,
    ACT_REVEAL_ID = 1 << 4,    /* see full ID numbers */
    ACT_REVEAL_PHONE = 1 << 5, /* see full phone numbers */
    ACT_EXPORT = 1 << 6,
    ACT_IMPORT = 1 << 7,
};

/* Role by its API name ("grid_worker"), ROLE_NONE if unknown. */
enum role role_parse(const char *name);
const char *role_name(enum role r);
/* Chinese label of a role for the UI ("网格员"). */
const char *role_label(enum role r);

/*
 * May role r perform action a on resource (a registry resource name such
 * as "households", or "places", "users", "audit", "grids", "teams")?
 */
int authz_allowed(enum role r, const char *resource, unsigned a);

/*
 * The shallowest place level a role may be bound to and the deepest: a
 * street admin is bound to a street, a grid worker to a grid.
 */
int authz_role_levels(enum role r, int *min_level, int *max_level);

/*
 * May a user of role creator with scope creator_place create a user of role
 * r at place? (Within scope, and no higher than the creator's own rank.)
 */
int authz_may_grant(enum role creator, const char *creator_place, enum role r, const char *place);

#endif
