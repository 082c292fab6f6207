/*
 * demo_city.c — builds one community of the demo city: its grids (15-digit
 * codes numbered west→east, north→south), estates of a few buildings each,
 * 5-7 storey buildings of 2-4 units with 2 rooms a floor, the households in
 * them, their residents, and the owners of every unit (owner-occupied,
 * co-owned, let by an owner of several units, or still held by the
 * developer).
 *
 * A building never straddles two grids and an estate lies in one grid.
 * Each grid's household count is exact: the last building of a grid is
 * chosen so that the count comes out right, with ground-floor rooms turned
 * into shops (底商) where a building has more rooms than needed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "place.h"
#include "store.h"

#define MAX_BLD 96 /* buildings in one grid: 600 households / 16 at least */
#define MAX_ESTATES_GRID 3
#define ROOMS_PER_FLOOR 2
#define MIN_BLD_HH 16 /* the smallest building: 5 floors x 2 units x 2, 4 shops */

struct bld {
    int floors, units, skip; /* skip: ground-floor rooms that are shops, not homes */
};

enum unit_status { U_OWNER, U_RENTED, U_DEVELOPER };

/* What the owners pass needs to know about each unit of the community. */
struct unit {
    int64_t id;
    const char *grid;
    enum unit_status status;
    int coowned;
    int developer;
    int landlord; /* the head already owns units let to others */
    int64_t head_rid, second_rid;
    char head_name[64], second_name[64];
    char head_id[19], second_id[19];
};

int demo_put(struct demo_ctx *c, const struct res_def *def, json_t *body, const char *place,
             int64_t *id)
{
    json_t *row = NULL;
    int rc = res_validate(def, body, 0, &row, &c->err);
    json_decref(body);
    if (rc)
        return rc;
    if (place && def->place_from)
        json_object_set_new(row, "place", json_string(place));
    int64_t nid = 0;
    rc = store_res_insert(c->d, def, row, &nid, &c->err);
    json_decref(row);
    if (rc == 0 && id)
        *id = nid;
    return rc;
}

/* ---- buildings ---- */

/* Does a building of f floors and u units finish rem households well? */
static int shape_fits(int f, int u, int rem, struct bld *b)
{
    int cap = f * u * ROOMS_PER_FLOOR;
    int skip;
    if (cap <= rem && (rem - cap == 0 || rem - cap >= MIN_BLD_HH))
        skip = 0;
    else if (cap > rem && cap - rem <= u * ROOMS_PER_FLOOR)
        skip = cap - rem;
    else
        return 0;
    b->floors = f;
    b->units = u;
    b->skip = skip;
    return 1;
}

/*
 * Buildings whose households add up to exactly target (>= MIN_BLD_HH): at
 * each step the remainder is 0 or at least MIN_BLD_HH, and every remainder
 * from 16 to 56 is met by one shape with some ground-floor shops.
 */
static int plan_buildings(demo_rng *r, int target, struct bld *b, int max)
{
    int n = 0, rem = target;
    while (rem > 0 && n < max) {
        int ok = 0;
        for (int t = 0; t < 60 && !ok; t++)
            ok = shape_fits(demo_rng_range(r, 5, 7), demo_rng_range(r, 2, 4), rem, &b[n]);
        for (int f = 5; f <= 7 && !ok; f++)
            for (int u = 2; u <= 4 && !ok; u++)
                ok = shape_fits(f, u, rem, &b[n]);
        if (!ok)
            break;
        rem -= b[n].floors * b[n].units * ROOMS_PER_FLOOR - b[n].skip;
        n++;
    }
    return rem == 0 ? n : -1;
}

static double round6(double x)
{
    return round(x * 1e6) / 1e6;
}

/* ---- estates ---- */

static int name_used(struct demo_ctx *c, const char *name)
{
    for (int i = 0; i < c->nestate_names; i++)
        if (strcmp(c->estate_names[i], name) == 0)
            return 1;
    return 0;
}

static void name_add(struct demo_ctx *c, const char *name)
{
    c->estate_names = xrealloc(c->estate_names, sizeof(char *) * (size_t)(c->nestate_names + 1));
    c->estate_names[c->nestate_names++] = xstrdup(name);
}

/*
 * Name a new estate of community m: the first is named after the community
 * (华埠社区 → 华埠小区), the rest drawn from the name table, never repeating
 * in the city. Writes whether it is a newer estate.
 */
