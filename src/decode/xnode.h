/*
 * A small, bounded XML tree for the decoders (internal to src/decode/;
 * the simulator's REST side reads request bodies with it too).
 * Built by expat straight from text, or copied from a libstrophe stanza,
 * so that every decoder walks one kind of tree whose depth and size are
 * capped at construction: nothing after that needs to fear hostile depth.
 */
#ifndef PERCH_DECODE_XNODE_H
#define PERCH_DECODE_XNODE_H

#include <jansson.h>
#include <stddef.h>
#include <strophe.h>

struct buf;

#define XNODE_MAX_DEPTH 64      /* elements nested deeper are refused */
#define XNODE_MAX_NODES 250000u /* elements and text runs per document */

struct xnode {
    char *name;  /* local name (no prefix); NULL for a text node */
    char *ns;    /* namespace URI, or NULL */
    char **attr; /* local name, value, ..., NULL; NULL when none */
    char *text;  /* a text node's un-escaped content (valid UTF-8) */
    size_t text_len;
    struct xnode *parent, *first, *last, *next;
};

/*
 * Parses one document (a leading BOM, XML declaration and whitespace are
 * fine; a DOCTYPE is refused). Returns a new tree (xnode_free), or NULL
 * with *cause a new string such as "line 1, column 40: mismatched tag".
 */
struct xnode *xnode_parse(const char *text, size_t len, char **cause);

/* Copies a stanza tree without recursion. NULL with *cause when it is
 * nested deeper than XNODE_MAX_DEPTH or too large. */
struct xnode *xnode_from_stanza(xmpp_stanza_t *st, char **cause);

void xnode_free(struct xnode *n); /* the whole tree under n; NULL is fine */

/* The first element child whose local name equals name, ignoring case
 * (Finesse spells ReasonCode and reasonCode alike). Borrowed; NULL if none. */
struct xnode *xnode_child(const struct xnode *n, const char *name);
/* The next element sibling after n with that name (ignoring case). */
struct xnode *xnode_next_named(const struct xnode *n, const char *name);
/* The first element child, whatever its name. */
struct xnode *xnode_first_element(const struct xnode *n);
/* The next element sibling, whatever its name. */
struct xnode *xnode_next_element(const struct xnode *n);

/* The element's own text (its first text run; "" when it has none).
 * Borrowed, valid as long as the tree. */
const char *xnode_text(const struct xnode *n);
/* An attribute by local name (exact case). Borrowed; NULL if absent. */
const char *xnode_attr(const struct xnode *n, const char *name);
int xnode_is(const struct xnode *n, const char *name); /* ignoring case */

/* Appends n as compact XML (re-escaped; xmlns where the namespace
 * changes). Iterative; the tree's depth is already bounded. */
void xnode_serialize(const struct xnode *n, struct buf *b);

/*
 * A copy of text without what XML 1.0 forbids: C0 controls other than
 * tab, LF and CR, character references to them (&#1; &#x1F;) or to other
 * non-characters, and bytes that are not UTF-8. New string (caller frees),
 * *out_len its length; returns NULL when nothing had to be removed.
 */
char *xml_sanitize(const char *text, size_t len, size_t *out_len);

/* A JSON string of s[0..len): invalid UTF-8 becomes U+FFFD, never NULL. */
json_t *json_text(const char *s, size_t len);
/* The same for a NUL-terminated string. */
json_t *json_str(const char *s);

#endif
