/*
 * test_form.c — the strict form decoder (form.c), ISO-8601 date-times with
 * zones (iso8601.c) and service attributes (svcattr.c): what each accepts,
 * what each refuses and why, with expected values written by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "iso8601.h"
#include "limits.h"
#include "svcattr.h"

static form *parse_ok(const char *s)
{
    form *f = NULL;
    gg_err e = {0};
    int rc = form_parse(s, strlen(s), &f, &e);
    if (rc)
        fail_msg("form_parse(%s) failed: %s", s, e.msg);
    return f;
}

static void parse_bad(const char *s, size_t n, int want, const char *field)
{
    form *f = (form *)0x1;
    gg_err e = {0};
    int rc = form_parse(s, n, &f, &e);
    if (rc != want)
        fail_msg("form_parse(%.40s) = %d, want %d", s, rc, want);
    assert_ptr_equal(f, (form *)0x1); /* written only on success */
    if (field)
        assert_string_equal(e.field, field);
    assert_true(e.msg[0] != '\0');
}

static void test_form_decodes(void **state)
{
    (void)state;
    form *f =
        parse_ok("service_code=utilities.heating_cold&description=%E6%9A%96%E6%B0%94+%E4%B8%8D"
                 "%E7%83%AD&lat=49.59&attribute[kind][]=a&attribute[kind][]=b&empty=");
    assert_int_equal(form_count(f), 6);
    assert_string_equal(form_get(f, "service_code"), "utilities.heating_cold");
    assert_string_equal(form_get(f, "description"), "暖气 不热");
    assert_string_equal(form_name(f, 3), "attribute[kind][]");
    assert_string_equal(form_value(f, 3), "a");
    assert_string_equal(form_value(f, 4), "b");
    assert_string_equal(form_get(f, "empty"), "");
    assert_null(form_get(f, "missing"));
    assert_null(form_name(f, 6));
    form_free(f);
    f = parse_ok("");
    assert_int_equal(form_count(f), 0);
    form_free(f);
    f = parse_ok("d=%0D%0Aline%09tab&raw=暖气"); /* escaped CR LF tab; raw UTF-8 */
    assert_string_equal(form_get(f, "d"), "\r\nline\ttab");
    assert_string_equal(form_get(f, "raw"), "暖气");
    form_free(f);
    form_free(NULL);
}

static void test_form_refuses(void **state)
{
    (void)state;
    parse_bad("a=1&&b=2", 8, GG_EINVAL, "body");
    parse_bad("&a=1", 4, GG_EINVAL, "body");
    parse_bad("a=1&", 4, GG_EINVAL, "body");
    parse_bad("a", 1, GG_EINVAL, "a");
    parse_bad("=1", 2, GG_EINVAL, NULL);
    parse_bad("a=%4", 4, GG_EINVAL, "a");
    parse_bad("a=%", 3, GG_EINVAL, "a");
    parse_bad("a=%zz", 5, GG_EINVAL, "a");
    parse_bad("a=%00", 5, GG_EINVAL, "a");
    parse_bad("a=%01", 5, GG_EINVAL, "a");
    parse_bad("a=%ff", 5, GG_EINVAL, "a");
    parse_bad("a=%C3%28", 8, GG_EINVAL, "a");
    parse_bad("a=x\ny", 5, GG_EINVAL, "a");
    parse_bad("a=x\0y", 5, GG_EINVAL, "a");
    parse_bad("a b=1", 5, GG_EINVAL, NULL);
    parse_bad("a%3Cb=1", 7, GG_EINVAL, NULL);
    parse_bad("a=1&a=2", 7, GG_EINVAL, "a");
    char name[GG_FORM_MAX_NAME + 8];
    memset(name, 'n', sizeof(name));
    memcpy(name + GG_FORM_MAX_NAME + 1, "=1", 3);
    parse_bad(name, strlen(name), GG_EINVAL, NULL);
    /* too many pairs, too long a value, too large a body */
    char *many = malloc(GG_FORM_MAX_FIELDS * 8 + 16);
    many[0] = '\0';
    for (int i = 0; i <= GG_FORM_MAX_FIELDS; i++)
        sprintf(many + strlen(many), "%sa%d=1", i ? "&" : "", i);
    parse_bad(many, strlen(many), GG_EINVAL, "body");
    free(many);
    size_t n = GG_FORM_MAX_VALUE + 3;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    memcpy(big, "v=", 2);
    big[n] = '\0';
    parse_bad(big, n, GG_EINVAL, "v");
    free(big);
    parse_bad("a=1", GG_FORM_MAX_BODY + 1, GG_ETOOBIG, "body");
}

