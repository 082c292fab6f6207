/*
 * h_import.c — importing residents from a spreadsheet over HTTP:
 *
 *   POST /api/v1/import/residents[?dry_run=1][&place=CODE]
 *        body: the CSV file (Content-Type: text/csv), up to GG_MAX_IMPORT bytes
 *
 * 200 {"ok": true, "dry_run": …, "rows": N, "households": M, "residents": K,
 *      "households_created": …, "buildings_created": …, "estates_created": …}
 * 422 {"error": {…, "field": "rows"}, "rows": [{"line", "field", "reason"}, …],
 *      "more": n} — every bad row (up to GG_CSV_MAX_ERRORS, then a count), and
 *      nothing written.
 *
 * The request already runs in the server's write transaction; the engine
 * writes inside it, and a 422 rolls it all back.
 * Needs ACT_IMPORT on residents; rows must lie in the caller's area (or in
 * the narrower place=).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "limits.h"
#include "store_import.h"

/* Media types a browser or client may give a .csv file. */
static int csv_content_type(const char *ct)
{
    static const char *const ok[] = {"text/csv",
                                     "text/plain",
                                     "application/csv",
                                     "application/vnd.ms-excel",
                                     "application/octet-stream",
                                     NULL};
    if (!ct || !*ct)
        return 1;
    size_t n = strcspn(ct, "; ");
    for (const char *const *t = ok; *t; t++)
        if (strlen(*t) == n && strncasecmp(ct, *t, n) == 0)
            return 1;
    return 0;
}

/* dry_run as a flag; a bare "?dry_run" counts as set. */
static int dry_run_arg(http_req *r, int *v)
{
    const char *s = http_arg_get(r, "dry_run");
    if (s && !*s) {
        *v = 1;
        return 0;
    }
    return http_arg_flag(r, "dry_run", v);
}

/* The 422 answer: which rows are bad and why. */
static int reply_bad_rows(http_req *r, const store_import *im, const struct store_import_stats *st)
{
    int n;
    const csvrow_err *e = store_import_errors(im, &n);
    json_t *rows = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)e[i].line,
                                              "field", e[i].field, "reason", e[i].reason));
    char msg[160];
    if (st->rows > 0)
        snprintf(msg, sizeof(msg), "%lld of %lld rows are bad; nothing was imported",
                 (long long)st->bad_rows, (long long)st->rows);
    else
        snprintf(msg, sizeof(msg), "the file is refused; nothing was imported");
    json_t *out = json_pack("{s:{s:s, s:s, s:s}, s:o, s:I}", "error", "code", gg_strerror(GG_ERULE),
                            "message", msg, "field", "rows", "rows", rows, "more",
                            (json_int_t)(st->bad_rows - n));
    return http_reply_json(r, 422, out);
}

static int import_residents(http_req *r)
{
    int rc = http_require(r, "residents", ACT_IMPORT);
    if (rc)
        return rc;
    static const char *const params[] = {"dry_run", "place"};
    int dry;
    if ((rc = http_args_only(r, params, GG_ARRAY_LEN(params))) != 0 ||
        (rc = dry_run_arg(r, &dry)) != 0)
        return rc;
    const char *scope = r->user.place;
    const char *place = http_arg_get(r, "place");
    if (place) {
        if (place_level_of(place) == PLACE_INVALID)
            return http_fail(r, GG_EINVAL, "place", "place must be a division or grid code");
        if (!place_in_scope(r->user.place, place))
            return http_fail(r, GG_EFORBIDDEN, "place", "place %s is outside your area", place);
        scope = place;
    }
    if (!csv_content_type(http_header(r, "Content-Type")))
        return http_fail(r, GG_EINVAL, "Content-Type", "send the file as text/csv");
    if (!r->body || r->body_len == 0)
        return http_fail(r, GG_EINVAL, "body", "the CSV file is required as the request body");
    if (r->body_len > GG_MAX_IMPORT)
        return http_fail(r, GG_ETOOBIG, "body", "the file is larger than %u bytes", GG_MAX_IMPORT);

    struct store_import_opts o = {.scope = scope, .dry_run = dry};
    store_import *im;
    struct store_import_stats st;
    if ((rc = store_import_begin(r->db, &o, &im, &r->err)) != 0)
        return rc;
    rc = store_import_feed(im, r->body, r->body_len, &r->err);
    if (rc == 0)
        rc = store_import_finish(im, &st, &r->err);
    if (rc == 0 && st.bad_rows)
        rc = reply_bad_rows(r, im, &st);
    store_import_free(im);
    if (rc || st.bad_rows)
        return rc;
    if (!dry) {
        char detail[160];
        snprintf(detail, sizeof(detail), "%lld rows, %lld households, %lld residents",
                 (long long)st.rows, (long long)st.households, (long long)st.residents);
        if ((rc = http_audit(r, "import", "residents", "", scope, detail)) != 0)
            return http_fail(r, rc, "", "cannot write the audit log");
    }
    json_t *out =
        json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", 1, "dry_run", dry, "rows",
                  (json_int_t)st.rows, "households", (json_int_t)st.households, "residents",
                  (json_int_t)st.residents, "households_created", (json_int_t)st.households_created,
                  "buildings_created", (json_int_t)st.buildings_created, "estates_created",
                  (json_int_t)st.estates_created);
    return http_reply_json(r, 200, out);
}

const struct http_route http_routes_import[] = {
    {"POST", "/api/v1/import/residents", import_residents, 0},
    {NULL, NULL, NULL, 0},
};
