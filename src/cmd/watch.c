/*
 * perch watch NODE...: subscribe, stream decoded events of those nodes,
 * stay connected (reconnect and resync after a loss), and on exit remove
 * the subscriptions this run made — unless another running perch still
 * uses them (the ledger).
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
#include "xmpp/resync.h"
#include "rest/failover.h"
#include "rest/rest.h"
#include "rest/restmsg.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char help[] =
    "Usage: perch watch [CONN] [--service JID] [--full-jid] [--json]\n"
    "                   [--count N] [--duration S] [--no-reconnect]\n"
    "                   [--all-nodes] NODE...\n"
    "\n"
    "Subscribes to each NODE (unless this JID already is) and prints every\n"
    "event of those nodes as it arrives, decoded (Finesse user, dialogs,\n"
    "team, queue, system info …): one line each with its node, or one JSON\n"
    "object a line with --json (docs/events.md). Retractions, purges, node\n"
    "deletions and subscription changes are shown too. Ends after N events\n"
    "printed, after S seconds, or on Ctrl-C / SIGTERM, and then removes the\n"
    "subscriptions it made — only those, and not while another running\n"
    "perch uses them (~/.local/share/perch/subscriptions).\n"
    "\n"
    "A lost connection (a socket error, or a server silent past\n"
    "--keepalive + 10 s) is made again by itself, 1 s, 2 s … 30 s apart;\n"
    "then the subscriptions the server lost are made again and the latest\n"
    "item of each node is printed, so what follows the gap starts from\n"
    "what the server holds. Standard error says so; with --json stdout has\n"
    "{\"kind\":\"session\",\"state\":\"lost\"|\"online\",\"cause\",\"attempt\"}"
    "\n"
    "lines, and the refetched items carry \"resync\":true.\n"
    "\n"
    "In a Finesse cluster (SystemInfo's primaryNode/secondaryNode, asked over\n"
    "REST at each login with --rest or --alternate, or --alternate HOST) a\n"
    "loss follows the desktop's failover rules: SystemInfo of both nodes is\n"
    "asked and the node IN_SERVICE reached (the one watch was on while it\n"
    "serves); OUT_OF_SERVICE moves it to the other node; session lines name\n"
    "the node (\"host\", \"role\"). See FAILOVER in perch(1). With a REST\n"
    "base known (--rest, --alternate, a cluster), after every login the\n"
    "objects behind the watched nodes (User, User/Dialogs, Team, Queue,\n"
    "SystemInfo) are GET through REST and printed like their Updates,\n"
    "marked resync (a Finesse node may keep no items; --count does not\n"
    "count them); an answer older than an Update of its node printed since\n"
    "the request left is not printed.\n"
    "\n"
    "      --full-jid          subscribe this connection's full JID (config\n"
    "                          full-jid = true), not the account's bare JID\n"
    "      --all-nodes         print events of every subscription of the\n"
    "                          account, not only of NODE... (NODE optional)\n"
    "      --no-reconnect      a lost connection ends watch (exit 3)\n"
    "\n"
    "Exit: 0 ok, 1 a subscription was refused, 3 could not connect or log\n"
    "in (or the connection was lost, with --no-reconnect).\n";

/* watch's own options, into struct watch_settings. */
struct watch_settings {
    int reconnect;
    int all_nodes;
};

static const struct cli_option options[] = {
    {"no-reconnect", CLI_FLAG_OFF, offsetof(struct watch_settings, reconnect),
     0, 0},
    {"all-nodes", CLI_FLAG_ON, offsetof(struct watch_settings, all_nodes), 0,
     0},
    {NULL, CLI_FLAG_OFF, 0, 0, 0},
};

