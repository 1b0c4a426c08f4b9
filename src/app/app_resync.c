/* After every login, the console asks the server again what it holds
 * (src/xmpp/resync.c) and makes the model say that: the node tree, the
 * subscription marks, this run's subscriptions the server lost made again,
 * the latest items applied. Until then the panes from before are stale.
 * Also the ledger of what this run holds, and the leftovers of ended
 * perch processes, offered once for removal. */
#include "app_internal.h"
#include "base/buf.h"
#include "decode/decode.h"
#include "xmpp/console.h"
#include "xmpp/jid.h"
#include "xmpp/pubsub.h"
#include "xmpp/resync.h"

#include <stdlib.h>
#include <string.h>

/* How many of each node's latest items a resync applies. */
#define APP_RESYNC_ITEMS 10

/* The panes that show what the server sent. */
#define STALE_PANES                                                            \
    (APP_CHANGED_NODES | APP_CHANGED_AGENTS | APP_CHANGED_DIALOGS |            \
     APP_CHANGED_MODEL)

void app_mark_stale(struct app *a)
{
    const struct model *m = &a->model;
    unsigned was = a->stale;

    if (m->nodes.n)
        a->stale |= APP_CHANGED_NODES;
    if (m->agents.n || m->teams.n)
        a->stale |= APP_CHANGED_AGENTS;
    if (m->dialogs.n)
        a->stale |= APP_CHANGED_DIALOGS;
    if (m->queues.n || m->system.status)
        a->stale |= APP_CHANGED_MODEL;
    if (a->stale != was)
        app_changed(a, a->stale);
}

void app_listed_clear(struct app *a)
{
    size_t i;

    for (i = 0; i < a->nlisted; i++)
        free(a->listed[i]);
    free(a->listed);
    a->listed = NULL;
    a->nlisted = 0;
    a->have_listed = 0;
}

/* ---- the ledger ---- */

void app_hold(struct app *a, const char *node, const char *subid, int made)
{
    char *cause = NULL;

    free(map_put(&a->held, node, xstrdup("")));
    if (a->ledger && ledger_hold(a->ledger, a->service, a->jid, node, subid,
                                 made, &cause) != 0) {
        console_add(a->console, CONSOLE_INFO, cause);
        free(cause);
    }
}

/* Lets go of node in the ledger; 1 when the caller is to remove it on the
 * server (*subid: by this subid, or NULL). */
static int release(struct app *a, const char *node, char **subid)
{
    char *cause = NULL;
    int remove = 0;

    *subid = NULL;
    free(map_del(&a->held, node));
    if (a->ledger == NULL) /* no ledger: what this run made is its own */
        return map_get(&a->created, node) != NULL;
    if (ledger_release(a->ledger, a->service, a->jid, node, &remove, subid,
                       &cause) != 0) {
        console_add(a->console, CONSOLE_INFO, cause);
        free(cause);
    }
    return remove;
}

void app_release(struct app *a, const char *node)
{
    char *subid = NULL;
    release(a, node, &subid);
    free(subid);
}

size_t app_release_all(struct app *a, int remove)
{
    char **nodes = xcalloc(a->held.n + 1, sizeof *nodes);
    size_t i = 0, n = 0, k, sent = 0;
    const char *key;
    void *val;

    while (map_next(&a->held, &i, &key, &val))
        nodes[n++] = xstrdup(key);
    for (k = 0; k < n; k++) {
        char *subid = NULL;
        if (release(a, nodes[k], &subid) && remove) {
            const char *made = map_get(&a->created, nodes[k]);
            a->pending++;
            sent++;
            app_unsubscribe_sub(a, nodes[k], subid ? subid : made,
                                PUBSUB_CLEANUP_TIMEOUT_MS);
        }
        free(subid);
        free(nodes[k]);
    }
    free(nodes);
    return sent;
}

/* ---- leftovers of ended perch processes ---- */

/* The leftovers the server still lists (the others are forgotten): said
 * in Console, asked about on the message line. */
