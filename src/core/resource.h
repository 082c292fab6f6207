/*
 * resource.h — the registry's resources described as data: each resource
 * (estates, buildings, households, residents, owners, staff, paired units,
 * enterprises) is a table of fields with their types, limits and flags.
 * Validation of request bodies, the store's SQL and the HTTP handlers are
 * all driven by these tables, so a field is declared once.
 *
 * Pure: no I/O. Rows are jansson objects whose keys are the field names.
 */
#ifndef GG_RESOURCE_H
#define GG_RESOURCE_H

#include <jansson.h>

#include "gg.h"
#include "place.h"

enum res_type {
    FT_TEXT,  /* string, maxlen code points */
    FT_INT,   /* integer in [min, max] */
    FT_REAL,  /* number in [min, max] */
    FT_BOOL,  /* true/false, stored 0/1 */
    FT_AREA,  /* area in hundredths of m² (integer); also accepted as "89.50" */
    FT_IDNUM, /* resident ID number, GB 11643; maintains id_tail */
    FT_PHONE, /* phone number; maintains phone_tail */
    FT_ENUM,  /* one of enums[] */
    FT_REF,   /* integer id of a row of resource `ref` */
    FT_PLACE, /* a place code of a level in [min, max] */
};

enum {
    FF_REQUIRED = 1 << 0,  /* must be given on create */
    FF_READONLY = 1 << 1,  /* never written through the API */
    FF_SEARCH = 1 << 2,    /* matched by the q= search */
    FF_FILTER = 1 << 3,    /* may be used as an equality filter in lists */
    FF_NULLABLE = 1 << 4,  /* may be null */
    FF_SENSITIVE = 1 << 5, /* masked unless revealed (ID numbers, phones) */
};

struct res_field {
    const char *name;
    enum res_type type;
    unsigned flags;
    int64_t min, max;          /* FT_INT/FT_REAL bounds, FT_TEXT max code points, FT_PLACE levels */
    const char *const *enums;  /* FT_ENUM values, NULL-terminated */
    const char *ref;           /* FT_REF: resource name */
};

struct res_def {
    const char *name;   /* URL segment and audit name: "households" */
    const char *table;  /* table name */
    const char *label;  /* Chinese label for exports: "住户" */
    const struct res_field *fields;
    int nfields;
    /*
     * Where a row's place comes from: NULL means the body names it in the
     * `place` field; otherwise the name of an FT_REF field whose row's place
     * the new row inherits (a household takes its building's grid).
     */
    const char *place_from;
    /* Fill derived fields of a validated row on create (may be NULL). */
    int (*derive)(json_t *row, gg_err *err);
};

/* The registry's resources, and lookup by name (NULL if unknown). */
extern const struct res_def *const res_all[];
extern const int res_count;
const struct res_def *res_find(const char *name);

/* A field of def by name, or NULL. */
const struct res_field *res_field(const struct res_def *def, const char *name);

/*
 * Validate a request body for create (is_update == 0) or update against def.
 * Refuses unknown and read-only fields, wrong types, out-of-range values,
 * bad ID numbers and phones, and (on create) missing required fields.
 * On success *out is a new object with normalised values (ID numbers
 * upper-cased, areas as integer hundredths, booleans as 0/1, and the derived
 * id_tail/phone_tail keys); the caller owns it (json_decref).
 * Returns 0, or GG_EINVAL / GG_ERULE with err naming the field.
 */
int res_validate(const struct res_def *def, const json_t *body, int is_update, json_t **out,
                 gg_err *err);

/*
 * Mask the sensitive fields of a row in place (ID numbers, phones) unless
 * reveal_id / reveal_phone say otherwise.
 */
void res_mask_row(const struct res_def *def, json_t *row, int reveal_id, int reveal_phone);

/* The resources a list/search query may filter on: the equality filters
 * (FF_FILTER fields), plus q, phone_tail, id_tail, place, limit and after. */
int res_query_param_ok(const struct res_def *def, const char *name);

/*
 * Check the text value of an equality filter on field name (an FF_FILTER
 * field of def) before it reaches the store, which would quietly match
 * nothing: ids and integers must parse, booleans be true/false/1/0, enums
 * one of their values, text no longer than the field. Returns 0, or
 * GG_EINVAL with err naming the field.
 */
int res_filter_check(const struct res_def *def, const char *name, const char *value, gg_err *err);

#endif
