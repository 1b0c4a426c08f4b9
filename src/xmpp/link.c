/* A session kept alive: new attempts after a loss, by the back-off. */
#include "link.h"
#include "backoff.h"
#include "base/buf.h"
#include "base/loop.h"
#include "id.h"
#include "jid.h"

#include <stdlib.h>
#include <string.h>

struct link {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct session_config cfg; /* strings owned (console borrowed) */
    link_transport_fn transport;
    void *transport_arg;
    enum link_retry retry;
    const struct link_events *ev;
    void *ev_arg;

    struct session *session;
    struct backoff backoff;
    struct loop_timer *retry_timer;
    double retry_at_ms; /* 0: no attempt scheduled */
    unsigned logins;
    int online, closing;
    char *restarting; /* link_restart's why, until the close */
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int link_fail_is_final(enum perch_fail why)
{
    return why == FAIL_AUTH || why == FAIL_CERT || why == FAIL_PLAINTEXT ||
           why == FAIL_SASL_MECH;
}

/* ---- the session's events ---- */

static void on_ready(void *arg, const char *bound)
{
    struct link *l = arg;

    l->online = 1;
    l->logins++;
    backoff_online(&l->backoff, loop_now_ms());
    l->ev->online(l->ev_arg, bound, l->logins);
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct link *l = arg;
    if (l->ev->stanza)
        l->ev->stanza(l->ev_arg, st);
}

/* Whether a loss (why) is followed by another attempt. */
static int will_retry(const struct link *l, enum perch_fail why)
{
    if (l->closing || why == FAIL_CLOSED || why == FAIL_NONE ||
        link_fail_is_final(why))
        return 0;
    return l->retry == LINK_ALWAYS ||
           (l->retry == LINK_AFTER_LOGIN && l->logins > 0);
}

static void on_closed(void *arg, enum perch_fail why, const char *cause)
{
    struct link *l = arg;
    unsigned delay;

    l->online = 0;
    if (l->restarting) { /* left for another attempt at once */
        char *said = l->restarting;
        l->restarting = NULL;
        l->closing = 0;
        l->retry_at_ms = loop_now_ms();
        loop_timer_start(l->retry_timer, 0);
        if (l->ev->lost)
            l->ev->lost(l->ev_arg, FAIL_NETWORK, said, l->backoff.attempt, 0);
        free(said);
        return;
    }
    if (l->closing && why != FAIL_CLOSED && why != FAIL_NONE)
        why = FAIL_CLOSED; /* asked to close: whatever came first */
    if (!will_retry(l, why)) {
        l->closing = 0;
        l->ev->closed(l->ev_arg, why, cause);
        return;
    }
    delay = backoff_lost(&l->backoff, loop_now_ms(), backoff_random());
    l->retry_at_ms = loop_now_ms() + delay;
    loop_timer_start(l->retry_timer, delay);
    if (l->ev->lost)
        l->ev->lost(l->ev_arg, why, cause ? cause : "connection lost",
                    l->backoff.attempt, delay);
}

static void on_record(void *arg, const struct transport_record *rec)
{
    struct link *l = arg;
    if (l->ev->record)
        l->ev->record(l->ev_arg, rec);
}

static void on_params(void *arg, const struct transport_params *p)
{
    struct link *l = arg;
    if (l->ev->params)
        l->ev->params(l->ev_arg, p);
}

static void on_trouble(void *arg, const char *cause)
{
    struct link *l = arg;
    if (l->ev->trouble)
        l->ev->trouble(l->ev_arg, cause);
}

static const struct session_events link_session_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .closed = on_closed,
    .record = on_record,
    .params = on_params,
    .trouble = on_trouble,
};

/* ---- attempts ---- */

