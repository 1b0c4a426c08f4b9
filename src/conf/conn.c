/* The transport and the pubsub service the CONN options name. */
#include "conn.h"
#include "base/buf.h"
#include "evidence/recorder.h"
#include "rest/rest.h"
#include "rest/restmsg.h"
#include "xmpp/bosh.h"
#include "xmpp/boshbody.h"
#include "xmpp/jid.h"
#include "xmpp/tcp.h"
#include "xmpp/ws.h"

#include <stdlib.h>
#include <string.h>

/* The trust and proxy options, as every HTTP user takes them (strings
 * borrowed from o). */
static struct http_tls trust_of(const struct conn_opts *o)
{
    struct http_tls t;

    t.ca_file = o->ca_file;
    t.pin = o->pin;
    t.insecure = o->insecure;
    t.proxy = o->proxy;
    return t;
}

struct transport *conn_transport(struct loop *loop, xmpp_ctx_t *ctx,
                                 const struct conn_opts *o)
{
    struct transport *t;
    struct jid j;
    char *cause = NULL;

    jid_parse(o->jid, &j, &cause); /* checked by conn_opts_check */
    if (o->bosh) {
        struct bosh_config bcfg;
        memset(&bcfg, 0, sizeof bcfg);
        bcfg.url = o->bosh;
        bcfg.domain = j.domain;
        bcfg.tls = trust_of(o);
        bcfg.wait = o->bosh_wait;
        bcfg.timeout = o->bosh_timeout;
        bcfg.profile = bosh_profile_find(o->bosh_profile);
        t = bosh_new(loop, ctx, &bcfg);
    } else if (o->ws) {
        struct ws_config wcfg;
        memset(&wcfg, 0, sizeof wcfg);
        wcfg.url = o->ws;
        wcfg.domain = j.domain;
        wcfg.tls = trust_of(o);
        wcfg.ping_s = o->ws_ping;
        wcfg.follow_other_hosts = o->ws_follow_other_hosts;
        t = ws_new(loop, ctx, &wcfg);
    } else {
        struct tcp_config tcfg;
        memset(&tcfg, 0, sizeof tcfg);
        tcfg.domain = j.domain;
        tcfg.host = o->server;
        tcfg.port = o->port;
        tcfg.tls = o->tls;
        tcfg.ca_file = o->ca_file;
        tcfg.pin = o->pin;
        tcfg.insecure = o->insecure;
        t = tcp_new(loop, ctx, &tcfg);
    }
    jid_done(&j);
    return t;
}

/* Where url's host starts and ends (the user info skipped). */
static const char *url_host(const char *url, const char **end)
{
    const char *u = strstr(url, "://"), *stop, *at;

    if (u == NULL)
        return NULL;
    u += 3;
    stop = u + strcspn(u, "/?#");
    if ((at = memchr(u, '@', (size_t)(stop - u))) != NULL)
        u = at + 1;
    if (*u == '[')
        *end = u + strcspn(u, "]") + (u[strcspn(u, "]")] == ']');
    else
        *end = u + strcspn(u, ":/?#");
    return u;
}

char *conn_url_at(const char *url, const char *host)
{
    const char *end = NULL, *u = url_host(url, &end);
    int v6 = strchr(host, ':') && host[0] != '[';

    if (u == NULL)
        return xstrdup(url);
    return xasprintf("%.*s%s%s%s%s", (int)(u - url), url, v6 ? "[" : "", host,
                     v6 ? "]" : "", end);
}

struct transport *conn_transport_at(struct loop *loop, xmpp_ctx_t *ctx,
                                    const struct conn_opts *o, const char *host)
{
    struct conn_opts at;
    struct transport *t;
    char *url = NULL;

    if (host == NULL)
        return conn_transport(loop, ctx, o);
    at = *o;
    if (o->bosh)
        at.bosh = url = conn_url_at(o->bosh, host);
    else if (o->ws)
        at.ws = url = conn_url_at(o->ws, host);
    else
        at.server = (char *)host;
    t = conn_transport(loop, ctx, &at); /* copies what it keeps */
    free(url);
    return t;
}

