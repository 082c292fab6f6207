/*
 * test_csvrow.c — unit tests of src/core/csvrow.c: the streaming reader
 * (line numbers with LF, CRLF and quoted line ends, the byte-order mark in
 * any chunking, blank rows, malformed CSV, the field cap), the header map
 * (English and Chinese names, unknown, repeated and missing columns) and
 * the validation of each field of a row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csvrow.h"

/* ---- helpers ---- */

#define MAX_RECS 16

/* What the reader handed over: records copied as "f1|f2|…" with their lines. */
struct seen {
    int n;
    int64_t line[MAX_RECS];
    int nfields[MAX_RECS];
    char text[MAX_RECS][256];
    int stop_at; /* return 7 from the callback on this record (1-based), 0 never */
};

static int collect(void *ctx, const csvrow_rec *rec)
{
    struct seen *s = ctx;
    if (s->n >= MAX_RECS)
        return 0;
    s->line[s->n] = rec->line;
    s->nfields[s->n] = rec->nfields;
    char *t = s->text[s->n];
    t[0] = '\0';
    for (int i = 0; i < rec->nfields && i < CSVROW_MAX_COLS; i++) {
        size_t used = strlen(t);
        snprintf(t + used, sizeof(s->text[0]) - used, "%s%.*s", i ? "|" : "", (int)rec->len[i],
                 rec->field[i]);
    }
    s->n++;
    return s->stop_at == s->n ? 7 : 0;
}

/* Read all of text in chunks of chunk bytes (0: at once). Returns the reader's result. */
static int read_all(const char *text, size_t len, size_t chunk, struct seen *s, csvrow_err *err)
{
    csvrow_reader *r = csvrow_reader_new(collect, s);
    assert_non_null(r);
    int rc = 0;
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len && rc == 0; off += step)
        rc = csvrow_reader_feed(r, text + off, len - off < step ? len - off : step, err);
    if (rc == 0)
        rc = csvrow_reader_finish(r, err);
    csvrow_reader_free(r);
    return rc;
}

static void make_rec(csvrow_rec *rec, int64_t line, const char *const *f, int n)
{
    memset(rec, 0, sizeof(*rec));
    rec->line = line;
    rec->nfields = n;
    for (int i = 0; i < n && i < CSVROW_MAX_COLS; i++) {
        rec->field[i] = f[i];
        rec->len[i] = strlen(f[i]);
    }
}

