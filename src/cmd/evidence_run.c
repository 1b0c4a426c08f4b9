/* A recording, HAR or SAZ through the decoders to stdout. */
#include "evidence_run.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "event_out.h"
#include "evidence/feed.h"
#include "evidence/verdict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run {
    const struct evidence_run_opts *o;
    struct evidence_feed *feed;
    struct verdict *verdict; /* NULL without findings */
    long events;
    unsigned long damaged;
    double last_t; /* of the last record paced */
};

static void say(const struct run *r, const char *where, const char *cause)
{
    fprintf(stderr, "perch: %s: ", r->o->who);
    sanitize_fprintf(stderr, SANITIZE_LINE, "%s: %s%s%s", r->o->name,
                     where ? where : "", where ? ": " : "", cause);
    fputc('\n', stderr);
}

static void on_damaged(void *arg, const char *where, const char *cause)
{
    struct run *r = arg;

    r->damaged++;
    say(r, where, cause);
    fflush(stderr);
}

static void on_event(void *arg, json_t *ev, double t)
{
    struct run *r = arg;

    if (r->verdict)
        verdict_event(r->verdict, ev, t);
    event_print(stdout, ev, r->o->json);
    json_decref(ev);
    r->events++;
}

/* --speed: waits the recorded gap to t, divided by the speed. */
static void pace(struct run *r, double t)
{
    double gap;
    struct timespec ts;

    if (r->o->speed <= 0 || t <= 0)
        return;
    if (r->last_t > 0 && t > r->last_t) {
        gap = (t - r->last_t) / r->o->speed;
        if (gap > 3600)
            gap = 3600;
        ts.tv_sec = (time_t)gap;
        ts.tv_nsec = (long)((gap - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    r->last_t = t;
}

static void on_record(void *arg, const struct evidence_rec *rec)
{
    struct run *r = arg;

    pace(r, rec->time);
    if (r->verdict)
        verdict_record(r->verdict, rec);
    evidence_feed_record(r->feed, rec);
}

/* "HH:MM:SS.mmm" of an ISO time, or the whole text. */
static const char *clock_of(const char *iso)
{
    const char *t = iso ? strchr(iso, 'T') : NULL;
    return t ? t + 1 : iso ? iso : "";
}

void evidence_run_print(void *json, json_t *o)
{
    int as_json = *(const int *)json;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    json_t *states = json_object_get(o, "states"), *s;
    size_t i;
    char *line;

    if (as_json) {
        line = event_text(o, 1);
        if (line)
            puts(line);
        free(line);
    } else if (kind && strcmp(kind, "finding") == 0) {
        sanitize_fprintf(
            stdout, SANITIZE_LINE, "%.12s  %-14s %s",
            clock_of(json_string_value(json_object_get(o, "time"))),
            json_string_value(json_object_get(o, "finding")),
            json_string_value(json_object_get(o, "text")));
        putchar('\n');
    } else {
        sanitize_fprintf(stdout, SANITIZE_LINE, "timeline %s %s:",
                         json_string_value(json_object_get(o, "agent")),
                         json_string_value(json_object_get(o, "name"))
                             ? json_string_value(json_object_get(o, "name"))
                             : "");
        json_array_foreach(states, i, s)
        {
            const char *reason =
                json_string_value(json_object_get(s, "reason"));
            sanitize_fprintf(
                stdout, SANITIZE_LINE, "%s %.12s %s%s%s %.0fs", i ? "," : "",
                clock_of(json_string_value(json_object_get(s, "start"))),
                json_string_value(json_object_get(s, "state")),
                reason ? "/" : "", reason ? reason : "",
                json_number_value(json_object_get(s, "ms")) / 1000.0);
        }
        putchar('\n');
    }
    json_decref(o);
}

static void on_verdict(void *arg, json_t *o)
{
    struct run *r = arg;
    evidence_run_print((void *)&r->o->json, o);
}

static const struct evidence_feed_events feed_events = {
    .event = on_event,
    .damaged = on_damaged,
};

static const struct evidence_events read_events = {
    .record = on_record,
    .damaged = on_damaged,
};

long evidence_run(enum evidence_format f, const char *data, size_t len,
                  const struct evidence_run_opts *o)
{
    struct run r;
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    char *cause = NULL;
    int n;

    memset(&r, 0, sizeof r);
    r.o = o;
    r.feed = evidence_feed_new(ctx, f, &feed_events, &r);
    r.verdict = o->findings ? verdict_new() : NULL;
    n = evidence_read(f, data, len, &read_events, &r, &cause);
    if (n >= 0 && r.verdict)
        verdict_finish(r.verdict, on_verdict, &r);
    verdict_free(r.verdict);
    if (n < 0) {
        char *why = xasprintf("not a %s: %s", evidence_format_name(f), cause);
        say(&r, NULL, why);
        free(why);
        free(cause);
    }
    fflush(stdout);
    evidence_feed_free(r.feed);
    xmpp_ctx_free(ctx);
    return n < 0 ? -1 : r.events;
}
