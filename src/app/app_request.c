/* The console core's requests (disco, subscriptions, items, info, ping,
 * clock, raw stanzas) and how events reach the model. */
#include "app_internal.h"
#include "rest/failover.h"
#include "base/buf.h"
#include "base/clock.h"
#include "decode/decode.h"
#include "xmpp/jid.h"
#include "base/loop.h"
#include "model/model.h"
#include "xmpp/console.h"
#include "xmpp/disco.h"
#include "xmpp/pubsub.h"
#include "xmpp/query.h"
#include "xmpp/xmlcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_say(struct app *a, enum app_say level, const char *fmt, ...)
{
    va_list ap;
    char text[1024];

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    a->ev->say(a->ev_arg, level, text);
}

void app_changed(struct app *a, unsigned what)
{
    a->ev->changed(a->ev_arg, what);
}

/* A request that did not end in a result: says why ("WHAT: why") and
 * returns 1. */
static int failed(struct app *a, enum iq_outcome outcome, xmpp_stanza_t *reply,
                  const char *what)
{
    char *why;

    if (session_iq_end(outcome, reply) == IQ_END_RESULT)
        return 0;
    if (outcome == IQ_CLOSED)
        return 1; /* the session's cause is on the message line already */
    why = session_iq_failure(outcome, reply);
    app_say(a, APP_SAY_ERROR, "%s: %s", what, why);
    free(why);
    return 1;
}

/* ---- what a request's callback needs: the app and one string (the
 * node asked about, or the id a raw iq came with) ---- */

struct req {
    struct app *a;
    char *text; /* owned, may be NULL */
};

static struct req *req_new(struct app *a, const char *text)
{
    struct req *q = xcalloc(1, sizeof *q);

    q->a = a;
    q->text = text ? xstrdup(text) : NULL;
    return q;
}

static void req_free(struct req *q)
{
    free(q->text);
    free(q);
}

static int online(struct app *a, const char *what)
{
    if (a->state == APP_ONLINE)
        return 1;
    if (a->replay) {
        app_say(a, APP_SAY_ERROR, "%s: %s", what, APP_REPLAY_REFUSES);
        return 0;
    }
    app_say(a, APP_SAY_ERROR, "%s: not connected (/connect)", what);
    return 0;
}

static void send_iq(struct app *a, xmpp_stanza_t *iq, unsigned timeout,
                    session_iq_cb cb, void *arg)
{
    session_send_iq(a->session, iq, timeout, cb, arg);
    xmpp_stanza_release(iq);
}

/* ---- disco and subscriptions ---- */

void app_subscriptions(struct app *a)
{
    if (online(a, "subscriptions"))
        app_resync_run(a, 0, 0);
}

void app_disco(struct app *a)
{
    if (online(a, "disco"))
        app_resync_run(a, 1, 0);
}

static void on_subscribed(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct req *q = arg;
    struct app *a = q->a;
    struct pubsub_sub sub;
    char *what = xasprintf("subscribe %s", q->text);

    if (!failed(a, outcome, reply, what)) {
        memset(&sub, 0, sizeof sub);
        pubsub_parse_subscription(reply, &sub);
        free(
            map_put(&a->created, q->text, xstrdup(sub.subid ? sub.subid : "")));
        app_hold(a, q->text, sub.subid, 1);
        pubsub_sub_done(&sub);
        model_node_subscribed(&a->model, q->text, 1);
        app_say(a, APP_SAY_INFO, "subscribed to %s (%.0f ms)", q->text, rtt);
        app_changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    }
    free(what);
    req_free(q);
}

void app_subscribe(struct app *a, const char *node)
{
    const struct node_entry *n = model_node(&a->model, node, 0);

    if (!online(a, "subscribe"))
        return;
    /* a second subscription would be one more for the service to keep,
     * and quitting would remove one this run did not make */
    if (n && n->subscribed) {
        app_say(a, APP_SAY_INFO, "already subscribed to %s", node);
        return;
    }
    send_iq(a, pubsub_subscribe_iq(a->ctx, a->service, node, a->jid),
            SESSION_TIMEOUT_MS, on_subscribed, req_new(a, node));
}

static void on_unsubscribed(void *arg, enum iq_outcome outcome,
                            xmpp_stanza_t *reply, double rtt)
{
    struct req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("unsubscribe %s", q->text);
    (void)rtt;

    if (a->quitting) {
        /* not removed: left in the ledger, offered at the next start */
        if (outcome != IQ_CLOSED &&
            session_iq_end(outcome, reply) != IQ_END_RESULT)
            app_hold(a, q->text, map_get(&a->created, q->text), 1);
        if (outcome != IQ_CLOSED && a->pending > 0 && --a->pending == 0)
            app_quit(a, 1);
    } else if (!failed(a, outcome, reply, what)) {
        free(map_del(&a->created, q->text));
        app_release(a, q->text);
        model_node_subscribed(&a->model, q->text, 0);
        app_say(a, APP_SAY_INFO, "unsubscribed from %s", q->text);
        app_changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    }
    free(what);
    req_free(q);
}

