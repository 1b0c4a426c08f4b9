/* Publish-subscribe (XEP-0060), subscriber side: requests, results and
 * event notifications. */
#ifndef PERCH_PUBSUB_H
#define PERCH_PUBSUB_H

#include <stddef.h>
#include <strophe.h>

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/* How long an ending perch (console, watch, rest --await-update) waits for
 * each answer when it removes the subscriptions it made. */
#define PUBSUB_CLEANUP_TIMEOUT_MS 5000

struct pubsub_sub {
    char *node;  /* owned */
    char *jid;   /* owned */
    char *subid; /* owned, NULL when the service gave none */
    char *state; /* owned: subscribed, pending, unconfigured, none */
};

struct pubsub_subs {
    struct pubsub_sub *v; /* owned */
    size_t n;
};

/* New iqs (caller releases). subid and max may be NULL / 0. */
xmpp_stanza_t *pubsub_subscribe_iq(xmpp_ctx_t *ctx, const char *service,
                                   const char *node, const char *jid);
xmpp_stanza_t *pubsub_unsubscribe_iq(xmpp_ctx_t *ctx, const char *service,
                                     const char *node, const char *jid,
                                     const char *subid);
xmpp_stanza_t *pubsub_subscriptions_iq(xmpp_ctx_t *ctx, const char *service);
xmpp_stanza_t *pubsub_items_iq(xmpp_ctx_t *ctx, const char *service,
                               const char *node, unsigned max);
/* Publisher side: create a node (default configuration); publish one item
 * whose payload is <notification xmlns=NS_PUBSUB> holding text (escaped
 * when serialized, as Finesse sends it). item_id may be NULL. */
xmpp_stanza_t *pubsub_create_iq(xmpp_ctx_t *ctx, const char *service,
                                const char *node);
xmpp_stanza_t *pubsub_publish_notification_iq(xmpp_ctx_t *ctx,
                                              const char *service,
                                              const char *node,
                                              const char *item_id,
                                              const char *text);

/* The <subscription/> of a subscribe result, or of each entry of a
 * subscriptions result. 0, or -1 when reply is not such a result. */
int pubsub_parse_subscription(xmpp_stanza_t *reply, struct pubsub_sub *out);
int pubsub_parse_subscriptions(xmpp_stanza_t *reply, struct pubsub_subs *out);
void pubsub_sub_done(struct pubsub_sub *s);
void pubsub_subs_done(struct pubsub_subs *s);

/* The <items/> element of an items result (borrowed), or NULL. */
xmpp_stanza_t *pubsub_result_items(xmpp_stanza_t *reply);

enum pubsub_event_kind {
    PUBSUB_ITEM,         /* el is an <item> (a published item) */
    PUBSUB_RETRACT,      /* el is a <retract id=…> */
    PUBSUB_DELETE,       /* the node was deleted; el is <delete> */
    PUBSUB_PURGE,        /* all items were purged; el is <purge> */
    PUBSUB_SUBSCRIPTION, /* our subscription changed; el <subscription> */
    PUBSUB_CONFIG,       /* configuration changed; el <configuration> */
};

typedef void (*pubsub_event_cb)(void *arg, enum pubsub_event_kind kind,
                                const char *node, xmpp_stanza_t *el);

/*
 * If msg is a pubsub event notification, calls cb once per item, retract,
 * delete, purge, subscription or configuration it carries, in order, and
 * returns 1; else returns 0. Elements are borrowed for the call.
 */
int pubsub_dispatch(xmpp_stanza_t *msg, pubsub_event_cb cb, void *arg);

const char *pubsub_event_kind_name(enum pubsub_event_kind kind);

#endif
