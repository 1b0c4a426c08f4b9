/*
 * XMPP over TCP (RFC 6120), owned end to end by perch: an asynchronous
 * resolver (evdns), a libevent bufferevent for the socket, OpenSSL through
 * libevent's TLS bufferevent for STARTTLS and direct TLS, and the bounded
 * input path (xmlstream.c) for every byte that arrives. libstrophe is used
 * for its stanza objects only.
 *
 * The loop stays fair: a wake-up reads at most one bufferevent read (16
 * KiB), the reader pauses after a batch of stanzas and goes on from a
 * zero-delay timer, i.e. after every other ready event of the loop.
 */
#include "tcp.h"
#include "base/buf.h"
#include "base/env.h"
#include "base/loop.h"
#include "cert.h"
#include "stream_error.h"
#include "xmlstream.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS_STREAMS "http://etherx.jabber.org/streams"
#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"

enum tcp_state {
    T_IDLE,
    T_RESOLVING,
    T_CONNECTING, /* TCP, and the handshake of direct TLS */
    T_STREAM,     /* stream open, waiting for features */
    T_STARTTLS,   /* asked for STARTTLS, waiting for proceed */
    T_HANDSHAKE,  /* STARTTLS handshake */
    T_OPEN,       /* features passed to the session */
    T_CLOSING,
    T_CLOSED,
};

struct tcp {
    struct transport base;
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct tcp_config cfg; /* strings owned */
    enum tcp_state state;

    struct evdns_base *dns;
    struct evdns_getaddrinfo_request *dns_req;
    struct evutil_addrinfo *addrs, *next_addr;
    int connect_errno; /* of the last address tried */

    struct bufferevent *bev;
    SSL_CTX *ssl_ctx;
    SSL *ssl; /* owned by bev once it is a TLS bufferevent */
    int secured;
    char *cert_error; /* the first verification error of the handshake */
    struct xmlstream *xs;

    struct event *resume_ev;  /* the reader paused after a batch */
    struct event *upgrade_ev; /* STARTTLS, outside the read callback */
    /* when the connection (this address) and the TLS handshake began */
    double conn_wall, conn_ms, tls_wall, tls_ms;
    struct event *report_ev; /* closed(), outside any call */
    struct loop_timer *connect_timer, *close_timer;
    char describe[160];

    enum perch_fail fail;
    char *cause;
    int reported;
};

static void on_event(struct bufferevent *bev, short what, void *arg);
static void on_read(struct bufferevent *bev, void *arg);

/* ---- the end ---- */

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
    if (t->state == T_CLOSED)
        return;
    t->state = T_CLOSED;
    if (t->xs)
        xmlstream_stop(t->xs);
    if (t->bev)
        bufferevent_disable(t->bev, EV_READ | EV_WRITE);
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
    loop_timer_stop(t->connect_timer);
    loop_timer_stop(t->close_timer);
    event_del(t->resume_ev);
    if (t->bev) { /* the socket goes now, not when the owner frees us */
        bufferevent_free(t->bev);
        t->bev = NULL;
        t->ssl = NULL;
    }
    t->base.ev->closed(t->base.ev_arg, t->fail ? t->fail : FAIL_NETWORK,
                       t->cause ? t->cause : "connection closed");
}

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

static void describe_tls(struct tcp *t, const char *how)
{
    snprintf(t->describe, sizeof t->describe, "TCP %s:%u, %s", target_host(t),
             target_port(t), how);
}

/* OpenSSL's reason for the last failure on this connection, or NULL. */
static const char *tls_reason(struct tcp *t)
{
    unsigned long e = t->bev ? bufferevent_get_openssl_error(t->bev) : 0;
    const char *r;

    if (e == 0)
        return NULL;
    r = ERR_reason_error_string(e);
    return r ? r : "unknown TLS error";
}

/* ---- TLS ---- */

/* Every verification error is recorded; the decision is taken once the
 * handshake is over (check_peer), before any credential is sent. */
