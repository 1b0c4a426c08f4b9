/*
 * The interactive console's core: one account kept connected (with
 * reconnects), the model fed by pubsub events, the node tree from disco,
 * the subscriptions made here, raw stanzas typed by the user, and the
 * transport's records. It never draws: the UI reads struct app and is told
 * what changed through app_events.
 */
#ifndef PERCH_APP_H
#define PERCH_APP_H

#include "base/clock.h"
#include "conf/cli.h"
#include "model/model.h"
#include "xmpp/ledger.h"
#include "xmpp/link.h"
#include "rest/restmsg.h"
#include "xmpp/session.h"

enum app_state {
    APP_OFFLINE,    /* not connected and not trying (/disconnect) */
    APP_CONNECTING, /* login under way */
    APP_ONLINE,     /* bound */
    APP_RETRY,      /* lost; a reconnect is scheduled at retry_at_ms */
};

/* What changed, for app_events.changed. */
enum {
    APP_CHANGED_AGENTS = 1 << 5,  /* agents or teams */
    APP_CHANGED_DIALOGS = 1 << 6, /* calls */
    APP_CHANGED_MODEL = 1 << 0,   /* anything else: queues, system */
    APP_CHANGED_NODES = 1 << 1,   /* the node tree or its marks */
    APP_CHANGED_CONSOLE = 1 << 2, /* a stanza in or out */
    APP_CHANGED_NETWORK = 1 << 3, /* a transport record or parameters */
    APP_CHANGED_STATUS = 1 << 4,  /* state, RTT, drift, banner */
};

enum app_say { APP_SAY_INFO, APP_SAY_ERROR };

struct app_events {
    void (*changed)(void *arg, unsigned what);
    /* A line for the user: the outcome of a command (borrowed). */
    void (*say)(void *arg, enum app_say level, const char *text);
    /* app_quit finished: the loop may end. */
    void (*quit)(void *arg);
};

/* One transport record kept for the Network pane; strings copied. */
struct app_record {
    /* the strings of r point into this; r.body_out and r.body_in are
     * owned copies (the first APP_BODY_MAX bytes, NULL once the newest
     * records' bodies went past APP_BODIES_MAX together) */
    struct transport_record r;
    char error[96];
    char date[40];
    char what[24];
    char close_reason[64];
    char protocol[24];
    char extensions[48];
    char via[48];
    int body_cut; /* a body was longer than APP_BODY_MAX */
};

/* What the WebSocket transport said last (for the Network pane). */
struct app_ws {
    int upgraded; /* an upgrade record came */
    long status;  /* of the last upgrade */
    char protocol[24], extensions[48];
    double rtt_ms;            /* last WebSocket ping; < 0 unknown */
    unsigned long pings_lost; /* WebSocket pings never answered */
    unsigned long frames, refused;
    unsigned last_close; /* the last close frame's code, 0 */
};

#define APP_BODY_MAX (64u << 10)
#define APP_BODIES_MAX (8u << 20)

#define APP_RECORDS 2000
#define APP_RATE_SECONDS 5

struct app {
    struct loop *loop;     /* borrowed */
    xmpp_ctx_t *ctx;       /* borrowed */
    const struct cli *cli; /* borrowed */
    const struct app_events *ev;
    void *ev_arg;

    char *service;     /* the pubsub service JID */
    char *server;      /* what the banner names: host or BOSH URL */
    char *host;        /* the node connected to (conn_host): the status bar's */
    char *bare;        /* own bare JID */
    char *jid;         /* the JID subscribed: bare, or the bound full JID */
    int full_jid;      /* --full-jid / full-jid = true */
    struct link *link; /* the connection, kept with reconnects */
    struct session *session; /* the link's, while online; else NULL */
    struct console *console; /* outlives sessions */
    struct model model;

    enum app_state state;
    unsigned attempt;   /* reconnect attempts since the last healthy login */
    unsigned logins;    /* 1 after the first */
    double retry_at_ms; /* loop_now_ms() of the next attempt */
    char *cause;        /* why the last session ended; NULL */
    char *trouble;      /* BOSH requests being resent, and why; NULL */
    struct loop_timer *ping_timer;

    /* Resync after each login (app_resync.c): what is not refreshed yet
     * is stale (APP_CHANGED_* bits of the panes showing it) */
    unsigned stale;
    struct resync *resync; /* running; NULL */
    int resync_running;    /* set before resync_start returns */
    int resync_full;       /* it fetches items: the end clears all stale */
    char **listed;         /* disco#items of the running resync */
    size_t nlisted;
    int have_listed;
    json_t *resync_buf;         /* the node's items being fetched */
    unsigned long resync_items; /* items applied by the last resync */
    int rest_resync_due;        /* the objects through REST at its end */

