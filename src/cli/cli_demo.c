/*
 * cli_demo.c — `gridgov demo --db URL [--seed N] [--data DIR]`: fill the
 * real communities of Manzhouli (满洲里市, 150781) with a synthetic city
 * whose totals match the seed report of DESIGN.md: 143 grids of 300-500
 * households over the urban communities, 华埠社区 with 7 estates, 6 grids,
 * 3,369 households and 7,799 residents, grid workers at 18 per 10,000
 * residents, 1,300 part-time workers, a "1+2+X" team in every grid, 88
 * paired units and 57 resident enterprises, and a few demo users.
 *
 * The city is deterministic from the seed and built in one transaction (the
 * division is loaded first, in the same transaction, if the database is
 * new). The work is split: demo_people.c makes people, demo_names.c names
 * things, demo_city.c builds a community; this file plans the city, staffs
 * the grids and adds the organisations and users.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_init.h"
#include "demo.h"
#include "place.h"
#include "store.h"
#include "store_meta.h"

#define DEMO_PASSWORD "Manzhouli2026!"
#define PARTTIME_TOTAL 1300
#define FULLTIME_PER_10K 18

/* The urban area of Manzhouli, where the communities' boxes are laid out. */
#define CITY_NORTH 49.618
#define CITY_SOUTH 49.562
#define CITY_WEST 117.345
#define CITY_EAST 117.475

static const char *const staff_roles[] = {"grid_chief", "fulltime", "parttime", "volunteer",
                                          "wulao"};

/* ---- planning ---- */

/* The urban communities: kind community, not virtual, under a street that is not a zone. */
static int load_communities(struct demo_ctx *c)
{
    json_t *streets = NULL;
    int rc = store_place_children(c->d, INIT_DEMO_DIVISION, &streets);
    if (rc)
        return gg_fail(&c->err, rc, "db", "cannot list the streets of %s", INIT_DEMO_DIVISION);
    size_t i;
    json_t *st;
    json_array_foreach(streets, i, st)
    {
        if (json_is_true(json_object_get(st, "virtual")))
            continue;
        json_t *kids = NULL;
        if ((rc = store_place_children(c->d, json_string_value(json_object_get(st, "code")),
                                       &kids)) != 0)
            break;
        size_t j;
        json_t *k;
        json_array_foreach(kids, j, k)
        {
            const char *kind = json_string_value(json_object_get(k, "kind"));
            if (json_is_true(json_object_get(k, "virtual")) || !kind ||
                strcmp(kind, "community") != 0)
                continue;
            c->comm = xrealloc(c->comm, sizeof(*c->comm) * (size_t)(c->ncomm + 1));
            struct demo_comm *m = &c->comm[c->ncomm++];
            memset(m, 0, sizeof(*m));
            gg_strlcpy(m->code, json_string_value(json_object_get(k, "code")), sizeof(m->code));
            gg_strlcpy(m->name, json_string_value(json_object_get(k, "name")), sizeof(m->name));
            gg_strlcpy(m->short_name, json_string_value(json_object_get(k, "short_name")),
                       sizeof(m->short_name));
        }
        json_decref(kids);
    }
    json_decref(streets);
    if (rc)
        return gg_fail(&c->err, rc, "db", "cannot list communities");
    int huabu = 0;
    for (int m = 0; m < c->ncomm; m++)
        huabu |= strcmp(c->comm[m].code, DEMO_HUABU) == 0;
    if (!huabu || c->ncomm < 2)
        return gg_fail(&c->err, GG_ENOTFOUND, "division",
                       "the places of %s lack 华埠社区 (%s); was it initialised from the 2023 "
                       "tables?",
                       INIT_DEMO_DIVISION, DEMO_HUABU);
    return 0;
}

/*
 * Grids per community: 华埠 has its 6; the other 137 are spread over the
 * other communities, 5-8 each, so that every community stays below the
 * ~3,000 households at which it would be split.
 */
