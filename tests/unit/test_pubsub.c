/* disco and pubsub results and notifications, as servers send them. */
#include "unit.h"
#include "unit_strophe.h"

#include "decode/keys.h"
#include "xmpp/disco.h"
#include "xmpp/pubsub.h"

static xmpp_stanza_t *parse(const char *text)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, text);
    assert_non_null(st);
    return st;
}

#define ITEMS_RESULT(body)                                                     \
    "<iq type='result' from='pubsub.fin1' id='1'><query "                      \
    "xmlns='http://jabber.org/protocol/disco#items'>" body "</query></iq>"

static void disco_parse_items__keeps_jid_node_and_name(void **state)
{
    xmpp_stanza_t *r = parse(ITEMS_RESULT(
        "<item jid='pubsub.fin1' node='/finesse/api/User/1001001' "
        "name='Ada'/><item jid='pubsub.fin1' node='/finesse/api/SystemInfo'/>"
        "<item node='no-jid-is-skipped'/><other jid='x'/>"));
    struct disco_items items = {0};
    char *next = (char *)1;
    (void)state;

    assert_int_equal(disco_parse_items(r, &items, &next), 0);
    assert_null(next);
    assert_int_equal(items.n, 2);
    assert_string_equal(items.v[0].jid, "pubsub.fin1");
    assert_string_equal(items.v[0].node, "/finesse/api/User/1001001");
    assert_string_equal(items.v[0].name, "Ada");
    assert_null(items.v[1].name);
    disco_items_done(&items);
    xmpp_stanza_release(r);
}

static void disco_parse_items__follows_rsm_until_count_is_reached(void **state)
{
    const char *rsm = "<set xmlns='http://jabber.org/protocol/rsm'>"
                      "<first>a</first><last>b</last><count>3</count></set>";
    char page1[512], page2[512];
    xmpp_stanza_t *r1, *r2;
    struct disco_items items = {0};
    char *next = NULL;
    (void)state;

    snprintf(page1, sizeof page1,
             ITEMS_RESULT("<item jid='p' node='a'/><item jid='p' node='b'/>%s"),
             rsm);
    snprintf(page2, sizeof page2,
             ITEMS_RESULT("<item jid='p' node='c'/><set xmlns='http://jabber."
                          "org/protocol/rsm'><last>c</last><count>3</count>"
                          "</set>%s"),
             "");
    r1 = parse(page1);
    r2 = parse(page2);
    assert_int_equal(disco_parse_items(r1, &items, &next), 0);
    assert_non_null(next);
    assert_string_equal(next, "b");
    free(next);
    assert_int_equal(disco_parse_items(r2, &items, &next), 0);
    assert_null(next); /* 3 of 3: done */
    assert_int_equal(items.n, 3);
    assert_string_equal(items.v[2].node, "c");
    disco_items_done(&items);
    xmpp_stanza_release(r1);
    xmpp_stanza_release(r2);
}

static void
disco_parse_items__stops_on_an_empty_page_and_rejects_errors(void **state)
{
    xmpp_stanza_t *empty = parse(ITEMS_RESULT(
        "<set xmlns='http://jabber.org/protocol/rsm'><last>z</last>"
        "<count>99</count></set>"));
    xmpp_stanza_t *err = parse("<iq type='error' id='1'><error type='cancel'>"
                               "<item-not-found xmlns='urn:ietf:params:xml:"
                               "ns:xmpp-stanzas'/></error></iq>");
    struct disco_items items = {0};
    char *next = NULL;
    (void)state;

    assert_int_equal(disco_parse_items(empty, &items, &next), 0);
    assert_null(next);
    assert_int_equal(disco_parse_items(err, &items, &next), -1);
    assert_int_equal(items.n, 0);
    xmpp_stanza_release(empty);
    xmpp_stanza_release(err);
}

static void
disco_parse_info__reads_identities_features_and_the_form(void **state)
{
    xmpp_stanza_t *r = parse(
        "<iq type='result' id='1'><query xmlns='http://jabber.org/protocol/"
        "disco#info' node='/n'><identity category='pubsub' type='leaf'/>"
        "<feature var='http://jabber.org/protocol/pubsub'/>"
        "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'>"
        "<value>http://jabber.org/protocol/pubsub#meta-data</value></field>"
        "<field var='pubsub#owner'><value>a@x</value><value>b@x</value>"
        "</field></x></query></iq>");
    struct disco_info info;
    (void)state;

    assert_int_equal(disco_parse_info(r, &info), 0);
    assert_int_equal(info.nidentities, 1);
    assert_string_equal(info.identities[0].category, "pubsub");
    assert_string_equal(info.identities[0].type, "leaf");
    assert_null(info.identities[0].name);
    assert_int_equal(info.nfeatures, 1);
    assert_int_equal(info.nfields, 2);
    assert_string_equal(info.fields[1].var, "pubsub#owner");
    assert_string_equal(info.fields[1].values[0], "a@x");
    assert_string_equal(info.fields[1].values[1], "b@x");
    assert_null(info.fields[1].values[2]);
    disco_info_done(&info);
    xmpp_stanza_release(r);
}

