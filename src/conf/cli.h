/* Command-line parsing shared by every mode: CONN options plus extras. */
#ifndef PERCH_CLI_H
#define PERCH_CLI_H

#include "opts.h"

#include <stddef.h>
#include <stdint.h>

/* Options beyond CONN that a command accepts. */
enum cli_extra {
    CLI_TIMEOUT = 1 << 0,  /* --timeout S */
    CLI_JSON = 1 << 1,     /* --json */
    CLI_DURATION = 1 << 2, /* --duration S */
    CLI_MAX = 1 << 3,      /* --max N */
    CLI_COUNT = 1 << 4,    /* --count N */
    CLI_FULL_JID = 1 << 5, /* --full-jid */
};

/*
 * An option of one command's own (beyond CONN and the extras above), as a
 * row of that command's table: its long name, what it holds, and where in
 * the command's settings it goes (like opts.c's table for CONN).
 */
enum cli_kind {
    CLI_NUMBER,   /* unsigned from lo to hi (decimals cut off) */
    CLI_REAL,     /* double from lo to hi */
    CLI_U64,      /* uint64_t, any */
    CLI_FLAG_OFF, /* no value: sets an int to 0 */
    CLI_FLAG_ON,  /* no value: sets an int to 1 */
    CLI_STRING,   /* a const char * borrowed from argv */
};

struct cli_option {
    const char *name; /* "agents" for --agents; NULL ends a table */
    enum cli_kind kind;
    size_t offset; /* of the field in the settings struct */
    double lo, hi; /* CLI_NUMBER, CLI_REAL */
};

/* A command's own option as given: its row and its value, checked. */
struct cli_own {
    const struct cli_option *opt;
    double real;     /* CLI_NUMBER, CLI_REAL */
    uint64_t u64;    /* CLI_U64 */
    const char *str; /* CLI_STRING */
};

struct cli {
    struct conn_opts conn; /* config file, then the command line */
    const char *command;   /* argv[0] (borrowed): "watch", "perch" … */
    char *account;
    double timeout_s;  /* 0 when not given */
    double duration_s; /* 0 when not given */
    unsigned max;      /* 0 when not given */
    unsigned count;    /* 0 when not given */
    int full_jid;
    int json;
    int help;
    char **args; /* operands in order (owned array of argv's strings):
                  * options may come before or after them; after "--"
                  * everything is an operand */
    int nargs;
    struct cli_own *own; /* the command's own options, in argv order */
    int nown;
};

/*
 * argv[0] is the command name. extras: the enum cli_extra bits allowed;
 * own: the command's own options (a table ended by a NULL name), or NULL.
 * Loads the config ([account NAME] from -a, else [account default] when
 * present) under the command line. Options and operands (NODEs, the
 * stanza) may come in any order. 0, or -1 with *cause (caller frees).
 * With --help, returns 0 and sets help. Call cli_done in every case.
 */
int cli_parse(int argc, char **argv, unsigned extras,
              const struct cli_option *own, struct cli *c, char **cause);
void cli_done(struct cli *c);

/* Sets the command's own options of c, in order, into settings (the
 * struct the table's offsets are of; cli_parse checked the values). */
void cli_own_apply(const struct cli *c, void *settings);

/* The CONN options' help text, for usage screens. */
extern const char cli_conn_help[];

#endif
