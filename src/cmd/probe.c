#define _XOPEN_SOURCE 700 /* strptime */
/*
 * perch probe: transport diagnostics. One line per BOSH HTTP exchange (a
 * terminal version of the browser's Network tab for /http-bind/), pings
 * with round-trip time, clock drift, and a summary at the end.
 */
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "conf/cli.h"
#include "command.h"
#include "base/loop.h"
#include "run.h"
#include "xmpp/boshbody.h"
#include "xmpp/query.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define DEFAULT_DURATION_S 60.0
#define PING_INTERVAL_MS 10000
#define PING_TIMEOUT_MS 10000
/* XEP-0202 asked again, at the moment that halves the drift's interval,
 * until its error is within DRIFT_WANT_MS or DRIFT_QUERIES were made. */
#define DRIFT_WANT_MS 25.0
#define DRIFT_QUERIES 8

static const char help[] =
    "Usage: perch probe [CONN] [--duration S] [--timeout S] [--json]\n"
    "\n"
    "Logs in (TCP or BOSH), sends presence and watches the transport for\n"
    "S seconds (default 60): for BOSH one line per HTTP request/response\n"
    "(time, rid, status, bytes, duration, what it carried, resends and\n"
    "errors), the session parameters the server chose, an XMPP ping every\n"
    "10 s with its round-trip time, and the clock drift against the server\n"
    "with its error (XEP-0202 entity time, asked again until the error is\n"
    "within 25 ms, and the HTTP Date of responses that were not held). Ends\n"
    "with a\n"
    "summary: requests, empty long polls and their median duration,\n"
    "resends, errors, responses over the 16 MiB cap, the longest gap\n"
    "without a request held, and whether the session was healthy.\n"
    "\n"
    "      --duration S        how long to watch (default 60)\n"
    "      --timeout S         a ping unanswered after S seconds is lost\n"
    "                          (default 10)\n"
    "      --json              one object a line: {\"time\",\"kind\":\n"
    "                          \"ready\"|\"session\"|\"http\"|\"ping\"|"
    "\"drift\"|\n"
    "                          \"lost\"|\"summary\", ...}\n"
    "\n"
    "Exit: 0 the session stayed healthy; 6 it stayed up but was not\n"
    "healthy: an HTTP error, a resend, a lost ping or a response over the\n"
    "16 MiB cap (the summary says which); 3 it was lost (the cause and the\n"
    "time it was noticed are printed); 2 usage; 4 certificate; 5 the\n"
    "server never answered the login.\n";

struct interval {
    double start_ms, end_ms; /* wall clock, ms since the epoch */
    double duration_ms;
    int empty, ok;
};

struct probe {
    struct runner r;
    int json;
    double duration_s;
    double started_ms; /* wall */
    struct loop_timer *end_timer, *ping_timer;
    struct interval *v;
    size_t n, cap;
    unsigned retries, errors, capped, pings, pings_lost;
    unsigned ping_timeout_ms;
    struct clock_drift drift;
    struct loop_timer *time_timer;
    unsigned time_queries;
    int lost;
    int finished; /* the summary is out: later records are not shown */
};

static double wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0;
}

static void clock_text(double ms, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000.0);
    struct tm tm;
    char hms[16];

    localtime_r(&t, &tm);
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03d", hms, (int)fmod(ms, 1000.0));
}

static void iso_time(double ms, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000.0);
    struct tm tm;
    char s[32];

    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03dZ", s, (int)fmod(ms, 1000.0));
}

/* Prints one JSON line of the given kind; takes ownership of o. */
static void emit_json(struct probe *p, const char *kind, json_t *o)
{
    char when[40], *line;
    json_t *head = json_object();

    iso_time(wall_ms(), when, sizeof when);
    json_object_set_new(head, "time", json_string(when));
    json_object_set_new(head, "kind", json_string(kind));
    json_object_update(head, o);
    json_decref(o);
    o = head;
    line = sanitize_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                      JSON_REAL_PRECISION(6));
    puts(line);
    fflush(stdout);
    free(line);
    json_decref(o);
    (void)p;
}

