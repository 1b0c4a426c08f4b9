/* sasl_choose: which mechanism perch picks from a server's offer. */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/sasl.h"

#define SUPPORTED                                                              \
    "perch supports SCRAM-SHA-256, SCRAM-SHA-1, PLAIN (and others with "       \
    "--sasl)"

struct row {
    const char *name;
    const char *offer; /* the <mechanism/> elements; NULL: no element */
    const char *wanted;
    const char *want;  /* NULL: none chosen */
    const char *cause; /* when none chosen */
};

#define M(x) "<mechanism>" x "</mechanism>"

static const struct row rows[] = {
    {"sasl_choose__prefers_scram_sha_256_over_everything",
     M("PLAIN") M("SCRAM-SHA-1") M("SCRAM-SHA-256") M("EXTERNAL"), NULL,
     "SCRAM-SHA-256", NULL},
    {"sasl_choose__prefers_scram_sha_1_over_plain", M("PLAIN") M("SCRAM-SHA-1"),
     NULL, "SCRAM-SHA-1", NULL},
    {"sasl_choose__takes_plain_when_nothing_better_is_offered",
     M("DIGEST-MD5") M("PLAIN"), NULL, "PLAIN", NULL},
    {"sasl_choose__ignores_the_order_of_the_offer",
     M("SCRAM-SHA-256") M("PLAIN"), NULL, "SCRAM-SHA-256", NULL},
    {"sasl_choose__never_chooses_external_unless_wanted",
     M("EXTERNAL") M("PLAIN"), NULL, "PLAIN", NULL},
    {"sasl_choose__never_chooses_plus_variants_unless_wanted",
     M("SCRAM-SHA-256-PLUS") M("SCRAM-SHA-1"), NULL, "SCRAM-SHA-1", NULL},
    {"sasl_choose__refuses_external_alone_when_not_wanted", M("EXTERNAL"), NULL,
     NULL,
     "no supported SASL mechanism: the server offers EXTERNAL; " SUPPORTED},
    {"sasl_choose__lists_every_offered_mechanism_when_none_fits",
     M("X-OAUTH2") M("DIGEST-MD5") M("ANONYMOUS"), NULL, NULL,
     "no supported SASL mechanism: the server offers X-OAUTH2, DIGEST-MD5, "
     "ANONYMOUS; " SUPPORTED},
    {"sasl_choose__takes_external_when_wanted_and_offered",
     M("SCRAM-SHA-256") M("EXTERNAL"), "EXTERNAL", "EXTERNAL", NULL},
    {"sasl_choose__takes_the_wanted_mechanism_over_a_preferred_one",
     M("SCRAM-SHA-256") M("SCRAM-SHA-1") M("PLAIN"), "PLAIN", "PLAIN", NULL},
    {"sasl_choose__takes_a_wanted_mechanism_perch_does_not_prefer",
     M("SCRAM-SHA-256") M("X-OAUTH2"), "X-OAUTH2", "X-OAUTH2", NULL},
    {"sasl_choose__refuses_a_wanted_mechanism_that_is_not_offered",
     M("PLAIN") M("EXTERNAL"), "SCRAM-SHA-256", NULL,
     "SASL mechanism SCRAM-SHA-256 is not offered by the server (it offers: "
     "PLAIN, EXTERNAL)"},
    {"sasl_choose__does_not_fall_back_when_the_wanted_one_is_missing",
     M("SCRAM-SHA-256"), "SCRAM-SHA-1", NULL,
     "SASL mechanism SCRAM-SHA-1 is not offered by the server (it offers: "
     "SCRAM-SHA-256)"},
    {"sasl_choose__compares_mechanism_names_exactly",
     M("plain") M("Scram-Sha-1"), NULL, NULL,
     "no supported SASL mechanism: the server offers plain, "
     "Scram-Sha-1; " SUPPORTED},
    {"sasl_choose__says_none_for_an_empty_offer", "", NULL, NULL,
     "no supported SASL mechanism: the server offers none; " SUPPORTED},
    {"sasl_choose__says_none_for_an_empty_offer_when_one_is_wanted", "",
     "PLAIN", NULL,
     "SASL mechanism PLAIN is not offered by the server (it offers: none)"},
    {"sasl_choose__says_none_for_empty_mechanism_elements",
     "<mechanism/><mechanism></mechanism>", NULL, NULL,
     "no supported SASL mechanism: the server offers none; " SUPPORTED},
    {"sasl_choose__skips_elements_that_are_not_mechanisms",
     "<required/>" M("PLAIN"), NULL, "PLAIN", NULL},
    {"sasl_choose__says_none_without_a_mechanisms_element", NULL, NULL, NULL,
     "no supported SASL mechanism: the server offers none; " SUPPORTED},
    {"sasl_choose__says_none_without_a_mechanisms_element_when_one_is_wanted",
     NULL, "PLAIN", NULL,
     "SASL mechanism PLAIN is not offered by the server (it offers: none)"},
};

static void row(void **state)
{
    const struct row *r = *state;
    xmpp_stanza_t *mechs = NULL;
    const char *got;
    char *cause = NULL;

    if (r->offer) {
        char *xml = str_cat3("<mechanisms "
                             "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>",
                             r->offer, "</mechanisms>");
        mechs = xmpp_stanza_new_from_string(ctx, xml);
        free(xml);
        assert_non_null(mechs);
    }
    got = sasl_choose(mechs, r->wanted, &cause);
    if (r->want) {
        assert_non_null(got);
        assert_string_equal(got, r->want);
        assert_null(cause);
    } else {
        assert_null(got);
        assert_non_null(cause);
        assert_string_equal(cause, r->cause);
        free(cause);
    }
    if (mechs)
        xmpp_stanza_release(mechs);
}

/* The wanted name comes back as the caller's own string (no static copy
 * to be overwritten or cut short), however long. */
static void sasl_choose__returns_the_callers_wanted_string(void **state)
{
    char *wanted = str_repeat('X', 100);
    char *xml = str_cat3("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                         "<mechanism>",
                         wanted, "</mechanism></mechanisms>");
    xmpp_stanza_t *mechs = xmpp_stanza_new_from_string(ctx, xml);
    char *cause = NULL;
    (void)state;

    assert_non_null(mechs);
    assert_ptr_equal(sasl_choose(mechs, wanted, &cause), wanted);
    assert_null(cause);
    xmpp_stanza_release(mechs);
    free(xml);
    free(wanted);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "sasl_choose__returns_the_callers_wanted_string",
           sasl_choose__returns_the_callers_wanted_string, NULL);
    return tl_run(&l, "sasl", strophe_setup, strophe_teardown);
}
