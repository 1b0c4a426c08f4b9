/*
 * A WebSocket connection (wsconn.h). libcurl connects on a multi handle in
 * the loop (src/http/curlev.c) in CONNECT_ONLY mode and then lets go of
 * the socket
 * (CURLINFO_ACTIVESOCKET); libevent watches it and perch uses
 * curl_easy_send/curl_easy_recv, non-blocking, which go through curl's
 * TLS. At most READ_BUDGET bytes are read a wake-up; the rest after the
 * loop's turn (TLS may hold bytes the socket no longer signals).
 */
#include "wsconn.h"
#include "base/buf.h"
#include "base/loop.h"
#include "http/curlev.h"
#include "http/httptls.h"
#include "wsproto.h"
#include "xmlstream.h"

#include <event2/event.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define UPGRADE_TIMEOUT_MS 10000
#define READ_CHUNK (16u << 10)
#define READ_BUDGET (64u << 10)

enum wsconn_state { C_CONNECTING, C_UPGRADING, C_OPEN, C_DONE };

struct wsconn {
    struct loop *loop;
    struct wsconn_config cfg;
    const struct wsconn_events *ev;
    void *arg;
    enum wsconn_state state;

    struct curlev *multi;
    struct http_tls tls;         /* points into cfg */
    struct http_tls_facts facts; /* the handshake's, for the tls record */
    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
    curl_socket_t fd;
    struct event *read_ev, *write_ev, *resume_ev, *lost_ev;
    struct loop_timer *upgrade_timer;

    struct buf request; /* the upgrade request, until written */
    size_t request_off, request_len;
    struct buf head; /* the answer as it arrives */
    char accept[29];
    struct wsframe *wf;
    double start_wall, start_ms, connect_ms;

    enum perch_fail why;
    char *cause;
};

/* ---- the end ---- */

static void flush(struct wsconn *c);

static void on_lost(evutil_socket_t fd, short what, void *arg)
{
    struct wsconn *c = arg;
    char *cause = c->cause;
    (void)fd;
    (void)what;

    c->cause = NULL;
    c->ev->lost(c->arg, c->why, cause);
}

/* Reads nothing more and reports why from the loop (the first cause
 * wins). */
static void fail(struct wsconn *c, enum perch_fail why, char *cause)
{
    if (c->state == C_DONE) {
        free(cause);
        return;
    }
    c->state = C_DONE;
    c->why = why;
    c->cause = cause;
    loop_timer_stop(c->upgrade_timer);
    if (c->wf) {
        wsframe_stop(c->wf);
        flush(c);
    }
    event_active(c->lost_ev, 0, 0);
}

/* ---- the upgrade's record ---- */

static void upgrade_record(struct wsconn *c, const struct ws_upgrade *u,
                           const char *error)
{
    struct transport_record rec;

    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_UPGRADE;
    rec.start = c->start_wall;
    rec.bytes_out = c->request_len;
    rec.status = u ? u->status : 0;
    rec.bytes_in = u && u->head_len ? u->head_len : c->head.len;
    rec.duration_ms = loop_now_ms() - c->start_ms;
    rec.connect_ms = c->connect_ms;
    rec.what = c->cfg.url->target;
    rec.error = error;
    if (u) {
        rec.protocol = u->protocol[0] ? u->protocol : NULL;
        rec.extensions = u->extensions[0] ? u->extensions : NULL;
        rec.via = u->server[0] ? u->server : NULL;
        rec.date = u->date[0] ? u->date : NULL;
    }
    c->ev->record(c->arg, &rec);
}

/* ---- writing ---- */

/* 1 written (*sent bytes), 0 the socket is full, -1 failed. */
static int write_some(struct wsconn *c, const char *p, size_t len, size_t *sent)
{
    CURLcode rc = curl_easy_send(c->easy, p, len, sent);

    if (rc == CURLE_AGAIN) {
        *sent = 0;
        return 0;
    }
    if (rc != CURLE_OK) {
        fail(c, FAIL_NETWORK,
             xasprintf("connection to %s lost while writing: %s", c->cfg.name,
                       curl_easy_strerror(rc)));
        return -1;
    }
    return 1;
}

