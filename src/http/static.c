/*
 * static.c — the web UI's files, served from the --web directory: "/" is
 * index.html; paths with "..", hidden names or anything outside the
 * directory are refused; types by extension.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "http_internal.h"

#define STATIC_MAX (16u << 20)

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < GG_ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static int safe_path(const char *url)
{
    if (url[0] != '/')
        return 0;
    for (const char *p = url; *p; p++) {
        if (p[0] == '/' && p[1] == '.')
            return 0; /* "..", ".git", hidden files */
        if (*p == '\\' || (unsigned char)*p < 0x20)
            return 0;
    }
    return 1;
}

static int serve_file(http_req *r)
{
    const char *root = http_cfg(r->srv)->web_root;
    if (!root || strncmp(r->url, "/api/", 5) == 0)
        return http_fail(r, GG_ENOTFOUND, "", "no such resource: %s", r->url);
    if (!safe_path(r->url))
        return http_fail(r, GG_ENOTFOUND, "", "no such file");
    char path[1024];
    const char *rel = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
    if ((size_t)snprintf(path, sizeof(path), "%s%s", root, rel) >= sizeof(path))
        return http_fail(r, GG_ENOTFOUND, "", "no such file");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX) {
        if (fd >= 0)
            close(fd);
        return http_fail(r, GG_ENOTFOUND, "", "no such file: %s", r->url);
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    free(r->resp);
    r->resp = buf;
    r->resp_len = got;
    r->status = 200;
    r->content_type = type_of(path);
    return 0;
}

const struct http_route http_routes_static[] = {
    {"GET", "/*", serve_file, ROUTE_PUBLIC},
    {NULL, NULL, NULL, 0},
};
