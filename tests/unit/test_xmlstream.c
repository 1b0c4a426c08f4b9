/* The bounded input path: what a server's bytes become, and every rule a
 * hostile server can break, each with its named cause. */
#include "unit.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "xmpp/xmlstream.h"

#define HEADER                                                                 \
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "               \
    "xmlns:stream='http://etherx.jabber.org/streams' id='s1' "                 \
    "from='example.com' version='1.0'>"

/* What a stream delivered, as text, one stanza a line. */
struct seen {
    struct xmlstream *xs;
    struct buf out;
    struct buf raw; /* xmlstream_raw of each stanza, one a line */
    int opened, closed;
    unsigned stanzas;
    char root_ns[64];
    /* test hooks run on the stanza whose name they name */
    const char *reset_on, *stop_on;
};

static void on_open(void *arg, const char *name, const char *ns,
                    const char **attrs)
{
    struct seen *s = arg;
    int i;

    s->opened++;
    assert_string_equal(name, "stream");
    snprintf(s->root_ns, sizeof s->root_ns, "%s", ns ? ns : "");
    for (i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], "id") == 0)
            assert_string_equal(attrs[i + 1], "s1");
}

static void on_stanza(void *arg, xmpp_stanza_t *st)
{
    struct seen *s = arg;
    char *text = NULL;
    const char *raw;
    size_t len = 0, raw_len;

    s->stanzas++;
    raw = xmlstream_raw(s->xs, &raw_len);
    if (raw) {
        buf_append(&s->raw, raw, raw_len);
        buf_puts(&s->raw, "\n");
    }
    assert_int_equal(xmpp_stanza_to_text(st, &text, &len), XMPP_EOK);
    buf_append(&s->out, text, len);
    buf_puts(&s->out, "\n");
    xmpp_free(ctx, text);
    if (s->reset_on && strcmp(xmpp_stanza_get_name(st), s->reset_on) == 0)
        xmlstream_reset(s->xs);
    if (s->stop_on && strcmp(xmpp_stanza_get_name(st), s->stop_on) == 0)
        xmlstream_stop(s->xs);
}

static void on_close(void *arg)
{
    ((struct seen *)arg)->closed++;
}

static const struct xmlstream_events events = {on_open, on_stanza, on_close};

static struct xmlstream *open_stream(struct seen *s,
                                     const struct xmlstream_limits *lim)
{
    memset(s, 0, sizeof *s);
    buf_init(&s->out);
    buf_init(&s->raw);
    buf_append(&s->raw, "", 0);
    s->xs = xmlstream_new(ctx, lim, &events, s);
    return s->xs;
}

static void close_stream(struct seen *s)
{
    xmlstream_free(s->xs);
    buf_done(&s->out);
    buf_done(&s->raw);
}

/* Feeds text and resumes until everything was read; the last result. */
static int feed_all(struct xmlstream *xs, const char *text, size_t len)
{
    int rc = xmlstream_feed(xs, text, len);
    while (rc == XMLSTREAM_PAUSED)
        rc = xmlstream_resume(xs);
    return rc;
}

static int feed_str(struct xmlstream *xs, const char *text)
{
    return feed_all(xs, text, strlen(text));
}

/* libstrophe's own reading of one stanza, for comparison. */
static char *strophe_text(const char *stanza)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, stanza);
    char *text = NULL, *copy;
    size_t len = 0;

    assert_non_null(st);
    assert_int_equal(xmpp_stanza_to_text(st, &text, &len), XMPP_EOK);
    copy = xasprintf("%s\n", text);
    xmpp_free(ctx, text);
    xmpp_stanza_release(st);
    return copy;
}

/* As the stream sends it, and as libstrophe reads it alone (the stream
 * prefix bound). */
static const char *const stanzas[] = {
    "<message from='pubsub.example.com' to='a@example.com'><event "
    "xmlns='http://jabber.org/protocol/pubsub#event'><items "
    "node='/finesse/api/User/1001'><item id='x'><notification "
    "xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;&lt;data&gt;"
    "Smith &amp;amp; Sons&lt;/data&gt;&lt;/Update&gt;</notification></item>"
    "</items></event></message>",
    "<iq type='result' id='1' xml:lang='en'><query "
    "xmlns='http://jabber.org/protocol/disco#items'><item jid='p' node='/a'/>"
    "<item jid='p' node='/b'/></query></iq>",
    "<stream:features><mechanisms "
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
    "</mechanisms></stream:features>",
    "<presence><status>caf\xc3\xa9 &#x263A; <![CDATA[<raw> & text]]>"
    "</status></presence>",
};