static void plan_grid_counts(struct demo_ctx *c)
{
    int others = c->ncomm - 1;
    int left = DEMO_GRIDS - DEMO_HUABU_GRIDS;
    int base = left / others;
    int *idx = xmalloc(sizeof(int) * (size_t)others);
    int n = 0;
    for (int i = 0; i < c->ncomm; i++) {
        struct demo_comm *m = &c->comm[i];
        if (strcmp(m->code, DEMO_HUABU) == 0) {
            m->ngrids = DEMO_HUABU_GRIDS;
            m->resident_target = DEMO_HUABU_RESIDENTS;
            m->estate_target = DEMO_HUABU_ESTATES;
        } else {
            m->ngrids = base;
            idx[n++] = i;
        }
    }
    demo_rng_shuffle(&c->rng, idx, n);
    for (int k = 0; k < left - base * others; k++)
        c->comm[idx[k % n]].ngrids++;
    for (int t = 0; t < 2 * n; t++) {
        struct demo_comm *a = &c->comm[idx[demo_rng_range(&c->rng, 0, n - 1)]];
        struct demo_comm *b = &c->comm[idx[demo_rng_range(&c->rng, 0, n - 1)]];
        if (a != b && a->ngrids > base - 1 && b->ngrids < base + 2) {
            a->ngrids--;
            b->ngrids++;
        }
    }
    free(idx);
}

/* Community boxes in rows over the city; grid cells in rows inside them. */
static int plan_layout(struct demo_ctx *c)
{
    int cols = (int)ceil(sqrt(c->ncomm * 1.5));
    int rows = (c->ncomm + cols - 1) / cols;
    double ch = (CITY_NORTH - CITY_SOUTH) / rows, cw = (CITY_EAST - CITY_WEST) / cols;
    int64_t total = 0;
    for (int i = 0; i < c->ncomm; i++) {
        struct demo_comm *m = &c->comm[i];
        m->north = CITY_NORTH - ch * (i / cols) - ch * 0.05;
        m->south = m->north - ch * 0.9;
        m->west = CITY_WEST + cw * (i % cols) + cw * 0.05;
        m->east = m->west + cw * 0.9;
        m->grids = xcalloc((size_t)m->ngrids, sizeof(*m->grids));
        int gc = (int)ceil(sqrt(m->ngrids));
        int gr = (m->ngrids + gc - 1) / gc;
        double gh = (m->north - m->south) / gr, gw = (m->east - m->west) / gc;
        int huabu = strcmp(m->code, DEMO_HUABU) == 0;
        int extra = huabu ? DEMO_HUABU_HOUSEHOLDS % m->ngrids : 0;
        for (int s = 0; s < m->ngrids; s++) {
            struct demo_grid *g = &m->grids[s];
            g->serial = s + 1; /* rows north→south, west→east within a row */
            int rc = place_grid_code(m->code, g->serial, g->code);
            if (rc)
                return gg_fail(&c->err, rc, "demo", "bad grid code for %s", m->code);
            g->north = m->north - gh * (s / gc);
            g->south = g->north - gh;
            g->west = m->west + gw * (s % gc);
            g->east = g->west + gw;
            if (huabu) {
                /* about 560 a grid, deliberately over the 300-500 standard */
                g->target = DEMO_HUABU_HOUSEHOLDS / m->ngrids;
            } else {
                g->target = demo_rng_range(&c->rng, 320, 480);
            }
        }
        if (huabu) {
            int *pick = xmalloc(sizeof(int) * (size_t)m->ngrids);
            for (int s = 0; s < m->ngrids; s++)
                pick[s] = s;
            demo_rng_shuffle(&c->rng, pick, m->ngrids);
            for (int s = 0; s < extra; s++)
                m->grids[pick[s]].target++;
            free(pick);
        }
        for (int s = 0; s < m->ngrids; s++)
            total += m->grids[s].target;
    }
    if (c->show_progress)
        cli_progress_start(&c->prog, "building the demo city", total);
    return 0;
}

/* ---- staff ---- */

struct gref {
    struct demo_grid *g;
    struct demo_comm *m;
    int fulltime, parttime;
    int64_t rem; /* remainder of the part-time quota, for largest-remainder rounding */
};

static int by_residents(const void *a, const void *b)
{
    const struct gref *x = *(struct gref *const *)a, *y = *(struct gref *const *)b;
    if (x->g->residents != y->g->residents)
        return y->g->residents - x->g->residents;
    return strcmp(x->g->code, y->g->code);
}

