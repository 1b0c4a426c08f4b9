/* After a login: nodes, subscriptions, lost ones made again, items. */
#include "resync.h"
#include "base/buf.h"
#include "id.h"
#include "jid.h"

#include <stdlib.h>
#include <string.h>

enum step { STEP_DISCO, STEP_SUBS, STEP_REMAKE, STEP_ITEMS, STEP_DONE };

/* A request in flight and what it is about. */
struct pending {
    struct resync *r;
    char *id;   /* the iq's id (for resync_cancel) */
    char *node; /* NULL for disco and subscriptions */
};

struct resync {
    struct session *s;
    char *service, *jid, *bare;
    int disco, items_of_all;
    unsigned max_items;
    const struct resync_events *ev;
    void *arg;
    struct idgen ids;

    enum step step;
    int complete;          /* with STEP_DONE: all steps were taken */
    int in_advance, again; /* advance() is running; run it once more */
    struct pending *inflight[RESYNC_WINDOW];
    struct disco_items items;
    char *after; /* disco paging cursor */
    unsigned pages;
    char **remake; /* kept nodes the server lost */
    size_t nremake, next_remake;
    char **fetch; /* nodes whose items to ask */
    size_t nfetch, next_fetch;
    char **keep;
    size_t nkeep;
};

static void advance(struct resync *r);

static void list_add(char ***v, size_t *n, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
}

static void list_free(char **v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void resync_free(struct resync *r)
{
    size_t i;

    for (i = 0; i < RESYNC_WINDOW; i++)
        if (r->inflight[i]) {
            free(r->inflight[i]->id);
            free(r->inflight[i]->node);
            free(r->inflight[i]);
        }
    disco_items_done(&r->items);
    free(r->after);
    list_free(r->remake, r->nremake);
    list_free(r->fetch, r->nfetch);
    list_free(r->keep, r->nkeep);
    free(r->service);
    free(r->jid);
    free(r->bare);
    free(r);
}

int resync_sub_is_ours(const struct pubsub_sub *sub, const char *bare,
                       const char *jid)
{
    if (sub->node == NULL || strcmp(sub->state, "subscribed") != 0)
        return 0;
    if (sub->jid == NULL) /* the service means the requester */
        return 1;
    return jid_equal(sub->jid, bare) || (jid && jid_equal(sub->jid, jid));
}

/* ---- requests in flight ---- */

static int nflight(const struct resync *r)
{
    int i, n = 0;
    for (i = 0; i < RESYNC_WINDOW; i++)
        n += r->inflight[i] != NULL;
    return n;
}

/* Sends iq (consumed); its id is known before: the answer may come while
 * it is being sent. */
static void ask(struct resync *r, xmpp_stanza_t *iq, const char *node,
                session_iq_cb cb)
{
    struct pending *p = xcalloc(1, sizeof *p);
    char id[48];
    int i;

    for (i = 0; r->inflight[i]; i++)
        ;
    p->r = r;
    p->node = node ? xstrdup(node) : NULL;
    p->id = xstrdup(id_next(&r->ids, id, sizeof id));
    xmpp_stanza_set_id(iq, p->id);
    r->inflight[i] = p;
    session_send_iq(r->s, iq, SESSION_TIMEOUT_MS, cb, p);
    xmpp_stanza_release(iq);
}

/* Takes p off the list; returns its resync. */
static struct resync *land(struct pending *p)
{
    struct resync *r = p->r;
    int i;

    for (i = 0; i < RESYNC_WINDOW; i++)
        if (r->inflight[i] == p)
            r->inflight[i] = NULL;
    free(p->id);
    p->id = NULL;
    return r;
}

/* The end, once nothing is in flight and advance() is not running (an
 * answer may land while a request is being sent). */
static void finish_if_idle(struct resync *r)
{
    if (r->step != STEP_DONE || r->in_advance || nflight(r) > 0)
        return;
    if (r->ev->done)
        r->ev->done(r->arg, r->complete);
    resync_free(r);
}

/* The session closed under a request: the end, incomplete (the others
 * land with IQ_CLOSED too). */
static void closed(struct resync *r)
{
    r->step = STEP_DONE;
    r->complete = 0;
    finish_if_idle(r);
}

static void failed(struct resync *r, const char *what, enum iq_outcome o,
                   xmpp_stanza_t *reply)
{
    char *why = session_iq_failure(o, reply);
    if (r->ev->failed)
        r->ev->failed(r->arg, what, why);
    free(why);
}

/* ---- steps ---- */

/* The resync a disco or subscriptions answer (arg, freed) belongs to, or
 * NULL when it came too late: the session closed or the resync ended. */
static struct resync *answered(void *arg, enum iq_outcome outcome)
{
    struct resync *r = land(arg);

    free(arg);
    if (outcome == IQ_CLOSED || r->step == STEP_DONE) {
        closed(r);
        return NULL;
    }
    return r;
}

static void on_disco(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct resync *r = answered(arg, outcome);
    char *next = NULL;
    (void)rtt;

    if (r == NULL)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT ||
        disco_parse_items(reply, &r->items, &next) != 0) {
        failed(r, "disco#items", outcome, reply);
        r->step = STEP_SUBS;
        advance(r);
        return;
    }
    /* a server repeating its cursor would page forever */
    if (next && (r->pages >= DISCO_MAX_PAGES ||
                 (r->after && strcmp(next, r->after) == 0))) {
        free(next);
        next = NULL;
    }
    free(r->after);
    r->after = next;
    if (next == NULL) {
        if (r->ev->nodes)
            r->ev->nodes(r->arg, &r->items);
        r->step = STEP_SUBS;
    }
    advance(r);
}

