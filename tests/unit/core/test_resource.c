/*
 * test_resource.c — validation of request bodies against the registry's
 * resource tables, masking, and which query parameters a list accepts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "resource.h"

static int check(const char *res, const char *text, int is_update, json_t **out, gg_err *err)
{
    json_error_t je;
    json_t *body = json_loads(text, 0, &je);
    assert_non_null(body);
    json_t *o = NULL;
    int rc = res_validate(res_find(res), body, is_update, &o, err);
    json_decref(body);
    if (out)
        *out = o;
    else
        json_decref(o);
    return rc;
}

static void expect_field(const char *res, const char *text, int is_update, const char *field)
{
    gg_err err = {{0}};
    assert_int_equal(check(res, text, is_update, NULL, &err), GG_EINVAL);
    assert_string_equal(err.field, field);
    assert_true(err.msg[0] != '\0');
}

static void test_lookup(void **state)
{
    (void)state;
    assert_int_equal(res_count, 8);
    assert_non_null(res_find("households"));
    assert_null(res_find("users"));
    assert_non_null(res_field(res_find("residents"), "id_number"));
    assert_null(res_field(res_find("residents"), "nope"));
}

static void test_household_ok(void **state)
{
    (void)state;
    gg_err err = {{0}};
    json_t *o;
    assert_int_equal(check("households", "{\"building_id\": 3, \"room\": \"101\", \"area_centi\": \"89.5\"}",
                           0, &o, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(o, "area_centi")), 8950);
    json_decref(o);
    assert_int_equal(
        check("households", "{\"building_id\": 3, \"room\": \"1\", \"area_centi\": 8950}", 0, &o, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "area_centi")), 8950);
    json_decref(o);
}

static void test_errors_name_field(void **state)
{
    (void)state;
    expect_field("households", "{\"room\": \"101\", \"area_centi\": 100}", 0, "building_id");
    expect_field("households", "{\"building_id\": 1, \"room\": \"101\", \"area_centi\": \"1.234\"}", 0,
                 "area_centi");
    expect_field("households", "{\"building_id\": \"1\", \"room\": \"101\", \"area_centi\": 5}", 0,
                 "building_id");
    expect_field("households", "{\"building_id\": 1, \"room\": \"101\", \"area_centi\": 5, \"x\": 1}",
                 0, "x");
    expect_field("households", "{\"building_id\": 1, \"room\": \"101\", \"area_centi\": 5, \"id\": 1}",
                 0, "id");
    expect_field("households", "{\"place\": \"150781004004001\"}", 1, "place");
    expect_field("households", "{\"building_id\": 2}", 1, "building_id");
    expect_field("residents", "{\"household_id\": 1, \"name\": \"王芳\", \"id_number\": \"110105194912310021\"}",
                 0, "id_number");
    expect_field("residents", "{\"household_id\": 1, \"name\": \"王芳\", \"phone\": \"12345\"}", 0,
                 "phone");
    expect_field("residents", "{\"household_id\": 1, \"name\": \"\"}", 0, "name");
    expect_field("residents", "{\"household_id\": 1, \"name\": \"王芳\", \"relation\": \"boss\"}", 0,
                 "relation");
    expect_field("residents", "{\"household_id\": 1, \"name\": \"王芳\", \"is_owner\": 1}", 0,
                 "is_owner");
    expect_field("residents", "{\"household_id\": 0, \"name\": \"王芳\"}", 0, "household_id");
    expect_field("residents", "{\"household_id\": 1, \"name\": null}", 0, "name");
    expect_field("buildings", "{\"place\": \"150781004004\", \"name\": \"1\", \"lat\": 1, \"lon\": 1}",
                 0, "place");
    expect_field("buildings", "{\"place\": \"150781004004001\", \"name\": \"1\", \"lat\": 91, \"lon\": 1}",
                 0, "lat");
    expect_field("estates", "{\"name\": \"x\"}", 0, "place");
    expect_field("owners", "{\"household_id\": 1, \"kind\": \"person\", \"name\": \"王芳\"}", 0,
                 "id_number");
    expect_field("owners", "{\"household_id\": 1, \"kind\": \"person\", \"name\": \"王芳\", \"owner_key\": \"x\"}",
                 0, "owner_key");
    gg_err err = {{0}};
    assert_int_equal(check("residents", "{}", 1, NULL, &err), GG_EINVAL);
}

static void test_long_name(void **state)
{
    (void)state;
    char body[400] = "{\"household_id\": 1, \"name\": \"";
    for (int i = 0; i < 65; i++)
        strcat(body, "王");
    strcat(body, "\"}");
    expect_field("residents", body, 0, "name");
}

static void test_normalise_and_tails(void **state)
{
    (void)state;
    gg_err err = {{0}};
    json_t *o;
    assert_int_equal(check("residents",
                           "{\"household_id\": 1, \"name\": \"王芳\", \"id_number\": \"11010519491231002x\","
                           " \"phone\": \"13812345678\", \"is_owner\": true}",
                           0, &o, &err),
                     0);
    assert_string_equal(json_string_value(json_object_get(o, "id_number")), "11010519491231002X");
    assert_string_equal(json_string_value(json_object_get(o, "id_tail")), "002X");
    assert_string_equal(json_string_value(json_object_get(o, "phone_tail")), "5678");
    assert_int_equal(json_integer_value(json_object_get(o, "is_owner")), 1);
    res_mask_row(res_find("residents"), o, 0, 0);
    assert_string_equal(json_string_value(json_object_get(o, "id_number")), "110105********002X");
    assert_string_equal(json_string_value(json_object_get(o, "phone")), "138****5678");
    assert_null(json_object_get(o, "id_tail"));
    json_decref(o);
}

static void test_owner_key(void **state)
{
    (void)state;
    gg_err err = {{0}};
    json_t *o;
    assert_int_equal(check("owners",
                           "{\"household_id\": 1, \"kind\": \"person\", \"name\": \"王芳\","
                           " \"id_number\": \"11010519491231002X\"}",
                           0, &o, &err),
                     0);
    assert_string_equal(json_string_value(json_object_get(o, "owner_key")), "P:11010519491231002X");
    json_decref(o);
    assert_int_equal(check("owners",
                           "{\"household_id\": 1, \"kind\": \"developer\", \"name\": \"某开发公司\","
                           " \"org_code\": \"91150781MA0N000001\", \"handed_over\": false}",
                           0, &o, &err),
                     0);
    assert_string_equal(json_string_value(json_object_get(o, "owner_key")), "O:91150781MA0N000001");
    json_decref(o);
}

static void test_query_params(void **state)
{
    (void)state;
    const struct res_def *r = res_find("residents");
    assert_true(res_query_param_ok(r, "q"));
    assert_true(res_query_param_ok(r, "phone_tail"));
    assert_true(res_query_param_ok(r, "id_tail"));
    assert_true(res_query_param_ok(r, "household_id"));
    assert_false(res_query_param_ok(r, "name"));
    assert_false(res_query_param_ok(r, "drop"));
    assert_false(res_query_param_ok(res_find("estates"), "phone_tail"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_household_ok),
        cmocka_unit_test(test_errors_name_field),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_normalise_and_tails),
        cmocka_unit_test(test_owner_key),
        cmocka_unit_test(test_query_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
