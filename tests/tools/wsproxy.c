/* wsproxy: a fault-injecting proxy in front of a WebSocket endpoint (and
 * an HTTP CONNECT proxy), for perch's tests.
 *
 *   wsproxy --listen-port P --upstream-port U --log FILE [--fault SPEC]
 *   wsproxy --listen-port P --connect --log FILE
 *
 * It listens on 127.0.0.1:P (0: any free port) and prints "ready PORT".
 * Without --connect every connection is relayed to 127.0.0.1:U byte for
 * byte, except that what the server sends after its 101 is read frame by
 * frame (RFC 6455 5.2, written here independently of perch), so that a
 * fault can be put in. Most faults fire once, right after the server's
 * message that holds "</jid>" (the answer to the bind: the client is
 * logged in) has been passed on:
 *   close:CODE[:REASON]  a close frame with CODE and REASON (at most 123
 *                   bytes; default "wsproxy")
 *                   (CODE 0: a close frame without a status code)
 *   oversize        a text frame header claiming 32 MiB, then 1000 bytes
 *   masked          a masked text frame (servers never mask)
 *   binary          a binary frame
 *   pingflood       10,000 pings in a row
 *   cut             a text frame header claiming 100 bytes, 10 of them,
 *                   then the connection to the client is closed
 *   blackhole       nothing more goes to the client (an idle timeout that
 *                   drops a connection silently)
 *   droppong        the next pong from the server is not passed on
 *   seeother-late:URI  <close see-other-uri='URI'/>, then nothing more
 * or right after the server's first <open/>:
 *   seeother:URI    <close see-other-uri='URI'/>, then nothing more
 * and some act on the whole connection:
 *   split           every frame from the server goes out in pieces: its
 *                   header byte by byte, its payload 16 bytes at a time,
 *                   a write every millisecond (a frame split across TCP
 *                   segments)
 *   fragment        every text message from the server goes out as
 *                   fragments of 16 bytes (text, continuation...), a ping
 *                   between the first and the second
 *   strip-upgrade   the client's request loses its Upgrade, Connection and
 *                   Sec-WebSocket-* headers, as a proxy that does not pass
 *                   the upgrade
 * With --connect it is an HTTP proxy for CONNECT to 127.0.0.1 or localhost
 * only: "CONNECT HOST:PORT" is answered 200 and relayed.
 *
 * The log FILE gets one line per event: "conn N", "connect HOST:PORT",
 * "fault KIND", "strip N headers", "closed N". SIGTERM or SIGINT: exit 0.
 * Bad arguments: exit 2. Other failures: 1.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#define MAX_HEAD (64u << 10)
#define SPLIT_PAYLOAD 16
#define FRAGMENT 16

enum fault {
    F_NONE,
    F_CLOSE,
    F_OVERSIZE,
    F_MASKED,
    F_BINARY,
    F_PINGFLOOD,
    F_CUT,
    F_BLACKHOLE,
    F_DROPPONG,
    F_SEEOTHER_LATE,
    F_SEEOTHER,
    F_SPLIT,
    F_FRAGMENT,
    F_STRIP,
};

static const char *const fault_names[] = {
    "none",      "close", "oversize",  "masked",        "binary",
    "pingflood", "cut",   "blackhole", "droppong",      "seeother-late",
    "seeother",  "split", "fragment",  "strip-upgrade",
};
/* one name a fault */
typedef char names_match[sizeof fault_names / sizeof *fault_names == F_STRIP + 1
                             ? 1
                             : -1];

struct proxy {
    struct event_base *base;
    FILE *log;
    int upstream_port;
    int connect_mode;
    enum fault fault;
    int close_code;
    const char *close_reason;
    const char *uri; /* seeother */
    unsigned long nconn;
};

struct conn {
    struct proxy *p;
    unsigned long n;
    struct bufferevent *client, *up;
    int head_done_c2s; /* the client's request head passed */
    int head_done_s2c; /* the server's response head passed */
    int upgraded;      /* ... and it was a 101 */
    int fired;         /* the fault of this connection */
    int blackholed;
    int pong_dropped;
    int connect_wait;        /* --connect: the CONNECT line not read yet */
    int closing;             /* the client's output goes, then everything */
    struct evbuffer *pieces; /* split: bytes waiting for the timer */
    size_t *piece_len;
    size_t npieces, cap_pieces, next_piece;
    struct event *piece_timer;
};

static struct proxy px;

