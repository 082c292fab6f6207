/*
 * area.c — floor areas as exact integers in hundredths of a square metre.
 *
 * The parser reads the decimal text digit by digit rather than through
 * strtod, so "89.5" is exactly 8950 and no binary rounding can move a
 * household across a 2/3 threshold.
 */
#include "area.h"

#include <inttypes.h>
#include <stdio.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Parse "digits[.d[d]]" into hundredths. Each rejection says what is wrong
 * with the text. *centi is written only on success.
 */
int area_parse(const char *s, const char *field, int64_t *centi, gg_err *err)
{
    const char *f = field ? field : "area";
    if (!s || !*s)
        return gg_fail(err, GG_EINVAL, f, "%s: is required", f);
    if (*s == '-')
        return gg_fail(err, GG_EINVAL, f, "%s: must be greater than 0", f);
    if (*s == '+')
        return gg_fail(err, GG_EINVAL, f, "%s: must not have a sign", f);
    if (*s == ' ' || *s == '\t')
        return gg_fail(err, GG_EINVAL, f, "%s: must not start with a space", f);
    if (!is_digit(*s))
        return gg_fail(err, GG_EINVAL, f, "%s: must start with a digit, as in 89.5", f);

    int64_t v = 0;
    const char *p = s;
    for (; is_digit(*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > AREA_MAX_CENTI / 100) /* checked every digit, so v * 10 never overflows */
            return gg_fail(err, GG_EINVAL, f, "%s: must be at most 1000000 m²", f);
    }
    v *= 100;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return gg_fail(err, GG_EINVAL, f, "%s: needs a digit after the decimal point", f);
        v += (*p++ - '0') * 10;
        if (is_digit(*p))
            v += *p++ - '0';
        if (is_digit(*p))
            return gg_fail(err, GG_EINVAL, f, "%s: may have at most two decimal places", f);
    }
    if (*p != '\0') {
        /* name the stray character only if it is printable ASCII: the message must stay UTF-8 */
        if (*p > ' ' && *p < 0x7f)
            return gg_fail(err, GG_EINVAL, f,
                           "%s: must be a plain decimal number in m², as in 89.5 (found '%c')",
                           f, *p);
        return gg_fail(err, GG_EINVAL, f, "%s: must be a plain decimal number in m², as in 89.5",
                       f);
    }
    if (v == 0)
        return gg_fail(err, GG_EINVAL, f, "%s: must be greater than 0", f);
    if (v > AREA_MAX_CENTI)
        return gg_fail(err, GG_EINVAL, f, "%s: must be at most 1000000 m²", f);
    *centi = v;
    return 0;
}

/* Hundredths as "89.50" (always two decimals; negatives as "-0.05"), truncated to fit n. */
void area_format(int64_t centi, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    /* via uint64_t so INT64_MIN has a magnitude */
    uint64_t mag = centi < 0 ? (uint64_t)0 - (uint64_t)centi : (uint64_t)centi;
    snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64, centi < 0 ? "-" : "", mag / 100, mag % 100);
}
