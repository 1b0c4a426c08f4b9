/* The simulated contact centre: agents stepped in order of their own
 * virtual due times, each step a few Update documents queued for
 * sim_next. */
#include "sim.h"
#include "base/buf.h"
#include "sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- tables --- */

struct name {
    const char *text, *ascii;
};

static const struct name firsts[] = {
    {"Ada", "ada"},         {"Alan", "alan"},     {"Grace", "grace"},
    {"José", "jose"},       {"Zoë", "zoe"},       {"Søren", "soren"},
    {"Chloé", "chloe"},     {"Łukasz", "lukasz"}, {"Aoife", "aoife"},
    {"Yuki", "yuki"},       {"Priya", "priya"},   {"Kwame", "kwame"},
    {"Ingrid", "ingrid"},   {"Mateo", "mateo"},   {"Fatima", "fatima"},
    {"Nikolai", "nikolai"}, {"Mei", "mei"},       {"Björn", "bjorn"},
};

static const struct name lasts[] = {
    {"Lovelace", "lovelace"}, {"Turing", "turing"},
    {"Hopper", "hopper"},     {"García", "garcia"},
    {"O'Brien", "obrien"},    {"Müller", "muller"},
    {"Dvořák", "dvorak"},     {"Østergaard", "ostergaard"},
    {"田中", "tanaka"},       {"Nakamura", "nakamura"},
    {"Okafor", "okafor"},     {"Kowalski", "kowalski"},
    {"Smith", "smith"},       {"Nguyễn", "nguyen"},
    {"Haddad", "haddad"},     {"Ivanova", "ivanova"},
};

static const char *const team_table[] = {
    "Maths",  "Billing & Payments", "Kundenservice Süd", "Support \"Tier 2\"",
    "Claims", "Retención",
};

static const char *const queue_table[] = {
    "Sales",     "Support", "Billing", "Premium \"Gold\"", "Retención & Bajas",
    "Technical", "Orders",
};

const struct sim_reason sim_not_ready_reasons[SIM_NOT_READY_REASONS] = {
    {"12", "32", "Lunch", "NOT_READY"},
    {"13", "33", "Break", "NOT_READY"},
    {"14", "34", "Meeting", "NOT_READY"},
    {"15", "35", "Training & Coaching", "NOT_READY"},
    {"16", "36", "Pause café", "NOT_READY"},
};

const struct sim_reason sim_logout_reason = {"20", "40", "End of shift",
                                             "LOGOUT"};

static const char *const customers[] = {
    "Smith & Sons <VIP>", "José Núñez",   "Müller \"Grüne\" GmbH",
    "O'Brien & Co",       "田中 太郎",    "Société Générale",
    "ACME Ltd",           "Zoë Ångström",
};

static const char *const notes[] = {
    "", "asked for a \"manager\"", "prefers e-mail & SMS", "größere Bestellung",
    "",
};

static const char *const tiers[] = {"gold", "silver", "bronze"};
static const char *const langs[] = {"en-US", "de-DE", "fr-FR", "ja-JP",
                                    "es-ES"};

const char *const sim_act_answer[] = {"ANSWER", NULL};
const char *const sim_act_talking[] = {"HOLD", "DROP", "CONSULT_CALL",
                                       "UPDATE_CALL_DATA", NULL};
const char *const sim_act_held[] = {"RETRIEVE", "DROP", NULL};
static const char *const act_consult[] = {"DROP", "TRANSFER", "CONFERENCE",
                                          NULL};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- randomness: splitmix64, never rand() --- */

