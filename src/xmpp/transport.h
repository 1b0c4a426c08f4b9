/*
 * The interface both transports (tcp.c, bosh.c) implement. A transport
 * moves stanzas and owns whatever is below XML: sockets, TLS, HTTP. The
 * session (session.c) does everything above: SASL, bind, iq tracking.
 */
#ifndef PERCH_TRANSPORT_H
#define PERCH_TRANSPORT_H

#include "base/fail.h"
#include <strophe.h>

struct transport;

/* One HTTP exchange of a BOSH transport, for probe and the Network pane. */
struct transport_record {
    double start; /* wall clock, seconds since the epoch */
    unsigned long long rid;
    size_t bytes_out;
    long status; /* HTTP status; 0 when no response */
    size_t bytes_in;
    double duration_ms;
    unsigned stanzas_out;
    unsigned stanzas_in;
    int empty;         /* carried nothing either way */
    unsigned retries;  /* resends of this rid so far */
    int capped;        /* the response went past the 16 MiB cap */
    const char *error; /* NULL, or why this attempt failed */
    const char *date;  /* the response's Date header, or NULL */
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
    /* BOSH only: each finished HTTP attempt; the session parameters once
     * they are known. Both borrowed, may be NULL callbacks. */
    void (*record)(void *arg, const struct transport_record *rec);
    void (*params)(void *arg, const struct transport_params *p);
};

struct transport_ops {
    const char *name; /* "tcp", "bosh" */
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
    int (*pending)(struct transport *t, struct transport_pending *out,
                   int max);
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