static int on_verify(int ok, X509_STORE_CTX *store)
{
    SSL *ssl =
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct tcp *t = ssl ? SSL_get_app_data(ssl) : NULL;

    if (!ok && t != NULL && t->cert_error == NULL) {
        int err = X509_STORE_CTX_get_error(store);
        t->cert_error = xstrdup(X509_verify_cert_error_string(err));
    }
    return 1;
}

/* SSLKEYLOGFILE: each secret line appended (NSS key log format, what
 * Wireshark reads), the file made 0600 if perch creates it. */
static void on_keylog(const SSL *ssl, const char *line)
{
    const char *path = env_keylog_file();
    int fd;
    (void)ssl;

    if (path == NULL)
        return;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) {
        /* nothing to do: the session does not depend on it */
    }
    close(fd);
}

/* Trust anchors: --ca-file alone when given, else the system's hashed
 * certificate directory, read lazily, one certificate a lookup. */
static int make_ssl(struct tcp *t, char **cause)
{
    if (t->ssl_ctx == NULL) {
        t->ssl_ctx = SSL_CTX_new(TLS_client_method());
        if (t->ssl_ctx == NULL) {
            *cause = xstrdup("TLS: cannot set up OpenSSL");
            return -1;
        }
        SSL_CTX_set_min_proto_version(t->ssl_ctx, TLS1_2_VERSION);
        SSL_CTX_set_verify(t->ssl_ctx, SSL_VERIFY_PEER, on_verify);
        if (env_keylog_file())
            SSL_CTX_set_keylog_callback(t->ssl_ctx, on_keylog);
        if (t->cfg.ca_file) {
            if (SSL_CTX_load_verify_locations(t->ssl_ctx, t->cfg.ca_file,
                                              NULL) != 1) {
                *cause = xasprintf("--ca-file %s: no certificate could be "
                                   "read from it",
                                   t->cfg.ca_file);
                return -1;
            }
        } else {
            SSL_CTX_load_verify_dir(t->ssl_ctx, X509_get_default_cert_dir());
        }
    }
    ERR_clear_error();
    t->ssl = SSL_new(t->ssl_ctx);
    SSL_set_app_data(t->ssl, t);
    SSL_set_tlsext_host_name(t->ssl, t->cfg.domain);
    SSL_set1_host(t->ssl, t->cfg.domain);
    return 0;
}

/* "/CN=localhost", as libstrophe and openssl x509 -subject show it */
static char *name_text(const X509_NAME *name)
{
    char *line = X509_NAME_oneline(name, NULL, 0);
    char *s = xstrdup(line ? line : "?");
    OPENSSL_free(line);
    return s;
}

/* What was written to a memory BIO, as a new string; frees the BIO. */
static char *bio_text(BIO *b)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    char *s = xstrndup(data ? data : "", (size_t)(n > 0 ? n : 0));

    BIO_free(b);
    return s;
}

static char *time_text(const ASN1_TIME *tm)
{
    BIO *b = BIO_new(BIO_s_mem());

    ASN1_TIME_print(b, tm);
    return bio_text(b);
}

/* "CN = localhost", as curl's certificate info gives a subject */
static char *subject_text(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());

    X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE);
    return bio_text(b);
}

/* The TCP connection made: its peer and how long it took (direct TLS: the
 * handshake included). */
static void report_tcp(struct tcp *t)
{
    struct transport_conn c;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    if (t->base.ev->connected == NULL)
        return;
    memset(&ss, 0, sizeof ss);
    if (getpeername(bufferevent_getfd(t->bev), (struct sockaddr *)&ss, &len) ==
        0) {
        if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
            port = ntohs(a->sin6_port);
        } else if (ss.ss_family == AF_INET) {
            const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
            port = ntohs(a->sin_port);
        }
    }
    memset(&c, 0, sizeof c);
    c.start = t->conn_wall;
    c.ms = loop_now_ms() - t->conn_ms;
    c.address = addr;
    c.port = port;
    t->base.ev->connected(t->base.ev_arg, &c);
}

