/* boshproxy: a fault-injecting HTTP proxy in front of a BOSH endpoint.
 *
 *   boshproxy --listen-port P --upstream http://127.0.0.1:PORT/http-bind
 *             --log FILE [--fault SPEC]...
 *
 * It listens on 127.0.0.1:P (0: any free port) and forwards every POST,
 * whatever its path, byte for byte to the upstream URL (Content-Type
 * text/xml; charset=utf-8), then answers the client with the upstream's
 * status, Content-Type and body. Every forwarded request has a connection
 * of its own, so a held long poll never delays another request. Once it
 * listens it prints "ready PORT" on stdout.
 *
 * A --fault SPEC is KIND:MATCH[:ARG]. It fires once, on the first request
 * whose body contains MATCH (percent-decoded first, so %3A stands for a
 * colon, which MATCH may not contain literally; an empty MATCH matches any
 * request). A request fires at most one fault, the first one listed.
 *   hang:MATCH             forward, but never answer the client; the
 *                          upstream reply is held. The next request with
 *                          the same rid is not forwarded but answered with
 *                          the held reply (action=replay).
 *   status:MATCH:CODE      answer HTTP CODE with an empty body, without
 *                          forwarding. The next request with the same rid
 *                          is forwarded normally.
 *   down:MATCH:CODE        as status, but every resend of that rid gets
 *                          CODE too (the server stays down for it).
 *   terminate:MATCH:COND   answer 200 with a <body type='terminate'
 *                          condition='COND'/> without forwarding;
 *                          see-other-uri carries a <uri/>,
 *                          remote-stream-error a <stream:error/>.
 *   delay:MATCH:MS         forward, but answer MS milliseconds after the
 *                          upstream replied.
 *   garble:MATCH           answer 200 with a truncated, not well-formed
 *                          <body>, without forwarding.
 *   split:MATCH            forward; answer with the upstream body's start
 *                          tag alone (action=split) and put its children
 *                          into the next 200 body that passes
 *                          (action=joined): features in a second
 *                          response, a reply in a later body.
 *   cut:MATCH              forward; answer with the full Content-Length
 *                          but half the body, then close (action=cut). The
 *                          resend of that rid gets the whole reply.
 *   instant:MATCH          fires on EVERY matching request that is an
 *                          empty poll of an open session (a self-closing
 *                          <body/> with a sid, no restart, no terminate):
 *                          forwarded, but answered at once with an empty
 *                          <body/> (action=instant); what the upstream
 *                          answers goes into the next 200 body (as split).
 *   wrong-sid:MATCH        answer 200 with an empty <body/> carrying
 *                          sid='not-yours', without forwarding.
 *   stream-error:MATCH:TEXT  answer 200 with a terminate body,
 *                          remote-stream-error, whose <stream:error> has
 *                          conflict and <text>TEXT</text> (TEXT is put in
 *                          as XML, percent-decoded), without forwarding.
 *   flood:MATCH:N          forward; N <message/>s go into the next 200 body
 *                          (as split's children: the one answering this
 *                          request or an older one).
 *   bomb:MATCH:FILE        answer 200 with Content-Encoding: gzip and the
 *                          bytes of FILE (a gzip bomb) without forwarding;
 *                          the resend of that rid is forwarded normally.
 *   mute:MATCH             never forward nor answer it, nor any resend of
 *                          that rid: the request is lost on the way (the
 *                          server cannot answer its stanzas on another
 *                          request either, so the silence is certain).
 *   reorder:MATCH          fires on the first matching empty poll of an
 *                          open session (as instant): forwarded, but its
 *                          reply is held until the answer to a later
 *                          request has gone out, then sent (action=
 *                          reorder): responses out of rid order.
 *
 * The log FILE gets one line per event, flushed at once:
 *   req N rid=RID len=BYTES sha256=HEX outstanding=K
 *   create N rid=RID hold=H ver=V wait=W  (before the req line of a
 *                          session request, one without a sid)
 *   fault N rid=RID spec=SPEC
 *   resend rid=RID identical=yes|no
 *   held N rid=RID status=S len=BYTES
 *   upstream-error N rid=RID
 *   gone N rid=RID outstanding=K
 *   resp N rid=RID status=S len=BYTES action=ACTION
 * ACTION: pass|replay|status|terminate|delay|error|garble|split|cut|joined|
 * instant|wrong-sid|bomb|reorder.
 * N numbers the requests from 1 in order of arrival; RID is the rid
 * attribute of the request's <body/> ("-" when it has none); K counts the
 * client requests open at the proxy (received, not yet answered, client
 * still connected), this one included. "resend" follows the "req" line of
 * the second request with the rid of a hang or status fault and compares
 * its body with the first one's. "held" says that the upstream reply of a
 * hung request arrived; "gone" that a client closed its connection before
 * it got an answer. Non-POST requests get 405 and are not logged.
 *
 * SIGTERM or SIGINT: exit 0. Bad arguments: exit 2. Other failures: 1.
 * Only numeric upstream hosts (and "localhost") are accepted, so that no
 * name lookup can block the event loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <openssl/evp.h>

#define MAX_FAULTS 64
#define RID_MAX 40
#define UPSTREAM_TIMEOUT_S 300
#define CLIENT_TIMEOUT_S 3600
#define XML_CTYPE "text/xml; charset=utf-8"
#define NS_BOSH "http://jabber.org/protocol/httpbind"
#define NS_STREAM "http://etherx.jabber.org/streams"
#define NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"

enum fault_kind {
    F_HANG,
    F_STATUS,
    F_DOWN,
    F_TERMINATE,
    F_DELAY,
    F_GARBLE,
    F_SPLIT,
    F_CUT,
    F_INSTANT,
    F_WRONG_SID,
    F_STREAM_ERROR,
    F_FLOOD,
    F_BOMB,
    F_MUTE,
    F_REORDER,
};

struct fault {
    enum fault_kind kind;
    const char *spec; /* as given, for the log */
    char *match;      /* percent-decoded */
    size_t match_len;
    int code;           /* status */
    char condition[64]; /* terminate */
    long ms;            /* delay; flood: how many */
    char *text;         /* stream-error: the text; bomb: the file */
    size_t text_len;
    int fired;
};

