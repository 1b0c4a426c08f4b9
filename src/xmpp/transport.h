/*
 * The interface the transports (tcp.c, bosh.c, ws.c) implement. A transport
 * moves stanzas and owns whatever is below XML: sockets, TLS, HTTP. The
 * session (session.c) does everything above: SASL, bind, iq tracking.
 */
#ifndef PERCH_TRANSPORT_H
#define PERCH_TRANSPORT_H

#include "base/fail.h"
#include <strophe.h>

struct transport;

/* How long connecting may take (TCP, TLS, a proxy's CONNECT: every
 * transport and the REST client), and how long a closing session waits for
 * the server's side of the close before it just goes. */
#define TRANSPORT_CONNECT_TIMEOUT_MS 10000
#define TRANSPORT_CLOSE_TIMEOUT_MS 3000

/* What a transport record describes. */
enum transport_record_kind {
    TRANSPORT_HTTP,       /* BOSH: one HTTP request and its response */
    TRANSPORT_WS_UPGRADE, /* WebSocket: the HTTP Upgrade exchange */
    TRANSPORT_WS_FRAME,   /* WebSocket: one frame, in or out */
    TRANSPORT_WS_PING,    /* WebSocket: a ping's round trip, or its loss */
};

/* One exchange or frame on the wire, for probe and the Network pane.
 * Strings are borrowed for the call. Fields a kind does not use are 0 or
 * NULL. */
struct transport_record {
    enum transport_record_kind kind;
    double start; /* wall clock, seconds since the epoch */
    unsigned long long rid;
    size_t bytes_out;   /* HTTP, upgrade: bytes of the request */
    long status;        /* HTTP status (also of an upgrade); 0 when none */
    size_t bytes_in;    /* HTTP: body; upgrade: the response head */
    double duration_ms; /* HTTP, upgrade; WS_PING: the round trip */
    unsigned stanzas_out;
    unsigned stanzas_in;
    int empty;         /* carried nothing either way */
    unsigned retries;  /* resends of this rid so far */
    int capped;        /* HTTP: the response went past the 16 MiB cap */
    const char *error; /* NULL, or why this attempt failed (or the frame was
                          refused, or the ping lost) */
    const char *date;  /* the response's Date header, or NULL */

    /* WebSocket frames (TRANSPORT_WS_FRAME) */
    int out;                  /* 1: sent by perch, 0: received */
    unsigned opcode;          /* RFC 6455 5.2: 0 continuation, 1 text, 2
                                 binary, 8 close, 9 ping, 10 pong */
    int fin;                  /* the last frame of its message */
    unsigned long long size;  /* payload bytes of the frame */
    const char *what;         /* the element a message held: "iq", "open"; an
                                 upgrade: the request's target ("/ws/") */
    unsigned close_code;      /* close frame: its status code, 0 none */
    const char *close_reason; /* close frame: its reason, or NULL */

    /* The upgrade (TRANSPORT_WS_UPGRADE) */
    double connect_ms;      /* TCP, proxy and TLS, before the request */
    const char *protocol;   /* Sec-WebSocket-Protocol, or NULL */
    const char *extensions; /* Sec-WebSocket-Extensions, or NULL */
    const char *via;        /* Server or Via headers: who answered */

    /* The bodies as sent and as received (borrowed; NULL when none), for
     * --record and the Network pane's detail. */
    const char *body_out, *body_in;
    size_t body_out_len, body_in_len;
};

/* A request on its way or held by the server (sent, not answered). */
struct transport_pending {
    unsigned long long rid;
    double start; /* wall clock, seconds since the epoch */
    int poll;     /* empty: the long poll the server holds */
};

/* Parameters a BOSH server answered with (0 when absent). */
struct transport_params {
    unsigned wait, requests, polling, inactivity, hold, maxpause;
    char ver[16];
};

/* What a transport reports to its owner. Stanzas are borrowed: valid only
 * for the duration of the call. */
struct transport_events {
    /* Stream features, after the transport's own TLS negotiation. */
    void (*features)(void *arg, xmpp_stanza_t *features);
    /* Any other top-level element (stanzas, SASL replies). */
    void (*stanza)(void *arg, xmpp_stanza_t *st);
    /* The transport is gone; cause is a sentence for the user. Called at
     * most once, never from inside a transport call made by the owner. */
    void (*closed)(void *arg, enum perch_fail why, const char *cause);
    /* BOSH: each finished HTTP attempt; WebSocket: the upgrade, each frame
     * and each ping; BOSH: the session parameters once they are known.
     * Both borrowed, may be NULL callbacks. */
    void (*record)(void *arg, const struct transport_record *rec);
    void (*params)(void *arg, const struct transport_params *p);
    /* BOSH only, may be NULL: a request failed and is being resent (cause
     * says which and why), or, with cause NULL, answers come again. The
     * session is not lost yet: closed() says when it is. */
    void (*trouble)(void *arg, const char *cause);
};

struct transport_ops {
    const char *name; /* "tcp", "bosh", "ws" */
    /* Starts connecting. -1 with *cause (caller frees) when it cannot. */
    int (*connect)(struct transport *t, char **cause);
    /* Queues a top-level element; it is on the wire before this returns or
     * as soon as the socket allows. */
    void (*send)(struct transport *t, xmpp_stanza_t *st);
    /* A new stream after SASL success; features follow. */
    void (*restart)(struct transport *t);
    /* 1 when the channel is encrypted and its peer verified or pinned. */
    int (*secure)(struct transport *t);
    /* A short description for status lines: "TLS 1.3, verified". */
    const char *(*describe)(struct transport *t);
    /* Ends the stream cleanly; closed() follows. */
    void (*close)(struct transport *t);
    void (*free)(struct transport *t);
    /* The requests unanswered now, oldest first, at most max into out;
     * returns how many. NULL for a transport without requests (TCP). */
    int (*pending)(struct transport *t, struct transport_pending *out, int max);
};

struct transport {
    const struct transport_ops *ops;
    const struct transport_events *ev;
    void *ev_arg;
};

static inline void transport_set_events(struct transport *t,
                                        const struct transport_events *ev,
                                        void *arg)
{
    t->ev = ev;
    t->ev_arg = arg;
}

#endif
