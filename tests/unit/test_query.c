/* query_iq_get and query_time_reply (XEP-0202 replies from the network). */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/query.h"

#include <math.h>

#define T(utc)                                                                 \
    "<iq type='result' id='t1'><time "                                         \
    "xmlns='urn:xmpp:time'><tzo>Z</tzo><utc>" utc "</utc></time></iq>"

/* 2026-11-22T01:21:15Z in ms since the epoch */
#define BASE 1795310475000.0

struct row {
    const char *name;
    const char *xml;
    int ok;
    double want;     /* ms, when ok */
    double want_res; /* resolution, when ok */
};

static const struct row rows[] = {
    {"query_time_reply__gives_whole_seconds_with_a_resolution_of_one_second",
     T("2026-11-22T01:21:15Z"), 1, BASE, 1000},
    {"query_time_reply__reads_milliseconds", T("2026-11-22T01:21:15.123Z"), 1,
     BASE + 123, 1},
    {"query_time_reply__reads_tenths", T("2026-11-22T01:21:15.1Z"), 1,
     BASE + 100, 100},
    {"query_time_reply__reads_a_zero_offset", T("2026-11-22T01:21:15+00:00"), 1,
     BASE, 1000},
    {"query_time_reply__refuses_an_error_reply",
     "<iq type='error' id='t1'><time xmlns='urn:xmpp:time'><utc>"
     "2026-11-22T01:21:15Z</utc></time></iq>",
     0, 0},
    {"query_time_reply__refuses_a_reply_without_time",
     "<iq type='result' id='t1'/>", 0, 0},
    {"query_time_reply__refuses_time_without_utc",
     "<iq type='result' id='t1'><time xmlns='urn:xmpp:time'/></iq>", 0, 0},
    {"query_time_reply__refuses_an_empty_utc", T(""), 0, 0},
    {"query_time_reply__refuses_words", T("yesterday at noon"), 0, 0},
    {"query_time_reply__refuses_a_bare_dot", T("2026-11-22T01:21:15.Z"), 0, 0},
    {"query_time_reply__refuses_a_fraction_of_one_or_more",
     T("2026-11-22T01:21:15.5e3Z"), 0, 0},
    {"query_time_reply__refuses_trailing_garbage",
     T("2026-11-22T01:21:15Zjunk"), 0, 0},
    {"query_time_reply__refuses_another_offset", T("2026-11-22T01:21:15+02:00"),
     0, 0},
    {"query_time_reply__refuses_month_13", T("2026-13-22T01:21:15Z"), 0, 0},
    {"query_time_reply__refuses_a_reply_without_type",
     "<iq id='t1'><time xmlns='urn:xmpp:time'><utc>2026-11-22T01:21:15Z</utc>"
     "</time></iq>",
     0, 0},
};

static void row(void **state)
{
    const struct row *r = *state;
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, r->xml);
    double ms = -1, res = -1;

    assert_non_null(st);
    if (r->ok) {
        assert_int_equal(query_time_reply(st, &ms, &res), 0);
        assert_true(fabs(ms - r->want) < 0.01);
        assert_true(res == r->want_res);
    } else {
        assert_int_equal(query_time_reply(st, &ms, &res), -1);
        assert_true(ms == -1); /* untouched */
    }
    xmpp_stanza_release(st);
}

static void query_iq_get__builds_a_get_with_one_empty_child(void **state)
{
    xmpp_stanza_t *iq = query_iq_get(ctx, "localhost", "ping", "urn:xmpp:ping");
    xmpp_stanza_t *c;
    (void)state;

    assert_string_equal(xmpp_stanza_get_name(iq), "iq");
    assert_string_equal(xmpp_stanza_get_type(iq), "get");
    assert_string_equal(xmpp_stanza_get_to(iq), "localhost");
    assert_null(xmpp_stanza_get_id(iq)); /* the session gives one */
    c = xmpp_stanza_get_children(iq);
    assert_non_null(c);
    assert_string_equal(xmpp_stanza_get_name(c), "ping");
    assert_string_equal(xmpp_stanza_get_ns(c), "urn:xmpp:ping");
    assert_null(xmpp_stanza_get_children(c));
    assert_null(xmpp_stanza_get_next(c));
    xmpp_stanza_release(iq);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "query_iq_get__builds_a_get_with_one_empty_child",
           query_iq_get__builds_a_get_with_one_empty_child, NULL);
    return tl_run(&l, "query", strophe_setup, strophe_teardown);
}
