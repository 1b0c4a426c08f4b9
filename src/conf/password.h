/* Where the password comes from: never the command line. */
#ifndef PERCH_PASSWORD_H
#define PERCH_PASSWORD_H

#include "opts.h"

/* The longest password taken; a longer one is refused, never cut. */
#define PASSWORD_MAX 1024
#define PASSWORD_MAX_TEXT "1024"
/* --password-cmd is killed when it has not finished after this. */
#define PASSWORD_CMD_TIMEOUT_S 10

/*
 * Returns the password as a new string (caller wipes and frees) from, in
 * order: --password-env, --password-file (a regular file of mode 0600),
 * --password-cmd (first line of its output; it must finish within
 * PASSWORD_CMD_TIMEOUT_S), the config file, a no-echo prompt on the
 * terminal. NULL with *cause when none works. Once it has a password the
 * process is protected (password_protect_process).
 */
char *password_get(const struct conn_opts *o, char **cause);

/* No core file (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0: no
 * ptrace by the user's other processes, no /proc/PID/mem). */
void password_protect_process(void);

#endif