static void estate_name(struct demo_ctx *c, struct demo_comm *m, char *out, size_t n, int *newer)
{
    *newer = 0;
    if (m->estates == 0) {
        char base[128];
        gg_strlcpy(base, m->short_name, sizeof(base));
        size_t bl = strlen(base), sl = strlen("社区");
        if (bl > sl && strcmp(base + bl - sl, "社区") == 0)
            base[bl - sl] = '\0';
        snprintf(out, n, "%s小区", base);
        if (!name_used(c, out)) {
            name_add(c, out);
            return;
        }
    }
    int total = demo_estate_name_count();
    for (;;) {
        int i = demo_rng_range(&c->rng, 0, total - 1);
        demo_estate_name(i, out, n);
        if (name_used(c, out))
            continue;
        name_add(c, out);
        *newer = demo_estate_name_newer(i);
        return;
    }
}

/* Split nb buildings into k runs of at least 2 (fewer runs if too few buildings). */
static int split_estates(demo_rng *r, int nb, int k, int *sizes)
{
    if (k > nb / 2)
        k = nb / 2 > 0 ? nb / 2 : 1;
    for (int i = 0; i < k; i++)
        sizes[i] = nb >= 2 * k ? 2 : 0;
    if (nb < 2 * k)
        sizes[0] = nb;
    for (int left = nb - (nb >= 2 * k ? 2 * k : nb); left > 0; left--)
        sizes[demo_rng_range(r, 0, k - 1)]++;
    return k;
}

/* ---- households and residents ---- */

static int area_centi(demo_rng *r)
{
    int x = demo_rng_range(r, 0, 99);
    if (x < 12)
        return demo_rng_range(r, 4500, 5999);
    if (x < 92)
        return demo_rng_range(r, 6000, 10000);
    return demo_rng_range(r, 10001, 14000);
}

static int add_residents(struct demo_ctx *c, struct demo_grid *g, struct unit *u, int size)
{
    struct demo_family f;
    demo_family_make(&c->rng, c->ids, size, &f);
    int owner_lives_here = u->status == U_OWNER;
    u->coowned = owner_lives_here && f.second_adult >= 0 && demo_rng_chance(&c->rng, 130);
    for (int i = 0; i < f.n; i++) {
        int is_owner = owner_lives_here && (i == 0 || (u->coowned && i == f.second_adult));
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "household_id", (json_int_t)u->id,
                              "name", f.p[i].name, "id_number", f.p[i].id_number, "relation",
                              f.relation[i], "is_owner", is_owner);
        if (f.p[i].phone[0])
            json_object_set_new(o, "phone", json_string(f.p[i].phone));
        int64_t rid;
        int rc = demo_put(c, c->r_residents, o, g->code, &rid);
        if (rc)
            return rc;
        if (i == 0) {
            u->head_rid = rid;
            gg_strlcpy(u->head_name, f.p[i].name, sizeof(u->head_name));
            gg_strlcpy(u->head_id, f.p[i].id_number, sizeof(u->head_id));
        } else if (i == f.second_adult) {
            u->second_rid = rid;
            gg_strlcpy(u->second_name, f.p[i].name, sizeof(u->second_name));
            gg_strlcpy(u->second_id, f.p[i].id_number, sizeof(u->second_id));
        }
    }
    g->residents += f.n;
    c->residents += f.n;
    return 0;
}

/* Household sizes for the community; exact total when m->resident_target is set. */
static int *family_sizes(demo_rng *r, const struct demo_comm *m, int nh)
{
    int *sz = xmalloc(sizeof(int) * (size_t)(nh > 0 ? nh : 1));
    int64_t sum = 0;
    for (int i = 0; i < nh; i++)
        sum += sz[i] = demo_family_size(r);
    if (m->resident_target > 0 && m->resident_target >= nh &&
        m->resident_target <= (int64_t)nh * DEMO_FAMILY_MAX) {
        while (sum < m->resident_target) {
            int i = demo_rng_range(r, 0, nh - 1);
            if (sz[i] < DEMO_FAMILY_MAX) {
                sz[i]++;
                sum++;
            }
        }
        while (sum > m->resident_target) {
            int i = demo_rng_range(r, 0, nh - 1);
            if (sz[i] > 1) {
                sz[i]--;
                sum--;
            }
        }
    }
    return sz;
}

/* ---- one grid ---- */

struct comm_state {
    struct unit *units;
    int nunits;
    int cap; /* units planned: the length of units and sizes */
    int *sizes;
    int estates_left; /* for a community with an exact estate count */
    int grids_left;
};

static int estates_for_grid(struct demo_ctx *c, struct comm_state *st, int nb)
{
    int k;
    if (st->estates_left > 0) {
        /* spread the exact count: one each, the surplus to random grids */
        int extra = st->estates_left - st->grids_left;
        k = 1 + (extra > 0 && demo_rng_range(&c->rng, 1, st->grids_left) <= extra);
        st->estates_left -= k;
    } else {
        int x = demo_rng_range(&c->rng, 0, 99);
        k = x < 45 ? 1 : x < 85 ? 2 : 3;
    }
    st->grids_left--;
    if (k > nb / 2)
        k = nb / 2 > 0 ? nb / 2 : 1;
    return k;
}