/* subid NULL: every subscription of ours to the node. */
void app_unsubscribe_sub(struct app *a, const char *node, const char *subid,
                         unsigned timeout)
{
    send_iq(a,
            pubsub_unsubscribe_iq(a->ctx, a->service, node,
                                  a->jid ? a->jid : a->bare,
                                  subid && *subid ? subid : NULL),
            timeout, on_unsubscribed, req_new(a, node));
}

void app_unsubscribe(struct app *a, const char *node)
{
    if (!online(a, "unsubscribe"))
        return;
    app_unsubscribe_sub(a, node, map_get(&a->created, node),
                        SESSION_TIMEOUT_MS);
}

/* ---- items and info ---- */

/* The panes that depend on what model_apply changed. */
static unsigned event_changes(unsigned model_changes)
{
    static const struct {
        unsigned model, app;
    } map[] = {
        {MODEL_CHANGED_NODES, APP_CHANGED_NODES},
        {MODEL_CHANGED_AGENTS, APP_CHANGED_AGENTS},
        {MODEL_CHANGED_DIALOGS, APP_CHANGED_DIALOGS},
        {MODEL_CHANGED_OTHER, APP_CHANGED_MODEL},
    };
    unsigned what = 0;
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (model_changes & map[i].model)
            what |= map[i].app;
    return what;
}

static const char *or_unknown(const char *s)
{
    return s && *s ? s : "?";
}

/* Finesse's apiErrors answer a request that failed: each is an error on
 * the message line and a row of perch's own in the Console. */
static void tell_api_errors(struct app *a, unsigned long from)
{
    const struct api_error *x;
    struct console_meta meta = {"apiError", NULL, NULL, NULL, NULL, 0};
    struct buf what, row;

    for (; from < a->model.errors_total; from++) {
        if ((x = model_error(&a->model, from)) == NULL)
            continue;
        buf_init(&what);
        buf_printf(&what, "%s: %s", or_unknown(x->type),
                   or_unknown(x->message));
        if (x->request_id && *x->request_id)
            buf_printf(&what, " (request %s)", x->request_id);
        app_say(a, APP_SAY_ERROR, "Finesse: %s", what.data);
        buf_init(&row);
        buf_printf(&row, "Finesse apiError on %s: %s",
                   or_unknown(x->node ? x->node : x->source), what.data);
        if (x->data && *x->data)
            buf_printf(&row, ", errorData %s", x->data);
        meta.id = x->request_id && *x->request_id ? x->request_id : NULL;
        meta.node = x->node;
        console_add_meta(a->console, CONSOLE_INFO, row.data, &meta);
        buf_done(&row);
        buf_done(&what);
    }
}

/* Applies ev (consumed) to the model, an Update's (mark NULL) or a REST
 * answer's; the changes pile up in pending_changes until flush_changes. */
static void apply(struct app *a, json_t *ev, const unsigned *mark)
{
    unsigned long errors = a->model.errors_total;
    double now = loop_now_ms(); /* one clock read for the model and the rate */
    long sec = (long)(now / 1000);
    int slot;

    app_rest_event(a, ev);
    if (a->failover && mark)
        failover_learn_answer(a->failover, ev, *mark);
    else if (a->failover)
        failover_learn(a->failover, ev);
    a->pending_changes |= event_changes(model_apply(&a->model, ev, now));
    json_decref(ev);
    if (a->model.errors_total != errors)
        tell_api_errors(a, errors);
    slot = (int)(sec % (APP_RATE_SECONDS + 1));
    if (a->rate_second[slot] != sec) {
        a->rate_second[slot] = sec;
        a->rate_count[slot] = 0;
    }
    a->rate_count[slot]++;
}

void app_apply_event(struct app *a, json_t *ev)
{
    apply(a, ev, NULL);
}

void app_apply_answer(struct app *a, json_t *ev, unsigned mark)
{
    apply(a, ev, &mark);
}

void app_flush_changes(struct app *a)
{
    unsigned what = a->pending_changes;

    a->pending_changes = 0;
    if (what)
        app_changed(a, what);
}

static void on_items(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("items %s", q->text);
    xmpp_stanza_t *items, *it;
    size_t n = 0;

    if (!failed(a, outcome, reply, what)) {
        items = pubsub_result_items(reply);
        for (it = items ? xmpp_stanza_get_children(items) : NULL; it;
             it = xmpp_stanza_get_next(it))
            if (xmpp_stanza_is_tag(it) &&
                strcmp(xmpp_stanza_get_name(it), "item") == 0) {
                app_apply_event(a, decode_item(q->text, it));
                n++;
            }
        app_say(a, APP_SAY_INFO, "%s: %zu item%s (%.0f ms)", q->text, n,
                n == 1 ? "" : "s", rtt);
        app_flush_changes(a);
    }
    free(what);
    req_free(q);
}

