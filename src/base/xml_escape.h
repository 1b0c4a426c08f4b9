/* Escaping text for XML: the one function every writer of XML uses. */
#ifndef PERCH_XML_ESCAPE_H
#define PERCH_XML_ESCAPE_H

#include "buf.h"

#include <stddef.h>

enum xml_escape {
    XML_TEXT, /* & < > : enough for element text */
    XML_ALL,  /* & < > ' " : safe anywhere, attributes in either quote */
};

/* Appends len bytes of s to b with the characters of mode escaped as
 * entities; every other byte (UTF-8 or not) passes through unchanged. */
void xml_escape(struct buf *b, const char *s, size_t len, enum xml_escape mode);

/* The same for a NUL-terminated string. */
void xml_escape_str(struct buf *b, const char *s, enum xml_escape mode);

#endif
