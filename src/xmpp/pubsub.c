/* XEP-0060 subscriber side. */
#include "pubsub.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xmpp_stanza_t *elem(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
    xmpp_stanza_t *e = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(e, name);
    if (ns)
        xmpp_stanza_set_ns(e, ns);
    return e;
}

/* <iq type to><pubsub xmlns>child</pubsub></iq>; returns the iq. */
static xmpp_stanza_t *pubsub_iq(xmpp_ctx_t *ctx, const char *type,
                                const char *service, xmpp_stanza_t *child)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);
    xmpp_stanza_t *ps = elem(ctx, "pubsub", NS_PUBSUB);

    xmpp_stanza_set_to(iq, service);
    xmpp_stanza_add_child_ex(ps, child, 0);
    xmpp_stanza_add_child_ex(iq, ps, 0);
    return iq;
}

xmpp_stanza_t *pubsub_subscribe_iq(xmpp_ctx_t *ctx, const char *service,
                                   const char *node, const char *jid)
{
    xmpp_stanza_t *s = elem(ctx, "subscribe", NULL);
    xmpp_stanza_set_attribute(s, "node", node);
    xmpp_stanza_set_attribute(s, "jid", jid);
    return pubsub_iq(ctx, "set", service, s);
}

xmpp_stanza_t *pubsub_unsubscribe_iq(xmpp_ctx_t *ctx, const char *service,
                                     const char *node, const char *jid,
                                     const char *subid)
{
    xmpp_stanza_t *s = elem(ctx, "unsubscribe", NULL);
    xmpp_stanza_set_attribute(s, "node", node);
    xmpp_stanza_set_attribute(s, "jid", jid);
    if (subid)
        xmpp_stanza_set_attribute(s, "subid", subid);
    return pubsub_iq(ctx, "set", service, s);
}

xmpp_stanza_t *pubsub_subscriptions_iq(xmpp_ctx_t *ctx, const char *service)
{
    return pubsub_iq(ctx, "get", service, elem(ctx, "subscriptions", NULL));
}

xmpp_stanza_t *pubsub_items_iq(xmpp_ctx_t *ctx, const char *service,
                               const char *node, unsigned max)
{
    xmpp_stanza_t *s = elem(ctx, "items", NULL);
    xmpp_stanza_set_attribute(s, "node", node);
    if (max > 0) {
        char n[16];
        snprintf(n, sizeof n, "%u", max);
        xmpp_stanza_set_attribute(s, "max_items", n);
    }
    return pubsub_iq(ctx, "get", service, s);
}

xmpp_stanza_t *pubsub_create_iq(xmpp_ctx_t *ctx, const char *service,
                                const char *node)
{
    xmpp_stanza_t *s = elem(ctx, "create", NULL);
    xmpp_stanza_set_attribute(s, "node", node);
    return pubsub_iq(ctx, "set", service, s);
}

xmpp_stanza_t *pubsub_publish_notification_iq(xmpp_ctx_t *ctx,
                                              const char *service,
                                              const char *node,
                                              const char *item_id,
                                              const char *text)
{
    xmpp_stanza_t *pub = elem(ctx, "publish", NULL);
    xmpp_stanza_t *item = elem(ctx, "item", NULL);
    xmpp_stanza_t *n = elem(ctx, "notification", NS_PUBSUB);
    xmpp_stanza_t *t = xmpp_stanza_new(ctx);

    xmpp_stanza_set_attribute(pub, "node", node);
    if (item_id)
        xmpp_stanza_set_attribute(item, "id", item_id);
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child_ex(n, t, 0);
    xmpp_stanza_add_child_ex(item, n, 0);
    xmpp_stanza_add_child_ex(pub, item, 0);
    return pubsub_iq(ctx, "set", service, pub);
}

static xmpp_stanza_t *result_pubsub(xmpp_stanza_t *reply)
{
    const char *type = xmpp_stanza_get_type(reply);
    if (type == NULL || strcmp(type, "result") != 0)
        return NULL;
    return xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", NS_PUBSUB);
}

static char *attr_dup(xmpp_stanza_t *st, const char *name)
{
    const char *v = xmpp_stanza_get_attribute(st, name);
    return v ? xstrdup(v) : NULL;
}

static void read_sub(xmpp_stanza_t *el, const char *node,
                     struct pubsub_sub *out)
{
    const char *n = xmpp_stanza_get_attribute(el, "node");
    const char *state = xmpp_stanza_get_attribute(el, "subscription");