static uint64_t rnd(struct sim *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned below(struct sim *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}

/* true with probability percent / 100 */
static int chance(struct sim *s, unsigned percent)
{
    return below(s, 100) < percent;
}

static double between(struct sim *s, unsigned lo_ms, unsigned hi_ms)
{
    return lo_ms + below(s, hi_ms - lo_ms + 1);
}

/* --- the agents' heap, by (due, index) --- */

static int earlier(const struct sim *s, unsigned a, unsigned b)
{
    if (s->agents[a].due != s->agents[b].due)
        return s->agents[a].due < s->agents[b].due;
    return a < b;
}

/* Moves heap[i] down until its children are later than it. */
static void heap_sift_down(struct sim *s, size_t i)
{
    size_t n = s->cfg.agents;

    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        unsigned t;
        if (l < n && earlier(s, s->heap[l], s->heap[m]))
            m = l;
        if (r < n && earlier(s, s->heap[r], s->heap[m]))
            m = r;
        if (m == i)
            return;
        t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

/* --- events --- */

struct pending *sim_push(struct sim *s, enum sim_kind kind, long agent)
{
    struct pending *p = s->capture ? sim_push_out(s)
                                   : &s->pend[(s->head + s->n++) % PENDING_MAX];

    p->kind = kind;
    p->agent = agent;
    p->node.len = p->doc.len = 0;
    buf_append(&p->node, "", 0);
    buf_append(&p->doc, "", 0);
    return p;
}

void sim_user_view(const struct sim_agent *a, const struct sim *s,
                   struct sim_user *u)
{
    u->login_id = a->id;
    u->login_name = a->login;
    u->first = a->first;
    u->last = a->last;
    u->extension = a->ext;
    u->state = a->state;
    u->pending = a->pending;
    u->state_time = a->state_time;
    u->reason = a->reason;
    u->team_id = s->teams[a->team].id;
    u->team_name = s->teams[a->team].name;
}

/* The agent's user node and its team node. */
void sim_emit_user(struct sim *s, struct sim_agent *a)
{
    long idx = a - s->agents;
    struct sim_user u;
    struct pending *p;

    sim_user_view(a, s, &u);
    p = sim_push(s, SIM_USER, idx);
    buf_printf(&p->node, "/finesse/api/User/%s", a->id);
    sim_xml_user(&p->doc, &u);
    p = sim_push(s, SIM_TEAM, idx);
    buf_printf(&p->node, "/finesse/api/Team/%s/Users", u.team_id);
    sim_xml_team_user(&p->doc, &u);
}

void sim_set_state(struct sim *s, struct sim_agent *a, const char *state,
                   const struct sim_reason *reason)
{
    a->state = state;
    a->reason = reason;
    memcpy(a->state_time, s->now, sizeof a->state_time);
    sim_emit_user(s, a);
}

void sim_dialog_view(struct sim *s, const struct sim_agent *a,
                     const struct call *c, struct sim_dialog_view *v)
{
    size_t n = 0;
    int i;
    static const char *const names[] = {
        "callVariable1", "callVariable2", "callVariable3", "callVariable4",
        "callVariable5", "callVariable6", "callVariable7", "callVariable8",
        "callVariable9", "callVariable10"};

    snprintf(v->acct, sizeof v->acct, "acct-%06u", c->acct);
    snprintf(v->kase, sizeof v->kase, "CS-%05u", c->acct % 100000);
    for (i = 0; i < 10; i++) {
        v->vars[n].name = names[i];
        v->vars[n++].value = "";
    }
    v->vars[0].value = v->acct;
    v->vars[1].value = customers[c->customer];
    v->vars[2].value = langs[c->lang];
    v->vars[3].value = v->kase;
    v->vars[4].value = c->updated ? "callback requested" : "";
    v->vars[n].name = "user.CustomerTier";
    v->vars[n++].value = tiers[c->tier];
    v->vars[n].name = "user.Notes";
    v->vars[n++].value = notes[c->note];

    memset(v->parts, 0, sizeof v->parts);
    v->parts[0].address = a->ext;
    v->parts[0].agent = 1;
    v->parts[0].state = c->agent_state;
    v->parts[0].cause = c->cause;
    v->parts[0].actions = c->actions;
    v->parts[0].start_time = c->start;
    v->parts[0].state_time = s->now;
    v->parts[1] = v->parts[0];
    v->parts[1].address = strcmp(c->type, "CONSULT") == 0 ? c->to : c->from;
    v->parts[1].agent = 0;
    v->parts[1].state = c->other_state;
    v->parts[1].actions = NULL;

    memset(&v->d, 0, sizeof v->d);
    v->d.id = c->id;
    v->d.from = c->from;
    v->d.to = c->to;
    v->d.dnis = c->to;
    v->d.call_type = c->type;
    v->d.queue_number = s->queues[c->queue].number;
    v->d.queue_name = s->queues[c->queue].name;
    v->d.state = c->state;
    v->d.vars = v->vars;
    v->d.nvars = n;
    v->d.parties = v->parts;
    v->d.nparties = 2;
}

void sim_emit_dialog(struct sim *s, struct sim_agent *a, const struct call *c,
                     const char *event)
{
    struct sim_dialog_view v;
    struct pending *p;

    sim_dialog_view(s, a, c, &v);
    p = sim_push(s, SIM_DIALOGS, a - s->agents);
    buf_printf(&p->node, "/finesse/api/User/%s/Dialogs", a->id);
    sim_xml_dialog(&p->doc, event, a->id, &v.d);
}

void sim_queue_stats(struct sim *s, unsigned q, struct sim_queue_stats *o)
{
    unsigned i, k;

    memset(o, 0, sizeof *o);
    o->name = s->queues[q].name;
    o->id = s->queues[q].id;
    for (i = 0; i < s->cfg.agents; i++) {
        const struct sim_agent *a = &s->agents[i];
        for (k = 0; k < a->nq && a->q[k] != q; k++)
            ;
        if (k == a->nq || a->phase == P_LOGGED_OUT)
            continue;
        o->logged_on++;
        switch (a->phase) {
        case P_READY:
            o->ready++;
            break;
        case P_NOT_READY:
            o->not_ready++;
            break;
        case P_RESERVED:
            o->busy_other++;
            break;
        case P_WORK:
            if (a->work_ready)
                o->wrapup_ready++;
            else
                o->wrapup_not_ready++;
            break;
        default:
            if (a->call.type && strcmp(a->call.type, "OUT") == 0)
                o->talking_out++;
            else
                o->talking_in++;
            if (a->phase == P_CONSULT_INIT || a->phase == P_CONSULT_ACTIVE)
                o->talking_internal++;
        }
    }
    o->calls = (int)below(s, o->ready ? 2 : 6);
    o->longest = o->calls ? s->now : "";
}

static void emit_queue(struct sim *s, unsigned q)
{
    struct sim_queue_stats st;
    struct pending *p;

    sim_queue_stats(s, q, &st);
    p = sim_push(s, SIM_QUEUE, -1);
    buf_printf(&p->node, "/finesse/api/Queue/%s", st.id);
    sim_xml_queue(&p->doc, &st);
}

void sim_emit_user_queues(struct sim *s, struct sim_agent *a)
{
    struct sim_queue_stats st[2];
    struct pending *p;
    unsigned k;

    for (k = 0; k < a->nq; k++)
        sim_queue_stats(s, a->q[k], &st[k]);
    p = sim_push(s, SIM_QUEUES, a - s->agents);
    buf_printf(&p->node, "/finesse/api/User/%s/Queues", a->id);
    sim_xml_user_queues(&p->doc, a->id, st, a->nq);
}

void sim_emit_systeminfo(struct sim *s, const char *status, const char *reason)
{
    struct pending *p = sim_push(s, SIM_SYSTEMINFO, -1);

    buf_puts(&p->node, "/finesse/api/SystemInfo");
    sim_xml_systeminfo(&p->doc, status, reason, s->now, s->domain, s->primary,
                       s->secondary);
}

/* --- one agent's shift --- */

void sim_new_call(struct sim *s, struct sim_agent *a)
{
    struct call *c = &a->call;

    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%u", s->next_dialog++);
    snprintf(c->from, sizeof c->from, "612555%04u", below(s, 10000));
    snprintf(c->to, sizeof c->to, "%s", a->ext);
    memcpy(c->start, s->now, sizeof c->start);
    c->type = chance(s, 85) ? "ACD_IN" : "PREROUTE_ACD_IN";
    c->queue = a->q[below(s, a->nq)];
    c->acct = below(s, 1000000);
    c->customer = below(s, N(customers));
    c->tier = below(s, N(tiers));
    c->note = below(s, N(notes));
    c->lang = below(s, N(langs));
    c->state = "ALERTING";
    c->agent_state = "ALERTING";
    c->other_state = "INITIATED";
    c->cause = "";
    c->actions = sim_act_answer;
}

/* The consult leg to another agent's extension, primary on hold. */
static void start_consult(struct sim *s, struct sim_agent *a)
{
    struct call *c = &a->consult;
    const struct sim_agent *to = &s->agents[below(s, s->cfg.agents)];

    *c = a->call;
    snprintf(c->id, sizeof c->id, "%u", s->next_dialog++);
    snprintf(c->from, sizeof c->from, "%s", a->ext);
    snprintf(c->to, sizeof c->to, "%s", to == a ? "5100" : to->ext);
    memcpy(c->start, s->now, sizeof c->start);
    c->type = "CONSULT";
    c->state = "INITIATED";
    c->agent_state = "INITIATED";
    c->other_state = "ALERTING";
    c->actions = act_consult;
    a->call.agent_state = "HELD";
    a->call.actions = sim_act_held;
    sim_emit_dialog(s, a, &a->call, "PUT");
    sim_emit_dialog(s, a, c, "POST");
}

static const struct sim_reason *some_reason(struct sim *s)
{
    return &sim_not_ready_reasons[below(s, N(sim_not_ready_reasons))];
}

static void step_not_ready(struct sim *s, struct sim_agent *a)
{
    if (chance(s, 5)) { /* end of shift; back later */
        a->phase = P_LOGGED_OUT;
        sim_set_state(s, a, "LOGOUT", &sim_logout_reason);
        a->due += between(s, 20000, 120000);
    } else if (chance(s, 15)) {
        sim_set_state(s, a, "NOT_READY", some_reason(s));
        a->due += between(s, 5000, 60000);
    } else {
        a->phase = P_READY;
        sim_set_state(s, a, "READY", NULL);
        a->due += between(s, 2000, 20000);
    }
}

static void step_ready(struct sim *s, struct sim_agent *a)
{
    if (chance(s, 8)) {
        a->phase = P_NOT_READY;
        sim_set_state(s, a, "NOT_READY", some_reason(s));
        a->due += between(s, 5000, 60000);
        return;
    }
    a->phase = P_RESERVED;
    sim_new_call(s, a);
    sim_set_state(s, a, "RESERVED", NULL);
    sim_emit_dialog(s, a, &a->call, "POST");
    a->due += between(s, 2000, 8000);
}

static void step_reserved(struct sim *s, struct sim_agent *a)
{
    struct call *c = &a->call;

    if (chance(s, 7)) { /* the caller hung up while it rang */
        c->state = c->agent_state = c->other_state = "DROPPED";
        c->cause = "OTHER";
        c->actions = NULL;
        sim_emit_dialog(s, a, c, "DELETE");
        a->phase = P_READY;
        sim_set_state(s, a, "READY", NULL);
        a->due += between(s, 2000, 20000);
        return;
    }
    c->state = c->agent_state = c->other_state = "ACTIVE";
    c->actions = sim_act_talking;
    sim_emit_dialog(s, a, c, "PUT");
    a->phase = P_TALKING;
    sim_set_state(s, a, "TALKING", NULL);
    a->due += between(s, 10000, 120000);
}

void sim_end_call(struct sim *s, struct sim_agent *a,
                  const struct sim_reason *reason, int work_ready)
{
    struct call *c = &a->call;

    c->state = c->agent_state = c->other_state = "DROPPED";
    c->cause = "";
    c->actions = NULL;
    sim_emit_dialog(s, a, c, "DELETE");
    if (a->pending[0]) {
        a->pending = "";
        a->pending_reason = NULL;
        a->phase = P_NOT_READY;
        sim_set_state(s, a, "NOT_READY", reason);
        return;
    }
    a->phase = P_WORK;
    a->work_ready = work_ready;
    sim_set_state(s, a, work_ready ? "WORK_READY" : "WORK", NULL);
}

/* Drop, then wrap-up (or the pending NOT_READY with some reason). */
static void end_call(struct sim *s, struct sim_agent *a)
{
    int pending = a->pending[0] != '\0';

    sim_end_call(s, a, pending ? some_reason(s) : NULL,
                 pending ? 0 : chance(s, 70));
    a->due += pending ? between(s, 5000, 60000) : between(s, 5000, 30000);
}

static void step_talking(struct sim *s, struct sim_agent *a)
{
    unsigned r = below(s, 100);

    if (r < 15) {
        a->call.agent_state = "HELD";
        a->call.actions = sim_act_held;
        sim_emit_dialog(s, a, &a->call, "PUT");
        a->phase = P_HOLD;
        sim_set_state(s, a, "HOLD", NULL);
        a->due += between(s, 5000, 45000);
    } else if (r < 25) {
        start_consult(s, a);
        a->phase = P_CONSULT_INIT;
        a->due += between(s, 2000, 6000);
    } else if (r < 33 && !a->pending[0]) {
        a->pending = "NOT_READY";
        sim_emit_user(s, a);
        a->due += between(s, 5000, 60000);
    } else if (r < 40 && !a->call.updated) {
        a->call.updated = 1;
        sim_emit_dialog(s, a, &a->call, "PUT");
        a->due += between(s, 5000, 60000);
    } else {
        end_call(s, a);
    }
}

static void step_consult(struct sim *s, struct sim_agent *a)
{
    struct call *c = &a->consult;

    if (a->phase == P_CONSULT_INIT) {
        c->state = c->agent_state = c->other_state = "ACTIVE";
        sim_emit_dialog(s, a, c, "PUT");
        a->phase = P_CONSULT_ACTIVE;
        a->due += between(s, 5000, 40000);
        return;
    }
    c->state = c->agent_state = c->other_state = "DROPPED";
    c->actions = NULL;
    sim_emit_dialog(s, a, c, "DELETE");
    a->call.agent_state = "ACTIVE";
    a->call.actions = sim_act_talking;
    sim_emit_dialog(s, a, &a->call, "PUT");
    a->phase = P_TALKING;
    a->due += between(s, 5000, 60000);
}

static void step(struct sim *s, struct sim_agent *a)
{
    switch (a->phase) {
    case P_LOGGED_OUT:
        a->phase = P_NOT_READY;
        a->pending = "";
        sim_set_state(s, a, "NOT_READY", NULL);
        sim_emit_user_queues(s, a);
        a->due += between(s, 3000, 30000);
        break;
    case P_NOT_READY:
        step_not_ready(s, a);
        break;
    case P_READY:
        step_ready(s, a);
        break;
    case P_RESERVED:
        step_reserved(s, a);
        break;
    case P_TALKING:
        step_talking(s, a);
        break;
    case P_HOLD:
        a->call.agent_state = "ACTIVE";
        a->call.actions = sim_act_talking;
        sim_emit_dialog(s, a, &a->call, "PUT");
        a->phase = P_TALKING;
        sim_set_state(s, a, "TALKING", NULL);
        a->due += between(s, 5000, 60000);
        break;
    case P_CONSULT_INIT:
    case P_CONSULT_ACTIVE:
        step_consult(s, a);
        break;
    case P_WORK:
        a->phase = a->work_ready ? P_READY : P_NOT_READY;
        sim_set_state(s, a, a->work_ready ? "READY" : "NOT_READY",
                      a->work_ready ? NULL : some_reason(s));
        a->due += between(s, 2000, 30000);
        break;
    }
}

/* An agent left to a REST client only gets calls, when READY; on its
 * other turns a queue's statistics go out instead, so that the sequence
 * goes on when every agent is left to a client. */
static void step_driven(struct sim *s, struct sim_agent *a)
{
    if (a->phase == P_READY) {
        a->phase = P_RESERVED;
        sim_new_call(s, a);
        sim_set_state(s, a, "RESERVED", NULL);
        sim_emit_dialog(s, a, &a->call, "POST");
    } else {
        emit_queue(s, s->filler++ % s->cfg.queues);
    }
    a->due += between(s, 2000, 8000);
}

/* --- the sequence --- */

/* Queues events for the next thing that happens. */
static void generate(struct sim *s)
{
    struct sim_agent *a;

    if (!s->started) {
        s->started = 1;
        sim_emit_systeminfo(s, "IN_SERVICE", "");
        return;
    }
    if (s->stats_cursor > 0) {
        emit_queue(s, s->cfg.queues - s->stats_cursor--);
        return;
    }
    if (s->vt >= s->next_stats) {
        s->next_stats += STATS_EVERY_MS;
        s->stats_cursor = s->cfg.queues - 1;
        emit_queue(s, 0);
        return;
    }
    if (s->cfg.outage && s->vt >= s->next_outage) {
        s->out_of_service = !s->out_of_service;
        if (s->out_of_service) {
            sim_emit_systeminfo(s, "OUT_OF_SERVICE", "CTI connection lost");
            s->next_outage = s->vt + between(s, 5000, 15000);
        } else {
            sim_emit_systeminfo(s, "IN_SERVICE", "");
            s->next_outage = s->vt + between(s, 300000, 900000);
        }
        return;
    }
    a = &s->agents[s->heap[0]];
    if (a->driven)
        step_driven(s, a);
    else
        step(s, a);
    heap_sift_down(s, 0); /* its due time grew */
}

void sim_format_time(double now_ms, char out[32])
{
    time_t t = (time_t)(now_ms / 1000);
    char tmp[96];
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)((long long)now_ms % 1000));
    memcpy(out, tmp, 24); /* a year past 9999 is cut, never overflows */
    out[24] = '\0';
}

