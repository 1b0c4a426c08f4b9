/*
 * A headless command as an entry of main's table, like tmux's cmd_entry:
 * each command file exports one. main/main.c parses the command line with
 * the entry's options (cli_parse), prints its help on COMMAND --help, and
 * calls its main.
 */
#ifndef PERCH_COMMAND_H
#define PERCH_COMMAND_H

#include "conf/cli.h"

#include <stddef.h>
#include <stdio.h>

struct command {
    const char *name;    /* "send" */
    const char *summary; /* one line for perch --help */
    const char *help;    /* COMMAND --help */
    unsigned extras;     /* enum cli_extra: the options it takes beyond CONN */
    const struct cli_option *options; /* its own options, or NULL */
    /* The command, with the command line parsed (borrowed); returns the
     * exit code. */
    int (*main)(const struct cli *c);
    /* Instead of main, for a command that reads its arguments itself
     * (decode: no connection, options among the files). argv[0] is the
     * command's name. */
    int (*main_argv)(int argc, char **argv);
};

extern const struct command cmd_send_entry;
extern const struct command cmd_nodes_entry;
extern const struct command cmd_info_entry;
extern const struct command cmd_subscribe_entry;
extern const struct command cmd_unsubscribe_entry;
extern const struct command cmd_subscriptions_entry;
extern const struct command cmd_items_entry;
extern const struct command cmd_watch_entry;
extern const struct command cmd_probe_entry;
extern const struct command cmd_decode_entry;
extern const struct command cmd_simulate_entry;
extern const struct command cmd_rest_entry;
extern const struct command cmd_replay_entry;

/* perch replay FILE's console (ui_replay of ui/ui_main.h), set by main:
 * the commands do not see ui/. NULL: replay prints text instead. */
extern int (*cmd_replay_console)(const char *name, const char *data, size_t len,
                                 double speed);

/* perch --version: perch and the libraries it runs with (version.c);
 * ui_libs: the console's lines ("  ncurses …\n"), or NULL. */
void version_print(FILE *f, const char *ui_libs);

#endif
