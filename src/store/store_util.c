/*
 * store_util.c — range bounds for place prefixes, LIKE escaping and
 * row-to-JSON conversion.
 */
#include "store_util.h"

#include <stdio.h>
#include <string.h>

void store_prefix_upper(const char *prefix, char *out, size_t n)
{
    snprintf(out, n, "%s:", prefix);
}

void store_like_pattern(const char *q, char *out, size_t n)
{
    size_t j = 0;
    if (n < 3) {
        if (n)
            out[0] = '\0';
        return;
    }
    out[j++] = '%';
    for (const char *p = q; *p && j + 3 < n; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[j++] = '\\';
        out[j++] = *p;
    }
    out[j++] = '%';
    out[j] = '\0';
}

json_t *store_row_json(db_stmt *s)
{
    json_t *o = json_object();
    int n = db_col_count(s);
    for (int i = 0; i < n; i++) {
        const char *name = db_col_name(s, i);
        switch (db_col_type(s, i)) {
        case 'i':
            json_object_set_new(o, name, json_integer(db_col_i64(s, i)));
            break;
        case 'f':
            json_object_set_new(o, name, json_real(db_col_double(s, i)));
            break;
        case 'n':
            json_object_set_new(o, name, json_null());
            break;
        default:
            json_object_set_new(o, name, json_string(db_col_text(s, i)));
        }
    }
    return o;
}