static void say(struct probe *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct probe *p, const char *fmt, ...)
{
    char when[20];
    va_list ap;
    (void)p;

    clock_text(wall_ms(), when, sizeof when);
    printf("%s  ", when);
    va_start(ap, fmt);
    sanitize_vfprintf(stdout, SANITIZE_LINE, fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void human_bytes(size_t n, char *out, size_t size)
{
    if (n < 1024)
        snprintf(out, size, "%zu B", n);
    else
        snprintf(out, size, "%.1f KiB", (double)n / 1024.0);
}

static void on_params(struct runner *r, const struct transport_params *tp)
{
    struct probe *p = (struct probe *)r;

    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "wait", json_integer(tp->wait));
        json_object_set_new(o, "requests", json_integer(tp->requests));
        json_object_set_new(o, "polling", json_integer(tp->polling));
        json_object_set_new(o, "inactivity", json_integer(tp->inactivity));
        json_object_set_new(o, "hold", json_integer(tp->hold));
        json_object_set_new(o, "maxpause", json_integer(tp->maxpause));
        json_object_set_new(o, "ver", sanitize_json_string(tp->ver));
        emit_json(p, "session", o);
        return;
    }
    say(p,
        "session  wait=%u requests=%u hold=%u polling=%u inactivity=%u "
        "maxpause=%u ver=%s",
        tp->wait, tp->requests, tp->hold, tp->polling, tp->inactivity,
        tp->maxpause, tp->ver[0] ? tp->ver : "-");
}

/* A record's times come from the loop's cached clock: its window is
 * widened by this much each side so that it surely holds the answer. */
#define RECORD_SLACK_MS 10.0

/* Clock drift from the HTTP Date header (1 s resolution) of a response
 * that came back within CLOCK_MAX_WINDOW_MS: a held one is refused. */
static void drift_from_date(struct probe *p, const struct transport_record *rec)
{
    double server, start = rec->start * 1000.0;

    if (rec->date == NULL || clock_parse_http_date(rec->date, &server) != 0)
        return;
    clock_drift_sample(&p->drift, server, 1000, start - RECORD_SLACK_MS,
                       start + rec->duration_ms + RECORD_SLACK_MS, "http-date");
}

