/*
 * BOSH transport. One held long poll while idle, paced when the server
 * answers it at once; stanzas batched onto the next request, which leaves
 * at once while the poll is held; a response with stanzas is replaced by
 * a new poll before they are read, so a burst does not wait a round trip;
 * never more than the server's 'requests' (and the profile's) in flight;
 * responses (16 MiB at most) handled in rid order, their stanzas handed over a
 * batch a loop turn; a response for another sid ends the session; a failed
 * attempt is resent byte for byte with the same rid, a bounded number of times.
 * Every HTTP attempt is reported as a transport record.
 */
#include "bosh.h"
#include "base/buf.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "boshbody.h"
#include "http/curlev.h"
#include "http/httptls.h"
#include "xmlstream.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_STREAMS "http://etherx.jabber.org/streams"

/* Requests kept: the ones in flight and the answered ones waiting for an
 * older rid's answer. */
#define KEPT_MAX (2 * BOSH_MAX_REQUESTS)

enum bosh_state { B_IDLE, B_CREATING, B_OPEN, B_CLOSING, B_CLOSED };

struct breq {
    struct bosh *b;
    CURL *easy;
    unsigned long long rid;
    char *body; /* exactly what is (re)sent */
    size_t body_len;
    unsigned stanzas_out;
    struct curlev_body resp; /* at most BOSH_MAX_RESPONSE */
    char errbuf[CURL_ERROR_SIZE];
    long status;
    char date[64];
    const char *tls_version, *tls_cipher; /* read at the first header */
    int headers;                          /* header lines so far */
    unsigned retries;
    unsigned timeouts; /* attempts that got no answer within wait + margin */
    int poll;          /* an empty request of an open session: the held poll */
    double start_ms, start_wall;
    int done; /* a good response waits to be handled in rid order */
    xmpp_stanza_t *parsed;        /* its <body/>, or NULL if it did not parse */
    struct xmlstream_span *spans; /* keep_raw: its children in resp */
    size_t nspans;
    char *parse_error; /* why it did not */
    struct loop_timer *retry_timer;
};

struct bosh {
    struct transport base;
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct bosh_config cfg; /* strings owned */
    enum bosh_state state;

    struct curlev *multi;
    struct curl_slist *headers;

    char *sid;
    unsigned long long next_rid;   /* for the next new request */
    unsigned long long handle_rid; /* responses are handled in this order */
    struct transport_params params;
    struct breq *inflight[KEPT_MAX]; /* in rid order; answered ones too
                                        until handled */
    int ninflight;

    /* the response whose stanzas go to the session, a batch a turn */
    struct breq *delivering;
    xmpp_stanza_t *deliver_next;
    size_t deliver_index; /* of deliver_next among the elements */
    struct loop_timer *deliver_timer;
    /* no empty poll before this timer: the last one came back at once */
    struct loop_timer *pace_timer;

    struct buf queue; /* serialized stanzas for the next request */
    unsigned queued;
    int restart_pending;
    int terminate_pending;
    struct loop_timer *close_timer;

    char describe[200];
    int troubled; /* trouble() said a request is being resent */
    enum perch_fail fail;
    char *cause;
    int reported;
    struct event *report_ev;
};

static void pump(struct bosh *b);
static void start_attempt(struct breq *r);
static void handle_in_order(struct bosh *b);

/* ---- failure and closing ---- */

static void report_closed(evutil_socket_t fd, short what, void *arg)
{
    struct bosh *b = arg;
    (void)fd;
    (void)what;
    if (b->reported)
        return;
    b->reported = 1;
    b->base.ev->closed(b->base.ev_arg, b->fail ? b->fail : FAIL_NETWORK,
                       b->cause ? b->cause : "BOSH session closed");
}

static void req_free(struct breq *r)
{
    if (r == NULL)
        return;
    if (r->easy) {
        curlev_remove(r->b->multi, r->easy);
        curl_easy_cleanup(r->easy);
    }
    loop_timer_free(r->retry_timer);
    if (r->parsed)
        xmpp_stanza_release(r->parsed);
    free(r->spans);
    free(r->parse_error);
    buf_done(&r->resp.buf);
    free(r->body);
    free(r);
}

static void drop_all_requests(struct bosh *b)
{
    int i;
    for (i = 0; i < b->ninflight; i++)
        req_free(b->inflight[i]);
    b->ninflight = 0;
}

