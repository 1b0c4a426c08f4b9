/* What perch reads from the environment, read one way everywhere. */
#ifndef PERCH_ENV_H
#define PERCH_ENV_H

/* 1 when NO_COLOR is set and not empty (https://no-color.org): no colour
 * on a terminal, from the console or a command. */
int env_no_color(void);

/* perch's data directory: $XDG_DATA_HOME/perch, else
 * $HOME/.local/share/perch, made (mode 0700, parents too) when missing.
 * New string, caller frees; NULL when neither variable is set. */
char *env_data_dir(void);

/* SSLKEYLOGFILE when set and not empty (borrowed), else NULL: where TLS
 * secrets go for Wireshark, as browsers and curl honour it. */
const char *env_keylog_file(void);

/* The warning printed while SSLKEYLOGFILE is set (a new string, caller
 * frees), or NULL when it is not. */
char *env_keylog_warning(void);

#endif
