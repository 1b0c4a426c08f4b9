/*
 * Checks text a user typed or piped before anything is sent: it must be
 * well-formed XML made only of iq, message and presence elements.
 */
#ifndef PERCH_XMLCHECK_H
#define PERCH_XMLCHECK_H

#include <stddef.h>

#define XMLCHECK_MAX_INPUT (16u << 20) /* 16 MiB */

struct xml_span {
    size_t offset; /* byte offset of the element's '<' in the input */
    size_t len;    /* up to and including its last '>' */
    char name[16]; /* iq, message or presence */
};

struct xml_spans {
    struct xml_span *v; /* owned */
    size_t n;
};

/*
 * Splits input into top-level stanzas. Returns 0, or -1 with *cause a new
 * string "line L, column C: what is wrong" (caller frees). Whitespace
 * between stanzas is allowed; text, DOCTYPEs and other elements are not.
 */
int xmlcheck_stanzas(const char *input, size_t len, struct xml_spans *out,
                     char **cause);
void xmlcheck_spans_done(struct xml_spans *s);

#endif
