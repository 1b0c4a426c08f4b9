/*
 * perch watch NODE...: subscribe, stream decoded events, and on exit remove
 * the subscriptions this run created (and only those).
 */
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "decode/decode.h"
#include "event_out.h"
#include "xmpp/jid.h"
#include "base/loop.h"
#include "run.h"
#include "xmpp/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLEANUP_TIMEOUT_MS 5000

static const char help[] =
    "Usage: perch watch [CONN] [--service JID] [--full-jid] [--json]\n"
    "                   [--count N] [--duration S] NODE...\n"
    "\n"
    "Subscribes to each NODE (unless this JID already is) and prints every\n"
    "event as it arrives, decoded (Finesse user, dialogs, team, queue,\n"
    "system info …): one aligned line each, or one JSON object a line\n"
    "with --json (see perch(1)). Retractions, purges, node deletions and\n"
    "subscription changes are shown too. Ends after N events, after S\n"
    "seconds, or on Ctrl-C / SIGTERM, and then removes the subscriptions\n"
    "it created — only those; Finesse would otherwise keep them.\n"
    "\n"
    "Exit: 0 ok, 1 a subscription was refused, 3 connection lost.\n";

struct created {
    char *node;
    char *subid; /* NULL when the service gave none */
};

struct watch {
    struct runner r;
    char *service;
    char *jid; /* the JID subscribed */
    char **nodes;
    int nnodes, next;
    int json;
    unsigned count, seen;
    double duration_s;
    struct pubsub_subs existing;
    struct created *created;
    size_t ncreated, pending_unsubs;
    struct loop_timer *end_timer;
    int full_jid;
    int streaming; /* events are shown: from login until cleanup */
};

static void subscribe_next(struct watch *w);

static void on_subscribed(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct watch *w = arg;
    const char *node = w->nodes[w->next++];
    struct pubsub_sub sub;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("cannot subscribe to %s: %s", node, why);
        free(why);
        runner_finish(&w->r, EXIT_REPLY_ERROR);
        return;
    }
    w->created = xrealloc(w->created, (w->ncreated + 1) * sizeof *w->created);
    w->created[w->ncreated].node = xstrdup(node);
    w->created[w->ncreated].subid = NULL;
    if (pubsub_parse_subscription(reply, &sub) == 0 && sub.subid)
        w->created[w->ncreated].subid = xstrdup(sub.subid);
    pubsub_sub_done(&sub);
    w->ncreated++;
    subscribe_next(w);
}

static int already_subscribed(struct watch *w, const char *node)
{
    size_t i;
    for (i = 0; i < w->existing.n; i++)
        if (strcmp(w->existing.v[i].node, node) == 0 && w->existing.v[i].jid &&
            jid_equal(w->existing.v[i].jid, w->jid) &&
            strcmp(w->existing.v[i].state, "subscribed") == 0)
            return 1;
    return 0;
}

static void subscribe_next(struct watch *w)
{
    xmpp_stanza_t *iq;

    while (w->next < w->nnodes && already_subscribed(w, w->nodes[w->next]))
        w->next++;
    if (w->next == w->nnodes) {
        fprintf(stderr, "perch: watching %d node%s (%zu new subscription%s)\n",
                w->nnodes, w->nnodes == 1 ? "" : "s", w->ncreated,
                w->ncreated == 1 ? "" : "s");
        if (w->duration_s > 0)
            loop_timer_start(w->end_timer, (unsigned)(w->duration_s * 1000));
        return;
    }
    iq = pubsub_subscribe_iq(w->r.ctx, w->service, w->nodes[w->next], w->jid);
    session_send_iq(w->r.session, iq, SESSION_TIMEOUT_MS, on_subscribed, w);
    xmpp_stanza_release(iq);
}

static void on_existing(void *arg, enum iq_outcome outcome,
                        xmpp_stanza_t *reply, double rtt)
{
    struct watch *w = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (outcome == IQ_REPLY)
        pubsub_parse_subscriptions(reply, &w->existing);
    subscribe_next(w);
}

