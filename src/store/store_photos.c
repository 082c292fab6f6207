/*
 * store_photos.c — photo rows, case links, read access and garbage
 * collection. See store_photos.h for the contracts; the files themselves
 * are blobs.c's.
 */
#include "store_photos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "store_util.h"

#define PHOTO_URL "/api/v1/photos/"

int store_photo_record(db *d, const struct photo *p, int64_t user_id, int64_t now)
{
    db_stmt *s;
    int rc = db_prepare(d,
                        "INSERT INTO photos (hash, mime, bytes, width, height, uploaded_by,"
                        " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                        " ON CONFLICT (hash) DO NOTHING",
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, p->hash);
    db_bind_text(s, 2, p->mime);
    db_bind_i64(s, 3, p->bytes);
    if (p->width > 0 && p->height > 0) {
        db_bind_i64(s, 4, p->width);
        db_bind_i64(s, 5, p->height);
    } else { /* unknown, not 0 */
        db_bind_null(s, 4);
        db_bind_null(s, 5);
    }
    db_bind_i64(s, 6, user_id);
    db_bind_i64(s, 7, now);
    rc = db_step(s);
    db_finalize(s);
    if (rc < 0)
        return rc;
    rc = db_run(d,
                "INSERT INTO photo_uploads (hash, user_id, at) VALUES ($1, $2, $3)"
                " ON CONFLICT (hash, user_id) DO UPDATE SET at = excluded.at",
                NULL, "tii", p->hash, user_id, now);
    return rc < 0 ? rc : 0;
}

int store_photo_load(db *d, const char *hash, struct photo *out)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT hash, mime, bytes, COALESCE(width, 0), COALESCE(height, 0)"
                    " FROM photos WHERE hash = $1",
                    &s, "t", hash);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE) {
        db_finalize(s);
        return GG_ENOTFOUND;
    }
    gg_strlcpy(out->hash, db_col_text(s, 0), sizeof(out->hash));
    gg_strlcpy(out->mime, db_col_text(s, 1), sizeof(out->mime));
    out->bytes = db_col_i64(s, 2);
    out->width = (int)db_col_i64(s, 3);
    out->height = (int)db_col_i64(s, 4);
    db_finalize(s);
    return 0;
}

/* The most cases one photo is checked against (a photo is rarely in more than one). */
#define READ_CASES_MAX 1000

int store_photo_readable(db *d, const struct case_actor *a, const char *hash)
{
    int64_t one;
    if (!blob_hex_ok(hash))
        return GG_ENOTFOUND;
    if (a->user_id > 0 &&
        db_query_i64(d, "SELECT 1 FROM photo_uploads WHERE hash = $1 AND user_id = $2", &one, "ti",
                     hash, a->user_id) == 0)
        return 0;
    /* Collect first: store_case_visible runs its own statements. */
    int64_t ids[64];
    int n = 0, rc;
    int64_t after = 0;
    for (int seen = 0; seen < READ_CASES_MAX; seen += n) {
        db_stmt *s;
        n = 0;
        rc = db_run(d,
                    "SELECT DISTINCT case_id FROM case_photos WHERE hash = $1 AND case_id > $2"
                    " ORDER BY case_id LIMIT 64",
                    &s, "ti", hash, after);
        while (rc == DB_ROW) {
            ids[n++] = db_col_i64(s, 0);
            rc = db_step(s);
        }
        if (rc >= 0)
            db_finalize(s);
        if (rc < 0)
            return rc;
        for (int i = 0; i < n; i++)
            if (store_case_visible(d, a, ids[i]) == 0)
                return 0;
        if (n < 64)
            break;
        after = ids[n - 1];
    }
    return GG_ENOTFOUND;
}

int store_photos_link_case(db *d, int64_t case_id, const char *stage, const char *const *hashes,
                           int n, int64_t user_id, int64_t now, gg_err *err)
{
    if (n > GG_MAX_PHOTOS)
        return gg_fail(err, GG_ERULE, "photos", "at most %d photos", GG_MAX_PHOTOS);
    for (int i = 0; i < n; i++) {
        char f[32];
        snprintf(f, sizeof(f), "photos[%d]", i);
        if (!blob_hex_ok(hashes[i]))
            return gg_fail(err, GG_EINVAL, f, "%s must be the hash of an uploaded photo", f);
        for (int k = 0; k < i; k++)
            if (strcmp(hashes[k], hashes[i]) == 0)
                return gg_fail(err, GG_ERULE, f, "%s is listed twice", f);
        int64_t one;
        int rc = db_query_i64(d, "SELECT 1 FROM photo_uploads WHERE hash = $1 AND user_id = $2",
                              &one, "ti", hashes[i], user_id);
        if (rc == GG_ENOTFOUND)
            return gg_fail(err, GG_ERULE, f,
                           "%s is not a photo you uploaded: upload it first (POST /api/v1/photos)",
                           f);
        if (rc)
            return gg_fail(err, rc, "", "cannot read the photos: %s", db_errmsg(d));
    }
    int64_t next = 0;
    int rc = db_query_i64(d,
                          "SELECT COALESCE(MAX(position) + 1, 0) FROM case_photos"
                          " WHERE case_id = $1 AND stage = $2",
                          &next, "it", case_id, stage);
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = db_run(d,
                    "INSERT INTO case_photos (case_id, stage, position, hash, added_by, added_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6)",
                    NULL, "ititii", case_id, stage, next + i, hashes[i], user_id, now);
        rc = rc < 0 ? rc : 0;
    }
    if (rc)
        return gg_fail(err, rc, "", "cannot link the photos: %s", db_errmsg(d));
    return 0;
}

