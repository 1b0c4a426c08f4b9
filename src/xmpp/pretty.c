/* Pretty printer for stanzas: what a person reads instead of raw XML. */
#include "pretty.h"
#include "base/buf.h"
#include "base/sanitize.h"

#include <stdlib.h>
#include <string.h>

#define INDENT 2
#define INLINE_TEXT_MAX 72

#define C_TAG "\033[1;34m"
#define C_ATTR "\033[36m"
#define C_VALUE "\033[32m"
#define C_RESET "\033[0m"

struct frame {
    xmpp_stanza_t *st;
    xmpp_stanza_t *next_child; /* NULL once all children are printed */
};

static int is_blank(const char *s)
{
    return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static int cmp_attr(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    if (strcmp(x[0], "xmlns") == 0)
        return -1;
    if (strcmp(y[0], "xmlns") == 0)
        return 1;
    return strcmp(x[0], y[0]);
}

static void indent(struct buf *b, size_t depth)
{
    size_t i;
    if (depth > PRETTY_MAX_INDENT) /* keeps the output linear in the input */
        depth = PRETTY_MAX_INDENT;
    for (i = 0; i < depth * INDENT; i++)
        buf_append(b, " ", 1);
}

/* Everything of the server's is sanitised here, before the colours: names
 * shown visibly ("<U+202E>"), values and text as character references. */
static void name(struct buf *b, const char *s)
{
    sanitize_text(b, s, strlen(s), SANITIZE_LINE);
}

static void text(struct buf *b, const char *s)
{
    sanitize_xml(b, s, strlen(s), 0);
}

/* An xmlns equal to the parent's (pns) is not shown: libstrophe copies
 * the inherited namespace onto every child. */
static void open_tag(struct buf *b, xmpp_stanza_t *st, const char *pns,
                     int color, int empty)
{
    int n = xmpp_stanza_get_attribute_count(st), i;
    const char **attrs;

    buf_printf(b, "%s<", color ? C_TAG : "");
    name(b, xmpp_stanza_get_name(st));
    if (n > 0) {
        attrs = xcalloc((size_t)n * 2, sizeof *attrs);
        n = xmpp_stanza_get_attributes(st, attrs, n * 2) / 2;
        qsort(attrs, (size_t)n, 2 * sizeof *attrs, cmp_attr);
        for (i = 0; i < n; i++) {
            if (strcmp(attrs[2 * i], "xmlns") == 0 && pns &&
                strcmp(attrs[2 * i + 1], pns) == 0)
                continue;
            buf_printf(b, " %s", color ? C_ATTR : "");
            name(b, attrs[2 * i]);
            buf_printf(b, "=%s'", color ? C_VALUE : "");
            sanitize_xml(b, attrs[2 * i + 1], strlen(attrs[2 * i + 1]), 1);
            buf_puts(b, "'");
        }
        free(attrs);
    }
    buf_printf(b, "%s%s>%s", color ? C_TAG : "", empty ? "/" : "",
               color ? C_RESET : "");
}

static void close_tag(struct buf *b, xmpp_stanza_t *st, int color)
{
    buf_printf(b, "%s</", color ? C_TAG : "");
    name(b, xmpp_stanza_get_name(st));
    buf_printf(b, ">%s", color ? C_RESET : "");
}

/* An element whose only content is one short line of text. */
static const char *inline_text(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c = xmpp_stanza_get_children(st);
    const char *t;

    if (c == NULL || xmpp_stanza_get_next(c) != NULL || !xmpp_stanza_is_text(c))
        return NULL;
    t = xmpp_stanza_get_text_ptr(c);
    if (t == NULL || strlen(t) > INLINE_TEXT_MAX || strchr(t, '\n'))
        return NULL;
    return t;
}

static int has_content(xmpp_stanza_t *st)
{
    xmpp_stanza_t *c;
    for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
        if (!xmpp_stanza_is_text(c) || !is_blank(xmpp_stanza_get_text_ptr(c)))
            return 1;
    return 0;
}

/* Nesting of the elements in s, counted lexically, is at most max (so
 * that libstrophe, which builds and frees trees recursively, may parse
 * it). */
static int shallow(const char *s, int max)
{
    int depth = 0;

    for (; *s; s++) {
        if (s[0] != '<')
            continue;
        if (s[1] == '/')
            depth--;
        else if (s[1] != '?' && s[1] != '!' && ++depth > max)
            return 0;
    }
    return 1;
}

/* Text that is itself escaped XML (a Finesse <Update>), parsed and printed
 * as elements under a comment; 0 when it is not. */
static int print_embedded(struct buf *b, xmpp_stanza_t *st, const char *t,
                          size_t depth, int flags)
{
    xmpp_stanza_t *inner;
    char *text, *line, *save = NULL;

    if (*t != '<' || !shallow(t, 64))
        return 0;
    inner = xmpp_stanza_new_from_string(xmpp_stanza_get_context(st), t);
    if (inner == NULL)
        return 0;
    text = pretty_stanza(inner, flags & ~PRETTY_EMBEDDED);
    xmpp_stanza_release(inner);
    buf_puts(b, "<!-- escaped XML in the text, shown parsed: -->\n");
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        indent(b, depth);
        buf_puts(b, line);
        buf_puts(b, "\n");
    }
    free(text);
    return 1;
}

