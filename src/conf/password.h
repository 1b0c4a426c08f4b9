/* Where the password comes from: never the command line. */
#ifndef PERCH_PASSWORD_H
#define PERCH_PASSWORD_H

#include "opts.h"

/*
 * Returns the password as a new string (caller wipes and frees) from, in
 * order: --password-env, --password-file (must be mode 0600),
 * --password-cmd (first line of its output), the config file, a no-echo
 * prompt on the terminal. NULL with *cause when none works.
 */
char *password_get(const struct conn_opts *o, char **cause);

#endif
