/* perch nodes: the pubsub service's nodes (disco#items), one a line. */
#include "base/sanitize.h"
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "run.h"
#include "xmpp/disco.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch nodes [CONN] [--service JID] [--json] [NODE]\n"
    "\n"
    "Lists the nodes of the pubsub service (default pubsub.DOMAIN) with\n"
    "disco#items, one a line, following result-set pages when the server\n"
    "pages. With NODE, lists the items disco shows under that node. With\n"
    "--json, one object a line: {\"jid\",\"node\",\"name\"}.\n"
    "\n"
    "Exit: 0 ok, 1 the service answered with an error, 3 connection,\n"
    "5 no answer.\n";

struct nodes {
    struct runner r;
    char *service;
    const char *node;
    int json;
};

static void print_items(struct nodes *n, const struct disco_items *items)
{
    size_t i;

    for (i = 0; i < items->n; i++) {
        const struct disco_item *it = &items->v[i];
        if (n->json) {
            json_t *o = json_object();
            char *line;
            json_object_set_new(o, "jid", json_string(it->jid));
            if (it->node)
                json_object_set_new(o, "node", json_string(it->node));
            if (it->name)
                json_object_set_new(o, "name", json_string(it->name));
            line = sanitize_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            puts(line);
            free(line);
            json_decref(o);
        } else if (it->node) {
            int named = it->name && strcmp(it->name, it->node) != 0;
            int other = strcmp(it->jid, n->service) != 0;
            sanitize_fprintf(stdout, SANITIZE_LINE, "%s%s%s%s%s%s%s", it->node,
                             named ? "  (" : "", named ? it->name : "",
                             named ? ")" : "", other ? "  [" : "",
                             other ? it->jid : "", other ? "]" : "");
            putchar('\n');
        } else {
            sanitize_fprintf(stdout, SANITIZE_LINE, "%s%s%s", it->jid,
                             it->name ? "  " : "", it->name ? it->name : "");
            putchar('\n');
        }
    }
    fflush(stdout);
}

static void on_items(void *arg, const struct disco_items *items,
                     enum iq_outcome outcome, xmpp_stanza_t *error)
{
    struct nodes *n = arg;

    if (outcome == IQ_CLOSED)
        return;
    if (outcome != IQ_REPLY || error) {
        char *why = session_iq_failure(outcome, error);
        perch_error("%s: %s", n->service, why);
        free(why);
        if (error) /* the pages before it */
            print_items(n, items);
        runner_finish(&n->r, session_iq_end(outcome, error) == IQ_END_NO_ANSWER
                                 ? EXIT_TIMEOUT
                                 : EXIT_REPLY_ERROR);
        return;
    }
    print_items(n, items);
    runner_finish(&n->r, 0);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct nodes *n = (struct nodes *)r;
    (void)jid;
    disco_fetch_items(r->session, n->service, n->node, SESSION_TIMEOUT_MS,
                      on_items, n);
}

static const struct runner_events nodes_events = {.ready = on_ready};

static int nodes_main(const struct cli *c)
{
    struct nodes n;
    int code;

    if (c->nargs > 1) {
        perch_error("nodes takes at most one NODE");
        return EXIT_USAGE;
    }
    memset(&n, 0, sizeof n);
    n.json = c->json;
    n.service = conn_service(&c->conn);
    n.node = c->nargs ? c->args[0] : NULL;
    code = runner_main(&n.r, c, &nodes_events);
    free(n.service);
    return code;
}

const struct command cmd_nodes_entry = {
    .name = "nodes",
    .summary = "list the pubsub nodes (disco#items)",
    .help = help,
    .extras = CLI_JSON,
    .main = nodes_main,
};