/* Ends the session with a cause; closed() is reported from the loop. */
static void end_session(struct bosh *b, enum perch_fail why, char *cause)
{
    if (b->fail == FAIL_NONE) {
        b->fail = why;
        b->cause = cause;
    } else {
        free(cause);
    }
    if (b->state == B_CLOSED)
        return;
    b->state = B_CLOSED;
    loop_timer_stop(b->close_timer);
    loop_timer_stop(b->pace_timer);
    drop_all_requests(b);
    event_active(b->report_ev, 0, 0);
}

/* ---- records ---- */

static void emit_record(struct bosh *b, struct breq *r, const char *error,
                        unsigned stanzas_in)
{
    struct transport_record rec;

    if (b->base.ev->record == NULL)
        return;
    memset(&rec, 0, sizeof rec);
    rec.start = r->start_wall;
    rec.rid = r->rid;
    rec.bytes_out = r->body_len;
    rec.status = r->status;
    rec.bytes_in = r->resp.buf.len;
    rec.duration_ms = loop_now_ms() - r->start_ms;
    rec.stanzas_out = r->stanzas_out;
    rec.stanzas_in = stanzas_in;
    rec.empty = r->stanzas_out == 0 && stanzas_in == 0;
    rec.retries = r->retries;
    rec.capped = r->resp.capped;
    rec.error = error;
    rec.date = r->date[0] ? r->date : NULL;
    rec.body_out = r->body;
    rec.body_out_len = r->body_len;
    rec.body_in = r->resp.buf.len ? r->resp.buf.data : NULL;
    rec.body_in_len = r->resp.buf.len;
    b->base.ev->record(b->base.ev_arg, &rec);
}

/* ---- requests ---- */

/* Builds the next request from what is queued; NULL when it would be
 * empty and nothing requires it. */
static struct breq *new_request(struct bosh *b, int allow_empty)
{
    struct bosh_request req;
    struct breq *r;

    if (!allow_empty && b->queued == 0 && !b->restart_pending &&
        !b->terminate_pending)
        return NULL;
    if (b->terminate_pending) {
        buf_puts(&b->queue, "<presence type='unavailable' "
                            "xmlns='jabber:client'/>");
        b->queued++;
    }
    memset(&req, 0, sizeof req);
    req.rid = b->next_rid;
    b->next_rid = bosh_rid_next(b->next_rid);
    req.sid = b->state == B_CREATING ? NULL : b->sid;
    req.to = b->cfg.domain;
    req.wait = b->cfg.wait;
    req.ver = b->cfg.profile->ver;
    req.hold = b->cfg.profile->hold;
    req.restart = b->restart_pending;
    req.terminate = b->terminate_pending;
    req.payload = b->queue.data;
    req.payload_len = b->queue.len;
    b->restart_pending = b->terminate_pending = 0;

    r = xcalloc(1, sizeof *r);
    r->b = b;
    r->rid = req.rid;
    r->poll = b->state == B_OPEN && b->queued == 0 && !req.restart;
    r->body = bosh_body_build(&req, &r->body_len);
    r->stanzas_out = b->queued;
    b->queued = 0;
    buf_done(&b->queue);
    return r;
}

/* Requests the server has not answered yet (sent, or waiting to be
 * resent). */
static int open_requests(const struct bosh *b)
{
    int i, n = 0;

    for (i = 0; i < b->ninflight; i++)
        n += !b->inflight[i]->done;
    return n;
}

/* The server's 'requests', within the profile's and perch's bounds. */
static int request_limit(struct bosh *b)
{
    unsigned limit = b->params.requests;

    if (b->state == B_CREATING || limit < 1)
        return 1;
    if (limit > b->cfg.profile->requests)
        limit = b->cfg.profile->requests;
    return limit > BOSH_MAX_REQUESTS ? BOSH_MAX_REQUESTS : (int)limit;
}

/* Sends what is queued if a slot is free, and keeps one poll held. */
static void pump(struct bosh *b)
{
    struct breq *r;
    int open;

    if (b->state != B_OPEN && b->state != B_CLOSING &&
        !(b->state == B_CREATING && b->ninflight == 0))
        return;
    while ((open = open_requests(b)) < request_limit(b) &&
           b->ninflight < KEPT_MAX) {
        /* the held poll: one when none is open, none while paced */
        r = new_request(b, open == 0 && b->state != B_CLOSING &&
                               !loop_timer_pending(b->pace_timer));
        if (r == NULL)
            return;
        b->inflight[b->ninflight++] = r;
        start_attempt(r);
        if (b->state == B_CREATING)
            return;
    }
}

