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
