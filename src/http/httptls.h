/*
 * perch's trust and proxy rules on a libcurl easy handle, the same for
 * every HTTP user (BOSH, REST): --ca-file is CAINFO; --pin is
 * PINNEDPUBLICKEY and, as over TCP, trust enough on its own; --insecure
 * turns verification off; --proxy, else curl's environment
 * (http_proxy, https_proxy, no_proxy). Also what a failed transfer means:
 * the perch_fail kind, the sentence for the user, and the exit-4 message
 * with the certificate the server presented.
 */
#ifndef PERCH_HTTPTLS_H
#define PERCH_HTTPTLS_H

#include "base/fail.h"
#include "xmpp/transport.h"

#include <curl/curl.h>

struct http_tls {
    const char *ca_file; /* NULL: the system store */
    const char *pin;     /* NULL or "sha256//…[;sha256//…]" */
    int insecure;
    const char *proxy; /* NULL: curl's environment */
};

/* dst gets copies of src's strings (owned: http_tls_done frees them). */
void http_tls_copy(struct http_tls *dst, const struct http_tls *src);
void http_tls_done(struct http_tls *t);

/* Sets e's certificate checks and proxy as t says (strings borrowed:
 * curl copies them). */
void http_tls_apply(CURL *e, const struct http_tls *t);

/* During a transfer, while its connection is in use: the TLS version and
 * cipher (OpenSSL's static strings) into *version and *cipher, or NULLs. */
void http_tls_session(CURL *e, const char **version, const char **cipher);
/* The same for a connection curl lets go of once connected (CONNECT_ONLY:
 * its SSL is out of reach after): set before the transfer, f is filled
 * when the handshake completes. f must outlive e's connection. */
struct http_tls_facts {
    const char *version, *cipher; /* OpenSSL's static strings, or NULL */
};
void http_tls_watch(CURL *e, struct http_tls_facts *f);
/* After a transfer (or a CONNECT_ONLY connect) that made a new connection
 * (CURLINFO_NUM_CONNECTS): a TCP transport_conn and, for https, a TLS one
 * to cb: the peer, the connect and handshake times, how the peer was
 * trusted (t), the certificate's subject and expiry (CURLOPT_CERTINFO on),
 * version and cipher as http_tls_session read them. start: the transfer's
 * start, wall clock. Nothing when no connection was made. */
void http_conn_report(CURL *e, const struct http_tls *t, double start,
                      const char *version, const char *cipher,
                      void (*cb)(void *arg, const struct transport_conn *c),
                      void *arg);

/* 1 when rc means the server's certificate or key was refused. */
int http_tls_refused(CURLcode rc);

/*
 * Why a transfer to url failed with rc (errbuf: curl's error buffer, may
 * be "" or NULL): sets *kind (FAIL_CERT, FAIL_DNS, FAIL_REFUSED, FAIL_TLS,
 * FAIL_TIMEOUT or FAIL_NETWORK) and returns the sentence for the user. For
 * FAIL_CERT it is the untrusted-certificate message: perch connects once
 * more without verification, only to read the certificate and print its
 * subject, issuer, validity and the --pin that would accept its key. New
 * string, caller frees.
 */
char *http_fail_cause(const char *url, const struct http_tls *t, CURLcode rc,
                      const char *errbuf, enum perch_fail *kind);
/* The same where messages call the server name, not url (the WebSocket:
 * wss://… as the user wrote it, curl connecting to https://…). */
char *http_fail_cause_named(const char *url, const char *name,
                            const struct http_tls *t, CURLcode rc,
                            const char *errbuf, enum perch_fail *kind);

#endif