/* Which kept nodes the server lost, and which nodes' items to ask. */
static void plan(struct resync *r, const struct pubsub_subs *subs)
{
    size_t i, k;

    for (k = 0; k < r->nkeep; k++) {
        int have = 0;
        for (i = 0; subs && i < subs->n && !have; i++)
            have =
                strcmp(subs->v[i].node, r->keep[k]) == 0 &&
                strcmp(subs->v[i].state, "subscribed") == 0 &&
                (subs->v[i].jid == NULL || jid_equal(subs->v[i].jid, r->jid));
        if (subs && !have)
            list_add(&r->remake, &r->nremake, r->keep[k]);
        else
            list_add(&r->fetch, &r->nfetch, r->keep[k]);
    }
    for (i = 0; r->items_of_all && subs && i < subs->n; i++)
        if (resync_sub_is_ours(&subs->v[i], r->bare, r->jid) &&
            *subs->v[i].node)
            list_add(&r->fetch, &r->nfetch, subs->v[i].node);
}

static void on_subs(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct resync *r = answered(arg, outcome);
    struct pubsub_subs subs;
    (void)rtt;

    if (r == NULL)
        return;
    if (session_iq_end(outcome, reply) != IQ_END_RESULT ||
        pubsub_parse_subscriptions(reply, &subs) != 0) {
        failed(r, "subscriptions", outcome, reply);
        plan(r, NULL); /* nothing known: keep what we have */
    } else {
        if (r->ev->subscriptions)
            r->ev->subscriptions(r->arg, &subs);
        plan(r, &subs);
        pubsub_subs_done(&subs);
    }
    r->step = STEP_REMAKE;
    advance(r);
}

static void on_remade(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                      double rtt)
{
    struct pending *p = arg;
    struct resync *r = land(p);
    struct pubsub_sub sub;
    char *why;

    if (outcome == IQ_CLOSED || r->step == STEP_DONE) {
        free(p->node);
        free(p);
        closed(r);
        return;
    }
    if (session_iq_end(outcome, reply) == IQ_END_RESULT &&
        pubsub_parse_subscription(reply, &sub) == 0) {
        if (r->ev->remade)
            r->ev->remade(r->arg, p->node, &sub, NULL, rtt);
        pubsub_sub_done(&sub);
        list_add(&r->fetch, &r->nfetch, p->node);
    } else {
        why = session_iq_failure(outcome, reply);
        if (r->ev->remade)
            r->ev->remade(r->arg, p->node, NULL, why, rtt);
        free(why);
    }
    free(p->node);
    free(p);
    advance(r);
}

