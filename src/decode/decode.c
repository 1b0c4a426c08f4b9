/* The decoder registry: a pubsub item or an <Update> text in, one event out. */
#include "decode.h"
#include "base/buf.h"
#include "decoder.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "keys.h"
#include "sax.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Children of an <item> the fast path looks through before it leaves the
 * item to the tree path (which bounds what it copies). */
#define FAST_MAX_CHILDREN 64

/* Asked in order; the generic decoder takes whatever is left. */
static const struct decoder *const decoders[] = {
    &finesse_decoder,
    &generic_decoder,
};

void decode_set_raw(json_t *o, const char *text, size_t len, const char *why)
{
    size_t keep = len;

    json_object_set_new(o, EVK_KIND, json_string(EV_KIND_RAW));
    if (text != NULL) {
        if (keep > DECODE_MAX_DOC) {
            keep = DECODE_MAX_DOC;
            /* not in the middle of a UTF-8 sequence */
            while (keep > 0 && ((unsigned char)text[keep] & 0xc0) == 0x80)
                keep--;
        }
        json_object_set_new(o, EVK_RAW, json_text(text, keep));
        if (keep < len)
            json_object_set_new(o, EVK_RAW_LENGTH,
                                json_integer((json_int_t)len));
    }
    json_object_set_new(o, EVK_ERROR, json_str(why));
}

/* What a browser's or Fiddler's raw view shows of a <notification> is its
 * text still escaped: capture.c and finesse.c read it through this. */
