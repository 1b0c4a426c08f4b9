/*
 * The console on a capture (app.h, "replay"): the capture read once into a
 * timeline of events in recorded order, then fed into the app at a speed
 * by one timer, as a link would feed it. Going back starts again from the
 * first event with the model, Console and Network emptied.
 */
#include "app_internal.h"
#include "base/buf.h"
#include "base/loop.h"
#include "evidence/feed.h"
#include "evidence/player.h"
#include "evidence/verdict.h"
#include "xmpp/boshbody.h"
#include "xmpp/console.h"
#include "xmpp/pubsub.h"
#include "xmpp/session.h"
#include "decode/decode.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 256 /* events fed before the loop may draw and read keys */

enum item_kind { ITEM_STANZA, ITEM_EVENT, ITEM_RECORD, ITEM_PARAMS, ITEM_INFO };

/* One event of the timeline; everything owned. */
struct item {
    enum item_kind kind;
    double t;
    size_t order; /* as read: ties keep it */
    int in;
    xmpp_stanza_t *st;           /* STANZA: a copy */
    json_t *ev;                  /* EVENT: decoded from text */
    struct transport_record rec; /* RECORD: its strings below */
    char *error, *date, *what, *body_out, *body_in;
    struct transport_params params;
    char *text; /* INFO */
};

struct app_replay {
    struct app *a;
    struct cli cli; /* what the panes ask of the "connection" */
    char *name;
    enum evidence_format fmt;
    const char *format;
    struct item *v;
    size_t n, cap;
    size_t pos; /* the next event to feed */
    double speed, t;
    double anchor_ms, anchor_t; /* playing: anchor_t was shown then */
    int paused, ended;
    struct loop_timer *timer;
    struct map asked; /* iq id -> struct asked: gets and sets fed, for
                         their replies to pair with in Console */
    char **findings;  /* said in Console at the end */
    size_t nfindings;
    /* while reading */
    struct evidence_feed *feed;
    struct verdict *verdict;
    unsigned count[2]; /* stanzas out, in of the record being read */
    int have_params;   /* from a session creation response */
    char *describe;    /* for app_transport_text */
};

/* ---- reading the capture into the timeline ---- */

static struct item *push(struct app_replay *r, enum item_kind kind, double t)
{
    struct item *it;

    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    it = &r->v[r->n];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->t = t;
    it->order = r->n++;
    return it;
}