static int by_remainder(const void *a, const void *b)
{
    const struct gref *x = *(struct gref *const *)a, *y = *(struct gref *const *)b;
    if (x->rem != y->rem)
        return x->rem < y->rem ? 1 : -1;
    return strcmp(x->g->code, y->g->code);
}

static int add_staff(struct demo_ctx *c, const char *grid, int role, int y0, int y1, int64_t *id)
{
    struct demo_person p;
    demo_person_make(&c->rng, c->ids, demo_rng_chance(&c->rng, 450) ? 1 : 2,
                     demo_rng_range(&c->rng, y0, y1), NULL, demo_pick_ethnic(&c->rng), &p);
    if (!p.phone[0])
        demo_phone(&c->rng, p.phone); /* every team member can be called */
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "place", grid, "name", p.name, "phone", p.phone,
                  "id_number", p.id_number, "role", staff_roles[role], "on_duty", 1);
    c->staff[role]++;
    return demo_put(c, c->r_staff, o, NULL, id);
}

/* Quotas of full- and part-time workers per grid: bigger grids get more. */
static void plan_staff(struct demo_ctx *c, struct gref *gs, struct gref **order, int n)
{
    int64_t full = (c->residents * FULLTIME_PER_10K + 9999) / 10000;
    qsort(order, (size_t)n, sizeof(*order), by_residents);
    for (int i = 0; i < n; i++)
        gs[i].fulltime = 1;
    for (int64_t k = n; k < full; k++)
        order[(k - n) % n]->fulltime++;
    int64_t hh = c->households > 0 ? c->households : 1, given = 0;
    for (int i = 0; i < n; i++) {
        int64_t q = (int64_t)PARTTIME_TOTAL * gs[i].g->households;
        gs[i].parttime = (int)(q / hh);
        gs[i].rem = q % hh;
        given += gs[i].parttime;
    }
    qsort(order, (size_t)n, sizeof(*order), by_remainder);
    for (int64_t k = 0; given < PARTTIME_TOTAL; k++, given++)
        order[k % n]->parttime++;
}

static int staff_grids(struct demo_ctx *c)
{
    int n = 0;
    for (int i = 0; i < c->ncomm; i++)
        n += c->comm[i].ngrids;
    struct gref *gs = xcalloc((size_t)n, sizeof(*gs));
    struct gref **order = xcalloc((size_t)n, sizeof(*order));
    int k = 0;
    for (int i = 0; i < c->ncomm; i++)
        for (int s = 0; s < c->comm[i].ngrids; s++) {
            gs[k].g = &c->comm[i].grids[s];
            gs[k].m = &c->comm[i];
            order[k] = &gs[k];
            k++;
        }
    plan_staff(c, gs, order, n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *code = gs[i].g->code;
        int first = strcmp(gs[i].m->code, DEMO_HUABU) == 0 && gs[i].g->serial == 1;
        int64_t id;
        /* 1: the grid chief, a member of the community's two committees */
        if ((rc = add_staff(c, code, 0, 1966, 1990, &id)) != 0)
            break;
        if (first)
            c->huabu_chief = id;
        /* 2: full- and part-time grid workers */
        for (int f = 0; f < gs[i].fulltime && rc == 0; f++) {
            rc = add_staff(c, code, 1, 1980, 2000, &id);
            if (rc == 0 && first && f == 0)
                c->huabu_worker = id;
        }
        for (int p = 0; p < gs[i].parttime && rc == 0; p++)
            rc = add_staff(c, code, 2, 1962, 1999, NULL);
        /* X: volunteers and 五老 (retired cadres, veterans, experts, teachers, models) */
        int vol = demo_rng_range(&c->rng, 2, 5), wulao = demo_rng_range(&c->rng, 1, 2);
        for (int v = 0; v < vol && rc == 0; v++)
            rc = add_staff(c, code, 3, 1955, 2004, NULL);
        for (int w = 0; w < wulao && rc == 0; w++)
            rc = add_staff(c, code, 4, 1944, 1960, NULL);
    }
    free(gs);
    free(order);
    return rc;
}

/* ---- organisations ---- */

