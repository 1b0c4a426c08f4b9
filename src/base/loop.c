/* libevent base, timers and signals. */
#include "loop.h"
#include "buf.h"

#include <event2/event.h>
#include <stdlib.h>
#include <time.h>

#define MAX_SIGNALS 8

struct loop {
    struct event_base *base;
    struct event *signals[MAX_SIGNALS];
    loop_cb signal_cbs[MAX_SIGNALS];
    void *signal_args[MAX_SIGNALS];
    int nsignals;
};

struct loop_timer {
    struct event *ev;
    loop_cb cb;
    void *arg;
};

struct loop *loop_new(void)
{
    struct loop *l = xcalloc(1, sizeof *l);
    l->base = event_base_new();
    if (l->base == NULL) {
        free(l);
        return NULL;
    }
    return l;
}

void loop_free(struct loop *l)
{
    int i;

    if (l == NULL)
        return;
    for (i = 0; i < l->nsignals; i++)
        event_free(l->signals[i]);
    event_base_free(l->base);
    free(l);
}

struct event_base *loop_base(struct loop *l)
{
    return l->base;
}

void loop_run(struct loop *l)
{
    event_base_dispatch(l->base);
}

void loop_exit(struct loop *l)
{
    event_base_loopbreak(l->base);
}

static void timer_fired(evutil_socket_t fd, short what, void *arg)
{
    struct loop_timer *t = arg;
    (void)fd;
    (void)what;
    t->cb(t->arg);
}

struct loop_timer *loop_timer_new(struct loop *l, loop_cb cb, void *arg)
{
    struct loop_timer *t = xcalloc(1, sizeof *t);
    t->cb = cb;
    t->arg = arg;
    t->ev = evtimer_new(l->base, timer_fired, t);
    return t;
}

void loop_timer_start(struct loop_timer *t, unsigned ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(t->ev, &tv);
}

void loop_timer_stop(struct loop_timer *t)
{
    evtimer_del(t->ev);
}

int loop_timer_pending(struct loop_timer *t)
{
    return evtimer_pending(t->ev, NULL);
}

void loop_timer_free(struct loop_timer *t)
{
    if (t == NULL)
        return;
    event_free(t->ev);
    free(t);
}

static void signal_fired(evutil_socket_t signo, short what, void *arg)
{
    struct loop *l = arg;
    int i;
    (void)what;
    for (i = 0; i < l->nsignals; i++)
        if (event_get_signal(l->signals[i]) == signo)
            l->signal_cbs[i](l->signal_args[i]);
}

int loop_on_signal(struct loop *l, int signo, loop_cb cb, void *arg)
{
    struct event *ev;

    if (l->nsignals == MAX_SIGNALS)
        return -1;
    ev = evsignal_new(l->base, signo, signal_fired, l);
    if (ev == NULL || evsignal_add(ev, NULL) != 0)
        return -1;
    l->signals[l->nsignals] = ev;
    l->signal_cbs[l->nsignals] = cb;
    l->signal_args[l->nsignals] = arg;
    l->nsignals++;
    return 0;
}

double loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double loop_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
