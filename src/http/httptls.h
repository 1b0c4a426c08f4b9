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
