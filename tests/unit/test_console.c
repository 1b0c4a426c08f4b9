/* The console ring and console_redact. */
#include "unit.h"

#include "base/buf.h"
#include "xmpp/console.h"

#include <sys/time.h>

#define SASL "urn:ietf:params:xml:ns:xmpp-sasl"

/* --- the ring --- */

static void console__starts_empty(void **state)
{
    struct console *c = console_new(4, 100);
    (void)state;

    assert_int_equal(console_count(c), 0);
    assert_int_equal(console_bytes(c), 0);
    assert_int_equal(console_dropped(c), 0);
    assert_null(console_get(c, 0));
    console_free(c);
}

static void console__keeps_text_direction_time_and_length(void **state)
{
    struct console *c = console_new(4, 100);
    const struct console_entry *e;
    struct timeval before, after;
    (void)state;

    gettimeofday(&before, NULL);
    console_add(c, CONSOLE_OUT, "<presence/>");
    console_add(c, CONSOLE_IN, "<iq type='result'/>");
    console_add(c, CONSOLE_INFO, "connected");
    gettimeofday(&after, NULL);

    assert_int_equal(console_count(c), 3);
    assert_int_equal(console_bytes(c), 11 + 19 + 9);
    e = console_get(c, 0);
    assert_string_equal(e->text, "<presence/>");
    assert_int_equal(e->len, 11);
    assert_int_equal(e->dir, CONSOLE_OUT);
    assert_int_equal(e->seq, 1);
    assert_true(e->time >= (double)before.tv_sec);
    assert_true(e->time <= (double)after.tv_sec + 1);
    e = console_get(c, 1);
    assert_string_equal(e->text, "<iq type='result'/>");
    assert_int_equal(e->dir, CONSOLE_IN);
    assert_int_equal(e->seq, 2);
    e = console_get(c, 2);
    assert_string_equal(e->text, "connected");
    assert_int_equal(e->dir, CONSOLE_INFO);
    assert_int_equal(e->seq, 3);
    assert_null(console_get(c, 3));
    console_free(c);
}

static void console__copies_the_text(void **state)
{
    struct console *c = console_new(4, 100);
    char text[] = "<presence/>";
    (void)state;

    console_add(c, CONSOLE_OUT, text);
    text[1] = 'X';
    assert_string_equal(console_get(c, 0)->text, "<presence/>");
    console_free(c);
}

static void console__drops_the_oldest_beyond_the_entry_count(void **state)
{
    struct console *c = console_new(3, 1000);
    char text[32];
    int i;
    (void)state;

    for (i = 1; i <= 5; i++) {
        snprintf(text, sizeof text, "entry %d", i);
        console_add(c, CONSOLE_IN, text);
    }
    assert_int_equal(console_count(c), 3);
    assert_int_equal(console_dropped(c), 2);
    assert_int_equal(console_bytes(c), 3 * 7);
    for (i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "entry %d", i + 3);
        assert_string_equal(console_get(c, (size_t)i)->text, text);
        /* sequence numbers continue across drops */
        assert_int_equal(console_get(c, (size_t)i)->seq, (unsigned long)i + 3);
    }
    assert_null(console_get(c, 3));
    console_free(c);
}

static void console__wraps_around_the_ring_many_times(void **state)
{
    struct console *c = console_new(7, 1u << 20);
    char text[32];
    unsigned long i;
    (void)state;

    for (i = 1; i <= 1000; i++) {
        snprintf(text, sizeof text, "%lu", i);
        console_add(c, CONSOLE_OUT, text);
    }
    assert_int_equal(console_count(c), 7);
    assert_int_equal(console_dropped(c), 993);
    for (i = 0; i < 7; i++) {
        snprintf(text, sizeof text, "%lu", 994 + i);
        assert_string_equal(console_get(c, i)->text, text);
        assert_int_equal(console_get(c, i)->seq, 994 + i);
    }
    assert_int_equal(console_bytes(c), 3 * 6 + 4); /* 994..999, 1000 */
    console_free(c);
}

