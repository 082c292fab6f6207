/*
 * resource.c — the registry's resource tables and the validation, masking
 * and query rules driven by them.
 */
#include "resource.h"

#include <stdio.h>
#include <string.h>

#include "area.h"
#include "idnum.h"
#include "limits.h"

#define LEN(a) ((int)GG_ARRAY_LEN(a))

static const char *const area_sources[] = {"registered", "surveyed", "contract", NULL};
static const char *const relations[] = {"head",   "spouse",  "child",  "parent",
                                        "grandchild", "sibling", "tenant", "other", NULL};
static const char *const owner_kinds[] = {"person", "organisation", "developer", NULL};
static const char *const staff_roles[] = {"grid_chief", "fulltime", "parttime",
                                          "volunteer",  "wulao",    NULL};

static const struct res_field estate_fields[] = {
    {"place", FT_PLACE, FF_REQUIRED | FF_FILTER, PLACE_COMMUNITY, PLACE_GRID, NULL, NULL},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, GG_MAX_NAME, NULL, NULL},
    {"address", FT_TEXT, FF_SEARCH, 0, 200, NULL, NULL},
    {"developer", FT_TEXT, 0, 0, 100, NULL, NULL},
    {"property_company", FT_TEXT, 0, 0, 100, NULL, NULL},
};

static const struct res_field building_fields[] = {
    {"place", FT_PLACE, FF_REQUIRED | FF_FILTER, PLACE_GRID, PLACE_GRID, NULL, NULL},
    {"estate_id", FT_REF, FF_FILTER | FF_NULLABLE, 0, 0, NULL, "estates"},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, GG_MAX_NAME, NULL, NULL},
    {"address", FT_TEXT, FF_SEARCH, 0, 200, NULL, NULL},
    {"lat", FT_REAL, FF_REQUIRED, -90, 90, NULL, NULL},
    {"lon", FT_REAL, FF_REQUIRED, -180, 180, NULL, NULL},
    {"floors", FT_INT, 0, 0, 200, NULL, NULL},
    {"units", FT_INT, 0, 0, 100, NULL, NULL},
};

static const struct res_field household_fields[] = {
    {"building_id", FT_REF, FF_REQUIRED | FF_FILTER, 0, 0, NULL, "buildings"},
    {"unit", FT_TEXT, FF_SEARCH, 0, 16, NULL, NULL},
    {"room", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 16, NULL, NULL},
    {"area_centi", FT_AREA, FF_REQUIRED, 1, 100000000, NULL, NULL},
    {"area_source", FT_ENUM, 0, 0, 0, area_sources, NULL},
    {"address", FT_TEXT, FF_SEARCH, 0, 200, NULL, NULL},
};

static const struct res_field resident_fields[] = {
    {"household_id", FT_REF, FF_REQUIRED | FF_FILTER, 0, 0, NULL, "households"},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, GG_MAX_NAME, NULL, NULL},
    {"id_number", FT_IDNUM, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"phone", FT_PHONE, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"relation", FT_ENUM, FF_FILTER, 0, 0, relations, NULL},
    {"is_owner", FT_BOOL, FF_FILTER, 0, 1, NULL, NULL},
};

static const struct res_field owner_fields[] = {
    {"household_id", FT_REF, FF_REQUIRED | FF_FILTER, 0, 0, NULL, "households"},
    {"kind", FT_ENUM, FF_REQUIRED | FF_FILTER, 0, 0, owner_kinds, NULL},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 100, NULL, NULL},
    {"id_number", FT_IDNUM, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"org_code", FT_TEXT, FF_NULLABLE, 0, 18, NULL, NULL},
    {"resident_id", FT_REF, FF_NULLABLE | FF_FILTER, 0, 0, NULL, "residents"},
    {"handed_over", FT_BOOL, FF_FILTER, 0, 1, NULL, NULL},
    /* derived; a person's key embeds the ID number, so it is masked like one */
    {"owner_key", FT_TEXT, FF_READONLY | FF_FILTER | FF_SENSITIVE, 0, 64, NULL, NULL},
};

