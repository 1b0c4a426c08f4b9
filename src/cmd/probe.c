#define _XOPEN_SOURCE 700 /* strptime */
/*
 * perch probe: transport diagnostics. One line per BOSH HTTP exchange (a
 * terminal version of the browser's Network tab for /http-bind/), or for
 * WebSocket the upgrade and one line per frame; pings with round-trip
 * time, clock drift, and a summary with a verdict at the end.
 */
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "base/loop.h"
#include "run.h"
#include "xmpp/query.h"
#include "xmpp/wsframe.h"
#include "xmpp/wsproto.h"

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

static const char help[] =
    "Usage: perch probe [CONN] [--duration S] [--json]\n"
    "\n"
    "Logs in (TCP, BOSH or WebSocket), sends presence and watches the\n"
    "transport for S seconds (default 60): for BOSH one line per HTTP\n"
    "request/response (time, rid, status, bytes, duration, what it\n"
    "carried, resends and errors) and the session parameters the server\n"
    "chose; for WebSocket the upgrade (status, Sec-WebSocket-Protocol,\n"
    "extensions, who answered) and one line per frame (time, direction,\n"
    "opcode, size, the element or close code it carried, refusals) with\n"
    "each WebSocket ping's round trip; an XMPP ping every 10 s with its\n"
    "round-trip time, and the clock drift against the server (XEP-0202\n"
    "entity time, else the HTTP Date header). Ends with a summary:\n"
    "requests, empty long polls and their median duration, resends,\n"
    "errors, the longest gap without a request held (BOSH); frames,\n"
    "refused messages, closes, pings (WebSocket); and a verdict.\n"
    "\n"
    "      --duration S        how long to watch (default 60)\n"
    "      --json              one object a line: {\"time\",\"kind\":\n"
    "                          \"ready\"|\"session\"|\"http\"|\"upgrade\"|\n"
    "                          "
    "\"frame\"|\"wsping\"|\"ping\"|\"drift\"|\"lost\"|\n"
    "                          \"summary\", ...}\n"
    "\n"
    "Exit: 0 the session stayed healthy, 3 it was lost (the cause and the\n"
    "time it was noticed are printed) or, over WebSocket, unhealthy (a\n"
    "close other than 1000, a lost ping, a refused message), 2 usage,\n"
    "4 certificate.\n";

struct interval {
    double start_ms, end_ms; /* wall clock, ms since the epoch */
    double duration_ms;
    int empty, ok;
};

/* What a probe over WebSocket counts. */
struct probe_ws {
    int seen; /* any WebSocket record came */
    int upgrade_status;
    char protocol[32], extensions[64];
    double upgrade_ms, connect_ms;
    unsigned frames_in, frames_out, refused, closes_bad;
    unsigned long long bytes_in, bytes_out;
    unsigned last_close; /* the last close frame's code, 0 none */
    int close_in;        /* a close frame came from the server */
    unsigned pings, pings_lost;
    double *rtt;
    size_t nrtt, caprtt;
};

struct probe {
    struct runner r;
    int json;
    double duration_s;
    double started_ms; /* wall */
    struct loop_timer *end_timer, *ping_timer;
    struct interval *v;
    size_t n, cap;
    unsigned retries, errors, pings, pings_lost;
    double drift_ms;
    int drift_known;
    const char *drift_source;
    int lost;
    int finished; /* the summary is out: later records are not shown */
    struct probe_ws ws;
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
    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
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
    vprintf(fmt, ap);
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
        json_object_set_new(o, "ver", json_string(tp->ver));
        emit_json(p, "session", o);
        return;
    }
    say(p,
        "session  wait=%u requests=%u hold=%u polling=%u inactivity=%u "
        "maxpause=%u ver=%s",
        tp->wait, tp->requests, tp->hold, tp->polling, tp->inactivity,
        tp->maxpause, tp->ver[0] ? tp->ver : "-");
}

/* Clock drift from the HTTP Date header (1 s resolution), used until a
 * XEP-0202 answer gives a better figure. */
