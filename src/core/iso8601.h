/*
 * iso8601.h — ISO-8601 / W3C date-times with a zone, as Open311 exchanges
 * them: read from clients in any zone, written in China Standard Time
 * ("2026-03-02T09:00:00+08:00").
 */
#ifndef GG_ISO8601_H
#define GG_ISO8601_H

#include <stdint.h>

#define ISO8601_CST_LEN 26 /* "YYYY-MM-DDThh:mm:ss+08:00" and the NUL */

/*
 * Parse s into Unix seconds. Accepted forms:
 *   YYYY-MM-DD                            midnight China Standard Time
 *   YYYY-MM-DDThh:mm[:ss[.fraction]][zone] zone: Z, +hh:mm, -hh:mm, +hhmm,
 *                                          +hh; none: China Standard Time
 * A space stands for '+' before the zone (an unescaped '+' in a query
 * string arrives as a space). Years 1900-9999, real calendar dates, hours
 * 0-23, minutes and seconds 0-59 (fractions are dropped), offsets up to
 * 18 hours. Returns 0 and writes *out, or GG_EINVAL.
 */
int iso8601_parse(const char *s, int64_t *out);

/* Format Unix seconds t as China Standard Time with its offset into out. */
void iso8601_cst(int64_t t, char out[ISO8601_CST_LEN]);

#endif
