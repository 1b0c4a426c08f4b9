/*
 * One WebSocket connection, below XMPP: libcurl connects in CONNECT_ONLY
 * mode (DNS, HTTP proxy CONNECT, TLS, trust — as for BOSH, through
 * src/http/), perch writes the Upgrade and reads its answer (wsproto.c),
 * then bytes go both ways through wslay (wsframe.c) on the socket libevent
 * watches. ws.c puts RFC 7395 on top.
 */
#ifndef PERCH_WSCONN_H
#define PERCH_WSCONN_H

#include "base/fail.h"
#include "http/httptls.h"
#include "transport.h"
#include "wsframe.h"

struct loop;
struct ws_url;

struct wsconn_events {
    /* Upgraded: frames may be sent. */
    void (*open)(void *arg);
    /* Every frame in and out (wsframe's callback). */
    wsframe_cb frame;
    /* The upgrade as a transport record (borrowed). */
    void (*record)(void *arg, const struct transport_record *rec);
    /* The connection failed or ended (cause: new string, the callee's);
     * nothing is read after. Never from inside a wsconn_ call. */
    void (*lost)(void *arg, enum perch_fail why, char *cause);
};

struct wsconn_config {
    const struct ws_url *url; /* borrowed, must outlive the connection */
    const char *name;         /* the URL as the user gave it, for messages */
    struct http_tls tls;      /* strings borrowed */
};

/* Starts connecting at once. The loop, the configuration's strings and
 * ev are borrowed. Never NULL. */
struct wsconn *wsconn_new(struct loop *loop, const struct wsconn_config *cfg,
                          const struct wsconn_events *ev, void *arg);
/* Closes the socket. Not from inside one of its callbacks. */
void wsconn_free(struct wsconn *c);

/* Sending (once open): -1 when the close handshake has begun. Written as
 * soon as the socket takes it. */
int wsconn_send_text(struct wsconn *c, const char *text, size_t len);
int wsconn_ping(struct wsconn *c, const char *data, size_t len);
/* Queues a close frame (unless one was) and writes what it can. */
void wsconn_close(struct wsconn *c, unsigned code);
/* 1 while open and no close frame came or went. */
int wsconn_open(const struct wsconn *c);
/* Reads nothing more; what is queued gets one last try to leave. */
void wsconn_stop(struct wsconn *c);

#endif
