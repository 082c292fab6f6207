/*
 * svcattr.c — service attributes (svcattr.h): checking a stored definition,
 * rendering it for Open311 and checking the answers of a request.
 *
 * A parsed set keeps the stored JSON array itself (after checking every
 * entry), so what is rendered and what is enforced are one thing.
 */
#include "svcattr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso8601.h"

struct svcattr_set {
    json_t *attrs; /* the checked array */
};

enum dtype { DT_NONE, DT_STRING, DT_NUMBER, DT_DATETIME, DT_TEXT, DT_SINGLE, DT_MULTI };

static const char *const dtype_names[] = {"",     "string",          "number",        "datetime",
                                          "text", "singlevaluelist", "multivaluelist"};

static enum dtype dtype_of(const char *s)
{
    for (int i = 1; s && i < (int)GG_ARRAY_LEN(dtype_names); i++)
        if (strcmp(s, dtype_names[i]) == 0)
            return (enum dtype)i;
    return DT_NONE;
}

static int code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SVCATTR_CODE_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int variable(json_t *a)
{
    json_t *v = json_object_get(a, "variable");
    return !json_is_false(v);
}

/* Check one definition entry (at index i). */
static int check_entry(json_t *a, int i, json_t *all, gg_err *err)
{
    if (!json_is_object(a))
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %d is not an object", i + 1);
    static const char *const known[] = {
        "code",     "datatype", "required", "description", "datatype_description",
        "variable", "values",   "min",      "max",         "max_length"};
    const char *key;
    json_t *v;
    json_object_foreach (a, key, v) {
        size_t k = 0;
        while (k < GG_ARRAY_LEN(known) && strcmp(key, known[k]) != 0)
            k++;
        if (k == GG_ARRAY_LEN(known))
            return gg_fail(err, GG_EINVAL, "attributes", "attribute %d: unknown key", i + 1);
    }
    const char *code = str(a, "code");
    if (!code_ok(code))
        return gg_fail(err, GG_EINVAL, "attributes",
                       "attribute %d: code is 1 to %d of a-z, 0-9 and _", i + 1, SVCATTR_CODE_MAX);
    for (int j = 0; j < i; j++)
        if (strcmp(str(json_array_get(all, (size_t)j), "code"), code) == 0)
            return gg_fail(err, GG_EINVAL, "attributes", "attribute code %s appears twice", code);
    enum dtype t = dtype_of(str(a, "datatype"));
    if (t == DT_NONE)
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %s: unknown datatype", code);
    const char *desc = str(a, "description");
    if (!desc || !*desc)
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %s: description is required", code);
    json_t *req = json_object_get(a, "required");
    if (req && !json_is_boolean(req))
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %s: required is a boolean", code);
    json_t *var = json_object_get(a, "variable");
    if (var && !json_is_boolean(var))
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %s: variable is a boolean", code);
    v = json_object_get(a, "datatype_description");
    if (v && !json_is_string(v))
        return gg_fail(err, GG_EINVAL, "attributes",
                       "attribute %s: datatype_description is a string", code);
    json_t *vals = json_object_get(a, "values");
    if (t == DT_SINGLE || t == DT_MULTI) {
        if (!json_is_array(vals) || json_array_size(vals) == 0 ||
            json_array_size(vals) > SVCATTR_VALUES_MAX)
            return gg_fail(err, GG_EINVAL, "attributes",
                           "attribute %s: a list needs 1 to %d values", code, SVCATTR_VALUES_MAX);
        size_t k;
        json_array_foreach (vals, k, v) {
            const char *vk = str(v, "key"), *vn = str(v, "name");
            if (!vk || !*vk || strlen(vk) > 64 || !vn || !*vn)
                return gg_fail(err, GG_EINVAL, "attributes",
                               "attribute %s: each value has a key (1-64 bytes) and a name", code);
            for (size_t m = 0; m < k; m++)
                if (strcmp(str(json_array_get(vals, m), "key"), vk) == 0)
                    return gg_fail(err, GG_EINVAL, "attributes",
                                   "attribute %s: value key %s appears twice", code, vk);
        }
    } else if (vals) {
        return gg_fail(err, GG_EINVAL, "attributes", "attribute %s: only lists have values", code);
    }
    json_t *mn = json_object_get(a, "min"), *mx = json_object_get(a, "max");
    if ((mn || mx) &&
        (t != DT_NUMBER || (mn && !json_is_number(mn)) || (mx && !json_is_number(mx)) ||
         (mn && mx && json_number_value(mn) > json_number_value(mx))))
        return gg_fail(err, GG_EINVAL, "attributes",
                       "attribute %s: min and max are numbers, min <= max, for numbers only", code);
    json_t *ml = json_object_get(a, "max_length");
    if (ml && (t != DT_STRING || !json_is_integer(ml) || json_integer_value(ml) < 1 ||
               json_integer_value(ml) > SVCATTR_TEXT_MAX))
        return gg_fail(err, GG_EINVAL, "attributes",
                       "attribute %s: max_length is 1 to %d, for strings only", code,
                       SVCATTR_TEXT_MAX);
    return 0;
}