static void fnv(uint64_t *h, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        *h ^= (unsigned char)p[i];
        *h *= 0x100000001b3ULL;
    }
}

int sim_next(struct sim *s, double now_ms, struct sim_event *out)
{
    struct pending *p;

    sim_format_time(now_ms, s->now);
    while (s->n == 0)
        generate(s);
    p = &s->pend[s->head];
    s->head = (s->head + 1) % PENDING_MAX;
    s->n--;
    out->kind = p->kind;
    out->node = p->node.data;
    out->doc = p->doc.data;
    out->len = p->doc.len;
    out->agent = p->agent;
    fnv(&s->digest, p->node.data, p->node.len + 1);
    s->strip.len = 0;
    sim_strip_times(p->doc.data, p->doc.len, &s->strip);
    fnv(&s->digest, s->strip.data, s->strip.len + 1);
    s->events++;
    s->vt += 1000.0 / s->cfg.rate;
    return 0;
}

/* True at a timestamp as sim_format_time writes it. */
static int is_time(const char *p, size_t left)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    size_t i;

    if (left < sizeof shape - 1)
        return 0;
    for (i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != shape[i])
            return 0;
    }
    return 1;
}

void sim_strip_times(const char *doc, size_t len, struct buf *b)
{
    size_t i = 0, run = 0;

    buf_append(b, "", 0);
    while (i < len) {
        if (doc[i] >= '0' && doc[i] <= '9' && is_time(doc + i, len - i)) {
            buf_append(b, doc + run, i - run);
            i += 24;
            run = i;
        } else {
            i++;
        }
    }
    buf_append(b, doc + run, len - run);
}