/* UTC instant of a wall-clock moment at offset hours east. */
static int64_t at(int y, int mo, int d, int h, int mi, int s, int off_h)
{
    int64_t t;
    char buf[64];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
    assert_int_equal(iso8601_parse(buf, &t), 0);
    return t - off_h * 3600;
}

static void test_iso8601(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(iso8601_parse("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(iso8601_parse("2026-03-02T09:00:00+08:00", &t), 0);
    assert_int_equal(t, 1772413200);
    assert_int_equal(iso8601_parse("2026-03-02T01:00:00Z", &t), 0);
    assert_int_equal(t, 1772413200);
    assert_int_equal(iso8601_parse("2026-03-02T09:00+0800", &t), 0);
    assert_int_equal(t, 1772413200);
    assert_int_equal(iso8601_parse("2026-03-02T09:00:00 08:00", &t), 0); /* '+' unescaped */
    assert_int_equal(t, 1772413200);
    assert_int_equal(iso8601_parse("2026-03-02T09:00:00", &t), 0); /* no zone: CST */
    assert_int_equal(t, 1772413200);
    assert_int_equal(iso8601_parse("2026-03-02", &t), 0);
    assert_int_equal(t, at(2026, 3, 2, 0, 0, 0, 8));
    assert_int_equal(iso8601_parse("2026-03-01T20:00:00.123-05:00", &t), 0);
    assert_int_equal(t, at(2026, 3, 2, 1, 0, 0, 0));
    assert_int_equal(iso8601_parse("2024-02-29T23:59:59+08", &t), 0);
    assert_int_equal(t, at(2024, 2, 29, 15, 59, 59, 0));
    static const char *const bad[] = {
        "",
        "2026",
        "2026-13-01",
        "2026-02-29",
        "2100-02-29",
        "2026-04-31",
        "2026-00-10",
        "1899-12-31",
        "2026-03-02T24:00:00Z",
        "2026-03-02T09:60Z",
        "2026-03-02T09:00:60Z",
        "2026-03-02T09Z",
        "2026-03-02 09:00:00",
        "2026-03-02T09:00:00+19:00",
        "2026-03-02T09:00:00+08:60",
        "2026-03-02T09:00:00.Z",
        "2026-03-02T09:00:00Zjunk",
        "2026-3-2",
        "yesterday",
        "２０２６-03-02",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = -7;
        if (iso8601_parse(bad[i], &t) != GG_EINVAL)
            fail_msg("iso8601_parse(%s) accepted", bad[i]);
        assert_int_equal(t, -7);
    }
    assert_int_equal(iso8601_parse(NULL, &t), GG_EINVAL);
    char out[ISO8601_CST_LEN];
    iso8601_cst(1772413200, out);
    assert_string_equal(out, "2026-03-02T09:00:00+08:00");
    iso8601_cst(at(2025, 12, 31, 16, 0, 0, 0), out);
    assert_string_equal(out, "2026-01-01T00:00:00+08:00");
    assert_int_equal(iso8601_parse(out, &t), 0);
    assert_int_equal(t, at(2025, 12, 31, 16, 0, 0, 0));
}

static const char *const DEF =
    "[{\"code\":\"indoor_temp\",\"datatype\":\"number\",\"required\":true,\"description\":"
    "\"室内温度"
    "\",\"min\":-30,\"max\":40},"
    "{\"code\":\"radiator\",\"datatype\":\"singlevaluelist\",\"description\":\"暖气片\","
    "\"values\":[{\"key\":\"all_cold\",\"name\":\"全部不热\"},{\"key\":\"top\",\"name\":\"上热下凉"
    "\"}]},"
    "{\"code\":\"kind\",\"datatype\":\"multivaluelist\",\"description\":\"种类\","
    "\"values\":[{\"key\":\"a\",\"name\":\"甲\"},{\"key\":\"b\",\"name\":\"乙\"}]},"
    "{\"code\":\"since\",\"datatype\":\"datetime\",\"description\":\"开始\"},"
    "{\"code\":\"note\",\"datatype\":\"string\",\"description\":\"备注\",\"max_length\":4},"
    "{\"code\":\"notice\",\"datatype\":\"text\",\"variable\":false,\"description\":\"须知\"}]";

struct problems {
    int n;
    char fields[16][48];
};

static void collect(void *ctx, const char *field, const char *msg)
{
    struct problems *p = ctx;
    assert_true(gg_utf8_valid(msg, strlen(msg)));
    assert_non_null(strstr(msg, field));
    if (p->n < 16)
        snprintf(p->fields[p->n], sizeof(p->fields[0]), "%s", field);
    p->n++;
}

static int check(const svcattr_set *s, const char *body, struct problems *p, json_t **ans,
                 char **sum)
{
    form *f = parse_ok(body);
    memset(p, 0, sizeof(*p));
    *ans = NULL;
    *sum = NULL;
    int n = svcattr_check(s, f, collect, p, ans, sum);
    form_free(f);
    return n;
}

static void test_svcattr(void **state)
{
    (void)state;
    svcattr_set *s;
    gg_err e;
    assert_int_equal(svcattr_parse(DEF, &s, &e), 0);
    assert_int_equal(svcattr_count(s), 6);
    json_t *d = svcattr_definition(s);
    assert_int_equal(json_array_size(d), 6);
    json_t *a0 = json_array_get(d, 0);
    assert_string_equal(json_string_value(json_object_get(a0, "code")), "indoor_temp");
    assert_true(json_is_true(json_object_get(a0, "required")));
    assert_true(json_is_true(json_object_get(a0, "variable")));
    assert_int_equal(json_integer_value(json_object_get(a0, "order")), 1);
    assert_null(json_object_get(a0, "min")); /* not part of the spec's shape */
    assert_int_equal(json_array_size(json_object_get(json_array_get(d, 1), "values")), 2);
    assert_true(json_is_false(json_object_get(json_array_get(d, 5), "variable")));
    json_decref(d);

    struct problems p;
    json_t *ans;
    char *sum;
    assert_int_equal(check(s,
                           "attribute[indoor_temp]=15.5&attribute[radiator]=top&attribute[kind][]=b"
                           "&attribute[kind][]=a&attribute[since]=2026-01-15T07:30:00Z"
                           "&attribute[note]=%E5%A5%BD&other=x",
                           &p, &ans, &sum),
                     0);
    assert_true(json_real_value(json_object_get(ans, "indoor_temp")) == 15.5);
    assert_string_equal(json_string_value(json_object_get(ans, "radiator")), "top");
    assert_int_equal(json_array_size(json_object_get(ans, "kind")), 2);
    assert_string_equal(json_string_value(json_object_get(ans, "since")),
                        "2026-01-15T15:30:00+08:00");
    assert_string_equal(sum,
                        "室内温度：15.5；暖气片：上热下凉；种类：乙、甲；开始：2026-01-15T15:30:"
                        "00+08:00；备注：好");
    json_decref(ans);
    free(sum);
    assert_int_equal(check(s, "attribute[indoor_temp]=-30&attribute[kind]=a", &p, &ans, &sum), 0);
    assert_int_equal(json_integer_value(json_object_get(ans, "indoor_temp")), -30);
    assert_string_equal(sum, "室内温度：-30；种类：甲");
    json_decref(ans);
    free(sum);

    static const struct {
        const char *body;
        int problems;
        const char *field;
    } bad[] = {
        {"", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=abc", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=1e2", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=.5", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=5.", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=40.01", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=nan", 1, "attribute[indoor_temp]"},
        {"attribute[indoor_temp]=1&attribute[radiator]=cold", 1, "attribute[radiator]"},
        {"attribute[indoor_temp]=1&attribute[radiator][]=top", 1, "attribute[radiator]"},
        {"attribute[indoor_temp]=1&attribute[kind][]=a&attribute[kind][]=a", 1, "attribute[kind]"},
        {"attribute[indoor_temp]=1&attribute[kind][]=c", 1, "attribute[kind]"},
        {"attribute[indoor_temp]=1&attribute[since]=soon", 1, "attribute[since]"},
        {"attribute[indoor_temp]=1&attribute[note]=12345", 1, "attribute[note]"},
        {"attribute[indoor_temp]=1&attribute[notice]=x", 1, "attribute[notice]"},
        {"attribute[indoor_temp]=1&attribute[colour]=red", 1, "attribute[colour]"},
        {"attribute[indoor_temp]=1&attribute[x=1", 1, "attribute[x]"},
        {"attribute[indoor_temp]=1&attribute[]=1", 1, "attribute[?]"},
        {"attribute[radiator]=x&attribute[since]=y", 3, "attribute[radiator]"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int n = check(s, bad[i].body, &p, &ans, &sum);
        if (n != bad[i].problems || strcmp(p.fields[0], bad[i].field) != 0)
            fail_msg("%s: %d problems (first %s), want %d (%s)", bad[i].body, n, p.fields[0],
                     bad[i].problems, bad[i].field);
        assert_null(ans);
        assert_null(sum);
    }
    svcattr_free(s);
    svcattr_free(NULL);

    assert_int_equal(svcattr_parse("", &s, &e), 0);
    assert_int_equal(svcattr_count(s), 0);
    assert_int_equal(check(s, "attribute[x]=1", &p, &ans, &sum), 1);
    assert_int_equal(check(s, "a=1", &p, &ans, &sum), 0);
    assert_string_equal(sum, "");
    json_decref(ans);
    free(sum);
    svcattr_free(s);

    static const char *const bad_defs[] = {
        "{}",
        "[1]",
        "not json",
        "[{\"code\":\"A\",\"datatype\":\"string\",\"description\":\"x\"}]",
        "[{\"code\":\"a\",\"datatype\":\"colour\",\"description\":\"x\"}]",
        "[{\"code\":\"a\",\"datatype\":\"string\"}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\",\"required\":1}]",
        "[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"description\":\"x\"}]",
        "[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"description\":\"x\",\"values\":[]}]",
        "[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"description\":\"x\",\"values\":"
        "[{\"key\":\"k\",\"name\":\"n\"},{\"key\":\"k\",\"name\":\"m\"}]}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\",\"values\":[]}]",
        "[{\"code\":\"a\",\"datatype\":\"number\",\"description\":\"x\",\"min\":5,\"max\":1}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\",\"min\":5}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\",\"max_length\":0}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\",\"colour\":1}]",
        "[{\"code\":\"a\",\"datatype\":\"string\",\"description\":\"x\"},"
        "{\"code\":\"a\",\"datatype\":\"text\",\"description\":\"y\"}]",
    };
    for (size_t i = 0; i < sizeof(bad_defs) / sizeof(bad_defs[0]); i++) {
        s = (svcattr_set *)0x1;
        if (svcattr_parse(bad_defs[i], &s, &e) != GG_EINVAL)
            fail_msg("definition accepted: %s", bad_defs[i]);
        assert_ptr_equal(s, (svcattr_set *)0x1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_decodes),
        cmocka_unit_test(test_form_refuses),
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test(test_svcattr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
