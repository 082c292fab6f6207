/*
 * store_open311.c — the queries behind the Open311 interface (see
 * store_open311.h): public services and public cases, the data Open311
 * clients send with a request, tokens, and locating a typed address.
 */
#include "store_open311.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_flow.h"
#include "store_util.h"

/* A category is public when neither it nor its parent is private. */
#define SERVICE_SELECT                                                                             \
    "SELECT k.code, k.name, k.description, k.keywords, COALESCE(p.name, '') AS \"group\","         \
    " k.attributes FROM categories k LEFT JOIN categories p ON p.code = k.parent"                  \
    " WHERE k.active = 1 AND k.private = 0 AND COALESCE(p.private, 0) = 0"

static int collect(db_stmt *s, int rc, json_t **out)
{
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        json_array_append_new(arr, store_row_json(s));
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int store_open311_services(db *d, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d, SERVICE_SELECT " ORDER BY k.sort, k.code", &s, "");
    if (rc < 0)
        return rc;
    return collect(s, rc, out);
}

int store_open311_service(db *d, const char *code, json_t **out)
{
    db_stmt *s;
    int rc = db_run(d, SERVICE_SELECT " AND k.code = $1", &s, "t", code);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    *out = store_row_json(s);
    db_finalize(s);
    return 0;
}

/* Append " AND c.state IN ('reported', …)" for the open or closed states. */
static void where_status(gg_buf *w, enum open311_status st)
{
    if (st == OPEN311_ANY)
        return;
    gg_buf_puts(w, " AND c.state IN (");
    int first = 1;
    for (int k = CASE_STATE_NONE + 1; k < CASE_STATE_COUNT_; k++) {
        if (case_state_is_open((enum case_state)k) != (st == OPEN311_OPEN))
            continue;
        /* state names are fixed lowercase words from case_flow.c, not input */
        gg_buf_printf(w, "%s'%s'", first ? "" : ", ", case_state_name((enum case_state)k));
        first = 0;
    }
    gg_buf_puts(w, ")");
}

int store_open311_requests(db *d, const struct open311_query *q, json_t **out)
{
    gg_buf w;
    gg_buf_init(&w, 16384);
    gg_buf_puts(&w, "SELECT c.id, c.state, c.category, k.name AS category_name, c.description,"
                    " c.assignee_dept, COALESCE(g.name, '') AS team_name, c.reported_at,"
                    " c.updated_at, c.deadline, c.address, c.lat, c.lon,"
                    " COALESCE(o.media_url, '') AS media_url"
                    " FROM cases c JOIN categories k ON k.code = c.category"
                    " LEFT JOIN categories p ON p.code = k.parent"
                    " LEFT JOIN places g ON g.code = c.team_grid"
                    " LEFT JOIN open311_requests o ON o.case_id = c.id"
                    " WHERE c.private = 0 AND k.private = 0 AND COALESCE(p.private, 0) = 0");
    int n = 0;
    if (q->nids > 0) {
        gg_buf_puts(&w, " AND c.id IN (");
        for (int i = 0; i < q->nids; i++)
            gg_buf_printf(&w, "%s$%d", i ? ", " : "", ++n);
        gg_buf_puts(&w, ")");
    } else {
        gg_buf_printf(&w, " AND c.reported_at >= $%d AND c.reported_at <= $%d", n + 1, n + 2);
        n += 2;
        if (q->category)
            gg_buf_printf(&w, " AND c.category = $%d", ++n);
        where_status(&w, q->status);
    }
    gg_buf_printf(&w, " ORDER BY c.reported_at DESC, c.id DESC LIMIT $%d OFFSET $%d", n + 1, n + 2);
    db_stmt *s;
    int rc = db_prepare(d, w.data, &s);
    gg_buf_free(&w);
    if (rc)
        return rc;
    int k = 1;
    if (q->nids > 0) {
        for (int i = 0; i < q->nids; i++)
            db_bind_i64(s, k++, q->ids[i]);
    } else {
        db_bind_i64(s, k++, q->start);
        db_bind_i64(s, k++, q->end);
        if (q->category)
            db_bind_text(s, k++, q->category);
    }
    db_bind_i64(s, k++, q->limit);
    db_bind_i64(s, k++, q->offset);
    return collect(s, db_step(s), out);
}

