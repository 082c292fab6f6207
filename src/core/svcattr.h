/*
 * svcattr.h — the extra questions of a service (Open311 "attributes" of a
 * service definition): 暖气不热 asks for the indoor temperature, 停水停电
 * for which utility stopped. A category stores them as a JSON array (see
 * migration 0007); this module checks such a definition, renders it in the
 * GeoReport v2 shape and checks a request's answers against it.
 *
 * Pure rules, no I/O.
 */
#ifndef GG_SVCATTR_H
#define GG_SVCATTR_H

#include <jansson.h>

#include "form.h"
#include "gg.h"

#define SVCATTR_MAX 20             /* attributes of one service */
#define SVCATTR_CODE_MAX 32        /* bytes: a-z 0-9 _ */
#define SVCATTR_VALUES_MAX 50      /* values of one list */
#define SVCATTR_STRING_DEFAULT 200 /* code points of a string answer, unless max_length */
#define SVCATTR_TEXT_MAX 4000      /* code points of a text answer */

typedef struct svcattr_set svcattr_set;

/*
 * Parse and check a stored definition (a JSON array text; "" or NULL for a
 * service without attributes) into *out (free with svcattr_free). Returns
 * 0, or GG_EINVAL with err saying what is wrong with the definition.
 */
int svcattr_parse(const char *text, svcattr_set **out, gg_err *err);

/* Free s; NULL is a no-op. */
void svcattr_free(svcattr_set *s);

/* Number of attributes (0 for NULL). */
int svcattr_count(const svcattr_set *s);

/*
 * The attributes in the GeoReport v2 shape, a new JSON array of
 * {variable, code, datatype, required, datatype_description, order,
 * description, values?: [{key, name}]}. Caller owns it.
 */
json_t *svcattr_definition(const svcattr_set *s);

/* Called once per problem found: field is "attribute[code]". */
typedef void (*svcattr_report)(void *ctx, const char *field, const char *msg);

/*
 * Check the answers of form f — attribute[code]=value, and for a
 * multivaluelist also attribute[code][]=value (repeated) — against s:
 * unknown codes, answers to information-only attributes, missing required
 * answers, numbers (decimal, within min/max), date-times (iso8601.h),
 * string and text lengths, and list keys. Every problem is reported; the
 * return value is their number. With none, *answers gets a new JSON
 * object {code: value, or [keys] for a multivaluelist} (numbers as JSON
 * numbers, date-times in China Standard Time, lists by key) and *summary a
 * new string of the answers for people ("室内温度（℃）：18；暖气片情况：全部
 * 不热", "" when nothing was answered), both owned by the caller.
 */
int svcattr_check(const svcattr_set *s, const form *f, svcattr_report report, void *ctx,
                  json_t **answers, char **summary);

#endif