enum action {
    A_PASS,
    A_HANG,
    A_REPLAY,
    A_STATUS,
    A_TERMINATE,
    A_DELAY,
    A_ERROR,
    A_GARBLE,
    A_SPLIT,
    A_CUT,
    A_JOINED,
    A_INSTANT,
    A_WRONG_SID,
    A_BOMB,
    A_MUTE,
    A_REORDER,
};

static const char *const action_names[] = {
    "pass",      "hang",   "replay", "status",  "terminate", "delay",
    "error",     "garble", "split",  "cut",     "joined",    "instant",
    "wrong-sid", "bomb",   "mute",   "reorder",
};

struct proxy;

/* One client request and what became of it. */
struct xreq {
    struct xreq *next, *prev;
    struct proxy *p;
    unsigned long n;
    char rid[RID_MAX + 1];
    unsigned char *body;
    size_t len;
    struct evhttp_request *client;  /* until answered or gone */
    struct evhttp_connection *ccon; /* the client's connection, as long */
    struct event *eof_ev;           /* notices the client hanging up */
    struct evhttp_connection *ucon; /* while the upstream exchange runs */
    enum action action;
    struct xreq *source; /* replay: the hung request whose reply it awaits */
    int watched;         /* a watch keeps its reply for a replay; reorder:
                            kept until answered */
    int released;        /* reorder: a later request has been answered */
    int up_done;
    int up_status;
    struct evbuffer *up_body;
    char *up_ctype;
    long delay_ms;       /* delay */
    struct event *timer; /* delay */
};

/* A rid whose resend is expected: after a hang or a status fault. */
struct watch {
    struct watch *next;
    char rid[RID_MAX + 1];
    unsigned char *body;
    size_t len;
    struct xreq *held; /* hang: the request whose reply is replayed */
    int down;          /* down: the status every resend gets; 0 none */
    int mute;          /* mute: no resend is answered either */
};

/* An upstream connection libevent left behind (a failed connect). */
struct dead_con {
    struct dead_con *next;
    struct evhttp_connection *con;
};

struct proxy {
    struct event_base *base;
    struct evhttp *http;
    struct event *sig_term, *sig_int;
    FILE *log;
    char host[INET6_ADDRSTRLEN];
    int port;
    char *path;
    struct fault faults[MAX_FAULTS];
    int nfaults;
    unsigned long nreq;
    int outstanding;
    struct xreq *xreqs;
    struct watch *watches;
    struct dead_con *dead;  /* to free outside libevent's callbacks */
    struct event *reaper;   /* frees them */
    struct evbuffer *moved; /* split: children for the next response */
    struct xreq *reordered; /* reorder: answered after a later request */
};

