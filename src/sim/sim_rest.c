/*
 * The simulator's REST side without I/O: a request (method, path, who,
 * body) in, a status and a body out, and the Updates the change causes
 * queued with the request's id. Bodies are read with decode/'s bounded
 * tree (no DTD, bounded depth and size).
 */
#include "base/buf.h"
#include "base/xml_escape.h"
#include "decode/xnode.h"
#include "sim.h"
#include "sim_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define API "/finesse/api/"
#define MAX_SEGMENTS 4

/* The request as routed: its path's segments after /finesse/api/. */
struct route {
    const struct sim_rest_request *q;
    struct sim_rest_answer *a;
    char seg[MAX_SEGMENTS][64];
    int n;
    struct xnode *body; /* parsed body, or NULL */
};

/* ---- answers ---- */

static void fail(struct route *r, int status, const char *type,
                 const char *data, const char *message)
{
    struct sim_api_error e = {type, data, message};

    r->a->status = status;
    r->a->body.len = 0;
    sim_xml_api_errors(&r->a->body, &e);
}

static void not_found(struct route *r)
{
    fail(r, 404, "Not Found", r->q->path,
         "The resource specified is invalid or does not exist");
}

/* Splits the path after /finesse/api/ (a query cut off); 0, or -1 when it
 * is not under the API or has too many or too long segments. */
static int route_path(struct route *r, const char *path)
{
    const char *p;
    size_t n;

    if (strncmp(path, API, strlen(API)) != 0)
        return -1;
    p = path + strlen(API);
    r->n = 0;
    for (;;) {
        n = strcspn(p, "/?#");
        if (r->n == MAX_SEGMENTS || n == 0 || n >= sizeof r->seg[0])
            return -1;
        memcpy(r->seg[r->n], p, n);
        r->seg[r->n++][n] = '\0';
        p += n;
        if (*p != '/')
            return 0;
        p++;
    }
}

static int is(const struct route *r, int i, const char *word)
{
    return i < r->n && strcmp(r->seg[i], word) == 0;
}

static struct sim_agent *agent_by_id(struct sim *s, const char *id)
{
    unsigned i;

    for (i = 0; i < s->cfg.agents; i++)
        if (strcmp(s->agents[i].id, id) == 0)
            return &s->agents[i];
    return NULL;
}

/* The agent the request is about, when its user may act on it: the agent
 * itself or a supervisor (anyone who is no agent). NULL after answering
 * 404 or 401. */
static struct sim_agent *allowed_agent(struct sim *s, struct route *r,
                                       const char *id)
{
    struct sim_agent *a = agent_by_id(s, id);

    if (a == NULL) {
        not_found(r);
        return NULL;
    }
    if (strcmp(r->q->user, a->id) != 0 && agent_by_id(s, r->q->user)) {
        fail(r, 401, "Invalid Authorization User Specified", r->q->user,
             "The authenticated user tried to make a request for another "
             "user");
        return NULL;
    }
    return a;
}

/* The text of the body's child called name, or NULL. */
static const char *field(const struct route *r, const char *name)
{
    const struct xnode *c = xnode_child(r->body, name);
    return c ? xnode_text(c) : NULL;
}

/* The body parsed, its root called root; 0, or -1 after answering 400. */
static int need_body(struct route *r, const char *root)
{
    char *cause = NULL, *msg;

    if (r->q->body == NULL || r->q->len == 0) {
        fail(r, 400, "Bad Request", root, "The request has no body");
        return -1;
    }
    r->body = xnode_parse(r->q->body, r->q->len, &cause);
    if (r->body == NULL) {
        msg = xasprintf("The body is not XML: %s", cause);
        fail(r, 400, "Bad Request", root, msg);
        free(msg);
        free(cause);
        return -1;
    }
    if (!xnode_is(r->body, root)) {
        fail(r, 400, "Bad Request", r->body->name,
             "The body's root is not the object of this URI");
        return -1;
    }
    return 0;
}

