/*
 * Clock drift (server clock minus ours) as an interval, never a guess.
 *
 * A server's reading S of its clock, with a resolution r (1000 ms for a
 * time in whole seconds, 1 ms for Finesse's .SSS), taken at some moment
 * between our sending the request (sent) and our reading the answer
 * (recv), says the drift lies in [S - recv, S + r + lag - sent] (lag: see
 * CLOCK_SERVER_LAG_MS). Each sample
 * narrows the interval; its middle is the figure shown, its half width the
 * error. Nothing assumes when in the window the server read its clock, so
 * a response the server held (a BOSH long poll) cannot skew the figure;
 * such a sample (a window over CLOCK_MAX_WINDOW_MS) is refused anyway.
 *
 * clock_drift_next_ms says when to ask again so that the server's next
 * whole second falls where the interval's middle predicts it: the answer
 * then halves the interval, so a few XEP-0202 queries in whole seconds
 * (Prosody's) give tens of milliseconds.
 */
#ifndef PERCH_CLOCK_H
#define PERCH_CLOCK_H

/* A sample whose request and answer are further apart is refused. */
#define CLOCK_MAX_WINDOW_MS 2000.0

/*
 * How late a server's reading of its own clock may be. time() and the
 * kernel's coarse clocks move on the timer tick, so a server reading
 * whole seconds that way (Prosody's XEP-0202 answer is os.time()) sees
 * the next second up to one tick (10 ms at HZ=100) after it began: its
 * true time lies in [S, S + r + CLOCK_SERVER_LAG_MS).
 */
#define CLOCK_SERVER_LAG_MS 10.0

struct clock_drift {
    int known;
    double lo_ms, hi_ms; /* server minus local lies in [lo_ms, hi_ms] */
    const char *source;  /* static: "xep-0202", "http-date", … */
    unsigned samples;    /* taken (refused ones not counted) */
};

void clock_drift_init(struct clock_drift *d);

/*
 * A reading server_ms (the server's true time then in [server_ms,
 * server_ms + res_ms + CLOCK_SERVER_LAG_MS)) made between our wall clock
 * sent_ms and recv_ms. source is a static string. Returns 1 when the interval
 * narrowed (or started), 0 when the sample added nothing, -1 when it was
 * refused (a window that is negative, not finite or over CLOCK_MAX_WINDOW_MS, a
 * bad resolution). A sample that contradicts the interval (the clock was
 * stepped) starts it again.
 */
int clock_drift_sample(struct clock_drift *d, double server_ms, double res_ms,
                       double sent_ms, double recv_ms, const char *source);

/* The middle of the interval (0 when unknown) and its half width. */
double clock_drift_ms(const struct clock_drift *d);
double clock_drift_error_ms(const struct clock_drift *d);

/*
 * How long from now_ms to wait before asking a server whose clock has a
 * resolution of res_ms again, so that its answer halves the interval
 * (its next tick predicted half a round trip after the request leaves).
 * -1 when the error is already within want_ms, or the drift unknown.
 */
double clock_drift_next_ms(const struct clock_drift *d, double now_ms,
                           double rtt_ms, double res_ms, double want_ms);

/*
 * "2026-11-22T01:21:15Z", "...15.123Z", "...15.123+01:00" (XEP-0082,
 * Finesse's currentTimestamp) -> *ms since the epoch and *res_ms, the
 * resolution the text gives (1000 whole seconds, 100, 10, 1 …). Each
 * field its digits exactly (four for the year, two for the rest); without
 * a zone UTC is assumed. 0, or -1 when it does not parse.
 */
int clock_parse_iso(const char *s, double *ms, double *res_ms);

/* An HTTP Date ("Sun, 06 Nov 1994 08:49:37 GMT") -> *ms; resolution
 * 1000. 0, or -1. */
int clock_parse_http_date(const char *s, double *ms);

#endif
