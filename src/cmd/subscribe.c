/* perch subscribe | unsubscribe NODE...: one request per node, in order. */
#include "base/sanitize.h"
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "xmpp/jid.h"
#include "run.h"
#include "xmpp/ledger.h"
#include "xmpp/pubsub.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch subscribe [CONN] [--service JID] [--full-jid] NODE...\n"
    "       perch unsubscribe [CONN] [--service JID] [--full-jid] NODE...\n"
    "       perch unsubscribe [CONN] [--service JID] --stale\n"
    "\n"
    "Subscribes the account's bare JID (the full JID, this connection\n"
    "only, with --full-jid) to each NODE, or removes those subscriptions\n"
    "(every one of that JID on the node, each by its subid). Finesse keeps\n"
    "explicit subscriptions until they are removed: see perch\n"
    "subscriptions.\n"
    "\n"
    "unsubscribe --stale removes the leftovers instead: subscriptions a\n"
    "perch made and did not remove because it ended first, that no running\n"
    "perch uses (perch subscriptions --stale lists them), each by its JID\n"
    "and subid, and forgets them in ~/.local/share/perch/subscriptions.\n"
    "\n"
    "Exit: 0 all done, 1 the service refused one (the condition is\n"
    "printed), 3 connection, 5 no answer.\n";

struct step {
    const char *node;  /* borrowed from argv or the leftovers */
    const char *subid; /* borrowed from existing, or NULL */
    const char *jid;   /* the leftover's JID; NULL: s->jid */
    const struct ledger_entry *leftover; /* --stale: forgotten when done */
};

struct subscribe_settings {
    int stale;
};

static const struct cli_option unsubscribe_options[] = {
    {"stale", CLI_FLAG_ON, offsetof(struct subscribe_settings, stale), 0, 0},
    {NULL, CLI_FLAG_OFF, 0, 0, 0},
};

struct subscribe {
    struct runner r;
    struct subscribe_settings set;
    struct ledger *ledger; /* --stale */
    struct ledger_list leftovers;
    char *bare;
    char *service;
    char *jid; /* the JID subscribed: bare or full */
    char **nodes;
    int nnodes;
    int unsubscribe;
    int full_jid;
    int code;
    struct pubsub_subs existing; /* for unsubscribe: the subids */
    struct step *plan;
    size_t nplan, next;
};

static void next_request(struct subscribe *s);

static void note_error(struct subscribe *s, const char *node,
                       xmpp_stanza_t *reply, enum iq_outcome outcome)
{
    char *why = session_iq_failure(outcome, reply);

    perch_error("%s: %s", node, why);
    free(why);
    if (session_iq_end(outcome, reply) == IQ_END_NO_ANSWER)
        s->code = EXIT_TIMEOUT;
    else if (s->code == 0)
        s->code = EXIT_REPLY_ERROR;
}

static void on_reply(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct subscribe *s = arg;
    const struct step *st = &s->plan[s->next++];
    struct pubsub_sub sub;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT) {
        note_error(s, st->node, reply, outcome);
    } else if (s->unsubscribe) {
        sanitize_fprintf(
            stdout, SANITIZE_LINE, "unsubscribed %s%s%s%s%s", st->node,
            st->leftover ? "  jid " : "", st->leftover ? st->jid : "",
            st->subid ? "  subid " : "", st->subid ? st->subid : "");
        putchar('\n');
        if (st->leftover) {
            char *cause = NULL;
            if (ledger_forget(s->ledger, st->leftover, &cause) != 0) {
                perch_error("%s", cause);
                free(cause);
            }
        }
    } else if (pubsub_parse_subscription(reply, &sub) == 0) {
        sanitize_fprintf(
            stdout, SANITIZE_LINE, "%s %s%s%s",
            strcmp(sub.state, "subscribed") == 0 ? "subscribed" : sub.state,
            st->node, sub.subid ? "  subid " : "", sub.subid ? sub.subid : "");
        putchar('\n');
        pubsub_sub_done(&sub);
    }
    fflush(stdout);
    next_request(s);
}

static void next_request(struct subscribe *s)
{
    const struct step *st;
    xmpp_stanza_t *iq;

    if (s->next == s->nplan) {
        runner_finish(&s->r, s->code);
        return;
    }
    st = &s->plan[s->next];
    iq = s->unsubscribe
             ? pubsub_unsubscribe_iq(s->r.ctx, s->service, st->node,
                                     st->jid ? st->jid : s->jid, st->subid)
             : pubsub_subscribe_iq(s->r.ctx, s->service, st->node, s->jid);
    session_send_iq(s->r.session, iq, SESSION_TIMEOUT_MS, on_reply, s);
    xmpp_stanza_release(iq);
}

/* One step per node, or for unsubscribe one per subid of our JID there
 * (one without subid when the service lists none). */
