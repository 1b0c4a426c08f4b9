/*
 * The console's /rest: a request to the Finesse REST API, its answer
 * paired with it in the console ring like an iq and its reply, and the
 * Update carrying its requestId linked to it with the time between them.
 */
#include "app_internal.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/loop.h"
#include "conf/conn.h"
#include "decode/keys.h"
#include "rest/failover.h"
#include "rest/rest.h"
#include "rest/restmsg.h"
#include "xmpp/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One /rest request until its answer came and, for a change, its Update
 * came or was given up. */
struct app_rest {
    struct app *a;
    const char *method; /* static */
    char *path;
    char id[REST_ID_LEN + 1];
    unsigned long request_seq;
    double sent_ms;
    int answered, updated;
    int refresh;   /* app_rest_refresh: applied to the model, said in Console */
    unsigned mark; /* refresh: failover_mark() when asked */
    char *node;    /* the pubsub node the object is applied as; NULL */
    unsigned long node_events; /* refresh: the node's events when asked */
    struct loop_timer *timer;  /* waiting for the Update */
    struct app_rest *next;
};

static void req_free(struct app_rest *q)
{
    struct app_rest **p;

    for (p = &q->a->rest_reqs; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            break;
        }
    rest_waits_remove(&q->a->rest_waits, q);
    loop_timer_free(q->timer);
    free(q->node);
    free(q->path);
    free(q);
}

/* ---- the answer ---- */

/* "HTTP 202 Accepted in 12 ms" then the body, for the ring. */
static unsigned long record_answer(struct app *a, const struct rest_response *p)
{
    struct console_meta meta = {0};
    char status[12];
    struct buf b;
    unsigned long seq;

    snprintf(status, sizeof status, "%ld", p->status);
    buf_init(&b);
    buf_printf(&b, "HTTP %ld %s in %.0f ms", p->status, rest_reason(p->status),
               p->ms);
    if (p->len)
        buf_printf(&b, "\n%s", p->body);
    meta.name = "rest";
    meta.type = status;
    meta.id = *p->request_id ? p->request_id : NULL;
    meta.node = p->path;
    seq = console_add_meta(a->console, CONSOLE_IN, b.data, &meta);
    buf_done(&b);
    return seq;
}

static void on_update_timeout(void *arg)
{
    struct app_rest *q = arg;

    app_say(q->a, APP_SAY_ERROR,
            "%s %s: no Update with requestId %s within %d s", q->method,
            q->path, q->id, APP_REST_UPDATE_MS / 1000);
    req_free(q);
}

static void failed(struct app *a, struct app_rest *q,
                   const struct rest_response *p)
{
    console_add(a->console, CONSOLE_INFO, p->cause);
    app_say(a, APP_SAY_ERROR, "%s %s: %.*s%s", q->method, q->path,
            (int)strcspn(p->cause, "\n"), p->cause,
            strchr(p->cause, '\n') ? " (details in Console)" : "");
}

/* The server's clock in an answer: its Date, and SystemInfo's
 * currentTimestamp, each bounded by the request's window (base/clock.c). */
static void clock_from(struct app *a, const struct rest_response *p)
{
    double recv = model_wall_ms(), server, res;
    json_t *si = json_object_get(p->decoded, EVK_SYSTEMINFO);
    const char *ts =
        json_string_value(json_object_get(si, EVK_CURRENT_TIMESTAMP));

    if (p->date && clock_parse_http_date(p->date, &server) == 0)
        app_clock_sample(a, server, 1000, recv - p->ms, recv, "http-date");
    if (ts && clock_parse_iso(ts, &server, &res) == 0)
        app_clock_sample(a, server, res, recv - p->ms, recv, "systeminfo");
}

/* Events applied on node so far (0 when the model has none). */
static unsigned long node_events(struct app *a, const char *node)
{
    const struct node_entry *n = model_node(&a->model, node, 0);

    return n ? n->events : 0;
}

/* app_rest_refresh's answer: applied (as an Update of q->node) unless an
 * event of that node came after the request left, and said in Console
 * only. */