static void find_leftovers(struct app *a, const struct pubsub_subs *subs)
{
    char *cause = NULL;
    size_t i;
    struct buf q;

    if (a->ledger == NULL ||
        ledger_leftovers_listed(a->ledger, a->bare, a->service, subs,
                                &a->leftovers, &cause) != 0) {
        free(cause);
        return;
    }
    if (a->leftovers.n == 0)
        return;
    for (i = 0; i < a->leftovers.n; i++) {
        const struct ledger_entry *e = &a->leftovers.v[i];
        char *row = xasprintf("leftover subscription: %s for %s (perch pid "
                              "%ld ended without removing it)",
                              e->node, e->jid, e->pid);
        console_add(a->console, CONSOLE_INFO, row);
        free(row);
    }
    buf_init(&q);
    /* the answer asked for first: at 80 columns only the node is cut */
    buf_printf(&q, "remove %zu subscription%s left by %s? y/n (%s%s)",
               a->leftovers.n, a->leftovers.n == 1 ? "" : "s",
               a->leftovers.n == 1 ? "an ended perch" : "ended perch processes",
               a->leftovers.v[0].node, a->leftovers.n > 1 ? " …" : "");
    a->question = buf_steal(&q);
    app_changed(a, APP_CHANGED_STATUS);
}

struct leftover_req {
    struct app *a;
    struct ledger_entry e; /* copied */
};

static void on_leftover_removed(void *arg, enum iq_outcome outcome,
                                xmpp_stanza_t *reply, double rtt)
{
    struct leftover_req *q = arg;
    struct app *a = q->a;
    char *why, *cause = NULL;
    (void)rtt;

    if (session_iq_end(outcome, reply) == IQ_END_RESULT) {
        if (a->ledger)
            ledger_forget(a->ledger, &q->e, &cause);
        free(cause);
        model_node_subscribed(&a->model, q->e.node, 0);
        app_say(a, APP_SAY_INFO, "removed the leftover subscription to %s",
                q->e.node);
        app_changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
    } else if (outcome != IQ_CLOSED) {
        why = session_iq_failure(outcome, reply);
        app_say(a, APP_SAY_ERROR, "leftover subscription to %s: %s", q->e.node,
                why);
        free(why);
    }
    free(q->e.service);
    free(q->e.jid);
    free(q->e.node);
    free(q->e.subid);
    free(q);
}

void app_leftovers(struct app *a, int remove)
{
    size_t i;
    char *cause = NULL;

    if (a->question == NULL)
        return;
    free(a->question);
    a->question = NULL;
    for (i = 0; i < a->leftovers.n; i++) {
        const struct ledger_entry *e = &a->leftovers.v[i];
        if (remove && a->state == APP_ONLINE) {
            struct leftover_req *q = xcalloc(1, sizeof *q);
            q->a = a;
            q->e = *e;
            q->e.service = xstrdup(e->service);
            q->e.jid = xstrdup(e->jid);
            q->e.node = xstrdup(e->node);
            q->e.subid = xstrdup(e->subid);
            xmpp_stanza_t *iq =
                pubsub_unsubscribe_iq(a->ctx, e->service, e->node, e->jid,
                                      *e->subid ? e->subid : NULL);
            session_send_iq(a->session, iq, SESSION_TIMEOUT_MS,
                            on_leftover_removed, q);
            xmpp_stanza_release(iq);
        } else if (!remove && a->ledger) {
            ledger_forget(a->ledger, e, &cause); /* kept: not asked again */
            free(cause);
            cause = NULL;
        }
    }
    if (!remove)
        app_say(a, APP_SAY_INFO,
                "kept %zu leftover subscription%s (perch subscriptions lists "
                "them)",
                a->leftovers.n, a->leftovers.n == 1 ? "" : "s");
    ledger_list_done(&a->leftovers);
    app_changed(a, APP_CHANGED_STATUS);
}

/* ---- the resync's answers ---- */