static void console__drops_the_oldest_beyond_the_byte_bound(void **state)
{
    struct console *c = console_new(100, 10);
    (void)state;

    console_add(c, CONSOLE_IN, "aaaa");
    console_add(c, CONSOLE_IN, "bbbb");
    assert_int_equal(console_count(c), 2);
    assert_int_equal(console_bytes(c), 8);
    console_add(c, CONSOLE_IN, "cccc"); /* 12 > 10: "aaaa" goes */
    assert_int_equal(console_count(c), 2);
    assert_int_equal(console_bytes(c), 8);
    assert_int_equal(console_dropped(c), 1);
    assert_string_equal(console_get(c, 0)->text, "bbbb");
    assert_string_equal(console_get(c, 1)->text, "cccc");
    assert_int_equal(console_get(c, 1)->seq, 3);
    console_add(c, CONSOLE_IN, "dddddddddd"); /* exactly 10: all others go */
    assert_int_equal(console_count(c), 1);
    assert_int_equal(console_bytes(c), 10);
    assert_int_equal(console_dropped(c), 3);
    assert_string_equal(console_get(c, 0)->text, "dddddddddd");
    assert_int_equal(console_get(c, 0)->seq, 4);
    console_free(c);
}

static void console__truncates_an_entry_bigger_than_the_byte_bound(void **state)
{
    struct console *c = console_new(10, 16);
    const struct console_entry *e;
    (void)state;

    console_add(c, CONSOLE_IN, "small");
    console_add(c, CONSOLE_IN, "<message><body>0123456789</body></message>");
    assert_int_equal(console_count(c), 1);
    assert_int_equal(console_bytes(c), 16);
    assert_int_equal(console_dropped(c), 1);
    e = console_get(c, 0);
    assert_string_equal(e->text, "<message><body>0");
    assert_int_equal(e->len, 16);
    assert_int_equal(strlen(e->text), 16);
    assert_int_equal(e->seq, 2);
    console_free(c);
}

static void console__never_cuts_a_utf8_character_in_two(void **state)
{
    struct console *c = console_new(10, 17);
    (void)state;

    /* "<body>René Ren" is 16 bytes; byte 17 is the second byte of "é" */
    console_add(c, CONSOLE_IN,
                "<body>Ren\xc3\xa9"
                "e Ren\xc3\xa9"
                "e</body>");
    assert_string_equal(console_get(c, 0)->text, "<body>Ren\xc3\xa9"
                                                 "e Ren");
    assert_int_equal(console_get(c, 0)->len, 16);
    console_free(c);
}

static void console__truncates_a_megabyte_entry(void **state)
{
    struct console *c = console_new(10, 4096);
    char *big = str_repeat('x', 1u << 20);
    (void)state;

    console_add(c, CONSOLE_IN, big);
    assert_int_equal(console_count(c), 1);
    assert_int_equal(console_bytes(c), 4096);
    assert_int_equal(console_get(c, 0)->len, 4096);
    assert_int_equal(strlen(console_get(c, 0)->text), 4096);
    free(big);
    console_free(c);
}

static void console__treats_zero_entries_as_one(void **state)
{
    struct console *c = console_new(0, 100);
    (void)state;

    console_add(c, CONSOLE_IN, "a");
    console_add(c, CONSOLE_IN, "b");
    assert_int_equal(console_count(c), 1);
    assert_int_equal(console_dropped(c), 1);
    assert_string_equal(console_get(c, 0)->text, "b");
    console_free(c);
}

static void console__keeps_empty_text(void **state)
{
    struct console *c = console_new(2, 100);
    (void)state;

    console_add(c, CONSOLE_INFO, "");
    assert_int_equal(console_count(c), 1);
    assert_int_equal(console_bytes(c), 0);
    assert_string_equal(console_get(c, 0)->text, "");
    assert_int_equal(console_get(c, 0)->len, 0);
    console_free(c);
}

static void console__frees_null(void **state)
{
    (void)state;
    console_free(NULL);
}

/* --- redaction --- */

struct redact {
    const char *name;
    const char *in, *want;
};