static void on_record(struct runner *r, const struct transport_record *rec)
{
    struct probe *p = (struct probe *)r;
    char when[20], out[24], in[24], what[64];

    if (p->finished)
        return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n].start_ms = rec->start * 1000.0;
    p->v[p->n].end_ms = rec->start * 1000.0 + rec->duration_ms;
    p->v[p->n].duration_ms = rec->duration_ms;
    p->v[p->n].empty = rec->empty;
    p->v[p->n].ok = rec->error == NULL;
    p->n++;
    p->retries += rec->retries > 0;
    p->errors += rec->error != NULL;
    p->capped += rec->capped != 0;
    drift_from_date(p, rec);

    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "rid", json_integer((json_int_t)rec->rid));
        json_object_set_new(o, "status", json_integer(rec->status));
        json_object_set_new(o, "bytes_out",
                            json_integer((json_int_t)rec->bytes_out));
        json_object_set_new(o, "bytes_in",
                            json_integer((json_int_t)rec->bytes_in));
        json_object_set_new(o, "duration_ms", json_real(rec->duration_ms));
        json_object_set_new(o, "stanzas_out", json_integer(rec->stanzas_out));
        json_object_set_new(o, "stanzas_in", json_integer(rec->stanzas_in));
        json_object_set_new(o, "empty", json_boolean(rec->empty));
        json_object_set_new(o, "retries", json_integer(rec->retries));
        if (rec->capped)
            json_object_set_new(o, "capped", json_true());
        if (rec->error)
            json_object_set_new(o, "error", sanitize_json_string(rec->error));
        emit_json(p, "http", o);
        return;
    }
    clock_text(rec->start * 1000.0, when, sizeof when);
    human_bytes(rec->bytes_out, out, sizeof out);
    human_bytes(rec->bytes_in, in, sizeof in);
    if (rec->empty)
        snprintf(what, sizeof what, "empty");
    else
        snprintf(what, sizeof what, "%u out, %u in", rec->stanzas_out,
                 rec->stanzas_in);
    printf("%s  http     rid %llu  %3ld  out %s  in %s  %.0f ms  %s", when,
           rec->rid, rec->status, out, in, rec->duration_ms, what);
    if (rec->retries)
        printf("  (resend %u)", rec->retries);
    if (rec->error)
        sanitize_fprintf(stdout, SANITIZE_LINE, "  ERROR: %s", rec->error);
    putchar('\n');
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_start(const void *a, const void *b)
{
    const struct interval *x = a, *y = b;
    return (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

/* The longest stretch with no HTTP request open, from the records. */
static double longest_gap_ms(struct probe *p)
{
    double covered = 0, gap = 0;
    size_t i;

    if (p->n == 0)
        return 0;
    qsort(p->v, p->n, sizeof *p->v, cmp_start);
    covered = p->v[0].end_ms;
    for (i = 1; i < p->n; i++) {
        if (p->v[i].start_ms > covered && p->v[i].start_ms - covered > gap)
            gap = p->v[i].start_ms - covered;
        if (p->v[i].end_ms > covered)
            covered = p->v[i].end_ms;
    }
    return gap;
}

/* Healthy: nothing went wrong at all. */
static int healthy(const struct probe *p)
{
    return !p->lost && p->errors == 0 && p->retries == 0 &&
           p->pings_lost == 0 && p->capped == 0;
}

/* "UNHEALTHY: 1 error, 2 resends, 1 lost ping, 1 response over the 16 MiB
 * cap" (new string). */
static char *verdict(const struct probe *p)
{
    struct buf b;

    buf_init(&b);
    if (p->lost)
        return xstrdup("connection LOST");
    if (healthy(p))
        return xstrdup("healthy");
    buf_puts(&b, "UNHEALTHY:");
    if (p->errors)
        buf_printf(&b, " %u error%s,", p->errors, p->errors == 1 ? "" : "s");
    if (p->retries)
        buf_printf(&b, " %u resend%s,", p->retries, p->retries == 1 ? "" : "s");
    if (p->pings_lost)
        buf_printf(&b, " %u lost ping%s,", p->pings_lost,
                   p->pings_lost == 1 ? "" : "s");
    if (p->capped)
        buf_printf(&b, " %u response%s over the %u MiB cap,", p->capped,
                   p->capped == 1 ? "" : "s", BOSH_MAX_RESPONSE >> 20);
    b.data[--b.len] = '\0'; /* the last comma */
    return buf_steal(&b);
}

static void summary(struct probe *p)
{
    char *said;
    double *polls = xcalloc(p->n ? p->n : 1, sizeof *polls), median = 0;
    size_t i, npolls = 0;
    double gap;

    for (i = 0; i < p->n; i++)
        if (p->v[i].empty && p->v[i].ok)
            polls[npolls++] = p->v[i].duration_ms;
    if (npolls) {
        qsort(polls, npolls, sizeof *polls, cmp_double);
        median = npolls % 2 ? polls[npolls / 2]
                            : (polls[npolls / 2 - 1] + polls[npolls / 2]) / 2;
    }
    gap = longest_gap_ms(p);
    p->finished = 1;
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "requests", json_integer((json_int_t)p->n));
        json_object_set_new(o, "empty_polls", json_integer((json_int_t)npolls));
        json_object_set_new(o, "empty_poll_median_ms", json_real(median));
        json_object_set_new(o, "retries", json_integer(p->retries));
        json_object_set_new(o, "errors", json_integer(p->errors));
        json_object_set_new(o, "capped", json_integer(p->capped));
        json_object_set_new(o, "longest_gap_ms", json_real(gap));
        json_object_set_new(o, "pings", json_integer(p->pings));
        json_object_set_new(o, "pings_lost", json_integer(p->pings_lost));
        if (p->drift.known) {
            json_object_set_new(o, "drift_ms",
                                json_real(clock_drift_ms(&p->drift)));
            json_object_set_new(o, "drift_error_ms",
                                json_real(clock_drift_error_ms(&p->drift)));
        }
        json_object_set_new(o, "healthy", json_boolean(healthy(p)));
        emit_json(p, "summary", o);
    } else {
        said = verdict(p);
        say(p, "summary  %s", said);
        free(said);
        printf("  requests %zu, empty long polls %zu (median %.0f ms), "
               "resends %u, errors %u\n",
               p->n, npolls, median, p->retries, p->errors);
        printf("  longest gap without a request held: %.0f ms\n", gap);
        printf("  pings %u answered, %u lost", p->pings - p->pings_lost,
               p->pings_lost);
        if (p->drift.known)
            printf("; clock drift %+.0f ms ±%.0f ms (%s)",
                   clock_drift_ms(&p->drift), clock_drift_error_ms(&p->drift),
                   p->drift.source);
        putchar('\n');
    }
    fflush(stdout);
    free(polls);
}

