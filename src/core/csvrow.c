/*
 * csvrow.c — the residents import file without the database: a streaming
 * CSV reader over libcsv that knows on which physical line each record
 * starts, the header map, and the validation of one record's fields.
 *
 * libcsv reports every unquoted line end (CSV_REPALL_NL), so lines are
 * counted exactly: a CRLF arrives as '\r' then '\n' with no field between,
 * and line ends inside quoted fields are counted from the field's bytes.
 * Strict mode refuses a stray quote; a capped allocator refuses a field
 * longer than GG_CSV_MAX_FIELD bytes before it fills memory.
 */
#include "csvrow.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "idnum.h"
#include "place.h"
#include "resource.h"

/* ---- the reader ---- */

/* Bytes of one record's fields, each NUL-terminated. */
#define REC_BYTES ((size_t)CSVROW_MAX_COLS * (GG_CSV_MAX_FIELD + 1))
/* libcsv grows its field buffer in small blocks; refuse growth a little past the cap. */
#define FIELD_ALLOC_CAP ((size_t)GG_CSV_MAX_FIELD + 512)

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

struct csvrow_reader {
    struct csv_parser p;
    csvrow_record_fn fn;
    void *ctx;
    int64_t line;     /* physical line the parser is on */
    int64_t rec_line; /* line on which the current record started */
    int prev_cr;      /* the last line end was a bare '\r' (a '\n' may follow) */
    int any_data;     /* the current record has a non-empty field */
    size_t bom_seen;  /* leading bytes that matched the byte-order mark */
    int bom_done;
    int stop;       /* non-zero: the callback's value or our own error */
    csvrow_err err; /* our own error, when stop came from the reader */
    char *buf;      /* REC_BYTES */
    size_t used;
    csvrow_rec rec;
};

static void *capped_realloc(void *p, size_t n)
{
    if (n > FIELD_ALLOC_CAP)
        return NULL;
    return realloc(p, n);
}

static void reader_fail(csvrow_reader *r, const char *field, const char *reason)
{
    r->stop = GG_EINVAL;
    r->err.line = r->rec_line;
    gg_strlcpy(r->err.field, field, sizeof(r->err.field));
    gg_strlcpy(r->err.reason, reason, sizeof(r->err.reason));
}

static void on_field(void *data, size_t n, void *ctx)
{
    csvrow_reader *r = ctx;
    if (r->stop)
        return;
    const char *s = data ? data : "";
    for (const char *nl = memchr(s, '\n', n); nl;
         nl = memchr(nl + 1, '\n', n - (size_t)(nl + 1 - s)))
        r->line++;
    if (n > GG_CSV_MAX_FIELD) {
        char why[96];
        snprintf(why, sizeof(why), "a field is longer than %d bytes", GG_CSV_MAX_FIELD);
        reader_fail(r, "", why);
        return;
    }
    int i = r->rec.nfields;
    if (i < CSVROW_MAX_COLS) {
        memcpy(r->buf + r->used, s, n);
        r->buf[r->used + n] = '\0';
        r->rec.field[i] = r->buf + r->used;
        r->rec.len[i] = n;
        r->used += n + 1;
    }
    if (n)
        r->any_data = 1;
    if (r->rec.nfields < INT32_MAX)
        r->rec.nfields++;
}

static void on_record(int c, void *ctx)
{
    csvrow_reader *r = ctx;
    if (r->stop)
        return;
    int empty = r->rec.nfields == 0;
    if (!empty && r->any_data) {
        r->rec.line = r->rec_line;
        int rc = r->fn(r->ctx, &r->rec);
        if (rc)
            r->stop = rc;
    }
    r->rec.nfields = 0;
    r->used = 0;
    r->any_data = 0;
    /* The '\n' of a CRLF arrives as a record of its own: not a new line. */
    if (c == '\n' && empty && r->prev_cr)
        r->prev_cr = 0;
    else if (c != -1) {
        r->line++;
        r->prev_cr = c == '\r';
    }
    r->rec_line = r->line;
}

