/* Shared scaffolding of the headless commands. */
#include "run.h"
#include "base/env.h"
#include "base/error.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "conf/conn.h"
#include "conf/password.h"
#include "rest/failover.h"
#include "xmpp/jid.h"
#include "xmpp/link.h"
#include "evidence/recorder.h"
#include "xmpp/console.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libstrophe's own log, shown with -v; SASL data is redacted. */
static void strophe_log(void *arg, xmpp_log_level_t level, const char *area,
                        const char *msg)
{
    char *clean;
    (void)arg;
    if (level < XMPP_LEVEL_INFO)
        return;
    clean = console_redact(msg);
    sanitize_fprintf(stderr, SANITIZE_LINE, "strophe %s: %s", area, clean);
    fputc('\n', stderr);
    free(clean);
}

static xmpp_log_t verbose_log = {strophe_log, NULL};

int runner_init(struct runner *r, const struct cli *c)
{
    memset(r, 0, sizeof *r);
    xmpp_initialize();
    r->loop = loop_new();
    r->ctx = xmpp_ctx_new(NULL, c->conn.verbose ? &verbose_log : NULL);
    if (r->loop == NULL || r->ctx == NULL) {
        perch_error("cannot set up the event loop");
        return EXIT_CONNECT;
    }
    return 0;
}

static void on_online(void *arg, const char *jid, unsigned logins)
{
    struct runner *r = arg;

    r->session = link_session(r->link);
    r->logins = logins;
    if (r->failover)
        failover_online(r->failover);
    if (r->finishing) {
        link_close(r->link);
        return;
    }
    r->ev->ready(r, jid);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct runner *r = arg;
    if (r->failover && failover_stanza(r->failover, st))
        return;
    if (r->ev->stanza)
        r->ev->stanza(r, st);
}

static void on_lost(void *arg, enum perch_fail why, const char *cause,
                    unsigned attempt, unsigned delay_ms)
{
    struct runner *r = arg;

    r->session = NULL;
    if (r->finishing) { /* nothing left to undo on a server we lost */
        link_close(r->link);
        loop_exit(r->loop);
        return;
    }
    if (r->failover && failover_lost(r->failover, delay_ms))
        link_hold(r->link); /* the cluster's rules say when and where */
    if (r->ev->lost)
        r->ev->lost(r, why, cause, attempt, delay_ms);
    else
        perch_error("connection lost: %s; reconnecting in %.1f s (attempt "
                    "%u)",
                    cause, delay_ms / 1000.0, attempt);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct runner *r = arg;

    r->session = NULL;
    if (why != FAIL_CLOSED && why != FAIL_NONE) {
        if (r->ev->closed)
            r->ev->closed(r, why, cause);
        else
            perch_error("%s", cause);
        if (r->exit_code == 0)
            r->exit_code = fail_exit_code(why);
    }
    loop_exit(r->loop);
}

static void on_record(void *arg, const struct transport_record *rec)
{
    struct runner *r = arg;
    if (r->ev->record)
        r->ev->record(r, rec);
}

static void on_params(void *arg, const struct transport_params *p)
{
    struct runner *r = arg;
    if (r->ev->params)
        r->ev->params(r, p);
}

static const struct link_events runner_link_events = {
    .online = on_online,
    .stanza = on_stanza,
    .lost = on_lost,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
};

/* Closes whatever is open, or ends the loop when nothing is. */
static void close_or_exit(struct runner *r)
{
    if (r->link == NULL || !link_close(r->link))
        loop_exit(r->loop);
}

static void on_signal(void *arg)
{
    struct runner *r = arg;

    if (r->finishing) { /* second Ctrl-C: do not wait for the server */
        loop_exit(r->loop);
        return;
    }
    if (r->cleaning) { /* stop cleaning up, just close */
        r->finishing = 1;
        close_or_exit(r);
        return;
    }
    runner_finish(r, EXIT_INTERRUPTED);
}

static struct transport *make_transport(void *arg)
{
    struct runner_transport *rt = arg;
    return conn_transport_at(rt->loop, rt->ctx, rt->conn,
                             rt->failover ? failover_moved_host(rt->failover)
                                          : NULL);
}

/* ---- the cluster (rest/failover.c) ---- */

static struct rest *failover_rest(void *arg, const char *host, char **cause)
{
    struct runner *r = arg;
    return conn_rest_at(r->loop, r->ctx, r->transport.conn,
                        link_password(r->link), FAILOVER_ASK_MS, host,
                        r->recorder, cause);
}