static void logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logline(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(px.log, fmt, ap);
    va_end(ap);
    fputc('\n', px.log);
    fflush(px.log);
}

static void conn_free(struct conn *c)
{
    logline("closed %lu", c->n);
    if (c->client)
        bufferevent_free(c->client);
    if (c->up)
        bufferevent_free(c->up);
    if (c->piece_timer)
        event_free(c->piece_timer);
    if (c->pieces)
        evbuffer_free(c->pieces);
    free(c->piece_len);
    free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg);

static void on_client_discard(struct bufferevent *bev, void *arg)
{
    struct evbuffer *in = bufferevent_get_input(bev);
    (void)arg;
    evbuffer_drain(in, evbuffer_get_length(in));
}

/* All the client had to get is out: a FIN, never the RST that closing
 * with the client's late bytes unread would send (which would make the
 * cut a reset, depending on timing); freed when the client closes too. */
static void half_close(struct conn *c)
{
    if (c->up) {
        bufferevent_free(c->up);
        c->up = NULL;
    }
    shutdown(bufferevent_getfd(c->client), SHUT_WR);
    bufferevent_setcb(c->client, on_client_discard, NULL, on_event, c);
    bufferevent_enable(c->client, EV_READ);
}

static void on_client_drained(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        half_close(c);
}

/* The server side is done: what the client still has to get goes, then
 * both connections close. */
static void finish_when_flushed(struct conn *c)
{
    c->closing = 1;
    if (c->up)
        bufferevent_disable(c->up, EV_READ);
    if (c->npieces > c->next_piece)
        return; /* on_piece comes back here */
    if (evbuffer_get_length(bufferevent_get_output(c->client)) == 0) {
        half_close(c);
        return;
    }
    bufferevent_disable(c->client, EV_READ);
    bufferevent_setcb(c->client, NULL, on_client_drained, on_event, c);
}

/* ---- frames written here ---- */

static size_t frame_head(unsigned char *h, int fin, unsigned op, int mask,
                         uint64_t len)
{
    size_t n = 0;
    int i;

    h[n++] = (unsigned char)((fin ? 0x80 : 0) | op);
    if (len < 126) {
        h[n++] = (unsigned char)((mask ? 0x80 : 0) | len);
    } else if (len < 65536) {
        h[n++] = (unsigned char)((mask ? 0x80 : 0) | 126);
        h[n++] = (unsigned char)(len >> 8);
        h[n++] = (unsigned char)len;
    } else {
        h[n++] = (unsigned char)((mask ? 0x80 : 0) | 127);
        for (i = 7; i >= 0; i--)
            h[n++] = (unsigned char)(len >> (8 * i));
    }
    return n;
}

static void put_frame(struct evbuffer *out, int fin, unsigned op,
                      const void *data, size_t len)
{
    unsigned char h[14];
    evbuffer_add(out, h, frame_head(h, fin, op, 0, len));
    evbuffer_add(out, data, len);
}

/* The fault, into the client's output, right after the trigger. */
static void fire(struct conn *c)
{
    struct evbuffer *out = bufferevent_get_output(c->client);
    unsigned char h[14], big[1000];
    static const char masked_text[] = "<message xmlns='jabber:client'/>";
    static const unsigned char key[4] = {0x11, 0x22, 0x33, 0x44};
    size_t i;

    c->fired = 1;
    logline("fault %s", fault_names[c->p->fault]);
    switch (c->p->fault) {
    case F_CLOSE:
        if (c->p->close_code == 0) {
            put_frame(out, 1, 0x8, "", 0);
        } else {
            size_t n = strlen(c->p->close_reason);
            unsigned char b[125] = {(unsigned char)(c->p->close_code >> 8),
                                    (unsigned char)c->p->close_code};
            memcpy(b + 2, c->p->close_reason, n);
            put_frame(out, 1, 0x8, b, 2 + n);
        }
        break;
    case F_OVERSIZE:
        evbuffer_add(out, h, frame_head(h, 1, 0x1, 0, 32u << 20));
        memset(big, 'a', sizeof big);
        big[0] = '<';
        evbuffer_add(out, big, sizeof big);
        break;
    case F_MASKED:
        evbuffer_add(out, h, frame_head(h, 1, 0x1, 1, sizeof masked_text - 1));
        evbuffer_add(out, key, 4);
        for (i = 0; i < sizeof masked_text - 1; i++)
            big[i] = (unsigned char)(masked_text[i] ^ key[i % 4]);
        evbuffer_add(out, big, sizeof masked_text - 1);
        break;
    case F_BINARY:
        put_frame(out, 1, 0x2, "\x01\x02\x03", 3);
        break;
    case F_PINGFLOOD:
        for (i = 0; i < 10000; i++)
            put_frame(out, 1, 0x9, "", 0);
        break;
    case F_CUT:
        evbuffer_add(out, h, frame_head(h, 1, 0x1, 0, 100));
        evbuffer_add(out, "<message x", 10);
        break;
    case F_BLACKHOLE:
        c->blackholed = 1;
        break;
    case F_SEEOTHER:
    case F_SEEOTHER_LATE:
        evbuffer_add_printf(c->pieces,
                            "<close xmlns='urn:ietf:params:xml:"
                            "ns:xmpp-framing' see-other-uri='%s'/>",
                            c->p->uri);
        i = evbuffer_get_length(c->pieces);
        put_frame(out, 1, 0x1, evbuffer_pullup(c->pieces, -1), i);
        evbuffer_drain(c->pieces, i);
        c->blackholed = 1;
        break;
    default:
        break;
    }
}

