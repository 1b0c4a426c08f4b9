/*
 * The bounded input path (xmlstream.h): expat reads, this file counts and
 * builds libstrophe stanzas with an explicit stack of open elements.
 *
 * Costs stay linear in the input: text is appended with its length known
 * (libstrophe's own parser re-scans it with strncat), attributes are
 * capped before libstrophe's fixed-size attribute table sees them, and an
 * unfinished tag may not grow past max_token bytes, which bounds what
 * expat 2.5 re-reads each time more of that tag arrives.
 */
#include "xmlstream.h"
#include "base/buf.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/*
 * libstrophe 0.12 appends a child by walking its siblings from the first
 * (xmpp_stanza_add_child_ex), so an element with n children costs n²/2
 * steps: 3 s for a 20,000-node disco#items, minutes for a hostile
 * 100,000-stanza BOSH body. The builder knows each open element's last
 * child and links a new one after it. That needs the layout of
 * libstrophe 0.12's stanza object (its src/common.h), which strophe.h
 * leaves incomplete: the type is completed here with the fields up to
 * parent, and links_known() checks them against the public API once;
 * with another libstrophe, or a layout that differs, the builder falls
 * back to xmpp_stanza_add_child_ex and its cost.
 */
struct _xmpp_stanza_t {
    int ref;
    xmpp_ctx_t *ctx;
    int type;
    xmpp_stanza_t *prev;
    xmpp_stanza_t *next;
    xmpp_stanza_t *children;
    xmpp_stanza_t *parent;
};

/* expat's separator between namespace and local name (as libstrophe's) */
#define NS_SEP '\x1F'
/* input handed to expat at a time, so limits are checked between slices */
#define SLICE (64u << 10)
/* a text buffer larger than this is freed after its stanza */
#define TEXT_KEEP (64u << 10)

struct xmlstream {
    xmpp_ctx_t *ctx;
    XML_Parser p;
    struct xmlstream_limits lim;
    const struct xmlstream_events *ev;
    void *arg;
    int document; /* the root is the result, not a stream */

    /* open elements of the stanza being built: stack[0] is its root */
    xmpp_stanza_t **stack;
    xmpp_stanza_t **last; /* last[i]: the last child of stack[i] so far */
    unsigned nstack;
    int links;      /* links_known(): children linked in O(1) */
    unsigned depth; /* elements open, the stream root counted */
    struct buf text;
    size_t nodes;
    xmpp_stanza_t *result; /* document mode */

    unsigned long long fed;      /* bytes given to expat since the reset */
    unsigned long long consumed; /* end of the last thing expat reported */
    unsigned long long stanza_start;
    struct buf pending; /* fed to us, not yet to expat */
    size_t pending_off;
    unsigned delivered; /* stanzas in this feed or resume */

    /* xmlstream_keep_raw: the input from raw_base on, trimmed after each
     * parse to the open stanza's start (or to what was read) */
    int keep_raw;
    struct buf raw;
    unsigned long long raw_base;
    const char *cur_raw; /* the stanza being delivered, its bytes */
    size_t cur_raw_len;
    /* document mode, spans wanted: each element child of the root */
    int want_spans;
    struct xmlstream_span *spans;
    size_t nspans, capspans;

    int paused, stopped, reset_wanted, in_parse;
    enum xmlstream_fault fault;
    char *cause;
};

static void install(struct xmlstream *xs);

void xmlstream_limits_default(struct xmlstream_limits *lim)
{
    lim->max_stanza = XMLSTREAM_MAX_STANZA;
    lim->max_depth = XMLSTREAM_MAX_DEPTH;
    lim->max_attrs = XMLSTREAM_MAX_ATTRS;
    lim->max_nodes = XMLSTREAM_MAX_NODES;
    lim->max_token = XMLSTREAM_MAX_TOKEN;
    lim->batch = XMLSTREAM_BATCH;
}

/* "1 MiB", "16 MiB", or bytes */
static char *size_text(size_t n)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        return xasprintf("%zu MiB", n >> 20);
    if (n >= 1024 && n % 1024 == 0)
        return xasprintf("%zu KiB", n >> 10);
    return xasprintf("%zu bytes", n);
}