static void on_items(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct pending *p = arg;
    struct resync *r = land(p);
    xmpp_stanza_t *items, *it;
    size_t n = 0;
    char *why;
    (void)rtt;

    if (outcome == IQ_CLOSED || r->step == STEP_DONE) {
        free(p->node);
        free(p);
        closed(r);
        return;
    }
    items = pubsub_result_items(reply);
    if (session_iq_end(outcome, reply) == IQ_END_RESULT && items) {
        for (it = xmpp_stanza_get_children(items); it;
             it = xmpp_stanza_get_next(it))
            if (xmpp_stanza_is_tag(it) &&
                strcmp(xmpp_stanza_get_name(it), "item") == 0) {
                if (r->ev->item)
                    r->ev->item(r->arg, p->node, it);
                n++;
            }
        if (r->ev->node_done)
            r->ev->node_done(r->arg, p->node, n, NULL);
    } else {
        why = session_iq_failure(outcome, reply);
        if (r->ev->node_done)
            r->ev->node_done(r->arg, p->node, 0, why);
        free(why);
    }
    free(p->node);
    free(p);
    advance(r);
}

/* Sends what the step allows; moves on when a step has nothing left. */
static void step(struct resync *r)
{
    for (;;) {
        switch (r->step) {
        case STEP_DISCO:
            if (!r->disco) {
                r->step = STEP_SUBS;
                continue;
            }
            r->pages++;
            ask(r,
                disco_items_iq(session_ctx(r->s), r->service, NULL, r->after),
                NULL, on_disco);
            return;
        case STEP_SUBS:
            ask(r, pubsub_subscriptions_iq(session_ctx(r->s), r->service), NULL,
                on_subs);
            return;
        case STEP_REMAKE: /* one at a time: each is a change on the server */
            if (nflight(r) > 0)
                return;
            if (r->next_remake < r->nremake) {
                const char *node = r->remake[r->next_remake++];
                ask(r,
                    pubsub_subscribe_iq(session_ctx(r->s), r->service, node,
                                        r->jid),
                    node, on_remade);
                return;
            }
            r->step = STEP_ITEMS;
            continue;
        case STEP_ITEMS:
            while (r->max_items && r->next_fetch < r->nfetch &&
                   nflight(r) < RESYNC_WINDOW) {
                const char *node = r->fetch[r->next_fetch++];
                ask(r,
                    pubsub_items_iq(session_ctx(r->s), r->service, node,
                                    r->max_items),
                    node, on_items);
            }
            if (nflight(r) > 0)
                return;
            r->step = STEP_DONE;
            r->complete = 1;
            return;
        case STEP_DONE:
            return;
        }
    }
}

static void advance(struct resync *r)
{
    if (r->in_advance) {
        r->again = 1;
        return;
    }
    r->in_advance = 1;
    do {
        r->again = 0;
        step(r);
    } while (r->again && r->step != STEP_DONE);
    r->in_advance = 0;
    finish_if_idle(r);
}

struct resync *resync_start(struct session *s, const struct resync_config *cfg,
                            const struct resync_events *ev, void *arg)
{
    struct resync *r = xcalloc(1, sizeof *r);
    size_t i;

    r->s = s;
    r->service = xstrdup(cfg->service);
    r->jid = xstrdup(cfg->jid);
    r->bare = xstrdup(cfg->bare);
    r->disco = cfg->disco;
    r->items_of_all = cfg->items_of_all;
    r->max_items = cfg->max_items;
    for (i = 0; i < cfg->nkeep; i++)
        list_add(&r->keep, &r->nkeep, cfg->keep[i]);
    r->ev = ev;
    r->arg = arg;
    id_init(&r->ids);
    r->step = STEP_DISCO;
    advance(r);
    return r;
}

void resync_cancel(struct resync *r)
{
    int i;

    if (r == NULL)
        return;
    for (i = 0; i < RESYNC_WINDOW; i++)
        if (r->inflight[i])
            session_cancel_iq(r->s, r->inflight[i]->id);
    resync_free(r);
}