/* Prints st's start; returns 1 when children follow on their own lines. */
static int print_start(struct buf *b, xmpp_stanza_t *st, const char *pns,
                       size_t depth, int flags)
{
    int color = (flags & PRETTY_COLOR) != 0;
    const char *t;

    indent(b, depth);
    if (xmpp_stanza_is_text(st)) {
        t = xmpp_stanza_get_text_ptr(st);
        if ((flags & PRETTY_EMBEDDED) &&
            print_embedded(b, st, t + strspn(t, " \t\r\n"), depth, flags))
            return 0;
        text(b, t + strspn(t, " \t\r\n"));
        while (b->len > 0 && strchr(" \t\r\n", b->data[b->len - 1]))
            b->data[--b->len] = '\0';
        buf_puts(b, "\n");
        return 0;
    }
    if (!has_content(st)) {
        open_tag(b, st, pns, color, 1);
        buf_puts(b, "\n");
        return 0;
    }
    if ((t = inline_text(st)) != NULL) {
        open_tag(b, st, pns, color, 0);
        text(b, t);
        close_tag(b, st, color);
        buf_puts(b, "\n");
        return 0;
    }
    open_tag(b, st, pns, color, 0);
    buf_puts(b, "\n");
    return 1;
}

static xmpp_stanza_t *next_printable(xmpp_stanza_t *c)
{
    while (c && xmpp_stanza_is_text(c) && is_blank(xmpp_stanza_get_text_ptr(c)))
        c = xmpp_stanza_get_next(c);
    return c;
}

char *pretty_stanza(xmpp_stanza_t *st, int flags)
{
    struct buf b;
    struct frame *stack = NULL;
    size_t depth = 0, cap = 0;
    int color = (flags & PRETTY_COLOR) != 0;

    buf_init(&b);
    if (!print_start(&b, st, NULL, 0, flags))
        return buf_steal(&b);
    cap = 16;
    stack = xmalloc(cap * sizeof *stack);
    stack[0].st = st;
    stack[0].next_child = next_printable(xmpp_stanza_get_children(st));
    depth = 1;
    while (depth > 0) {
        struct frame *f = &stack[depth - 1];
        xmpp_stanza_t *c = f->next_child;

        if (c == NULL) {
            indent(&b, depth - 1);
            close_tag(&b, f->st, color);
            buf_puts(&b, "\n");
            depth--;
            continue;
        }
        f->next_child = next_printable(xmpp_stanza_get_next(c));
        if (print_start(&b, c, xmpp_stanza_get_ns(f->st), depth, flags)) {
            if (depth == cap) {
                cap *= 2;
                stack = xrealloc(stack, cap * sizeof *stack);
            }
            stack[depth].st = c;
            stack[depth].next_child =
                next_printable(xmpp_stanza_get_children(c));
            depth++;
        }
    }
    free(stack);
    return buf_steal(&b);
}