/* Puts the request's id in the <requestId/> of the Updates queued since
 * first that are of kind (the node the request is about) for agent. */
static void stamp(struct sim *s, const struct route *r, size_t first,
                  enum sim_kind kind, long agent)
{
    static const char empty[] = "<requestId></requestId>";
    struct buf b;
    size_t i;
    char *at;

    if (r->q->request_id == NULL || *r->q->request_id == '\0')
        return;
    for (i = first; i < s->nout; i++) {
        struct pending *p = &s->out[i];
        if (p->kind != kind || p->agent != agent ||
            (at = strstr(p->doc.data, empty)) == NULL)
            continue;
        buf_init(&b);
        buf_append(&b, p->doc.data, (size_t)(at - p->doc.data));
        buf_puts(&b, "<requestId>");
        xml_escape_str(&b, r->q->request_id, XML_ALL);
        buf_puts(&b, "</requestId>");
        buf_puts(&b, at + strlen(empty));
        buf_done(&p->doc);
        p->doc = b;
    }
}

/* ---- GET ---- */

static void get_user(struct sim *s, struct route *r, struct sim_agent *a)
{
    struct sim_user u;

    sim_user_view(a, s, &u);
    r->a->status = 200;
    sim_xml_user_data(&r->a->body, "User", &u);
}

/* The view of a live call for documents; NULL when the agent has none. */
static const struct call *live_call(const struct sim_agent *a)
{
    switch (a->phase) {
    case P_RESERVED:
    case P_TALKING:
    case P_HOLD:
    case P_CONSULT_INIT:
    case P_CONSULT_ACTIVE:
        return &a->call;
    default:
        return NULL;
    }
}

static void get_dialogs(struct sim *s, struct route *r, struct sim_agent *a)
{
    const struct call *c = live_call(a);
    struct sim_dialog_view v;

    r->a->status = 200;
    buf_puts(&r->a->body, "<Dialogs>");
    if (c) {
        sim_dialog_view(s, a, c, &v);
        sim_xml_dialog_data(&r->a->body, &v.d);
    }
    if (c && (a->phase == P_CONSULT_INIT || a->phase == P_CONSULT_ACTIVE)) {
        sim_dialog_view(s, a, &a->consult, &v);
        sim_xml_dialog_data(&r->a->body, &v.d);
    }
    buf_puts(&r->a->body, "</Dialogs>");
}

static void get_team(struct sim *s, struct route *r)
{
    struct sim_user *users;
    unsigned t, i;
    size_t n = 0;

    for (t = 0; t < s->cfg.teams && strcmp(s->teams[t].id, r->seg[1]); t++)
        ;
    if (t == s->cfg.teams) {
        not_found(r);
        return;
    }
    users = xcalloc(s->cfg.agents, sizeof *users);
    for (i = 0; i < s->cfg.agents; i++)
        if (s->agents[i].team == t)
            sim_user_view(&s->agents[i], s, &users[n++]);
    r->a->status = 200;
    sim_xml_team(&r->a->body, s->teams[t].id, s->teams[t].name, users, n);
    free(users);
}

static void get_queue(struct sim *s, struct route *r)
{
    struct sim_queue_stats st;
    unsigned q;

    for (q = 0; q < s->cfg.queues && strcmp(s->queues[q].id, r->seg[1]); q++)
        ;
    if (q == s->cfg.queues) {
        not_found(r);
        return;
    }
    sim_queue_stats(s, q, &st);
    r->a->status = 200;
    sim_xml_queue_data(&r->a->body, &st);
}

static void get_systeminfo(struct sim *s, struct route *r)
{
    r->a->status = 200;
    sim_xml_systeminfo_data(&r->a->body,
                            s->out_of_service ? "OUT_OF_SERVICE" : "IN_SERVICE",
                            s->out_of_service ? "CTI connection lost" : "",
                            s->now, s->domain, s->primary, s->secondary);
}

/* ---- PUT User: the agent's state ---- */