struct recorder *conn_recorder(const struct conn_opts *o, const char *command,
                               char **cause)
{
    struct recorder_header h;
    char *server = NULL, *host;
    struct recorder *r;

    *cause = NULL;
    if (o->record == NULL)
        return NULL;
    h.command = command;
    h.account = o->jid;
    if (strcmp(command, "rest") == 0) {
        struct jid j;
        char *why = NULL;
        h.transport = "rest";
        if (jid_parse(o->jid, &j, &why) == 0) {
            server = rest_base(o->rest, o->server, j.domain);
            jid_done(&j);
        }
        free(why);
    } else if (o->bosh) {
        h.transport = "bosh";
        server = xstrdup(o->bosh);
    } else if (o->ws) {
        h.transport = "ws";
        server = xstrdup(o->ws);
    } else {
        h.transport = "tcp";
        host = conn_host(o);
        server = xasprintf("%s:%u", host, o->port ? o->port : 5222);
        free(host);
    }
    h.server = server;
    r = recorder_open(o->record, &h, cause);
    if (r == NULL) {
        char *why = xasprintf("--record %s", *cause);
        free(*cause);
        *cause = why;
    }
    free(server);
    return r;
}

char *conn_service(const struct conn_opts *o)
{
    struct jid j;
    char *cause = NULL, *service;

    if (o->service)
        return xstrdup(o->service);
    if (jid_parse(o->jid, &j, &cause) != 0) {
        free(cause);
        return xstrdup("pubsub");
    }
    service = xasprintf("pubsub.%s", j.domain);
    jid_done(&j);
    return service;
}

char *conn_host(const struct conn_opts *o)
{
    const char *url = o->bosh ? o->bosh : o->ws, *u, *end = NULL;
    struct jid j;
    char *cause = NULL, *host;

    if (url && (u = url_host(url, &end)) != NULL)
        return xstrndup(u, (size_t)(end - u));
    if (o->server)
        return xstrdup(o->server);
    if (jid_parse(o->jid, &j, &cause) != 0) {
        free(cause);
        return xstrdup("");
    }
    host = xstrdup(j.domain);
    jid_done(&j);
    return host;
}

char *conn_bare(const struct conn_opts *o)
{
    struct jid j;
    char *cause = NULL, *bare;

    if (o->jid == NULL || jid_parse(o->jid, &j, &cause) != 0) {
        free(cause);
        return xstrdup("");
    }
    bare = jid_bare(&j);
    jid_done(&j);
    return bare;
}

struct rest *conn_rest(struct loop *loop, xmpp_ctx_t *ctx,
                       const struct conn_opts *o, const char *password,
                       unsigned timeout_ms, struct recorder *rec, char **cause)
{
    struct rest_config cfg;
    struct rest *r;
    struct jid j;
    char *base;

    if (jid_parse(o->jid, &j, cause) != 0)
        return NULL;
    base = rest_base(o->rest, o->server, j.domain);
    memset(&cfg, 0, sizeof cfg);
    cfg.base = base;
    cfg.user = j.local;
    cfg.password = password;
    cfg.tls = trust_of(o);
    cfg.allow_plaintext_auth = o->allow_plaintext_auth;
    cfg.timeout_ms = timeout_ms;
    cfg.recorder = rec;
    r = rest_new(loop, ctx, &cfg, cause);
    free(base);
    jid_done(&j);
    return r;
}

struct rest *conn_rest_at(struct loop *loop, xmpp_ctx_t *ctx,
                          const struct conn_opts *o, const char *password,
                          unsigned timeout_ms, const char *host,
                          struct recorder *rec, char **cause)
{
    struct conn_opts at;
    struct rest *r;
    char *url = NULL;

    if (host == NULL)
        return conn_rest(loop, ctx, o, password, timeout_ms, rec, cause);
    at = *o;
    if (o->rest)
        at.rest = url = conn_url_at(o->rest, host);
    else
        at.server = (char *)host;
    r = conn_rest(loop, ctx, &at, password, timeout_ms, rec, cause);
    free(url);
    return r;
}
