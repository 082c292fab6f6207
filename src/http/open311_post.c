/*
 * open311_post.c — filing an Open311 service request (POST
 * /open311/v2/requests.{xml,json}): the API key, the strict form body, every
 * parameter checked with all problems answered at once, the location
 * (point, household or a typed address looked up in the registry), the
 * service's attributes, then a case through store_case_create with source
 * open311, its token and what the client sent besides, and the audit entry.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "idnum.h"
#include "limits.h"
#include "open311.h"
#include "store_cases.h"
#include "store_open311.h"
#include "svcattr.h"

#define OPEN311_ADDRESS_MAX 200 /* code points of address_string */
#define OPEN311_EMAIL_MAX 254   /* bytes */
#define OPEN311_URL_MAX 1000    /* bytes of media_url */
#define OPEN311_ID_MAX 64       /* bytes of device_id, account_id */
#define OPEN311_KEY_MAX 128     /* bytes of an api_key */

/* ---- filing a request ---- */

/* The API key of the request: form field api_key, else the headers the server checked. */
static int check_key(struct o311 *o, const form *f)
{
    http_req *r = o->r;
    const char *key = form_get(f, "api_key");
    if (key) {
        int64_t id;
        int rc = strncmp(key, "gk_", 3) == 0 && strlen(key) <= OPEN311_KEY_MAX
                     ? store_apikey_check(r->db, key, &id)
                     : GG_EAUTH;
        if (rc == GG_EAUTH) {
            open311_error(o, 403, "api_key: invalid or revoked API key");
            return -1;
        }
        if (rc) {
            open311_error(o, 500, "cannot check the API key");
            return -1;
        }
        r->authed = 2;
        r->apikey_id = id;
        return 0;
    }
    if (r->authed == 2)
        return 0;
    const char *auth = http_header(r, "Authorization");
    if ((auth && strncmp(auth, "Bearer gk_", 10) == 0) || http_header(r, "X-Api-Key"))
        open311_error(o, 403, "api_key: invalid or revoked API key");
    else
        open311_error(o, 403, "api_key: an API key is required to file a request");
    return -1;
}

/* Optional text field of at most max code points (0: any); NULL if absent or empty. */
static const char *text_field(struct o311 *o, const form *f, const char *name, size_t max)
{
    const char *v = form_get(f, name);
    if (!v || !*v)
        return NULL;
    if (max && gg_utf8_len(v) > max) {
        open311_error(o, 400, "%s: longer than %zu characters", name, max);
        return NULL;
    }
    return v;
}

/* A coordinate in [-lim, lim]; 1 if given and good, 0 if absent, -1 (error added) if bad. */
static int coord_field(struct o311 *o, const form *f, const char *name, double lim, double *out)
{
    const char *v = form_get(f, name);
    if (!v || !*v)
        return 0;
    char *end;
    double x = strtod(v, &end);
    if (*end || end == v || !isfinite(x) || x < -lim || x > lim || strlen(v) > 32) {
        open311_error(o, 400, "%s: a decimal number of degrees from %g to %g (WGS-84)", name, -lim,
                      lim);
        return -1;
    }
    *out = x;
    return 1;
}

static int email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        strlen(s) > OPEN311_EMAIL_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
            return 0;
    const char *last = strrchr(s, '.');
    return last[1] != '\0' && at[1] != '.';
}

static int url_ok(const char *s)
{
    if (strlen(s) > OPEN311_URL_MAX ||
        (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0))
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '"' || *p == '<' ||
            *p == '>')
            return 0;
    return s[strlen(s) - 1] != '/' || strchr(s + 8, '/') != NULL;
}

/* svcattr's reporter: each bad answer is one 400 error. */
static void attr_problem(void *ctx, const char *field, const char *msg)
{
    (void)field;
    open311_error(ctx, 400, "%s", msg);
}

/* The content type must be a form: "application/x-www-form-urlencoded[; charset=utf-8]". */
static int form_type(http_req *r)
{
    static const char t[] = "application/x-www-form-urlencoded";
    const char *ct = http_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, t, sizeof(t) - 1) != 0)
        return 0;
    char c = ct[sizeof(t) - 1];
    return c == '\0' || c == ';' || c == ' ';
}