static int add_organisations(struct demo_ctx *c)
{
    int np = demo_paired_count();
    int *perm = xmalloc(sizeof(int) * (size_t)(np > c->ncomm ? np : c->ncomm));
    for (int i = 0; i < np; i++)
        perm[i] = i;
    demo_rng_shuffle(&c->rng, perm, np);
    int rc = 0;
    for (int i = 0; i < np && rc == 0; i++) {
        struct demo_person p;
        demo_person_make(&c->rng, c->ids, demo_rng_chance(&c->rng, 550) ? 1 : 2,
                         demo_rng_range(&c->rng, 1968, 1992), NULL, DEMO_HAN, &p);
        if (!p.phone[0])
            demo_phone(&c->rng, p.phone);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "place", c->comm[i % c->ncomm].code,
                              "name", demo_paired_name(perm[i]), "kind", demo_paired_kind(perm[i]),
                              "contact", p.name, "phone", p.phone);
        rc = demo_put(c, c->r_paired, o, NULL, NULL);
        c->paired += rc == 0;
    }
    for (int i = 0; i < c->ncomm; i++)
        perm[i] = i;
    demo_rng_shuffle(&c->rng, perm, c->ncomm);
    for (int i = 0; i < demo_enterprise_count() && rc == 0; i++) {
        char name[160], code[19], addr[120];
        const char *industry;
        demo_enterprise(i, name, sizeof(name), &industry);
        demo_credit_code(5000 + (uint64_t)i, code);
        struct demo_person p;
        demo_person_make(&c->rng, c->ids, demo_rng_chance(&c->rng, 600) ? 1 : 2,
                         demo_rng_range(&c->rng, 1965, 1990), NULL, demo_pick_ethnic(&c->rng), &p);
        if (!p.phone[0])
            demo_phone(&c->rng, p.phone);
        snprintf(addr, sizeof(addr), "满洲里市%s%d号", demo_road(&c->rng),
                 demo_rng_range(&c->rng, 1, 399));
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "place",
                              c->comm[perm[i % c->ncomm]].code, "name", name, "credit_code", code,
                              "industry", industry, "party_linked", 1, "contact", p.name, "phone",
                              p.phone, "address", addr);
        rc = demo_put(c, c->r_enterprises, o, NULL, NULL);
        c->enterprises += rc == 0;
    }
    free(perm);
    return rc;
}

/* ---- users ---- */

struct demo_user {
    const char *login, *role, *label;
    char place[16];
    char display[64];
    int64_t staff_id, resident_id;
};

static int add_users(struct demo_ctx *c, struct demo_user *u, int n)
{
    for (int i = 0; i < n; i++) {
        int64_t id;
        int rc = store_user_add(c->d, u[i].login, DEMO_PASSWORD, u[i].role, u[i].place,
                                u[i].display, &id, &c->err);
        if (rc)
            return rc;
        if ((u[i].staff_id || u[i].resident_id) &&
            (rc = store_user_link(c->d, id, u[i].staff_id, u[i].resident_id)) != 0)
            return gg_fail(&c->err, rc, "db", "cannot link user %s", u[i].login);
        if (strcmp(u[i].role, "dept_handler") == 0 &&
            (rc = store_user_set_department(c->d, id, "热力公司")) != 0)
            return gg_fail(&c->err, rc, "db", "cannot set the department of %s", u[i].login);
    }
    return 0;
}

static int make_users(struct demo_ctx *c, struct demo_user *u)
{
    char grid1[16];
    place_grid_code(DEMO_HUABU, 1, grid1);
    struct demo_user all[] = {
        {"admin", "city_admin", "市级管理员", INIT_DEMO_DIVISION, "满洲里市管理员", 0, 0},
        {"xinghua", "street_admin", "街道管理员", "150781004", "兴华街道管理员", 0, 0},
        {"huabu", "community_admin", "社区管理员", DEMO_HUABU, "华埠社区管理员", 0, 0},
        {"huabu_chief", "grid_chief", "网格长", "", "", c->huabu_chief, 0},
        {"huabu_worker", "grid_worker", "网格员", "", "", c->huabu_worker, 0},
        {"resident", "resident", "居民", "", "", 0, c->huabu_resident},
        {"auditor", "auditor", "审计监督", INIT_DEMO_DIVISION, "满洲里市纪委监委", 0, 0},
        {"heating", "dept_handler", "部门处置人员", INIT_DEMO_DIVISION, "热力公司处置员", 0, 0},
    };
    for (int i = 3; i <= 5; i++)
        gg_strlcpy(all[i].place, grid1, sizeof(all[i].place));
    snprintf(all[3].display, sizeof(all[3].display), "华埠社区第1网格网格长");
    snprintf(all[4].display, sizeof(all[4].display), "华埠社区第1网格网格员");
    gg_strlcpy(all[5].display, c->huabu_resident_name, sizeof(all[5].display));
    memcpy(u, all, sizeof(all));
    return add_users(c, u, (int)GG_ARRAY_LEN(all));
}

