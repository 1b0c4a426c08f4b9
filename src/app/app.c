/* The interactive console's core: the connection's life (login,
 * reconnects, quit), events from the session, transport records. The
 * requests are in app_request.c. */
#include "app_internal.h"
#include "base/buf.h"
#include "decode/decode.h"
#include "xmpp/jid.h"
#include "base/loop.h"
#include "model/model.h"
#include "conf/password.h"
#include "conf/conn.h"
#include "xmpp/console.h"
#include "xmpp/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PING_EVERY_MS 60000
#define RETRY_MAX_S 30
#define CONSOLE_ENTRIES 20000
#define CONSOLE_BYTES (32u << 20)

/* ---- the session's life ---- */

static void on_ping_timer(void *arg)
{
    struct app *a = arg;
    app_ping(a);
    if (a->state == APP_ONLINE)
        loop_timer_start(a->ping_timer, PING_EVERY_MS);
}

static void start_session(struct app *a);

static void on_retry(void *arg)
{
    start_session(arg);
}

static void on_ready(void *arg, const char *bound)
{
    struct app *a = arg;

    a->state = APP_ONLINE;
    a->attempt = 0;
    free(a->cause);
    a->cause = NULL;
    app_say(a, APP_SAY_INFO, "logged in as %s (%s)", bound,
            app_transport_text(a));
    if (a->quitting) {
        app_quit(a, a->keep_subscriptions);
        return;
    }
    app_disco(a);
    app_subscriptions(a); /* then the nodes of the command line */
    /* a cluster declared (REST or the other node given): which node and
     * its status from SystemInfo at once, not at its next Update */
    if (a->cli->conn.rest || a->cli->conn.alternate)
        app_rest_refresh(a, "/finesse/api/SystemInfo");
    app_ping(a);
    loop_timer_start(a->ping_timer, PING_EVERY_MS);
    app_changed(a, APP_CHANGED_STATUS);
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    app_apply_event(arg, decode_event(pubsub_event_kind_name(kind), node, el));
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct app *a = arg;
    const char *from = xmpp_stanza_get_from(st);

    if (from == NULL || !jid_equal(from, a->service))
        return;
    if (pubsub_dispatch(st, on_event, a) > 0)
        app_flush_changes(a);
}

static unsigned retry_delay_s(unsigned attempt)
{
    unsigned s = 1u << (attempt < 5 ? attempt : 5);
    return s > RETRY_MAX_S ? RETRY_MAX_S : s;
}

/* The cause on the message line: its first line — or, for an untrusted
 * certificate, the --pin that accepts it (the banner shows the first
 * line). */
static void say_cause(struct app *a)
{
    const char *nl = strchr(a->cause, '\n');
    const char *pin = strstr(a->cause, "--pin ");
    int first = nl ? (int)(nl - a->cause) : (int)strlen(a->cause);

    if (nl == NULL)
        app_say(a, APP_SAY_ERROR, "%s", a->cause);
    else if (pin) /* the banner has the first line already */
        app_say(a, APP_SAY_ERROR,
                "to trust this key: %.*s (details in Console)",
                (int)strcspn(pin, "\n"), pin);
    else
        app_say(a, APP_SAY_ERROR, "%.*s (details in Console)", first, a->cause);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct app *a = arg;
    int was_online = a->state == APP_ONLINE;

    loop_timer_stop(a->ping_timer);
    if (a->quitting) {
        a->state = APP_OFFLINE;
        a->ev->quit(a->ev_arg);
        return;
    }
    if (why == FAIL_CLOSED || why == FAIL_NONE || a->state == APP_OFFLINE) {
        a->state = APP_OFFLINE;
        app_say(a, APP_SAY_INFO, "disconnected");
        app_changed(a, APP_CHANGED_STATUS);
        return;
    }
    free(a->cause);
    a->cause = xstrdup(cause ? cause : "connection lost");
    /* the whole text (several lines for a certificate) stays readable in
     * the console; the line for the user is its first line and the pin */
    console_add(a->console, CONSOLE_INFO, a->cause);
    /* a login refused for good is not retried: the user must act */
    if (!was_online && (why == FAIL_AUTH || why == FAIL_CERT ||
                        why == FAIL_PLAINTEXT || why == FAIL_SASL_MECH)) {
        a->state = APP_OFFLINE;
        say_cause(a);
        app_changed(a, APP_CHANGED_STATUS);
        return;
    }
    a->attempt++;
    a->state = APP_RETRY;
    a->retry_at_ms = loop_now_ms() + retry_delay_s(a->attempt) * 1000.0;
    loop_timer_start(a->retry_timer, retry_delay_s(a->attempt) * 1000);
    say_cause(a);
    app_changed(a, APP_CHANGED_STATUS);
}

static void on_record(void *arg, const struct transport_record *rec)
{
    struct app *a = arg;
    struct app_record *r;

    if (a->nrecords < APP_RECORDS)
        r = &a->records[(a->records_head + a->nrecords++) % APP_RECORDS];
    else {
        r = &a->records[a->records_head];
        a->records_head = (a->records_head + 1) % APP_RECORDS;
    }
    r->r = *rec;
    snprintf(r->error, sizeof r->error, "%s", rec->error ? rec->error : "");
    snprintf(r->date, sizeof r->date, "%s", rec->date ? rec->date : "");
    r->r.error = rec->error ? r->error : NULL;
    r->r.date = rec->date ? r->date : NULL;
    a->records_total++;
    if (rec->error || rec->status >= 400)
        a->records_failed++;
    app_changed(a, APP_CHANGED_NETWORK);
}

static void on_params(void *arg, const struct transport_params *p)
{
    struct app *a = arg;
    a->params = *p;
    a->have_params = 1;
    app_changed(a, APP_CHANGED_NETWORK);
}

