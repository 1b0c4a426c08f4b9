/* The decoders' XML tree: expat builder, stanza copy, walks, escaping. */
#include "xnode.h"
#include "base/buf.h"
#include "base/xml_escape.h"
#include "xmpp/xmlstream.h"

#include <expat.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_SEP '\x01'
#define XML_NS "http://www.w3.org/XML/1998/namespace"

struct builder {
    XML_Parser p;
    struct xnode *root, *cur;
    struct buf text; /* the current text run, not yet a node */
    unsigned depth;
    size_t nodes;
    char *cause;
};

static void append_child(struct xnode *parent, struct xnode *c)
{
    c->parent = parent;
    if (parent->last)
        parent->last->next = c;
    else
        parent->first = c;
    parent->last = c;
}

static struct xnode *text_node(const char *s, size_t len)
{
    struct xnode *n = xcalloc(1, sizeof *n);

    n->text = xstrndup(s, len);
    n->text_len = len;
    return n;
}

static void free_one(struct xnode *n)
{
    char **a;

    free(n->name);
    free(n->ns);
    free(n->text);
    for (a = n->attr; a && *a; a++)
        free(*a);
    free(n->attr);
    free(n);
}

void xnode_free(struct xnode *n)
{
    struct xnode *cur = n, *next;

    /* Children are unlinked as they are entered, so each node is left
     * for the last time once it has none: then it is freed. */
    while (cur) {
        if (cur->first) {
            next = cur->first;
            cur->first = next->next;
            cur = next;
            continue;
        }
        next = cur == n ? NULL : cur->parent;
        free_one(cur);
        cur = next;
    }
}

/* --- expat builder --- */

static void fail(struct builder *b, const char *what)
{
    if (b->cause == NULL)
        b->cause = xasprintf(
            "line %lu, column %lu: %s",
            (unsigned long)XML_GetCurrentLineNumber(b->p),
            (unsigned long)XML_GetCurrentColumnNumber(b->p) + 1, what);
    XML_StopParser(b->p, XML_FALSE);
}

static int count_node(struct builder *b)
{
    if (++b->nodes <= XNODE_MAX_NODES)
        return 0;
    fail(b, "too many elements (the limit is 250000)");
    return -1;
}

static void flush_text(struct builder *b)
{
    if (b->text.len == 0 || b->cur == NULL)
        return;
    if (count_node(b) == 0)
        append_child(b->cur, text_node(b->text.data, b->text.len));
    b->text.len = 0;
    b->text.data[0] = '\0';
}

/* "uri\1local" -> local, with the URI in *ns (new string) when asked. */
static char *split_name(const char *name, char **ns)
{
    const char *sep = strchr(name, NS_SEP);

    if (ns)
        *ns = sep ? xstrndup(name, (size_t)(sep - name)) : NULL;
    if (sep == NULL)
        return xstrdup(name);
    if (ns == NULL && (size_t)(sep - name) == sizeof XML_NS - 1 &&
        strncmp(name, XML_NS, sizeof XML_NS - 1) == 0)
        return xasprintf("xml:%s", sep + 1);
    return xstrdup(sep + 1);
}

static void XMLCALL on_start(void *arg, const char *name, const char **attrs)
{
    struct builder *b = arg;
    struct xnode *n;
    size_t i, count = 0;

    if (b->cause)
        return;
    flush_text(b);
    if (b->depth >= XNODE_MAX_DEPTH) {
        fail(b, "elements nested deeper than 64 levels");
        return;
    }
    while (attrs[count])
        count += 2;
    if (count / 2 > XMLSTREAM_MAX_ATTRS) {
        fail(b, "an element with more than 256 attributes");
        return;
    }
    if (count_node(b) != 0)
        return;
    n = xcalloc(1, sizeof *n);
    n->name = split_name(name, &n->ns);
    if (count > 0) {
        n->attr = xcalloc(count + 1, sizeof *n->attr);
        for (i = 0; i < count; i += 2) {
            n->attr[i] = split_name(attrs[i], NULL);
            n->attr[i + 1] = xstrdup(attrs[i + 1]);
        }
    }
    if (b->cur)
        append_child(b->cur, n);
    else
        b->root = n;
    b->cur = n;
    b->depth++;
}

static void XMLCALL on_end(void *arg, const char *name)
{
    struct builder *b = arg;
    (void)name;

    if (b->cause || b->cur == NULL)
        return;
    flush_text(b);
    b->cur = b->cur->parent;
    b->depth--;
}

static void XMLCALL on_text(void *arg, const char *s, int len)
{
    struct builder *b = arg;

    if (b->cause == NULL && b->cur != NULL && len > 0)
        buf_append(&b->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *arg, const char *name, const char *sysid,
                               const char *pubid, int has_internal)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    fail(arg, "a DOCTYPE is not allowed");
}

struct xnode *xnode_parse(const char *text, size_t len, char **cause)
{
    struct builder b;
    int ok;

