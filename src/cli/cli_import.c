/*
 * cli_import.c — `gridgov import` and `gridgov export`.
 *
 *   gridgov import --db URL --kind residents FILE [--dry-run] [--place CODE] [--quiet]
 *   gridgov export --db URL --kind RESOURCE --out FILE.csv|FILE.xlsx [--place CODE]
 *                  [--reveal] [--quiet]
 *
 * import streams FILE ("-" for standard input) through the import engine in
 * one transaction and lists every bad row as "line N: field: reason"; a file
 * with any bad row writes nothing. Exit status 0 imported (or a clean dry
 * run), 1 bad rows or a failure, 2 usage.
 *
 * export writes any registry resource (or grids) under --place as CSV with a
 * byte-order mark or as .xlsx, with ID numbers and phones masked unless
 * --reveal, which is written to the audit log. The file appears complete or
 * not at all (written beside it, then renamed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"
#include "limits.h"
#include "place.h"
#include "store.h"
#include "store_import.h"

#define READ_CHUNK ((size_t)1 << 20)
#define EXPORT_PAGE 5000
#define PATH_CAP 4096

/* Options that take a value; everything else starting with "--" is a flag. */
static int takes_value(const char *opt, const char *const *with_value)
{
    for (; *with_value; with_value++)
        if (strcmp(opt, *with_value) == 0)
            return 1;
    return 0;
}

/*
 * Check argv: known options only, and at most one positional argument
 * (written to *pos, NULL if none). Returns 0 or prints the problem and
 * returns 2.
 */
static int check_args(int argc, char **argv, const char *const *with_value,
                      const char *const *flags, const char **pos)
{
    *pos = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) == 0) {
            if (takes_value(a, with_value)) {
                i++;
                continue;
            }
            if (takes_value(a, flags))
                continue;
            fprintf(stderr, "gridgov: unknown option %s\n", a);
            return 2;
        }
        if (*pos) {
            fprintf(stderr, "gridgov: unexpected argument %s\n", a);
            return 2;
        }
        *pos = a;
    }
    return 0;
}

