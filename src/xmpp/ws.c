/*
 * WebSocket transport. The connection, the upgrade and the bytes are
 * wsconn.c's (libcurl in CONNECT_ONLY mode, so DNS, proxies, TLS, the CA,
 * pins and --insecure are BOSH's; wslay for frames); here every message
 * goes through the bounded input path and RFC 7395 is spoken.
 *
 * RFC 7395: <open/> and <close/> in the framing namespace, one element a
 * message, a new <open/> after SASL. A WebSocket ping every ping_s with
 * its round trip; WS_PINGS_LOST_MAX unanswered in a row end the session.
 * Every frame, the upgrade and every ping are transport records.
 */
#include "ws.h"
#include "base/buf.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "stream_error.h"
#include "wsconn.h"
#include "wsproto.h"
#include "xmlstream.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_PING_S 20
#define MAX_REDIRECTS 3

enum ws_state {
    W_IDLE,
    W_CONNECTING, /* wsconn: DNS, TCP, proxy, TLS, the upgrade */
    W_OPENING,    /* <open/> sent, the server's awaited */
    W_STREAM,     /* the server's <open/> read, features awaited */
    W_OPEN,       /* features passed to the session */
    W_CLOSING,    /* <close/> sent */
    W_MOVING,     /* see-other-uri: reconnecting elsewhere */
    W_CLOSED,
};

struct ws {
    struct transport base;
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct ws_config cfg; /* strings owned; url is the current one */
    struct ws_url url;
    enum ws_state state;

    struct wsconn *conn;
    struct event *move_ev, *report_ev;
    struct loop_timer *close_timer, *ping_timer;

    unsigned ping_seq, pings_lost;
    int ping_outstanding;
    double ping_sent_ms, ping_sent_wall;
    double flood_start_ms;
    unsigned flood_pings;

    int features_seen; /* see-other-uri is followed only before */
    unsigned moves;
    char *move_to;
    int stream_closed; /* the server's <close/> came */

    char describe[300];
    enum perch_fail fail;
    char *cause;
    int reported;
};

static void start_connect(struct ws *w);

static const char *trust_how(struct ws *w, int tls)
{
    return !tls                  ? "NOT encrypted"
           : w->cfg.tls.insecure ? "TLS, certificate NOT verified (--insecure)"
           : w->cfg.tls.pin      ? "TLS, pinned key"
                                 : "TLS, verified";
}

/* ---- the connection ---- */

/* Lets go of the socket and everything of this connection. */
static void drop_connection(struct ws *w)
{
    wsconn_free(w->conn);
    w->conn = NULL;
    loop_timer_stop(w->ping_timer);
    w->ping_outstanding = 0;
}

static void report_closed(evutil_socket_t fd, short what, void *arg)
{
    struct ws *w = arg;
    (void)fd;
    (void)what;
    if (w->reported)
        return;
    w->reported = 1;
    loop_timer_stop(w->close_timer);
    drop_connection(w);
    w->base.ev->closed(w->base.ev_arg, w->fail ? w->fail : FAIL_NETWORK,
                       w->cause ? w->cause : "WebSocket closed");
}

/* Ends the transport with a cause; closed() is reported from the loop.
 * What is queued (a close frame) gets one last try to leave. */
static void end_with(struct ws *w, enum perch_fail why, char *cause)
{
    if (w->fail == FAIL_NONE) {
        w->fail = why;
        w->cause = cause;
    } else {
        free(cause);
    }
    if (w->state == W_CLOSED)
        return;
    w->state = W_CLOSED;
    if (w->conn)
        wsconn_stop(w->conn);
    loop_timer_stop(w->ping_timer);
    event_active(w->report_ev, 0, 0);
}

/* Closes the WebSocket with code (unless done), then ends. */
static void close_with(struct ws *w, unsigned code, enum perch_fail why,
                       char *cause)
{
    if (w->conn)
        wsconn_close(w->conn, code);
    end_with(w, why, cause);
}

/* ---- records ---- */

static void emit(struct ws *w, const struct transport_record *rec)
{
    if (w->base.ev->record)
        w->base.ev->record(w->base.ev_arg, rec);
}