/* ---- split: pieces on a timer ---- */

static void add_piece(struct conn *c, const unsigned char *d, size_t n)
{
    if (c->npieces == c->cap_pieces) {
        c->cap_pieces = c->cap_pieces ? c->cap_pieces * 2 : 64;
        c->piece_len = realloc(c->piece_len, c->cap_pieces * sizeof(size_t));
        if (c->piece_len == NULL)
            abort();
    }
    evbuffer_add(c->pieces, d, n);
    c->piece_len[c->npieces++] = n;
}

static void on_piece(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    static const struct timeval ms = {0, 1000};
    (void)fd;
    (void)what;

    if (c->next_piece >= c->npieces) {
        c->npieces = c->next_piece = 0;
        evbuffer_drain(c->pieces, evbuffer_get_length(c->pieces));
        if (c->closing)
            finish_when_flushed(c);
        return;
    }
    evbuffer_remove_buffer(c->pieces, bufferevent_get_output(c->client),
                           c->piece_len[c->next_piece++]);
    evtimer_add(c->piece_timer, &ms);
}

static void split_frame(struct conn *c, const unsigned char *f, size_t hl,
                        size_t len)
{
    static const struct timeval ms = {0, 1000};
    size_t i;

    for (i = 0; i < hl; i++)
        add_piece(c, f + i, 1);
    for (i = hl; i < len; i += SPLIT_PAYLOAD)
        add_piece(c, f + i, len - i < SPLIT_PAYLOAD ? len - i : SPLIT_PAYLOAD);
    if (!evtimer_pending(c->piece_timer, NULL))
        evtimer_add(c->piece_timer, &ms);
}

/* ---- server to client ---- */

static void fragment_frame(struct conn *c, const unsigned char *payload,
                           size_t len)
{
    struct evbuffer *out = bufferevent_get_output(c->client);
    size_t off = 0;
    int first = 1;

    do {
        size_t n = len - off < FRAGMENT ? len - off : FRAGMENT;
        put_frame(out, off + n >= len, first ? 0x1 : 0x0, payload + off, n);
        if (first)
            put_frame(out, 1, 0x9, "fragping", 8);
        first = 0;
        off += n;
    } while (off < len);
}

/* Passes whole frames from the server on; 0 when more bytes are needed. */
static int one_frame(struct conn *c, struct evbuffer *in)
{
    unsigned char h[14], *f;
    size_t avail = evbuffer_get_length(in), hl = 2, len, i;
    uint64_t pl;
    int trigger;

    if (avail < 2 || evbuffer_copyout(in, h, avail < 14 ? avail : 14) < 2)
        return 0;
    pl = h[1] & 0x7f;
    if (pl == 126)
        hl = 4;
    else if (pl == 127)
        hl = 10;
    if (h[1] & 0x80)
        hl += 4;
    if (avail < hl)
        return 0;
    if (pl == 126)
        pl = (uint64_t)h[2] << 8 | h[3];
    else if (pl == 127)
        for (pl = 0, i = 2; i < 10; i++)
            pl = pl << 8 | h[i];
    if (avail < hl + pl)
        return 0;
    len = hl + (size_t)pl;
    f = evbuffer_pullup(in, (ssize_t)len);
    trigger =
        !c->fired && (c->p->fault == F_SEEOTHER
                          ? memmem(f + hl, (size_t)pl, "<open", 5) != NULL
                          : memmem(f + hl, (size_t)pl, "</jid>", 6) != NULL);
    if (c->blackholed)
        ; /* swallowed */
    else if (c->p->fault == F_DROPPONG && c->fired && !c->pong_dropped &&
             (h[0] & 0x0f) == 0xa)
        c->pong_dropped = 1;
    else if (c->p->fault == F_SPLIT)
        split_frame(c, f, hl, len);
    else if (c->p->fault == F_FRAGMENT && (h[0] & 0x0f) == 0x1 && pl > 0)
        fragment_frame(c, f + hl, (size_t)pl);
    else
        bufferevent_write(c->client, f, len);
    evbuffer_drain(in, len);
    if (trigger && c->p->fault >= F_CLOSE && c->p->fault <= F_SEEOTHER &&
        !(c->p->fault == F_SEEOTHER && c->n > 1))
        fire(c); /* see-other-uri: the first connection only */
    return 1;
}

