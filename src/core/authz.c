/*
 * authz.c — the permission matrix and the rules for granting roles.
 */
#include "authz.h"

#include <string.h>

#include "place.h"

static const struct {
    const char *name;
    const char *label;
    int min_level, max_level; /* place levels the role may be bound to */
    int rank;                 /* lower outranks higher */
} roles[ROLE_COUNT_] = {
    [ROLE_NONE] = {"", "", 0, 0, 99},
    [ROLE_CITY_ADMIN] = {"city_admin", "市级管理员", PLACE_COUNTY, PLACE_COUNTY, 1},
    [ROLE_STREET_ADMIN] = {"street_admin", "街道管理员", PLACE_STREET, PLACE_STREET, 2},
    [ROLE_COMMUNITY_ADMIN] = {"community_admin", "社区管理员", PLACE_COMMUNITY, PLACE_COMMUNITY, 3},
    [ROLE_GRID_CHIEF] = {"grid_chief", "网格长", PLACE_COMMUNITY, PLACE_GRID, 4},
    [ROLE_GRID_WORKER] = {"grid_worker", "网格员", PLACE_GRID, PLACE_GRID, 5},
    [ROLE_DEPT_HANDLER] = {"dept_handler", "部门处置人员", PLACE_COUNTY, PLACE_COMMUNITY, 5},
    [ROLE_RESIDENT] = {"resident", "居民", PLACE_GRID, PLACE_GRID, 9},
    [ROLE_AUDITOR] = {"auditor", "审计监督", PLACE_COUNTY, PLACE_COMMUNITY, 2},
};

enum role role_parse(const char *name)
{
    if (!name)
        return ROLE_NONE;
    for (int r = 1; r < ROLE_COUNT_; r++)
        if (strcmp(roles[r].name, name) == 0)
            return (enum role)r;
    return ROLE_NONE;
}

const char *role_name(enum role r)
{
    return r > 0 && r < ROLE_COUNT_ ? roles[r].name : "";
}

const char *role_label(enum role r)
{
    return r > 0 && r < ROLE_COUNT_ ? roles[r].label : "";
}

#define R ACT_READ
#define C ACT_CREATE
#define U ACT_UPDATE
#define D ACT_DELETE
#define RI ACT_REVEAL_ID
#define RP ACT_REVEAL_PHONE
#define X ACT_EXPORT
#define I ACT_IMPORT
#define ADMIN (R | C | U | D | RI | RP | X | I)

/* Registry resources, by role. Columns follow enum role. */
static const struct {
    const char *resource;
    unsigned allow[ROLE_COUNT_];
} matrix[] = {
    /*                   none city   street community chief          worker     dept resident auditor */
    {"places",       {0, R | U | C, R | U | C, R | U, R, R, R, R, R | X}},
    {"grids",        {0, ADMIN, ADMIN, ADMIN, R, R, 0, 0, R | X}},
    {"teams",        {0, R | X, R | X, R | X, R, R, 0, 0, R | X}},
    {"estates",      {0, ADMIN, ADMIN, ADMIN, R | U, R, 0, 0, R | X}},
    {"buildings",    {0, ADMIN, ADMIN, ADMIN, R | C | U, R, 0, 0, R | X}},
    {"households",   {0, ADMIN, ADMIN, ADMIN, R | C | U | X | RP, R | C | U | RP, 0, 0, R | X | RI | RP}},
    {"residents",    {0, ADMIN, ADMIN, ADMIN, R | C | U | X | RP | RI, R | C | U | RP, 0, 0, R | X | RI | RP}},
    {"owners",       {0, ADMIN, ADMIN, ADMIN, R | C | U | X | RP | RI, R | C | U | RP, 0, 0, R | X | RI | RP}},
    {"staff",        {0, ADMIN, ADMIN, ADMIN, R | C | U | RP, R | RP, 0, 0, R | X | RI | RP}},
    {"paired_units", {0, ADMIN, ADMIN, ADMIN, R, R, 0, 0, R | X}},
    {"enterprises",  {0, ADMIN, ADMIN, ADMIN, R, R, 0, 0, R | X}},
    {"users",        {0, R | C | U, R | C | U, R | C | U, 0, 0, 0, 0, R}},
    {"audit",        {0, R | X, R | X, R | X, 0, 0, 0, 0, R | X}},
    {"apikeys",      {0, R | C | U, 0, 0, 0, 0, 0, 0, R}},
    /* cases: C files a report, U takes workflow actions (case_flow.c decides which) */
    {"cases",        {0, R | C | U | X, R | C | U | X, R | C | U | X, R | C | U | X, R | C | U, R | U, R | C | U, R | X}},
    {"categories",   {0, R | C | U, R, R, R, R, R, R, R | X}},
    /* photos: C uploads; R is further limited to the uploader and who sees a linking case */
    {"photos",       {0, R | C, R | C, R | C, R | C, R | C, R | C, R | C, R}},
    /* grid plans: C computes a preview, U applies one */
    {"plans",        {0, R | C | U, R | C | U, R, 0, 0, 0, 0, R}},
    /* indicators: read-only sums; department handlers see their own department's only */
    {"indicators",   {0, R | X, R | X, R | X, R | X, R, R, 0, R | X}},
};

int authz_allowed(enum role r, const char *resource, unsigned a)
{
    if (r <= ROLE_NONE || r >= ROLE_COUNT_)
        return 0;
    for (size_t i = 0; i < GG_ARRAY_LEN(matrix); i++)
        if (strcmp(matrix[i].resource, resource) == 0)
            return (matrix[i].allow[r] & a) == a;
    return 0;
}

int authz_role_levels(enum role r, int *min_level, int *max_level)
{
    if (r <= ROLE_NONE || r >= ROLE_COUNT_)
        return GG_EINVAL;
    *min_level = roles[r].min_level;
    *max_level = roles[r].max_level;
    return 0;
}

int authz_may_grant(enum role creator, const char *creator_place, enum role r, const char *place)
{
    if (creator <= ROLE_NONE || creator >= ROLE_COUNT_ || r <= ROLE_NONE || r >= ROLE_COUNT_)
        return 0;
    if (!authz_allowed(creator, "users", ACT_CREATE))
        return 0;
    if (!place_in_scope(creator_place, place))
        return 0;
    int lv = place_level_of(place);
    if (lv < roles[r].min_level || lv > roles[r].max_level)
        return 0;
    /* Nobody creates a role that outranks their own; only the city creates auditors. */
    if (roles[r].rank < roles[creator].rank)
        return 0;
    if (r == ROLE_AUDITOR && creator != ROLE_CITY_ADMIN)
        return 0;
    return 1;
}
