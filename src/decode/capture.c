/*
 * decode_capture: finds the stanzas and <Update> documents in text pasted
 * from Fiddler or a browser (HTTP headers, BOSH bodies, a TCP stream's
 * opening tag...). One forgiving pass over the bytes pairs start and end
 * tags by depth; each outermost <message>, <iq> or <Update> is then parsed
 * on its own, so garbage between them costs nothing but itself.
 */
#define _GNU_SOURCE /* memmem */
#include "base/buf.h"
#include "decode.h"
#include "decoder.h"
#include "keys.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum span_kind { SPAN_STANZA = 1, SPAN_UPDATE, SPAN_BODY };

struct span {
    size_t start, end; /* end: one past its last '>'; 0 while unclosed */
    enum span_kind kind;
    char name[8];
};

struct lexer {
    const char *s;
    size_t len;
    struct span *v;
    size_t n, cap;
    long *stack; /* per open element: its span index, or -1 */
    size_t depth, stack_cap;
    size_t absent[3]; /* a terminator known absent from here on */
    int saw_body;
};

enum { TAG_EOF = -1, TAG_LT = -2 };

/* Index of the '>' ending the tag that starts at from, quotes honoured;
 * TAG_LT when a '<' comes first (not a tag), TAG_EOF at the end. */
static long tag_end(const struct lexer *lx, size_t from)
{
    char quote = 0;
    size_t j;

    for (j = from; j < lx->len; j++) {
        char c = lx->s[j];
        if (c == '<')
            return TAG_LT;
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return (long)j;
        }
    }
    return TAG_EOF;
}

/* Position after the terminator term (index which, for the cache) found
 * from from; from itself when there is none, so that the opener is
 * skipped as text. Each terminator is searched for to the end only once. */
static size_t skip_past(struct lexer *lx, size_t from, const char *term,
                        int which)
{
    size_t tl = strlen(term);
    const char *hit;

    if (lx->absent[which] && from >= lx->absent[which])
        return from;
    hit = memmem(lx->s + from, lx->len - from, term, tl);
    if (hit == NULL) {
        lx->absent[which] = from ? from : 1;
        return from;
    }
    return (size_t)(hit - lx->s) + tl;
}

static int name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || c >= 0x80;
}

static enum span_kind classify(const char *name, size_t n)
{
    const char *colon = memchr(name, ':', n);

    while (colon) { /* the local name follows the last prefix */
        n -= (size_t)(colon + 1 - name);
        name = colon + 1;
        colon = memchr(name, ':', n);
    }
    if ((n == 7 && memcmp(name, "message", 7) == 0) ||
        (n == 2 && memcmp(name, "iq", 2) == 0))
        return SPAN_STANZA;
    if (n == 6 && strncasecmp(name, "update", 6) == 0)
        return SPAN_UPDATE;
    if (n == 4 && memcmp(name, "body", 4) == 0)
        return SPAN_BODY;
    return 0;
}

static long add_span(struct lexer *lx, size_t start, enum span_kind kind,
                     const char *name, size_t nlen)
{
    struct span *sp;

    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 16;
        lx->v = xrealloc(lx->v, lx->cap * sizeof *lx->v);
    }
    sp = &lx->v[lx->n];
    memset(sp, 0, sizeof *sp);
    sp->start = start;
    sp->kind = kind;
    memcpy(sp->name, name, nlen < sizeof sp->name ? nlen : sizeof sp->name - 1);
    return (long)lx->n++;
}

static void push(struct lexer *lx, long span)
{
    if (lx->depth == lx->stack_cap) {
        lx->stack_cap = lx->stack_cap ? lx->stack_cap * 2 : 64;
        lx->stack = xrealloc(lx->stack, lx->stack_cap * sizeof *lx->stack);
    }
    lx->stack[lx->depth++] = span;
}

