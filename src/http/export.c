/*
 * export.c — lists as spreadsheets: CSV (RFC 4180 via libcsv, with a UTF-8
 * byte-order mark so that Excel reads Chinese text correctly) and .xlsx
 * (libxlsxwriter). Used by every list endpoint's ?format= and by the CLI.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "http.h"
#include "limits.h"

/* Text of a JSON scalar for a cell into out. */
static const char *cell_text(const json_t *v, char *buf, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    case JSON_REAL:
        snprintf(buf, n, "%.7f", json_real_value(v));
        return buf;
    case JSON_TRUE:
        return "是";
    case JSON_FALSE:
        return "否";
    default:
        return "";
    }
}

static int csv_field(gg_buf *b, const char *s)
{
    size_t n = strlen(s);
    char small[512];
    char *out = 2 * n + 3 <= sizeof(small) ? small : xmalloc(2 * n + 3);
    size_t w = csv_write(out, 2 * n + 3, s, n);
    int rc = gg_buf_append(b, out, w);
    if (out != small)
        free(out);
    return rc;
}

int export_csv(json_t *rows, const char *const *cols, const char *const *labels, int ncols,
               gg_buf *out)
{
    int rc = gg_buf_append(out, "\xEF\xBB\xBF", 3);
    for (int c = 0; c < ncols && rc == 0; c++) {
        rc = csv_field(out, labels[c]);
        if (rc == 0)
            rc = gg_buf_puts(out, c + 1 < ncols ? "," : "\r\n");
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        for (int c = 0; c < ncols && rc == 0; c++) {
            char buf[64];
            rc = csv_field(out, cell_text(json_object_get(row, cols[c]), buf, sizeof(buf)));
            if (rc == 0)
                rc = gg_buf_puts(out, c + 1 < ncols ? "," : "\r\n");
        }
        if (rc)
            break;
    }
    return rc;
}

int export_xlsx(json_t *rows, const char *const *cols, const char *const *labels, int ncols,
                const char *sheet, gg_buf *out)
{
    char path[] = "/tmp/gridgov-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return GG_EIO;
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        return GG_EIO;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    for (int c = 0; c < ncols; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, labels[c], head);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (i + 1 >= LXW_ROW_MAX)
            break;
        for (int c = 0; c < ncols; c++) {
            json_t *v = json_object_get(row, cols[c]);
            char buf[64];
            if (json_is_integer(v) && llabs((long long)json_integer_value(v)) < (1LL << 53))
                worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)c,
                                       (double)json_integer_value(v), NULL);
            else if (json_is_real(v))
                worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, json_real_value(v),
                                       NULL);
            else
                worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c,
                                       cell_text(v, buf, sizeof(buf)), NULL);
        }
    }
    worksheet_freeze_panes(ws, 1, 0);
    int rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : GG_EIO;
    FILE *f = rc ? NULL : fopen(path, "rb");
    if (f) {
        char buf[65536];
        size_t n;
        while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
            rc = gg_buf_append(out, buf, n);
        fclose(f);
    } else {
        rc = GG_EIO;
    }
    unlink(path);
    return rc;
}

int http_reply_table(http_req *r, const char *format, const char *filename, json_t *rows,
                     const char *const *columns, const char *const *labels, int ncolumns)
{
    gg_buf b;
    gg_buf_init(&b, (size_t)1 << 30);
    int rc;
    const char *type;
    if (strcmp(format, "csv") == 0) {
        rc = export_csv(rows, columns, labels, ncolumns, &b);
        type = "text/csv; charset=utf-8";
    } else {
        rc = export_xlsx(rows, columns, labels, ncolumns, filename, &b);
        type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    json_decref(rows);
    if (rc) {
        gg_buf_free(&b);
        return http_fail(r, rc, "format", "cannot write the %s file", format);
    }
    snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.%s\"", filename,
             format);
    free(r->resp);
    r->resp = b.data ? b.data : xstrdup("");
    r->resp_len = b.len;
    r->status = 200;
    r->content_type = type;
    return 0;
}
