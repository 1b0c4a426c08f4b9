/*
 * perch simulate: a Finesse-like publisher. Creates the Finesse node set
 * (a node that exists already is fine), then publishes the simulator's
 * Update documents with a bounded window of unanswered publishes, paced
 * by a timer to at most --rate events a second.
 */
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "xmpp/jid.h"
#include "base/loop.h"
#include "run.h"
#include "sim/sim.h"
#include "simrest.h"
#include "xmpp/pubsub.h"

#include <signal.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WINDOW 64 /* unanswered iqs at most */
#define IQ_TIMEOUT_MS 15000
#define ERRORS_SHOWN 5

static const char help[] =
    "Usage: perch simulate [CONN] [--agents N] [--teams N] [--queues N]\n"
    "                      [--rate EV_PER_S] [--duration S] [--count N]\n"
    "                      [--seed N] [--no-outage]\n"
    "                      [--rest-port P --rest-users FILE [--rest-cert F\n"
    "                       --rest-key F] [--rest-host A] [--primary H]\n"
    "                       [--secondary H] [--outage-at S]]\n"
    "\n"
    "Plays a Finesse Notification Service for demos and load tests. Logs in\n"
    "as a publisher allowed to create nodes, creates the Finesse node set on\n"
    "the pubsub service (/finesse/api/User/{id} with /Dialogs, /Queues and\n"
    "/ClientLog, /finesse/api/Team/{id}/Users, /finesse/api/Queue/{id},\n"
    "/finesse/api/SystemInfo; existing nodes are re-used), then publishes\n"
    "Update documents shaped like Finesse's: agents logging in, NOT_READY\n"
    "with reason codes, READY, RESERVED, calls ringing, answered, held,\n"
    "consulted and dropped, wrap-up, pending states, logouts; team updates\n"
    "on every state change, queue statistics about every 10 s, and a rare\n"
    "SystemInfo OUT_OF_SERVICE blip.\n"
    "\n"
    "  --agents N      agents (default 20; user ids from 1001001)\n"
    "  --teams N       teams (default 2; ids from 5000)\n"
    "  --queues N      queues (default 3; ids from 1)\n"
    "  --rate R        events a second at most (default 20)\n"
    "  --duration S    stop after S seconds\n"
    "  --count N       stop after N events\n"
    "  --seed N        the same seed gives the same events (default 1)\n"
    "  --no-outage     no SystemInfo OUT_OF_SERVICE blip\n"
    "\n"
    "The REST side (Finesse's API, for perch rest and the console's /rest):\n"
    "  --rest-port P   serve it on 127.0.0.1:P (plain http unless "
    "--rest-cert)\n"
    "  --rest-host A   listen on loopback address A instead (127.0.0.2: the\n"
    "                  secondary of a pair beside a Prosody on 127.0.0.2)\n"
    "  --rest-users F  who may use it: ID:PASSWORD lines (mode 0600); an ID\n"
    "                  that is an agent's is that agent, left to its REST\n"
    "                  client (LOGOUT until it signs in; calls ring only when\n"
    "                  it is READY); any other ID is a supervisor\n"
    "  --rest-cert F, --rest-key F  PEM certificate and key: serve https\n"
    "  --rest-delay MS send each GET's answer (the object when asked) MS\n"
    "                  ms late, as a loaded Finesse can\n"
    "  --primary HOST, --secondary HOST  SystemInfo's node hosts\n"
    "  --outage-at S   OUT_OF_SERVICE (CTI connection lost) S seconds after\n"
    "                  the start; SIGUSR1 toggles it any time. State and call\n"
    "                  requests then fail with 500.\n"
    "GET SystemInfo, User/ID, User/ID/Dialogs, Team/ID, Queue/ID; PUT\n"
    "User/ID (LOGIN, READY, NOT_READY, LOGOUT, reasonCodeId); POST\n"
    "User/ID/Dialogs (MAKE_CALL); PUT Dialog/ID (ANSWER, HOLD, RETRIEVE,\n"
    "DROP). A change answers 202 and publishes its Updates with the\n"
    "request's requestId; errors are Finesse's <ApiErrors> (400, 401, 404,\n"
    "405, 500; 503 until the nodes exist).\n"
    "\n"
    "Prints a line a second to stderr (events sent, errors) and at the end\n"
    "'simulate: N events, E errors, digest HEX'; the digest leaves out\n"
    "timestamps, so two runs with the same options print the same one.\n"
    "Ctrl-C / SIGTERM stop it cleanly.\n"
    "\n"
    "Exit: 0 ok, 1 the service refused a create or a publish, 2 usage,\n"
    "3 connection, 5 no answer.\n";

/* simulate's settings: the simulator's and the REST side's. */
struct simulate_opts {
    struct sim_config sim;
    unsigned rest_port, rest_delay;
    const char *rest_users, *rest_cert, *rest_key, *rest_host;
    double outage_at;
};

