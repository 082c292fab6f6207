/*
 * h_photos.c — photos over HTTP:
 *
 *   POST /api/v1/photos          multipart/form-data with 1–9 parts named "photo";
 *                                → 201 {"items": [{hash, url, mime, bytes, width, height}]}
 *   GET  /api/v1/photos/{hash}   the bytes, to their uploader and to whoever may see a
 *                                case that links them; 404 to everyone else
 *
 * A phone uploads first and then names the hashes in the record it files
 * (POST /api/v1/cases {"photos": [...]}, the handle action's "photos").
 *
 * An upload is checked whole before anything is written: the multipart
 * syntax and limits (multipart.c), each part's type by libmagic from its
 * bytes (never the client's Content-Type or file name), its size. Then the
 * files are stored (blobs.c: fsync'ed and renamed, outside the database's
 * write lock), then the rows are written in one short transaction of the
 * handler's own (ROUTE_OWNTX). Identical bytes give the same hash, so a
 * retried upload answers the same and stores nothing twice; an
 * Idempotency-Key is not needed and not replayed here.
 */
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "http_internal.h"
#include "image.h"
#include "limits.h"
#include "multipart.h"
#include "store_photos.h"

/* Browsers may keep a photo this long; it can lose access to it meanwhile, hence private. */
#define PHOTO_MAX_AGE "private, max-age=3600"

/* ---- libmagic: one handle for the process behind a mutex (handles are not thread-safe) ---- */

static pthread_mutex_t magic_mu = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_handle;
static int magic_broken;

/* What libmagic says p[0..n) is, as a MIME type, into out[outn]. GG_EUNAVAIL without libmagic. */
static int sniff(const void *p, size_t n, char *out, size_t outn)
{
    int rc = GG_EUNAVAIL;
    pthread_mutex_lock(&magic_mu);
    if (!magic_handle && !magic_broken) {
        magic_handle = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (magic_handle && magic_load(magic_handle, NULL) == 0) {
            /* the three image types are told by their first bytes; bound the time under the lock */
            size_t max = 1u << 20;
            magic_setparam(magic_handle, MAGIC_PARAM_BYTES_MAX, &max);
        } else {
            if (magic_handle)
                magic_close(magic_handle);
            magic_handle = NULL;
            magic_broken = 1;
        }
    }
    const char *t = magic_handle ? magic_buffer(magic_handle, p, n) : NULL;
    if (t) {
        gg_strlcpy(out, t, outn);
        rc = 0;
    }
    pthread_mutex_unlock(&magic_mu);
    return rc;
}

/* ---- upload ---- */

static json_t *photo_json(const struct photo *p)
{
    char url[96];
    snprintf(url, sizeof(url), "/api/v1/photos/%.64s", p->hash);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "hash", p->hash, "url", url, "mime", p->mime,
                          "bytes", (json_int_t)p->bytes);
    json_object_set_new(o, "width", p->width ? json_integer(p->width) : json_null());
    json_object_set_new(o, "height", p->height ? json_integer(p->height) : json_null());
    return o;
}

/* Check one part as photo i and describe it into *ph. */
static int check_part(http_req *r, const struct mp_part *part, size_t i, struct photo *ph)
{
    char f[32];
    snprintf(f, sizeof(f), "photo[%zu]", i);
    if (!mp_name_is(part, "photo")) {
        size_t k = mp_cut(part->name, part->name_len, 32);
        return http_fail(r, GG_EINVAL, f,
                         "unknown part \"%.*s\": send each file as a part named photo", (int)k,
                         part->name);
    }
    size_t fl = part->filename ? mp_cut(part->filename, part->filename_len, 48) : 0;
    if (part->len == 0)
        return http_fail(r, GG_ERULE, f, "%s (%.*s) is empty", f, (int)fl, part->filename);
    char mime[64];
    if (sniff(part->data, part->len, mime, sizeof(mime)) != 0)
        return http_fail(r, GG_EUNAVAIL, "", "cannot tell file types (libmagic is not available)");
    enum image_type t = image_type_of(mime);
    if (t == IMAGE_NONE)
        return http_fail(r, GG_ERULE, f, "%s (%.*s) is %s: send a JPEG, PNG or WebP photo", f,
                         (int)fl, fl ? part->filename : "", mime);
    memset(ph, 0, sizeof(*ph));
    blob_hash(part->data, part->len, ph->hash);
    gg_strlcpy(ph->mime, image_mime(t), sizeof(ph->mime));
    ph->bytes = (int64_t)part->len;
    if (image_dims(t, (const unsigned char *)part->data, part->len, &ph->width, &ph->height) != 0)
        ph->width = ph->height = 0;
    return 0;
}

