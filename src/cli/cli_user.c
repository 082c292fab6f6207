/*
 * cli_user.c — `gridgov user add` (password read from standard input) and
 * `gridgov apikey add` (prints a new key once).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "authz.h"
#include "cli.h"
#include "limits.h"
#include "place.h"
#include "store.h"

static int open_db(const char *url, db **d)
{
    gg_err err = {{0}};
    if (!url) {
        fprintf(stderr, "gridgov: --db is required\n");
        return 2;
    }
    if (store_open(url, d, &err) != 0) {
        fprintf(stderr, "gridgov: %s\n", err.msg);
        return 1;
    }
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        fprintf(stderr, "usage: gridgov user add --db URL --login NAME --role ROLE --place CODE"
                        " [--name DISPLAY]   (password on standard input)\n");
        return 2;
    }
    const char *url = cli_opt(argc, argv, "--db", NULL);
    const char *login = cli_opt(argc, argv, "--login", NULL);
    const char *role = cli_opt(argc, argv, "--role", NULL);
    const char *place = cli_opt(argc, argv, "--place", NULL);
    const char *name = cli_opt(argc, argv, "--name", "");
    if (!login || !role || !place) {
        fprintf(stderr, "gridgov: --login, --role and --place are required\n");
        return 2;
    }
    if (role_parse(role) == ROLE_NONE) {
        fprintf(stderr, "gridgov: unknown role '%s' (city_admin, street_admin, community_admin,"
                        " grid_chief, grid_worker, dept_handler, resident, auditor)\n", role);
        return 2;
    }
    int lo, hi, lv = place_level_of(place);
    authz_role_levels(role_parse(role), &lo, &hi);
    if (lv < lo || lv > hi) {
        fprintf(stderr, "gridgov: a %s must be bound to a place of level %s..%s\n", role,
                place_level_name(lo), place_level_name(hi));
        return 2;
    }
    char pw[GG_PASSWORD_MAX + 2];
    if (!fgets(pw, sizeof(pw), stdin)) {
        fprintf(stderr, "gridgov: give the password on standard input\n");
        return 2;
    }
    pw[strcspn(pw, "\r\n")] = '\0';
    db *d;
    int rc = open_db(url, &d);
    if (rc) {
        sodium_memzero(pw, sizeof(pw));
        return rc;
    }
    json_t *p;
    if (store_place_get(d, place, &p) != 0) {
        fprintf(stderr, "gridgov: place %s does not exist (run gridgov init first)\n", place);
        sodium_memzero(pw, sizeof(pw));
        db_close(d);
        return 1;
    }
    json_decref(p);
    gg_err err = {{0}};
    int64_t id;
    db_begin_write(d);
    rc = store_user_add(d, login, pw, role, place, name, &id, &err);
    sodium_memzero(pw, sizeof(pw));
    if (rc == 0)
        rc = store_audit(d, 0, "cli", "create", "users", login, place, role);
    if (rc == 0)
        rc = db_commit(d);
    else
        db_rollback(d);
    db_close(d);
    if (rc) {
        fprintf(stderr, "gridgov: %s\n", err.msg[0] ? err.msg : "cannot add user");
        return 1;
    }
    printf("user %s (%s at %s) created with id %lld\n", login, role, place, (long long)id);
    return 0;
}

/* `gridgov apikey revoke --id N`: the key stops working at once. */
static int apikey_revoke(const char *url, const char *ids)
{
    int64_t id;
    if (!ids || gg_parse_i64(ids, 1, INT64_MAX, &id) != 0) {
        fprintf(stderr, "gridgov: --id N (the id of the API key) is required\n");
        return 2;
    }
    db *d;
    int rc = open_db(url, &d);
    if (rc)
        return rc;
    db_begin_write(d);
    rc = store_apikey_revoke(d, id);
    if (rc == 0)
        rc = store_audit(d, 0, "cli", "revoke", "apikeys", ids, "", "");
    if (rc == 0)
        rc = db_commit(d);
    else
        db_rollback(d);
    db_close(d);
    if (rc) {
        fprintf(stderr, "gridgov: %s\n",
                rc == GG_ENOTFOUND ? "no such API key" : "cannot revoke the API key");
        return 1;
    }
    printf("API key %lld revoked\n", (long long)id);
    return 0;
}

int cmd_apikey(int argc, char **argv)
{
    if (argc < 1 || (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "revoke") != 0)) {
        fprintf(stderr, "usage: gridgov apikey add --db URL --name NAME\n"
                        "       gridgov apikey revoke --db URL --id N\n");
        return 2;
    }
    const char *url = cli_opt(argc, argv, "--db", NULL);
    if (strcmp(argv[0], "revoke") == 0)
        return apikey_revoke(url, cli_opt(argc, argv, "--id", NULL));
    const char *name = cli_opt(argc, argv, "--name", NULL);
    if (!name || !*name) {
        fprintf(stderr, "gridgov: --name is required\n");
        return 2;
    }
    db *d;
    int rc = open_db(url, &d);
    if (rc)
        return rc;
    if (sodium_init() < 0) {
        db_close(d);
        return 1;
    }
    int64_t id;
    char key[68];
    db_begin_write(d);
    rc = store_apikey_add(d, name, &id, key);
    if (rc == 0)
        rc = store_audit(d, 0, "cli", "create", "apikeys", name, "", "");
    if (rc == 0)
        rc = db_commit(d);
    else
        db_rollback(d);
    db_close(d);
    if (rc) {
        fprintf(stderr, "gridgov: cannot create API key\n");
        return 1;
    }
    printf("%s\n", key);
    return 0;
}