struct simulate {
    struct runner r;
    struct sim *sim;
    struct simrest *rest;
    struct loop_timer *outage;
    unsigned long long rest_updates;
    char *service;
    double rate, duration_s;
    unsigned long long count; /* 0: no limit */
    size_t nnodes, next_node;
    unsigned inflight;
    int publishing, stopping, code;
    int busy; /* inside a sending loop */
    unsigned long long sent, errors, last_sent, last_errors;
    double tokens, last_ms, start_ms;
    struct loop_timer *pace, *tick, *end;
    struct buf node;
};

static void pump(struct simulate *s);

static double wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Ends once nothing is in flight; runner_finish runs cleanup first. */
static void settle(struct simulate *s)
{
    if (s->stopping && s->inflight == 0)
        runner_finish(&s->r, s->code);
}

static void note_error(struct simulate *s, const char *what,
                       enum iq_outcome outcome, xmpp_stanza_t *reply)
{
    s->errors++;
    if (s->errors <= ERRORS_SHOWN) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("%s: %s", what, why);
        free(why);
    }
    if (s->code == 0)
        s->code = session_iq_end(outcome, reply) == IQ_END_NO_ANSWER
                      ? EXIT_TIMEOUT
                      : EXIT_REPLY_ERROR;
}

static void on_published(void *arg, enum iq_outcome outcome,
                         xmpp_stanza_t *reply, double rtt)
{
    struct simulate *s = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    s->inflight--;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT)
        note_error(s, "publish refused", outcome, reply);
    if (s->stopping)
        settle(s);
    else
        pump(s);
}

static void publish_one(struct simulate *s)
{
    struct sim_event ev;
    xmpp_stanza_t *iq;

    sim_next(s->sim, wall_ms(), &ev);
    iq = pubsub_publish_notification_iq(s->r.ctx, s->service, ev.node, NULL,
                                        ev.doc);
    s->inflight++; /* the reply may come while it is sent */
    s->sent++;
    session_send_iq(s->r.session, iq, IQ_TIMEOUT_MS, on_published, s);
    xmpp_stanza_release(iq);
}

/* Sends what the token bucket and the window allow, then sleeps until the
 * next token (a reply wakes it earlier when the window was full). */
static void pump(struct simulate *s)
{
    double now = loop_now_ms(), burst = s->rate / 20 > 1 ? s->rate / 20 : 1;

    if (s->busy) /* a reply while sending: the loop below goes on */
        return;
    s->tokens += (now - s->last_ms) * s->rate / 1000.0;
    if (s->tokens > burst)
        s->tokens = burst;
    s->last_ms = now;
    s->busy = 1;
    while (s->tokens >= 1 && s->inflight < WINDOW &&
           (s->count == 0 || s->sent < s->count) && !s->stopping) {
        s->tokens -= 1;
        publish_one(s);
    }
    s->busy = 0;
    if (s->count && s->sent >= s->count) {
        s->stopping = 1;
        settle(s);
        return;
    }
    if (s->inflight < WINDOW && !loop_timer_pending(s->pace)) {
        double wait = (1 - s->tokens) * 1000.0 / s->rate;
        loop_timer_start(s->pace, wait < 1 ? 1 : (unsigned)(wait + 0.999));
    }
}

static void on_pace(void *arg)
{
    struct simulate *s = arg;

    if (!s->stopping)
        pump(s);
}

static void on_tick(void *arg)
{
    struct simulate *s = arg;
    double secs = (loop_now_ms() - s->start_ms) / 1000.0;

    fprintf(stderr,
            "simulate: %5.0f s  %llu events  %llu/s  %llu errors  "
            "%u in flight\n",
            secs, s->sent, s->sent - s->last_sent, s->errors - s->last_errors,
            s->inflight);
    s->last_sent = s->sent;
    s->last_errors = s->errors;
    loop_timer_start(s->tick, 1000);
}

static void start_publishing(struct simulate *s)
{
    fprintf(stderr,
            "perch: %zu nodes ready on %s; publishing up to %g events/s\n",
            s->nnodes, s->service, s->rate);
    s->publishing = 1;
    s->start_ms = s->last_ms = loop_now_ms();
    s->tokens = 1;
    loop_timer_start(s->tick, 1000);
    if (s->duration_s > 0)
        loop_timer_start(s->end, (unsigned)(s->duration_s * 1000));
    if (s->rest)
        fprintf(stderr, "perch: REST API on %s/finesse/api/ (%zu users)\n",
                simrest_url(s->rest), simrest_users(s->rest));
    pump(s);
}

/* ---- the REST side ---- */

static int rest_ready(void *arg)
{
    struct simulate *s = arg;
    return s->publishing && !s->stopping;
}