struct watch {
    struct runner r;
    struct watch_settings set;
    char *service;
    char *bare; /* the account */
    char *jid;  /* the JID subscribed: bare, or full with --full-jid */
    char **nodes;
    int nnodes;
    unsigned long *node_events; /* events of each of nodes so far */
    int json;
    unsigned count, seen;
    double duration_s;
    struct subs subs;
    struct loop_timer *end_timer;
    int full_jid;
    int streaming; /* events are shown: from login until cleanup */
    struct resync *resync;
    int resyncing;
    struct buf line;          /* --json: the line being written, reused */
    struct loop_timer *flush; /* --json: stdout flushed once a loop turn */
    const struct conn_opts *conn;
    struct rest *rest; /* the resync through REST's, for rest_host */
    char *rest_host;   /* NULL: the configured node */
    struct watch_get *gets;
};

/* One GET of the resync through REST, until its answer. */
struct watch_get {
    struct watch *w;
    char *node, *path;
    unsigned mark;      /* failover_mark() when asked */
    unsigned long seen; /* the node's events when asked */
    struct watch_get *next;
};

/* ---- what is printed ---- */

static int watched(const struct watch *w, const char *node)
{
    int i;

    if (w->set.all_nodes)
        return 1;
    for (i = 0; node && i < w->nnodes; i++)
        if (strcmp(w->nodes[i], node) == 0)
            return 1;
    return 0;
}

/* Prints ev (consumed) when its node is watched; counts what is printed. */
/* How emit prints: an event, a resync's item, or a resync's REST
 * object (printed, never counted by --count: those count Updates). */
enum emit_as { EMIT_EVENT, EMIT_ITEM, EMIT_REST };

static void emit(struct watch *w, json_t *ev, enum emit_as as)
{
    const char *node = json_string_value(json_object_get(ev, "node"));

    if ((w->count && w->seen >= w->count) || !watched(w, node)) {
        json_decref(ev);
        return;
    }
    event_print_node(
        stdout, event_stamp_resync(ev, w->service, as != EMIT_EVENT), w->json);
    json_decref(ev);
    if (as != EMIT_REST && w->count && ++w->seen == w->count)
        runner_finish(&w->r, 0);
}

/* --json: the event written straight into the line (decode_event_write),
 * only when it is printed. */
static void emit_json(struct watch *w, const char *kind, const char *node,
                      xmpp_stanza_t *el)
{
    struct decode_stamp st;
    char now[64];

    if ((w->count && w->seen >= w->count) || !watched(w, node))
        return;
    event_now(now, sizeof now);
    st.time = now;
    st.service = w->service;
    st.resync = 0;
    w->line.len = 0;
    if (decode_event_write(&w->line, kind, node, el, &st) == 0) {
        buf_append(&w->line, "\n", 1);
        fwrite(w->line.data, 1, w->line.len, stdout);
    }
    /* the lines of one read go out together, before the loop waits */
    if (!loop_timer_pending(w->flush))
        loop_timer_start(w->flush, 0);
    if (w->count && ++w->seen == w->count)
        runner_finish(&w->r, 0);
}

/* Finesse publishes SystemInfo on /finesse/api/SystemInfo. */
static int systeminfo_node(const char *node)
{
    size_t n = node ? strlen(node) : 0;
    return n >= 10 && strcasecmp(node + n - 10, "SystemInfo") == 0;
}

/* Where node's events are counted; NULL for a node not named. */
static unsigned long *events_of(struct watch *w, const char *node)
{
    int i;

    for (i = 0; node && i < w->nnodes; i++)
        if (strcmp(w->nodes[i], node) == 0)
            return &w->node_events[i];
    return NULL;
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct watch *w = arg;
    unsigned long *n = events_of(w, node);
    json_t *ev;

    if (n)
        (*n)++;
    /* the cluster's failover reads the decoded SystemInfo: the tree path
     * for that node, the direct one for every other */
    if (w->json && (w->r.failover == NULL || !systeminfo_node(node))) {
        emit_json(w, pubsub_event_kind_name(kind), node, el);
        return;
    }
    ev = decode_event(pubsub_event_kind_name(kind), node, el);
    if (w->r.failover) /* a SystemInfo names the pair, says the status */
        failover_learn(w->r.failover, ev);
    emit(w, ev, EMIT_EVENT);
}

