/*
 * decode_capture: what people paste (a <message>, a BOSH <body>, a bare
 * <Update>, many in a row, HTTP headers and other garbage between) split
 * into events, in order, none lost.
 */
#include "unit.h"
#include "unit_fixture.h"

#include "base/buf.h"
#include "base/xml_escape.h"
#include "decode/decode.h"

#include <jansson.h>
#include <time.h>

static void collect(void *arg, json_t *ev)
{
    json_array_append_new(arg, ev);
}

/* Decodes b; returns the events (an array, caller decrefs); *rc the count. */
static json_t *capture(const char *text, size_t len, int *rc, char **cause)
{
    json_t *events = json_array();

    *rc = decode_capture(text, len, collect, events, cause);
    if (*rc >= 0)
        assert_int_equal((size_t)*rc, json_array_size(events));
    return events;
}

static const char *field(json_t *events, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(events, i), key));
}

/* "kind" of each event, comma separated: "user,dialogs" (new string). */
static char *kinds(json_t *events)
{
    struct buf b;
    size_t i;

    buf_init(&b);
    buf_append(&b, "", 0);
    for (i = 0; i < json_array_size(events); i++)
        buf_printf(&b, "%s%s", i ? "," : "", field(events, i, "kind"));
    return buf_steal(&b);
}

struct row {
    const char *name;
    const char *before, *file1, *between, *file2, *after;
    int rc;
    const char *kinds;
};

static const struct row rows[] = {
    {"decode_capture__reads_one_message", NULL, "finesse/user_ready.stanza.xml",
     NULL, NULL, NULL, 1, "user"},
    {"decode_capture__reads_a_bosh_body_with_two_events", NULL,
     "xmpp/bosh_body_two_events.xml", NULL, NULL, NULL, 2, "user,dialogs"},
    {"decode_capture__reads_a_bare_update", NULL,
     "finesse/queue_stats.update.xml", NULL, NULL, NULL, 1, "queue"},
    {"decode_capture__reads_messages_one_after_another", NULL,
     "finesse/user_logout.stanza.xml", "\n\n  \r\n",
     "finesse/dialogs_delete.stanza.xml", "\n", 2, "user,dialogs"},
    {"decode_capture__reads_a_message_then_a_bare_update", NULL,
     "finesse/systeminfo_out_of_service.stanza.xml", "\n",
     "finesse/dialog_api_error.update.xml", NULL, 2, "systeminfo,error"},
    {"decode_capture__skips_http_headers_between_bodies",
     "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
     "Content-Length: 9000\r\n\r\n",
     "xmpp/bosh_body_two_events.xml",
     "\r\n\r\nPOST /http-bind/ HTTP/1.1\r\nHost: fin1:7443\r\n\r\n"
     "<body rid='1234' sid='abc' xmlns='http://jabber.org/protocol/"
     "httpbind'/>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
     "xmpp/bosh_body_two_events.xml", NULL, 4, "user,dialogs,user,dialogs"},
    {"decode_capture__skips_garbage_text_and_markup",
     "copied at 09:15 < 09:16, a<b & c > d <html><p>notes</p>\n"
     "<!-- a <message> in a comment is not one -->\n<?xml version='1.0'?>\n"
     "<![CDATA[ <message/> ]]>",
     "finesse/team_user_put.stanza.xml", "</div> stray end tags </p> <br> <  >",
     "finesse/media_put.update.xml", "\ntrailing words", 2, "user,media"},
    {"decode_capture__reads_a_tcp_stream_opening",
     "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
     "xmlns:stream='http://etherx.jabber.org/streams' id='s1' "
     "from='fin1.ucce.local' version='1.0'>",
     "finesse/no_namespace.stanza.xml", NULL, NULL, NULL, 1, "user"},
    {"decode_capture__reads_an_iq_items_result", NULL,
     "xmpp/iq_items_result.xml", NULL, NULL, NULL, 1, "user"},
    {"decode_capture__counts_an_empty_body_as_no_event", NULL,
     "xmpp/bosh_body_empty.xml", NULL, NULL, NULL, 0, ""},
    {"decode_capture__counts_a_terminate_body_as_no_event", NULL,
     "xmpp/bosh_body_terminate.xml", NULL, NULL, NULL, 0, ""},
    {"decode_capture__counts_a_chat_message_as_no_event",
     "<message to='a@b'><body>hello</body></message>", NULL, NULL, NULL, NULL,
     0, ""},
    {"decode_capture__fails_on_text_without_elements",
     "just some words\nand a < sign", NULL, NULL, NULL, NULL, -1, ""},
    {"decode_capture__fails_on_empty_input", "", NULL, NULL, NULL, NULL, -1,
     ""},
    {"decode_capture__delivers_a_truncated_message_raw", NULL,
     "finesse/user_ready.stanza.xml", "\n", "finesse/user_logout.stanza.xml",
     "<message><event><items node='x'>", 3, "user,user,raw"},
    {"decode_capture__delivers_an_unparsable_message_raw",
     "<message><event><items node='n'><item id='1'><oops></item></items>"
     "</event></message>",
     "finesse/user_ready.stanza.xml", NULL, NULL, NULL, 2, "raw,user"},
    {"decode_capture__delivers_an_item_without_payload_raw", NULL,
     "xmpp/item_no_payload.stanza.xml", NULL, NULL, NULL, 1, "raw"},
    {"decode_capture__shows_a_foreign_payload_as_xml", NULL,
     "xmpp/atom_entry.stanza.xml", NULL, NULL, NULL, 1, "xml"},
    {"decode_capture__keeps_an_event_whose_update_is_truncated", NULL,
     "finesse/truncated.stanza.xml", "\n", "finesse/truncated.update.xml", NULL,
     2, "raw,raw"},
};

