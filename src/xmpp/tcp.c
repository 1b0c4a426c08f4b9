/*
 * XMPP over TCP. libstrophe runs in raw mode: it connects, does TLS and
 * parses XML; this file negotiates STARTTLS and checks the certificate, and
 * hands features and stanzas to the session. The socket joins the libevent
 * loop through the sockopt callback; libstrophe is driven without waiting.
 */
#include "tcp.h"
#include "base/buf.h"
#include "base/loop.h"
#include "cert.h"

#include <errno.h>
#include <event2/event.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NS_STREAMS "http://etherx.jabber.org/streams"
#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"

/* libstrophe reads at most 4 KiB per xmpp_run_once and TLS may keep a
 * decrypted record (<= 16 KiB) the fd no longer signals: keep calling until
 * this many passes in a row brought nothing. */
#define IDLE_PASSES 5
/* Passes per wake-up before yielding to other events (then resumes). */
#define MAX_PASSES 256
#define CLOSE_TICK_MS 250

enum tcp_state {
    T_IDLE,
    T_CONNECTING,
    T_STREAM,   /* stream open, waiting for features */
    T_STARTTLS, /* asked for STARTTLS, waiting for proceed */
    T_OPEN,     /* features passed to the session */
    T_CLOSING,
    T_CLOSED,
};

struct tcp {
    struct transport base;
    struct loop *loop;
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;
    struct tcp_config cfg; /* strings owned */
    enum tcp_state state;

    int fd;
    short watching;
    struct event *fd_ev;
    struct event *again_ev;  /* resume draining after MAX_PASSES */
    struct event *report_ev; /* deliver closed() outside any call */
    struct loop_timer *connect_timer, *close_timer;
    int in_drive;
    unsigned long elements_in;
    /* libstrophe's xmpp_conn_send_queue_len() does not count a stanza it
     * has begun to write, so after a send perch watches for writability
     * until a writable pass puts no byte on the wire. */
    int write_pending;

    int cert_checked;
    char *cert_error; /* first verification error libstrophe reported */
    char describe[160];

    enum perch_fail fail;
    char *cause;
    int reported;
};

/* libstrophe's sockopt and certfail callbacks carry no user pointer; a
 * process has one TCP connection being set up at a time. */
static struct tcp *connecting_tcp;

static void update_watch(struct tcp *t);
static void drive(struct tcp *t);

static void set_fail(struct tcp *t, enum perch_fail why, char *cause)
{
    if (t->fail != FAIL_NONE) {
        free(cause);
        return;
    }
    t->fail = why;
    t->cause = cause;
}

/* Ends the connection with a cause; closed() is reported from the loop. */
static void abort_with(struct tcp *t, enum perch_fail why, char *cause)
{
    set_fail(t, why, cause);
    if (t->state != T_CLOSED && t->conn != NULL &&
        xmpp_conn_is_connected(t->conn))
        xmpp_disconnect(t->conn); /* raw mode: closes the socket */
    t->state = T_CLOSED;
    event_active(t->report_ev, 0, 0);
}

static void report_closed(evutil_socket_t fd, short what, void *arg)
{
    struct tcp *t = arg;
    (void)fd;
    (void)what;
    if (t->reported)
        return;
    t->reported = 1;
    if (t->fd_ev)
        event_del(t->fd_ev);
    loop_timer_stop(t->connect_timer);
    loop_timer_stop(t->close_timer);
    t->base.ev->closed(t->base.ev_arg, t->fail ? t->fail : FAIL_NETWORK,
                       t->cause ? t->cause : "connection closed");
}