/* Records the first fault and stops expat (from inside a handler). */
static void fault(struct xmlstream *xs, enum xmlstream_fault f, char *cause)
{
    if (xs->fault != XS_FAULT_NONE) {
        free(cause);
        return;
    }
    xs->fault = f;
    xs->cause = cause;
    if (xs->in_parse)
        XML_StopParser(xs->p, XML_FALSE);
}

static void fault_size(struct xmlstream *xs, enum xmlstream_fault f,
                       const char *what, size_t limit)
{
    char *n = size_text(limit);
    fault(xs, f, xasprintf("%s larger than the %s cap", what, n));
    free(n);
}

/* Remembers where the last thing expat reported ends. */
static void seen(struct xmlstream *xs)
{
    unsigned long long end =
        (unsigned long long)XML_GetCurrentByteIndex(xs->p) +
        (unsigned long long)XML_GetCurrentByteCount(xs->p);
    if (end > xs->consumed)
        xs->consumed = end;
}

/* Document mode: an element child of the root starts here. */
static void span_open(struct xmlstream *xs)
{
    if (xs->nspans == xs->capspans) {
        xs->capspans = xs->capspans ? xs->capspans * 2 : 8;
        xs->spans = xrealloc(xs->spans, xs->capspans * sizeof *xs->spans);
    }
    xs->spans[xs->nspans].start = (size_t)XML_GetCurrentByteIndex(xs->p);
    xs->spans[xs->nspans++].len = 0;
}

/* After a parse: the kept input starts at the open stanza, or, between
 * stanzas, at the end of what expat read. */
static void raw_trim(struct xmlstream *xs)
{
    unsigned long long keep = xs->nstack > 0 ? xs->stanza_start : xs->consumed;
    size_t drop;

    if (!xs->keep_raw || keep <= xs->raw_base)
        return;
    drop = keep - xs->raw_base < xs->raw.len ? (size_t)(keep - xs->raw_base)
                                             : xs->raw.len;
    memmove(xs->raw.data, xs->raw.data + drop, xs->raw.len - drop);
    xs->raw.len -= drop;
    xs->raw_base += drop;
    if (xs->raw.len == 0 && xs->raw.cap > TEXT_KEEP)
        buf_done(&xs->raw);
}

static int halted(const struct xmlstream *xs)
{
    return xs->fault != XS_FAULT_NONE || xs->stopped || xs->reset_wanted;
}

static const char *local_name(const char *nsname)
{
    const char *sep = strchr(nsname, NS_SEP);
    return sep ? sep + 1 : nsname;
}

static void drop_stanza(struct xmlstream *xs)
{
    if (xs->nstack > 0)
        xmpp_stanza_release(xs->stack[0]);
    xs->nstack = 0;
    xs->nodes = 0;
    xs->text.len = 0;
    if (xs->text.cap > TEXT_KEEP)
        buf_done(&xs->text);
}

/* 1 when the stanza layout above is the library's (see the top). */
static int links_known(xmpp_ctx_t *ctx)
{
    static int known = -1;
    xmpp_stanza_t *p, *a, *b;

    if (known >= 0)
        return known;
    /* true for a library of that minor version or older: 0.12 exactly */
    if (!xmpp_version_check(0, 12) || xmpp_version_check(0, 11))
        return known = 0;
    p = xmpp_stanza_new(ctx);
    a = xmpp_stanza_new(ctx);
    b = xmpp_stanza_new(ctx);
    xmpp_stanza_add_child_ex(p, a, 0);
    xmpp_stanza_add_child_ex(p, b, 0);
    known = p->ref == 1 && p->ctx == ctx && p->prev == NULL &&
            p->next == NULL && p->parent == NULL && p->children == a &&
            a->parent == p && a->prev == NULL && a->next == b &&
            a->children == NULL && b->parent == p && b->prev == a &&
            b->next == NULL && xmpp_stanza_get_children(p) == a &&
            xmpp_stanza_get_next(a) == b;
    xmpp_stanza_release(p);
    return known;
}

/* Appends child (owned) to the innermost open element. */
static void append(struct xmlstream *xs, xmpp_stanza_t *child)
{
    unsigned top = xs->nstack - 1;
    xmpp_stanza_t *parent = xs->stack[top], *last = xs->last[top];

    if (last != NULL && xs->links) {
        child->parent = parent;
        child->prev = last;
        last->next = child;
    } else {
        xmpp_stanza_add_child_ex(parent, child, 0);
    }
    xs->last[top] = child;
}