/* ---- curl plumbing ---- */

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct breq *r = arg;
    size_t len = size * n;

    if (r->headers++ == 0) /* the connection is in use: its TLS now */
        http_tls_session(r->easy, &r->tls_version, &r->tls_cipher);
    if (len > 5 && strncasecmp(data, "Date:", 5) == 0) {
        size_t skip = 5;
        while (skip < len && data[skip] == ' ')
            skip++;
        len -= skip;
        while (len > 0 &&
               (data[skip + len - 1] == '\r' || data[skip + len - 1] == '\n'))
            len--;
        if (len >= sizeof r->date)
            len = sizeof r->date - 1;
        memcpy(r->date, data + skip, len);
        r->date[len] = '\0';
    }
    return size * n;
}

/* Seconds after which an attempt with no answer is given up: the
 * server's wait (else the one asked) + the profile's margin, unless
 * --bosh-timeout says. */
static unsigned give_up_s(const struct bosh *b)
{
    unsigned wait = b->params.wait ? b->params.wait : b->cfg.wait;

    return b->cfg.timeout ? b->cfg.timeout : wait + b->cfg.profile->margin_s;
}

static void start_attempt(struct breq *r)
{
    struct bosh *b = r->b;
    CURL *e = curl_easy_init();

    curlev_body_reset(&r->resp, BOSH_MAX_RESPONSE);
    r->status = 0;
    r->date[0] = '\0';
    r->headers = 0;
    r->tls_version = r->tls_cipher = NULL;
    r->start_ms = loop_now_ms();
    r->start_wall = loop_wall_s();
    r->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, b->cfg.url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, curlev_body_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->resp);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L); /* for a new connection's */
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    r->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)give_up_s(b) * 1000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)TRANSPORT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    http_tls_apply(e, &b->cfg.tls);
    curlev_add(b->multi, e);
}

static void remove_inflight(struct bosh *b, struct breq *r)
{
    int i;
    for (i = 0; i < b->ninflight; i++)
        if (b->inflight[i] == r) {
            memmove(&b->inflight[i], &b->inflight[i + 1],
                    (size_t)(b->ninflight - i - 1) * sizeof *b->inflight);
            b->ninflight--;
            return;
        }
}

static void on_retry(void *arg)
{
    struct breq *r = arg;
    if (r->b->state != B_CLOSED)
        start_attempt(r);
}

/* Tells the owner that requests fail and are resent (cause), or that
 * answers come again (NULL). */
static void trouble(struct bosh *b, const char *cause)
{
    if (cause == NULL && !b->troubled)
        return;
    b->troubled = cause != NULL;
    if (b->base.ev->trouble)
        b->base.ev->trouble(b->base.ev_arg, cause);
}

/* Resends r unchanged after a pause, or gives up. */
static void retry(struct bosh *b, struct breq *r, const char *why)
{
    const struct bosh_profile *pf = b->cfg.profile;
    char *cause;

    if (r->retries >= pf->retries) {
        cause = xasprintf("connection to %s lost: %s (rid %llu, %u resends)",
                          b->cfg.url, why, r->rid, r->retries);
        end_session(b, FAIL_NETWORK, cause);
        return;
    }
    r->retries++;
    cause = xasprintf("rid %llu: %s — resending (%u of %u)", r->rid, why,
                      r->retries, pf->retries);
    trouble(b, cause);
    free(cause);
    if (r->retry_timer == NULL)
        r->retry_timer = loop_timer_new(b->loop, on_retry, r);
    loop_timer_start(r->retry_timer, pf->pause_ms[r->retries - 1]);
}

/* A request unanswered past wait + margin is resent (once; the desktop
 * profile: up to its 3 resends); unanswered that many times, the server
 * is gone silent. */
static void timed_out(struct bosh *b, struct breq *r, const char *why)
{
    const struct bosh_profile *pf = b->cfg.profile;

    if (++r->timeouts < pf->silent_after) {
        retry(b, r, why);
        return;
    }
    if (pf->silent_after == 2)
        end_session(b, FAIL_SILENT,
                    xasprintf("connection to %s lost: no answer to rid %llu "
                              "within %u s, twice",
                              b->cfg.url, r->rid, give_up_s(b)));
    else
        end_session(b, FAIL_SILENT,
                    xasprintf("connection to %s lost: no answer to rid %llu "
                              "within %u s, %u times",
                              b->cfg.url, r->rid, give_up_s(b), r->timeouts));
}