static const struct redact redact_rows[] = {
    {"console_redact__replaces_plain_auth_content_by_its_byte_count",
     "<auth xmlns='" SASL
     "' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>",
     "<auth xmlns='" SASL "' mechanism='PLAIN'>[redacted 28 bytes]</auth>"},
    {"console_redact__redacts_a_prefixed_sasl_response",
     "<sasl:response xmlns:sasl='" SASL "'>Yz1iaXdzLHI9</sasl:response>",
     "<sasl:response xmlns:sasl='" SASL
     "'>[redacted 12 bytes]</sasl:response>"},
    {"console_redact__redacts_a_response",
     "<response xmlns='" SASL "'>Yz1iaXdzLHI9</response>",
     "<response xmlns='" SASL "'>[redacted 12 bytes]</response>"},
    {"console_redact__redacts_a_challenge",
     "<challenge xmlns='" SASL
     "'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0w=</challenge>",
     "<challenge xmlns='" SASL "'>[redacted 36 bytes]</challenge>"},
    {"console_redact__redacts_success_data",
     "<success xmlns='" SASL
     "'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
     "<success xmlns='" SASL "'>[redacted 40 bytes]</success>"},
    {"console_redact__redacts_a_legacy_password",
     "<iq type='set' id='a1'><query xmlns='jabber:iq:auth'>"
     "<username>bill</username><password>Calli0pe</password>"
     "<resource>globe</resource></query></iq>",
     "<iq type='set' id='a1'><query xmlns='jabber:iq:auth'>"
     "<username>bill</username><password>[redacted 8 bytes]</password>"
     "<resource>globe</resource></query></iq>"},
    {"console_redact__counts_bytes_not_characters", "<auth>p\xc3\xa4ss</auth>",
     "<auth>[redacted 5 bytes]</auth>"},
    {"console_redact__counts_newlines_in_the_content", "<auth>\nabc\n</auth>",
     "<auth>[redacted 5 bytes]</auth>"},
    {"console_redact__redacts_one_byte", "<response>=</response>",
     "<response>[redacted 1 bytes]</response>"},
    {"console_redact__redacts_up_to_the_end_when_unterminated",
     "<auth mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==",
     "<auth mechanism='PLAIN'>[redacted 20 bytes]"},
    {"console_redact__redacts_every_secret_element",
     "<auth>a1</auth><challenge>b22</challenge><response>c333</response>"
     "<success>d4444</success>",
     "<auth>[redacted 2 bytes]</auth><challenge>[redacted 3 bytes]</challenge>"
     "<response>[redacted 4 bytes]</response><success>[redacted 5 "
     "bytes]</success>"},
    {"console_redact__keeps_text_around_the_secret",
     "SENT: <auth>c2VjcmV0</auth> (done)",
     "SENT: <auth>[redacted 8 bytes]</auth> (done)"},
    {"console_redact__redacts_an_auth_with_tab_separated_attributes",
     "<auth\tmechanism='PLAIN'>c2VjcmV0</auth>",
     "<auth\tmechanism='PLAIN'>[redacted 8 bytes]</auth>"},
    {"console_redact__leaves_a_self_closing_auth_alone",
     "<auth xmlns='" SASL "' mechanism='EXTERNAL'/>",
     "<auth xmlns='" SASL "' mechanism='EXTERNAL'/>"},
    {"console_redact__leaves_a_bare_self_closing_auth_alone", "<auth/>",
     "<auth/>"},
    {"console_redact__leaves_an_empty_success_alone",
     "<success xmlns='" SASL "'></success>",
     "<success xmlns='" SASL "'></success>"},
    {"console_redact__leaves_text_mentioning_auth_alone",
     "<message><body>auth password success</body></message>",
     "<message><body>auth password success</body></message>"},
    {"console_redact__leaves_longer_names_alone",
     "<authorize>x</authorize><passwords>y</passwords><responses>z</responses>",
     "<authorize>x</authorize><passwords>y</passwords><responses>z</"
     "responses>"},
    {"console_redact__leaves_other_elements_alone",
     "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>",
     "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"},
    {"console_redact__leaves_closing_tags_alone", "</auth></password>",
     "</auth></password>"},
    {"console_redact__leaves_a_start_without_a_closing_bracket_alone",
     "<auth mechanism='PLAIN' AGFsaWNl", "<auth mechanism='PLAIN' AGFsaWNl"},
    {"console_redact__leaves_a_lone_less_than_sign_alone", "a < b <",
     "a < b <"},
    {"console_redact__returns_an_empty_string_for_empty_input", "", ""},
};

