/* template_expand, template_find and template_complete. */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/templates.h"
#include "xmpp/xmlcheck.h"

#include <strophe.h>

#define MAX_ARGS 5

static const struct template_ctx me = {
    "agent1@finesse.example/perch",
    "agent1@finesse.example",
    "finesse.example",
    "pubsub.finesse.example",
    "1001001",
    "5001",
};
/* logged in, but the model knows no agent of this user */
static const struct template_ctx noext = {
    "agent1@finesse.example/perch",
    "agent1@finesse.example",
    "finesse.example",
    "pubsub.finesse.example",
    "1001001",
    NULL,
};
static const struct template_ctx nobody = {NULL, NULL, NULL, NULL};

#define PS_SET                                                                 \
    "<iq type='set' to='pubsub.finesse.example'><pubsub "                      \
    "xmlns='http://jabber.org/protocol/pubsub'>"
#define PS_GET                                                                 \
    "<iq type='get' to='pubsub.finesse.example'><pubsub "                      \
    "xmlns='http://jabber.org/protocol/pubsub'>"
#define PS_END "</pubsub></iq>"

struct expand {
    const char *name;
    const char *tpl;
    const struct template_ctx *ctx;
    int argc;
    const char *argv[MAX_ARGS];
    const char *want;
    const char *stanza; /* iq, message or presence */
};

