/* Building and reading BOSH bodies. */
#include "boshbody.h"
#include "base/buf.h"
#include "base/xml_escape.h"

#include <expat.h>
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

char *bosh_body_build(const struct bosh_request *r, size_t *len)
{
    struct buf b;
    char n[24];

    buf_init(&b);
    buf_puts(&b, "<body");
    snprintf(n, sizeof n, "%llu", r->rid);
    attr(&b, "rid", n);
    attr(&b, "xmlns", NS_HTTPBIND);
    if (r->sid == NULL) {
        snprintf(n, sizeof n, "%u", r->wait);
        attr(&b, "content", "text/xml; charset=utf-8");
        attr(&b, "hold", "1");
        attr(&b, "to", r->to);
        attr(&b, "ver", "1.6");
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

struct depth {
    XML_Parser p;
    int depth, too_deep;
};

static void XMLCALL depth_in(void *arg, const char *name, const char **attrs)
{
    struct depth *d = arg;
    (void)name;
    (void)attrs;
    if (++d->depth > BOSH_MAX_DEPTH) {
        d->too_deep = 1;
        XML_StopParser(d->p, XML_FALSE);
    }
}

static void XMLCALL depth_out(void *arg, const char *name)
{
    (void)name;
    ((struct depth *)arg)->depth--;
}

/* libstrophe builds and frees stanza trees recursively: a hostile server
 * must not choose the depth. Expat (no recursion) checks it first. */
static int too_deep(const char *text, size_t len)
{
    struct depth d = {XML_ParserCreateNS(NULL, '\x01'), 0, 0};

    if (d.p == NULL)
        return 1;
    XML_SetUserData(d.p, &d);
    XML_SetElementHandler(d.p, depth_in, depth_out);
    XML_Parse(d.p, text, (int)len, XML_TRUE);
    XML_ParserFree(d.p);
    return d.too_deep;
}

xmpp_stanza_t *bosh_body_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                               char **cause)
{
    xmpp_stanza_t *body;
    char *copy;

    if (text == NULL || len == 0) {
        *cause = xstrdup("empty response");
        return NULL;
    }
    if (len > BOSH_MAX_RESPONSE) {
        *cause = xasprintf("response larger than %u bytes", BOSH_MAX_RESPONSE);
        return NULL;
    }
    if (memchr(text, '\0', len) != NULL) {
        *cause = xstrdup("response holds a NUL byte");
        return NULL;
    }
    if (too_deep(text, len)) {
        *cause = xasprintf("response nests elements deeper than %d levels",
                           BOSH_MAX_DEPTH);
        return NULL;
    }
    copy = xstrndup(text, len);
    body = xmpp_stanza_new_from_string(ctx, copy);
    free(copy);
    if (body == NULL) {
        *cause = xstrdup("response is not well-formed XML");
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
    char *msg;

    buf_init(&d);
    if (cond && strcmp(cond, "see-other-uri") == 0 &&
        (c = xmpp_stanza_get_child_by_name(body, "uri")) != NULL) {
        char *t = xmpp_stanza_get_text(c);
        buf_printf(&d, ": use %s", t ? t : "?");
        xmpp_free(ctx, t);
    } else if (cond && strcmp(cond, "remote-stream-error") == 0 &&
               (c = xmpp_stanza_get_child_by_name(body, "error")) != NULL) {
        for (k = xmpp_stanza_get_children(c); k; k = xmpp_stanza_get_next(k)) {
            if (xmpp_stanza_is_text(k))
                continue;
            if (strcmp(xmpp_stanza_get_name(k), "text") == 0) {
                char *t = xmpp_stanza_get_text(k);
                buf_printf(&d, " (%s)", t ? t : "");
                xmpp_free(ctx, t);
            } else {
                buf_printf(&d, ": %s", xmpp_stanza_get_name(k));
            }
        }
    }
    msg = xasprintf("BOSH session terminated by the server: %s%s",
                    cond ? cond : "no condition given", d.data ? d.data : "");
    buf_done(&d);
    return msg;
}