/* Adds the character data gathered so far to the open element. */
static void flush_text(struct xmlstream *xs)
{
    xmpp_stanza_t *t;

    if (xs->text.len == 0 || xs->nstack == 0)
        return;
    if (++xs->nodes > xs->lim.max_nodes) {
        fault(xs, XS_FAULT_NODES,
              xasprintf("a stanza with more than %zu elements and texts",
                        xs->lim.max_nodes));
        return;
    }
    t = xmpp_stanza_new(xs->ctx);
    xmpp_stanza_set_text_with_size(t, xs->text.data, xs->text.len);
    append(xs, t);
    xs->text.len = 0;
}

static xmpp_stanza_t *new_element(struct xmlstream *xs, const char *nsname,
                                  const char **attrs)
{
    xmpp_stanza_t *el = xmpp_stanza_new(xs->ctx);
    const char *sep = strchr(nsname, NS_SEP);
    int i;

    xmpp_stanza_set_name(el, local_name(nsname));
    /* namespaced attributes (xml:lang) keep their local name only, as
     * libstrophe's own parser does */
    for (i = 0; attrs[i]; i += 2)
        xmpp_stanza_set_attribute(el, local_name(attrs[i]), attrs[i + 1]);
    if (sep) {
        char *ns = xstrndup(nsname, (size_t)(sep - nsname));
        xmpp_stanza_set_ns(el, ns);
        free(ns);
    }
    return el;
}

static void XMLCALL on_start(void *arg, const char *nsname, const char **attrs)
{
    struct xmlstream *xs = arg;
    unsigned nattrs = 0;
    xmpp_stanza_t *el;

    seen(xs);
    if (halted(xs))
        return;
    while (attrs[2 * nattrs])
        nattrs++;
    if (nattrs > xs->lim.max_attrs) {
        fault(xs, XS_FAULT_ATTRS,
              xasprintf("an element with more than %u attributes",
                        xs->lim.max_attrs));
        return;
    }
    if (xs->depth + 1 > xs->lim.max_depth) {
        fault(xs, XS_FAULT_DEPTH,
              xasprintf("elements nested deeper than %u levels",
                        xs->lim.max_depth));
        return;
    }
    xs->depth++;
    if (xs->depth == 1 && !xs->document) {
        if (xs->ev->open) {
            const char *sep = strchr(nsname, NS_SEP);
            char *ns = sep ? xstrndup(nsname, (size_t)(sep - nsname)) : NULL;
            /* attribute names come as namespace-separated: show local */
            const char **local = xcalloc(2 * nattrs + 1, sizeof *local);
            unsigned i;
            for (i = 0; i < 2 * nattrs; i += 2) {
                local[i] = local_name(attrs[i]);
                local[i + 1] = attrs[i + 1];
            }
            xs->ev->open(xs->arg, local_name(nsname), ns, local);
            free(local);
            free(ns);
        }
        return;
    }
    if (xs->nstack == 0) {
        xs->stanza_start = (unsigned long long)XML_GetCurrentByteIndex(xs->p);
        xs->nodes = 0;
    } else if (xs->nstack == 1 && xs->want_spans) {
        span_open(xs);
    }
    flush_text(xs);
    if (halted(xs))
        return;
    if (++xs->nodes > xs->lim.max_nodes) {
        fault(xs, XS_FAULT_NODES,
              xasprintf("a stanza with more than %zu elements and texts",
                        xs->lim.max_nodes));
        return;
    }
    el = new_element(xs, nsname, attrs);
    if (xs->nstack > 0)
        append(xs, el);
    xs->last[xs->nstack] = NULL;
    xs->stack[xs->nstack++] = el;
}

/* A whole stanza: to the owner, then gone; pauses after a batch. */
static void deliver(struct xmlstream *xs)
{
    xmpp_stanza_t *st = xs->stack[0];

    xs->nstack = 0;
    if (xs->document) {
        xs->result = st;
        return;
    }
    if (xs->keep_raw && xs->stanza_start >= xs->raw_base &&
        xs->consumed - xs->raw_base <= xs->raw.len) {
        xs->cur_raw = xs->raw.data + (xs->stanza_start - xs->raw_base);
        xs->cur_raw_len = (size_t)(xs->consumed - xs->stanza_start);
    }
    xs->ev->stanza(xs->arg, st);
    xs->cur_raw = NULL;
    xs->cur_raw_len = 0;
    xmpp_stanza_release(st);
    xs->nodes = 0;
    if (xs->text.cap > TEXT_KEEP)
        buf_done(&xs->text);
    if (++xs->delivered >= xs->lim.batch && !halted(xs)) {
        xs->paused = 1;
        XML_StopParser(xs->p, XML_TRUE);
    }
}

