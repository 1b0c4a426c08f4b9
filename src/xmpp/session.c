/* Transport-agnostic XMPP session: login, iq tracking, dispatch. */
#include "session.h"
#include "base/buf.h"
#include "jid.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "console.h"
#include "evidence/recorder.h"
#include "id.h"
#include "sasl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_PING "urn:xmpp:ping"

enum session_state {
    S_IDLE,
    S_CONNECTING, /* until the first features */
    S_AUTH,
    S_BIND, /* restarted after SASL; waiting for features, then bind */
    S_READY,
    S_CLOSING,
    S_CLOSED,
};

struct pending_iq {
    char *id;
    char *to; /* NULL when the request had none */
    session_iq_cb cb;
    void *arg;
    double sent_ms;
    unsigned long seq; /* the request in the console ring */
    struct loop_timer *timer;
    struct session *s;
    struct pending_iq *next;
};

struct session {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct transport *t;
    const struct session_events *ev;
    void *ev_arg;

    struct jid jid;
    char *password;
    char *resource;
    char *sasl_mech;
    int allow_plaintext_auth;
    unsigned login_timeout_ms;
    unsigned keepalive_ms;
    FILE *verbose;

    enum session_state state;
    struct sasl *sasl;
    int session_iq_needed;
    char *bound_jid;
    struct idgen ids;
    struct console *console;
    struct recorder *recorder; /* borrowed, may be NULL */
    unsigned long last_in;     /* console seq of the stanza being handled */
    struct pending_iq *pending;
    struct loop_timer *login_timer;
    /* liveness: the last time anything arrived, the keepalive ping */
    double last_in_ms;
    struct loop_timer *idle_timer;
    int pinging;
};

/* The node a stanza is about: an attribute of a child or grandchild
 * (pubsub requests, disco queries, event items). */
static const char *stanza_node(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c, *g;
    const char *node;

    for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c))
            continue;
        if ((node = xmpp_stanza_get_attribute(c, "node")) != NULL)
            return node;
        /* not a disco#items <item>: those list nodes, not "the" node */
        for (g = xmpp_stanza_get_children(c); g; g = xmpp_stanza_get_next(g))
            if (xmpp_stanza_is_tag(g) &&
                strcmp(xmpp_stanza_get_name(g), "item") != 0 &&
                (node = xmpp_stanza_get_attribute(g, "node")) != NULL)
                return node;
    }
    return NULL;
}

const char *session_stanza_node(xmpp_stanza_t *st)
{
    return stanza_node(st);
}

static void log_verbose(struct session *s, enum console_dir dir,
                        const char *text)
{
    sanitize_fprintf(s->verbose, SANITIZE_LINE, "%s %s",
                     dir == CONSOLE_IN ? "<-" : "->", text);
    fputc('\n', s->verbose);
}

/* 1 when the element's name in raw has no prefix: its bytes read alone
 * (<stream:features/> needs the stream's declaration of "stream", so a
 * recording keeps perch's serialisation of it, which declares it). */