static void on_ready(struct runner *r, const char *bound)
{
    struct watch *w = (struct watch *)r;
    struct jid j;
    char *cause = NULL;
    xmpp_stanza_t *iq;

    if (!w->full_jid && jid_parse(bound, &j, &cause) == 0) {
        w->jid = jid_bare(&j);
        jid_done(&j);
    }
    free(cause);
    if (w->jid == NULL)
        w->jid = xstrdup(bound);
    /* a service may send the last item at once on subscribe (ejabberd):
     * that is an event like any other */
    w->streaming = 1;
    iq = pubsub_subscriptions_iq(r->ctx, w->service);
    session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_existing, w);
    xmpp_stanza_release(iq);
}

static void emit(struct watch *w, json_t *ev)
{
    event_print(stdout, event_stamp(ev, w->service), w->json);
    json_decref(ev);
    if (w->count && ++w->seen == w->count)
        runner_finish(&w->r, 0);
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct watch *w = arg;

    if (w->count && w->seen >= w->count)
        return;
    emit(w, decode_event(pubsub_event_kind_name(kind), node, el));
}

static void on_stanza(struct runner *r, xmpp_stanza_t *st)
{
    struct watch *w = (struct watch *)r;
    const char *from = xmpp_stanza_get_from(st);

    if (!w->streaming || from == NULL || !jid_equal(from, w->service))
        return;
    pubsub_dispatch(st, on_event, w);
}

static void on_unsubscribed(void *arg, enum iq_outcome outcome,
                            xmpp_stanza_t *reply, double rtt)
{
    struct watch *w = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("could not remove a subscription: %s", why);
        free(why);
    }
    if (--w->pending_unsubs == 0)
        runner_finish(&w->r, 0);
}

static void cleanup(struct runner *r)
{
    struct watch *w = (struct watch *)r;
    size_t i;

    w->streaming = 0;
    loop_timer_stop(w->end_timer);
    if (w->ncreated == 0) {
        runner_finish(r, 0);
        return;
    }
    w->pending_unsubs = w->ncreated;
    for (i = 0; i < w->ncreated; i++) {
        xmpp_stanza_t *iq =
            pubsub_unsubscribe_iq(r->ctx, w->service, w->created[i].node,
                                  w->jid, w->created[i].subid);
        session_send_iq(r->session, iq, CLEANUP_TIMEOUT_MS, on_unsubscribed, w);
        xmpp_stanza_release(iq);
    }
}

static void on_end(void *arg)
{
    struct watch *w = arg;
    runner_finish(&w->r, 0);
}

static const struct runner_events watch_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .cleanup = cleanup,
};

static int watch_main(const struct cli *c)
{
    struct watch w;
    size_t i;
    int code;

    if (c->nargs < 1) {
        perch_error("watch needs at least one NODE");
        return EXIT_USAGE;
    }
    memset(&w, 0, sizeof w);
    w.json = c->json;
    w.count = c->count;
    w.full_jid = c->full_jid;
    w.duration_s = c->duration_s;
    w.service = conn_service(&c->conn);
    w.nodes = c->args;
    w.nnodes = c->nargs;
    code = runner_init(&w.r, c);
    if (code == 0) {
        w.end_timer = loop_timer_new(w.r.loop, on_end, &w);
        code = runner_connect(&w.r, c, &watch_events);
    }
    if (code == 0)
        code = runner_run(&w.r);
    loop_timer_free(w.end_timer);
    runner_done(&w.r);
    for (i = 0; i < w.ncreated; i++) {
        free(w.created[i].node);
        free(w.created[i].subid);
    }
    free(w.created);
    pubsub_subs_done(&w.existing);
    free(w.service);
    free(w.jid);
    /* Ctrl-C / SIGTERM is how watch ends */
    return code == EXIT_INTERRUPTED ? 0 : code;
}

const struct command cmd_watch_entry = {
    .name = "watch",
    .summary = "subscribe and stream decoded events",
    .help = help,
    .extras = CLI_JSON | CLI_COUNT | CLI_DURATION | CLI_FULL_JID,
    .main = watch_main,
};