/* The reason of id among n, or NULL. */
static const struct sim_reason *reason_of(const struct sim_reason *v, size_t n,
                                          const char *id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i].id, id) == 0)
            return &v[i];
    return NULL;
}

static int on_a_call(const struct sim_agent *a)
{
    return live_call(a) != NULL;
}

static void invalid_state(struct route *r, const char *state)
{
    fail(r, 400, "Invalid State", state, "CF_INVALID_OBJECT_STATE");
}

/* The reason the body names for state (NULL when none), or -1 after
 * answering 400. */
static int body_reason(struct route *r, const char *state,
                       const struct sim_reason **out)
{
    const char *id = field(r, "reasonCodeId");

    *out = NULL;
    if (id == NULL || *id == '\0' || strcmp(id, "-1") == 0)
        return 0;
    if (strcmp(state, "NOT_READY") == 0)
        *out = reason_of(sim_not_ready_reasons, SIM_NOT_READY_REASONS, id);
    else if (strcmp(state, "LOGOUT") == 0)
        *out = reason_of(&sim_logout_reason, 1, id);
    if (*out == NULL) {
        fail(r, 400, "Invalid Input", id,
             "The reason code is not one of the state's");
        return -1;
    }
    return 0;
}

/* Applies state to a as far as its phase allows; 0, or -1 after 400. */
static int change_state(struct sim *s, struct route *r, struct sim_agent *a,
                        const char *state, const struct sim_reason *reason)
{
    enum phase ph = a->phase;

    if (strcmp(state, "LOGIN") == 0) {
        const char *ext = field(r, "extension");
        if (ph != P_LOGGED_OUT) {
            invalid_state(r, state);
            return -1;
        }
        if (ext && *ext && strcmp(ext, a->ext) != 0) {
            fail(r, 400, "Invalid Input", ext,
                 "The extension is not the agent's");
            return -1;
        }
        a->phase = P_NOT_READY;
        a->pending = "";
        sim_set_state(s, a, "NOT_READY", NULL);
        sim_emit_user_queues(s, a);
    } else if (strcmp(state, "READY") == 0) {
        if (ph != P_NOT_READY && ph != P_WORK) {
            invalid_state(r, state);
            return -1;
        }
        a->phase = P_READY;
        sim_set_state(s, a, "READY", NULL);
    } else if (strcmp(state, "NOT_READY") == 0) {
        if (ph == P_LOGGED_OUT) {
            invalid_state(r, state);
            return -1;
        }
        if (on_a_call(a)) { /* after the call: pending */
            a->pending = "NOT_READY";
            a->pending_reason = reason;
            sim_emit_user(s, a);
            return 0;
        }
        a->phase = P_NOT_READY;
        sim_set_state(s, a, "NOT_READY", reason);
    } else { /* LOGOUT */
        if (ph == P_LOGGED_OUT || on_a_call(a)) {
            invalid_state(r, state);
            return -1;
        }
        a->phase = P_LOGGED_OUT;
        a->pending = "";
        sim_set_state(s, a, "LOGOUT", reason);
    }
    return 0;
}

static void put_user(struct sim *s, struct route *r, struct sim_agent *a)
{
    static const char *const states[] = {"LOGIN", "READY", "NOT_READY",
                                         "LOGOUT"};
    const char *state;
    const struct sim_reason *reason;
    size_t i, first = s->nout;

    if (need_body(r, "User") != 0)
        return;
    if ((state = field(r, "state")) == NULL || *state == '\0') {
        fail(r, 400, "Parameter Missing", "state", "The state is missing");
        return;
    }
    for (i = 0; i < sizeof states / sizeof *states; i++)
        if (strcmp(state, states[i]) == 0)
            break;
    if (i == sizeof states / sizeof *states) {
        fail(r, 400, "Invalid Input", state, "Not a state a user can ask for");
        return;
    }
    if (strcmp(r->q->user, a->id) != 0 && strcmp(state, "READY") != 0 &&
        strcmp(state, "LOGOUT") != 0) { /* a supervisor */
        invalid_state(r, state);
        return;
    }
    if (body_reason(r, state, &reason) != 0)
        return;
    if (change_state(s, r, a, state, reason) != 0)
        return;
    stamp(s, r, first, SIM_USER, a - s->agents);
    r->a->status = 202;
}