static void redact(void **state)
{
    const struct redact *r = *state;
    char *out = console_redact(r->in);

    assert_string_equal(out, r->want);
    free(out);
}

static void console_redact__redacts_a_megabyte_of_auth_data(void **state)
{
    char *data = str_repeat('A', 1u << 20);
    char *in = str_cat3("<auth>", data, "</auth>");
    char *out = console_redact(in);
    (void)state;

    assert_string_equal(out, "<auth>[redacted 1048576 bytes]</auth>");
    free(out);
    free(in);
    free(data);
}

static void console_add__stores_the_redacted_text(void **state)
{
    struct console *c = console_new(4, 4096);
    const char *secret = "AGp1bGlldAByMG0zMG15cjBtMzA=";
    char *in = str_cat3("<auth xmlns='" SASL "' mechanism='PLAIN'>", secret,
                        "</auth>");
    const struct console_entry *e;
    (void)state;

    console_add(c, CONSOLE_OUT, in);
    e = console_get(c, 0);
    assert_string_equal(e->text, "<auth xmlns='" SASL "' mechanism='PLAIN'>"
                                 "[redacted 28 bytes]</auth>");
    assert_int_equal(e->len, strlen(e->text));
    assert_null(strstr(e->text, secret));
    assert_int_equal(console_bytes(c), e->len);
    free(in);
    console_free(c);
}

static void
console_add__never_stores_a_secret_even_when_truncating(void **state)
{
    struct console *c = console_new(4, 10);
    (void)state;

    console_add(c, CONSOLE_OUT, "<auth>c2VjcmV0</auth>");
    assert_string_equal(console_get(c, 0)->text, "<auth>[red");
    assert_null(strstr(console_get(c, 0)->text, "c2Vj"));
    console_free(c);
}

/* The bytes need no NUL: exactly n of them are kept, NUL-terminated (the
 * input here is a heap buffer of 11 bytes: ASan reports any read past). */
static void console_add_len__keeps_n_bytes_that_end_with_no_nul(void **state)
{
    struct console *c = console_new(4, 100);
    char *bytes = malloc(11);
    (void)state;

    memcpy(bytes, "<presence/>", 11);
    console_add_len(c, CONSOLE_IN, bytes, 11, NULL);
    free(bytes);
    assert_string_equal(console_get(c, 0)->text, "<presence/>");
    assert_int_equal(console_get(c, 0)->len, 11);
    assert_int_equal(console_bytes(c), 11);
    console_free(c);
}

static void console_add_len__redacts_what_it_keeps(void **state)
{
    struct console *c = console_new(4, 100);
    const char *text = "<auth>c2VjcmV0</auth><response>=</response>";
    const struct console_entry *e;
    (void)state;

    console_add_len(c, CONSOLE_OUT, text, strlen(text), NULL);
    e = console_get(c, 0);
    assert_string_equal(e->text, "<auth>[redacted 8 bytes]</auth>"
                                 "<response>[redacted 1 bytes]</response>");
    assert_int_equal(e->len, strlen(e->text));
    assert_int_equal(console_bytes(c), e->len);
    console_free(c);
}

static void
console_redact__gives_each_one_byte_secret_its_whole_marker(void **state)
{
    /* 200 one-byte secrets: every marker is longer than what it hides */
    struct buf in, want;
    char *out;
    int i;
    (void)state;

    buf_init(&in);
    buf_init(&want);
    for (i = 0; i < 200; i++) {
        buf_puts(&in, "<auth>x</auth>");
        buf_puts(&want, "<auth>[redacted 1 bytes]</auth>");
    }
    out = console_redact(in.data);
    assert_string_equal(out, want.data);
    free(out);
    buf_done(&in);
    buf_done(&want);
}