/* Publishes the Updates REST requests (or an outage) caused, at once:
 * they answer a person waiting. */
static void rest_changed(void *arg)
{
    struct simulate *s = arg;
    struct sim_event ev;
    xmpp_stanza_t *iq;

    if (!s->publishing || s->stopping)
        return;
    while (sim_rest_next(s->sim, &ev)) {
        iq = pubsub_publish_notification_iq(s->r.ctx, s->service, ev.node, NULL,
                                            ev.doc);
        s->inflight++;
        s->rest_updates++;
        session_send_iq(s->r.session, iq, IQ_TIMEOUT_MS, on_published, s);
        xmpp_stanza_release(iq);
    }
}

static void toggle_service(struct simulate *s)
{
    struct timespec ts;
    int in = !sim_in_service(s->sim);

    clock_gettime(CLOCK_REALTIME, &ts);
    sim_set_in_service(s->sim, in,
                       (double)ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6);
    fprintf(stderr, "perch: SystemInfo %s\n",
            in ? "IN_SERVICE" : "OUT_OF_SERVICE");
    rest_changed(s);
}

static void on_outage(void *arg)
{
    struct simulate *s = arg;

    if (!s->publishing) { /* not before the nodes exist */
        loop_timer_start(s->outage, 100);
        return;
    }
    if (sim_in_service(s->sim))
        toggle_service(s);
}

static void on_usr1(void *arg)
{
    struct simulate *s = arg;

    if (s->publishing && !s->stopping)
        toggle_service(s);
}

static void create_more(struct simulate *s);

/* The node is there: made now, or already (conflict). */
static int created(enum iq_outcome outcome, xmpp_stanza_t *reply)
{
    enum iq_end end = session_iq_end(outcome, reply);

    return end == IQ_END_RESULT ||
           (end == IQ_END_ERROR &&
            strcmp(session_error_condition(reply, NULL, NULL), "conflict") ==
                0);
}

static void on_created(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                       double rtt)
{
    struct simulate *s = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    s->inflight--;
    if (!created(outcome, reply)) {
        note_error(s, "cannot create a node", outcome, reply);
        s->stopping = 1;
    }
    if (s->stopping)
        settle(s);
    else
        create_more(s);
}

static void create_more(struct simulate *s)
{
    if (s->busy) /* a reply while sending: the loop below goes on */
        return;
    while (s->next_node < s->nnodes && s->inflight < WINDOW && !s->stopping) {
        xmpp_stanza_t *iq;
        sim_node(s->sim, s->next_node++, &s->node);
        iq = pubsub_create_iq(s->r.ctx, s->service, s->node.data);
        s->inflight++;
        s->busy = 1;
        session_send_iq(s->r.session, iq, IQ_TIMEOUT_MS, on_created, s);
        s->busy = 0;
        xmpp_stanza_release(iq);
    }
    if (s->next_node == s->nnodes && s->inflight == 0 && !s->stopping)
        start_publishing(s);
}

static void on_ready(struct runner *r, const char *bound)
{
    struct simulate *s = (struct simulate *)r;
    (void)bound;

    s->nnodes = sim_node_count(s->sim);
    create_more(s);
}

/* Stop making events; wait for the answers still due. */
static void cleanup(struct runner *r)
{
    struct simulate *s = (struct simulate *)r;

    s->stopping = 1;
    loop_timer_stop(s->pace);
    loop_timer_stop(s->end);
    settle(s);
}

static void on_end(void *arg)
{
    struct simulate *s = arg;
    runner_finish(&s->r, 0);
}

static const struct runner_events simulate_events = {
    .ready = on_ready,
    .cleanup = cleanup,
};

/* simulate's own options, into struct simulate_opts. */
#define F(x) offsetof(struct simulate_opts, x)
static const struct cli_option options[] = {
    {"agents", CLI_NUMBER, F(sim.agents), 1, 100000},
    {"teams", CLI_NUMBER, F(sim.teams), 1, 1000},
    {"queues", CLI_NUMBER, F(sim.queues), 1, 1000},
    {"rate", CLI_REAL, F(sim.rate), 0.01, 1e6},
    {"seed", CLI_U64, F(sim.seed), 0, 0},
    {"no-outage", CLI_FLAG_OFF, F(sim.outage), 0, 0},
    {"primary", CLI_STRING, F(sim.primary), 0, 0},
    {"secondary", CLI_STRING, F(sim.secondary), 0, 0},
    {"rest-port", CLI_NUMBER, F(rest_port), 1, 65535},
    {"rest-users", CLI_STRING, F(rest_users), 0, 0},
    {"rest-cert", CLI_STRING, F(rest_cert), 0, 0},
    {"rest-key", CLI_STRING, F(rest_key), 0, 0},
    {"rest-host", CLI_STRING, F(rest_host), 0, 0},
    {"rest-delay", CLI_NUMBER, F(rest_delay), 0, 60000},
    {"outage-at", CLI_REAL, F(outage_at), 0.001, 86400},
    {NULL, 0, 0, 0, 0},
};
#undef F

