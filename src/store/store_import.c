/*
 * store_import.c — the residents import engine (see store_import.h): rows
 * from the csvrow reader become estates, buildings, households and
 * residents.
 *
 * One pass over the file. While no row has been bad, rows are written as
 * they come; from the first bad row on, nothing more is written (new
 * records get negative "would be" ids in the maps, exactly as on a dry
 * run), every later row is still checked, and the caller rolls the
 * transaction back. (No savepoint of its own: with RETURNING inserts a
 * statement journal inside a savepoint is truncated after every row, at a
 * cost that grows with the import.) The maps remember each grid, estate, building, household and
 * ID number the file has named, so the database is asked about each only
 * once, and not at all about children of records this import created.
 *
 * Duplicate ID numbers: within the file by the ID map; against the
 * database by a lookup, skipped when the database held no ID number when
 * the import began, and on SQLite while writing, where the unique index
 * refuses the insert of a duplicate without harming the transaction.
 *
 * Also here: the row count of a registry resource under a place, which the
 * command line's export shows progress against.
 */
#include "store_import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "place.h"
#include "store_util.h"

#define PROGRESS_EVERY 4096
#define IMPORT_CACHE_KIB 1048576 /* page cache ceiling while importing (1 GiB, used as needed) */
#define MAP_KEYS_MAX ((size_t)1 << 31) /* bytes of map keys: far above any real file */
#define MAP_ENTRIES_MAX ((size_t)1 << 28)
#define STOP_FILE 1 /* record callback: stop reading, the file is refused */

enum {
    Q_ANY_IDS,
    Q_GRID,
    Q_ESTATE_FIND,
    Q_ESTATE_ADD,
    Q_BUILDING_FIND_E,
    Q_BUILDING_FIND_G,
    Q_BUILDING_ADD,
    Q_HOUSEHOLD_FIND,
    Q_HOUSEHOLD_ADD,
    Q_ID_FIND,
    Q_RESIDENT_ADD,
    Q_COUNT
};

static const char *const import_sql[Q_COUNT] = {
    [Q_ANY_IDS] = "SELECT EXISTS (SELECT 1 FROM residents WHERE id_number IS NOT NULL)",
    [Q_GRID] = "SELECT 1 FROM places WHERE code = $1 AND level = 6",
    [Q_ESTATE_FIND] = "SELECT id FROM estates WHERE place >= $1 AND place < $2 AND name = $3"
                      " ORDER BY id LIMIT 1",
    [Q_ESTATE_ADD] = "INSERT INTO estates (place, name, created_at, updated_at)"
                     " VALUES ($1, $2, $3, $3) RETURNING id",
    [Q_BUILDING_FIND_E] = "SELECT id, place FROM buildings WHERE estate_id = $1 AND name = $2"
                          " ORDER BY id LIMIT 1",
    [Q_BUILDING_FIND_G] = "SELECT id, place FROM buildings WHERE place = $1"
                          " AND estate_id IS NULL AND name = $2 ORDER BY id LIMIT 1",
    [Q_BUILDING_ADD] = "INSERT INTO buildings (place, estate_id, name, lat, lon, created_at,"
                       " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    [Q_HOUSEHOLD_FIND] = "SELECT id, area_centi FROM households WHERE building_id = $1"
                         " AND unit = $2 AND room = $3",
    [Q_HOUSEHOLD_ADD] = "INSERT INTO households (place, building_id, unit, room, area_centi,"
                        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
                        " RETURNING id",
    [Q_ID_FIND] = "SELECT 1 FROM residents WHERE id_number = $1",
    [Q_RESIDENT_ADD] = "INSERT INTO residents (place, household_id, name, id_number, id_tail,"
                       " phone, phone_tail, relation, is_owner, created_at, updated_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
};

/* ---- a map from byte-string keys to ids (open addressing, linear probing) ---- */