/* TLS set up and its peer trusted (how: "ca", "pin", "insecure"). */
static void report_tls(struct tcp *t, X509 *cert, const char *how)
{
    struct transport_conn c;
    char *subject, *expiry; /* as curl's: "Dec 31 05:44:35 2026 GMT" */

    if (t->base.ev->connected == NULL)
        return;
    subject = subject_text(X509_get_subject_name(cert));
    expiry = time_text(X509_get0_notAfter(cert));
    memset(&c, 0, sizeof c);
    c.tls = 1;
    c.start = t->cfg.tls == TLS_DIRECT ? t->conn_wall : t->tls_wall;
    c.ms = t->cfg.tls == TLS_DIRECT ? -1 : loop_now_ms() - t->tls_ms;
    c.version = SSL_get_version(t->ssl);
    c.cipher = SSL_get_cipher_name(t->ssl);
    c.verify = how;
    c.subject = subject;
    c.expiry = expiry;
    t->base.ev->connected(t->base.ev_arg, &c);
    free(subject);
    free(expiry);
}

static char *cert_pem(X509 *cert)
{
    BIO *b = BIO_new(BIO_s_mem());

    PEM_write_bio_X509(b, cert);
    return bio_text(b);
}

static char *untrusted(struct tcp *t, X509 *cert, const char *pem,
                       const char *why)
{
    char *subject = name_text(X509_get_subject_name(cert));
    char *issuer = name_text(X509_get_issuer_name(cert));
    char *from = time_text(X509_get0_notBefore(cert));
    char *to = time_text(X509_get0_notAfter(cert));
    char *msg = cert_untrusted_message(t->cfg.domain, why, subject, issuer,
                                       from, to, pem);
    free(subject);
    free(issuer);
    free(from);
    free(to);
    return msg;
}

/* Decides whether the peer is trusted: verified, pinned, or --insecure. */
static int check_peer(struct tcp *t)
{
    X509 *cert = t->ssl ? SSL_get1_peer_certificate(t->ssl) : NULL;
    char *pem, how[64];
    int pinned;

    if (cert == NULL) {
        abort_with(t, FAIL_TLS, xstrdup("TLS: the server sent no certificate"));
        return -1;
    }
    pem = cert_pem(cert);
    pinned = t->cfg.pin && cert_pin_matches(t->cfg.pin, pem);
    if (t->cfg.insecure) {
        snprintf(how, sizeof how,
                 "TLS, certificate NOT verified "
                 "(--insecure)");
    } else if (pinned) {
        snprintf(how, sizeof how, "TLS, pinned key");
    } else if (t->cert_error == NULL && t->cfg.pin == NULL) {
        snprintf(how, sizeof how, "TLS, verified");
    } else {
        abort_with(t, FAIL_CERT,
                   untrusted(t, cert, pem,
                             t->cert_error ? t->cert_error
                                           : "public key does not match "
                                             "--pin"));
        free(pem);
        X509_free(cert);
        return -1;
    }
    describe_tls(t, how);
    t->secured = 1;
    report_tls(t, cert, t->cfg.insecure ? "insecure" : pinned ? "pin" : "ca");
    free(pem);
    X509_free(cert);
    return 0;
}

/* ---- the stream ---- */

static void write_text(struct tcp *t, const char *s, size_t len)
{
    if (t->bev && t->state != T_CLOSED)
        bufferevent_write(t->bev, s, len);
}

static void open_stream(struct tcp *t)
{
    char *header =
        xasprintf("<?xml version='1.0'?><stream:stream to='%s' xml:lang='en' "
                  "version='1.0' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams'>",
                  t->cfg.domain);
    t->state = T_STREAM;
    write_text(t, header, strlen(header));
    free(header);
}

static void send_stanza(struct tcp *t, xmpp_stanza_t *st)
{
    char *text = NULL;
    size_t len = 0;

    if (xmpp_stanza_to_text(st, &text, &len) != XMPP_EOK)
        return;
    write_text(t, text, len);
    xmpp_free(t->ctx, text);
}