#define NUSERS 8

/* ---- the command ---- */

static int build(struct demo_ctx *c, struct demo_user *users)
{
    int rc = load_communities(c);
    if (rc)
        return rc;
    plan_grid_counts(c);
    if ((rc = plan_layout(c)) != 0)
        return rc;
    for (int i = 0; i < c->ncomm && rc == 0; i++)
        rc = demo_build_community(c, &c->comm[i]);
    if (rc)
        return rc;
    if (c->show_progress)
        cli_progress_end(&c->prog);
    if ((rc = staff_grids(c)) != 0 || (rc = add_organisations(c)) != 0)
        return rc;
    return make_users(c, users);
}

static void print_summary(const struct demo_ctx *c, const struct demo_user *u, int64_t seed)
{
    int grids = 0;
    for (int i = 0; i < c->ncomm; i++)
        grids += c->comm[i].ngrids;
    printf("demo city of 满洲里市 (seed %lld):\n", (long long)seed);
    printf("  communities   %8d\n  grids         %8d\n  estates       %8lld\n"
           "  buildings     %8lld\n  households    %8lld\n  residents     %8lld\n",
           c->ncomm, grids, (long long)c->estates, (long long)c->buildings,
           (long long)c->households, (long long)c->residents);
    printf("  owners        %8lld  (co-owned units %lld, units let by owners of several %lld "
           "from %lld owners, developer-held %lld)\n",
           (long long)c->owners, (long long)c->coowned_units, (long long)c->rented_units,
           (long long)c->landlords, (long long)c->developer_units);
    printf("  staff         %8lld  (grid chiefs %lld, full-time %lld, part-time %lld, "
           "volunteers %lld, 五老 %lld)\n",
           (long long)(c->staff[0] + c->staff[1] + c->staff[2] + c->staff[3] + c->staff[4]),
           (long long)c->staff[0], (long long)c->staff[1], (long long)c->staff[2],
           (long long)c->staff[3], (long long)c->staff[4]);
    printf("  paired units  %8lld\n  enterprises   %8lld\n", (long long)c->paired,
           (long long)c->enterprises);
    printf("\ndemo users, all with the password %s:\n", DEMO_PASSWORD);
    printf("  %-13s %-16s %-16s %s\n", "login", "role", "place", "name");
    for (int i = 0; i < NUSERS; i++)
        printf("  %-13s %-16s %-16s %s\n", u[i].login, u[i].role, u[i].place, u[i].display);
}

static void ctx_free(struct demo_ctx *c)
{
    for (int i = 0; i < c->ncomm; i++)
        free(c->comm[i].grids);
    free(c->comm);
    for (int i = 0; i < c->nestate_names; i++)
        free(c->estate_names[i]);
    free(c->estate_names);
    demo_ids_free(c->ids);
}

/* Refuse a database that already holds demo (or real) registry data. */
static int has_estates(struct demo_ctx *c)
{
    struct res_query q = {.scope = INIT_DEMO_DIVISION, .limit = 1};
    json_t *arr = NULL;
    int64_t next = 0;
    if (store_res_list(c->d, c->r_estates, &q, &arr, &next) != 0)
        return -1;
    int n = (int)json_array_size(arr);
    json_decref(arr);
    return n > 0;
}

