/* app_replay.c: the console's core on a capture — the timeline read from
 * a recording or a HAR, fed to the model, Console and Network by step,
 * /goto (forward and back from the start) and play; what sends refuses. */
#include "unit.h"
#include "unit_fixture.h"

#include "app/app.h"
#include "base/loop.h"
#include "evidence/player.h"
#include "xmpp/console.h"

#include <time.h>

#define T0 1796119200.0 /* 2026-12-01T10:00:00Z: states.perch.jsonl */

struct fx {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct app *a;
    char said[512];
    int errors, changes;
};

static void on_changed(void *arg, unsigned what)
{
    struct fx *f = arg;
    struct app_replay_view v;

    (void)what;
    f->changes++;
    app_replay_view(f->a, &v);
    if (v.ended)
        loop_exit(f->loop);
}

static void on_say(void *arg, enum app_say level, const char *text)
{
    struct fx *f = arg;

    f->errors += level == APP_SAY_ERROR;
    snprintf(f->said, sizeof f->said, "%s", text);
}

static void on_quit(void *arg)
{
    (void)arg;
}

static const struct app_events events = {on_changed, on_say, on_quit};

static struct app *open_data(struct fx *f, const char *data, size_t len,
                             char **cause)
{
    memset(f, 0, sizeof *f);
    f->loop = loop_new();
    f->ctx = xmpp_ctx_new(NULL, NULL);
    f->a = app_new_replay(f->loop, f->ctx, "test", data, len, 1, &events, f,
                          cause);
    return f->a;
}

static void open_fixture(struct fx *f, const char *rel)
{
    size_t len;
    char *data = unit_fixture_load(rel, &len), *cause = NULL;

    if (open_data(f, data, len, &cause) == NULL)
        fail_msg("%s: %s", rel, cause);
    free(data);
}

static void close_fx(struct fx *f)
{
    app_free(f->a);
    xmpp_ctx_free(f->ctx);
    loop_free(f->loop);
}

static const char *state_of(struct fx *f, const char *login)
{
    const struct agent *a = map_get(&f->a->model.agents, login);
    return a ? a->state : NULL;
}

static struct app_replay_view view(struct fx *f)
{
    struct app_replay_view v;
    app_replay_view(f->a, &v);
    return v;
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    xmpp_initialize();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xmpp_shutdown();
    return 0;
}

static void replay__holds_every_event_and_feeds_none_before_play(void **state)
{
    struct fx f;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    /* header, 7 stanzas, closed */
    assert_int_equal(view(&f).total, 9);
    assert_int_equal(view(&f).pos, 0);
    assert_true(view(&f).paused);
    assert_true(view(&f).first_t - T0 < 0.001);
    assert_int_equal(f.a->model.agents.n, 0);
    assert_string_equal(view(&f).format, "perch recording");
    close_fx(&f);
}

static void replay__goto_shows_each_agent_as_it_was_then(void **state)
{
    struct fx f;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    app_replay_goto(f.a, T0 + 2.5);
    assert_int_equal(view(&f).pos, 5);
    assert_string_equal(state_of(&f, "1001001"), "TALKING");
    assert_string_equal(state_of(&f, "1001002"), "READY");
    assert_true(view(&f).t == T0 + 2.5);
    /* the times in state are counted on the recorded clock */
    assert_true(model_now_ms(&f.a->model) == (T0 + 2.5) * 1000);
    close_fx(&f);
}

static void replay__goto_back_starts_again_from_the_first_event(void **state)
{
    struct fx f;
    unsigned long removed;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    app_replay_goto(f.a, T0 + 3.5);
    assert_string_equal(state_of(&f, "1001002"), "NOT_READY");
    removed = f.a->model.removed;
    app_replay_goto(f.a, T0 + 0.15);
    assert_int_equal(view(&f).pos, 2);
    assert_string_equal(state_of(&f, "1001001"), "NOT_READY");
    assert_null(state_of(&f, "1001002"));      /* not seen yet then */
    assert_true(f.a->model.removed > removed); /* the panes' pointers go */
    /* Console holds what came up to then, with the recorded times */
    assert_int_equal(console_count(f.a->console), 2);
    assert_true(console_get(f.a->console, 1)->time - (T0 + 0.1) < 0.001);
    assert_true(console_get(f.a->console, 1)->time >= T0 + 0.1);
    close_fx(&f);
}