static const char *const stream_error_names[] = {
    [XMPP_SE_BAD_FORMAT] = "bad-format",
    [XMPP_SE_BAD_NS_PREFIX] = "bad-namespace-prefix",
    [XMPP_SE_CONFLICT] = "conflict",
    [XMPP_SE_CONN_TIMEOUT] = "connection-timeout",
    [XMPP_SE_HOST_GONE] = "host-gone",
    [XMPP_SE_HOST_UNKNOWN] = "host-unknown",
    [XMPP_SE_IMPROPER_ADDR] = "improper-addressing",
    [XMPP_SE_INTERNAL_SERVER_ERROR] = "internal-server-error",
    [XMPP_SE_INVALID_FROM] = "invalid-from",
    [XMPP_SE_INVALID_ID] = "invalid-id",
    [XMPP_SE_INVALID_NS] = "invalid-namespace",
    [XMPP_SE_INVALID_XML] = "invalid-xml",
    [XMPP_SE_NOT_AUTHORIZED] = "not-authorized",
    [XMPP_SE_POLICY_VIOLATION] = "policy-violation",
    [XMPP_SE_REMOTE_CONN_FAILED] = "remote-connection-failed",
    [XMPP_SE_RESOURCE_CONSTRAINT] = "resource-constraint",
    [XMPP_SE_RESTRICTED_XML] = "restricted-xml",
    [XMPP_SE_SEE_OTHER_HOST] = "see-other-host",
    [XMPP_SE_SYSTEM_SHUTDOWN] = "system-shutdown",
    [XMPP_SE_UNDEFINED_CONDITION] = "undefined-condition",
    [XMPP_SE_UNSUPPORTED_ENCODING] = "unsupported-encoding",
    [XMPP_SE_UNSUPPORTED_STANZA_TYPE] = "unsupported-stanza-type",
    [XMPP_SE_UNSUPPORTED_VERSION] = "unsupported-version",
    [XMPP_SE_XML_NOT_WELL_FORMED] = "not-well-formed",
};

static const char *target_host(struct tcp *t)
{
    return t->cfg.host ? t->cfg.host : t->cfg.domain;
}

static unsigned short target_port(struct tcp *t)
{
    if (t->cfg.port)
        return t->cfg.port;
    return t->cfg.tls == TLS_DIRECT ? 5223 : 5222;
}

/*
 * libstrophe does not say why a connect failed; ask the system directly
 * with one short blocking attempt so the user learns "refused" or "DNS".
 */
static void explain_connect_failure(struct tcp *t)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port[8];
    int rc, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%u", target_port(t));
    rc = getaddrinfo(target_host(t), port, &hints, &res);
    if (rc != 0) {
        set_fail(t, FAIL_DNS,
                 xasprintf("cannot resolve %s: %s", target_host(t),
                           gai_strerror(rc)));
        return;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        struct timeval tv = {3, 0};
        if (s < 0)
            continue;
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
            err = 0;
        else
            err = errno;
        close(s);
        if (err == 0)
            break;
    }
    freeaddrinfo(res);
    if (err == ECONNREFUSED)
        set_fail(t, FAIL_REFUSED,
                 xasprintf("connection refused by %s port %u", target_host(t),
                           target_port(t)));
    else
        set_fail(t, FAIL_NETWORK,
                 xasprintf("cannot connect to %s port %u: %s", target_host(t),
                           target_port(t),
                           err ? strerror(err) : "connection failed"));
}

static int on_sockopt(xmpp_conn_t *conn, void *sock)
{
    (void)conn;
    if (connecting_tcp != NULL)
        connecting_tcp->fd = *(int *)sock;
    return 0;
}

/* Every verification error is recorded; the decision is taken once the
 * handshake is over (check_peer), before any credential is sent. */
static int on_certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
    (void)cert;
    if (connecting_tcp != NULL && connecting_tcp->cert_error == NULL)
        connecting_tcp->cert_error = xstrdup(errormsg ? errormsg : "unknown");
    return 1;
}

static void describe_tls(struct tcp *t, const char *how)
{
    snprintf(t->describe, sizeof t->describe, "TCP %s:%u, %s", target_host(t),
             target_port(t), how);
}

/* Decides whether the peer is trusted: verified, pinned, or --insecure. */
static int check_peer(struct tcp *t)
{
    xmpp_tlscert_t *cert = xmpp_conn_get_peer_cert(t->conn);
    const char *pem = cert ? xmpp_tlscert_get_pem(cert) : NULL;
    int pinned = t->cfg.pin && pem && cert_pin_matches(t->cfg.pin, pem);

    if (cert == NULL) {
        abort_with(t, FAIL_TLS, xstrdup("TLS: the server sent no certificate"));
        return -1;
    }
    if (t->cfg.insecure) {
        describe_tls(t, "TLS, certificate NOT verified (--insecure)");
    } else if (pinned) {
        describe_tls(t, "TLS, pinned key");
    } else if (t->cert_error == NULL && t->cfg.pin == NULL) {
        describe_tls(t, "TLS, verified");
    } else {
        abort_with(t, FAIL_CERT,
                   cert_untrusted_message(
                       t->cfg.domain,
                       t->cert_error ? t->cert_error
                                     : "public key does not match --pin",
                       xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT),
                       xmpp_tlscert_get_string(cert, XMPP_CERT_ISSUER),
                       xmpp_tlscert_get_string(cert, XMPP_CERT_NOTBEFORE),
                       xmpp_tlscert_get_string(cert, XMPP_CERT_NOTAFTER), pem));
        xmpp_tlscert_free(cert);
        return -1;
    }
    xmpp_tlscert_free(cert);
    return 0;
}