/* The last attempt's session is freed here, outside its callbacks. */
static int attempt(struct link *l, char **cause)
{
    session_free(l->session);
    l->retry_at_ms = 0;
    loop_timer_stop(l->retry_timer);
    l->online = 0;
    l->closing = 0;
    l->session = session_new(l->loop, l->ctx, l->transport(l->transport_arg),
                             &l->cfg, &link_session_events, l);
    if (l->ev->connecting)
        l->ev->connecting(l->ev_arg);
    return session_connect(l->session, cause);
}

static void on_retry(void *arg)
{
    struct link *l = arg;
    char *cause = NULL;

    if (attempt(l, &cause) != 0) {
        on_closed(l, FAIL_NETWORK, cause);
        free(cause);
    }
}

int link_connect(struct link *l, char **cause)
{
    if (attempt(l, cause) == 0)
        return 0;
    if (!will_retry(l, FAIL_NETWORK))
        return -1;
    on_closed(l, FAIL_NETWORK, *cause);
    free(*cause);
    *cause = NULL;
    return 0;
}

int link_close(struct link *l)
{
    int open;

    loop_timer_stop(l->retry_timer);
    l->retry_at_ms = 0;
    free(l->restarting); /* closed for good, not for another node */
    l->restarting = NULL;
    open = l->session && session_active(l->session);
    if (!open)
        return 0;
    l->closing = 1;
    session_close(l->session);
    return 1;
}

void link_hold(struct link *l)
{
    loop_timer_stop(l->retry_timer);
    l->retry_at_ms = 0;
}

int link_restart(struct link *l, const char *why)
{
    if (l->session == NULL || !session_active(l->session))
        return 0;
    loop_timer_stop(l->retry_timer);
    free(l->restarting);
    l->restarting = xstrdup(why);
    l->closing = 1;
    session_close(l->session);
    return 1;
}

/* ---- life cycle ---- */

struct link *link_new(struct loop *loop, xmpp_ctx_t *ctx,
                      const struct link_config *cfg,
                      const struct link_events *ev, void *arg)
{
    struct link *l = xcalloc(1, sizeof *l);
    struct jid j;
    char *cause = NULL;

    l->loop = loop;
    l->ctx = ctx;
    l->cfg = cfg->session;
    l->cfg.jid = dup_or_null(cfg->session.jid);
    l->cfg.password = dup_or_null(cfg->session.password);
    l->cfg.sasl_mech = dup_or_null(cfg->session.sasl_mech);
    l->cfg.resource = dup_or_null(cfg->session.resource);
    if (l->cfg.resource == NULL && cfg->session.jid &&
        jid_parse(cfg->session.jid, &j, &cause) == 0) {
        if (j.resource == NULL) {
            char r[5];
            id_random_alnum(r, 4);
            l->cfg.resource = xasprintf("perch-%s", r);
        }
        jid_done(&j);
    }
    free(cause);
    l->transport = cfg->transport;
    l->transport_arg = cfg->transport_arg;
    l->retry = cfg->retry;
    l->ev = ev;
    l->ev_arg = arg;
    backoff_init(&l->backoff);
    l->retry_timer = loop_timer_new(loop, on_retry, l);
    return l;
}

void link_free(struct link *l)
{
    if (l == NULL)
        return;
    session_free(l->session);
    loop_timer_free(l->retry_timer);
    free(l->restarting);
    if (l->cfg.password) {
        explicit_bzero((char *)l->cfg.password, strlen(l->cfg.password));
        free((char *)l->cfg.password);
    }
    free((char *)l->cfg.jid);
    free((char *)l->cfg.sasl_mech);
    free((char *)l->cfg.resource);
    free(l);
}

struct session *link_session(struct link *l)
{
    return l->session;
}

const char *link_password(const struct link *l)
{
    return l->cfg.password;
}

int link_online(const struct link *l)
{
    return l->online;
}

double link_retry_at_ms(const struct link *l)
{
    return l->retry_at_ms;
}

unsigned link_attempt(const struct link *l)
{
    return l->backoff.attempt;
}
