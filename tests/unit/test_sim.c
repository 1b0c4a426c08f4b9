/*
 * The simulator: deterministic for a seed whatever the clock says, every
 * document a well-formed Finesse Update the decoders read, calls that go
 * through their whole life, and text escaped once.
 */
#include "unit.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "decode/decode.h"
#include "sim/sim.h"
#include "xmpp/pubsub.h"

#include <jansson.h>
#include <strophe.h>

#define NOW 1795000000000.0 /* 2026-11-18 */

static struct sim *make(unsigned agents, double rate, uint64_t seed, int outage)
{
    struct sim_config cfg = {agents, 2, 3, rate, seed, outage, NULL};
    return sim_new(&cfg);
}

/* The node and document of event i, times left out (new string). */
static char *stripped(const struct sim_event *ev)
{
    struct buf b;

    buf_init(&b);
    buf_puts(&b, ev->node);
    buf_puts(&b, " ");
    sim_strip_times(ev->doc, ev->len, &b);
    return buf_steal(&b);
}

static void sim__same_seed_gives_the_same_events_at_any_time(void **state)
{
    struct sim *a = make(20, 50, 42, 1), *b = make(20, 50, 42, 1);
    struct sim_event ea, eb;
    char da[17], db[17];
    int i;
    (void)state;

    for (i = 0; i < 3000; i++) {
        char *sa, *sb;
        sim_next(a, NOW + i * 20.0, &ea);
        sim_next(b, NOW + 86400000.0 + i * 7.0, &eb);
        sa = stripped(&ea);
        sb = stripped(&eb);
        if (i < 200)
            assert_string_equal(sa, sb);
        free(sa);
        free(sb);
    }
    sim_digest(a, da);
    sim_digest(b, db);
    assert_string_equal(da, db);
    assert_int_equal(sim_events(a), 3000);
    sim_free(a);
    sim_free(b);
}

static void sim__a_different_seed_gives_a_different_sequence(void **state)
{
    struct sim *a = make(20, 50, 1, 1), *b = make(20, 50, 2, 1);
    struct sim_event ev;
    char da[17], db[17];
    int i;
    (void)state;

    for (i = 0; i < 500; i++) {
        sim_next(a, NOW, &ev);
        sim_next(b, NOW, &ev);
    }
    sim_digest(a, da);
    sim_digest(b, db);
    assert_string_not_equal(da, db);
    sim_free(a);
    sim_free(b);
}

static const char *expected_kind(enum sim_kind k)
{
    switch (k) {
    case SIM_USER:
    case SIM_TEAM:
        return "user";
    case SIM_DIALOGS:
        return "dialogs";
    case SIM_QUEUES:
        return "queues";
    case SIM_QUEUE:
        return "queue";
    case SIM_SYSTEMINFO:
        return "systeminfo";
    }
    return "?";
}

static void sim__every_document_parses_and_decodes(void **state)
{
    struct sim *s = make(5, 5, 7, 1); /* stats and outages come often */
    struct sim_event ev;
    int i, seen[SIM_SYSTEMINFO + 1] = {0};
    (void)state;

    for (i = 0; i < 4000; i++) {
        xmpp_stanza_t *st;
        json_t *j;
        const char *kind;

        sim_next(s, NOW + i, &ev);
        st = xmpp_stanza_new_from_string(ctx, ev.doc);
        if (st == NULL)
            fail_msg("event %d does not parse: %s", i, ev.doc);
        xmpp_stanza_release(st);
        j = decode_update_text(ev.node, ev.doc, ev.len);
        kind = json_string_value(json_object_get(j, "kind"));
        if (kind == NULL || strcmp(kind, expected_kind(ev.kind)) != 0)
            fail_msg("event %d decodes as %s: %s", i, kind ? kind : "?",
                     ev.doc);
        json_decref(j);
        seen[ev.kind]++;
    }
    for (i = 0; i <= SIM_SYSTEMINFO; i++)
        if (seen[i] == 0)
            fail_msg("no event of kind %d in 4000", i);
    sim_free(s);
}

/* The states one dialog went through, in order, as "POST:ALERTING ...". */
static void sim__a_call_goes_through_its_whole_life(void **state)
{
    struct sim *s = make(5, 20, 3, 0);
    struct sim_event ev;
    char first[32] = "";
    struct buf life;
    int i;
    (void)state;

    buf_init(&life);
    buf_append(&life, "", 0);
    for (i = 0; i < 3000; i++) {
        json_t *j, *d;
        const char *id;
        sim_next(s, NOW, &ev);
        if (ev.kind != SIM_DIALOGS)
            continue;
        j = decode_update_text(ev.node, ev.doc, ev.len);
        d = json_array_get(json_object_get(j, "dialogs"), 0);
        id = json_string_value(json_object_get(d, "id"));
        if (first[0] == '\0' &&
            strcmp(json_string_value(json_object_get(d, "callType")),
                   "CONSULT") != 0)
            snprintf(first, sizeof first, "%s", id);
        if (strcmp(id, first) == 0)
            buf_printf(&life, "%s:%s ",
                       json_string_value(json_object_get(j, "event")),
                       json_string_value(json_object_get(d, "state")));
        json_decref(j);
        if (strstr(life.data, "DELETE:DROPPED"))
            break;
    }
    assert_contains(life.data, "POST:ALERTING ");
    assert_contains(life.data, "DELETE:DROPPED");
    assert_true(strstr(life.data, "POST:ALERTING") == life.data);
    if (strstr(life.data, "PUT:ACTIVE") == NULL &&
        strcmp(life.data, "POST:ALERTING DELETE:DROPPED ") != 0)
        fail_msg("odd life: %s", life.data);
    buf_done(&life);
    sim_free(s);
}

