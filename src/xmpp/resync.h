/*
 * What a client does after every login so that what it shows is what the
 * server holds: ask for the service's nodes again (when asked), for its
 * subscriptions, make again the subscriptions this process holds that the
 * server lost, and fetch the latest items of the nodes it follows. The
 * console (src/app/) and `perch watch` share it; each answer goes to a
 * callback, and the owner decides what it means for its model or output.
 */
#ifndef PERCH_RESYNC_H
#define PERCH_RESYNC_H

#include "disco.h"
#include "pubsub.h"
#include "session.h"

struct resync;

/* How many item requests are in flight at once. */
#define RESYNC_WINDOW 8

struct resync_config {
    const char *service; /* the pubsub service */
    const char *jid;     /* the JID this process subscribes: bare or full */
    const char *bare;    /* the account's bare JID */
    int disco;           /* ask disco#items of the service first */
    unsigned max_items;  /* latest items asked per node; 0: no items */
    /* 1: items of every node the server lists a subscription of ours for
     * (the bare JID's or jid's); 0: of keep only */
    int items_of_all;
    /* nodes this process holds: made again (subscribe jid) when the server
     * lists no subscription of jid on them; copied */
    const char *const *keep;
    size_t nkeep;
};

/* Every callback may be NULL; stanzas and lists are borrowed for the call.
 * The session must not be freed from inside one. */
struct resync_events {
    /* disco#items answered (every page): the service's nodes */
    void (*nodes)(void *arg, const struct disco_items *items);
    /* the server's subscriptions, before anything is made again */
    void (*subscriptions)(void *arg, const struct pubsub_subs *subs);
    /* a kept node's subscription made again: sub the answer (rtt_ms its
     * round trip), or NULL and why it failed */
    void (*remade)(void *arg, const char *node, const struct pubsub_sub *sub,
                   const char *why, double rtt_ms);
    /* one <item> of node's latest, oldest first */
    void (*item)(void *arg, const char *node, xmpp_stanza_t *item);
    /* node's items are all given (n of them), or why they could not be */
    void (*node_done)(void *arg, const char *node, size_t n, const char *why);
    /* a step failed ("disco#items", "subscriptions") and was skipped */
    void (*failed)(void *arg, const char *what, const char *why);
    /* the end: complete 1, or 0 when the session closed first. The resync
     * frees itself after this call. */
    void (*done)(void *arg, int complete);
};

/* Starts on a logged-in session (borrowed; it must outlive the resync or
 * resync_cancel be called first). Returns the running resync. */
struct resync *resync_start(struct session *s, const struct resync_config *cfg,
                            const struct resync_events *ev, void *arg);

/* Stops it (its requests forgotten); no callback follows. */
void resync_cancel(struct resync *r);

/* 1 when sub is one of ours: subscribed, and for the bare JID or jid. */
int resync_sub_is_ours(const struct pubsub_sub *sub, const char *bare,
                       const char *jid);

#endif
