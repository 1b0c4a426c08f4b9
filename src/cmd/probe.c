#define _XOPEN_SOURCE 700 /* strptime */
/*
 * perch probe: transport diagnostics. One line per BOSH HTTP exchange (a
 * terminal version of the browser's Network tab for /http-bind/), or for
 * WebSocket the upgrade and one line per frame (probe_ws.c); pings with
 * round-trip time, clock drift, and a summary with a verdict at the end.
 */
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "conf/cli.h"
#include "command.h"
#include "probe.h"
#include "base/loop.h"
#include "evidence/verdict.h"
#include "evidence_run.h"
#include "xmpp/boshbody.h"
#include "xmpp/query.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
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
    "                   [--reconnect]\n"
    "\n"
    "Logs in (TCP, BOSH or WebSocket), sends presence and watches the\n"
    "transport for S seconds (default 60): for BOSH one line per HTTP\n"
    "request/response (time, rid, status, bytes, duration, what it\n"
    "carried, resends and errors) and the session parameters the server\n"
    "chose; for WebSocket the upgrade (status, Sec-WebSocket-Protocol,\n"
    "extensions, who answered) and one line per frame (time, direction,\n"
    "opcode, size, the element or close code it carried, refusals) with\n"
    "each WebSocket ping's round trip; an XMPP ping every 10 s with its\n"
    "round-trip time, and the clock drift against the server with its\n"
    "error (XEP-0202 entity time, asked again until the error is within\n"
    "25 ms, and the HTTP Date of responses that were not held). Ends with\n"
    "a summary: requests, empty long polls and their median duration,\n"
    "resends, errors, responses over the 16 MiB cap, the longest gap\n"
    "without a request held (BOSH); frames, refused messages, closes, pings\n"
    "(WebSocket); and whether the session was healthy; then the findings,\n"
    "as perch replay gives them (failed or resent requests, long polls cut\n"
    "early, a gap longer than the server's inactivity, a terminate or 404,\n"
    "a WebSocket close, clock drift).\n"
    "\n"
    "      --duration S        how long to watch (default 60)\n"
    "      --timeout S         a ping unanswered after S seconds is lost\n"
    "                          (default 10)\n"
    "      --reconnect         a lost session is made again (as watch does:\n"
    "                          1 s, 2 s … 30 s apart) and watched on until S\n"
    "                          is over; each loss and login is a line\n"
    "      --json              one object a line: {\"time\",\"kind\":\n"
    "                          \"ready\"|\"session\"|\"http\"|\"upgrade\"|\n"
    "                          "
    "\"frame\"|\"wsping\"|\"ping\"|\"drift\"|\"lost\"|\n"
    "                          \"summary\", ...}\n"
    "\n"
    "A server silent for --keepalive + 10 s (default 25 s) is a loss too.\n"
    "\n"
    "Exit: 0 the session stayed healthy; 6 it stayed up but was not\n"
    "healthy (the summary says why): an HTTP error, a resend, a lost ping\n"
    "or a response over the 16 MiB cap; over WebSocket also a close other\n"
    "than 1000, a refused message or a lost WebSocket ping; 3 it was lost\n"
    "(the cause and the time it was noticed are printed; with --reconnect,\n"
    "lost at least once); 2 usage; 4 certificate; 5 the server never\n"
    "answered the login.\n";

static const struct cli_option options[] = {
    {"reconnect", CLI_FLAG_ON, offsetof(struct probe_settings, reconnect), 0,
     0},
    {NULL, CLI_FLAG_OFF, 0, 0, 0},
};

static double wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0;
}

void probe_clock_text(double ms, char *out, size_t size)
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

void probe_emit_json(struct probe *p, const char *kind, json_t *o)
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

void probe_say(struct probe *p, const char *fmt, ...)
{
    char when[20];
    va_list ap;
    (void)p;

    probe_clock_text(wall_ms(), when, sizeof when);
    printf("%s  ", when);
    va_start(ap, fmt);
    sanitize_vfprintf(stdout, SANITIZE_LINE, fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

void probe_human_bytes(size_t n, char *out, size_t size)
{
    if (n < 1024)
        snprintf(out, size, "%zu B", n);
    else
        snprintf(out, size, "%.1f KiB", (double)n / 1024.0);
}

static void on_params(struct runner *r, const struct transport_params *tp)
{
    struct probe *p = (struct probe *)r;

    verdict_params(p->verdict, tp);
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "wait", json_integer(tp->wait));
        json_object_set_new(o, "requests", json_integer(tp->requests));
        json_object_set_new(o, "polling", json_integer(tp->polling));
        json_object_set_new(o, "inactivity", json_integer(tp->inactivity));
        json_object_set_new(o, "hold", json_integer(tp->hold));
        json_object_set_new(o, "maxpause", json_integer(tp->maxpause));
        json_object_set_new(o, "ver", sanitize_json_string(tp->ver));
        probe_emit_json(p, "session", o);
        return;
    }
    probe_say(p,
              "session  wait=%u requests=%u hold=%u polling=%u inactivity=%u "
              "maxpause=%u ver=%s",
              tp->wait, tp->requests, tp->hold, tp->polling, tp->inactivity,
              tp->maxpause, tp->ver[0] ? tp->ver : "-");
}

/* A record's times come from the loop's cached clock: its window is
 * widened by this much each side so that it surely holds the answer. */
#define RECORD_SLACK_MS 10.0

