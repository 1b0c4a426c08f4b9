/*
 * Payload decoders: a pubsub item (or a captured stanza) in, one JSON
 * event out, shaped as docs/events.md says (key names: keys.h):
 *
 *   {"node","item","event","source","requestId","kind", <kind>:{...}}
 *
 * kind and its member: "user":{...}, "dialogs":[...], "team":{...},
 * "queue":{...}, "queues":[...], "systeminfo":{...}, "media":{...},
 * "error" with "errors":[...]; "xml" with "xml":"<payload text>" for a
 * well-formed payload no decoder knows (generic.c); "raw" with "raw" (the
 * payload text as received, at most DECODE_MAX_DOC bytes, then
 * "rawLength" gives the full size) and "error" (why it was not decoded).
 * "sanitized":true marks an event decoded only after invalid XML
 * characters were removed from it.
 *
 * Values are Finesse's text, un-escaped, as strings; only queue
 * statistics are numbers. A field the payload does not carry is omitted;
 * a field it carries is kept verbatim, empty or sentinel alike: a
 * stateChangeTime of "", "-1" or "--" stays so (the model decides it
 * means "unknown"). Queue statistics alone drop empty values.
 *
 * Nothing here trusts the payload: every input yields an event (kind raw
 * at worst), sizes and depth are bounded, and no walk recurses.
 */
#ifndef PERCH_DECODE_H
#define PERCH_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <strophe.h>

#define DECODE_MAX_DOC (1u << 20)      /* an inner <Update> document */
#define DECODE_MAX_STANZA (8u << 20)   /* one captured stanza */
#define DECODE_MAX_CAPTURE (64u << 20) /* what decode_capture accepts */

/*
 * item is a pubsub <item> (borrowed; from an event or an items result) of
 * node (may be NULL). Returns a new object (caller json_decref), never
 * NULL: "node", "item" (its id, when it has one), then the decoded fields.
 * Payloads are recognised by their element's local name as well as their
 * namespace: some servers drop the <notification> namespace. A Finesse
 * <notification> is read in one expat pass into the objects (sax.h);
 * anything else, and any document that pass declines, through a tree of
 * the item (decode_item_by_tree).
 */
json_t *decode_item(const char *node, xmpp_stanza_t *item);

/* The same through the tree alone: the reference the one-pass reader is
 * tested against (tests/unit/test_sax.c, tests/fuzz/fuzz_sax.c). */
json_t *decode_item_by_tree(const char *node, xmpp_stanza_t *item);

/*
 * One pubsub event notification as watch prints it and the model applies
 * it. kind is pubsub_event_kind_name()'s: "item" gives decode_item(node,
 * el); any other (retract, purge, delete, subscription, configuration)
 * gives {"node", "item" (el's id, when it has one), "kind",
 * "subscription" (el's state, for kind subscription)}. New object (caller
 * json_decref), never NULL.
 */
json_t *decode_event(const char *kind, const char *node, xmpp_stanza_t *el);
/* decode_event with decode_item_by_tree for an item: the reference. */
json_t *decode_event_by_tree(const char *kind, const char *node,
                             xmpp_stanza_t *el);

/* What watch puts in front of an event's own fields. */
struct decode_stamp {
    const char *time;    /* "time": when printed (never NULL) */
    const char *service; /* "service" when not NULL */
    int resync;          /* "resync":true when non-zero */
};

struct buf;

/*
 * decode_event()'s event as the compact JSON line watch --json prints
 * (no newline), appended to b: "time", "service", "resync" from st, then
 * the event's fields — the text sanitize_json_dumps gives for the stamped
 * object. A Finesse <notification> item is read in one expat pass
 * straight into the text (sax.h); anything else goes through
 * decode_event_by_tree. 0, or -1 when the event cannot be written (b then holds
 * part of it).
 */
int decode_event_write(struct buf *b, const char *kind, const char *node,
                       xmpp_stanza_t *el, const struct decode_stamp *st);

/*
 * Decodes an <Update> document given as text (not NUL-terminated; len
 * bytes), as a Finesse <notification> carries it once un-escaped. Returns
 * a new object (caller json_decref), never NULL; "node" when node is not
 * NULL.
 */
json_t *decode_update_text(const char *node, const char *text, size_t len);

/*
 * A Finesse REST body (root borrowed), parsed by the caller: the same
 * documents as an Update's <data> (<User>, <Dialogs>, <Team>, <Queue>,
 * <SystemInfo>, <ApiErrors> …, in any case). Returns a new object (caller
 * json_decref), never NULL: "source" (the request's path, when not NULL),
 * "kind" and its member as for an event; kind "xml" for a document no
 * decoder knows, "raw" for one too deep or large to walk.
 */
json_t *decode_rest(const char *source, xmpp_stanza_t *root);

/*
 * Splits what people copy from Fiddler or a browser's Network tab: a
 * <message>, an <iq> with pubsub items, a BOSH <body> holding many, a bare
 * <Update>, or many of these one after another with whitespace or other
 * text between. Input with none of these but an escaped "&lt;Update" is
 * unescaped once and read again (a <notification>'s text as pasted); one
 * escaped twice ("&amp;lt;Update", from a log) twice, never more. cb
 * receives each event in order and owns it (json_decref).
 * Events found in a stanza also carry "service" (its from) and "time"
 * (a XEP-0203 delay stamp) when it has them. A stanza that does not parse
 * is still delivered, as kind raw.
 *
 * Returns the number of events (0 when the stanzas held no pubsub item),
 * or -1 with *cause (new string, caller frees) when no <message>, <iq>,
 * <body> or <Update> element was found at all, or the input is larger
 * than DECODE_MAX_CAPTURE.
 */
int decode_capture(const char *input, size_t len,
                   void (*cb)(void *arg, json_t *event), void *arg,
                   char **cause);

#endif
