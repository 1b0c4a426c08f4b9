/* Shared scaffolding of the headless commands. */
#include "run.h"
#include "base/env.h"
#include "base/error.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "conf/conn.h"
#include "conf/password.h"
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

static void on_ready(void *arg, const char *jid)
{
    struct runner *r = arg;
    if (r->finishing) {
        session_close(r->session);
        return;
    }
    r->ev->ready(r, jid);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct runner *r = arg;
    if (r->ev->stanza)
        r->ev->stanza(r, st);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct runner *r = arg;

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

static const struct session_events runner_session_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
};

static void on_signal(void *arg)
{
    struct runner *r = arg;

    if (r->finishing) { /* second Ctrl-C: do not wait for the server */
        loop_exit(r->loop);
        return;
    }
    if (r->cleaning) { /* stop cleaning up, just close */
        r->finishing = 1;
        session_close(r->session);
        return;
    }
    runner_finish(r, EXIT_INTERRUPTED);
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

int runner_connect_password(struct runner *r, const struct cli *c,
                            const struct runner_events *ev,
                            const char *password)
{
    struct session_config scfg;
    struct transport *t;
    char *cause = NULL, *warning;

    if (c->conn.insecure)
        perch_error("warning: --insecure: the server's certificate is NOT "
                    "checked; anyone on the path can read and change this "
                    "session");
    if ((warning = env_keylog_warning()) != NULL) {
        perch_error("%s", warning);
        free(warning);
    }
    if (c->conn.tls == TLS_OFF && c->conn.bosh == NULL)
        perch_error("warning: --tls off: the connection is not encrypted");

    if (c->conn.record) {
        r->recorder = conn_recorder(&c->conn, c->command, &cause);
        if (r->recorder == NULL) {
            perch_error("%s", cause);
            free(cause);
            return EXIT_USAGE;
        }
    }
    t = conn_transport(r->loop, r->ctx, &c->conn);

    memset(&scfg, 0, sizeof scfg);
    scfg.jid = c->conn.jid;
    scfg.resource = c->conn.resource;
    scfg.password = password;
    scfg.sasl_mech = c->conn.sasl;
    scfg.allow_plaintext_auth = c->conn.allow_plaintext_auth;
    scfg.verbose = c->conn.verbose ? stderr : NULL;
    scfg.recorder = r->recorder;
    r->ev = ev;
    r->session =
        session_new(r->loop, r->ctx, t, &scfg, &runner_session_events, r);

    loop_on_signal(r->loop, SIGINT, on_signal, r);
    loop_on_signal(r->loop, SIGTERM, on_signal, r);
    signal(SIGPIPE, SIG_IGN);
    if (session_connect(r->session, &cause) != 0) {
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
    if (r->session)
        session_close(r->session);
    else
        loop_exit(r->loop);
}

void runner_done(struct runner *r)
{
    session_free(r->session);
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