int store_photos_attach(db *d, int64_t case_id, json_t *o)
{
    db_stmt *s;
    int rc = db_run(d,
                    "SELECT l.hash, l.stage, l.position, p.mime, p.bytes, p.width, p.height,"
                    " l.added_at FROM case_photos l JOIN photos p ON p.hash = l.hash"
                    " WHERE l.case_id = $1"
                    " ORDER BY CASE l.stage WHEN 'report' THEN 0 ELSE 1 END, l.stage, l.position",
                    &s, "i", case_id);
    if (rc < 0)
        return rc;
    json_t *arr = json_array();
    while (rc == DB_ROW) {
        json_t *row = store_row_json(s);
        char url[sizeof(PHOTO_URL) + BLOB_HEX_LEN];
        snprintf(url, sizeof(url), PHOTO_URL "%s", db_col_text(s, 0));
        json_object_set_new(row, "url", json_string(url));
        json_array_append_new(arr, row);
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    json_object_set_new(o, "photos", arr);
    return 0;
}

/* ---- garbage collection ---- */

#define GC_BATCH 256

/* One batch of unreferenced, old photos: rows deleted, files set aside, committed, purged. */
static int gc_batch(db *d, const char *dir, int64_t cutoff, struct photo_gc *out, int *done,
                    gg_err *err)
{
    char(*hex)[BLOB_HEX_LEN + 1] = xmalloc(GC_BATCH * sizeof(*hex));
    int64_t bytes = 0;
    int n = 0, trashed = 0, rc;
    if ((rc = db_begin_write(d)) != 0) {
        free(hex);
        return gg_fail(err, rc, "", "the database is busy: %s", db_errmsg(d));
    }
    db_stmt *s;
    rc = db_run(d,
                "SELECT p.hash, p.bytes FROM photos p"
                " WHERE NOT EXISTS (SELECT 1 FROM photo_refs r WHERE r.hash = p.hash)"
                " AND NOT EXISTS (SELECT 1 FROM photo_uploads u WHERE u.hash = p.hash"
                " AND u.at >= $1) ORDER BY p.hash LIMIT $2",
                &s, "ii", cutoff, (int64_t)GC_BATCH);
    while (rc == DB_ROW) {
        gg_strlcpy(hex[n], db_col_text(s, 0), sizeof(hex[n]));
        bytes += db_col_i64(s, 1);
        n++;
        rc = db_step(s);
    }
    if (rc >= 0)
        db_finalize(s);
    for (int i = 0; rc >= 0 && i < n; i++) {
        if ((rc = db_run(d, "DELETE FROM photo_uploads WHERE hash = $1", NULL, "t", hex[i])) < 0 ||
            (rc = db_run(d, "DELETE FROM photos WHERE hash = $1", NULL, "t", hex[i])) < 0)
            break;
        if (blob_hex_ok(hex[i]) && (rc = blob_trash(dir, hex[i])) != 0)
            break;
        trashed++;
    }
    if (rc >= 0 && n > 0)
        rc = db_commit(d);
    if (rc < 0 || n == 0) {
        const char *why = rc < 0 ? db_errmsg(d) : "";
        db_rollback(d);
        for (int i = 0; i < trashed; i++)
            blob_untrash(dir, hex[i]);
        free(hex);
        *done = 1;
        return rc < 0 ? gg_fail(err, rc, "", "photo collection failed: %s", why) : 0;
    }
    for (int i = 0; i < n; i++)
        blob_purge(dir, hex[i]);
    out->photos += n;
    out->bytes += bytes;
    *done = n < GC_BATCH;
    free(hex);
    return 0;
}

struct sweep {
    db *d;
    const char *dir;
    int64_t cutoff;
    struct photo_gc *out;
};

static int sweep_file(void *ctx, enum blob_kind kind, const char *hex, const char *path,
                      int64_t mtime)
{
    struct sweep *w = ctx;
    int64_t one;
    int rc = db_query_i64(w->d, "SELECT 1 FROM photos WHERE hash = $1", &one, "t", hex);
    if (rc && rc != GG_ENOTFOUND)
        return rc;
    int has_row = rc == 0;
    switch (kind) {
    case BLOB_FILE:
        if (has_row || mtime >= w->cutoff)
            return 0;
        break;
    case BLOB_TRASHED:
        /* Only a crashed collection leaves these (we hold the write lock). */
        if (has_row && !blob_exists(w->dir, hex))
            return blob_untrash(w->dir, hex) == 0 ? 0 : GG_EIO;
        break;
    case BLOB_TEMP:
        if (mtime >= w->cutoff)
            return 0;
        break;
    }
    if (unlink(path) == 0)
        w->out->strays++;
    return 0;
}

int store_photos_gc(db *d, const char *dir, int64_t cutoff, struct photo_gc *out, gg_err *err)
{
    memset(out, 0, sizeof(*out));
    int done = 0, rc;
    while (!done)
        if ((rc = gc_batch(d, dir, cutoff, out, &done, err)) != 0)
            return rc;
    struct sweep w = {d, dir, cutoff, out};
    for (int top = 0; top < 256; top++) {
        char t[3];
        snprintf(t, sizeof(t), "%02x", top);
        if ((rc = db_begin_write(d)) != 0)
            return gg_fail(err, rc, "", "the database is busy: %s", db_errmsg(d));
        rc = blob_walk(dir, t, sweep_file, &w);
        if (rc == 0)
            rc = db_commit(d);
        if (rc) {
            db_rollback(d);
            return gg_fail(err, rc, "", "cannot sweep %s/%s", dir, t);
        }
    }
    return 0;
}
