/* Findings and timelines from evidence records and decoded events. */
#define _GNU_SOURCE /* memmem, strptime, timegm */
#include "verdict.h"
#include "base/buf.h"
#include "feed.h"
#include "xmpp/wsproto.h"
#include "xmpp/xmlstream.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DRIFT_MIN_S 2.0
#define CUT_FRACTION 0.8 /* an empty poll back before 80% of wait */

struct exchange {
    double start, end; /* seconds since the epoch */
    long status;
    char *error;
    unsigned long long rid;
    unsigned retries;
    int empty, poll, terminate, index;
    char *condition;
    double drift; /* server Date minus our middle; NAN unknown */
};

struct state {
    char *state, *reason;
    double start;
};

struct agent {
    char *id, *name;
    struct state *v;
    size_t n, cap;
};

struct verdict {
    xmpp_ctx_t *ctx;
    struct exchange *x;
    size_t nx, capx;
    struct transport_params params;
    int have_params;
    json_t *findings; /* array of the event-made ones */
    struct agent *agents;
    size_t nagents, capagents;
    double last;    /* the latest time seen */
    int ws_closing; /* a close frame was seen since the last upgrade */
};

struct verdict *verdict_new(void)
{
    struct verdict *v = xcalloc(1, sizeof *v);

    v->ctx = xmpp_ctx_new(NULL, NULL);
    v->findings = json_array();
    return v;
}

void verdict_free(struct verdict *v)
{
    size_t i, j;

    if (v == NULL)
        return;
    for (i = 0; i < v->nx; i++) {
        free(v->x[i].error);
        free(v->x[i].condition);
    }
    free(v->x);
    for (i = 0; i < v->nagents; i++) {
        for (j = 0; j < v->agents[i].n; j++) {
            free(v->agents[i].v[j].state);
            free(v->agents[i].v[j].reason);
        }
        free(v->agents[i].v);
        free(v->agents[i].id);
        free(v->agents[i].name);
    }
    free(v->agents);
    json_decref(v->findings);
    xmpp_ctx_free(v->ctx);
    free(v);
}

static void seen(struct verdict *v, double t)
{
    if (t > v->last)
        v->last = t;
}

/* The root of text parsed by xmlstream.c (new, caller releases) or NULL. */
static xmpp_stanza_t *parse(struct verdict *v, const char *text, size_t len)
{
    char *cause = NULL;
    xmpp_stanza_t *root;

    if (text == NULL || len == 0)
        return NULL;
    root = xmlstream_parse_document(v->ctx, text, len, NULL, NULL, &cause);
    free(cause);
    return root;
}

static unsigned attr_u(xmpp_stanza_t *st, const char *name)
{
    const char *s = xmpp_stanza_get_attribute(st, name);
    return s ? (unsigned)strtoul(s, NULL, 10) : 0;
}

/* The session parameters from a session creation response. */
static void params_from(struct verdict *v, xmpp_stanza_t *body)
{
    const char *ver;

    if (v->have_params || xmpp_stanza_get_attribute(body, "sid") == NULL ||
        xmpp_stanza_get_attribute(body, "inactivity") == NULL)
        return;
    v->params.wait = attr_u(body, "wait");
    v->params.inactivity = attr_u(body, "inactivity");
    v->params.polling = attr_u(body, "polling");
    v->params.requests = attr_u(body, "requests");
    v->params.hold = attr_u(body, "hold");
    ver = xmpp_stanza_get_attribute(body, "ver");
    snprintf(v->params.ver, sizeof v->params.ver, "%s", ver ? ver : "");
    v->have_params = 1;
}

static int carries(const char *s, size_t len)
{
    return s && (memmem(s, len, "<message", 8) || memmem(s, len, "<iq", 3) ||
                 memmem(s, len, "<presence", 9));
}

