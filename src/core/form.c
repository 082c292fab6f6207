/*
 * form.c — the strict application/x-www-form-urlencoded decoder of form.h.
 *
 * One pass over the body: each pair is cut at '&', split at the first '=',
 * and both halves are unescaped into their own allocation (never longer
 * than the raw text), then checked.
 */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"

struct form {
    int n;
    char *name[GG_FORM_MAX_FIELDS];
    char *value[GG_FORM_MAX_FIELDS];
};

void form_free(form *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n; i++) {
        free(f->name[i]);
        free(f->value[i]);
    }
    free(f);
}

int form_count(const form *f)
{
    return f ? f->n : 0;
}

const char *form_name(const form *f, int i)
{
    return i >= 0 && i < f->n ? f->name[i] : NULL;
}

const char *form_value(const form *f, int i)
{
    return i >= 0 && i < f->n ? f->value[i] : NULL;
}

const char *form_get(const form *f, const char *name)
{
    for (int i = 0; f && i < f->n; i++)
        if (strcmp(f->name[i], name) == 0)
            return f->value[i];
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Unescape s[0..n) into a new string (*out, caller frees), its length into
 * *len. GG_EINVAL for a bad escape or a raw control byte.
 */
static int unescape(const char *s, size_t n, char **out, size_t *len)
{
    char *d = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            d[j++] = ' ';
        } else if (c == '%') {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                return GG_EINVAL;
            }
            d[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c < 0x20 || c == 0x7f) {
            free(d);
            return GG_EINVAL;
        } else {
            d[j++] = (char)c;
        }
    }
    d[j] = '\0';
    *out = d;
    *len = j;
    return 0;
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > GG_FORM_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-' || c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

/* Valid UTF-8 (no NUL) without control characters other than tab, CR and LF. */
static int value_ok(const char *s, size_t n)
{
    if (!gg_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
            return 0;
    }
    return 1;
}

static int is_list(const char *name)
{
    size_t n = strlen(name);
    return n >= 2 && name[n - 2] == '[' && name[n - 1] == ']';
}

/* A printable excerpt of a raw name for messages (ASCII only, cut short). */
static void raw_label(const char *s, size_t n, char *out, size_t m)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < m && j < 40; i++)
        out[j++] = s[i] >= 0x21 && s[i] <= 0x7e ? s[i] : '?';
    out[j] = '\0';
}

int form_parse(const char *s, size_t n, form **out, gg_err *err)
{
    if (n > GG_FORM_MAX_BODY)
        return gg_fail(err, GG_ETOOBIG, "body", "the form body is larger than %u bytes",
                       GG_FORM_MAX_BODY);
    form *f = xcalloc(1, sizeof(*f));
    size_t i = 0;
    int rc = 0;
    while (n > 0 && i <= n) {
        const char *seg = s + i;
        const char *amp = memchr(seg, '&', n - i);
        size_t len = amp ? (size_t)(amp - seg) : n - i;
        char label[48];
        if (len == 0) {
            rc = gg_fail(err, GG_EINVAL, "body", "empty parameter at byte %zu of the form body", i);
            goto fail;
        }
        const char *eq = memchr(seg, '=', len);
        raw_label(seg, eq ? (size_t)(eq - seg) : len, label, sizeof(label));
        if (!eq) {
            rc = gg_fail(err, GG_EINVAL, label, "parameter %s has no '=' and no value", label);
            goto fail;
        }
        if (f->n == GG_FORM_MAX_FIELDS) {
            rc = gg_fail(err, GG_EINVAL, "body", "more than %d parameters in the form body",
                         GG_FORM_MAX_FIELDS);
            goto fail;
        }
        char *name, *value;
        size_t nl, vl;
        if (unescape(seg, (size_t)(eq - seg), &name, &nl) != 0) {
            rc = gg_fail(err, GG_EINVAL, label,
                         "parameter name %s has a bad %%-escape or a control character", label);
            goto fail;
        }
        if (!name_ok(name, nl)) {
            free(name);
            rc = gg_fail(err, GG_EINVAL, label[0] ? label : "body",
                         "a parameter name is 1 to %d of A-Z, a-z, 0-9, _ . - [ ]",
                         GG_FORM_MAX_NAME);
            goto fail;
        }
        if (unescape(eq + 1, len - (size_t)(eq - seg) - 1, &value, &vl) != 0) {
            rc = gg_fail(err, GG_EINVAL, name,
                         "%s has a bad %%-escape (%% must be followed by two hex digits) or a "
                         "raw control character",
                         name);
            free(name);
            goto fail;
        }
        if (vl > GG_FORM_MAX_VALUE || !value_ok(value, vl)) {
            rc = gg_fail(err, GG_EINVAL, name,
                         vl > GG_FORM_MAX_VALUE
                             ? "%s is longer than the form limit"
                             : "%s is not valid UTF-8 or contains a control character",
                         name);
            free(name);
            free(value);
            goto fail;
        }
        if (!is_list(name) && form_get(f, name)) {
            rc = gg_fail(err, GG_EINVAL, name, "%s is given more than once", name);
            free(name);
            free(value);
            goto fail;
        }
        f->name[f->n] = name;
        f->value[f->n] = value;
        f->n++;
        if (!amp)
            break;
        i += len + 1;
        if (i == n) {
            rc = gg_fail(err, GG_EINVAL, "body", "the form body ends with '&'");
            goto fail;
        }
    }
    *out = f;
    return 0;
fail:
    form_free(f);
    return rc;
}
