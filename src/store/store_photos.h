/*
 * store_photos.h — the photos' rows: what each stored blob is (type, size,
 * dimensions), who uploaded it, which cases use it, who may read it, and
 * the garbage collection of uploads nobody used.
 *
 * The bytes are files of the content-addressed store (blobs.h); a row is
 * written only after its file is durable. Like store_cases.h nothing here
 * opens a transaction except store_photos_gc, which runs on its own
 * connection outside any request.
 *
 * Who may read a photo: a user who uploaded these bytes, or a user who may
 * see a case that links it (store_case_visible: the case's own rule, so a
 * private case's photos are exactly as private as the case). Everyone else
 * gets GG_ENOTFOUND, as if the photo did not exist.
 */
#ifndef GG_STORE_PHOTOS_H
#define GG_STORE_PHOTOS_H

#include <jansson.h>
#include <stdint.h>

#include "blobs.h"
#include "db.h"
#include "gg.h"
#include "store_cases.h"

struct photo {
    char hash[BLOB_HEX_LEN + 1];
    char mime[16]; /* image/jpeg, image/png, image/webp */
    int64_t bytes;
    int width; /* pixels; 0 when the header did not say */
    int height;
};

/*
 * Record that user_id uploaded p at now: the photo's row if it is new, and
 * the user's upload row (its time moved to now if they uploaded it
 * before). The blob must already be stored.
 */
int store_photo_record(db *d, const struct photo *p, int64_t user_id, int64_t now);

/* The photo's row into *out; GG_ENOTFOUND. */
int store_photo_load(db *d, const char *hash, struct photo *out);

/* 0 if actor a may read the photo (see above), GG_ENOTFOUND otherwise. */
int store_photo_readable(db *d, const struct case_actor *a, const char *hash);

/*
 * Link hashes[0..n) (n ≤ GG_MAX_PHOTOS) to case case_id at stage ("report",
 * "result") after the photos the stage already has, as user_id at now.
 * Each must have been uploaded by user_id and appear once: GG_ERULE naming
 * "photos[i]" otherwise, GG_EINVAL for a malformed hash.
 */
int store_photos_link_case(db *d, int64_t case_id, const char *stage, const char *const *hashes,
                           int n, int64_t user_id, int64_t now, gg_err *err);

/*
 * Set "photos" on case JSON o: an array of {hash, url, stage, position,
 * mime, bytes, width, height, added_at} ordered by stage (report first) and
 * position. 0 or a GG_E code (o is then unchanged).
 */
int store_photos_attach(db *d, int64_t case_id, json_t *o);

struct photo_gc {
    int64_t photos; /* unreferenced photos removed (rows and files) */
    int64_t bytes;  /* their size */
    int64_t strays; /* files without a row, and leftovers of crashes, removed */
};

/*
 * Remove the photos no record uses (photo_refs) whose latest upload is
 * older than cutoff: their rows, then their files (set aside inside the
 * transaction, deleted after the commit, put back if it fails); then sweep
 * dir for files without a row and temporary files older than cutoff, and
 * put back files a crashed collection left set aside. Takes the write lock
 * in short transactions (batches, one per top directory), so uploads and
 * cases go on meanwhile; an upload re-checks its file under the lock. The
 * counts go into *out.
 */
int store_photos_gc(db *d, const char *dir, int64_t cutoff, struct photo_gc *out, gg_err *err);

#endif
