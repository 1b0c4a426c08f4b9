/* libcurl for BOSH and WebSocket: trust, proxies, the multi handle in the
 * libevent loop. */
#include "http.h"
#include "base/buf.h"
#include "base/loop.h"
#include "cert.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

void http_set_trust(CURL *e, const struct http_trust *t)
{
    curl_easy_setopt(e, CURLOPT_URL, t->url);
    if (t->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, t->proxy);
    if (t->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
    if (t->pin) {
        /* As over TCP, a matching pin is trust enough on its own. */
        curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, t->pin);
        if (t->ca_file == NULL) {
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }
    if (t->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

char *http_untrusted_message(const struct http_trust *t, const char *why)
{
    CURL *e = curl_easy_init();
    struct curl_certinfo *ci = NULL;
    const char *subject = NULL, *issuer = NULL, *from = NULL, *to = NULL;
    const char *pem = NULL;
    struct curl_slist *s;
    char *msg;

    curl_easy_setopt(e, CURLOPT_URL, t->url);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
    if (t->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, t->proxy);
    if (curl_easy_perform(e) == CURLE_OK &&
        curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci &&
        ci->num_of_certs > 0) {
        for (s = ci->certinfo[0]; s; s = s->next) {
            if (!strncmp(s->data, "Subject:", 8))
                subject = s->data + 8;
            else if (!strncmp(s->data, "Issuer:", 7))
                issuer = s->data + 7;
            else if (!strncmp(s->data, "Start date:", 11))
                from = s->data + 11;
            else if (!strncmp(s->data, "Expire date:", 12))
                to = s->data + 12;
            else if (!strncmp(s->data, "Cert:", 5))
                pem = s->data + 5;
        }
    }
    msg = cert_untrusted_message(t->name ? t->name : t->url, why, subject,
                                 issuer, from, to, pem);
    curl_easy_cleanup(e);
    return msg;
}

enum perch_fail http_connect_failure(const struct http_trust *t, CURLcode rc,
                                     const char *errbuf, char **cause)
{
    const char *name = t->name ? t->name : t->url;

    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        *cause = http_untrusted_message(
            t, rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH
                   ? "public key does not match --pin"
               : errbuf && errbuf[0] ? errbuf
                                     : curl_easy_strerror(rc));
        return FAIL_CERT;
    case CURLE_COULDNT_RESOLVE_HOST:
        *cause = xasprintf("cannot resolve the host of %s", name);
        return FAIL_DNS;
    case CURLE_COULDNT_CONNECT:
        *cause = xasprintf("cannot connect to %s: connection refused", name);
        return FAIL_REFUSED;
    case CURLE_SSL_CONNECT_ERROR:
        *cause = xasprintf("TLS with %s failed", name);
        return FAIL_TLS;
    default:
        return FAIL_NONE;
    }
}

/* ---- the multi handle in the libevent loop ---- */

struct http_multi {
    struct loop *loop;
    CURLM *multi;
    struct event *timer;
    http_done_cb done;
    void *arg;
};

static void check_multi(struct http_multi *m)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        if (m->done(m->arg, msg->easy_handle, msg->data.result) != 0)
            return;
    }
}

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
    struct http_multi *m = arg;
    int running = 0;
    int action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
                 ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

    curl_multi_socket_action(m->multi, fd, action, &running);
    check_multi(m);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct http_multi *m = arg;
    int running = 0;
    (void)fd;
    (void)what;
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_multi(m);
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
    struct http_multi *m = arg;
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

static int on_timer(CURLM *multi, long ms, void *arg)
{
    struct http_multi *m = arg;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    (void)multi;

    if (ms < 0)
        evtimer_del(m->timer);
    else
        evtimer_add(m->timer, &tv);
    return 0;
}

struct http_multi *http_multi_new(struct loop *loop, http_done_cb done,
                                  void *arg)
{
    struct http_multi *m = xcalloc(1, sizeof *m);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    m->loop = loop;
    m->done = done;
    m->arg = arg;
    m->multi = curl_multi_init();
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    m->timer = evtimer_new(loop_base(loop), on_timeout, m);
    return m;
}

void http_multi_free(struct http_multi *m)
{
    if (m == NULL)
        return;
    curl_multi_cleanup(m->multi);
    event_free(m->timer);
    free(m);
    curl_global_cleanup();
}

void http_multi_add(struct http_multi *m, CURL *e)
{
    curl_multi_add_handle(m->multi, e);
}

void http_multi_remove(struct http_multi *m, CURL *e)
{
    curl_multi_remove_handle(m->multi, e);
}