static const struct res_field staff_fields[] = {
    {"place", FT_PLACE, FF_REQUIRED | FF_FILTER, PLACE_COUNTY, PLACE_GRID, NULL, NULL},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, GG_MAX_NAME, NULL, NULL},
    {"phone", FT_PHONE, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"id_number", FT_IDNUM, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"role", FT_ENUM, FF_REQUIRED | FF_FILTER, 0, 0, staff_roles, NULL},
    {"on_duty", FT_BOOL, FF_FILTER, 0, 1, NULL, NULL},
};

static const struct res_field paired_unit_fields[] = {
    {"place", FT_PLACE, FF_REQUIRED | FF_FILTER, PLACE_STREET, PLACE_COMMUNITY, NULL, NULL},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 100, NULL, NULL},
    {"kind", FT_TEXT, FF_FILTER, 0, 32, NULL, NULL},
    {"contact", FT_TEXT, FF_SEARCH, 0, GG_MAX_NAME, NULL, NULL},
    {"phone", FT_PHONE, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
};

static const struct res_field enterprise_fields[] = {
    {"place", FT_PLACE, FF_REQUIRED | FF_FILTER, PLACE_STREET, PLACE_COMMUNITY, NULL, NULL},
    {"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 100, NULL, NULL},
    {"credit_code", FT_TEXT, 0, 0, 18, NULL, NULL},
    {"industry", FT_TEXT, FF_FILTER, 0, 32, NULL, NULL},
    {"party_linked", FT_BOOL, FF_FILTER, 0, 1, NULL, NULL},
    {"contact", FT_TEXT, FF_SEARCH, 0, GG_MAX_NAME, NULL, NULL},
    {"phone", FT_PHONE, FF_NULLABLE | FF_SENSITIVE, 0, 0, NULL, NULL},
    {"address", FT_TEXT, FF_SEARCH, 0, 200, NULL, NULL},
};

/*
 * The owner key identifies one owner across units for the headcount rule:
 * a person by ID number (else by resident, else by name within the unit's
 * building is not safe, so by row), an organisation by its code.
 */
static int owner_derive(json_t *row, gg_err *err)
{
    const char *kind = json_string_value(json_object_get(row, "kind"));
    const char *idn = json_string_value(json_object_get(row, "id_number"));
    const char *org = json_string_value(json_object_get(row, "org_code"));
    json_t *rid = json_object_get(row, "resident_id");
    const char *name = json_string_value(json_object_get(row, "name"));
    char key[80];
    if (kind && strcmp(kind, "person") == 0) {
        if (idn)
            snprintf(key, sizeof(key), "P:%s", idn);
        else if (json_is_integer(rid))
            snprintf(key, sizeof(key), "R:%lld", (long long)json_integer_value(rid));
        else
            return gg_fail(err, GG_EINVAL, "id_number",
                           "a person owner needs id_number or resident_id");
    } else {
        if (!org && !name)
            return gg_fail(err, GG_EINVAL, "org_code", "an organisation owner needs org_code");
        snprintf(key, sizeof(key), "O:%s", org ? org : name);
    }
    json_object_set_new(row, "owner_key", json_string(key));
    return 0;
}

#define DEF(n, t, l, f, pf, dv) {n, t, l, f, LEN(f), pf, dv}

static const struct res_def res_estates = DEF("estates", "estates", "小区", estate_fields, NULL, NULL);
static const struct res_def res_buildings =
    DEF("buildings", "buildings", "楼栋", building_fields, NULL, NULL);
static const struct res_def res_households =
    DEF("households", "households", "住户", household_fields, "building_id", NULL);
static const struct res_def res_residents =
    DEF("residents", "residents", "居民", resident_fields, "household_id", NULL);
static const struct res_def res_owners =
    DEF("owners", "owners", "业主", owner_fields, "household_id", owner_derive);
static const struct res_def res_staff = DEF("staff", "staff", "网格力量", staff_fields, NULL, NULL);
static const struct res_def res_paired =
    DEF("paired_units", "paired_units", "包联单位", paired_unit_fields, NULL, NULL);
static const struct res_def res_enterprises =
    DEF("enterprises", "enterprises", "驻区企业", enterprise_fields, NULL, NULL);

const struct res_def *const res_all[] = {
    &res_estates, &res_buildings, &res_households, &res_residents,
    &res_owners,  &res_staff,     &res_paired,     &res_enterprises,
};
const int res_count = LEN(res_all);

const struct res_def *res_find(const char *name)
{
    for (int i = 0; i < res_count; i++)
        if (strcmp(res_all[i]->name, name) == 0)
            return res_all[i];
    return NULL;
}

const struct res_field *res_field(const struct res_def *def, const char *name)
{
    for (int i = 0; i < def->nfields; i++)
        if (strcmp(def->fields[i].name, name) == 0)
            return &def->fields[i];
    return NULL;
}

static int in_enum(const char *const *e, const char *v)
{
    for (; *e; e++)
        if (strcmp(*e, v) == 0)
            return 1;
    return 0;
}

static int enum_list(const char *const *e, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (; *e; e++) {
        int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", *e);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
    return 0;
}

/* Validate one value; writes the normalised value to *norm (new reference). */
static int check_value(const struct res_field *f, const json_t *v, json_t **norm, gg_err *err)
{
    const char *n = f->name;
    if (json_is_null(v)) {
        if (!(f->flags & FF_NULLABLE))
            return gg_fail(err, GG_EINVAL, n, "%s may not be null", n);
        *norm = json_null();
        return 0;
    }
    switch (f->type) {
    case FT_TEXT: {
        if (!json_is_string(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be a string", n);
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v))
            return gg_fail(err, GG_EINVAL, n, "%s must not contain NUL characters", n);
        size_t len = gg_utf8_len(s);
        if ((int64_t)len < f->min)
            return gg_fail(err, GG_EINVAL, n, "%s must not be empty", n);
        if ((int64_t)len > f->max)
            return gg_fail(err, GG_EINVAL, n, "%s is longer than %lld characters", n,
                           (long long)f->max);
        *norm = json_string(s);
        return 0;
    }
    case FT_INT:
    case FT_REF:
    case FT_BOOL:
        if (f->type == FT_BOOL) {
            if (!json_is_boolean(v))
                return gg_fail(err, GG_EINVAL, n, "%s must be true or false", n);
            *norm = json_integer(json_is_true(v));
            return 0;
        }
        if (!json_is_integer(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be an integer", n);
        if (f->type == FT_REF) {
            if (json_integer_value(v) < 1)
                return gg_fail(err, GG_EINVAL, n, "%s must be a positive id", n);
        } else if (json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
            return gg_fail(err, GG_EINVAL, n, "%s must be between %lld and %lld", n,
                           (long long)f->min, (long long)f->max);
        }
        *norm = json_integer(json_integer_value(v));
        return 0;
    case FT_REAL: {
        if (!json_is_number(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be a number", n);
        double d = json_number_value(v);
        if (!(d >= (double)f->min && d <= (double)f->max))
            return gg_fail(err, GG_EINVAL, n, "%s must be between %lld and %lld", n,
                           (long long)f->min, (long long)f->max);
        *norm = json_real(d);
        return 0;
    }
    case FT_AREA: {
        int64_t c;
        if (json_is_integer(v)) {
            c = json_integer_value(v);
        } else if (json_is_string(v)) {
            if (area_parse(json_string_value(v), n, &c, err) != 0)
                return GG_EINVAL;
        } else {
            return gg_fail(err, GG_EINVAL, n,
                           "%s must be an integer number of hundredths of m² or a decimal string",
                           n);
        }
        if (c < f->min || c > f->max)
            return gg_fail(err, GG_EINVAL, n, "%s must be between %lld and %lld hundredths of m²",
                           n, (long long)f->min, (long long)f->max);
        *norm = json_integer(c);
        return 0;
    }
    case FT_IDNUM: {
        if (!json_is_string(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be a string", n);
        if (idnum_check(json_string_value(v), n, err) != 0)
            return GG_EINVAL;
        char id[19];
        idnum_normalize(json_string_value(v), id);
        *norm = json_string(id);
        return 0;
    }
    case FT_PHONE:
        if (!json_is_string(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be a string", n);
        if (phone_check(json_string_value(v), n, err) != 0)
            return GG_EINVAL;
        *norm = json_string(json_string_value(v));
        return 0;
    case FT_ENUM: {
        char list[200];
        if (!json_is_string(v) || !in_enum(f->enums, json_string_value(v))) {
            enum_list(f->enums, list, sizeof(list));
            return gg_fail(err, GG_EINVAL, n, "%s must be one of: %s", n, list);
        }
        *norm = json_string(json_string_value(v));
        return 0;
    }
    case FT_PLACE: {
        if (!json_is_string(v))
            return gg_fail(err, GG_EINVAL, n, "%s must be a place code string", n);
        enum place_level lv = place_level_of(json_string_value(v));
        if (lv == PLACE_INVALID || lv < f->min || lv > f->max)
            return gg_fail(err, GG_EINVAL, n, "%s must be a %s%s%s code", n,
                           place_level_name((enum place_level)f->min), f->min == f->max ? "" : " to ",
                           f->min == f->max ? "" : place_level_name((enum place_level)f->max));
        *norm = json_string(json_string_value(v));
        return 0;
    }
    }
    return gg_fail(err, GG_EINVAL, n, "unsupported field type");
}

static void set_tail(json_t *out, const char *key, const json_t *v, size_t n)
{
    const char *s = json_string_value(v);
    if (!s) {
        json_object_set_new(out, key, json_string(""));
        return;
    }
    size_t len = strlen(s);
    json_object_set_new(out, key, json_string(len > n ? s + len - n : s));
}

int res_validate(const struct res_def *def, const json_t *body, int is_update, json_t **out,
                 gg_err *err)
{
    if (!json_is_object(body))
        return gg_fail(err, GG_EINVAL, "", "the request body must be a JSON object");
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)body, key, val)
    {
        const struct res_field *f = res_field(def, key);
        if (!f) {
            if (strcmp(key, "id") == 0 || strcmp(key, "created_at") == 0 ||
                strcmp(key, "updated_at") == 0 || (def->place_from && strcmp(key, "place") == 0))
                return gg_fail(err, GG_EINVAL, key, "%s is read-only", key);
            return gg_fail(err, GG_EINVAL, key, "unknown field %s", key);
        }
        if (f->flags & FF_READONLY)
            return gg_fail(err, GG_EINVAL, key, "%s is read-only", key);
        if (is_update && f->type == FT_REF && def->place_from &&
            strcmp(def->place_from, f->name) == 0)
            return gg_fail(err, GG_EINVAL, key, "%s cannot be changed; create a new record", key);
    }
    json_t *o = json_object();
    for (int i = 0; i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        json_t *v = json_object_get(body, f->name);
        if (!v) {
            if (!is_update && (f->flags & FF_REQUIRED)) {
                json_decref(o);
                return gg_fail(err, GG_EINVAL, f->name, "%s is required", f->name);
            }
            continue;
        }
        json_t *norm = NULL;
        if (check_value(f, v, &norm, err) != 0) {
            json_decref(o);
            return GG_EINVAL;
        }
        json_object_set_new(o, f->name, norm);
        if (f->type == FT_IDNUM)
            set_tail(o, "id_tail", norm, 4);
        else if (f->type == FT_PHONE)
            set_tail(o, "phone_tail", norm, 4);
    }
    if (!is_update && def->derive && def->derive(o, err) != 0) {
        json_decref(o);
        return GG_EINVAL;
    }
    if (json_object_size(o) == 0 && is_update) {
        json_decref(o);
        return gg_fail(err, GG_EINVAL, "", "nothing to update");
    }
    *out = o;
    return 0;
}

void res_mask_row(const struct res_def *def, json_t *row, int reveal_id, int reveal_phone)
{
    for (int i = 0; i < def->nfields; i++) {
        const struct res_field *f = &def->fields[i];
        if (!(f->flags & FF_SENSITIVE))
            continue;
        const char *s = json_string_value(json_object_get(row, f->name));
        if (!s)
            continue;
        char m[64];
        if (f->type == FT_IDNUM && !reveal_id) {
            idnum_mask(s, m, sizeof(m));
            json_object_set_new(row, f->name, json_string(m));
        } else if (f->type == FT_PHONE && !reveal_phone) {
            phone_mask(s, m, sizeof(m));
            json_object_set_new(row, f->name, json_string(m));
        } else if (f->type == FT_TEXT && !reveal_id && strncmp(s, "P:", 2) == 0) {
            /* an owner key "P:<ID number>" (see owner_derive) */
            memcpy(m, "P:", 2);
            idnum_mask(s + 2, m + 2, sizeof(m) - 2);
            json_object_set_new(row, f->name, json_string(m));
        }
    }
    /* The search tails are an index, not something to show. */
    json_object_del(row, "id_tail");
    json_object_del(row, "phone_tail");
}

int res_query_param_ok(const struct res_def *def, const char *name)
{
    static const char *const common[] = {"q",     "place",  "limit", "after",
                                         "reveal", "format", NULL};
    if (in_enum(common, name))
        return 1;
    if (strcmp(name, "phone_tail") == 0 || strcmp(name, "id_tail") == 0) {
        for (int i = 0; i < def->nfields; i++)
            if ((strcmp(name, "phone_tail") == 0 && def->fields[i].type == FT_PHONE) ||
                (strcmp(name, "id_tail") == 0 && def->fields[i].type == FT_IDNUM))
                return 1;
        return 0;
    }
    const struct res_field *f = res_field(def, name);
    return f && (f->flags & FF_FILTER);
}

int res_filter_check(const struct res_def *def, const char *name, const char *value, gg_err *err)
{
    const struct res_field *f = res_field(def, name);
    if (!f || !(f->flags & FF_FILTER))
        return gg_fail(err, GG_EINVAL, name, "unknown query parameter %s", name);
    int64_t v;
    char list[200];
    switch (f->type) {
    case FT_REF:
        if (gg_parse_i64(value, 1, INT64_MAX, &v) != 0)
            return gg_fail(err, GG_EINVAL, name, "%s must be a positive id", name);
        return 0;
    case FT_INT:
        if (gg_parse_i64(value, f->min, f->max, &v) != 0)
            return gg_fail(err, GG_EINVAL, name, "%s must be an integer from %lld to %lld", name,
                           (long long)f->min, (long long)f->max);
        return 0;
    case FT_BOOL:
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0 && strcmp(value, "1") != 0 &&
            strcmp(value, "0") != 0)
            return gg_fail(err, GG_EINVAL, name, "%s must be true or false", name);
        return 0;
    case FT_ENUM:
        if (!in_enum(f->enums, value)) {
            enum_list(f->enums, list, sizeof(list));
            return gg_fail(err, GG_EINVAL, name, "%s must be one of: %s", name, list);
        }
        return 0;
    case FT_PLACE:
        if (place_level_of(value) == PLACE_INVALID)
            return gg_fail(err, GG_EINVAL, name, "%s must be a place code", name);
        return 0;
    case FT_TEXT:
        if ((int64_t)gg_utf8_len(value) > f->max)
            return gg_fail(err, GG_EINVAL, name, "%s is longer than %lld characters", name,
                           (long long)f->max);
        return 0;
    default:
        return 0;
    }
}