static int unprefixed(const char *raw, size_t len)
{
    size_t i;

    for (i = 1; i < len; i++)
        if (raw[i] == ':')
            return 0;
        else if (raw[i] == ' ' || raw[i] == '>' || raw[i] == '/' ||
                 raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r')
            return 1;
    return 1;
}

/* Into the ring, the -v log and the --record file, when any is there: a
 * headless command without -v or --record serialises nothing. What came in
 * is recorded as the bytes the transport received; the ring keeps those
 * bytes as the stanza's text when they read alone (no prefix, no NUL) and
 * no -v log wants libstrophe's form, so an incoming stanza is not
 * serialised again. Otherwise the ring copies libstrophe's text, with the
 * bytes beside it. */
static unsigned long record(struct session *s, enum console_dir dir,
                            xmpp_stanza_t *st)
{
    struct console_meta meta = {0};
    char *text = NULL;
    size_t len = 0, raw_len = s->t->raw_in_len;
    unsigned long seq;
    const char *raw = dir == CONSOLE_IN ? s->t->raw_in : NULL;
    int alone, as_text;

    if (s->console == NULL && s->verbose == NULL && s->recorder == NULL)
        return 0;
    alone = raw && unprefixed(raw, raw_len);
    as_text = alone && s->console && s->verbose == NULL &&
              memchr(raw, '\0', raw_len) == NULL;
    if (!as_text && xmpp_stanza_to_text(st, &text, &len) != XMPP_EOK)
        return 0;
    if (alone)
        recorder_stanza(s->recorder, 1, raw, raw_len);
    else
        recorder_stanza(s->recorder, dir == CONSOLE_IN, text, len);
    if (s->console == NULL) {
        if (s->verbose) {
            char *clean = console_redact(text);
            log_verbose(s, dir, clean);
            free(clean);
        }
        xmpp_free(s->ctx, text);
        return 0;
    }
    meta.name = xmpp_stanza_get_name(st);
    meta.type = xmpp_stanza_get_type(st);
    meta.id = xmpp_stanza_get_id(st);
    meta.node = stanza_node(st);
    if (as_text) { /* the bytes are the text: no second copy */
        seq = console_add_len(s->console, dir, raw, raw_len, &meta);
    } else {
        meta.raw = raw;
        meta.raw_len = raw ? raw_len : 0;
        seq = console_add_len(s->console, dir, text, len, &meta);
        xmpp_free(s->ctx, text);
    }
    if (s->verbose)
        log_verbose(s, dir, console_find(s->console, seq)->text);
    return seq;
}

static void fail_pending(struct session *s)
{
    while (s->pending != NULL) {
        struct pending_iq *p = s->pending;
        s->pending = p->next;
        p->cb(p->arg, IQ_CLOSED, NULL, 0);
        loop_timer_free(p->timer);
        free(p->id);
        free(p->to);
        free(p);
    }
}

/* Ends the session from our side with a cause; closed() follows from the
 * transport. */
static void give_up(struct session *s, enum perch_fail why, const char *cause)
{
    if (s->state == S_CLOSED)
        return;
    s->state = S_CLOSED;
    recorder_closed(s->recorder, cause);
    loop_timer_stop(s->login_timer);
    loop_timer_stop(s->idle_timer);
    s->t->ops->close(s->t);
    /* the cause first: requests that end with it come after */
    s->ev->closed(s->ev_arg, why, cause);
    fail_pending(s);
}

static xmpp_stanza_t *element(xmpp_ctx_t *ctx, const char *name, const char *ns,
                              const char *text)
{
    xmpp_stanza_t *e = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(e, name);
    if (ns)
        xmpp_stanza_set_ns(e, ns);
    if (text && *text) {
        xmpp_stanza_t *t = xmpp_stanza_new(ctx);
        xmpp_stanza_set_text(t, text);
        xmpp_stanza_add_child_ex(e, t, 0);
    }
    return e;
}

static unsigned long send_raw(struct session *s, xmpp_stanza_t *st)
{
    unsigned long seq = record(s, CONSOLE_OUT, st);
    s->t->ops->send(s->t, st);
    return seq;
}

void session_send(struct session *s, xmpp_stanza_t *st)
{
    char id[48];

    if (xmpp_stanza_get_id(st) == NULL)
        xmpp_stanza_set_id(st, id_next(&s->ids, id, sizeof id));
    send_raw(s, st);
}

/* ---- iq tracking ---- */

static void remove_pending(struct session *s, struct pending_iq *p)
{
    struct pending_iq **pp;

    for (pp = &s->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    loop_timer_free(p->timer);
    free(p->id);
    free(p->to);
    free(p);
}

static void on_iq_timeout(void *arg)
{
    struct pending_iq *p = arg;
    struct session *s = p->s;
    session_iq_cb cb = p->cb;
    void *cb_arg = p->arg;
    double rtt = loop_now_ms() - p->sent_ms;

    remove_pending(s, p);
    cb(cb_arg, IQ_TIMEOUT, NULL, rtt);
}

const char *session_send_iq(struct session *s, xmpp_stanza_t *iq,
                            unsigned timeout_ms, session_iq_cb cb, void *arg)
{
    struct pending_iq *p = xcalloc(1, sizeof *p);
    const char *to = xmpp_stanza_get_to(iq);
    char id[48];

    /* Tracked before it is sent: sending drives the transport, which may
     * read the reply at once. */
    if (xmpp_stanza_get_id(iq) == NULL)
        xmpp_stanza_set_id(iq, id_next(&s->ids, id, sizeof id));
    p->id = xstrdup(xmpp_stanza_get_id(iq));
    p->to = to ? xstrdup(to) : NULL;
    p->cb = cb;
    p->arg = arg;
    p->s = s;
    p->sent_ms = loop_now_ms();
    p->timer = loop_timer_new(s->loop, on_iq_timeout, p);
    loop_timer_start(p->timer, timeout_ms);
    p->next = s->pending;
    s->pending = p;
    /* the send may deliver the reply: the seq is known before that */
    p->seq = s->console ? console_last_seq(s->console) + 1 : 0;
    send_raw(s, iq);
    return xmpp_stanza_get_id(iq);
}

void session_cancel_iq(struct session *s, const char *id)
{
    struct pending_iq *p;

    for (p = s->pending; p; p = p->next)
        if (strcmp(p->id, id) == 0) {
            remove_pending(s, p);
            return;
        }
}

/* A reply counts only from the entity asked (or from our own server or
 * account when the request had no 'to'): ids alone can be spoofed. */
static int reply_from_ok(struct session *s, struct pending_iq *p,
                         const char *from)
{
    char *bare;
    int ok;

    if (p->to != NULL)
        return from != NULL && jid_equal(from, p->to);
    if (from == NULL || strcasecmp(from, s->jid.domain) == 0)
        return 1;
    bare = jid_bare(&s->jid);
    ok = jid_equal(from, bare) ||
         (s->bound_jid && jid_equal(from, s->bound_jid));
    free(bare);
    return ok;
}

static int match_reply(struct session *s, xmpp_stanza_t *st)
{
    const char *id = xmpp_stanza_get_id(st);
    const char *from = xmpp_stanza_get_from(st);
    struct pending_iq *p;

    if (id == NULL)
        return 0;
    for (p = s->pending; p; p = p->next) {
        if (strcmp(p->id, id) != 0 || !reply_from_ok(s, p, from))
            continue;
        {
            session_iq_cb cb = p->cb;
            void *arg = p->arg;
            double rtt = loop_now_ms() - p->sent_ms;
            if (s->console)
                console_pair(s->console, p->seq, s->last_in, rtt);
            remove_pending(s, p);
            cb(arg, IQ_REPLY, st, rtt);
        }
        return 1;
    }
    return 0;
}

/* RFC 6120 8.2.3: every iq get/set gets an answer; pings a result. */
static void answer_iq(struct session *s, xmpp_stanza_t *iq)
{
    const char *from = xmpp_stanza_get_from(iq);
    xmpp_stanza_t *reply;

    if (xmpp_stanza_get_child_by_name_and_ns(iq, "ping", NS_PING) != NULL &&
        strcmp(xmpp_stanza_get_type(iq), "get") == 0) {
        reply = xmpp_iq_new(s->ctx, "result", xmpp_stanza_get_id(iq));
        if (from)
            xmpp_stanza_set_to(reply, from);
    } else {
        xmpp_stanza_t *err = element(s->ctx, "error", NULL, NULL);
        reply = xmpp_stanza_reply(iq); /* keeps the request's payload */
        xmpp_stanza_set_type(reply, "error");
        xmpp_stanza_set_type(err, "cancel");
        xmpp_stanza_add_child_ex(
            err, element(s->ctx, "service-unavailable", NS_STANZAS, NULL), 0);
        xmpp_stanza_add_child_ex(reply, err, 0);
    }
    send_raw(s, reply);
    xmpp_stanza_release(reply);
}

/* ---- login: SASL, bind, session, presence ---- */

static void send_presence(struct session *s)
{
    xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
    xmpp_stanza_t *prio = element(s->ctx, "priority", NULL, "0");
    xmpp_stanza_add_child_ex(p, prio, 0);
    session_send(s, p);
    xmpp_stanza_release(p);
}

static void become_ready(struct session *s)
{
    s->state = S_READY;
    loop_timer_stop(s->login_timer);
    s->last_in_ms = loop_now_ms();
    if (s->keepalive_ms)
        loop_timer_start(s->idle_timer, s->keepalive_ms);
    recorder_ready(s->recorder, s->bound_jid, s->t->ops->name,
                   s->t->ops->describe(s->t));
    send_presence(s);
    s->ev->ready(s->ev_arg, s->bound_jid);
}

static void on_session_reply(void *arg, enum iq_outcome outcome,
                             xmpp_stanza_t *reply, double rtt)
{
    struct session *s = arg;
    (void)rtt;
    if (outcome != IQ_REPLY)
        return; /* closed or login timer will report */
    if (strcmp(xmpp_stanza_get_type(reply), "result") != 0) {
        give_up(s, FAIL_STREAM, "the server refused to start a session");
        return;
    }
    become_ready(s);
}

static void on_bind_reply(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct session *s = arg;
    xmpp_stanza_t *bind, *jid;
    char *text, *cause;
    (void)rtt;

    if (outcome != IQ_REPLY)
        return;
    bind = xmpp_stanza_get_child_by_name_and_ns(reply, "bind", NS_BIND);
    jid = bind ? xmpp_stanza_get_child_by_name(bind, "jid") : NULL;
    text = jid ? xmpp_stanza_get_text(jid) : NULL;
    if (strcmp(xmpp_stanza_get_type(reply), "result") != 0 || text == NULL) {
        cause = xasprintf("resource binding failed: %s",
                          session_error_condition(reply, NULL, NULL));
        give_up(s, FAIL_STREAM, cause);
        free(cause);
        xmpp_free(s->ctx, text);
        return;
    }
    s->bound_jid = xstrdup(text);
    xmpp_free(s->ctx, text);
    if (s->session_iq_needed) {
        xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", NULL);
        xmpp_stanza_add_child_ex(
            iq, element(s->ctx, "session", NS_SESSION, NULL), 0);
        session_send_iq(s, iq, SESSION_TIMEOUT_MS, on_session_reply, s);
        xmpp_stanza_release(iq);
        return;
    }
    become_ready(s);
}

static void bind_resource(struct session *s, xmpp_stanza_t *features)
{
    xmpp_stanza_t *sess, *iq, *bind;

    if (xmpp_stanza_get_child_by_name_and_ns(features, "bind", NS_BIND) ==
        NULL) {
        give_up(s, FAIL_STREAM, "the server offers no resource binding");
        return;
    }
    sess =
        xmpp_stanza_get_child_by_name_and_ns(features, "session", NS_SESSION);
    s->session_iq_needed =
        sess && xmpp_stanza_get_child_by_name(sess, "optional") == NULL;
    iq = xmpp_iq_new(s->ctx, "set", NULL);
    bind = element(s->ctx, "bind", NS_BIND, NULL);
    xmpp_stanza_add_child_ex(bind,
                             element(s->ctx, "resource", NULL, s->resource), 0);
    xmpp_stanza_add_child_ex(iq, bind, 0);
    session_send_iq(s, iq, SESSION_TIMEOUT_MS, on_bind_reply, s);
    xmpp_stanza_release(iq);
}

static void send_sasl(struct session *s, const char *name, const char *mech,
                      const char *data)
{
    xmpp_stanza_t *e = element(s->ctx, name, NS_SASL, *data ? data : "=");
    if (mech)
        xmpp_stanza_set_attribute(e, "mechanism", mech);
    send_raw(s, e);
    xmpp_stanza_release(e);
}

static void start_auth(struct session *s, xmpp_stanza_t *features)
{
    xmpp_stanza_t *mechs;
    const char *mech;
    char *cause = NULL, *out = NULL;

    if (!s->t->ops->secure(s->t) && !s->allow_plaintext_auth) {
        give_up(s, FAIL_PLAINTEXT,
                "refusing to send credentials over an unencrypted "
                "connection (use TLS, or --allow-plaintext-auth)");
        return;
    }
    mechs =
        xmpp_stanza_get_child_by_name_and_ns(features, "mechanisms", NS_SASL);
    mech = sasl_choose(mechs, s->sasl_mech, &cause);
    if (mech == NULL)
        goto fail_mech;
    s->sasl = sasl_start(mech, s->jid.local ? s->jid.local : "", s->password,
                         s->jid.domain, &cause);
    if (s->sasl == NULL || sasl_step(s->sasl, NULL, &out, &cause) < 0)
        goto fail_mech;
    s->state = S_AUTH;
    send_sasl(s, "auth", mech, out);
    free(out);
    return;
fail_mech:
    give_up(s, FAIL_SASL_MECH, cause);
    free(cause);
}

static void on_sasl(struct session *s, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    char *in = xmpp_stanza_get_text(st), *out = NULL, *cause = NULL;

    if (strcmp(name, "challenge") == 0 || strcmp(name, "success") == 0) {
        int success = name[0] == 's';
        int rc = 0;
        if (!sasl_done(s->sasl) && (!success || (in && *in)))
            rc = sasl_step(s->sasl, in ? in : "", &out, &cause);
        if (rc < 0) {
            char *msg =
                xasprintf("%s (the server could not be verified)", cause);
            give_up(s, FAIL_AUTH, msg);
            free(msg);
        } else if (!success) {
            send_sasl(s, "response", NULL, out ? out : "");
        } else if (!sasl_done(s->sasl)) {
            give_up(s, FAIL_AUTH, "SASL success without the server's proof");
        } else {
            /* over: its secrets (and GNU SASL, lazy_gsasl.c) go now */
            sasl_free(s->sasl);
            s->sasl = NULL;
            s->state = S_BIND;
            s->t->ops->restart(s->t);
        }
    } else if (strcmp(name, "failure") == 0) {
        xmpp_stanza_t *c = xmpp_stanza_get_children(st), *text;
        char *t, *clean, *msg;
        while (c && xmpp_stanza_is_text(c))
            c = xmpp_stanza_get_next(c);
        text = xmpp_stanza_get_child_by_name(st, "text");
        t = text ? xmpp_stanza_get_text(text) : NULL;
        clean = t ? sanitize_str(t, SANITIZE_LINE) : NULL;
        msg = xasprintf("authentication failed: %s%s%s",
                        c ? xmpp_stanza_get_name(c) : "failure",
                        clean ? " — " : "", clean ? clean : "");
        give_up(s, FAIL_AUTH, msg);
        free(msg);
        free(clean);
        xmpp_free(s->ctx, t);
    }
    free(out);
    free(cause);
    xmpp_free(s->ctx, in);
}

/* ---- transport events ---- */

static void on_features(void *arg, xmpp_stanza_t *features)
{
    struct session *s = arg;

    s->last_in_ms = loop_now_ms();
    record(s, CONSOLE_IN, features);
    if (s->state == S_CONNECTING)
        start_auth(s, features);
    else if (s->state == S_BIND)
        bind_resource(s, features);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct session *s = arg;
    const char *name = xmpp_stanza_get_name(st);
    const char *ns = xmpp_stanza_get_ns(st);
    const char *type;

    s->last_in_ms = loop_now_ms();
    s->last_in = record(s, CONSOLE_IN, st);
    if (ns && strcmp(ns, NS_SASL) == 0) {
        if (s->state == S_AUTH)
            on_sasl(s, st);
        return;
    }
    if (strcmp(name, "iq") == 0) {
        type = xmpp_stanza_get_type(st);
        if (type &&
            (strcmp(type, "result") == 0 || strcmp(type, "error") == 0)) {
            if (match_reply(s, st))
                return;
        } else if (type &&
                   (strcmp(type, "get") == 0 || strcmp(type, "set") == 0)) {
            answer_iq(s, st);
        }
    }
    if (s->state == S_READY && s->ev->stanza)
        s->ev->stanza(s->ev_arg, st);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct session *s = arg;

    if (s->state == S_CLOSED)
        return; /* we gave up first and said why */
    if (s->state == S_CLOSING)
        why = FAIL_CLOSED;
    s->state = S_CLOSED;
    recorder_closed(s->recorder, why == FAIL_CLOSED ? NULL : cause);
    loop_timer_stop(s->login_timer);
    loop_timer_stop(s->idle_timer);
    s->ev->closed(s->ev_arg, why, cause);
    fail_pending(s);
}

/* An HTTP answer is something arrived, stanzas or not. */
static void on_record(void *arg, const struct transport_record *rec)
{
    struct session *s = arg;
    if (rec->status > 0 && rec->error == NULL)
        s->last_in_ms = loop_now_ms();
    recorder_transport(s->recorder, rec);
    if (s->ev->record)
        s->ev->record(s->ev_arg, rec);
}

static void on_trouble(void *arg, const char *cause)
{
    struct session *s = arg;
    if (s->ev->trouble)
        s->ev->trouble(s->ev_arg, cause);
}

static void on_params(void *arg, const struct transport_params *p)
{
    struct session *s = arg;
    recorder_params(s->recorder, p);
    if (s->ev->params)
        s->ev->params(s->ev_arg, p);
}

static void on_connected(void *arg, const struct transport_conn *c)
{
    struct session *s = arg;
    recorder_conn(s->recorder, c);
}

static const struct transport_events session_transport_events = {
    .connected = on_connected,
    .features = on_features,
    .stanza = on_stanza,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
    .trouble = on_trouble,
};

static void on_login_timeout(void *arg)
{
    struct session *s = arg;
    char *msg = xasprintf("login did not complete within %u s",
                          s->login_timeout_ms / 1000);
    give_up(s, FAIL_TIMEOUT, msg);
    free(msg);
}

/* ---- liveness ---- */

static unsigned ping_timeout_ms(const struct session *s)
{
    return s->keepalive_ms < SESSION_PING_TIMEOUT_MS ? s->keepalive_ms
                                                     : SESSION_PING_TIMEOUT_MS;
}

static void on_keepalive_reply(void *arg, enum iq_outcome outcome,
                               xmpp_stanza_t *reply, double rtt)
{
    struct session *s = arg;
    char *cause;
    (void)reply;

    s->pinging = 0;
    if (outcome == IQ_CLOSED || s->state != S_READY)
        return;
    /* any answer, even an error, or anything else that came meanwhile
     * says the server is there */
    if (outcome == IQ_REPLY || loop_now_ms() - s->last_in_ms < rtt) {
        loop_timer_start(s->idle_timer, s->keepalive_ms);
        return;
    }
    cause = xasprintf("the server did not answer a keepalive ping within "
                      "%.0f s (nothing received for %.0f s)",
                      rtt / 1000, (loop_now_ms() - s->last_in_ms) / 1000);
    give_up(s, FAIL_SILENT, cause);
    free(cause);
}

/* Nothing arrived for the keepalive: ask the server; else wait for the
 * rest of it. */
static void on_idle(void *arg)
{
    struct session *s = arg;
    double quiet = loop_now_ms() - s->last_in_ms;
    xmpp_stanza_t *iq, *ping;

    if (s->state != S_READY || s->pinging)
        return;
    if (quiet < s->keepalive_ms) {
        loop_timer_start(s->idle_timer,
                         (unsigned)(s->keepalive_ms - quiet) + 1);
        return;
    }
    iq = xmpp_iq_new(s->ctx, "get", NULL);
    xmpp_stanza_set_to(iq, s->jid.domain);
    ping = element(s->ctx, "ping", NS_PING, NULL);
    xmpp_stanza_add_child_ex(iq, ping, 0);
    s->pinging = 1;
    session_send_iq(s, iq, ping_timeout_ms(s), on_keepalive_reply, s);
    xmpp_stanza_release(iq);
}

/* ---- life cycle ---- */

int session_check_resource(const char *resource, int force, char **cause)
{
    if (resource && strcasecmp(resource, "desktop") == 0 && !force) {
        *cause = xstrdup("the resource 'desktop' is the one the Finesse "
                         "agent desktop uses: logging in with it would "
                         "disconnect that agent's desktop. Choose another, "
                         "or pass --force-resource if that is what you want");
        return -1;
    }
    return 0;
}

struct session *session_new(struct loop *loop, xmpp_ctx_t *ctx,
                            struct transport *t,
                            const struct session_config *cfg,
                            const struct session_events *ev, void *arg)
{
    struct session *s = xcalloc(1, sizeof *s);
    char *cause = NULL;

    if (jid_parse(cfg->jid, &s->jid, &cause) != 0) {
        /* callers validate the JID first; keep going with what we have */
        free(cause);
        jid_parse("invalid.invalid", &s->jid, &cause);
    }
    s->loop = loop;
    s->ctx = ctx;
    s->t = t;
    s->ev = ev;
    s->ev_arg = arg;
    s->password = xstrdup(cfg->password ? cfg->password : "");
    s->sasl_mech = cfg->sasl_mech ? xstrdup(cfg->sasl_mech) : NULL;
    s->allow_plaintext_auth = cfg->allow_plaintext_auth;
    s->login_timeout_ms =
        cfg->login_timeout_ms ? cfg->login_timeout_ms : SESSION_TIMEOUT_MS;
    s->keepalive_ms = cfg->keepalive_ms;
    s->verbose = cfg->verbose;
    s->recorder = cfg->recorder;
    id_init(&s->ids);
    if (cfg->resource)
        s->resource = xstrdup(cfg->resource);
    else if (s->jid.resource)
        s->resource = xstrdup(s->jid.resource);
    else {
        char r[5];
        id_random_alnum(r, 4);
        s->resource = xasprintf("perch-%s", r);
    }
    s->console = cfg->console; /* NULL: nothing reads a ring */
    t->keep_raw = s->console != NULL || s->recorder != NULL;
    s->login_timer = loop_timer_new(loop, on_login_timeout, s);
    s->idle_timer = loop_timer_new(loop, on_idle, s);
    transport_set_events(t, &session_transport_events, s);
    return s;
}

int session_connect(struct session *s, char **cause)
{
    s->state = S_CONNECTING;
    loop_timer_start(s->login_timer, s->login_timeout_ms);
    if (s->t->ops->connect(s->t, cause) != 0) {
        s->state = S_CLOSED;
        loop_timer_stop(s->login_timer);
        return -1;
    }
    return 0;
}

void session_close(struct session *s)
{
    if (s->state == S_CLOSED || s->state == S_CLOSING)
        return;
    s->state = S_CLOSING;
    loop_timer_stop(s->login_timer);
    loop_timer_stop(s->idle_timer);
    s->t->ops->close(s->t);
}

void session_free(struct session *s)
{
    if (s == NULL)
        return;
    while (s->pending)
        remove_pending(s, s->pending);
    s->t->ops->free(s->t);
    loop_timer_free(s->login_timer);
    loop_timer_free(s->idle_timer);
    sasl_free(s->sasl);
    jid_done(&s->jid);
    if (s->password) {
        explicit_bzero(s->password, strlen(s->password));
        free(s->password);
    }
    free(s->resource);
    free(s->sasl_mech);
    free(s->bound_jid);
    free(s);
}

xmpp_ctx_t *session_ctx(struct session *s)
{
    return s->ctx;
}

struct console *session_console(struct session *s)
{
    return s->console;
}

const char *session_bound_jid(struct session *s)
{
    return s->state == S_READY ? s->bound_jid : NULL;
}

int session_active(const struct session *s)
{
    return s->state != S_IDLE && s->state != S_CLOSING && s->state != S_CLOSED;
}

struct transport *session_transport(struct session *s)
{
    return s->t;
}

enum iq_end session_iq_end(enum iq_outcome outcome, xmpp_stanza_t *reply)
{
    const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;

    if (outcome == IQ_CLOSED)
        return IQ_END_CLOSED;
    if (outcome != IQ_REPLY || type == NULL ||
        strcmp(xmpp_stanza_get_name(reply), "iq") != 0)
        return IQ_END_NO_ANSWER;
    if (strcmp(type, "result") == 0)
        return IQ_END_RESULT;
    return strcmp(type, "error") == 0 ? IQ_END_ERROR : IQ_END_NO_ANSWER;
}

#define NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"

/* XEP-0060's pubsub#errors conditions in plain words, said next to the
 * stanza error's condition ("unexpected-request: not subscribed to that
 * node"). */
static const struct {
    const char *cond, *words;
} pubsub_words[] = {
    {"not-subscribed", "not subscribed to that node"},
    {"invalid-subid", "no subscription with that subid"},
    {"subid-required", "several subscriptions: give the subid"},
    {"invalid-jid", "that JID is not this account's"},
    {"jid-required", "give a JID"},
    {"nodeid-required", "give a node"},
    {"item-required", "give an item"},
    {"payload-required", "give a payload"},
    {"invalid-payload", "the payload is not what the node takes"},
    {"payload-too-big", "the payload is too big for the service"},
    {"item-forbidden", "the node takes no items"},
    {"max-items-exceeded", "the node holds too many items"},
    {"max-nodes-exceeded", "the service holds too many nodes"},
    {"presence-subscription-required",
     "the node is open to presence subscribers only"},
    {"not-in-roster-group", "the node is open to some roster groups only"},
    {"closed-node", "the node is open to its whitelist only"},
    {"pending-subscription", "the subscription waits for approval"},
    {"too-many-subscriptions", "this account has too many subscriptions"},
    {"configuration-required", "the subscription must be configured first"},
    {"invalid-options", "the options are not valid"},
    {"unsupported", "the service does not support this"},
};

/* The words of reply's pubsub#errors condition, or NULL. */
static const char *pubsub_error_words(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(reply, "error"), *c;
    size_t i;

    for (c = err ? xmpp_stanza_get_children(err) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_get_ns(c);
        if (!xmpp_stanza_is_tag(c) || ns == NULL ||
            strcmp(ns, NS_PUBSUB_ERRORS) != 0)
            continue;
        for (i = 0; i < sizeof pubsub_words / sizeof pubsub_words[0]; i++)
            if (strcmp(xmpp_stanza_get_name(c), pubsub_words[i].cond) == 0)
                return pubsub_words[i].words;
    }
    return NULL;
}

char *session_iq_failure(enum iq_outcome outcome, xmpp_stanza_t *reply)
{
    const char *words;
    const char *cond, *type;
    char *text = NULL, *why;

    switch (session_iq_end(outcome, reply)) {
    case IQ_END_CLOSED:
        return xstrdup("the connection closed first");
    case IQ_END_NO_ANSWER:
        if (reply == NULL)
            return xstrdup("no answer");
        type = xmpp_stanza_get_type(reply);
        return xasprintf("not an answer (<%s> of type '%s')",
                         xmpp_stanza_get_name(reply), type ? type : "none");
    case IQ_END_RESULT: /* one the caller could not use */
        return xstrdup("a result without what was asked for");
    case IQ_END_ERROR:
        break;
    }
    cond = session_error_condition(reply, NULL, &text);
    words = pubsub_error_words(reply);
    if (text) { /* the server's text, on the line of the message */
        char *clean = sanitize_str(text, SANITIZE_LINE);
        why = xasprintf("%s%s%s — %s", cond, words ? ": " : "",
                        words ? words : "", clean);
        free(clean);
    } else {
        why = xasprintf("%s%s%s", cond, words ? ": " : "", words ? words : "");
    }
    free(text);
    return why;
}

const char *session_error_condition(xmpp_stanza_t *reply, const char **type,
                                    char **text)
{
    xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(reply, "error");
    xmpp_stanza_t *c;
    const char *cond = "unknown";

    if (type)
        *type = err ? xmpp_stanza_get_type(err) : NULL;
    if (text)
        *text = NULL;
    if (err == NULL)
        return cond;
    for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
        const char *ns;
        if (xmpp_stanza_is_text(c))
            continue;
        ns = xmpp_stanza_get_ns(c);
        if (ns == NULL || strcmp(ns, NS_STANZAS) != 0)
            continue;
        if (strcmp(xmpp_stanza_get_name(c), "text") == 0) {
            if (text) {
                char *t = xmpp_stanza_get_text(c);
                *text = t ? xstrdup(t) : NULL;
                xmpp_free(xmpp_stanza_get_context(c), t);
            }
        } else if (strcmp(cond, "unknown") == 0) {
            cond = xmpp_stanza_get_name(c);
        }
    }
    return cond;
}