csvrow_reader *csvrow_reader_new(csvrow_record_fn fn, void *ctx)
{
    csvrow_reader *r = xcalloc(1, sizeof(*r));
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_realloc_func(&r->p, capped_realloc);
    r->fn = fn;
    r->ctx = ctx;
    r->line = 1;
    r->rec_line = 1;
    r->buf = xmalloc(REC_BYTES);
    return r;
}

/* The reader's own error or the callback's code, once stopped. */
static int stopped(csvrow_reader *r, csvrow_err *err)
{
    if (r->stop == GG_EINVAL && r->err.reason[0] && err)
        *err = r->err;
    return r->stop;
}

static int parse(csvrow_reader *r, const void *p, size_t n, csvrow_err *err)
{
    size_t k = csv_parse(&r->p, p, n, on_field, on_record, r);
    if (r->stop)
        return stopped(r, err);
    if (k < n) {
        if (csv_error(&r->p) == CSV_EPARSE)
            reader_fail(r, "",
                        "malformed CSV: a quote inside an unquoted field or text after a "
                        "closing quote (quote the field and double its quotes)");
        else {
            char why[96];
            snprintf(why, sizeof(why), "a field is longer than %d bytes", GG_CSV_MAX_FIELD);
            reader_fail(r, "", why);
        }
        return stopped(r, err);
    }
    return 0;
}

int csvrow_reader_feed(csvrow_reader *r, const void *p, size_t n, csvrow_err *err)
{
    const unsigned char *s = p;
    if (r->stop)
        return stopped(r, err);
    if (!r->bom_done) {
        while (n > 0 && r->bom_seen < 3 && *s == utf8_bom[r->bom_seen]) {
            r->bom_seen++;
            s++;
            n--;
        }
        if (r->bom_seen == 3) {
            r->bom_done = 1;
        } else if (n > 0) {
            /* Not a byte-order mark after all: the bytes held back are data. */
            r->bom_done = 1;
            int rc = r->bom_seen ? parse(r, utf8_bom, r->bom_seen, err) : 0;
            if (rc)
                return rc;
        } else {
            return 0;
        }
    }
    return n ? parse(r, s, n, err) : 0;
}

int csvrow_reader_finish(csvrow_reader *r, csvrow_err *err)
{
    if (r->stop)
        return stopped(r, err);
    if (!r->bom_done) {
        r->bom_done = 1;
        int rc = r->bom_seen && r->bom_seen < 3 ? parse(r, utf8_bom, r->bom_seen, err) : 0;
        if (rc)
            return rc;
    }
    if (csv_fini(&r->p, on_field, on_record, r) != 0 && !r->stop)
        reader_fail(r, "",
                    "malformed CSV: a quoted field is not closed before the end of the file");
    return r->stop ? stopped(r, err) : 0;
}

int64_t csvrow_reader_lines(const csvrow_reader *r)
{
    return r->line;
}

void csvrow_reader_free(csvrow_reader *r)
{
    if (!r)
        return;
    csv_free(&r->p);
    free(r->buf);
    free(r);
}

/* ---- the header ---- */

static const struct {
    const char *en;
    const char *zh;
    int required;
} col_names[CSVROW_NCOLS] = {
    [CSVROW_GRID] = {"grid", "网格", 1},
    [CSVROW_ESTATE] = {"estate", "小区", 0},
    [CSVROW_BUILDING] = {"building", "楼栋", 1},
    [CSVROW_UNIT] = {"unit", "单元", 0},
    [CSVROW_ROOM] = {"room", "房号", 1},
    [CSVROW_AREA] = {"area", "面积", 1},
    [CSVROW_NAME] = {"name", "姓名", 1},
    [CSVROW_ID_NUMBER] = {"id_number", "身份证号", 1},
    [CSVROW_PHONE] = {"phone", "电话", 0},
    [CSVROW_RELATION] = {"relation", "与户主关系", 0},
    [CSVROW_IS_OWNER] = {"is_owner", "是否业主", 0},
    [CSVROW_LAT] = {"lat", "纬度", 0},
    [CSVROW_LON] = {"lon", "经度", 0},
};