/* clang-format off */
static const struct expand expand_rows[] = {
    {"template_expand__disco_items_defaults_to_the_service", "disco-items",
     &me, 0, {NULL},
     "<iq type='get' to='pubsub.finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#items'/></iq>", "iq"},
    {"template_expand__disco_items_takes_a_jid", "disco-items", &me, 1,
     {"conference.finesse.example"},
     "<iq type='get' to='conference.finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#items'/></iq>", "iq"},
    {"template_expand__disco_items_takes_a_jid_and_node", "disco-items", &me,
     2, {"pubsub.finesse.example", "/finesse/api/User/1001"},
     "<iq type='get' to='pubsub.finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#items' "
     "node='/finesse/api/User/1001'/></iq>", "iq"},
    {"template_expand__disco_info_defaults_to_the_service", "disco-info", &me,
     0, {NULL},
     "<iq type='get' to='pubsub.finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#info'/></iq>", "iq"},
    {"template_expand__disco_info_takes_a_jid", "disco-info", &me, 1,
     {"finesse.example"},
     "<iq type='get' to='finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#info'/></iq>", "iq"},
    {"template_expand__disco_info_takes_a_jid_and_node", "disco-info", &me, 2,
     {"pubsub.finesse.example", "/finesse/api/Team/1"},
     "<iq type='get' to='pubsub.finesse.example'><query "
     "xmlns='http://jabber.org/protocol/disco#info' "
     "node='/finesse/api/Team/1'/></iq>", "iq"},
    {"template_expand__disco_items_needs_no_service_when_given_a_jid",
     "disco-items", &nobody, 1, {"x.example"},
     "<iq type='get' to='x.example'><query "
     "xmlns='http://jabber.org/protocol/disco#items'/></iq>", "iq"},
    {"template_expand__fills_own_jid_and_service", "subscribe", &me, 1,
     {"/finesse/api/User/1001"},
     PS_SET "<subscribe node='/finesse/api/User/1001' "
     "jid='agent1@finesse.example'/>" PS_END, "iq"},
    {"template_expand__subscribe_takes_another_jid", "subscribe", &me, 2,
     {"/finesse/api/User/1001", "agent1@finesse.example/perch"},
     PS_SET "<subscribe node='/finesse/api/User/1001' "
     "jid='agent1@finesse.example/perch'/>" PS_END, "iq"},
    {"template_expand__unsubscribe_fills_own_bare_jid", "unsubscribe", &me, 1,
     {"/finesse/api/User/1001"},
     PS_SET "<unsubscribe node='/finesse/api/User/1001' "
     "jid='agent1@finesse.example'/>" PS_END, "iq"},
    {"template_expand__unsubscribe_takes_a_subid", "unsubscribe", &me, 2,
     {"/finesse/api/User/1001", "5A3B"},
     PS_SET "<unsubscribe node='/finesse/api/User/1001' "
     "jid='agent1@finesse.example' subid='5A3B'/>" PS_END, "iq"},
    {"template_expand__items_asks_for_a_node", "items", &me, 1,
     {"/finesse/api/User/1001"},
     PS_GET "<items node='/finesse/api/User/1001'/>" PS_END, "iq"},
    {"template_expand__items_takes_a_maximum", "items", &me, 2,
     {"/finesse/api/User/1001", "10"},
     PS_GET "<items node='/finesse/api/User/1001' max_items='10'/>" PS_END,
     "iq"},
    {"template_expand__subscriptions_asks_the_service", "subscriptions", &me,
     0, {NULL}, PS_GET "<subscriptions/>" PS_END, "iq"},
    {"template_expand__ping_defaults_to_the_own_domain", "ping", &me, 0,
     {NULL},
     "<iq type='get' to='finesse.example'><ping xmlns='urn:xmpp:ping'/></iq>",
     "iq"},
    {"template_expand__ping_takes_a_jid", "ping", &me, 1,
     {"agent2@finesse.example/desk"},
     "<iq type='get' to='agent2@finesse.example/desk'><ping "
     "xmlns='urn:xmpp:ping'/></iq>", "iq"},
    {"template_expand__time_defaults_to_the_own_domain", "time", &me, 0,
     {NULL},
     "<iq type='get' to='finesse.example'><time xmlns='urn:xmpp:time'/></iq>",
     "iq"},
    {"template_expand__time_takes_a_jid", "time", &me, 1,
     {"pubsub.finesse.example"},
     "<iq type='get' to='pubsub.finesse.example'><time "
     "xmlns='urn:xmpp:time'/></iq>", "iq"},
    {"template_expand__presence_is_empty_without_status", "presence", &me, 0,
     {NULL}, "<presence/>", "presence"},
    {"template_expand__presence_joins_its_status_words", "presence", &me, 3,
     {"back", "in", "5"},
     "<presence><status>back in 5</status></presence>", "presence"},
    {"template_expand__presence_needs_no_context", "presence", &nobody, 1,
     {"hi"}, "<presence><status>hi</status></presence>", "presence"},
    {"template_expand__message_sends_one_word", "message", &me, 2,
     {"agent2@finesse.example", "hello"},
     "<message type='chat' to='agent2@finesse.example'><body>hello</body>"
     "</message>", "message"},
    {"template_expand__message_joins_its_text_words", "message", &me, 4,
     {"agent2@finesse.example", "are", "you", "there?"},
     "<message type='chat' to='agent2@finesse.example'><body>are you "
     "there?</body></message>", "message"},
    {"template_expand__escapes_amp_apos_lt_in_attributes", "subscribe", &me,
     2, {"a&b'c<d", "x'y@z"},
     PS_SET "<subscribe node='a&amp;b&apos;c&lt;d' jid='x&apos;y@z'/>" PS_END,
     "iq"},
    {"template_expand__escapes_quote_and_gt_in_attributes", "disco-info", &me,
     2, {"q\"r>s", "n"},
     "<iq type='get' to='q&quot;r&gt;s'><query "
     "xmlns='http://jabber.org/protocol/disco#info' node='n'/></iq>", "iq"},
    {"template_expand__escapes_amp_apos_lt_in_text", "message", &me, 3,
     {"a@b", "<b>&", "it's"},
     "<message type='chat' to='a@b'><body>&lt;b&gt;&amp; "
     "it&apos;s</body></message>", "message"},
    {"template_expand__keeps_line_ends_on_one_line", "message", &me, 2,
     {"a@b", "one\ntwo\r\tthree"},
     "<message type='chat' to='a@b'><body>one&#10;two&#13;&#9;three</body>"
     "</message>", "message"},
    {"template_expand__keeps_utf8_as_is", "presence", &me, 1,
     {"caf\xc3\xa9 \xe2\x98\x95"},
     "<presence><status>caf\xc3\xa9 \xe2\x98\x95</status></presence>",
     "presence"},
    {"template_expand__escapes_an_attribute_breakout_attempt", "items", &me,
     1, {"n'/></pubsub></iq><iq type='set"},
     PS_GET "<items node='n&apos;/&gt;&lt;/pubsub&gt;&lt;/iq&gt;&lt;iq "
     "type=&apos;set'/>" PS_END, "iq"},
};
/* clang-format on */