static void frame_record(struct ws *w, const struct wsframe_frame *f,
                         const char *what, int stanza)
{
    struct transport_record rec;

    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_FRAME;
    rec.start = loop_wall_s();
    rec.out = f->out;
    rec.opcode = f->opcode;
    rec.fin = f->fin;
    rec.size = f->size;
    rec.what = what;
    if (f->out)
        rec.stanzas_out = stanza;
    else
        rec.stanzas_in = stanza;
    rec.close_code = f->close_code;
    rec.close_reason =
        f->close_reason && *f->close_reason ? f->close_reason : NULL;
    rec.error = f->error;
    /* a whole text message as on the wire, for --record and the detail */
    if (f->msg &&
        (f->opcode == WSFRAME_TEXT || f->opcode == WSFRAME_CONTINUATION)) {
        if (f->out) {
            rec.body_out = f->msg;
            rec.body_out_len = f->msg_len;
        } else {
            rec.body_in = f->msg;
            rec.body_in_len = f->msg_len;
        }
    }
    emit(w, &rec);
}

static void ping_record(struct ws *w, double rtt_ms, const char *error)
{
    struct transport_record rec;

    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_PING;
    rec.start = w->ping_sent_wall;
    rec.duration_ms = rtt_ms;
    rec.error = error;
    emit(w, &rec);
}

/* ---- RFC 7395 ---- */

static void send_text(struct ws *w, const char *text, size_t len)
{
    if (w->conn)
        wsconn_send_text(w->conn, text, len);
}

static void send_open(struct ws *w)
{
    char *open = wsproto_open(w->cfg.domain);
    w->state = W_OPENING;
    send_text(w, open, strlen(open));
    free(open);
}

/* see-other-uri: elsewhere, before login and within the rules. */
static void move(struct ws *w, const char *uri)
{
    char *why = NULL, *shown;

    if (w->features_seen) {
        shown = sanitize_str(uri, SANITIZE_LINE); /* the server's text */
        close_with(w, 1000, FAIL_STREAM,
                   xasprintf("the server at %s sent perch to %s "
                             "(see-other-uri) after login; connect there "
                             "with --ws %s",
                             w->cfg.url, shown, shown));
        free(shown);
        return;
    }
    if (wsproto_may_follow(w->cfg.url, uri, w->cfg.follow_other_hosts, &why) !=
        0) {
        close_with(w, 1000, FAIL_STREAM, why);
        return;
    }
    if (++w->moves > MAX_REDIRECTS) {
        shown = sanitize_str(uri, SANITIZE_LINE);
        close_with(w, 1000, FAIL_STREAM,
                   xasprintf("see-other-uri more than %d times (last: %s)",
                             MAX_REDIRECTS, shown));
        free(shown);
        return;
    }
    free(w->move_to);
    w->move_to = xstrdup(uri);
    wsconn_close(w->conn, 1000);
    wsconn_stop(w->conn);
    w->state = W_MOVING;
    event_active(w->move_ev, 0, 0);
}

static void on_move(evutil_socket_t fd, short what, void *arg)
{
    struct ws *w = arg;
    char *why = NULL;
    (void)fd;
    (void)what;

    if (w->state != W_MOVING)
        return;
    drop_connection(w);
    wsproto_url_done(&w->url);
    free((char *)w->cfg.url);
    w->cfg.url = w->move_to;
    w->move_to = NULL;
    if (wsproto_url_parse(w->cfg.url, &w->url, &why) != 0) {
        end_with(w, FAIL_STREAM, why);
        return;
    }
    start_connect(w);
}

static void on_stream_close(struct ws *w, xmpp_stanza_t *el)
{
    const char *uri = xmpp_stanza_get_attribute(el, "see-other-uri");

    w->stream_closed = 1;
    if (uri && w->state != W_CLOSING) {
        move(w, uri);
        return;
    }
    if (w->state == W_CLOSING) { /* the answer to ours */
        wsconn_close(w->conn, 1000);
        return; /* the server's close frame or the end of TCP follows */
    }
    send_text(w, wsproto_close(), strlen(wsproto_close()));
    close_with(w, 1000, FAIL_NETWORK,
               xasprintf("%s closed the XMPP stream (<close/>)", w->cfg.url));
}

static void on_open(struct ws *w, xmpp_stanza_t *el)
{
    (void)el;
    if (w->state != W_OPENING) {
        close_with(
            w, 1002, FAIL_STREAM,
            xasprintf("%s sent an <open/> perch did not ask for", w->cfg.url));
        return;
    }
    w->state = W_STREAM;
}