static void adopt_params(struct bosh *b, xmpp_stanza_t *body)
{
    bosh_body_params(body, b->cfg.wait, &b->params);
    if (b->base.ev->params)
        b->base.ev->params(b->base.ev_arg, &b->params);
}

/* The bytes of element i of the response being delivered, for the owner
 * (--record, the console's /save). */
static void raw_in(struct bosh *b, size_t i)
{
    const struct breq *r = b->delivering;

    if (r->spans && i < r->nspans && r->spans[i].len > 0 &&
        r->spans[i].start + r->spans[i].len <= r->resp.buf.len) {
        b->base.raw_in = r->resp.buf.data + r->spans[i].start;
        b->base.raw_in_len = r->spans[i].len;
    }
}

/* Hands up to BOSH_BATCH stanzas of the response being delivered to the
 * session; the rest on a later turn of the loop, so that a body of
 * thousands of stanzas leaves timers, signals and keys their turn. Once
 * the session is closing, what is left is dropped. */
static void deliver(struct bosh *b)
{
    xmpp_stanza_t *c;
    unsigned n = 0;

    while ((c = b->deliver_next) != NULL && b->state != B_CLOSED &&
           b->state != B_CLOSING) {
        const char *ns;
        if (n == BOSH_BATCH) {
            loop_timer_start(b->deliver_timer, 0);
            return;
        }
        b->deliver_next = xmpp_stanza_get_next(c);
        if (xmpp_stanza_is_text(c))
            continue;
        n++;
        ns = xmpp_stanza_get_ns(c);
        raw_in(b, b->deliver_index++);
        if (strcmp(xmpp_stanza_get_name(c), "features") == 0 && ns &&
            strcmp(ns, NS_STREAMS) == 0)
            b->base.ev->features(b->base.ev_arg, c);
        else
            b->base.ev->stanza(b->base.ev_arg, c);
        b->base.raw_in = NULL;
        b->base.raw_in_len = 0;
    }
    req_free(b->delivering);
    b->delivering = NULL;
    b->deliver_next = NULL;
}

static void on_deliver(void *arg)
{
    struct bosh *b = arg;

    deliver(b);
    handle_in_order(b);
}

/*
 * A lone poll (nothing sent after it) answered empty sooner than the
 * server's polling interval (at least BOSH_MIN_POLL_S) means a server
 * that does not hold requests: the next empty poll waits that interval.
 * An early answer caused by a newer request of ours is the normal hold=1
 * hand-over and does not count.
 */
static void pace(struct bosh *b, struct breq *r, unsigned stanzas_in)
{
    unsigned s = b->params.polling > BOSH_MIN_POLL_S ? b->params.polling
                                                     : BOSH_MIN_POLL_S;

    if (b->state == B_OPEN && r->poll && stanzas_in == 0 &&
        bosh_rid_next(r->rid) == b->next_rid &&
        loop_now_ms() - r->start_ms < s * 1000.0)
        loop_timer_start(b->pace_timer, s * 1000);
}

static void on_paced(void *arg)
{
    pump(arg);
}

/* Why a response is not for this session, or NULL: a sid other than ours
 * (a server mixing sessions up must not be polled on). New string. */
static char *foreign_sid(struct bosh *b, struct breq *r, xmpp_stanza_t *body)
{
    const char *sid = xmpp_stanza_get_attribute(body, "sid");
    char *shown, *msg;

    if (b->state == B_CREATING || sid == NULL || strcmp(sid, b->sid) == 0)
        return NULL;
    shown = sanitize_str(sid, SANITIZE_LINE);
    msg = xasprintf("%s answered rid %llu for another BOSH session (sid "
                    "'%s'; ours is '%s')",
                    b->cfg.url, r->rid, shown, b->sid);
    free(shown);
    return msg;
}

/* Reads a good response and starts handing its children to the session;
 * takes r (freed here or once delivered). */