static const char features_alone[] =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
    "</mechanism></mechanisms></stream:features>";

static void xmlstream__builds_the_stanzas_libstrophe_would(void **state)
{
    struct seen s;
    struct buf want;
    size_t i;
    (void)state;

    buf_init(&want);
    open_stream(&s, NULL);
    assert_int_equal(feed_str(s.xs, HEADER), XMLSTREAM_OK);
    for (i = 0; i < sizeof stanzas / sizeof *stanzas; i++) {
        char *w = strophe_text(i == 2 ? features_alone : stanzas[i]);
        buf_puts(&want, w);
        free(w);
        assert_int_equal(feed_str(s.xs, stanzas[i]), XMLSTREAM_OK);
        assert_int_equal(feed_str(s.xs, " \n"), XMLSTREAM_OK); /* keepalive */
    }
    assert_int_equal(s.opened, 1);
    assert_string_equal(s.root_ns, "http://etherx.jabber.org/streams");
    assert_string_equal(s.out.data, want.data);
    assert_int_equal(feed_str(s.xs, "</stream:stream>"), XMLSTREAM_OK);
    assert_int_equal(s.closed, 1);
    buf_done(&want);
    close_stream(&s);
}

static void xmlstream__reads_the_same_one_byte_at_a_time(void **state)
{
    struct seen whole, bytes;
    struct buf all;
    size_t i;
    (void)state;

    buf_init(&all);
    buf_puts(&all, HEADER);
    for (i = 0; i < sizeof stanzas / sizeof *stanzas; i++)
        buf_puts(&all, stanzas[i]);
    open_stream(&whole, NULL);
    open_stream(&bytes, NULL);
    assert_int_equal(feed_all(whole.xs, all.data, all.len), XMLSTREAM_OK);
    for (i = 0; i < all.len; i++)
        assert_int_equal(feed_all(bytes.xs, all.data + i, 1), XMLSTREAM_OK);
    assert_int_equal(bytes.stanzas, sizeof stanzas / sizeof *stanzas);
    assert_string_equal(bytes.out.data, whole.out.data);
    buf_done(&all);
    close_stream(&whole);
    close_stream(&bytes);
}

static void xmlstream__pauses_after_a_batch_and_resumes(void **state)
{
    struct xmlstream_limits lim;
    struct seen s;
    struct buf many;
    int i, rc;
    (void)state;

    xmlstream_limits_default(&lim);
    lim.batch = 10;
    buf_init(&many);
    buf_puts(&many, HEADER);
    for (i = 0; i < 25; i++)
        buf_printf(&many, "<message id='%d'/>", i);
    open_stream(&s, &lim);
    assert_int_equal(xmlstream_feed(s.xs, many.data, many.len),
                     XMLSTREAM_PAUSED);
    assert_int_equal(s.stanzas, 10);
    assert_true(xmlstream_paused(s.xs));
    /* what arrives while paused waits its turn */
    assert_int_equal(xmlstream_feed(s.xs, "<message id='25'/>", 18),
                     XMLSTREAM_PAUSED);
    assert_int_equal(s.stanzas, 10);
    assert_int_equal(xmlstream_resume(s.xs), XMLSTREAM_PAUSED);
    assert_int_equal(s.stanzas, 20);
    rc = xmlstream_resume(s.xs);
    assert_int_equal(rc, XMLSTREAM_OK);
    assert_int_equal(s.stanzas, 26);
    assert_non_null(strstr(s.out.data, "id=\"25\""));
    assert_false(xmlstream_paused(s.xs));
    buf_done(&many);
    close_stream(&s);
}

/* Odd but valid spelling a server may send: the bytes as received must
 * come back unchanged, whatever libstrophe would make of them. */