int svcattr_parse(const char *text, svcattr_set **out, gg_err *err)
{
    json_t *arr;
    if (!text || !*text) {
        arr = json_array();
    } else {
        json_error_t je;
        arr = json_loads(text, JSON_REJECT_DUPLICATES, &je);
        if (!arr)
            return gg_fail(err, GG_EINVAL, "attributes", "attributes are not JSON: %s", je.text);
        if (!json_is_array(arr) || json_array_size(arr) > SVCATTR_MAX) {
            json_decref(arr);
            return gg_fail(err, GG_EINVAL, "attributes",
                           "attributes must be an array of at most %d entries", SVCATTR_MAX);
        }
        size_t i;
        json_t *a;
        json_array_foreach (arr, i, a) {
            int rc = check_entry(a, (int)i, arr, err);
            if (rc) {
                json_decref(arr);
                return rc;
            }
        }
    }
    svcattr_set *s = xcalloc(1, sizeof(*s));
    s->attrs = arr;
    *out = s;
    return 0;
}

void svcattr_free(svcattr_set *s)
{
    if (!s)
        return;
    json_decref(s->attrs);
    free(s);
}

int svcattr_count(const svcattr_set *s)
{
    return s ? (int)json_array_size(s->attrs) : 0;
}

json_t *svcattr_definition(const svcattr_set *s)
{
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach (s->attrs, i, a) {
        const char *dd = str(a, "datatype_description");
        json_t *o = json_pack("{s:b, s:s, s:s, s:b, s:s, s:I, s:s}", "variable", variable(a),
                              "code", str(a, "code"), "datatype", str(a, "datatype"), "required",
                              json_is_true(json_object_get(a, "required")), "datatype_description",
                              dd ? dd : "", "order", (json_int_t)(i + 1), "description",
                              str(a, "description"));
        json_t *vals = json_object_get(a, "values");
        if (vals) {
            json_t *vs = json_array();
            size_t k;
            json_t *v;
            json_array_foreach (vals, k, v)
                json_array_append_new(
                    vs, json_pack("{s:s, s:s}", "key", str(v, "key"), "name", str(v, "name")));
            json_object_set_new(o, "values", vs);
        }
        json_array_append_new(out, o);
    }
    return out;
}

/* The entry with code, or NULL. */
static json_t *find(const svcattr_set *s, const char *code, size_t n)
{
    size_t i;
    json_t *a;
    json_array_foreach (s->attrs, i, a) {
        const char *c = str(a, "code");
        if (strlen(c) == n && memcmp(c, code, n) == 0)
            return a;
    }
    return NULL;
}

/* The name of list value key in a, or NULL if a has no such value. */
static const char *value_name(json_t *a, const char *key)
{
    size_t k;
    json_t *v;
    json_array_foreach (json_object_get(a, "values"), k, v)
        if (strcmp(str(v, "key"), key) == 0)
            return str(v, "name");
    return NULL;
}

/* A decimal number: -?digits[.digits], at most 20 characters. */
static int parse_number(const char *s, double *out)
{
    const char *p = s;
    size_t n = strlen(s);
    if (n == 0 || n > 20)
        return GG_EINVAL;
    if (*p == '-')
        p++;
    int d = 0;
    while (*p >= '0' && *p <= '9') {
        p++;
        d++;
    }
    if (*p == '.') {
        p++;
        int f = 0;
        while (*p >= '0' && *p <= '9') {
            p++;
            f++;
        }
        if (f == 0)
            return GG_EINVAL;
    }
    if (d == 0 || *p)
        return GG_EINVAL;
    *out = strtod(s, NULL);
    return isfinite(*out) ? 0 : GG_EINVAL;
}

struct checker {
    svcattr_report report;
    void *ctx;
    int problems;
};