/* The server's response head, passed on as it is. */
static void server_head(struct conn *c, struct evbuffer *in)
{
    struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    char status[16] = "";

    if (end.pos < 0)
        return;
    evbuffer_copyout(in, status, sizeof status - 1);
    c->upgraded = strncmp(status, "HTTP/1.1 101", 12) == 0;
    evbuffer_remove_buffer(in, bufferevent_get_output(c->client),
                           (size_t)end.pos + 4);
    c->head_done_s2c = 1;
}

static void on_up_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    if (!c->head_done_s2c)
        server_head(c, in);
    if (!c->head_done_s2c)
        return;
    if (!c->upgraded) {
        bufferevent_write_buffer(c->client, in);
        return;
    }
    while (one_frame(c, in))
        if (c->p->fault == F_CUT && c->fired) {
            finish_when_flushed(c);
            return;
        }
}

/* ---- client to server ---- */

/* strip-upgrade: the request head without the upgrade's headers. */
static void strip_head(struct conn *c, struct evbuffer *in)
{
    struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    char *head, *line, *save = NULL;
    struct evbuffer *out = bufferevent_get_output(c->up);
    int stripped = 0;

    if (end.pos < 0)
        return;
    head = malloc((size_t)end.pos + 5);
    if (head == NULL)
        abort();
    evbuffer_remove(in, head, (size_t)end.pos + 4);
    head[end.pos + 2] = '\0';
    for (line = strtok_r(head, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (!strncasecmp(line, "upgrade:", 8) ||
            !strncasecmp(line, "connection:", 11) ||
            !strncasecmp(line, "sec-websocket-", 14)) {
            stripped++;
            continue;
        }
        evbuffer_add_printf(out, "%s\r\n", line);
    }
    evbuffer_add(out, "\r\n", 2);
    logline("strip %d headers", stripped);
    free(head);
    c->head_done_c2s = 1;
}

static void on_client_read(struct bufferevent *bev, void *arg);

static int connect_up(struct conn *c, int port)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->up = bufferevent_socket_new(c->p->base, -1, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->up, on_up_read, NULL, on_event, c);
    bufferevent_enable(c->up, EV_READ | EV_WRITE);
    return bufferevent_socket_connect(c->up, (struct sockaddr *)&sin,
                                      sizeof sin);
}

/* --connect: "CONNECT host:port HTTP/1.1", to loopback only. */
static void connect_request(struct conn *c, struct evbuffer *in)
{
    struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    char line[256], host[128];
    int port = 0;

    if (end.pos < 0)
        return;
    memset(line, 0, sizeof line);
    evbuffer_copyout(in, line, sizeof line - 1);
    evbuffer_drain(in, (size_t)end.pos + 4);
    c->connect_wait = 0;
    if (sscanf(line, "CONNECT %127[^:]:%d ", host, &port) != 2 ||
        (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0)) {
        bufferevent_write(c->client, "HTTP/1.1 403 Forbidden\r\n\r\n", 26);
        logline("refused %.60s", line);
        return;
    }
    logline("connect %s:%d", host, port);
    c->head_done_c2s = c->head_done_s2c = 1; /* a tunnel: no parsing */
    if (connect_up(c, port) != 0) {
        bufferevent_write(c->client, "HTTP/1.1 502 Bad Gateway\r\n\r\n", 28);
        return;
    }
    bufferevent_write(c->client, "HTTP/1.1 200 Connection established\r\n\r\n",
                      39);
}

