/*
 * The bounded input path on any bytes, split into reads where the input
 * says: a stream either delivers stanzas within the limits or fails with
 * a named cause, and a document parse returns one root or a cause. Small
 * limits make the fuzzer reach each of them.
 */
#include "fuzz.h"

#include "xmpp/xmlstream.h"

struct state {
    struct xmlstream *xs;
    unsigned stanzas;
};

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct state *s = arg;
    char *text = NULL;
    const char *raw;
    size_t len = 0, raw_len = 0;

    /* libstrophe's recursive writer must be safe on what was built */
    CHECK(xmpp_stanza_to_text(st, &text, &len) == XMPP_EOK);
    xmpp_free(fuzz_ctx(), text);
    /* the bytes as received: one element, from its '<' to its '>' */
    raw = xmlstream_raw(s->xs, &raw_len);
    CHECK(raw != NULL && raw_len >= 3 && raw[0] == '<' &&
          raw[raw_len - 1] == '>' && raw_len <= 4096);
    if (++s->stanzas % 7 == 0)
        xmlstream_reset(s->xs); /* as STARTTLS and SASL do */
}

static const struct xmlstream_events events = {NULL, on_stanza, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xmlstream_limits lim;
    struct state s = {NULL, 0};
    enum xmlstream_fault f;
    xmpp_stanza_t *doc;
    char *cause = NULL;
    struct xmlstream_span *spans = NULL;
    size_t off = 0, nspans = 0, i, end;
    int rc = XMLSTREAM_OK;

    xmlstream_limits_default(&lim);
    lim.max_stanza = 4096;
    lim.max_depth = 16;
    lim.max_attrs = 8;
    lim.max_nodes = 64;
    lim.max_token = 512;
    lim.batch = 3;

    s.xs = xmlstream_new(fuzz_ctx(), &lim, &events, &s);
    xmlstream_keep_raw(s.xs, 1);
    while (off < size && rc != XMLSTREAM_FAILED) {
        /* each read's length comes from the input itself */
        size_t n = 1 + data[off] % 32;
        if (n > size - off)
            n = size - off;
        rc = xmlstream_feed(s.xs, (const char *)data + off, n);
        while (rc == XMLSTREAM_PAUSED)
            rc = xmlstream_resume(s.xs);
        off += n;
    }
    /* a failure always says which rule and why */
    CHECK(rc != XMLSTREAM_FAILED || (xmlstream_fault(s.xs) != XS_FAULT_NONE &&
                                     *xmlstream_cause(s.xs) != '\0'));
    xmlstream_free(s.xs);

    doc = xmlstream_parse_document_spans(fuzz_ctx(), (const char *)data, size,
                                         &lim, &f, &cause, &spans, &nspans);
    CHECK(doc != NULL ||
          (cause != NULL && *cause != '\0' && f != XS_FAULT_NONE));
    CHECK(doc != NULL || spans == NULL);
    /* each child's span: an element, in order, inside the input */
    for (i = 0, end = 0; i < nspans; i++) {
        CHECK(spans[i].start >= end && spans[i].len >= 3 &&
              spans[i].start + spans[i].len <= size);
        CHECK(data[spans[i].start] == '<' &&
              data[spans[i].start + spans[i].len - 1] == '>');
        end = spans[i].start + spans[i].len;
    }
    free(spans);
    if (doc)
        xmpp_stanza_release(doc);
    free(cause);
    return 0;
}