    out->node = xstrdup(n ? n : node ? node : "");
    out->jid = attr_dup(el, "jid");
    out->subid = attr_dup(el, "subid");
    out->state = xstrdup(state ? state : "subscribed");
}

int pubsub_parse_subscription(xmpp_stanza_t *reply, struct pubsub_sub *out)
{
    xmpp_stanza_t *ps = result_pubsub(reply), *sub;

    memset(out, 0, sizeof *out);
    if (ps == NULL)
        return -1;
    sub = xmpp_stanza_get_child_by_name(ps, "subscription");
    if (sub == NULL) {
        /* a service may answer an empty result: subscribed, no subid */
        out->node = xstrdup("");
        out->state = xstrdup("subscribed");
        return 0;
    }
    read_sub(sub, NULL, out);
    return 0;
}

int pubsub_parse_subscriptions(xmpp_stanza_t *reply, struct pubsub_subs *out)
{
    xmpp_stanza_t *ps = result_pubsub(reply), *subs, *c;
    const char *node;

    memset(out, 0, sizeof *out);
    if (ps == NULL)
        return -1;
    subs = xmpp_stanza_get_child_by_name(ps, "subscriptions");
    if (subs == NULL)
        return 0;
    node = xmpp_stanza_get_attribute(subs, "node");
    for (c = xmpp_stanza_get_children(subs); c; c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_text(c) ||
            strcmp(xmpp_stanza_get_name(c), "subscription") != 0)
            continue;
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        read_sub(c, node, &out->v[out->n++]);
    }
    return 0;
}

void pubsub_sub_done(struct pubsub_sub *s)
{
    free(s->node);
    free(s->jid);
    free(s->subid);
    free(s->state);
    memset(s, 0, sizeof *s);
}

void pubsub_subs_done(struct pubsub_subs *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        pubsub_sub_done(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

xmpp_stanza_t *pubsub_result_items(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *ps = result_pubsub(reply);
    return ps ? xmpp_stanza_get_child_by_name(ps, "items") : NULL;
}

static const char *const kind_names[] = {
    [PUBSUB_ITEM] = "item",
    [PUBSUB_RETRACT] = "retract",
    [PUBSUB_DELETE] = "delete",
    [PUBSUB_PURGE] = "purge",
    [PUBSUB_SUBSCRIPTION] = "subscription",
    [PUBSUB_CONFIG] = "configuration",
};

const char *pubsub_event_kind_name(enum pubsub_event_kind kind)
{
    return kind_names[kind];
}

int pubsub_dispatch(xmpp_stanza_t *msg, pubsub_event_cb cb, void *arg)
{
    xmpp_stanza_t *ev, *c, *i;

    if (strcmp(xmpp_stanza_get_name(msg), "message") != 0)
        return 0;
    ev = xmpp_stanza_get_child_by_name_and_ns(msg, "event", NS_PUBSUB_EVENT);
    if (ev == NULL)
        return 0;
    for (c = xmpp_stanza_get_children(ev); c; c = xmpp_stanza_get_next(c)) {
        const char *name, *node;
        if (xmpp_stanza_is_text(c))
            continue;
        name = xmpp_stanza_get_name(c);
        node = xmpp_stanza_get_attribute(c, "node");
        if (node == NULL)
            node = "";
        if (strcmp(name, "items") == 0) {
            for (i = xmpp_stanza_get_children(c); i;
                 i = xmpp_stanza_get_next(i)) {
                if (xmpp_stanza_is_text(i))
                    continue;
                if (strcmp(xmpp_stanza_get_name(i), "item") == 0)
                    cb(arg, PUBSUB_ITEM, node, i);
                else if (strcmp(xmpp_stanza_get_name(i), "retract") == 0)
                    cb(arg, PUBSUB_RETRACT, node, i);
            }
        } else if (strcmp(name, "delete") == 0) {
            cb(arg, PUBSUB_DELETE, node, c);
        } else if (strcmp(name, "purge") == 0) {
            cb(arg, PUBSUB_PURGE, node, c);
        } else if (strcmp(name, "subscription") == 0) {
            cb(arg, PUBSUB_SUBSCRIPTION, node, c);
        } else if (strcmp(name, "configuration") == 0) {
            cb(arg, PUBSUB_CONFIG, node, c);
        }
    }
    return 1;
}