static void drift_from_date(struct probe *p, const struct transport_record *rec)
{
    struct tm tm;
    time_t server;

    if (p->drift_known || rec->date == NULL)
        return;
    memset(&tm, 0, sizeof tm);
    if (strptime(rec->date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
        return;
    server = timegm(&tm);
    p->drift_ms = (double)server * 1000.0 + 500.0 -
                  (rec->start * 1000.0 + rec->duration_ms / 2.0);
    p->drift_source = "http-date";
}

static void ws_record(struct probe *p, const struct transport_record *rec);

static void on_record(struct runner *r, const struct transport_record *rec)
{
    struct probe *p = (struct probe *)r;
    char when[20], out[24], in[24], what[64];

    if (p->finished)
        return;
    if (rec->kind != TRANSPORT_HTTP) {
        ws_record(p, rec);
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
        if (rec->error)
            json_object_set_new(o, "error", json_string(rec->error));
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
        printf("  ERROR: %s", rec->error);
    putchar('\n');
    fflush(stdout);
}

/* ---- WebSocket ---- */

static void ws_upgrade(struct probe *p, const struct transport_record *rec)
{
    char when[20], out[24], in[24];

    p->ws.upgrade_status = (int)rec->status;
    snprintf(p->ws.protocol, sizeof p->ws.protocol, "%s",
             rec->protocol ? rec->protocol : "");
    snprintf(p->ws.extensions, sizeof p->ws.extensions, "%s",
             rec->extensions ? rec->extensions : "");
    p->ws.upgrade_ms = rec->duration_ms;
    p->ws.connect_ms = rec->connect_ms;
    drift_from_date(p, rec);
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "status", json_integer(rec->status));
        json_object_set_new(o, "target",
                            json_string(rec->what ? rec->what : ""));
        json_object_set_new(o, "protocol",
                            json_string(rec->protocol ? rec->protocol : ""));
        json_object_set_new(
            o, "extensions",
            json_string(rec->extensions ? rec->extensions : ""));
        json_object_set_new(o, "server", json_string(rec->via ? rec->via : ""));
        json_object_set_new(o, "bytes_out",
                            json_integer((json_int_t)rec->bytes_out));
        json_object_set_new(o, "bytes_in",
                            json_integer((json_int_t)rec->bytes_in));
        json_object_set_new(o, "connect_ms", json_real(rec->connect_ms));
        json_object_set_new(o, "duration_ms", json_real(rec->duration_ms));
        if (rec->error)
            json_object_set_new(o, "error", json_string(rec->error));
        emit_json(p, "upgrade", o);
        return;
    }
    clock_text(rec->start * 1000.0, when, sizeof when);
    human_bytes(rec->bytes_out, out, sizeof out);
    human_bytes(rec->bytes_in, in, sizeof in);
    printf("%s  upgrade  GET %s  %3ld  protocol %s  extensions %s  out %s  "
           "in %s  connect %.0f ms  total %.0f ms",
           when, rec->what ? rec->what : "/", rec->status,
           rec->protocol ? rec->protocol : "none",
           rec->extensions ? rec->extensions : "none", out, in, rec->connect_ms,
           rec->duration_ms);
    if (rec->via)
        printf("  (%s)", rec->via);
    if (rec->error)
        printf("  ERROR: %s", rec->error);
    putchar('\n');
    fflush(stdout);
}

static void ws_frame_json(struct probe *p, const struct transport_record *rec)
{
    json_t *o = json_object();

    json_object_set_new(o, "dir", json_string(rec->out ? "out" : "in"));
    json_object_set_new(o, "opcode",
                        json_string(wsframe_opcode_name(rec->opcode)));
    json_object_set_new(o, "fin", json_boolean(rec->fin));
    json_object_set_new(o, "size", json_integer((json_int_t)rec->size));
    json_object_set_new(o, "stanzas",
                        json_integer(rec->stanzas_in + rec->stanzas_out));
    if (rec->what)
        json_object_set_new(o, "what", json_string(rec->what));
    if (rec->opcode == WSFRAME_CLOSE) {
        json_object_set_new(o, "close_code", json_integer(rec->close_code));
        json_object_set_new(
            o, "close_name",
            json_string(rec->close_code ? wsproto_close_name(rec->close_code)
                                        : "no status code"));
        if (rec->close_reason)
            json_object_set_new(o, "close_reason",
                                json_string(rec->close_reason));
    }
    if (rec->error)
        json_object_set_new(o, "error", json_string(rec->error));
    emit_json(p, "frame", o);
}

static void ws_frame(struct probe *p, const struct transport_record *rec)
{
    char when[20], size[24];

    if (rec->out) {
        p->ws.frames_out++;
        p->ws.bytes_out += rec->size;
    } else {
        p->ws.frames_in++;
        p->ws.bytes_in += rec->size;
    }
    p->ws.refused += rec->error != NULL;
    if (rec->opcode == WSFRAME_CLOSE && !(rec->out && p->ws.close_in)) {
        /* the server's, or one perch began (not its echo of the
         * server's) */
        p->ws.close_in |= !rec->out;
        p->ws.last_close = rec->close_code ? rec->close_code : 1005;
        p->ws.closes_bad += p->ws.last_close != 1000;
    }
    if (p->json) {
        ws_frame_json(p, rec);
        return;
    }
    clock_text(rec->start * 1000.0, when, sizeof when);
    human_bytes((size_t)rec->size, size, sizeof size);
    printf("%s  frame    %-3s  %-6s%s %8s", when, rec->out ? "out" : "in",
           wsframe_opcode_name(rec->opcode), rec->fin ? "    " : "more", size);
    if (rec->what)
        printf("  <%s>", rec->what);
    if (rec->opcode == WSFRAME_CLOSE)
        printf("  %u %s%s%s%s", rec->close_code ? rec->close_code : 1005,
               wsproto_close_name(rec->close_code ? rec->close_code : 1005),
               rec->close_reason ? " \"" : "",
               rec->close_reason ? rec->close_reason : "",
               rec->close_reason ? "\"" : "");
    if (rec->error)
        printf("  REFUSED: %s", rec->error);
    putchar('\n');
    fflush(stdout);
}

static void ws_ping(struct probe *p, const struct transport_record *rec)
{
    p->ws.pings++;
    if (rec->error) {
        p->ws.pings_lost++;
    } else {
        if (p->ws.nrtt == p->ws.caprtt) {
            p->ws.caprtt = p->ws.caprtt ? p->ws.caprtt * 2 : 16;
            p->ws.rtt = xrealloc(p->ws.rtt, p->ws.caprtt * sizeof *p->ws.rtt);
        }
        p->ws.rtt[p->ws.nrtt++] = rec->duration_ms;
    }
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "rtt_ms",
                            rec->error ? json_null()
                                       : json_real(rec->duration_ms));
        if (rec->error)
            json_object_set_new(o, "error", json_string(rec->error));
        emit_json(p, "wsping", o);
    } else if (rec->error) {
        say(p, "wsping   LOST: %s", rec->error);
    } else {
        say(p, "wsping   %.1f ms", rec->duration_ms);
    }
}

