/*
 * cli_plan.c — `gridgov plan`: propose grids of 300–500 households for a
 * community, a street or the whole city, show the plan (table, JSON or
 * GeoJSON), apply it, check today's grids against the standard, or check a
 * GeoJSON file.
 *
 *   gridgov plan --db URL (--community CODE | --street CODE | --city) [--all]
 *                [--format table|json|geojson] [--out FILE] [--save | --apply]
 *                [--min-households N] [--max-households N] [--max-residents N]
 *                [--split-households N] [--staff-rate N]
 *   gridgov plan --db URL --plan ID --apply        apply a stored preview
 *   gridgov plan --db URL --check [--community CODE | --street CODE]
 *   gridgov plan --validate-geojson FILE
 *
 * GG_PLAN_FAIL_AT=step makes --apply fail at that step (tests): nothing
 * is changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "limits.h"
#include "place.h"
#include "plan_db.h"
#include "store.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: gridgov plan --db URL (--community CODE | --street CODE | --city) [--all]\n"
            "                    [--format table|json|geojson] [--out FILE] [--save | --apply]\n"
            "                    [--min-households N] [--max-households N] [--max-residents N]\n"
            "                    [--split-households N] [--staff-rate N]\n"
            "       gridgov plan --db URL --plan ID --apply\n"
            "       gridgov plan --db URL --check [--community CODE | --street CODE]\n"
            "       gridgov plan --validate-geojson FILE\n");
    return 2;
}

static int read_file(const char *path, gg_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return GG_ENOTFOUND;
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        rc = gg_buf_append(out, buf, n);
    if (ferror(f))
        rc = GG_EIO;
    fclose(f);
    return rc;
}

static int validate_geojson(const char *path)
{
    gg_buf b;
    gg_buf_init(&b, GG_MAX_IMPORT);
    int rc = read_file(path, &b);
    if (rc) {
        fprintf(stderr, "gridgov plan: cannot read %s\n", path);
        gg_buf_free(&b);
        return 1;
    }
    json_error_t je;
    json_t *doc = json_loadb(b.data ? b.data : "", b.len, 0, &je);
    gg_buf_free(&b);
    if (!doc) {
        fprintf(stderr, "gridgov plan: %s: line %d column %d: %s\n", path, je.line, je.column,
                je.text);
        return 1;
    }
    gg_err err = {0};
    int np = 0;
    rc = plan_geojson_check(doc, &np, &err);
    json_decref(doc);
    if (rc) {
        fprintf(stderr, "gridgov plan: %s: %s\n", path, err.msg);
        return 1;
    }
    printf("%s: %d polygons, GeoJSON OK\n", path, np);
    return 0;
}

static int int_opt(int argc, char **argv, const char *name, int *v)
{
    const char *s = cli_opt(argc, argv, name, NULL);
    int64_t x;
    if (!s)
        return 0;
    if (gg_parse_i64(s, 0, 10000000, &x) != 0) {
        fprintf(stderr, "gridgov plan: %s must be a non-negative integer, not '%s'\n", name, s);
        return -1;
    }
    *v = (int)x;
    return 0;
}

static void progress(void *ctx, int done, int total)
{
    cli_progress *p = ctx;
    if (p->total != total)
        cli_progress_start(p, "planning communities", total);
    cli_progress_add(p, done - p->done);
}

/* ---- the table ---- */