static void refreshed(struct app *a, const struct app_rest *q,
                      const struct rest_response *p)
{
    const char *kind = json_string_value(json_object_get(p->decoded, EVK_KIND));
    const char *what = q->path;
    json_t *ev;
    char *line;

    if (strncmp(what, "/finesse/api/", 13) == 0)
        what += 13; /* as Console says it: "User/1001001" */
    if (p->status < 200 || p->status > 299 || kind == NULL) {
        console_add(a->console, CONSOLE_INFO,
                    kind ? "refresh through REST failed (see the answer)"
                         : "refresh through REST: the answer was not a "
                           "Finesse object");
        return;
    }
    if (q->node && node_events(a, q->node) != q->node_events) {
        /* an Update of the node came after the GET left: the answer is
         * older than what the model holds */
        line = xasprintf("REST answer for %s not applied: an Update of %s "
                         "came after the request (%ld in %.0f ms)",
                         what, q->node, p->status, p->ms);
        console_add(a->console, CONSOLE_INFO, line);
        free(line);
        return;
    }
    ev = json_object(); /* as an Update of q->node */
    if (q->node)
        json_object_set_new(ev, EVK_NODE, json_string(q->node));
    json_object_update(ev, p->decoded);
    app_apply_answer(a, ev, q->mark);
    app_flush_changes(a);
    line = xasprintf("refreshed %s from REST %s (%ld in %.0f ms)", what, p->url,
                     p->status, p->ms);
    console_add(a->console, CONSOLE_INFO, line);
    free(line);
}

static void on_answer(void *arg, const struct rest_response *p)
{
    struct app_rest *q = arg;
    struct app *a = q->a;
    const char *kind;
    char *errors;

    q->answered = 1;
    if (p->fail != FAIL_NONE) {
        if (q->refresh)
            console_add(a->console, CONSOLE_INFO, p->cause);
        else
            failed(a, q, p);
        req_free(q);
        return;
    }
    console_pair(a->console, q->request_seq, record_answer(a, p), p->ms);
    clock_from(a, p);
    if (q->refresh) {
        refreshed(a, q, p);
        req_free(q);
        return;
    }
    if (p->status < 200 || p->status > 299) {
        errors = p->decoded ? rest_decoded_errors(p->decoded) : NULL;
        app_say(a, APP_SAY_ERROR, "%s %s: %ld %s%s%s", q->method, q->path,
                p->status, rest_reason(p->status), errors ? ": " : "",
                errors ? errors : "");
        free(errors);
        req_free(q);
        return;
    }
    if (*q->id == '\0' || q->updated) { /* a GET; or its Update came first */
        kind = json_string_value(json_object_get(p->decoded, EVK_KIND));
        if (!q->updated)
            app_say(a, APP_SAY_INFO,
                    "%s %s: %ld %s in %.0f ms%s%s%s — in Console", q->method,
                    q->path, p->status, rest_reason(p->status), p->ms,
                    kind ? " (" : "", kind ? kind : "", kind ? ")" : "");
        req_free(q);
        return;
    }
    rest_waits_answered(&a->rest_waits, q->id, p->request_id);
    app_say(a, APP_SAY_INFO,
            "%s %s: %ld %s in %.0f ms; waiting for the Update with requestId "
            "%s",
            q->method, q->path, p->status, rest_reason(p->status), p->ms,
            p->request_id);
    q->timer = loop_timer_new(a->loop, on_update_timeout, q);
    loop_timer_start(q->timer, APP_REST_UPDATE_MS);
}

/* ---- the Update ---- */

/* A few words on what an Update says: "user NOT_READY". */
static void summary(json_t *ev, char *out, size_t size)
{
    const char *kind = json_string_value(json_object_get(ev, EVK_KIND));
    const char *state = NULL;
    json_t *d;

    if (kind && strcmp(kind, EV_KIND_USER) == 0)
        state = json_string_value(
            json_object_get(json_object_get(ev, EVK_USER), EVK_STATE));
    else if (kind && strcmp(kind, EV_KIND_DIALOGS) == 0) {
        d = json_array_get(json_object_get(ev, EVK_DIALOGS), 0);
        state = json_string_value(json_object_get(d, EVK_STATE));
    }
    snprintf(out, size, "%s%s%s", kind ? kind : "?", state ? " " : "",
             state ? state : "");
}

void app_rest_event(struct app *a, json_t *ev)
{
    const char *id = json_string_value(json_object_get(ev, EVK_REQUEST_ID));
    struct app_rest *q;
    double sent_ms, ms;
    char *errors, what[64];

    if (id == NULL || a->rest_waits.n == 0 ||
        (q = rest_waits_match(&a->rest_waits, id, &sent_ms)) == NULL)
        return;
    ms = loop_now_ms() - sent_ms;
    q->updated = 1;
    console_pair_update(a->console, q->request_seq,
                        console_last_seq(a->console), ms);
    if ((errors = rest_decoded_errors(ev)) != NULL) {
        app_say(a, APP_SAY_ERROR,
                "%s %s: apiErrors Update %.0f ms after the request: %s",
                q->method, q->path, ms, errors);
        free(errors);
    } else {
        summary(ev, what, sizeof what);
        app_say(a, APP_SAY_INFO, "%s %s: Update (%s) %.0f ms after the request",
                q->method, q->path, what, ms);
    }
    if (q->answered)
        req_free(q);
}

