/* XMPP over TCP (RFC 6120): perch's own socket, TLS and bounded XML reader
 * (xmlstream.c); the session above negotiates SASL and bind. */
#ifndef PERCH_TCP_H
#define PERCH_TCP_H

#include "tls.h"
#include "transport.h"

struct loop;

struct tcp_config {
    const char *domain;  /* the JID's domain: stream 'to', certificate name */
    const char *host;    /* NULL: the domain (no SRV lookup) */
    unsigned short port; /* 0: default */
    enum tls_mode tls;
    const char *ca_file; /* NULL: system store */
    const char *pin;     /* NULL or "sha256//…[;sha256//…]" */
    int insecure;        /* accept any certificate */
    unsigned connect_timeout_ms;
};

/* Borrowed ctx and loop must outlive the transport. Strings are copied. */
struct transport *tcp_new(struct loop *loop, xmpp_ctx_t *ctx,
                          const struct tcp_config *cfg);

#endif
