/*
 * What bosh.c (the session: requests, responses, pacing, delivery) and
 * bosh_curl.c (HTTP through the curl multi interface in the libevent
 * loop) share. Not for anything else.
 */
#ifndef PERCH_BOSH_INTERNAL_H
#define PERCH_BOSH_INTERNAL_H

#include "base/buf.h"
#include "bosh.h"

#include <curl/curl.h>
#include <event2/event.h>

#define BOSH_TIMEOUT_MARGIN_S 10 /* a request is late after wait + this */

enum bosh_state { B_IDLE, B_CREATING, B_OPEN, B_CLOSING, B_CLOSED };

/* One request: its body is resent byte for byte until it is answered. */
struct breq {
    struct bosh *b;
    CURL *easy;
    unsigned long long rid;
    char *body; /* exactly what is (re)sent */
    size_t body_len;
    unsigned stanzas_out;
    struct buf resp;
    int capped; /* the response went past BOSH_MAX_RESPONSE */
    char errbuf[CURL_ERROR_SIZE];
    long status;
    char date[64];
    unsigned retries;
    int poll; /* an empty request of an open session: the held poll */
    double start_ms, start_wall;
    int done; /* a good response waits to be handled in rid order */
    xmpp_stanza_t *parsed; /* its <body/>, or NULL if it did not parse */
    char *parse_error;     /* why it did not */
    struct loop_timer *retry_timer;
};

struct bosh {
    struct transport base;
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct bosh_config cfg; /* strings owned */
    enum bosh_state state;

    CURLM *multi;
    struct event *curl_timer;
    struct curl_slist *headers;

    char *sid;
    unsigned long long next_rid;   /* for the next new request */
    unsigned long long handle_rid; /* responses are handled in this order */
    struct transport_params params;
    struct breq *inflight[BOSH_MAX_REQUESTS];
    int ninflight;

    /* the response whose stanzas go to the session, a batch a turn */
    struct breq *delivering;
    xmpp_stanza_t *deliver_next;
    struct loop_timer *deliver_timer;

    /* no empty poll before this timer: the last one came back early */
    struct loop_timer *pace_timer;

    struct buf queue; /* serialized stanzas for the next request */
    unsigned queued;
    int restart_pending;
    int terminate_pending;
    struct loop_timer *close_timer;

    char describe[200];
    enum perch_fail fail;
    char *cause;
    int reported;
    struct event *report_ev;
};

/* bosh_curl.c: sets up the multi handle in b's loop. */
void bosh_curl_init(struct bosh *b);
void bosh_curl_done(struct bosh *b);
/* Starts (or restarts) the HTTP exchange of r. */
void bosh_curl_start(struct breq *r);
/* Connects once more without verification, only to show the user what
 * the server presented and the pin that would accept it. New string. */
char *bosh_curl_untrusted(struct bosh *b, const char *why);

/* bosh.c: an HTTP exchange of r ended with rc (easy handle still set). */
void bosh_finished(struct bosh *b, struct breq *r, CURLcode rc);

#endif
