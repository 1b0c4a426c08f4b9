/*
 * What app.c (the connection's life) and app_request.c (the requests and
 * events) share; not for the UI.
 */
#ifndef PERCH_APP_INTERNAL_H
#define PERCH_APP_INTERNAL_H

#include "app.h"

#include <jansson.h>

/* A line for the user (ev->say). */
void app_say(struct app *a, enum app_say level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Tells the UI (ev->changed). */
void app_changed(struct app *a, unsigned what);

/* Applies a decoded event (consumed) to the model; what it changed piles
 * up until app_flush_changes tells the UI once. */
void app_apply_event(struct app *a, json_t *ev);
/* The same for a REST answer (consumed) to a GET made at mark
 * (failover_mark): the failover takes its status only when no SystemInfo
 * Update came since. */
void app_apply_answer(struct app *a, json_t *ev, unsigned mark);
void app_flush_changes(struct app *a);

/* app_rest.c: pairs ev (borrowed) with the /rest request whose requestId
 * it carries; the stanza being handled is the console's newest entry. */
void app_rest_event(struct app *a, json_t *ev);
/* app_rest.c: GETs path (as /rest would) and applies the object to the
 * model with the Update decoders, as an Update of node (NULL: none);
 * said in Console only (the request, its answer, "refreshed User/1 from
 * REST …" or why not). 0, or -1 when nothing was sent (the reason in
 * Console). */
int app_rest_refresh(struct app *a, const char *path, const char *node);
/* app_rest.c: a REST base is known (--rest, --alternate, a cluster). */
int app_rest_known(const struct app *a);
/* app_rest.c: after a login's resync, the objects behind the subscribed
 * nodes GET through REST and applied (rest_node_object): what REST says
 * now wins over a node's last item, and a node that keeps no items
 * still shows its object. */
void app_rest_resync(struct app *a);
/* app_rest.c: drops the REST client and what waits (app_free). */
void app_rest_done(struct app *a);

/* A reading of the server's clock (base/clock.c's terms) into the drift
 * the status bar shows and the model corrects times with. */
void app_clock_sample(struct app *a, double server_ms, double res_ms,
                      double sent_ms, double recv_ms, const char *source);

/* Unsubscribes a->jid from node (subid NULL or "": all of its
 * subscriptions there) with this timeout; while quitting, the answer
 * counts down a->pending. */
void app_unsubscribe_sub(struct app *a, const char *node, const char *subid,
                         unsigned timeout_ms);

/* app_resync.c: after every login, what the server holds (resync.c) into
 * the model; the ledger of what this run holds. */
void app_resync(struct app *a);
/* A resync: disco first or not, up to max_items of each node (0: none). */
void app_resync_run(struct app *a, int disco, unsigned max_items);
/* Marks the panes with data as stale (after a loss). */
void app_mark_stale(struct app *a);
void app_listed_clear(struct app *a);
/* This run holds node in the ledger (made: it made the subscription). */
void app_hold(struct app *a, const char *node, const char *subid, int made);
/* Lets go of every node held; with remove, those this run made and no
 * other running perch holds are unsubscribed (by subid). Returns how
 * many unsubscribes are in flight (counted in a->pending). */
size_t app_release_all(struct app *a, int remove);
/* Lets go of one node (an explicit /unsub). */
void app_release(struct app *a, const char *node);

/* A new app with nothing connected or read yet (app_new, app_replay.c
 * finish it). cli borrowed, may be the replay's own. */
struct app *app_alloc(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                      const struct app_events *ev, void *arg);
/* What a link reports, taken by the app (app.c): a received stanza (its
 * pubsub events into the model), a transport record for the Network pane,
 * BOSH parameters. A replay (app_replay.c) feeds the same. All borrowed. */
void app_take_stanza(struct app *a, xmpp_stanza_t *st);
void app_take_record(struct app *a, const struct transport_record *rec);
void app_take_params(struct app *a, const struct transport_params *p);

/* Forgets the transport records, the parameters and what WebSocket
 * said (a replay going back to its start). */
void app_records_clear(struct app *a);

/* app_replay.c: ends a replay (app_free). NULL: nothing. */
void app_replay_free(struct app_replay *r);
/* app_replay.c: the requests of the capture started and not answered
 * at the replay's time now (app_pending). */
int app_replay_pending(const struct app *a, struct transport_pending *out,
                       int max);
/* app_replay.c: "replay of a HAR, nothing sent" (app_transport_text);
 * borrowed. */
const char *app_replay_describe(const struct app *a);

/* What a command that would send something says in a replay. */
#define APP_REPLAY_REFUSES "not available in replay (nothing is sent)"

#endif