/* A message's element, by what it is and where the stream stands. */
static void dispatch(struct ws *w, xmpp_stanza_t *el, enum ws_msg_kind kind)
{
    char *what;

    switch (kind) {
    case WS_MSG_OPEN:
        on_open(w, el);
        return;
    case WS_MSG_CLOSE:
        on_stream_close(w, el);
        return;
    case WS_MSG_ERROR:
        what = stream_error_text(el);
        send_text(w, wsproto_close(), strlen(wsproto_close()));
        close_with(w, 1000, FAIL_STREAM,
                   xasprintf("stream error from %s: %s", w->cfg.url, what));
        free(what);
        return;
    case WS_MSG_FEATURES:
        if (w->state != W_STREAM)
            break;
        w->state = W_OPEN;
        w->features_seen = 1;
        w->base.ev->features(w->base.ev_arg, el);
        return;
    case WS_MSG_STANZA:
        if (w->state != W_OPEN && w->state != W_CLOSING)
            break;
        w->base.ev->stanza(w->base.ev_arg, el);
        return;
    }
    close_with(w, 1002, FAIL_STREAM,
               xasprintf("%s sent <%s> before %s", w->cfg.url,
                         xmpp_stanza_get_name(el),
                         w->state == W_OPENING ? "its <open/>"
                                               : "the stream features"));
}

/* A text message: parsed through the bounded path, recorded, handled. */
static void on_message(struct ws *w, const struct wsframe_frame *f)
{
    enum ws_msg_kind kind = WS_MSG_STANZA;
    char *cause = NULL;
    xmpp_stanza_t *el;
    struct wsframe_frame refused;

    if (w->state == W_CLOSED || w->state == W_MOVING)
        return;
    el = wsproto_parse(w->ctx, f->msg, f->msg_len, &kind, &cause);
    if (el == NULL) {
        unsigned code = f->msg_len > XMLSTREAM_MAX_STANZA ? 1009 : 1008;
        refused = *f;
        refused.error = cause;
        frame_record(w, &refused, NULL, 0);
        close_with(w, code, FAIL_STREAM,
                   xasprintf("%s sent %s — perch closed the WebSocket with "
                             "%u %s",
                             w->cfg.url, cause, code,
                             wsproto_close_name(code)));
        free(cause);
        return;
    }
    frame_record(w, f, xmpp_stanza_get_name(el), kind == WS_MSG_STANZA);
    if (w->base.keep_raw) { /* a message is one element: its bytes */
        w->base.raw_in = f->msg;
        w->base.raw_in_len = f->msg_len;
    }
    dispatch(w, el, kind);
    w->base.raw_in = NULL;
    w->base.raw_in_len = 0;
    xmpp_stanza_release(el);
}

/* ---- keepalive ---- */

static void ping_payload(struct ws *w, char *out, size_t size)
{
    snprintf(out, size, "perch %u", w->ping_seq);
}

static void on_pong(struct ws *w, const struct wsframe_frame *f)
{
    char want[32];

    ping_payload(w, want, sizeof want);
    if (!w->ping_outstanding || f->msg_len != strlen(want) ||
        memcmp(f->msg, want, f->msg_len) != 0)
        return; /* unsolicited (RFC 6455 5.5.3), or late */
    w->ping_outstanding = 0;
    w->pings_lost = 0;
    ping_record(w, loop_now_ms() - w->ping_sent_ms, NULL);
}

static void on_ping_timer(void *arg)
{
    struct ws *w = arg;
    char p[32], why[96];

    if (w->conn == NULL || !wsconn_open(w->conn))
        return;
    if (w->ping_outstanding) {
        snprintf(why, sizeof why, "no pong within %u s", w->cfg.ping_s);
        ping_record(w, 0, why);
        if (++w->pings_lost >= WS_PINGS_LOST_MAX) {
            close_with(w, 1001, FAIL_NETWORK,
                       xasprintf("no answer from %s to %d WebSocket pings in "
                                 "a row: the connection is dead (an idle "
                                 "timeout on the path?)",
                                 w->cfg.url, WS_PINGS_LOST_MAX));
            return;
        }
    }
    w->ping_seq++;
    ping_payload(w, p, sizeof p);
    w->ping_outstanding = 1;
    w->ping_sent_ms = loop_now_ms();
    w->ping_sent_wall = loop_wall_s();
    wsconn_ping(w->conn, p, strlen(p));
    loop_timer_start(w->ping_timer, w->cfg.ping_s * 1000u);
}