static void failover_connect(void *arg, int moved)
{
    struct runner *r = arg;
    char *cause = NULL;

    if (r->finishing)
        return;
    if (moved && link_restart(r->link, "leaving the node for the other"))
        return; /* lost() follows, then the failover connects */
    if (link_connect(r->link, &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
        if (r->exit_code == 0)
            r->exit_code = EXIT_CONNECT;
        loop_exit(r->loop);
    }
}

/* What the failover does, said once on stderr; once it is done, the same
 * thing happening again is said again. */
static void failover_changed(void *arg)
{
    struct runner *r = arg;
    const char *doing = failover_doing(r->failover);

    if (doing == NULL) {
        free(r->doing);
        r->doing = NULL;
        return;
    }
    if (r->doing && strcmp(doing, r->doing) == 0)
        return;
    free(r->doing);
    r->doing = xstrdup(doing);
    perch_error("%s", doing);
}

static const struct failover_events runner_failover_events = {
    .rest_at = failover_rest,
    .connect = failover_connect,
    .changed = failover_changed,
};

static void make_failover(struct runner *r, const struct cli *c)
{
    struct failover_config fcfg;
    struct jid j;
    char *cause = NULL, *host = conn_host(&c->conn);

    memset(&fcfg, 0, sizeof fcfg);
    fcfg.loop = r->loop;
    fcfg.host = host;
    fcfg.alternate = c->conn.alternate;
    fcfg.ask_at_login = c->conn.rest || c->conn.alternate;
    if (jid_parse(c->conn.jid, &j, &cause) == 0) {
        fcfg.domain = j.domain;
        r->failover = failover_new(&fcfg, &runner_failover_events, r);
        jid_done(&j);
    } else {
        free(cause);
        r->failover = failover_new(&fcfg, &runner_failover_events, r);
    }
    r->transport.failover = r->failover;
    free(host);
}

char *runner_password(const struct cli *c)
{
    char *cause = NULL, *password = password_get(&c->conn, &cause);

    if (password == NULL) {
        perch_error("%s", cause);
        free(cause);
    }
    return password;
}

void runner_password_free(char *password)
{
    if (password) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
}

int runner_connect(struct runner *r, const struct cli *c,
                   const struct runner_events *ev)
{
    char *password = runner_password(c);
    int code;

    if (password == NULL)
        return EXIT_USAGE;
    code = runner_connect_password(r, c, ev, password);
    runner_password_free(password);
    return code;
}

int runner_record(struct runner *r, const struct cli *c)
{
    char *cause = NULL;

    if (c->conn.record == NULL || r->recorder)
        return 0;
    r->recorder = conn_recorder(&c->conn, c->command, &cause);
    if (r->recorder == NULL) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    return 0;
}

int runner_connect_password(struct runner *r, const struct cli *c,
                            const struct runner_events *ev,
                            const char *password)
{
    struct link_config lcfg;
    char *cause = NULL, *warning;

    if (c->conn.insecure)
        perch_error("warning: --insecure: the server's certificate is NOT "
                    "checked; anyone on the path can read and change this "
                    "session");
    if ((warning = env_keylog_warning()) != NULL) {
        perch_error("%s", warning);
        free(warning);
    }
    if (c->conn.tls == TLS_OFF && c->conn.bosh == NULL && c->conn.ws == NULL)
        perch_error("warning: --tls off: the connection is not encrypted");

    if (runner_record(r, c) != 0)
        return EXIT_USAGE;
    r->transport.loop = r->loop;
    r->transport.ctx = r->ctx;
    r->transport.conn = &c->conn;
    if (r->retry != LINK_ONCE)
        make_failover(r, c);
    memset(&lcfg, 0, sizeof lcfg);
    lcfg.session.jid = c->conn.jid;
    lcfg.session.resource = c->conn.resource;
    lcfg.session.password = password;
    lcfg.session.sasl_mech = c->conn.sasl;
    lcfg.session.allow_plaintext_auth = c->conn.allow_plaintext_auth;
    lcfg.session.keepalive_ms = (unsigned)c->conn.keepalive * 1000u;
    lcfg.session.verbose = c->conn.verbose ? stderr : NULL;
    lcfg.session.recorder = r->recorder;
    lcfg.transport = make_transport;
    lcfg.transport_arg = &r->transport;
    lcfg.retry = r->retry;
    r->ev = ev;
    r->link = link_new(r->loop, r->ctx, &lcfg, &runner_link_events, r);

    loop_on_signal(r->loop, SIGINT, on_signal, r);
    loop_on_signal(r->loop, SIGTERM, on_signal, r);
    signal(SIGPIPE, SIG_IGN);
    if (link_connect(r->link, &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_CONNECT;
    }
    return 0;
}

int runner_run(struct runner *r)
{
    loop_run(r->loop);
    return r->exit_code;
}

void runner_finish(struct runner *r, int code)
{
    if (r->exit_code == 0)
        r->exit_code = code;
    if (r->ev && r->ev->cleanup && !r->cleaning && r->session &&
        session_bound_jid(r->session)) {
        r->cleaning = 1;
        r->ev->cleanup(r);
        return;
    }
    r->finishing = 1;
    close_or_exit(r);
}

void runner_done(struct runner *r)
{
    failover_free(r->failover);
    free(r->doing);
    link_free(r->link);
    recorder_close(r->recorder);
    if (r->ctx)
        xmpp_ctx_free(r->ctx);
    loop_free(r->loop);
    xmpp_shutdown();
    memset(r, 0, sizeof *r);
}

int runner_main(struct runner *r, const struct cli *c,
                const struct runner_events *ev)
{
    int code = runner_init(r, c);

    if (code == 0)
        code = runner_connect(r, c, ev);
    if (code == 0)
        code = runner_run(r);
    runner_done(r);
    return code;
}

int runner_unanswered(struct runner *r, enum iq_outcome outcome,
                      xmpp_stanza_t *reply, const char *who)
{
    enum iq_end end = session_iq_end(outcome, reply);
    char *why;

    if (end == IQ_END_RESULT)
        return 0;
    if (end == IQ_END_CLOSED)
        return 1; /* the cause was said when the session closed */
    why = session_iq_failure(outcome, reply);
    perch_error("%s: %s", who, why);
    free(why);
    runner_finish(r, end == IQ_END_ERROR ? EXIT_REPLY_ERROR : EXIT_TIMEOUT);
    return 1;
}
