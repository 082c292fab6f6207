/*
 * main.c — the gridgov command: dispatches to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"init", cmd_init, "init --db URL --division CODE     create the database with a county's places"},
    {"demo", cmd_demo, "demo --db URL [--seed N]          fill Manzhouli with a synthetic city"},
    {"serve", cmd_serve, "serve --db URL [--listen H:P]     serve the API and UI"},
    {"user", cmd_user, "user add --db URL --login L --role R --place CODE   (password on stdin)"},
    {"apikey", cmd_apikey, "apikey add --db URL --name NAME | revoke --db URL --id N"},
    {"import", cmd_import, "import --db URL --kind K FILE [--dry-run]   import CSV"},
    {"export", cmd_export, "export --db URL --kind K --out FILE(.csv|.xlsx)   export a list"},
    {"plan", cmd_plan, "plan --db URL (--community C | --street S | --city) [--apply]   plan grids"},
    {"photos", cmd_photos, "photos --gc --db URL [--photos DIR]   remove unused uploads older than a day"},
    {"indicators", cmd_indicators, "indicators --db URL --rebuild|--check   recompute or verify case indicators"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: gridgov COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "gridgov: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