static void on_stanza(struct runner *r, xmpp_stanza_t *st)
{
    struct watch *w = (struct watch *)r;
    const char *from = xmpp_stanza_get_from(st);

    if (!w->streaming || from == NULL || !jid_equal(from, w->service))
        return;
    pubsub_dispatch(st, on_event, w);
}

/* ---- the resync through REST ---- */

static void get_free(struct watch_get *q)
{
    struct watch_get **p;

    for (p = &q->w->gets; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            break;
        }
    free(q->node);
    free(q->path);
    free(q);
}

static void on_got(void *arg, const struct rest_response *p)
{
    struct watch_get *q = arg;
    struct watch *w = q->w;
    unsigned long *n = events_of(w, q->node);
    json_t *ev;

    if (p->fail != FAIL_NONE || p->status < 200 || p->status > 299 ||
        p->decoded == NULL)
        perch_error("refreshing %s through REST: %s", q->path,
                    p->cause ? p->cause : rest_reason(p->status));
    else if (n && *n != q->seen) /* printed after a newer event: a lie */
        fprintf(stderr,
                "perch: REST answer for %s not printed: an Update of %s "
                "came after the request (%ld in %.0f ms)\n",
                q->path + 13, q->node, p->status, p->ms);
    else if (w->streaming) {
        ev = json_object(); /* as an Update of the node: the node first */
        json_object_set_new(ev, "node", json_string(q->node));
        json_object_update(ev, p->decoded);
        if (w->r.failover) /* an answer: older than a later Update */
            failover_learn_answer(w->r.failover, ev, q->mark);
        fprintf(stderr, "perch: refreshed %s from REST %s (%ld in %.0f ms)\n",
                q->path + 13, p->url, p->status, p->ms);
        emit(w, ev, EMIT_REST);
    }
    get_free(q);
}

/* The REST client of the node watch is on (made again after a move). */
static struct rest *rest_client(struct watch *w)
{
    const char *host =
        w->r.failover ? failover_moved_host(w->r.failover) : NULL;
    char *cause = NULL;

    if (w->rest && (host == NULL) == (w->rest_host == NULL) &&
        (host == NULL || strcmp(host, w->rest_host) == 0))
        return w->rest;
    rest_free(w->rest); /* its GETs are dropped */
    while (w->gets)
        get_free(w->gets);
    free(w->rest_host);
    w->rest_host = host ? xstrdup(host) : NULL;
    w->rest =
        conn_rest_at(w->r.loop, w->r.ctx, w->conn, link_password(w->r.link), 0,
                     host, w->r.recorder, &cause);
    if (w->rest == NULL) {
        perch_error("no resync through REST: %s", cause);
        free(cause);
    }
    return w->rest;
}

/* After a login (and its subscriptions or resync), the objects behind the
 * watched nodes GET through REST and printed like their Updates (marked
 * resync): a Finesse node may keep no items. Only with a REST base known
 * (--rest, --alternate, a cluster). */
static void rest_resync(struct watch *w)
{
    struct rest *r;
    struct watch_get *q;
    char *path, *cause = NULL;
    int i;

    if (!w->conn->rest && !w->conn->alternate &&
        !(w->r.failover && failover_known(w->r.failover)))
        return;
    if ((r = rest_client(w)) == NULL)
        return;
    for (i = 0; i < w->nnodes; i++) {
        if ((path = rest_node_object(w->nodes[i])) == NULL)
            continue;
        q = xcalloc(1, sizeof *q);
        q->w = w;
        q->node = xstrdup(w->nodes[i]);
        q->path = path;
        q->mark = w->r.failover ? failover_mark(w->r.failover) : 0;
        q->seen = w->node_events[i];
        q->next = w->gets;
        w->gets = q;
        if (rest_request(r, "GET", path, NULL, 0, on_got, q, NULL, &cause) !=
            0) {
            perch_error("refreshing %s through REST: %s", path, cause);
            free(cause);
            cause = NULL;
            get_free(q);
        }
    }
}