/* From the Date header (1 s resolution) of a response that came back
 * within CLOCK_MAX_WINDOW_MS: a held one is refused. */
void probe_drift_from_date(struct probe *p, const struct transport_record *rec)
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
    if (rec->kind != TRANSPORT_HTTP) {
        probe_ws_record(p, rec);
        return;
    }
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
    probe_drift_from_date(p, rec);
    verdict_transport(p->verdict, rec);

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
        probe_emit_json(p, "http", o);
        return;
    }
    probe_clock_text(rec->start * 1000.0, when, sizeof when);
    probe_human_bytes(rec->bytes_out, out, sizeof out);
    probe_human_bytes(rec->bytes_in, in, sizeof in);
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

double probe_median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
           p->pings_lost == 0 && p->capped == 0 && probe_ws_healthy(p);
}

/* "UNHEALTHY: 1 error, 2 resends, 1 lost ping, 1 response over the 16 MiB
 * cap" (new string). */
static char *verdict(const struct probe *p)
{
    struct buf b;

    buf_init(&b);
    if (p->lost > 1)
        return xasprintf("connection LOST %d times", p->lost);
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

    if (p->ws.seen) {
        free(polls);
        probe_ws_summary(p);
        return;
    }
    for (i = 0; i < p->n; i++)
        if (p->v[i].empty && p->v[i].ok)
            polls[npolls++] = p->v[i].duration_ms;
    median = probe_median(polls, npolls);
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
        json_object_set_new(o, "losses", json_integer(p->lost));
        probe_emit_json(p, "summary", o);
    } else {
        said = verdict(p);
        probe_say(p, "summary  %s", said);
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
    verdict_finish(p->verdict, evidence_run_print, &p->json);
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
        probe_emit_json(p, "ping", o);
    } else if (ok) {
        probe_say(p, "ping     %.1f ms", rtt_ms);
    } else {
        why = session_iq_failure(outcome, reply);
        probe_say(p, "ping     %s", why);
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
        probe_emit_json(p, "drift", o);
    } else if (p->drift.known) {
        probe_say(p, "drift    %+.0f ms ±%.0f ms (server minus local, %s)",
                  clock_drift_ms(&p->drift), clock_drift_error_ms(&p->drift),
                  p->drift.source);
    } else {
        probe_say(p, "drift    unknown (no XEP-0202 and no HTTP Date)");
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
    runner_finish(&p->r, p->lost      ? EXIT_CONNECT
                         : healthy(p) ? EXIT_OK
                                      : EXIT_UNHEALTHY);
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
        probe_emit_json(p, "ready", o);
    } else {
        probe_say(p, "ready    %s over %s", jid, how);
    }
    send_time(p);
    send_ping(p);
    if (r->logins == 1) /* S counts from the first login */
        loop_timer_start(p->end_timer, (unsigned)(p->duration_s * 1000));
}

/* --reconnect: a loss is a line, and the next attempt follows. */
static void on_lost(struct runner *r, enum perch_fail why, const char *cause,
                    unsigned attempt, unsigned delay_ms)
{
    struct probe *p = (struct probe *)r;
    (void)why;

    p->lost++;
    loop_timer_stop(p->ping_timer);
    loop_timer_stop(p->time_timer); /* asked again after the next login */
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "cause", sanitize_json_string(cause));
        json_object_set_new(o, "attempt", json_integer(attempt));
        json_object_set_new(o, "retry_ms", json_integer(delay_ms));
        probe_emit_json(p, "lost", o);
    } else {
        probe_say(p, "LOST     %s; reconnecting in %.1f s (attempt %u)", cause,
                  delay_ms / 1000.0, attempt);
    }
}

static void on_closed(struct runner *r, enum perch_fail why, const char *cause)
{
    struct probe *p = (struct probe *)r;
    struct evidence_rec end;
    (void)why;

    memset(&end, 0, sizeof end);
    end.kind = EVIDENCE_CLOSED;
    end.time = wall_ms() / 1000.0;
    end.text = cause;
    verdict_record(p->verdict, &end);
    p->lost++;
    loop_timer_stop(p->ping_timer);
    loop_timer_stop(p->end_timer);
    loop_timer_stop(p->time_timer);
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "cause", sanitize_json_string(cause));
        probe_emit_json(p, "lost", o);
    } else {
        probe_say(p, "LOST     %s", cause);
    }
    perch_error("%s", cause);
    summary(p);
}

static const struct runner_events probe_events = {
    .ready = on_ready,
    .lost = on_lost,
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
    cli_own_apply(c, &p.set);
    p.json = c->json;
    p.duration_s = c->duration_s > 0 ? c->duration_s : DEFAULT_DURATION_S;
    p.ping_timeout_ms =
        c->timeout_s > 0 ? (unsigned)(c->timeout_s * 1000) : PING_TIMEOUT_MS;
    p.started_ms = wall_ms();
    p.verdict = verdict_new();
    code = runner_init(&p.r, c);
    if (code == 0) {
        p.r.retry = p.set.reconnect ? LINK_AFTER_LOGIN : LINK_ONCE;
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
    verdict_free(p.verdict);
    free(p.v);
    free(p.ws.rtt);
    return code;
}

const struct command cmd_probe_entry = {
    .name = "probe",
    .summary = "watch the transport: BOSH requests, WebSocket frames, pings",
    .help = help,
    .extras = CLI_JSON | CLI_DURATION | CLI_TIMEOUT,
    .options = options,
    .main = probe_main,
};
