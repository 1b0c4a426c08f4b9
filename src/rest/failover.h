/*
 * Following a Finesse cluster as its desktop does (the developer guide's
 * failure rules, decided by cluster_decide): when XMPP is lost, or the
 * node says OUT_OF_SERVICE, or the `finesse` user goes UNAVAILABLE, ask
 * SystemInfo of both nodes over REST and reconnect to the node in
 * service — the one perch was on while it serves — or wait and ask
 * again. The console (src/app) and watch (src/cmd/run.c) drive it from
 * their link's events; it never touches the link itself: it says which
 * host to connect to (ev->connect) and what it is doing (ev->changed,
 * failover_doing). Inert until a cluster is known (SystemInfo's
 * primaryNode/secondaryNode, or --alternate): without one, a loss is the
 * link's plain reconnect to the same host.
 */
#ifndef PERCH_FAILOVER_H
#define PERCH_FAILOVER_H

#include "model/cluster.h"

#include <jansson.h>
#include <strophe.h>

struct loop;
struct rest;
struct failover;

/* How long a SystemInfo GET may take during a failover. */
#define FAILOVER_ASK_MS 3000

struct failover_config {
    struct loop *loop;     /* borrowed */
    const char *host;      /* the node perch connects to first (copied) */
    const char *alternate; /* --alternate, or NULL (copied) */
    const char *domain;    /* the XMPP domain: finesse@DOMAIN (copied) */
    /* ask SystemInfo of the node at each login (watch, with --rest or
     * --alternate; the console refreshes it itself and calls learn) */
    int ask_at_login;
};

struct failover_events {
    /* A REST client for host (the owner's TLS and credentials, a
     * FAILOVER_ASK_MS timeout): NULL with *cause (caller frees). The
     * failover owns and frees what it gets. */
    struct rest *(*rest_at)(void *arg, const char *host, char **cause);
    /* Connect to failover_host() now: reconnect after a loss, or (while
     * online, moved is 1) leave the node for it. Never called from inside
     * a failover_* call: from the loop. */
    void (*connect)(void *arg, int moved);
    /* failover_doing() or the node changed. May be NULL. */
    void (*changed)(void *arg);
    /* A SystemInfo answer of the node perch is on (decoded, borrowed),
     * from ask_at_login. May be NULL. */
    void (*systeminfo)(void *arg, json_t *ev);
};

struct failover *failover_new(const struct failover_config *cfg,
                              const struct failover_events *ev, void *arg);
void failover_free(struct failover *f);

/* 1 when another node is known: a loss follows the rules. */
int failover_known(const struct failover *f);

/* The node perch is on (or connects to next): borrowed until the next
 * failover_* call. */
const char *failover_host(const struct failover *f);
/* The node of the last login (what a loss lost); NULL before one.
 * Borrowed. */
const char *failover_online_host(const struct failover *f);
/* NULL while that is the node perch was started with (connect as the
 * options say), else failover_host(). */
const char *failover_moved_host(const struct failover *f);
/* "primary", "secondary", or NULL when SystemInfo has not named host. */
const char *failover_role(const struct failover *f, const char *host);

/* What it is doing now, in the desktop's words where they fit ("Lost
 * connection to fin1 (primary). Please wait for a reachable Finesse
 * Server to be found…"); NULL when nothing. Borrowed. */
const char *failover_doing(const struct failover *f);

/* The link lost the session, or an attempt failed, and would try again
 * in delay_ms. 1 when the failover takes it over (the owner stops the
 * link's own retry: link_hold); 0 without a known cluster. */
int failover_lost(struct failover *f, unsigned delay_ms);
/* Logged in on failover_host(). */
void failover_online(struct failover *f);
/* A decoded event (borrowed) from the node perch is on: a SystemInfo
 * names the pair and says the status (OUT_OF_SERVICE starts the rules);
 * anything else is ignored. */
void failover_learn(struct failover *f, json_t *ev);
/* Taken before a REST GET whose answer may be a SystemInfo: how many
 * SystemInfo Updates failover_learn has had. */
unsigned failover_mark(const struct failover *f);
/* A decoded REST answer (borrowed) to a GET made at mark: as
 * failover_learn, but its status is not taken when a SystemInfo Update
 * came since the mark. The node may have answered before that Update
 * was sent (a stale IN_SERVICE would undo an OUT_OF_SERVICE), and a
 * change after the Update comes as an Update too. */
void failover_learn_answer(struct failover *f, json_t *ev, unsigned mark);
/* A stanza (borrowed): the finesse user's presence is taken. 1 when it
 * was that presence. */
int failover_stanza(struct failover *f, xmpp_stanza_t *st);

/*
 * The user asks for a node: "primary", "secondary" or "other". 0 and the
 * move starts (ev->connect from the loop), or -1 with *cause (caller
 * frees): unknown word, node not known, already there.
 */
int failover_ask(struct failover *f, const char *which, char **cause);

#endif
