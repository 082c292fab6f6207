/*
 * fuzz_idnum.c — libFuzzer harness for the checks of short identifiers that
 * come from outside: ID numbers (idnum_check, GB 11643), phones
 * (phone_check), areas (area_parse) and place codes. Beyond not crashing,
 * it holds the checks to their own promises: an accepted ID number has the
 * check character its digits call for and a real birth date, an accepted
 * area formats back to the same value, and every message is valid UTF-8
 * (messages end up in JSON answers).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "gg.h"
#include "idnum.h"
#include "place.h"

#define MAX_INPUT 64

static void check(int cond)
{
    if (!cond)
        abort();
}

static void check_msg(const gg_err *e)
{
    check(gg_utf8_valid(e->msg, strlen(e->msg)));
    check(gg_utf8_valid(e->field, strlen(e->field)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    char s[MAX_INPUT + 1];
    memcpy(s, data, size);
    s[size] = '\0';
    gg_err e;
    char out[64];

    gg_err_clear(&e);
    if (idnum_check(s, "id_number", &e) == 0) {
        char n[19];
        idnum_normalize(s, n);
        check(strlen(n) == 18);
        check(idnum_check_char(n) == n[17]);
        int birth = idnum_birth(n);
        check(birth >= 19000101 && birth % 100 >= 1 && birth / 100 % 100 <= 12);
        check(idnum_sex(n) == 1 || idnum_sex(n) == 2);
        idnum_mask(n, out, sizeof(out));
        check(strlen(out) == 18 && memcmp(out + 6, "********", 8) == 0);
    } else {
        check_msg(&e);
    }

    gg_err_clear(&e);
    if (phone_check(s, "phone", &e) == 0) {
        phone_mask(s, out, sizeof(out));
        check(strlen(out) == strlen(s) && strchr(out, '*') != NULL);
    } else {
        check_msg(&e);
    }
    phone_mask(s, out, 4); /* truncation to a small buffer */
    idnum_mask(s, out, 1);

    gg_err_clear(&e);
    int64_t c = -1;
    if (area_parse(s, "area", &c, &e) == 0) {
        check(c > 0 && c <= AREA_MAX_CENTI);
        char f[32];
        int64_t back = -1;
        area_format(c, f, sizeof(f));
        check(area_parse(f, "area", &back, NULL) == 0 && back == c);
    } else {
        check(c == -1); /* written only on success */
        check_msg(&e);
    }

    enum place_level lv = place_level_of(s);
    check(lv == PLACE_INVALID || (int)strlen(s) == place_code_len(lv));
    if (lv != PLACE_INVALID)
        check(place_in_scope(s, s));
    place_short_name(s, out, sizeof(out));
    check(strlen(out) < sizeof(out));
    return 0;
}
