/*
 * What watch and rest share on the pubsub service: subscribe a JID to
 * nodes unless it already is (its subscriptions are asked first), keep
 * the subscriptions this run made, and remove exactly those at the end —
 * Finesse keeps an explicit subscription until it is removed.
 */
#ifndef PERCH_SUBS_H
#define PERCH_SUBS_H

#include "xmpp/pubsub.h"

#include <stddef.h>

struct runner;
struct subs;

/* ok 1: subscribed to every node (or was); 0: one was refused (said on
 * stderr). */
typedef void (*subs_done_cb)(struct subs *s, int ok);

struct subs_made {
    char *node;
    char *subid; /* NULL when the service gave none */
};

struct subs {
    struct runner *r;    /* borrowed */
    const char *service; /* borrowed */
    const char *jid;     /* borrowed: the JID subscribed */
    char **nodes;        /* borrowed */
    int nnodes, next;
    struct pubsub_subs existing;
    struct subs_made *made;
    size_t nmade, pending;
    subs_done_cb done, removed;
    void *arg; /* the caller's */
};

/* Subscribes jid to nodes (all borrowed until subs_done); done follows. */
void subs_start(struct subs *s, struct runner *r, const char *service,
                const char *jid, char **nodes, int nnodes, subs_done_cb done,
                void *arg);
/* Removes the subscriptions made (each answer awaited timeout_ms at
 * most); removed(s, 1) follows, at once when there are none. */
void subs_remove(struct subs *s, unsigned timeout_ms, subs_done_cb removed);
void subs_done(struct subs *s);

#endif