static void handle_response(struct bosh *b, struct breq *r)
{
    xmpp_stanza_t *body = r->parsed;
    xmpp_stanza_t *c;
    unsigned n = 0;
    char *why;

    if (body == NULL) {
        emit_record(b, r, r->parse_error, 0);
        end_session(b, FAIL_STREAM,
                    xasprintf("the server at %s answered rid %llu with a "
                              "bad body: %s",
                              b->cfg.url, r->rid, r->parse_error));
        req_free(r);
        return;
    }
    for (c = xmpp_stanza_get_children(body); c; c = xmpp_stanza_get_next(c))
        n += !xmpp_stanza_is_text(c);
    if ((why = foreign_sid(b, r, body)) != NULL) {
        emit_record(b, r, "another session's sid", n);
        end_session(b, FAIL_STREAM, why);
        req_free(r);
        return;
    }
    emit_record(b, r, NULL, n);
    if (b->state == B_CREATING) {
        const char *sid = xmpp_stanza_get_attribute(body, "sid");
        if (sid == NULL && !bosh_body_is(body, "terminate")) {
            end_session(b, FAIL_STREAM,
                        xasprintf("%s did not create a BOSH session (no "
                                  "sid in its answer)",
                                  b->cfg.url));
            req_free(r);
            return;
        }
        if (sid) {
            b->sid = xstrdup(sid);
            b->state = B_OPEN;
            adopt_params(b, body);
        }
    }
    if (bosh_body_is(body, "terminate")) {
        if (b->state == B_CLOSING)
            end_session(b, FAIL_CLOSED, xstrdup("closed"));
        else
            end_session(b, FAIL_STREAM, bosh_terminate_cause(body));
        req_free(r);
        return;
    }
    pace(b, r, n);
    b->delivering = r;
    b->deliver_next = xmpp_stanza_get_children(body);
    b->deliver_index = 0;
    deliver(b);
}

/* The finished response with the rid to handle next, taken out of the
 * requests in flight; NULL when it has not come yet. A terminate body does
 * not wait for older rids: the session is over, and their answers may
 * never come. */
static struct breq *next_in_order(struct bosh *b)
{
    int i;

    for (i = 0; i < b->ninflight; i++) {
        struct breq *r = b->inflight[i];
        if (!r->done)
            continue;
        if (r->rid == b->handle_rid ||
            (r->parsed && bosh_body_is(r->parsed, "terminate"))) {
            remove_inflight(b, r);
            if (r->rid == b->handle_rid)
                b->handle_rid = bosh_rid_next(r->rid);
            return r;
        }
    }
    return NULL;
}

/* Handles finished responses strictly in rid order, one delivery at a
 * time, and keeps a poll held. */
static void handle_in_order(struct bosh *b)
{
    struct breq *r;

    while (b->state != B_CLOSED && b->delivering == NULL &&
           (r = next_in_order(b)) != NULL)
        handle_response(b, r);
    if (b->state != B_CLOSED)
        pump(b);
}

/* A transport error: the certificate ends the session; so does any
 * failure to reach the server at all while creating it, and no answer to
 * the session request (a timeout, exit 5); the rest is retried. */
