/*
 * BOSH's HTTP: each request an easy handle on one multi handle, whose
 * sockets and timer are libevent events of perch's loop. Responses are
 * capped at BOSH_MAX_RESPONSE bytes after decompression (a gzip bomb
 * stops there).
 */
#include "bosh_internal.h"
#include "base/loop.h"
#include "boshbody.h"
#include "cert.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#define CONNECT_TIMEOUT_MS 10000

static double wall_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

char *bosh_curl_untrusted(struct bosh *b, const char *why)
{
    CURL *e = curl_easy_init();
    struct curl_certinfo *ci = NULL;
    const char *subject = NULL, *issuer = NULL, *from = NULL, *to = NULL;
    const char *pem = NULL;
    struct curl_slist *s;
    char *msg;

    curl_easy_setopt(e, CURLOPT_URL, b->cfg.url);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (b->cfg.proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, b->cfg.proxy);
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
    msg =
        cert_untrusted_message(b->cfg.url, why, subject, issuer, from, to, pem);
    curl_easy_cleanup(e);
    return msg;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct breq *r = arg;

    if (r->resp.len + size * n > BOSH_MAX_RESPONSE) {
        r->capped = 1;
        return 0; /* curl fails the transfer: CURLE_WRITE_ERROR */
    }
    buf_append(&r->resp, data, size * n);
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct breq *r = arg;
    size_t len = size * n;

    if (len > 5 && strncasecmp(data, "Date:", 5) == 0) {
        size_t skip = 5;
        while (skip < len && data[skip] == ' ')
            skip++;
        len -= skip;
        while (len > 0 &&
               (data[skip + len - 1] == '\r' || data[skip + len - 1] == '\n'))
            len--;
        if (len >= sizeof r->date)
            len = sizeof r->date - 1;
        memcpy(r->date, data + skip, len);
        r->date[len] = '\0';
    }
    return size * n;
}

/* Trust: as over TCP, a matching pin is trust enough on its own. */
static void set_tls(struct bosh *b, CURL *e)
{
    if (b->cfg.ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, b->cfg.ca_file);
    if (b->cfg.pin) {
        curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, b->cfg.pin);
        if (b->cfg.ca_file == NULL) {
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }
    if (b->cfg.insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

void bosh_curl_start(struct breq *r)
{
    struct bosh *b = r->b;
    CURL *e = curl_easy_init();
    unsigned wait = b->params.wait ? b->params.wait : b->cfg.wait;

    buf_done(&r->resp);
    r->capped = 0;
    r->status = 0;
    r->date[0] = '\0';
    r->start_ms = loop_now_ms();
    r->start_wall = wall_now();
    r->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, b->cfg.url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    r->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     (long)(wait + BOSH_TIMEOUT_MARGIN_S) * 1000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (b->cfg.proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, b->cfg.proxy);
    set_tls(b, e);
    curl_multi_add_handle(b->multi, e);
}

static void check_multi(struct bosh *b)
{
    CURLMsg *m;
    int left;

    while (b->state != B_CLOSED &&
           (m = curl_multi_info_read(b->multi, &left)) != NULL) {
        struct breq *r = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        bosh_finished(b, r, m->data.result);
    }
}

static void on_curl_event(evutil_socket_t fd, short what, void *arg)
{
    struct bosh *b = arg;
    int running = 0;
    int action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
                 ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

    curl_multi_socket_action(b->multi, fd, action, &running);
    check_multi(b);
}

static void on_curl_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct bosh *b = arg;
    int running = 0;
    (void)fd;
    (void)what;
    curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_multi(b);
}

static int on_curl_socket(CURL *e, curl_socket_t s, int what, void *arg,
                          void *sockp)
{
    struct bosh *b = arg;
    struct event *ev = sockp;
    short kind;
    (void)e;

    if (what == CURL_POLL_REMOVE) {
        if (ev) {
            event_free(ev);
            curl_multi_assign(b->multi, s, NULL);
        }
        return 0;
    }
    kind = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) |
                   ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
    if (ev) {
        event_del(ev);
        event_assign(ev, loop_base(b->loop), s, kind, on_curl_event, b);
    } else {
        ev = event_new(loop_base(b->loop), s, kind, on_curl_event, b);
        curl_multi_assign(b->multi, s, ev);
    }
    event_add(ev, NULL);
    return 0;
}

static int on_curl_timer(CURLM *m, long ms, void *arg)
{
    struct bosh *b = arg;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    (void)m;

    if (ms < 0)
        evtimer_del(b->curl_timer);
    else
        evtimer_add(b->curl_timer, &tv);
    return 0;
}

void bosh_curl_init(struct bosh *b)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    b->multi = curl_multi_init();
    curl_multi_setopt(b->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(b->multi, CURLMOPT_SOCKETDATA, b);
    curl_multi_setopt(b->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(b->multi, CURLMOPT_TIMERDATA, b);
    b->headers =
        curl_slist_append(NULL, "Content-Type: text/xml; charset=utf-8");
    b->curl_timer = evtimer_new(loop_base(b->loop), on_curl_timeout, b);
}

void bosh_curl_done(struct bosh *b)
{
    curl_multi_cleanup(b->multi);
    curl_slist_free_all(b->headers);
    event_free(b->curl_timer);
    curl_global_cleanup();
}
