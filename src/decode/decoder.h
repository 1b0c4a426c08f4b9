/*
 * Inside src/decode/: the decoder table entries and what they share. Each
 * decoder is one const struct decoder; decode.c asks them in order and the
 * first whose match says yes decodes the payload.
 */
#ifndef PERCH_DECODE_DECODER_H
#define PERCH_DECODE_DECODER_H

#include "xnode.h"

#include <jansson.h>

struct decoder {
    const char *name;
    /* node may be NULL; local is the payload element's local name, ns its
     * namespace (may be NULL). Non-zero when this decoder takes it. */
    int (*match)(const char *node, const char *local, const char *ns);
    /* A new object holding the decoded fields ("event" ... "kind" and the
     * kind's member) that decode.c puts after "node" and "item". */
    json_t *(*decode)(const char *node, const struct xnode *payload);
};

extern const struct decoder finesse_decoder; /* finesse.c */
extern const struct decoder generic_decoder; /* generic.c: takes anything */

/* finesse.c: the fields of an <Update> document given as text. */
json_t *finesse_decode_text(const char *node, const char *text, size_t len);
/* finesse.c: "kind" and its member for a data root (<user>, <Dialogs>,
 * <ApiErrors> … in any case), a new object; NULL for a root it does not
 * know. */
json_t *finesse_decode_data(const struct xnode *root);

/* decode.c: the event of an <item> already in tree form (new object). */
json_t *decode_item_tree(const char *node, const struct xnode *item);

/* Makes o a kind raw event: "kind":"raw", "raw" (text, cut at
 * DECODE_MAX_DOC bytes; then "rawLength" is the full length; omitted when
 * text is NULL) and "error" (why). */
void decode_set_raw(json_t *o, const char *text, size_t len, const char *why);

/* decode.c: text with one level of XML escaping undone (the five
 * predefined entities; nothing else): "&lt;Update&gt;" -> "<Update>". New
 * string, caller frees; *outlen its length. */
char *decode_unescape_once(const char *s, size_t len, size_t *outlen);

#endif