/* ---- the first login: subscribe ---- */

static void on_subscribed(struct subs *s, int ok)
{
    struct watch *w = s->arg;

    if (!ok) {
        runner_finish(&w->r, EXIT_REPLY_ERROR);
        return;
    }
    if (w->nnodes)
        fprintf(stderr, "perch: watching %d node%s (%zu new subscription%s)\n",
                w->nnodes, w->nnodes == 1 ? "" : "s", s->made.n,
                s->made.n == 1 ? "" : "s");
    else
        fprintf(stderr, "perch: watching every subscription of %s (%zu now)\n",
                w->bare, s->existing.n);
    if (w->duration_s > 0)
        loop_timer_start(w->end_timer, (unsigned)(w->duration_s * 1000));
    rest_resync(w);
}

/* ---- after a reconnect: resync ---- */

static void on_remade(void *arg, const char *node, const struct pubsub_sub *sub,
                      const char *why, double rtt)
{
    struct watch *w = arg;
    (void)rtt;

    if (sub == NULL) {
        perch_error("the server lost the subscription to %s and it could "
                    "not be made again: %s",
                    node, why);
        return;
    }
    subs_hold(&w->subs, node, sub->subid, 1);
    perch_error("the server lost the subscription to %s: made again", node);
}

static void on_item(void *arg, const char *node, xmpp_stanza_t *item)
{
    struct watch *w = arg;
    emit(w, decode_item(node, item), EMIT_ITEM);
}

static void on_resync_failed(void *arg, const char *what, const char *why)
{
    (void)arg;
    perch_error("after the reconnect, %s: %s", what, why);
}

static void on_resync_done(void *arg, int complete)
{
    struct watch *w = arg;
    (void)complete;
    w->resync = NULL;
    w->resyncing = 0;
    rest_resync(w);
}

static const struct resync_events watch_resync_events = {
    .remade = on_remade,
    .item = on_item,
    .failed = on_resync_failed,
    .done = on_resync_done,
};

/* The subscriptions the server lost made again; the latest item of each
 * node printed (marked resync). */
static void resync(struct watch *w)
{
    struct resync_config cfg;
    struct resync *r;

    memset(&cfg, 0, sizeof cfg);
    cfg.service = w->service;
    cfg.jid = w->jid;
    cfg.bare = w->bare;
    cfg.max_items = 1;
    cfg.items_of_all = w->set.all_nodes;
    cfg.keep = (const char *const *)w->nodes;
    cfg.nkeep = (size_t)w->nnodes;
    w->resyncing = 1;
    r = resync_start(w->r.session, &cfg, &watch_resync_events, w);
    if (w->resyncing)
        w->resync = r;
}

/* ---- the session ---- */

/* The cluster node watch is on, once a cluster is known; NULL. */
static const char *node_host(struct runner *r)
{
    return r->failover && failover_known(r->failover)
               ? failover_host(r->failover)
               : NULL;
}

static void on_ready(struct runner *r, const char *bound)
{
    struct watch *w = (struct watch *)r;

    if (r->logins > 1) {
        const char *host = node_host(r);
        const char *role = host ? failover_role(r->failover, host) : NULL;
        if (w->json)
            event_print_session(stdout, "online", NULL, link_attempt(r->link),
                                -1, bound, host, role);
        fprintf(stderr,
                "perch: online again as %s%s%s%s%s%s; the latest item of each "
                "node follows\n",
                bound, host ? " on " : "", host ? host : "", role ? " (" : "",
                role ? role : "", role ? ")" : "");
        resync(w);
        return;
    }
    if (w->jid == NULL) {
        struct jid j;
        char *cause = NULL;
        if (!w->full_jid && jid_parse(bound, &j, &cause) == 0) {
            w->jid = jid_bare(&j);
            jid_done(&j);
        }
        free(cause);
        if (w->jid == NULL)
            w->jid = xstrdup(bound);
    }
    /* a service may send the last item at once on subscribe (ejabberd):
     * that is an event like any other */
    w->streaming = 1;
    subs_start(&w->subs, r, w->service, w->jid, w->nodes, w->nnodes,
               on_subscribed, w);
}

