/*
 * The Finesse REST client: requests on libcurl's multi interface in the
 * libevent loop (src/http/, so BOSH's trust and proxy rules apply: CA,
 * --pin, --insecure, proxies), HTTP Basic with the account's user id and
 * password, a requestId header on every request that changes something
 * (as Finesse's desktop sends one), a bounded response read through the
 * bounded input path (xmlstream.c, document mode) and decoded with the
 * same decoders as an Update's <data>. Asynchronous: the answer comes to a
 * callback from the loop.
 */
#ifndef PERCH_REST_H
#define PERCH_REST_H

#include "base/fail.h"
#include "http/httptls.h"

#include <jansson.h>
#include <stddef.h>
#include <strophe.h>

struct loop;
struct recorder;
struct rest;

#define REST_TIMEOUT_MS 30000 /* a request, when nothing else is asked */

struct rest_config {
    const char *base;     /* "https://fin1:8445" (see rest_base) */
    const char *user;     /* Finesse's user id (Basic auth) */
    const char *password; /* copied; wiped when the client is freed */
    struct http_tls tls;
    int allow_plaintext_auth; /* send the password over http:// */
    unsigned timeout_ms;      /* a whole request; 0: REST_TIMEOUT_MS */
    /* --record: every exchange as an "http" line ("via":"rest") and the
     * tcp/tls lines of each new connection; NULL: none. Borrowed: it must
     * outlive the client. */
    struct recorder *recorder;
};

/* One answer (or why none came). Everything is borrowed for the call. */
struct rest_response {
    const char *method; /* "PUT" */
    const char *path;   /* "/finesse/api/User/1001001" */
    const char *url;
    const char *sent_id;    /* the requestId perch sent; "" for a GET */
    const char *request_id; /* the response's requestId header, else
                               sent_id: what the Update will carry */
    long status;            /* HTTP status; 0 when no answer came */
    double ms;              /* from the send to the whole answer */
    const char *date;       /* the Date header, or NULL */
    const char *body;       /* as received, NUL-terminated, len bytes */
    size_t len;
    xmpp_stanza_t *doc;      /* the body parsed, or NULL */
    const char *parse_error; /* why a non-empty body did not parse */
    json_t *decoded;         /* decode_rest(path, doc), or NULL */
    enum perch_fail fail;    /* FAIL_NONE when an answer came */
    const char *cause;       /* the failure in words, or NULL */
};

typedef void (*rest_cb)(void *arg, const struct rest_response *resp);

/* A client; loop and ctx are borrowed and must outlive it; cfg's strings
 * are copied. NULL with *cause (caller frees) when it must not send the
 * password: an http:// base without allow_plaintext_auth. */
struct rest *rest_new(struct loop *loop, xmpp_ctx_t *ctx,
                      const struct rest_config *cfg, char **cause);
/* Drops the requests in flight without calling back. Not from inside a
 * callback. */
void rest_free(struct rest *r);

/*
 * Sends METHOD PATH (rest_path's rules) with body (len bytes, or NULL for
 * none; it must be one well-formed XML element). cb is called once, from
 * the loop, never inside this call. *id (may be NULL) gets the requestId
 * sent ("" for a GET), borrowed until cb. 0, or -1 with *cause (caller
 * frees) and nothing sent.
 */
int rest_request(struct rest *r, const char *method, const char *path,
                 const char *body, size_t len, rest_cb cb, void *arg,
                 const char **id, char **cause);

/*
 * What becomes of an answer's body (len bytes; REST_MAX_RESPONSE at most
 * come this far): read through the bounded input path and decoded. Sets
 * *doc (new, caller releases) and *decoded (new, caller json_decref), or
 * *parse_error (new string, caller frees) when it is not one well-formed
 * element within the limits; all NULL for an empty body.
 */
void rest_read_body(xmpp_ctx_t *ctx, const char *path, const char *body,
                    size_t len, xmpp_stanza_t **doc, json_t **decoded,
                    char **parse_error);

/* The base URL (borrowed). */
const char *rest_base_url(const struct rest *r);

/* 0 when text (len bytes) is one well-formed element within the bounded
 * input path's limits; -1 with *cause (caller frees). */
int rest_check_body(xmpp_ctx_t *ctx, const char *text, size_t len,
                    char **cause);

#endif