static void ws_record(struct probe *p, const struct transport_record *rec)
{
    p->ws.seen = 1;
    if (rec->kind == TRANSPORT_WS_UPGRADE)
        ws_upgrade(p, rec);
    else if (rec->kind == TRANSPORT_WS_FRAME)
        ws_frame(p, rec);
    else if (rec->kind == TRANSPORT_WS_PING)
        ws_ping(p, rec);
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

static double median_of(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The WebSocket verdict's reasons, "" when healthy. */
static void ws_problems(struct probe *p, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    if (p->ws.closes_bad)
        n += (size_t)snprintf(out + n, size - n, "%sclose %u %s", n ? ", " : "",
                              p->ws.last_close,
                              wsproto_close_name(p->ws.last_close));
    if (p->ws.refused && n < size)
        n += (size_t)snprintf(out + n, size - n, "%s%u refused", n ? ", " : "",
                              p->ws.refused);
    if (p->ws.pings_lost && n < size)
        n += (size_t)snprintf(out + n, size - n, "%s%u WebSocket ping%s lost",
                              n ? ", " : "", p->ws.pings_lost,
                              p->ws.pings_lost == 1 ? "" : "s");
    if (p->pings_lost && n < size)
        snprintf(out + n, size - n, "%s%u XMPP ping%s lost", n ? ", " : "",
                 p->pings_lost, p->pings_lost == 1 ? "" : "s");
}

/* The summary over WebSocket: 1 when healthy (not lost, no close other
 * than 1000, no lost ping, nothing refused). */
static int ws_summary(struct probe *p)
{
    char problems[200];
    double rtt = median_of(p->ws.rtt, p->ws.nrtt);
    const char *verdict;

    ws_problems(p, problems, sizeof problems);
    verdict = p->lost ? "lost" : problems[0] ? "unhealthy" : "healthy";
    p->finished = 1;
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "transport", json_string("websocket"));
        json_object_set_new(o, "upgrade_status",
                            json_integer(p->ws.upgrade_status));
        json_object_set_new(o, "frames_in", json_integer(p->ws.frames_in));
        json_object_set_new(o, "frames_out", json_integer(p->ws.frames_out));
        json_object_set_new(o, "bytes_in",
                            json_integer((json_int_t)p->ws.bytes_in));
        json_object_set_new(o, "bytes_out",
                            json_integer((json_int_t)p->ws.bytes_out));
        json_object_set_new(o, "refused", json_integer(p->ws.refused));
        json_object_set_new(o, "closes_not_normal",
                            json_integer(p->ws.closes_bad));
        json_object_set_new(o, "ws_pings", json_integer(p->ws.pings));
        json_object_set_new(o, "ws_pings_lost", json_integer(p->ws.pings_lost));
        json_object_set_new(o, "ws_rtt_median_ms", json_real(rtt));
        json_object_set_new(o, "pings", json_integer(p->pings));
        json_object_set_new(o, "pings_lost", json_integer(p->pings_lost));
        if (p->drift_known || p->drift_source)
            json_object_set_new(o, "drift_ms", json_real(p->drift_ms));
        json_object_set_new(o, "verdict", json_string(verdict));
        json_object_set_new(o, "healthy",
                            json_boolean(!p->lost && !problems[0]));
        emit_json(p, "summary", o);
    } else {
        say(p, "summary  %s%s%s",
            p->lost       ? "connection LOST"
            : problems[0] ? "UNHEALTHY"
                          : "healthy",
            problems[0] ? ": " : "", problems);
        printf("  upgrade %d (protocol %s, extensions %s) in %.0f ms, "
               "connect %.0f ms\n",
               p->ws.upgrade_status,
               p->ws.protocol[0] ? p->ws.protocol : "none",
               p->ws.extensions[0] ? p->ws.extensions : "none",
               p->ws.upgrade_ms, p->ws.connect_ms);
        printf("  frames %u in (%llu B), %u out (%llu B); refused %u; closes "
               "other than 1000: %u\n",
               p->ws.frames_in, p->ws.bytes_in, p->ws.frames_out,
               p->ws.bytes_out, p->ws.refused, p->ws.closes_bad);
        printf("  WebSocket pings %u answered (median %.1f ms), %u lost; XMPP "
               "pings %u answered, %u lost",
               p->ws.pings - p->ws.pings_lost, rtt, p->ws.pings_lost,
               p->pings - p->pings_lost, p->pings_lost);
        if (p->drift_known || p->drift_source)
            printf("; clock drift %+.0f ms (%s)", p->drift_ms,
                   p->drift_source ? p->drift_source : "?");
        putchar('\n');
    }
    fflush(stdout);
    return !p->lost && !problems[0];
}

