/*
 * blobs.c — the content-addressed file store of blobs.h: hashing, the
 * write-fsync-rename-fsync sequence, reading, and the pieces a garbage
 * collector needs (set aside, put back, purge, walk).
 */
#include "blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_PREFIX ".tmp-"
#define TRASH_PREFIX ".gc-"

void blob_hash(const void *p, size_t n, char hex[BLOB_HEX_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), p, n, NULL, 0);
    sodium_bin2hex(hex, BLOB_HEX_LEN + 1, h, sizeof(h));
}

int blob_hex_ok(const char *s)
{
    size_t i = 0;
    for (; s && s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')) || i >= BLOB_HEX_LEN)
            return 0;
    return i == BLOB_HEX_LEN;
}

/* "<dir>/ab/cd/<prefix><hex>" */
static int path_of(const char *dir, const char *prefix, const char *hex, char *out, size_t n)
{
    int k = snprintf(out, n, "%s/%.2s/%.2s/%s%s", dir, hex, hex + 2, prefix, hex);
    return k < 0 || (size_t)k >= n ? GG_ETOOBIG : 0;
}

int blob_path(const char *dir, const char *hex, char *out, size_t n)
{
    return path_of(dir, "", hex, out, n);
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* mkdir path if missing; a new directory's entry is made durable in parent. */
static int ensure_dir(const char *path, const char *parent)
{
    if (mkdir(path, 0750) == 0)
        return fsync_dir(parent);
    if (errno != EEXIST)
        return -1;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

int blob_dir_open(const char *dir, gg_err *err)
{
    struct stat st;
    if (!dir || !*dir)
        return gg_fail(err, GG_EINVAL, "photos", "no directory for photos");
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return gg_fail(err, GG_EIO, "photos", "cannot create %s: %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return gg_fail(err, GG_EIO, "photos", "%s is not a directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return gg_fail(err, GG_EIO, "photos", "cannot write to %s: %s", dir, strerror(errno));
    return 0;
}

int blob_exists(const char *dir, const char *hex)
{
    char path[4096];
    struct stat st;
    return path_of(dir, "", hex, path, sizeof(path)) == 0 && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int blob_put(const char *dir, const char *hex, const void *p, size_t n, gg_err *err)
{
    char d1[4096], d2[4096], final[4096], tmp[4096];
    if (!blob_hex_ok(hex) || snprintf(d1, sizeof(d1), "%s/%.2s", dir, hex) >= (int)sizeof(d1) ||
        snprintf(d2, sizeof(d2), "%s/%.2s", d1, hex + 2) >= (int)sizeof(d2) ||
        path_of(dir, "", hex, final, sizeof(final)) != 0 ||
        snprintf(tmp, sizeof(tmp), "%s/" TEMP_PREFIX "%s-XXXXXX", d2, hex) >= (int)sizeof(tmp))
        return gg_fail(err, GG_EINVAL, "", "bad blob name or directory");
    struct stat st;
    if (stat(final, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == n)
        return 0; /* the same bytes, stored before */
    if (ensure_dir(d1, dir) != 0 || ensure_dir(d2, d1) != 0)
        return gg_fail(err, GG_EIO, "", "cannot create %s: %s", d2, strerror(errno));
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return gg_fail(err, GG_EIO, "", "cannot create a file in %s: %s", d2, strerror(errno));
    if (fchmod(fd, 0640) != 0 || write_all(fd, p, n) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return gg_fail(err, GG_EIO, "", "cannot write %s: %s", tmp, strerror(e));
    }
    if (close(fd) != 0 || rename(tmp, final) != 0) {
        int e = errno;
        unlink(tmp);
        return gg_fail(err, GG_EIO, "", "cannot store %s: %s", final, strerror(e));
    }
    if (fsync_dir(d2) != 0)
        return gg_fail(err, GG_EIO, "", "cannot sync %s: %s", d2, strerror(errno));
    return 0;
}

int blob_open(const char *dir, const char *hex, int *fd, int64_t *size)
{
    char path[4096];
    if (!blob_hex_ok(hex) || path_of(dir, "", hex, path, sizeof(path)) != 0)
        return GG_ENOTFOUND;
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return errno == ENOENT ? GG_ENOTFOUND : GG_EIO;
    struct stat st;
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f);
        return GG_EIO;
    }
    *fd = f;
    *size = (int64_t)st.st_size;
    return 0;
}

int blob_trash(const char *dir, const char *hex)
{
    char from[4096], to[4096];
    if (path_of(dir, "", hex, from, sizeof(from)) ||
        path_of(dir, TRASH_PREFIX, hex, to, sizeof(to)))
        return GG_EINVAL;
    if (rename(from, to) != 0 && errno != ENOENT)
        return GG_EIO;
    return 0;
}

int blob_untrash(const char *dir, const char *hex)
{
    char from[4096], to[4096];
    if (path_of(dir, TRASH_PREFIX, hex, from, sizeof(from)) ||
        path_of(dir, "", hex, to, sizeof(to)))
        return GG_EINVAL;
    if (rename(from, to) != 0 && errno != ENOENT)
        return GG_EIO;
    return 0;
}

void blob_purge(const char *dir, const char *hex)
{
    char path[4096];
    if (path_of(dir, TRASH_PREFIX, hex, path, sizeof(path)) == 0)
        unlink(path);
}

static int is_hex2(const char *s)
{
    return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* Classify a file name of the store; the hash it names into hex. -1: not ours. */
static int classify(const char *name, char hex[BLOB_HEX_LEN + 1])
{
    enum blob_kind kind = BLOB_FILE;
    size_t tp = strlen(TEMP_PREFIX), gp = strlen(TRASH_PREFIX);
    if (strncmp(name, TEMP_PREFIX, tp) == 0) {
        kind = BLOB_TEMP;
        name += tp;
    } else if (strncmp(name, TRASH_PREFIX, gp) == 0) {
        kind = BLOB_TRASHED;
        name += gp;
    }
    if (strlen(name) < BLOB_HEX_LEN)
        return -1;
    memcpy(hex, name, BLOB_HEX_LEN);
    hex[BLOB_HEX_LEN] = '\0';
    if (!blob_hex_ok(hex) || (kind != BLOB_TEMP && name[BLOB_HEX_LEN] != '\0'))
        return -1;
    return (int)kind;
}

int blob_walk(const char *dir, const char top[3],
              int (*fn)(void *ctx, enum blob_kind kind, const char *hex, const char *path,
                        int64_t mtime),
              void *ctx)
{
    char d1[4096];
    if (!is_hex2(top) || snprintf(d1, sizeof(d1), "%s/%s", dir, top) >= (int)sizeof(d1))
        return GG_EINVAL;
    DIR *a = opendir(d1);
    if (!a)
        return errno == ENOENT ? 0 : GG_EIO;
    int rc = 0;
    struct dirent *e1;
    while (rc == 0 && (e1 = readdir(a)) != NULL) {
        if (!is_hex2(e1->d_name))
            continue;
        char d2[4096];
        if (snprintf(d2, sizeof(d2), "%s/%s", d1, e1->d_name) >= (int)sizeof(d2))
            continue;
        DIR *b = opendir(d2);
        if (!b)
            continue;
        struct dirent *e2;
        while (rc == 0 && (e2 = readdir(b)) != NULL) {
            char hex[BLOB_HEX_LEN + 1], path[4096];
            int kind = classify(e2->d_name, hex);
            struct stat st;
            if (kind < 0 ||
                snprintf(path, sizeof(path), "%s/%s", d2, e2->d_name) >= (int)sizeof(path) ||
                lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            rc = fn(ctx, (enum blob_kind)kind, hex, path, (int64_t)st.st_mtime);
        }
        closedir(b);
    }
    closedir(a);
    return rc;
}