/* Writes what waits: the upgrade request, then wslay's output. */
static void flush(struct wsconn *c)
{
    const char *p;
    size_t len, sent;
    int rc;

    if (c->easy == NULL || c->fd == CURL_SOCKET_BAD)
        return;
    while (c->request_off < c->request.len) {
        rc = write_some(c, c->request.data + c->request_off,
                        c->request.len - c->request_off, &sent);
        if (rc < 0)
            return;
        c->request_off += sent;
        if (rc == 0)
            goto wait;
    }
    while (c->wf && (p = wsframe_output(c->wf, &len)) != NULL) {
        rc = write_some(c, p, len, &sent);
        if (rc < 0)
            return;
        wsframe_written(c->wf, sent);
        if (rc == 0)
            goto wait;
    }
    return;
wait:
    event_add(c->write_ev, NULL);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    flush(arg);
}

/* ---- reading ---- */

static void feed(struct wsconn *c, const char *data, size_t n)
{
    if (wsframe_feed(c->wf, data, n) != 0)
        fail(c, FAIL_STREAM,
             xasprintf("%s sent %s", c->cfg.name, wsframe_cause(c->wf)));
    flush(c);
}

static void upgraded(struct wsconn *c, const struct ws_upgrade *u)
{
    size_t rest = c->head.len - u->head_len;

    loop_timer_stop(c->upgrade_timer);
    upgrade_record(c, u, NULL);
    c->state = C_OPEN;
    c->wf = wsframe_new(XMLSTREAM_MAX_STANZA, c->ev->frame, c->arg);
    c->ev->open(c->arg);
    if (rest > 0 && c->state == C_OPEN)
        feed(c, c->head.data + u->head_len, rest);
    buf_done(&c->head);
    flush(c);
}

/* Bytes of the answer to the upgrade. */
static void read_head(struct wsconn *c, const char *data, size_t n)
{
    struct ws_upgrade u;
    char *cause = NULL;
    int rc;

    buf_append(&c->head, data, n);
    rc = wsproto_response(c->head.data, c->head.len, c->accept, &u, &cause);
    if (rc == WSPROTO_MORE)
        return;
    if (rc == WSPROTO_REFUSED) {
        upgrade_record(c, &u, cause);
        fail(c, FAIL_STREAM, xasprintf("%s: %s", c->cfg.name, cause));
        free(cause);
        return;
    }
    upgraded(c, &u);
}

static void on_eof(struct wsconn *c)
{
    char *where;

    if (c->state == C_UPGRADING) {
        upgrade_record(c, NULL, "closed before answering");
        fail(c, FAIL_NETWORK,
             xasprintf("%s closed the connection before answering the "
                       "WebSocket upgrade (%zu bytes of an answer): a proxy "
                       "that does not pass Upgrade?",
                       c->cfg.name, c->head.len));
        return;
    }
    where = c->wf ? wsframe_eof_cause(c->wf) : NULL;
    fail(c, FAIL_NETWORK,
         xasprintf("connection to %s lost: closed without a WebSocket close "
                   "frame (1006 abnormal closure)%s%s",
                   c->cfg.name, where ? ", " : "", where ? where : ""));
    free(where);
}

/* Reads what the socket (and TLS) has, up to a budget. */
static void read_some(struct wsconn *c)
{
    char buf[READ_CHUNK];
    size_t total = 0, n;
    CURLcode rc;

    while (c->state == C_UPGRADING || c->state == C_OPEN) {
        if (total >= READ_BUDGET) { /* the rest after the loop's turn */
            static const struct timeval now = {0, 0};
            event_add(c->resume_ev, &now);
            return;
        }
        n = 0;
        rc = curl_easy_recv(c->easy, buf, sizeof buf, &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK) {
            fail(c, FAIL_NETWORK,
                 xasprintf("connection to %s lost: %s", c->cfg.name,
                           curl_easy_strerror(rc)));
            return;
        }
        if (n == 0) {
            on_eof(c);
            return;
        }
        total += n;
        if (c->state == C_UPGRADING)
            read_head(c, buf, n);
        else
            feed(c, buf, n);
    }
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    read_some(arg);
}

/* ---- connecting and the upgrade ---- */

static void send_request(struct wsconn *c)
{
    unsigned char nonce[16];
    char key[25], *req;

    if (RAND_bytes(nonce, sizeof nonce) != 1) {
        fail(c, FAIL_NETWORK, xstrdup("no randomness for the WebSocket key"));
        return;
    }
    wsproto_key(nonce, key);
    wsproto_accept(key, c->accept);
    req = wsproto_request(c->cfg.url, key, "perch/" PERCH_VERSION);
    buf_puts(&c->request, req);
    c->request_len = c->request.len;
    free(req);
    c->state = C_UPGRADING;
    loop_timer_start(c->upgrade_timer, UPGRADE_TIMEOUT_MS);
    flush(c);
}