static void console__keeps_meta_clipped_and_copied(void **state)
{
    struct console *c = console_new(4, 1000);
    struct console_meta m = {"message", "a-type-longer-than-eleven", "id1",
                             "/finesse/api/User/1"};
    char id[8] = "id2";
    const struct console_entry *e;
    (void)state;

    assert_int_equal(console_add_meta(c, CONSOLE_IN, "<message/>", &m), 1);
    m.id = id;
    m.node = NULL;
    m.name = NULL;
    assert_int_equal(console_add_meta(c, CONSOLE_OUT, "<x/>", &m), 2);
    id[0] = 'X'; /* the ring keeps its own copy */
    e = console_get(c, 0);
    assert_string_equal(e->name, "message");
    assert_string_equal(e->type, "a-type-long"); /* 11 bytes and NUL */
    assert_string_equal(e->id, "id1");
    assert_string_equal(e->node, "/finesse/api/User/1");
    e = console_get(c, 1);
    assert_string_equal(e->name, "");
    assert_string_equal(e->id, "id2");
    assert_null(e->node);
    assert_int_equal(console_add(c, CONSOLE_IN, "<y/>"), 3);
    assert_null(console_get(c, 2)->id);
    assert_string_equal(console_get(c, 2)->type, "");
    console_free(c);
}

static void console__keeps_the_received_bytes_redacted_and_counted(void **state)
{
    static const char raw[] = "<message id = \"m\">&#x3C;Update&gt;</message>";
    static const char sasl[] = "<success xmlns=\"urn:ietf:params:xml:ns:xmpp-"
                               "sasl\">dj1zZWNyZXQ=</success>";
    struct console *c = console_new(8, 200);
    struct console_meta m = {"message", NULL, "m", NULL, raw, sizeof raw - 1};
    const struct console_entry *e;
    (void)state;

    console_add_meta(c, CONSOLE_IN,
                     "<message id=\"m\">&lt;Update&gt;</message>", &m);
    e = console_get(c, 0);
    assert_string_equal(e->raw, raw);
    assert_int_equal(e->raw_len, sizeof raw - 1);
    assert_int_equal(console_bytes(c), e->len + e->raw_len);
    /* the same bytes as the text: not kept twice */
    m.raw = "<presence/>";
    m.raw_len = 11;
    console_add_meta(c, CONSOLE_IN, "<presence/>", &m);
    assert_null(console_get(c, 1)->raw);
    /* a secret in the received bytes is redacted there too */
    m.raw = sasl;
    m.raw_len = sizeof sasl - 1;
    console_add_meta(c, CONSOLE_IN, "<success/>", &m);
    assert_non_null(console_get(c, 2)->raw);
    assert_null(strstr(console_get(c, 2)->raw, "dj1zZWNyZXQ="));
    assert_non_null(strstr(console_get(c, 2)->raw, "[redacted 12 bytes]"));
    /* the ring's bound holds with both: the oldest go */
    console_add_meta(
        c, CONSOLE_IN, "<message id=\"m\">&lt;Update&gt;</message>",
        &(struct console_meta){.raw = raw, .raw_len = sizeof raw - 1});
    assert_true(console_bytes(c) <= 200);
    assert_int_equal(console_dropped(c), 1);
    /* bytes that would not fit beside the text are not kept */
    m.raw = "<message>";
    m.raw_len = 9;
    console_free(c);
    c = console_new(8, 20);
    console_add_meta(c, CONSOLE_IN, "<a>0123456789</a>", &m);
    assert_null(console_get(c, 0)->raw);
    console_free(c);
}