static void transfer_failed(struct bosh *b, struct breq *r, CURLcode rc)
{
    char why[CURL_ERROR_SIZE + 64];
    enum perch_fail kind = FAIL_NETWORK;
    char *cause;

    if (r->resp.capped) /* curl's "Failure writing output" is our cap */
        snprintf(why, sizeof why, "response larger than the %u MiB cap",
                 BOSH_MAX_RESPONSE >> 20);
    else
        snprintf(why, sizeof why, "%s",
                 r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
    emit_record(b, r, why, 0);
    if (b->state == B_CREATING && rc == CURLE_OPERATION_TIMEDOUT &&
        r->status == 0) {
        end_session(b, FAIL_TIMEOUT,
                    xasprintf("%s did not answer the BOSH session request "
                              "within %u s",
                              b->cfg.url, give_up_s(b)));
        return;
    }
    if (http_tls_refused(rc) ||
        (b->state == B_CREATING &&
         (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
          rc == CURLE_SSL_CONNECT_ERROR))) {
        cause = http_fail_cause(b->cfg.url, &b->cfg.tls, rc, r->errbuf, &kind);
        end_session(b, kind, cause);
        return;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT)
        timed_out(b, r, why);
    else
        retry(b, r, why);
}

/* 1 when r's good answer carries stanzas for this open session and the
 * profile replaces it at once: the server has more to say soon, so a new
 * poll should be there while these are read. An empty answer is not
 * replaced early (pace() may hold the next poll back), nor one that ends
 * or is not for this session. */
static int brings_stanzas(struct bosh *b, struct breq *r)
{
    const char *sid;
    xmpp_stanza_t *c;

    if (!b->cfg.profile->early_poll || b->state != B_OPEN ||
        r->parsed == NULL || bosh_body_is(r->parsed, "terminate"))
        return 0;
    sid = xmpp_stanza_get_attribute(r->parsed, "sid");
    if (sid != NULL && strcmp(sid, b->sid) != 0)
        return 0;
    for (c = xmpp_stanza_get_children(r->parsed); c;
         c = xmpp_stanza_get_next(c))
        if (!xmpp_stanza_is_text(c))
            return 1;
    return 0;
}

static void finished(struct bosh *b, struct breq *r, CURLcode rc)
{
    char why[CURL_ERROR_SIZE + 64];

    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (b->base.ev->connected)
        http_conn_report(r->easy, &b->cfg.tls, r->start_wall, r->tls_version,
                         r->tls_cipher, b->base.ev->connected, b->base.ev_arg);
    curl_easy_cleanup(r->easy);
    r->easy = NULL;

    if (rc != CURLE_OK) {
        transfer_failed(b, r, rc);
        return;
    }
    if (r->status >= 500 && r->status <= 599) {
        snprintf(why, sizeof why, "HTTP %ld", r->status);
        emit_record(b, r, why, 0);
        retry(b, r, why);
        return;
    }
    if (r->status != 200) {
        snprintf(why, sizeof why, "HTTP %ld", r->status);
        emit_record(b, r, why, 0);
        end_session(b, FAIL_STREAM,
                    xasprintf("BOSH session ended by %s: HTTP %ld%s",
                              b->cfg.url, r->status,
                              r->status == 404   ? " (session unknown to the "
                                                   "server, or wrong URL)"
                              : r->status == 400 ? " (bad request)"
                              : r->status == 403 ? " (forbidden)"
                                                 : ""));
        return;
    }
    r->parsed = bosh_body_parse_spans(
        b->ctx, r->resp.buf.data, r->resp.buf.len, &r->parse_error,
        b->base.keep_raw ? &r->spans : NULL, &r->nspans);
    if (r->parsed && bosh_body_is(r->parsed, "error")) {
        /* recoverable: the same request again (older ones are still in
         * flight and get their own answers) */
        xmpp_stanza_release(r->parsed);
        r->parsed = NULL;
        free(r->spans);
        r->spans = NULL;
        r->nspans = 0;
        emit_record(b, r, "server answered type='error'", 0);
        retry(b, r, "server answered type='error'");
        return;
    }
    r->done = 1;
    trouble(b, NULL);
    if (brings_stanzas(b, r))
        pump(b); /* the next poll leaves before these are read */
    handle_in_order(b);
}

/* curlev's callback: the easy handle's PRIVATE is its request. */
static void on_done(void *arg, CURL *easy, CURLcode rc)
{
    struct bosh *b = arg;
    struct breq *r = NULL;

    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
    if (b->state != B_CLOSED && r != NULL)
        finished(b, r, rc);
}

/* ---- the transport interface ---- */

static int bosh_connect(struct transport *base, char **cause)
{
    struct bosh *b = (struct bosh *)base;
    unsigned char r[4];

    if (RAND_bytes(r, sizeof r) != 1) {
        *cause = xstrdup("no randomness for the BOSH rid");
        return -1;
    }
    /* random, leaving room below 2^53 for a very long session */
    b->next_rid =
        ((unsigned long long)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3]) + 1;
    b->handle_rid = b->next_rid;
    b->state = B_CREATING;
    pump(b);
    return 0;
}

static void bosh_send(struct transport *base, xmpp_stanza_t *st)
{
    struct bosh *b = (struct bosh *)base;
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (b->state == B_CLOSED || b->state == B_CLOSING)
        return;
    if (xmpp_stanza_get_ns(st) == NULL) {
        /* XEP-0206: stanzas in a body say jabber:client themselves */
        xmpp_stanza_t *copy = xmpp_stanza_copy(st);
        xmpp_stanza_set_ns(copy, "jabber:client");
        rc = xmpp_stanza_to_text(copy, &text, &len);
        xmpp_stanza_release(copy);
    } else {
        rc = xmpp_stanza_to_text(st, &text, &len);
    }
    if (rc != XMPP_EOK)
        return;
    buf_append(&b->queue, text, len);
    b->queued++;
    xmpp_free(b->ctx, text);
    pump(b);
}