void app_items(struct app *a, const char *node)
{
    if (!online(a, "items"))
        return;
    send_iq(a, pubsub_items_iq(a->ctx, a->service, node, 0), SESSION_TIMEOUT_MS,
            on_items, req_new(a, node));
}

static void on_info(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct req *q = arg;
    struct app *a = q->a;
    char *what = xasprintf("info %s", q->text ? q->text : a->service);
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
        app_say(a, APP_SAY_INFO, "%s: %s; %zu features (%.0f ms)", what,
                b.len ? b.data : "no identity", info.nfeatures, rtt);
        buf_done(&b);
        disco_info_done(&info);
    }
    free(what);
    req_free(q);
}

void app_info(struct app *a, const char *node)
{
    if (!online(a, "info"))
        return;
    send_iq(a, disco_info_iq(a->ctx, a->service, node), SESSION_TIMEOUT_MS,
            on_info, req_new(a, node));
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
    app_changed(a, APP_CHANGED_STATUS | APP_CHANGED_NETWORK);
}

void app_clock_sample(struct app *a, double server_ms, double res_ms,
                      double sent_ms, double recv_ms, const char *source)
{
    if (clock_drift_sample(&a->clock, server_ms, res_ms, sent_ms, recv_ms,
                           source) <= 0)
        return;
    a->drift_ms = clock_drift_ms(&a->clock);
    a->have_drift = 1;
    a->model.drift_ms = a->drift_ms;
    app_changed(a, APP_CHANGED_STATUS | APP_CHANGED_NETWORK |
                       APP_CHANGED_AGENTS | APP_CHANGED_DIALOGS);
}

/* XEP-0202: the server's UTC bounds the drift (base/clock.c). One query
 * a ping: each lands at another moment of the server's second, so the
 * bounds narrow over the session without filling Console (probe asks
 * again at once: its job is the figure). */
static void on_time(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct app *a = arg;
    double server, res, now = model_wall_ms();

    if (outcome == IQ_REPLY && session_iq_end(outcome, reply) == IQ_END_ERROR &&
        !a->no_time) {
        /* one quiet note for the whole run, then no more asking */
        a->no_time = 1;
        console_add(a->console, CONSOLE_INFO,
                    "the server does not tell its time (XEP-0202): no clock "
                    "drift; times in state use this machine's clock");
        app_changed(a, APP_CHANGED_CONSOLE | APP_CHANGED_NETWORK);
        return;
    }
    if (outcome != IQ_REPLY || query_time_reply(reply, &server, &res) != 0)
        return;
    app_clock_sample(a, server, res, now - rtt, now, "xep-0202");
}

void app_ping(struct app *a)
{
    struct jid j;
    char *cause = NULL;

    if (a->state != APP_ONLINE || jid_parse(a->bare, &j, &cause) != 0) {
        free(cause);
        return;
    }
    send_iq(a, query_iq_get(a->ctx, j.domain, "ping", "urn:xmpp:ping"),
            SESSION_TIMEOUT_MS, on_pong, a);
    if (!a->no_time)
        send_iq(a, query_iq_get(a->ctx, j.domain, "time", "urn:xmpp:time"),
                SESSION_TIMEOUT_MS, on_time, a);
    jid_done(&j);
}

static void on_raw_reply(void *arg, enum iq_outcome outcome,
                         xmpp_stanza_t *reply, double rtt)
{
    struct req *q = arg; /* text: the id the user gave, or NULL */
    struct app *a = q->a;
    const char *id = reply ? xmpp_stanza_get_id(reply) : q->text;

    if (outcome == IQ_REPLY)
        app_say(a, APP_SAY_INFO, "reply to iq %s: %s in %.0f ms", id ? id : "",
                xmpp_stanza_get_type(reply) ? xmpp_stanza_get_type(reply) : "?",
                rtt);
    else if (outcome == IQ_TIMEOUT)
        app_say(a, APP_SAY_ERROR, "no reply to iq %s", id ? id : "");
    req_free(q);
}

int app_send_text(struct app *a, const char *text, char **cause)
{
    struct xml_spans spans;
    xmpp_stanza_t **st;
    size_t i;
    int ok = 1;

    if (a->state != APP_ONLINE) {
        *cause = xstrdup(a->replay ? APP_REPLAY_REFUSES
                                   : "not connected (/connect)");
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
            session_send_iq(a->session, st[i], SESSION_TIMEOUT_MS, on_raw_reply,
                            req_new(a, xmpp_stanza_get_id(st[i])));
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