static const char *const odd[] = {
    "<message to=\"a@example.com\" from='pubsub.example.com'\n  id = \"x\"><"
    "event xmlns='http://jabber.org/protocol/pubsub#event'><items "
    "node='/finesse/api/User/1'>\n<item id='i1'><notification "
    "xmlns='http://jabber.org/protocol/pubsub'>&#x3C;Update&gt;&lt;data"
    "&gt;caf\xc3\xa9 &amp; &#233;&lt;/data&gt;&lt;/Update&gt;</notification>"
    "</item>  </items></event></message>",
    "<presence/>",
    "<iq type='result' id='1'\t/>",
    "<message><body><![CDATA[a < b]]></body></message>",
};

/* The stream of odd[], whitespace between the stanzas. */
static void odd_stream(struct buf *all, struct buf *want)
{
    size_t i;

    buf_init(all);
    buf_init(want);
    buf_puts(all, HEADER);
    buf_append(want, "", 0);
    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        buf_puts(all, i % 2 ? "\n  " : " ");
        buf_puts(all, odd[i]);
        buf_printf(want, "%s\n", odd[i]);
    }
}

static void xmlstream__keeps_each_stanzas_bytes_as_received(void **state)
{
    struct xmlstream_limits lim;
    struct seen whole, bytes, batches, off;
    struct buf all, want;
    size_t i;
    (void)state;

    odd_stream(&all, &want);
    xmlstream_limits_default(&lim);
    lim.batch = 1; /* paused after every stanza, resumed mid-slice */
    open_stream(&whole, NULL);
    open_stream(&bytes, NULL);
    open_stream(&batches, &lim);
    open_stream(&off, NULL);
    xmlstream_keep_raw(whole.xs, 1);
    xmlstream_keep_raw(bytes.xs, 1);
    xmlstream_keep_raw(batches.xs, 1);
    assert_int_equal(feed_all(whole.xs, all.data, all.len), XMLSTREAM_OK);
    for (i = 0; i < all.len; i++)
        assert_int_equal(feed_all(bytes.xs, all.data + i, 1), XMLSTREAM_OK);
    for (i = 0; i < all.len; i += 7)
        assert_int_equal(feed_all(batches.xs, all.data + i,
                                  all.len - i < 7 ? all.len - i : 7),
                         XMLSTREAM_OK);
    assert_int_equal(feed_all(off.xs, all.data, all.len), XMLSTREAM_OK);
    assert_int_equal(whole.stanzas, sizeof odd / sizeof *odd);
    assert_string_equal(whole.raw.data, want.data);
    assert_string_equal(bytes.raw.data, want.data);
    assert_string_equal(batches.raw.data, want.data);
    assert_string_equal(off.raw.data, ""); /* not asked: nothing kept */
    assert_string_equal(whole.out.data, off.out.data);
    buf_done(&all);
    buf_done(&want);
    close_stream(&whole);
    close_stream(&bytes);
    close_stream(&batches);
    close_stream(&off);
}

/* After a reset (STARTTLS, SASL) the new stream's stanzas are its own
 * bytes, nothing of the old one. */
static void xmlstream__keeps_raw_bytes_across_a_reset(void **state)
{
    struct seen s;
    struct buf all;
    (void)state;

    buf_init(&all);
    buf_printf(&all, "%s<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
               HEADER);
    open_stream(&s, NULL);
    xmlstream_keep_raw(s.xs, 1);
    s.reset_on = "proceed";
    assert_int_equal(feed_all(s.xs, all.data, all.len), XMLSTREAM_OK);
    assert_int_equal(feed_str(s.xs, HEADER "<message id = 'after'/>"),
                     XMLSTREAM_OK);
    assert_string_equal(s.raw.data,
                        "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n"
                        "<message id = 'after'/>\n");
    buf_done(&all);
    close_stream(&s);
}

