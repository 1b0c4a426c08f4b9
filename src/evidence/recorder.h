/*
 * --record FILE: what a session did, as it happens, one JSON object a
 * line (docs/troubleshooting.md describes the lines). The first line is
 * the header; then every stanza in and out (SASL payloads redacted), every
 * transport record (a BOSH HTTP exchange with both bodies, redacted; a
 * WebSocket upgrade as an "http" line marked "upgrade"; each WebSocket
 * frame as a "ws" line, a text message with its data, redacted, a close
 * with its code; each keepalive ping as a "ping" line), every Finesse
 * REST exchange (an "http" line marked "via":"rest" with its headers minus
 * credentials), the BOSH parameters and how the session ended. Each line is
 * written and flushed when its event happens, so a crash loses at most that
 * line.
 *
 * Times are RFC 3339 with milliseconds and the local zone's offset:
 * "2026-12-01T02:13:07.412+01:00".
 */
#ifndef PERCH_RECORDER_H
#define PERCH_RECORDER_H

#include "xmpp/transport.h"

#include <stddef.h>

struct recorder;

/* What the header line says. Borrowed for the call. account is the JID
 * as given (never a password); server a host or a BOSH URL. */
struct recorder_header {
    const char *command; /* "watch", "console" … */
    const char *account;
    const char *transport; /* "tcp", "bosh" */
    const char *server;
};

/* Creates path mode 0600 (file.c's rule) and writes the header line. NULL
 * with *cause (new string, caller frees). */
struct recorder *recorder_open(const char *path,
                               const struct recorder_header *h, char **cause);
/* Closes the file. NULL is allowed, as for every call below (nothing is
 * recorded then). */
void recorder_close(struct recorder *r);
/* A session ended: a "closed" line with cause (NULL: asked for). */
void recorder_closed(struct recorder *r, const char *cause);

/* A stanza in (in = 1) or out as serialised, len bytes; redacted here. */
void recorder_stanza(struct recorder *r, int in, const char *xml, size_t len);
/* One transport record (borrowed); its bodies are redacted here. */
void recorder_transport(struct recorder *r, const struct transport_record *rec);
void recorder_params(struct recorder *r, const struct transport_params *p);
/* One REST exchange, borrowed for the call. Headers are blocks as on the
 * wire ("Name: value\r\n" lines; a status or request line is skipped);
 * Authorization, Proxy-Authorization, Cookie and Set-Cookie lines are
 * left out here. */
struct recorder_rest {
    double start; /* wall clock, seconds since the epoch */
    double ms;    /* to the whole answer */
    const char *method, *url;
    long status;        /* 0: no answer */
    const char *req_id; /* the requestId sent, or NULL/"" (a GET) */
    const char *req_head, *resp_head;
    size_t req_head_len, resp_head_len;
    const char *body_out, *body_in; /* NULL: none */
    size_t body_out_len, body_in_len;
    int capped;        /* the answer went past its cap: not written */
    const char *error; /* why it failed, or NULL */
};
/* An "http" line with "via":"rest"; bodies redacted as BOSH's are. */
void recorder_rest(struct recorder *r, const struct recorder_rest *x);
/* The same as recorder_conn with the argument order a callback needs
 * (http_conn_report): arg is the recorder. */
void recorder_conn_cb(void *arg, const struct transport_conn *c);

/* A connection made or secured: a "tcp" or "tls" line (borrowed). */
void recorder_conn(struct recorder *r, const struct transport_conn *c);
/* Logged in: a "ready" line with the bound JID, the transport's name and
 * how it is secured ("TLS 1.3, verified"). */
void recorder_ready(struct recorder *r, const char *jid, const char *transport,
                    const char *describe);
/* A line for anything else worth a time: "note" with text. */
void recorder_note(struct recorder *r, const char *text);

/* RFC 3339 with milliseconds and the local offset for t (seconds since
 * the epoch) into out (at least 40 bytes). */
void recorder_time(double t, char *out, size_t size);

#endif
