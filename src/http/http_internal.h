/*
 * http_internal.h — helpers shared inside src/http only.
 */
#ifndef GG_HTTP_INTERNAL_H
#define GG_HTTP_INTERNAL_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include "http.h"

/* Parse host ("127.0.0.1", "::1", "localhost", "0.0.0.0") and port into addr. */
int http_parse_addr(const char *host, int port, struct sockaddr_storage *addr);

/* Printable address of a peer into out. */
void http_format_addr(const struct sockaddr *sa, char *out, size_t n);

struct db_pool *http_pool(struct http_server *s);

struct case_actor;

/* The caller as the actor of case functions (h_cases.c); strings borrowed from r. */
void http_case_actor(const http_req *r, struct case_actor *a);

/*
 * The optional "photos" field of body b (h_photos.c): at most GG_MAX_PHOTOS
 * photo hashes into hashes[] (borrowed from b), their number into *n (0 when
 * absent). GG_EINVAL naming photos or photos[i] for a wrong shape, GG_ERULE
 * for too many.
 */
int http_photo_hashes(http_req *r, json_t *b, const char **hashes, int *n);
const struct http_config *http_cfg(const struct http_server *s);

/*
 * Render v as an XML document (with its declaration) into out: an object
 * becomes <name> with one child element per key, in order; an array <name>
 * with one <item_name(name)> per element; a string escaped text (characters
 * XML 1.0 cannot carry become U+FFFD); null an empty element; booleans
 * "true"/"false"; numbers in decimal. root names the outer element.
 * Returns 0 or GG_ETOOBIG when out's cap is reached.
 */
int http_xml_render(json_t *v, const char *root, const char *(*item_name)(const char *name),
                    gg_buf *out);

#endif
