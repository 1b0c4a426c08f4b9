/*
 * One account kept connected: a session over a new transport for each
 * attempt, made again after a loss by the one reconnect policy
 * (backoff.h: 1 s doubling to 30 s, jittered, reset after a healthy
 * minute). The console (src/app/app.c) and the headless commands
 * (src/cmd/run.c) both use it, so a loss, its cause and the next attempt
 * are the same everywhere. Liveness (keepalive pings) is the session's.
 */
#ifndef PERCH_LINK_H
#define PERCH_LINK_H

#include "session.h"

struct link;

/* Makes the transport of one attempt (the session takes it). */
typedef struct transport *(*link_transport_fn)(void *arg);

enum link_retry {
    LINK_ONCE,        /* the first loss is the end */
    LINK_AFTER_LOGIN, /* reconnect once a session had logged in */
    LINK_ALWAYS,      /* also when the first attempts fail (the console) */
};

struct link_config {
    /* Copied, strings too (the password is wiped at link_free); the
     * console ring stays borrowed. Without a resource, one perch-XXXX is
     * chosen here and kept for every attempt, so that a full-JID
     * subscription still reaches this process after a reconnect. */
    struct session_config session;
    link_transport_fn transport;
    void *transport_arg;
    enum link_retry retry;
};

struct link_events {
    /* An attempt starts (the first, or one after a loss). May be NULL. */
    void (*connecting)(void *arg);
    /* Logged in; logins counts them (1 the first, 2 after one loss …). */
    void (*online)(void *arg, const char *bound_jid, unsigned logins);
    /* A stanza no request waited for (borrowed). May be NULL. */
    void (*stanza)(void *arg, xmpp_stanza_t *st);
    /* The session was lost, or an attempt failed; the next attempt starts
     * in delay_ms. attempt counts from 1 since the last healthy minute.
     * May be NULL. */
    void (*lost)(void *arg, enum perch_fail why, const char *cause,
                 unsigned attempt, unsigned delay_ms);
    /* The end: FAIL_CLOSED after link_close, or a failure that is not
     * retried (the policy says so, or a login refused for good:
     * credentials, certificate, plaintext, SASL mechanism). */
    void (*closed)(void *arg, enum perch_fail why, const char *cause);
    /* Passed through from the session (may be NULL). */
    void (*record)(void *arg, const struct transport_record *rec);
    void (*params)(void *arg, const struct transport_params *p);
    void (*trouble)(void *arg, const char *cause);
};

struct link *link_new(struct loop *loop, xmpp_ctx_t *ctx,
                      const struct link_config *cfg,
                      const struct link_events *ev, void *arg);
void link_free(struct link *l);

/* Starts an attempt now (also while waiting for the next one). -1 with
 * *cause (caller frees) when it cannot even start and will not be
 * retried; with a retry policy the failure is a loss like any other. */
int link_connect(struct link *l, char **cause);

/* No more attempts; closes the session if one is open or logging in.
 * Returns 1 when closed(FAIL_CLOSED) follows, 0 when nothing was open. */
int link_close(struct link *l);

/* The owner takes the next attempt over (a cluster's failover): the one
 * scheduled after a loss is cancelled; link_connect starts the next. */
void link_hold(struct link *l);

/* Leaves a live session for a new attempt (another node): the session is
 * closed, lost() says so with a delay of 0 and the attempt follows
 * (unless the owner holds it). 0 when nothing was open. */
int link_restart(struct link *l, const char *why);

/* The session of the current (or last) attempt: borrowed, NULL before
 * the first. Do not keep it across a loss. */
struct session *link_session(struct link *l);

/* The password the link logs in with (its copy, borrowed until link_free),
 * for what logs in elsewhere as the same account: the console's /rest. */
const char *link_password(const struct link *l);
/* 1 while logged in. */
int link_online(const struct link *l);
/* Waiting for the next attempt: when it starts (loop_now_ms()) and its
 * number; 0 when none is scheduled. */
double link_retry_at_ms(const struct link *l);
unsigned link_attempt(const struct link *l);

/* A login refused for good: retrying cannot help, the user must act. */
int link_fail_is_final(enum perch_fail why);

#endif
