/* The interactive console's core: connection life, requests, events. */
#include "app.h"
#include "buf.h"
#include "decode/decode.h"
#include "event_out.h"
#include "jid.h"
#include "loop.h"
#include "model/model.h"
#include "password.h"
#include "run.h"
#include "xmpp/console.h"
#include "xmpp/disco.h"
#include "xmpp/pretty.h"
#include "xmpp/pubsub.h"
#include "xmpp/xmlcheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REQUEST_TIMEOUT_MS 30000
#define CLEANUP_TIMEOUT_MS 5000
#define PING_EVERY_MS 60000
#define RETRY_MAX_S 30
#define CONSOLE_ENTRIES 20000
#define CONSOLE_BYTES (32u << 20)

static void say(struct app *a, enum app_say level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct app *a, enum app_say level, const char *fmt, ...)
{
    va_list ap;
    char text[1024];

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    a->ev->say(a->ev_arg, level, text);
}

static void changed(struct app *a, unsigned what)
{
    a->ev->changed(a->ev_arg, what);
}

/* An answer that is not a result: says why and returns 1. */
static int failed(struct app *a, enum iq_outcome outcome, xmpp_stanza_t *reply,
                  const char *what)
{
    const char *type;
    char *text = NULL;

    if (outcome == IQ_CLOSED) {
        say(a, APP_SAY_ERROR, "%s: the connection closed first", what);
        return 1;
    }
    if (outcome == IQ_TIMEOUT) {
        say(a, APP_SAY_ERROR, "%s: no answer", what);
        return 1;
    }
    type = xmpp_stanza_get_type(reply);
    if (type && strcmp(type, "result") == 0)
        return 0;
    {
        const char *cond = session_error_condition(reply, NULL, &text);
        say(a, APP_SAY_ERROR, "%s: %s%s%s", what, cond, text ? " — " : "",
            text ? text : "");
    }
    free(text);
    return 1;
}

/* ---- requests carrying a node name ---- */

struct node_req {
    struct app *a;
    char *node;
};

static struct node_req *node_req(struct app *a, const char *node)
{
    struct node_req *q = xcalloc(1, sizeof *q);

    q->a = a;
    q->node = node ? xstrdup(node) : NULL;
    return q;
}

static void node_req_free(struct node_req *q)
{
    free(q->node);
    free(q);
}

static int online(struct app *a, const char *what)
{
    if (a->state == APP_ONLINE)
        return 1;
    say(a, APP_SAY_ERROR, "%s: not connected (/connect)", what);
    return 0;
}

static void send_iq(struct app *a, xmpp_stanza_t *iq, unsigned timeout,
                    session_iq_cb cb, void *arg)
{
    session_send_iq(a->session, iq, timeout, cb, arg);
    xmpp_stanza_release(iq);
}

/* ---- disco and subscriptions ---- */

static void subscribe_initial(struct app *a);

static void on_subscriptions(void *arg, enum iq_outcome outcome,
                             xmpp_stanza_t *reply, double rtt)
{
    struct app *a = arg;
    struct pubsub_subs subs;
    size_t i;
    (void)rtt;

    memset(&subs, 0, sizeof subs);
    if (!failed(a, outcome, reply, "subscriptions") &&
        pubsub_parse_subscriptions(reply, &subs) == 0) {
        for (i = 0; i < subs.n; i++)
            if (subs.v[i].node && strcmp(subs.v[i].state, "subscribed") == 0 &&
                (subs.v[i].jid == NULL || jid_equal(subs.v[i].jid, a->bare)))
                model_node_subscribed(&a->model, subs.v[i].node, 1);
        pubsub_subs_done(&subs);
        changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    }
    if (outcome != IQ_CLOSED)
        subscribe_initial(a);
}

void app_subscriptions(struct app *a)
{
    if (!online(a, "subscriptions"))
        return;
    send_iq(a, pubsub_subscriptions_iq(a->ctx, a->service), REQUEST_TIMEOUT_MS,
            on_subscriptions, a);
}

static void on_disco(void *arg, const struct disco_items *items,
                     enum iq_outcome outcome, xmpp_stanza_t *error)
{
    struct app *a = arg;
    size_t i, n = 0;

