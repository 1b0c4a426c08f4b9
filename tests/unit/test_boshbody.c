/* BOSH bodies: what perch sends, and what it makes of what it gets. */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/boshbody.h"

static void build(const struct bosh_request *r, const char *want)
{
    size_t len;
    char *got = bosh_body_build(r, &len);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(got);
}

static void
bosh_body_build__session_creation_asks_hold_1_and_ver_1_6(void **state)
{
    struct bosh_request r = {.rid = 1234, .to = "fin1.example", .wait = 60};
    (void)state;
    build(&r, "<body rid='1234' xmlns='http://jabber.org/protocol/httpbind' "
              "content='text/xml; charset=utf-8' hold='1' to='fin1.example' "
              "ver='1.6' wait='60' xml:lang='en' xmpp:version='1.0' "
              "xmlns:xmpp='urn:xmpp:xbosh'/>");
}

static void
bosh_body_build__desktop_profile_asks_what_the_desktop_does(void **state)
{
    const struct bosh_profile *d = bosh_profile_find("desktop");
    struct bosh_request r = {.rid = 7, .to = "fin1.example"};
    (void)state;
    assert_non_null(d);
    r.wait = d->wait;
    r.ver = d->ver;
    r.hold = d->hold;
    build(&r, "<body rid='7' xmlns='http://jabber.org/protocol/httpbind' "
              "content='text/xml; charset=utf-8' hold='1' to='fin1.example' "
              "ver='1.9' wait='30' xml:lang='en' xmpp:version='1.0' "
              "xmlns:xmpp='urn:xmpp:xbosh'/>");
    /* given up after wait + 5 s; three resends 0.5, 2, 4.5 s apart */
    assert_int_equal(d->margin_s, 5);
    assert_int_equal(d->retries, 3);
    /* an unanswered request too: the server is silent after the third */
    assert_int_equal(d->silent_after, d->retries + 1);
    assert_int_equal(d->pause_ms[0], 500);
    assert_int_equal(d->pause_ms[1], 2000);
    assert_int_equal(d->pause_ms[2], 4500);
    /* jabberwerx: a second request only while fewer than two are open;
     * what a response brought is read before the next one leaves */
    assert_int_equal(d->requests, 2);
    assert_false(d->early_poll);
}

static void bosh_profile_find__knows_perch_and_desktop_only(void **state)
{
    const struct bosh_profile *p = bosh_profile_find(NULL);
    (void)state;
    assert_string_equal(p->name, "perch");
    assert_ptr_equal(bosh_profile_find(""), p);
    assert_ptr_equal(bosh_profile_find("perch"), p);
    assert_string_equal(p->ver, "1.6");
    assert_int_equal(p->wait, 60);
    assert_int_equal(p->margin_s, 10);
    assert_int_equal(p->retries, 5);
    /* unanswered within wait + 10 s: resent once, then a loss */
    assert_int_equal(p->silent_after, 2);
    assert_true(p->retries <= BOSH_PROFILE_MAX_RETRIES);
    /* as many requests as the server allows; a response with stanzas is
     * replaced by a poll at once */
    assert_true(p->requests >= 2);
    assert_true(p->early_poll);
    assert_null(bosh_profile_find("Desktop"));
    assert_null(bosh_profile_find("desktop "));
    assert_null(bosh_profile_find("chrome"));
}

static void bosh_body_build__carries_sid_and_stanzas(void **state)
{
    const char *p = "<presence xmlns='jabber:client'/>";
    struct bosh_request r = {
        .rid = 9, .sid = "s-1", .payload = p, .payload_len = strlen(p)};
    (void)state;
    build(&r, "<body rid='9' xmlns='http://jabber.org/protocol/httpbind' "
              "sid='s-1'><presence xmlns='jabber:client'/></body>");
    r.payload = NULL;
    r.payload_len = 0;
    build(&r, "<body rid='9' xmlns='http://jabber.org/protocol/httpbind' "
              "sid='s-1'/>");
}

static void bosh_body_build__restart_and_terminate(void **state)
{
    struct bosh_request r = {.rid = 10, .sid = "s", .to = "d", .restart = 1};
    (void)state;
    build(&r, "<body rid='10' xmlns='http://jabber.org/protocol/httpbind' "
              "sid='s' to='d' xml:lang='en' xmpp:restart='true' "
              "xmlns:xmpp='urn:xmpp:xbosh'/>");
    r.restart = 0;
    r.terminate = 1;
    build(&r, "<body rid='10' xmlns='http://jabber.org/protocol/httpbind' "
              "sid='s' type='terminate'/>");
}

