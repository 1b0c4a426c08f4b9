/* Command-line parsing shared by every mode: CONN options plus extras. */
#ifndef PERCH_CLI_H
#define PERCH_CLI_H

#include "opts.h"

/* Options beyond CONN that a command accepts. */
enum cli_extra {
    CLI_TIMEOUT = 1 << 0,  /* --timeout S */
    CLI_JSON = 1 << 1,     /* --json */
    CLI_DURATION = 1 << 2, /* --duration S */
    CLI_MAX = 1 << 3,      /* --max N */
    CLI_COUNT = 1 << 4,    /* --count N */
    CLI_FULL_JID = 1 << 5, /* --full-jid */
};

struct cli {
    struct conn_opts conn; /* config file, then the command line */
    char *account;
    double timeout_s;  /* 0 when not given */
    double duration_s; /* 0 when not given */
    unsigned max;      /* 0 when not given */
    unsigned count;    /* 0 when not given */
    int full_jid;
    int json;
    int help;
    char **args; /* operands, borrowed from argv */
    int nargs;
};

/*
 * argv[0] is the command name. Loads the config ([account NAME] from -a,
 * else [account default] when present) under the command line. 0, or -1
 * with *cause (caller frees). With --help, returns 0 and sets help.
 */
int cli_parse(int argc, char **argv, unsigned extras, struct cli *c,
              char **cause);
void cli_done(struct cli *c);

/* The CONN options' help text, for usage screens. */
extern const char cli_conn_help[];

#endif
