/*
 * idnum.h — checks of people's identifiers and contact details:
 * the 18-character resident ID number (GB 11643-1999, ISO 7064 MOD 11-2
 * check digit), mainland mobile and landline phone shapes, and masking
 * for display.
 */
#ifndef GG_IDNUM_H
#define GG_IDNUM_H

#include "gg.h"

/*
 * Check an 18-character resident ID number: 17 digits and a check character
 * (digit or 'X'; a lower-case 'x' is accepted), a real birth date
 * (YYYYMMDD, 1900-01-01 .. today) and the MOD 11-2 check digit.
 * field names the field in error messages. Returns 0 or GG_EINVAL with err.
 */
int idnum_check(const char *s, const char *field, gg_err *err);

/* Copy s upper-cased (the 'x' check character as 'X') into out[19]. Assumes idnum_check passed. */
void idnum_normalize(const char *s, char out[19]);

/* The check character ('0'..'9' or 'X') for the first 17 digits of s. */
char idnum_check_char(const char *first17);

/* Birth date of a checked ID number as YYYYMMDD, and sex: 1 male, 2 female. */
int idnum_birth(const char *s);
int idnum_sex(const char *s);

/*
 * Check a phone number: an 11-digit mobile starting with 1[3-9], or a
 * landline "0AAA-NNNNNNN" / "0AANNNNNNNN" (area code 3-4 digits with the 0,
 * subscriber 7-8 digits). Returns 0 or GG_EINVAL with err naming field.
 */
int phone_check(const char *s, const char *field, gg_err *err);

/* Masked display forms, written into out (size n):
 * ID "150781199001011234" -> "150781********1234"; phone "13812345678" -> "138****5678". */
void idnum_mask(const char *s, char *out, size_t n);
void phone_mask(const char *s, char *out, size_t n);

#endif