static void
xmlstream_parse_document_spans__gives_each_child_s_bytes(void **state)
{
    static const char body[] =
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'>\n "
        "<message id=\"a\">&#x3C;Update&gt;</message>text<presence/>"
        "<iq type='get'><query xmlns='q'><x/></query></iq>\n</body>";
    struct xmlstream_span *spans = NULL;
    size_t n = 0;
    char *cause = NULL;
    xmpp_stanza_t *root;
    (void)state;

    root = xmlstream_parse_document_spans(ctx, body, sizeof body - 1, NULL,
                                          NULL, &cause, &spans, &n);
    assert_non_null(root);
    assert_int_equal(n, 3);
    assert_memory_equal(body + spans[0].start,
                        "<message id=\"a\">&#x3C;Update&gt;</message>",
                        spans[0].len);
    assert_int_equal(spans[1].len, 11);
    assert_memory_equal(body + spans[1].start, "<presence/>", 11);
    assert_memory_equal(body + spans[2].start,
                        "<iq type='get'><query xmlns='q'><x/></query></iq>",
                        spans[2].len);
    assert_int_equal(spans[2].len, 49);
    xmpp_stanza_release(root);
    free(spans);
    /* a document that does not parse gives no spans */
    assert_null(xmlstream_parse_document_spans(ctx, "<body><a></body>", 16,
                                               NULL, NULL, &cause, &spans, &n));
    assert_null(spans);
    assert_int_equal(n, 0);
    free(cause);
}

/* After <proceed/> nothing sent in clear text may count (the STARTTLS
 * injection): a reset drops what followed in the same read. */
static void xmlstream__reset_drops_what_came_after_in_the_same_read(void **st)
{
    struct seen s;
    (void)st;

    open_stream(&s, NULL);
    s.reset_on = "proceed";
    assert_int_equal(feed_str(s.xs,
                              HEADER "<proceed xmlns='urn:ietf:params:xml:ns:"
                                     "xmpp-tls'/><message>injected</message>"),
                     XMLSTREAM_OK);
    assert_int_equal(s.stanzas, 1);
    assert_null(strstr(s.out.data, "injected"));
    /* the new stream starts from its own header */
    assert_int_equal(feed_str(s.xs, HEADER "<message>after</message>"),
                     XMLSTREAM_OK);
    assert_int_equal(s.opened, 2);
    assert_int_equal(s.stanzas, 2);
    assert_non_null(strstr(s.out.data, "after"));
    close_stream(&s);
}

static void xmlstream__stop_reads_nothing_more(void **state)
{
    struct seen s;
    (void)state;

    open_stream(&s, NULL);
    s.stop_on = "a";
    assert_int_equal(feed_str(s.xs, HEADER "<a/><b/>"), XMLSTREAM_OK);
    assert_int_equal(feed_str(s.xs, "<c/>"), XMLSTREAM_OK);
    assert_int_equal(s.stanzas, 1);
    close_stream(&s);
}

/* --- hostile input: each rule, its fault and the words of its cause --- */

struct hostile {
    const char *name;
    const char *input; /* after HEADER unless raw */
    int raw;
    enum xmlstream_fault fault;
    const char *cause;
};

static const struct hostile hostile[] = {
    {"xmlstream__refuses_a_doctype",
     "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 "
     "'&lol;&lol;&lol;&lol;'>]><stream:stream xmlns:stream='http://etherx."
     "jabber.org/streams'>&lol2;",
     1, XS_FAULT_DOCTYPE, "DOCTYPE"},
    {"xmlstream__refuses_a_processing_instruction",
     "<message><?evil data?></message>", 0, XS_FAULT_PI,
     "processing instruction"},
    {"xmlstream__refuses_a_comment", "<!-- hello --><message/>", 0,
     XS_FAULT_COMMENT, "comment"},
    {"xmlstream__refuses_an_undefined_entity_in_an_attribute",
     "<message to='&nope;'/>", 0, XS_FAULT_ENTITY, "undefined entity"},
    {"xmlstream__refuses_invalid_utf8_with_its_byte",
     "<message>\xc3\x28</message>", 0, XS_FAULT_SYNTAX,
     "not well-formed at byte"},
    {"xmlstream__refuses_a_control_character", "<message>\x01</message>", 0,
     XS_FAULT_SYNTAX, "not well-formed at byte"},
    {"xmlstream__refuses_a_control_character_reference",
     "<message>&#1;</message>", 0, XS_FAULT_SYNTAX, "not well-formed at byte"},
    {"xmlstream__refuses_mismatched_tags", "<message></iq>", 0, XS_FAULT_SYNTAX,
     "mismatched tag"},
    {"xmlstream__refuses_a_second_root", "</stream:stream><x/>", 0,
     XS_FAULT_SYNTAX, "not well-formed at byte"},
};

