/*
 * cli_import.c — `gridgov import` and `gridgov export`.
 */
#include <stdio.h>

#include "cli.h"

int cmd_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "gridgov: import is not built yet\n");
    return 1;
}

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "gridgov: export is not built yet\n");
    return 1;
}