typedef struct kentry {
    uint64_t hash; /* 0: empty slot */
    size_t koff;   /* key bytes in the arena */
    uint32_t klen;
    uint32_t fresh; /* created by this import */
    int64_t id;     /* row id; negative: would be created */
    int64_t aux;    /* building: its grid code as a number; household: area */
    int64_t line;   /* line that first named it; 0 if it was in the database */
} kentry;

typedef struct kmap {
    kentry *e;
    size_t cap, n;
    gg_buf keys;
} kmap;

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    h ^= h >> 29;
    return h ? h : 1;
}

static void kmap_init(kmap *m)
{
    m->cap = 1024;
    m->n = 0;
    m->e = xcalloc(m->cap, sizeof(kentry));
    gg_buf_init(&m->keys, MAP_KEYS_MAX);
}

static void kmap_free(kmap *m)
{
    free(m->e);
    gg_buf_free(&m->keys);
}

static kentry *kmap_find(kmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        kentry *e = &m->e[i];
        if (e->hash == 0)
            return NULL;
        if (e->hash == h && e->klen == len && memcmp(m->keys.data + e->koff, key, len) == 0)
            return e;
    }
}

static void kmap_grow(kmap *m)
{
    size_t cap = m->cap * 2;
    kentry *e = xcalloc(cap, sizeof(kentry));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].hash)
            continue;
        size_t j = m->e[i].hash & (cap - 1);
        while (e[j].hash)
            j = (j + 1) & (cap - 1);
        e[j] = m->e[i];
    }
    free(m->e);
    m->e = e;
    m->cap = cap;
}

/* Add key (known to be absent). NULL when the map is full (GG_ETOOBIG for the caller). */
static kentry *kmap_add(kmap *m, const char *key, size_t len, uint64_t h)
{
    if (m->n >= MAP_ENTRIES_MAX)
        return NULL;
    if ((m->n + 1) * 10 > m->cap * 7)
        kmap_grow(m);
    size_t off = m->keys.len;
    if (gg_buf_append(&m->keys, key, len) != 0)
        return NULL;
    size_t mask = m->cap - 1, i = h & mask;
    while (m->e[i].hash)
        i = (i + 1) & mask;
    kentry *e = &m->e[i];
    memset(e, 0, sizeof(*e));
    e->hash = h;
    e->koff = off;
    e->klen = (uint32_t)len;
    m->n++;
    return e;
}

/* ---- a set of ID numbers: the first 17 digits as a number (the 18th follows) ---- */

typedef struct idset {
    uint64_t *k; /* key + 1; 0: empty */
    int64_t *line;
    size_t cap, n;
} idset;

static uint64_t id_key(const char *id)
{
    uint64_t v = 0;
    for (int i = 0; i < 17; i++)
        v = v * 10 + (uint64_t)(id[i] - '0');
    return v + 1;
}

static size_t id_slot(uint64_t k, size_t cap)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

static void idset_grow(idset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 4096;
    uint64_t *k = xcalloc(cap, sizeof(uint64_t));
    int64_t *line = xcalloc(cap, sizeof(int64_t));
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->k[i])
            continue;
        size_t j = id_slot(s->k[i], cap);
        while (k[j])
            j = (j + 1) & (cap - 1);
        k[j] = s->k[i];
        line[j] = s->line[i];
    }
    free(s->k);
    free(s->line);
    s->k = k;
    s->line = line;
    s->cap = cap;
}

/*
 * Line of an earlier row with the same ID number, or 0 after adding it with
 * line, or -1 when the set is full.
 */
static int64_t idset_add(idset *s, const char *id, int64_t line)
{
    if (s->n >= MAP_ENTRIES_MAX)
        return -1;
    if ((s->n + 1) * 10 > s->cap * 7)
        idset_grow(s);
    uint64_t k = id_key(id);
    size_t i = id_slot(k, s->cap);
    for (; s->k[i]; i = (i + 1) & (s->cap - 1))
        if (s->k[i] == k)
            return s->line[i];
    s->k[i] = k;
    s->line[i] = line;
    s->n++;
    return 0;
}