static int start_tls(struct tcp *t)
{
    int rc;

    connecting_tcp = t;
    rc = xmpp_conn_tls_start(t->conn);
    connecting_tcp = NULL;
    if (rc <= 0 && !xmpp_conn_is_secured(t->conn)) {
        if (t->cert_error != NULL && !t->cfg.insecure)
            abort_with(t, FAIL_TLS,
                       xasprintf("TLS handshake with %s failed: %s",
                                 target_host(t), t->cert_error));
        else
            abort_with(
                t, FAIL_TLS,
                xasprintf("TLS handshake with %s failed", target_host(t)));
        return -1;
    }
    return check_peer(t);
}

static int on_element(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
    struct tcp *t = arg;
    const char *name = xmpp_stanza_get_name(st);
    const char *ns = xmpp_stanza_get_ns(st);
    (void)conn;

    t->elements_in++;
    if (t->state == T_CLOSED)
        return 1;
    if (strcmp(name, "features") == 0 && ns && strcmp(ns, NS_STREAMS) == 0) {
        int offered = xmpp_stanza_get_child_by_name_and_ns(st, "starttls",
                                                           NS_TLS) != NULL;
        if (!xmpp_conn_is_secured(t->conn) && t->cfg.tls != TLS_OFF &&
            offered) {
            xmpp_stanza_t *req = xmpp_stanza_new(t->ctx);
            xmpp_stanza_set_name(req, "starttls");
            xmpp_stanza_set_ns(req, NS_TLS);
            xmpp_send(t->conn, req);
            xmpp_stanza_release(req);
            t->write_pending = 1;
            t->state = T_STARTTLS;
            return 1;
        }
        if (!xmpp_conn_is_secured(t->conn) && t->cfg.tls == TLS_REQUIRE) {
            abort_with(t, FAIL_TLS,
                       xasprintf("%s does not offer STARTTLS (use --tls "
                                 "prefer or --tls off to go on without)",
                                 target_host(t)));
            return 1;
        }
        if (!xmpp_conn_is_secured(t->conn))
            describe_tls(t, "NOT encrypted");
        t->state = T_OPEN;
        t->base.ev->features(t->base.ev_arg, st);
        return 1;
    }
    if (t->state == T_STARTTLS && ns && strcmp(ns, NS_TLS) == 0) {
        if (strcmp(name, "proceed") != 0) {
            abort_with(t, FAIL_TLS,
                       xasprintf("%s refused STARTTLS", target_host(t)));
            return 1;
        }
        if (start_tls(t) == 0) {
            t->state = T_STREAM;
            xmpp_conn_open_stream_default(t->conn);
        }
        return 1;
    }
    t->base.ev->stanza(t->base.ev_arg, st);
    return 1;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                    xmpp_stream_error_t *se, void *arg)
{
    struct tcp *t = arg;
    (void)conn;

    switch (event) {
    case XMPP_CONN_RAW_CONNECT:
        loop_timer_stop(t->connect_timer);
        describe_tls(t, "NOT encrypted");
        t->state = T_STREAM;
        if (t->cfg.tls == TLS_DIRECT && start_tls(t) != 0)
            return;
        xmpp_conn_open_stream_default(t->conn);
        return;
    case XMPP_CONN_CONNECT:
        return; /* stream header received; features come as an element */
    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
        break;
    }
    if (t->state == T_CONNECTING) {
        if (error == ETIMEDOUT)
            set_fail(t, FAIL_NETWORK,
                     xasprintf("timed out connecting to %s port %u",
                               target_host(t), target_port(t)));
        else
            explain_connect_failure(t);
    } else if (se != NULL) {
        const char *name = (size_t)se->type < sizeof stream_error_names /
                                                  sizeof *stream_error_names
                               ? stream_error_names[se->type]
                               : NULL;
        set_fail(t, FAIL_STREAM,
                 xasprintf("stream error from server: %s%s%s",
                           name ? name : "unknown", se->text ? ": " : "",
                           se->text ? se->text : ""));
    } else if (t->state == T_CLOSING) {
        set_fail(t, FAIL_CLOSED, xstrdup("closed"));
    } else if (error != 0 && xmpp_conn_is_secured(t->conn)) {
        /* over TLS libstrophe's error is OpenSSL's code, not an errno */
        set_fail(t, FAIL_NETWORK,
                 xasprintf("connection to %s lost (the TLS stream ended or "
                           "broke, OpenSSL error %d)",
                           target_host(t), error));
    } else if (error != 0) {
        set_fail(t, FAIL_NETWORK,
                 xasprintf("connection to %s lost: %s", target_host(t),
                           strerror(error)));
    } else {
        set_fail(t, FAIL_NETWORK,
                 xasprintf("%s closed the connection", target_host(t)));
    }
    t->state = T_CLOSED;
    event_active(t->report_ev, 0, 0);
}