static void capture_row(void **state)
{
    const struct row *r = *state;
    struct buf b;
    json_t *events;
    char *cause = NULL, *got;
    int rc;

    buf_init(&b);
    buf_append(&b, "", 0);
    if (r->before)
        buf_puts(&b, r->before);
    if (r->file1)
        unit_fixture_append(&b, r->file1);
    if (r->between)
        buf_puts(&b, r->between);
    if (r->file2)
        unit_fixture_append(&b, r->file2);
    if (r->after)
        buf_puts(&b, r->after);
    events = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, r->rc);
    if (rc < 0) {
        assert_non_null(cause);
        assert_contains(cause, "no <message>, <iq>, <body> or <Update>");
    } else {
        assert_null(cause);
    }
    got = kinds(events);
    assert_string_equal(got, r->kinds);
    free(got);
    free(cause);
    json_decref(events);
    buf_done(&b);
}

static void decode_capture__gives_message_events_their_service(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "xmpp/bosh_body_two_events.xml");
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 2);
    assert_string_equal(field(ev, 0, "service"), "pubsub.fin1.ucce.local");
    assert_string_equal(field(ev, 0, "node"), "/finesse/api/User/47483648");
    assert_string_equal(field(ev, 0, "item"), "item-user_ready");
    assert_string_equal(field(ev, 1, "node"),
                        "/finesse/api/User/1001002/Dialogs");
    assert_string_equal(field(ev, 1, "event"), "POST");
    /* "service" comes first, as in watch's output */
    assert_string_equal(
        json_object_iter_key(json_object_iter(json_array_get(ev, 0))),
        "service");
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__gives_iq_items_their_node_and_service(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "xmpp/iq_items_result.xml");
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "service"), "pubsub.fin1.ucce.local");
    assert_string_equal(field(ev, 0, "node"), "/finesse/api/User/1001001");
    assert_string_equal(field(ev, 0, "item"), "i1");
    assert_string_equal(field(ev, 0, "kind"), "user");
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__reads_the_delay_stamp_as_time(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "xmpp/atom_entry.stanza.xml");
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "time"), "2026-11-21T09:00:00Z");
    assert_string_equal(field(ev, 0, "service"), "pubsub.example.org");
    assert_string_equal(field(ev, 0, "node"), "princely_musings");
    assert_contains(field(ev, 0, "xml"), "<title>Soliloquy</title>");
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__a_bare_update_has_no_node(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "finesse/user_not_ready_reason.update.xml");
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_null(field(ev, 0, "node"));
    assert_null(field(ev, 0, "service"));
    assert_string_equal(field(ev, 0, "source"), "/finesse/api/User/1001001");
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__reads_an_update_pasted_still_escaped(void **state)
{
    const char *pasted =
        "&lt;Update&gt;&lt;data&gt;&lt;user&gt;&lt;loginId&gt;1001001&lt;/"
        "loginId&gt;&lt;firstName&gt;Smith &amp;amp; Sons&lt;/firstName&gt;"
        "&lt;state&gt;READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;"
        "event&gt;PUT&lt;/event&gt;&lt;/Update&gt;";
    json_t *ev, *user;
    char *cause = NULL;
    int rc;
    (void)state;

    ev = capture(pasted, strlen(pasted), &rc, &cause);
    assert_int_equal(rc, 1);
    assert_null(cause);
    assert_string_equal(field(ev, 0, "kind"), "user");
    user = json_object_get(json_array_get(ev, 0), "user");
    assert_string_equal(json_string_value(json_object_get(user, "state")),
                        "READY");
    assert_string_equal(json_string_value(json_object_get(user, "firstName")),
                        "Smith & Sons");
    json_decref(ev);
}

/* From a log that escaped the <notification>'s text again: two rounds,
 * and never a third. */