/* curl connected (or could not). */
static void on_done(void *arg, CURL *e, CURLcode rc)
{
    struct wsconn *c = arg;
    enum perch_fail f;
    char *cause;

    if (c->state != C_CONNECTING || e != c->easy)
        return;
    c->connect_ms = loop_now_ms() - c->start_ms;
    if (rc != CURLE_OK) {
        upgrade_record(c, NULL,
                       c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
        cause = http_fail_cause_named(c->cfg.url->http_url, c->cfg.name,
                                      &c->tls, rc, c->errbuf, &f);
        fail(c, f, cause);
        return;
    }
    if (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &c->fd) != CURLE_OK ||
        c->fd == CURL_SOCKET_BAD) {
        fail(c, FAIL_NETWORK, xstrdup("libcurl kept no socket"));
        return;
    }
    if (c->ev->connected)
        http_conn_report(e, &c->tls, c->start_wall, c->facts.version,
                         c->facts.cipher, c->ev->connected, c->arg);
    c->read_ev = event_new(loop_base(c->loop), c->fd, EV_READ | EV_PERSIST,
                           on_readable, c);
    c->write_ev =
        event_new(loop_base(c->loop), c->fd, EV_WRITE, on_writable, c);
    event_add(c->read_ev, NULL);
    send_request(c);
}

static void on_upgrade_timeout(void *arg)
{
    struct wsconn *c = arg;

    upgrade_record(c, NULL, "no answer");
    fail(c, FAIL_NETWORK,
         xasprintf("%s did not answer the WebSocket upgrade within %d s (%zu "
                   "bytes of an answer)",
                   c->cfg.name, UPGRADE_TIMEOUT_MS / 1000, c->head.len));
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    read_some(arg);
}

/* ---- the interface ---- */

struct wsconn *wsconn_new(struct loop *loop, const struct wsconn_config *cfg,
                          const struct wsconn_events *ev, void *arg)
{
    struct wsconn *c = xcalloc(1, sizeof *c);
    struct event_base *eb = loop_base(loop);
    CURL *e;

    c->loop = loop;
    c->cfg = *cfg;
    c->ev = ev;
    c->arg = arg;
    c->fd = CURL_SOCKET_BAD;
    buf_init(&c->request);
    buf_init(&c->head);
    c->tls = cfg->tls;
    c->multi = curlev_new(loop, on_done, c);
    c->resume_ev = evtimer_new(eb, on_resume, c);
    c->lost_ev = event_new(eb, -1, 0, on_lost, c);
    c->upgrade_timer = loop_timer_new(loop, on_upgrade_timeout, c);
    c->state = C_CONNECTING;
    c->start_ms = loop_now_ms();
    c->start_wall = loop_wall_s();
    c->easy = e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, cfg->url->http_url);
    http_tls_apply(e, &c->tls);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L); /* for the tls record */
    http_tls_watch(e, &c->facts);
    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)TRANSPORT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curlev_add_connect_only(c->multi, e);
    return c;
}

void wsconn_free(struct wsconn *c)
{
    if (c == NULL)
        return;
    if (c->read_ev)
        event_free(c->read_ev);
    if (c->write_ev)
        event_free(c->write_ev);
    event_free(c->resume_ev);
    event_free(c->lost_ev);
    if (c->easy) {
        curlev_remove(c->multi, c->easy);
        curl_easy_cleanup(c->easy); /* closes the socket */
    }
    curlev_free(c->multi);
    loop_timer_free(c->upgrade_timer);
    wsframe_free(c->wf);
    buf_done(&c->request);
    buf_done(&c->head);
    free(c->cause);
    free(c);
}

int wsconn_send_text(struct wsconn *c, const char *text, size_t len)
{
    if (c->state != C_OPEN || wsframe_send_text(c->wf, text, len) != 0)
        return -1;
    flush(c);
    return 0;
}

int wsconn_ping(struct wsconn *c, const char *data, size_t len)
{
    if (c->state != C_OPEN || wsframe_ping(c->wf, data, len) != 0)
        return -1;
    flush(c);
    return 0;
}

void wsconn_close(struct wsconn *c, unsigned code)
{
    if (c->wf && wsframe_open(c->wf))
        wsframe_close(c->wf, code, NULL);
    flush(c);
}

int wsconn_open(const struct wsconn *c)
{
    return c->state == C_OPEN && wsframe_open(c->wf);
}

void wsconn_stop(struct wsconn *c)
{
    if (c->state == C_DONE)
        return;
    c->state = C_DONE;
    loop_timer_stop(c->upgrade_timer);
    if (c->wf) {
        wsframe_stop(c->wf);
        flush(c);
    }
}
