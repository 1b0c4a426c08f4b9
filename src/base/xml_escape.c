/* xml_escape: runs of plain bytes copied at once, entities between them. */
#include "xml_escape.h"

#include <string.h>

/* The entity for c under mode, or NULL when c stays as it is. */
static const char *entity(char c, enum xml_escape mode)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '\'':
        return mode == XML_ALL ? "&apos;" : NULL;
    case '"':
        return mode == XML_ALL ? "&quot;" : NULL;
    }
    return NULL;
}

void xml_escape(struct buf *b, const char *s, size_t len, enum xml_escape mode)
{
    size_t i, from = 0;
    const char *rep;

    for (i = 0; i < len; i++) {
        rep = entity(s[i], mode);
        if (rep == NULL)
            continue;
        buf_append(b, s + from, i - from);
        buf_puts(b, rep);
        from = i + 1;
    }
    buf_append(b, s + from, len - from);
}

void xml_escape_str(struct buf *b, const char *s, enum xml_escape mode)
{
    xml_escape(b, s, strlen(s), mode);
}
