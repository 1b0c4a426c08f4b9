/*
 * What the two transports over HTTP (bosh.c, ws.c) share of libcurl: a
 * multi handle driven by the libevent loop, the TLS, CA, pin and proxy
 * options (so both trust and tunnel exactly alike), the message for a
 * certificate curl refused, and connect failures named.
 */
#ifndef PERCH_HTTP_H
#define PERCH_HTTP_H

#include "base/fail.h"

#include <curl/curl.h>

struct loop;

/* How to reach and trust a server; strings borrowed. */
struct http_trust {
    const char *url;     /* http:// or https:// as curl sees it */
    const char *name;    /* what messages call it; NULL: url */
    const char *ca_file; /* NULL: system store */
    const char *pin;     /* NULL or "sha256//…[;sha256//…]" */
    int insecure;        /* accept any certificate */
    const char *proxy;   /* NULL: curl's environment (http_proxy, …) */
};

/* Sets e's URL and the options of t: CA file, pin (trust enough on its
 * own, as over TCP), --insecure, proxy. */
void http_set_trust(CURL *e, const struct http_trust *t);

/*
 * The exit-4 message after curl refused the certificate: connects once
 * more without verification, only to read what the server presented, and
 * names the --pin that would accept its key. New string, caller frees.
 */
char *http_untrusted_message(const struct http_trust *t, const char *why);

/*
 * A transfer that failed while connecting: FAIL_CERT (with the untrusted
 * message), FAIL_DNS, FAIL_REFUSED or FAIL_TLS with *cause (new, caller
 * frees); FAIL_NONE when rc is none of those (the caller decides).
 */
enum perch_fail http_connect_failure(const struct http_trust *t, CURLcode rc,
                                     const char *errbuf, char **cause);

/* A libcurl multi handle whose sockets and timer are libevent's. done is
 * called for each finished transfer; it returns 0 to go on with the next
 * one, -1 to stop reading finished transfers for now. */
typedef int (*http_done_cb)(void *arg, CURL *e, CURLcode rc);

struct http_multi;

/* loop is borrowed and must outlive it. Never NULL. */
struct http_multi *http_multi_new(struct loop *loop, http_done_cb done,
                                  void *arg);
/* Frees the multi handle; its easy handles must be removed first. */
void http_multi_free(struct http_multi *m);
void http_multi_add(struct http_multi *m, CURL *e);
void http_multi_remove(struct http_multi *m, CURL *e);

#endif
