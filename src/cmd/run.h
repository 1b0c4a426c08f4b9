/*
 * What every headless command does around its own work: build the loop,
 * the libstrophe context, the transport and the session from the parsed
 * command line; log in; stop on SIGINT/SIGTERM; turn failures into one
 * line on stderr and an exit code.
 */
#ifndef PERCH_RUN_H
#define PERCH_RUN_H

#include "base/fail.h"
#include "conf/cli.h"
#include "xmpp/link.h"
#include "xmpp/session.h"

struct runner;

struct runner_events {
    /* Logged in: the first time, and again after each reconnect
     * (r->logins counts them). */
    void (*ready)(struct runner *r, const char *bound_jid);
    /* The rest may be NULL. */
    void (*stanza)(struct runner *r, xmpp_stanza_t *st);
    /* Before the loop ends; the cause was not printed when this is set. */
    void (*closed)(struct runner *r, enum perch_fail why, const char *cause);
    void (*record)(struct runner *r, const struct transport_record *rec);
    void (*params)(struct runner *r, const struct transport_params *p);
    /* Called once by the first runner_finish() while logged in: undo what
     * the command did on the server, then call runner_finish() again. */
    void (*cleanup)(struct runner *r);
    /* With r->retry: the session was lost and another attempt follows in
     * delay_ms. NULL: one line on stderr says so. */
    void (*lost)(struct runner *r, enum perch_fail why, const char *cause,
                 unsigned attempt, unsigned delay_ms);
};

/* What the link needs to make each attempt's transport. */
struct runner_transport {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    const struct conn_opts *conn;
    struct failover *failover; /* the node to connect to; NULL */
};

struct runner {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    /* The logged-in session: set at each login, NULL while lost (do not
     * keep it across a loss). */
    struct session *session;
    struct link *link; /* NULL until runner_connect */
    /* the cluster's rules (rest/failover.h) with a retry policy; NULL
     * with LINK_ONCE */
    struct failover *failover;
    char *doing; /* the failover's last words printed; NULL */
    struct runner_transport transport;
    struct recorder *recorder; /* --record, or NULL */
    const struct runner_events *ev;
    /* Set before runner_connect: LINK_ONCE (the default: a loss ends the
     * command, exit 3) or LINK_AFTER_LOGIN (reconnect, as watch does). */
    enum link_retry retry;
    unsigned logins;
    int exit_code;
    int cleaning;
    int finishing;
};

/* Loop and context only: enough to parse stanzas before connecting. */
int runner_init(struct runner *r, const struct cli *c);
/* Password, transport, session, connect. Returns 0, or an exit code after
 * printing the cause. */
int runner_connect(struct runner *r, const struct cli *c,
                   const struct runner_events *ev);
/* The same with the password given (borrowed; for a command that needs
 * it for more than the session, such as rest). */
int runner_connect_password(struct runner *r, const struct cli *c,
                            const struct runner_events *ev,
                            const char *password);
/* --record FILE opened into r->recorder (once: runner_connect keeps one
 * already open), for a command that records before it logs in (rest).
 * 0, or EXIT_USAGE after saying why. */
int runner_record(struct runner *r, const struct cli *c);
/* The password from the CONN options' sources (new string: free it with
 * runner_password_free, which wipes it), or NULL after saying why. */
char *runner_password(const struct cli *c);
void runner_password_free(char *password);
/* Runs until the session closed; returns the exit code. */
int runner_run(struct runner *r);
/* Records code (the first non-zero wins) and closes the session. */
void runner_finish(struct runner *r, int code);
void runner_done(struct runner *r);

/* runner_init, runner_connect, runner_run and runner_done in a row: the
 * whole life of a command that needs nothing between them. Returns the
 * exit code. */
int runner_main(struct runner *r, const struct cli *c,
                const struct runner_events *ev);

/*
 * For a request whose answer a command needs: unless it ended in a result
 * (session_iq_end), says why on stderr as "WHO: why" (session_iq_failure;
 * nothing when the session closed, which said so), finishes with exit 1
 * for an error and 5 for no answer, and returns 1. Returns 0 for a result
 * the caller goes on with.
 */
int runner_unanswered(struct runner *r, enum iq_outcome outcome,
                      xmpp_stanza_t *reply, const char *who);

#endif