/* "stream error from server: conflict: Replaced by new connection" */
static char *stream_error_cause(struct tcp *t, xmpp_stanza_t *err)
{
    char *what = stream_error_text(err);
    char *msg = xasprintf("stream error from %s: %s", target_host(t), what);
    free(what);
    return msg;
}

static void on_features(struct tcp *t, xmpp_stanza_t *st)
{
    int offered =
        xmpp_stanza_get_child_by_name_and_ns(st, "starttls", NS_TLS) != NULL;

    if (!t->secured && t->cfg.tls != TLS_OFF && offered) {
        static const char req[] =
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
        write_text(t, req, sizeof req - 1);
        t->state = T_STARTTLS;
        return;
    }
    if (!t->secured && t->cfg.tls == TLS_REQUIRE) {
        abort_with(t, FAIL_TLS,
                   xasprintf("%s does not offer STARTTLS (use --tls prefer "
                             "or --tls off to go on without)",
                             target_host(t)));
        return;
    }
    if (!t->secured)
        describe_tls(t, "NOT encrypted");
    t->state = T_OPEN;
    t->base.ev->features(t->base.ev_arg, st);
}

static void on_stream_open(void *arg, const char *name, const char *ns,
                           const char **attrs)
{
    struct tcp *t = arg;
    (void)attrs;

    if (strcmp(name, "stream") != 0 || ns == NULL ||
        strcmp(ns, NS_STREAMS) != 0)
        abort_with(t, FAIL_STREAM,
                   xasprintf("%s did not open an XMPP stream (its first "
                             "element is <%s>)",
                             target_host(t), name));
}

static void dispatch(struct tcp *t, xmpp_stanza_t *st);

/* Every child of the stream, with its bytes as read for the owner. */
static void on_element(void *arg, xmpp_stanza_t *st)
{
    struct tcp *t = arg;

    t->base.raw_in = xmlstream_raw(t->xs, &t->base.raw_in_len);
    dispatch(t, st);
    t->base.raw_in = NULL;
    t->base.raw_in_len = 0;
}

static void dispatch(struct tcp *t, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *ns = xmpp_stanza_get_ns(st);
    int streams = ns && strcmp(ns, NS_STREAMS) == 0;

    if (t->state == T_CLOSED)
        return;
    if (streams && strcmp(name, "error") == 0) {
        abort_with(t, FAIL_STREAM, stream_error_cause(t, st));
        return;
    }
    if (streams && strcmp(name, "features") == 0) {
        on_features(t, st);
        return;
    }
    if (t->state == T_STARTTLS && ns && strcmp(ns, NS_TLS) == 0) {
        if (strcmp(name, "proceed") != 0) {
            abort_with(t, FAIL_TLS,
                       xasprintf("%s refused STARTTLS", target_host(t)));
            return;
        }
        /* nothing after <proceed/> may count: the reader drops it, the
         * upgrade happens outside this callback */
        xmlstream_reset(t->xs);
        bufferevent_disable(t->bev, EV_READ);
        t->state = T_HANDSHAKE;
        t->tls_wall = loop_wall_s();
        t->tls_ms = loop_now_ms();
        event_active(t->upgrade_ev, 0, 0);
        return;
    }
    if (t->state != T_OPEN && t->state != T_CLOSING) {
        abort_with(t, FAIL_STREAM,
                   xasprintf("%s sent <%s> before the stream features",
                             target_host(t), name));
        return;
    }
    t->base.ev->stanza(t->base.ev_arg, st);
}

static void on_stream_close(void *arg)
{
    struct tcp *t = arg;

    if (t->state == T_CLOSING)
        abort_with(t, FAIL_CLOSED, xstrdup("closed"));
    else
        abort_with(t, FAIL_NETWORK,
                   xasprintf("%s closed the stream", target_host(t)));
}

static const struct xmlstream_events stream_events = {
    on_stream_open,
    on_element,
    on_stream_close,
};

