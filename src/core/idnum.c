/*
 * idnum.c — resident ID numbers and phone numbers: shape checks, the
 * GB 11643-1999 check character (ISO 7064 MOD 11-2), birth date and sex,
 * and masked forms for display.
 *
 * Error messages name the field and the exact problem but never echo a
 * whole ID number back: an error text may end up in a log.
 */
#include "idnum.h"

#include <string.h>

#define IDNUM_LEN 18

/* China Standard Time (UTC+8, no DST): "today" for a birth date is the date in China. */
#define IDNUM_TZ_OFFSET (8 * 3600)

static const int idnum_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char idnum_map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of n decimal digits at s; the caller has checked they are digits. */
static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/*
 * Today's date in China as YYYYMMDD. Days-to-civil after Howard Hinnant's
 * algorithm, in 64-bit arithmetic so a pinned GG_TEST_NOW anywhere in
 * range cannot overflow (gmtime would fail for far-future values).
 */
static int64_t today_yyyymmdd(void)
{
    int64_t t = gg_now();
    if (t > INT64_MAX - IDNUM_TZ_OFFSET)
        t = INT64_MAX - IDNUM_TZ_OFFSET;
    t += IDNUM_TZ_OFFSET;
    int64_t z = t / 86400 + 719468; /* days since 0000-03-01; t >= 0 here */
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    if (y > 99999999)
        y = 99999999; /* any YYYYMMDD birth date is before this */
    return y * 10000 + m * 100 + d;
}

/*
 * Check character for the first 17 digits. Returns '?' if one of them is
 * not a digit (or the string is short), which never equals a valid check
 * character.
 */
char idnum_check_char(const char *first17)
{
    int sum = 0;
    if (!first17)
        return '?';
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return '?';
        sum += (first17[i] - '0') * idnum_weights[i];
    }
    return idnum_map[sum % 11];
}

/*
 * Check an 18-character ID number: shape first, then the birth date, then
 * the check character, so the message names the first thing wrong.
 * Returns 0, or GG_EINVAL with err->field = field and a message.
 */
int idnum_check(const char *s, const char *field, gg_err *err)
{
    const char *f = field ? field : "id_number";
    if (!s || !*s)
        return gg_fail(err, GG_EINVAL, f, "%s: is required", f);
    size_t len = strlen(s);
    if (len != IDNUM_LEN)
        return gg_fail(err, GG_EINVAL, f, "%s: must be 18 characters, got %zu", f, len);
    for (int i = 0; i < 17; i++)
        if (!is_digit(s[i]))
            return gg_fail(err, GG_EINVAL, f, "%s: character %d must be a digit", f, i + 1);
    char last = s[17];
    if (last == 'x')
        last = 'X';
    if (!is_digit(last) && last != 'X')
        return gg_fail(err, GG_EINVAL, f, "%s: last character must be a digit or 'X'", f);

    const char *date = s + 6;
    int y = digits_value(date, 4), m = digits_value(date + 4, 2), d = digits_value(date + 6, 2);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return gg_fail(err, GG_EINVAL, f, "%s: birth date %.8s is not a real date", f, date);
    if (y < 1900)
        return gg_fail(err, GG_EINVAL, f, "%s: birth date %.8s is before 1900-01-01", f, date);
    if ((int64_t)digits_value(date, 8) > today_yyyymmdd())
        return gg_fail(err, GG_EINVAL, f, "%s: birth date %.8s is in the future", f, date);

    char want = idnum_check_char(s);
    if (last != want)
        return gg_fail(err, GG_EINVAL, f, "%s: check digit should be '%c'", f, want);
    return 0;
}

/* Upper-case copy into out[19]; stops at 18 characters or at s's end. */
void idnum_normalize(const char *s, char out[19])
{
    size_t i = 0;
    for (; s && i < IDNUM_LEN && s[i]; i++)
        out[i] = s[i] == 'x' ? 'X' : s[i];
    out[i] = '\0';
}

/* Birth date YYYYMMDD of a checked ID number (0 if s is not 18 characters). */
int idnum_birth(const char *s)
{
    if (!s || strlen(s) != IDNUM_LEN)
        return 0;
    for (int i = 6; i < 14; i++)
        if (!is_digit(s[i]))
            return 0;
    return digits_value(s + 6, 8);
}

/* Sex from the 17th digit (odd: 1 male, even: 2 female); 0 if s is malformed. */
int idnum_sex(const char *s)
{
    if (!s || strlen(s) != IDNUM_LEN || !is_digit(s[16]))
        return 0;
    return (s[16] - '0') % 2 ? 1 : 2;
}

