/* perch items NODE: the items a node holds, decoded like watch's events. */
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "decode/decode.h"
#include "event_out.h"
#include "run.h"
#include "xmpp/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch items [CONN] [--service JID] [--max N] [--json] NODE\n"
    "\n"
    "Retrieves the items NODE holds (the newest N with --max) and prints\n"
    "each decoded, like perch watch: one aligned line each, or one JSON\n"
    "object a line with --json.\n"
    "\n"
    "Exit: 0 ok, 1 an error answer (e.g. item-not-found), 3 connection,\n"
    "5 no answer.\n";

struct items {
    struct runner r;
    char *service;
    const char *node;
    unsigned max;
    int json;
};

static void on_reply(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct items *n = arg;
    xmpp_stanza_t *items, *c;
    (void)rtt;

    if (runner_unanswered(&n->r, outcome, reply, n->node))
        return;
    items = pubsub_result_items(reply);
    if (items == NULL) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("%s: %s", n->node, why);
        free(why);
        runner_finish(&n->r, EXIT_REPLY_ERROR);
        return;
    }
    for (c = xmpp_stanza_get_children(items); c; c = xmpp_stanza_get_next(c)) {
        json_t *ev;
        if (xmpp_stanza_is_text(c) ||
            strcmp(xmpp_stanza_get_name(c), "item") != 0)
            continue;
        ev = event_stamp(decode_item(n->node, c), n->service);
        event_print(stdout, ev, n->json);
        json_decref(ev);
    }
    runner_finish(&n->r, 0);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct items *n = (struct items *)r;
    xmpp_stanza_t *iq = pubsub_items_iq(r->ctx, n->service, n->node, n->max);
    (void)jid;
    session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_reply, n);
    xmpp_stanza_release(iq);
}

static const struct runner_events items_events = {.ready = on_ready};

static int items_main(const struct cli *c)
{
    struct items n;
    int code;

    if (c->nargs != 1) {
        perch_error("items needs one NODE");
        return EXIT_USAGE;
    }
    memset(&n, 0, sizeof n);
    n.json = c->json;
    n.max = c->max;
    n.service = conn_service(&c->conn);
    n.node = c->args[0];
    code = runner_main(&n.r, c, &items_events);
    free(n.service);
    return code;
}

const struct command cmd_items_entry = {
    .name = "items",
    .summary = "the items a node holds, decoded",
    .help = help,
    .extras = CLI_JSON | CLI_MAX,
    .main = items_main,
};
