/*
 * cli_photos.c — `gridgov photos --gc`: remove uploaded photos that no
 * record uses and nobody uploaded within the last day (GG_PHOTO_GC_AGE),
 * with their files, and files of the photo store that no row names. Safe
 * while the server runs: it works in short write transactions and an
 * upload re-checks its file under the same lock (store_photos.h).
 */
#include <stdio.h>
#include <string.h>

#include "blobs.h"
#include "cli.h"
#include "limits.h"
#include "store.h"
#include "store_photos.h"

int cli_photo_dir(const char *db_url, const char *opt, char *out, size_t n, gg_err *err)
{
    int k;
    if (opt && *opt)
        k = snprintf(out, n, "%s", opt);
    else if (strncmp(db_url, "postgres://", 11) == 0 || strncmp(db_url, "postgresql://", 13) == 0)
        return gg_fail(err, GG_EINVAL, "photos",
                       "with PostgreSQL, say where photos go: --photos DIR");
    else
        k = snprintf(out, n, "%s.photos", db_url);
    if (k < 0 || (size_t)k >= n)
        return gg_fail(err, GG_ETOOBIG, "photos", "the photo directory's path is too long");
    return blob_dir_open(out, err);
}

int cmd_photos(int argc, char **argv)
{
    const char *url = cli_opt(argc, argv, "--db", NULL);
    if (!url || !cli_flag(argc, argv, "--gc")) {
        fprintf(stderr, "usage: gridgov photos --gc --db URL [--photos DIR]\n");
        return 2;
    }
    gg_err err = {{0}};
    char dir[4096];
    if (cli_photo_dir(url, cli_opt(argc, argv, "--photos", NULL), dir, sizeof(dir), &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    db *d;
    if (store_open(url, &d, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    struct photo_gc gc;
    int rc = store_photos_gc(d, dir, gg_now() - GG_PHOTO_GC_AGE, &gc, &err);
    db_close(d);
    if (rc) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    printf("removed %lld unused photos (%lld bytes) and %lld stray files from %s\n",
           (long long)gc.photos, (long long)gc.bytes, (long long)gc.strays, dir);
    return 0;
}
