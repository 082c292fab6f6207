/*
 * place.c — statistical division codes: the level of a code from its
 * length, scope tests by prefix, grid codes (community code + 3-digit
 * serial) and short display names of communities and villages.
 *
 * A code's level is read from its length alone, so a scope test is a
 * prefix test between two well-formed codes; nothing here consults the
 * division tables.
 */
#include "place.h"

#include <string.h>

/* Digits per level, indexed by enum place_level. */
static const int place_lens[] = {0, 2, 4, 6, 9, 12, 15};

static const char *const place_names[] = {
    "invalid", "province", "city", "county", "street", "community", "grid",
};

/*
 * Suffixes of official names of residents' and villagers' committees; one
 * is stripped. The village forms keep their leading 村 unless the name
 * already ends in 村, because official names write both "某某村村民委员会"
 * and "某某村民委员会" (or "某某村委会") for the same village, 某某村.
 */
static const struct {
    const char *suffix;
    int village;
} place_suffixes[] = {
    {"居民委员会", 0},
    {"村民委员会", 1},
    {"居委会", 0},
    {"村委会", 1},
};

#define PLACE_CUN "村"

/* Level of code from its length if it is all digits; PLACE_INVALID otherwise. */
enum place_level place_level_of(const char *code)
{
    if (!code)
        return PLACE_INVALID;
    size_t len = 0;
    for (; code[len]; len++) {
        if (code[len] < '0' || code[len] > '9')
            return PLACE_INVALID;
        if (len > 15)
            return PLACE_INVALID;
    }
    for (size_t lv = PLACE_PROVINCE; lv < GG_ARRAY_LEN(place_lens); lv++)
        if ((size_t)place_lens[lv] == len)
            return (enum place_level)lv;
    return PLACE_INVALID;
}

/* Digits in a code of level lv; 0 for PLACE_INVALID or an out-of-range value. */
int place_code_len(enum place_level lv)
{
    if ((int)lv < 0 || (size_t)lv >= GG_ARRAY_LEN(place_lens))
        return 0;
    return place_lens[lv];
}

/*
 * True if code lies within scope: both must be well-formed codes and scope
 * a prefix of code. A scope contains itself. Since both lengths are level
 * lengths, the prefix always ends at a level boundary ("15078" is not a
 * scope and "1507810" is not a code).
 */
int place_in_scope(const char *scope, const char *code)
{
    enum place_level ls = place_level_of(scope), lc = place_level_of(code);
    if (ls == PLACE_INVALID || lc == PLACE_INVALID || ls > lc)
        return 0;
    return memcmp(scope, code, (size_t)place_lens[ls]) == 0;
}

/*
 * Grid code = 12-digit community code + serial as 3 digits, into out[16].
 * Returns 0, or GG_EINVAL (out untouched) if community is not a 12-digit
 * code or serial is outside 1..999.
 */
int place_grid_code(const char *community, int serial, char out[16])
{
    if (place_level_of(community) != PLACE_COMMUNITY || serial < 1 || serial > 999)
        return GG_EINVAL;
    memcpy(out, community, 12);
    out[12] = (char)('0' + serial / 100);
    out[13] = (char)('0' + serial / 10 % 10);
    out[14] = (char)('0' + serial % 10);
    out[15] = '\0';
    return 0;
}

/* Serial 1..999 from the last 3 digits of a grid code; GG_EINVAL otherwise ("…000" too). */
int place_grid_serial(const char *grid)
{
    if (place_level_of(grid) != PLACE_GRID)
        return GG_EINVAL;
    int serial = (grid[12] - '0') * 100 + (grid[13] - '0') * 10 + (grid[14] - '0');
    return serial >= 1 ? serial : GG_EINVAL;
}

/* English level name for APIs; "invalid" for anything unknown. Static storage. */
const char *place_level_name(enum place_level lv)
{
    if ((int)lv < 0 || (size_t)lv >= GG_ARRAY_LEN(place_names))
        return place_names[PLACE_INVALID];
    return place_names[lv];
}

/*
 * Strip one official suffix (see place_suffixes for the village rule). A
 * name that is nothing but a suffix is kept whole, since an empty display
 * name helps nobody. The copy is truncated to fit n at a UTF-8 character
 * boundary and always NUL-terminated.
 */
void place_short_name(const char *official, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    if (!official) {
        out[0] = '\0';
        return;
    }
    size_t len = strlen(official);
    for (size_t i = 0; i < GG_ARRAY_LEN(place_suffixes); i++) {
        const char *suf = place_suffixes[i].suffix;
        size_t sl = strlen(suf);
        if (len <= sl || memcmp(official + len - sl, suf, sl) != 0)
            continue;
        len -= sl;
        size_t cl = strlen(PLACE_CUN);
        if (place_suffixes[i].village &&
            !(len >= cl && memcmp(official + len - cl, PLACE_CUN, cl) == 0))
            len += cl; /* the suffix starts with 村: keep it */
        break;
    }
    if (len > n - 1) {
        len = n - 1;
        /* back off continuation bytes so no character is cut in half */
        while (len > 0 && ((unsigned char)official[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(out, official, len);
    out[len] = '\0';
}