static void console__pairs_a_request_with_its_reply(void **state)
{
    struct console *c = console_new(8, 1000);
    const struct console_entry *q, *a;
    (void)state;

    console_add(c, CONSOLE_OUT, "<iq type='get' id='1'/>");
    console_add(c, CONSOLE_IN, "<message/>");
    console_add(c, CONSOLE_IN, "<iq type='result' id='1'/>");
    console_pair(c, 1, 3, 12.5);
    q = console_find(c, 1);
    a = console_find(c, 3);
    assert_int_equal(q->pair, 3);
    assert_int_equal(a->pair, 1);
    assert_true(q->rtt_ms == 12.5 && a->rtt_ms == 12.5);
    assert_int_equal(console_find(c, 2)->pair, 0);
    console_free(c);
}

/* A half that left the ring (or never came) is skipped, not written. */
static void console__pairs_what_is_left_when_one_half_dropped(void **state)
{
    struct console *c = console_new(2, 1000);
    (void)state;

    console_add(c, CONSOLE_OUT, "<iq id='1'/>");
    console_add(c, CONSOLE_IN, "<a/>");
    console_add(c, CONSOLE_IN, "<iq id='1' type='result'/>"); /* drops 1 */
    console_pair(c, 1, 3, 5);
    assert_null(console_find(c, 1));
    assert_int_equal(console_find(c, 3)->pair, 1);
    console_pair(c, 3, 99, 5); /* 99 not added yet */
    assert_int_equal(console_find(c, 3)->pair, 99);
    assert_null(console_find(c, 99));
    assert_null(console_find(c, 0));
    assert_int_equal(console_last_seq(c), 3);
    console_free(c);
}

/* A REST request keeps its answer as its pair and links the Update that
 * carried its requestId besides. */
static void console__links_a_rest_request_with_its_update(void **state)
{
    struct console *c = console_new(10, 10000);
    const struct console_entry *q, *a, *u;
    (void)state;

    console_add(c, CONSOLE_OUT, "PUT https://fin1:8445/finesse/api/User/1");
    console_add(c, CONSOLE_IN, "<message id='m'/>");
    console_add(c, CONSOLE_IN, "HTTP 202 Accepted in 12 ms");
    console_pair(c, 1, 3, 12);
    console_pair_update(c, 1, 2, 9.5);
    q = console_find(c, 1);
    u = console_find(c, 2);
    a = console_find(c, 3);
    assert_int_equal(q->pair, 3);
    assert_int_equal(q->update, 2);
    assert_true(q->update_ms == 9.5 && u->update_ms == 9.5);
    assert_int_equal(u->update, 1);
    assert_int_equal(u->pair, 0);
    assert_int_equal(a->update, 0);
    console_pair_update(c, 1, 77, 3); /* an Update gone or not yet added */
    assert_int_equal(console_find(c, 1)->update, 77);
    console_add(c, CONSOLE_IN, "<x/>");
    assert_int_equal(console_find(c, 4)->update, 0); /* fresh entries */
    console_free(c);
}

static unsigned long observed;
static void observe(void *arg, const struct console_entry *e)
{
    assert_ptr_equal(arg, &observed);
    observed = e->seq;
}

static void console__tells_its_observer_of_every_add(void **state)
{
    struct console *c = console_new(2, 1000);
    (void)state;

    observed = 0;
    console_observe(c, observe, &observed);
    console_add(c, CONSOLE_IN, "<a/>");
    assert_int_equal(observed, 1);
    console_add(c, CONSOLE_IN, "<b/>");
    console_add(c, CONSOLE_IN, "<c/>");
    assert_int_equal(observed, 3);
    console_observe(c, NULL, NULL);
    console_add(c, CONSOLE_IN, "<d/>");
    assert_int_equal(observed, 3);
    console_free(c);
}

/* A gist kept (a copy) with its entry; a new one replaces it; one for an
 * entry already dropped is not kept. */
