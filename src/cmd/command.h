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
extern const char cmd_decode_help[];

extern const char cmd_nodes_help[];
extern const char cmd_info_help[];
extern const char cmd_subscribe_help[];
extern const char cmd_subscriptions_help[];
extern const char cmd_items_help[];
extern const char cmd_watch_help[];
extern const char cmd_simulate_help[];
extern const char cmd_tui_help[];

int cmd_send(int argc, char **argv);
int cmd_nodes(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_subscribe(int argc, char **argv); /* and unsubscribe */
int cmd_subscriptions(int argc, char **argv);
int cmd_items(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
/* The interactive console; in ui/ (the only code that draws). */
int cmd_tui(int argc, char **argv);

#endif