/* A start tag at i; returns where lexing goes on (len when it ran out). */
static size_t start_tag(struct lexer *lx, size_t i)
{
    const char *name = lx->s + i + 1;
    size_t nlen = 0;
    long end = tag_end(lx, i + 1), idx = -1;
    enum span_kind kind;
    int empty;

    while (i + 1 + nlen < lx->len && !strchr(" \t\r\n/><", name[nlen]))
        nlen++;
    if (end == TAG_LT)
        return i + 1;
    kind = classify(name, nlen);
    if (kind == SPAN_BODY) {
        lx->saw_body = 1;
        kind = 0;
    }
    if (kind)
        idx = add_span(lx, i, kind, name, nlen);
    if (end == TAG_EOF)
        return lx->len;
    empty = lx->s[end - 1] == '/';
    if (empty && idx >= 0)
        lx->v[idx].end = (size_t)end + 1;
    else if (!empty)
        push(lx, idx);
    return (size_t)end + 1;
}

static size_t end_tag(struct lexer *lx, size_t i)
{
    long end = tag_end(lx, i + 2), idx;

    if (end < 0)
        return i + 1;
    if (lx->depth > 0) {
        idx = lx->stack[--lx->depth];
        if (idx >= 0)
            lx->v[idx].end = (size_t)end + 1;
    }
    return (size_t)end + 1;
}

/* <!DOCTYPE ...> and the like: skipped whole. */
static size_t declaration(const struct lexer *lx, size_t i)
{
    long end = tag_end(lx, i + 2);

    return end < 0 ? i + 1 : (size_t)end + 1;
}

static int at(const struct lexer *lx, size_t i, const char *s)
{
    size_t n = strlen(s);
    return lx->len - i >= n && memcmp(lx->s + i, s, n) == 0;
}

static void lex(struct lexer *lx)
{
    size_t i = 0;
    const char *lt;

    while (i < lx->len) {
        lt = memchr(lx->s + i, '<', lx->len - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - lx->s);
        if (at(lx, i, "<!--"))
            i = skip_past(lx, i + 4, "-->", 0);
        else if (at(lx, i, "<![CDATA["))
            i = skip_past(lx, i + 9, "]]>", 1);
        else if (at(lx, i, "<?"))
            i = skip_past(lx, i + 2, "?>", 2);
        else if (at(lx, i, "</"))
            i = end_tag(lx, i);
        else if (at(lx, i, "<!"))
            i = declaration(lx, i);
        else if (i + 1 < lx->len && name_start((unsigned char)lx->s[i + 1]))
            i = start_tag(lx, i);
        else
            i++;
    }
}

/* --- turning spans into events --- */

struct emitter {
    void (*cb)(void *arg, json_t *event);
    void *arg;
    int count;
};

static void emit(struct emitter *em, json_t *ev)
{
    em->cb(em->arg, ev);
    em->count++;
}

static void emit_raw(struct emitter *em, const char *text, size_t len,
                     const char *why)
{
    json_t *ev = json_object();

    decode_set_raw(ev, text, len, why);
    emit(em, ev);
}

/* Every pubsub item of a parsed <message> or <iq>. */
static void emit_items(struct emitter *em, const struct xnode *st,
                       int sanitized)
{
    const char *service = xnode_attr(st, "from"); /* the pubsub service */
    const char *stamp = xnode_attr(xnode_child(st, "delay"), "stamp");
    const struct xnode *ps, *items, *item;
    json_t *ev;

    for (ps = xnode_first_element(st); ps; ps = xnode_next_element(ps)) {
        if (!xnode_is(ps, "event") && !xnode_is(ps, "pubsub"))
            continue;
        for (items = xnode_child(ps, "items"); items;
             items = xnode_next_named(items, "items")) {
            for (item = xnode_child(items, "item"); item;
                 item = xnode_next_named(item, "item")) {
                ev = json_object();
                if (stamp)
                    json_object_set_new(ev, EVK_TIME, json_str(stamp));
                if (service)
                    json_object_set_new(ev, EVK_SERVICE, json_str(service));
                json_object_update_new(
                    ev, decode_item_tree(xnode_attr(items, "node"), item));
                if (sanitized)
                    json_object_set_new(ev, EVK_SANITIZED, json_true());
                emit(em, ev);
            }
        }
    }
}