static void logline(struct proxy *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void logline(struct proxy *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(p->log, fmt, ap);
    va_end(ap);
    fputc('\n', p->log);
    fflush(p->log);
}

static void *xmalloc(size_t n)
{
    void *m = malloc(n ? n : 1);

    if (!m) {
        fprintf(stderr, "boshproxy: out of memory\n");
        exit(1);
    }
    return m;
}

static const unsigned char *find_bytes(const unsigned char *hay, size_t hlen,
                                       const char *needle, size_t nlen)
{
    size_t i;

    if (nlen == 0)
        return hay;
    for (i = 0; nlen <= hlen && i <= hlen - nlen; i++)
        if (hay[i] == (unsigned char)needle[0] &&
            memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;

    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
        strcpy(out, "-");
        return;
    }
    for (i = 0; i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* parse_rid: the rid attribute of the first element of the body (the
 * <body/> wrapper), or "-". Characters other than [A-Za-z0-9._-] become
 * '?', so that the log stays one word per field. */
/* The attribute name of the body's start tag into out ("-" when absent,
 * characters other than [0-9A-Za-z._-] as '?'). */
static void parse_attr(const unsigned char *b, size_t len, const char *name,
                       char out[RID_MAX + 1])
{
    size_t i = 0, end, k, nlen = strlen(name);
    unsigned char q;

    strcpy(out, "-");
    /* the first tag that is not <?xml ...?> or a comment */
    for (;;) {
        while (i < len && b[i] != '<')
            i++;
        if (i + 1 >= len)
            return;
        if (b[i + 1] != '?' && b[i + 1] != '!')
            break;
        i++;
    }
    end = i;
    while (end < len && b[end] != '>')
        end++;
    for (k = i + 1; k + nlen <= end; k++) {
        size_t v;
        if (!is_space(b[k - 1]) || memcmp(b + k, name, nlen) != 0)
            continue;
        v = k + nlen;
        while (v < end && is_space(b[v]))
            v++;
        if (v >= end || b[v] != '=')
            continue;
        v++;
        while (v < end && is_space(b[v]))
            v++;
        if (v >= end || (b[v] != '\'' && b[v] != '"'))
            continue;
        q = b[v++];
        {
            size_t o = 0;
            while (v < end && b[v] != q && o < RID_MAX) {
                unsigned char c = b[v++];
                int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                         (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
                         c == '-';
                out[o++] = ok ? (char)c : '?';
            }
            out[o] = '\0';
            if (o == 0)
                strcpy(out, "?");
        }
        return;
    }
}

static void parse_rid(const unsigned char *b, size_t len, char out[RID_MAX + 1])
{
    parse_attr(b, len, "rid", out);
}

/* --- requests --- */

static struct xreq *xreq_new(struct proxy *p)
{
    struct xreq *x = xmalloc(sizeof *x);

    memset(x, 0, sizeof *x);
    x->p = p;
    x->next = p->xreqs;
    if (p->xreqs)
        p->xreqs->prev = x;
    p->xreqs = x;
    return x;
}

static void xreq_destroy(struct xreq *x)
{
    struct proxy *p = x->p;

    if (x->prev)
        x->prev->next = x->next;
    else
        p->xreqs = x->next;
    if (x->next)
        x->next->prev = x->prev;
    if (x->eof_ev)
        event_free(x->eof_ev);
    if (x->timer)
        event_free(x->timer);
    if (x->up_body)
        evbuffer_free(x->up_body);
    free(x->up_ctype);
    free(x->body);
    free(x);
}

/* maybe_free: drops x once nothing refers to it any more. */
static void maybe_free(struct xreq *x)
{
    if (x->client || x->ucon || x->watched)
        return;
    if (x->timer && evtimer_pending(x->timer, NULL))
        return;
    xreq_destroy(x);
}

static void answer_with_reply(struct xreq *x, struct xreq *src,
                              enum action action);

/* release_reordered: once a request newer than the reordered one has its
 * answer (x), the reordered one gets its held reply, if it came. */
static void release_reordered(struct proxy *p, const struct xreq *x)
{
    struct xreq *r = p->reordered;

    if (r == NULL || x->n <= r->n)
        return;
    r->released = 1; /* answered as soon as its reply is there */
    if (!r->up_done)
        return;
    p->reordered = NULL;
    r->watched = 0;
    answer_with_reply(r, r, A_REORDER);
    maybe_free(r);
}

/* answer: sends the reply to x's client, if it is still there. */
static void answer(struct xreq *x, int code, const char *ctype,
                   const void *data, size_t len, enum action action)
{
    struct proxy *p = x->p;
    struct evbuffer *buf;

    x->action = action;
    if (!x->client)
        return;
    if (x->eof_ev)
        event_del(x->eof_ev);
    buf = evbuffer_new();
    if (!buf) {
        fprintf(stderr, "boshproxy: out of memory\n");
        exit(1);
    }
    if (len)
        evbuffer_add(buf, data, len);
    if (ctype)
        evhttp_add_header(evhttp_request_get_output_headers(x->client),
                          "Content-Type", ctype);
    evhttp_send_reply(x->client, code, NULL, buf);
    evbuffer_free(buf);
    x->client = NULL;
    x->ccon = NULL;
    p->outstanding--;
    logline(p, "resp %lu rid=%s status=%d len=%zu action=%s", x->n, x->rid,
            code, len, action_names[action]);
    release_reordered(p, x);
}

/* The end of a body's start tag: the index of its '>' (or of the '/' of
 * '/>'), or -1. Good enough for the bodies Prosody writes. */
static long start_tag_end(const unsigned char *d, size_t len, int *selfclosing)
{
    size_t i;
    char quote = 0;

    for (i = 0; i < len; i++) {
        if (quote) {
            if (d[i] == quote)
                quote = 0;
        } else if (d[i] == '\'' || d[i] == '"') {
            quote = (char)d[i];
        } else if (d[i] == '>') {
            *selfclosing = i > 0 && d[i - 1] == '/';
            return *selfclosing ? (long)i - 1 : (long)i;
        }
    }
    return -1;
}

/* answer_with_reply: answers x with the upstream reply that src got. A
 * pending split inserts the moved children into the first 200 body. */
static void answer_with_reply(struct xreq *x, struct xreq *src,
                              enum action action)
{
    struct proxy *p = x->p;
    size_t len = src->up_body ? evbuffer_get_length(src->up_body) : 0;
    const unsigned char *data = len ? evbuffer_pullup(src->up_body, -1) : NULL;
    int selfclosing = 0;
    long end;

    if (p->moved && action == A_PASS && src->up_status == 200 && data &&
        (end = start_tag_end(data, len, &selfclosing)) > 0) {
        struct evbuffer *b = evbuffer_new();
        evbuffer_add(b, data, (size_t)end);
        evbuffer_add(b, ">", 1);
        evbuffer_add_buffer(b, p->moved);
        if (selfclosing)
            evbuffer_add(b, "</body>", 7);
        else
            evbuffer_add(b, data + end + 1, len - (size_t)end - 1);
        evbuffer_free(p->moved);
        p->moved = NULL;
        answer(x, 200, src->up_ctype, evbuffer_pullup(b, -1),
               evbuffer_get_length(b), A_JOINED);
        evbuffer_free(b);
        return;
    }
    answer(x, src->up_status, src->up_ctype, data, len, action);
}

/* split: answers x with the start tag of its upstream body alone, and
 * keeps the children for the next response. */
static void answer_split(struct xreq *x)
{
    struct proxy *p = x->p;
    size_t len = x->up_body ? evbuffer_get_length(x->up_body) : 0;
    const unsigned char *data = len ? evbuffer_pullup(x->up_body, -1) : NULL;
    const unsigned char *close;
    int selfclosing = 0;
    long end = data ? start_tag_end(data, len, &selfclosing) : -1;
    struct evbuffer *b;

    if (end <= 0 || selfclosing || len < 7 ||
        (close = data + len - 7, memcmp(close, "</body>", 7) != 0)) {
        answer_with_reply(x, x, A_ERROR);
        return;
    }
    if (p->moved) /* an earlier split never joined: replaced */
        evbuffer_free(p->moved);
    p->moved = evbuffer_new();
    evbuffer_add(p->moved, data + end + 1, (size_t)(close - (data + end + 1)));
    b = evbuffer_new();
    evbuffer_add(b, data, (size_t)end);
    evbuffer_add(b, "/>", 2);
    answer(x, 200, x->up_ctype, evbuffer_pullup(b, -1), evbuffer_get_length(b),
           A_SPLIT);
    evbuffer_free(b);
}

/* move_children: appends the children of x's upstream body (between its
 * start tag and </body>) to the ones waiting for the next 200 body. */
static void move_children(struct xreq *x)
{
    struct proxy *p = x->p;
    size_t len = x->up_body ? evbuffer_get_length(x->up_body) : 0;
    const unsigned char *data = len ? evbuffer_pullup(x->up_body, -1) : NULL;
    int selfclosing = 0;
    long end = data ? start_tag_end(data, len, &selfclosing) : -1;

    if (end <= 0 || selfclosing || len < 7 ||
        memcmp(data + len - 7, "</body>", 7) != 0)
        return;
    if (!p->moved)
        p->moved = evbuffer_new();
    evbuffer_add(p->moved, data + end + 1, len - 7 - (size_t)end - 1);
}

/* is_empty_poll: a self-closing <body/> with a sid, neither a restart nor
 * a terminate: the held poll of an open session. */
static int is_empty_poll(const struct xreq *x)
{
    size_t n = x->len;
    int selfclosing = 0;
    long end;

    while (n > 0 && is_space(x->body[n - 1]))
        n--;
    end = start_tag_end(x->body, n, &selfclosing);
    return selfclosing && end >= 0 && (size_t)end + 2 == n &&
           find_bytes(x->body, n, " sid=", 5) &&
           !find_bytes(x->body, n, "restart", 7) &&
           !find_bytes(x->body, n, "terminate", 9);
}

/* answer_bomb: FILE's bytes as a gzip-encoded 200 answer. */
static void answer_bomb(struct xreq *x, const struct fault *f)
{
    struct proxy *p = x->p;
    struct evbuffer *b;

    x->action = A_BOMB;
    if (!x->client)
        return;
    if (x->eof_ev)
        event_del(x->eof_ev);
    evhttp_add_header(evhttp_request_get_output_headers(x->client),
                      "Content-Type", XML_CTYPE);
    evhttp_add_header(evhttp_request_get_output_headers(x->client),
                      "Content-Encoding", "gzip");
    b = evbuffer_new();
    evbuffer_add(b, f->text, f->text_len);
    evhttp_send_reply(x->client, 200, NULL, b);
    evbuffer_free(b);
    x->client = NULL;
    x->ccon = NULL;
    p->outstanding--;
    logline(p, "resp %lu rid=%s status=200 len=%zu action=bomb", x->n, x->rid,
            f->text_len);
}

/* cut: sends the headers and half the body, with the full length
 * announced, and closes the connection. */
static void answer_cut(struct xreq *x)
{
    struct proxy *p = x->p;
    size_t len = x->up_body ? evbuffer_get_length(x->up_body) : 0;
    const unsigned char *data = len ? evbuffer_pullup(x->up_body, -1) : NULL;
    struct evkeyvalq *h;
    struct evbuffer *b;
    char n[32];

    x->action = A_CUT;
    if (!x->client)
        return;
    if (x->eof_ev)
        event_del(x->eof_ev);
    h = evhttp_request_get_output_headers(x->client);
    snprintf(n, sizeof n, "%zu", len);
    evhttp_add_header(h, "Content-Length", n);
    evhttp_add_header(h, "Connection", "close");
    evhttp_add_header(h, "Content-Type", XML_CTYPE);
    b = evbuffer_new();
    evbuffer_add(b, data, len / 2);
    evhttp_send_reply(x->client, 200, NULL, b);
    evbuffer_free(b);
    x->client = NULL;
    x->ccon = NULL;
    p->outstanding--;
    logline(p, "resp %lu rid=%s status=200 len=%zu action=cut", x->n, x->rid,
            len / 2);
}

static void on_client_eof(evutil_socket_t fd, short what, void *arg)
{
    struct xreq *x = arg;
    struct proxy *p = x->p;
    struct evhttp_connection *con;
    char c;
    ssize_t r;

    (void)what;
    if (!x->client)
        return;
    r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (r > 0)
        return; /* more data (a pipelined request): stop watching */
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        event_add(x->eof_ev, NULL);
        return;
    }
    /* The client hung up: drop its connection; this frees its request. */
    con = x->ccon;
    x->client = NULL;
    x->ccon = NULL;
    p->outstanding--;
    logline(p, "gone %lu rid=%s outstanding=%d", x->n, x->rid, p->outstanding);
    evhttp_connection_free(con);
    maybe_free(x);
}

/* watch_client: notices when the client closes its connection while its
 * request waits; libevent does not read the socket meanwhile. */
static void watch_client(struct xreq *x)
{
    struct bufferevent *bev;
    evutil_socket_t fd;

    if (!x->ccon)
        return;
    bev = evhttp_connection_get_bufferevent(x->ccon);
    fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd < 0)
        return;
    x->eof_ev = event_new(x->p->base, fd, EV_READ, on_client_eof, x);
    if (x->eof_ev)
        event_add(x->eof_ev, NULL);
}

static void on_delay_done(evutil_socket_t fd, short what, void *arg)
{
    struct xreq *x = arg;

    (void)fd;
    (void)what;
    answer_with_reply(x, x, A_DELAY);
    maybe_free(x);
}

static void free_dead(struct proxy *p)
{
    while (p->dead) {
        struct dead_con *d = p->dead;
        p->dead = d->next;
        evhttp_connection_free(d->con);
        free(d);
    }
}

static void on_reaper(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    free_dead(arg);
}

static void on_upstream_reply(struct evhttp_request *ureq, void *arg)
{
    struct xreq *x = arg;
    struct proxy *p = x->p;
    struct xreq *y, *ynext;
    int ok = ureq && evhttp_request_get_response_code(ureq) > 0;

    /* libevent frees the connection after this callback when the request
     * got a reply or failed with NULL; after a failed connect it passes a
     * request without status and keeps the connection (2.1 ignores
     * free_on_completion there): that one is freed a moment later. */
    if (ureq && !ok) {
        struct dead_con *d = xmalloc(sizeof *d);
        struct timeval now = {0, 0};
        d->con = x->ucon;
        d->next = p->dead;
        p->dead = d;
        evtimer_add(p->reaper, &now);
    }
    x->ucon = NULL;
    x->up_done = 1;
    if (ok) {
        const char *ct = evhttp_find_header(
            evhttp_request_get_input_headers(ureq), "Content-Type");
        x->up_status = evhttp_request_get_response_code(ureq);
        x->up_body = evbuffer_new();
        if (!x->up_body) {
            fprintf(stderr, "boshproxy: out of memory\n");
            exit(1);
        }
        evbuffer_add_buffer(x->up_body, evhttp_request_get_input_buffer(ureq));
        if (ct) {
            x->up_ctype = xmalloc(strlen(ct) + 1);
            strcpy(x->up_ctype, ct);
        }
    } else {
        x->up_status = 502;
        logline(p, "upstream-error %lu rid=%s", x->n, x->rid);
    }

    switch (x->action) {
    case A_SPLIT:
        if (ok)
            answer_split(x);
        else
            answer_with_reply(x, x, A_ERROR);
        break;
    case A_CUT:
        logline(p, "held %lu rid=%s status=%d len=%zu", x->n, x->rid,
                x->up_status, x->up_body ? evbuffer_get_length(x->up_body) : 0);
        answer_cut(x);
        break;
    case A_HANG:
        logline(p, "held %lu rid=%s status=%d len=%zu", x->n, x->rid,
                x->up_status, x->up_body ? evbuffer_get_length(x->up_body) : 0);
        for (y = p->xreqs; y; y = ynext) {
            ynext = y->next;
            if (y->source != x)
                continue;
            y->source = NULL;
            answer_with_reply(y, x, A_REPLAY);
            maybe_free(y);
        }
        break;
    case A_REORDER:
        logline(p, "held %lu rid=%s status=%d len=%zu", x->n, x->rid,
                x->up_status, x->up_body ? evbuffer_get_length(x->up_body) : 0);
        if (x->released) { /* a later request was answered already */
            p->reordered = NULL;
            x->watched = 0;
            answer_with_reply(x, x, A_REORDER);
        }
        break;
    case A_INSTANT: /* answered already: the reply waits for the next */
        if (ok && x->up_status == 200)
            move_children(x);
        break;
    case A_DELAY:
        if (x->client && ok) {
            struct timeval tv;
            tv.tv_sec = x->delay_ms / 1000;
            tv.tv_usec = (x->delay_ms % 1000) * 1000;
            x->timer = evtimer_new(p->base, on_delay_done, x);
            if (!x->timer || evtimer_add(x->timer, &tv) != 0) {
                fprintf(stderr, "boshproxy: cannot start a timer\n");
                exit(1);
            }
        } else {
            answer_with_reply(x, x, A_ERROR);
        }
        break;
    default:
        answer_with_reply(x, x, ok ? x->action : A_ERROR);
        break;
    }
    maybe_free(x);
}

/* forward: sends x's body upstream; on_upstream_reply takes it from there. */
static void forward(struct xreq *x)
{
    struct proxy *p = x->p;
    struct evhttp_request *ureq;
    struct evkeyvalq *h;
    char hostport[INET6_ADDRSTRLEN + 16];

    x->ucon = evhttp_connection_base_new(p->base, NULL, p->host,
                                         (unsigned short)p->port);
    ureq = x->ucon ? evhttp_request_new(on_upstream_reply, x) : NULL;
    if (!ureq)
        goto fail;
    evhttp_connection_set_timeout(x->ucon, UPSTREAM_TIMEOUT_S);
    h = evhttp_request_get_output_headers(ureq);
    snprintf(hostport, sizeof hostport,
             strchr(p->host, ':') ? "[%s]:%d" : "%s:%d", p->host, p->port);
    evhttp_add_header(h, "Host", hostport);
    evhttp_add_header(h, "Content-Type", XML_CTYPE);
    /* One request per connection: libevent frees it when done. */
    evhttp_add_header(h, "Connection", "close");
    evbuffer_add(evhttp_request_get_output_buffer(ureq), x->body, x->len);
    evhttp_connection_free_on_completion(x->ucon);
    /* The callback never runs from inside evhttp_make_request(): a
     * refused connect is reported from the event loop. */
    if (evhttp_make_request(x->ucon, ureq, EVHTTP_REQ_POST, p->path) != 0) {
        evhttp_request_free(ureq);
        goto fail;
    }
    return;
fail:
    if (x->ucon)
        evhttp_connection_free(x->ucon);
    x->ucon = NULL;
    x->up_done = 1;
    x->up_status = 502;
    logline(p, "upstream-error %lu rid=%s", x->n, x->rid);
    if (x->action != A_HANG)
        answer(x, 502, NULL, NULL, 0, A_ERROR);
}

/* --- watches: rids whose resend is expected --- */

static struct watch *watch_add(struct proxy *p, struct xreq *x,
                               struct xreq *held)
{
    struct watch *w;

    if (strcmp(x->rid, "-") == 0)
        return NULL; /* a request without rid cannot be resent */
    w = xmalloc(sizeof *w);
    memset(w, 0, sizeof *w);
    strcpy(w->rid, x->rid);
    w->body = xmalloc(x->len);
    if (x->len)
        memcpy(w->body, x->body, x->len);
    w->len = x->len;
    w->held = held;
    if (held)
        held->watched = 1;
    w->next = p->watches;
    p->watches = w;
    return w;
}

/* watch_take: unlinks and returns the watch for rid, or NULL. */
static struct watch *watch_take(struct proxy *p, const char *rid)
{
    struct watch **pw, *w;

    if (strcmp(rid, "-") == 0)
        return NULL;
    for (pw = &p->watches; (w = *pw) != NULL; pw = &w->next) {
        if (strcmp(w->rid, rid) == 0) {
            *pw = w->next;
            return w;
        }
    }
    return NULL;
}

static void watch_free(struct watch *w)
{
    free(w->body);
    free(w);
}

/* --- the server side --- */

static void terminate_body(const char *cond, struct evbuffer *out)
{
    if (strcmp(cond, "see-other-uri") == 0) {
        evbuffer_add_printf(
            out,
            "<body xmlns='" NS_BOSH "' type='terminate' condition='%s'>"
            "<uri>https://other.example:7443/http-bind/</uri></body>",
            cond);
    } else if (strcmp(cond, "remote-stream-error") == 0) {
        evbuffer_add_printf(out,
                            "<body xmlns='" NS_BOSH "' xmlns:stream='" NS_STREAM
                            "' type='terminate' condition='%s'>"
                            "<stream:error xmlns:stream='" NS_STREAM "'>"
                            "<conflict xmlns='" NS_STREAMS "'/>"
                            "<text xmlns='" NS_STREAMS
                            "'>Replaced by new connection</text>"
                            "</stream:error></body>",
                            cond);
    } else {
        evbuffer_add_printf(
            out, "<body xmlns='" NS_BOSH "' type='terminate' condition='%s'/>",
            cond);
    }
}

static void apply_fault(struct xreq *x, struct fault *f)
{
    struct proxy *p = x->p;
    struct watch *wd;

    f->fired = 1;
    logline(p, "fault %lu rid=%s spec=%s", x->n, x->rid, f->spec);
    switch (f->kind) {
    case F_HANG:
        x->action = A_HANG;
        watch_add(p, x, x);
        forward(x);
        break;
    case F_STATUS:
        watch_add(p, x, NULL);
        answer(x, f->code, NULL, NULL, 0, A_STATUS);
        break;
    case F_DOWN:
        if ((wd = watch_add(p, x, NULL)) != NULL)
            wd->down = f->code;
        answer(x, f->code, NULL, NULL, 0, A_STATUS);
        break;
    case F_TERMINATE: {
        struct evbuffer *b = evbuffer_new();
        if (!b) {
            fprintf(stderr, "boshproxy: out of memory\n");
            exit(1);
        }
        terminate_body(f->condition, b);
        answer(x, 200, XML_CTYPE, evbuffer_pullup(b, -1),
               evbuffer_get_length(b), A_TERMINATE);
        evbuffer_free(b);
        break;
    }
    case F_DELAY:
        x->action = A_DELAY;
        x->delay_ms = f->ms;
        forward(x);
        break;
    case F_GARBLE: {
        static const char garbled[] = "<body xmlns='" NS_BOSH "'><message "
                                      "from='pubsub.example'><event";
        answer(x, 200, XML_CTYPE, garbled, sizeof garbled - 1, A_GARBLE);
        break;
    }
    case F_SPLIT:
        x->action = A_SPLIT;
        forward(x);
        break;
    case F_CUT:
        x->action = A_CUT;
        watch_add(p, x, x); /* the resend gets the whole reply */
        forward(x);
        break;
    case F_INSTANT: {
        static const char empty[] = "<body xmlns='" NS_BOSH "'/>";
        x->action = A_INSTANT;
        forward(x);
        answer(x, 200, XML_CTYPE, empty, sizeof empty - 1, A_INSTANT);
        break;
    }
    case F_WRONG_SID: {
        static const char wrong[] =
            "<body xmlns='" NS_BOSH "' sid='not-yours'/>";
        answer(x, 200, XML_CTYPE, wrong, sizeof wrong - 1, A_WRONG_SID);
        break;
    }
    case F_STREAM_ERROR: {
        struct evbuffer *b = evbuffer_new();
        evbuffer_add_printf(
            b,
            "<body xmlns='" NS_BOSH "' xmlns:stream='" NS_STREAM
            "' type='terminate' condition='remote-stream-error'>"
            "<stream:error xmlns:stream='" NS_STREAM "'>"
            "<conflict xmlns='" NS_STREAMS "'/><text xmlns='" NS_STREAMS
            "'>%s</text></stream:error></body>",
            f->text);
        answer(x, 200, XML_CTYPE, evbuffer_pullup(b, -1),
               evbuffer_get_length(b), A_TERMINATE);
        evbuffer_free(b);
        break;
    }
    case F_FLOOD: {
        long i;
        if (!p->moved)
            p->moved = evbuffer_new();
        for (i = 0; i < f->ms; i++)
            evbuffer_add_printf(p->moved,
                                "<message xmlns='jabber:client' "
                                "from='flood@localhost' id='f%ld'/>",
                                i);
        forward(x);
        break;
    }
    case F_BOMB:
        watch_add(p, x, NULL); /* the resend is forwarded */
        answer_bomb(x, f);
        break;
    case F_MUTE:
        if ((wd = watch_add(p, x, NULL)) != NULL)
            wd->mute = 1;
        x->action = A_MUTE;
        logline(p, "muted %lu rid=%s", x->n, x->rid);
        break;
    case F_REORDER:
        x->action = A_REORDER;
        x->watched = 1; /* kept until released */
        p->reordered = x;
        forward(x);
        break;
    }
}

/* A session request (no sid): the parameters the client asked for. */
static void log_create(struct proxy *p, const struct xreq *x)
{
    char sid[RID_MAX + 1], hold[RID_MAX + 1], ver[RID_MAX + 1],
        wait[RID_MAX + 1];

    parse_attr(x->body, x->len, "sid", sid);
    if (strcmp(sid, "-") != 0)
        return;
    parse_attr(x->body, x->len, "hold", hold);
    parse_attr(x->body, x->len, "ver", ver);
    parse_attr(x->body, x->len, "wait", wait);
    logline(p, "create %lu rid=%s hold=%s ver=%s wait=%s", x->n, x->rid, hold,
            ver, wait);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct proxy *p = arg;
    struct evbuffer *in;
    struct xreq *x;
    struct watch *w;
    char hex[65];
    int i;

    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                          "POST");
        evhttp_send_error(req, 405, NULL);
        return;
    }
    x = xreq_new(p);
    in = evhttp_request_get_input_buffer(req);
    x->len = evbuffer_get_length(in);
    x->body = xmalloc(x->len);
    evbuffer_copyout(in, x->body, x->len);
    x->n = ++p->nreq;
    x->client = req;
    x->ccon = evhttp_request_get_connection(req);
    x->action = A_PASS;
    parse_rid(x->body, x->len, x->rid);
    p->outstanding++;
    sha256_hex(x->body, x->len, hex);
    log_create(p, x);
    logline(p, "req %lu rid=%s len=%zu sha256=%s outstanding=%d", x->n, x->rid,
            x->len, hex, p->outstanding);
    watch_client(x);

    w = watch_take(p, x->rid);
    if (w) {
        int same = w->len == x->len &&
                   (x->len == 0 || memcmp(w->body, x->body, x->len) == 0);
        logline(p, "resend rid=%s identical=%s", x->rid, same ? "yes" : "no");
        if (w->mute) { /* still silent: this resend is never answered */
            struct watch *again = watch_add(p, x, NULL);
            if (again)
                again->mute = 1;
            x->action = A_MUTE;
        } else if (w->down) { /* still down: this resend fails too */
            struct watch *again = watch_add(p, x, NULL);
            if (again)
                again->down = w->down;
            answer(x, w->down, NULL, NULL, 0, A_STATUS);
        } else if (w->held) {
            struct xreq *h = w->held;
            h->watched = 0;
            if (h->up_done) {
                answer_with_reply(x, h, A_REPLAY);
            } else {
                x->source = h; /* answered when h's reply comes */
                x->action = A_REPLAY;
            }
            maybe_free(h);
        } else {
            forward(x);
        }
        watch_free(w);
        maybe_free(x);
        return;
    }

    for (i = 0; i < p->nfaults; i++) {
        struct fault *f = &p->faults[i];
        int armed = f->kind == F_INSTANT   ? is_empty_poll(x)
                    : f->kind == F_REORDER ? is_empty_poll(x) && !f->fired
                                           : !f->fired;
        if (armed && find_bytes(x->body, x->len, f->match, f->match_len)) {
            apply_fault(x, f);
            maybe_free(x);
            return;
        }
    }
    forward(x);
    maybe_free(x);
}

