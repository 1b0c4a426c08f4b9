/* Subscriptions a headless command makes and removes. */
#include "subs.h"
#include "base/buf.h"
#include "base/error.h"
#include "run.h"
#include "xmpp/jid.h"

#include <stdlib.h>
#include <string.h>

static void subscribe_next(struct subs *s);

static void on_subscribed(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct subs *s = arg;
    const char *node = s->nodes[s->next++];
    struct pubsub_sub sub;
    struct subs_made *m;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("cannot subscribe to %s: %s", node, why);
        free(why);
        s->done(s, 0);
        return;
    }
    s->made = xrealloc(s->made, (s->nmade + 1) * sizeof *s->made);
    m = &s->made[s->nmade++];
    m->node = xstrdup(node);
    m->subid = NULL;
    if (pubsub_parse_subscription(reply, &sub) == 0 && sub.subid)
        m->subid = xstrdup(sub.subid);
    pubsub_sub_done(&sub);
    subscribe_next(s);
}

static int already_subscribed(struct subs *s, const char *node)
{
    size_t i;

    for (i = 0; i < s->existing.n; i++)
        if (strcmp(s->existing.v[i].node, node) == 0 && s->existing.v[i].jid &&
            jid_equal(s->existing.v[i].jid, s->jid) &&
            strcmp(s->existing.v[i].state, "subscribed") == 0)
            return 1;
    return 0;
}

static void subscribe_next(struct subs *s)
{
    xmpp_stanza_t *iq;

    while (s->next < s->nnodes && already_subscribed(s, s->nodes[s->next]))
        s->next++;
    if (s->next == s->nnodes) {
        s->done(s, 1);
        return;
    }
    iq = pubsub_subscribe_iq(s->r->ctx, s->service, s->nodes[s->next], s->jid);
    session_send_iq(s->r->session, iq, SESSION_TIMEOUT_MS, on_subscribed, s);
    xmpp_stanza_release(iq);
}

static void on_existing(void *arg, enum iq_outcome outcome,
                        xmpp_stanza_t *reply, double rtt)
{
    struct subs *s = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (outcome == IQ_REPLY)
        pubsub_parse_subscriptions(reply, &s->existing);
    subscribe_next(s);
}

void subs_start(struct subs *s, struct runner *r, const char *service,
                const char *jid, char **nodes, int nnodes, subs_done_cb done,
                void *arg)
{
    xmpp_stanza_t *iq;

    memset(s, 0, sizeof *s);
    s->r = r;
    s->service = service;
    s->jid = jid;
    s->nodes = nodes;
    s->nnodes = nnodes;
    s->done = done;
    s->arg = arg;
    iq = pubsub_subscriptions_iq(r->ctx, service);
    session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_existing, s);
    xmpp_stanza_release(iq);
}

static void on_unsubscribed(void *arg, enum iq_outcome outcome,
                            xmpp_stanza_t *reply, double rtt)
{
    struct subs *s = arg;
    (void)rtt;

    if (outcome == IQ_CLOSED)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("could not remove a subscription: %s", why);
        free(why);
    }
    if (--s->pending == 0)
        s->removed(s, 1);
}

void subs_remove(struct subs *s, unsigned timeout_ms, subs_done_cb removed)
{
    size_t i;

    s->removed = removed;
    if (s->nmade == 0) {
        removed(s, 1);
        return;
    }
    s->pending = s->nmade;
    for (i = 0; i < s->nmade; i++) {
        xmpp_stanza_t *iq = pubsub_unsubscribe_iq(
            s->r->ctx, s->service, s->made[i].node, s->jid, s->made[i].subid);
        session_send_iq(s->r->session, iq, timeout_ms, on_unsubscribed, s);
        xmpp_stanza_release(iq);
    }
}

void subs_done(struct subs *s)
{
    size_t i;

    for (i = 0; i < s->nmade; i++) {
        free(s->made[i].node);
        free(s->made[i].subid);
    }
    free(s->made);
    pubsub_subs_done(&s->existing);
    memset(s, 0, sizeof *s);
}