static int fd_readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static void drive(struct tcp *t)
{
    int passes = 0, idle = 0;

    if (t->in_drive || t->conn == NULL)
        return;
    t->in_drive = 1;
    while (idle < IDLE_PASSES && passes < MAX_PASSES && t->state != T_CLOSED &&
           t->state != T_IDLE) {
        unsigned long before = t->elements_in;
        int readable = fd_readable(t->fd);

        xmpp_run_once(t->ctx, 0);
        passes++;
        idle = (readable || t->elements_in != before) ? 0 : idle + 1;
    }
    t->in_drive = 0;
    if (passes == MAX_PASSES)
        event_active(t->again_ev, 0, 0);
    update_watch(t);
}

/* Bytes the kernel has sent on the socket so far (Linux TCP_INFO). */
static int bytes_sent(int fd, unsigned long long *out)
{
    struct tcp_info info;
    socklen_t len = sizeof info;

    memset(&info, 0, sizeof info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_sent) +
                  sizeof info.tcpi_bytes_sent)
        return -1;
    *out = info.tcpi_bytes_sent;
    return 0;
}

static void on_fd(evutil_socket_t fd, short what, void *arg)
{
    struct tcp *t = arg;
    unsigned long long before = 0, after = 0;
    int measured =
        (what & EV_WRITE) && t->write_pending && bytes_sent(fd, &before) == 0;

    drive(t);
    if ((what & EV_WRITE) && t->state != T_CLOSED &&
        (!measured || bytes_sent(fd, &after) != 0 || after == before)) {
        t->write_pending = 0; /* writable, yet nothing left to write */
        update_watch(t);
    }
}

static void on_again(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    drive(arg);
}

static void update_watch(struct tcp *t)
{
    short want = 0;

    if (t->state != T_CLOSED && t->state != T_IDLE && t->fd >= 0) {
        want = EV_READ;
        if (t->state == T_CONNECTING || t->write_pending ||
            xmpp_conn_send_queue_len(t->conn) > 0)
            want |= EV_WRITE;
    }
    if (want == t->watching)
        return;
    if (t->fd_ev != NULL)
        event_free(t->fd_ev);
    t->fd_ev = NULL;
    t->watching = want;
    if (want) {
        t->fd_ev =
            event_new(loop_base(t->loop), t->fd, want | EV_PERSIST, on_fd, t);
        event_add(t->fd_ev, NULL);
    }
}

static void on_connect_timeout(void *arg)
{
    struct tcp *t = arg;
    abort_with(t, FAIL_NETWORK,
               xasprintf("timed out connecting to %s port %u", target_host(t),
                         target_port(t)));
}

static void on_close_tick(void *arg)
{
    struct tcp *t = arg;
    drive(t); /* lets libstrophe's own disconnect timeout fire */
    if (t->state == T_CLOSING)
        loop_timer_start(t->close_timer, CLOSE_TICK_MS);
}