static void replay__step_feeds_one_event_only_when_paused(void **state)
{
    struct fx f;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    app_replay_goto(f.a, T0 + 0.5);
    assert_string_equal(state_of(&f, "1001001"), "NOT_READY");
    app_replay_step(f.a);
    assert_int_equal(view(&f).pos, 4);
    assert_string_equal(state_of(&f, "1001001"), "READY");
    assert_string_equal(state_of(&f, "1001002"), "READY");
    app_replay_pause(f.a, 0);
    app_replay_step(f.a);
    assert_int_equal(view(&f).pos, 4);
    assert_non_null(strstr(f.said, "pause first"));
    close_fx(&f);
}

static void replay__says_the_end_with_its_findings_in_console(void **state)
{
    struct fx f;
    size_t n;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    app_replay_goto(f.a, T0 + 3600);
    assert_true(view(&f).ended);
    assert_int_equal(view(&f).pos, 9);
    assert_non_null(strstr(f.said, "end of capture"));
    n = console_count(f.a->console);
    assert_non_null(
        strstr(console_get(f.a->console, n - 1)->text, "session-ended"));
    app_replay_step(f.a); /* at the end: stays, says so */
    assert_int_equal(view(&f).pos, 9);
    assert_string_equal(f.said, "end of capture");
    close_fx(&f);
}

static void replay__plays_to_the_end_at_max_speed(void **state)
{
    struct fx f;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    app_replay_speed(f.a, PLAYER_MAX);
    app_replay_pause(f.a, 0);
    loop_run(f.loop); /* on_changed ends it at the end */
    assert_true(view(&f).ended);
    assert_string_equal(state_of(&f, "1001002"), "LOGOUT");
    assert_true(view(&f).paused);   /* the end pauses */
    app_replay_goto(f.a, T0 + 1.5); /* back: paused there */
    assert_false(view(&f).ended);
    assert_true(view(&f).paused);
    assert_string_equal(state_of(&f, "1001001"), "READY");
    assert_string_equal(state_of(&f, "1001002"), "READY");
    close_fx(&f);
}

static void replay__har_gives_network_its_requests(void **state)
{
    struct fx f;
    const struct app_record *r;
    (void)state;

    open_fixture(&f, "evidence/bosh.har");
    app_replay_goto(f.a, T0 + 86400);
    assert_int_equal(f.a->nrecords, 7);
    assert_int_equal(f.a->records_failed, 2);
    assert_true(f.a->have_params);
    assert_int_equal(f.a->params.inactivity, 60);
    r = app_record_get(f.a, 3);
    assert_int_equal(r->r.rid, 103);
    assert_string_equal(r->r.error, "net::ERR_CONNECTION_RESET");
    assert_int_equal(app_record_get(f.a, 1)->r.stanzas_in, 2);
    assert_non_null(app_record_get(f.a, 1)->r.body_in);
    assert_non_null(f.a->cli->conn.bosh);
    assert_null(f.a->cli->conn.ws);
    assert_string_equal(state_of(&f, "47483648"), "READY");
    assert_non_null(strstr(app_transport_text(f.a), "HAR"));
    close_fx(&f);
}

/* bosh.har: rid 102 is held from 09:00:02.300 for 60 s */
static void replay__network_holds_the_requests_unanswered_then(void **state)
{
    struct fx f;
    struct transport_pending p[4];
    (void)state;

    open_fixture(&f, "evidence/bosh.har");
    app_replay_goto(f.a, T0 - 3600 + 30);
    assert_int_equal(app_pending(f.a, p, 4), 1);
    assert_int_equal(p[0].rid, 102);
    assert_true(p[0].poll);
    assert_true(p[0].start - (T0 - 3600 + 2.3) < 0.001);
    app_replay_goto(f.a, T0 - 3600 + 62.5); /* answered; 103 failing */
    assert_int_equal(app_pending(f.a, p, 4), 1);
    assert_int_equal(p[0].rid, 103);
    app_replay_goto(f.a, T0 - 3600 + 1); /* back: the first poll */
    assert_int_equal(app_pending(f.a, p, 4), 1);
    assert_int_equal(p[0].rid, 101);
    assert_int_equal(app_pending(f.a, p, 0), 0);
    close_fx(&f);
}

static void replay__saz_gives_network_its_sessions(void **state)
{
    struct fx f;
    (void)state;

    open_fixture(&f, "evidence/bosh.saz");
    app_replay_goto(f.a, T0 + 86400);
    assert_int_equal(f.a->nrecords, 3);
    assert_int_equal(app_record_get(f.a, 1)->r.rid, 101);
    assert_int_equal(app_record_get(f.a, 1)->r.stanzas_in, 2);
    assert_int_equal(f.a->records_failed, 1);
    assert_string_equal(state_of(&f, "47483648"), "READY");
    assert_string_equal(view(&f).format, "SAZ");
    close_fx(&f);
}

