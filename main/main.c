/* perch: argv -> command. */
#include "base/error.h"
#include "conf/cli.h"
#include "cmd/command.h"
#include "base/fail.h"
#include "cmd/run.h"

#include <stdio.h>
#include <string.h>

#ifndef PERCH_VERSION
#define PERCH_VERSION "0.1.0"
#endif

const struct command commands[] = {
    {"send", "send raw stanzas, print the replies", cmd_send},
    {"nodes", "list the pubsub nodes (disco#items)", cmd_nodes},
    {"info", "disco#info of a node", cmd_info},
    {"subscribe", "subscribe to nodes", cmd_subscribe},
    {"unsubscribe", "remove subscriptions to nodes", cmd_subscribe},
    {"subscriptions", "list this account's subscriptions", cmd_subscriptions},
    {"items", "the items a node holds, decoded", cmd_items},
    {"watch", "subscribe and stream decoded events", cmd_watch},
    {"probe", "watch the transport: BOSH requests, pings, drift", cmd_probe},
    {"decode", "decode captured Finesse events offline", cmd_decode},
    {"simulate", "publish a Finesse-like contact centre", cmd_simulate},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    const struct command *c;

    fputs("Usage: perch [CONN] [NODE...]\n"
          "       perch COMMAND [CONN] [OPTIONS] [ARGS]\n"
          "       perch --help | --version | COMMAND --help\n"
          "\n"
          "perch is a terminal console for XMPP publish-subscribe services,\n"
          "above all Cisco Finesse notification servers. Without a command\n"
          "it opens the interactive console (nodes, agents, dialogs, the XML\n"
          "console, the transport), subscribed to each NODE given.\n"
          "\n"
          "Commands:\n",
          f);
    for (c = commands; c->name; c++)
        fprintf(f, "  %-14s %s\n", c->name, c->summary);
    fputs("\n", f);
    fputs(cli_conn_help, f);
    fputs("\nPasswords are never taken on the command line. Options may\n"
          "also come from [account NAME] sections of ~/.config/perch/config.\n"
          "See perch(1).\n",
          f);
}

int main(int argc, char **argv)
{
    const struct command *c;

    if (argc < 2)
        return cmd_tui(argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("perch %s\n", PERCH_VERSION);
        return 0;
    }
    for (c = commands; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->main(argc - 1, argv + 1);
    /* options or a node path first: the interactive console */
    if (argv[1][0] == '-' || argv[1][0] == '/')
        return cmd_tui(argc, argv);
    perch_error("unknown command '%s' (see perch --help)", argv[1]);
    return EXIT_USAGE;
}