static void on_ping_reply(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt_ms)
{
    struct probe *p = arg;
    int ok = session_iq_end(outcome, reply) == IQ_END_RESULT;
    char *why;

    if (outcome == IQ_CLOSED)
        return;
    p->pings_lost += !ok;
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "rtt_ms", ok ? json_real(rtt_ms) : json_null());
        if (!ok)
            json_object_set_new(
                o, "error",
                sanitize_json_string(
                    outcome == IQ_TIMEOUT
                        ? "timeout"
                        : session_error_condition(reply, NULL, NULL)));
        emit_json(p, "ping", o);
    } else if (ok) {
        say(p, "ping     %.1f ms", rtt_ms);
    } else {
        why = session_iq_failure(outcome, reply);
        say(p, "ping     %s", why);
        free(why);
    }
}

static const char *server_of(struct probe *p)
{
    const char *jid = session_bound_jid(p->r.session);
    static char domain[256];
    const char *at = jid ? strchr(jid, '@') : NULL;
    size_t n;

    if (at == NULL)
        return "";
    n = strcspn(at + 1, "/");
    snprintf(domain, sizeof domain, "%.*s", (int)n, at + 1);
    return domain;
}

static void send_ping(void *arg)
{
    struct probe *p = arg;
    xmpp_stanza_t *iq =
        query_iq_get(p->r.ctx, server_of(p), "ping", "urn:xmpp:ping");

    p->pings++;
    session_send_iq(p->r.session, iq, p->ping_timeout_ms, on_ping_reply, p);
    xmpp_stanza_release(iq);
    loop_timer_start(p->ping_timer, PING_INTERVAL_MS);
}

/* A XEP-0202 query in flight: when it left, by our wall clock. */
struct time_query {
    struct probe *p;
    double sent_wall;
};

static void say_drift(struct probe *p)
{
    if (p->json) {
        json_t *o = json_object();
        if (p->drift.known) {
            json_object_set_new(o, "drift_ms",
                                json_real(clock_drift_ms(&p->drift)));
            json_object_set_new(o, "source", json_string(p->drift.source));
            json_object_set_new(o, "error_ms",
                                json_real(clock_drift_error_ms(&p->drift)));
        } else {
            json_object_set_new(o, "drift_ms", json_null());
        }
        emit_json(p, "drift", o);
    } else if (p->drift.known) {
        say(p, "drift    %+.0f ms ±%.0f ms (server minus local, %s)",
            clock_drift_ms(&p->drift), clock_drift_error_ms(&p->drift),
            p->drift.source);
    } else {
        say(p, "drift    unknown (no XEP-0202 and no HTTP Date)");
    }
}

