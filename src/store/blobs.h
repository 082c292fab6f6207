/*
 * blobs.h — a content-addressed store of files on disk: uploaded photos
 * today, scans of paper ballots later. A blob is named by the BLAKE2b-256
 * hash of its bytes (64 lowercase hex digits) and lives at
 *
 *     <dir>/ab/cd/<hash>        (ab, cd: the hash's first two byte pairs)
 *
 * so identical bytes are stored once and a name always means the same
 * bytes. Writing is crash-safe by construction: the bytes go to a
 * temporary file in the final directory, which is fsync'ed, renamed over
 * the final name (atomic) and the directory fsync'ed, so after a crash a
 * blob is either complete or absent; a temporary file a crash leaves
 * behind is swept by blob_sweep. Callers record a blob in the database
 * only after blob_put has returned, so a committed row never names a
 * missing or partial file.
 *
 * Nothing here knows about the database: which blobs are still wanted is
 * the caller's question (store_photos.h).
 */
#ifndef GG_BLOBS_H
#define GG_BLOBS_H

#include <stddef.h>
#include <stdint.h>

#include "gg.h"

#define BLOB_HEX_LEN 64

/* BLAKE2b-256 of p[0..n) as lowercase hex into hex[65]. */
void blob_hash(const void *p, size_t n, char hex[BLOB_HEX_LEN + 1]);

/* Is s exactly 64 lowercase hex digits? */
int blob_hex_ok(const char *s);

/* "<dir>/ab/cd/<hex>" into out[n]; GG_ETOOBIG if it does not fit. */
int blob_path(const char *dir, const char *hex, char *out, size_t n);

/*
 * Make sure dir is a directory the process can write (created, mode 0750,
 * if missing; its parent must exist). GG_EIO with a message otherwise.
 */
int blob_dir_open(const char *dir, gg_err *err);

/*
 * Store p[0..n) under hex (its hash, computed by the caller) unless that
 * blob is already there: temporary file, fsync, rename, fsync of the
 * directory (and of new parent directories). 0, or GG_EIO with a message.
 */
int blob_put(const char *dir, const char *hex, const void *p, size_t n, gg_err *err);

/* 1 if the blob is there (a regular file), 0 if not. */
int blob_exists(const char *dir, const char *hex);

/*
 * Open the blob for reading: *fd (the caller closes it) and its size.
 * GG_ENOTFOUND if absent, GG_EIO on other failures.
 */
int blob_open(const char *dir, const char *hex, int *fd, int64_t *size);

/*
 * Removing blobs safely inside a database transaction: blob_trash renames
 * the blob aside (ENOENT is not an error); after the commit blob_purge
 * deletes the renamed file, after a rollback blob_untrash puts it back.
 */
int blob_trash(const char *dir, const char *hex);
int blob_untrash(const char *dir, const char *hex);
void blob_purge(const char *dir, const char *hex);

/*
 * Visit the files of the store whose name starts with the two hex digits
 * top ("00".."ff"): each blob, each file set aside by blob_trash and each
 * temporary file, with its modification time. fn decides and acts; a
 * non-zero return stops the walk and is returned. Missing directories are
 * empty.
 */
enum blob_kind { BLOB_FILE, BLOB_TRASHED, BLOB_TEMP };
int blob_walk(const char *dir, const char top[3],
              int (*fn)(void *ctx, enum blob_kind kind, const char *hex, const char *path,
                        int64_t mtime),
              void *ctx);

#endif
