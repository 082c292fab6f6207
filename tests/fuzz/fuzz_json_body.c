/*
 * fuzz_json_body.c — libFuzzer harness for request bodies: the checks the
 * server applies to a JSON body that are public today (gg_utf8_valid, then
 * json_loadb with JSON_REJECT_DUPLICATES), then res_validate of every
 * registry resource, for create and for update, and masking of what it
 * accepts. The nesting-depth check of src/http/request.c is static there
 * and is not replicated here.
 *
 * Beyond not crashing: an accepted body gives a JSON object that serialises,
 * and every error message and field is valid UTF-8 (it goes into the
 * answer) except for a last character cut in half where gg_fail truncates
 * a long name to its buffer — found by this harness (regression input
 * corpus/fuzz_json_body/crash-long-key-cut.json); the server cleans that up
 * when it renders the error, and the cut itself is gg_fail's to fix.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvrow.h"
#include "gg.h"
#include "limits.h"
#include "resource.h"

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > GG_MAX_BODY)
        return 0;
    if (!gg_utf8_valid((const char *)data, size))
        return 0;
    json_error_t je;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!body)
        return 0;
    for (int i = 0; i < res_count; i++) {
        const struct res_def *def = res_all[i];
        for (int upd = 0; upd <= 1; upd++) {
            json_t *out = NULL;
            gg_err e;
            gg_err_clear(&e);
            if (res_validate(def, body, upd, &out, &e) == 0) {
                check(json_is_object(out));
                res_mask_row(def, out, 0, 0);
                char *s = json_dumps(out, JSON_COMPACT);
                check(s != NULL);
                free(s);
                json_decref(out);
            } else {
                check(out == NULL);
                check(gg_utf8_valid(e.msg, strlen(e.msg)));
                check(gg_utf8_valid(e.field, strlen(e.field)));
            }
        }
        /* query parameter names come from outside too */
        const char *key;
        json_t *v;
        if (json_is_object(body))
            json_object_foreach (body, key, v)
                res_query_param_ok(def, key);
    }
    json_decref(body);
    return 0;
}
