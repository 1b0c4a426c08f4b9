/* The interactive console's core: the connection's life (the link: login,
 * reconnects, quit), events from the session, transport records. The
 * requests are in app_request.c, the resync after a login in
 * app_resync.c. */
#include "app_internal.h"
#include "app_gist.h"
#include "base/buf.h"
#include "decode/decode.h"
#include "xmpp/jid.h"
#include "base/loop.h"
#include "model/model.h"
#include "conf/password.h"
#include "conf/conn.h"
#include "rest/failover.h"
#include "evidence/recorder.h"
#include "xmpp/console.h"
#include "xmpp/pubsub.h"
#include "xmpp/wsframe.h"
#include "xmpp/resync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PING_EVERY_MS 60000
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

static void on_connecting(void *arg)
{
    struct app *a = arg;

    if (a->state == APP_OFFLINE && !a->quitting)
        return; /* /disconnect meanwhile: the link closes it */
    a->state = APP_CONNECTING;
    app_changed(a, APP_CHANGED_STATUS);
}

static void on_online(void *arg, const char *bound, unsigned logins)
{
    struct app *a = arg;

    a->session = link_session(a->link);
    a->state = APP_ONLINE;
    a->attempt = 0;
    a->logins = logins;
    free(a->cause);
    a->cause = NULL;
    free(a->trouble);
    a->trouble = NULL;
    free(a->jid);
    a->jid = xstrdup(a->full_jid ? bound : a->bare);
    app_say(a, APP_SAY_INFO, "logged in as %s (%s)", bound,
            app_transport_text(a));
    if (a->quitting) {
        app_quit(a, a->keep_subscriptions);
        return;
    }
    failover_online(a->failover);
    app_resync(a);
    /* a cluster declared (REST or the other node given): which node and
     * its status from SystemInfo at once, not at its next Update */
    if (app_rest_known(a)) {
        app_rest_refresh(a, "/finesse/api/SystemInfo", NULL);
        a->rest_resync_due = 1; /* after the resync's items */
    }
    app_ping(a);
    loop_timer_start(a->ping_timer, PING_EVERY_MS);
    app_changed(a, APP_CHANGED_STATUS);
}

/* A message's events as they are applied, and its Console gist. */
struct dispatch {
    struct app *a;
    struct buf gist; /* the first event's words */
    size_t n;
};

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct dispatch *d = arg;
    json_t *ev = decode_event(pubsub_event_kind_name(kind), node, el);

    if (d->n++ == 0)
        app_event_words(&d->gist, ev);
    app_apply_event(d->a, ev);
}

/* The gist with the message's ring entry (the newest: the session records
 * a stanza before handing it on, and a message gets no answer), as
 * ui/console_gist.c would say it: the Console need not decode it again. */
static void keep_gist(struct app *a, unsigned long seq, xmpp_stanza_t *st,
                      struct dispatch *d)
{
    const struct console_entry *e = console_find(a->console, seq);
    const char *type = xmpp_stanza_get_type(st);

    if (e == NULL || e->dir != CONSOLE_IN || strcmp(e->name, "message") != 0 ||
        strcmp(xmpp_stanza_get_name(st), "message") != 0 ||
        (type && strcmp(type, "error") == 0) || d->gist.len == 0)
        return;
    if (d->n > 1)
        buf_printf(&d->gist, " (+%zu more)", d->n - 1);
    console_set_gist(a->console, seq, d->gist.data);
}

