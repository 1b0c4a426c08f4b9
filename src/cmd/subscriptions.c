/* perch subscriptions: what this account is subscribed to. */
#include "base/sanitize.h"
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "run.h"
#include "xmpp/ledger.h"
#include "xmpp/pubsub.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch subscriptions [CONN] [--service JID] [--json] [--stale]\n"
    "\n"
    "Lists the account's subscriptions on the pubsub service: node, JID\n"
    "(bare, or a full JID for a one-connection subscription), subid and\n"
    "state. With --json, one object a line:\n"
    "{\"node\",\"jid\",\"subid\",\"subscription\"}.\n"
    "\n"
    "      --stale             only the leftovers: subscriptions a perch made\n"
    "                          and did not remove because it ended first (a\n"
    "                          crash, a kill), that no running perch uses and\n"
    "                          the service still lists — from the ledger,\n"
    "                          ~/.local/share/perch/subscriptions; with\n"
    "                          --json {\"node\",\"jid\",\"subid\",\"pid\"}.\n"
    "                          perch unsubscribe --stale removes them.\n"
    "\n"
    "Exit: 0 ok, 1 an error answer, 3 connection, 5 no answer.\n";

struct subs_settings {
    int stale;
};

static const struct cli_option options[] = {
    {"stale", CLI_FLAG_ON, offsetof(struct subs_settings, stale), 0, 0},
    {NULL, CLI_FLAG_OFF, 0, 0, 0},
};

struct subs {
    struct runner r;
    struct subs_settings set;
    char *service;
    char *bare;
    int json;
};

/* o (consumed) as one sanitised JSON line on stdout. */
static void put_json(json_t *o)
{
    char *line = sanitize_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

    puts(line);
    free(line);
    json_decref(o);
}

static void print_subs(struct subs *n, const struct pubsub_subs *subs)
{
    size_t i;

    for (i = 0; i < subs->n; i++) {
        const struct pubsub_sub *s = &subs->v[i];
        if (n->json) {
            json_t *o = json_object();
            json_object_set_new(o, "node", json_string(s->node));
            if (s->jid)
                json_object_set_new(o, "jid", json_string(s->jid));
            if (s->subid)
                json_object_set_new(o, "subid", json_string(s->subid));
            json_object_set_new(o, "subscription", json_string(s->state));
            put_json(o);
        } else {
            sanitize_fprintf(stdout, SANITIZE_LINE, "%-40s %-11s %s%s%s",
                             s->node, s->state, s->jid ? s->jid : "",
                             s->subid ? "  subid " : "",
                             s->subid ? s->subid : "");
            putchar('\n');
        }
    }
    fflush(stdout);
}

/* The ledger's leftovers the service still lists. */
static void print_stale(struct subs *n, const struct pubsub_subs *subs)
{
    struct ledger *l;
    struct ledger_list left = {0};
    char *cause = NULL;
    size_t i;

    if ((l = ledger_open(NULL, &cause)) == NULL ||
        ledger_leftovers_listed(l, n->bare, n->service, subs, &left, &cause) !=
            0) {
        perch_error("%s", cause);
        free(cause);
        ledger_close(l);
        return;
    }
    for (i = 0; i < left.n; i++) {
        const struct ledger_entry *e = &left.v[i];
        if (n->json) {
            json_t *o = json_object();
            json_object_set_new(o, "node", json_string(e->node));
            json_object_set_new(o, "jid", json_string(e->jid));
            if (*e->subid)
                json_object_set_new(o, "subid", json_string(e->subid));
            json_object_set_new(o, "pid", json_integer(e->pid));
            put_json(o);
        } else {
            sanitize_fprintf(stdout, SANITIZE_LINE,
                             "%-40s %s%s%s  (perch pid %ld ended without "
                             "removing it)",
                             e->node, e->jid, *e->subid ? "  subid " : "",
                             e->subid, e->pid);
            putchar('\n');
        }
    }
    fflush(stdout);
    ledger_list_done(&left);
    ledger_close(l);
}

static void on_reply(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct subs *n = arg;
    struct pubsub_subs subs;
    (void)rtt;

    if (runner_unanswered(&n->r, outcome, reply, n->service))
        return;
    if (pubsub_parse_subscriptions(reply, &subs) != 0) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("%s: %s", n->service, why);
        free(why);
        runner_finish(&n->r, EXIT_REPLY_ERROR);
        return;
    }
    if (n->set.stale)
        print_stale(n, &subs);
    else
        print_subs(n, &subs);
    pubsub_subs_done(&subs);
    runner_finish(&n->r, 0);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct subs *n = (struct subs *)r;
    xmpp_stanza_t *iq = pubsub_subscriptions_iq(r->ctx, n->service);
    (void)jid;
    session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_reply, n);
    xmpp_stanza_release(iq);
}

static const struct runner_events subs_events = {.ready = on_ready};

static int subscriptions_main(const struct cli *c)
{
    struct subs n;
    int code;

    if (c->nargs != 0) {
        perch_error("subscriptions takes no NODE");
        return EXIT_USAGE;
    }
    memset(&n, 0, sizeof n);
    cli_own_apply(c, &n.set);
    n.json = c->json;
    n.service = conn_service(&c->conn);
    n.bare = conn_bare(&c->conn);
    code = runner_main(&n.r, c, &subs_events);
    free(n.service);
    free(n.bare);
    return code;
}

const struct command cmd_subscriptions_entry = {
    .name = "subscriptions",
    .summary = "list this account's subscriptions",
    .help = help,
    .extras = CLI_JSON,
    .options = options,
    .main = subscriptions_main,
};