/* ---- the request ---- */

/* "PUT https://…/finesse/api/User/1" then the body, for the ring. */
static unsigned long record_request(struct app *a, struct app_rest *q,
                                    const char *body)
{
    struct console_meta meta = {0};
    struct buf b;
    char *url = rest_url(rest_base_url(a->rest), q->path);
    unsigned long seq;

    buf_init(&b);
    buf_printf(&b, "%s %s", q->method, url);
    if (body)
        buf_printf(&b, "\n%s", body);
    meta.name = "rest";
    meta.type = q->method;
    meta.id = *q->id ? q->id : NULL;
    meta.node = q->path;
    seq = console_add_meta(a->console, CONSOLE_OUT, b.data, &meta);
    buf_done(&b);
    free(url);
    return seq;
}

int app_rest_refresh(struct app *a, const char *path, const char *node)
{
    char *cause = NULL;
    unsigned long seq;

    if (app_rest(a, "GET", path, NULL, &seq, &cause) != 0) {
        console_add(a->console, CONSOLE_INFO, cause);
        free(cause);
        return -1;
    }
    a->rest_reqs->refresh = 1; /* the newest: the one just made */
    a->rest_reqs->mark = a->failover ? failover_mark(a->failover) : 0;
    a->rest_reqs->node = node ? xstrdup(node) : NULL;
    a->rest_reqs->node_events = node ? node_events(a, node) : 0;
    return 0;
}

int app_rest_known(const struct app *a)
{
    return a->cli->conn.rest || a->cli->conn.alternate ||
           failover_known(a->failover);
}

void app_rest_resync(struct app *a)
{
    size_t i = 0, n = 0;
    const char *key;
    void *val;
    char *path;

    while (map_next(&a->model.nodes, &i, &key, &val)) {
        const struct node_entry *e = val;
        if (!e->subscribed || (path = rest_node_object(key)) == NULL)
            continue;
        /* SystemInfo: asked at the login already */
        if (strcmp(path, "/finesse/api/SystemInfo") != 0 &&
            app_rest_refresh(a, path, key) == 0)
            n++;
        free(path);
    }
    if (n) { /* Console only: the message line keeps what the user did */
        char *row = xasprintf("resync through REST: %zu object%s from %s", n,
                              n == 1 ? "" : "s", rest_base_url(a->rest));
        console_add(a->console, CONSOLE_INFO, row);
        free(row);
    }
}

int app_rest(struct app *a, const char *method, const char *path,
             const char *body, unsigned long *seq, char **cause)
{
    struct app_rest *q;
    const char *id;
    char *p;

    if (a->replay) {
        *cause = xstrdup(APP_REPLAY_REFUSES);
        return -1;
    }
    if (rest_method(method) == NULL) {
        *cause = xasprintf("'%s' is not GET, PUT, POST or DELETE", method);
        return -1;
    }
    if ((p = rest_path(path, cause)) == NULL)
        return -1;
    if (a->rest == NULL &&
        (a->rest = conn_rest_at(
             a->loop, a->ctx, &a->cli->conn, link_password(a->link), 0,
             failover_moved_host(a->failover), a->recorder, cause)) == NULL) {
        free(p);
        return -1;
    }
    q = xcalloc(1, sizeof *q);
    q->a = a;
    q->method = rest_method(method);
    q->path = p;
    if (rest_request(a->rest, method, p, body, body ? strlen(body) : 0,
                     on_answer, q, &id, cause) != 0) {
        free(q->path);
        free(q);
        return -1;
    }
    snprintf(q->id, sizeof q->id, "%s", id);
    q->sent_ms = loop_now_ms();
    q->request_seq = record_request(a, q, body);
    if (*q->id)
        rest_waits_add(&a->rest_waits, q->id, q, q->sent_ms);
    q->next = a->rest_reqs;
    a->rest_reqs = q;
    if (seq)
        *seq = q->request_seq;
    return 0;
}

void app_rest_done(struct app *a)
{
    rest_free(a->rest); /* no callbacks any more */
    a->rest = NULL;
    while (a->rest_reqs)
        req_free(a->rest_reqs);
    rest_waits_done(&a->rest_waits);
}
