/* The Console's one-line gist of a stanza (console_gist.h). */
#include "console_gist.h"
#include "app/app_gist.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "decode/decode.h"
#include "xmpp/pubsub.h"
#include "xmpp/session.h"

#include <stdlib.h>
#include <string.h>

#define NS_PING "urn:xmpp:ping"
#define NS_TIME "urn:xmpp:time"
#define NS_DISCO "http://jabber.org/protocol/disco#"

struct events {
    struct buf *b;
    size_t n;
};

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct events *e = arg;
    json_t *ev;

    if (e->n++ > 0)
        return; /* the first; the others counted */
    ev = decode_event(pubsub_event_kind_name(kind), node, el);
    app_event_words(e->b, ev);
    json_decref(ev);
}

static xmpp_stanza_t *first_element(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c;

    for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c))
            return c;
    return NULL;
}

static size_t count_children(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c;
    size_t n = 0;

    for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
        n +=
            xmpp_stanza_is_tag(c) && strcmp(xmpp_stanza_get_name(c), name) == 0;
    return n;
}

/* An iq's query: its namespace or element, and the node it names. */
static void iq_words(struct buf *b, xmpp_stanza_t *st, const char *type)
{
    xmpp_stanza_t *q = first_element(st), *op;
    const char *ns = q ? xmpp_stanza_get_ns(q) : NULL, *node;

    if (q == NULL)
        return;
    if (ns && strcmp(ns, NS_PING) == 0) {
        buf_puts(b, "ping");
    } else if (ns && strcmp(ns, NS_TIME) == 0) {
        buf_puts(b, "time");
    } else if (ns && strncmp(ns, NS_DISCO, strlen(NS_DISCO)) == 0) {
        buf_printf(b, "disco#%s", ns + strlen(NS_DISCO));
        if (strcmp(type, "result") == 0 &&
            strcmp(ns + strlen(NS_DISCO), "items") == 0) {
            size_t n = count_children(q, "item");
            buf_printf(b, " → %zu item%s", n, n == 1 ? "" : "s");
        } else if ((node = xmpp_stanza_get_attribute(q, "node")) != NULL)
            buf_printf(b, " %s", node);
    } else if (ns && strncmp(ns, NS_PUBSUB, strlen(NS_PUBSUB)) == 0 &&
               (op = first_element(q)) != NULL) {
        buf_puts(b, xmpp_stanza_get_name(op));
        if ((node = xmpp_stanza_get_attribute(op, "node")) != NULL)
            buf_printf(b, " %s", node);
        if (strcmp(xmpp_stanza_get_name(op), "items") == 0 &&
            strcmp(type, "result") == 0) {
            size_t n = count_children(op, "item");
            buf_printf(b, " → %zu item%s", n, n == 1 ? "" : "s");
        }
    } else {
        buf_puts(b, xmpp_stanza_get_name(q));
    }
}

char *console_gist(xmpp_stanza_t *st)
{
    const char *name = xmpp_stanza_get_name(st);
    const char *type = xmpp_stanza_get_type(st);
    struct buf b;
    struct events e;

    buf_init(&b);
    if (type && strcmp(type, "error") == 0) {
        buf_printf(&b, "error %s", session_error_condition(st, NULL, NULL));
    } else if (strcmp(name, "message") == 0) {
        e.b = &b;
        e.n = 0;
        pubsub_dispatch(st, on_event, &e);
        if (e.n > 1)
            buf_printf(&b, " (+%zu more)", e.n - 1);
    } else if (strcmp(name, "iq") == 0) {
        iq_words(&b, st, type ? type : "");
    }
    if (b.len == 0) {
        buf_done(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* Characters (code points) of s. */
static size_t chars(const char *s)
{
    size_t n = 0;
    uint32_t cp;

    while (*s) {
        s += utf8_next(s, &cp);
        n++;
    }
    return n;
}

/* The byte offset after the first n characters of s. */
static size_t bytes_of(const char *s, size_t n)
{
    const char *p = s;
    uint32_t cp;

    while (*p && n-- > 0)
        p += utf8_next(p, &cp);
    return (size_t)(p - s);
}

char *console_gist_fit(const char *gist, int width, int utf8)
{
    const char *dots = utf8 ? "…" : "...";
    size_t w = width > 0 ? (size_t)width : 0, nd = utf8 ? 1 : 3, have, head;
    const char *path = NULL, *p;

    have = chars(gist);
    if (have <= w)
        return xstrdup(gist);
    for (p = gist; (p = strstr(p, " /")) != NULL; p++)
        path = p + 1;
    if (path) { /* cut the path from the left: its end says the most */
        head = have - chars(path); /* characters before the path */
        if (head + nd + 1 <= w) {
            size_t keep = w - head - nd, plen = chars(path);
            const char *tail = path + bytes_of(path, plen - keep);
            const char *slash = strchr(tail + (*tail == '/'), '/');
            if (*tail != '/' && slash && strchr(slash + 1, '/'))
                tail = slash; /* from a whole path segment */
            return xasprintf("%.*s%s%s", (int)(path - gist), gist, dots, tail);
        }
    }
    if (w <= nd)
        return xstrndup(gist, bytes_of(gist, w));
    return xasprintf("%.*s%s", (int)bytes_of(gist, w - nd), gist, dots);
}

char *console_cut_left(const char *s, int width, int utf8)
{
    const char *dots = utf8 ? "…" : "...";
    size_t w = width > 0 ? (size_t)width : 0, nd = utf8 ? 1 : 3;
    size_t have = chars(s);

    if (have <= w || w <= nd)
        return xstrdup(s);
    return xasprintf("%s%s", dots, s + bytes_of(s, have - (w - nd)));
}
