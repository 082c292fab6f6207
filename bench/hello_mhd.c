/*
 * hello_mhd.c — the baseline for the HTTP benchmark: a bare libmicrohttpd
 * server that answers every request with the same small JSON body.
 *
 * It runs the threading model `gridgov serve` asks for in src/http/server.c:
 * an internal polling thread per pool member, epoll, a thread pool of the
 * given size, the same connection timeout and limit, keep-alive, and the
 * response queued on the second call of the access handler as gridgov does.
 * (gridgov tests `#ifdef MHD_USE_EPOLL`, which is false because that name is
 * an enum constant, so as of 2026-11-25 it polls with select(); this server
 * asks the library instead. See docs/performance.md.)
 * What gridgov adds on top of it (routing, authentication, the database,
 * JSON building) is what the ratio measures.
 *
 *   hello_mhd PORT THREADS     PORT 0 picks a free port; the port in use is
 *                              printed on standard output as "port N".
 * Runs until SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char body[] = "{\"id\":1,\"place\":\"150781001001001\",\"unit\":\"1\","
                           "\"room\":\"101\",\"area_centi\":8650}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    static int first_call_marker;
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    if (*con_cls == NULL) { /* first call: headers only, as in gridgov */
        *con_cls = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) { /* ignore any body */
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static unsigned parse_uint(const char *s, unsigned lo, unsigned hi, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "hello_mhd: %s must be %u..%u\n", what, lo, hi);
        exit(2);
    }
    return (unsigned)v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hello_mhd PORT THREADS\n");
        return 2;
    }
    unsigned port = parse_uint(argv[1], 0, 65535, "PORT");
    unsigned threads = parse_uint(argv[2], 1, 256, "THREADS");

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* MHD_USE_EPOLL is an enum constant, not a macro: ask the library at run time. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    else
        fprintf(stderr, "hello_mhd: this libmicrohttpd has no epoll, using select\n");
    struct sockaddr_in addr; /* loopback only, like the benchmark's gridgov */
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "hello_mhd: cannot listen on port %u\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("port %u\n", di ? (unsigned)di->port : port);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