static void pubsub_parse_subscriptions__lists_node_jid_subid_state(void **state)
{
    xmpp_stanza_t *r = parse(
        "<iq type='result' id='1'><pubsub xmlns='http://jabber.org/protocol/"
        "pubsub'><subscriptions><subscription node='/a' jid='u@x' subid='s1' "
        "subscription='subscribed'/><subscription node='/b' jid='u@x/r' "
        "subscription='pending'/></subscriptions></pubsub></iq>");
    struct pubsub_subs subs;
    (void)state;

    assert_int_equal(pubsub_parse_subscriptions(r, &subs), 0);
    assert_int_equal(subs.n, 2);
    assert_string_equal(subs.v[0].node, "/a");
    assert_string_equal(subs.v[0].subid, "s1");
    assert_string_equal(subs.v[1].jid, "u@x/r");
    assert_null(subs.v[1].subid);
    assert_string_equal(subs.v[1].state, "pending");
    pubsub_subs_done(&subs);
    xmpp_stanza_release(r);
}

struct seen {
    int n;
    enum pubsub_event_kind kinds[8];
    char nodes[8][32];
    char ids[8][16];
};

static void record(void *arg, enum pubsub_event_kind kind, const char *node,
                   xmpp_stanza_t *el)
{
    struct seen *s = arg;
    const char *id = xmpp_stanza_get_attribute(el, "id");
    if (s->n == 8)
        return;
    s->kinds[s->n] = kind;
    snprintf(s->nodes[s->n], sizeof s->nodes[0], "%s", node);
    snprintf(s->ids[s->n], sizeof s->ids[0], "%s", id ? id : "");
    s->n++;
}

static void
pubsub_dispatch__reports_items_retracts_purge_delete_in_order(void **state)
{
    xmpp_stanza_t *m = parse(
        "<message from='pubsub.fin1'><event xmlns='http://jabber.org/protocol/"
        "pubsub#event'><items node='/a'><item id='i1'/><retract id='i2'/>"
        "<item id='i3'/></items><purge node='/b'/><delete node='/c'/>"
        "<subscription node='/d' jid='u@x' subscription='none'/>"
        "</event></message>");
    xmpp_stanza_t *chat = parse("<message><body>hi</body></message>");
    struct seen s = {0};
    (void)state;

    assert_int_equal(pubsub_dispatch(m, record, &s), 1);
    assert_int_equal(s.n, 6);
    assert_int_equal(s.kinds[0], PUBSUB_ITEM);
    assert_string_equal(s.ids[0], "i1");
    assert_int_equal(s.kinds[1], PUBSUB_RETRACT);
    assert_string_equal(s.ids[1], "i2");
    assert_int_equal(s.kinds[2], PUBSUB_ITEM);
    assert_int_equal(s.kinds[3], PUBSUB_PURGE);
    assert_string_equal(s.nodes[3], "/b");
    assert_int_equal(s.kinds[4], PUBSUB_DELETE);
    assert_int_equal(s.kinds[5], PUBSUB_SUBSCRIPTION);
    assert_string_equal(pubsub_event_kind_name(s.kinds[5]), "subscription");
    assert_int_equal(pubsub_dispatch(chat, record, &s), 0);
    xmpp_stanza_release(m);
    xmpp_stanza_release(chat);
}

/* The words decode_event and the model compare are pubsub's own. */
static void pubsub_event_kind_name__gives_the_decoded_event_kinds(void **state)
{
    static const struct {
        enum pubsub_event_kind kind;
        const char *word;
    } rows[] = {
        {PUBSUB_ITEM, EV_KIND_ITEM},
        {PUBSUB_RETRACT, EV_KIND_RETRACT},
        {PUBSUB_DELETE, EV_KIND_DELETE},
        {PUBSUB_PURGE, EV_KIND_PURGE},
        {PUBSUB_SUBSCRIPTION, EV_KIND_SUBSCRIPTION},
        {PUBSUB_CONFIG, EV_KIND_CONFIGURATION},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_string_equal(pubsub_event_kind_name(rows[i].kind), rows[i].word);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disco_parse_items__keeps_jid_node_and_name),
        cmocka_unit_test(disco_parse_items__follows_rsm_until_count_is_reached),
        cmocka_unit_test(
            disco_parse_items__stops_on_an_empty_page_and_rejects_errors),
        cmocka_unit_test(
            disco_parse_info__reads_identities_features_and_the_form),
        cmocka_unit_test(
            pubsub_parse_subscriptions__lists_node_jid_subid_state),
        cmocka_unit_test(
            pubsub_dispatch__reports_items_retracts_purge_delete_in_order),
        cmocka_unit_test(pubsub_event_kind_name__gives_the_decoded_event_kinds),
    };
    return cmocka_run_group_tests(tests, strophe_setup, strophe_teardown);
}
