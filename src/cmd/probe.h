/*
 * perch probe's parts shared by probe.c (the command, BOSH records, XMPP
 * pings, drift, the summary) and probe_ws.c (WebSocket records and their
 * summary). Not an interface for other commands.
 */
#ifndef PERCH_PROBE_H
#define PERCH_PROBE_H

#include "base/clock.h"
#include "run.h"

#include <jansson.h>
#include <stddef.h>

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
    double *rtt; /* owned */
    size_t nrtt, caprtt;
};

/* probe's own options. */
struct probe_settings {
    int reconnect;
};

struct probe {
    struct runner r;
    struct probe_settings set;
    int json;
    double duration_s;
    double started_ms; /* wall */
    struct loop_timer *end_timer, *ping_timer;
    struct interval *v; /* owned */
    size_t n, cap;
    unsigned retries, errors, capped, pings, pings_lost;
    unsigned ping_timeout_ms;
    struct clock_drift drift;      /* XEP-0202 and HTTP Date readings */
    struct loop_timer *time_timer; /* the next XEP-0202 query */
    unsigned time_queries;         /* made so far (DRIFT_QUERIES at most) */
    int lost;                      /* times the session was lost */
    int finished; /* the summary is out: later records are not shown */
    struct verdict *verdict; /* the findings printed after the summary */
    struct probe_ws ws;
};

/* "14:02:07.123", local time of ms since the epoch. */
void probe_clock_text(double ms, char *out, size_t size);
/* "12 B", "1.5 KiB". */
void probe_human_bytes(size_t n, char *out, size_t size);
/* One JSON line {"time","kind",...o}, sanitised; takes ownership of o. */
void probe_emit_json(struct probe *p, const char *kind, json_t *o);
/* One human line with the time, the formatted text sanitised. */
void probe_say(struct probe *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A reading of the clock drift from a record's Date header, when the
 * response was not held (base/clock.c). */
void probe_drift_from_date(struct probe *p, const struct transport_record *rec);
/* The median of v[0..n) (sorts v); 0 when n is 0. */
double probe_median(double *v, size_t n);

/* A WebSocket record (upgrade, frame, ping): counted and printed. */
void probe_ws_record(struct probe *p, const struct transport_record *rec);
/* 1 when nothing went wrong on the WebSocket (closes, refusals, pings). */
int probe_ws_healthy(const struct probe *p);
/* The summary over WebSocket, verdict first. */
void probe_ws_summary(struct probe *p);

#endif
