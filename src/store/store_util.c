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

int store_collect_page(db_stmt *s, int rc, int limit, void (*fix)(json_t *row, const void *ctx),
                       const void *ctx, json_t **out, int64_t *next)
{
    json_t *arr = json_array();
    *next = 0;
    while (rc == DB_ROW) {
        if ((int)json_array_size(arr) == limit) {
            *next = json_integer_value(
                json_object_get(json_array_get(arr, json_array_size(arr) - 1), "id"));
            break;
        }
        json_t *row = store_row_json(s);
        if (fix)
            fix(row, ctx);
        json_array_append_new(arr, row);
        rc = db_step(s);
    }
    db_finalize(s);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}