/* Text has no times: its events one after the other, a note first. */
static void replay__text_gives_its_events_in_order(void **state)
{
    struct fx f;
    struct buf b;
    char *cause = NULL;
    (void)state;

    buf_init(&b);
    unit_fixture_append(&b, "finesse/user_not_ready_reason.stanza.xml");
    unit_fixture_append(&b, "finesse/user_ready.stanza.xml");
    if (open_data(&f, b.data, b.len, &cause) == NULL)
        fail_msg("%s", cause);
    buf_done(&b);
    assert_int_equal(view(&f).total, 3);
    assert_true(view(&f).first_t == 0);
    app_replay_step(f.a); /* paused from the start */
    app_replay_step(f.a);
    assert_string_equal(state_of(&f, "1001001"), "NOT_READY");
    assert_null(state_of(&f, "47483648"));
    app_replay_step(f.a);
    assert_string_equal(state_of(&f, "47483648"), "READY");
    assert_non_null(strstr(console_get(f.a->console, 0)->text, "text"));
    close_fx(&f);
}

static void replay__websocket_har_gives_its_frames(void **state)
{
    struct fx f;
    size_t i, in = 0, out = 0;
    (void)state;

    open_fixture(&f, "evidence/websocket.har");
    app_replay_goto(f.a, T0 + 86400);
    assert_non_null(f.a->cli->conn.ws);
    /* the upgrade, then each message as a frame */
    assert_int_equal(app_record_get(f.a, 0)->r.kind, TRANSPORT_WS_UPGRADE);
    assert_int_equal(app_record_get(f.a, 0)->r.status, 101);
    assert_string_equal(app_record_get(f.a, 0)->r.what, "/ws/");
    assert_true(f.a->ws.upgraded);
    for (i = 1; i < f.a->nrecords; i++) {
        const struct app_record *r = app_record_get(f.a, i);
        assert_int_equal(r->r.kind, TRANSPORT_WS_FRAME);
        in += !r->r.out;
        out += r->r.out;
    }
    assert_true(in >= 3);
    assert_int_equal(out, 2);
    assert_string_equal(app_record_get(f.a, 1)->r.what, "open");
    assert_int_equal(app_record_get(f.a, 1)->r.out, 1);
    close_fx(&f);
}

static void replay__refuses_what_would_send(void **state)
{
    struct fx f;
    char *cause = NULL;
    (void)state;

    open_fixture(&f, "evidence/states.perch.jsonl");
    assert_int_equal(app_send_text(f.a, "<presence/>", &cause), -1);
    assert_non_null(strstr(cause, "not available in replay"));
    free(cause);
    cause = NULL;
    assert_int_equal(
        app_rest(f.a, "GET", "/finesse/api/SystemInfo", NULL, NULL, &cause),
        -1);
    assert_non_null(strstr(cause, "not available in replay"));
    free(cause);
    f.errors = 0;
    app_subscribe(f.a, "/finesse/api/User/1");
    app_connect(f.a);
    app_disconnect(f.a);
    app_items(f.a, "/finesse/api/User/1");
    assert_int_equal(f.errors, 4);
    assert_non_null(strstr(f.said, "not available in replay"));
    close_fx(&f);
}

static void replay__pairs_an_iq_and_its_reply_in_console(void **state)
{
    static const char rec[] =
        "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"header\","
        "\"format\":\"perch-recording\",\"version\":1}\n"
        "{\"time\":\"2026-12-01T10:00:01.000Z\",\"kind\":\"stanza\","
        "\"dir\":\"out\",\"xml\":\"<iq type='get' id='q1' to='s'><ping "
        "xmlns='urn:xmpp:ping'/></iq>\"}\n"
        "{\"time\":\"2026-12-01T10:00:01.250Z\",\"kind\":\"stanza\","
        "\"dir\":\"in\",\"xml\":\"<iq type='result' id='q1' from='s'/>\"}\n";
    struct fx f;
    char *cause = NULL;
    const struct console_entry *q, *a;
    (void)state;

    if (open_data(&f, rec, strlen(rec), &cause) == NULL)
        fail_msg("%s", cause);
    app_replay_goto(f.a, T0 + 2);
    assert_int_equal(console_count(f.a->console), 3);
    q = console_get(f.a->console, 1);
    a = console_get(f.a->console, 2);
    assert_int_equal(q->dir, CONSOLE_OUT);
    assert_int_equal(q->pair, a->seq);
    assert_int_equal(a->pair, q->seq);
    assert_true(a->rtt_ms > 249.9 && a->rtt_ms < 250.1);
    close_fx(&f);
}