/* The one stanza as libstrophe reads it (caller releases). */
static xmpp_stanza_t *parse(const char *s)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, s);

    if (st == NULL)
        fail_msg("libstrophe cannot parse '%s'", s);
    return st;
}

static void expand(void **state)
{
    const struct expand *r = *state;
    char *cause = (char *)"untouched", *out;
    struct xml_spans spans;
    xmpp_stanza_t *st;

    out = template_expand(r->tpl, r->ctx, r->argc, r->argv, &cause);
    if (out == NULL)
        fail_msg("%s: %s", r->tpl, cause ? cause : "(no cause)");
    assert_null(cause);
    assert_string_equal(out, r->want);
    assert_null(strchr(out, '\n'));
    assert_not_contains(out, " id=");

    assert_int_equal(xmlcheck_stanzas(out, strlen(out), &spans, &cause), 0);
    assert_int_equal(spans.n, 1);
    assert_int_equal(spans.v[0].offset, 0);
    assert_int_equal(spans.v[0].len, strlen(out));
    assert_string_equal(spans.v[0].name, r->stanza);
    xmlcheck_spans_done(&spans);

    st = parse(out);
    assert_string_equal(xmpp_stanza_get_name(st), r->stanza);
    xmpp_stanza_release(st);
    free(out);
}

/* Escaped values read back as what was typed. */
static void template_expand__round_trips_escaped_values(void **state)
{
    const char *node = "a&b'c<d>e\"f\tg\nh";
    const char *argv[] = {node, "j&k'l<m"};
    xmpp_stanza_t *st, *sub;
    char *cause = NULL, *out;
    (void)state;

    out = template_expand("subscribe", &me, 2, argv, &cause);
    assert_non_null(out);
    st = parse(out);
    sub = xmpp_stanza_get_child_by_name(
        xmpp_stanza_get_child_by_name(st, "pubsub"), "subscribe");
    assert_non_null(sub);
    assert_string_equal(xmpp_stanza_get_attribute(sub, "node"), node);
    assert_string_equal(xmpp_stanza_get_attribute(sub, "jid"), argv[1]);
    xmpp_stanza_release(st);
    free(out);
}

static void template_expand__round_trips_message_text(void **state)
{
    const char *argv[] = {"x'y@z", "<a>&amp;", "'q'\nnext"};
    xmpp_stanza_t *st;
    char *cause = NULL, *out, *body;
    (void)state;

    out = template_expand("message", &me, 3, argv, &cause);
    assert_non_null(out);
    st = parse(out);
    assert_string_equal(xmpp_stanza_get_to(st), "x'y@z");
    body = xmpp_message_get_body(st);
    assert_string_equal(body, "<a>&amp; 'q'\nnext");
    xmpp_free(ctx, body);
    xmpp_stanza_release(st);
    free(out);
}

struct error {
    const char *name;
    const char *tpl;
    const struct template_ctx *ctx;
    int argc;
    const char *argv[MAX_ARGS];
    const char *want; /* in the cause */
};