/* A read result from the stream reader: go on, wait, or end. */
static void after_feed(struct tcp *t, int rc)
{
    if (rc == XMLSTREAM_PAUSED) {
        static const struct timeval now = {0, 0};
        if (t->bev)
            bufferevent_disable(t->bev, EV_READ);
        event_add(t->resume_ev, &now);
    } else if (rc == XMLSTREAM_FAILED) {
        abort_with(t, FAIL_STREAM,
                   xasprintf("%s sent XML perch refuses: %s", target_host(t),
                             xmlstream_cause(t->xs)));
    }
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct tcp *t = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    while (t->state != T_CLOSED && t->state != T_HANDSHAKE &&
           !xmlstream_paused(t->xs) && evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec v;
        int rc;
        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
            break;
        rc = xmlstream_feed(t->xs, v.iov_base, v.iov_len);
        evbuffer_drain(in, v.iov_len);
        after_feed(t, rc);
    }
    if (t->state == T_CLOSED || t->state == T_HANDSHAKE)
        evbuffer_drain(in, evbuffer_get_length(in));
}

/* The reader paused after a batch: the next batch, a turn of the loop
 * later. */
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct tcp *t = arg;
    int rc;
    (void)fd;
    (void)what;

    if (t->state == T_CLOSED)
        return;
    rc = xmlstream_resume(t->xs);
    after_feed(t, rc);
    if (rc == XMLSTREAM_OK && t->bev && t->state != T_CLOSED &&
        t->state != T_HANDSHAKE) {
        bufferevent_enable(t->bev, EV_READ);
        if (evbuffer_get_length(bufferevent_get_input(t->bev)) > 0)
            on_read(t->bev, t);
    }
}