/* ---- dialogs ---- */

static int all_digits(const char *t)
{
    return *t && strspn(t, "0123456789*#+") == strlen(t);
}

/* A call the CTI side refuses: 202 and an apiErrors Update later. */
static void refused(struct sim *s, struct route *r, struct sim_agent *a,
                    const char *action, const char *dialog_id)
{
    struct sim_api_error e = {"Call Operation Failure", action,
                              "CF_INVALID_OBJECT_STATE"};
    char source[96];
    size_t first = s->nout;
    struct pending *p = sim_push(s, SIM_DIALOGS, a - s->agents);

    if (dialog_id)
        snprintf(source, sizeof source, "/finesse/api/Dialog/%s", dialog_id);
    else
        snprintf(source, sizeof source, "/finesse/api/User/%s/Dialogs", a->id);
    buf_printf(&p->node, "/finesse/api/User/%s/Dialogs", a->id);
    sim_xml_api_errors_update(&p->doc, &e, source);
    stamp(s, r, first, SIM_DIALOGS, a - s->agents);
    r->a->status = 202;
}

/* POST User/ID/Dialogs: MAKE_CALL from the agent's extension; the far end
 * answers at once. */
static void make_call(struct sim *s, struct route *r, struct sim_agent *a)
{
    const char *action, *from, *to;
    size_t first = s->nout;
    struct call *c = &a->call;

    if (need_body(r, "Dialog") != 0)
        return;
    action = field(r, "requestedAction");
    from = field(r, "fromAddress");
    to = field(r, "toAddress");
    if (action == NULL || strcmp(action, "MAKE_CALL") != 0) {
        fail(r, 400, "Invalid Input", action ? action : "requestedAction",
             "A Dialogs POST makes a call: requestedAction MAKE_CALL");
        return;
    }
    if (to == NULL || !all_digits(to) || strlen(to) >= sizeof c->to) {
        fail(r, 400, "Invalid Input", to ? to : "toAddress",
             "The number to call is missing or not a number");
        return;
    }
    if (from == NULL || strcmp(from, a->ext) != 0) {
        fail(r, 400, "Invalid Input", from ? from : "fromAddress",
             "fromAddress is not the agent's extension");
        return;
    }
    if (strcmp(r->q->user, a->id) != 0) {
        fail(r, 401, "Authorization Failure", r->q->user,
             "Only the agent makes its calls");
        return;
    }
    if (a->phase == P_LOGGED_OUT) {
        invalid_state(r, "LOGOUT");
        return;
    }
    if (a->phase != P_NOT_READY) { /* the CTI server refuses it */
        refused(s, r, a, "MAKE_CALL", NULL);
        return;
    }
    sim_new_call(s, a);
    snprintf(c->from, sizeof c->from, "%s", a->ext);
    snprintf(c->to, sizeof c->to, "%s", to);
    c->type = "OUT";
    c->state = c->agent_state = c->other_state = "ACTIVE";
    c->actions = sim_act_talking;
    sim_emit_dialog(s, a, c, "POST");
    stamp(s, r, first, SIM_DIALOGS, a - s->agents);
    a->phase = P_TALKING;
    sim_set_state(s, a, "TALKING", NULL);
    r->a->status = 202;
}

/* The agent whose live call (not a consult leg) has this id, or NULL. */
static struct sim_agent *agent_of_dialog(struct sim *s, const char *id)
{
    unsigned i;

    for (i = 0; i < s->cfg.agents; i++)
        if (live_call(&s->agents[i]) && strcmp(s->agents[i].call.id, id) == 0)
            return &s->agents[i];
    return NULL;
}