char *decode_unescape_once(const char *s, size_t len, size_t *outlen)
{
    static const struct {
        const char *from;
        size_t n;
        char to;
    } ents[] = {{"&lt;", 4, '<'},
                {"&gt;", 4, '>'},
                {"&amp;", 5, '&'},
                {"&quot;", 6, '"'},
                {"&apos;", 6, '\''}};
    char *out = xmalloc(len + 1);
    size_t i = 0, o = 0, k;

    while (i < len) {
        for (k = 0; k < sizeof ents / sizeof *ents; k++)
            if (len - i >= ents[k].n &&
                memcmp(s + i, ents[k].from, ents[k].n) == 0)
                break;
        if (k < sizeof ents / sizeof *ents) {
            out[o++] = ents[k].to;
            i += ents[k].n;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* Moves every field of from (consumed) to the end of to. */
static void take_fields(json_t *to, json_t *from)
{
    json_object_update(to, from);
    json_decref(from);
}

json_t *decode_item_tree(const char *node, const struct xnode *item)
{
    json_t *ev = json_object();
    const struct xnode *payload = xnode_first_element(item);
    const char *id = xnode_attr(item, "id");
    size_t i;

    if (node)
        json_object_set_new(ev, EVK_NODE, json_str(node));
    if (id)
        json_object_set_new(ev, EVK_ITEM, json_str(id));
    if (payload == NULL) {
        decode_set_raw(ev, NULL, 0, "the item carries no payload");
        return ev;
    }
    for (i = 0; i < sizeof decoders / sizeof decoders[0]; i++)
        if (decoders[i]->match(node, payload->name, payload->ns)) {
            take_fields(ev, decoders[i]->decode(node, payload));
            break;
        }
    return ev;
}

json_t *decode_item_by_tree(const char *node, xmpp_stanza_t *item)
{
    struct xnode *x;
    json_t *ev;
    char *cause = NULL, *why;
    const char *id;

    if (item == NULL || (x = xnode_from_stanza(item, &cause)) == NULL) {
        ev = json_object();
        if (node)
            json_object_set_new(ev, EVK_NODE, json_str(node));
        id = item ? xmpp_stanza_get_attribute(item, "id") : NULL;
        if (id)
            json_object_set_new(ev, EVK_ITEM, json_str(id));
        why = xasprintf("the item cannot be decoded: %s",
                        cause ? cause : "there is none");
        decode_set_raw(ev, NULL, 0, why);
        free(why);
        free(cause);
        return ev;
    }
    ev = decode_item_tree(node, x);
    xnode_free(x);
    return ev;
}

/* The event of anything but an item. */
static json_t *other_event(const char *kind, const char *node,
                           xmpp_stanza_t *el)
{
    json_t *ev = json_object();
    const char *id, *state;

    json_object_set_new(ev, EVK_NODE, json_string(node ? node : ""));
    if ((id = xmpp_stanza_get_attribute(el, "id")) != NULL)
        json_object_set_new(ev, EVK_ITEM, json_string(id));
    json_object_set_new(ev, EVK_KIND, json_string(kind));
    if (strcmp(kind, EV_KIND_SUBSCRIPTION) == 0) {
        state = xmpp_stanza_get_attribute(el, "subscription");
        json_object_set_new(ev, EVK_SUBSCRIPTION,
                            json_string(state ? state : ""));
    }
    return ev;
}

json_t *decode_event(const char *kind, const char *node, xmpp_stanza_t *el)
{
    if (strcmp(kind, EV_KIND_ITEM) == 0)
        return decode_item(node, el);
    return other_event(kind, node, el);
}

json_t *decode_event_by_tree(const char *kind, const char *node,
                             xmpp_stanza_t *el)
{
    if (strcmp(kind, EV_KIND_ITEM) == 0)
        return decode_item_by_tree(node, el);
    return other_event(kind, node, el);
}

json_t *decode_update_text(const char *node, const char *text, size_t len)
{
    json_t *ev = json_object();

    if (node)
        json_object_set_new(ev, EVK_NODE, json_str(node));
    take_fields(ev,
                finesse_decode_text(node, text ? text : "", text ? len : 0));
    return ev;
}

json_t *decode_rest(const char *source, xmpp_stanza_t *root)
{
    json_t *ev = json_object(), *fields;
    struct xnode *x;
    char *cause = NULL, *why;

    if (source)
        json_object_set_new(ev, EVK_SOURCE, json_str(source));
    if ((x = xnode_from_stanza(root, &cause)) == NULL) {
        why = xasprintf("the body cannot be decoded: %s", cause);
        decode_set_raw(ev, NULL, 0, why);
        free(why);
        free(cause);
        return ev;
    }
    fields = finesse_decode_data(x);
    take_fields(ev, fields ? fields : generic_decoder.decode(source, x));
    xnode_free(x);
    return ev;
}

/* --- the JSON line of an event, written directly --- */

/* s as json_str() makes it: bytes that are not UTF-8 become U+FFFD. */
static void put_str(struct buf *b, const char *s)
{
    json_t *j;

    if (utf8_valid(s)) {
        sanitize_json_put(b, s, strlen(s));
        return;
    }
    j = json_str(s);
    sanitize_json_write(b, j, JSON_COMPACT);
    json_decref(j);
}

/* "{" and the stamp's members, as event_stamp_resync puts them first. */
static void put_stamp(struct buf *b, const struct decode_stamp *st)
{
    buf_puts(b, "{\"" EVK_TIME "\":");
    put_str(b, st->time);
    if (st->service && utf8_valid(st->service)) {
        buf_puts(b, ",\"" EVK_SERVICE "\":");
        sanitize_json_put(b, st->service, strlen(st->service));
    }
    if (st->resync)
        buf_puts(b, ",\"" EVK_RESYNC "\":true");
}

/* The Update text of an <item> whose payload is a <notification> holding
 * text alone, where decode_item would decode that text; NULL for any
 * other item (the tree path takes it). */
static const char *notification_text(const char *node, xmpp_stanza_t *item)
{
    xmpp_stanza_t *c, *payload = NULL, *text = NULL;
    const char *name, *t;
    size_t n = 0;

    for (c = xmpp_stanza_get_children(item); c; c = xmpp_stanza_get_next(c)) {
        if (++n > FAST_MAX_CHILDREN)
            return NULL;
        if (xmpp_stanza_is_text(c))
            continue;
        if (payload)
            return NULL; /* a second element: copied, and bounded, there */
        payload = c;
    }
    name = payload ? xmpp_stanza_get_name(payload) : NULL;
    if (name == NULL || strcasecmp(name, "notification") != 0)
        return NULL;
    for (c = xmpp_stanza_get_children(payload); c;
         c = xmpp_stanza_get_next(c)) {
        if (++n > FAST_MAX_CHILDREN || !xmpp_stanza_is_text(c))
            return NULL;
        if (text == NULL)
            text = c;
    }
    n = node ? strlen(node) : 0;
    if (n >= 10 && strcasecmp(node + n - 10, "/ClientLog") == 0)
        return NULL;
    t = text ? xmpp_stanza_get_text_ptr(text) : NULL;
    return t ? t : "";
}

/* The item's event through sax_update; -1 (b untouched) when it is not
 * one the fast path takes. */
static int write_fast(struct buf *b, const char *node, xmpp_stanza_t *item,
                      const struct decode_stamp *st)
{
    const char *text = item ? notification_text(node, item) : NULL;
    const char *id;
    size_t mark = b->len;

    if (text == NULL)
        return -1;
    put_stamp(b, st);
    if (node) {
        buf_puts(b, ",\"" EVK_NODE "\":");
        put_str(b, node);
    }
    if ((id = xmpp_stanza_get_attribute(item, "id")) != NULL) {
        buf_puts(b, ",\"" EVK_ITEM "\":");
        put_str(b, id);
    }
    if (sax_update(b, text, strlen(text)) != 0) {
        b->len = mark;
        if (b->data)
            b->data[mark] = '\0';
        return -1;
    }
    buf_append(b, "}", 1);
    return 0;
}

json_t *decode_item(const char *node, xmpp_stanza_t *item)
{
    const char *text = item ? notification_text(node, item) : NULL;
    const char *id;
    json_t *ev;

    if (text == NULL)
        return decode_item_by_tree(node, item);
    ev = json_object();
    if (node)
        json_object_set_new(ev, EVK_NODE, json_str(node));
    if ((id = xmpp_stanza_get_attribute(item, "id")) != NULL)
        json_object_set_new(ev, EVK_ITEM, json_str(id));
    if (sax_update_object(ev, text, strlen(text)) == 0)
        return ev;
    json_decref(ev);
    return decode_item_by_tree(node, item);
}

int decode_event_write(struct buf *b, const char *kind, const char *node,
                       xmpp_stanza_t *el, const struct decode_stamp *st)
{
    json_t *ev, *v;
    const char *key;
    int rc = 0;

    if (strcmp(kind, EV_KIND_ITEM) == 0 && write_fast(b, node, el, st) == 0)
        return 0;
    ev = decode_event_by_tree(kind, node, el);
    put_stamp(b, st);
    json_object_foreach(ev, key, v)
    {
        buf_append(b, ",", 1);
        sanitize_json_put(b, key, strlen(key));
        buf_append(b, ":", 1);
        if ((rc = sanitize_json_write(b, v, JSON_COMPACT)) != 0)
            break;
    }
    buf_append(b, "}", 1);
    json_decref(ev);
    return rc;
}