/* clang-format off */
static const struct error error_rows[] = {
    {"template_expand__rejects_an_unknown_name", "nope", &me, 0, {NULL},
     "unknown template 'nope'; one of: disco-items, disco-info, subscribe, "
     "unsubscribe, items, subscriptions, ping, time, presence, message, "
     "state, sign-in, make-call, answer, hold, retrieve, drop, sign-out"},
    {"template_expand__state_needs_the_own_user", "state", &nobody, 1,
     {"READY"}, "no own user id is known"},
    {"template_expand__sign_in_needs_an_extension", "sign-in", &noext, 0,
     {NULL}, "no own extension (give EXTENSION) is known"},
    {"template_expand__make_call_needs_a_from_address", "make-call", &noext,
     1, {"6125550000"}, "no own extension (give FROM) is known"},
    {"template_expand__answer_needs_an_extension", "answer", &noext, 1,
     {"16817500"}, "no own extension (give EXTENSION) is known"},
    {"template_expand__refuses_a_dialog_id_a_url_cannot_carry", "drop", &me,
     1, {"1/../x"}, "dialog '1/../x' is not an id"},
    {"template_expand__refuses_an_agent_id_a_url_cannot_carry", "sign-out",
     &me, 1, {"a b"}, "user 'a b' is not an id"},
    {"template_expand__refuses_invalid_utf8_in_a_rest_body", "make-call", &me,
     1, {"\xff"}, "the arguments make invalid XML"},
    {"template_expand__rejects_state_without_a_state", "state", &me, 0,
     {NULL}, "usage: state STATE [REASON_ID]"},
    {"template_expand__rejects_a_prefix_of_a_name", "sub", &me, 0, {NULL},
     "unknown template 'sub'"},
    {"template_expand__rejects_subscribe_without_a_node", "subscribe", &me, 0,
     {NULL},
     "subscribe takes more arguments, not 0; usage: subscribe NODE [JID]"},
    {"template_expand__rejects_subscribe_with_three_args", "subscribe", &me, 3,
     {"n", "j", "x"},
     "subscribe takes fewer arguments, not 3; usage: subscribe NODE [JID]"},
    {"template_expand__rejects_unsubscribe_without_a_node", "unsubscribe", &me,
     0, {NULL}, "usage: unsubscribe NODE [SUBID]"},
    {"template_expand__rejects_items_without_a_node", "items", &me, 0, {NULL},
     "usage: items NODE [MAX]"},
    {"template_expand__rejects_items_with_three_args", "items", &me, 3,
     {"n", "1", "2"}, "usage: items NODE [MAX]"},
    {"template_expand__rejects_subscriptions_with_an_arg", "subscriptions",
     &me, 1, {"n"}, "usage: subscriptions"},
    {"template_expand__rejects_disco_items_with_three_args", "disco-items",
     &me, 3, {"a", "b", "c"}, "usage: disco-items [JID [NODE]]"},
    {"template_expand__rejects_disco_info_with_three_args", "disco-info", &me,
     3, {"a", "b", "c"}, "usage: disco-info [JID [NODE]]"},
    {"template_expand__rejects_ping_with_two_args", "ping", &me, 2,
     {"a", "b"}, "usage: ping [JID]"},
    {"template_expand__rejects_time_with_two_args", "time", &me, 2,
     {"a", "b"}, "usage: time [JID]"},
    {"template_expand__rejects_message_without_text", "message", &me, 1,
     {"a@b"}, "usage: message JID TEXT..."},
    {"template_expand__rejects_message_without_args", "message", &me, 0,
     {NULL}, "usage: message JID TEXT..."},
    {"template_expand__rejects_a_zero_max", "items", &me, 2, {"n", "0"},
     "MAX must be a positive number, not '0'"},
    {"template_expand__rejects_a_negative_max", "items", &me, 2, {"n", "-1"},
     "MAX must be a positive number, not '-1'"},
    {"template_expand__rejects_a_max_in_words", "items", &me, 2, {"n", "ten"},
     "MAX must be a positive number, not 'ten'"},
    {"template_expand__rejects_a_max_too_large", "items", &me, 2,
     {"n", "99999999999"}, "MAX must be a positive number"},
    {"template_expand__rejects_a_control_character", "message", &me, 2,
     {"a@b", "bell\a"},
     "argument 2 holds control character 0x07, which XML cannot carry; "
     "usage: message JID TEXT..."},
    {"template_expand__rejects_invalid_utf8", "presence", &me, 1,
     {"bad \xff byte"}, "the arguments make invalid XML: line 1"},
    {"template_expand__needs_a_service_for_subscriptions", "subscriptions",
     &nobody, 0, {NULL}, "no pubsub service is known"},
    {"template_expand__needs_a_service_for_disco_by_default", "disco-items",
     &nobody, 0, {NULL}, "no pubsub service is known"},
    {"template_expand__needs_a_bare_jid_for_subscribe", "subscribe", &nobody,
     1, {"n"}, "no own bare JID is known"},
    {"template_expand__needs_a_domain_for_ping_by_default", "ping", &nobody,
     0, {NULL}, "no own domain is known"},
};
/* clang-format on */

