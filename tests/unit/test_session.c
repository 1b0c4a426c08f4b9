/* session_iq_end and session_iq_failure: how a request ended, and the one
 * wording the console and the headless commands give it. */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/session.h"

#define STANZAS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"

struct row {
    const char *name;
    enum iq_outcome outcome;
    const char *reply; /* NULL: none */
    enum iq_end end;
    const char *why;
};

static const struct row rows[] = {
    {"session_iq_end__a_result_is_an_answer", IQ_REPLY,
     "<iq type='result' id='1'/>", IQ_END_RESULT,
     "a result without what was asked for"},
    {"session_iq_end__an_error_is_an_answer", IQ_REPLY,
     "<iq type='error' id='1'><error type='cancel'><item-not-found " STANZAS
     "/></error></iq>",
     IQ_END_ERROR, "item-not-found"},
    {"session_iq_end__an_error_says_its_text", IQ_REPLY,
     "<iq type='error' id='1'><error type='auth'><forbidden " STANZAS
     "/><text " STANZAS ">not yours</text></error></iq>",
     IQ_END_ERROR, "forbidden — not yours"},
    {"session_iq_failure__shows_controls_and_bidi_in_the_text", IQ_REPLY,
     "<iq type='error' id='1'><error type='auth'><forbidden " STANZAS
     "/><text " STANZAS ">a&#13;&#10;perch: &#x202E;b&#x200B;</text></error>"
     "</iq>",
     IQ_END_ERROR, "forbidden — a<U+000D><U+000A>perch: <U+202E>b<U+200B>"},
    {"session_iq_failure__says_a_pubsub_condition_in_words", IQ_REPLY,
     "<iq type='error' id='1'><error type='modify'><unexpected-request " STANZAS
     "/><not-subscribed xmlns='http://jabber.org/protocol/pubsub#errors'/>"
     "</error></iq>",
     IQ_END_ERROR, "unexpected-request: not subscribed to that node"},
    {"session_iq_failure__a_pubsub_condition_in_words_before_the_text",
     IQ_REPLY,
     "<iq type='error' id='1'><error "
     "type='cancel'><feature-not-implemented " STANZAS
     "/><unsupported xmlns='http://jabber.org/protocol/pubsub#errors'"
     " feature='purge-nodes'/><text " STANZAS ">no</text></error></iq>",
     IQ_END_ERROR,
     "feature-not-implemented: the service does not support this — no"},
    {"session_iq_end__an_error_without_a_condition_is_unknown", IQ_REPLY,
     "<iq type='error' id='1'/>", IQ_END_ERROR, "unknown"},
    {"session_iq_end__a_get_with_the_same_id_is_no_answer", IQ_REPLY,
     "<iq type='get' id='1'/>", IQ_END_NO_ANSWER,
     "not an answer (<iq> of type 'get')"},
    {"session_iq_end__a_set_with_the_same_id_is_no_answer", IQ_REPLY,
     "<iq type='set' id='1'/>", IQ_END_NO_ANSWER,
     "not an answer (<iq> of type 'set')"},
    {"session_iq_end__an_iq_without_a_type_is_no_answer", IQ_REPLY,
     "<iq id='1'/>", IQ_END_NO_ANSWER, "not an answer (<iq> of type 'none')"},
    {"session_iq_end__a_message_with_the_same_id_is_no_answer", IQ_REPLY,
     "<message type='error' id='1'/>", IQ_END_NO_ANSWER,
     "not an answer (<message> of type 'error')"},
    {"session_iq_end__the_type_is_compared_exactly", IQ_REPLY,
     "<iq type='RESULT' id='1'/>", IQ_END_NO_ANSWER,
     "not an answer (<iq> of type 'RESULT')"},
    {"session_iq_end__a_timeout_is_no_answer", IQ_TIMEOUT, NULL,
     IQ_END_NO_ANSWER, "no answer"},
    {"session_iq_end__a_closed_session_is_closed", IQ_CLOSED, NULL,
     IQ_END_CLOSED, "the connection closed first"},
};

static void row(void **state)
{
    const struct row *r = *state;
    xmpp_stanza_t *reply = NULL;
    char *why;

    if (r->reply) {
        reply = xmpp_stanza_new_from_string(ctx, r->reply);
        assert_non_null(reply);
    }
    assert_int_equal(session_iq_end(r->outcome, reply), r->end);
    why = session_iq_failure(r->outcome, reply);
    assert_string_equal(why, r->why);
    free(why);
    if (reply)
        xmpp_stanza_release(reply);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    return tl_run(&l, "session", strophe_setup, strophe_teardown);
}
