/* Subscriptions a headless command makes, holds and removes. */
#include "subs.h"
#include "base/buf.h"
#include "base/error.h"
#include "run.h"
#include "xmpp/jid.h"
#include "xmpp/ledger.h"

#include <stdlib.h>
#include <string.h>

static void subscribe_next(struct subs *s);

void subs_hold(struct subs *s, const char *node, const char *subid, int made)
{
    char *cause = NULL;

    if (made)
        free(map_put(&s->made, node, xstrdup(subid ? subid : "")));
    if (s->ledger && ledger_hold(s->ledger, s->service, s->jid, node, subid,
                                 made, &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
    }
}

/* 1 when node is to be removed on the service (*subid by which, or
 * NULL). */
static int release(struct subs *s, const char *node, char **subid)
{
    char *cause = NULL;
    const char *made = map_get(&s->made, node);
    int remove = 0;

    *subid = NULL;
    if (s->ledger == NULL) {
        *subid = made && *made ? xstrdup(made) : NULL;
        return made != NULL;
    }
    if (ledger_release(s->ledger, s->service, s->jid, node, &remove, subid,
                       &cause) != 0) {
        perch_error("%s", cause);
        free(cause);
    }
    return remove;
}

static void on_subscribed(void *arg, enum iq_outcome outcome,
                          xmpp_stanza_t *reply, double rtt)
{
    struct subs *s = arg;
    const char *node = s->nodes[s->next++];
    struct pubsub_sub sub;
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
    memset(&sub, 0, sizeof sub);
    pubsub_parse_subscription(reply, &sub);
    subs_hold(s, node, sub.subid, 1);
    pubsub_sub_done(&sub);
    subscribe_next(s);
}

/* The JID's subscription to node the service listed, or NULL. */
static const struct pubsub_sub *existing(const struct subs *s, const char *node)
{
    size_t i;

    for (i = 0; i < s->existing.n; i++)
        if (strcmp(s->existing.v[i].node, node) == 0 && s->existing.v[i].jid &&
            jid_equal(s->existing.v[i].jid, s->jid) &&
            strcmp(s->existing.v[i].state, "subscribed") == 0)
            return &s->existing.v[i];
    return NULL;
}

static void subscribe_next(struct subs *s)
{
    const struct pubsub_sub *have;
    xmpp_stanza_t *iq;

    /* one that exists is used, and held so that no other perch takes it
     * away while this one uses it */
    while (s->next < s->nnodes &&
           (have = existing(s, s->nodes[s->next])) != NULL) {
        subs_hold(s, have->node, have->subid, 0);
        s->next++;
    }
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
    char *cause = NULL;

    memset(s, 0, sizeof *s);
    s->r = r;
    s->service = service;
    s->jid = jid;
    s->nodes = nodes;
    s->nnodes = nnodes;
    s->done = done;
    s->arg = arg;
    map_init(&s->made);
    if ((s->ledger = ledger_open(NULL, &cause)) == NULL) {
        perch_error("warning: %s; subscriptions are not shared safely with "
                    "other perch processes",
                    cause);
        free(cause);
    }
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
    int i;

    s->removed = removed;
    for (i = 0; i < s->next && i < s->nnodes; i++) {
        char *subid = NULL;
        if (release(s, s->nodes[i], &subid)) {
            xmpp_stanza_t *iq = pubsub_unsubscribe_iq(
                s->r->ctx, s->service, s->nodes[i], s->jid, subid);
            s->pending++;
            session_send_iq(s->r->session, iq, timeout_ms, on_unsubscribed, s);
            xmpp_stanza_release(iq);
        }
        free(subid);
    }
    if (s->pending == 0)
        removed(s, 1);
}

void subs_done(struct subs *s)
{
    if (s->r == NULL)
        return; /* never started */
    map_done(&s->made, free);
    ledger_close(s->ledger);
    pubsub_subs_done(&s->existing);
    memset(s, 0, sizeof *s);
}