static void error(void **state)
{
    const struct error *r = *state;
    char *cause = NULL, *out;

    out = template_expand(r->tpl, r->ctx, r->argc, r->argv, &cause);
    if (out != NULL)
        fail_msg("%s expanded to '%s'", r->tpl, out);
    assert_non_null(cause);
    assert_contains(cause, r->want);
    free(cause);
}

struct complete {
    const char *name;
    const char *prefix;
    size_t max;
    size_t n;             /* matches in all */
    const char *want[10]; /* the first min(n, max) */
};

static const struct complete complete_rows[] = {
    {"template_complete__lists_both_disco_templates",
     "disco-",
     10,
     2,
     {"disco-items", "disco-info"}},
    {"template_complete__lists_everything_for_an_empty_prefix",
     "",
     10,
     18,
     {"disco-items", "disco-info", "subscribe", "unsubscribe", "items",
      "subscriptions", "ping", "time", "presence", "message"}},
    {"template_complete__lists_the_rest_templates_sharing_a_prefix",
     "s",
     10,
     5,
     {"subscribe", "subscriptions", "state", "sign-in", "sign-out"}},
    {"template_complete__lists_names_sharing_a_prefix",
     "subscri",
     10,
     2,
     {"subscribe", "subscriptions"}},
    {"template_complete__finds_a_whole_name", "time", 10, 1, {"time"}},
    {"template_complete__finds_nothing_for_an_unknown_prefix",
     "x",
     10,
     0,
     {NULL}},
    {"template_complete__counts_more_than_it_stores",
     "",
     3,
     18,
     {"disco-items", "disco-info", "subscribe"}},
    {"template_complete__counts_with_no_room", "p", 0, 2, {NULL}},
    {"template_complete__is_case_sensitive", "PING", 10, 0, {NULL}},
};

static void complete(void **state)
{
    const struct complete *r = *state;
    const char *out[11];
    size_t i, n;

    for (i = 0; i < 11; i++)
        out[i] = "untouched";
    n = template_complete(r->prefix, out, r->max);
    assert_int_equal(n, r->n);
    for (i = 0; i < (n < r->max ? n : r->max); i++)
        assert_string_equal(out[i], r->want[i]);
    assert_string_equal(out[i], "untouched");
}

/* Every entry is findable and carries its usage and help. */
static void template_find__finds_every_table_entry(void **state)
{
    size_t i;
    (void)state;

    assert_int_equal(templates_len, 18);
    for (i = 0; i < templates_len; i++) {
        const struct template *t = &templates[i];
        size_t len = strlen(t->name);

        assert_ptr_equal(template_find(t->name), t);
        assert_int_equal(strncmp(t->usage, t->name, len), 0);
        assert_true(t->usage[len] == '\0' || t->usage[len] == ' ');
        assert_true(strlen(t->help) > 10);
        assert_true(t->min_args >= 0);
        assert_true(t->max_args == TEMPLATE_ARGS_ANY ||
                    t->max_args >= t->min_args);
        assert_non_null(t->build);
    }
}

static void template_find__returns_null_for_an_unknown_name(void **state)
{
    (void)state;
    assert_null(template_find("nope"));
    assert_null(template_find(""));
    assert_null(template_find("pin"));
    assert_null(template_find("pings"));
}

/* A long status stays one stanza on one line. */
static void template_expand__takes_many_long_words(void **state)
{
    const char *argv[200];
    char *word = str_repeat('&', 1000), *cause = NULL, *out;
    xmpp_stanza_t *st;
    size_t i;
    (void)state;

    for (i = 0; i < 200; i++)
        argv[i] = word;
    out = template_expand("presence", &me, 200, argv, &cause);
    assert_non_null(out);
    assert_int_equal(strlen(out), strlen("<presence><status></status>"
                                         "</presence>") +
                                      200 * 1000 * 5 + 199);
    st = parse(out);
    xmpp_stanza_release(st);
    free(out);
    free(word);
}

struct rest_row {
    const char *name;
    const char *tpl;
    const struct template_ctx *ctx;
    int argc;
    const char *argv[MAX_ARGS];
    const char *want;
};