/* Applies action to a's call when its phase allows; 0, or -1. */
static int call_action(struct sim *s, struct sim_agent *a, const char *action)
{
    struct call *c = &a->call;

    if (strcmp(action, "ANSWER") == 0 && a->phase == P_RESERVED) {
        c->state = c->agent_state = c->other_state = "ACTIVE";
        c->actions = sim_act_talking;
        sim_emit_dialog(s, a, c, "PUT");
        a->phase = P_TALKING;
        sim_set_state(s, a, "TALKING", NULL);
    } else if (strcmp(action, "HOLD") == 0 && a->phase == P_TALKING) {
        c->agent_state = "HELD";
        c->actions = sim_act_held;
        sim_emit_dialog(s, a, c, "PUT");
        a->phase = P_HOLD;
        sim_set_state(s, a, "HOLD", NULL);
    } else if (strcmp(action, "RETRIEVE") == 0 && a->phase == P_HOLD) {
        c->agent_state = "ACTIVE";
        c->actions = sim_act_talking;
        sim_emit_dialog(s, a, c, "PUT");
        a->phase = P_TALKING;
        sim_set_state(s, a, "TALKING", NULL);
    } else if (strcmp(action, "DROP") == 0 &&
               (a->phase == P_RESERVED || a->phase == P_TALKING ||
                a->phase == P_HOLD)) {
        sim_end_call(s, a, a->pending_reason, 0);
    } else {
        return -1;
    }
    return 0;
}

/* PUT Dialog/ID: ANSWER, HOLD, RETRIEVE or DROP by the agent. */
static void put_dialog(struct sim *s, struct route *r)
{
    static const char *const actions[] = {"ANSWER", "HOLD", "RETRIEVE", "DROP"};
    struct sim_agent *a = agent_of_dialog(s, r->seg[1]);
    const char *action, *target;
    size_t i, first = s->nout;

    if (a == NULL) {
        not_found(r);
        return;
    }
    if (need_body(r, "Dialog") != 0)
        return;
    action = field(r, "requestedAction");
    target = field(r, "targetMediaAddress");
    for (i = 0; action && i < sizeof actions / sizeof *actions; i++)
        if (strcmp(action, actions[i]) == 0)
            break;
    if (action == NULL || i == sizeof actions / sizeof *actions) {
        fail(r, 400, "Invalid Input", action ? action : "requestedAction",
             "requestedAction is not ANSWER, HOLD, RETRIEVE or DROP");
        return;
    }
    if (target == NULL || *target == '\0') {
        fail(r, 400, "Parameter Missing", "targetMediaAddress",
             "The targetMediaAddress is missing");
        return;
    }
    if (strcmp(r->q->user, a->id) != 0 || strcmp(target, a->ext) != 0) {
        fail(r, 401, "Invalid Authorization User Specified", target,
             "Only the agent acts on its call, from its extension");
        return;
    }
    if (call_action(s, a, action) != 0) {
        refused(s, r, a, action, r->seg[1]);
        return;
    }
    stamp(s, r, first, SIM_DIALOGS, a - s->agents);
    r->a->status = 202;
}

/* ---- the request ---- */

static int method(const struct route *r, const char *m)
{
    return strcmp(r->q->method, m) == 0;
}

static void not_allowed(struct route *r)
{
    fail(r, 405, "Method Not Allowed", r->q->method,
         "This resource does not take this method");
}

/* A change while out of service: the CTI server is gone. */
static int out_of_service(struct sim *s, struct route *r)
{
    if (!s->out_of_service || method(r, "GET"))
        return 0;
    fail(r, 500, "Internal Server Error", "CTI", "CF_RESOURCE_OUT_OF_SERVICE");
    return 1;
}

