/*
 * form.h — a strict decoder of application/x-www-form-urlencoded bodies
 * (the POST bodies of Open311 clients): name=value pairs joined by '&',
 * '+' for a space and %XX escapes.
 *
 * Strict means: every pair has a non-empty name and an '='; no empty pairs
 * ("a=1&&b=2"); every '%' is followed by two hex digits; raw control bytes
 * (CR, LF, NUL …) are refused; decoded names are 1 to GG_FORM_MAX_NAME bytes
 * of A-Z a-z 0-9 _ . - [ ]; decoded values are valid UTF-8 of at most
 * GG_FORM_MAX_VALUE bytes without control characters other than tab, CR
 * and LF; at most GG_FORM_MAX_FIELDS pairs; a name may appear twice only
 * when it ends in "[]" (a list, as in attribute[kind][]=a&attribute[kind][]=b).
 * Sizes are in limits.h.
 */
#ifndef GG_FORM_H
#define GG_FORM_H

#include <stddef.h>

#include "gg.h"

typedef struct form form;

/*
 * Decode the n bytes at s (need not be NUL-terminated) into *out, which the
 * caller frees with form_free. Returns 0; GG_ETOOBIG (field "body") if n is
 * over GG_FORM_MAX_BODY; GG_EINVAL with err naming the parameter (or
 * "body" when no name can be told) for anything malformed. *out is
 * written only on success.
 */
int form_parse(const char *s, size_t n, form **out, gg_err *err);

/* Free f; NULL is a no-op. */
void form_free(form *f);

/* Number of pairs, in the order of the body. */
int form_count(const form *f);

/* Name and value of pair i (0 <= i < form_count); borrowed from f. */
const char *form_name(const form *f, int i);
const char *form_value(const form *f, int i);

/* The value of the first pair named name, or NULL; borrowed from f. */
const char *form_get(const form *f, const char *name);

#endif