static void sim__answers_some_calls_within_a_few_thousand_events(void **state)
{
    struct sim *s = make(5, 20, 11, 0);
    struct sim_event ev;
    int i, alerting = 0, active = 0, dropped = 0, held = 0;
    (void)state;

    for (i = 0; i < 5000; i++) {
        sim_next(s, NOW, &ev);
        if (ev.kind != SIM_DIALOGS)
            continue;
        alerting += strstr(ev.doc, "<state>ALERTING</state>") != NULL;
        active += strstr(ev.doc, "<state>ACTIVE</state>") != NULL;
        dropped += strstr(ev.doc, "<event>DELETE</event>") != NULL;
        held += strstr(ev.doc, "<state>HELD</state>") != NULL;
    }
    assert_true(alerting > 5);
    assert_true(active > 5);
    assert_true(dropped > 5);
    assert_true(held > 0);
    sim_free(s);
}

/* A call variable with & reaches the decoder un-escaped, and the publish
 * iq carries it escaped twice, as Finesse's wire does. */
static void sim__call_data_survives_both_escapings(void **state)
{
    struct sim *s = make(20, 20, 5, 0);
    struct sim_event ev;
    int i, found = 0;
    (void)state;

    for (i = 0; i < 20000 && !found; i++) {
        json_t *j, *vars;
        const char *v;
        sim_next(s, NOW, &ev);
        if (ev.kind != SIM_DIALOGS || !strstr(ev.doc, "Smith &amp; Sons"))
            continue;
        j = decode_update_text(ev.node, ev.doc, ev.len);
        vars = json_object_get(json_array_get(json_object_get(j, "dialogs"), 0),
                               "callVariables");
        v = json_string_value(json_object_get(vars, "callVariable2"));
        assert_string_equal(v, "Smith & Sons <VIP>");
        json_decref(j);
        found = 1;
    }
    assert_true(found);
    {
        xmpp_stanza_t *iq = pubsub_publish_notification_iq(
            ctx, "pubsub.localhost", ev.node, NULL, ev.doc);
        char *text;
        size_t len;
        assert_int_equal(xmpp_stanza_to_text(iq, &text, &len), 0);
        assert_contains(text, "Smith &amp;amp; Sons &amp;lt;VIP&amp;gt;");
        assert_contains(text, "&lt;Update&gt;");
        xmpp_free(ctx, text);
        xmpp_stanza_release(iq);
    }
    sim_free(s);
}

static void sim__names_every_finesse_node(void **state)
{
    struct sim *s = make(3, 20, 1, 1);
    struct buf b, all;
    size_t i;
    (void)state;

    buf_init(&b);
    buf_init(&all);
    assert_int_equal(sim_node_count(s), 1 + 3 + 2 + 4 * 3);
    for (i = 0; i < sim_node_count(s); i++) {
        sim_node(s, i, &b);
        buf_printf(&all, "%s\n", b.data);
    }
    assert_contains(all.data, "/finesse/api/SystemInfo\n");
    assert_contains(all.data, "/finesse/api/Queue/3\n");
    assert_contains(all.data, "/finesse/api/Team/5001/Users\n");
    assert_contains(all.data, "/finesse/api/User/1001003\n");
    assert_contains(all.data, "/finesse/api/User/1001003/Dialogs\n");
    assert_contains(all.data, "/finesse/api/User/1001003/Queues\n");
    assert_contains(all.data, "/finesse/api/User/1001003/ClientLog\n");
    buf_done(&b);
    buf_done(&all);
    sim_free(s);
}

/* rate 1: a virtual second per event, so the blip comes within 300. */
static void sim__blips_out_of_service_unless_told_not_to(void **state)
{
    struct sim *on = make(5, 1, 9, 1), *off = make(5, 1, 9, 0);
    struct sim_event ev;
    int i, out_on = 0, back_on = 0, out_off = 0;
    (void)state;

    for (i = 0; i < 1000; i++) {
        sim_next(on, NOW, &ev);
        if (ev.kind == SIM_SYSTEMINFO && strstr(ev.doc, "OUT_OF_SERVICE"))
            out_on++;
        else if (ev.kind == SIM_SYSTEMINFO && out_on)
            back_on++;
        sim_next(off, NOW, &ev);
        if (ev.kind == SIM_SYSTEMINFO && strstr(ev.doc, "OUT_OF_SERVICE"))
            out_off++;
    }
    assert_true(out_on >= 1);
    assert_true(back_on >= 1);
    assert_int_equal(out_off, 0);
    sim_free(on);
    sim_free(off);
}

static void sim__strips_only_timestamps(void **state)
{
    static const char doc[] = "<t>2026-11-21T09:15:02.120Z</t><n>2026-11</n>";
    struct buf b;
    (void)state;

    buf_init(&b);
    sim_strip_times(doc, strlen(doc), &b);
    assert_string_equal(b.data, "<t></t><n>2026-11</n>");
    buf_done(&b);
}

int main(void)
{
    struct test_list l = {0};

#define T(f) tl_add(&l, #f, f, NULL)
    T(sim__same_seed_gives_the_same_events_at_any_time);
    T(sim__a_different_seed_gives_a_different_sequence);
    T(sim__every_document_parses_and_decodes);
    T(sim__a_call_goes_through_its_whole_life);
    T(sim__answers_some_calls_within_a_few_thousand_events);
    T(sim__call_data_survives_both_escapings);
    T(sim__names_every_finesse_node);
    T(sim__blips_out_of_service_unless_told_not_to);
    T(sim__strips_only_timestamps);
#undef T
    return tl_run(&l, "sim", strophe_setup, strophe_teardown);
}