/* Landline: "0" + 2-3 digits, optional '-', 7-8 subscriber digits. */
static int landline_check(const char *s, size_t len, const char *f, gg_err *err)
{
    const char *dash = strchr(s, '-');
    if (s[1] == '0')
        return gg_fail(err, GG_EINVAL, f, "%s: area code must not start with 00", f);
    if (dash) {
        size_t area = (size_t)(dash - s), sub = len - area - 1;
        if (strchr(dash + 1, '-'))
            return gg_fail(err, GG_EINVAL, f, "%s: may contain only one '-'", f);
        for (size_t i = 0; i < len; i++)
            if (i != area && !is_digit(s[i]))
                return gg_fail(err, GG_EINVAL, f, "%s: may contain only digits and '-'", f);
        if (area < 3 || area > 4)
            return gg_fail(err, GG_EINVAL, f,
                           "%s: area code must be 3-4 digits including the leading 0", f);
        if (sub < 7 || sub > 8)
            return gg_fail(err, GG_EINVAL, f, "%s: subscriber number must be 7-8 digits", f);
        return 0;
    }
    for (size_t i = 0; i < len; i++)
        if (!is_digit(s[i]))
            return gg_fail(err, GG_EINVAL, f, "%s: may contain only digits and '-'", f);
    if (len < 10 || len > 12)
        return gg_fail(err, GG_EINVAL, f,
                       "%s: landline must be 10-12 digits (area code and number)", f);
    return 0;
}

/* Mobile (11 digits, 1[3-9]) or landline; see idnum.h. */
int phone_check(const char *s, const char *field, gg_err *err)
{
    const char *f = field ? field : "phone";
    if (!s || !*s)
        return gg_fail(err, GG_EINVAL, f, "%s: is required", f);
    size_t len = strlen(s);
    if (len > 13) /* longest landline: "0AAA-NNNNNNNN" */
        return gg_fail(err, GG_EINVAL, f, "%s: is too long (%zu characters)", f, len);
    if (s[0] == '0')
        return landline_check(s, len, f, err);
    if (s[0] != '1')
        return gg_fail(err, GG_EINVAL, f,
                       "%s: must be a mobile number starting with 1 or a landline starting "
                       "with 0",
                       f);
    for (size_t i = 0; i < len; i++)
        if (!is_digit(s[i]))
            return gg_fail(err, GG_EINVAL, f, "%s: mobile number may contain only digits", f);
    if (len != 11)
        return gg_fail(err, GG_EINVAL, f, "%s: mobile number must be 11 digits, got %zu", f, len);
    if (s[1] < '3')
        return gg_fail(err, GG_EINVAL, f, "%s: mobile number must start with 13-19", f);
    return 0;
}

/*
 * Copy s into out (size n) keeping the first `head` and last `tail` bytes
 * and starring the rest; if s is no longer than head + tail, star it all,
 * so an odd value never shows through unmasked. head = tail = 0 stars all.
 * Truncates to fit n, always NUL-terminating.
 */
static void mask_middle(const char *s, size_t head, size_t tail, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    size_t len = s ? strlen(s) : 0, o = 0;
    int keep = len > head + tail;
    for (size_t i = 0; i < len && o + 1 < n; i++)
        out[o++] = keep && (i < head || i >= len - tail) ? s[i] : '*';
    out[o] = '\0';
}

/* "150781199001011234" -> "150781********1234"; any other length is all stars. */
void idnum_mask(const char *s, char *out, size_t n)
{
    if (s && strlen(s) == IDNUM_LEN)
        mask_middle(s, 6, 4, out, n);
    else
        mask_middle(s, 0, 0, out, n);
}

/*
 * Mobile "13812345678" -> "138****5678"; a landline with '-' keeps the area
 * code and the last 4 digits ("0471-***1234"); other values keep 3 + 4.
 * Values of 7 characters or fewer are all stars.
 */
void phone_mask(const char *s, char *out, size_t n)
{
    const char *dash = s ? strchr(s, '-') : NULL;
    size_t len = s ? strlen(s) : 0;
    if (len <= 7)
        mask_middle(s, 0, 0, out, n);
    else if (dash && (size_t)(dash - s) + 1 + 4 < len)
        mask_middle(s, (size_t)(dash - s) + 1, 4, out, n);
    else
        mask_middle(s, 3, 4, out, n);
}
