/* XMPP over BOSH (XEP-0124 + XEP-0206) with the libcurl multi interface
 * driven from the libevent loop. */
#ifndef PERCH_BOSH_H
#define PERCH_BOSH_H

#include "http/httptls.h"
#include "transport.h"

struct loop;

struct bosh_config {
    const char *url;     /* http:// or https:// connection manager */
    const char *domain;  /* the JID's domain: 'to' of the session */
    struct http_tls tls; /* CA, pin, --insecure, proxy */
    unsigned wait;       /* seconds a poll may be held; 0: the profile's */
    unsigned timeout;    /* a request unanswered this long is given up; 0:
                            the server's wait + the profile's margin */
    const struct bosh_profile *profile; /* NULL: perch's own */
};

/* Borrowed ctx and loop must outlive the transport. Strings are copied. */
struct transport *bosh_new(struct loop *loop, xmpp_ctx_t *ctx,
                           const struct bosh_config *cfg);

/* Upper bound on requests in flight whatever the server says. */
#define BOSH_MAX_REQUESTS 4
/* Stanzas of one response handed to the session in a turn of the loop. */
#define BOSH_BATCH 64
/* An empty poll answered at once waits the server's polling interval,
 * and at least this many seconds, before the next one. */
#define BOSH_MIN_POLL_S 1

#endif
