/* perch nodes: the pubsub service's nodes (disco#items), one a line. */
#include "base/sanitize.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "run.h"
#include "xmpp/disco.h"

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

/* One object a line: {"jid","node","name"}, what json_string takes (a
 * value that is not UTF-8 is left out, as jansson refuses it). */
static void json_line(struct buf *out, const struct disco_item *it)
{
    static const char *const keys[] = {"jid", "node", "name"};
    const char *v[3] = {it->jid, it->node, it->name};
    size_t i;
    int first = 1;

    buf_append(out, "{", 1);
    for (i = 0; i < 3; i++) {
        if (v[i] == NULL || !utf8_valid(v[i]))
            continue;
        if (!first)
            buf_append(out, ",", 1);
        first = 0;
        sanitize_json_put(out, keys[i], strlen(keys[i]));
        buf_append(out, ":", 1);
        sanitize_json_put(out, v[i], strlen(v[i]));
    }
    buf_append(out, "}\n", 2);
}

/* The line for people, raw in line (reused), sanitised into out. */
static void text_line(struct buf *out, struct buf *line, const struct nodes *n,
                      const struct disco_item *it)
{
    line->len = 0;
    if (it->node) {
        int named = it->name && strcmp(it->name, it->node) != 0;
        buf_puts(line, it->node);
        if (named) {
            buf_puts(line, "  (");
            buf_puts(line, it->name);
            buf_puts(line, ")");
        }
        if (strcmp(it->jid, n->service) != 0) {
            buf_puts(line, "  [");
            buf_puts(line, it->jid);
            buf_puts(line, "]");
        }
    } else {
        buf_puts(line, it->jid);
        if (it->name) {
            buf_puts(line, "  ");
            buf_puts(line, it->name);
        }
    }
    sanitize_text(out, line->data ? line->data : "", line->len, SANITIZE_LINE);
    buf_append(out, "\n", 1);
}

/* Every item into one buffer, written at once: no copy per line. */
static void print_items(struct nodes *n, const struct disco_items *items)
{
    struct buf out, line;
    size_t i;

    buf_init(&out);
    buf_init(&line);
    buf_append(&out, "", 0);
    for (i = 0; i < items->n; i++) {
        if (n->json)
            json_line(&out, &items->v[i]);
        else
            text_line(&out, &line, n, &items->v[i]);
    }
    fwrite(out.data, 1, out.len, stdout);
    fflush(stdout);
    buf_done(&line);
    buf_done(&out);
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