    struct recorder *recorder;  /* --record, or NULL */
    struct app_record *records; /* ring of APP_RECORDS */
    size_t nrecords, records_head;
    size_t bodies_bytes; /* the records' bodies together */
    unsigned long records_total, records_failed;
    struct transport_params params;
    int have_params;
    struct app_ws ws;

    double rtt_ms;   /* last ping round trip; < 0 unknown */
    double drift_ms; /* server clock minus ours: the middle of clock */
    int have_drift;
    struct clock_drift clock; /* XEP-0202, REST Date and SystemInfo */
    int no_time; /* the server refused XEP-0202 once: not asked again */

    unsigned pending_changes; /* of the events being applied */
    unsigned long rate_count[APP_RATE_SECONDS + 1];
    long rate_second[APP_RATE_SECONDS + 1];

    struct failover *failover;    /* the cluster's rules (rest/failover.h) */
    char *doing_said;             /* its last words put in Console */
    struct rest *rest;            /* made by the first /rest */
    struct rest_waits rest_waits; /* requests awaiting their Update */
    struct app_rest *rest_reqs;   /* requests of /rest not done yet */

    struct map created;    /* node -> subid ("" none): made by this run */
    struct map held;       /* node -> "": in the ledger as this run's */
    struct ledger *ledger; /* NULL when there is no data directory */
    char **initial;        /* nodes to subscribe at the first login */
    int ninitial;
    int quitting, keep_subscriptions;
    size_t pending; /* cleanup requests in flight */

    /* subscriptions ended perch processes left (ledger): asked about once,
     * after the first login; question is the line the UI shows */
    struct ledger_list leftovers;
    char *question; /* NULL when nothing is asked */
};

/*
 * Gets the password (which may prompt, so call before the screen is
 * taken) and prepares everything. nodes (borrowed) are subscribed at the
 * first login. Returns NULL with *cause (caller frees).
 */
struct app *app_new(struct loop *loop, xmpp_ctx_t *ctx, const struct cli *cli,
                    char **nodes, int nnodes, const struct app_events *ev,
                    void *arg, char **cause);
void app_free(struct app *a);

/* Connects (again); a no-op while connecting or online. */
void app_connect(struct app *a);
/* Closes and stays offline until app_connect. */
void app_disconnect(struct app *a);
/* Removes the subscriptions this run made (unless keep), closes, then
 * calls ev->quit. A second call quits at once. */
void app_quit(struct app *a, int keep);

/* Requests; outcomes come through ev->say and the model. */
void app_disco(struct app *a); /* the node tree and the marks again */
void app_subscribe(struct app *a, const char *node);
void app_unsubscribe(struct app *a, const char *node);
void app_subscriptions(struct app *a); /* the marks again */
/* The answer to a->question: remove the leftover subscriptions (1) or
 * keep them and stop tracking them (0). */
void app_leftovers(struct app *a, int remove);
void app_items(struct app *a, const char *node);
void app_info(struct app *a, const char *node);
void app_ping(struct app *a);

/* Checks text (one or more stanzas) and sends it; iqs are tracked so that
 * their replies pair up in the console. 0, or -1 with *cause (caller
 * frees) and nothing sent. */
int app_send_text(struct app *a, const char *text, char **cause);

/* How long /rest waits for the Update that echoes a request's id. */
#define APP_REST_UPDATE_MS 30000

/*
 * Sends METHOD PATH with body (NULL for none) to the Finesse REST API
 * (perch rest's rules). The request and its answer pair up in the console
 * like an iq and its reply; the Update that carries the request's
 * requestId is linked to the request (console_pair_update) with the time
 * between them; each step is said on the message line. *seq (may be NULL)
 * gets the request's console seq. 0, or -1 with *cause (caller frees) and
 * nothing sent.
 */
int app_rest(struct app *a, const char *method, const char *path,
             const char *body, unsigned long *seq, char **cause);

/* Moves to another node of the cluster when asked: which is "primary",
 * "secondary" or "other". 0, or -1 with *cause (caller frees). */
int app_node(struct app *a, const char *which, char **cause);
/* What the failover is doing (the banner's words), or NULL. Borrowed. */
const char *app_failover_doing(const struct app *a);

/* Events per second over the last few whole seconds. */
double app_rate(const struct app *a);
/* The panes (APP_CHANGED_* bits) whose data is from before a loss and
 * not refreshed yet. */
unsigned app_stale(const struct app *a);
/* Nodes marked subscribed in the model. */
size_t app_subscription_count(const struct app *a);
/* i = 0 the oldest kept; borrowed. */
const struct app_record *app_record_get(const struct app *a, size_t i);
/* The BOSH requests unanswered now (transport.h), at most max; 0 offline
 * or over TCP. */
int app_pending(const struct app *a, struct transport_pending *out, int max);
/* "TLS 1.3, verified" / "BOSH https://…": borrowed, or "" offline. */
const char *app_transport_text(const struct app *a);

#endif