static int build_grid(struct demo_ctx *c, struct demo_comm *m, struct demo_grid *g,
                      struct comm_state *st)
{
    struct bld b[MAX_BLD];
    int nb = plan_buildings(&c->rng, g->target, b, MAX_BLD);
    if (nb < 0)
        return gg_fail(&c->err, GG_EINVAL, "demo", "cannot plan buildings for %d households",
                       g->target);
    int sizes[MAX_ESTATES_GRID];
    int k = split_estates(&c->rng, nb, estates_for_grid(c, st, nb), sizes);
    double width = g->east - g->west, height = g->north - g->south;
    double west = g->west + width * 0.08, usable_w = width * 0.84;
    int first = 0;
    for (int e = 0; e < k; e++) {
        char ename[128], addr[200];
        int newer;
        estate_name(c, m, ename, sizeof(ename), &newer);
        int dev = demo_rng_range(&c->rng, 0, demo_developer_count() - 1);
        snprintf(addr, sizeof(addr), "满洲里市%s%d号", demo_road(&c->rng),
                 demo_rng_range(&c->rng, 1, 299));
        json_t *eo =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "place", m->code, "name", ename, "address", addr,
                      "developer", newer ? demo_developer(dev) : "满洲里市房地产开发公司",
                      "property_company", demo_property_company(&c->rng));
        int64_t estate_id;
        int rc = demo_put(c, c->r_estates, eo, NULL, &estate_id);
        if (rc)
            return rc;
        m->estates++;
        c->estates++;

        /* the estate's buildings in its own strip of the grid's cell, in rows */
        double sw = usable_w * sizes[e] / nb, sx = west + usable_w * first / nb;
        double aspect = (sw * cos(49.59 * M_PI / 180.0)) / (height * 0.84);
        int cols = (int)lround(sqrt(sizes[e] * aspect));
        cols = cols < 1 ? 1 : cols > sizes[e] ? sizes[e] : cols;
        int rows = (sizes[e] + cols - 1) / cols;
        for (int i = 0; i < sizes[e]; i++) {
            const struct bld *bd = &b[first + i];
            int row = i / cols, col = i % cols;
            double lat = g->north - height * 0.08 -
                         height * 0.84 * (row + 0.5 + (demo_rng_unit(&c->rng) - 0.5) * 0.4) / rows;
            double lon = sx + sw * (col + 0.5 + (demo_rng_unit(&c->rng) - 0.5) * 0.4) / cols;
            char bname[32], baddr[260];
            snprintf(bname, sizeof(bname), "%d号楼", i + 1);
            snprintf(baddr, sizeof(baddr), "%s%s", ename, bname);
            json_t *bo = json_pack("{s:s, s:I, s:s, s:s, s:f, s:f, s:i, s:i}", "place", g->code,
                                   "estate_id", (json_int_t)estate_id, "name", bname, "address",
                                   baddr, "lat", round6(lat), "lon", round6(lon), "floors",
                                   bd->floors, "units", bd->units);
            int64_t bid;
            if ((rc = demo_put(c, c->r_buildings, bo, NULL, &bid)) != 0)
                return rc;
            m->buildings++;
            c->buildings++;
            int area[ROOMS_PER_FLOOR];
            for (int a = 0; a < ROOMS_PER_FLOOR; a++)
                area[a] = area_centi(&c->rng);
            int skipped = 0;
            for (int un = 1; un <= bd->units; un++) {
                for (int fl = 1; fl <= bd->floors; fl++) {
                    for (int ro = 1; ro <= ROOMS_PER_FLOOR; ro++) {
                        if (fl == 1 && skipped < bd->skip) {
                            skipped++;
                            continue;
                        }
                        if (st->nunits >= st->cap)
                            return gg_fail(&c->err, GG_EINVAL, "demo", "more units than planned");
                        struct unit *u = &st->units[st->nunits];
                        memset(u, 0, sizeof(*u));
                        u->grid = g->code;
                        char unit_s[16], room[24], haddr[320];
                        snprintf(unit_s, sizeof(unit_s), "%d", un);
                        snprintf(room, sizeof(room), "%d%02d", fl, ro);
                        snprintf(haddr, sizeof(haddr), "%s%s%d单元%s室", ename, bname, un, room);
                        json_t *ho =
                            json_pack("{s:I, s:s, s:s, s:i, s:s, s:s}", "building_id",
                                      (json_int_t)bid, "unit", unit_s, "room", room, "area_centi",
                                      area[ro - 1], "area_source", "registered", "address", haddr);
                        if ((rc = demo_put(c, c->r_households, ho, g->code, &u->id)) != 0)
                            return rc;
                        if (newer && demo_rng_chance(&c->rng, 55)) {
                            u->status = U_DEVELOPER;
                            u->developer = dev;
                        } else if (demo_rng_chance(&c->rng, 45)) {
                            u->status = U_RENTED;
                        }
                        if ((rc = add_residents(c, g, u, st->sizes[st->nunits])) != 0)
                            return rc;
                        if (!c->huabu_resident && u->status == U_OWNER &&
                            strcmp(m->code, DEMO_HUABU) == 0 && g->serial == 1) {
                            c->huabu_resident = u->head_rid;
                            gg_strlcpy(c->huabu_resident_name, u->head_name,
                                       sizeof(c->huabu_resident_name));
                        }
                        st->nunits++;
                        g->households++;
                        c->households++;
                        if (c->show_progress)
                            cli_progress_add(&c->prog, 1);
                    }
                }
            }
        }
        first += sizes[e];
    }
    m->households += g->households;
    m->residents += g->residents;
    return 0;
}

