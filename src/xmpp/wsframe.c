/*
 * RFC 6455 frames and messages by wslay, no I/O (wsframe.h).
 *
 * wslay's event layer reads the input and enforces the protocol; when it
 * refuses a frame it only queues a close with a status code. To say which
 * rule broke, the same bytes also go through wslay's frame layer (the
 * observer), which reports every header; both are fed the same slices,
 * so the n-th header the observer saw is the n-th frame the event layer
 * reads, and the one it refused is the first it did not begin.
 */
#include "wsframe.h"
#include "base/buf.h"
#include "wsproto.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>

/* Both readers get the input in slices of this size: at most SLICE / 2
 * headers stand between them, so a ring of RING headers is enough. */
#define SLICE 512
#define RING 512
#define OUT_COMPACT (64u << 10)

struct hdr {
    unsigned char fin, rsv, opcode, mask;
    unsigned long long len;
};

struct wsframe {
    wslay_event_context_ptr ev;
    wslay_frame_context_ptr obs;
    wsframe_cb cb;
    void *arg;
    unsigned long long max;

    /* the slice both readers read */
    const unsigned char *in;
    size_t in_len, ev_pos, obs_pos;
    int in_feed;

    struct buf out;
    size_t out_off;

    /* the observer: every header, numbered from 0 */
    struct hdr ring[RING];
    unsigned long long seen;
    unsigned long long obs_got; /* payload of its current frame so far */
    int obs_in_frame, obs_broken;
    unsigned long long fed, accounted; /* bytes given, bytes of frames */

    /* the event layer */
    unsigned long long started; /* frames it began */
    int ev_in_frame;            /* it began a frame and has not ended it */
    int ev_ending;              /* it ended a last frame; its message is next */
    struct hdr cur;             /* the frame it reads */
    int in_msg;                 /* a fragmented data message is under way */
    unsigned long long msg_bytes;
    unsigned char close_head[2]; /* first bytes of a close frame */
    unsigned close_head_n;

    int stopped, failed, close_queued;
    char *cause;
};

/* ---- the observer (wslay's frame layer) ---- */

static ssize_t obs_recv(uint8_t *buf, size_t len, int flags, void *arg)
{
    struct wsframe *w = arg;
    size_t n = w->in_len - w->obs_pos;
    (void)flags;

    if (n > len)
        n = len;
    memcpy(buf, w->in + w->obs_pos, n);
    w->obs_pos += n;
    return (ssize_t)n;
}

static ssize_t obs_send(const uint8_t *data, size_t len, int flags, void *arg)
{
    (void)data;
    (void)len;
    (void)flags;
    (void)arg;
    return -1; /* the observer never writes */
}

static int obs_genmask(uint8_t *buf, size_t len, void *arg)
{
    (void)buf;
    (void)len;
    (void)arg;
    return -1;
}

static unsigned header_size(unsigned long long len, int mask)
{
    unsigned n = len < 126 ? 2 : len < 65536 ? 4 : 10;
    return n + (mask ? 4 : 0);
}

/* Lets the frame layer read the current slice, noting every header. */
static void observe(struct wsframe *w)
{
    struct wslay_frame_iocb io;
    ssize_t r;

    if (w->obs_broken)
        return;
    w->obs_pos = 0;
    w->fed += w->in_len;
    for (;;) {
        memset(&io, 0, sizeof io);
        r = wslay_frame_recv(w->obs, &io);
        if (r == WSLAY_ERR_WANT_READ)
            return;
        if (r < 0) {
            w->obs_broken = 1;
            return;
        }
        if (!w->obs_in_frame) {
            struct hdr *h = &w->ring[w->seen++ % RING];
            h->fin = io.fin;
            h->rsv = io.rsv;
            h->opcode = io.opcode;
            h->mask = io.mask;
            h->len = io.payload_length;
            w->obs_in_frame = 1;
            w->obs_got = 0;
            w->accounted += header_size(io.payload_length, io.mask);
        }
        w->obs_got += io.data_length;
        w->accounted += io.data_length;
        if (w->obs_got == w->ring[(w->seen - 1) % RING].len)
            w->obs_in_frame = 0;
    }
}

/* ---- the event layer's callbacks ---- */

static ssize_t ev_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                       int flags, void *arg)
{
    struct wsframe *w = arg;
    size_t n = w->in_len - w->ev_pos;
    (void)flags;

    if (n == 0 || w->stopped) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n > len)
        n = len;
    memcpy(buf, w->in + w->ev_pos, n);
    w->ev_pos += n;
    return (ssize_t)n;
}

static ssize_t ev_send(wslay_event_context_ptr ctx, const uint8_t *data,
                       size_t len, int flags, void *arg)
{
    struct wsframe *w = arg;
    (void)ctx;
    (void)flags;

    buf_append(&w->out, (const char *)data, len);
    return (ssize_t)len;
}