/* STARTTLS: the plain bufferevent gets a TLS filter on top. */
static void on_upgrade(evutil_socket_t fd, short what, void *arg)
{
    struct tcp *t = arg;
    struct bufferevent *filter;
    struct evbuffer *in;
    char *cause = NULL;
    (void)fd;
    (void)what;

    if (t->state != T_HANDSHAKE)
        return;
    in = bufferevent_get_input(t->bev);
    evbuffer_drain(in, evbuffer_get_length(in)); /* sent in clear text */
    if (make_ssl(t, &cause) != 0) {
        abort_with(t, FAIL_TLS, cause);
        return;
    }
    filter = bufferevent_openssl_filter_new(
        loop_base(t->loop), t->bev, t->ssl, BUFFEREVENT_SSL_CONNECTING,
        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (filter == NULL) {
        SSL_free(t->ssl);
        t->ssl = NULL;
        abort_with(t, FAIL_TLS, xstrdup("TLS: cannot start the handshake"));
        return;
    }
    t->bev = filter;
    bufferevent_setcb(t->bev, on_read, NULL, on_event, t);
    bufferevent_enable(t->bev, EV_READ | EV_WRITE);
}

/* ---- connecting ---- */

static void try_next_address(struct tcp *t);

static char *connect_failure(struct tcp *t)
{
    if (t->connect_errno == ECONNREFUSED)
        return xasprintf("connection refused by %s port %u", target_host(t),
                         target_port(t));
    return xasprintf(
        "cannot connect to %s port %u: %s", target_host(t), target_port(t),
        t->connect_errno ? strerror(t->connect_errno) : "connection failed");
}

static void on_connected(struct tcp *t)
{
    if (t->state == T_CONNECTING) {
        loop_timer_stop(t->connect_timer);
        evutil_freeaddrinfo(t->addrs);
        t->addrs = t->next_addr = NULL;
        report_tcp(t);
        describe_tls(t, "NOT encrypted");
        if (t->cfg.tls == TLS_DIRECT && check_peer(t) != 0)
            return;
        open_stream(t);
    } else if (t->state == T_HANDSHAKE) {
        if (check_peer(t) == 0)
            open_stream(t);
    }
}

/* Why the connection broke, in words (never an OpenSSL code as errno). */
static char *lost_cause(struct tcp *t, short what, int err)
{
    const char *tls = (what & BEV_EVENT_ERROR) ? tls_reason(t) : NULL;

    if (tls && t->state == T_HANDSHAKE)
        return xasprintf("TLS handshake with %s failed: %s", target_host(t),
                         tls);
    if (tls && strstr(tls, "unexpected eof") == NULL)
        return xasprintf("connection to %s lost: TLS error: %s", target_host(t),
                         tls);
    if ((what & BEV_EVENT_ERROR) && err != 0)
        return xasprintf("connection to %s lost: %s", target_host(t),
                         strerror(err));
    return xasprintf("%s closed the connection", target_host(t));
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct tcp *t = arg;
    int err = EVUTIL_SOCKET_ERROR();
    (void)bev;

    if (t->state == T_CLOSED)
        return;
    if (what & BEV_EVENT_CONNECTED) {
        on_connected(t);
        return;
    }
    if (t->state == T_CONNECTING) {
        const char *tls = tls_reason(t);
        if (tls && t->cfg.tls == TLS_DIRECT) {
            abort_with(t, FAIL_TLS,
                       xasprintf("TLS handshake with %s failed: %s",
                                 target_host(t), tls));
            return;
        }
        t->connect_errno = err;
        try_next_address(t);
        return;
    }
    if (t->state == T_CLOSING) {
        abort_with(t, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    abort_with(t, t->state == T_HANDSHAKE ? FAIL_TLS : FAIL_NETWORK,
               lost_cause(t, what, err));
}

static void try_next_address(struct tcp *t)
{
    struct evutil_addrinfo *ai = t->next_addr;
    char *cause = NULL;

    if (t->bev) {
        bufferevent_free(t->bev);
        t->bev = NULL;
        t->ssl = NULL;
    }
    if (ai == NULL) {
        abort_with(
            t, t->connect_errno == ECONNREFUSED ? FAIL_REFUSED : FAIL_NETWORK,
            connect_failure(t));
        return;
    }
    t->next_addr = ai->ai_next;
    t->conn_wall = loop_wall_s();
    t->conn_ms = loop_now_ms();
    if (t->cfg.tls == TLS_DIRECT) {
        if (make_ssl(t, &cause) != 0) {
            abort_with(t, FAIL_TLS, cause);
            return;
        }
        t->bev = bufferevent_openssl_socket_new(
            loop_base(t->loop), -1, t->ssl, BUFFEREVENT_SSL_CONNECTING,
            BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    } else {
        t->bev = bufferevent_socket_new(loop_base(t->loop), -1,
                                        BEV_OPT_CLOSE_ON_FREE |
                                            BEV_OPT_DEFER_CALLBACKS);
    }
    bufferevent_setcb(t->bev, on_read, NULL, on_event, t);
    bufferevent_enable(t->bev, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(t->bev, ai->ai_addr, (int)ai->ai_addrlen) !=
        0) {
        t->connect_errno = EVUTIL_SOCKET_ERROR();
        try_next_address(t);
        return;
    }
    {
        int one = 1;
        setsockopt(bufferevent_getfd(t->bev), SOL_SOCKET, SO_KEEPALIVE, &one,
                   sizeof one);
    }
}

static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    struct tcp *t = arg;

    t->dns_req = NULL;
    if (result == EVUTIL_EAI_CANCEL || t->state != T_RESOLVING) {
        if (res)
            evutil_freeaddrinfo(res);
        return;
    }
    if (result != 0) {
        abort_with(t, FAIL_DNS,
                   xasprintf("cannot resolve %s: %s", target_host(t),
                             evutil_gai_strerror(result)));
        return;
    }
    t->addrs = t->next_addr = res;
    t->state = T_CONNECTING;
    try_next_address(t);
}

static void on_connect_timeout(void *arg)
{
    struct tcp *t = arg;
    abort_with(t, FAIL_NETWORK,
               xasprintf("timed out connecting to %s port %u", target_host(t),
                         target_port(t)));
}

static void on_close_timeout(void *arg)
{
    struct tcp *t = arg;
    abort_with(t, FAIL_CLOSED, xstrdup("closed"));
}

/* ---- the transport interface ---- */

static int tcp_connect(struct transport *base, char **cause)
{
    struct tcp *t = (struct tcp *)base;
    struct evutil_addrinfo hints;
    char port[8];

    xmlstream_keep_raw(t->xs, base->keep_raw);
    t->dns = evdns_base_new(loop_base(t->loop),
                            EVDNS_BASE_INITIALIZE_NAMESERVERS |
                                EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    if (t->dns == NULL) {
        *cause = xstrdup("cannot set up the resolver (/etc/resolv.conf)");
        return -1;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    snprintf(port, sizeof port, "%u", target_port(t));
    t->state = T_RESOLVING;
    loop_timer_start(t->connect_timer, t->cfg.connect_timeout_ms
                                           ? t->cfg.connect_timeout_ms
                                           : TRANSPORT_CONNECT_TIMEOUT_MS);
    /* may answer at once (an address, /etc/hosts): closed() is deferred */
    t->dns_req =
        evdns_getaddrinfo(t->dns, target_host(t), port, &hints, on_resolved, t);
    return 0;
}

static void tcp_send(struct transport *base, xmpp_stanza_t *st)
{
    struct tcp *t = (struct tcp *)base;

    if (t->state == T_OPEN || t->state == T_STREAM)
        send_stanza(t, st);
}

static void tcp_restart(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;

    if (t->state == T_CLOSED)
        return;
    xmlstream_reset(t->xs);
    open_stream(t);
}

static int tcp_secure(struct transport *base)
{
    return ((struct tcp *)base)->secured;
}

static const char *tcp_describe(struct transport *base)
{
    return ((struct tcp *)base)->describe;
}

static void tcp_close(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;
    static const char end[] = "</stream:stream>";

    if (t->state == T_CLOSED || t->state == T_CLOSING)
        return;
    if (t->state != T_OPEN && t->state != T_STREAM) {
        abort_with(t, FAIL_CLOSED, xstrdup("closed"));
        return;
    }
    write_text(t, end, sizeof end - 1);
    t->state = T_CLOSING;
    loop_timer_start(t->close_timer, TRANSPORT_CLOSE_TIMEOUT_MS);
}

static void tcp_free(struct transport *base)
{
    struct tcp *t = (struct tcp *)base;

    if (t == NULL)
        return;
    t->reported = 1;
    if (t->dns_req)
        evdns_getaddrinfo_cancel(t->dns_req);
    if (t->bev)
        bufferevent_free(t->bev);
    else if (t->ssl)
        SSL_free(t->ssl);
    if (t->dns)
        evdns_base_free(t->dns, 0);
    if (t->addrs)
        evutil_freeaddrinfo(t->addrs);
    SSL_CTX_free(t->ssl_ctx);
    xmlstream_free(t->xs);
    event_free(t->resume_ev);
    event_free(t->upgrade_ev);
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
    struct event_base *eb = loop_base(loop);

    t->base.ops = &tcp_ops;
    t->loop = loop;
    t->ctx = ctx;
    t->cfg = *cfg;
    t->cfg.domain = xstrdup(cfg->domain);
    t->cfg.host = dup_or_null(cfg->host);
    t->cfg.ca_file = dup_or_null(cfg->ca_file);
    t->cfg.pin = dup_or_null(cfg->pin);
    t->xs = xmlstream_new(ctx, NULL, &stream_events, t);
    t->resume_ev = evtimer_new(eb, on_resume, t);
    t->upgrade_ev = event_new(eb, -1, 0, on_upgrade, t);
    t->report_ev = event_new(eb, -1, 0, report_closed, t);
    t->connect_timer = loop_timer_new(loop, on_connect_timeout, t);
    t->close_timer = loop_timer_new(loop, on_close_timeout, t);
    describe_tls(t, "not connected");
    return &t->base;
}