static int photos_upload(http_req *r)
{
    int rc = http_require(r, "photos", ACT_CREATE);
    if (rc)
        return rc;
    const char *dir = http_cfg(r->srv)->photo_dir;
    if (!dir)
        return http_fail(r, GG_EUNAVAIL, "", "this server keeps no photos (serve --photos DIR)");
    char boundary[MP_BOUNDARY_MAX + 1];
    if ((rc = mp_boundary(http_header(r, "Content-Type"), boundary, &r->err)) != 0)
        return rc;
    struct mp_part parts[GG_MAX_PHOTOS];
    size_t n = 0;
    rc = mp_parse(r->body, r->body_len, boundary, parts, GG_MAX_PHOTOS, GG_MAX_PHOTO_BYTES, &n,
                  &r->err);
    if (rc == GG_ETOOBIG && strcmp(r->err.field, "body") == 0)
        return http_fail(r, rc, "photo", "at most %d photos in one upload", GG_MAX_PHOTOS);
    if (rc == GG_ETOOBIG) { /* one part too large: named by the parser as photo[i] */
        char f[sizeof(r->err.field)];
        gg_strlcpy(f, r->err.field, sizeof(f));
        return http_fail(r, rc, f, "%s is larger than %u bytes", f, GG_MAX_PHOTO_BYTES);
    }
    if (rc)
        return rc;
    struct photo ph[GG_MAX_PHOTOS];
    for (size_t i = 0; i < n; i++)
        if ((rc = check_part(r, &parts[i], i, &ph[i])) != 0)
            return rc;
    /* The files first, durable before any row names them, and outside the write lock. */
    for (size_t i = 0; i < n; i++)
        if ((rc = blob_put(dir, ph[i].hash, parts[i].data, parts[i].len, &r->err)) != 0)
            return rc;
    if ((rc = db_begin_write(r->db)) != 0)
        return http_fail(r, GG_EBUSY, "", "the database is busy, try again");
    json_t *items = json_array(), *hashes = json_array();
    int64_t now = gg_now();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* A collection may have removed an old unreferenced copy meanwhile: under the lock,
         * where it cannot, make sure the file is there. */
        if (!blob_exists(dir, ph[i].hash) &&
            (rc = blob_put(dir, ph[i].hash, parts[i].data, parts[i].len, &r->err)) != 0)
            break;
        if ((rc = store_photo_record(r->db, &ph[i], r->user.id, now)) != 0) {
            rc = http_fail(r, rc, "", "cannot record the photo: %s", db_errmsg(r->db));
            break;
        }
        json_array_append_new(items, photo_json(&ph[i]));
        json_array_append_new(hashes, json_string(ph[i].hash));
    }
    if (rc == 0) {
        json_t *d = json_pack("{s:O}", "hashes", hashes);
        char *detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(d);
        rc = http_audit(r, "upload", "photos", ph[0].hash, r->user.place, detail);
        free(detail);
        if (rc)
            rc = http_fail(r, rc, "", "cannot write the audit log");
    }
    if (rc == 0 && (rc = db_commit(r->db)) != 0)
        rc = http_fail(r, rc, "", "commit failed: %s", db_errmsg(r->db));
    json_decref(hashes);
    if (rc) {
        db_rollback(r->db);
        json_decref(items);
        return rc;
    }
    return http_reply_json(r, 201, json_pack("{s:o}", "items", items));
}

/* ---- reading ---- */

/* Does an If-None-Match header name etag (or "*")? */
static int etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return 0;
    if (strcmp(inm, "*") == 0)
        return 1;
    size_t n = strlen(etag);
    for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n) {
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ')
            return 1;
    }
    return 0;
}

static int photos_get(http_req *r)
{
    int rc = http_require(r, "photos", ACT_READ);
    if (rc)
        return rc;
    const char *hash = r->params[0];
    struct case_actor a;
    http_case_actor(r, &a);
    struct photo p;
    if (!blob_hex_ok(hash) || store_photo_readable(r->db, &a, hash) != 0 ||
        store_photo_load(r->db, hash, &p) != 0)
        return http_fail(r, GG_ENOTFOUND, "hash", "no photo %.64s", hash);
    const char *dir = http_cfg(r->srv)->photo_dir;
    snprintf(r->etag, sizeof(r->etag), "\"%s\"", p.hash);
    r->cache_control = PHOTO_MAX_AGE;
    if (etag_matches(http_header(r, "If-None-Match"), r->etag)) {
        r->status = 304;
        return 0;
    }
    int fd;
    int64_t size;
    if (!dir || (rc = blob_open(dir, p.hash, &fd, &size)) != 0) {
        r->etag[0] = '\0';
        r->cache_control = NULL;
        return http_fail(r, GG_EIO, "", "the file of photo %s is missing from the photo store",
                         p.hash);
    }
    r->status = 200;
    r->content_type = image_mime(image_type_of(p.mime));
    r->has_file = 1;
    r->file_fd = fd;
    r->file_size = size;
    return 0;
}

/* ---- the "photos" field of case bodies ---- */

int http_photo_hashes(http_req *r, json_t *b, const char **hashes, int *n)
{
    json_t *v = json_object_get(b, "photos"), *h;
    size_t i;
    *n = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return http_fail(r, GG_EINVAL, "photos", "photos must be an array of photo hashes");
    if (json_array_size(v) > GG_MAX_PHOTOS)
        return http_fail(r, GG_ERULE, "photos", "at most %d photos", GG_MAX_PHOTOS);
    json_array_foreach (v, i, h) {
        char f[32];
        snprintf(f, sizeof(f), "photos[%zu]", i);
        if (!json_is_string(h) || !blob_hex_ok(json_string_value(h)))
            return http_fail(r, GG_EINVAL, f,
                             "%s must be the hash of an uploaded photo (64 hex digits)", f);
        hashes[i] = json_string_value(h);
    }
    *n = (int)json_array_size(v);
    return 0;
}

const struct http_route http_routes_photos[] = {
    {"POST", "/api/v1/photos", photos_upload, ROUTE_OWNTX, GG_MAX_PHOTO_REQUEST},
    {"GET", "/api/v1/photos/:hash", photos_get, 0, 0},
    {NULL, NULL, NULL, 0, 0},
};
