/*
 * demo.h — the pieces of `gridgov demo` (private to src/cli/demo_*.c and
 * cli_demo.c): a seeded random generator, synthetic people with valid ID
 * numbers, and the name tables for estates, companies, paired units and
 * resident enterprises.
 *
 * Everything is deterministic from the seed: the same seed gives the same
 * city, byte for byte. rand() is never used.
 */
#ifndef GG_DEMO_H
#define GG_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "db.h"
#include "gg.h"
#include "resource.h"

/* ---- random numbers (demo_people.c): xoshiro256** seeded by splitmix64 ---- */

typedef struct demo_rng {
    uint64_t s[4];
} demo_rng;

void demo_rng_seed(demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(demo_rng *r);
/* Uniform integer in [lo, hi] (inclusive); lo <= hi. */
int demo_rng_range(demo_rng *r, int lo, int hi);
/* Uniform double in [0, 1). */
double demo_rng_unit(demo_rng *r);
/* True with probability per_mille / 1000. */
int demo_rng_chance(demo_rng *r, int per_mille);
/* Shuffle n ints in place. */
void demo_rng_shuffle(demo_rng *r, int *a, int n);

/* ---- people (demo_people.c) ---- */

/* The latest birth year the demo gives anyone (so IDs stay valid for a pinned clock). */
#define DEMO_LAST_YEAR 2023

/* The set of ID numbers issued so far, so that none repeats. Free with demo_ids_free. */
typedef struct demo_ids demo_ids;
demo_ids *demo_ids_new(void);
void demo_ids_free(demo_ids *ids);

enum demo_ethnic { DEMO_HAN = 0, DEMO_MONGOL, DEMO_RUSSIAN };

struct demo_person {
    char name[64];
    char surname[16]; /* "" for a Mongolian name without a surname */
    char id_number[19];
    char phone[12]; /* "" when the person has no phone of their own */
    int sex;        /* 1 male, 2 female */
    int birth;      /* YYYYMMDD */
};

/* A household's ethnic background: mostly Han, some Mongolian and Russian. */
enum demo_ethnic demo_pick_ethnic(demo_rng *r);

/*
 * Make one person of sex (1/2) born in year (clamped to DEMO_LAST_YEAR),
 * with surname (NULL: a random one suiting ethnic), a fresh unique ID
 * number whose region code suits ethnic and birth year, and a mobile phone
 * if they are 16 or older and have one (most do).
 */
void demo_person_make(demo_rng *r, demo_ids *ids, int sex, int year, const char *surname,
                      enum demo_ethnic ethnic, struct demo_person *out);

/* A plausible mainland mobile number (13x/15x/18x) into out[12]. */
void demo_phone(demo_rng *r, char out[12]);

#define DEMO_FAMILY_MAX 5

/* A household of 1..5 people and each one's relation to the head. */
struct demo_family {
    int n;
    struct demo_person p[DEMO_FAMILY_MAX];
    const char *relation[DEMO_FAMILY_MAX]; /* head, spouse, child, parent, grandchild */
    int second_adult;                      /* index of a spouse/adult co-owner, or -1 */
};

/* Make a family of size people (1..5): head first, ages consistent with relations. */
void demo_family_make(demo_rng *r, demo_ids *ids, int size, struct demo_family *out);

/* A household size drawn so that the mean is about 2.3. */
int demo_family_size(demo_rng *r);

/* ---- names of things (demo_names.c) ---- */

/* Number of distinct estate names demo_estate_name can give. */
int demo_estate_name_count(void);
/* The i-th estate name (0 <= i < demo_estate_name_count()) into out. */
void demo_estate_name(int i, char *out, size_t n);
/* Is the i-th estate name one of a newer estate (花园, 华庭 …)? */
int demo_estate_name_newer(int i);

/* A street/road of Manzhouli for addresses. */
const char *demo_road(demo_rng *r);

/* Real-estate developers (满洲里…房地产开发有限公司) and property companies. */
int demo_developer_count(void);
const char *demo_developer(int i);
const char *demo_developer_code(int i); /* 18-char unified social credit code */
const char *demo_property_company(demo_rng *r);

/* The 88 paired units (包联单位): name and kind. */
int demo_paired_count(void);
const char *demo_paired_name(int i);
const char *demo_paired_kind(int i);

/* The i-th of the resident enterprises (驻区企业): name, industry. */
int demo_enterprise_count(void);
void demo_enterprise(int i, char *name, size_t n, const char **industry);

/*
 * Unified social credit code (GB 32100-2015) for an organisation: region
 * 150781, a serial derived from key, and the right check character.
 * Writes 18 characters and a NUL into out[19].
 */
void demo_credit_code(uint64_t key, char out[19]);

/* Initialise the derived tables (credit codes); call once before the names. */
void demo_names_init(void);

/* ---- building the city (demo_city.c), driven by cli_demo.c ---- */

/* 华埠社区 of 兴华街道: the community the seed report describes in detail. */
#define DEMO_HUABU "150781004004"
#define DEMO_HUABU_ESTATES 7
#define DEMO_HUABU_GRIDS 6
#define DEMO_HUABU_HOUSEHOLDS 3369
#define DEMO_HUABU_RESIDENTS 7799
#define DEMO_GRIDS 143 /* grids over all urban communities */

struct demo_grid {
    char code[16];
    int serial;
    int target;     /* households planned */
    int households; /* households made */
    int residents;
    double north, south, west, east; /* the grid's cell */
};

struct demo_comm {
    char code[13];
    char name[128];       /* official */
    char short_name[128]; /* display */
    int ngrids;
    struct demo_grid *grids;
    int resident_target; /* exact residents, or 0 for "about 2.3 a household" */
    int estate_target;   /* exact estates, or 0 for "1-3 a grid" */
    double north, south, west, east;
    int households, residents, estates, buildings; /* made */
};

/* Everything one demo run shares. */
struct demo_ctx {
    db *d;
    gg_err err;
    demo_rng rng;
    demo_ids *ids;
    cli_progress prog;
    int show_progress; /* stderr is a terminal */
    const struct res_def *r_estates, *r_buildings, *r_households, *r_residents, *r_owners, *r_staff,
        *r_paired, *r_enterprises;
    struct demo_comm *comm;
    int ncomm;
    char **estate_names; /* every estate name used so far (unique in the city) */
    int nestate_names;
    int64_t estates, buildings, households, residents;
    int64_t owners, coowned_units, developer_units, rented_units, landlords;
    int64_t staff[5]; /* grid_chief, fulltime, parttime, volunteer, wulao */
    int64_t paired, enterprises;
    /* rows the demo users are linked to */
    int64_t huabu_chief, huabu_worker, huabu_resident;
    char huabu_resident_name[64];
};

/*
 * Insert one registry row: validate body (consumed) against def as an API
 * request would, add place when the definition inherits it, and store it.
 * Writes the new id into *id (may be NULL). Returns 0 or a GG_E code with
 * c->err.
 */
int demo_put(struct demo_ctx *c, const struct res_def *def, json_t *body, const char *place,
             int64_t *id);

/*
 * Build one planned community: its grid places, estates, buildings,
 * households, residents and owners. The grids' codes, cells and household
 * targets are set by the caller.
 */
int demo_build_community(struct demo_ctx *c, struct demo_comm *m);

#endif
