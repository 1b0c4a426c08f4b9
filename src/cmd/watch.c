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
#include "subs.h"
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

struct watch {
    struct runner r;
    char *service;
    char *jid; /* the JID subscribed */
    char **nodes;
    int nnodes;
    int json;
    unsigned count, seen;
    double duration_s;
    struct subs subs;
    struct loop_timer *end_timer;
    int full_jid;
    int streaming; /* events are shown: from login until cleanup */
};

static void on_subscribed(struct subs *s, int ok)
{
    struct watch *w = s->arg;

    if (!ok) {
        runner_finish(&w->r, EXIT_REPLY_ERROR);
        return;
    }
    fprintf(stderr, "perch: watching %d node%s (%zu new subscription%s)\n",
            w->nnodes, w->nnodes == 1 ? "" : "s", s->nmade,
            s->nmade == 1 ? "" : "s");
    if (w->duration_s > 0)
        loop_timer_start(w->end_timer, (unsigned)(w->duration_s * 1000));
}

static void on_ready(struct runner *r, const char *bound)
{
    struct watch *w = (struct watch *)r;
    struct jid j;
    char *cause = NULL;

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
    subs_start(&w->subs, r, w->service, w->jid, w->nodes, w->nnodes,
               on_subscribed, w);
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

static void on_removed(struct subs *s, int ok)
{
    struct watch *w = s->arg;
    (void)ok;

    runner_finish(&w->r, 0);
}

static void cleanup(struct runner *r)
{
    struct watch *w = (struct watch *)r;

    w->streaming = 0;
    loop_timer_stop(w->end_timer);
    subs_remove(&w->subs, CLEANUP_TIMEOUT_MS, on_removed);
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
    subs_done(&w.subs);
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
