/* A recording, HAR or SAZ through the decoders to stdout. */
#include "evidence_run.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "event_out.h"
#include "evidence/feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run {
    const struct evidence_run_opts *o;
    struct evidence_feed *feed;
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
    (void)t;

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
    evidence_feed_record(r->feed, rec);
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
    n = evidence_read(f, data, len, &read_events, &r, &cause);
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
