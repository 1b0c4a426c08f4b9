/*
 * What watch and rest share on the pubsub service: subscribe a JID to
 * nodes unless it already is (its subscriptions are asked first), hold
 * each in the ledger (~/.local/share/perch/subscriptions) while this run
 * uses it, and at the end remove exactly those this run made and no other
 * running perch still uses — Finesse keeps an explicit subscription until
 * it is removed.
 */
#ifndef PERCH_SUBS_H
#define PERCH_SUBS_H

#include "model/map.h"
#include "xmpp/pubsub.h"

#include <stddef.h>

struct runner;
struct subs;
struct ledger;

/* ok 1: subscribed to every node (or was); 0: one was refused (said on
 * stderr). */
typedef void (*subs_done_cb)(struct subs *s, int ok);

struct subs {
    struct runner *r;    /* borrowed */
    const char *service; /* borrowed */
    const char *jid;     /* borrowed: the JID subscribed */
    char **nodes;        /* borrowed */
    int nnodes, next;
    struct pubsub_subs existing;
    struct map made;       /* node -> subid ("" none): made by this run */
    struct ledger *ledger; /* NULL without a data directory (warned) */
    size_t pending;
    subs_done_cb done, removed;
    void *arg; /* the caller's */
};

/* Subscribes jid to nodes (all borrowed until subs_done); done follows. */
void subs_start(struct subs *s, struct runner *r, const char *service,
                const char *jid, char **nodes, int nnodes, subs_done_cb done,
                void *arg);
/* Holds node in the ledger as this run's (made: this run subscribed it;
 * subid the service's, may be NULL), e.g. one made again after a
 * reconnect. */
void subs_hold(struct subs *s, const char *node, const char *subid, int made);
/* Lets go of every node: removes those this run made that no other
 * running perch holds (each answer awaited timeout_ms at most); removed(s,
 * 1) follows, at once when there are none. */
void subs_remove(struct subs *s, unsigned timeout_ms, subs_done_cb removed);
void subs_done(struct subs *s);

#endif