/* "Tue, 01 Dec 2026 09:00:00 GMT" → seconds; -1 when it is not one. */
static double http_date(const char *s)
{
    struct tm tm;

    if (s == NULL)
        return -1;
    memset(&tm, 0, sizeof tm);
    if (strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
        return -1;
    return (double)timegm(&tm);
}

static struct exchange *exchange_add(struct verdict *v)
{
    if (v->nx == v->capx) {
        v->capx = v->capx ? v->capx * 2 : 64;
        v->x = xrealloc(v->x, v->capx * sizeof *v->x);
    }
    memset(&v->x[v->nx], 0, sizeof *v->x);
    v->x[v->nx].drift = NAN;
    return &v->x[v->nx++];
}

static void http(struct verdict *v, const struct evidence_rec *r)
{
    struct exchange *x;
    xmpp_stanza_t *req, *resp;
    double date = http_date(r->date);
    const char *type;

    if (r->status == 101) {
        v->ws_closing = 0;
        return; /* a WebSocket upgrade: its messages speak for it */
    }
    x = exchange_add(v);
    x->index = (int)r->index;
    x->start = r->time;
    x->end = r->time + (r->ms > 0 ? r->ms / 1000.0 : 0);
    x->status = r->status;
    x->rid = r->rid;
    x->retries = r->retries;
    if (r->error)
        x->error = xstrdup(r->error);
    else if (r->status >= 400)
        x->error = xasprintf("HTTP %ld", r->status);
    x->empty = r->status == 200 && !carries(r->request, r->request_len) &&
               !carries(r->response, r->response_len);
    if (date > 0 && r->time > 0)
        x->drift = date + 0.5 - x->end; /* the server dates its answer */
    req = parse(v, r->request, r->request_len);
    if (req) {
        const char *rid = xmpp_stanza_get_attribute(req, "rid");
        if (rid && x->rid == 0)
            x->rid = strtoull(rid, NULL, 10);
        /* an empty request of an open session: the held long poll */
        x->poll = xmpp_stanza_get_attribute(req, "sid") != NULL &&
                  xmpp_stanza_get_children(req) == NULL;
        xmpp_stanza_release(req);
    }
    resp = r->response && memmem(r->response, r->response_len, "sid", 3)
               ? parse(v, r->response, r->response_len)
               : NULL;
    if (resp == NULL && r->response &&
        memmem(r->response, r->response_len, "terminate", 9))
        resp = parse(v, r->response, r->response_len);
    if (resp) {
        params_from(v, resp);
        type = xmpp_stanza_get_type(resp);
        if (type && strcmp(type, "terminate") == 0) {
            const char *c = xmpp_stanza_get_attribute(resp, "condition");
            x->terminate = 1;
            x->condition = xstrdup(c ? c : "");
        }
        xmpp_stanza_release(resp);
    }
    seen(v, x->end);
}

/* A finding object (new). */
static json_t *finding(double t, const char *code, json_t *evidence,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static json_t *finding(double t, const char *code, json_t *evidence,
                       const char *fmt, ...)
{
    json_t *o = json_object();
    char when[40], *text;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        abort();
    va_end(ap);
    evidence_feed_stamp(t, when, sizeof when);
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "kind", json_string("finding"));
    json_object_set_new(o, "finding", json_string(code));
    json_object_set_new(o, "text", json_string(text));
    json_object_set_new(o, "evidence", evidence ? evidence : json_object());
    free(text);
    return o;
}

/* The close frame that begins a close handshake (its answer echoes it):
 * who closed, with which code. */
static void ws_close_frame(struct verdict *v, const struct evidence_rec *r)
{
    unsigned code = r->close_code ? r->close_code : 1005;
    json_t *e;

    if (v->ws_closing)
        return;
    v->ws_closing = 1;
    e = json_pack("{s:s,s:i,s:I}", "direction", r->in ? "in" : "out", "code",
                  (int)code, "entry", (json_int_t)r->index);
    if (r->close_reason && *r->close_reason)
        json_object_set_new(e, "reason", json_string(r->close_reason));
    json_array_append_new(
        v->findings,
        finding(r->time, "ws-close", e,
                "the %s closed the WebSocket with %u %s%s%s%s",
                r->in ? "server" : "client", code, wsproto_close_name(code),
                r->close_reason && *r->close_reason ? " (\"" : "",
                r->close_reason ? r->close_reason : "",
                r->close_reason && *r->close_reason ? "\")" : ""));
}

static void ws(struct verdict *v, const struct evidence_rec *r)
{
    seen(v, r->time);
    if (r->opcode == 8) {
        ws_close_frame(v, r);
        return;
    }
    if (r->xml && memmem(r->xml, r->xml_len, "<close", 6))
        json_array_append_new(
            v->findings,
            finding(r->time, "ws-close",
                    json_pack("{s:s,s:I}", "direction", r->in ? "in" : "out",
                              "entry", (json_int_t)r->index),
                    "the WebSocket stream was closed by the %s (<close/>)",
                    r->in ? "server" : "client"));
}

/* A Finesse REST exchange that failed or was refused: not the BOSH
 * session's trouble, a finding of its own. */
static void rest(struct verdict *v, const struct evidence_rec *r)
{
    const char *method = r->method ? r->method : "?";
    const char *url = r->url ? r->url : "?";
    json_t *e;

    seen(v, r->time + (r->ms > 0 ? r->ms / 1000.0 : 0));
    if (r->error == NULL && r->status < 400)
        return;
    e = json_pack("{s:s,s:s,s:I,s:I}", "method", method, "url", url, "status",
                  (json_int_t)r->status, "entry", (json_int_t)r->index);
    if (r->error)
        json_object_set_new(e, "cause", json_string(r->error));
    if (r->request_id)
        json_object_set_new(e, "requestId", json_string(r->request_id));
    json_array_append_new(
        v->findings,
        r->error
            ? finding(r->time, "rest-failed", e, "%s %s failed: %s", method,
                      url, r->error)
            : finding(r->time, "rest-failed", e, "%s %s was answered HTTP %ld",
                      method, url, r->status));
}

void verdict_record(struct verdict *v, const struct evidence_rec *r)
{
    switch (r->kind) {
    case EVIDENCE_HTTP:
        http(v, r);
        break;
    case EVIDENCE_WS:
        ws(v, r);
        break;
    case EVIDENCE_REST:
        rest(v, r);
        break;
    case EVIDENCE_PARAMS:
        v->params = r->params;
        v->have_params = 1;
        break;
    case EVIDENCE_CLOSED:
        seen(v, r->time);
        if (r->text)
            json_array_append_new(v->findings,
                                  finding(r->time, "session-ended",
                                          json_pack("{s:s}", "cause", r->text),
                                          "the session ended: %s", r->text));
        break;
    default:
        seen(v, r->time);
        break;
    }
}

void verdict_transport(struct verdict *v, const struct transport_record *rec)
{
    struct evidence_rec r;

    memset(&r, 0, sizeof r);
    r.kind = EVIDENCE_HTTP;
    r.time = rec->start;
    r.status = rec->status;
    r.ms = rec->duration_ms;
    r.error = rec->error;
    r.rid = rec->rid;
    r.retries = rec->retries;
    r.date = rec->date;
    r.request = rec->body_out;
    r.request_len = rec->body_out_len;
    r.response = rec->capped ? NULL : rec->body_in;
    r.response_len = rec->capped ? 0 : rec->body_in_len;
    http(v, &r);
}

void verdict_params(struct verdict *v, const struct transport_params *p)
{
    v->params = *p;
    v->have_params = 1;
}

/* --- decoded events --- */

static struct agent *agent(struct verdict *v, const char *id)
{
    size_t i;

    for (i = 0; i < v->nagents; i++)
        if (strcmp(v->agents[i].id, id) == 0)
            return &v->agents[i];
    if (v->nagents == v->capagents) {
        v->capagents = v->capagents ? v->capagents * 2 : 16;
        v->agents = xrealloc(v->agents, v->capagents * sizeof *v->agents);
    }
    memset(&v->agents[v->nagents], 0, sizeof *v->agents);
    v->agents[v->nagents].id = xstrdup(id);
    return &v->agents[v->nagents++];
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void user_state(struct verdict *v, json_t *user, double t)
{
    const char *id = str(user, "loginId"), *state = str(user, "state");
    const char *first = str(user, "firstName"), *last = str(user, "lastName");
    const char *reason = str(json_object_get(user, "reasonCode"), "label");
    struct agent *a;
    struct state *s;

    if (id == NULL || state == NULL || t <= 0)
        return;
    a = agent(v, id);
    if (a->name == NULL && (first || last))
        a->name = xasprintf("%s%s%s", first ? first : "",
                            first && last ? " " : "", last ? last : "");
    if (a->n > 0 && strcmp(a->v[a->n - 1].state, state) == 0 &&
        strcmp(a->v[a->n - 1].reason ? a->v[a->n - 1].reason : "",
               reason ? reason : "") == 0)
        return; /* the same state again (a resync, another field) */
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    s = &a->v[a->n++];
    s->state = xstrdup(state);
    s->reason = reason && *reason ? xstrdup(reason) : NULL;
    s->start = t;
}

void verdict_event(struct verdict *v, json_t *ev, double t)
{
    const char *kind = str(ev, "kind"), *status;

    seen(v, t);
    if (kind == NULL)
        return;
    if (strcmp(kind, "user") == 0) {
        user_state(v, json_object_get(ev, "user"), t);
    } else if (strcmp(kind, "systeminfo") == 0) {
        status = str(json_object_get(ev, "systeminfo"), "status");
        if (status && strcmp(status, "OUT_OF_SERVICE") == 0)
            json_array_append_new(
                v->findings,
                finding(t, "out-of-service",
                        json_pack("{s:s}", "node",
                                  str(ev, "node") ? str(ev, "node") : ""),
                        "Finesse said it is OUT_OF_SERVICE (SystemInfo): "
                        "desktops sign out or fail over"));
    }
}

/* --- the findings --- */

struct timed {
    double t;
    json_t *o;
};

struct out {
    struct timed *v;
    size_t n, cap;
};

static void out_add(struct out *o, double t, json_t *obj)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 32;
        o->v = xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n].t = t;
    o->v[o->n++].o = obj;
}