/* Prints the summary; 1 when the session was healthy. */
static int summary(struct probe *p)
{
    double *polls, median = 0;
    size_t i, npolls = 0;
    double gap;

    if (p->ws.seen)
        return ws_summary(p);
    polls = xcalloc(p->n ? p->n : 1, sizeof *polls);
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
        json_object_set_new(o, "longest_gap_ms", json_real(gap));
        json_object_set_new(o, "pings", json_integer(p->pings));
        json_object_set_new(o, "pings_lost", json_integer(p->pings_lost));
        if (p->drift_known || p->drift_source)
            json_object_set_new(o, "drift_ms", json_real(p->drift_ms));
        json_object_set_new(o, "healthy", json_boolean(!p->lost));
        emit_json(p, "summary", o);
    } else {
        say(p, "summary  %s", p->lost ? "connection LOST" : "healthy");
        printf("  requests %zu, empty long polls %zu (median %.0f ms), "
               "resends %u, errors %u\n",
               p->n, npolls, median, p->retries, p->errors);
        printf("  longest gap without a request held: %.0f ms\n", gap);
        printf("  pings %u answered, %u lost", p->pings - p->pings_lost,
               p->pings_lost);
        if (p->drift_known || p->drift_source)
            printf("; clock drift %+.0f ms (%s)", p->drift_ms,
                   p->drift_source ? p->drift_source : "?");
        putchar('\n');
    }
    fflush(stdout);
    free(polls);
    return !p->lost;
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
                json_string(outcome == IQ_TIMEOUT
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
    session_send_iq(p->r.session, iq, PING_TIMEOUT_MS, on_ping_reply, p);
    xmpp_stanza_release(iq);
    loop_timer_start(p->ping_timer, PING_INTERVAL_MS);
}

