/*
 * area.h — floor areas as exact integers in hundredths of a square metre.
 * No floating point touches an area: "89.5" parses to 8950, and thresholds
 * are compared by cross-multiplication elsewhere.
 */
#ifndef GG_AREA_H
#define GG_AREA_H

#include "gg.h"

#define AREA_MAX_CENTI 100000000LL /* 1,000,000.00 m², far above any unit */

/*
 * Parse a decimal area in m² ("89", "89.5", "89.50") into hundredths.
 * At most two decimals, no sign, no exponent, positive, <= AREA_MAX_CENTI.
 * Returns 0 or GG_EINVAL with err naming field.
 */
int area_parse(const char *s, const char *field, int64_t *centi, gg_err *err);

/* Format hundredths as "89.50" into out (size n). */
void area_format(int64_t centi, char *out, size_t n);

#endif
