/*
 * csvrow.h — reading and validating the residents import file, one record
 * at a time, with no I/O and no database: a streaming CSV reader (libcsv,
 * RFC 4180) that numbers physical lines, the header map, and the checks of
 * one record's fields. The import engine (store_import.c) adds what needs
 * the database; the fuzz harness drives exactly this code.
 *
 * The file: UTF-8 with or without a byte-order mark, CRLF or LF, a header
 * row, then one row per resident with the household's columns repeated:
 *
 *   grid,estate,building,unit,room,area,name,id_number,phone,relation,is_owner[,lat,lon]
 *
 * Columns are matched by name in any order (Chinese aliases 网格, 小区, 楼栋,
 * 单元, 房号, 面积, 姓名, 身份证号, 电话, 与户主关系, 是否业主, 纬度, 经度 too);
 * unknown and repeated columns are refused. Required: grid, building, room,
 * area, name, id_number; the others may be absent or empty. docs/import.md
 * describes each column.
 */
#ifndef GG_CSVROW_H
#define GG_CSVROW_H

#include <stddef.h>
#include <stdint.h>

#include "gg.h"
#include "limits.h"

#define CSVROW_MAX_COLS GG_CSV_MAX_COLS
#define CSVROW_NAME_BYTES (GG_MAX_NAME * 4 + 1) /* a name of GG_MAX_NAME code points */
#define CSVROW_KEY_BYTES (16 * 4 + 1)           /* unit, room: 16 code points */

/* The columns the import knows, in their canonical order. */
enum csvrow_col {
    CSVROW_GRID,
    CSVROW_ESTATE,
    CSVROW_BUILDING,
    CSVROW_UNIT,
    CSVROW_ROOM,
    CSVROW_AREA,
    CSVROW_NAME,
    CSVROW_ID_NUMBER,
    CSVROW_PHONE,
    CSVROW_RELATION,
    CSVROW_IS_OWNER,
    CSVROW_LAT,
    CSVROW_LON,
    CSVROW_NCOLS
};

/* Canonical (English) name of a column: "id_number". */
const char *csvrow_col_name(enum csvrow_col c);

/* An error about one record: its line, the field (column name) and why. */
typedef struct csvrow_err {
    int64_t line;
    char field[64];
    char reason[256];
} csvrow_err;

/*
 * One record as slices of the reader's buffer, valid only during the
 * record callback. Every field is NUL-terminated at field[i][len[i]] (a
 * field may also contain NUL bytes, which validation refuses).
 */
typedef struct csvrow_rec {
    int64_t line; /* physical line (1-based) on which the record starts */
    int nfields;  /* fields in the record, also those past CSVROW_MAX_COLS */
    const char *field[CSVROW_MAX_COLS];
    size_t len[CSVROW_MAX_COLS];
} csvrow_rec;

/*
 * Called once per record that has a non-empty field (blank lines and rows
 * of empty fields are skipped). Return 0 to go on; anything else stops the
 * reader, and that value is returned by csvrow_reader_feed/finish.
 */
typedef int (*csvrow_record_fn)(void *ctx, const csvrow_rec *rec);

typedef struct csvrow_reader csvrow_reader;

/* A new reader that hands records to fn(ctx, …). Free with csvrow_reader_free. */
csvrow_reader *csvrow_reader_new(csvrow_record_fn fn, void *ctx);

/*
 * Feed the next n bytes of the file (any chunking; a byte-order mark at the
 * very start is skipped). Returns 0, the callback's non-zero value, or
 * GG_EINVAL for malformed CSV (a stray quote, a field longer than
 * GG_CSV_MAX_FIELD bytes) with err naming the line; reading cannot go on
 * after an error.
 */
int csvrow_reader_feed(csvrow_reader *r, const void *p, size_t n, csvrow_err *err);

/* End of input: flushes a last record without a line end. Same returns as feed. */
int csvrow_reader_finish(csvrow_reader *r, csvrow_err *err);

/* Physical lines seen so far. */
int64_t csvrow_reader_lines(const csvrow_reader *r);

/* Free a reader; NULL is a no-op. */
void csvrow_reader_free(csvrow_reader *r);

/* Which file column holds which known column. */
typedef struct csvrow_header {
    int ncols;             /* fields in the header record */
    int pos[CSVROW_NCOLS]; /* file column of each known column, or -1 if absent */
} csvrow_header;

/*
 * Map the header record rec. Names are matched after trimming spaces and a
 * leading byte-order mark, ASCII case-insensitively, English or Chinese.
 * Writes up to max_errs errors (unknown or repeated columns, missing
 * required ones, too many columns) into errs and their count into *nerrs.
 * Returns 0 with *h filled, or GG_EINVAL if there was any error.
 */
int csvrow_header_parse(const csvrow_rec *rec, csvrow_header *h, csvrow_err *errs, int max_errs,
                        int *nerrs);

/* One validated row: the resident and the household they live in. */
typedef struct csvrow {
    int64_t line;
    char grid[16];
    char estate[CSVROW_NAME_BYTES]; /* "" when the building has no estate */
    char building[CSVROW_NAME_BYTES];
    char unit[CSVROW_KEY_BYTES]; /* may be "" */
    char room[CSVROW_KEY_BYTES];
    int64_t area_centi; /* hundredths of m² */
    char name[CSVROW_NAME_BYTES];
    char id_number[19];   /* upper-cased check character */
    char phone[16];       /* "" when none */
    const char *relation; /* one of the resource's relations (static) */
    int is_owner;         /* 0 or 1 */
    int has_coords;       /* lat and lon were given */
    double lat, lon;
} csvrow;

/*
 * Validate one data record against header h: field count, UTF-8, lengths,
 * the grid code shape, area (area_parse), ID number (idnum_check), phone
 * (phone_check), relation (English or Chinese: 户主, 配偶, 子女 …), is_owner
 * (是/否, 1/0, true/false, Y/N, yes/no) and coordinates (both or neither,
 * in range). Fields are trimmed of spaces; an ID number or phone may carry
 * a leading apostrophe, as Excel users type to keep digits as text.
 * Returns 0 with *out filled, or GG_EINVAL with *err (line, field, reason)
 * about the first bad field.
 */
int csvrow_parse(const csvrow_header *h, const csvrow_rec *rec, csvrow *out, csvrow_err *err);


/*
 * Parse a yes/no cell: 是/否, 1/0, true/false, Y/N, yes/no (ASCII case-
 * insensitive, trimmed). Returns 0 with *v = 0 or 1, or GG_EINVAL.
 */
int csvrow_parse_bool(const char *s, size_t n, int *v);

#endif
