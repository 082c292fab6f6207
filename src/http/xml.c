/*
 * xml.c — a small XML writer for answers that must be XML (Open311): a JSON
 * value built for the JSON answer is written out as elements, so that the
 * two formats always carry the same data.
 */
#include <stdio.h>
#include <string.h>

#include "http_internal.h"

/*
 * Escape UTF-8 text s (valid, as jansson guarantees) for element content:
 * the five special characters as entities, CR as a character reference (a
 * parser would fold it into LF), and characters outside XML 1.0's Char
 * production (C0 controls, U+FFFE, U+FFFF) as U+FFFD.
 */
static int put_text(gg_buf *out, const char *s)
{
    int rc = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0; p++) {
        unsigned char c = *p;
        switch (c) {
        case '&':
            rc = gg_buf_puts(out, "&amp;");
            break;
        case '<':
            rc = gg_buf_puts(out, "&lt;");
            break;
        case '>':
            rc = gg_buf_puts(out, "&gt;");
            break;
        case '"':
            rc = gg_buf_puts(out, "&quot;");
            break;
        case '\'':
            rc = gg_buf_puts(out, "&apos;");
            break;
        case '\r':
            rc = gg_buf_puts(out, "&#13;");
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                rc = gg_buf_puts(out, "\xEF\xBF\xBD");
            } else if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
                rc = gg_buf_puts(out, "\xEF\xBF\xBD");
                p += 2;
            } else {
                rc = gg_buf_append(out, p, 1);
            }
        }
    }
    return rc;
}

static int render(json_t *v, const char *name, const char *(*item_name)(const char *), gg_buf *out,
                  int depth)
{
    if (depth > 16)
        return GG_ETOOBIG;
    int rc = 0;
    if (json_is_null(v))
        return gg_buf_printf(out, "<%s/>", name);
    if ((rc = gg_buf_printf(out, "<%s>", name)) != 0)
        return rc;
    if (json_is_object(v)) {
        const char *key;
        json_t *x;
        json_object_foreach (v, key, x) {
            if ((rc = render(x, key, item_name, out, depth + 1)) != 0)
                return rc;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        const char *item = item_name(name);
        json_array_foreach (v, i, x) {
            if ((rc = render(x, item, item_name, out, depth + 1)) != 0)
                return rc;
        }
    } else if (json_is_string(v)) {
        rc = put_text(out, json_string_value(v));
    } else if (json_is_boolean(v)) {
        rc = gg_buf_puts(out, json_is_true(v) ? "true" : "false");
    } else if (json_is_integer(v)) {
        rc = gg_buf_printf(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        rc = gg_buf_printf(out, "%.12g", json_real_value(v));
    }
    return rc ? rc : gg_buf_printf(out, "</%s>", name);
}

int http_xml_render(json_t *v, const char *root, const char *(*item_name)(const char *name),
                    gg_buf *out)
{
    int rc = gg_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    return rc ? rc : render(v, root, item_name, out, 0);
}
