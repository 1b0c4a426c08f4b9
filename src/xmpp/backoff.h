/*
 * The reconnect policy every kept connection shares (the console, watch,
 * probe): how long to wait before the next attempt after a loss. Pure: the
 * caller gives the time and the randomness, so it is unit tested.
 */
#ifndef PERCH_BACKOFF_H
#define PERCH_BACKOFF_H

#define BACKOFF_FIRST_MS 1000u   /* the first wait, doubled per attempt */
#define BACKOFF_MAX_MS 30000u    /* never more than this */
#define BACKOFF_HEALTHY_MS 60000 /* online this long: start again at 1 s */

struct backoff {
    unsigned attempt;    /* failed attempts since the last healthy session */
    double online_since; /* caller's clock at the last login; < 0 none */
};

void backoff_init(struct backoff *b);

/* Logged in at now_ms (any monotonic clock in ms). */
void backoff_online(struct backoff *b, double now_ms);

/*
 * The session was lost, or an attempt failed, at now_ms. Returns the wait
 * before the next attempt in ms and counts the attempt (b->attempt, 1 the
 * first): nominally 1 s doubled per attempt up to 30 s, jittered by r (a
 * random number in [0, 1)) to between half the nominal wait and all of it,
 * so that many clients lost at once do not come back at once. A session
 * that had been online for a minute counts as healthy: its loss starts
 * again at the first attempt.
 */
unsigned backoff_lost(struct backoff *b, double now_ms, double r);

/* A random number in [0, 1) for backoff_lost's jitter (OpenSSL's
 * generator; the one part of this module that is not pure). */
double backoff_random(void);

/* The nominal wait before attempt n (1 the first), without jitter. */
unsigned backoff_nominal_ms(unsigned n);

#endif