static void bosh_body_build__escapes_attribute_values(void **state)
{
    struct bosh_request r = {.rid = 1, .sid = "a'b&c<d"};
    (void)state;
    build(&r, "<body rid='1' xmlns='http://jabber.org/protocol/httpbind' "
              "sid='a&apos;b&amp;c&lt;d'/>");
}

static void bosh_rid_next__counts_up_and_wraps_below_2_53(void **state)
{
    (void)state;
    assert_true(bosh_rid_next(1) == 2);
    assert_true(bosh_rid_next(4294967296ULL) == 4294967297ULL);
    assert_true(bosh_rid_next(BOSH_RID_MAX - 1) == BOSH_RID_MAX);
    assert_true(bosh_rid_next(BOSH_RID_MAX) == 1);
}

static void parse_fails(const char *text, size_t len, const char *why)
{
    char *cause = NULL;
    xmpp_stanza_t *b = bosh_body_parse(ctx, text, len, &cause);
    assert_null(b);
    assert_non_null(cause);
    assert_non_null(strstr(cause, why));
    free(cause);
}

static void bosh_body_parse__rejects_what_is_not_a_body(void **state)
{
    (void)state;
    parse_fails("", 0, "empty response");
    parse_fails(NULL, 0, "empty response");
    parse_fails("<body xmlns='http://jabber.org/protocol/httpbind'>", 50,
                "not well-formed");
    parse_fails("<html><p>proxy error</p></html>", 31, "<html/>");
    parse_fails("<body/>\0<x/>", 12, "NUL");
    parse_fails("garbage", 7, "not well-formed");
}

static void bosh_body_parse__rejects_an_oversized_response(void **state)
{
    size_t n = BOSH_MAX_RESPONSE + 1;
    char *big = malloc(n);
    (void)state;
    memset(big, ' ', n);
    memcpy(big, "<body/>", 7);
    parse_fails(big, n, "larger than the 16 MiB cap");
    free(big);
}

/* XMPP forbids DTDs, processing instructions and comments (RFC 6120
 * 11.1); a billion laughs must cost nothing. */