static void bosh_restart(struct transport *base)
{
    struct bosh *b = (struct bosh *)base;
    b->restart_pending = 1;
    pump(b);
}

static int bosh_secure(struct transport *base)
{
    struct bosh *b = (struct bosh *)base;
    return strncmp(b->cfg.url, "https://", 8) == 0;
}

static const char *bosh_describe(struct transport *base)
{
    struct bosh *b = (struct bosh *)base;
    snprintf(b->describe, sizeof b->describe, "BOSH %s, %s", b->cfg.url,
             !bosh_secure(base) ? "NOT encrypted"
             : b->cfg.tls.insecure
                 ? "TLS, certificate NOT verified (--insecure)"
             : b->cfg.tls.pin ? "TLS, pinned key"
                              : "TLS, verified");
    return b->describe;
}

static void on_close_timeout(void *arg)
{
    struct bosh *b = arg;
    end_session(b, FAIL_CLOSED, xstrdup("closed"));
}

static void bosh_close(struct transport *base)
{
    struct bosh *b = (struct bosh *)base;

    if (b->state == B_CLOSED || b->state == B_CLOSING)
        return;
    if (b->state != B_OPEN) {
        end_session(b, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    b->state = B_CLOSING;
    b->terminate_pending = 1;
    loop_timer_start(b->close_timer, TRANSPORT_CLOSE_TIMEOUT_MS);
    pump(b);
}

static void bosh_free(struct transport *base)
{
    struct bosh *b = (struct bosh *)base;

    if (b == NULL)
        return;
    drop_all_requests(b);
    req_free(b->delivering);
    loop_timer_free(b->deliver_timer);
    loop_timer_free(b->pace_timer);
    curlev_free(b->multi);
    curl_slist_free_all(b->headers);
    event_free(b->report_ev);
    loop_timer_free(b->close_timer);
    buf_done(&b->queue);
    free((char *)b->cfg.url);
    free((char *)b->cfg.domain);
    http_tls_done(&b->cfg.tls);
    free(b->sid);
    free(b->cause);
    free(b);
}

static int bosh_pending(struct transport *t, struct transport_pending *out,
                        int max)
{
    struct bosh *b = (struct bosh *)t;
    int i, n = 0;

    for (i = 0; i < b->ninflight && n < max; i++) {
        const struct breq *r = b->inflight[i];
        if (r->done || r->easy == NULL) /* answered, or waiting to resend */
            continue;
        out[n].rid = r->rid;
        out[n].start = r->start_wall;
        out[n].poll = r->poll;
        n++;
    }
    return n;
}

static const struct transport_ops bosh_ops = {
    .name = "bosh",
    .connect = bosh_connect,
    .send = bosh_send,
    .restart = bosh_restart,
    .secure = bosh_secure,
    .describe = bosh_describe,
    .close = bosh_close,
    .free = bosh_free,
    .pending = bosh_pending,
};

struct transport *bosh_new(struct loop *loop, xmpp_ctx_t *ctx,
                           const struct bosh_config *cfg)
{
    struct bosh *b = xcalloc(1, sizeof *b);

    b->base.ops = &bosh_ops;
    b->loop = loop;
    b->ctx = ctx;
    b->cfg = *cfg;
    b->cfg.url = xstrdup(cfg->url);
    b->cfg.domain = xstrdup(cfg->domain);
    http_tls_copy(&b->cfg.tls, &cfg->tls);
    if (b->cfg.profile == NULL)
        b->cfg.profile = bosh_profile_find(NULL);
    if (b->cfg.wait == 0)
        b->cfg.wait = b->cfg.profile->wait;
    buf_init(&b->queue);
    b->multi = curlev_new(loop, on_done, b);
    b->headers =
        curl_slist_append(NULL, "Content-Type: text/xml; charset=utf-8");
    b->report_ev = event_new(loop_base(loop), -1, 0, report_closed, b);
    b->close_timer = loop_timer_new(loop, on_close_timeout, b);
    b->deliver_timer = loop_timer_new(loop, on_deliver, b);
    b->pace_timer = loop_timer_new(loop, on_paced, b);
    return &b->base;
}