static int tcp_connect(struct transport *base, char **cause)
{
    struct tcp *t = (struct tcp *)base;
    long flags = 0;
    int rc;

    t->conn = xmpp_conn_new(t->ctx);
    if (t->cfg.tls == TLS_DIRECT)
        flags |= XMPP_CONN_FLAG_LEGACY_SSL;
    if (t->cfg.insecure)
        flags |= XMPP_CONN_FLAG_TRUST_TLS;
    xmpp_conn_set_flags(t->conn, flags);
    xmpp_conn_set_jid(t->conn, t->cfg.domain);
    if (t->cfg.ca_file)
        xmpp_conn_set_cafile(t->conn, t->cfg.ca_file);
    xmpp_conn_set_certfail_handler(t->conn, on_certfail);
    xmpp_conn_set_sockopt_callback(t->conn, on_sockopt);
    xmpp_handler_add(t->conn, on_element, NULL, NULL, NULL, t);

    t->state = T_CONNECTING;
    connecting_tcp = t;
    rc = xmpp_connect_raw(t->conn, t->cfg.host, target_port(t), on_conn, t);
    connecting_tcp = NULL;
    if (rc != XMPP_EOK) {
        t->state = T_CLOSED;
        explain_connect_failure(t);
        *cause = xstrdup(t->cause);
        return -1;
    }
    loop_timer_start(t->connect_timer, t->cfg.connect_timeout_ms
                                           ? t->cfg.connect_timeout_ms
                                           : 10000);
    update_watch(t);
    return 0;
}

static void tcp_send(struct transport *base, xmpp_stanza_t *st)
{
    struct tcp *t = (struct tcp *)base;

    if (t->state == T_CLOSED || t->conn == NULL)
        return;
    xmpp_send(t->conn, st);
    t->write_pending = 1;
    if (!t->in_drive)
        drive(t);
}

static void tcp_restart(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;
    t->state = T_STREAM;
    xmpp_conn_open_stream_default(t->conn);
    t->write_pending = 1;
    if (!t->in_drive)
        drive(t);
}

static int tcp_secure(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;
    return t->conn && xmpp_conn_is_secured(t->conn);
}

static const char *tcp_describe(struct transport *base)
{
    return ((struct tcp *)base)->describe;
}

static void tcp_close(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;

    if (t->state == T_CLOSED || t->state == T_CLOSING)
        return;
    if (t->state == T_IDLE || t->state == T_CONNECTING ||
        !xmpp_conn_is_connected(t->conn)) {
        abort_with(t, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    t->state = T_CLOSING;
    xmpp_disconnect(t->conn); /* sends </stream:stream>, waits for reply */
    loop_timer_start(t->close_timer, CLOSE_TICK_MS);
    if (!t->in_drive)
        drive(t);
}

static void tcp_free(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;

    if (t == NULL)
        return;
    t->reported = 1; /* releasing a live conn calls on_conn once more */
    if (t->conn)
        xmpp_conn_release(t->conn);
    if (t->fd_ev)
        event_free(t->fd_ev);
    event_free(t->again_ev);
    event_free(t->report_ev);
    loop_timer_free(t->connect_timer);
    loop_timer_free(t->close_timer);
    free((char *)t->cfg.domain);
    free((char *)t->cfg.host);
    free((char *)t->cfg.ca_file);
    free((char *)t->cfg.pin);
    free(t->cert_error);
    free(t->cause);
    free(t);
}

static const struct transport_ops tcp_ops = {
    .name = "tcp",
    .connect = tcp_connect,
    .send = tcp_send,
    .restart = tcp_restart,
    .secure = tcp_secure,
    .describe = tcp_describe,
    .close = tcp_close,
    .free = tcp_free,
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

struct transport *tcp_new(struct loop *loop, xmpp_ctx_t *ctx,
                          const struct tcp_config *cfg)
{
    struct tcp *t = xcalloc(1, sizeof *t);

    t->base.ops = &tcp_ops;
    t->loop = loop;
    t->ctx = ctx;
    t->cfg = *cfg;
    t->cfg.domain = xstrdup(cfg->domain);
    t->cfg.host = dup_or_null(cfg->host);
    t->cfg.ca_file = dup_or_null(cfg->ca_file);
    t->cfg.pin = dup_or_null(cfg->pin);
    t->fd = -1;
    t->again_ev = event_new(loop_base(loop), -1, 0, on_again, t);
    t->report_ev = event_new(loop_base(loop), -1, 0, report_closed, t);
    t->connect_timer = loop_timer_new(loop, on_connect_timeout, t);
    t->close_timer = loop_timer_new(loop, on_close_tick, t);
    describe_tls(t, "not connected");
    return &t->base;
}