/* The REST side as o says; 0, or an exit code after saying why. */
static int start_rest(struct simulate *s, const struct simulate_opts *o)
{
    struct simrest_config rc;
    char *cause = NULL;

    if (o->outage_at > 0) {
        s->outage = loop_timer_new(s->r.loop, on_outage, s);
        loop_timer_start(s->outage, (unsigned)(o->outage_at * 1000));
    }
    loop_on_signal(s->r.loop, SIGUSR1, on_usr1, s);
    if (o->rest_port == 0)
        return 0;
    memset(&rc, 0, sizeof rc);
    rc.port = o->rest_port;
    rc.host = o->rest_host;
    rc.cert = o->rest_cert;
    rc.key = o->rest_key;
    rc.users_file = o->rest_users;
    rc.get_delay_ms = (unsigned)o->rest_delay;
    rc.ready = rest_ready;
    rc.changed = rest_changed;
    rc.arg = s;
    s->rest = simrest_new(s->r.loop, s->sim, &rc, &cause);
    if (s->rest == NULL) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    return 0;
}

static int run(struct simulate *s, const struct cli *c,
               const struct simulate_opts *o)
{
    int code = runner_init(&s->r, c);

    if (code == 0) {
        s->pace = loop_timer_new(s->r.loop, on_pace, s);
        s->tick = loop_timer_new(s->r.loop, on_tick, s);
        s->end = loop_timer_new(s->r.loop, on_end, s);
        code = start_rest(s, o);
    }
    if (code == 0)
        code = runner_connect(&s->r, c, &simulate_events);
    if (code == 0)
        code = runner_run(&s->r);
    if (s->rest)
        fprintf(stderr, "simulate: REST: %lu requests, %llu Updates\n",
                simrest_requests(s->rest), s->rest_updates);
    simrest_free(s->rest);
    loop_timer_free(s->outage);
    loop_timer_free(s->pace);
    loop_timer_free(s->tick);
    loop_timer_free(s->end);
    runner_done(&s->r);
    return code;
}

/* Checks the REST options' combination; 0, or EXIT_USAGE after saying
 * why. */
static int check_rest_opts(const struct simulate_opts *o)
{
    if (o->rest_port && o->rest_users == NULL) {
        perch_error("--rest-port needs --rest-users FILE (who may use the "
                    "API)");
        return EXIT_USAGE;
    }
    if (!o->rest_port && (o->rest_users || o->rest_cert || o->rest_key ||
                          o->rest_host || o->rest_delay)) {
        perch_error("--rest-users, --rest-cert, --rest-key, --rest-host and "
                    "--rest-delay go with --rest-port");
        return EXIT_USAGE;
    }
    if (!o->rest_cert != !o->rest_key) {
        perch_error("--rest-cert and --rest-key go together");
        return EXIT_USAGE;
    }
    return 0;
}

static int simulate_main(const struct cli *c)
{
    struct simulate_opts o = {.sim = {20, 2, 3, 20, 1, 1, NULL, NULL, NULL}};
    struct sim_config cfg;
    struct simulate s;
    char digest[17];
    struct jid j;
    char *cause = NULL;
    int code;

    cli_own_apply(c, &o);
    cfg = o.sim;
    if (c->nargs > 0) {
        perch_error("simulate takes no operands ('%s')", c->args[0]);
        return EXIT_USAGE;
    }
    if (check_rest_opts(&o) != 0)
        return EXIT_USAGE;
    memset(&s, 0, sizeof s);
    s.rate = cfg.rate;
    s.service = conn_service(&c->conn);
    if (jid_parse(c->conn.jid, &j, &cause) == 0) {
        cfg.domain = j.domain;
        s.sim = sim_new(&cfg);
        jid_done(&j);
    } else {
        free(cause);
        s.sim = sim_new(&cfg);
    }
    s.count = c->count;
    s.duration_s = c->duration_s;
    buf_init(&s.node);
    code = run(&s, c, &o);
    sim_digest(s.sim, digest);
    fprintf(stderr, "simulate: %llu events, %llu errors, digest %s\n", s.sent,
            s.errors, digest);
    sim_free(s.sim);
    buf_done(&s.node);
    free(s.service);
    /* Ctrl-C / SIGTERM is how it ends */
    return code == EXIT_INTERRUPTED ? 0 : code;
}

const struct command cmd_simulate_entry = {
    .name = "simulate",
    .summary = "publish a Finesse-like contact centre",
    .help = help,
    .extras = CLI_DURATION | CLI_COUNT,
    .options = options,
    .main = simulate_main,
};