/* Other spellings met in real registers. */
static const struct {
    const char *name;
    enum csvrow_col col;
} col_aliases[] = {
    {"身份证号码", CSVROW_ID_NUMBER},
    {"联系电话", CSVROW_PHONE},
    {"手机号", CSVROW_PHONE},
};

const char *csvrow_col_name(enum csvrow_col c)
{
    return (int)c >= 0 && c < CSVROW_NCOLS ? col_names[c].en : "";
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim spaces and tabs around s[0..*n); returns the new start. */
static const char *trim(const char *s, size_t *n)
{
    while (*n && is_space(*s)) {
        s++;
        (*n)--;
    }
    while (*n && is_space(s[*n - 1]))
        (*n)--;
    return s;
}

/* Equal ignoring ASCII case: b is a NUL-terminated lower-case name. */
static int name_eq(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (; i < n && b[i]; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[i])
            return 0;
    }
    return i == n && b[i] == '\0';
}

static int col_of_name(const char *s, size_t n)
{
    for (int c = 0; c < CSVROW_NCOLS; c++)
        if (name_eq(s, n, col_names[c].en) || name_eq(s, n, col_names[c].zh))
            return c;
    for (size_t i = 0; i < GG_ARRAY_LEN(col_aliases); i++)
        if (name_eq(s, n, col_aliases[i].name))
            return (int)col_aliases[i].col;
    return -1;
}