/* --- set-up --- */

static void make_groups(struct group *g, unsigned n, const char *const *names,
                        size_t nnames, unsigned first_id, unsigned number)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        g[i].name = i < nnames ? xstrdup(names[i])
                               : xasprintf("%s %u", names[i % nnames], i + 1);
        snprintf(g[i].id, sizeof g[i].id, "%u", first_id + i);
        snprintf(g[i].number, sizeof g[i].number, "%u", number + i);
    }
}

static void make_agent(struct sim *s, unsigned i)
{
    struct sim_agent *a = &s->agents[i];
    const struct name *f = &firsts[below(s, N(firsts))];
    const struct name *l = &lasts[below(s, N(lasts))];

    snprintf(a->id, sizeof a->id, "%u", 1001001 + i);
    snprintf(a->ext, sizeof a->ext, "%u", 1001001 + i);
    snprintf(a->login, sizeof a->login, "%c%s%u", f->ascii[0], l->ascii, i + 1);
    a->first = f->text;
    a->last = l->text;
    a->team = i % s->cfg.teams;
    a->q[0] = i % s->cfg.queues;
    a->nq = 1;
    if (s->cfg.queues > 1) {
        a->q[1] = (i + 1) % s->cfg.queues;
        a->nq = 2;
    }
    a->phase = P_LOGGED_OUT;
    a->state = "LOGOUT";
    a->pending = "";
    a->due = between(s, 0, 5000);
}