static char ref_check_char(const char *first17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

/* A valid ID number "150781" + "19800101" + seq (3 digits) + check, into out[19]. */
static void make_id(int seq, char out[19])
{
    snprintf(out, 19, "15078119800101%03u", (unsigned)seq % 1000u);
    out[17] = ref_check_char(out);
    out[18] = '\0';
}

static const char *const english[] = {"grid",     "estate", "building",  "unit",  "room",
                                      "area",     "name",   "id_number", "phone", "relation",
                                      "is_owner", "lat",    "lon"};

static void header_of(csvrow_header *h, const char *const *names, int n)
{
    csvrow_rec rec;
    csvrow_err errs[8];
    int nerr = -1;
    make_rec(&rec, 1, names, n);
    assert_int_equal(csvrow_header_parse(&rec, h, errs, 8, &nerr), 0);
    assert_int_equal(nerr, 0);
}

/* A good row in the English column order; tests change one field. */
struct row13 {
    char id[19];
    const char *f[13];
};

static void good_row(struct row13 *r)
{
    make_id(1, r->id);
    const char *f[13] = {
        "150781004004001", "华埠小区", "3号楼", "2",     "301",   "89.5", "张伟", r->id,
        "13800000000",     "head",     "1",     "49.59", "117.43"};
    memcpy(r->f, f, sizeof(f));
}

/* Parse r with the English header; expect the error field (NULL: expect success). */
static int parse13(struct row13 *r, csvrow *out, csvrow_err *err)
{
    csvrow_header h;
    header_of(&h, english, 13);
    csvrow_rec rec;
    make_rec(&rec, 5, r->f, 13);
    return csvrow_parse(&h, &rec, out, err);
}

static void expect_field_error(int col, const char *value, const char *field)
{
    struct row13 r;
    good_row(&r);
    r.f[col] = value;
    csvrow out;
    csvrow_err err = {0};
    if (parse13(&r, &out, &err) == 0)
        fail_msg("%s = \"%s\" accepted", english[col], value);
    assert_int_equal(err.line, 5);
    assert_string_equal(err.field, field);
    assert_true(err.reason[0] != '\0');
    /* the reason does not repeat the field name as a prefix */
    assert_false(strncmp(err.reason, field, strlen(field)) == 0 &&
                 err.reason[strlen(field)] == ':');
}

static void expect_field_ok(int col, const char *value, csvrow *out)
{
    struct row13 r;
    good_row(&r);
    r.f[col] = value;
    csvrow_err err = {0};
    if (parse13(&r, out, &err) != 0)
        fail_msg("%s = \"%s\" refused: %s: %s", english[col], value, err.field, err.reason);
}

/* ---- reader ---- */

static void test_reader_lines(void **state)
{
    (void)state;
    struct seen s = {0};
    csvrow_err err = {0};
    const char *t = "a,b\nc,d\r\n\r\n\ne,\"x\ny\"\nf,g";
    assert_int_equal(read_all(t, strlen(t), 0, &s, &err), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.line[0], 1);
    assert_string_equal(s.text[0], "a|b");
    assert_int_equal(s.line[1], 2);
    assert_int_equal(s.line[2], 5); /* after two blank lines */
    assert_string_equal(s.text[2], "e|x\ny");
    assert_int_equal(s.line[3], 7); /* the quoted line end counts */
    assert_string_equal(s.text[3], "f|g");
}

static void test_reader_chunking_and_bom(void **state)
{
    (void)state;
    const char *t = "\xEF\xBB\xBFgrid,name\r\n1,\"张\"\"三\"\r\n2,李四\r\n";
    for (size_t chunk = 0; chunk <= 5; chunk++) {
        struct seen s = {0};
        csvrow_err err = {0};
        assert_int_equal(read_all(t, strlen(t), chunk, &s, &err), 0);
        assert_int_equal(s.n, 3);
        assert_string_equal(s.text[0], "grid|name"); /* the mark is gone */
        assert_string_equal(s.text[1], "1|张\"三");
        assert_int_equal(s.line[2], 3);
    }
    /* Bytes that start like a mark but are not one are data. */
    struct seen s = {0};
    csvrow_err err = {0};
    const char *u = "\xEF\xBBx,y\n";
    assert_int_equal(read_all(u, strlen(u), 1, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.text[0], "\xEF\xBBx|y");
    /* A mark alone, or a file of blank rows, gives no record. */
    struct seen e = {0};
    assert_int_equal(read_all("\xEF\xBB\xBF", 3, 1, &e, &err), 0);
    const char *blank = "\n\r\n,,\n ,\t\n";
    assert_int_equal(read_all(blank, strlen(blank), 0, &e, &err), 0);
    assert_int_equal(e.n, 0);
    /* Only a mark at the very start is dropped. */
    struct seen m = {0};
    const char *v = "a\n\xEF\xBB\xBF"
                    "b\n";
    assert_int_equal(read_all(v, strlen(v), 0, &m, &err), 0);
    assert_string_equal(m.text[1], "\xEF\xBB\xBF"
                                   "b");
}

static void test_reader_malformed(void **state)
{
    (void)state;
    struct seen s = {0};
    csvrow_err err = {0};
    const char *t = "a,b\nc,d\"e\nf,g\n";
    assert_int_equal(read_all(t, strlen(t), 0, &s, &err), GG_EINVAL);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.reason, "malformed"));

    struct seen u = {0};
    csvrow_err e2 = {0};
    const char *v = "a,b\nc,\"never closed\n\n";
    assert_int_equal(read_all(v, strlen(v), 0, &u, &e2), GG_EINVAL);
    assert_int_equal(e2.line, 2);
    assert_non_null(strstr(e2.reason, "not closed"));
}

static void test_reader_field_cap(void **state)
{
    (void)state;
    size_t n = GG_CSV_MAX_FIELD + 100;
    char *t = malloc(n + 16);
    assert_non_null(t);
    memcpy(t, "x\n", 2);
    memset(t + 2, 'a', n);
    memcpy(t + 2 + n, "\n", 2);
    struct seen s = {0};
    csvrow_err err = {0};
    assert_int_equal(read_all(t, n + 3, 1000, &s, &err), GG_EINVAL);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.reason, "longer than"));
    /* Exactly at the cap is fine. */
    memset(t + 2, 'a', GG_CSV_MAX_FIELD);
    t[2 + GG_CSV_MAX_FIELD] = '\n';
    struct seen ok = {0};
    assert_int_equal(read_all(t, GG_CSV_MAX_FIELD + 3, 0, &ok, &err), 0);
    assert_int_equal(ok.n, 2);
    free(t);
}