/* ---- owners ---- */

static int put_person_owner(struct demo_ctx *c, const struct unit *u, const char *name,
                            const char *idn, int64_t rid)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "household_id", (json_int_t)u->id,
                          "kind", "person", "name", name, "id_number", idn, "resident_id",
                          (json_int_t)rid, "handed_over", 1);
    c->owners++;
    return demo_put(c, c->r_owners, o, u->grid, NULL);
}

static int add_owners(struct demo_ctx *c, struct comm_state *st)
{
    int rc;
    /* owners of several units: a resident owner lets 1 or 2 more units to tenants */
    int *owners = xmalloc(sizeof(int) * (size_t)(st->nunits > 0 ? st->nunits : 1));
    int nowners = 0;
    for (int i = 0; i < st->nunits; i++)
        if (st->units[i].status == U_OWNER)
            owners[nowners++] = i;
    demo_rng_shuffle(&c->rng, owners, nowners);
    int next_owner = 0, quota = 0;
    struct unit *landlord = NULL;
    for (int i = 0; i < st->nunits; i++) {
        struct unit *u = &st->units[i];
        if (u->status == U_OWNER) {
            rc = put_person_owner(c, u, u->head_name, u->head_id, u->head_rid);
            if (rc == 0 && u->coowned) {
                rc = put_person_owner(c, u, u->second_name, u->second_id, u->second_rid);
                c->coowned_units++;
            }
        } else if (u->status == U_DEVELOPER) {
            json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "household_id", (json_int_t)u->id,
                                  "kind", "developer", "name", demo_developer(u->developer),
                                  "org_code", demo_developer_code(u->developer), "handed_over", 0);
            c->owners++;
            c->developer_units++;
            rc = demo_put(c, c->r_owners, o, u->grid, NULL);
        } else {
            if (quota == 0 && next_owner < nowners) {
                landlord = &st->units[owners[next_owner++]];
                landlord->landlord = 1;
                quota = demo_rng_range(&c->rng, 1, 2);
                c->landlords++;
            }
            if (!landlord) {
                free(owners);
                return gg_fail(&c->err, GG_EINVAL, "demo", "no owner for a let unit");
            }
            quota--;
            c->rented_units++;
            rc = put_person_owner(c, u, landlord->head_name, landlord->head_id, landlord->head_rid);
        }
        if (rc) {
            free(owners);
            return rc;
        }
    }
    free(owners);
    return 0;
}

/* ---- the community ---- */

int demo_build_community(struct demo_ctx *c, struct demo_comm *m)
{
    int nh = 0;
    for (int i = 0; i < m->ngrids; i++)
        nh += m->grids[i].target;
    struct comm_state st = {0};
    st.units = xcalloc((size_t)nh + 1, sizeof(struct unit));
    st.sizes = family_sizes(&c->rng, m, nh);
    st.cap = nh;
    st.estates_left = m->estate_target;
    st.grids_left = m->ngrids;
    int rc = 0;
    for (int i = 0; i < m->ngrids && rc == 0; i++) {
        struct demo_grid *g = &m->grids[i];
        char name[160];
        snprintf(name, sizeof(name), "%s第%d网格", m->short_name, g->serial);
        struct place_row p = {
            .level = PLACE_GRID, .name = name, .short_name = name, .kind = "grid"};
        gg_strlcpy(p.code, g->code, sizeof(p.code));
        gg_strlcpy(p.parent, m->code, sizeof(p.parent));
        if ((rc = store_place_put(c->d, &p)) != 0) {
            gg_fail(&c->err, rc, "db", "cannot store grid %s: %s", g->code, db_errmsg(c->d));
            break;
        }
    }
    for (int i = 0; i < m->ngrids && rc == 0; i++)
        rc = build_grid(c, m, &m->grids[i], &st);
    if (rc == 0)
        rc = add_owners(c, &st);
    free(st.units);
    free(st.sizes);
    return rc;
}