static void hostile_input(void **state)
{
    const struct hostile *h = *state;
    struct seen s;
    struct buf in;

    buf_init(&in);
    if (!h->raw)
        buf_puts(&in, HEADER);
    buf_puts(&in, h->input);
    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), h->fault);
    if (strstr(xmlstream_cause(s.xs), h->cause) == NULL)
        fail_msg("cause '%s' lacks '%s'", xmlstream_cause(s.xs), h->cause);
    /* nothing of the broken stanza came out, and nothing ever will */
    assert_int_equal(s.stanzas, 0);
    assert_int_equal(feed_str(s.xs, "<message/>"), XMLSTREAM_FAILED);
    assert_int_equal(s.stanzas, 0);
    buf_done(&in);
    close_stream(&s);
}

static void xmlstream__refuses_a_nul_byte(void **state)
{
    static const char in[] = HEADER "<message>a\0b</message>";
    struct seen s;
    (void)state;

    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in, sizeof in - 1), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_SYNTAX);
    close_stream(&s);
}

/* 100,000 nested elements crashed libstrophe's recursive serialiser. */
static void xmlstream__refuses_deep_nesting_at_the_limit(void **state)
{
    struct seen s;
    struct buf in;
    int i;
    (void)state;

    buf_init(&in);
    buf_puts(&in, HEADER);
    for (i = 0; i < 100000; i++)
        buf_puts(&in, "<a>");
    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_DEPTH);
    assert_non_null(strstr(xmlstream_cause(s.xs), "deeper than 128"));
    close_stream(&s);
    /* 128 levels, the stream root counted, still pass */
    buf_done(&in);
    buf_puts(&in, HEADER);
    for (i = 0; i < 127; i++)
        buf_puts(&in, "<a>");
    for (i = 0; i < 127; i++)
        buf_puts(&in, "</a>");
    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_OK);
    assert_int_equal(s.stanzas, 1);
    close_stream(&s);
    buf_done(&in);
}

static void attrs_input(struct buf *in, int n)
{
    int i;
    buf_puts(in, HEADER "<message");
    for (i = 0; i < n; i++)
        buf_printf(in, " a%d='v'", i);
    buf_puts(in, "/>");
}

static void xmlstream__caps_attributes_per_element(void **state)
{
    struct seen s;
    struct buf in;
    (void)state;

    buf_init(&in);
    attrs_input(&in, 256);
    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_OK);
    assert_int_equal(s.stanzas, 1);
    close_stream(&s);
    buf_done(&in);
    attrs_input(&in, 257);
    open_stream(&s, NULL);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_ATTRS);
    assert_non_null(strstr(xmlstream_cause(s.xs), "more than 256 attrib"));
    close_stream(&s);
    buf_done(&in);
}

static void xmlstream__caps_the_size_of_a_stanza(void **state)
{
    struct xmlstream_limits lim;
    struct seen s;
    struct buf in;
    int i;
    (void)state;

    xmlstream_limits_default(&lim);
    lim.max_stanza = 4096;
    buf_init(&in);
    buf_puts(&in, HEADER "<message><body>");
    for (i = 0; i < 1000; i++)
        buf_puts(&in, "0123456789");
    open_stream(&s, &lim);
    /* the end tag never comes: the size alone ends it */
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_SIZE);
    assert_non_null(strstr(xmlstream_cause(s.xs), "larger than the 4 KiB cap"));
    close_stream(&s);
    buf_done(&in);
}

/* 16 MiB of <a/> would be millions of objects: the count is capped. */
static void xmlstream__caps_the_nodes_of_a_stanza(void **state)
{
    struct xmlstream_limits lim;
    struct seen s;
    struct buf in;
    int i;
    (void)state;

    xmlstream_limits_default(&lim);
    lim.max_nodes = 100;
    buf_init(&in);
    buf_puts(&in, HEADER "<iq>");
    for (i = 0; i < 200; i++)
        buf_puts(&in, "<a/>");
    open_stream(&s, &lim);
    assert_int_equal(feed_all(s.xs, in.data, in.len), XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_NODES);
    close_stream(&s);
    buf_done(&in);
}

