/* console_gist: what a Console row says a stanza is, read with the
 * decoders; console_gist_fit and console_cut_left: shortened from the
 * left so the gist survives narrow panes. */
#include "unit.h"
#include "unit_strophe.h"

#include "ui/console_gist.h"

#define PS "xmlns='http://jabber.org/protocol/pubsub'"
#define STANZAS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
/* A Finesse notification of an escaped Update on node. */
#define NOTIFY(node, update)                                                   \
    "<message from='pubsub.x' type='headline'><event "                         \
    "xmlns='http://jabber.org/protocol/pubsub#event'><items node='" node       \
    "'><item id='i1'><notification " PS ">" update                             \
    "</notification></item></items></event></message>"

struct row {
    const char *name;
    const char *stanza;
    const char *want; /* NULL: no gist */
};

static const struct row rows[] = {
    {"console_gist__a_user_update_says_its_id_and_state",
     NOTIFY("/finesse/api/User/1001009",
            "&lt;Update&gt;&lt;data&gt;&lt;user&gt;&lt;loginId&gt;1001009&lt;/"
            "loginId&gt;&lt;state&gt;TALKING&lt;/state&gt;&lt;/user&gt;&lt;/"
            "data&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;/Update&gt;"),
     "user 1001009 TALKING"},
    {"console_gist__a_dialogs_update_says_the_first_call_and_its_state",
     NOTIFY("/finesse/api/User/1001009/Dialogs",
            "&lt;Update&gt;&lt;data&gt;&lt;dialogs&gt;&lt;Dialog&gt;&lt;id&gt;"
            "16817512&lt;/id&gt;&lt;state&gt;ACTIVE&lt;/state&gt;&lt;/"
            "Dialog&gt;&lt;/dialogs&gt;&lt;/data&gt;&lt;event&gt;PUT&lt;/"
            "event&gt;&lt;/Update&gt;"),
     "dialog 16817512 ACTIVE"},
    {"console_gist__a_disco_items_result_counts_its_items",
     "<iq type='result' id='1'><query "
     "xmlns='http://jabber.org/protocol/disco#items'><item jid='a' "
     "node='/x'/><item jid='a' node='/y'/></query></iq>",
     "disco#items → 2 items"},
    {"console_gist__one_item_is_singular",
     "<iq type='result' id='1'><query "
     "xmlns='http://jabber.org/protocol/disco#items'><item jid='a'/></query>"
     "</iq>",
     "disco#items → 1 item"},
    {"console_gist__a_ping",
     "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", "ping"},
    {"console_gist__a_subscribe_names_its_node",
     "<iq type='set' id='1'><pubsub " PS "><subscribe node='/finesse/api/"
     "User/1001009' jid='a@b'/></pubsub></iq>",
     "subscribe /finesse/api/User/1001009"},
    {"console_gist__an_error_says_its_condition",
     "<iq type='error' id='1'><error type='cancel'><item-not-found " STANZAS
     "/></error></iq>",
     "error item-not-found"},
    {"console_gist__an_empty_result_has_none", "<iq type='result' id='1'/>",
     NULL},
    {"console_gist__a_presence_has_none", "<presence/>", NULL},
    {"console_gist__a_message_without_an_event_has_none",
     "<message to='a@b'><body>hi</body></message>", NULL},
    {"console_gist__a_retract_names_the_node",
     "<message from='pubsub.x'><event "
     "xmlns='http://jabber.org/protocol/pubsub#event'><items node='/n'>"
     "<retract id='i1'/></items></event></message>",
     "retract /n"},
};

static void row(void **state)
{
    const struct row *r = *state;
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, r->stanza);
    char *got;

    assert_non_null(st);
    got = console_gist(st);
    if (r->want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, r->want);
    free(got);
    xmpp_stanza_release(st);
}

static void console_gist__fit_cuts_the_path_from_the_left(void **state)
{
    char *s;
    (void)state;

    s = console_gist_fit("subscribe /finesse/api/User/1001009/Dialogs", 80, 1);
    assert_string_equal(s, "subscribe /finesse/api/User/1001009/Dialogs");
    free(s);
    s = console_gist_fit("subscribe /finesse/api/User/1001009/Dialogs", 32, 1);
    assert_string_equal(s, "subscribe …/User/1001009/Dialogs");
    free(s);
    s = console_gist_fit("subscribe /finesse/api/User/1001009/Dialogs", 32, 0);
    assert_string_equal(s, "subscribe .../1001009/Dialogs");
    free(s);
    /* no path: the end is cut */
    s = console_gist_fit("user 1001009 NOT_READY", 12, 1);
    assert_string_equal(s, "user 100100…");
    free(s);
    s = console_gist_fit("user 1001009 NOT_READY", 0, 1);
    assert_string_equal(s, "");
    free(s);
}

static void console_gist__cut_left_keeps_the_end(void **state)
{
    char *s;
    (void)state;

    s = console_cut_left("perchdm7vdow9-3", 8, 1);
    assert_string_equal(s, "…vdow9-3");
    free(s);
    s = console_cut_left("perchdm7vdow9-3", 8, 0);
    assert_string_equal(s, "...ow9-3");
    free(s);
    s = console_cut_left("short", 8, 1);
    assert_string_equal(s, "short");
    free(s);
    s = console_cut_left("éééééé", 4, 1); /* characters, not bytes */
    assert_string_equal(s, "…ééé");
    free(s);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "console_gist__fit_cuts_the_path_from_the_left",
           console_gist__fit_cuts_the_path_from_the_left, NULL);
    tl_add(&l, "console_gist__cut_left_keeps_the_end",
           console_gist__cut_left_keeps_the_end, NULL);
    return tl_run(&l, "console_gist", strophe_setup, strophe_teardown);
}