static int is_initial(const struct app *a, const char *node)
{
    int i;
    for (i = 0; i < a->ninitial; i++)
        if (strcmp(a->initial[i], node) == 0)
            return 1;
    return 0;
}

static void on_nodes(void *arg, const struct disco_items *items)
{
    struct app *a = arg;
    size_t i;

    app_listed_clear(a);
    a->listed = xcalloc(items->n + 1, sizeof *a->listed);
    for (i = 0; i < items->n; i++)
        if (items->v[i].node)
            a->listed[a->nlisted++] = xstrdup(items->v[i].node);
    a->have_listed = 1;
}

/* 1 when sub is a leftover the question is about: y/n decides, not this
 * run's hold. */
static int is_leftover(const struct app *a, const struct pubsub_sub *sub)
{
    size_t i;

    for (i = 0; i < a->leftovers.n; i++)
        if (strcmp(a->leftovers.v[i].node, sub->node) == 0 &&
            jid_equal(a->leftovers.v[i].jid, sub->jid ? sub->jid : a->bare))
            return 1;
    return 0;
}

/* The marks become what the server lists; this run holds (in the ledger)
 * every bare-JID subscription it receives events of, so that no other
 * perch removes one it still uses. */
static void on_subscriptions(void *arg, const struct pubsub_subs *subs)
{
    struct app *a = arg;
    const char **ours = xcalloc(subs->n + 1, sizeof *ours);
    size_t i, n = 0, gone;

    for (i = 0; i < subs->n; i++)
        if (resync_sub_is_ours(&subs->v[i], a->bare, a->jid) &&
            *subs->v[i].node)
            ours[n++] = subs->v[i].node;
    gone = model_nodes_sync(&a->model, (const char *const *)a->listed,
                            a->nlisted, a->have_listed, ours, n);
    /* before this run holds them: a leftover held is no leftover */
    if (a->logins == 1 && a->question == NULL && a->leftovers.n == 0)
        find_leftovers(a, subs);
    for (i = 0; i < subs->n; i++) {
        const struct pubsub_sub *sub = &subs->v[i];
        if (!resync_sub_is_ours(sub, a->bare, a->jid) || !*sub->node ||
            is_leftover(a, sub))
            continue;
        if (sub->jid == NULL || jid_equal(sub->jid, a->jid))
            app_hold(a, sub->node, sub->subid,
                     map_get(&a->created, sub->node) != NULL);
    }
    if (a->have_listed)
        app_say(a, APP_SAY_INFO, "%s: %zu nodes, %zu subscribed%s", a->service,
                a->nlisted, n, gone ? " (vanished nodes removed)" : "");
    for (i = 0; i < n; i++)
        if (is_initial(a, ours[i]))
            app_say(a, APP_SAY_INFO, "already subscribed to %s", ours[i]);
    app_listed_clear(a);
    free(ours);
    a->stale &= ~APP_CHANGED_NODES;
    app_changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
}

static void on_remade(void *arg, const char *node, const struct pubsub_sub *sub,
                      const char *why, double rtt)
{
    struct app *a = arg;
    int initial = is_initial(a, node);
    char *row;

    if (sub == NULL) {
        free(map_del(&a->created, node));
        app_release(a, node);
        if (initial)
            app_say(a, APP_SAY_ERROR, "subscribe %s: %s", node, why);
        else {
            row = xasprintf("the server lost the subscription to %s and it "
                            "could not be made again: %s",
                            node, why);
            console_add(a->console, CONSOLE_INFO, row);
            app_say(a, APP_SAY_ERROR, "%s", row);
            free(row);
        }
        return;
    }
    free(map_put(&a->created, node, xstrdup(sub->subid ? sub->subid : "")));
    app_hold(a, node, sub->subid, 1);
    model_node_subscribed(&a->model, node, 1);
    if (initial) {
        app_say(a, APP_SAY_INFO, "subscribed to %s (%.0f ms)", node, rtt);
    } else {
        row = xasprintf("the server lost the subscription to %s: made again",
                        node);
        console_add(a->console, CONSOLE_INFO, row);
        app_say(a, APP_SAY_INFO, "%s", row);
        free(row);
    }
    app_changed(a, APP_CHANGED_NODES | APP_CHANGED_STATUS);
}