static void XMLCALL on_end(void *arg, const char *nsname)
{
    struct xmlstream *xs = arg;
    (void)nsname;

    seen(xs);
    if (halted(xs))
        return;
    xs->depth--;
    if (xs->nstack == 0) { /* the stream root */
        if (xs->ev->close)
            xs->ev->close(xs->arg);
        return;
    }
    flush_text(xs);
    if (halted(xs))
        return;
    if (xs->nstack == 2 && xs->want_spans && xs->nspans > 0)
        xs->spans[xs->nspans - 1].len =
            (size_t)(xs->consumed - xs->spans[xs->nspans - 1].start);
    if (xs->nstack == 1)
        deliver(xs);
    else
        xs->nstack--;
}

static void XMLCALL on_text(void *arg, const char *s, int len)
{
    struct xmlstream *xs = arg;

    seen(xs);
    if (halted(xs) || xs->nstack == 0)
        return; /* between stanzas: whitespace keepalives */
    buf_append(&xs->text, s, (size_t)len);
}

static void XMLCALL on_decl(void *arg, const char *version,
                            const char *encoding, int standalone)
{
    (void)version;
    (void)encoding;
    (void)standalone;
    seen(arg);
}

static void XMLCALL on_cdata(void *arg)
{
    seen(arg);
}

static void XMLCALL on_doctype(void *arg, const char *name, const char *sysid,
                               const char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    fault(arg, XS_FAULT_DOCTYPE,
          xstrdup("a DOCTYPE (XMPP forbids DTDs: RFC 6120 section 11.1)"));
}

static void XMLCALL on_pi(void *arg, const char *target, const char *data)
{
    (void)target;
    (void)data;
    fault(arg, XS_FAULT_PI,
          xstrdup("a processing instruction (XMPP forbids them: RFC 6120 "
                  "section 11.1)"));
}

static void XMLCALL on_comment(void *arg, const char *data)
{
    (void)data;
    fault(arg, XS_FAULT_COMMENT,
          xstrdup("an XML comment (XMPP forbids them: RFC 6120 section "
                  "11.1)"));
}

static void install(struct xmlstream *xs)
{
    /* UTF-8 whatever the document declares (RFC 6120 11.6) */
    xs->p = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (xs->p == NULL)
        abort(); /* out of memory */
    XML_SetUserData(xs->p, xs);
    XML_SetElementHandler(xs->p, on_start, on_end);
    XML_SetCharacterDataHandler(xs->p, on_text);
    XML_SetXmlDeclHandler(xs->p, on_decl);
    XML_SetCdataSectionHandler(xs->p, on_cdata, on_cdata);
    XML_SetStartDoctypeDeclHandler(xs->p, on_doctype);
    XML_SetProcessingInstructionHandler(xs->p, on_pi);
    XML_SetCommentHandler(xs->p, on_comment);
    XML_SetParamEntityParsing(xs->p, XML_PARAM_ENTITY_PARSING_NEVER);
}

struct xmlstream *xmlstream_new(xmpp_ctx_t *ctx,
                                const struct xmlstream_limits *lim,
                                const struct xmlstream_events *ev, void *arg)
{
    struct xmlstream *xs = xcalloc(1, sizeof *xs);

    xs->ctx = ctx;
    if (lim)
        xs->lim = *lim;
    else
        xmlstream_limits_default(&xs->lim);
    if (xs->lim.batch == 0)
        xs->lim.batch = XMLSTREAM_BATCH;
    xs->ev = ev;
    xs->arg = arg;
    xs->stack = xcalloc(xs->lim.max_depth + 1, sizeof *xs->stack);
    xs->last = xcalloc(xs->lim.max_depth + 1, sizeof *xs->last);
    xs->links = links_known(ctx);
    buf_init(&xs->text);
    buf_init(&xs->pending);
    install(xs);
    return xs;
}