    *cause = NULL;
    while (len > 0 && *text != '\0' && strchr(" \t\r\n", *text)) {
        text++;
        len--;
    }
    if (len > INT_MAX) {
        *cause = xstrdup("the document is too large");
        return NULL;
    }
    memset(&b, 0, sizeof b);
    buf_init(&b.text);
    b.p = XML_ParserCreateNS(NULL, NS_SEP);
    if (b.p == NULL) {
        *cause = xstrdup("out of memory");
        return NULL;
    }
    XML_SetUserData(b.p, &b);
    XML_SetElementHandler(b.p, on_start, on_end);
    XML_SetCharacterDataHandler(b.p, on_text);
    XML_SetStartDoctypeDeclHandler(b.p, on_doctype);
    XML_SetParamEntityParsing(b.p, XML_PARAM_ENTITY_PARSING_NEVER);
    ok = XML_Parse(b.p, text, (int)len, XML_TRUE) == XML_STATUS_OK &&
         b.cause == NULL && b.root != NULL;
    if (!ok && b.cause == NULL)
        b.cause = xasprintf("line %lu, column %lu: %s",
                            (unsigned long)XML_GetCurrentLineNumber(b.p),
                            (unsigned long)XML_GetCurrentColumnNumber(b.p) + 1,
                            XML_ErrorString(XML_GetErrorCode(b.p)));
    XML_ParserFree(b.p);
    buf_done(&b.text);
    if (!ok) {
        xnode_free(b.root);
        *cause = b.cause;
        return NULL;
    }
    return b.root;
}

/* --- copy of a libstrophe tree --- */

static struct xnode *copy_one(xmpp_stanza_t *st)
{
    struct xnode *n;
    const char **attrs;
    int count, i, j;

    if (xmpp_stanza_is_text(st)) {
        const char *t = xmpp_stanza_get_text_ptr(st);
        return text_node(t ? t : "", t ? strlen(t) : 0);
    }
    n = xcalloc(1, sizeof *n);
    n->name = xstrdup(xmpp_stanza_get_name(st) ? xmpp_stanza_get_name(st) : "");
    if (xmpp_stanza_get_ns(st))
        n->ns = xstrdup(xmpp_stanza_get_ns(st));
    count = xmpp_stanza_get_attribute_count(st);
    if (count > 0) {
        attrs = xcalloc((size_t)count * 2, sizeof *attrs);
        count = xmpp_stanza_get_attributes(st, attrs, count * 2) / 2;
        n->attr = xcalloc((size_t)count * 2 + 1, sizeof *n->attr);
        for (i = 0, j = 0; i < count; i++) {
            if (strcmp(attrs[2 * i], "xmlns") == 0)
                continue;
            n->attr[j++] = xstrdup(attrs[2 * i]);
            n->attr[j++] = xstrdup(attrs[2 * i + 1]);
        }
        free(attrs);
    }
    return n;
}

struct xnode *xnode_from_stanza(xmpp_stanza_t *st, char **cause)
{
    /* stack[d] is the source node copied as cur, d levels below the top */
    xmpp_stanza_t *stack[XNODE_MAX_DEPTH + 1], *c;
    struct xnode *root, *cur, *n;
    size_t nodes = 1;
    int d = 0;

    *cause = NULL;
    root = cur = copy_one(st);
    stack[0] = st;
    for (;;) {
        c = cur->name ? xmpp_stanza_get_children(stack[d]) : NULL;
        while (c == NULL && d > 0) {
            /* no (more) children here: the next sibling, climbing */
            c = xmpp_stanza_get_next(stack[d]);
            cur = cur->parent;
            d--;
        }
        if (c == NULL)
            return root;
        if (d + 1 >= XNODE_MAX_DEPTH || ++nodes > XNODE_MAX_NODES) {
            *cause = xstrdup(d + 1 >= XNODE_MAX_DEPTH
                                 ? "elements nested deeper than 64 levels"
                                 : "too many elements (the limit is 250000)");
            xnode_free(root);
            return NULL;
        }
        n = copy_one(c);
        append_child(cur, n);
        cur = n;
        stack[++d] = c;
    }
}

/* --- walks --- */

int xnode_is(const struct xnode *n, const char *name)
{
    return n && n->name && strcasecmp(n->name, name) == 0;
}

struct xnode *xnode_next_element(const struct xnode *n)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (n->name)
            return (struct xnode *)n;
    return NULL;
}

struct xnode *xnode_first_element(const struct xnode *n)
{
    const struct xnode *c = n ? n->first : NULL;

    if (c == NULL || c->name)
        return (struct xnode *)c;
    return xnode_next_element(c);
}

struct xnode *xnode_next_named(const struct xnode *n, const char *name)
{
    for (n = xnode_next_element(n); n; n = xnode_next_element(n))
        if (xnode_is(n, name))
            return (struct xnode *)n;
    return NULL;
}

struct xnode *xnode_child(const struct xnode *n, const char *name)
{
    struct xnode *c = xnode_first_element(n);

