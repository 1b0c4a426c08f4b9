/* The table of commands: each a name, a one-line summary, help, a main. */
#ifndef PERCH_COMMANDS_H
#define PERCH_COMMANDS_H

struct command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv); /* argv[0] is the command name */
};

extern const struct command commands[];
extern const char cmd_send_help[];
extern const char cmd_probe_help[];

int cmd_send(int argc, char **argv);
int cmd_probe(int argc, char **argv);

#endif
