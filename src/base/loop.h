/*
 * The one event loop: a thin wrapper over a libevent base. Modules that
 * watch fds use libevent directly on loop_base(); timers and signals have
 * small helpers here so callers need not repeat libevent boilerplate.
 */
#ifndef PERCH_LOOP_H
#define PERCH_LOOP_H

struct event_base;
struct loop;
struct loop_timer;

typedef void (*loop_cb)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);
struct event_base *loop_base(struct loop *l); /* borrowed */

/* Runs until loop_exit() or until nothing is watched. */
void loop_run(struct loop *l);
void loop_exit(struct loop *l);

/* One-shot timer; loop_timer_start re-arms it. Caller frees. */
struct loop_timer *loop_timer_new(struct loop *l, loop_cb cb, void *arg);
void loop_timer_start(struct loop_timer *t, unsigned ms);
void loop_timer_stop(struct loop_timer *t);
int loop_timer_pending(struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Calls cb each time signo arrives (in loop context). Freed by loop_free. */
int loop_on_signal(struct loop *l, int signo, loop_cb cb, void *arg);

/* Milliseconds from a monotonic clock. */
double loop_now_ms(void);
/* The wall clock: seconds since the epoch (to the microsecond or better),
 * for times written down (records, recordings, the console ring). */
double loop_wall_s(void);

#endif