    if (c == NULL || xnode_is(c, name))
        return c;
    return xnode_next_named(c, name);
}

const char *xnode_text(const struct xnode *n)
{
    const struct xnode *c;

    for (c = n ? n->first : NULL; c; c = c->next)
        if (c->name == NULL)
            return c->text;
    return "";
}

const char *xnode_attr(const struct xnode *n, const char *name)
{
    char **a;

    for (a = n ? n->attr : NULL; a && a[0]; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

/* --- serializing --- */

static int same_ns(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void open_tag(struct buf *b, const struct xnode *n, int top)
{
    char **a;

    if (n->name == NULL) {
        xml_escape(b, n->text, n->text_len, XML_TEXT);
        return;
    }
    buf_printf(b, "<%s", n->name);
    if (top ? n->ns != NULL : !same_ns(n->ns, n->parent->ns)) {
        buf_puts(b, " xmlns='");
        if (n->ns)
            xml_escape_str(b, n->ns, XML_ALL);
        buf_puts(b, "'");
    }
    for (a = n->attr; a && a[0]; a += 2) {
        buf_printf(b, " %s='", a[0]);
        xml_escape_str(b, a[1], XML_ALL);
        buf_puts(b, "'");
    }
    buf_puts(b, n->first ? ">" : "/>");
}

void xnode_serialize(const struct xnode *n, struct buf *b)
{
    const struct xnode *cur = n;

    for (;;) {
        open_tag(b, cur, cur == n);
        if (cur->name && cur->first) {
            cur = cur->first;
            continue;
        }
        while (cur != n && cur->next == NULL) {
            cur = cur->parent;
            buf_printf(b, "</%s>", cur->name);
        }
        if (cur == n)
            return;
        cur = cur->next;
    }
}

/* --- character hygiene --- */

/* Length of the valid UTF-8 sequence at s (its code point in *cp), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len, i;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

static int xml_char_ok(uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Length of a character reference "&#N;" / "&#xH;" at s naming a
 * character XML forbids; 0 when it is not such a reference. */
static size_t bad_char_ref(const char *s, size_t n)
{
    size_t i = 2, digits = 0;
    int hex;
    uint32_t c = 0;

    if (n < 4 || s[0] != '&' || s[1] != '#')
        return 0;
    hex = s[2] == 'x';
    if (hex)
        i++;
    for (; i < n && digits < 9; i++, digits++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9')
            c = c * (hex ? 16 : 10) + (uint32_t)(ch - '0');
        else if (hex && ch >= 'a' && ch <= 'f')
            c = c * 16 + (uint32_t)(ch - 'a' + 10);
        else if (hex && ch >= 'A' && ch <= 'F')
            c = c * 16 + (uint32_t)(ch - 'A' + 10);
        else
            break;
    }
    if (digits == 0 || i >= n || s[i] != ';')
        return 0;
    if (digits >= 9 || !xml_char_ok(c))
        return i + 1;
    return 0;
}

char *xml_sanitize(const char *text, size_t len, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)text;
    struct buf b;
    size_t i = 0, k;
    uint32_t cp;
    int changed = 0;

    buf_init(&b);
    buf_append(&b, "", 0);
    while (i < len) {
        if (s[i] == '&' && (k = bad_char_ref(text + i, len - i)) > 0) {
            i += k;
            changed = 1;
            continue;
        }
        k = utf8_seq(s + i, len - i, &cp);
        if (k == 0 || !xml_char_ok(cp)) {
            i += k ? k : 1;
            changed = 1;
            continue;
        }
        buf_append(&b, text + i, k);
        i += k;
    }
    if (!changed) {
        buf_done(&b);
        return NULL;
    }
    *out_len = b.len;
    return buf_steal(&b);
}

/* 1 when the n bytes at s are all ASCII, read a word at a time. */
static int all_ascii(const char *s, size_t n)
{
    uint64_t w, high = 0;

    for (; n >= sizeof w; s += sizeof w, n -= sizeof w) {
        memcpy(&w, s, sizeof w);
        high |= w;
    }
    while (n-- > 0)
        high |= (unsigned char)*s++;
    return (high & 0x8080808080808080ULL) == 0;
}

json_t *json_text(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    json_t *j;
    struct buf b;
    size_t i = 0, k;
    uint32_t cp;

    /* ASCII is UTF-8: what jansson's check would find, without its walk
     * (a decoded event's text nearly always is) */
    j = all_ascii(s, len) ? json_stringn_nocheck(s, len) : json_stringn(s, len);
    if (j)
        return j;
    buf_init(&b);
    buf_append(&b, "", 0);
    while (i < len) {
        k = utf8_seq(u + i, len - i, &cp);
        if (k == 0) {
            buf_puts(&b, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
            continue;
        }
        buf_append(&b, s + i, k);
        i += k;
    }
    j = json_stringn(b.data, b.len);
    buf_done(&b);
    return j ? j : json_string("");
}

json_t *json_str(const char *s)
{
    return json_text(s ? s : "", s ? strlen(s) : 0);
}
