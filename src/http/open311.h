/*
 * open311.h — what the Open311 files of src/http share: one exchange (the
 * request, its format and the errors found so far) and the helpers that
 * answer in the exchange's format. Private to src/http.
 */
#ifndef GG_OPEN311_H
#define GG_OPEN311_H

#include <jansson.h>

#include "http.h"

/* One Open311 exchange: the request, its format and the errors found so far. */
struct o311 {
    http_req *r;
    int xml;
    char res[16];  /* "requests" */
    char arg[160]; /* "123" of requests/123.json, "" if none */
    json_t *errors;
};

/* Reply with v (taken) in the exchange's format; root names the XML document element. */
int open311_reply(struct o311 *o, int status, json_t *v, const char *root);

/* Record one problem of the request: code is 400, 403, 404, 405, 413 or 500. */
void open311_error(struct o311 *o, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Answer the errors found: 400 if any is a 400, else the first one's code. */
int open311_reply_errors(struct o311 *o);

/* The public service code, its stored row into *row (caller frees); adds a 404 (or 500) and
 * returns non-zero if there is none. */
int open311_load_service(struct o311 *o, const char *code, json_t **row);

/* jurisdiction_id, when given (j non-NULL), must be the division this database serves. */
void open311_check_jurisdiction(struct o311 *o, const char *j);

/* POST requests.{fmt}: file a case from a form-encoded body (open311_post.c). */
int open311_create(http_req *r, struct o311 *o);

#endif
