/* The interactive console's entry, for main/main.c: the one thing outside
 * ui/ that knows the console exists. */
#ifndef PERCH_UI_MAIN_H
#define PERCH_UI_MAIN_H

#include "conf/cli.h"

/* perch [CONN] [--help]: the console's --help text. */
extern const char ui_main_help[];

/* Runs the console with the command line parsed (borrowed; its operands
 * are nodes to subscribe); returns the exit code. Refuses (EXIT_USAGE)
 * without a terminal. */
int ui_main(const struct cli *c);

/* For perch --version: "  ncurses V\n  readline V\n" (static). */
const char *ui_versions(void);

#endif