/* A resync's (or /items') iq result: its items go into the model as the
 * console applied them live. */
static void replay__applies_the_items_of_an_iq_result(void **state)
{
    struct buf update, xml, rec;
    struct fx f;
    char *cause = NULL, *line;
    json_t *o;
    size_t i;
    (void)state;

    buf_init(&update);
    unit_fixture_append(&update, "finesse/user_ready.update.xml");
    buf_init(&xml);
    buf_puts(&xml, "<iq type='result' id='r1' from='pubsub.x'><pubsub "
                   "xmlns='http://jabber.org/protocol/pubsub'><items "
                   "node='/finesse/api/User/47483648'><item id='i1'>"
                   "<notification xmlns='http://jabber.org/protocol/pubsub'>");
    for (i = 0; i < update.len; i++)
        buf_puts(&xml, update.data[i] == '<'   ? "&lt;"
                       : update.data[i] == '>' ? "&gt;"
                       : update.data[i] == '&' ? "&amp;"
                                               : (char[]){update.data[i], 0});
    buf_puts(&xml, "</notification></item></items></pubsub></iq>");
    o = json_pack("{s:s,s:s,s:s,s:s}", "time", "2026-12-01T10:00:01Z", "kind",
                  "stanza", "dir", "in", "xml", xml.data);
    line = json_dumps(o, JSON_COMPACT);
    buf_init(&rec);
    buf_printf(&rec,
               "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"header\","
               "\"format\":\"perch-recording\",\"version\":1}\n%s\n",
               line);
    if (open_data(&f, rec.data, rec.len, &cause) == NULL)
        fail_msg("%s", cause);
    app_replay_goto(f.a, T0 + 2);
    assert_string_equal(state_of(&f, "47483648"), "READY");
    close_fx(&f);
    free(line);
    json_decref(o);
    buf_done(&update);
    buf_done(&xml);
    buf_done(&rec);
}

struct refuse_row {
    const char *name, *data;
    const char *says;
};

static const struct refuse_row refuse_rows[] = {
    {"replay__refuses_an_empty_file", "", "nothing to replay"},
    {"replay__refuses_blanks", " \n\t\n", "nothing to replay"},
    {"replay__refuses_text_that_is_not_xml", "hello <", "test"},
    {"replay__refuses_a_har_without_entries",
     "{\"log\":{\"version\":\"1.2\",\"entries\":[]}}", "nothing to replay"},
    {"replay__refuses_a_recording_of_damage_only",
     "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"header\","
     "\"format\":\"perch-recording\",\"version\":1}\n{\"kind\":",
     "test"},
};

static void refuse_row(void **state)
{
    const struct refuse_row *r = *state;
    struct fx f;
    char *cause = NULL;

    if (open_data(&f, r->data, strlen(r->data), &cause) != NULL) {
        /* read, but then only what the damage said: never silently */
        assert_true(view(&f).total > 0);
        close_fx(&f);
        return;
    }
    assert_non_null(cause);
    assert_non_null(strstr(cause, r->says));
    free(cause);
    xmpp_ctx_free(f.ctx);
    loop_free(f.loop);
}

int main(void)
{
    struct test_list l = {0};

#define T(fn) tl_add(&l, #fn, fn, NULL)
    T(replay__holds_every_event_and_feeds_none_before_play);
    T(replay__goto_shows_each_agent_as_it_was_then);
    T(replay__goto_back_starts_again_from_the_first_event);
    T(replay__step_feeds_one_event_only_when_paused);
    T(replay__says_the_end_with_its_findings_in_console);
    T(replay__plays_to_the_end_at_max_speed);
    T(replay__har_gives_network_its_requests);
    T(replay__saz_gives_network_its_sessions);
    T(replay__text_gives_its_events_in_order);
    T(replay__network_holds_the_requests_unanswered_then);
    T(replay__websocket_har_gives_its_frames);
    T(replay__refuses_what_would_send);
    T(replay__pairs_an_iq_and_its_reply_in_console);
    T(replay__applies_the_items_of_an_iq_result);
    TL_ROWS(&l, refuse_rows, refuse_row);
    return tl_run(&l, "app_replay", setup, teardown);
}