/* One endless tag arriving a little at a time: expat 2.5 re-reads it each
 * time, so its size is capped long before that costs anything. */
static void xmlstream__caps_an_unfinished_tag(void **state)
{
    struct xmlstream_limits lim;
    struct seen s;
    char chunk[4096];
    int i, rc = XMLSTREAM_OK;
    (void)state;

    xmlstream_limits_default(&lim);
    lim.max_token = 64 << 10;
    memset(chunk, 'x', sizeof chunk);
    open_stream(&s, &lim);
    assert_int_equal(feed_str(s.xs, HEADER "<message a='"), XMLSTREAM_OK);
    for (i = 0; i < 100 && rc == XMLSTREAM_OK; i++)
        rc = feed_all(s.xs, chunk, sizeof chunk);
    assert_int_equal(rc, XMLSTREAM_FAILED);
    assert_int_equal(xmlstream_fault(s.xs), XS_FAULT_TOKEN);
    assert_true(i <= 17); /* within one chunk past 64 KiB */
    close_stream(&s);
}

/* --- documents: BOSH bodies and WebSocket messages --- */

static void xmlstream_parse_document__returns_the_root(void **state)
{
    static const char body[] =
        "<body xmlns='http://jabber.org/protocol/httpbind' sid='x'>"
        "<message xmlns='jabber:client'><body>hi</body></message></body>";
    enum xmlstream_fault f;
    char *cause = NULL;
    xmpp_stanza_t *b;
    (void)state;

    b = xmlstream_parse_document(ctx, body, sizeof body - 1, NULL, &f, &cause);
    assert_non_null(b);
    assert_null(cause);
    assert_int_equal(f, XS_FAULT_NONE);
    assert_string_equal(xmpp_stanza_get_name(b), "body");
    assert_string_equal(xmpp_stanza_get_ns(b),
                        "http://jabber.org/protocol/httpbind");
    assert_string_equal(xmpp_stanza_get_attribute(b, "sid"), "x");
    assert_non_null(xmpp_stanza_get_child_by_name(b, "message"));
    xmpp_stanza_release(b);
}

/* libstrophe appends a child by walking the siblings: a body of 100,000
 * stanzas took minutes. Every child is kept, in order, text included, and
 * the tree serialises back to the input. */
static void
xmlstream_parse_document__keeps_100000_children_in_order(void **state)
{
    enum { N = 100000 };
    struct buf in, out;
    enum xmlstream_fault f;
    char *cause = NULL, *text;
    size_t len, i = 0;
    xmpp_stanza_t *b, *c;
    (void)state;

    buf_init(&in);
    buf_printf(&in, "<body xmlns=\"x\">");
    for (i = 0; i < N; i++)
        buf_printf(&in, "<m n=\"%zu\"/>%s", i, i % 1000 == 0 ? "t" : "");
    buf_printf(&in, "</body>");
    b = xmlstream_parse_document(ctx, in.data, in.len, NULL, &f, &cause);
    assert_non_null(b);
    i = 0;
    buf_init(&out);
    for (c = xmpp_stanza_get_children(b); c; c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_text(c)) {
            assert_string_equal(xmpp_stanza_get_text_ptr(c), "t");
            continue;
        }
        buf_printf(&out, "%zu", i++);
        assert_string_equal(xmpp_stanza_get_attribute(c, "n"), out.data);
        out.len = 0;
    }
    assert_int_equal(i, N);
    assert_int_equal(xmpp_stanza_to_text(b, &text, &len), XMPP_EOK);
    assert_int_equal(len, in.len);
    assert_memory_equal(text, in.data, len);
    xmpp_free(ctx, text);
    buf_done(&out);
    buf_done(&in);
    xmpp_stanza_release(b);
}

struct bad_doc {
    const char *name;
    const char *text;
    enum xmlstream_fault fault;
    const char *cause;
};

