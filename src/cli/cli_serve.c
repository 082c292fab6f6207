/*
 * cli_serve.c — `gridgov serve`: run the API and UI until SIGTERM or
 * SIGINT, then stop accepting and let requests in flight finish.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

int cmd_serve(int argc, char **argv)
{
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *listen = cli_opt(argc, argv, "--listen", "127.0.0.1:8080");
    const char *threads = cli_opt(argc, argv, "--threads", "8");
    if (!url) {
        fprintf(stderr, "usage: gridgov serve --db URL [--listen HOST:PORT] [--threads N] [--web DIR]"
                        " [--photos DIR] [--solo-writes] [--quiet]\n");
        return 2;
    }
    char host[64];
    const char *colon = strrchr(listen, ':');
    int64_t port, nthreads;
    if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
        gg_parse_i64(colon + 1, 0, 65535, &port) != 0) {
        fprintf(stderr, "gridgov: --listen must be HOST:PORT, got '%s'\n", listen);
        return 2;
    }
    if (gg_parse_i64(threads, 1, 256, &nthreads) != 0) {
        fprintf(stderr, "gridgov: --threads must be 1..256\n");
        return 2;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (host[0] == '[') { /* [::1]:8080 */
        memmove(host, host + 1, strlen(host));
        char *rb = strchr(host, ']');
        if (rb)
            *rb = '\0';
    }

    /* Migrate once before the server's connections open. */
    gg_err err = {{0}};
    db *d;
    if (store_open(url, &d, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    db_close(d);
    char photos[4096];
    if (cli_photo_dir(url, cli_opt(argc, argv, "--photos", NULL), photos, sizeof(photos), &err) !=
        0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_config cfg = {
        .db_url = url,
        .listen_host = host,
        .port = (int)port,
        .threads = (int)nthreads,
        .web_root = cli_opt(argc, argv, "--web", NULL),
        .quiet = cli_flag(argc, argv, "--quiet"),
        .photo_dir = photos,
        .solo_writes = cli_flag(argc, argv, "--solo-writes"),
    };
    struct http_server *srv;
    if (http_start(&cfg, &srv, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr, "gridgov: serving http://%s:%d/ (database %s)\n", host, http_port(srv), url);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "gridgov: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_stop(srv);
    fprintf(stderr, "gridgov: stopped\n");
    return 0;
}