static void emit_stanza(struct emitter *em, const char *text, size_t len,
                        const char *name)
{
    struct xnode *st;
    char *cause = NULL, *again = NULL, *clean, *why;
    size_t clean_len;
    int sanitized = 0;

    if ((st = xnode_parse(text, len, &cause)) == NULL &&
        (clean = xml_sanitize(text, len, &clean_len)) != NULL) {
        st = xnode_parse(clean, clean_len, &again);
        sanitized = st != NULL;
        free(again);
        free(clean);
    }
    if (st == NULL) {
        why = xasprintf("the <%s> does not parse: %s", name, cause);
        emit_raw(em, text, len, why);
        free(why);
    } else {
        emit_items(em, st, sanitized);
        xnode_free(st);
    }
    free(cause);
}

static void emit_span(struct emitter *em, const struct lexer *lx,
                      const struct span *sp, int *truncation_told)
{
    const char *text = lx->s + sp->start;
    size_t len = sp->end - sp->start;
    char *why;

    if (sp->end == 0) {
        /* The rest of the input is inside it: say so once, not again for
         * every unclosed element within. */
        if (!*truncation_told) {
            why = xasprintf("the input ends inside this <%s> (truncated?)",
                            sp->name);
            emit_raw(em, text, lx->len - sp->start, why);
            free(why);
        }
        *truncation_told = 1;
        return;
    }
    if (len > DECODE_MAX_STANZA) {
        why = xasprintf("this <%s> is %zu bytes, more than the limit of %u",
                        sp->name, len, DECODE_MAX_STANZA);
        emit_raw(em, text, len, why);
        free(why);
    } else if (sp->kind == SPAN_UPDATE) {
        emit(em, decode_update_text(NULL, text, len));
    } else {
        emit_stanza(em, text, len, sp->name);
    }
}

static int capture(const char *input, size_t len,
                   void (*cb)(void *arg, json_t *event), void *arg,
                   char **cause);

/* Pasted text still escaped once ("&lt;Update&gt;", a <notification>'s
 * text) or twice ("&amp;lt;Update&amp;gt;", from a log that escaped it
 * again) holds no element: each round undoes one level, at most two,
 * while an escaped <Update> is what it holds. */
int decode_capture(const char *input, size_t len,
                   void (*cb)(void *arg, json_t *event), void *arg,
                   char **cause)
{
    static const char *const escaped[] = {"&lt;Update", "&amp;lt;Update"};
    char *plain = NULL, *next, *ignored = NULL;
    const char *text = input;
    size_t plen = len, round;
    int n = capture(input, len, cb, arg, cause);

    for (round = 0; n < 0 && round < 2 && len <= DECODE_MAX_CAPTURE; round++) {
        if (memmem(text, plen, escaped[0], 10) == NULL &&
            (round > 0 || memmem(text, plen, escaped[1], 14) == NULL))
            break;
        next = decode_unescape_once(text, plen, &plen);
        free(plain);
        text = plain = next;
        n = capture(text, plen, cb, arg, &ignored);
        free(ignored);
        ignored = NULL;
    }
    free(plain);
    if (n >= 0) {
        free(*cause);
        *cause = NULL;
    }
    return n;
}

static int capture(const char *input, size_t len,
                   void (*cb)(void *arg, json_t *event), void *arg,
                   char **cause)
{
    struct lexer lx;
    struct emitter em = {cb, arg, 0};
    size_t i, done_to = 0;
    int truncation_told = 0;

    *cause = NULL;
    if (len > DECODE_MAX_CAPTURE) {
        *cause = xasprintf("the input is %zu bytes, more than the limit of %u",
                           len, DECODE_MAX_CAPTURE);
        return -1;
    }
    memset(&lx, 0, sizeof lx);
    lx.s = input;
    lx.len = len;
    lex(&lx);
    if (lx.n == 0 && !lx.saw_body) {
        *cause = xstrdup("no <message>, <iq>, <body> or <Update> element in "
                         "the input");
        free(lx.stack);
        return -1;
    }
    for (i = 0; i < lx.n; i++) {
        if (lx.v[i].start < done_to)
            continue; /* inside one already decoded */
        emit_span(&em, &lx, &lx.v[i], &truncation_told);
        if (lx.v[i].end)
            done_to = lx.v[i].end;
    }
    free(lx.v);
    free(lx.stack);
    return em.count;
}