void xmlstream_free(struct xmlstream *xs)
{
    if (xs == NULL)
        return;
    drop_stanza(xs);
    if (xs->result)
        xmpp_stanza_release(xs->result);
    XML_ParserFree(xs->p);
    buf_done(&xs->text);
    buf_done(&xs->pending);
    buf_done(&xs->raw);
    free(xs->spans);
    free(xs->stack);
    free(xs->last);
    free(xs->cause);
    free(xs);
}

/* A new document from the next byte; pending input is dropped. */
static void do_reset(struct xmlstream *xs)
{
    drop_stanza(xs);
    XML_ParserFree(xs->p);
    install(xs);
    xs->depth = 0;
    xs->fed = xs->consumed = xs->stanza_start = 0;
    buf_done(&xs->pending);
    buf_done(&xs->raw);
    xs->raw_base = 0;
    xs->pending_off = 0;
    xs->paused = 0;
    xs->reset_wanted = 0;
}

void xmlstream_reset(struct xmlstream *xs)
{
    if (xs->in_parse) {
        xs->reset_wanted = 1;
        XML_StopParser(xs->p, XML_FALSE);
        return;
    }
    do_reset(xs);
}

void xmlstream_stop(struct xmlstream *xs)
{
    xs->stopped = 1;
    if (xs->in_parse)
        XML_StopParser(xs->p, XML_FALSE);
}

static void syntax_fault(struct xmlstream *xs)
{
    enum XML_Error code = XML_GetErrorCode(xs->p);
    const char *why = XML_ErrorString(code);
    unsigned long long at = (unsigned long long)XML_GetCurrentByteIndex(xs->p);
    static const char prefix[] = "not well-formed (";

    if (code == XML_ERROR_UNDEFINED_ENTITY) {
        fault(xs, XS_FAULT_ENTITY,
              xasprintf("an undefined entity reference at byte %llu", at));
        return;
    }
    if (why && strncmp(why, prefix, sizeof prefix - 1) == 0)
        fault(xs, XS_FAULT_SYNTAX,
              xasprintf("not well-formed at byte %llu (%s", at,
                        why + sizeof prefix - 1));
    else
        fault(xs, XS_FAULT_SYNTAX,
              xasprintf("not well-formed at byte %llu (%s)", at,
                        why ? why : "unknown error"));
}

/* What an XML_Parse or XML_ResumeParser return means, limits checked. */
static int after_parse(struct xmlstream *xs, enum XML_Status st)
{
    if (xs->reset_wanted) {
        do_reset(xs);
        return XMLSTREAM_OK;
    }
    if (xs->fault != XS_FAULT_NONE)
        return XMLSTREAM_FAILED;
    if (xs->stopped)
        return XMLSTREAM_OK;
    if (st == XML_STATUS_ERROR) {
        syntax_fault(xs);
        return XMLSTREAM_FAILED;
    }
    if (xs->fed - xs->consumed > xs->lim.max_token) {
        fault_size(xs, XS_FAULT_TOKEN, "an unfinished tag", xs->lim.max_token);
        return XMLSTREAM_FAILED;
    }
    if (xs->nstack > 0 && xs->fed - xs->stanza_start > xs->lim.max_stanza) {
        fault_size(xs, XS_FAULT_SIZE, "a stanza", xs->lim.max_stanza);
        return XMLSTREAM_FAILED;
    }
    return st == XML_STATUS_SUSPENDED ? XMLSTREAM_PAUSED : XMLSTREAM_OK;
}

static int parse(struct xmlstream *xs, const char *data, size_t len, int last)
{
    enum XML_Status st;
    int rc;

    if (xs->keep_raw)
        buf_append(&xs->raw, data, len);
    xs->in_parse = 1;
    st = XML_Parse(xs->p, data, (int)len, last ? XML_TRUE : XML_FALSE);
    xs->in_parse = 0;
    xs->fed += len;
    rc = after_parse(xs, st);
    raw_trim(xs);
    return rc;
}