static int ev_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                      void *arg)
{
    (void)ctx;
    (void)arg;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void emit(struct wsframe *w, int out, const struct hdr *h,
                 const char *msg, size_t msg_len, const char *error)
{
    struct wsframe_frame f;

    memset(&f, 0, sizeof f);
    f.out = out;
    f.opcode = h->opcode;
    f.fin = h->fin;
    f.mask = h->mask;
    f.size = h->len;
    f.msg = msg;
    f.msg_len = msg_len;
    f.close_reason = "";
    f.error = error;
    w->cb(w->arg, &f);
}

static void on_start(wslay_event_context_ptr ctx,
                     const struct wslay_event_on_frame_recv_start_arg *a,
                     void *arg)
{
    struct wsframe *w = arg;
    (void)ctx;

    w->started++;
    w->ev_in_frame = 1;
    w->ev_ending = 0;
    w->cur.fin = a->fin;
    w->cur.rsv = a->rsv;
    w->cur.opcode = a->opcode;
    w->cur.mask = 0;
    w->cur.len = a->payload_length;
    w->close_head_n = 0;
    if (a->opcode == WSFRAME_TEXT || a->opcode == WSFRAME_BINARY) {
        w->in_msg = !a->fin;
        w->msg_bytes = a->payload_length;
    } else if (a->opcode == WSFRAME_CONTINUATION) {
        w->msg_bytes += a->payload_length;
        w->in_msg = !a->fin;
    }
}

static void on_chunk(wslay_event_context_ptr ctx,
                     const struct wslay_event_on_frame_recv_chunk_arg *a,
                     void *arg)
{
    struct wsframe *w = arg;
    size_t i;
    (void)ctx;

    if (w->cur.opcode != WSFRAME_CLOSE)
        return;
    for (i = 0; i < a->data_length && w->close_head_n < 2; i++)
        w->close_head[w->close_head_n++] = a->data[i];
}

static void on_end(wslay_event_context_ptr ctx, void *arg)
{
    struct wsframe *w = arg;
    (void)ctx;

    w->ev_in_frame = 0;
    w->ev_ending = w->cur.fin;
    if (!w->cur.fin) /* a fragment: its message comes later */
        emit(w, 0, &w->cur, NULL, 0, NULL);
}

static void refuse_binary(struct wsframe *w)
{
    static const char why[] = "a binary message (RFC 7395 3.2: XMPP over "
                              "WebSocket uses text frames only)";
    emit(w, 0, &w->cur, NULL, 0, why);
    w->failed = 1;
    w->cause = xasprintf("%s — perch closed the WebSocket with 1003 %s", why,
                         wsproto_close_name(1003));
    wsframe_close(w, 1003, NULL);
    wslay_event_shutdown_read(w->ev);
}

static void on_msg(wslay_event_context_ptr ctx,
                   const struct wslay_event_on_msg_recv_arg *a, void *arg)
{
    struct wsframe *w = arg;
    struct wsframe_frame f;
    char reason[128];
    (void)ctx;

    w->ev_ending = 0;
    if (w->stopped)
        return;
    if (a->opcode == WSFRAME_BINARY) {
        refuse_binary(w);
        return;
    }
    memset(&f, 0, sizeof f);
    f.opcode = w->cur.opcode;
    f.fin = 1;
    f.size = w->cur.len;
    f.msg = a->msg ? (const char *)a->msg : ""; /* empty: still a message */
    f.msg_len = a->msg_length;
    f.close_reason = "";
    if (a->opcode == WSFRAME_CLOSE) {
        size_t n = a->msg_length > 2 ? a->msg_length - 2 : 0;
        if (n >= sizeof reason)
            n = sizeof reason - 1;
        if (n)
            memcpy(reason, a->msg + 2, n);
        reason[n] = '\0';
        f.close_code = a->status_code;
        f.close_reason = reason;
    }
    w->cb(w->arg, &f);
    if (a->opcode == WSFRAME_PING && !w->close_queued && !w->stopped) {
        struct hdr pong = {1, 0, WSFRAME_PONG, 1, a->msg_length};
        emit(w, 1, &pong, (const char *)a->msg, a->msg_length, NULL);
    } else if (a->opcode == WSFRAME_CLOSE && !w->close_queued) {
        /* wslay answers with the same code */
        memset(&f, 0, sizeof f);
        f.out = 1;
        f.opcode = WSFRAME_CLOSE;
        f.fin = 1;
        f.mask = 1;
        f.size = a->status_code ? 2 : 0;
        f.close_code = a->status_code;
        f.close_reason = "";
        w->close_queued = 1;
        w->cb(w->arg, &f);
    }
}

/* ---- refusals ---- */

static int opcode_known(unsigned op)
{
    return op <= WSFRAME_BINARY || (op >= WSFRAME_CLOSE && op <= WSFRAME_PONG);
}

const char *wsframe_opcode_name(unsigned op)
{
    static const char *const names[] = {"cont",  "text", "binary", "?",
                                        "?",     "?",    "?",      "?",
                                        "close", "ping", "pong"};
    return op < sizeof names / sizeof *names ? names[op] : "?";
}

/* Which rule a frame wslay refused with code broke. *h gets the frame
 * when it is known (*known 1). New string. */
static char *diagnose(struct wsframe *w, unsigned code, struct hdr *h,
                      int *known)
{
    char limit[32];

    snprintf(limit, sizeof limit, "%llu MiB", w->max >> 20);
    *known = 0;
    if (w->ev_in_frame || w->ev_ending) { /* a frame it began */
        *h = w->cur;
        *known = 1;
        if (code == 1007)
            return xstrdup("text that is not UTF-8 (RFC 6455 8.1)");
        if (w->cur.opcode == WSFRAME_CLOSE && w->close_head_n == 2)
            return xasprintf("a close frame with the status code %u, which "
                             "RFC 6455 7.4 does not allow",
                             (unsigned)w->close_head[0] << 8 |
                                 w->close_head[1]);
        return xstrdup("a frame RFC 6455 does not allow");
    }
    if (w->started >= w->seen)
        return xstrdup("a frame header RFC 6455 does not allow (a control "
                       "frame over 125 bytes or fragmented, or a length "
                       "not in its shortest form)");
    *h = w->ring[w->started % RING];
    *known = 1;
    if (code == 1009 && w->in_msg)
        return xasprintf("a fragment of %llu bytes after %llu bytes of the "
                         "same message (a message may have %s)",
                         h->len, w->msg_bytes, limit);
    if (code == 1009)
        return xasprintf("a frame of %llu bytes (a message may have %s)",
                         h->len, limit);
    if (h->mask)
        return xstrdup("a masked frame (RFC 6455 5.1: a server never masks)");
    if (h->rsv)
        return xasprintf("a frame with reserved bits set (RSV %u) and no "
                         "extension negotiated",
                         h->rsv);
    if (!opcode_known(h->opcode))
        return xasprintf("a frame with the unknown opcode 0x%x", h->opcode);
    if (h->opcode == WSFRAME_CONTINUATION && !w->in_msg)
        return xstrdup("a continuation frame with no message begun");
    if ((h->opcode == WSFRAME_TEXT || h->opcode == WSFRAME_BINARY) && w->in_msg)
        return xstrdup("a new message before the fragmented one ended");
    return xstrdup("a frame RFC 6455 does not allow");
}

/* wslay refused the input and queued its close: say why, once. */
static void refused(struct wsframe *w)
{
    struct hdr h;
    unsigned code;
    int known;
    char *why;

    wslay_event_send(w->ev);
    code = wslay_event_get_status_code_sent(w->ev);
    why = diagnose(w, code, &h, &known);
    if (known)
        emit(w, 0, &h, NULL, 0, why);
    w->failed = 1;
    w->cause = xasprintf("%s — perch closed the WebSocket with %u %s", why,
                         code, wsproto_close_name(code));
    if (!w->close_queued) {
        struct hdr c = {1, 0, WSFRAME_CLOSE, 1, code == 1005 ? 0 : 2};
        w->close_queued = 1;
        emit(w, 1, &c, NULL, 0, NULL);
    }
    free(why);
}

/* ---- the interface ---- */

static const struct wslay_event_callbacks ev_callbacks = {
    ev_recv, ev_send, ev_genmask, on_start, on_chunk, on_end, on_msg,
};

static const struct wslay_frame_callbacks obs_callbacks = {
    obs_send,
    obs_recv,
    obs_genmask,
};

struct wsframe *wsframe_new(unsigned long long max_message, wsframe_cb cb,
                            void *arg)
{
    struct wsframe *w = xcalloc(1, sizeof *w);

    w->cb = cb;
    w->arg = arg;
    w->max = max_message;
    if (wslay_event_context_client_init(&w->ev, &ev_callbacks, w) != 0 ||
        wslay_frame_context_init(&w->obs, &obs_callbacks, w) != 0)
        abort(); /* out of memory */
    wslay_event_config_set_max_recv_msg_length(w->ev, max_message);
    buf_init(&w->out);
    return w;
}

void wsframe_free(struct wsframe *w)
{
    if (w == NULL)
        return;
    wslay_event_context_free(w->ev);
    wslay_frame_context_free(w->obs);
    buf_done(&w->out);
    free(w->cause);
    free(w);
}

static int reading(const struct wsframe *w)
{
    return !w->stopped && !w->failed && wslay_event_get_read_enabled(w->ev);
}

int wsframe_feed(struct wsframe *w, const char *data, size_t len)
{
    size_t off = 0;
    int rc = 0;

    w->in_feed = 1;
    while (off < len && reading(w)) {
        size_t n = len - off > SLICE ? SLICE : len - off;
        w->in = (const unsigned char *)data + off;
        w->in_len = n;
        w->ev_pos = 0;
        observe(w);
        rc = wslay_event_recv(w->ev);
        off += n;
        if (w->stopped || w->failed)
            break;
        if (rc != 0 || (!wslay_event_get_read_enabled(w->ev) &&
                        !wslay_event_get_close_received(w->ev))) {
            refused(w);
            break;
        }
    }
    w->in = NULL;
    w->in_len = 0;
    w->in_feed = 0;
    wslay_event_send(w->ev); /* pongs, the close echoed */
    return w->failed ? -1 : 0;
}

void wsframe_stop(struct wsframe *w)
{
    w->stopped = 1;
    wslay_event_shutdown_read(w->ev);
}

const char *wsframe_cause(const struct wsframe *w)
{
    return w->cause ? w->cause : "";
}

/* Queues msg and, outside a feed, turns it into bytes at once. */
static int queue(struct wsframe *w, unsigned opcode, const char *data,
                 size_t len)
{
    struct wslay_event_msg m;
    struct hdr h = {1, 0, (unsigned char)opcode, 1, len};

    if (w->close_queued)
        return -1;
    m.opcode = (uint8_t)opcode;
    m.msg = (const uint8_t *)data;
    m.msg_length = len;
    if (wslay_event_queue_msg(w->ev, &m) != 0)
        return -1;
    emit(w, 1, &h, data, len, NULL);
    if (!w->in_feed)
        wslay_event_send(w->ev);
    return 0;
}

int wsframe_send_text(struct wsframe *w, const char *text, size_t len)
{
    return queue(w, WSFRAME_TEXT, text, len);
}

int wsframe_ping(struct wsframe *w, const char *data, size_t len)
{
    return queue(w, WSFRAME_PING, data, len);
}

int wsframe_close(struct wsframe *w, unsigned code, const char *reason)
{
    size_t rl = reason ? strlen(reason) : 0;
    struct wsframe_frame f;

    if (w->close_queued)
        return -1;
    if (rl > 123)
        rl = 123;
    if (wslay_event_queue_close(w->ev, (uint16_t)code, (const uint8_t *)reason,
                                rl) != 0)
        return -1;
    w->close_queued = 1;
    memset(&f, 0, sizeof f);
    f.out = 1;
    f.opcode = WSFRAME_CLOSE;
    f.fin = 1;
    f.mask = 1;
    f.size = code ? 2 + rl : 0;
    f.close_code = code;
    f.close_reason = reason ? reason : "";
    w->cb(w->arg, &f);
    if (!w->in_feed)
        wslay_event_send(w->ev);
    return 0;
}

const char *wsframe_output(const struct wsframe *w, size_t *len)
{
    *len = w->out.len - w->out_off;
    return *len ? w->out.data + w->out_off : NULL;
}

void wsframe_written(struct wsframe *w, size_t n)
{
    w->out_off += n;
    if (w->out_off >= w->out.len) {
        w->out.len = w->out_off = 0;
        if (w->out.cap > OUT_COMPACT)
            buf_done(&w->out);
    } else if (w->out_off > OUT_COMPACT) {
        memmove(w->out.data, w->out.data + w->out_off, w->out.len - w->out_off);
        w->out.len -= w->out_off;
        w->out_off = 0;
    }
}

int wsframe_open(const struct wsframe *w)
{
    return !w->close_queued && !wslay_event_get_close_received(w->ev);
}

int wsframe_close_received(const struct wsframe *w, unsigned *close_code)
{
    if (!wslay_event_get_close_received(w->ev))
        return 0;
    if (close_code)
        *close_code = wslay_event_get_status_code_received(w->ev);
    return 1;
}

char *wsframe_eof_cause(const struct wsframe *w)
{
    const struct hdr *h;

    if (w->obs_broken)
        return NULL;
    if (w->obs_in_frame) {
        h = &w->ring[(w->seen - 1) % RING];
        return xasprintf("in the middle of a %s frame (%llu of %llu bytes)",
                         wsframe_opcode_name(h->opcode), w->obs_got, h->len);
    }
    if (w->fed > w->accounted)
        return xasprintf("in the middle of a frame header (%llu bytes of "
                         "it)",
                         w->fed - w->accounted);
    return NULL;
}