static void test_reader_stop_and_many_fields(void **state)
{
    (void)state;
    struct seen s = {.stop_at = 2};
    csvrow_err err = {0};
    const char *t = "a\nb\nc\n";
    assert_int_equal(read_all(t, strlen(t), 0, &s, &err), 7);
    assert_int_equal(s.n, 2); /* nothing after the stop */

    char many[200];
    size_t used = 0;
    for (int i = 0; i < CSVROW_MAX_COLS + 5; i++)
        used += (size_t)snprintf(many + used, sizeof(many) - used, "x,");
    snprintf(many + used, sizeof(many) - used, "x\n");
    struct seen m = {0};
    assert_int_equal(read_all(many, strlen(many), 0, &m, &err), 0);
    assert_int_equal(m.nfields[0], CSVROW_MAX_COLS + 6); /* counted, though not all kept */
}

/* ---- header ---- */

static void test_header_names(void **state)
{
    (void)state;
    csvrow_header h;
    header_of(&h, english, 13);
    for (int c = 0; c < CSVROW_NCOLS; c++)
        assert_int_equal(h.pos[c], c);
    static const char *const zh[] = {"网格",     "小区", "楼栋",     "单元", "房号",
                                     "面积",     "姓名", "身份证号", "电话", "与户主关系",
                                     "是否业主", "纬度", "经度"};
    header_of(&h, zh, 13);
    for (int c = 0; c < CSVROW_NCOLS; c++)
        assert_int_equal(h.pos[c], c);
    /* any order, any ASCII case, spaces and a stray mark trimmed, optional columns absent */
    static const char *const mixed[] = {"\xEF\xBB\xBF"
                                        "Name",
                                        " ID_NUMBER ",
                                        "Grid",
                                        "楼栋",
                                        "room",
                                        "AREA",
                                        "身份证号码"};
    csvrow_rec rec;
    csvrow_err errs[8];
    int n;
    make_rec(&rec, 1, mixed, 6);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), 0);
    assert_int_equal(h.pos[CSVROW_NAME], 0);
    assert_int_equal(h.pos[CSVROW_ID_NUMBER], 1);
    assert_int_equal(h.pos[CSVROW_GRID], 2);
    assert_int_equal(h.pos[CSVROW_BUILDING], 3);
    assert_int_equal(h.pos[CSVROW_PHONE], -1);
    assert_int_equal(h.ncols, 6);
    assert_string_equal(csvrow_col_name(CSVROW_ID_NUMBER), "id_number");
}

static void test_header_errors(void **state)
{
    (void)state;
    csvrow_header h;
    csvrow_rec rec;
    csvrow_err errs[8];
    int n;
    static const char *const unknown[] = {"grid", "building",  "room",  "area",
                                          "name", "id_number", "color", "size"};
    make_rec(&rec, 1, unknown, 8);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), GG_EINVAL);
    assert_int_equal(n, 2);
    assert_string_equal(errs[0].field, "color");
    assert_string_equal(errs[1].field, "size");
    assert_int_equal(errs[0].line, 1);
    assert_non_null(strstr(errs[0].reason, "unknown column"));

    static const char *const twice[] = {"grid", "building",  "room", "area",
                                        "name", "id_number", "网格"};
    make_rec(&rec, 1, twice, 7);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), GG_EINVAL);
    assert_int_equal(n, 1);
    assert_string_equal(errs[0].field, "grid");

    static const char *const missing[] = {"grid", "building", "area", "lat"};
    make_rec(&rec, 1, missing, 4);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), GG_EINVAL);
    assert_int_equal(n, 4); /* room, name, id_number, and lon without lat */
    assert_string_equal(errs[0].field, "room");
    assert_string_equal(errs[1].field, "name");
    assert_string_equal(errs[2].field, "id_number");
    assert_string_equal(errs[3].field, "lon");

    static const char *const empty[] = {"grid", "",     "building", "room",
                                        "area", "name", "id_number"};
    make_rec(&rec, 1, empty, 7);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), GG_EINVAL);
    assert_string_equal(errs[0].field, "column 2");

    /* more errors than room: all counted, the first ones kept */
    static const char *const junk[] = {"a", "b", "c", "d"};
    make_rec(&rec, 1, junk, 4);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 2, &n), GG_EINVAL);
    assert_int_equal(n, 4 + 6);
    assert_string_equal(errs[1].field, "b");

    /* a name that is not UTF-8 is not echoed */
    static const char *const bad[] = {"\xff\xfe", "grid", "building", "room",
                                      "area",     "name", "id_number"};
    make_rec(&rec, 1, bad, 7);
    assert_int_equal(csvrow_header_parse(&rec, &h, errs, 8, &n), GG_EINVAL);
    assert_string_equal(errs[0].field, "(not UTF-8)");
}

