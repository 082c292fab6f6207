/*
 * limits.h — every input limit of gridgov in one place. Requests over a
 * limit are refused early with 413 (sizes) or 400/422 (shapes), naming the
 * field.
 */
#ifndef GG_LIMITS_H
#define GG_LIMITS_H

#define GG_MAX_BODY (1u << 20)          /* JSON request body, bytes */
#define GG_MAX_UPLOAD (8u << 20)        /* one uploaded file, bytes */
#define GG_MAX_IMPORT (512u << 20)      /* one CSV import file, bytes */
#define GG_MAX_JSON_DEPTH 16            /* nesting of arrays/objects */
#define GG_MAX_STRING 4000              /* code points in one string field */
#define GG_MAX_NAME 64                  /* code points in a person's or place name */
#define GG_MAX_URL 2048                 /* request target, bytes */
#define GG_MAX_QUERY_ARGS 32            /* query string parameters */
#define GG_MAX_HEADER_VALUE 1024        /* one header we read, bytes */
#define GG_PAGE_DEFAULT 50              /* list page size when limit is absent */
#define GG_PAGE_MAX 500                 /* largest list page */
#define GG_EXPORT_MAX 1000000           /* rows in one export */
#define GG_IDEMPOTENCY_KEY_MAX 128      /* Idempotency-Key header, bytes */
#define GG_IDEMPOTENCY_TTL (24 * 3600)  /* how long a stored answer is replayed, s */
#define GG_SESSION_TTL (12 * 3600)      /* session lifetime, s */
#define GG_LOGIN_MAX_FAILS 5            /* failed logins per login name ... */
#define GG_LOGIN_WINDOW 300             /* ... within this many seconds */
#define GG_PASSWORD_MIN 8               /* bytes */
#define GG_PASSWORD_MAX 256             /* bytes */
#define GG_CSV_MAX_FIELD 4096           /* bytes in one CSV field */
#define GG_CSV_MAX_ERRORS 1000          /* bad rows listed by a dry run */
#define GG_CSV_MAX_COLS 32              /* fields in one CSV record; more is an error */
#define GG_FORM_MAX_BODY (64u << 10)    /* application/x-www-form-urlencoded body, bytes */
#define GG_FORM_MAX_FIELDS 64           /* parameters in one form body */
#define GG_FORM_MAX_NAME 64             /* bytes of one decoded parameter name */
#define GG_FORM_MAX_VALUE (32u << 10)   /* bytes of one decoded parameter value */
#define GG_MAX_PHOTO_BYTES (8u << 20)   /* one photo, bytes */
#define GG_MAX_PHOTOS 9                 /* photos in one upload, and referenced by one action */
#define GG_MAX_PHOTO_REQUEST (GG_MAX_PHOTOS * GG_MAX_PHOTO_BYTES + (64u << 10)) /* upload body */
#define GG_PHOTO_GC_AGE (24 * 3600)     /* unreferenced uploads older than this may go, s */

#endif