static void on_lost(struct runner *r, enum perch_fail why, const char *cause,
                    unsigned attempt, unsigned delay_ms)
{
    struct watch *w = (struct watch *)r;
    const char *host = node_host(r) ? failover_online_host(r->failover) : NULL;
    (void)why;

    if (w->json)
        event_print_session(stdout, "lost", cause, attempt, (long)delay_ms,
                            NULL, host,
                            host ? failover_role(r->failover, host) : NULL);
    if (host) /* the failover's own lines say where and when */
        perch_error("connection lost: %s (attempt %u)", cause, attempt);
    else
        perch_error("connection lost: %s; reconnecting in %.1f s (attempt %u)",
                    cause, delay_ms / 1000.0, attempt);
}

static void on_removed(struct subs *s, int ok)
{
    struct watch *w = s->arg;
    (void)ok;

    runner_finish(&w->r, 0);
}

/* Lets go of every node; removes what this run made and no other running
 * perch uses. */
static void cleanup(struct runner *r)
{
    struct watch *w = (struct watch *)r;

    w->streaming = 0;
    resync_cancel(w->resync);
    w->resync = NULL;
    loop_timer_stop(w->end_timer);
    subs_remove(&w->subs, PUBSUB_CLEANUP_TIMEOUT_MS, on_removed);
}

static void on_flush(void *arg)
{
    (void)arg;
    fflush(stdout);
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
    .lost = on_lost,
};

static int watch_main(const struct cli *c)
{
    struct watch w;
    int code;

    memset(&w, 0, sizeof w);
    w.set.reconnect = 1;
    cli_own_apply(c, &w.set);
    if (c->nargs < 1 && !w.set.all_nodes) {
        perch_error("watch needs at least one NODE (or --all-nodes)");
        return EXIT_USAGE;
    }
    w.json = c->json;
    w.count = c->count;
    w.full_jid = c->full_jid || c->conn.full_jid;
    w.duration_s = c->duration_s;
    w.service = conn_service(&c->conn);
    w.nodes = c->args;
    w.nnodes = c->nargs;
    w.node_events = xcalloc((size_t)w.nnodes + 1, sizeof *w.node_events);
    w.bare = conn_bare(&c->conn);
    w.conn = &c->conn;
    code = runner_init(&w.r, c);
    if (code == 0) {
        w.r.retry = w.set.reconnect ? LINK_AFTER_LOGIN : LINK_ONCE;
        w.end_timer = loop_timer_new(w.r.loop, on_end, &w);
        w.flush = loop_timer_new(w.r.loop, on_flush, &w);
        if (w.json) /* flushed by on_flush: one write for a read's lines */
            setvbuf(stdout, NULL, _IOFBF, 1 << 16);
        code = runner_connect(&w.r, c, &watch_events);
    }
    if (code == 0)
        code = runner_run(&w.r);
    resync_cancel(w.resync); /* before its session goes */
    rest_free(w.rest);
    while (w.gets)
        get_free(w.gets);
    free(w.rest_host);
    loop_timer_free(w.end_timer);
    loop_timer_free(w.flush);
    fflush(stdout);
    runner_done(&w.r);
    subs_done(&w.subs);
    buf_done(&w.line);
    free(w.service);
    free(w.bare);
    free(w.jid);
    free(w.node_events);
    /* Ctrl-C / SIGTERM is how watch ends */
    return code == EXIT_INTERRUPTED ? 0 : code;
}

const struct command cmd_watch_entry = {
    .name = "watch",
    .summary = "subscribe and stream decoded events (reconnects)",
    .help = help,
    .extras = CLI_JSON | CLI_COUNT | CLI_DURATION | CLI_FULL_JID,
    .options = options,
    .main = watch_main,
};
