/* ~/.config/perch/config: INI with [account NAME] sections of CONN keys. */
#ifndef PERCH_CONFIG_H
#define PERCH_CONFIG_H

#include "opts.h"

/* The config path: $XDG_CONFIG_HOME/perch/config or ~/.config/perch/config.
 * New string, caller frees; NULL when neither variable is set. */
char *config_path(void);

/*
 * Reads path, checking every section and key. When account is not NULL its
 * section is applied to o; when required, a missing file or section is an
 * error. A file holding a password must be mode 0600. 0, or -1 with *cause
 * "FILE:LINE: key 'k': why" (caller frees).
 */
int config_load(const char *path, const char *account, int required,
                struct conn_opts *o, char **cause);

#endif