/* ---- rows ---- */

static void test_row_good(void **state)
{
    (void)state;
    struct row13 r;
    good_row(&r);
    csvrow out;
    csvrow_err err = {0};
    assert_int_equal(parse13(&r, &out, &err), 0);
    assert_int_equal(out.line, 5);
    assert_string_equal(out.grid, "150781004004001");
    assert_string_equal(out.estate, "华埠小区");
    assert_string_equal(out.building, "3号楼");
    assert_string_equal(out.unit, "2");
    assert_string_equal(out.room, "301");
    assert_int_equal(out.area_centi, 8950);
    assert_string_equal(out.name, "张伟");
    assert_string_equal(out.id_number, r.id);
    assert_string_equal(out.phone, "13800000000");
    assert_string_equal(out.relation, "head");
    assert_int_equal(out.is_owner, 1);
    assert_int_equal(out.has_coords, 1);
    assert_true(out.lat > 49.58 && out.lat < 49.6);
    assert_true(out.lon > 117.42 && out.lon < 117.44);
}

static void test_row_optional_and_trimmed(void **state)
{
    (void)state;
    csvrow out;
    expect_field_ok(1, "", &out); /* no estate */
    assert_string_equal(out.estate, "");
    expect_field_ok(3, "", &out); /* no unit */
    assert_string_equal(out.unit, "");
    expect_field_ok(8, "", &out); /* no phone */
    assert_string_equal(out.phone, "");
    expect_field_ok(8, "'0470-6221234", &out); /* Excel's text mark */
    assert_string_equal(out.phone, "0470-6221234");
    expect_field_ok(9, "", &out); /* relation defaults to head */
    assert_string_equal(out.relation, "head");
    expect_field_ok(10, "", &out); /* is_owner defaults to no */
    assert_int_equal(out.is_owner, 0);
    expect_field_ok(6, "  张 伟 ", &out); /* spaces around are trimmed, inside kept */
    assert_string_equal(out.name, "张 伟");

    /* lat/lon both empty: no coordinates */
    struct row13 r;
    good_row(&r);
    r.f[11] = r.f[12] = "";
    csvrow_err err;
    assert_int_equal(parse13(&r, &out, &err), 0);
    assert_int_equal(out.has_coords, 0);

    /* a header without the optional columns */
    static const char *const six[] = {"grid", "building", "room", "area", "name", "id_number"};
    csvrow_header h;
    header_of(&h, six, 6);
    char id[19];
    make_id(7, id);
    const char *f[6] = {"150781004004001", "平房", "1", "45", "李四", id};
    csvrow_rec rec;
    make_rec(&rec, 2, f, 6);
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), 0);
    assert_string_equal(out.relation, "head");
    assert_int_equal(out.has_coords, 0);
}

static void test_row_id_number(void **state)
{
    (void)state;
    csvrow out;
    char id[19], low[19], bad[19];
    /* find a sequence whose check character is X, to test the lower-case x */
    int seq = 0;
    for (;; seq++) {
        make_id(seq, id);
        if (id[17] == 'X')
            break;
    }
    memcpy(low, id, 19);
    low[17] = 'x';
    expect_field_ok(7, low, &out);
    assert_string_equal(out.id_number, id);
    char quoted[20];
    snprintf(quoted, sizeof(quoted), "'%s", id);
    expect_field_ok(7, quoted, &out);
    memcpy(bad, id, 19);
    bad[17] = '0';
    expect_field_error(7, bad, "id_number");
    expect_field_error(7, "", "id_number");
    expect_field_error(7, "15078119800101001", "id_number");            /* 17 characters */
    expect_field_error(7, "150781198013010011", "id_number");           /* month 13 */
    expect_field_error(7, "15078119800101001X0000000000", "id_number"); /* too long */
}