int store_open311_record(db *d, int64_t case_id, const struct open311_extra *x, int64_t now)
{
    db_stmt *s;
    int rc = db_prepare(d,
                        "INSERT INTO open311_requests (case_id, apikey_id, token, email,"
                        " first_name, last_name, phone, device_id, account_id, media_url,"
                        " address_string, attributes, created_at)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                        &s);
    if (rc)
        return rc;
    const char *texts[] = {x->token,          x->email,     x->first_name, x->last_name,
                           x->phone,          x->device_id, x->account_id, x->media_url,
                           x->address_string, x->attributes};
    db_bind_i64(s, 1, case_id);
    db_bind_i64(s, 2, x->apikey_id);
    for (size_t i = 0; i < GG_ARRAY_LEN(texts); i++)
        db_bind_text(s, (int)i + 3, texts[i] ? texts[i] : "");
    db_bind_i64(s, 13, now);
    rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? rc : 0;
}

int store_open311_token(db *d, const char *token, int64_t *case_id)
{
    return db_query_i64(d, "SELECT case_id FROM open311_requests WHERE token = $1", case_id, "t",
                        token);
}

int store_open311_key_name(db *d, int64_t id, char *out, size_t n)
{
    db_stmt *s;
    int rc = db_run(d, "SELECT name FROM api_keys WHERE id = $1", &s, "i", id);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        gg_strlcpy(out, db_col_text(s, 0), n);
    db_finalize(s);
    return rc == DB_ROW ? 0 : GG_ENOTFOUND;
}

/*
 * The candidates are found in SQL ("the address contains this text"), then
 * checked with strstr: LIKE would also let a '%' or '_' inside a stored
 * address match anything.
 */
int store_open311_geocode(db *d, const char *address, double *lat, double *lon)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT b.address, COALESCE(e.name, '') || b.name, b.lat, b.lon"
                    " FROM buildings b LEFT JOIN estates e ON e.id = b.estate_id"
                    " WHERE (b.address <> '' AND $1 LIKE '%' || b.address || '%')"
                    " OR (e.name IS NOT NULL AND $1 LIKE '%' || e.name || b.name || '%')"
                    " ORDER BY b.id",
                    &s, "t", address);
    if (rc < 0)
        return rc;
    size_t best = 0;
    while (rc == DB_ROW) {
        for (int col = 0; col < 2; col++) {
            const char *t = db_col_text(s, col);
            size_t n = strlen(t);
            if (n > best && strstr(address, t)) {
                best = n;
                *lat = db_col_double(s, 2);
                *lon = db_col_double(s, 3);
            }
        }
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0)
        return rc;
    if (best)
        return 0;
    /* an estate: the centre of its buildings */
    rc = db_run(d,
                "SELECT e.name, e.address, AVG(b.lat), AVG(b.lon) FROM estates e"
                " JOIN buildings b ON b.estate_id = e.id"
                " WHERE $1 LIKE '%' || e.name || '%'"
                " OR (e.address <> '' AND $1 LIKE '%' || e.address || '%')"
                " GROUP BY e.id, e.name, e.address ORDER BY e.id",
                &s, "t", address);
    if (rc < 0)
        return rc;
    while (rc == DB_ROW) {
        for (int col = 0; col < 2; col++) {
            const char *t = db_col_text(s, col);
            size_t n = strlen(t);
            if (n > best && strstr(address, t)) {
                best = n;
                *lat = db_col_double(s, 2);
                *lon = db_col_double(s, 3);
            }
        }
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0)
        return rc;
    return best ? 0 : GG_ENOTFOUND;
}
