/*
 * fuzz_csv_row.c — libFuzzer harness for the residents import file: the
 * csvrow reader (libcsv, line counting, byte-order mark, field cap) and the
 * validation of the header and of every row, exactly as the import engine
 * drives them. The input is fed in two chunks split at a point taken from
 * its first byte, so chunk boundaries move around.
 *
 * When the first record is not a valid header, the rows are still checked
 * against the standard 13 columns, so row validation is fuzzed either way.
 * Beyond not crashing: every error (line, field, reason) is valid UTF-8 and
 * names a line that exists; every accepted row holds what it promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "csvrow.h"
#include "idnum.h"
#include "place.h"

struct state {
    csvrow_header h;
    int have_header;
    int64_t last_line;
};

static void check(int cond)
{
    if (!cond)
        abort();
}

static void check_err(const csvrow_err *e, int64_t max_line)
{
    check(e->line >= 1 && e->line <= max_line);
    check(gg_utf8_valid(e->field, strlen(e->field)));
    check(gg_utf8_valid(e->reason, strlen(e->reason)));
    check(e->reason[0] != '\0');
}

static void check_row(const csvrow *r)
{
    check(place_level_of(r->grid) == PLACE_GRID);
    check(r->building[0] && r->room[0] && r->name[0]);
    check(gg_utf8_valid(r->estate, strlen(r->estate)));
    check(gg_utf8_valid(r->building, strlen(r->building)));
    check(gg_utf8_valid(r->unit, strlen(r->unit)));
    check(gg_utf8_valid(r->room, strlen(r->room)));
    check(gg_utf8_valid(r->name, strlen(r->name)));
    check(gg_utf8_len(r->name) <= GG_MAX_NAME && gg_utf8_len(r->unit) <= 16);
    check(r->area_centi > 0 && r->area_centi <= AREA_MAX_CENTI);
    check(idnum_check(r->id_number, "id_number", NULL) == 0 && r->id_number[17] != 'x');
    check(!r->phone[0] || phone_check(r->phone, "phone", NULL) == 0);
    check(r->relation != NULL && (r->is_owner == 0 || r->is_owner == 1));
    check(!r->has_coords || (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180));
}

static int on_record(void *ctx, const csvrow_rec *rec)
{
    struct state *s = ctx;
    check(rec->line >= 1 && rec->line >= s->last_line);
    s->last_line = rec->line;
    check(rec->nfields >= 1);
    for (int i = 0; i < rec->nfields && i < CSVROW_MAX_COLS; i++)
        check(rec->len[i] <= GG_CSV_MAX_FIELD && rec->field[i][rec->len[i]] == '\0');
    if (!s->have_header) {
        csvrow_err errs[8];
        int n = 0;
        s->have_header = 1;
        if (csvrow_header_parse(rec, &s->h, errs, 8, &n) == 0)
            return 0;
        check(n > 0);
        for (int i = 0; i < n && i < 8; i++)
            check_err(&errs[i], rec->line);
        s->h.ncols = CSVROW_NCOLS;
        for (int c = 0; c < CSVROW_NCOLS; c++)
            s->h.pos[c] = c;
        return 0;
    }
    csvrow row;
    csvrow_err e;
    if (csvrow_parse(&s->h, rec, &row, &e) == 0) {
        check(row.line == rec->line);
        check_row(&row);
    } else {
        check_err(&e, rec->line);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 16))
        return 0;
    struct state s = {0};
    csvrow_reader *r = csvrow_reader_new(on_record, &s);
    check(r != NULL);
    size_t split = size ? data[0] % (size + 1) : 0;
    csvrow_err e = {0};
    int rc = csvrow_reader_feed(r, data, split, &e);
    if (rc == 0)
        rc = csvrow_reader_feed(r, data + split, size - split, &e);
    if (rc == 0)
        rc = csvrow_reader_finish(r, &e);
    if (rc)
        check_err(&e, csvrow_reader_lines(r));
    check(csvrow_reader_lines(r) >= s.last_line);
    csvrow_reader_free(r);
    return 0;
}
