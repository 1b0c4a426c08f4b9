/*
 * perch: argv -> command. The table of commands, and the one place the
 * command line is parsed. The only file that sees both src/ and ui/.
 */
#include "base/error.h"
#include "base/fail.h"
#include "base/json_pool.h"
#include "cmd/command.h"
#include "conf/cli.h"
#include "ui/ui_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PERCH_DATADIR
#define PERCH_DATADIR "/usr/local/share/perch"
#endif
#ifndef PERCH_BASHCOMPDIR
#define PERCH_BASHCOMPDIR "/usr/local/share/bash-completion/completions"
#endif
#ifndef PERCH_ZSHCOMPDIR
#define PERCH_ZSHCOMPDIR "/usr/local/share/zsh/site-functions"
#endif

static const struct command *const commands[] = {
    &cmd_send_entry,      &cmd_nodes_entry,       &cmd_info_entry,
    &cmd_subscribe_entry, &cmd_unsubscribe_entry, &cmd_subscriptions_entry,
    &cmd_items_entry,     &cmd_watch_entry,       &cmd_probe_entry,
    &cmd_decode_entry,    &cmd_replay_entry,      &cmd_simulate_entry,
    &cmd_rest_entry,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* perch [CONN] [NODE...]: the console, parsed like any command. */
static const struct command console = {
    .help = ui_main_help,
    .extras = CLI_FULL_JID,
    .main = ui_main,
};

static void usage(FILE *f)
{
    size_t i;

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
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n", f);
    fputs(cli_conn_help, f);
    fputs(
        "\nOptions may come before or after the NODEs (or the stanza); after\n"
        "-- every word is a NODE. Passwords are never taken on the command\n"
        "line. Options may also come from [account NAME] sections of\n"
        "~/.config/perch/config. See perch(1).\n",
        f);
    fputs("\nInstalled by make install: themes in " PERCH_DATADIR "/themes;\n"
          "completion for bash in " PERCH_BASHCOMPDIR "/perch\n"
          "and for zsh in " PERCH_ZSHCOMPDIR "/_perch (node names\n"
          "from ~/.cache/perch/nodes: perch nodes >~/.cache/perch/nodes).\n",
          f);
}

/* Parses argv (argv[0] the command's name) as cmd says, then runs it. */
static int run(const struct command *cmd, int argc, char **argv)
{
    struct cli c;
    char *cause = NULL;
    int code;

    if (cmd->main_argv)
        return cmd->main_argv(argc, argv);
    if (cli_parse(argc, argv, cmd->extras, cmd->options, &c, &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
        cli_done(&c);
        return EXIT_USAGE;
    }
    if (c.help) {
        fputs(cmd->help, stdout);
        cli_done(&c);
        return 0;
    }
    code = cmd->main(&c);
    cli_done(&c);
    return code;
}

int main(int argc, char **argv)
{
    size_t i;

    json_pool_use(); /* before any jansson value is made */
    cmd_replay_console = ui_replay;
    if (argc < 2)
        return run(&console, argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        version_print(stdout, ui_versions());
        return 0;
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i]->name) == 0)
            return run(commands[i], argc - 1, argv + 1);
    /* options or a node path first: the interactive console */
    if (argv[1][0] == '-' || argv[1][0] == '/')
        return run(&console, argc, argv);
    perch_error("unknown command '%s' (see perch --help)", argv[1]);
    return EXIT_USAGE;
}
