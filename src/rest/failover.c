/* A Finesse cluster followed: SystemInfo of both nodes asked over REST,
 * cluster_decide's step taken. */
#include "failover.h"
#include "base/buf.h"
#include "base/loop.h"
#include "decode/keys.h"
#include "rest.h"
#include "xmpp/backoff.h"
#include "xmpp/jid.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FAILOVER_CLIENTS 8 /* REST clients kept: hosts SystemInfo named */

enum phase {
    PHASE_IDLE,       /* online and content, or no cluster */
    PHASE_ASKING,     /* a round of SystemInfo GETs in flight */
    PHASE_WAITING,    /* the next round is timed */
    PHASE_CONNECT,    /* ev->connect is timed (0 ms) */
    PHASE_CONNECTING, /* an XMPP attempt on here is under way */
};

struct client {
    char *host;
    struct rest *rest;
};

/* One SystemInfo GET; freed by its answer (or failover_free). */
struct ask {
    struct failover *f;
    unsigned round;
    int other;     /* asked the other node */
    int login;     /* ask_at_login's: applied, not decided on */
    unsigned mark; /* failover_mark() when asked */
    struct ask *next;
};

struct failover {
    struct loop *loop;
    const struct failover_events *ev;
    void *arg;
    char *start, *here, *alternate, *domain;
    char *was;                 /* the node of the last login */
    char *primary, *secondary; /* SystemInfo's hosts; NULL */
    int ask_at_login;

    enum phase phase;
    int online;
    enum cluster_answer here_said; /* by an Update or a GET, while online */
    unsigned updates;              /* SystemInfo Updates learnt */
    enum cluster_presence finesse;
    unsigned here_failures;
    struct backoff backoff; /* between rounds that wait */
    struct loop_timer *timer;
    unsigned round, waiting_for;
    enum cluster_answer answer[2]; /* this round: here, other */
    char *asked_other;             /* the other node this round asked */
    int moved_online;              /* the connect leaves a live session */
    char doing[512];

    struct client clients[FAILOVER_CLIENTS];
    struct ask *asks;
};