    if (items == NULL) {
        failed(a, outcome, error, "disco#items");
        return;
    }
    for (i = 0; i < items->n; i++)
        if (items->v[i].node &&
            model_node(&a->model, items->v[i].node, 0) == NULL) {
            model_node(&a->model, items->v[i].node, 1);
            n++;
        }
    say(a, APP_SAY_INFO, "%s: %zu nodes (%zu new)", a->service, items->n, n);
    changed(a, APP_CHANGED_NODES);
}

void app_disco(struct app *a)
{
    if (!online(a, "disco"))
        return;
    disco_fetch_items(a->session, a->service, NULL, REQUEST_TIMEOUT_MS,
                      on_disco, a);
}

static void on_subscribed(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct node_req *q = arg;
    struct app *a = q->a;
    struct pubsub_sub sub;
    char *what = xasprintf("subscribe %s", q->node);

    if (!failed(a, outcome, reply, what)) {
        memset(&sub, 0, sizeof sub);
        free(map_put(
            &a->created, q->node,
            xstrdup(pubsub_parse_subscription(reply, &sub) == 0 && sub.subid
                        ? sub.subid
                        : "")));
        pubsub_sub_done(&sub);
        model_node_subscribed(&a->model, q->node, 1);
        say(a, APP_SAY_INFO, "subscribed to %s (%.0f ms)", q->node, rtt);
        changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    }
    free(what);
    node_req_free(q);
}

void app_subscribe(struct app *a, const char *node)
{
    const struct node_entry *n = model_node(&a->model, node, 0);

    if (!online(a, "subscribe"))
        return;
    /* a second subscription would be one more for the service to keep,
     * and quitting would remove one this run did not make */
    if (n && n->subscribed) {
        say(a, APP_SAY_INFO, "already subscribed to %s", node);
        return;
    }
    send_iq(a, pubsub_subscribe_iq(a->ctx, a->service, node, a->bare),
            REQUEST_TIMEOUT_MS, on_subscribed, node_req(a, node));
}

static void on_unsubscribed(void *arg, enum iq_outcome outcome,
                            xmpp_stanza_t *reply, double rtt)
{
    struct node_req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("unsubscribe %s", q->node);
    (void)rtt;

    if (a->quitting) {
        if (outcome != IQ_CLOSED && a->pending > 0 && --a->pending == 0)
            app_quit(a, 1);
    } else if (!failed(a, outcome, reply, what)) {
        free(map_del(&a->created, q->node));
        model_node_subscribed(&a->model, q->node, 0);
        say(a, APP_SAY_INFO, "unsubscribed from %s", q->node);
        changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    }
    free(what);
    node_req_free(q);
}

/* subid NULL: every subscription of ours to the node. */
static void unsubscribe(struct app *a, const char *node, const char *subid,
                        unsigned timeout)
{
    send_iq(a,
            pubsub_unsubscribe_iq(a->ctx, a->service, node, a->bare,
                                  subid && *subid ? subid : NULL),
            timeout, on_unsubscribed, node_req(a, node));
}

void app_unsubscribe(struct app *a, const char *node)
{
    if (!online(a, "unsubscribe"))
        return;
    unsubscribe(a, node, map_get(&a->created, node), REQUEST_TIMEOUT_MS);
}

/* ---- items and info ---- */

/* What an event of this kind changes on screen. */
static unsigned event_changes(json_t *ev)
{
    const char *kind = json_string_value(json_object_get(ev, "kind"));

    if (kind == NULL)
        return APP_CHANGED_NODES;
    if (strcmp(kind, "user") == 0 || strcmp(kind, "team") == 0)
        return APP_CHANGED_AGENTS | APP_CHANGED_NODES;
    if (strcmp(kind, "dialogs") == 0)
        return APP_CHANGED_DIALOGS | APP_CHANGED_NODES;
    return APP_CHANGED_MODEL | APP_CHANGED_NODES;
}

/* Applies ev (consumed) to the model; the changes pile up in
 * pending_changes until flush_changes. */
static void apply_event(struct app *a, json_t *ev)
{
    struct timespec ts;
    long sec;
    int slot;

    a->pending_changes |= event_changes(ev);
    model_apply(&a->model, ev, loop_now_ms());
    json_decref(ev);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sec = (long)ts.tv_sec;
    slot = (int)(sec % (APP_RATE_SECONDS + 1));
    if (a->rate_second[slot] != sec) {
        a->rate_second[slot] = sec;
        a->rate_count[slot] = 0;
    }
    a->rate_count[slot]++;
}

static void flush_changes(struct app *a)
{
    unsigned what = a->pending_changes;

    a->pending_changes = 0;
    if (what)
        changed(a, what);
}

