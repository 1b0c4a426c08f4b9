/* Indented (optionally ANSI-coloured) text of a stanza tree. */
#ifndef PERCH_PRETTY_H
#define PERCH_PRETTY_H

#include <strophe.h>

enum {
    PRETTY_COLOR = 1,
    /* Text that is escaped XML (Finesse's <Update> in <notification>) is
     * printed parsed, as elements, under a comment saying so. */
    PRETTY_EMBEDDED = 2,
};

/* Deeper levels are indented as much as this one (2 spaces a level). */
#define PRETTY_MAX_INDENT 32

/*
 * Returns a new string (caller frees), ending in a newline. Attributes
 * are printed xmlns first, then sorted by name; text is re-escaped. All
 * of it is sanitised (base/sanitize.h) before the colours: names with
 * unsafe characters shown visibly, values and text with them as
 * character references (CR, LF and tab too in values).
 * Walks the tree without recursion, so any depth is safe; indentation
 * stops at PRETTY_MAX_INDENT levels, so the output grows linearly.
 */
char *pretty_stanza(xmpp_stanza_t *st, int flags);

#endif
