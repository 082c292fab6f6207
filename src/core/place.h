/*
 * place.h — the statistical division codes that name every place: county
 * (6 digits), street/town (9), community/village (12) and grid (15: the
 * community code plus a 3-digit serial, as in DB11/T 2157-2023).
 * Places form a tree by prefix, which is also how access scope works.
 */
#ifndef GG_PLACE_H
#define GG_PLACE_H

#include "gg.h"

enum place_level {
    PLACE_INVALID = 0,
    PLACE_PROVINCE = 1, /* 2 digits */
    PLACE_CITY = 2,     /* 4 digits */
    PLACE_COUNTY = 3,   /* 6 digits */
    PLACE_STREET = 4,   /* 9 digits */
    PLACE_COMMUNITY = 5,/* 12 digits */
    PLACE_GRID = 6,     /* 15 digits */
};

/* Level of a code by its length and shape (all digits); PLACE_INVALID otherwise. */
enum place_level place_level_of(const char *code);

/* Number of digits a code of that level has (0 for PLACE_INVALID). */
int place_code_len(enum place_level lv);

/* True if code lies within scope (scope is a prefix of code, at a level boundary). */
int place_in_scope(const char *scope, const char *code);

/* Build the grid code for community code (12 digits) and serial 1..999 into out[16]. */
int place_grid_code(const char *community, int serial, char out[16]);

/* Serial (1..999) of a 15-digit grid code, or GG_EINVAL. */
int place_grid_serial(const char *grid);

/* Name of a level in English ("county", "street", ...) for APIs. */
const char *place_level_name(enum place_level lv);

/*
 * Short display name of an official community/village name: strips the
 * suffixes 居民委员会, 居委会, 村民委员会 and 村委会 (so "华埠社区居委会" → "华埠社区",
 * "某某村村民委员会" → "某某村"). Writes into out (size n).
 * A village keeps one 村: "某某村民委员会" and "某某村委会" → "某某村". A bare
 * suffix is kept whole; out is truncated at a character boundary. NULL → "".
 */
void place_short_name(const char *official, char *out, size_t n);

#endif