/* XEP-0202 <utc>YYYY-MM-DDTHH:MM:SS[.fff]Z</utc> -> ms since the epoch. */
struct time_query {
    struct probe *p;
    double sent_wall;
};

static void on_time_reply(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt_ms)
{
    struct time_query *q = arg;
    struct probe *p = q->p;
    double server;

    if (outcome == IQ_REPLY && query_time_reply(reply, &server) == 0) {
        p->drift_ms = server - (q->sent_wall + rtt_ms / 2.0);
        p->drift_known = 1;
        p->drift_source = "xep-0202";
    }
    free(q);
    if (outcome == IQ_CLOSED)
        return;
    if (p->json) {
        json_t *o = json_object();
        if (p->drift_known || p->drift_source) {
            json_object_set_new(o, "drift_ms", json_real(p->drift_ms));
            json_object_set_new(o, "source", json_string(p->drift_source));
        } else {
            json_object_set_new(o, "drift_ms", json_null());
        }
        emit_json(p, "drift", o);
    } else if (p->drift_known || p->drift_source) {
        say(p, "drift    %+.0f ms (server minus local, %s)", p->drift_ms,
            p->drift_source);
    } else {
        say(p, "drift    unknown (no XEP-0202 and no HTTP Date)");
    }
}

static void on_end(void *arg)
{
    struct probe *p = arg;
    runner_finish(&p->r, summary(p) ? 0 : EXIT_CONNECT);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct probe *p = (struct probe *)r;
    struct time_query *q = xcalloc(1, sizeof *q);
    xmpp_stanza_t *iq;
    const char *how = session_transport(r->session)
                          ->ops->describe(session_transport(r->session));

    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "jid", json_string(jid));
        json_object_set_new(o, "transport", json_string(how));
        emit_json(p, "ready", o);
    } else {
        say(p, "ready    %s over %s", jid, how);
    }
    q->p = p;
    q->sent_wall = wall_ms();
    iq = query_iq_get(r->ctx, server_of(p), "time", "urn:xmpp:time");
    session_send_iq(r->session, iq, PING_TIMEOUT_MS, on_time_reply, q);
    xmpp_stanza_release(iq);
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
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "cause", json_string(cause));
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
    p.started_ms = wall_ms();
    code = runner_init(&p.r, c);
    if (code == 0) {
        p.end_timer = loop_timer_new(p.r.loop, on_end, &p);
        p.ping_timer = loop_timer_new(p.r.loop, send_ping, &p);
        code = runner_connect(&p.r, c, &probe_events);
    }
    if (code == 0)
        code = runner_run(&p.r);
    loop_timer_free(p.end_timer);
    loop_timer_free(p.ping_timer);
    runner_done(&p.r);
    free(p.v);
    free(p.ws.rtt);
    return code;
}

const struct command cmd_probe_entry = {
    .name = "probe",
    .summary = "watch the transport: BOSH requests, WebSocket frames, pings",
    .help = help,
    .extras = CLI_JSON | CLI_DURATION,
    .main = probe_main,
};