static void make_plan(struct subscribe *s)
{
    int i;
    size_t k;

    s->plan = xcalloc((size_t)s->nnodes + s->existing.n, sizeof *s->plan);
    for (i = 0; i < s->nnodes; i++) {
        size_t before = s->nplan;
        for (k = 0; s->unsubscribe && k < s->existing.n; k++) {
            const struct pubsub_sub *e = &s->existing.v[k];
            if (strcmp(e->node, s->nodes[i]) == 0 && e->jid &&
                jid_equal(e->jid, s->jid)) {
                s->plan[s->nplan].node = s->nodes[i];
                s->plan[s->nplan++].subid = e->subid;
            }
        }
        if (s->nplan == before)
            s->plan[s->nplan++].node = s->nodes[i];
    }
}

/* --stale: one step per leftover the service still lists. */
static void make_stale_plan(struct subscribe *s)
{
    char *cause = NULL;
    size_t i;

    if (ledger_leftovers_listed(s->ledger, s->bare, s->service, &s->existing,
                                &s->leftovers, &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
        s->code = EXIT_USAGE;
    }
    s->plan = xcalloc(s->leftovers.n + 1, sizeof *s->plan);
    for (i = 0; i < s->leftovers.n; i++) {
        const struct ledger_entry *e = &s->leftovers.v[i];
        s->plan[i].node = e->node;
        s->plan[i].jid = e->jid;
        s->plan[i].subid = *e->subid ? e->subid : NULL;
        s->plan[i].leftover = e;
    }
    s->nplan = s->leftovers.n;
    if (s->nplan == 0)
        printf("no leftover subscriptions\n");
}

static void on_subscriptions(void *arg, enum iq_outcome outcome,
                             xmpp_stanza_t *reply, double rtt)
{
    struct subscribe *s = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (s->set.stale &&
        runner_unanswered(&s->r, outcome, reply, "subscriptions"))
        return;
    if (outcome == IQ_REPLY)
        pubsub_parse_subscriptions(reply, &s->existing);
    if (s->set.stale)
        make_stale_plan(s);
    else
        make_plan(s);
    next_request(s);
}

static void on_ready(struct runner *r, const char *bound)
{
    struct subscribe *s = (struct subscribe *)r;
    struct jid j;
    char *cause = NULL;

    if (s->full_jid) {
        s->jid = xstrdup(bound);
    } else if (jid_parse(bound, &j, &cause) == 0) {
        s->jid = jid_bare(&j);
        jid_done(&j);
    } else {
        free(cause);
        s->jid = xstrdup(bound);
    }
    if (s->unsubscribe) {
        xmpp_stanza_t *iq = pubsub_subscriptions_iq(r->ctx, s->service);
        session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_subscriptions,
                        s);
        xmpp_stanza_release(iq);
    } else {
        make_plan(s);
        next_request(s);
    }
}

static const struct runner_events subscribe_events = {.ready = on_ready};

/* subscribe or unsubscribe, as name says. */
static int run(const struct cli *c, const char *name, int unsubscribe)
{
    struct subscribe s;
    char *cause = NULL;
    int code;

    memset(&s, 0, sizeof s);
    cli_own_apply(c, &s.set);
    if (s.set.stale && c->nargs > 0) {
        perch_error("%s --stale takes no NODE", name);
        return EXIT_USAGE;
    }
    if (c->nargs < 1 && !s.set.stale) {
        perch_error("%s needs at least one NODE (or --stale)", name);
        return EXIT_USAGE;
    }
    if (s.set.stale && (s.ledger = ledger_open(NULL, &cause)) == NULL) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    s.bare = conn_bare(&c->conn);
    s.unsubscribe = unsubscribe;
    s.full_jid = c->full_jid;
    s.service = conn_service(&c->conn);
    s.nodes = c->args;
    s.nnodes = c->nargs;
    code = runner_main(&s.r, c, &subscribe_events);
    pubsub_subs_done(&s.existing);
    ledger_list_done(&s.leftovers);
    ledger_close(s.ledger);
    free(s.plan);
    free(s.service);
    free(s.jid);
    free(s.bare);
    return code;
}

static int subscribe_main(const struct cli *c)
{
    return run(c, "subscribe", 0);
}

static int unsubscribe_main(const struct cli *c)
{
    return run(c, "unsubscribe", 1);
}

const struct command cmd_subscribe_entry = {
    .name = "subscribe",
    .summary = "subscribe to nodes",
    .help = help,
    .extras = CLI_FULL_JID,
    .main = subscribe_main,
};

const struct command cmd_unsubscribe_entry = {
    .name = "unsubscribe",
    .summary = "remove subscriptions to nodes (or the leftovers)",
    .help = help,
    .extras = CLI_FULL_JID,
    .options = unsubscribe_options,
    .main = unsubscribe_main,
};