static void on_items(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct node_req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("items %s", q->node);
    xmpp_stanza_t *items, *it;
    size_t n = 0;

    if (!failed(a, outcome, reply, what)) {
        items = pubsub_result_items(reply);
        for (it = items ? xmpp_stanza_get_children(items) : NULL; it;
             it = xmpp_stanza_get_next(it))
            if (xmpp_stanza_is_tag(it) &&
                strcmp(xmpp_stanza_get_name(it), "item") == 0) {
                apply_event(a, decode_item(q->node, it));
                n++;
            }
        say(a, APP_SAY_INFO, "%s: %zu item%s (%.0f ms)", q->node, n,
            n == 1 ? "" : "s", rtt);
        flush_changes(a);
    }
    free(what);
    node_req_free(q);
}

void app_items(struct app *a, const char *node)
{
    if (!online(a, "items"))
        return;
    send_iq(a, pubsub_items_iq(a->ctx, a->service, node, 0), REQUEST_TIMEOUT_MS,
            on_items, node_req(a, node));
}

static void on_info(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct node_req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("info %s", q->node ? q->node : a->service);
    struct disco_info info;
    struct buf b;
    size_t i;

    if (!failed(a, outcome, reply, what) &&
        disco_parse_info(reply, &info) == 0) {
        buf_init(&b);
        for (i = 0; i < info.nidentities; i++)
            buf_printf(&b, "%s%s/%s", i ? ", " : "",
                       info.identities[i].category, info.identities[i].type);
        for (i = 0; i < info.nfields; i++)
            if (info.fields[i].values && info.fields[i].values[0])
                buf_printf(&b, "; %s=%s", info.fields[i].var,
                           info.fields[i].values[0]);
        say(a, APP_SAY_INFO, "%s: %s; %zu features (%.0f ms)", what,
            b.len ? b.data : "no identity", info.nfeatures, rtt);
        buf_done(&b);
        disco_info_done(&info);
    }
    free(what);
    node_req_free(q);
}

void app_info(struct app *a, const char *node)
{
    if (!online(a, "info"))
        return;
    send_iq(a, disco_info_iq(a->ctx, a->service, node), REQUEST_TIMEOUT_MS,
            on_info, node_req(a, node));
}

/* ---- ping and clock drift ---- */

static void on_pong(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct app *a = arg;
    (void)reply;

    if (outcome != IQ_REPLY)
        return;
    a->rtt_ms = rtt;
    changed(a, APP_CHANGED_STATUS | APP_CHANGED_NETWORK);
}

/* XEP-0202: the server's UTC against ours at the middle of the trip. */
static void on_time(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct app *a = arg;
    xmpp_stanza_t *t, *utc;
    char *text;
    double server;

    if (outcome != IQ_REPLY)
        return;
    t = xmpp_stanza_get_child_by_name(reply, "time");
    utc = t ? xmpp_stanza_get_child_by_name(t, "utc") : NULL;
    text = utc ? xmpp_stanza_get_text(utc) : NULL;
    server = text ? model_parse_time(text) : 0;
    /* whole seconds (Prosody): the true time is up to 1 s later */
    if (server > 0 && strchr(text, '.') == NULL)
        server += 500;
    if (text)
        xmpp_free(a->ctx, text);
    if (server <= 0)
        return;
    a->drift_ms = server - (model_wall_ms() - rtt / 2);
    a->have_drift = 1;
    a->model.drift_ms = a->drift_ms;
    changed(a, APP_CHANGED_STATUS | APP_CHANGED_NETWORK | APP_CHANGED_AGENTS |
                   APP_CHANGED_DIALOGS);
}

void app_ping(struct app *a)
{
    xmpp_stanza_t *iq, *q;
    struct jid j;
    char *cause = NULL;

    if (a->state != APP_ONLINE || jid_parse(a->bare, &j, &cause) != 0) {
        free(cause);
        return;
    }
    iq = xmpp_iq_new(a->ctx, "get", NULL);
    xmpp_stanza_set_to(iq, j.domain);
    q = xmpp_stanza_new(a->ctx);
    xmpp_stanza_set_name(q, "ping");
    xmpp_stanza_set_ns(q, "urn:xmpp:ping");
    xmpp_stanza_add_child_ex(iq, q, 0);
    send_iq(a, iq, REQUEST_TIMEOUT_MS, on_pong, a);

    iq = xmpp_iq_new(a->ctx, "get", NULL);
    xmpp_stanza_set_to(iq, j.domain);
    q = xmpp_stanza_new(a->ctx);
    xmpp_stanza_set_name(q, "time");
    xmpp_stanza_set_ns(q, "urn:xmpp:time");
    xmpp_stanza_add_child_ex(iq, q, 0);
    send_iq(a, iq, REQUEST_TIMEOUT_MS, on_time, a);
    jid_done(&j);
}