static void on_item(void *arg, const char *node, xmpp_stanza_t *item)
{
    struct app *a = arg;

    if (a->resync_buf == NULL)
        a->resync_buf = json_array();
    json_array_append_new(a->resync_buf, decode_item(node, item));
}

/* A node's latest items, oldest first: those after the last one already
 * applied (an event that came meanwhile is newer than what was fetched
 * before it). */
static void on_node_done(void *arg, const char *node, size_t n, const char *why)
{
    struct app *a = arg;
    size_t i, from = 0, total = json_array_size(a->resync_buf);
    (void)n;

    for (i = 0; i < total; i++)
        if (model_seen(&a->model, json_array_get(a->resync_buf, i)))
            from = i + 1;
    for (i = from; i < total; i++) {
        app_apply_event(a, json_incref(json_array_get(a->resync_buf, i)));
        a->resync_items++;
    }
    json_decref(a->resync_buf);
    a->resync_buf = NULL;
    if (why) {
        char *row = xasprintf("items %s: %s", node, why);
        console_add(a->console, CONSOLE_INFO, row);
        free(row);
    }
}

static void on_failed(void *arg, const char *what, const char *why)
{
    app_say(arg, APP_SAY_ERROR, "%s: %s", what, why);
}

static void on_done(void *arg, int complete)
{
    struct app *a = arg;
    char *row;

    a->resync = NULL;
    a->resync_running = 0;
    a->ninitial = 0; /* once: later logins keep what the server has */
    app_listed_clear(a);
    if (a->rest_resync_due && a->state == APP_ONLINE) {
        a->rest_resync_due = 0;
        app_rest_resync(a);
    }
    if (!complete || !a->resync_full)
        return;
    row = xasprintf("resync: %lu item%s applied, the panes show what the "
                    "server holds",
                    a->resync_items, a->resync_items == 1 ? "" : "s");
    console_add(a->console, CONSOLE_INFO, row);
    free(row);
    a->stale = 0;
    app_flush_changes(a);
    app_changed(a, STALE_PANES | APP_CHANGED_STATUS);
}

static const struct resync_events app_resync_events = {
    .nodes = on_nodes,
    .subscriptions = on_subscriptions,
    .remade = on_remade,
    .item = on_item,
    .node_done = on_node_done,
    .failed = on_failed,
    .done = on_done,
};

void app_resync_run(struct app *a, int disco, unsigned max_items)
{
    struct resync_config cfg;
    const char **keep;
    size_t i = 0, n = 0;
    int k;
    const char *key;
    void *val;

    if (a->resync_running) {
        app_say(a, APP_SAY_INFO, "already asking the server");
        return;
    }
    keep = xcalloc(a->created.n + (size_t)a->ninitial + 1, sizeof *keep);
    while (map_next(&a->created, &i, &key, &val))
        keep[n++] = key;
    for (k = 0; k < a->ninitial; k++)
        keep[n++] = a->initial[k];
    memset(&cfg, 0, sizeof cfg);
    cfg.service = a->service;
    cfg.jid = a->jid;
    cfg.bare = a->bare;
    cfg.disco = disco;
    cfg.max_items = max_items;
    cfg.items_of_all = 1;
    cfg.keep = keep;
    cfg.nkeep = n;
    a->resync_items = 0;
    a->resync_full = max_items > 0;
    a->resync_running = 1;
    {
        struct resync *r =
            resync_start(a->session, &cfg, &app_resync_events, a);
        if (a->resync_running) /* not ended already */
            a->resync = r;
    }
    free(keep);
}

void app_resync(struct app *a)
{
    app_resync_run(a, 1, APP_RESYNC_ITEMS);
}
