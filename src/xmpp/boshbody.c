/* Building and reading BOSH bodies. */
#include "boshbody.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xml_escape.h"
#include "xmlstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_HTTPBIND "http://jabber.org/protocol/httpbind"
#define NS_XBOSH "urn:xmpp:xbosh"

static void attr(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, " %s='", name);
    xml_escape_str(b, value, XML_ALL); /* the values are ours; stay safe */
    buf_puts(b, "'");
}

static const struct bosh_profile profiles[] = {
    /* perch's own: a request unanswered is resent once (then the server
     * is silent), one that failed up to 5 times */
    {"perch", "1.6", 1, 60, 10, 5, 4, 1, 2, {0, 1000, 2000, 3000, 4000}},
    /* the Finesse desktop's (jabberwerx): 3 resends whatever failed; a
     * second request only while fewer than two are open; what a response
     * brought is read before the next request leaves */
    {"desktop", "1.9", 1, 30, 5, 3, 2, 0, 4, {500, 2000, 4500}},
};

const struct bosh_profile *bosh_profile_find(const char *name)
{
    size_t i;

    if (name == NULL || *name == '\0')
        return &profiles[0];
    for (i = 0; i < sizeof profiles / sizeof *profiles; i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

const char *bosh_profile_names(void)
{
    return "perch, desktop";
}

char *bosh_body_build(const struct bosh_request *r, size_t *len)
{
    struct buf b;
    char n[24], h[24];

    buf_init(&b);
    buf_puts(&b, "<body");
    snprintf(n, sizeof n, "%llu", r->rid);
    attr(&b, "rid", n);
    attr(&b, "xmlns", NS_HTTPBIND);
    if (r->sid == NULL) {
        snprintf(n, sizeof n, "%u", r->wait);
        snprintf(h, sizeof h, "%u", r->hold ? r->hold : 1);
        attr(&b, "content", "text/xml; charset=utf-8");
        attr(&b, "hold", h);
        attr(&b, "to", r->to);
        attr(&b, "ver", r->ver ? r->ver : "1.6");
        attr(&b, "wait", n);
        attr(&b, "xml:lang", "en");
        attr(&b, "xmpp:version", "1.0");
        attr(&b, "xmlns:xmpp", NS_XBOSH);
    } else {
        attr(&b, "sid", r->sid);
    }
    if (r->restart && r->sid != NULL) {
        attr(&b, "to", r->to);
        attr(&b, "xml:lang", "en");
        attr(&b, "xmpp:restart", "true");
        attr(&b, "xmlns:xmpp", NS_XBOSH);
    }
    if (r->terminate)
        attr(&b, "type", "terminate");
    if (r->payload_len > 0) {
        buf_puts(&b, ">");
        buf_append(&b, r->payload, r->payload_len);
        buf_puts(&b, "</body>");
    } else {
        buf_puts(&b, "/>");
    }
    *len = b.len;
    return buf_steal(&b);
}

unsigned long long bosh_rid_next(unsigned long long rid)
{
    return rid >= BOSH_RID_MAX ? 1 : rid + 1;
}

xmpp_stanza_t *bosh_body_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                               char **cause)
{
    struct xmlstream_limits lim;
    enum xmlstream_fault fault;
    xmpp_stanza_t *body;
    char *why = NULL;

    if (text == NULL || len == 0) {
        *cause = xstrdup("empty response");
        return NULL;
    }
    if (memchr(text, '\0', len) != NULL) {
        *cause = xstrdup("response holds a NUL byte");
        return NULL;
    }
    xmlstream_limits_default(&lim);
    lim.max_stanza = BOSH_MAX_RESPONSE;
    lim.max_depth = BOSH_MAX_DEPTH;
    body = xmlstream_parse_document(ctx, text, len, &lim, &fault, &why);
    if (body == NULL) {
        *cause = xasprintf("response %s%s",
                           fault == XS_FAULT_SYNTAX ? "is " : "refused: ", why);
        free(why);
        return NULL;
    }
    if (strcmp(xmpp_stanza_get_name(body), "body") != 0) {
        *cause = xasprintf("response is <%s/>, not a BOSH <body/>",
                           xmpp_stanza_get_name(body));
        xmpp_stanza_release(body);
        return NULL;
    }
    return body;
}

static unsigned attr_uint(xmpp_stanza_t *body, const char *name)
{
    const char *v = xmpp_stanza_get_attribute(body, name);
    char *end;
    unsigned long n;

    if (v == NULL || *v < '0' || *v > '9')
        return 0;
    n = strtoul(v, &end, 10);
    return *end == '\0' && n < 100000 ? (unsigned)n : 0;
}

void bosh_body_params(xmpp_stanza_t *body, unsigned asked_wait,
                      struct transport_params *p)
{
    const char *ver = xmpp_stanza_get_attribute(body, "ver");

    memset(p, 0, sizeof *p);
    p->wait = attr_uint(body, "wait");
    p->requests = attr_uint(body, "requests");
    p->polling = attr_uint(body, "polling");
    p->inactivity = attr_uint(body, "inactivity");
    p->hold = attr_uint(body, "hold");
    p->maxpause = attr_uint(body, "maxpause");
    snprintf(p->ver, sizeof p->ver, "%s", ver ? ver : "");
    if (p->wait == 0 || p->wait > asked_wait)
        p->wait = asked_wait;
}

int bosh_body_is(xmpp_stanza_t *body, const char *type)
{
    const char *t = xmpp_stanza_get_type(body);
    return t != NULL && strcmp(t, type) == 0;
}

char *bosh_terminate_cause(xmpp_stanza_t *body)
{
    const char *cond = xmpp_stanza_get_attribute(body, "condition");
    xmpp_ctx_t *ctx = xmpp_stanza_get_context(body);
    xmpp_stanza_t *c, *k;
    struct buf d;
    char *clean, *msg;

    buf_init(&d);
    if (cond && strcmp(cond, "see-other-uri") == 0 &&
        (c = xmpp_stanza_get_child_by_name(body, "uri")) != NULL) {
        char *t = xmpp_stanza_get_text(c);
        buf_puts(&d, ": use ");
        sanitize_text(&d, t ? t : "?", t ? strlen(t) : 1, SANITIZE_LINE);
        xmpp_free(ctx, t);
    } else if (cond && strcmp(cond, "remote-stream-error") == 0 &&
               (c = xmpp_stanza_get_child_by_name(body, "error")) != NULL) {
        for (k = xmpp_stanza_get_children(c); k; k = xmpp_stanza_get_next(k)) {
            if (xmpp_stanza_is_text(k))
                continue;
            if (strcmp(xmpp_stanza_get_name(k), "text") == 0) {
                char *t = xmpp_stanza_get_text(k);
                buf_puts(&d, " (");
                sanitize_text(&d, t ? t : "", t ? strlen(t) : 0, SANITIZE_LINE);
                buf_puts(&d, ")");
                xmpp_free(ctx, t);
            } else {
                buf_printf(&d, ": %s", xmpp_stanza_get_name(k));
            }
        }
    }
    clean = sanitize_str(cond ? cond : "no condition given", SANITIZE_LINE);
    msg = xasprintf("BOSH session terminated by the server: %s%s", clean,
                    d.data ? d.data : "");
    free(clean);
    buf_done(&d);
    return msg;
}