/* Copy a field's text into out for a message: valid UTF-8, cut at a character boundary. */
static void shown_text(const char *s, size_t n, char *out, size_t cap)
{
    if (!gg_utf8_valid(s, n)) {
        gg_strlcpy(out, "(not UTF-8)", cap);
        return;
    }
    size_t k = n < cap - 1 ? n : cap - 1;
    while (k > 0 && k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    memcpy(out, s, k);
    out[k] = '\0';
}

static void add_err(csvrow_err *errs, int max, int *n, int64_t line, const char *field,
                    const char *reason)
{
    if (*n < max) {
        errs[*n].line = line;
        gg_strlcpy(errs[*n].field, field, sizeof(errs[*n].field));
        gg_strlcpy(errs[*n].reason, reason, sizeof(errs[*n].reason));
        gg_utf8_cut(errs[*n].reason);
    }
    (*n)++;
}

int csvrow_header_parse(const csvrow_rec *rec, csvrow_header *h, csvrow_err *errs, int max_errs,
                        int *nerrs)
{
    int n = 0;
    csvrow_header m;
    m.ncols = rec->nfields;
    for (int c = 0; c < CSVROW_NCOLS; c++)
        m.pos[c] = -1;
    if (rec->nfields > CSVROW_MAX_COLS) {
        char why[80];
        snprintf(why, sizeof(why), "the header has %d columns; at most %d are allowed",
                 rec->nfields, CSVROW_MAX_COLS);
        add_err(errs, max_errs, &n, rec->line, "header", why);
    }
    int cols = rec->nfields < CSVROW_MAX_COLS ? rec->nfields : CSVROW_MAX_COLS;
    for (int i = 0; i < cols; i++) {
        size_t len = rec->len[i];
        const char *s = rec->field[i];
        if (len >= 3 && memcmp(s, utf8_bom, 3) == 0) {
            s += 3;
            len -= 3;
        }
        s = trim(s, &len);
        char shown[64];
        shown_text(s, len, shown, sizeof(shown));
        int c = col_of_name(s, len);
        if (len == 0) {
            snprintf(shown, sizeof(shown), "column %d", i + 1);
            add_err(errs, max_errs, &n, rec->line, shown, "the column has no name");
        } else if (c < 0) {
            add_err(errs, max_errs, &n, rec->line, shown,
                    "unknown column; known columns are grid, estate, building, unit, room, "
                    "area, name, id_number, phone, relation, is_owner, lat, lon");
        } else if (m.pos[c] >= 0) {
            add_err(errs, max_errs, &n, rec->line, col_names[c].en, "the column appears twice");
        } else {
            m.pos[c] = i;
        }
    }
    for (int c = 0; c < CSVROW_NCOLS; c++)
        if (col_names[c].required && m.pos[c] < 0)
            add_err(errs, max_errs, &n, rec->line, col_names[c].en,
                    "required column is missing from the header");
    if ((m.pos[CSVROW_LAT] < 0) != (m.pos[CSVROW_LON] < 0))
        add_err(errs, max_errs, &n, rec->line, m.pos[CSVROW_LAT] < 0 ? "lat" : "lon",
                "lat and lon columns go together");
    *nerrs = n;
    if (n)
        return GG_EINVAL;
    *h = m;
    return 0;
}

/* ---- one record ---- */

/* Record err for field; a message that starts with "field: " loses that prefix. */
static int row_fail(csvrow_err *err, int64_t line, const char *field, const char *msg)
{
    size_t fl = strlen(field);
    if (strncmp(msg, field, fl) == 0 && msg[fl] == ':' && msg[fl + 1] == ' ')
        msg += fl + 2;
    err->line = line;
    gg_strlcpy(err->field, field, sizeof(err->field));
    gg_strlcpy(err->reason, msg, sizeof(err->reason));
    gg_utf8_cut(err->reason);
    return GG_EINVAL;
}

/* The trimmed text of column c (empty if the column is absent). */
static const char *cell(const csvrow_header *h, const csvrow_rec *rec, enum csvrow_col c, size_t *n)
{
    int i = h->pos[c];
    if (i < 0 || i >= rec->nfields || i >= CSVROW_MAX_COLS) {
        *n = 0;
        return "";
    }
    *n = rec->len[i];
    return trim(rec->field[i], n);
}

/* Copy a text cell of at most max code points into out (size cap, which fits 4 bytes each). */
static int take_text(const char *s, size_t n, size_t max, int required, char *out, size_t cap,
                     const csvrow_rec *rec, const char *field, csvrow_err *err)
{
    char why[96];
    if (required && n == 0)
        return row_fail(err, rec->line, field, "is required");
    size_t cps = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cps++;
    if (cps > max || n >= cap) {
        snprintf(why, sizeof(why), "is longer than %zu characters", max);
        return row_fail(err, rec->line, field, why);
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* A copy of a short cell (ID number, phone, area …) into out, or a "too long" error. */
static int take_short(const char *s, size_t n, char *out, size_t cap, const csvrow_rec *rec,
                      const char *field, csvrow_err *err)
{
    if (n >= cap)
        return row_fail(err, rec->line, field, "is too long");
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

int csvrow_parse_bool(const char *s, size_t n, int *v)
{
    static const struct {
        const char *text;
        int v;
    } words[] = {
        {"是", 1},    {"否", 0}, {"1", 1}, {"0", 0},   {"true", 1},
        {"false", 0}, {"y", 1},  {"n", 0}, {"yes", 1}, {"no", 0},
    };
    s = trim(s, &n);
    for (size_t i = 0; i < GG_ARRAY_LEN(words); i++) {
        if (name_eq(s, n, words[i].text)) {
            *v = words[i].v;
            return 0;
        }
    }
    return GG_EINVAL;
}

/* Chinese names of the relations, and English ones in any case. */
static const char *relation_of(const char *s, size_t n)
{
    static const struct {
        const char *text;
        const char *rel;
    } zh[] = {
        {"户主", "head"},         {"本人", "head"},         {"配偶", "spouse"},
        {"妻子", "spouse"},       {"丈夫", "spouse"},       {"妻", "spouse"},
        {"夫", "spouse"},         {"子女", "child"},        {"子", "child"},
        {"女", "child"},          {"儿子", "child"},        {"女儿", "child"},
        {"父母", "parent"},       {"父亲", "parent"},       {"母亲", "parent"},
        {"孙子女", "grandchild"}, {"孙子", "grandchild"},   {"孙女", "grandchild"},
        {"外孙子", "grandchild"}, {"外孙女", "grandchild"}, {"兄弟姐妹", "sibling"},
        {"租户", "tenant"},       {"租客", "tenant"},       {"其他", "other"},
    };
    const struct res_def *def = res_find("residents");
    const struct res_field *f = def ? res_field(def, "relation") : NULL;
    if (!f || !f->enums)
        return NULL;
    const char *want = NULL;
    for (size_t i = 0; i < GG_ARRAY_LEN(zh) && !want; i++)
        if (name_eq(s, n, zh[i].text))
            want = zh[i].rel;
    for (const char *const *e = f->enums; *e; e++)
        if (want ? strcmp(*e, want) == 0 : name_eq(s, n, *e))
            return *e;
    return NULL;
}

/* A decimal coordinate: [-+]digits[.digits], within [min, max]. */
static int parse_coord(const char *s, size_t n, double min, double max, double *out)
{
    char tmp[40];
    if (n == 0 || n >= sizeof(tmp))
        return GG_EINVAL;
    size_t i = 0;
    if (s[i] == '-' || s[i] == '+')
        i++;
    size_t digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.') {
        i++;
        size_t frac = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            frac++;
        if (frac == 0)
            return GG_EINVAL;
    }
    if (digits == 0 || i != n)
        return GG_EINVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = strtod(tmp, NULL);
    if (!(v >= min && v <= max))
        return GG_EINVAL;
    *out = v;
    return 0;
}

/* Drop one leading apostrophe (Excel's "keep as text" mark) from an ID number or phone. */
static const char *strip_apostrophe(const char *s, size_t *n)
{
    if (*n && *s == '\'') {
        (*n)--;
        return s + 1;
    }
    return s;
}

static int check_count(const csvrow_header *h, const csvrow_rec *rec, csvrow_err *err)
{
    char why[96];
    if (rec->nfields < h->ncols) {
        snprintf(why, sizeof(why), "the row has %d fields, the header has %d", rec->nfields,
                 h->ncols);
        for (int c = 0; c < CSVROW_NCOLS; c++)
            if (h->pos[c] == rec->nfields)
                return row_fail(err, rec->line, col_names[c].en, why);
        return row_fail(err, rec->line, "row", why);
    }
    if (rec->nfields > CSVROW_MAX_COLS) {
        snprintf(why, sizeof(why), "the row has %d fields, the header has %d", rec->nfields,
                 h->ncols);
        return row_fail(err, rec->line, "row", why);
    }
    /* Trailing empty fields (a spreadsheet's stray commas) are harmless. */
    for (int i = h->ncols; i < rec->nfields; i++) {
        size_t n = rec->len[i];
        trim(rec->field[i], &n);
        if (n) {
            snprintf(why, sizeof(why), "the row has %d fields, the header has %d", rec->nfields,
                     h->ncols);
            return row_fail(err, rec->line, "row", why);
        }
    }
    for (int c = 0; c < CSVROW_NCOLS; c++) {
        int i = h->pos[c];
        if (i >= 0 && !gg_utf8_valid(rec->field[i], rec->len[i]))
            return row_fail(err, rec->line, col_names[c].en,
                            "is not valid UTF-8 text (save the file as UTF-8)");
    }
    return 0;
}

/* Grid code and the place text fields. */
static int parse_place(const csvrow_header *h, const csvrow_rec *rec, csvrow *o, csvrow_err *err)
{
    size_t n;
    const char *s = cell(h, rec, CSVROW_GRID, &n);
    if (n == 0)
        return row_fail(err, rec->line, "grid", "is required");
    if (n != 15 || take_short(s, n, o->grid, sizeof(o->grid), rec, "grid", err) != 0 ||
        place_level_of(o->grid) != PLACE_GRID)
        return row_fail(err, rec->line, "grid", "must be a 15-digit grid code");
    s = cell(h, rec, CSVROW_ESTATE, &n);
    if (take_text(s, n, GG_MAX_NAME, 0, o->estate, sizeof(o->estate), rec, "estate", err))
        return GG_EINVAL;
    s = cell(h, rec, CSVROW_BUILDING, &n);
    if (take_text(s, n, GG_MAX_NAME, 1, o->building, sizeof(o->building), rec, "building", err))
        return GG_EINVAL;
    s = cell(h, rec, CSVROW_UNIT, &n);
    if (take_text(s, n, 16, 0, o->unit, sizeof(o->unit), rec, "unit", err))
        return GG_EINVAL;
    s = cell(h, rec, CSVROW_ROOM, &n);
    if (take_text(s, n, 16, 1, o->room, sizeof(o->room), rec, "room", err))
        return GG_EINVAL;
    char tmp[32];
    gg_err e;
    s = cell(h, rec, CSVROW_AREA, &n);
    if (n == 0)
        return row_fail(err, rec->line, "area", "is required");
    if (take_short(s, n, tmp, sizeof(tmp), rec, "area", err))
        return GG_EINVAL;
    if (area_parse(tmp, "area", &o->area_centi, &e) != 0)
        return row_fail(err, rec->line, "area", e.msg);
    return 0;
}

/* The resident's own fields. */
static int parse_person(const csvrow_header *h, const csvrow_rec *rec, csvrow *o, csvrow_err *err)
{
    size_t n;
    gg_err e;
    const char *s = cell(h, rec, CSVROW_NAME, &n);
    if (take_text(s, n, GG_MAX_NAME, 1, o->name, sizeof(o->name), rec, "name", err))
        return GG_EINVAL;
    char tmp[32];
    s = cell(h, rec, CSVROW_ID_NUMBER, &n);
    s = strip_apostrophe(s, &n);
    if (n == 0)
        return row_fail(err, rec->line, "id_number", "is required");
    if (take_short(s, n, tmp, sizeof(tmp), rec, "id_number", err))
        return GG_EINVAL;
    if (idnum_check(tmp, "id_number", &e) != 0)
        return row_fail(err, rec->line, "id_number", e.msg);
    idnum_normalize(tmp, o->id_number);
    s = cell(h, rec, CSVROW_PHONE, &n);
    s = strip_apostrophe(s, &n);
    o->phone[0] = '\0';
    if (n) {
        if (take_short(s, n, tmp, sizeof(tmp), rec, "phone", err))
            return GG_EINVAL;
        if (phone_check(tmp, "phone", &e) != 0)
            return row_fail(err, rec->line, "phone", e.msg);
        gg_strlcpy(o->phone, tmp, sizeof(o->phone));
    }
    s = cell(h, rec, CSVROW_RELATION, &n);
    o->relation = n ? relation_of(s, n) : "head";
    if (!o->relation)
        return row_fail(err, rec->line, "relation",
                        "must be one of head, spouse, child, parent, grandchild, sibling, "
                        "tenant, other (or 户主, 配偶, 子女, 父母, 孙子女, 兄弟姐妹, 租户, 其他)");
    s = cell(h, rec, CSVROW_IS_OWNER, &n);
    o->is_owner = 0;
    if (n && csvrow_parse_bool(s, n, &o->is_owner) != 0)
        return row_fail(err, rec->line, "is_owner", "must be 是/否, 1/0, true/false or Y/N");
    return 0;
}

static int parse_coords(const csvrow_header *h, const csvrow_rec *rec, csvrow *o, csvrow_err *err)
{
    size_t nlat, nlon;
    const char *lat = cell(h, rec, CSVROW_LAT, &nlat);
    const char *lon = cell(h, rec, CSVROW_LON, &nlon);
    o->has_coords = 0;
    o->lat = o->lon = 0;
    if (!nlat && !nlon)
        return 0;
    if (!nlat || !nlon)
        return row_fail(err, rec->line, nlat ? "lon" : "lat", "lat and lon go together");
    if (parse_coord(lat, nlat, -90, 90, &o->lat) != 0)
        return row_fail(err, rec->line, "lat", "must be a decimal latitude from -90 to 90");
    if (parse_coord(lon, nlon, -180, 180, &o->lon) != 0)
        return row_fail(err, rec->line, "lon", "must be a decimal longitude from -180 to 180");
    o->has_coords = 1;
    return 0;
}

int csvrow_parse(const csvrow_header *h, const csvrow_rec *rec, csvrow *out, csvrow_err *err)
{
    if (check_count(h, rec, err) || parse_place(h, rec, out, err) ||
        parse_person(h, rec, out, err) || parse_coords(h, rec, out, err))
        return GG_EINVAL;
    out->line = rec->line;
    return 0;
}