static void problem(struct checker *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct checker *c, const char *code, const char *fmt, ...)
{
    char field[SVCATTR_CODE_MAX + 16], msg[256], text[320];
    snprintf(field, sizeof(field), "attribute[%s]", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gg_utf8_cut(msg);
    snprintf(text, sizeof(text), "%s: %s", field, msg);
    gg_utf8_cut(text);
    c->report(c->ctx, field, text);
    c->problems++;
}

/* Check one answer v to a; the normalised value, or NULL after reporting. */
static json_t *check_value(struct checker *c, json_t *a, const char *code, const char *v)
{
    enum dtype t = dtype_of(str(a, "datatype"));
    switch (t) {
    case DT_NUMBER: {
        double x;
        if (parse_number(v, &x) != 0) {
            problem(c, code, "must be a decimal number");
            return NULL;
        }
        json_t *mn = json_object_get(a, "min"), *mx = json_object_get(a, "max");
        if ((mn && x < json_number_value(mn)) || (mx && x > json_number_value(mx))) {
            problem(c, code, "must be from %g to %g", mn ? json_number_value(mn) : -INFINITY,
                    mx ? json_number_value(mx) : INFINITY);
            return NULL;
        }
        return x == floor(x) && fabs(x) < 1e15 ? json_integer((json_int_t)x) : json_real(x);
    }
    case DT_DATETIME: {
        int64_t t64;
        if (iso8601_parse(v, &t64) != 0) {
            problem(c, code, "must be an ISO-8601 date-time such as 2026-01-15T07:30:00+08:00");
            return NULL;
        }
        char buf[ISO8601_CST_LEN];
        iso8601_cst(t64, buf);
        return json_string(buf);
    }
    case DT_STRING:
    case DT_TEXT: {
        json_t *ml = json_object_get(a, "max_length");
        size_t max = t == DT_TEXT ? SVCATTR_TEXT_MAX
                     : ml         ? (size_t)json_integer_value(ml)
                                  : SVCATTR_STRING_DEFAULT;
        if (gg_utf8_len(v) > max) {
            problem(c, code, "is longer than %zu characters", max);
            return NULL;
        }
        return json_string(v);
    }
    default:
        if (!value_name(a, v)) {
            char shown[72];
            gg_strlcpy(shown, v, sizeof(shown));
            gg_utf8_cut(shown);
            problem(c, code, "%s is not one of the allowed values", shown);
            return NULL;
        }
        return json_string(v);
    }
}

int svcattr_check(const svcattr_set *s, const form *f, svcattr_report report, void *ctx,
                  json_t **answers, char **summary)
{
    struct checker c = {report, ctx, 0};
    json_t *ans = json_object();
    json_t *tried = json_object(); /* codes answered, well or badly */
    /* every attribute[...] parameter must name a variable attribute of s */
    for (int i = 0; i < form_count(f); i++) {
        const char *name = form_name(f, i);
        if (strncmp(name, "attribute[", 10) != 0)
            continue;
        const char *code = name + 10, *close = strchr(code, ']');
        size_t n = close ? (size_t)(close - code) : strlen(code);
        int list = close && strcmp(close, "][]") == 0;
        char shown[SVCATTR_CODE_MAX + 1];
        snprintf(shown, sizeof(shown), "%.*s", (int)(n < SVCATTR_CODE_MAX ? n : SVCATTR_CODE_MAX),
                 code);
        json_t *a = close && (close[1] == '\0' || list) ? find(s, code, n) : NULL;
        if (!a) {
            problem(&c, shown[0] ? shown : "?", "this service has no such attribute");
            continue;
        }
        if (!variable(a)) {
            problem(&c, shown, "is information only and takes no answer");
            continue;
        }
        int multi = dtype_of(str(a, "datatype")) == DT_MULTI;
        if (list && !multi) {
            problem(&c, shown, "takes one value, not a list");
            continue;
        }
        const char *v = form_value(f, i);
        if (!*v)
            continue; /* an empty answer is no answer */
        json_object_set_new(tried, shown, json_true());
        json_t *val = check_value(&c, a, shown, v);
        if (!val)
            continue;
        if (multi) {
            json_t *arr = json_object_get(ans, shown);
            if (!arr) {
                arr = json_array();
                json_object_set_new(ans, shown, arr);
            }
            size_t k;
            json_t *x;
            int dup = 0;
            json_array_foreach (arr, k, x)
                dup |= strcmp(json_string_value(x), v) == 0;
            if (dup) {
                problem(&c, shown, "%s is given twice", json_string_value(val));
                json_decref(val);
                continue;
            }
            json_array_append_new(arr, val);
        } else if (json_object_get(ans, shown)) {
            problem(&c, shown, "is given more than once");
            json_decref(val);
        } else {
            json_object_set_new(ans, shown, val);
        }
    }
    size_t i;
    json_t *a;
    json_array_foreach (s->attrs, i, a) {
        const char *code = str(a, "code");
        if (variable(a) && json_is_true(json_object_get(a, "required")) &&
            !json_object_get(tried, code))
            problem(&c, code, "is required (%s)", str(a, "description"));
    }
    json_decref(tried);
    if (c.problems) {
        json_decref(ans);
        return c.problems;
    }
    /* the summary, in the definition's order */
    gg_buf b;
    gg_buf_init(&b, 64 * 1024);
    json_array_foreach (s->attrs, i, a) {
        json_t *v = json_object_get(ans, str(a, "code"));
        if (!v)
            continue;
        gg_buf_printf(&b, "%s%s：", b.len ? "；" : "", str(a, "description"));
        if (json_is_array(v)) {
            size_t k;
            json_t *x;
            json_array_foreach (v, k, x)
                gg_buf_printf(&b, "%s%s", k ? "、" : "", value_name(a, json_string_value(x)));
        } else if (json_is_string(v)) {
            const char *nm = value_name(a, json_string_value(v));
            gg_buf_puts(&b, nm ? nm : json_string_value(v));
        } else if (json_is_integer(v)) {
            gg_buf_printf(&b, "%lld", (long long)json_integer_value(v));
        } else {
            gg_buf_printf(&b, "%g", json_real_value(v));
        }
    }
    *summary = b.data ? b.data : xstrdup("");
    *answers = ans;
    return 0;
}