static void decode_capture__reads_an_update_pasted_escaped_twice(void **state)
{
    static const char twice[] =
        "&amp;lt;Update&amp;gt;&amp;lt;data&amp;gt;&amp;lt;user&amp;gt;"
        "&amp;lt;loginId&amp;gt;7&amp;lt;/loginId&amp;gt;&amp;lt;lastName"
        "&amp;gt;Smith &amp;amp;amp; Sons&amp;lt;/lastName&amp;gt;&amp;lt;"
        "/user&amp;gt;&amp;lt;/data&amp;gt;&amp;lt;/Update&amp;gt;";
    struct buf thrice;
    json_t *ev, *user;
    char *cause = NULL;
    int rc;
    (void)state;

    ev = capture(twice, sizeof twice - 1, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_null(cause);
    user = json_object_get(json_array_get(ev, 0), "user");
    assert_string_equal(json_string_value(json_object_get(user, "loginId")),
                        "7");
    assert_string_equal(json_string_value(json_object_get(user, "lastName")),
                        "Smith & Sons");
    json_decref(ev);
    buf_init(&thrice);
    xml_escape(&thrice, twice, sizeof twice - 1, XML_TEXT);
    ev = capture(thrice.data, thrice.len, &rc, &cause);
    assert_int_equal(rc, -1);
    assert_contains(cause, "no <message>, <iq>, <body> or <Update> element");
    free(cause);
    json_decref(ev);
    buf_done(&thrice);
}

static void decode_capture__says_why_a_message_is_raw(void **state)
{
    static const char in[] =
        "<message from='p'><event><items node='n'><item id='1' id='2'>"
        "<notification/></item></items></event></message>";
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    ev = capture(in, sizeof in - 1, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "kind"), "raw");
    assert_string_equal(field(ev, 0, "raw"), in);
    assert_contains(field(ev, 0, "error"),
                    "the <message> does not parse: line 1, column 55: "
                    "duplicate attribute");
    json_decref(ev);
}

static void decode_capture__says_where_the_input_was_cut(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "finesse/user_ready.stanza.xml");
    b.len -= 40; /* inside </notification> */
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "kind"), "raw");
    assert_contains(field(ev, 0, "error"),
                    "the input ends inside this <message> (truncated?)");
    assert_int_equal(strlen(field(ev, 0, "raw")), b.len);
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__retries_a_message_with_bad_characters(void **state)
{
    static const char in[] =
        "<message from='p\x01'><event><items node='n'><item id='1'>"
        "<notification>&lt;Update&gt;&lt;data&gt;&lt;user&gt;&lt;state&gt;"
        "READY&#2;&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;/Update&gt;"
        "</notification></item></items></event></message>";
    json_t *ev;
    char *cause = NULL;
    int rc;
    (void)state;

    ev = capture(in, sizeof in - 1, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "kind"), "user");
    assert_string_equal(field(ev, 0, "service"), "p");
    assert_true(
        json_is_true(json_object_get(json_array_get(ev, 0), "sanitized")));
    json_decref(ev);
}

/* Many unclosed elements must not make the split quadratic, nor give one
 * raw event each. */
static void decode_capture__stays_linear_on_unclosed_elements(void **state)
{
    size_t n = 200000, i;
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    clock_t t0 = clock();
    int rc;
    (void)state;

    buf_init(&b);
    for (i = 0; i < n; i++)
        buf_puts(&b, i % 2 ? "<message>" : "<!--<Update>");
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 1);
    assert_string_equal(field(ev, 0, "kind"), "raw");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__reads_many_updates_in_a_row(void **state)
{
    struct buf b;
    json_t *ev;
    char *cause = NULL;
    int rc, i;
    (void)state;

    buf_init(&b);
    for (i = 0; i < 500; i++)
        buf_printf(&b,
                   "<Update><data><user><loginId>%d</loginId></user>"
                   "</data><event>PUT</event></Update>\n",
                   i);
    ev = capture(b.data, b.len, &rc, &cause);
    assert_int_equal(rc, 500);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(ev, 499), "user"), "loginId")),
        "499");
    json_decref(ev);
    buf_done(&b);
}

static void decode_capture__refuses_input_over_the_limit(void **state)
{
    char *cause = NULL;
    json_t *ev;
    int rc;
    (void)state;

    /* the length is checked before a byte is read */
    ev = capture("", (size_t)DECODE_MAX_CAPTURE + 1, &rc, &cause);
    assert_int_equal(rc, -1);
    assert_contains(cause, "more than the limit");
    free(cause);
    json_decref(ev);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, capture_row);
#define T(f) tl_add(&l, #f, f, NULL)
    T(decode_capture__gives_message_events_their_service);
    T(decode_capture__gives_iq_items_their_node_and_service);
    T(decode_capture__reads_the_delay_stamp_as_time);
    T(decode_capture__a_bare_update_has_no_node);
    T(decode_capture__reads_an_update_pasted_still_escaped);
    T(decode_capture__reads_an_update_pasted_escaped_twice);
    T(decode_capture__says_why_a_message_is_raw);
    T(decode_capture__says_where_the_input_was_cut);
    T(decode_capture__retries_a_message_with_bad_characters);
    T(decode_capture__stays_linear_on_unclosed_elements);
    T(decode_capture__reads_many_updates_in_a_row);
    T(decode_capture__refuses_input_over_the_limit);
#undef T
    return tl_run(&l, "decode_capture", NULL, NULL);
}