/* --- arguments --- */

static void usage(void)
{
    fprintf(
        stderr,
        "usage: boshproxy --listen-port P --upstream http://HOST:PORT/PATH "
        "--log FILE [--fault KIND:MATCH[:ARG]]...\n"
        "  KIND: hang:MATCH | status:MATCH:CODE | terminate:MATCH:CONDITION |"
        " delay:MATCH:MS | garble:MATCH | split:MATCH | cut:MATCH |"
        " instant:MATCH | wrong-sid:MATCH | stream-error:MATCH:TEXT |"
        " flood:MATCH:N | bomb:MATCH:FILE | mute:MATCH | reorder:MATCH\n"
        "  MATCH is percent-decoded (%%3A for ':')\n");
    exit(2);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* percent_decode: a new string; -1 for a malformed escape. */
static int percent_decode(const char *s, size_t n, char **out, size_t *outlen)
{
    char *d = xmalloc(n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                return -1;
            }
            d[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    *out = d;
    *outlen = o;
    return 0;
}

/* read_file: the whole file as a new buffer; -1 when it cannot be read. */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *d = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return -1;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            d = realloc(d, cap);
            if (!d) {
                fprintf(stderr, "boshproxy: out of memory\n");
                exit(1);
            }
        }
        r = fread(d + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *out = d;
    *len = n;
    return 0;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (!*s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static void parse_fault(struct proxy *p, const char *spec)
{
    struct fault *f;
    const char *c1, *c2, *arg = NULL;
    size_t klen, mlen;
    long v;

    if (p->nfaults >= MAX_FAULTS) {
        fprintf(stderr, "boshproxy: at most %d faults\n", MAX_FAULTS);
        exit(2);
    }
    f = &p->faults[p->nfaults];
    memset(f, 0, sizeof *f);
    f->spec = spec;
    c1 = strchr(spec, ':');
    if (!c1)
        goto bad;
    klen = (size_t)(c1 - spec);
    c2 = strchr(c1 + 1, ':');
    mlen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (c2)
        arg = c2 + 1;
    if (klen == 4 && memcmp(spec, "hang", 4) == 0) {
        f->kind = F_HANG;
        if (arg)
            goto bad;
    } else if (klen == 6 && memcmp(spec, "status", 6) == 0) {
        f->kind = F_STATUS;
        if (!arg || parse_long(arg, 100, 599, &v) != 0)
            goto bad;
        f->code = (int)v;
    } else if (klen == 4 && memcmp(spec, "down", 4) == 0) {
        f->kind = F_DOWN;
        if (!arg || parse_long(arg, 100, 599, &v) != 0)
            goto bad;
        f->code = (int)v;
    } else if (klen == 9 && memcmp(spec, "terminate", 9) == 0) {
        size_t i, n;
        f->kind = F_TERMINATE;
        if (!arg || !*arg || (n = strlen(arg)) >= sizeof f->condition)
            goto bad;
        for (i = 0; i < n; i++) {
            char ch = arg[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-'))
                goto bad;
        }
        memcpy(f->condition, arg, n + 1);
    } else if ((klen == 6 && memcmp(spec, "garble", 6) == 0) ||
               (klen == 5 && memcmp(spec, "split", 5) == 0) ||
               (klen == 3 && memcmp(spec, "cut", 3) == 0)) {
        f->kind = spec[0] == 'g' ? F_GARBLE : spec[0] == 's' ? F_SPLIT : F_CUT;
        if (arg)
            goto bad;
    } else if ((klen == 7 && memcmp(spec, "instant", 7) == 0) ||
               (klen == 9 && memcmp(spec, "wrong-sid", 9) == 0)) {
        f->kind = spec[0] == 'i' ? F_INSTANT : F_WRONG_SID;
        if (arg)
            goto bad;
    } else if ((klen == 4 && memcmp(spec, "mute", 4) == 0) ||
               (klen == 7 && memcmp(spec, "reorder", 7) == 0)) {
        f->kind = spec[0] == 'm' ? F_MUTE : F_REORDER;
        if (arg)
            goto bad;
    } else if (klen == 12 && memcmp(spec, "stream-error", 12) == 0) {
        f->kind = F_STREAM_ERROR;
        if (!arg ||
            percent_decode(arg, strlen(arg), &f->text, &f->text_len) != 0)
            goto bad;
    } else if (klen == 5 && memcmp(spec, "flood", 5) == 0) {
        f->kind = F_FLOOD;
        if (!arg || parse_long(arg, 1, 10000000, &v) != 0)
            goto bad;
        f->ms = v;
    } else if (klen == 4 && memcmp(spec, "bomb", 4) == 0) {
        f->kind = F_BOMB;
        if (!arg || read_file(arg, &f->text, &f->text_len) != 0)
            goto bad;
    } else if (klen == 5 && memcmp(spec, "delay", 5) == 0) {
        f->kind = F_DELAY;
        if (!arg || parse_long(arg, 0, 3600L * 1000, &v) != 0)
            goto bad;
        f->ms = v;
    } else {
        goto bad;
    }
    if (percent_decode(c1 + 1, mlen, &f->match, &f->match_len) != 0)
        goto bad;
    p->nfaults++;
    return;
bad:
    fprintf(stderr, "boshproxy: bad --fault '%s'\n", spec);
    usage();
}

static void parse_upstream(struct proxy *p, const char *url)
{
    struct evhttp_uri *u = evhttp_uri_parse(url);
    const char *scheme, *host, *path, *query;
    unsigned char addr[sizeof(struct in6_addr)];
    size_t n;

    if (!u)
        goto bad;
    scheme = evhttp_uri_get_scheme(u);
    host = evhttp_uri_get_host(u);
    if (!scheme || strcmp(scheme, "http") != 0 || !host ||
        evhttp_uri_get_userinfo(u))
        goto bad;
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (host[0] == '[') { /* some versions keep the brackets */
        n = strlen(host);
        if (n < 3 || n - 2 >= sizeof p->host || host[n - 1] != ']')
            goto bad;
        memcpy(p->host, host + 1, n - 2);
        p->host[n - 2] = '\0';
    } else {
        if (strlen(host) >= sizeof p->host)
            goto bad;
        strcpy(p->host, host);
    }
    if (evutil_inet_pton(AF_INET, p->host, addr) != 1 &&
        evutil_inet_pton(AF_INET6, p->host, addr) != 1) {
        fprintf(stderr, "boshproxy: the upstream host must be an IP address\n");
        goto bad;
    }
    p->port = evhttp_uri_get_port(u);
    if (p->port < 0)
        p->port = 80;
    if (p->port == 0 || p->port > 65535)
        goto bad;
    path = evhttp_uri_get_path(u);
    query = evhttp_uri_get_query(u);
    if (!path || !*path)
        path = "/";
    n = strlen(path) + (query ? strlen(query) + 1 : 0) + 1;
    p->path = xmalloc(n);
    snprintf(p->path, n, query ? "%s?%s" : "%s", path, query ? query : "");
    evhttp_uri_free(u);
    return;
bad:
    if (u)
        evhttp_uri_free(u);
    fprintf(stderr, "boshproxy: bad --upstream '%s'\n", url);
    usage();
}

/* --- main --- */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct proxy *p = arg;

    (void)sig;
    (void)what;
    event_base_loopbreak(p->base);
}

/* teardown: frees everything. Open client requests belong to their
 * connections, which evhttp_free() closes; pending upstream requests are
 * dropped with their connections, without their callbacks. */
static void teardown(struct proxy *p)
{
    int i;

    while (p->xreqs) {
        struct xreq *x = p->xreqs;
        if (x->ucon)
            evhttp_connection_free(x->ucon);
        xreq_destroy(x);
    }
    while (p->watches) {
        struct watch *w = p->watches;
        p->watches = w->next;
        watch_free(w);
    }
    free_dead(p);
    if (p->moved)
        evbuffer_free(p->moved);
    if (p->reaper)
        event_free(p->reaper);
    if (p->http)
        evhttp_free(p->http);
    if (p->sig_term)
        event_free(p->sig_term);
    if (p->sig_int)
        event_free(p->sig_int);
    if (p->base)
        event_base_free(p->base);
    libevent_global_shutdown();
    for (i = 0; i < p->nfaults; i++) {
        free(p->faults[i].match);
        free(p->faults[i].text);
    }
    free(p->path);
    if (p->log)
        fclose(p->log);
}

int main(int argc, char **argv)
{
    static struct proxy px;
    struct proxy *p = &px;
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    const char *log_path = NULL, *upstream = NULL;
    long listen_port = -1;
    int i, port;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage();
        if (strcmp(a, "--listen-port") == 0) {
            if (parse_long(argv[++i], 0, 65535, &listen_port) != 0)
                usage();
        } else if (strcmp(a, "--upstream") == 0) {
            upstream = argv[++i];
        } else if (strcmp(a, "--log") == 0) {
            log_path = argv[++i];
        } else if (strcmp(a, "--fault") == 0) {
            parse_fault(p, argv[++i]);
        } else {
            usage();
        }
    }
    if (listen_port < 0 || !upstream || !log_path)
        usage();
    parse_upstream(p, upstream);

    signal(SIGPIPE, SIG_IGN);
    p->log = fopen(log_path, "w");
    if (!p->log) {
        fprintf(stderr, "boshproxy: %s: %s\n", log_path, strerror(errno));
        teardown(p);
        return 1;
    }
    p->base = event_base_new();
    p->http = p->base ? evhttp_new(p->base) : NULL;
    if (!p->http) {
        fprintf(stderr, "boshproxy: cannot set up libevent\n");
        teardown(p);
        return 1;
    }
    p->reaper = evtimer_new(p->base, on_reaper, p);
    if (!p->reaper) {
        fprintf(stderr, "boshproxy: cannot set up libevent\n");
        teardown(p);
        return 1;
    }
    p->sig_term = evsignal_new(p->base, SIGTERM, on_signal, p);
    p->sig_int = evsignal_new(p->base, SIGINT, on_signal, p);
    if (!p->sig_term || !p->sig_int || evsignal_add(p->sig_term, NULL) != 0 ||
        evsignal_add(p->sig_int, NULL) != 0) {
        fprintf(stderr, "boshproxy: cannot catch signals\n");
        teardown(p);
        return 1;
    }
    evhttp_set_allowed_methods(
        p->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_timeout(p->http, CLIENT_TIMEOUT_S);
    evhttp_set_gencb(p->http, on_request, p);
    bound = evhttp_bind_socket_with_handle(p->http, "127.0.0.1",
                                           (unsigned short)listen_port);
    if (!bound) {
        fprintf(stderr, "boshproxy: cannot listen on 127.0.0.1:%ld: %s\n",
                listen_port, strerror(errno));
        teardown(p);
        return 1;
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss,
                    &sslen) != 0 ||
        ss.ss_family != AF_INET) {
        fprintf(stderr, "boshproxy: getsockname: %s\n", strerror(errno));
        teardown(p);
        return 1;
    }
    port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    printf("ready %d\n", port);
    fflush(stdout);

    if (event_base_dispatch(p->base) < 0 || !event_base_got_break(p->base)) {
        fprintf(stderr, "boshproxy: the event loop failed\n");
        teardown(p);
        return 1;
    }
    teardown(p);
    return 0;
}
