/* Well-formedness and shape check of raw stanzas, with expat. */
#include "xmlcheck.h"
#include "base/buf.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* The input is parsed inside this wrapper so that many stanzas form one
 * document; positions on the first line are shifted back by its length. */
static const char wrap_open[] = "<perch-input>";
static const char wrap_close[] = "</perch-input>";
#define WRAP_LEN (sizeof wrap_open - 1)
#define NS_SEP '\x01'

struct check {
    XML_Parser p;
    struct xml_spans *out;
    size_t cap;
    int depth;
    char *cause;
};

static void position(struct check *c, unsigned long *line, unsigned long *col)
{
    *line = XML_GetCurrentLineNumber(c->p);
    *col = XML_GetCurrentColumnNumber(c->p) + 1;
    if (*line == 1)
        *col = *col > WRAP_LEN ? *col - WRAP_LEN : 1;
}

static void fail(struct check *c, const char *what)
{
    unsigned long line, col;

    if (c->cause != NULL)
        return;
    position(c, &line, &col);
    c->cause = xasprintf("line %lu, column %lu: %s", line, col, what);
    XML_StopParser(c->p, XML_FALSE);
}

static const char *local_name(const char *name, const char **ns, size_t *nslen)
{
    const char *sep = strchr(name, NS_SEP);
    if (sep == NULL) {
        *ns = NULL;
        *nslen = 0;
        return name;
    }
    *ns = name;
    *nslen = (size_t)(sep - name);
    return sep + 1;
}

static int is_stanza_name(const char *local, const char *ns, size_t nslen)
{
    if (ns != NULL && !(nslen == 13 && strncmp(ns, "jabber:client", 13) == 0))
        return 0;
    return strcmp(local, "iq") == 0 || strcmp(local, "message") == 0 ||
           strcmp(local, "presence") == 0;
}

static void XMLCALL on_start(void *arg, const char *name, const char **attrs)
{
    struct check *c = arg;
    const char *ns, *local;
    size_t nslen;
    struct xml_span *s;
    (void)attrs;

    c->depth++;
    if (c->depth != 2) /* depth 1 is the wrapper */
        return;
    local = local_name(name, &ns, &nslen);
    if (!is_stanza_name(local, ns, nslen)) {
        char *what = ns == NULL
                         ? xasprintf("<%s> is not a stanza (expected iq, "
                                     "message or presence)",
                                     local)
                         : xasprintf("<%s xmlns='%.*s'> is not a stanza "
                                     "(expected iq, message or presence in "
                                     "jabber:client)",
                                     local, (int)nslen, ns);
        fail(c, what);
        free(what);
        return;
    }
    if (c->out->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->out->v = xrealloc(c->out->v, c->cap * sizeof *c->out->v);
    }
    s = &c->out->v[c->out->n++];
    memset(s, 0, sizeof *s);
    s->offset = (size_t)XML_GetCurrentByteIndex(c->p) - WRAP_LEN;
    strncpy(s->name, local, sizeof s->name - 1);
}

static void XMLCALL on_end(void *arg, const char *name)
{
    struct check *c = arg;
    (void)name;

    if (c->depth == 2 && c->out->n > 0) {
        struct xml_span *s = &c->out->v[c->out->n - 1];
        size_t end = (size_t)XML_GetCurrentByteIndex(c->p) +
                     (size_t)XML_GetCurrentByteCount(c->p) - WRAP_LEN;
        s->len = end - s->offset;
    }
    c->depth--;
}

static void XMLCALL on_text(void *arg, const char *s, int len)
{
    struct check *c = arg;
    int i;

    if (c->depth != 1)
        return;
    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') {
            fail(c, "text outside a stanza");
            return;
        }
}

static void XMLCALL on_doctype(void *arg, const char *name, const char *sysid,
                               const char *pubid, int has_internal)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    fail(arg, "a DOCTYPE is not allowed in XMPP");
}

static void XMLCALL on_pi(void *arg, const char *target, const char *data)
{
    (void)target;
    (void)data;
    fail(arg, "processing instructions are not allowed in XMPP");
}

static void XMLCALL on_comment(void *arg, const char *data)
{
    (void)data;
    fail(arg, "comments are not allowed in XMPP");
}

/* Errors found before parsing: "line L, column C: what" for byte offset
 * off, counted as expat counts (CR LF, CR or LF ends a line; a column is a
 * character, so UTF-8 continuation bytes do not count). */
static char *fail_at(const char *s, size_t off, const char *what)
{
    unsigned long line = 1, col = 1;
    size_t i;

    for (i = 0; i < off; i++) {
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n'))) {
            line++;
            col = 1;
        } else if (s[i] != '\r' && ((unsigned char)s[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    return xasprintf("line %lu, column %lu: %s", line, col, what);
}

static int feed(struct check *c, const char *s, size_t len, int final)
{
    if (XML_Parse(c->p, s, (int)len, final) != XML_STATUS_ERROR)
        return 0;
    if (c->cause == NULL)
        fail(c, XML_ErrorString(XML_GetErrorCode(c->p)));
    return -1;
}

int xmlcheck_stanzas(const char *input, size_t len, struct xml_spans *out,
                     char **cause)
{
    struct check c;
    const char *nul;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    *cause = NULL;
    if (len > XMLCHECK_MAX_INPUT) {
        char *what = xasprintf("input is larger than the %u MiB cap",
                               XMLCHECK_MAX_INPUT >> 20);
        *cause = fail_at(input, XMLCHECK_MAX_INPUT, what);
        free(what);
        return -1;
    }
    if ((nul = memchr(input, '\0', len)) != NULL) {
        *cause =
            fail_at(input, (size_t)(nul - input), "input contains a NUL byte");
        return -1;
    }
    c.p = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (c.p == NULL) {
        *cause = xstrdup("out of memory");
        return -1;
    }
    c.out = out;
    XML_SetUserData(c.p, &c);
    XML_SetElementHandler(c.p, on_start, on_end);
    XML_SetCharacterDataHandler(c.p, on_text);
    XML_SetStartDoctypeDeclHandler(c.p, on_doctype);
    XML_SetProcessingInstructionHandler(c.p, on_pi);
    XML_SetCommentHandler(c.p, on_comment);

    if (feed(&c, wrap_open, WRAP_LEN, 0) == 0 && feed(&c, input, len, 0) == 0) {
        if (c.depth > 1) {
            fail(&c, "the input ends inside an unclosed element");
        } else if (feed(&c, wrap_close, sizeof wrap_close - 1, 1) == 0) {
            if (out->n == 0)
                c.cause = fail_at(input, len, "no stanza in the input");
            else
                rc = 0;
        }
    }
    XML_ParserFree(c.p);
    if (rc != 0) {
        *cause = c.cause;
        xmlcheck_spans_done(out);
    }
    return rc;
}

void xmlcheck_spans_done(struct xml_spans *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}