static void test_row_field_errors(void **state)
{
    (void)state;
    char longname[GG_MAX_NAME * 3 + 8];
    for (int i = 0; i <= GG_MAX_NAME; i++)
        memcpy(longname + 3 * i, "张", 3);
    longname[3 * (GG_MAX_NAME + 1)] = '\0';
    expect_field_error(0, "", "grid");
    expect_field_error(0, "150781004004", "grid"); /* a community, not a grid */
    expect_field_error(0, "15078100400400a", "grid");
    expect_field_error(1, longname, "estate");
    expect_field_error(2, "", "building");
    expect_field_error(2, longname, "building");
    expect_field_error(3, "12345678901234567", "unit"); /* 17 characters */
    expect_field_error(4, "", "room");
    expect_field_error(5, "", "area");
    expect_field_error(5, "0", "area");
    expect_field_error(5, "89.555", "area");
    expect_field_error(5, "-3", "area");
    expect_field_error(5, "八十", "area");
    expect_field_error(5, "1234567890123456789012345678901234567890", "area");
    expect_field_error(6, "", "name");
    expect_field_error(6, longname, "name");
    expect_field_error(8, "12345", "phone");
    expect_field_error(8, "138-0000-0000", "phone");
    expect_field_error(9, "boss", "relation");
    expect_field_error(10, "maybe", "is_owner");
    expect_field_error(11, "", "lat"); /* lon given alone */
    expect_field_error(12, "", "lon");
    expect_field_error(11, "91", "lat");
    expect_field_error(11, "1e2", "lat");
    expect_field_error(11, "49.", "lat");
    expect_field_error(12, "-180.5", "lon");
    expect_field_error(12, "nan", "lon");
    expect_field_error(6, "\xE5\xBC", "name");      /* cut UTF-8 */
    expect_field_error(2, "a\xC0\x80", "building"); /* overlong NUL */
}

static void test_row_field_count(void **state)
{
    (void)state;
    csvrow_header h;
    header_of(&h, english, 13);
    struct row13 r;
    good_row(&r);
    csvrow out;
    csvrow_err err;
    csvrow_rec rec;
    make_rec(&rec, 9, r.f, 8); /* 8 of 13 fields */
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), GG_EINVAL);
    assert_int_equal(err.line, 9);
    assert_string_equal(err.field, "phone"); /* the first missing column */
    assert_non_null(strstr(err.reason, "8 fields"));

    const char *more[15];
    memcpy(more, r.f, sizeof(r.f));
    more[13] = "";
    more[14] = " ";
    make_rec(&rec, 9, more, 15); /* trailing empty fields are harmless */
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), 0);
    more[14] = "extra";
    make_rec(&rec, 9, more, 15);
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), GG_EINVAL);
    assert_string_equal(err.field, "row");

    make_rec(&rec, 9, more, 15);
    rec.nfields = CSVROW_MAX_COLS + 1;
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), GG_EINVAL);
    assert_string_equal(err.field, "row");
}

static void test_row_embedded_nul(void **state)
{
    (void)state;
    csvrow_header h;
    header_of(&h, english, 13);
    struct row13 r;
    good_row(&r);
    csvrow_rec rec;
    make_rec(&rec, 3, r.f, 13);
    rec.len[6] = 7; /* "张伟" is 6 bytes: the 7th is its NUL terminator */
    csvrow out;
    csvrow_err err;
    assert_int_equal(csvrow_parse(&h, &rec, &out, &err), GG_EINVAL);
    assert_string_equal(err.field, "name");
}

