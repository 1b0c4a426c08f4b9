/*
 * libcurl's multi interface driven from the libevent loop: curl's sockets
 * and its timer become libevent events (CURLMOPT_SOCKETFUNCTION and
 * TIMERFUNCTION), so transfers run while the process sleeps in the loop.
 * Shared by every HTTP user (the BOSH transport, the REST client).
 */
#ifndef PERCH_CURLEV_H
#define PERCH_CURLEV_H

#include "base/buf.h"

#include <curl/curl.h>

struct loop;
struct curlev;

/* A transfer ended (rc CURLE_OK or why not). The easy handle has been
 * removed from the multi handle (but one of curlev_add_connect_only) and
 * is the caller's again (its CURLOPT_PRIVATE tells the caller which
 * transfer it was). */
typedef void (*curlev_done_cb)(void *arg, CURL *easy, CURLcode rc);

/* A multi handle in loop (borrowed, must outlive it); done is called for
 * every finished transfer. Never NULL. */
struct curlev *curlev_new(struct loop *loop, curlev_done_cb done, void *arg);
/* Callers remove their transfers first. Not from inside a done callback. */
void curlev_free(struct curlev *m);

/* Starts the transfer e (configured; still owned by the caller). */
void curlev_add(struct curlev *m, CURL *e);
/*
 * Starts e, a CURLOPT_CONNECT_ONLY transfer (the WebSocket's TCP, proxy
 * CONNECT and TLS). When done reports it, e stays in the multi handle:
 * removing a CONNECT_ONLY handle closes its connection. The caller then
 * talks with curl_easy_send/recv on CURLINFO_ACTIVESOCKET and ends it
 * with curlev_remove.
 */
void curlev_add_connect_only(struct curlev *m, CURL *e);
/* Stops e if it is running; done will not be called for it. */
void curlev_remove(struct curlev *m, CURL *e);

/*
 * A response body as curl writes it: CURLOPT_WRITEFUNCTION
 * curlev_body_write, CURLOPT_WRITEDATA the struct. At most max bytes,
 * counted after curl's decompression (a gzip bomb stops there): past them
 * the transfer fails with CURLE_WRITE_ERROR and capped says why.
 */
struct curlev_body {
    struct buf buf; /* owned; buf_done it */
    size_t max;
    int capped;
};
/* Empties b (freeing what it held) for a transfer of at most max bytes. */
void curlev_body_reset(struct curlev_body *b, size_t max);
size_t curlev_body_write(char *data, size_t size, size_t n, void *arg);

#endif