static void on_time_reply(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt_ms)
{
    struct time_query *q = arg;
    struct probe *p = q->p;
    double server, res, next;
    int changed = 0;

    if (outcome == IQ_REPLY && query_time_reply(reply, &server, &res) == 0) {
        changed = clock_drift_sample(&p->drift, server, res, q->sent_wall,
                                     wall_ms(), "xep-0202") > 0;
        next = clock_drift_next_ms(&p->drift, wall_ms(), rtt_ms, res,
                                   DRIFT_WANT_MS);
        if (next >= 0 && p->time_queries < DRIFT_QUERIES && !p->finished)
            loop_timer_start(p->time_timer, (unsigned)next);
    }
    free(q);
    if (outcome == IQ_CLOSED)
        return;
    if (changed || p->time_queries == 1)
        say_drift(p);
}

static void send_time(void *arg)
{
    struct probe *p = arg;
    struct time_query *q = xcalloc(1, sizeof *q);
    xmpp_stanza_t *iq;

    q->p = p;
    p->time_queries++;
    iq = query_iq_get(p->r.ctx, server_of(p), "time", "urn:xmpp:time");
    q->sent_wall = wall_ms();
    session_send_iq(p->r.session, iq, p->ping_timeout_ms, on_time_reply, q);
    xmpp_stanza_release(iq);
}

static void on_end(void *arg)
{
    struct probe *p = arg;
    summary(p);
    runner_finish(&p->r, healthy(p) ? EXIT_OK : EXIT_UNHEALTHY);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct probe *p = (struct probe *)r;
    const char *how = session_transport(r->session)
                          ->ops->describe(session_transport(r->session));

    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "jid", sanitize_json_string(jid));
        json_object_set_new(o, "transport", sanitize_json_string(how));
        emit_json(p, "ready", o);
    } else {
        say(p, "ready    %s over %s", jid, how);
    }
    send_time(p);
    send_ping(p);
    loop_timer_start(p->end_timer, (unsigned)(p->duration_s * 1000));
}

static void on_closed(struct runner *r, enum perch_fail why, const char *cause)
{
    struct probe *p = (struct probe *)r;
    (void)why;

    p->lost = 1;
    loop_timer_stop(p->ping_timer);
    loop_timer_stop(p->end_timer);
    loop_timer_stop(p->time_timer);
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "cause", sanitize_json_string(cause));
        emit_json(p, "lost", o);
    } else {
        say(p, "LOST     %s", cause);
    }
    perch_error("%s", cause);
    summary(p);
}

static const struct runner_events probe_events = {
    .ready = on_ready,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
};

static int probe_main(const struct cli *c)
{
    struct probe p;
    int code;

    if (c->nargs != 0) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    memset(&p, 0, sizeof p);
    p.json = c->json;
    p.duration_s = c->duration_s > 0 ? c->duration_s : DEFAULT_DURATION_S;
    p.ping_timeout_ms =
        c->timeout_s > 0 ? (unsigned)(c->timeout_s * 1000) : PING_TIMEOUT_MS;
    p.started_ms = wall_ms();
    code = runner_init(&p.r, c);
    if (code == 0) {
        p.end_timer = loop_timer_new(p.r.loop, on_end, &p);
        p.ping_timer = loop_timer_new(p.r.loop, send_ping, &p);
        p.time_timer = loop_timer_new(p.r.loop, send_time, &p);
        code = runner_connect(&p.r, c, &probe_events);
    }
    if (code == 0)
        code = runner_run(&p.r);
    loop_timer_free(p.end_timer);
    loop_timer_free(p.ping_timer);
    loop_timer_free(p.time_timer);
    runner_done(&p.r);
    free(p.v);
    return code;
}

const struct command cmd_probe_entry = {
    .name = "probe",
    .summary = "watch the transport: BOSH requests, pings, drift",
    .help = help,
    .extras = CLI_JSON | CLI_DURATION | CLI_TIMEOUT,
    .main = probe_main,
};