static void on_ping_timer(void *arg)
{
    struct app *a = arg;
    app_ping(a);
    if (a->state == APP_ONLINE)
        loop_timer_start(a->ping_timer, PING_EVERY_MS);
}

/* ---- raw stanzas ---- */

static void on_raw_reply(void *arg, enum iq_outcome outcome,
                         xmpp_stanza_t *reply, double rtt)
{
    struct node_req *q = arg; /* node: the id the user gave, or NULL */
    struct app *a = q->a;
    const char *id = reply ? xmpp_stanza_get_id(reply) : q->node;

    if (outcome == IQ_REPLY)
        say(a, APP_SAY_INFO, "reply to iq %s: %s in %.0f ms", id ? id : "",
            xmpp_stanza_get_type(reply) ? xmpp_stanza_get_type(reply) : "?",
            rtt);
    else if (outcome == IQ_TIMEOUT)
        say(a, APP_SAY_ERROR, "no reply to iq %s", id ? id : "");
    node_req_free(q);
}

int app_send_text(struct app *a, const char *text, char **cause)
{
    struct xml_spans spans;
    xmpp_stanza_t **st;
    size_t i;
    int ok = 1;

    if (a->state != APP_ONLINE) {
        *cause = xstrdup("not connected (/connect)");
        return -1;
    }
    if (xmlcheck_stanzas(text, strlen(text), &spans, cause) != 0)
        return -1;
    if (spans.n == 0) {
        xmlcheck_spans_done(&spans);
        *cause = xstrdup("nothing to send");
        return -1;
    }
    /* parse every stanza before sending any: all or nothing */
    st = xcalloc(spans.n, sizeof *st);
    for (i = 0; i < spans.n && ok; i++) {
        char *one = xstrndup(text + spans.v[i].offset, spans.v[i].len);
        st[i] = xmpp_stanza_new_from_string(a->ctx, one);
        free(one);
        if (st[i] == NULL) {
            *cause = xasprintf("stanza %zu could not be parsed", i + 1);
            ok = 0;
        }
    }
    for (i = 0; i < spans.n; i++) {
        if (ok && strcmp(xmpp_stanza_get_name(st[i]), "iq") == 0) {
            /* the reply may come during the send: q is the callback's */
            session_send_iq(a->session, st[i], REQUEST_TIMEOUT_MS, on_raw_reply,
                            node_req(a, xmpp_stanza_get_id(st[i])));
        } else if (ok) {
            session_send(a->session, st[i]);
        }
        if (st[i])
            xmpp_stanza_release(st[i]);
    }
    free(st);
    xmlcheck_spans_done(&spans);
    return ok ? 0 : -1;
}

/* ---- the session's life ---- */

static void start_session(struct app *a);

static void on_retry(void *arg)
{
    start_session(arg);
}

/* The command line's nodes, once the service said what we have. */
static void subscribe_initial(struct app *a)
{
    int i;

    for (i = 0; i < a->ninitial; i++)
        app_subscribe(a, a->initial[i]);
    a->ninitial = 0; /* once: later logins keep what the server has */
}

static void on_ready(void *arg, const char *bound)
{
    struct app *a = arg;

    a->state = APP_ONLINE;
    a->attempt = 0;
    free(a->cause);
    a->cause = NULL;
    say(a, APP_SAY_INFO, "logged in as %s (%s)", bound, app_transport_text(a));
    if (a->quitting) {
        app_quit(a, a->keep_subscriptions);
        return;
    }
    app_disco(a);
    app_subscriptions(a); /* then the nodes of the command line */
    app_ping(a);
    loop_timer_start(a->ping_timer, PING_EVERY_MS);
    changed(a, APP_CHANGED_STATUS);
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct app *a = arg;
    json_t *ev;

    if (kind == PUBSUB_ITEM) {
        apply_event(a, decode_item(node, el));
        return;
    }
    ev = json_object();
    json_object_set_new(ev, "node", json_string(node));
    json_object_set_new(ev, "kind", json_string(pubsub_event_kind_name(kind)));
    if (kind == PUBSUB_DELETE ||
        (kind == PUBSUB_SUBSCRIPTION &&
         xmpp_stanza_get_attribute(el, "subscription") &&
         strcmp(xmpp_stanza_get_attribute(el, "subscription"), "none") == 0))
        model_node_subscribed(&a->model, node, 0);
    apply_event(a, ev);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct app *a = arg;
    const char *from = xmpp_stanza_get_from(st);

    if (from == NULL || !jid_equal(from, a->service))
        return;
    if (pubsub_dispatch(st, on_event, a) > 0)
        flush_changes(a);
}