struct sim *sim_new(const struct sim_config *cfg)
{
    struct sim *s = xcalloc(1, sizeof *s);
    unsigned i;
    size_t k;

    s->cfg = *cfg;
    s->cfg.agents = cfg->agents ? cfg->agents : 1;
    s->cfg.teams = cfg->teams ? cfg->teams : 1;
    s->cfg.queues = cfg->queues ? cfg->queues : 1;
    if (!(s->cfg.rate > 0))
        s->cfg.rate = 1;
    s->domain = xstrdup(cfg->domain ? cfg->domain : "localhost");
    s->primary = cfg->primary ? xstrdup(cfg->primary) : NULL;
    s->secondary = cfg->secondary ? xstrdup(cfg->secondary) : NULL;
    s->cfg.domain = s->cfg.primary = s->cfg.secondary = NULL; /* copied */
    s->rng = cfg->seed;
    s->digest = 0xcbf29ce484222325ULL;
    s->next_dialog = 16817500;
    s->next_stats = STATS_EVERY_MS;
    s->next_outage = between(s, 60000, 300000);
    for (k = 0; k < PENDING_MAX; k++) {
        buf_init(&s->pend[k].node);
        buf_init(&s->pend[k].doc);
    }
    buf_init(&s->strip);
    s->teams = xcalloc(s->cfg.teams, sizeof *s->teams);
    s->queues = xcalloc(s->cfg.queues, sizeof *s->queues);
    make_groups(s->teams, s->cfg.teams, team_table, N(team_table), 5000, 0);
    make_groups(s->queues, s->cfg.queues, queue_table, N(queue_table), 1, 8001);
    s->agents = xcalloc(s->cfg.agents, sizeof *s->agents);
    s->heap = xcalloc(s->cfg.agents, sizeof *s->heap);
    for (i = 0; i < s->cfg.agents; i++)
        make_agent(s, i);
    for (i = 0; i < s->cfg.agents; i++)
        s->heap[i] = i;
    for (i = s->cfg.agents / 2; i-- > 0;)
        heap_sift_down(s, i);
    return s;
}