void app_take_stanza(struct app *a, xmpp_stanza_t *st)
{
    const char *from = xmpp_stanza_get_from(st);
    unsigned long seq = console_last_seq(a->console);
    struct dispatch d = {.a = a};

    if (a->failover && failover_stanza(a->failover, st)) {
        app_changed(a, APP_CHANGED_STATUS);
        return;
    }
    /* a capture's service is whoever sent its events */
    if (from == NULL || (a->replay == NULL && !jid_equal(from, a->service)))
        return;
    buf_init(&d.gist);
    if (pubsub_dispatch(st, on_event, &d) > 0) {
        keep_gist(a, seq, st, &d);
        app_flush_changes(a);
    }
    buf_done(&d.gist);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    app_take_stanza(arg, st);
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

/* What any end of a session does: nothing the server sends arrives any
 * more, so what the panes show may no longer be true. */
static void went_offline(struct app *a)
{
    a->session = NULL;
    loop_timer_stop(a->ping_timer);
    free(a->trouble);
    a->trouble = NULL;
    app_mark_stale(a);
}

/* Keeps the cause: the whole text (several lines for a certificate) stays
 * readable in the console; the line for the user is its first line. */
static void keep_cause(struct app *a, const char *cause)
{
    free(a->cause);
    a->cause = xstrdup(cause ? cause : "connection lost");
    console_add(a->console, CONSOLE_INFO, a->cause);
}

static void on_lost(void *arg, enum perch_fail why, const char *cause,
                    unsigned attempt, unsigned delay_ms)
{
    struct app *a = arg;
    (void)why;

    went_offline(a);
    if (a->quitting) {
        link_close(a->link);
        a->state = APP_OFFLINE;
        a->ev->quit(a->ev_arg);
        return;
    }
    keep_cause(a, cause);
    a->attempt = attempt;
    a->state = APP_RETRY;
    a->retry_at_ms = link_retry_at_ms(a->link);
    if (failover_lost(a->failover, delay_ms)) /* the cluster's rules */
        link_hold(a->link);
    say_cause(a);
    app_changed(a, APP_CHANGED_STATUS);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct app *a = arg;

    went_offline(a);
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
    /* a login refused for good is not retried: the user must act */
    keep_cause(a, cause);
    a->state = APP_OFFLINE;
    say_cause(a);
    app_changed(a, APP_CHANGED_STATUS);
}

/* A record's string copied into the record kept (cut to size); NULL
 * stays NULL. */
static const char *keep(char *dst, size_t size, const char *s)
{
    if (s == NULL)
        return NULL;
    snprintf(dst, size, "%s", s);
    return dst;
}

static void ws_note(struct app_ws *w, const struct transport_record *rec)
{
    if (rec->kind == TRANSPORT_WS_UPGRADE) {
        w->upgraded = 1;
        w->status = rec->status;
        keep(w->protocol, sizeof w->protocol,
             rec->protocol ? rec->protocol : "");
        keep(w->extensions, sizeof w->extensions,
             rec->extensions ? rec->extensions : "");
    } else if (rec->kind == TRANSPORT_WS_PING) {
        if (rec->error)
            w->pings_lost++;
        else
            w->rtt_ms = rec->duration_ms;
    } else {
        w->frames++;
        w->refused += rec->error != NULL;
        if (rec->opcode == WSFRAME_CLOSE)
            w->last_close = rec->close_code ? rec->close_code : 1005;
    }
}

/* BOSH requests fail and are resent: the session is not lost yet, but
 * the status bar must not say all is well. */
static void on_trouble(void *arg, const char *cause)
{
    struct app *a = arg;

    free(a->trouble);
    a->trouble = cause ? xstrdup(cause) : NULL;
    if (cause)
        console_add(a->console, CONSOLE_INFO, cause);
    app_changed(a, APP_CHANGED_STATUS);
}

static void record_bodies_free(struct app *a, struct app_record *r)
{
    a->bodies_bytes -= r->r.body_out_len + r->r.body_in_len;
    free((char *)r->r.body_out);
    free((char *)r->r.body_in);
    r->r.body_out = r->r.body_in = NULL;
    r->r.body_out_len = r->r.body_in_len = 0;
}

/* A copy of at most APP_BODY_MAX bytes of body, NUL-terminated. */
static char *body_copy(const char *body, size_t len, size_t *kept, int *cut)
{
    char *c;

    *kept = 0;
    if (body == NULL)
        return NULL;
    if (len > APP_BODY_MAX) {
        len = APP_BODY_MAX;
        *cut = 1;
    }
    c = xmalloc(len + 1);
    memcpy(c, body, len);
    c[len] = '\0';
    *kept = len;
    return c;
}

/* The bodies for the Network pane's detail: the oldest ones go first
 * when the newest together pass APP_BODIES_MAX. */
static void record_bodies(struct app *a, struct app_record *r,
                          const struct transport_record *rec)
{
    size_t i;

    r->body_cut = 0;
    r->r.body_out = body_copy(rec->body_out, rec->body_out_len,
                              &r->r.body_out_len, &r->body_cut);
    r->r.body_in = rec->capped ? NULL
                               : body_copy(rec->body_in, rec->body_in_len,
                                           &r->r.body_in_len, &r->body_cut);
    if (rec->capped)
        r->r.body_in_len = 0;
    a->bodies_bytes += r->r.body_out_len + r->r.body_in_len;
    for (i = 0; i < a->nrecords && a->bodies_bytes > APP_BODIES_MAX; i++)
        record_bodies_free(a, &a->records[(a->records_head + i) % APP_RECORDS]);
}

static void on_record(void *arg, const struct transport_record *rec)
{
    app_take_record(arg, rec);
}

void app_take_record(struct app *a, const struct transport_record *rec)
{
    struct app_record *r;

    if (a->nrecords < APP_RECORDS)
        r = &a->records[(a->records_head + a->nrecords++) % APP_RECORDS];
    else {
        r = &a->records[a->records_head];
        a->records_head = (a->records_head + 1) % APP_RECORDS;
        record_bodies_free(a, r);
    }
    r->r = *rec;
    r->r.error = keep(r->error, sizeof r->error, rec->error);
    r->r.date = keep(r->date, sizeof r->date, rec->date);
    r->r.what = keep(r->what, sizeof r->what, rec->what);
    r->r.close_reason =
        keep(r->close_reason, sizeof r->close_reason, rec->close_reason);
    r->r.protocol = keep(r->protocol, sizeof r->protocol, rec->protocol);
    r->r.extensions =
        keep(r->extensions, sizeof r->extensions, rec->extensions);
    r->r.via = keep(r->via, sizeof r->via, rec->via);
    record_bodies(a, r, rec);
    if (rec->kind != TRANSPORT_HTTP)
        ws_note(&a->ws, rec);
    a->records_total++;
    if (rec->error || rec->status >= 400)
        a->records_failed++;
    app_changed(a, APP_CHANGED_NETWORK);
}

static void on_params(void *arg, const struct transport_params *p)
{
    app_take_params(arg, p);
}

void app_take_params(struct app *a, const struct transport_params *p)
{
    a->params = *p;
    a->have_params = 1;
    app_changed(a, APP_CHANGED_NETWORK);
}

static const struct link_events app_link_events = {
    .connecting = on_connecting,
    .online = on_online,
    .stanza = on_stanza,
    .lost = on_lost,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
    .trouble = on_trouble,
};

static struct transport *make_transport(void *arg)
{
    struct app *a = arg;
    return conn_transport_at(a->loop, a->ctx, &a->cli->conn,
                             failover_moved_host(a->failover));
}

/* An attempt now; one that cannot even start leaves the console offline
 * with its cause. */
static void start_attempt(struct app *a)
{
    char *cause = NULL;

    a->state = APP_CONNECTING;
    app_changed(a, APP_CHANGED_STATUS);
    if (link_connect(a->link, &cause) != 0) {
        keep_cause(a, cause);
        free(cause);
        a->state = APP_OFFLINE;
        say_cause(a);
        app_changed(a, APP_CHANGED_STATUS);
    }
}

/* ---- the cluster (rest/failover.c) ---- */

static struct rest *failover_rest(void *arg, const char *host, char **cause)
{
    struct app *a = arg;
    return conn_rest_at(a->loop, a->ctx, &a->cli->conn, link_password(a->link),
                        FAILOVER_ASK_MS, host, a->recorder, cause);
}

/* The node the failover chose is the one named everywhere: the banner,
 * the status bar, /rest's base (made again for it). */
static void follow_node(struct app *a)
{
    const char *host = failover_host(a->failover);
    const char *moved = failover_moved_host(a->failover);
    const char *url = a->cli->conn.bosh ? a->cli->conn.bosh : a->cli->conn.ws;
    char *row;

    if (strcmp(host, a->host) == 0)
        return;
    free(a->host);
    a->host = xstrdup(host);
    free(a->server);
    if (url) /* the banner names the URL, as at the start */
        a->server = moved ? conn_url_at(url, host) : xstrdup(url);
    else
        a->server = xstrdup(host);
    app_rest_done(a); /* /rest goes to the node perch is on */
    row = xasprintf("cluster: now on %s%s%s%s", host,
                    failover_role(a->failover, host) ? " (" : "",
                    failover_role(a->failover, host)
                        ? failover_role(a->failover, host)
                        : "",
                    failover_role(a->failover, host) ? ")" : "");
    console_add(a->console, CONSOLE_INFO, row);
    free(row);
}

static void failover_connect(void *arg, int moved)
{
    struct app *a = arg;

    follow_node(a);
    if (moved && link_restart(a->link, "leaving the node for the other"))
        return; /* lost() follows, then the failover connects */
    if (a->state == APP_OFFLINE && !a->quitting)
        return; /* /disconnect meanwhile */
    start_attempt(a);
}

/* What the failover does: the banner's, and a line in Console each. */
static void failover_changed(void *arg)
{
    struct app *a = arg;
    const char *doing = failover_doing(a->failover);

    if (doing && (a->doing_said == NULL || strcmp(doing, a->doing_said))) {
        free(a->doing_said);
        a->doing_said = xstrdup(doing);
        console_add(a->console, CONSOLE_INFO, doing);
    }
    app_changed(a, APP_CHANGED_STATUS);
}

static const struct failover_events app_failover_events = {
    .rest_at = failover_rest,
    .connect = failover_connect,
    .changed = failover_changed,
};

int app_node(struct app *a, const char *which, char **cause)
{
    if (a->state == APP_OFFLINE) {
        *cause = xstrdup("offline: /connect first");
        return -1;
    }
    return failover_ask(a->failover, which, cause);
}

const char *app_failover_doing(const struct app *a)
{
    return a->failover ? failover_doing(a->failover) : NULL;
}

static void on_console_add(void *arg, const struct console_entry *e)
{
    (void)e;
    app_changed(arg, APP_CHANGED_CONSOLE);
}

/* The cluster's rules: inert until SystemInfo or --alternate names the
 * other node. */
static void make_failover(struct app *a)
{
    struct failover_config fcfg;
    struct jid j;
    char *cause = NULL;

    memset(&fcfg, 0, sizeof fcfg);
    fcfg.loop = a->loop;
    fcfg.host = a->host;
    fcfg.alternate = a->cli->conn.alternate;
    if (jid_parse(a->cli->conn.jid, &j, &cause) == 0) {
        fcfg.domain = j.domain;
        a->failover = failover_new(&fcfg, &app_failover_events, a);
        jid_done(&j);
        return;
    }
    free(cause);
    a->failover = failover_new(&fcfg, &app_failover_events, a);
}

/* The link: every attempt a new transport, the console's ring shared. */
static void make_link(struct app *a, const char *password)
{
    struct link_config lcfg;

    memset(&lcfg, 0, sizeof lcfg);
    lcfg.session.jid = a->cli->conn.jid;
    lcfg.session.resource = a->cli->conn.resource;
    lcfg.session.password = password;
    lcfg.session.sasl_mech = a->cli->conn.sasl;
    lcfg.session.allow_plaintext_auth = a->cli->conn.allow_plaintext_auth;
    lcfg.session.keepalive_ms = (unsigned)a->cli->conn.keepalive * 1000u;
    lcfg.session.console = a->console;
    lcfg.session.recorder = a->recorder;
    lcfg.transport = make_transport;
    lcfg.transport_arg = a;
    lcfg.retry = LINK_ALWAYS;
    a->link = link_new(a->loop, a->ctx, &lcfg, &app_link_events, a);
}

struct app *app_alloc(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                      const struct app_events *ev, void *arg)
{
    struct app *a = xcalloc(1, sizeof *a);

    a->loop = loop;
    a->ctx = ctx;
    a->cli = cli;
    a->ev = ev;
    a->ev_arg = arg;
    a->console = console_new(CONSOLE_ENTRIES, CONSOLE_BYTES);
    console_observe(a->console, on_console_add, a);
    model_init(&a->model);
    map_init(&a->created);
    map_init(&a->held);
    a->records = xcalloc(APP_RECORDS, sizeof *a->records);
    a->ping_timer = loop_timer_new(loop, on_ping_timer, a);
    a->rtt_ms = -1;
    a->ws.rtt_ms = -1;
    return a;
}

struct app *app_new(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                    char **nodes, int nnodes, const struct app_events *ev,
                    void *arg, char **cause)
{
    struct app *a;
    struct jid j;
    char *password = password_get(&cli->conn, cause), *why = NULL;

    if (password == NULL)
        return NULL;
    a = app_alloc(loop, ctx, cli, ev, arg);
    a->full_jid = cli->full_jid || cli->conn.full_jid;
    a->service = conn_service(&cli->conn);
    a->server = xstrdup(cli->conn.bosh     ? cli->conn.bosh
                        : cli->conn.ws     ? cli->conn.ws
                        : cli->conn.server ? cli->conn.server
                                           : "");
    if (jid_parse(cli->conn.jid, &j, cause) != 0) {
        explicit_bzero(password, strlen(password));
        free(password);
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
    if (cli->conn.record &&
        (a->recorder = conn_recorder(&cli->conn, "console", cause)) == NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
        app_free(a);
        return NULL;
    }
    if (cli->conn.keep_ended >= 0)
        a->model.ended_keep_ms = cli->conn.keep_ended * 1000.0;
    a->initial = nodes;
    a->ninitial = nnodes;
    /* without a ledger the console works, but cannot tell other perch
     * processes what it holds: said once in Console */
    if ((a->ledger = ledger_open(NULL, &why)) == NULL) {
        console_add(a->console, CONSOLE_INFO, why);
        free(why);
    }
    make_failover(a);
    make_link(a, password);
    explicit_bzero(password, strlen(password));
    free(password);
    return a;
}

void app_free(struct app *a)
{
    if (a == NULL)
        return;
    failover_free(a->failover);
    app_replay_free(a->replay);
    resync_cancel(a->resync);
    json_decref(a->resync_buf);
    app_listed_clear(a);
    app_rest_done(a);
    link_free(a->link);
    recorder_close(a->recorder);
    console_free(a->console);
    model_done(&a->model);
    map_done(&a->created, free);
    map_done(&a->held, free);
    ledger_close(a->ledger);
    ledger_list_done(&a->leftovers);
    free(a->question);
    for (size_t i = 0; a->records && i < a->nrecords; i++)
        record_bodies_free(a, &a->records[(a->records_head + i) % APP_RECORDS]);
    free(a->records);
    loop_timer_free(a->ping_timer);
    free(a->service);
    free(a->server);
    free(a->host);
    free(a->bare);
    free(a->jid);
    free(a->cause);
    free(a->trouble);
    free(a->doing_said);
    free(a);
}

void app_connect(struct app *a)
{
    if (a->state == APP_CONNECTING || a->state == APP_ONLINE)
        return;
    if (a->replay) {
        app_say(a, APP_SAY_ERROR, "connect: %s", APP_REPLAY_REFUSES);
        return;
    }
    start_attempt(a);
}

void app_disconnect(struct app *a)
{
    if (a->replay) {
        app_say(a, APP_SAY_ERROR, "disconnect: %s", APP_REPLAY_REFUSES);
        return;
    }
    a->state = APP_OFFLINE;
    if (!link_close(a->link)) /* else closed() follows and says so */
        app_changed(a, APP_CHANGED_STATUS);
}

void app_quit(struct app *a, int keep)
{
    if (a->quitting) { /* again: do not wait for the server any more */
        a->pending = 0;
        keep = 1;
    }
    a->quitting = 1;
    a->keep_subscriptions = keep;
    if (a->replay) { /* nothing was made on a server */
        a->ev->quit(a->ev_arg);
        return;
    }
    if (a->state == APP_ONLINE && !keep && app_release_all(a, 1) > 0)
        return; /* the answers call app_quit again */
    if (keep)
        app_release_all(a, 0);
    if (link_close(a->link))
        return; /* closed() quits */
    a->state = APP_OFFLINE;
    a->ev->quit(a->ev_arg);
}

void app_records_clear(struct app *a)
{
    size_t i;

    for (i = 0; i < a->nrecords; i++)
        record_bodies_free(a, &a->records[(a->records_head + i) % APP_RECORDS]);
    a->nrecords = a->records_head = 0;
    a->records_total = a->records_failed = 0;
    memset(&a->params, 0, sizeof a->params);
    a->have_params = 0;
    memset(&a->ws, 0, sizeof a->ws);
    a->ws.rtt_ms = -1;
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

double app_rate_next_ms(const struct app *a)
{
    struct timespec ts;
    int i;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* a second with events counts from its end for APP_RATE_SECONDS */
    for (i = 0; i <= APP_RATE_SECONDS; i++)
        if (a->rate_count[i] > 0 &&
            a->rate_second[i] + APP_RATE_SECONDS >= (long)ts.tv_sec)
            return 1000 - (double)ts.tv_nsec / 1e6;
    return -1;
}

size_t app_subscription_count(const struct app *a)
{
    return a->model.subscribed;
}

unsigned app_stale(const struct app *a)
{
    return a->stale;
}

const struct app_record *app_record_get(const struct app *a, size_t i)
{
    if (i >= a->nrecords)
        return NULL;
    return &a->records[(a->records_head + i) % APP_RECORDS];
}

int app_pending(const struct app *a, struct transport_pending *out, int max)
{
    struct transport *t;

    if (a->replay)
        return app_replay_pending(a, out, max);
    if (a->session == NULL || a->state == APP_OFFLINE)
        return 0;
    t = session_transport(a->session);
    return t->ops->pending ? t->ops->pending(t, out, max) : 0;
}

const char *app_transport_text(const struct app *a)
{
    struct session *s = a->link ? link_session(a->link) : NULL;
    struct transport *t;

    if (a->replay)
        return app_replay_describe(a);
    if (s == NULL || a->state == APP_OFFLINE)
        return "";
    t = session_transport(s);
    return t->ops->describe(t);
}