int xmlstream_resume(struct xmlstream *xs)
{
    int rc = XMLSTREAM_OK;

    if (xs->fault != XS_FAULT_NONE)
        return XMLSTREAM_FAILED;
    xs->delivered = 0;
    if (xs->paused) {
        enum XML_Status st;
        xs->paused = 0;
        xs->in_parse = 1;
        st = XML_ResumeParser(xs->p);
        xs->in_parse = 0;
        rc = after_parse(xs, st);
        raw_trim(xs);
    }
    while (rc == XMLSTREAM_OK && !xs->stopped &&
           xs->pending_off < xs->pending.len) {
        size_t n = xs->pending.len - xs->pending_off;
        const char *at = xs->pending.data + xs->pending_off;
        if (n > SLICE)
            n = SLICE;
        xs->pending_off += n;
        rc = parse(xs, at, n, 0);
    }
    if (rc != XMLSTREAM_PAUSED && xs->pending_off >= xs->pending.len) {
        xs->pending.len = 0;
        xs->pending_off = 0;
        if (xs->pending.cap > SLICE)
            buf_done(&xs->pending);
    }
    return rc;
}

int xmlstream_feed(struct xmlstream *xs, const char *data, size_t len)
{
    if (xs->fault != XS_FAULT_NONE)
        return XMLSTREAM_FAILED;
    if (xs->stopped || len == 0)
        return xs->paused ? XMLSTREAM_PAUSED : XMLSTREAM_OK;
    buf_append(&xs->pending, data, len);
    if (xs->paused)
        return XMLSTREAM_PAUSED; /* read on resume */
    return xmlstream_resume(xs);
}

void xmlstream_keep_raw(struct xmlstream *xs, int on)
{
    xs->keep_raw = on;
    if (!on) {
        buf_done(&xs->raw);
        xs->raw_base = xs->fed;
    }
}

const char *xmlstream_raw(const struct xmlstream *xs, size_t *len)
{
    *len = xs->cur_raw_len;
    return xs->cur_raw;
}

int xmlstream_paused(const struct xmlstream *xs)
{
    return xs->paused;
}

enum xmlstream_fault xmlstream_fault(const struct xmlstream *xs)
{
    return xs->fault;
}

const char *xmlstream_cause(const struct xmlstream *xs)
{
    return xs->cause ? xs->cause : "";
}

static xmpp_stanza_t *
parse_document(xmpp_ctx_t *ctx, const char *text, size_t len,
               const struct xmlstream_limits *lim,
               enum xmlstream_fault *fault_out, char **cause,
               struct xmlstream_span **spans, size_t *nspans)
{
    static const struct xmlstream_events none = {NULL, NULL, NULL};
    struct xmlstream *xs = xmlstream_new(ctx, lim, &none, NULL);
    xmpp_stanza_t *root = NULL;
    size_t off = 0;
    int rc = XMLSTREAM_OK;

    xs->document = 1;
    xs->want_spans = spans != NULL;
    if (len > xs->lim.max_stanza) {
        fault_size(xs, XS_FAULT_SIZE, "a document", xs->lim.max_stanza);
        rc = XMLSTREAM_FAILED;
    }
    while (rc == XMLSTREAM_OK && off < len) {
        size_t n = len - off > SLICE ? SLICE : len - off;
        rc = parse(xs, text + off, n, 0);
        off += n;
    }
    if (rc == XMLSTREAM_OK)
        rc = parse(xs, "", 0, 1); /* the end: an unclosed root is an error */
    if (rc == XMLSTREAM_OK && xs->result == NULL) {
        fault(xs, XS_FAULT_SYNTAX, xstrdup("no element found"));
        rc = XMLSTREAM_FAILED;
    }
    if (rc == XMLSTREAM_OK) {
        root = xs->result;
        xs->result = NULL;
        if (spans) {
            *spans = xs->spans;
            *nspans = xs->nspans;
            xs->spans = NULL;
        }
    } else {
        *cause = xstrdup(xmlstream_cause(xs));
    }
    if (fault_out)
        *fault_out = xs->fault;
    xmlstream_free(xs);
    return root;
}

xmpp_stanza_t *xmlstream_parse_document(xmpp_ctx_t *ctx, const char *text,
                                        size_t len,
                                        const struct xmlstream_limits *lim,
                                        enum xmlstream_fault *fault_out,
                                        char **cause)
{
    return parse_document(ctx, text, len, lim, fault_out, cause, NULL, NULL);
}

xmpp_stanza_t *
xmlstream_parse_document_spans(xmpp_ctx_t *ctx, const char *text, size_t len,
                               const struct xmlstream_limits *lim,
                               enum xmlstream_fault *fault_out, char **cause,
                               struct xmlstream_span **spans, size_t *nspans)
{
    *spans = NULL;
    *nspans = 0;
    return parse_document(ctx, text, len, lim, fault_out, cause, spans, nspans);
}
