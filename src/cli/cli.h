/*
 * cli.h — the gridgov command's subcommands. Each takes the arguments after
 * its name and returns the process exit status (0 ok, 1 failure, 2 usage).
 */
#ifndef GG_CLI_H
#define GG_CLI_H

#include <stdint.h>
#include <stdio.h>

int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_photos(int argc, char **argv);

struct gg_err;

/*
 * The photo store's directory into out[n]: opt (--photos) if given, else
 * "<database file>.photos"; created if missing and checked writable.
 * GG_E code with err filled otherwise (a PostgreSQL URL needs --photos).
 */
int cli_photo_dir(const char *db_url, const char *opt, char *out, size_t n, struct gg_err *err);

/*
 * Option lookup for "--name value" pairs: returns the value after the
 * option or def if absent. An option given without a value is an error:
 * the function prints it and exits 2.
 */
const char *cli_opt(int argc, char **argv, const char *name, const char *def);

/* True if the flag --name is present. */
int cli_flag(int argc, char **argv, const char *name);

/*
 * Progress line on a terminal: "label  done/total  pct%  rate/s" redrawn in
 * place when stderr is a TTY, otherwise one line every 10% (or nothing when
 * quiet). Call cli_progress_end to finish the line.
 */
typedef struct cli_progress {
    const char *label;
    int64_t total;
    int64_t done;
    int64_t last_shown;
    double started;
    int tty;
    int last_pct;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, int64_t total);
void cli_progress_add(cli_progress *p, int64_t n);
void cli_progress_end(cli_progress *p);

#endif