static unsigned retry_delay_s(unsigned attempt)
{
    unsigned s = 1u << (attempt < 5 ? attempt : 5);
    return s > RETRY_MAX_S ? RETRY_MAX_S : s;
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct app *a = arg;
    int was_online = a->state == APP_ONLINE;

    loop_timer_stop(a->ping_timer);
    if (a->quitting) {
        a->state = APP_OFFLINE;
        a->ev->quit(a->ev_arg);
        return;
    }
    if (why == FAIL_CLOSED || why == FAIL_NONE || a->state == APP_OFFLINE) {
        a->state = APP_OFFLINE;
        say(a, APP_SAY_INFO, "disconnected");
        changed(a, APP_CHANGED_STATUS);
        return;
    }
    free(a->cause);
    a->cause = xstrdup(cause ? cause : "connection lost");
    /* a login refused for good is not retried: the user must act */
    if (!was_online && (why == FAIL_AUTH || why == FAIL_CERT ||
                        why == FAIL_PLAINTEXT || why == FAIL_SASL_MECH)) {
        a->state = APP_OFFLINE;
        say(a, APP_SAY_ERROR, "%s", a->cause);
        changed(a, APP_CHANGED_STATUS);
        return;
    }
    a->attempt++;
    a->state = APP_RETRY;
    a->retry_at_ms = loop_now_ms() + retry_delay_s(a->attempt) * 1000.0;
    loop_timer_start(a->retry_timer, retry_delay_s(a->attempt) * 1000);
    say(a, APP_SAY_ERROR, "%s", a->cause);
    changed(a, APP_CHANGED_STATUS);
}

static void on_record(void *arg, const struct transport_record *rec)
{
    struct app *a = arg;
    struct app_record *r;

    if (a->nrecords < APP_RECORDS)
        r = &a->records[(a->records_head + a->nrecords++) % APP_RECORDS];
    else {
        r = &a->records[a->records_head];
        a->records_head = (a->records_head + 1) % APP_RECORDS;
    }
    r->r = *rec;
    snprintf(r->error, sizeof r->error, "%s", rec->error ? rec->error : "");
    snprintf(r->date, sizeof r->date, "%s", rec->date ? rec->date : "");
    r->r.error = rec->error ? r->error : NULL;
    r->r.date = rec->date ? r->date : NULL;
    a->records_total++;
    if (rec->error || rec->status >= 400)
        a->records_failed++;
    changed(a, APP_CHANGED_NETWORK);
}

static void on_params(void *arg, const struct transport_params *p)
{
    struct app *a = arg;
    a->params = *p;
    a->have_params = 1;
    changed(a, APP_CHANGED_NETWORK);
}

static const struct session_events app_session_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
};

/* The session of the last attempt is freed here, outside its callbacks. */
static void start_session(struct app *a)
{
    struct session_config scfg;
    char *cause = NULL;

    session_free(a->session);
    memset(&scfg, 0, sizeof scfg);
    scfg.jid = a->cli->conn.jid;
    scfg.resource = a->cli->conn.resource;
    scfg.password = a->password;
    scfg.sasl_mech = a->cli->conn.sasl;
    scfg.allow_plaintext_auth = a->cli->conn.allow_plaintext_auth;
    scfg.console = a->console;
    a->session =
        session_new(a->loop, a->ctx, runner_transport(a->loop, a->ctx, a->cli),
                    &scfg, &app_session_events, a);
    a->state = APP_CONNECTING;
    changed(a, APP_CHANGED_STATUS);
    if (session_connect(a->session, &cause) != 0) {
        on_closed(a, FAIL_NETWORK, cause);
        free(cause);
    }
}