static void console__keeps_a_gist_with_its_entry_until_dropped(void **state)
{
    struct console *c = console_new(2, 1000);
    unsigned long first = console_add(c, CONSOLE_IN, "<message/>");
    char gist[] = "user 1001001 READY";
    (void)state;

    assert_null(console_find(c, first)->gist);
    console_set_gist(c, first, gist);
    gist[0] = 'U'; /* the caller's string is its own */
    assert_string_equal(console_find(c, first)->gist, "user 1001001 READY");
    console_set_gist(c, first, "user 1001001 TALKING");
    assert_string_equal(console_find(c, first)->gist, "user 1001001 TALKING");
    console_add(c, CONSOLE_IN, "<a/>");
    assert_null(console_get(c, 1)->gist);
    console_add(c, CONSOLE_IN, "<b/>"); /* drops the first */
    assert_null(console_find(c, first));
    console_set_gist(c, first, "gone");
    assert_null(console_get(c, 0)->gist);
    assert_null(console_get(c, 1)->gist);
    console_free(c);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "console__starts_empty", console__starts_empty, NULL);
    tl_add(&l, "console__keeps_a_gist_with_its_entry_until_dropped",
           console__keeps_a_gist_with_its_entry_until_dropped, NULL);
    tl_add(&l, "console__keeps_text_direction_time_and_length",
           console__keeps_text_direction_time_and_length, NULL);
    tl_add(&l, "console__copies_the_text", console__copies_the_text, NULL);
    tl_add(&l, "console__drops_the_oldest_beyond_the_entry_count",
           console__drops_the_oldest_beyond_the_entry_count, NULL);
    tl_add(&l, "console__wraps_around_the_ring_many_times",
           console__wraps_around_the_ring_many_times, NULL);
    tl_add(&l, "console__drops_the_oldest_beyond_the_byte_bound",
           console__drops_the_oldest_beyond_the_byte_bound, NULL);
    tl_add(&l, "console__truncates_an_entry_bigger_than_the_byte_bound",
           console__truncates_an_entry_bigger_than_the_byte_bound, NULL);
    tl_add(&l, "console__never_cuts_a_utf8_character_in_two",
           console__never_cuts_a_utf8_character_in_two, NULL);
    tl_add(&l, "console__truncates_a_megabyte_entry",
           console__truncates_a_megabyte_entry, NULL);
    tl_add(&l, "console__treats_zero_entries_as_one",
           console__treats_zero_entries_as_one, NULL);
    tl_add(&l, "console__keeps_empty_text", console__keeps_empty_text, NULL);
    tl_add(&l, "console__frees_null", console__frees_null, NULL);
    TL_ROWS(&l, redact_rows, redact);
    tl_add(&l, "console_redact__redacts_a_megabyte_of_auth_data",
           console_redact__redacts_a_megabyte_of_auth_data, NULL);
    tl_add(&l, "console_add__stores_the_redacted_text",
           console_add__stores_the_redacted_text, NULL);
    tl_add(&l, "console_add__never_stores_a_secret_even_when_truncating",
           console_add__never_stores_a_secret_even_when_truncating, NULL);
    tl_add(&l, "console_add_len__keeps_n_bytes_that_end_with_no_nul",
           console_add_len__keeps_n_bytes_that_end_with_no_nul, NULL);
    tl_add(&l, "console_add_len__redacts_what_it_keeps",
           console_add_len__redacts_what_it_keeps, NULL);
    tl_add(&l, "console_redact__gives_each_one_byte_secret_its_whole_marker",
           console_redact__gives_each_one_byte_secret_its_whole_marker, NULL);
    tl_add(&l, "console__keeps_meta_clipped_and_copied",
           console__keeps_meta_clipped_and_copied, NULL);
    tl_add(&l, "console__keeps_the_received_bytes_redacted_and_counted",
           console__keeps_the_received_bytes_redacted_and_counted, NULL);
    tl_add(&l, "console__pairs_a_request_with_its_reply",
           console__pairs_a_request_with_its_reply, NULL);
    tl_add(&l, "console__pairs_what_is_left_when_one_half_dropped",
           console__pairs_what_is_left_when_one_half_dropped, NULL);
    tl_add(&l, "console__links_a_rest_request_with_its_update",
           console__links_a_rest_request_with_its_update, NULL);
    tl_add(&l, "console__tells_its_observer_of_every_add",
           console__tells_its_observer_of_every_add, NULL);
    return tl_run(&l, "console", NULL, NULL);
}