/* User/ID and User/ID/Dialogs. */
static void user_paths(struct sim *s, struct route *r)
{
    struct sim_agent *a;

    if (r->n > 3) {
        not_found(r);
        return;
    }
    if ((a = allowed_agent(s, r, r->seg[1])) == NULL)
        return;
    if (method(r, "GET")) {
        if (r->n == 2)
            get_user(s, r, a);
        else
            get_dialogs(s, r, a);
    } else if (!method(r, r->n == 2 ? "PUT" : "POST")) {
        not_allowed(r);
    } else if (!out_of_service(s, r)) {
        if (r->n == 2)
            put_user(s, r, a);
        else
            make_call(s, r, a);
    }
}

static void dispatch(struct sim *s, struct route *r)
{
    if (is(r, 0, "SystemInfo") && r->n == 1) {
        if (method(r, "GET"))
            get_systeminfo(s, r);
        else
            not_allowed(r);
    } else if (is(r, 0, "User") && (r->n == 2 || is(r, 2, "Dialogs"))) {
        user_paths(s, r);
    } else if (is(r, 0, "Dialog") && r->n == 2) {
        if (!method(r, "PUT"))
            not_allowed(r);
        else if (!out_of_service(s, r))
            put_dialog(s, r);
    } else if (is(r, 0, "Team") && r->n == 2) {
        if (method(r, "GET"))
            get_team(s, r);
        else
            not_allowed(r);
    } else if (is(r, 0, "Queue") && r->n == 2) {
        if (method(r, "GET"))
            get_queue(s, r);
        else
            not_allowed(r);
    } else {
        not_found(r);
    }
}

void sim_rest(struct sim *s, const struct sim_rest_request *q, double now_ms,
              struct sim_rest_answer *a)
{
    struct route r;

    memset(&r, 0, sizeof r);
    r.q = q;
    r.a = a;
    a->status = 500;
    a->body.len = 0;
    buf_append(&a->body, "", 0);
    sim_format_time(now_ms, s->now);
    sim_capture_start(s);
    if (route_path(&r, q->path) != 0)
        not_found(&r);
    else
        dispatch(s, &r);
    s->capture = 0;
    xnode_free(r.body);
}

/* ---- the queue of what REST requests caused ---- */

/* A slot at the end of the REST side's queue (sim_rest_next). */
struct pending *sim_push_out(struct sim *s)
{
    size_t k;

    if (s->nout == s->out_cap) {
        s->out_cap = s->out_cap ? s->out_cap * 2 : 8;
        s->out = xrealloc(s->out, s->out_cap * sizeof *s->out);
        for (k = s->nout; k < s->out_cap; k++) {
            buf_init(&s->out[k].node);
            buf_init(&s->out[k].doc);
        }
    }
    return &s->out[s->nout++];
}

void sim_capture_start(struct sim *s)
{
    if (s->out_head == s->nout) /* all taken: start over, keep the buffers */
        s->out_head = s->nout = 0;
    s->capture = 1;
}

int sim_rest_next(struct sim *s, struct sim_event *out)
{
    struct pending *p;

    if (s->out_head == s->nout)
        return 0;
    p = &s->out[s->out_head++];
    out->kind = p->kind;
    out->node = p->node.data;
    out->doc = p->doc.data;
    out->len = p->doc.len;
    out->agent = p->agent;
    return 1;
}

int sim_drive(struct sim *s, const char *id)
{
    unsigned i;

    for (i = 0; i < s->cfg.agents; i++)
        if (strcmp(s->agents[i].id, id) == 0) {
            s->agents[i].driven = 1;
            return 1;
        }
    return 0;
}

int sim_in_service(const struct sim *s)
{
    return !s->out_of_service;
}

void sim_set_in_service(struct sim *s, int in_service, double now_ms)
{
    if ((!in_service) == s->out_of_service)
        return;
    s->out_of_service = !in_service;
    sim_format_time(now_ms, s->now);
    sim_capture_start(s);
    if (in_service)
        sim_emit_systeminfo(s, "IN_SERVICE", "");
    else
        sim_emit_systeminfo(s, "OUT_OF_SERVICE", "CTI connection lost");
    s->capture = 0;
}