static void on_console_add(void *arg, const struct console_entry *e)
{
    (void)e;
    changed(arg, APP_CHANGED_CONSOLE);
}

struct app *app_new(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                    char **nodes, int nnodes, const struct app_events *ev,
                    void *arg, char **cause)
{
    struct app *a;
    struct jid j;
    char *password = password_get(&cli->conn, cause);

    if (password == NULL)
        return NULL;
    a = xcalloc(1, sizeof *a);
    a->loop = loop;
    a->ctx = ctx;
    a->cli = cli;
    a->ev = ev;
    a->ev_arg = arg;
    a->password = password;
    a->service = runner_service(cli);
    a->server = xstrdup(cli->conn.bosh     ? cli->conn.bosh
                        : cli->conn.server ? cli->conn.server
                                           : "");
    if (jid_parse(cli->conn.jid, &j, cause) != 0) {
        app_free(a);
        return NULL;
    }
    a->bare = jid_bare(&j);
    if (!*a->server) {
        free(a->server);
        a->server = xstrdup(j.domain);
    }
    jid_done(&j);
    a->console = console_new(CONSOLE_ENTRIES, CONSOLE_BYTES);
    console_observe(a->console, on_console_add, a);
    model_init(&a->model);
    map_init(&a->created);
    a->records = xcalloc(APP_RECORDS, sizeof *a->records);
    a->retry_timer = loop_timer_new(loop, on_retry, a);
    a->ping_timer = loop_timer_new(loop, on_ping_timer, a);
    a->rtt_ms = -1;
    a->initial = nodes;
    a->ninitial = nnodes;
    return a;
}

void app_free(struct app *a)
{
    if (a == NULL)
        return;
    session_free(a->session);
    console_free(a->console);
    model_done(&a->model);
    map_done(&a->created, free);
    free(a->records);
    loop_timer_free(a->retry_timer);
    loop_timer_free(a->ping_timer);
    if (a->password) {
        explicit_bzero(a->password, strlen(a->password));
        free(a->password);
    }
    free(a->service);
    free(a->server);
    free(a->bare);
    free(a->cause);
    free(a);
}

void app_connect(struct app *a)
{
    if (a->state == APP_CONNECTING || a->state == APP_ONLINE)
        return;
    loop_timer_stop(a->retry_timer);
    start_session(a);
}

void app_disconnect(struct app *a)
{
    loop_timer_stop(a->retry_timer);
    if (a->state == APP_RETRY)
        changed(a, APP_CHANGED_STATUS);
    if (a->state == APP_ONLINE || a->state == APP_CONNECTING) {
        a->state = APP_OFFLINE;
        session_close(a->session);
    }
    a->state = APP_OFFLINE;
}

void app_quit(struct app *a, int keep)
{
    size_t i = 0;
    const char *node;
    void *subid;

    if (a->quitting) { /* again: do not wait for the server any more */
        a->pending = 0;
        keep = 1;
    }
    a->quitting = 1;
    a->keep_subscriptions = keep;
    loop_timer_stop(a->retry_timer);
    if (a->state == APP_ONLINE && !keep && a->created.n > 0) {
        while (map_next(&a->created, &i, &node, &subid)) {
            a->pending++;
            unsubscribe(a, node, subid, CLEANUP_TIMEOUT_MS);
        }
        return;
    }
    if (a->state == APP_ONLINE || a->state == APP_CONNECTING) {
        session_close(a->session);
        return;
    }
    a->state = APP_OFFLINE;
    a->ev->quit(a->ev_arg);
}

double app_rate(const struct app *a)
{
    struct timespec ts;
    long sec;
    unsigned long n = 0;
    int i;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    sec = (long)ts.tv_sec;
    for (i = 0; i <= APP_RATE_SECONDS; i++)
        if (a->rate_second[i] < sec &&
            a->rate_second[i] >= sec - APP_RATE_SECONDS)
            n += a->rate_count[i];
    return (double)n / APP_RATE_SECONDS;
}

size_t app_subscription_count(const struct app *a)
{
    return a->model.subscribed;
}

const struct app_record *app_record_get(const struct app *a, size_t i)
{
    if (i >= a->nrecords)
        return NULL;
    return &a->records[(a->records_head + i) % APP_RECORDS];
}

const char *app_transport_text(const struct app *a)
{
    struct transport *t;

    if (a->session == NULL || a->state == APP_OFFLINE)
        return "";
    t = session_transport(a->session);
    return t->ops->describe(t);
}
