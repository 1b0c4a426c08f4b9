/* XMPP over WebSocket (RFC 7395; RFC 6455 by wslay): libcurl connects
 * (TCP, HTTP proxy CONNECT, TLS, exactly as for BOSH), perch writes the
 * Upgrade and reads its answer, then every message goes through the
 * bounded input path; the session above negotiates SASL and bind. */
#ifndef PERCH_WS_H
#define PERCH_WS_H

#include "http/httptls.h"
#include "transport.h"

struct loop;

struct ws_config {
    const char *url;        /* ws:// or wss:// */
    const char *domain;     /* the JID's domain: 'to' of <open/> */
    struct http_tls tls;    /* CA, pin, --insecure, proxy */
    unsigned ping_s;        /* seconds between WebSocket pings; 0: 20 */
    int follow_other_hosts; /* see-other-uri may name another host */
};

/* Borrowed ctx and loop must outlive the transport. Strings are copied. */
struct transport *ws_new(struct loop *loop, xmpp_ctx_t *ctx,
                         const struct ws_config *cfg);

/* A WebSocket ping unanswered this many times in a row ends the session. */
#define WS_PINGS_LOST_MAX 3
/* More pings than this from the server within a second: a flood. */
#define WS_PINGS_PER_S_MAX 50

#endif
