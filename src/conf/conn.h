/*
 * What the CONN options make: the transport (TCP, BOSH or WebSocket) and
 * the pubsub service's JID. Shared by the headless commands and the
 * console, so neither needs the other's scaffolding.
 */
#ifndef PERCH_CONN_H
#define PERCH_CONN_H

#include "opts.h"
#include "xmpp/transport.h"

struct loop;

/* A transport (tcp, bosh with --bosh, ws with --ws) as o says; not
 * connected. The
 * loop and ctx are borrowed and must outlive it; o's strings are copied.
 * o->jid must have passed conn_opts_check. */
struct transport *conn_transport(struct loop *loop, xmpp_ctx_t *ctx,
                                 const struct conn_opts *o);

/* The same on another node of a cluster: host replaces --server, or the
 * --bosh / --ws URL's host; NULL host: conn_transport. */
struct transport *conn_transport_at(struct loop *loop, xmpp_ctx_t *ctx,
                                    const struct conn_opts *o,
                                    const char *host);

/* url with its host replaced by host (an IPv6 literal in brackets), the
 * user info, port, path and query kept. New string; a URL without "://"
 * is copied as it is. */
char *conn_url_at(const char *url, const char *host);

/* The pubsub service: --service, else pubsub.DOMAIN ("pubsub" when the
 * JID does not parse). New string, caller frees. */
char *conn_service(const struct conn_opts *o);

/* The host perch connects to: the --bosh or --ws URL's host, else --server,
 * else the JID's domain ("" when it does not parse). New string. */
char *conn_host(const struct conn_opts *o);

/* The account's bare JID (user@domain) from o->jid; new string, caller
 * frees ("" when it does not parse). */
char *conn_bare(const struct conn_opts *o);

struct recorder;

/* --record FILE opened for command ("watch", "console"), its header from
 * o (the JID, never a secret; the transport, "tcp", "bosh" or "ws", and
 * its server — host:port or the URL —, or for "rest" the REST base).
 * NULL without --record, or with *cause (caller frees) when the file
 * cannot be made. */
struct recorder *conn_recorder(const struct conn_opts *o, const char *command,
                               char **cause);

struct rest;

/*
 * A Finesse REST client as o says: the base --rest, else
 * https://HOST:8445 (HOST: --server, else the JID's domain); HTTP Basic
 * with the JID's local part as Finesse's user id and password (copied);
 * --ca-file, --pin, --insecure, --proxy; --allow-plaintext-auth for an
 * http:// base. timeout_ms 0: REST_TIMEOUT_MS. rec (borrowed, may be
 * NULL): --record's, where each exchange goes. NULL with *cause (caller
 * frees).
 */
struct rest *conn_rest(struct loop *loop, xmpp_ctx_t *ctx,
                       const struct conn_opts *o, const char *password,
                       unsigned timeout_ms, struct recorder *rec, char **cause);

/* The same on another node: host replaces --rest's host, else the
 * default base's (https://HOST:8445); NULL host: conn_rest. */
struct rest *conn_rest_at(struct loop *loop, xmpp_ctx_t *ctx,
                          const struct conn_opts *o, const char *password,
                          unsigned timeout_ms, const char *host,
                          struct recorder *rec, char **cause);

#endif