static void on_client_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    if (c->connect_wait) {
        connect_request(c, in);
        if (c->connect_wait || c->up == NULL)
            return;
    }
    if (c->up == NULL)
        return;
    if (!c->head_done_c2s && c->p->fault == F_STRIP)
        strip_head(c, in);
    else
        c->head_done_c2s = 1;
    if (c->head_done_c2s)
        bufferevent_write_buffer(c->up, in);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct conn *c = arg;

    if (what & BEV_EVENT_CONNECTED)
        return;
    if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
        return;
    if (bev == c->up && !c->closing)
        finish_when_flushed(c);
    else if (bev == c->client)
        conn_free(c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
                      struct sockaddr *sa, int len, void *arg)
{
    struct proxy *p = arg;
    struct conn *c = calloc(1, sizeof *c);
    int one = 1;
    (void)l;
    (void)sa;
    (void)len;

    if (c == NULL)
        abort();
    c->p = p;
    c->n = ++p->nconn;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->client = bufferevent_socket_new(p->base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->client, on_client_read, NULL, on_event, c);
    bufferevent_enable(c->client, EV_READ | EV_WRITE);
    c->pieces = evbuffer_new();
    c->piece_timer = evtimer_new(p->base, on_piece, c);
    logline("conn %lu", c->n);
    if (p->connect_mode) {
        c->connect_wait = 1;
        return;
    }
    if (connect_up(c, p->upstream_port) != 0)
        conn_free(c);
}

/* ---- main ---- */

static void usage(void)
{
    fputs("usage: wsproxy --listen-port P (--upstream-port U | --connect) "
          "--log FILE [--fault SPEC]\n",
          stderr);
    exit(2);
}

static void parse_fault(const char *s)
{
    size_t i;

    if (strncmp(s, "seeother:", 9) == 0 ||
        strncmp(s, "seeother-late:", 14) == 0) {
        px.fault = s[8] == ':' ? F_SEEOTHER : F_SEEOTHER_LATE;
        px.uri = strchr(s, ':') + 1;
        return;
    }
    if (strncmp(s, "close:", 6) == 0) {
        char *end;
        long code = strtol(s + 6, &end, 10);
        if ((*end && *end != ':') || code < 0 || code > 65535 ||
            (*end && strlen(end + 1) > 123))
            usage();
        px.fault = F_CLOSE;
        px.close_code = (int)code;
        px.close_reason = *end ? end + 1 : "wsproxy";
        return;
    }
    for (i = F_OVERSIZE; i <= F_STRIP; i++)
        if (strcmp(s, fault_names[i]) == 0) {
            px.fault = (enum fault)i;
            return;
        }
    usage();
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

int main(int argc, char **argv)
{
    struct evconnlistener *l;
    struct sockaddr_in sin;
    socklen_t slen = sizeof sin;
    struct event *sterm, *sint;
    const char *log = NULL;
    long port = -1;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--connect") == 0) {
            px.connect_mode = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--listen-port") == 0)
            port = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--upstream-port") == 0)
            px.upstream_port = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--log") == 0)
            log = argv[++i];
        else if (strcmp(argv[i], "--fault") == 0)
            parse_fault(argv[++i]);
        else
            usage();
    }
    if (port < 0 || port > 65535 || log == NULL ||
        (!px.connect_mode && px.upstream_port <= 0))
        usage();
    signal(SIGPIPE, SIG_IGN);
    px.log = fopen(log, "w");
    px.base = event_base_new();
    if (px.log == NULL || px.base == NULL) {
        fprintf(stderr, "wsproxy: cannot start: %s\n", strerror(errno));
        return 1;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = evconnlistener_new_bind(px.base, on_accept, &px,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
                                (struct sockaddr *)&sin, sizeof sin);
    if (l == NULL) {
        fprintf(stderr, "wsproxy: cannot listen: %s\n", strerror(errno));
        return 1;
    }
    getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin, &slen);
    printf("ready %u\n", ntohs(sin.sin_port));
    fflush(stdout);
    sterm = evsignal_new(px.base, SIGTERM, on_signal, px.base);
    sint = evsignal_new(px.base, SIGINT, on_signal, px.base);
    evsignal_add(sterm, NULL);
    evsignal_add(sint, NULL);
    event_base_dispatch(px.base);
    event_free(sterm);
    event_free(sint);
    evconnlistener_free(l);
    event_base_free(px.base);
    fclose(px.log);
    return 0;
}
