/*
 * fuzz_form.c — libFuzzer harness for the Open311 form body: the strict
 * application/x-www-form-urlencoded decoder (form_parse), the service
 * attribute checks run on what it decoded (svcattr_check against the
 * definition of 停水停电-like questions), and ISO-8601 date-times
 * (iso8601_parse). Beyond not crashing, it holds them to their promises:
 * decoded names and values obey the decoder's rules, answers come back
 * only without problems, an accepted date-time formats and parses back to
 * the same instant, and every message is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "gg.h"
#include "iso8601.h"
#include "limits.h"
#include "svcattr.h"

static void check(int cond)
{
    if (!cond)
        abort();
}

static const char DEF[] =
    "[{\"code\":\"utility\",\"datatype\":\"singlevaluelist\",\"required\":true,\"description\":"
    "\"停了什么\",\"values\":[{\"key\":\"water\",\"name\":\"停水\"},{\"key\":\"power\",\"name\":"
    "\"停电\"}]},{\"code\":\"kind\",\"datatype\":\"multivaluelist\",\"description\":\"种类\","
    "\"values\":[{\"key\":\"a\",\"name\":\"甲\"},{\"key\":\"b\",\"name\":\"乙\"}]},"
    "{\"code\":\"temp\",\"datatype\":\"number\",\"description\":\"温度\",\"min\":-30,\"max\":40},"
    "{\"code\":\"since\",\"datatype\":\"datetime\",\"description\":\"开始\"},"
    "{\"code\":\"note\",\"datatype\":\"string\",\"description\":\"备注\",\"max_length\":8},"
    "{\"code\":\"info\",\"datatype\":\"text\",\"variable\":false,\"description\":\"须知\"}]";

static int problems_seen;

static void report(void *ctx, const char *field, const char *msg)
{
    (void)ctx;
    check(strncmp(field, "attribute[", 10) == 0);
    check(gg_utf8_valid(msg, strlen(msg)));
    problems_seen++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static svcattr_set *attrs;
    if (!attrs) {
        gg_err e;
        check(svcattr_parse(DEF, &attrs, &e) == 0);
    }
    form *f = NULL;
    gg_err e = {0};
    int rc = form_parse((const char *)data, size, &f, &e);
    if (rc != 0) {
        check(f == NULL);
        check(rc == GG_EINVAL || (rc == GG_ETOOBIG && size > GG_FORM_MAX_BODY));
        check(gg_utf8_valid(e.msg, strlen(e.msg)) && gg_utf8_valid(e.field, strlen(e.field)));
        check(e.msg[0] != '\0');
    } else {
        check(form_count(f) <= GG_FORM_MAX_FIELDS);
        for (int i = 0; i < form_count(f); i++) {
            const char *n = form_name(f, i), *v = form_value(f, i);
            size_t nl = strlen(n), vl = strlen(v);
            check(nl >= 1 && nl <= GG_FORM_MAX_NAME && vl <= GG_FORM_MAX_VALUE);
            check(
                strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-[]") ==
                nl);
            check(gg_utf8_valid(v, vl));
            check(form_get(f, n) != NULL);
        }
        json_t *ans = NULL;
        char *sum = NULL;
        problems_seen = 0;
        int n = svcattr_check(attrs, f, report, NULL, &ans, &sum);
        check(n == problems_seen);
        if (n == 0) {
            check(ans != NULL && sum != NULL && gg_utf8_valid(sum, strlen(sum)));
            check(json_object_get(ans, "utility") != NULL);
        } else {
            check(ans == NULL && sum == NULL);
        }
        json_decref(ans);
        free(sum);
        form_free(f);
    }
    if (size <= 64) {
        char s[65];
        memcpy(s, data, size);
        s[size] = '\0';
        int64_t t = -1, back = -2;
        if (iso8601_parse(s, &t) == 0) {
            char out[ISO8601_CST_LEN];
            iso8601_cst(t, out);
            check(strlen(out) == ISO8601_CST_LEN - 1 || t < 0 || t > 253402300799);
            if (t >= -2208988800 && t <= 253402271999) {
                check(iso8601_parse(out, &back) == 0 && back == t);
            }
        } else {
            check(t == -1);
        }
    }
    return 0;
}
