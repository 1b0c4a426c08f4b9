/*
 * What the evidence fuzz targets share: a reader on arbitrary bytes, then
 * each record fed through the decoders (xmlstream.c, decode_event). The
 * count returned is the records delivered; -1 comes with a cause and no
 * record; every event is an object that serializes.
 */
#ifndef PERCH_FUZZ_EVIDENCE_H
#define PERCH_FUZZ_EVIDENCE_H

#include "fuzz.h"

#include "evidence/evidence.h"
#include "evidence/feed.h"

#include <jansson.h>

struct fuzz_evidence {
    struct evidence_feed *feed;
    int records;
};

static inline void fuzz_evidence_event(void *arg, json_t *ev, double t)
{
    char *line = json_dumps(ev, JSON_COMPACT);
    (void)arg;
    (void)t;
    CHECK(json_is_object(ev) && line != NULL);
    free(line);
    json_decref(ev);
}

static inline void fuzz_evidence_damaged(void *arg, const char *where,
                                         const char *cause)
{
    (void)arg;
    CHECK(where != NULL && cause != NULL && *cause);
}

static inline void fuzz_evidence_record(void *arg, const struct evidence_rec *r)
{
    struct fuzz_evidence *fe = arg;
    CHECK(r->kind <= EVIDENCE_REST);
    CHECK(r->kind != EVIDENCE_REST ||
          (r->method && r->url && r->status >= 0 && r->status <= 999));
    CHECK(r->kind != EVIDENCE_WS || r->opcode <= 15);
    /* a connection line is what its kind needs: a peer, or a trust */
    CHECK(r->kind != EVIDENCE_CONN || r->conn.tls ||
          (r->conn.address != NULL && r->conn.port >= 1 &&
           r->conn.port <= 65535));
    CHECK(r->kind != EVIDENCE_CONN || !r->conn.tls || r->conn.verify != NULL);
    CHECK(r->xml == NULL || r->xml_len <= EVIDENCE_MAX_INPUT);
    evidence_feed_record(fe->feed, r);
    fe->records++;
}

static inline void fuzz_evidence_run(enum evidence_format f,
                                     const uint8_t *data, size_t size)
{
    static const struct evidence_feed_events fev = {fuzz_evidence_event, NULL,
                                                    fuzz_evidence_damaged};
    static const struct evidence_events rev = {fuzz_evidence_record,
                                               fuzz_evidence_damaged};
    xmpp_ctx_t *ctx = fuzz_ctx();
    struct fuzz_evidence fe = {NULL, 0};
    char *cause = NULL;
    int n;

    fe.feed = evidence_feed_new(ctx, f, &fev, &fe);
    n = evidence_read(f, (const char *)data, size, &rev, &fe, &cause);
    if (n < 0) {
        CHECK(n == -1 && cause != NULL && fe.records == 0);
        free(cause);
    } else {
        CHECK(cause == NULL && n == fe.records);
    }
    evidence_feed_free(fe.feed);
}

#endif