static void set_doing(struct failover *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_doing(struct failover *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (fmt)
        vsnprintf(f->doing, sizeof f->doing, fmt, ap);
    else
        f->doing[0] = '\0';
    va_end(ap);
    if (f->ev->changed)
        f->ev->changed(f->arg);
}

static void replace(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

/* ---- the pair ---- */

static struct system_info pair(const struct failover *f)
{
    struct system_info s;

    memset(&s, 0, sizeof s);
    s.primary_host = f->primary;
    s.secondary_host = f->secondary;
    return s;
}

static const char *other_of(const struct failover *f)
{
    struct system_info s = pair(f);
    return cluster_other(&s, f->here, f->alternate);
}

int failover_known(const struct failover *f)
{
    return other_of(f) != NULL;
}

const char *failover_host(const struct failover *f)
{
    return f->here;
}

const char *failover_online_host(const struct failover *f)
{
    return f->was;
}

const char *failover_moved_host(const struct failover *f)
{
    return strcmp(f->here, f->start) == 0 ? NULL : f->here;
}

const char *failover_role(const struct failover *f, const char *host)
{
    struct system_info s = pair(f);
    return cluster_role_name(cluster_role(&s, host));
}

const char *failover_doing(const struct failover *f)
{
    return f->doing[0] ? f->doing : NULL;
}

/* "fin1 (primary)" into out. */
static const char *named(const struct failover *f, const char *host, char *out,
                         size_t size)
{
    const char *role = failover_role(f, host);

    snprintf(out, size, "%s%s%s%s", host, role ? " (" : "", role ? role : "",
             role ? ")" : "");
    return out;
}

/* ---- REST ---- */

static struct rest *client_for(struct failover *f, const char *host)
{
    size_t i;
    char *cause = NULL;
    struct rest *r;

    for (i = 0; i < FAILOVER_CLIENTS && f->clients[i].host; i++)
        if (strcmp(f->clients[i].host, host) == 0)
            return f->clients[i].rest;
    if (i == FAILOVER_CLIENTS) /* SystemInfo named too many hosts */
        return NULL;
    if ((r = f->ev->rest_at(f->arg, host, &cause)) == NULL) {
        free(cause);
        return NULL;
    }
    f->clients[i].host = xstrdup(host);
    f->clients[i].rest = r;
    return r;
}

static void ask_free(struct ask *q)
{
    struct ask **p;

    for (p = &q->f->asks; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            break;
        }
    free(q);
}

static void decide(struct failover *f);

/* The hosts and status of a SystemInfo (decoded event, borrowed). */
static enum cluster_answer take_systeminfo(struct failover *f, json_t *ev)
{
    json_t *si = json_object_get(ev, EVK_SYSTEMINFO);
    const char *p = json_string_value(
        json_object_get(json_object_get(si, EVK_PRIMARY_NODE), EVK_HOST));
    const char *s = json_string_value(
        json_object_get(json_object_get(si, EVK_SECONDARY_NODE), EVK_HOST));

    if (p && *p)
        replace(&f->primary, p);
    if (s && *s)
        replace(&f->secondary, s);
    return cluster_answer_of(
        json_string_value(json_object_get(si, EVK_STATUS)));
}

static int is_systeminfo(json_t *ev)
{
    const char *kind = json_string_value(json_object_get(ev, EVK_KIND));
    return kind && strcmp(kind, EV_KIND_SYSTEMINFO) == 0;
}

static void on_answer(void *arg, const struct rest_response *p)
{
    struct ask *q = arg;
    struct failover *f = q->f;
    enum cluster_answer a = CLUSTER_NO_ANSWER;
    unsigned round = q->round, q_mark = q->mark;
    int other = q->other, login = q->login;

    ask_free(q);
    if (p->fail == FAIL_NONE && p->status >= 200 && p->status <= 299 &&
        is_systeminfo(p->decoded))
        a = login || !other
                ? take_systeminfo(f, p->decoded)
                : cluster_answer_of(json_string_value(json_object_get(
                      json_object_get(p->decoded, EVK_SYSTEMINFO),
                      EVK_STATUS)));
    if (login) {
        if (q_mark != f->updates) /* an Update since: newer, or as new */
            a = CLUSTER_NO_ANSWER;
        if (a != CLUSTER_NO_ANSWER)
            f->here_said = a;
        if (a != CLUSTER_NO_ANSWER && f->ev->systeminfo)
            f->ev->systeminfo(f->arg, p->decoded);
        if (f->online)
            failover_learn(f, NULL); /* the status, as an Update's */
        return;
    }
    if (round != f->round || f->phase != PHASE_ASKING)
        return; /* an old round's */
    f->answer[other] = a;
    if (--f->waiting_for == 0)
        decide(f);
}

/* GET SystemInfo of host; 0, or -1 when no request went. */
static int ask(struct failover *f, const char *host, int other, int login)
{
    struct rest *r = client_for(f, host);
    struct ask *q;
    char *cause = NULL;

    if (r == NULL)
        return -1;
    q = xcalloc(1, sizeof *q);
    q->f = f;
    q->round = f->round;
    q->other = other;
    q->login = login;
    q->mark = f->updates;
    if (rest_request(r, "GET", "/finesse/api/SystemInfo", NULL, 0, on_answer, q,
                     NULL, &cause) != 0) {
        free(cause);
        free(q);
        return -1;
    }
    q->next = f->asks;
    f->asks = q;
    return 0;
}

/* A round: both nodes asked; decide() when both answered (or failed). */
static void start_round(struct failover *f)
{
    const char *other = other_of(f);

    f->round++;
    f->phase = PHASE_ASKING;
    f->waiting_for = 0;
    f->answer[0] = f->answer[1] = CLUSTER_NO_ANSWER;
    replace(&f->asked_other, other);
    if (ask(f, f->here, 0, 0) == 0)
        f->waiting_for++;
    if (other && ask(f, other, 1, 0) == 0)
        f->waiting_for++;
    if (f->waiting_for == 0)
        decide(f);
}

/* ---- the steps ---- */

static void connect_soon(struct failover *f, int moved_online)
{
    f->phase = PHASE_CONNECT;
    f->moved_online = moved_online;
    loop_timer_start(f->timer, 0);
}

/* Nobody to connect to now: the banner says why, the next round is
 * timed. */
static void wait_round(struct failover *f, const char *why)
{
    unsigned delay = backoff_lost(&f->backoff, loop_now_ms(), backoff_random());
    char h[160], o[160];
    const char *other = f->asked_other;

    f->phase = PHASE_WAITING;
    loop_timer_start(f->timer, delay);
    named(f, f->here, h, sizeof h);
    if (f->finesse == CLUSTER_PRESENCE_UNAVAILABLE)
        set_doing(f,
                  "Finesse on %s is UNAVAILABLE (the finesse user's "
                  "presence): waiting for it to be AVAILABLE and IN_SERVICE",
                  h);
    else
        set_doing(f,
                  "%s is %s%s%s%s: waiting for a node IN_SERVICE (%s; asking "
                  "again in %.0f s)",
                  h, cluster_answer_name(f->answer[0]), other ? ", " : "",
                  other ? named(f, other, o, sizeof o) : "",
                  other ? (f->answer[1] == CLUSTER_OUT_OF_SERVICE
                               ? " too"
                               : " does not answer")
                        : "",
                  why, delay / 1000.0);
}

static void decide(struct failover *f)
{
    struct cluster_view v;
    const char *why, *other = f->asked_other;
    char from[160], to[160];

    v.here = f->answer[0];
    v.other = f->answer[1];
    v.have_other = other != NULL;
    v.finesse = f->finesse;
    v.here_failures = f->here_failures;
    switch (cluster_decide(&v, &why)) {
    case CLUSTER_STAY:
        if (f->online) { /* it serves again: nothing to do */
            f->phase = PHASE_IDLE;
            set_doing(f, NULL);
            return;
        }
        named(f, f->here, from, sizeof from);
        set_doing(f, "Lost connection to %s. Reconnecting to it: %s", from,
                  why);
        connect_soon(f, 0);
        return;
    case CLUSTER_MOVE:
        named(f, f->here, from, sizeof from);
        named(f, other, to, sizeof to);
        if (f->online)
            set_doing(f, "Leaving %s for %s: %s", from, to, why);
        else
            set_doing(f, "Lost connection to %s. Connecting to %s: %s", from,
                      to, why);
        replace(&f->here, other);
        f->here_failures = 0;
        f->finesse = CLUSTER_PRESENCE_UNKNOWN;
        connect_soon(f, f->online);
        return;
    case CLUSTER_WAIT:
        wait_round(f, why);
        return;
    }
}

static void on_timer(void *arg)
{
    struct failover *f = arg;

    if (f->phase == PHASE_CONNECT) {
        f->phase = PHASE_CONNECTING;
        f->ev->connect(f->arg, f->moved_online);
        return;
    }
    if (f->phase == PHASE_WAITING)
        start_round(f);
}

/* ---- what the owner tells ---- */

int failover_lost(struct failover *f, unsigned delay_ms)
{
    char h[160];

    f->online = 0;
    if (f->moved_online) { /* a move closed the session: connect there */
        connect_soon(f, 0);
        return 1;
    }
    if (f->phase == PHASE_CONNECT)
        return 1;
    if (!failover_known(f)) {
        f->phase = PHASE_IDLE;
        return 0;
    }
    if (f->phase == PHASE_CONNECTING)
        f->here_failures++;
    f->finesse = CLUSTER_PRESENCE_UNKNOWN;
    /* the desktop's words; the link's back-off before asking */
    set_doing(f,
              "Lost connection to %s. Please wait for a reachable Finesse "
              "Server to be found…",
              named(f, f->here, h, sizeof h));
    f->phase = PHASE_WAITING;
    loop_timer_start(f->timer, delay_ms);
    return 1;
}

void failover_online(struct failover *f)
{
    f->online = 1;
    f->moved_online = 0; /* a move that found no session to close */
    replace(&f->was, f->here);
    f->phase = PHASE_IDLE;
    f->here_failures = 0;
    f->here_said = CLUSTER_NO_ANSWER;
    f->finesse = CLUSTER_PRESENCE_UNKNOWN;
    loop_timer_stop(f->timer);
    backoff_online(&f->backoff, loop_now_ms());
    f->backoff.attempt = 0;
    set_doing(f, NULL);
    if (f->ask_at_login)
        ask(f, f->here, 0, 1);
}

/* Online, something happened on this node: decide again (now). */
static void reconsider(struct failover *f)
{
    int bad = f->here_said == CLUSTER_OUT_OF_SERVICE ||
              f->finesse == CLUSTER_PRESENCE_UNAVAILABLE;
    char h[160];

    if (!f->online || f->phase == PHASE_CONNECT)
        return;
    if (!bad) {
        if (f->phase != PHASE_IDLE) {
            loop_timer_stop(f->timer);
            f->round++; /* answers of a round under way are old */
            f->phase = PHASE_IDLE;
            set_doing(f, NULL);
        }
        return;
    }
    if (f->phase != PHASE_IDLE || !failover_known(f))
        return;
    named(f, f->here, h, sizeof h);
    set_doing(f, "%s is %s: asking both nodes' SystemInfo", h,
              f->finesse == CLUSTER_PRESENCE_UNAVAILABLE
                  ? "UNAVAILABLE (the finesse user)"
                  : "OUT_OF_SERVICE");
    start_round(f);
}

void failover_learn(struct failover *f, json_t *ev)
{
    if (ev != NULL) {
        if (!is_systeminfo(ev))
            return;
        f->updates++;
        f->here_said = take_systeminfo(f, ev);
    }
    reconsider(f);
    if (f->ev->changed)
        f->ev->changed(f->arg);
}

unsigned failover_mark(const struct failover *f)
{
    return f->updates;
}

void failover_learn_answer(struct failover *f, json_t *ev, unsigned mark)
{
    enum cluster_answer a;

    if (ev == NULL || !is_systeminfo(ev))
        return;
    a = take_systeminfo(f, ev); /* the pair, always */
    if (mark == f->updates) {   /* else an Update since: newer, or as new */
        f->here_said = a;
        reconsider(f);
    }
    if (f->ev->changed)
        f->ev->changed(f->arg);
}

int failover_stanza(struct failover *f, xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *from = xmpp_stanza_get_from(st);
    const char *type = xmpp_stanza_get_type(st);
    struct jid j;
    char *cause = NULL;
    int finesse;

    if (name == NULL || strcmp(name, "presence") != 0 || from == NULL ||
        jid_parse(from, &j, &cause) != 0) {
        free(cause);
        return 0;
    }
    finesse = j.local && strcasecmp(j.local, "finesse") == 0 && f->domain &&
              strcasecmp(j.domain, f->domain) == 0;
    jid_done(&j);
    if (!finesse)
        return 0;
    f->finesse = type && strcmp(type, "unavailable") == 0
                     ? CLUSTER_PRESENCE_UNAVAILABLE
                     : CLUSTER_PRESENCE_AVAILABLE;
    reconsider(f);
    return 1;
}

int failover_ask(struct failover *f, const char *which, char **cause)
{
    const char *to = NULL, *other = other_of(f);
    char h[160];

    if (strcmp(which, "other") == 0)
        to = other;
    else if (strcmp(which, "primary") == 0)
        to = f->primary;
    else if (strcmp(which, "secondary") == 0)
        to = f->secondary;
    else {
        *cause = xasprintf("'%s' is not primary, secondary or other", which);
        return -1;
    }
    if (to == NULL || *to == '\0') {
        *cause = xasprintf("no %s node known (SystemInfo names the pair; "
                           "--alternate the other node)",
                           which);
        return -1;
    }
    if (cluster_host_equal(to, f->here) && f->online) {
        *cause = xasprintf("already on %s", named(f, f->here, h, sizeof h));
        return -1;
    }
    loop_timer_stop(f->timer);
    f->round++;
    replace(&f->here, to);
    f->here_failures = 0;
    f->finesse = CLUSTER_PRESENCE_UNKNOWN;
    set_doing(f, "Moving to %s, as asked", named(f, f->here, h, sizeof h));
    connect_soon(f, f->online);
    return 0;
}

/* ---- life ---- */

struct failover *failover_new(const struct failover_config *cfg,
                              const struct failover_events *ev, void *arg)
{
    struct failover *f = xcalloc(1, sizeof *f);

    f->loop = cfg->loop;
    f->ev = ev;
    f->arg = arg;
    f->start = xstrdup(cfg->host ? cfg->host : "");
    f->here = xstrdup(f->start);
    f->alternate = cfg->alternate ? xstrdup(cfg->alternate) : NULL;
    f->domain = cfg->domain ? xstrdup(cfg->domain) : NULL;
    f->ask_at_login = cfg->ask_at_login;
    backoff_init(&f->backoff);
    f->timer = loop_timer_new(cfg->loop, on_timer, f);
    return f;
}

void failover_free(struct failover *f)
{
    size_t i;

    if (f == NULL)
        return;
    for (i = 0; i < FAILOVER_CLIENTS; i++) {
        rest_free(f->clients[i].rest); /* no callbacks any more */
        free(f->clients[i].host);
    }
    while (f->asks)
        ask_free(f->asks);
    loop_timer_free(f->timer);
    free(f->start);
    free(f->here);
    free(f->alternate);
    free(f->domain);
    free(f->primary);
    free(f->secondary);
    free(f->asked_other);
    free(f->was);
    free(f);
}