/* ---- the import ---- */

struct store_import {
    db *d;
    char scope[16];
    int dry_run;
    int max_errors;
    void (*progress)(void *ctx, int64_t rows);
    void *progress_ctx;

    csvrow_reader *rd;
    csvrow_header h;
    int have_header;
    int fatal;        /* the file is refused as a whole; reading stopped */
    int writing;      /* no bad row yet and not a dry run */
    int check_db_ids; /* the database held ID numbers when the import began */
    int sqlite;
    int64_t old_cache;
    int64_t now;
    int64_t next_virtual;

    db_stmt *q[Q_COUNT];
    kmap map;
    idset ids;
    struct store_import_stats st;
    csvrow_err *errs;
    int nerrs;
    int dbrc; /* a database failure: the import is over */
    gg_err dberr;
};

/* Record a bad row; from now on nothing is written. Returns 1 (the row is refused). */
static int bad(store_import *im, int64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(store_import *im, int64_t line, const char *field, const char *fmt, ...)
{
    im->st.bad_rows++;
    im->writing = 0;
    if (im->nerrs < im->max_errors) {
        csvrow_err *e = &im->errs[im->nerrs++];
        e->line = line;
        gg_strlcpy(e->field, field, sizeof(e->field));
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
        va_end(ap);
        gg_utf8_cut(e->reason);
    }
    return 1;
}

static void bad_err(store_import *im, const csvrow_err *e)
{
    bad(im, e->line, e->field, "%s", e->reason);
}

/* A database failure ends the import. Returns the (negative) code. */
static int dbfail(store_import *im, int rc, const char *what)
{
    if (rc >= 0)
        rc = GG_EIO;
    if (!im->dbrc) {
        im->dbrc = rc;
        gg_fail(&im->dberr, rc, "", "import: %s failed: %s", what, db_errmsg(im->d));
    }
    return rc;
}

/* The maps are full (far beyond any real file): the import is over. */
static int too_many(store_import *im, const char *what)
{
    if (!im->dbrc) {
        im->dbrc = GG_ETOOBIG;
        gg_fail(&im->dberr, GG_ETOOBIG, "", "import: the file names too many %s", what);
    }
    return GG_ETOOBIG;
}

static int in_scope(const store_import *im, const char *code)
{
    return !im->scope[0] || place_in_scope(im->scope, code);
}

/* Run an INSERT … RETURNING id, or hand out a would-be id when not writing. */
static int insert_id(store_import *im, db_stmt *s, int64_t *id, const char *what)
{
    if (!im->writing) {
        db_reset(s);
        *id = im->next_virtual--;
        return 0;
    }
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    db_reset(s);
    return rc == DB_ROW ? 0 : dbfail(im, rc, what);
}

static int64_t grid_number(const char *code)
{
    int64_t v = 0;
    for (int i = 0; i < 15 && code[i] >= '0' && code[i] <= '9'; i++)
        v = v * 10 + (code[i] - '0');
    return v;
}

static int check_id(store_import *im, const csvrow *r)
{
    int64_t first = idset_add(&im->ids, r->id_number, r->line);
    if (first < 0)
        return too_many(im, "ID numbers");
    if (first)
        return bad(im, r->line, "id_number", "the same ID number is already on line %lld",
                   (long long)first);
    if (!im->check_db_ids || (im->writing && im->sqlite))
        return 0;
    db_stmt *s = im->q[Q_ID_FIND];
    db_bind_text(s, 1, r->id_number);
    int rc = db_step(s);
    db_reset(s);
    if (rc < 0)
        return dbfail(im, rc, "ID number lookup");
    return rc == DB_ROW ? bad(im, r->line, "id_number", "is already registered") : 0;
}

/* Grid states in the map: 1 usable, 0 does not exist, 2 outside the scope. */
static int check_grid(store_import *im, const csvrow *r)
{
    char key[17] = "g";
    memcpy(key + 1, r->grid, 15);
    uint64_t h = hash_bytes(key, 16);
    kentry *e = kmap_find(&im->map, key, 16, h);
    int64_t state;
    if (e) {
        state = e->id;
    } else {
        if (!in_scope(im, r->grid)) {
            state = 2;
        } else {
            db_stmt *s = im->q[Q_GRID];
            db_bind_text(s, 1, r->grid);
            int rc = db_step(s);
            db_reset(s);
            if (rc < 0)
                return dbfail(im, rc, "grid lookup");
            state = rc == DB_ROW;
        }
        if (!(e = kmap_add(&im->map, key, 16, h)))
            return too_many(im, "grids");
        e->id = state;
    }
    if (state == 0)
        return bad(im, r->line, "grid", "grid %s does not exist", r->grid);
    if (state == 2)
        return bad(im, r->line, "grid", "grid %s is outside your area", r->grid);
    return 0;
}

/* The estate named by the row in the grid's community: found or created. */
static int find_estate(store_import *im, const csvrow *r, int64_t *id, int *fresh)
{
    char key[1 + 12 + CSVROW_NAME_BYTES];
    size_t nl = strlen(r->estate);
    key[0] = 'e';
    memcpy(key + 1, r->grid, 12);
    memcpy(key + 13, r->estate, nl);
    size_t len = 13 + nl;
    uint64_t h = hash_bytes(key, len);
    kentry *e = kmap_find(&im->map, key, len, h);
    if (e) {
        *id = e->id;
        *fresh = (int)e->fresh;
        return 0;
    }
    char community[13], hi[20];
    memcpy(community, r->grid, 12);
    community[12] = '\0';
    store_prefix_upper(community, hi, sizeof(hi));
    db_stmt *s = im->q[Q_ESTATE_FIND];
    db_bind_text(s, 1, community);
    db_bind_text(s, 2, hi);
    db_bind_text(s, 3, r->estate);
    int rc = db_step(s);
    int64_t found = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_reset(s);
    if (rc < 0)
        return dbfail(im, rc, "estate lookup");
    *fresh = 0;
    if (!found) {
        /* An estate belongs to the community, unless the caller may only touch the grid. */
        s = im->q[Q_ESTATE_ADD];
        db_bind_text(s, 1, in_scope(im, community) ? community : r->grid);
        db_bind_text(s, 2, r->estate);
        db_bind_i64(s, 3, im->now);
        if ((rc = insert_id(im, s, &found, "creating an estate")) != 0)
            return rc;
        *fresh = 1;
        im->st.estates_created++;
    }
    if (!(e = kmap_add(&im->map, key, len, h)))
        return too_many(im, "estates");
    e->id = found;
    e->fresh = (uint32_t)*fresh;
    e->line = r->line;
    *id = found;
    return 0;
}

/* The building of the row, in its estate (or in the grid without an estate). */
static int find_building(store_import *im, const csvrow *r, int64_t estate, int estate_fresh,
                         int64_t *id, int *fresh)
{
    char key[1 + 1 + 15 + CSVROW_NAME_BYTES];
    size_t len = 2, nl = strlen(r->building);
    key[0] = 'b';
    if (r->estate[0]) {
        key[1] = 'E';
        memcpy(key + 2, &estate, sizeof(estate));
        len += sizeof(estate);
    } else {
        key[1] = 'G';
        memcpy(key + 2, r->grid, 15);
        len += 15;
    }
    memcpy(key + len, r->building, nl);
    len += nl;
    uint64_t h = hash_bytes(key, len);
    int64_t grid = grid_number(r->grid);
    kentry *e = kmap_find(&im->map, key, len, h);
    int64_t found = 0, found_grid = grid;
    int is_new = 0;
    if (e) {
        found = e->id;
        found_grid = e->aux;
        is_new = (int)e->fresh;
    } else {
        if (!estate_fresh) {
            db_stmt *s = im->q[r->estate[0] ? Q_BUILDING_FIND_E : Q_BUILDING_FIND_G];
            if (r->estate[0])
                db_bind_i64(s, 1, estate);
            else
                db_bind_text(s, 1, r->grid);
            db_bind_text(s, 2, r->building);
            int rc = db_step(s);
            if (rc == DB_ROW) {
                found = db_col_i64(s, 0);
                found_grid = grid_number(db_col_text(s, 1));
            }
            db_reset(s);
            if (rc < 0)
                return dbfail(im, rc, "building lookup");
        }
        if (!found) {
            if (!r->has_coords)
                return bad(im, r->line, "lat",
                           "building %s does not exist yet; give lat and lon to create it",
                           r->building);
            db_stmt *s = im->q[Q_BUILDING_ADD];
            db_bind_text(s, 1, r->grid);
            if (r->estate[0] && estate > 0)
                db_bind_i64(s, 2, estate);
            else
                db_bind_null(s, 2);
            db_bind_text(s, 3, r->building);
            db_bind_double(s, 4, r->lat);
            db_bind_double(s, 5, r->lon);
            db_bind_i64(s, 6, im->now);
            int rc = insert_id(im, s, &found, "creating a building");
            if (rc)
                return rc;
            is_new = 1;
            im->st.buildings_created++;
        }
        if (!(e = kmap_add(&im->map, key, len, h)))
            return too_many(im, "buildings");
        e->id = found;
        e->aux = found_grid;
        e->fresh = (uint32_t)is_new;
        e->line = r->line;
    }
    if (found_grid != grid)
        return bad(im, r->line, "grid", "building %s is registered in grid %015lld, not %s",
                   r->building, (long long)found_grid, r->grid);
    *id = found;
    *fresh = is_new;
    return 0;
}

/* The household (building, unit, room): found, created, and its area agreeing. */
static int find_household(store_import *im, const csvrow *r, int64_t building, int bfresh,
                          int64_t *id)
{
    char key[1 + 8 + 1 + 2 * CSVROW_KEY_BYTES];
    size_t nu = strlen(r->unit), nr = strlen(r->room);
    key[0] = 'h';
    memcpy(key + 1, &building, 8);
    key[9] = (char)nu;
    memcpy(key + 10, r->unit, nu);
    memcpy(key + 10 + nu, r->room, nr);
    size_t len = 10 + nu + nr;
    uint64_t h = hash_bytes(key, len);
    kentry *e = kmap_find(&im->map, key, len, h);
    if (!e) {
        int64_t found = 0, area = r->area_centi;
        if (!bfresh) {
            db_stmt *s = im->q[Q_HOUSEHOLD_FIND];
            db_bind_i64(s, 1, building);
            db_bind_text(s, 2, r->unit);
            db_bind_text(s, 3, r->room);
            int rc = db_step(s);
            if (rc == DB_ROW) {
                found = db_col_i64(s, 0);
                area = db_col_i64(s, 1);
            }
            db_reset(s);
            if (rc < 0)
                return dbfail(im, rc, "household lookup");
        }
        int64_t line = found ? 0 : r->line;
        if (!found) {
            db_stmt *s = im->q[Q_HOUSEHOLD_ADD];
            db_bind_text(s, 1, r->grid);
            db_bind_i64(s, 2, building);
            db_bind_text(s, 3, r->unit);
            db_bind_text(s, 4, r->room);
            db_bind_i64(s, 5, r->area_centi);
            db_bind_i64(s, 6, im->now);
            int rc = insert_id(im, s, &found, "creating a household");
            if (rc)
                return rc;
            im->st.households_created++;
        }
        im->st.households++;
        if (!(e = kmap_add(&im->map, key, len, h)))
            return too_many(im, "households");
        e->id = found;
        e->aux = area;
        e->line = line;
    }
    if (e->aux != r->area_centi) {
        char a[32];
        area_format(e->aux, a, sizeof(a));
        if (e->line)
            return bad(im, r->line, "area",
                       "household %s %s %s has area %s m² on line %lld; the rows must agree",
                       r->building, r->unit, r->room, a, (long long)e->line);
        return bad(im, r->line, "area", "household %s %s %s is registered with area %s m²",
                   r->building, r->unit, r->room, a);
    }
    *id = e->id;
    return 0;
}

static int add_resident(store_import *im, const csvrow *r, int64_t household)
{
    if (!im->writing) {
        im->st.residents++;
        return 0;
    }
    db_stmt *s = im->q[Q_RESIDENT_ADD];
    size_t pl = strlen(r->phone);
    db_bind_text(s, 1, r->grid);
    db_bind_i64(s, 2, household);
    db_bind_text(s, 3, r->name);
    db_bind_text(s, 4, r->id_number);
    db_bind_text(s, 5, r->id_number + 14);
    db_bind_text(s, 6, pl ? r->phone : NULL);
    db_bind_text(s, 7, pl > 4 ? r->phone + pl - 4 : r->phone);
    db_bind_text(s, 8, r->relation);
    db_bind_i64(s, 9, r->is_owner);
    db_bind_i64(s, 10, im->now);
    int rc = db_step(s);
    db_reset(s);
    if (rc == GG_ECONFLICT)
        return bad(im, r->line, "id_number", "is already registered");
    if (rc < 0)
        return dbfail(im, rc, "adding a resident");
    im->st.residents++;
    return 0;
}

/* One valid-looking row: 0 done, 1 refused (recorded), < 0 database failure. */
static int import_row(store_import *im, const csvrow *r)
{
    int64_t estate = 0, building = 0, household = 0;
    int estate_fresh = 0, bfresh = 0;
    int rc = check_grid(im, r);
    if (rc == 0)
        rc = check_id(im, r);
    if (rc == 0 && r->estate[0])
        rc = find_estate(im, r, &estate, &estate_fresh);
    if (rc == 0)
        rc = find_building(im, r, estate, estate_fresh, &building, &bfresh);
    if (rc == 0)
        rc = find_household(im, r, building, bfresh, &household);
    if (rc == 0)
        rc = add_resident(im, r, household);
    return rc;
}

static int on_record(void *ctx, const csvrow_rec *rec)
{
    store_import *im = ctx;
    if (!im->have_header) {
        csvrow_err errs[CSVROW_NCOLS + CSVROW_MAX_COLS + 2];
        int n = 0;
        if (csvrow_header_parse(rec, &im->h, errs, (int)GG_ARRAY_LEN(errs), &n) != 0) {
            int64_t before = im->st.bad_rows;
            for (int i = 0; i < n && i < (int)GG_ARRAY_LEN(errs); i++)
                bad_err(im, &errs[i]);
            im->st.bad_rows = before + 1; /* the header is one bad row */
            im->fatal = 1;
            return STOP_FILE;
        }
        im->have_header = 1;
        return 0;
    }
    im->st.rows++;
    csvrow row;
    csvrow_err e;
    int rc = 0;
    if (csvrow_parse(&im->h, rec, &row, &e) != 0)
        bad_err(im, &e);
    else
        rc = import_row(im, &row);
    if (im->progress && im->st.rows % PROGRESS_EVERY == 0)
        im->progress(im->progress_ctx, im->st.rows);
    return rc < 0 ? rc : 0;
}

int store_import_begin(db *d, const struct store_import_opts *opts, store_import **out, gg_err *err)
{
    if (!db_in_tx(d))
        return gg_fail(err, GG_EINVAL, "", "import: open a transaction first");
    const char *scope = opts->scope ? opts->scope : "";
    if (scope[0] && place_level_of(scope) == PLACE_INVALID)
        return gg_fail(err, GG_EINVAL, "place", "place must be a division or grid code");
    store_import *im = xcalloc(1, sizeof(*im));
    im->d = d;
    gg_strlcpy(im->scope, scope, sizeof(im->scope));
    im->dry_run = opts->dry_run;
    im->max_errors = opts->max_errors > 0 ? opts->max_errors : GG_CSV_MAX_ERRORS;
    im->progress = opts->progress;
    im->progress_ctx = opts->progress_ctx;
    im->errs = xcalloc((size_t)im->max_errors, sizeof(csvrow_err));
    im->writing = !opts->dry_run;
    im->now = gg_now();
    im->next_virtual = -1;
    im->sqlite = strcmp(db_dialect(d), "sqlite") == 0;
    kmap_init(&im->map);
    for (int i = 0; i < Q_COUNT; i++) {
        int rc = db_prepare(d, import_sql[i], &im->q[i]);
        if (rc) {
            gg_fail(err, rc, "", "import: cannot prepare a statement: %s", db_errmsg(d));
            store_import_free(im);
            return rc;
        }
    }
    int64_t any = 0;
    int rc = db_step(im->q[Q_ANY_IDS]);
    if (rc == DB_ROW)
        any = db_col_i64(im->q[Q_ANY_IDS], 0);
    db_reset(im->q[Q_ANY_IDS]);
    im->check_db_ids = any != 0;
    if (rc < 0) {
        if (!err || !err->msg[0])
            gg_fail(err, rc, "", "import: %s", db_errmsg(d));
        store_import_free(im);
        return rc;
    }
    /* A large page cache keeps the indexes in memory; durability is untouched. */
    if (im->sqlite && db_query_i64(d, "PRAGMA cache_size", &im->old_cache, "") == 0) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
        db_exec(d, sql, NULL);
    } else {
        im->old_cache = 0;
    }
    im->rd = csvrow_reader_new(on_record, im);
    *out = im;
    return 0;
}

