/* libcurl multi in the libevent loop. */
#include "curlev.h"
#include "base/buf.h"
#include "base/loop.h"

#include <event2/event.h>
#include <stdlib.h>

struct curlev {
    struct loop *loop;
    CURLM *multi;
    struct event *timer;
    curlev_done_cb done;
    void *arg;
    CURL **kept; /* CONNECT_ONLY transfers, left in multi when done */
    size_t nkept;
};

/* The index of e in m->kept, or m->nkept. */
static size_t kept_index(const struct curlev *m, const CURL *e)
{
    size_t i;

    for (i = 0; i < m->nkept && m->kept[i] != e; i++)
        ;
    return i;
}

/* Hands every finished transfer to done, each removed first (but the
 * CONNECT_ONLY ones, whose connection removing would close). */
static void check_multi(struct curlev *m)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        CURL *e;
        CURLcode rc;
        if (msg->msg != CURLMSG_DONE)
            continue;
        e = msg->easy_handle;
        rc = msg->data.result;
        if (kept_index(m, e) == m->nkept)
            curl_multi_remove_handle(m->multi, e);
        m->done(m->arg, e, rc);
    }
}

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
    struct curlev *m = arg;
    int running = 0;
    int action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
                 ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

    curl_multi_socket_action(m->multi, fd, action, &running);
    check_multi(m);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct curlev *m = arg;
    int running = 0;
    (void)fd;
    (void)what;

    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_multi(m);
}

/* CURLMOPT_SOCKETFUNCTION: one persistent libevent event a socket. */
static int on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
    struct curlev *m = arg;
    struct event *ev = sockp;
    short kind;
    (void)e;

    if (what == CURL_POLL_REMOVE) {
        if (ev) {
            event_free(ev);
            curl_multi_assign(m->multi, s, NULL);
        }
        return 0;
    }
    kind = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) |
                   ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
    if (ev) {
        event_del(ev);
        event_assign(ev, loop_base(m->loop), s, kind, on_socket_event, m);
    } else {
        ev = event_new(loop_base(m->loop), s, kind, on_socket_event, m);
        curl_multi_assign(m->multi, s, ev);
    }
    event_add(ev, NULL);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: the one timer curl asks for. */
static int on_timer(CURLM *multi, long ms, void *arg)
{
    struct curlev *m = arg;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    (void)multi;

    if (ms < 0)
        evtimer_del(m->timer);
    else
        evtimer_add(m->timer, &tv);
    return 0;
}

struct curlev *curlev_new(struct loop *loop, curlev_done_cb done, void *arg)
{
    struct curlev *m = xcalloc(1, sizeof *m);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    m->loop = loop;
    m->done = done;
    m->arg = arg;
    m->multi = curl_multi_init();
    if (m->multi == NULL)
        abort(); /* only out of memory */
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    m->timer = evtimer_new(loop_base(loop), on_timeout, m);
    return m;
}

void curlev_free(struct curlev *m)
{
    if (m == NULL)
        return;
    curl_multi_cleanup(m->multi);
    event_free(m->timer);
    free(m->kept);
    free(m);
    curl_global_cleanup();
}

void curlev_add(struct curlev *m, CURL *e)
{
    curl_multi_add_handle(m->multi, e);
}

void curlev_add_connect_only(struct curlev *m, CURL *e)
{
    m->kept = xrealloc(m->kept, (m->nkept + 1) * sizeof *m->kept);
    m->kept[m->nkept++] = e;
    curl_multi_add_handle(m->multi, e);
}

void curlev_body_reset(struct curlev_body *b, size_t max)
{
    buf_done(&b->buf);
    b->max = max;
    b->capped = 0;
}

size_t curlev_body_write(char *data, size_t size, size_t n, void *arg)
{
    struct curlev_body *b = arg;

    if (b->buf.len + size * n > b->max) {
        b->capped = 1;
        return 0; /* curl fails the transfer: CURLE_WRITE_ERROR */
    }
    buf_append(&b->buf, data, size * n);
    return size * n;
}

void curlev_remove(struct curlev *m, CURL *e)
{
    size_t i = kept_index(m, e);

    if (i < m->nkept)
        m->kept[i] = m->kept[--m->nkept];
    curl_multi_remove_handle(m->multi, e);
}