static int by_time(const void *a, const void *b)
{
    double x = ((const struct timed *)a)->t, y = ((const struct timed *)b)->t;
    return (x > y) - (x < y);
}

static int by_start(const void *a, const void *b)
{
    double x = ((const struct exchange *)a)->start;
    double y = ((const struct exchange *)b)->start;
    return (x > y) - (x < y);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static json_t *x_evidence(const struct exchange *x)
{
    json_t *e = json_object();

    if (x->rid)
        json_object_set_new(e, "rid", json_integer((json_int_t)x->rid));
    json_object_set_new(e, "status", json_integer(x->status));
    json_object_set_new(
        e, "ms", json_integer((json_int_t)llround((x->end - x->start) * 1000)));
    if (x->index)
        json_object_set_new(e, "entry", json_integer(x->index));
    return e;
}

/* Was a newer request started while x was held (which answers it)? */
static int answered_by_newer(const struct verdict *v, size_t i)
{
    size_t j;

    for (j = i + 1; j < v->nx && v->x[j].start < v->x[i].end; j++)
        if (v->x[j].start > v->x[i].start && v->x[j].start < v->x[i].end - 0.05)
            return 1;
    return 0;
}

static int rid_seen_before(const struct verdict *v, size_t i)
{
    size_t j;

    for (j = i; j > 0 && i - j < 16; j--) /* resends follow closely */
        if (v->x[j - 1].rid == v->x[i].rid)
            return 1;
    return 0;
}

static void exchange_findings(struct verdict *v, struct out *o)
{
    double covered = 0, wait = v->params.wait, inact = v->params.inactivity;
    double *drifts = xcalloc(v->nx + 1, sizeof *drifts);
    size_t i, nd = 0;

    if (v->nx)
        qsort(v->x, v->nx, sizeof *v->x, by_start);
    for (i = 0; i < v->nx; i++) {
        struct exchange *x = &v->x[i];
        double held = x->end - x->start;

        if (i > 0 && inact > 0 && x->start - covered > inact) {
            char from[40], to[40];
            json_t *e;
            evidence_feed_stamp(covered, from, sizeof from);
            evidence_feed_stamp(x->start, to, sizeof to);
            e = json_pack("{s:s,s:s,s:I,s:i}", "from", from, "to", to, "ms",
                          (json_int_t)llround((x->start - covered) * 1000),
                          "inactivity", (int)inact);
            out_add(o, covered,
                    finding(covered, "gap", e,
                            "no request held for %.1f s, longer than the "
                            "server's inactivity (%.0f s): the server closes "
                            "the session (Finesse then logs the agent out or "
                            "makes it NOT_READY within 60-180 s)",
                            x->start - covered, inact));
        }
        if (x->end > covered)
            covered = x->end;
        if (x->error)
            out_add(o, x->start,
                    finding(x->start, "failed", x_evidence(x),
                            "request rid %llu failed: %s", x->rid, x->error));
        if (x->retries || (x->rid && rid_seen_before(v, i)))
            out_add(o, x->start,
                    finding(x->start, "retried", x_evidence(x),
                            "rid %llu was sent again", x->rid));
        if (x->poll && x->empty && !x->error && wait > 0 && held > 0 &&
            held < wait * CUT_FRACTION && !answered_by_newer(v, i))
            out_add(o, x->end,
                    finding(x->end, "cut-poll", x_evidence(x),
                            "an empty long poll came back after %.1f s of "
                            "the server's %.0f s wait with no newer request "
                            "to explain it: a proxy or load balancer may cut "
                            "idle requests",
                            held, wait));
        if (x->terminate)
            out_add(o, x->end,
                    finding(x->end, "terminated", x_evidence(x),
                            "the server ended the BOSH session "
                            "(type='terminate'%s%s%s)",
                            *x->condition ? " condition='" : "", x->condition,
                            *x->condition ? "'" : ""));
        if (x->status == 404)
            out_add(o, x->end,
                    finding(x->end, "not-found", x_evidence(x),
                            "HTTP 404 for the session: the server no longer "
                            "knows its sid (closed, or it went past "
                            "inactivity)"));
        if (!isnan(x->drift))
            drifts[nd++] = x->drift;
    }
    if (nd) {
        double median;
        qsort(drifts, nd, sizeof *drifts, by_double);
        median =
            nd % 2 ? drifts[nd / 2] : (drifts[nd / 2 - 1] + drifts[nd / 2]) / 2;
        if (fabs(median) > DRIFT_MIN_S)
            out_add(o, v->x[0].start,
                    finding(v->x[0].start, "clock-drift",
                            json_pack("{s:I,s:i}", "ms",
                                      (json_int_t)llround(median * 1000),
                                      "responses", (int)nd),
                            "the client's clock is %.0f s %s the server's "
                            "(HTTP Date, median of %zu responses)",
                            fabs(median), median > 0 ? "behind" : "ahead of",
                            nd));
    }
    free(drifts);
}

static json_t *timeline(const struct verdict *v, const struct agent *a)
{
    json_t *o = json_object(), *states = json_array();
    char when[40];
    size_t i;

    evidence_feed_stamp(a->v[0].start, when, sizeof when);
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "kind", json_string("timeline"));
    json_object_set_new(o, "agent", json_string(a->id));
    if (a->name)
        json_object_set_new(o, "name", json_string(a->name));
    for (i = 0; i < a->n; i++) {
        json_t *s = json_object();
        double end = i + 1 < a->n ? a->v[i + 1].start : v->last;
        evidence_feed_stamp(a->v[i].start, when, sizeof when);
        json_object_set_new(s, "state", json_string(a->v[i].state));
        if (a->v[i].reason)
            json_object_set_new(s, "reason", json_string(a->v[i].reason));
        json_object_set_new(s, "start", json_string(when));
        json_object_set_new(
            s, "ms",
            json_integer((json_int_t)llround((end - a->v[i].start) * 1000)));
        if (i + 1 == a->n)
            json_object_set_new(s, "open", json_true());
        json_array_append_new(states, s);
    }
    json_object_set_new(o, "states", states);
    return o;
}

unsigned verdict_finish(struct verdict *v, void (*cb)(void *arg, json_t *o),
                        void *arg)
{
    struct out o = {NULL, 0, 0};
    size_t i;
    json_t *f;
    unsigned n;

    exchange_findings(v, &o);
    json_array_foreach(v->findings, i, f)
    {
        double t = evidence_parse_time(str(f, "time"));
        out_add(&o, t, json_incref(f));
    }
    if (o.n)
        qsort(o.v, o.n, sizeof *o.v, by_time);
    for (i = 0; i < o.n; i++)
        cb(arg, o.v[i].o);
    n = (unsigned)o.n;
    free(o.v);
    for (i = 0; i < v->nagents; i++)
        if (v->agents[i].n)
            cb(arg, timeline(v, &v->agents[i]));
    return n;
}
