/* Evidence records → stanzas (xmlstream.c) → decoded pubsub events. */
#include "feed.h"
#include "base/buf.h"
#include "decode/decode.h"
#include "decode/keys.h"
#include "xmpp/pubsub.h"
#include "xmpp/xmlstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct evidence_feed {
    xmpp_ctx_t *ctx;
    enum evidence_format format;
    const struct evidence_feed_events *ev;
    void *arg;
    double t;            /* of the stanza being dispatched */
    const char *service; /* its from */
};

struct evidence_feed *evidence_feed_new(xmpp_ctx_t *ctx,
                                        enum evidence_format format,
                                        const struct evidence_feed_events *ev,
                                        void *arg)
{
    struct evidence_feed *f = xcalloc(1, sizeof *f);

    f->ctx = ctx;
    f->format = format;
    f->ev = ev;
    f->arg = arg;
    return f;
}

void evidence_feed_free(struct evidence_feed *f)
{
    free(f);
}

void evidence_feed_stamp(double t, char *out, size_t size)
{
    time_t sec = (time_t)t;
    int ms = (int)((t - (double)sec) * 1000.0 + 0.5);
    struct tm tm;
    char day[32];

    if (ms > 999) {
        ms -= 1000;
        sec++;
    }
    gmtime_r(&sec, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03dZ", day, ms < 0 ? 0 : ms);
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct evidence_feed *f = arg;
    json_t *ev = decode_event(pubsub_event_kind_name(kind), node, el);
    json_t *out = json_object();
    char when[40];

    if (f->t > 0) {
        evidence_feed_stamp(f->t, when, sizeof when);
        json_object_set_new(out, EVK_TIME, json_string(when));
    }
    if (f->service)
        json_object_set_new(out, EVK_SERVICE, json_string(f->service));
    json_object_update(out, ev);
    json_decref(ev);
    f->ev->event(f->arg, out, f->t);
}

static void stanza(struct evidence_feed *f, int in, xmpp_stanza_t *st, double t)
{
    if (f->ev->stanza)
        f->ev->stanza(f->arg, in, st, t);
    if (!in || !xmpp_stanza_get_name(st) ||
        strcmp(xmpp_stanza_get_name(st), "message") != 0)
        return;
    f->t = t;
    f->service = xmpp_stanza_get_from(st);
    pubsub_dispatch(st, on_event, f);
    f->service = NULL;
}

/* One element of text; a BOSH <body/> gives each child in turn. */
static void document(struct evidence_feed *f, size_t index, int in,
                     const char *text, size_t len, double t)
{
    char *cause = NULL, where[64];
    xmpp_stanza_t *root, *c;
    const char *name;

    while (len &&
           (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t'))
        text++, len--;
    if (len == 0)
        return;
    root = xmlstream_parse_document(f->ctx, text, len, NULL, NULL, &cause);
    if (root == NULL) {
        snprintf(where, sizeof where, "%s %zu (%s)",
                 f->format == EVIDENCE_RECORDING ? "line"
                 : f->format == EVIDENCE_SAZ     ? "session"
                                                 : "entry",
                 index, in ? "received" : "sent");
        f->ev->damaged(f->arg, where, cause);
        free(cause);
        return;
    }
    name = xmpp_stanza_get_name(root);
    if (name && strcmp(name, "body") == 0 && f->format != EVIDENCE_RECORDING) {
        for (c = xmpp_stanza_get_children(root); c; c = xmpp_stanza_get_next(c))
            if (xmpp_stanza_is_tag(c))
                stanza(f, in, c, t);
    } else {
        stanza(f, in, root, t);
    }
    xmpp_stanza_release(root);
}

void evidence_feed_record(struct evidence_feed *f, const struct evidence_rec *r)
{
    switch (r->kind) {
    case EVIDENCE_STANZA:
        document(f, r->index, r->in, r->xml, r->xml_len, r->time);
        break;
    case EVIDENCE_WS:
        if (f->format != EVIDENCE_RECORDING) /* else: stanza lines */
            document(f, r->index, r->in, r->xml, r->xml_len, r->time);
        break;
    case EVIDENCE_HTTP:
        if (f->format == EVIDENCE_RECORDING)
            break; /* its stanzas have lines of their own */
        if (r->request)
            document(f, r->index, 0, r->request, r->request_len, r->time);
        if (r->response)
            document(f, r->index, 1, r->response, r->response_len,
                     r->time + (r->ms > 0 ? r->ms / 1000.0 : 0));
        break;
    default:
        break;
    }
}