static int open_db(const char *url, db **d)
{
    gg_err err = {{0}};
    if (store_open(url, d, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* A --place given on the command line must be a code that exists. 0, or an exit status. */
static int check_place(db *d, const char *place)
{
    if (!place || !*place)
        return 0;
    if (place_level_of(place) == PLACE_INVALID) {
        fprintf(stderr, "gridgov: --place must be a division or grid code, got '%s'\n", place);
        return 2;
    }
    json_t *p;
    if (store_place_get(d, place, &p) != 0) {
        fprintf(stderr, "gridgov: place %s does not exist\n", place);
        return 1;
    }
    json_decref(p);
    return 0;
}

/* ---- import ---- */

struct import_progress {
    cli_progress p;
    int64_t shown;
};

static void on_progress(void *ctx, int64_t rows)
{
    struct import_progress *ip = ctx;
    if (rows > ip->shown) {
        cli_progress_add(&ip->p, rows - ip->shown);
        ip->shown = rows;
    }
}

/* Data lines of a regular file (line ends, less the header), for the progress total. */
static int64_t count_rows(FILE *f)
{
    char *buf = xmalloc(READ_CHUNK);
    int64_t lines = 0;
    size_t n;
    char last = '\n';
    while ((n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        for (char *p = memchr(buf, '\n', n); p; p = memchr(p + 1, '\n', n - (size_t)(p + 1 - buf)))
            lines++;
        last = buf[n - 1];
    }
    free(buf);
    if (last != '\n')
        lines++;
    rewind(f);
    return lines > 1 ? lines - 1 : 1;
}

static void print_errors(const store_import *im, const struct store_import_stats *st)
{
    int n;
    const csvrow_err *e = store_import_errors(im, &n);
    for (int i = 0; i < n; i++) {
        if (e[i].field[0])
            printf("line %lld: %s: %s\n", (long long)e[i].line, e[i].field, e[i].reason);
        else
            printf("line %lld: %s\n", (long long)e[i].line, e[i].reason);
    }
    if (st->bad_rows > n)
        printf("… and %lld more\n", (long long)(st->bad_rows - n));
}

/* Feed the whole file to the engine. 0, or a GG_E code with err. */
static int feed_file(FILE *f, store_import *im, gg_err *err)
{
    char *buf = xmalloc(READ_CHUNK);
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, READ_CHUNK, f)) > 0)
        rc = store_import_feed(im, buf, n, err);
    if (rc == 0 && ferror(f))
        rc = gg_fail(err, GG_EIO, "", "cannot read the file");
    free(buf);
    return rc;
}

static int import_usage(void)
{
    fprintf(stderr, "usage: gridgov import --db URL --kind residents FILE [--dry-run]"
                    " [--place CODE] [--quiet]\n"
                    "       FILE is CSV (UTF-8) with the header\n"
                    "       grid,estate,building,unit,room,area,name,id_number,phone,relation,"
                    "is_owner[,lat,lon]\n");
    return 2;
}

int cmd_import(int argc, char **argv)
{
    static const char *const with_value[] = {"--db", "--kind", "--place", NULL};
    static const char *const flags[] = {"--dry-run", "--quiet", NULL};
    const char *path;
    if (check_args(argc, argv, with_value, flags, &path) != 0)
        return import_usage();
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *kind = cli_opt(argc, argv, "--kind", NULL);
    const char *place = cli_opt(argc, argv, "--place", "");
    int dry = cli_flag(argc, argv, "--dry-run");
    if (!url || !kind || !path)
        return import_usage();
    if (strcmp(kind, "residents") != 0) {
        fprintf(stderr, "gridgov: only --kind residents can be imported\n");
        return 2;
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gridgov: cannot open %s\n", path);
        return 1;
    }
    db *d = NULL;
    int rc = open_db(url, &d);
    if (rc == 0 && (rc = check_place(d, place)) != 0)
        db_close(d);
    if (rc) {
        if (f != stdin)
            fclose(f);
        return rc;
    }

    struct import_progress ip = {{0}};
    int show = !cli_flag(argc, argv, "--quiet") && isatty(STDERR_FILENO) && f != stdin;
    if (show)
        cli_progress_start(&ip.p, dry ? "checking residents" : "importing residents",
                           count_rows(f));
    struct store_import_opts o = {
        .scope = place,
        .dry_run = dry,
        .progress = show ? on_progress : NULL,
        .progress_ctx = &ip,
    };
    gg_err err = {{0}};
    store_import *im = NULL;
    struct store_import_stats st = {0};
    rc = dry ? db_begin(d) : db_begin_write(d);
    if (rc)
        gg_fail(&err, rc, "", "the database is busy: %s", db_errmsg(d));
    if (rc == 0)
        rc = store_import_begin(d, &o, &im, &err);
    if (rc == 0)
        rc = feed_file(f, im, &err);
    if (rc == 0)
        rc = store_import_finish(im, &st, &err);
    if (show)
        cli_progress_end(&ip.p);
    if (f != stdin)
        fclose(f);
    if (rc == 0 && st.bad_rows == 0 && !dry) {
        char detail[160];
        snprintf(detail, sizeof(detail), "%lld rows, %lld households, %lld residents",
                 (long long)st.rows, (long long)st.households, (long long)st.residents);
        if ((rc = store_audit(d, 0, "cli", "import", "residents", "", place, detail)) != 0)
            gg_fail(&err, rc, "", "cannot write the audit log: %s", db_errmsg(d));
        else if ((rc = db_commit(d)) != 0)
            gg_fail(&err, rc, "", "commit failed: %s", db_errmsg(d));
    }
    if (db_in_tx(d))
        db_rollback(d);
    int status = 0;
    if (rc) {
        fprintf(stderr, "gridgov: %s\n", err.msg[0] ? err.msg : "import failed");
        status = 1;
    } else if (st.bad_rows) {
        print_errors(im, &st);
        if (st.rows > 0)
            printf("%lld of %lld rows are bad; nothing was imported\n", (long long)st.bad_rows,
                   (long long)st.rows);
        else
            printf("the file is refused; nothing was imported\n");
        status = 1;
    } else if (dry) {
        printf("dry run: %lld rows are good (%lld households, %lld new; %lld residents);"
               " nothing was written\n",
               (long long)st.rows, (long long)st.households, (long long)st.households_created,
               (long long)st.residents);
    } else {
        printf("imported %lld rows: %lld households (%lld new), %lld residents;"
               " %lld buildings and %lld estates created\n",
               (long long)st.rows, (long long)st.households, (long long)st.households_created,
               (long long)st.residents, (long long)st.buildings_created,
               (long long)st.estates_created);
    }
    store_import_free(im);
    db_close(d);
    return status;
}

/* ---- export ---- */

struct export_job {
    db *d;
    const struct res_def *def; /* NULL for grids */
    const char *scope;
    int reveal;
    int xlsx;
    FILE *out;
    const char *cols[24];
    const char *labels[24];
    int ncols;
    int64_t rows;
};

static void export_columns(struct export_job *j)
{
    static const char *const grid_cols[] = {"code",       "name",      "community",
                                            "households", "residents", "buildings"};
    static const char *const grid_labels[] = {"网格编码", "网格名称", "所属社区",
                                              "户数",     "人口",     "楼栋数"};
    int nc = 0;
    if (!j->def) {
        for (size_t i = 0; i < GG_ARRAY_LEN(grid_cols); i++) {
            j->cols[nc] = grid_cols[i];
            j->labels[nc++] = grid_labels[i];
        }
        j->ncols = nc;
        return;
    }
    /* The columns of the list endpoint's ?format=csv: id, place, then the fields. */
    j->cols[nc] = j->labels[nc] = "id";
    nc++;
    j->cols[nc] = j->labels[nc] = "place";
    nc++;
    for (int k = 0; k < j->def->nfields && nc < (int)GG_ARRAY_LEN(j->cols); k++) {
        if (strcmp(j->def->fields[k].name, "place") == 0)
            continue;
        j->cols[nc] = j->labels[nc] = j->def->fields[k].name;
        nc++;
    }
    j->ncols = nc;
}

/* Append rows to the CSV file: the byte-order mark and header only with the first page. */
static int write_csv_page(struct export_job *j, json_t *rows, size_t skip)
{
    gg_buf b;
    gg_buf_init(&b, (size_t)1 << 30);
    int rc = export_csv(rows, j->cols, j->labels, j->ncols, &b);
    if (rc == 0 && b.len > skip && fwrite(b.data + skip, 1, b.len - skip, j->out) != b.len - skip)
        rc = GG_EIO;
    gg_buf_free(&b);
    return rc;
}

/* Bytes export_csv writes before the first row (mark and header line). */
static size_t csv_prefix_len(struct export_job *j)
{
    json_t *none = json_array();
    gg_buf b;
    gg_buf_init(&b, 1 << 16);
    size_t n = export_csv(none, j->cols, j->labels, j->ncols, &b) == 0 ? b.len : 0;
    gg_buf_free(&b);
    json_decref(none);
    return n;
}

static int export_grids(struct export_job *j, json_t *all)
{
    json_t *rows;
    int rc = store_grid_stats(j->d, j->scope, &rows);
    if (rc)
        return rc;
    j->rows = (int64_t)json_array_size(rows);
    if (j->xlsx)
        json_array_extend(all, rows);
    else
        rc = write_csv_page(j, rows, 0);
    json_decref(rows);
    return rc;
}

static int export_registry(struct export_job *j, json_t *all, cli_progress *prog)
{
    int64_t total = 0;
    store_export_count(j->d, j->def, j->scope, &total);
    if (prog)
        cli_progress_start(prog, "exporting", total < GG_EXPORT_MAX ? total : GG_EXPORT_MAX);
    size_t prefix = csv_prefix_len(j);
    struct res_query q = {.scope = j->scope, .limit = EXPORT_PAGE};
    int rc = 0;
    do {
        json_t *rows;
        int64_t next = 0;
        if (GG_EXPORT_MAX - j->rows < q.limit)
            q.limit = (int)(GG_EXPORT_MAX - j->rows);
        if ((rc = store_res_list(j->d, j->def, &q, &rows, &next)) != 0)
            break;
        size_t i;
        json_t *row;
        json_array_foreach (rows, i, row)
            res_mask_row(j->def, row, j->reveal, j->reveal);
        if (j->xlsx)
            json_array_extend(all, rows);
        else
            rc = write_csv_page(j, rows, q.after ? prefix : 0);
        j->rows += (int64_t)json_array_size(rows);
        if (prog)
            cli_progress_add(prog, (int64_t)json_array_size(rows));
        json_decref(rows);
        q.after = next;
    } while (rc == 0 && q.after && j->rows < GG_EXPORT_MAX);
    if (prog)
        cli_progress_end(prog);
    return rc;
}

static int export_usage(void)
{
    fprintf(stderr, "usage: gridgov export --db URL --kind RESOURCE --out FILE.csv|FILE.xlsx"
                    " [--place CODE] [--reveal] [--quiet]\n"
                    "       RESOURCE is grids or one of:");
    for (int i = 0; i < res_count; i++)
        fprintf(stderr, " %s", res_all[i]->name);
    fprintf(stderr, "\n");
    return 2;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Write a whole xlsx workbook of rows to j->out. */
static int write_xlsx(struct export_job *j, json_t *rows)
{
    gg_buf b;
    gg_buf_init(&b, (size_t)1 << 31);
    int rc = export_xlsx(rows, j->cols, j->labels, j->ncols, j->def ? j->def->name : "grids", &b);
    if (rc == 0 && fwrite(b.data, 1, b.len, j->out) != b.len)
        rc = GG_EIO;
    gg_buf_free(&b);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    static const char *const with_value[] = {"--db", "--kind", "--place", "--out", NULL};
    static const char *const flags[] = {"--reveal", "--quiet", NULL};
    const char *pos;
    if (check_args(argc, argv, with_value, flags, &pos) != 0 || pos)
        return export_usage();
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *kind = cli_opt(argc, argv, "--kind", NULL);
    const char *out = cli_opt(argc, argv, "--out", NULL);
    const char *place = cli_opt(argc, argv, "--place", "");
    if (!url || !kind || !out)
        return export_usage();
    struct export_job j = {.scope = place, .reveal = cli_flag(argc, argv, "--reveal")};
    if (strcmp(kind, "grids") != 0 && !(j.def = res_find(kind))) {
        fprintf(stderr, "gridgov: unknown --kind %s\n", kind);
        return export_usage();
    }
    if (ends_with(out, ".xlsx"))
        j.xlsx = 1;
    else if (!ends_with(out, ".csv")) {
        fprintf(stderr, "gridgov: --out must end in .csv or .xlsx\n");
        return 2;
    }
    char tmp[PATH_CAP];
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", out, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof(tmp)) {
        fprintf(stderr, "gridgov: --out path is too long\n");
        return 2;
    }
    int rc = open_db(url, &j.d);
    if (rc)
        return rc;
    if ((rc = check_place(j.d, place)) != 0) {
        db_close(j.d);
        return rc;
    }
    export_columns(&j);
    j.out = fopen(tmp, "wb");
    if (!j.out) {
        fprintf(stderr, "gridgov: cannot write %s\n", tmp);
        db_close(j.d);
        return 1;
    }
    cli_progress prog;
    int show = !cli_flag(argc, argv, "--quiet") && isatty(STDERR_FILENO);
    json_t *all = json_array();
    rc = db_begin(j.d); /* one consistent snapshot across the pages */
    if (rc == 0)
        rc = j.def ? export_registry(&j, all, show ? &prog : NULL) : export_grids(&j, all);
    if (db_in_tx(j.d))
        db_rollback(j.d);
    if (rc == 0 && j.xlsx)
        rc = write_xlsx(&j, all);
    json_decref(all);
    if (fclose(j.out) != 0 && rc == 0)
        rc = GG_EIO;
    if (rc == 0 && j.reveal) {
        char detail[160];
        snprintf(detail, sizeof(detail), "%lld rows exported unmasked by the command line",
                 (long long)j.rows);
        rc = db_begin_write(j.d);
        if (rc == 0)
            rc = store_audit(j.d, 0, "cli", "reveal", j.def ? j.def->name : "grids", "", place,
                             detail);
        if (rc == 0)
            rc = db_commit(j.d);
        if (db_in_tx(j.d))
            db_rollback(j.d);
    }
    if (rc == 0 && rename(tmp, out) != 0)
        rc = GG_EIO;
    if (rc) {
        unlink(tmp);
        fprintf(stderr, "gridgov: export failed (%s)\n", gg_strerror(rc));
        db_close(j.d);
        return 1;
    }
    db_close(j.d);
    printf("exported %lld %s to %s\n", (long long)j.rows, kind, out);
    return 0;
}