/* A server that pings without pause is refused: answering it would be
 * all perch does. */
static void on_ping(struct ws *w)
{
    double now = loop_now_ms();

    if (now - w->flood_start_ms > 1000) {
        w->flood_start_ms = now;
        w->flood_pings = 0;
    }
    if (++w->flood_pings > WS_PINGS_PER_S_MAX)
        close_with(w, 1008, FAIL_STREAM,
                   xasprintf("%s sent a ping flood (more than %d pings in a "
                             "second) — perch closed the WebSocket with "
                             "1008 %s",
                             w->cfg.url, WS_PINGS_PER_S_MAX,
                             wsproto_close_name(1008)));
}

/* The server's close frame. */
static void on_peer_close(struct ws *w, const struct wsframe_frame *f)
{
    unsigned code = f->close_code ? f->close_code : 1005;
    char *reason;

    if (w->state == W_CLOSING) {
        end_with(w, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    /* the server's text: one line, nothing a terminal would obey */
    reason = sanitize_str(f->close_reason, SANITIZE_LINE);
    end_with(w, code == 1000 ? FAIL_NETWORK : FAIL_STREAM,
             xasprintf("%s closed the WebSocket: %u %s%s%s%s", w->cfg.url, code,
                       wsproto_close_name(code), *reason ? " (\"" : "", reason,
                       *reason ? "\")" : ""));
    free(reason);
}

/* Every frame in and out, from wsframe. */
static void on_frame(void *arg, const struct wsframe_frame *f)
{
    struct ws *w = arg;
    char name[32];

    if (f->out) {
        const char *what = NULL;
        if (f->opcode == WSFRAME_TEXT && f->msg && f->msg_len > 1 &&
            f->msg[0] == '<') {
            size_t n = strcspn(f->msg + 1, " />");
            snprintf(name, sizeof name, "%.*s", (int)n, f->msg + 1);
            what = name;
        }
        frame_record(w, f, what,
                     what && strcmp(what, "open") != 0 &&
                         strcmp(what, "close") != 0);
        return;
    }
    if (f->msg && !f->error &&
        (f->opcode == WSFRAME_TEXT || f->opcode == WSFRAME_CONTINUATION)) {
        on_message(w, f);
        return;
    }
    frame_record(w, f, NULL, 0);
    if (f->error)
        return;
    if (f->opcode == WSFRAME_PONG && f->msg)
        on_pong(w, f);
    else if (f->opcode == WSFRAME_PING)
        on_ping(w);
    else if (f->opcode == WSFRAME_CLOSE && f->msg)
        on_peer_close(w, f);
}

/* ---- the connection's events ---- */

static void on_conn_open(void *arg)
{
    struct ws *w = arg;

    send_open(w);
    on_ping_timer(w);
}

static void on_conn_record(void *arg, const struct transport_record *rec)
{
    struct ws *w = arg;
    emit(w, rec);
}

static void on_conn_lost(void *arg, enum perch_fail why, char *cause)
{
    struct ws *w = arg;

    if (w->state == W_CLOSING) { /* the end of what we asked for */
        free(cause);
        end_with(w, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    end_with(w, why, cause);
}

static void on_conn_connected(void *arg, const struct transport_conn *c)
{
    struct ws *w = arg;
    if (w->base.ev->connected)
        w->base.ev->connected(w->base.ev_arg, c);
}

static const struct wsconn_events conn_events = {
    .connected = on_conn_connected,
    .open = on_conn_open,
    .frame = on_frame,
    .record = on_conn_record,
    .lost = on_conn_lost,
};

static void start_connect(struct ws *w)
{
    struct wsconn_config c;

    memset(&c, 0, sizeof c);
    c.url = &w->url;
    c.name = w->cfg.url;
    c.tls = w->cfg.tls;
    w->state = W_CONNECTING;
    w->conn = wsconn_new(w->loop, &c, &conn_events, w);
}

/* ---- the transport interface ---- */

static int ws_connect(struct transport *base, char **cause)
{
    struct ws *w = (struct ws *)base;

    if (wsproto_url_parse(w->cfg.url, &w->url, cause) != 0)
        return -1;
    start_connect(w);
    return 0;
}

/* RFC 7395 3.3.3: a stanza names its namespace in its own message, but
 * libstrophe never writes xmlns='jabber:client' (the default of a TCP
 * stream): it goes in after the element's name. */
static void send_stanza(struct ws *w, xmpp_stanza_t *st)
{
    const char *ns = xmpp_stanza_get_ns(st);
    char *text = NULL;
    size_t len = 0, name;
    struct buf b;

    if (xmpp_stanza_to_text(st, &text, &len) != XMPP_EOK)
        return;
    if (ns != NULL && strcmp(ns, "jabber:client") != 0) {
        send_text(w, text, len);
    } else {
        name = 1 + strcspn(text + 1, " />");
        buf_init(&b);
        buf_append(&b, text, name);
        buf_puts(&b, " xmlns=\"jabber:client\"");
        buf_append(&b, text + name, len - name);
        send_text(w, b.data, b.len);
        buf_done(&b);
    }
    xmpp_free(w->ctx, text);
}

static void ws_send(struct transport *base, xmpp_stanza_t *st)
{
    struct ws *w = (struct ws *)base;

    if (w->state == W_OPEN || w->state == W_STREAM)
        send_stanza(w, st);
}

static void ws_restart(struct transport *base)
{
    struct ws *w = (struct ws *)base;

    if (w->state == W_OPEN || w->state == W_STREAM)
        send_open(w);
}

static int ws_secure(struct transport *base)
{
    struct ws *w = (struct ws *)base;
    return strncasecmp(w->cfg.url, "wss://", 6) == 0;
}

static const char *ws_describe(struct transport *base)
{
    struct ws *w = (struct ws *)base;

    snprintf(w->describe, sizeof w->describe, "WebSocket %s, %s", w->cfg.url,
             trust_how(w, ws_secure(base)));
    return w->describe;
}

static void on_close_timeout(void *arg)
{
    struct ws *w = arg;
    close_with(w, 1000, FAIL_CLOSED, xstrdup("closed"));
}

static void ws_close(struct transport *base)
{
    struct ws *w = (struct ws *)base;

    if (w->state == W_CLOSED || w->state == W_CLOSING)
        return;
    if (w->state != W_OPENING && w->state != W_STREAM && w->state != W_OPEN) {
        end_with(w, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    send_text(w, wsproto_close(), strlen(wsproto_close()));
    w->state = W_CLOSING;
    loop_timer_start(w->close_timer, TRANSPORT_CLOSE_TIMEOUT_MS);
}

static void ws_free(struct transport *base)
{
    struct ws *w = (struct ws *)base;

    if (w == NULL)
        return;
    w->reported = 1;
    drop_connection(w);
    event_free(w->move_ev);
    event_free(w->report_ev);
    loop_timer_free(w->close_timer);
    loop_timer_free(w->ping_timer);
    wsproto_url_done(&w->url);
    free((char *)w->cfg.url);
    free((char *)w->cfg.domain);
    http_tls_done(&w->cfg.tls);
    free(w->move_to);
    free(w->cause);
    free(w);
}

static const struct transport_ops ws_ops = {
    .name = "ws",
    .connect = ws_connect,
    .send = ws_send,
    .restart = ws_restart,
    .secure = ws_secure,
    .describe = ws_describe,
    .close = ws_close,
    .free = ws_free,
};

struct transport *ws_new(struct loop *loop, xmpp_ctx_t *ctx,
                         const struct ws_config *cfg)
{
    struct ws *w = xcalloc(1, sizeof *w);
    struct event_base *eb = loop_base(loop);

    w->base.ops = &ws_ops;
    w->loop = loop;
    w->ctx = ctx;
    w->cfg = *cfg;
    w->cfg.url = xstrdup(cfg->url);
    w->cfg.domain = xstrdup(cfg->domain);
    http_tls_copy(&w->cfg.tls, &cfg->tls);
    if (w->cfg.ping_s == 0)
        w->cfg.ping_s = DEFAULT_PING_S;
    w->move_ev = event_new(eb, -1, 0, on_move, w);
    w->report_ev = event_new(eb, -1, 0, report_closed, w);
    w->close_timer = loop_timer_new(loop, on_close_timeout, w);
    w->ping_timer = loop_timer_new(loop, on_ping_timer, w);
    return &w->base;
}