/* The filed case's answer: [{service_request_id, token, service_notice, account_id?}]. */
static int reply_created(struct o311 *o, int64_t id, const char *token, const char *account)
{
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    json_t *one = json_pack("{s:s, s:s, s:s}", "service_request_id", ids, "token", token,
                            "service_notice", "已上报，网格员核实立案后派遣处置");
    if (account)
        json_object_set_new(one, "account_id", json_string(account));
    return open311_reply(o, 201, json_pack("[o]", one), "service_requests");
}

int open311_create(http_req *r, struct o311 *o)
{
    static const char *const names[] = {"api_key",   "jurisdiction_id", "service_code", "lat",
                                        "long",      "address_string",  "address_id",   "email",
                                        "device_id", "account_id",      "first_name",   "last_name",
                                        "phone",     "description",     "media_url"};
    if (!form_type(r)) {
        open311_error(o, 400, "the body must be application/x-www-form-urlencoded");
        return open311_reply_errors(o);
    }
    form *f = NULL;
    gg_err e = {0};
    int rc = form_parse(r->body ? r->body : "", r->body ? r->body_len : 0, &f, &e);
    if (rc) {
        open311_error(o, rc == GG_ETOOBIG ? 413 : 400, "%s", e.msg);
        return open311_reply_errors(o);
    }
    json_t *row = NULL, *answers = NULL;
    svcattr_set *attrs = NULL;
    char *summary = NULL, *desc = NULL;
    if (check_key(o, f) != 0)
        goto done;
    for (int i = 0; i < r->nargs; i++)
        open311_error(o, 400, "%.64s: send the parameters in the body, not in the URL",
                      r->args[i].name);
    for (int i = 0; i < form_count(f); i++) {
        const char *n = form_name(f, i);
        size_t k = 0;
        while (k < GG_ARRAY_LEN(names) && strcmp(n, names[k]) != 0)
            k++;
        if (k == GG_ARRAY_LEN(names) && strncmp(n, "attribute[", 10) != 0)
            open311_error(o, 400, "%s: unknown parameter", n);
    }
    open311_check_jurisdiction(o, form_get(f, "jurisdiction_id"));
    const char *code = form_get(f, "service_code");
    if (!code || !*code)
        open311_error(o, 400, "service_code: required");
    else if (open311_load_service(o, code, &row) == 0 &&
             svcattr_parse(json_string_value(json_object_get(row, "attributes")), &attrs, &e) != 0)
        open311_error(o, 500, "the definition of service %s is malformed", code);
    if (attrs)
        svcattr_check(attrs, f, attr_problem, o, &answers, &summary);
    struct case_new n = {.category = code, .source = "open311"};
    double lat = 0, lon = 0;
    int hlat = coord_field(o, f, "lat", 90, &lat), hlon = coord_field(o, f, "long", 180, &lon);
    if ((hlat == 1) != (hlon == 1) && hlat >= 0 && hlon >= 0)
        open311_error(o, 400, "%s: lat and long go together", hlat == 1 ? "long" : "lat");
    const char *addr = text_field(o, f, "address_string", OPEN311_ADDRESS_MAX);
    const char *aid = form_get(f, "address_id");
    if (aid && *aid && gg_parse_i64(aid, 1, INT64_MAX, &n.household_id) != 0)
        open311_error(o, 400, "address_id: the id of a registered household");
    if (n.household_id && (hlat == 1 || hlon == 1))
        open311_error(o, 400, "address_id: give address_id or lat and long, not both");
    n.has_point = hlat == 1 && hlon == 1;
    n.lat = lat;
    n.lon = lon;
    if (!n.has_point && !n.household_id && !addr && hlat == 0 && hlon == 0 && !(aid && *aid) &&
        !form_get(f, "address_string"))
        open311_error(o, 400,
                      "lat: a location is required: lat and long, address_string or "
                      "address_id");
    n.address = addr;
    const char *text = text_field(o, f, "description", GG_MAX_STRING);
    const char *email = text_field(o, f, "email", 0);
    if (email && !email_ok(email))
        open311_error(o, 400, "email: not an e-mail address");
    const char *first = text_field(o, f, "first_name", GG_MAX_NAME);
    const char *last = text_field(o, f, "last_name", GG_MAX_NAME);
    const char *phone = text_field(o, f, "phone", 0);
    if (phone && phone_check(phone, "phone", &e) != 0)
        open311_error(o, 400, "%s", e.msg);
    const char *media = text_field(o, f, "media_url", 0);
    if (media && !url_ok(media))
        open311_error(o, 400, "media_url: an http or https URL of at most %d bytes",
                      OPEN311_URL_MAX);
    const char *device = text_field(o, f, "device_id", 0);
    const char *account = text_field(o, f, "account_id", 0);
    if ((device && strlen(device) > OPEN311_ID_MAX) ||
        (account && strlen(account) > OPEN311_ID_MAX))
        open311_error(o, 400, "%s: at most %d bytes",
                      device && strlen(device) > OPEN311_ID_MAX ? "device_id" : "account_id",
                      OPEN311_ID_MAX);
    if (json_array_size(o->errors))
        goto done;
    if (!n.has_point && !n.household_id) {
        rc = store_open311_geocode(r->db, addr, &n.lat, &n.lon);
        if (rc == GG_ENOTFOUND) {
            open311_error(o, 400,
                          "address_string: no building or estate of the registry matches this "
                          "address; send lat and long or address_id");
            goto done;
        }
        if (rc) {
            open311_error(o, 500, "cannot look up the address");
            goto done;
        }
        n.has_point = 1;
    }
    /* the answers to the extra questions travel with the description */
    if (summary && *summary) {
        size_t len = (text ? strlen(text) : 0) + strlen(summary) + 4;
        desc = xmalloc(len);
        snprintf(desc, len, "%s%s%s", text ? text : "", text ? "\n" : "", summary);
    }
    n.description = desc ? desc : text;
    char keyname[GG_MAX_NAME * 4 + 1] = "", login[sizeof(keyname) + 16];
    store_open311_key_name(r->db, r->apikey_id, keyname, sizeof(keyname));
    snprintf(login, sizeof(login), "open311:%s", keyname);
    gg_utf8_cut(login);
    struct case_actor a = {0, login, CASE_ROLE_SYSTEM, "", "", 0, 0};
    int64_t id;
    gg_err ce = {0};
    int64_t now = gg_now();
    if ((rc = store_case_create(r->db, &a, &n, now, &id, &ce)) != 0) {
        if (rc == GG_ERULE && strcmp(ce.field, "household_id") == 0)
            open311_error(o, 400, "address_id: no household %lld in the registry",
                          (long long)n.household_id);
        else if (rc == GG_ERULE && strcmp(ce.field, "lat") == 0)
            open311_error(o, 400, "%s: no grid of the city lies near this place",
                          addr && !form_get(f, "lat") ? "address_string" : "lat");
        else if (rc == GG_ERULE && strcmp(ce.field, "category") == 0)
            open311_error(o, 404, "service_code: no service %s", code);
        else
            open311_error(o, 500, "cannot file the request: %s", ce.msg);
        goto done;
    }
    unsigned char rnd[OPEN311_TOKEN_LEN / 2];
    char token[OPEN311_TOKEN_LEN + 1];
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(token, sizeof(token), rnd, sizeof(rnd));
    char *ans = answers ? json_dumps(answers, JSON_COMPACT) : NULL;
    struct open311_extra x = {r->apikey_id, token,   email, first, last, phone,
                              device,       account, media, addr,  ans};
    rc = store_open311_record(r->db, id, &x, now);
    free(ans);
    if (rc) {
        open311_error(o, 500, "cannot record the request");
        goto done;
    }
    char ids[24], detail[128];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    snprintf(detail, sizeof(detail), "{\"source\":\"open311\",\"apikey_id\":%lld}",
             (long long)r->apikey_id);
    json_t *c = NULL;
    const char *place = "";
    struct case_actor sys = {0, "system", CASE_ROLE_SYSTEM, "", "", 0, 0};
    if (store_case_get(r->db, &sys, id, now, &c) == 0)
        place = json_string_value(json_object_get(c, "place"));
    rc = http_audit(r, "create", "cases", ids, place ? place : "", detail);
    json_decref(c);
    if (rc) {
        open311_error(o, 500, "cannot write the audit log");
        goto done;
    }
    rc = reply_created(o, id, token, account);
done:
    if (json_array_size(o->errors))
        rc = open311_reply_errors(o);
    json_decref(row);
    json_decref(answers);
    svcattr_free(attrs);
    free(summary);
    free(desc);
    form_free(f);
    return rc;
}
