/*
 * The one-pass reader of an <Update> document (internal to src/decode/):
 * expat's events go straight into the JSON text of the event (watch
 * --json), or into its jansson objects (decode_item: the console and the
 * other commands), without a tree of the document. It writes exactly what
 * finesse.c's tree decoders give for the documents Finesse sends; whatever else
 * it meets it declines, and the caller takes the tree path, which stays the
 * reference (tests/unit/test_sax.c and tests/fuzz/fuzz_sax.c compare the
 * two).
 */
#ifndef PERCH_DECODE_SAX_H
#define PERCH_DECODE_SAX_H

#include <jansson.h>
#include <stddef.h>

struct buf;

/*
 * Appends to b the members finesse_decode_text() would give for text
 * (len bytes), each as ",\"key\":value": "event", "source", "requestId",
 * "kind" and the kind's member. Returns 0, or -1 with b as it was when
 * the document is not one it takes: it does not parse at the first
 * attempt, breaks a limit (xnode.h's depth and size, xmlstream.h's
 * attributes), has no known <data> root, or holds more repeated
 * statistics or call variables than it keeps. Not reentrant: it keeps
 * its parser and buffers between calls (perch decodes on one thread).
 */
int sax_update(struct buf *b, const char *text, size_t len);

/*
 * The same members set on o, as jansson values in the same order (what
 * decode_update_text() gives, without its tree): 0, or -1 with o as it
 * was.
 */
int sax_update_object(json_t *o, const char *text, size_t len);

#endif