int cmd_demo(int argc, char **argv)
{
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *seed_s = cli_opt(argc, argv, "--seed", "1");
    const char *data_opt = cli_opt(argc, argv, "--data", NULL);
    int64_t seed;
    if (!url) {
        fprintf(stderr, "gridgov demo: --db is required\n"
                        "usage: gridgov demo --db URL [--seed N] [--data DIR]\n");
        return 2;
    }
    if (gg_parse_i64(seed_s, 0, INT64_MAX, &seed) != 0) {
        fprintf(stderr, "gridgov demo: --seed must be a non-negative integer, not '%s'\n", seed_s);
        return 2;
    }
    struct demo_ctx c = {0};
    demo_rng_seed(&c.rng, (uint64_t)seed);
    c.show_progress = isatty(STDERR_FILENO);
    demo_names_init();
    c.r_estates = res_find("estates");
    c.r_buildings = res_find("buildings");
    c.r_households = res_find("households");
    c.r_residents = res_find("residents");
    c.r_owners = res_find("owners");
    c.r_staff = res_find("staff");
    c.r_paired = res_find("paired_units");
    c.r_enterprises = res_find("enterprises");

    int is_new;
    init_db_exists(url, &is_new);
    int rc = store_open(url, &c.d, &c.err);
    if (rc) {
        fprintf(stderr, "gridgov demo: cannot open %s: %s\n", url, c.err.msg);
        if (is_new)
            init_remove_db(url);
        return 1;
    }
    char division[32];
    int need_init = 0;
    rc = store_meta_get(c.d, "division", division, sizeof(division));
    if (rc == GG_ENOTFOUND) {
        need_init = 1;
    } else if (rc) {
        fprintf(stderr, "gridgov demo: cannot read %s: %s\n", url, db_errmsg(c.d));
        goto fail;
    } else if (strcmp(division, INIT_DEMO_DIVISION) != 0) {
        fprintf(stderr,
                "gridgov demo: %s serves division %s; the demo builds 满洲里市 (%s) "
                "and needs a database of its own\n",
                url, division, INIT_DEMO_DIVISION);
        goto fail;
    } else if (has_estates(&c) != 0) {
        fprintf(stderr,
                "gridgov demo: %s already holds estates (demo data or real data); "
                "run the demo on a new database\n",
                url);
        goto fail;
    }
    char dir[4096], county[256];
    if (need_init &&
        ((rc = init_find_data(data_opt, dir, sizeof(dir), &c.err)) != 0 ||
         (rc = init_lookup_county(dir, INIT_DEMO_DIVISION, county, sizeof(county), &c.err)) != 0)) {
        fprintf(stderr, "gridgov demo: %s\n", c.err.msg);
        goto fail;
    }
    /* The whole city is one transaction: let its pages stay in memory
     * (a cache ceiling for this connection only; durability is unchanged). */
    db_exec(c.d, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL);
    if ((rc = db_begin_write(c.d)) != 0) {
        fprintf(stderr, "gridgov demo: cannot start a transaction: %s\n", db_errmsg(c.d));
        goto fail;
    }
    c.ids = demo_ids_new();
    struct demo_user users[NUSERS];
    if (need_init)
        rc = init_load_places(c.d, dir, INIT_DEMO_DIVISION, county, NULL, &c.err);
    if (rc == 0)
        rc = build(&c, users);
    if (rc == 0) {
        char seed_txt[24];
        snprintf(seed_txt, sizeof(seed_txt), "%lld", (long long)seed);
        if ((rc = store_meta_set(c.d, "demo_seed", seed_txt)) != 0)
            gg_fail(&c.err, rc, "db", "cannot record the seed");
    }
    if (rc == 0 && (rc = db_commit(c.d)) != 0)
        gg_fail(&c.err, rc, "db", "commit failed: %s", db_errmsg(c.d));
    if (rc) {
        fprintf(stderr, "\ngridgov demo: %s%s%s\n", c.err.field[0] ? c.err.field : "",
                c.err.field[0] ? ": " : "", c.err.msg);
        db_rollback(c.d);
        goto fail;
    }
    print_summary(&c, users, seed);
    db_close(c.d);
    ctx_free(&c);
    return 0;

fail:
    db_close(c.d);
    ctx_free(&c);
    if (is_new)
        init_remove_db(url);
    return 1;
}
