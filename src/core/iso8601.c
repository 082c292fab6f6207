/*
 * iso8601.c — parsing and formatting of ISO-8601 date-times with a zone
 * (iso8601.h). Calendar arithmetic is done by hand (days from the civil
 * date) so that nothing depends on the process's TZ.
 */
#include "iso8601.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gg.h"

#define CST_OFFSET (8 * 3600)

/* Read exactly n digits at *p; -1 if they are not all digits. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int iso8601_parse(const char *s, int64_t *out)
{
    if (!s)
        return GG_EINVAL;
    const char *p = s;
    int y = digits(&p, 4);
    if (y < 1900 || *p++ != '-')
        return GG_EINVAL;
    int mo = digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return GG_EINVAL;
    int d = digits(&p, 2);
    if (d < 1 || d > month_days(y, mo))
        return GG_EINVAL;
    int h = 0, mi = 0, sec = 0;
    int64_t offset = CST_OFFSET;
    if (*p) {
        if (*p != 'T' && *p != 't')
            return GG_EINVAL;
        p++;
        h = digits(&p, 2);
        if (h < 0 || h > 23 || *p++ != ':')
            return GG_EINVAL;
        mi = digits(&p, 2);
        if (mi < 0 || mi > 59)
            return GG_EINVAL;
        if (*p == ':') {
            p++;
            sec = digits(&p, 2);
            if (sec < 0 || sec > 59)
                return GG_EINVAL;
            if (*p == '.' || *p == ',') {
                p++;
                int n = 0;
                while (*p >= '0' && *p <= '9' && n < 9) {
                    p++;
                    n++;
                }
                if (n == 0)
                    return GG_EINVAL;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            offset = 0;
            p++;
        } else if (*p == '+' || *p == '-' || *p == ' ') {
            int sign = *p == '-' ? -1 : 1;
            p++;
            int oh = digits(&p, 2), om = 0;
            if (oh < 0 || oh > 18)
                return GG_EINVAL;
            if (*p == ':')
                p++;
            if (*p) {
                om = digits(&p, 2);
                if (om < 0 || om > 59)
                    return GG_EINVAL;
            }
            offset = sign * (int64_t)(oh * 3600 + om * 60);
        }
        if (*p)
            return GG_EINVAL;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return 0;
}

void iso8601_cst(int64_t t, char out[ISO8601_CST_LEN])
{
    time_t tt = (time_t)(t + CST_OFFSET);
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        gg_strlcpy(out, "1970-01-01T08:00:00+08:00", ISO8601_CST_LEN);
        return;
    }
    char buf[80];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d+08:00", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    gg_strlcpy(out, buf, ISO8601_CST_LEN);
}