static const struct session_events app_session_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
};

/* The session of the last attempt is freed here, outside its callbacks. */
static void start_session(struct app *a)
{
    struct session_config scfg;
    char *cause = NULL;

    session_free(a->session);
    memset(&scfg, 0, sizeof scfg);
    scfg.jid = a->cli->conn.jid;
    scfg.resource = a->cli->conn.resource;
    scfg.password = a->password;
    scfg.sasl_mech = a->cli->conn.sasl;
    scfg.allow_plaintext_auth = a->cli->conn.allow_plaintext_auth;
    scfg.console = a->console;
    a->session = session_new(a->loop, a->ctx,
                             conn_transport(a->loop, a->ctx, &a->cli->conn),
                             &scfg, &app_session_events, a);
    a->state = APP_CONNECTING;
    app_changed(a, APP_CHANGED_STATUS);
    if (session_connect(a->session, &cause) != 0) {
        on_closed(a, FAIL_NETWORK, cause);
        free(cause);
    }
}

static void on_console_add(void *arg, const struct console_entry *e)
{
    (void)e;
    app_changed(arg, APP_CHANGED_CONSOLE);
}

struct app *app_new(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                    char **nodes, int nnodes, const struct app_events *ev,
                    void *arg, char **cause)
{
    struct app *a;
    struct jid j;
    char *password = password_get(&cli->conn, cause);

    if (password == NULL)
        return NULL;
    a = xcalloc(1, sizeof *a);
    a->loop = loop;
    a->ctx = ctx;
    a->cli = cli;
    a->ev = ev;
    a->ev_arg = arg;
    a->password = password;
    a->service = conn_service(&cli->conn);
    a->server = xstrdup(cli->conn.bosh     ? cli->conn.bosh
                        : cli->conn.server ? cli->conn.server
                                           : "");
    if (jid_parse(cli->conn.jid, &j, cause) != 0) {
        app_free(a);
        return NULL;
    }
    a->bare = jid_bare(&j);
    if (!*a->server) {
        free(a->server);
        a->server = xstrdup(j.domain);
    }
    jid_done(&j);
    a->host = conn_host(&cli->conn);
    a->console = console_new(CONSOLE_ENTRIES, CONSOLE_BYTES);
    console_observe(a->console, on_console_add, a);
    model_init(&a->model);
    if (cli->conn.keep_ended >= 0)
        a->model.ended_keep_ms = cli->conn.keep_ended * 1000.0;
    map_init(&a->created);
    a->records = xcalloc(APP_RECORDS, sizeof *a->records);
    a->retry_timer = loop_timer_new(loop, on_retry, a);
    a->ping_timer = loop_timer_new(loop, on_ping_timer, a);
    a->rtt_ms = -1;
    a->initial = nodes;
    a->ninitial = nnodes;
    return a;
}

void app_free(struct app *a)
{
    if (a == NULL)
        return;
    app_rest_done(a);
    session_free(a->session);
    console_free(a->console);
    model_done(&a->model);
    map_done(&a->created, free);
    free(a->records);
    loop_timer_free(a->retry_timer);
    loop_timer_free(a->ping_timer);
    if (a->password) {
        explicit_bzero(a->password, strlen(a->password));
        free(a->password);
    }
    free(a->service);
    free(a->server);
    free(a->host);
    free(a->bare);
    free(a->cause);
    free(a);
}

void app_connect(struct app *a)
{
    if (a->state == APP_CONNECTING || a->state == APP_ONLINE)
        return;
    loop_timer_stop(a->retry_timer);
    start_session(a);
}

void app_disconnect(struct app *a)
{
    loop_timer_stop(a->retry_timer);
    if (a->state == APP_RETRY)
        app_changed(a, APP_CHANGED_STATUS);
    if (a->state == APP_ONLINE || a->state == APP_CONNECTING) {
        a->state = APP_OFFLINE;
        session_close(a->session);
    }
    a->state = APP_OFFLINE;
}

void app_quit(struct app *a, int keep)
{
    size_t i = 0;
    const char *node;
    void *subid;

    if (a->quitting) { /* again: do not wait for the server any more */
        a->pending = 0;
        keep = 1;
    }
    a->quitting = 1;
    a->keep_subscriptions = keep;
    loop_timer_stop(a->retry_timer);
    if (a->state == APP_ONLINE && !keep && a->created.n > 0) {
        while (map_next(&a->created, &i, &node, &subid)) {
            a->pending++;
            app_unsubscribe_sub(a, node, subid, CLEANUP_TIMEOUT_MS);
        }
        return;
    }
    if (a->state == APP_ONLINE || a->state == APP_CONNECTING) {
        session_close(a->session);
        return;
    }
    a->state = APP_OFFLINE;
    a->ev->quit(a->ev_arg);
}

double app_rate(const struct app *a)
{
    struct timespec ts;
    long sec;
    unsigned long n = 0;
    int i;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    sec = (long)ts.tv_sec;
    for (i = 0; i <= APP_RATE_SECONDS; i++)
        if (a->rate_second[i] < sec &&
            a->rate_second[i] >= sec - APP_RATE_SECONDS)
            n += a->rate_count[i];
    return (double)n / APP_RATE_SECONDS;
}

size_t app_subscription_count(const struct app *a)
{
    return a->model.subscribed;
}

const struct app_record *app_record_get(const struct app *a, size_t i)
{
    if (i >= a->nrecords)
        return NULL;
    return &a->records[(a->records_head + i) % APP_RECORDS];
}

const char *app_transport_text(const struct app *a)
{
    struct transport *t;

    if (a->session == NULL || a->state == APP_OFFLINE)
        return "";
    t = session_transport(a->session);
    return t->ops->describe(t);
}