static void test_relations_and_booleans(void **state)
{
    (void)state;
    static const struct {
        const char *text, *rel;
    } rels[] = {
        {"户主", "head"},   {"配偶", "spouse"},       {"子女", "child"},
        {"父母", "parent"}, {"孙子女", "grandchild"}, {"兄弟姐妹", "sibling"},
        {"租户", "tenant"}, {"其他", "other"},        {"Spouse", "spouse"},
        {"CHILD", "child"}, {" tenant ", "tenant"},
    };
    csvrow out;
    for (size_t i = 0; i < GG_ARRAY_LEN(rels); i++) {
        expect_field_ok(9, rels[i].text, &out);
        assert_string_equal(out.relation, rels[i].rel);
    }
    static const struct {
        const char *text;
        int v;
    } bools[] = {
        {"是", 1}, {"否", 0}, {"1", 1},   {"0", 0},  {"true", 1}, {"FALSE", 0},
        {"Y", 1},  {"n", 0},  {"yes", 1}, {"No", 0}, {" Y ", 1},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(bools); i++) {
        int v = -1;
        assert_int_equal(csvrow_parse_bool(bools[i].text, strlen(bools[i].text), &v), 0);
        assert_int_equal(v, bools[i].v);
        expect_field_ok(10, bools[i].text, &out);
        assert_int_equal(out.is_owner, bools[i].v);
    }
    static const char *const nots[] = {"", "2", "t", "yess", "是的", "on"};
    for (size_t i = 0; i < GG_ARRAY_LEN(nots); i++) {
        int v = -1;
        assert_int_equal(csvrow_parse_bool(nots[i], strlen(nots[i]), &v), GG_EINVAL);
        assert_int_equal(v, -1);
    }
}

static void test_utf8_cut(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"abc", "abc"},       {"", ""},
        {"张", "张"},         {"a\xE5\xBC", "a"},
        {"a\xE5", "a"},       {"张\xE5", "张"},
        {"\xF0\x9F\x98", ""}, {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
        {"x\xC3", "x"},       {"x\xC3\xA9", "x\xC3\xA9"},
    };
    for (size_t i = 0; i < GG_ARRAY_LEN(cases); i++) {
        char buf[16];
        gg_strlcpy(buf, cases[i].in, sizeof(buf));
        gg_utf8_cut(buf);
        assert_string_equal(buf, cases[i].out);
    }
}

/* The reader and the row checks together, as the import engine uses them. */
struct pipeline {
    csvrow_header h;
    int have_header;
    int good;
    csvrow_err bad[8];
    int nbad;
};

static int pipeline_record(void *ctx, const csvrow_rec *rec)
{
    struct pipeline *p = ctx;
    if (!p->have_header) {
        int n;
        assert_int_equal(csvrow_header_parse(rec, &p->h, p->bad, 8, &n), 0);
        p->have_header = 1;
        return 0;
    }
    csvrow row;
    if (csvrow_parse(&p->h, rec, &row, &p->bad[p->nbad]) == 0)
        p->good++;
    else if (p->nbad < 7)
        p->nbad++;
    return 0;
}

static void test_pipeline(void **state)
{
    (void)state;
    char id1[19], id2[19], text[1024];
    make_id(11, id1);
    make_id(12, id2);
    snprintf(text, sizeof(text),
             "\xEF\xBB\xBF网格,楼栋,房号,面积,姓名,身份证号,是否业主\r\n"
             "150781004004001,1号楼,101,60,\"王\r\n五\",%s,是\r\n"
             "150781004004001,1号楼,102,abc,赵六,%s,否\r\n",
             id1, id2);
    struct pipeline p = {0};
    csvrow_reader *r = csvrow_reader_new(pipeline_record, &p);
    csvrow_err err;
    for (size_t i = 0; text[i]; i++)
        assert_int_equal(csvrow_reader_feed(r, text + i, 1, &err), 0);
    assert_int_equal(csvrow_reader_finish(r, &err), 0);
    assert_int_equal(csvrow_reader_lines(r), 5);
    csvrow_reader_free(r);
    csvrow_reader_free(NULL);
    assert_int_equal(p.good, 1);
    assert_int_equal(p.nbad, 1);
    assert_int_equal(p.bad[0].line, 4);
    assert_string_equal(p.bad[0].field, "area");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_lines),
        cmocka_unit_test(test_reader_chunking_and_bom),
        cmocka_unit_test(test_reader_malformed),
        cmocka_unit_test(test_reader_field_cap),
        cmocka_unit_test(test_reader_stop_and_many_fields),
        cmocka_unit_test(test_header_names),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_row_good),
        cmocka_unit_test(test_row_optional_and_trimmed),
        cmocka_unit_test(test_row_id_number),
        cmocka_unit_test(test_row_field_errors),
        cmocka_unit_test(test_row_field_count),
        cmocka_unit_test(test_row_embedded_nul),
        cmocka_unit_test(test_relations_and_booleans),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_pipeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