void sim_free(struct sim *s)
{
    size_t k;

    if (s == NULL)
        return;
    for (k = 0; k < PENDING_MAX; k++) {
        buf_done(&s->pend[k].node);
        buf_done(&s->pend[k].doc);
    }
    buf_done(&s->strip);
    for (k = 0; k < s->out_cap; k++) {
        buf_done(&s->out[k].node);
        buf_done(&s->out[k].doc);
    }
    free(s->out);
    free(s->domain);
    free(s->primary);
    free(s->secondary);
    for (k = 0; k < s->cfg.teams; k++)
        free(s->teams[k].name);
    for (k = 0; k < s->cfg.queues; k++)
        free(s->queues[k].name);
    free(s->teams);
    free(s->queues);
    free(s->agents);
    free(s->heap);
    free(s);
}

size_t sim_node_count(const struct sim *s)
{
    return 1 + (size_t)s->cfg.queues + s->cfg.teams + 4 * (size_t)s->cfg.agents;
}

void sim_node(const struct sim *s, size_t i, struct buf *b)
{
    static const char *const user_tails[] = {"", "/Dialogs", "/Queues",
                                             "/ClientLog"};

    b->len = 0;
    buf_append(b, "", 0);
    if (i == 0) {
        buf_puts(b, "/finesse/api/SystemInfo");
        return;
    }
    i--;
    if (i < s->cfg.queues) {
        buf_printf(b, "/finesse/api/Queue/%s", s->queues[i].id);
        return;
    }
    i -= s->cfg.queues;
    if (i < s->cfg.teams) {
        buf_printf(b, "/finesse/api/Team/%s/Users", s->teams[i].id);
        return;
    }
    i -= s->cfg.teams;
    buf_printf(b, "/finesse/api/User/%s%s", s->agents[i / 4].id,
               user_tails[i % 4]);
}

uint64_t sim_events(const struct sim *s)
{
    return s->events;
}

void sim_digest(const struct sim *s, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)s->digest);
}