static void bosh_body_parse__refuses_what_xmpp_forbids(void **state)
{
    static const char *const bad[][2] = {
        {"<!DOCTYPE b [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>"
         "<body>&b;</body>",
         "DOCTYPE"},
        {"<body><?pi x?></body>", "processing instruction"},
        {"<body><!-- c --></body>", "comment"},
        {"<body to='&x;'/>", "undefined entity"},
        {"<body>\xff</body>", "not well-formed at byte 6"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        parse_fails(bad[i][0], strlen(bad[i][0]), bad[i][1]);
}

/* libstrophe's attribute table is fixed-size: many attributes would cost
 * quadratic time, so more than 256 are refused before it sees them. */
static void bosh_body_parse__caps_attributes(void **state)
{
    char *t = malloc(300 * 12 + 32);
    size_t n = 0;
    int i;
    (void)state;

    n += (size_t)sprintf(t, "<body");
    for (i = 0; i < 300; i++)
        n += (size_t)sprintf(t + n, " a%d='1'", i);
    n += (size_t)sprintf(t + n, "/>");
    parse_fails(t, n, "more than 256 attributes");
    free(t);
}

static void
bosh_body_parse__refuses_deep_nesting_before_libstrophe(void **state)
{
    size_t depth = 100000, i, n = 0;
    char *t = malloc(depth * 7 + 16);
    (void)state;

    n += (size_t)sprintf(t, "<body>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(t + n, "<a>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(t + n, "</a>");
    n += (size_t)sprintf(t + n, "</body>");
    parse_fails(t, n, "deeper than 128 levels");
    free(t);
}

static void bosh_body_parse__keeps_children_and_reads_params(void **state)
{
    const char *t =
        "<body xmlns='http://jabber.org/protocol/httpbind' sid='x' "
        "wait='60' requests='2' hold='1' polling='5' inactivity='30' "
        "maxpause='120' ver='1.6' xmlns:stream="
        "'http://etherx.jabber.org/streams'><stream:features/>"
        "<message xmlns='jabber:client'/></body>";
    struct transport_params p;
    char *cause = NULL;
    xmpp_stanza_t *b = bosh_body_parse(ctx, t, strlen(t), &cause);
    (void)state;

    assert_non_null(b);
    assert_string_equal(xmpp_stanza_get_name(xmpp_stanza_get_children(b)),
                        "features");
    bosh_body_params(b, 30, &p); /* the server may not raise our wait */
    assert_int_equal(p.wait, 30);
    assert_int_equal(p.requests, 2);
    assert_int_equal(p.hold, 1);
    assert_int_equal(p.polling, 5);
    assert_int_equal(p.inactivity, 30);
    assert_int_equal(p.maxpause, 120);
    assert_string_equal(p.ver, "1.6");
    bosh_body_params(b, 90, &p);
    assert_int_equal(p.wait, 60);
    assert_false(bosh_body_is(b, "terminate"));
    xmpp_stanza_release(b);
}

static void bosh_body_params__ignores_nonsense_numbers(void **state)
{
    const char *t = "<body wait='-5' requests='2x' hold='99999999999' "
                    "polling=''/>";
    struct transport_params p;
    char *cause = NULL;
    xmpp_stanza_t *b = bosh_body_parse(ctx, t, strlen(t), &cause);
    (void)state;

    bosh_body_params(b, 60, &p);
    assert_int_equal(p.wait, 60);
    assert_int_equal(p.requests, 0);
    assert_int_equal(p.hold, 0);
    assert_int_equal(p.polling, 0);
    assert_string_equal(p.ver, "");
    xmpp_stanza_release(b);
}

static void terminate(const char *text, const char *want)
{
    char *cause = NULL, *msg;
    xmpp_stanza_t *b = bosh_body_parse(ctx, text, strlen(text), &cause);
    assert_non_null(b);
    assert_true(bosh_body_is(b, "terminate"));
    msg = bosh_terminate_cause(b);
    assert_string_equal(msg, want);
    free(msg);
    xmpp_stanza_release(b);
}

static void
bosh_terminate_cause__names_condition_uri_and_stream_error(void **state)
{
    (void)state;
    terminate("<body type='terminate' condition='item-not-found'/>",
              "BOSH session terminated by the server: item-not-found");
    terminate("<body type='terminate'/>",
              "BOSH session terminated by the server: no condition given");
    terminate("<body type='terminate' condition='see-other-uri'>"
              "<uri>https://b:7443/http-bind/</uri></body>",
              "BOSH session terminated by the server: see-other-uri: use "
              "https://b:7443/http-bind/");
    terminate("<body type='terminate' condition='remote-stream-error' "
              "xmlns:stream='http://etherx.jabber.org/streams'>"
              "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-"
              "streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
              "Replaced</text></stream:error></body>",
              "BOSH session terminated by the server: remote-stream-error: "
              "conflict (Replaced)");
}

static void bosh_terminate_cause__shows_what_the_server_hides(void **state)
{
    (void)state;
    terminate("<body type='terminate' condition='x&#10;perch: &#x202E;y'/>",
              "BOSH session terminated by the server: x<U+000A>perch: "
              "<U+202E>y");
    terminate("<body type='terminate' condition='see-other-uri'>"
              "<uri>https://a&#x200B;b/&#13;</uri></body>",
              "BOSH session terminated by the server: see-other-uri: use "
              "https://a<U+200B>b/<U+000D>");
    terminate("<body type='terminate' condition='remote-stream-error' "
              "xmlns:stream='http://etherx.jabber.org/streams'>"
              "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-"
              "streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
              "a&#10;b&#x85;</text></stream:error></body>",
              "BOSH session terminated by the server: remote-stream-error: "
              "conflict (a<U+000A>b<U+0085>)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            bosh_body_build__session_creation_asks_hold_1_and_ver_1_6),
        cmocka_unit_test(
            bosh_body_build__desktop_profile_asks_what_the_desktop_does),
        cmocka_unit_test(bosh_profile_find__knows_perch_and_desktop_only),
        cmocka_unit_test(bosh_body_build__carries_sid_and_stanzas),
        cmocka_unit_test(bosh_body_build__restart_and_terminate),
        cmocka_unit_test(bosh_body_build__escapes_attribute_values),
        cmocka_unit_test(bosh_rid_next__counts_up_and_wraps_below_2_53),
        cmocka_unit_test(bosh_body_parse__rejects_what_is_not_a_body),
        cmocka_unit_test(bosh_body_parse__rejects_an_oversized_response),
        cmocka_unit_test(
            bosh_body_parse__refuses_deep_nesting_before_libstrophe),
        cmocka_unit_test(bosh_body_parse__refuses_what_xmpp_forbids),
        cmocka_unit_test(bosh_body_parse__caps_attributes),
        cmocka_unit_test(bosh_body_parse__keeps_children_and_reads_params),
        cmocka_unit_test(bosh_body_params__ignores_nonsense_numbers),
        cmocka_unit_test(
            bosh_terminate_cause__names_condition_uri_and_stream_error),
        cmocka_unit_test(bosh_terminate_cause__shows_what_the_server_hides),
    };
    return cmocka_run_group_tests(tests, strophe_setup, strophe_teardown);
}