static void info(struct app_replay *r, double t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void info(struct app_replay *r, double t, const char *fmt, ...)
{
    va_list ap;
    struct buf b;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    push(r, ITEM_INFO, t)->text = buf_steal(&b);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static char *dup_len(const char *s, size_t len)
{
    char *c;

    if (s == NULL)
        return NULL;
    c = xmalloc(len + 1);
    memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

static void on_stanza(void *arg, int in, xmpp_stanza_t *st, double t)
{
    struct app_replay *r = arg;
    struct item *it = push(r, ITEM_STANZA, t);

    it->in = in;
    it->st = xmpp_stanza_copy(st);
    r->count[in != 0]++;
}

static void on_event(void *arg, json_t *ev, double t)
{
    struct app_replay *r = arg;

    verdict_event(r->verdict, ev, t);
    json_decref(ev);
}

static void on_damaged(void *arg, const char *where, const char *cause)
{
    struct app_replay *r = arg;

    info(r, 0, "%s: %s%s%s", r->name, where ? where : "", where ? ": " : "",
         cause);
}

/* "iq" of "<iq …", into out. */
static void element_name(const char *xml, size_t len, char *out, size_t size)
{
    size_t i = 0, n = 0;

    while (i < len && (xml[i] == ' ' || xml[i] == '\n' || xml[i] == '\r' ||
                       xml[i] == '\t'))
        i++;
    if (i < len && xml[i] == '<')
        for (i++; i < len && n + 1 < size &&
                  strchr(" \t\r\n/>", xml[i]) == NULL && xml[i] != '\0';
             i++)
            out[n++] = xml[i];
    out[n] = '\0';
}

/* What a HAR's or SAZ's bodies say that the records do not: the rid of
 * the request, the session parameters of the creation response. */
static void bodies(struct app_replay *r, const struct evidence_rec *e,
                   struct item *it)
{
    xmpp_stanza_t *req = NULL, *res = NULL;
    char *cause = NULL;
    const char *rid, *wait = NULL;

    if (e->request && e->request_len)
        req = bosh_body_parse(r->a->ctx, e->request, e->request_len, &cause);
    free(cause);
    cause = NULL;
    if ((rid = req ? xmpp_stanza_get_attribute(req, "rid") : NULL) != NULL &&
        it->rec.rid == 0)
        it->rec.rid = strtoull(rid, NULL, 10);
    if (req)
        wait = xmpp_stanza_get_attribute(req, "wait");
    if (!r->have_params && e->response && e->response_len)
        res = bosh_body_parse(r->a->ctx, e->response, e->response_len, &cause);
    free(cause);
    if (res && xmpp_stanza_get_attribute(res, "sid")) {
        r->have_params = 1;
        bosh_body_params(res, wait ? (unsigned)strtoul(wait, NULL, 10) : 60,
                         &push(r, ITEM_PARAMS, it->t)->params);
    }
    if (req)
        xmpp_stanza_release(req);
    if (res)
        xmpp_stanza_release(res);
}

/* A WebSocket's upgrade: the time it was asked (a HAR's entry lasts as
 * long as the WebSocket). */
static void upgrade_item(struct app_replay *r, const struct evidence_rec *e)
{
    struct item *it = push(r, ITEM_RECORD, e->time);
    const char *host = e->url ? strstr(e->url, "://") : NULL;
    const char *path = host ? strchr(host + 3, '/') : NULL;

    it->rec.kind = TRANSPORT_WS_UPGRADE;
    it->rec.start = e->time;
    it->rec.status = e->status;
    it->rec.error = it->error = dup_or_null(e->error);
    it->rec.date = it->date = dup_or_null(e->date);
    it->rec.what = it->what = xstrdup(path ? path : "");
}

static void http_item(struct app_replay *r, const struct evidence_rec *e)
{
    double end = e->time + (e->ms > 0 ? e->ms / 1000.0 : 0);
    struct item *it;

    if (e->status == 101 || (e->url && (strncmp(e->url, "ws://", 5) == 0 ||
                                        strncmp(e->url, "wss://", 6) == 0))) {
        upgrade_item(r, e);
        return;
    }
    r->count[0] = r->count[1] = 0;
    evidence_feed_record(r->feed, e);
    it = push(r, ITEM_RECORD, e->time > 0 ? end : 0);
    it->rec.kind = TRANSPORT_HTTP;
    it->rec.start = e->time;
    it->rec.rid = e->rid;
    it->rec.status = e->status;
    it->rec.duration_ms = e->ms > 0 ? e->ms : 0;
    it->rec.retries = e->retries;
    it->rec.stanzas_out = r->count[0];
    it->rec.stanzas_in = r->count[1];
    /* a recording's stanzas have lines of their own: not counted here */
    it->rec.empty = r->fmt != EVIDENCE_RECORDING && e->status == 200 &&
                    r->count[0] + r->count[1] == 0 && e->error == NULL;
    it->rec.bytes_out = e->request ? e->request_len : 0;
    it->rec.bytes_in = e->response ? e->response_len : 0;
    it->rec.error = it->error = dup_or_null(e->error);
    it->rec.date = it->date = dup_or_null(e->date);
    it->rec.body_out = it->body_out = dup_len(e->request, e->request_len);
    it->rec.body_out_len = e->request ? e->request_len : 0;
    it->rec.body_in = it->body_in = dup_len(e->response, e->response_len);
    it->rec.body_in_len = e->response ? e->response_len : 0;
    if (r->fmt != EVIDENCE_RECORDING) /* a recording has lines for them */
        bodies(r, e, it);
}

static void ws_item(struct app_replay *r, const struct evidence_rec *e)
{
    struct item *it = push(r, ITEM_RECORD, e->time);
    char what[24];

    element_name(e->xml, e->xml_len, what, sizeof what);
    it->rec.kind = TRANSPORT_WS_FRAME;
    it->rec.start = e->time;
    it->rec.out = !e->in;
    it->rec.opcode = 1; /* RFC 7395: every stanza a text message */
    it->rec.fin = 1;
    it->rec.size = e->xml_len;
    it->rec.what = it->what = xstrdup(what);
    if (e->in)
        it->rec.body_in = it->body_in = dup_len(e->xml, e->xml_len);
    else
        it->rec.body_out = it->body_out = dup_len(e->xml, e->xml_len);
    it->rec.body_in_len = e->in ? e->xml_len : 0;
    it->rec.body_out_len = e->in ? 0 : e->xml_len;
}

/* The header of a recording: who, how, where; the Network pane's kind. */
static void header(struct app_replay *r, const struct evidence_rec *e)
{
    const char *how = e->transport ? e->transport : "";
    const char *server = e->server ? e->server : "";

    info(r, e->time, "recording by perch %s (%s) of %s over %s to %s",
         e->perch ? e->perch : "?", e->command ? e->command : "?",
         e->account ? e->account : "?", *how ? how : "?",
         *server ? server : "?");
    if (e->account && r->a->bare == NULL)
        r->a->bare = xstrdup(e->account);
    if (strcmp(how, "bosh") == 0 && r->cli.conn.bosh == NULL)
        r->cli.conn.bosh = xstrdup(*server ? server : "(recorded)");
    if (strcmp(how, "ws") == 0 && r->cli.conn.ws == NULL)
        r->cli.conn.ws = xstrdup(*server ? server : "(recorded)");
}

static void on_record(void *arg, const struct evidence_rec *e)
{
    struct app_replay *r = arg;

    verdict_record(r->verdict, e);
    switch (e->kind) {
    case EVIDENCE_HEADER:
        header(r, e);
        break;
    case EVIDENCE_PARAMS:
        r->have_params = 1;
        push(r, ITEM_PARAMS, e->time)->params = e->params;
        break;
    case EVIDENCE_CLOSED:
        info(r, e->time, "the session ended: %s", e->text ? e->text : "closed");
        break;
    case EVIDENCE_NOTE:
        info(r, e->time, "%s", e->text ? e->text : "");
        break;
    case EVIDENCE_HTTP:
        if (r->cli.conn.bosh == NULL && r->cli.conn.ws == NULL)
            r->cli.conn.bosh = xstrdup(e->url ? e->url : "(recorded)");
        http_item(r, e);
        break;
    case EVIDENCE_WS:
        if (r->cli.conn.ws == NULL) {
            free(r->cli.conn.bosh); /* a HAR: the WebSocket is the session */
            r->cli.conn.bosh = NULL;
            r->cli.conn.ws = xstrdup("(recorded)");
        }
        ws_item(r, e);
        evidence_feed_record(r->feed, e); /* a recording's: stanza lines */
        break;
    default:
        evidence_feed_record(r->feed, e);
        break;
    }
}

static void on_text_event(void *arg, json_t *ev)
{
    push(arg, ITEM_EVENT, 0)->ev = ev;
}

/* Text of stanzas or BOSH bodies, without times: its events as perch
 * decode finds them (decode_capture), one after the other. */
static int read_text(struct app_replay *r, const char *data, size_t len,
                     char **cause)
{
    size_t i;

    for (i = 0; i < len && strchr(" \t\r\n", data[i]); i++)
        ;
    if (i == len)
        return 0; /* nothing to replay */
    info(r, 0, "%s: text without times: its events one after the other",
         r->name);
    return decode_capture(data, len, on_text_event, r, cause);
}

static void on_verdict(void *arg, json_t *o)
{
    struct app_replay *r = arg;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    double t =
        evidence_parse_time(json_string_value(json_object_get(o, "time")));
    char when[48];

    if (kind && strcmp(kind, "finding") == 0) {
        player_stamp(t, when, sizeof when);
        r->findings =
            xrealloc(r->findings, (r->nfindings + 1) * sizeof *r->findings);
        r->findings[r->nfindings++] =
            xasprintf("finding at %s: %s — %s", when,
                      json_string_value(json_object_get(o, "finding")),
                      json_string_value(json_object_get(o, "text")));
    }
    json_decref(o);
}

static int by_time(const void *x, const void *y)
{
    const struct item *a = x, *b = y;

    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Half a microsecond: a time read as 10:00:00.1 is 10:00:00.0999999… in
 * a double, and the panes cut times to the millisecond. */
#define SHOWN_LATE 5e-7

/* The years a time may have (to 9999-12-31): others are unknown. */
#define LAST_TIME 253402300799.0

static int known(double t)
{
    return t > 0 && t <= LAST_TIME;
}

/* Unknown times take the one before (a damaged entry, text), then the
 * timeline in recorded order. */
static void sort_items(struct app_replay *r)
{
    double last = 0;
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (!known(r->v[i].t))
            r->v[i].t = 0;
        if (!known(r->v[i].rec.start))
            r->v[i].rec.start = 0;
        if (r->v[i].t > 0)
            last = r->v[i].t += SHOWN_LATE;
        else
            r->v[i].t = last;
        if (r->v[i].rec.start > 0)
            r->v[i].rec.start += SHOWN_LATE;
    }
    qsort(r->v, r->n, sizeof *r->v, by_time);
}

static const struct evidence_feed_events feed_events = {
    .event = on_event,
    .stanza = on_stanza,
    .damaged = on_damaged,
};

static const struct evidence_events read_events = {
    .record = on_record,
    .damaged = on_damaged,
};

static int load(struct app_replay *r, const char *data, size_t len,
                char **cause)
{
    enum evidence_format f = evidence_sniff(data, len);
    char *why = NULL;
    int n;

    r->fmt = f;
    r->format = evidence_format_name(f);
    r->feed = evidence_feed_new(r->a->ctx, f, &feed_events, r);
    r->verdict = verdict_new();
    if (f == EVIDENCE_TEXT)
        n = read_text(r, data, len, &why);
    else
        n = evidence_read(f, data, len, &read_events, r, &why);
    if (n >= 0)
        verdict_finish(r->verdict, on_verdict, r);
    verdict_free(r->verdict);
    evidence_feed_free(r->feed);
    r->verdict = NULL;
    r->feed = NULL;
    if (n < 0) {
        *cause = xasprintf("%s: not a %s: %s", r->name, r->format, why);
        free(why);
        return -1;
    }
    if (r->n == 0) {
        *cause =
            xasprintf("%s: nothing to replay in this %s", r->name, r->format);
        return -1;
    }
    sort_items(r);
    r->t = r->v[0].t;
    r->describe = xasprintf("replay of a %s, nothing sent", r->format);
    return 0;
}

/* ---- playing ---- */

struct asked {
    unsigned long seq;
    double t;
};

/* An iq get or set and its result or error pair up in Console (as the
 * session's tracker pairs them live), with the recorded round trip. */
static void pair(struct app_replay *r, const struct item *it, unsigned long seq)
{
    const char *name = xmpp_stanza_get_name(it->st);
    const char *type = xmpp_stanza_get_type(it->st);
    const char *id = xmpp_stanza_get_id(it->st);
    struct asked *q;

    if (name == NULL || strcmp(name, "iq") != 0 || type == NULL || id == NULL)
        return;
    if (!it->in && (!strcmp(type, "get") || !strcmp(type, "set"))) {
        q = xmalloc(sizeof *q);
        q->seq = seq;
        q->t = it->t;
        free(map_put(&r->asked, id, q));
    } else if (it->in && (!strcmp(type, "result") || !strcmp(type, "error")) &&
               (q = map_del(&r->asked, id)) != NULL) {
        console_pair(r->a->console, q->seq, seq, (it->t - q->t) * 1000);
        free(q);
    }
}

/* The items of an iq result (the console's resync after a login, /items)
 * into the model, as the console applied them live. */
static void take_items(struct app *a, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *type = xmpp_stanza_get_type(st);
    xmpp_stanza_t *items, *it;
    const char *node;

    if (name == NULL || strcmp(name, "iq") != 0 || type == NULL ||
        strcmp(type, "result") != 0 ||
        (items = pubsub_result_items(st)) == NULL ||
        (node = xmpp_stanza_get_attribute(items, "node")) == NULL)
        return;
    for (it = xmpp_stanza_get_children(items); it;
         it = xmpp_stanza_get_next(it))
        if (xmpp_stanza_is_tag(it) &&
            strcmp(xmpp_stanza_get_name(it), "item") == 0)
            app_apply_event(a, decode_item(node, it));
    app_flush_changes(a);
}

static void feed(struct app_replay *r, const struct item *it)
{
    struct app *a = r->a;
    struct console_meta meta = {0};
    unsigned long seq;
    char *text = NULL;
    size_t len = 0;

    switch (it->kind) {
    case ITEM_STANZA:
        if (xmpp_stanza_to_text(it->st, &text, &len) != XMPP_EOK)
            break;
        meta.name = xmpp_stanza_get_name(it->st);
        meta.type = xmpp_stanza_get_type(it->st);
        meta.id = xmpp_stanza_get_id(it->st);
        meta.node = session_stanza_node(it->st);
        seq = console_add_len(a->console, it->in ? CONSOLE_IN : CONSOLE_OUT,
                              text, len, &meta);
        xmpp_free(a->ctx, text);
        console_set_time(a->console, seq, it->t);
        pair(r, it, seq);
        if (it->in) {
            app_take_stanza(a, it->st);
            take_items(a, it->st);
        }
        break;
    case ITEM_EVENT:
        app_apply_event(a, json_incref(it->ev));
        app_flush_changes(a);
        break;
    case ITEM_RECORD:
        app_take_record(a, &it->rec);
        break;
    case ITEM_PARAMS:
        app_take_params(a, &it->params);
        break;
    case ITEM_INFO:
        seq = console_add(a->console, CONSOLE_INFO, it->text);
        console_set_time(a->console, seq, it->t);
        break;
    }
    if (it->t > 0) {
        r->t = it->t;
        a->model.clock_ms = it->t * 1000;
    }
}

/* Past the last event: said once each time it is reached. */
static void reach_end(struct app_replay *r)
{
    size_t i;

    if (r->ended)
        return;
    r->ended = 1;
    r->paused = 1; /* a /goto back shows that moment; space plays on */
    for (i = 0; i < r->nfindings; i++)
        console_set_time(
            r->a->console,
            console_add(r->a->console, CONSOLE_INFO, r->findings[i]), r->t);
    app_say(r->a, APP_SAY_INFO,
            "end of capture: %zu events, %zu finding%s in Console; q quits",
            r->n, r->nfindings, r->nfindings == 1 ? "" : "s");
    app_changed(r->a, APP_CHANGED_STATUS);
}

static void anchor(struct app_replay *r)
{
    r->anchor_ms = loop_now_ms();
    r->anchor_t = r->t;
}

static void schedule(struct app_replay *r, int again)
{
    double wait;

    loop_timer_stop(r->timer);
    if (r->pos >= r->n) {
        reach_end(r);
        return;
    }
    if (r->paused)
        return;
    wait = again ? 0
                 : player_due_ms(r->anchor_ms, r->anchor_t, r->v[r->pos].t,
                                 r->speed) -
                       loop_now_ms();
    loop_timer_start(r->timer, wait > 0 ? (unsigned)ceil(wait) : 0);
}

static void on_timer(void *arg)
{
    struct app_replay *r = arg;
    double now = loop_now_ms();
    int k = 0;

    while (r->pos < r->n && !r->paused && k < BATCH &&
           player_due_ms(r->anchor_ms, r->anchor_t, r->v[r->pos].t, r->speed) <=
               now) {
        feed(r, &r->v[r->pos++]);
        k++;
    }
    app_changed(r->a, APP_CHANGED_STATUS);
    schedule(r, k == BATCH);
}

/* Back to before the first event: nothing fed, every pane empty. */
static void rewind_to_start(struct app_replay *r)
{
    struct app *a = r->a;
    unsigned long removed = a->model.removed;
    double keep = a->model.ended_keep_ms;

    model_done(&a->model);
    model_init(&a->model);
    a->model.removed = removed + 1; /* what the panes point at is gone */
    a->model.ended_keep_ms = keep;
    console_clear(a->console);
    map_done(&r->asked, free);
    map_init(&r->asked);
    app_records_clear(a);
    r->pos = 0;
    r->ended = 0;
    r->t = r->v[0].t;
    app_changed(a, APP_CHANGED_AGENTS | APP_CHANGED_DIALOGS |
                       APP_CHANGED_MODEL | APP_CHANGED_NODES |
                       APP_CHANGED_CONSOLE | APP_CHANGED_NETWORK |
                       APP_CHANGED_STATUS);
}

void app_replay_pause(struct app *a, int paused)
{
    struct app_replay *r = a->replay;

    if (r == NULL)
        return;
    if (!paused && r->paused) /* the time shown goes on from here */
        anchor(r);
    if (paused && !r->paused && r->pos < r->n)
        r->t = player_time_at(r->anchor_ms, r->anchor_t, loop_now_ms(),
                              r->speed, r->v[r->pos].t);
    r->paused = paused;
    schedule(r, 0);
    app_changed(a, APP_CHANGED_STATUS);
}

void app_replay_step(struct app *a)
{
    struct app_replay *r = a->replay;

    if (r == NULL)
        return;
    if (!r->paused) {
        app_say(a, APP_SAY_ERROR, "step: pause first (space)");
        return;
    }
    if (r->pos >= r->n) {
        app_say(a, APP_SAY_INFO, "end of capture");
        return;
    }
    feed(r, &r->v[r->pos++]);
    schedule(r, 0);
    app_changed(a, APP_CHANGED_STATUS);
}

void app_replay_speed(struct app *a, double speed)
{
    struct app_replay *r = a->replay;

    if (r == NULL)
        return;
    if (!r->paused && r->pos < r->n)
        r->t = player_time_at(r->anchor_ms, r->anchor_t, loop_now_ms(),
                              r->speed, r->v[r->pos].t);
    r->speed = speed;
    anchor(r);
    schedule(r, 0);
    app_changed(a, APP_CHANGED_STATUS);
}

void app_replay_goto(struct app *a, double t)
{
    struct app_replay *r = a->replay;
    size_t fed = 0;

    if (r == NULL)
        return;
    if (r->pos > 0 && r->v[r->pos - 1].t > t + SHOWN_LATE)
        rewind_to_start(r);
    while (r->pos < r->n && r->v[r->pos].t <= t + SHOWN_LATE) {
        feed(r, &r->v[r->pos++]);
        fed++;
    }
    if (t > r->t)
        r->t = t;
    anchor(r);
    schedule(r, 0);
    app_changed(a, APP_CHANGED_STATUS);
    (void)fed;
}

void app_replay_view(struct app *a, struct app_replay_view *v)
{
    const struct app_replay *r = a->replay;

    memset(v, 0, sizeof *v);
    if (r == NULL)
        return;
    v->name = r->name;
    v->format = r->format;
    v->t = r->t;
    if (!r->paused && r->pos < r->n)
        v->t = player_time_at(r->anchor_ms, r->anchor_t, loop_now_ms(),
                              r->speed, r->v[r->pos].t);
    v->first_t = r->v[0].t;
    v->last_t = r->v[r->n - 1].t;
    v->pos = r->pos;
    v->total = r->n;
    v->speed = r->speed;
    v->paused = r->paused;
    v->ended = r->ended;
    if (v->t > 0)
        a->model.clock_ms = v->t * 1000;
}

int app_replay_pending(const struct app *a, struct transport_pending *out,
                       int max)
{
    const struct app_replay *r = a->replay;
    double now;
    size_t i;
    int n = 0;

    if (r == NULL || r->pos >= r->n)
        return 0;
    now = r->paused ? r->t
                    : player_time_at(r->anchor_ms, r->anchor_t, loop_now_ms(),
                                     r->speed, r->v[r->pos].t);
    /* not fed yet: the requests answered after now; one started by then
     * is held (a long poll's answer comes within its wait) */
    for (i = r->pos; i < r->n && n < max && r->v[i].t < now + 3600; i++) {
        const struct item *it = &r->v[i];
        if (it->kind != ITEM_RECORD || it->rec.kind != TRANSPORT_HTTP ||
            it->rec.start > now + SHOWN_LATE || !(it->rec.start > 0))
            continue;
        out[n].rid = it->rec.rid;
        out[n].start = it->rec.start;
        out[n].poll = it->rec.stanzas_out == 0;
        n++;
    }
    return n;
}

const char *app_replay_describe(const struct app *a)
{
    return a->replay && a->replay->describe ? a->replay->describe : "";
}

/* ---- the app on it ---- */

struct app *app_new_replay(struct loop *loop, xmpp_ctx_t *ctx, const char *name,
                           const char *data, size_t len, double speed,
                           const struct app_events *ev, void *arg, char **cause)
{
    struct app_replay *r = xcalloc(1, sizeof *r);
    struct app *a = app_alloc(loop, ctx, &r->cli, ev, arg);

    a->replay = r;
    r->a = a;
    r->name = xstrdup(name);
    r->speed = speed;
    r->paused = 1;
    r->timer = loop_timer_new(loop, on_timer, r);
    map_init(&r->asked);
    if (load(r, data, len, cause) != 0) {
        app_free(a);
        return NULL;
    }
    if (a->bare == NULL)
        a->bare = xstrdup("replay");
    a->server = xstrdup(r->name);
    a->host = xstrdup("");
    a->service = xstrdup("");
    a->jid = xstrdup(a->bare);
    a->state = APP_OFFLINE;
    anchor(r);
    return a;
}

static void item_done(struct item *it)
{
    if (it->st)
        xmpp_stanza_release(it->st);
    json_decref(it->ev);
    free(it->error);
    free(it->date);
    free(it->what);
    free(it->body_out);
    free(it->body_in);
    free(it->text);
}

void app_replay_free(struct app_replay *r)
{
    size_t i;

    if (r == NULL)
        return;
    loop_timer_free(r->timer);
    for (i = 0; i < r->n; i++)
        item_done(&r->v[i]);
    free(r->v);
    for (i = 0; i < r->nfindings; i++)
        free(r->findings[i]);
    free(r->findings);
    map_done(&r->asked, free);
    free(r->cli.conn.bosh);
    free(r->cli.conn.ws);
    free(r->name);
    free(r->describe);
    free(r);
}