static long long ji(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static double jn(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static void print_spread(FILE *f, const char *label, const json_t *s)
{
    if (json_is_null(json_object_get(s, "min")))
        return;
    fprintf(f, "%s %lld–%lld (median %.0f)", label, ji(s, "min"), ji(s, "max"), jn(s, "median"));
}

static void print_team(FILE *f, const json_t *t)
{
    fprintf(f, "%lld+%lld+%lld+%lld", ji(t, "grid_chief"), ji(t, "fulltime"), ji(t, "parttime"),
            ji(t, "volunteers"));
}

static void print_table(FILE *f, const json_t *plan)
{
    const json_t *sum = json_object_get(plan, "summary");
    size_t i, j;
    json_t *c, *g;
    json_array_foreach (json_object_get(plan, "communities"), i, c) {
        int replanned = json_is_true(json_object_get(c, "replanned"));
        const json_t *b = json_object_get(c, "before");
        const json_t *out = json_object_get(b, "out_of_standard");
        fprintf(f, "%s %s: %lld households, %lld residents, %lld buildings, %lld estates\n",
                json_string_value(json_object_get(c, "code")),
                json_string_value(json_object_get(c, "name")), ji(c, "households"),
                ji(c, "residents"), ji(c, "buildings"), ji(c, "estates"));
        fprintf(f, "  today:    %lld grids, ", ji(b, "grids"));
        print_spread(f, "households", json_object_get(b, "households"));
        fprintf(f, "; %zu out of standard", json_array_size(out));
        if (ji(b, "buildings_without_grid"))
            fprintf(f, "; %lld buildings in no grid", ji(b, "buildings_without_grid"));
        fprintf(f, "\n");
        json_array_foreach (out, j, g)
            fprintf(f, "    %s %s  %s\n", json_string_value(json_object_get(g, "code")),
                    json_string_value(json_object_get(g, "name")),
                    json_string_value(json_object_get(g, "why")));
        if (!replanned) {
            const json_t *st = json_object_get(c, "staffing");
            fprintf(f, "  kept as it is; staffing need ");
            print_team(f, json_object_get(st, "need"));
            fprintf(f, ", today ");
            print_team(f, json_object_get(st, "today"));
            fprintf(f, ", gap ");
            print_team(f, json_object_get(st, "gap"));
            fprintf(f, "\n\n");
            continue;
        }
        const json_t *a = json_object_get(c, "after");
        fprintf(f, "  proposed: %lld grids (%lld–%lld possible), ", ji(a, "grids"),
                ji(json_object_get(c, "grid_count_range"), "min"),
                ji(json_object_get(c, "grid_count_range"), "max"));
        print_spread(f, "households", json_object_get(a, "households"));
        fprintf(f, ", ");
        print_spread(f, "residents", json_object_get(a, "residents"));
        fprintf(f,
                "\n            compactness mean %.2f (min %.2f), estates split %lld (today %lld),"
                " within bounds %lld/%lld\n",
                jn(json_object_get(a, "compactness"), "mean"),
                jn(json_object_get(a, "compactness"), "min"), ji(a, "estates_split"),
                ji(b, "estates_split"), ji(a, "within_bounds"), ji(a, "grids"));
        fprintf(f, "  %-15s  %-20s %6s %6s %5s %5s %7s  %-9s %-9s %s\n", "code", "name",
                "households", "resid.", "bldgs", "est.", "compact", "need", "gap",
                "team from / why");
        json_array_foreach (json_object_get(plan, "grids"), j, g) {
            if (strcmp(json_string_value(json_object_get(g, "community")),
                       json_string_value(json_object_get(c, "code"))) != 0)
                continue;
            const json_t *st = json_object_get(g, "staffing");
            fprintf(f, "  %-15s  %-20s %10lld %6lld %5lld %5lld %7.2f  ",
                    json_string_value(json_object_get(g, "code")),
                    json_string_value(json_object_get(g, "name")), ji(g, "households"),
                    ji(g, "residents"), ji(g, "buildings"), ji(g, "estates"), jn(g, "compactness"));
            print_team(f, json_object_get(st, "need"));
            fprintf(f, "   ");
            print_team(f, json_object_get(st, "gap"));
            fprintf(f, "   ");
            size_t k;
            json_t *t;
            json_array_foreach (json_object_get(g, "team_from"), k, t)
                fprintf(f, "%s%s", k ? "," : "", json_string_value(t));
            const char *why = json_string_value(json_object_get(g, "why"));
            if (why && *why)
                fprintf(f, " %s", why);
            fprintf(f, "\n");
        }
        const json_t *df = json_object_get(c, "diff");
        fprintf(f,
                "  diff: %lld buildings (%lld households) change team; %lld open cases, %lld"
                " change hands\n",
                ji(df, "buildings_moved"), ji(df, "households_moved"), ji(df, "open_cases"),
                ji(df, "cases_changing_hands"));
        const json_t *sp = json_object_get(c, "split");
        if (json_is_true(json_object_get(sp, "proposed"))) {
            fprintf(f, "  split: over %lld households, proposed into %zu communities:\n",
                    ji(sp, "threshold"), json_array_size(json_object_get(sp, "groups")));
            json_array_foreach (json_object_get(sp, "groups"), j, g) {
                fprintf(f, "    %lld households, %lld residents: grids", ji(g, "households"),
                        ji(g, "residents"));
                size_t k;
                json_t *t;
                json_array_foreach (json_object_get(g, "grids"), k, t)
                    fprintf(f, " %s", json_string_value(t));
                fprintf(f, "\n");
            }
        }
        const json_t *st = json_object_get(c, "staffing");
        fprintf(f,
                "  staffing at %lld per 10,000: %lld full-time by ratio; teams (chief+full+part+"
                "volunteers) need ",
                ji(st, "per_10k"), ji(st, "fulltime_by_ratio"));
        print_team(f, json_object_get(st, "need"));
        fprintf(f, ", today ");
        print_team(f, json_object_get(st, "today"));
        fprintf(f, ", gap ");
        print_team(f, json_object_get(st, "gap"));
        fprintf(f, "\n\n");
    }
    fprintf(f,
            "summary: %lld communities, %lld re-planned; grids %lld → %lld, %lld within bounds, "
            "%lld out; %lld buildings change team\n",
            ji(sum, "communities"), ji(sum, "replanned"), ji(sum, "grids_before"),
            ji(sum, "grids_after"), ji(sum, "within_bounds"), ji(sum, "out_of_bounds"),
            ji(sum, "buildings_moved"));
}

static void print_check(FILE *f, const json_t *chk)
{
    size_t i;
    json_t *g;
    const json_t *go = json_object_get(chk, "grids_out"),
                 *co = json_object_get(chk, "communities_out");
    fprintf(f, "grids out of standard: %zu of %lld\n", json_array_size(go), ji(chk, "grids"));
    json_array_foreach (go, i, g)
        fprintf(f, "  %s %-20s %5lld households %6lld residents  %s\n",
                json_string_value(json_object_get(g, "code")),
                json_string_value(json_object_get(g, "name")), ji(g, "households"),
                ji(g, "residents"), json_string_value(json_object_get(g, "why")));
    fprintf(f, "communities out of standard: %zu of %lld\n", json_array_size(co),
            ji(chk, "communities"));
    json_array_foreach (co, i, g)
        fprintf(f, "  %s %-12s %3lld grids %6lld households  %s\n",
                json_string_value(json_object_get(g, "code")),
                json_string_value(json_object_get(g, "name")), ji(g, "grids"), ji(g, "households"),
                json_string_value(json_object_get(g, "why")));
}

static int write_json(FILE *f, const json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
    if (!s)
        return -1;
    fputs(s, f);
    fputc('\n', f);
    free(s);
    return 0;
}

/* The county of the database (for --city): the one level-3 place. */
static int county_code(db *d, char out[16])
{
    json_t *l;
    if (store_place_list(d, "", PLACE_COUNTY, NULL, NULL, 2, &l) != 0)
        return GG_EIO;
    int rc = json_array_size(l) == 1 ? 0 : GG_ENOTFOUND;
    if (rc == 0)
        gg_strlcpy(out, json_string_value(json_object_get(json_array_get(l, 0), "code")), 16);
    json_decref(l);
    return rc;
}

static int apply_plan(db *d, int64_t id, FILE *f, const char *format)
{
    gg_err err = {0};
    json_t *res = NULL;
    if (db_begin_write(d) != 0) {
        fprintf(stderr, "gridgov plan: the database is busy\n");
        return 1;
    }
    int rc = plan_apply(d, id, 0, getenv("GG_PLAN_FAIL_AT"), &res, &err);
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    if (rc == 0)
        rc = store_audit(d, 0, "cli", "apply", "plans", ids,
                         json_string_value(json_object_get(res, "scope")), "");
    if (rc == 0 && (rc = db_commit(d)) != 0)
        gg_fail(&err, rc, "", "commit failed: %s", db_errmsg(d));
    if (rc) {
        db_rollback(d);
        json_decref(res);
        fprintf(stderr, "gridgov plan: plan %lld not applied, nothing changed: %s\n", (long long)id,
                err.msg);
        return 1;
    }
    if (strcmp(format, "json") == 0) {
        write_json(f, res);
    } else {
        fprintf(f,
                "plan %lld applied: %zu new grids, %zu retired, %lld buildings changed team, "
                "%lld open cases moved\n",
                (long long)id, json_array_size(json_object_get(res, "grids")),
                json_array_size(json_object_get(res, "retired")), ji(res, "buildings_moved"),
                ji(res, "open_cases_moved"));
    }
    json_decref(res);
    return 0;
}

int cmd_plan(int argc, char **argv)
{
    const char *vg = cli_opt(argc, argv, "--validate-geojson", NULL);
    if (vg)
        return validate_geojson(vg);
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *community = cli_opt(argc, argv, "--community", NULL);
    const char *street = cli_opt(argc, argv, "--street", NULL);
    const char *format = cli_opt(argc, argv, "--format", "table");
    const char *outp = cli_opt(argc, argv, "--out", NULL);
    const char *plan_id = cli_opt(argc, argv, "--plan", NULL);
    int city = cli_flag(argc, argv, "--city"), check = cli_flag(argc, argv, "--check");
    int apply = cli_flag(argc, argv, "--apply"), save = cli_flag(argc, argv, "--save");
    if (!url)
        return usage();
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
        strcmp(format, "geojson") != 0) {
        fprintf(stderr, "gridgov plan: --format must be table, json or geojson\n");
        return 2;
    }
    if (!!community + !!street + city > 1) {
        fprintf(stderr, "gridgov plan: give one of --community, --street and --city\n");
        return 2;
    }
    if (community && place_level_of(community) != PLACE_COMMUNITY) {
        fprintf(stderr, "gridgov plan: --community must be a 12-digit community code\n");
        return 2;
    }
    if (street && place_level_of(street) != PLACE_STREET) {
        fprintf(stderr, "gridgov plan: --street must be a 9-digit street code\n");
        return 2;
    }
    struct plan_opts o;
    plan_opts_default(&o);
    o.all = cli_flag(argc, argv, "--all");
    if (int_opt(argc, argv, "--min-households", &o.params.min_households) ||
        int_opt(argc, argv, "--max-households", &o.params.max_households) ||
        int_opt(argc, argv, "--max-residents", &o.params.max_residents) ||
        int_opt(argc, argv, "--split-households", &o.params.split_households) ||
        int_opt(argc, argv, "--staff-rate", &o.params.staff_per_10k))
        return 2;
    gg_err err = {0};
    if (plan_params_check(&o.params, &err) != 0) {
        fprintf(stderr, "gridgov plan: %s\n", err.msg);
        return 2;
    }
    db *d;
    if (store_open(url, &d, &err) != 0) {
        fprintf(stderr, "gridgov plan: cannot open %s: %s\n", url, err.msg);
        return 1;
    }
    FILE *f = stdout;
    if (outp && !(f = fopen(outp, "w"))) {
        fprintf(stderr, "gridgov plan: cannot write %s\n", outp);
        db_close(d);
        return 1;
    }
    int status = 0;
    char scope[16];
    if (community || street)
        gg_strlcpy(scope, community ? community : street, sizeof(scope));
    else if (county_code(d, scope) != 0 && !plan_id) {
        fprintf(stderr, "gridgov plan: the database has no single county; give --community or "
                        "--street\n");
        status = 1;
        goto done;
    }
    if (plan_id) {
        int64_t id;
        if (!apply || gg_parse_i64(plan_id, 1, INT64_MAX, &id) != 0) {
            fprintf(stderr, "gridgov plan: --plan ID needs --apply and a positive id\n");
            status = 2;
            goto done;
        }
        status = apply_plan(d, id, f, format);
        goto done;
    }
    if (check) {
        json_t *chk;
        if (plan_check(d, scope, &o.params, &chk, &err) != 0) {
            fprintf(stderr, "gridgov plan: %s\n", err.msg);
            status = 1;
            goto done;
        }
        if (strcmp(format, "table") == 0)
            print_check(f, chk);
        else
            write_json(f, chk);
        /* out of standard is what --check is for: say so in the exit status too (3) */
        status = json_array_size(json_object_get(chk, "grids_out")) ||
                         json_array_size(json_object_get(chk, "communities_out"))
                     ? 3
                     : 0;
        json_decref(chk);
        goto done;
    }
    if (!community && !street && !city) {
        status = usage();
        goto done;
    }
    cli_progress prog = {0};
    if (place_level_of(scope) != PLACE_COMMUNITY) {
        o.progress = progress;
        o.progress_ctx = &prog;
    }
    json_t *plan;
    if (plan_compute(d, scope, &o, &plan, &err) != 0) {
        fprintf(stderr, "gridgov plan: %s\n", err.msg);
        status = 1;
        goto done;
    }
    if (o.progress && prog.total)
        cli_progress_end(&prog);
    if (save || apply) {
        int64_t id;
        int rc = db_begin_write(d);
        if (rc == 0)
            rc = plan_save(d, plan, 0, &id, &err);
        if (rc == 0)
            rc = db_commit(d);
        if (rc) {
            db_rollback(d);
            fprintf(stderr, "gridgov plan: cannot store the plan: %s\n", err.msg);
            json_decref(plan);
            status = 1;
            goto done;
        }
        fprintf(stderr, "plan %lld stored as a preview\n", (long long)id);
    }
    if (strcmp(format, "geojson") == 0) {
        json_t *fc = plan_geojson(plan);
        write_json(f, fc);
        json_decref(fc);
    } else if (strcmp(format, "json") == 0) {
        json_t *copy = json_deep_copy(plan);
        size_t i;
        json_t *x;
        json_array_foreach (json_object_get(copy, "communities"), i, x)
            json_object_del(x, "assignment");
        json_array_foreach (json_object_get(copy, "grids"), i, x)
            json_object_del(x, "geometry");
        write_json(f, copy);
        json_decref(copy);
    } else {
        print_table(f, plan);
    }
    if (apply)
        status = apply_plan(d, json_integer_value(json_object_get(plan, "id")), stderr, "table");
    json_decref(plan);
done:
    if (f != stdout)
        fclose(f);
    db_close(d);
    return status;
}