/* What a reader's non-zero return means for the import. */
static int after_read(store_import *im, int rc, const csvrow_err *e, gg_err *err)
{
    if (rc == 0)
        return 0;
    if (im->dbrc) {
        if (err)
            *err = im->dberr;
        return im->dbrc;
    }
    if (!im->fatal) { /* the reader's own error: the CSV is malformed */
        bad_err(im, e);
        im->fatal = 1;
    }
    return 0;
}

int store_import_feed(store_import *im, const void *p, size_t n, gg_err *err)
{
    if (im->dbrc) {
        if (err)
            *err = im->dberr;
        return im->dbrc;
    }
    if (im->fatal)
        return 0;
    csvrow_err e = {0};
    return after_read(im, csvrow_reader_feed(im->rd, p, n, &e), &e, err);
}

int store_import_finish(store_import *im, struct store_import_stats *st, gg_err *err)
{
    int rc = 0;
    if (!im->dbrc && !im->fatal) {
        csvrow_err e = {0};
        rc = after_read(im, csvrow_reader_finish(im->rd, &e), &e, err);
    }
    if (im->dbrc) {
        if (err)
            *err = im->dberr;
        return im->dbrc;
    }
    if (rc)
        return rc;
    if (!im->have_header && !im->fatal)
        bad(im, 1, "header", "the file is empty; it needs a header row and one row per resident");
    if (im->progress)
        im->progress(im->progress_ctx, im->st.rows);
    *st = im->st;
    return 0;
}

const csvrow_err *store_import_errors(const store_import *im, int *n)
{
    *n = im->nerrs;
    return im->errs;
}

void store_import_free(store_import *im)
{
    if (!im)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        db_finalize(im->q[i]);
    if (im->old_cache) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)im->old_cache);
        db_exec(im->d, sql, NULL);
    }
    csvrow_reader_free(im->rd);
    kmap_free(&im->map);
    free(im->ids.k);
    free(im->ids.line);
    free(im->errs);
    free(im);
}

int store_export_count(db *d, const struct res_def *def, const char *scope, int64_t *n)
{
    char sql[160], hi[20];
    const char *lo = scope ? scope : "";
    store_prefix_upper(lo, hi, sizeof(hi));
    /* def->table comes from the resource tables, never from a request. */
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE place >= $1 AND place < $2",
             def->table);
    return db_query_i64(d, sql, n, "tt", lo, hi);
}