static const struct bad_doc bad_docs[] = {
    {"xmlstream_parse_document__refuses_an_empty_text", "", XS_FAULT_SYNTAX,
     "no element found"},
    {"xmlstream_parse_document__refuses_a_truncated_root", "<body><a/>",
     XS_FAULT_SYNTAX, "not well-formed at byte"},
    {"xmlstream_parse_document__refuses_junk_after_the_root", "<a/><b/>",
     XS_FAULT_SYNTAX, "junk after document element"},
    {"xmlstream_parse_document__refuses_a_doctype",
     "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", XS_FAULT_DOCTYPE, "DOCTYPE"},
    {"xmlstream_parse_document__refuses_text_only", "just text",
     XS_FAULT_SYNTAX, "not well-formed at byte"},
};

static void bad_document(void **state)
{
    const struct bad_doc *d = *state;
    enum xmlstream_fault f;
    char *cause = NULL;

    assert_null(xmlstream_parse_document(ctx, d->text, strlen(d->text), NULL,
                                         &f, &cause));
    assert_int_equal(f, d->fault);
    assert_non_null(cause);
    if (strstr(cause, d->cause) == NULL)
        fail_msg("cause '%s' lacks '%s'", cause, d->cause);
    free(cause);
}

static void xmlstream_parse_document__caps_its_size(void **state)
{
    struct xmlstream_limits lim;
    char text[] = "<a>0123456789</a>";
    char *cause = NULL;
    enum xmlstream_fault f;
    (void)state;

    xmlstream_limits_default(&lim);
    lim.max_stanza = 8;
    assert_null(
        xmlstream_parse_document(ctx, text, sizeof text - 1, &lim, &f, &cause));
    assert_int_equal(f, XS_FAULT_SIZE);
    free(cause);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "xmlstream__builds_the_stanzas_libstrophe_would",
           xmlstream__builds_the_stanzas_libstrophe_would, NULL);
    tl_add(&l, "xmlstream__reads_the_same_one_byte_at_a_time",
           xmlstream__reads_the_same_one_byte_at_a_time, NULL);
    tl_add(&l, "xmlstream__pauses_after_a_batch_and_resumes",
           xmlstream__pauses_after_a_batch_and_resumes, NULL);
    tl_add(&l, "xmlstream__reset_drops_what_came_after_in_the_same_read",
           xmlstream__reset_drops_what_came_after_in_the_same_read, NULL);
    tl_add(&l, "xmlstream__keeps_each_stanzas_bytes_as_received",
           xmlstream__keeps_each_stanzas_bytes_as_received, NULL);
    tl_add(&l, "xmlstream__keeps_raw_bytes_across_a_reset",
           xmlstream__keeps_raw_bytes_across_a_reset, NULL);
    tl_add(&l, "xmlstream_parse_document_spans__gives_each_child_s_bytes",
           xmlstream_parse_document_spans__gives_each_child_s_bytes, NULL);
    tl_add(&l, "xmlstream__stop_reads_nothing_more",
           xmlstream__stop_reads_nothing_more, NULL);
    TL_ROWS(&l, hostile, hostile_input);
    tl_add(&l, "xmlstream__refuses_a_nul_byte", xmlstream__refuses_a_nul_byte,
           NULL);
    tl_add(&l, "xmlstream__refuses_deep_nesting_at_the_limit",
           xmlstream__refuses_deep_nesting_at_the_limit, NULL);
    tl_add(&l, "xmlstream__caps_attributes_per_element",
           xmlstream__caps_attributes_per_element, NULL);
    tl_add(&l, "xmlstream__caps_the_size_of_a_stanza",
           xmlstream__caps_the_size_of_a_stanza, NULL);
    tl_add(&l, "xmlstream__caps_the_nodes_of_a_stanza",
           xmlstream__caps_the_nodes_of_a_stanza, NULL);
    tl_add(&l, "xmlstream__caps_an_unfinished_tag",
           xmlstream__caps_an_unfinished_tag, NULL);
    tl_add(&l, "xmlstream_parse_document__returns_the_root",
           xmlstream_parse_document__returns_the_root, NULL);
    tl_add(&l, "xmlstream_parse_document__keeps_100000_children_in_order",
           xmlstream_parse_document__keeps_100000_children_in_order, NULL);
    TL_ROWS(&l, bad_docs, bad_document);
    tl_add(&l, "xmlstream_parse_document__caps_its_size",
           xmlstream_parse_document__caps_its_size, NULL);
    return tl_run(&l, "xmlstream", strophe_setup, strophe_teardown);
}