/* clang-format off */
static const struct rest_row rest_rows[] = {
    {"template_expand__state_is_a_put_on_the_own_user", "state", &me, 1,
     {"READY"},
     "/rest PUT /finesse/api/User/1001001 <User><state>READY</state></User>"},
    {"template_expand__state_takes_a_reason_code", "state", &me, 2,
     {"NOT_READY", "12"},
     "/rest PUT /finesse/api/User/1001001 <User><state>NOT_READY</state>"
     "<reasonCodeId>12</reasonCodeId></User>"},
    {"template_expand__state_escapes_what_it_is_given", "state", &me, 1,
     {"A<&>"},
     "/rest PUT /finesse/api/User/1001001 <User><state>A&lt;&amp;&gt;</state>"
     "</User>"},
    {"template_expand__sign_in_at_the_own_extension", "sign-in", &me, 0,
     {NULL},
     "/rest PUT /finesse/api/User/1001001 <User><state>LOGIN</state>"
     "<extension>5001</extension></User>"},
    {"template_expand__sign_in_at_an_extension_given", "sign-in", &noext, 1,
     {"5002"},
     "/rest PUT /finesse/api/User/1001001 <User><state>LOGIN</state>"
     "<extension>5002</extension></User>"},
    {"template_expand__make_call_from_the_own_extension", "make-call", &me, 1,
     {"6125550000"},
     "/rest POST /finesse/api/User/1001001/Dialogs <Dialog><requestedAction>"
     "MAKE_CALL</requestedAction><fromAddress>5001</fromAddress><toAddress>"
     "6125550000</toAddress></Dialog>"},
    {"template_expand__answer_a_dialog", "answer", &me, 1, {"16817500"},
     "/rest PUT /finesse/api/Dialog/16817500 <Dialog><requestedAction>ANSWER"
     "</requestedAction><targetMediaAddress>5001</targetMediaAddress>"
     "</Dialog>"},
    {"template_expand__hold_at_an_extension_given", "hold", &noext, 2,
     {"16817500", "5009"},
     "/rest PUT /finesse/api/Dialog/16817500 <Dialog><requestedAction>HOLD"
     "</requestedAction><targetMediaAddress>5009</targetMediaAddress>"
     "</Dialog>"},
    {"template_expand__retrieve_a_dialog", "retrieve", &me, 1, {"7"},
     "/rest PUT /finesse/api/Dialog/7 <Dialog><requestedAction>RETRIEVE"
     "</requestedAction><targetMediaAddress>5001</targetMediaAddress>"
     "</Dialog>"},
    {"template_expand__drop_a_dialog", "drop", &me, 1, {"16817500"},
     "/rest PUT /finesse/api/Dialog/16817500 <Dialog><requestedAction>DROP"
     "</requestedAction><targetMediaAddress>5001</targetMediaAddress>"
     "</Dialog>"},
    {"template_expand__sign_out_a_team_member", "sign-out", &me, 2,
     {"1001002", "20"},
     "/rest PUT /finesse/api/User/1001002 <User><state>LOGOUT</state>"
     "<reasonCodeId>20</reasonCodeId></User>"},
};
/* clang-format on */

static void rest_row(void **state)
{
    const struct rest_row *r = *state;
    char *cause = NULL, *out;

    out = template_expand(r->tpl, r->ctx, r->argc, r->argv, &cause);
    if (out == NULL)
        fail_msg("%s: %s", r->tpl, cause ? cause : "(no cause)");
    assert_string_equal(out, r->want);
    assert_true(template_find(r->tpl)->rest);
    free(out);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, expand_rows, expand);
    TL_ROWS(&l, error_rows, error);
    TL_ROWS(&l, rest_rows, rest_row);
    TL_ROWS(&l, complete_rows, complete);
    tl_add(&l, "template_expand__round_trips_escaped_values",
           template_expand__round_trips_escaped_values, NULL);
    tl_add(&l, "template_expand__round_trips_message_text",
           template_expand__round_trips_message_text, NULL);
    tl_add(&l, "template_expand__takes_many_long_words",
           template_expand__takes_many_long_words, NULL);
    tl_add(&l, "template_find__finds_every_table_entry",
           template_find__finds_every_table_entry, NULL);
    tl_add(&l, "template_find__returns_null_for_an_unknown_name",
           template_find__returns_null_for_an_unknown_name, NULL);
    return tl_run(&l, "templates", strophe_setup, strophe_teardown);
}
