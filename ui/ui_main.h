/* The interactive console's entry, for main/main.c: the one thing outside
 * ui/ that knows the console exists. */
#ifndef PERCH_UI_MAIN_H
#define PERCH_UI_MAIN_H

#include "conf/cli.h"

#include <stddef.h>

/* perch [CONN] [--help]: the console's --help text. */
extern const char ui_main_help[];

/* Runs the console with the command line parsed (borrowed; its operands
 * are nodes to subscribe); returns the exit code. Refuses (EXIT_USAGE)
 * without a terminal. */
int ui_main(const struct cli *c);

/* For perch --version: "  ncurses V\n  readline V\n" (static). */
const char *ui_versions(void);

/* perch replay FILE on a terminal: the console on the capture data (len
 * bytes, borrowed) named name, playing at speed (a factor; 0: as fast as
 * possible) from its first event. Returns the exit code: 0, or EXIT_USAGE
 * when data is not evidence (said on stderr). */
int ui_replay(const char *name, const char *data, size_t len, double speed);

#endif
