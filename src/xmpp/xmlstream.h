/*
 * The bounded input path: every byte a server sends is read here, by
 * expat, before any libstrophe stanza object exists. A stanza is built
 * only while it stays inside the limits below; a DOCTYPE, a processing
 * instruction, a comment, an undefined entity, or bytes that are not
 * well-formed UTF-8 XML end the stream with a named cause. No step
 * recurses on the input's depth, and no cost grows faster than the input.
 *
 * Two modes: a stream (TCP: the root is <stream:stream>, each child of it
 * is delivered as a stanza as soon as it is complete) and a document (a
 * BOSH <body/> or a WebSocket message: one root, returned whole).
 */
#ifndef PERCH_XMLSTREAM_H
#define PERCH_XMLSTREAM_H

#include <stddef.h>
#include <strophe.h>

/* The defaults (docs/security.md says why each is what it is). */
#define XMLSTREAM_MAX_STANZA (16u << 20) /* bytes of one stanza */
#define XMLSTREAM_MAX_DEPTH 128          /* elements nested, root counted */
#define XMLSTREAM_MAX_ATTRS 256          /* attributes of one element */
#define XMLSTREAM_MAX_NODES (1u << 18)   /* elements + texts in a stanza */
#define XMLSTREAM_MAX_TOKEN (1u << 20)   /* bytes of an unfinished tag */
#define XMLSTREAM_BATCH 64 /* stanzas delivered before feed pauses */

struct xmlstream_limits {
    size_t max_stanza;
    unsigned max_depth;
    unsigned max_attrs;
    size_t max_nodes;
    size_t max_token;
    unsigned batch; /* stream mode: stanzas per feed or resume */
};

/* Which rule the input broke. */
enum xmlstream_fault {
    XS_FAULT_NONE,
    XS_FAULT_SYNTAX,  /* not well-formed: bytes, UTF-8, tags, root */
    XS_FAULT_ENTITY,  /* an entity other than the five predefined */
    XS_FAULT_DOCTYPE, /* DTDs are forbidden (RFC 6120 11.1) */
    XS_FAULT_PI,      /* processing instructions, likewise */
    XS_FAULT_COMMENT, /* comments, likewise */
    XS_FAULT_SIZE,    /* a stanza over max_stanza bytes */
    XS_FAULT_DEPTH,   /* elements nested deeper than max_depth */
    XS_FAULT_ATTRS,   /* an element with more than max_attrs */
    XS_FAULT_NODES,   /* a stanza with more than max_nodes */
    XS_FAULT_TOKEN,   /* an unfinished tag over max_token bytes */
};

struct xmlstream_events {
    /* Stream mode: the root's start tag. attrs alternate local name and
     * value, NULL-terminated; all borrowed for the call. May be NULL. */
    void (*open)(void *arg, const char *name, const char *ns,
                 const char **attrs);
    /* Stream mode: one complete child of the root, borrowed for the call
     * (xmpp_stanza_clone it to keep it). */
    void (*stanza)(void *arg, xmpp_stanza_t *st);
    /* Stream mode: the root's end tag. May be NULL. */
    void (*close)(void *arg);
};

struct xmlstream;

/* The default limits. */
void xmlstream_limits_default(struct xmlstream_limits *lim);

/* A stream reader. ctx is borrowed and must outlive it; lim NULL means
 * the defaults. Never NULL. */
struct xmlstream *xmlstream_new(xmpp_ctx_t *ctx,
                                const struct xmlstream_limits *lim,
                                const struct xmlstream_events *ev, void *arg);
/* Not from inside one of its own callbacks. */
void xmlstream_free(struct xmlstream *xs);

enum {
    XMLSTREAM_OK = 0,     /* everything given was read */
    XMLSTREAM_PAUSED = 1, /* a batch was delivered: call xmlstream_resume
                             from a later turn of the loop, and feed
                             nothing before that */
    XMLSTREAM_FAILED = -1 /* the input broke a rule: xmlstream_cause() */
};

/* Reads len more bytes of the stream (copied). */
int xmlstream_feed(struct xmlstream *xs, const char *data, size_t len);
/* Stream mode: keep the bytes of each stanza as received, for
 * xmlstream_raw (off by default: every byte is copied once more, and the
 * copy is held until its stanza ends). */
void xmlstream_keep_raw(struct xmlstream *xs, int on);
/* Inside the stanza callback, while kept: the stanza's bytes exactly as
 * received, from its start tag to its end tag (*len bytes, not
 * NUL-terminated, borrowed for the call); NULL otherwise. */
const char *xmlstream_raw(const struct xmlstream *xs, size_t *len);

/* Goes on after XMLSTREAM_PAUSED. */
int xmlstream_resume(struct xmlstream *xs);
/* 1 while paused with input left to read. */
int xmlstream_paused(const struct xmlstream *xs);

/*
 * A new stream starts with the next byte fed (after STARTTLS or SASL
 * success). What was fed but not yet read is dropped: after <proceed/>
 * nothing sent in clear text may count. Allowed inside a callback (the
 * current read stops after it returns).
 */
void xmlstream_reset(struct xmlstream *xs);
/* Reads nothing more: every later feed is ignored. Allowed inside a
 * callback. */
void xmlstream_stop(struct xmlstream *xs);

/* After XMLSTREAM_FAILED: the rule and a sentence naming it ("not
 * well-formed at byte 212 (invalid token)"), borrowed. */
enum xmlstream_fault xmlstream_fault(const struct xmlstream *xs);
const char *xmlstream_cause(const struct xmlstream *xs);

/*
 * Document mode: text (len bytes, not NUL-terminated) must be exactly one
 * element within the limits (lim NULL: the defaults). Returns it (new,
 * caller releases), or NULL with *cause (new string, caller frees) and
 * *fault when fault is not NULL.
 */
xmpp_stanza_t *xmlstream_parse_document(xmpp_ctx_t *ctx, const char *text,
                                        size_t len,
                                        const struct xmlstream_limits *lim,
                                        enum xmlstream_fault *fault,
                                        char **cause);

/* Where an element child of a document's root lies in its text. */
struct xmlstream_span {
    size_t start, len;
};

/* xmlstream_parse_document, and the span of each element child of the
 * root in order (*spans: new array, caller frees; NULL when none). */
xmpp_stanza_t *
xmlstream_parse_document_spans(xmpp_ctx_t *ctx, const char *text, size_t len,
                               const struct xmlstream_limits *lim,
                               enum xmlstream_fault *fault, char **cause,
                               struct xmlstream_span **spans, size_t *nspans);

#endif
