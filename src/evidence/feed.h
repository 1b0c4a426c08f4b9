/*
 * Evidence records (evidence.h) through the same path as a live session:
 * each stanza parsed by xmlstream.c (document mode, the same limits), its
 * pubsub events decoded by decode_event as watch does, stamped with the
 * recorded time and the stanza's sender as "service". A recording gives
 * its stanza lines; a HAR or SAZ its BOSH bodies (each child of <body/>)
 * and its WebSocket messages.
 */
#ifndef PERCH_EVIDENCE_FEED_H
#define PERCH_EVIDENCE_FEED_H

#include "evidence.h"

#include <jansson.h>
#include <strophe.h>

struct evidence_feed_events {
    /* A decoded event, owned by the callee (json_decref): {"time",
     * "service", then decode_event's fields}. t: seconds since the
     * epoch, 0 unknown. */
    void (*event)(void *arg, json_t *ev, double t);
    /* Every stanza in or out (borrowed for the call); may be NULL. */
    void (*stanza)(void *arg, int in, xmpp_stanza_t *st, double t);
    /* A body or stanza that did not parse (where, cause borrowed). */
    void (*damaged)(void *arg, const char *where, const char *cause);
};

struct evidence_feed;

/* ctx borrowed, must outlive the feed; format: what the records come
 * from. Never NULL. */
struct evidence_feed *evidence_feed_new(xmpp_ctx_t *ctx,
                                        enum evidence_format format,
                                        const struct evidence_feed_events *ev,
                                        void *arg);
void evidence_feed_free(struct evidence_feed *f);

/* Feeds one record (borrowed). */
void evidence_feed_record(struct evidence_feed *f,
                          const struct evidence_rec *r);

/* "2026-12-01T02:13:07.412Z" for t (watch's stamp) into out (>= 32). */
void evidence_feed_stamp(double t, char *out, size_t size);

#endif
