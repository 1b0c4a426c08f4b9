/*
 * An XMPP session over any transport: SASL, bind, initial presence, ids,
 * iq requests with per-request timeouts, dispatch of incoming stanzas, and
 * the console ring of everything in and out. Knows transport.h only.
 */
#ifndef PERCH_SESSION_H
#define PERCH_SESSION_H

#include "base/fail.h"
#include "transport.h"

#include <stdio.h>
#include <strophe.h>

struct loop;
struct console;
struct recorder;
struct session;

/* How long perch waits for the server when nothing else is asked for (send
 * --timeout): the answer to a request, and the whole login. */
#define SESSION_TIMEOUT_MS 30000

/* Liveness: a XEP-0199 ping to the server when nothing arrived for the
 * keepalive (default 15 s), answered within the keepalive or 10 s,
 * whichever is shorter; no answer and nothing else arrived is a loss
 * (FAIL_SILENT). A silent server is therefore noticed within 25 s. */
#define SESSION_KEEPALIVE_S 15
#define SESSION_PING_TIMEOUT_MS 10000

struct session_config {
    const char *jid;      /* user@domain[/resource] */
    const char *resource; /* NULL: the JID's, else perch-XXXX */
    const char *password;
    const char *sasl_mech; /* NULL: best offered */
    int allow_plaintext_auth;
    unsigned login_timeout_ms; /* 0: SESSION_TIMEOUT_MS */
    unsigned keepalive_ms;     /* nothing arrived this long: ping; 0 off */
    FILE *verbose;             /* protocol log (redacted), or NULL */
    /* Borrowed ring to record into (it outlives reconnects); NULL: no
     * ring, and nothing is serialised unless verbose is set (headless
     * commands: nothing reads one). */
    struct console *console;
    /* Borrowed --record file (evidence/recorder.h): every stanza, transport
     * record and parameter set is written to it; NULL: none. */
    struct recorder *recorder;
};

enum iq_outcome { IQ_REPLY, IQ_TIMEOUT, IQ_CLOSED };

/* How a request ended. RFC 6120 8.2.3: an iq get/set is answered by a
 * result or an error; a reply of any other type (or none) is no answer. */
enum iq_end {
    IQ_END_RESULT,    /* type='result' */
    IQ_END_ERROR,     /* type='error' */
    IQ_END_NO_ANSWER, /* timed out, or a reply that is neither */
    IQ_END_CLOSED,    /* the session ended first */
};

/* reply is borrowed (NULL unless IQ_REPLY); rtt_ms from send to reply. */
typedef void (*session_iq_cb)(void *arg, enum iq_outcome outcome,
                              xmpp_stanza_t *reply, double rtt_ms);

struct session_events {
    /* Logged in, bound and initial presence sent. */
    void (*ready)(void *arg, const char *bound_jid);
    /* A stanza no request was waiting for (borrowed). May be NULL. */
    void (*stanza)(void *arg, xmpp_stanza_t *st);
    /* The session ended; FAIL_CLOSED after session_close(). */
    void (*closed)(void *arg, enum perch_fail why, const char *cause);
    /* Transport diagnostics, passed through (see transport.h); may be
     * NULL. */
    void (*record)(void *arg, const struct transport_record *rec);
    void (*params)(void *arg, const struct transport_params *p);
    void (*trouble)(void *arg, const char *cause);
};

/* Takes ownership of the transport. ctx and loop are borrowed. */
struct session *session_new(struct loop *loop, xmpp_ctx_t *ctx,
                            struct transport *t,
                            const struct session_config *cfg,
                            const struct session_events *ev, void *arg);
void session_free(struct session *s);

/* -1 with *cause (caller frees) when connecting cannot even start. */
int session_connect(struct session *s, char **cause);
/* Ends the stream cleanly; closed(FAIL_CLOSED) follows. */
void session_close(struct session *s);

/* Sends st (not consumed), first giving it an id when it has none. */
void session_send(struct session *s, xmpp_stanza_t *st);
/* Sends an iq and calls cb once: with the reply, on timeout, or when the
 * session closes first. Returns the iq's id (borrowed from iq). */
const char *session_send_iq(struct session *s, xmpp_stanza_t *iq,
                            unsigned timeout_ms, session_iq_cb cb, void *arg);
/* Forgets a request; its callback will not be called. */
void session_cancel_iq(struct session *s, const char *id);

xmpp_ctx_t *session_ctx(struct session *s);
/* borrowed; NULL when the session was given none */
struct console *session_console(struct session *s);
const char *session_bound_jid(struct session *s); /* NULL until ready */
/* 1 from session_connect until the session is closing or closed. */
int session_active(const struct session *s);
struct transport *session_transport(struct session *s);

/*
 * Checks a resource the user chose: "desktop" is refused (it would log a
 * Finesse agent's desktop out) unless force. 0, or -1 with *cause.
 */
int session_check_resource(const char *resource, int force, char **cause);

/* How a request with this outcome and reply (borrowed; NULL unless
 * IQ_REPLY) ended. */
enum iq_end session_iq_end(enum iq_outcome outcome, xmpp_stanza_t *reply);

/*
 * Why a request did not end in a usable result, in the words both the
 * console and the headless commands show after "WHAT: ": "no answer",
 * "the connection closed first", "not an answer (<iq> of type 'get')",
 * "a result without what was asked for" (for a result the caller could
 * not use), or an error's condition and text ("item-not-found — no such
 * node"). New string, caller frees.
 */
char *session_iq_failure(enum iq_outcome outcome, xmpp_stanza_t *reply);

/* The condition of an error reply ("item-not-found"), or "unknown".
 * Borrowed from the stanza. text, when not NULL, gets the <text/>. */
const char *session_error_condition(xmpp_stanza_t *reply, const char **type,
                                    char **text);

/* The node a stanza is about (pubsub requests, disco queries, event
 * items), for the console's filter: borrowed from st, or NULL. */
const char *session_stanza_node(xmpp_stanza_t *st);

#endif
