/*
 * model_apply into typed structs. First every Finesse fixture decoded by
 * the real decoder and applied: the struct fields must be what the event
 * said, which proves the decoder's keys and the model's are the same
 * (decode/keys.h). Then hostile or missing fields written as JSON here,
 * what each kind reports as changed, and call variable families.
 */
#include "unit.h"
#include "unit_fixture.h"

#include "decode/decode.h"
#include "decode/keys.h"
#include "model/map.h"
#include "model/model.h"

#include <jansson.h>
#include <limits.h>

#define USER_NODE "/finesse/api/User/1001001"
#define DIALOGS_NODE "/finesse/api/User/1001001/Dialogs"

/* --- decoded fixtures --- */

struct fixture_row {
    const char *name;
    const char *file; /* an <Update> under finesse/ */
    const char *node;
    unsigned changes; /* what model_apply must report */
    /* ev is the decoded event, applied to m */
    void (*check)(const struct model *m, json_t *ev);
};

static json_t *decode_fixture(const char *file, const char *node)
{
    char *rel = xasprintf("finesse/%s", file), *text;
    size_t len;
    json_t *ev;

    text = unit_fixture_load(rel, &len);
    ev = decode_update_text(node, text, len);
    free(rel);
    free(text);
    return ev;
}

static const struct dialog *dialog(const struct model *m, const char *id)
{
    const struct dialog *d = map_get(&m->dialogs, id);

    if (d == NULL)
        fail_msg("no dialog %s in the model", id);
    return d;
}

static void check_user(const struct model *m, json_t *ev)
{
    const struct agent *a = map_get(&m->agents, "1001001");
    (void)ev;

    assert_int_equal(m->agents.n, 1);
    assert_non_null(a);
    assert_string_equal(a->login_name, "ada");
    assert_string_equal(a->first_name, "Ada");
    assert_string_equal(a->last_name, "Lovelace");
    assert_string_equal(a->extension, "1001001");
    assert_string_equal(a->state, "NOT_READY");
    assert_string_equal(a->pending_state, "");
    assert_string_equal(a->reason_code_id, "12");
    assert_string_equal(a->reason_label, "Lunch");
    assert_string_equal(a->team_id, "5000");
    assert_string_equal(a->team_name, "Maths");
    assert_true(a->state_change_ms ==
                model_parse_time("2026-11-21T09:15:02.120Z"));
}

/* Every text field the model keeps is the decoded one, by the same key. */
static void check_every_dialog_field(const struct model *m, json_t *ev)
{
    json_t *o = json_array_get(json_object_get(ev, EVK_DIALOGS), 0);
    const struct dialog *d = dialog(m, "16817600");
    const struct dialog_field *f;
    size_t n = 0;

    for (f = model_dialog_fields; f->name; f++, n++) {
        const char *want = json_string_value(json_object_get(o, f->name));
        if (want == NULL)
            fail_msg("the decoder wrote no \"%s\"", f->name);
        if (model_dialog_field(d, f) == NULL)
            fail_msg("the model kept no %s", f->name);
        assert_string_equal(model_dialog_field(d, f), want);
    }
    assert_int_equal(n, 20);
    assert_string_equal(d->dnis, "6125550100");
    assert_string_equal(d->wrap_up_reason, "Promise to pay");
    assert_string_equal(d->node, DIALOGS_NODE);
    assert_true(d->dropped_ms == 0);
}

static void check_participants(const struct model *m, json_t *ev)
{
    const struct dialog *d = dialog(m, "16817600");
    const struct participant *p = d->participants;
    (void)ev;

    assert_int_equal(d->nparticipants, 2);
    assert_string_equal(p[0].media_address, "1001003");
    assert_string_equal(p[0].media_address_type, "AGENT_DEVICE");
    assert_string_equal(p[0].state, "ACTIVE");
    assert_string_equal(p[0].state_cause, "");
    assert_string_equal(p[0].start_time, "2026-11-21T10:00:00.000Z");
    assert_true(p[0].start_ms == model_parse_time("2026-11-21T10:00:00Z"));
    assert_string_equal(p[0].state_change_time, "2026-11-21T10:00:05.250Z");
    assert_true(p[0].state_change_ms - p[0].start_ms == 5250);
    assert_int_equal(p[0].nactions, 2);
    assert_string_equal(p[0].actions[0], "HOLD");
    assert_string_equal(p[0].actions[1], "DROP");
    /* "--" and "-1": kept as sent, unknown as times */
    assert_string_equal(p[1].media_address_type, "");
    assert_string_equal(p[1].state_cause, "BUSY");
    assert_string_equal(p[1].start_time, "--");
    assert_true(p[1].start_ms == 0);
    assert_string_equal(p[1].state_change_time, "-1");
    assert_true(p[1].state_change_ms == 0);
    assert_int_equal(p[1].nactions, 1);
}

static void check_call_variables_in_order(const struct model *m, json_t *ev)
{
    static const struct {
        const char *name, *value;
        enum call_var_kind kind;
    } want[] = {
        {"BAStatus", "A", CALL_VAR_BA},
        {"callVariable1", "acct-9", CALL_VAR_NUMBERED},
        {"user.Lang", "fr", CALL_VAR_ECC},
        {"callVariable10", "x", CALL_VAR_NUMBERED},
        {"BAAccountNumber", "77", CALL_VAR_BA},
        {"callVariable11", "not one of the ten", CALL_VAR_OTHER},
    };
    const struct dialog *d = dialog(m, "16817600");
    size_t i;
    (void)ev;

    assert_int_equal(d->ncall_vars, sizeof want / sizeof want[0]);
    for (i = 0; i < d->ncall_vars; i++) {
        assert_string_equal(d->call_vars[i].name, want[i].name);
        assert_string_equal(d->call_vars[i].value, want[i].value);
        assert_int_equal(d->call_vars[i].kind, want[i].kind);
    }
}

static void check_ecc_arrays_and_absent_lists(const struct model *m, json_t *ev)
{
    const struct dialog *d = dialog(m, "100"), *d2 = dialog(m, "101");
    (void)ev;

    assert_int_equal(d->ncall_vars, 3);
    assert_string_equal(d->call_vars[0].name, "user.Arr[0]");
    assert_int_equal(d->call_vars[0].kind, CALL_VAR_ECC);
    assert_string_equal(d->call_vars[1].value, "second");
    assert_int_equal(d->call_vars[2].kind, CALL_VAR_BA);
    assert_null(d->media_type);
    assert_null(d->uri);
    /* no <callvariables>, no <actions>: empty lists */
    assert_int_equal(d2->ncall_vars, 0);
    assert_int_equal(d2->nparticipants, 1);
    assert_int_equal(d2->participants[0].nactions, 0);
    assert_null(d2->participants[0].media_address_type);
    assert_string_equal(d2->call_type, "OUT");
}

static void check_dialog_post(const struct model *m, json_t *ev)
{
    const struct dialog *d = dialog(m, "16817512");
    (void)ev;

    assert_string_equal(d->state, "ALERTING");
    assert_string_equal(d->from_address, "6125551234");
    assert_string_equal(d->to_address, "1001002");
    assert_string_equal(d->call_type, "ACD_IN");
    assert_string_equal(d->media_type, "Voice");
    assert_int_equal(d->nparticipants, 2);
    assert_string_equal(d->participants[0].actions[0], "ANSWER");
    assert_int_equal(d->ncall_vars, 11);
    assert_string_equal(d->call_vars[10].name, "user.CustomerTier");
    assert_int_equal(d->call_vars[10].kind, CALL_VAR_ECC);
}

static void check_queue_stats(const struct model *m, json_t *ev)
{
    const struct queue *q = map_get(&m->queues, "/finesse/api/Queue/1");
    const struct queue_stats *st;
    (void)ev;

    assert_non_null(q);
    st = &q->stats;
    assert_string_equal(q->name, "Sales");
    assert_true(q->has_stats);
    assert_true(st->calls_in_queue.present);
    assert_int_equal(st->calls_in_queue.n, 3);
    assert_int_equal(st->agents_ready.n, 2);
    assert_int_equal(st->agents_not_ready.n, 4);
    assert_int_equal(st->agents_talking_inbound.n, 5);
    assert_true(st->agents_talking_outbound.present);
    assert_int_equal(st->agents_talking_outbound.n, 0);
    assert_int_equal(st->agents_talking_internal.n, 1);
    assert_int_equal(st->agents_wrap_up_not_ready.n, 1);
    assert_true(st->agents_wrap_up_ready.present);
    assert_false(st->agents_logged_on.present);
    assert_false(st->agents_busy_other.present);
    assert_true(st->longest_since_ms ==
                model_parse_time("2026-11-21T09:28:12Z"));
}

static void check_queue_unassigned(const struct model *m, json_t *ev)
{
    const struct queue *q = map_get(&m->queues, "/finesse/api/Queue/9");
    const struct queue_stats *st;
    (void)ev;

    assert_non_null(q);
    st = &q->stats;
    /* -1 is unassigned, and present */
    assert_true(st->calls_in_queue.present);
    assert_int_equal(st->calls_in_queue.n, -1);
    assert_true(st->agents_ready.present);
    assert_int_equal(st->agents_ready.n, -1);
    /* empty: absent */
    assert_false(st->agents_not_ready.present);
    assert_int_equal(st->agents_not_ready.n, 0);
    assert_true(st->longest_since_ms == 0);
    /* not a number: present, its leading integer (none: 0; clamped) */
    assert_true(st->agents_logged_on.present);
    assert_int_equal(st->agents_logged_on.n, 0);
    assert_true(st->agents_busy_other.present);
    assert_true(st->agents_busy_other.n == LLONG_MAX);
}

static void check_queues_list(const struct model *m, json_t *ev)
{
    const struct queue *sales = map_get(&m->queues, "/finesse/api/Queue/1");
    const struct queue *support = map_get(&m->queues, "/finesse/api/Queue/2");
    (void)ev;

    assert_int_equal(m->queues.n, 2);
    assert_non_null(sales);
    assert_non_null(support);
    assert_true(sales->has_stats);
    assert_true(sales->stats.calls_in_queue.present);
    assert_string_equal(support->name, "Support");
    assert_false(support->has_stats);
    assert_false(support->stats.calls_in_queue.present);
}

static void check_system_out_of_service(const struct model *m, json_t *ev)
{
    const struct system_info *s = &m->system;
    (void)ev;

    assert_string_equal(s->status, "OUT_OF_SERVICE");
    assert_string_equal(s->reason, "CTI connection lost");
    assert_string_equal(s->deployment_type, "UCCE");
    assert_string_equal(s->current_timestamp, "2026-11-21T09:31:00.000Z");
    assert_true(s->current_ms == model_parse_time("2026-11-21T09:31:00Z"));
    assert_string_equal(s->xmpp_domain, "fin1.ucce.local");
    assert_string_equal(s->pubsub_domain, "pubsub.fin1.ucce.local");
    assert_null(s->primary_host);
    assert_null(s->secondary_host);
}

static void check_system_nodes(const struct model *m, json_t *ev)
{
    const struct system_info *s = &m->system;
    (void)ev;

    assert_string_equal(s->status, "IN_SERVICE");
    assert_string_equal(s->reason, "");
    assert_string_equal(s->deployment_type, "UCCX");
    assert_string_equal(s->primary_host, "uccx1.example");
    assert_string_equal(s->secondary_host, "uccx2.example");
}

static void check_team(const struct model *m, json_t *ev)
{
    const struct team *t = map_get(&m->teams, "5000");
    const struct agent *a = map_get(&m->agents, "1001002");
    (void)ev;

    assert_non_null(t);
    assert_string_equal(t->name, "Maths");
    assert_int_equal(t->users, 2);
    assert_int_equal(m->agents.n, 2);
    assert_non_null(a);
    assert_string_equal(a->state, "TALKING");
    assert_string_equal(a->pending_state, "NOT_READY");
}

/* Kinds the model keeps nothing of (yet): counted on the node only. */
static void check_nothing_kept(const struct model *m, json_t *ev)
{
    const char *node = json_string_value(json_object_get(ev, EVK_NODE));
    const struct node_entry *n = map_get(&m->nodes, node);

    assert_int_equal(m->agents.n + m->dialogs.n + m->queues.n + m->teams.n, 0);
    assert_null(m->system.status);
    assert_int_equal(m->raw_events, 0);

    assert_non_null(n);
    assert_int_equal(n->events, 1);
}

static void check_raw_counted(const struct model *m, json_t *ev)
{
    (void)ev;
    assert_int_equal(m->raw_events, 1);
    assert_int_equal(m->agents.n, 0);
}

#define AGENTS (MODEL_CHANGED_NODES | MODEL_CHANGED_AGENTS)
#define DIALOGS (MODEL_CHANGED_NODES | MODEL_CHANGED_DIALOGS)
#define OTHER (MODEL_CHANGED_NODES | MODEL_CHANGED_OTHER)

static const struct fixture_row fixture_rows[] = {
    {"model_apply__reads_an_agent_from_a_decoded_user",
     "user_not_ready_reason.update.xml", USER_NODE, AGENTS, check_user},
    {"model_apply__keeps_every_dialog_field_the_decoder_writes",
     "dialog_every_field.update.xml", DIALOGS_NODE, DIALOGS,
     check_every_dialog_field},
    {"model_apply__reads_participants_with_actions_and_unknown_times",
     "dialog_every_field.update.xml", DIALOGS_NODE, DIALOGS,
     check_participants},
    {"model_apply__keeps_call_variables_in_order",
     "dialog_every_field.update.xml", DIALOGS_NODE, DIALOGS,
     check_call_variables_in_order},
    {"model_apply__tells_ecc_arrays_and_ba_variables_apart",
     "dialogs_two.update.xml", DIALOGS_NODE, DIALOGS,
     check_ecc_arrays_and_absent_lists},
    {"model_apply__reads_a_dialog_post", "dialogs_post_alerting.update.xml",
     DIALOGS_NODE, DIALOGS, check_dialog_post},
    {"model_apply__reads_queue_statistics_as_counts", "queue_stats.update.xml",
     "/finesse/api/Queue/1", OTHER, check_queue_stats},
    {"model_apply__keeps_minus_one_and_tells_absent_from_present",
     "queue_unassigned.update.xml", "/finesse/api/Queue/9", OTHER,
     check_queue_unassigned},
    {"model_apply__reads_a_queues_list", "queues_post.update.xml",
     USER_NODE "/Queues", OTHER, check_queues_list},
    {"model_apply__reads_system_info", "systeminfo_out_of_service.update.xml",
     "/finesse/api/SystemInfo", OTHER, check_system_out_of_service},
    {"model_apply__reads_system_info_node_hosts", "systeminfo_nodes.update.xml",
     "/finesse/api/SystemInfo", OTHER, check_system_nodes},
    {"model_apply__reads_a_team_snapshot", "team_snapshot.update.xml",
     "/finesse/api/Team/5000/Users", AGENTS, check_team},
    {"model_apply__keeps_nothing_of_media_yet", "media_put.update.xml",
     USER_NODE "/Media/1", OTHER, check_nothing_kept},
    {"model_apply__keeps_nothing_of_api_errors_yet",
     "dialog_api_error.update.xml", DIALOGS_NODE, OTHER, check_nothing_kept},
    {"model_apply__counts_raw_events", "truncated.update.xml", USER_NODE, OTHER,
     check_raw_counted},
};

static void apply_fixture(void **state)
{
    const struct fixture_row *r = *state;
    json_t *ev = decode_fixture(r->file, r->node);
    struct model m;

    model_init(&m);
    assert_int_equal(model_apply(&m, ev, 1000), r->changes);
    r->check(&m, ev);
    model_done(&m);
    json_decref(ev);
}

/* --- JSON written here: later events, hostile and missing fields --- */

struct json_row {
    const char *name;
    const char *events[4]; /* applied in order; the last may be NULL */
    void (*check)(const struct model *m);
};

static void check_no_agent(const struct model *m)
{
    assert_int_equal(m->agents.n, 0);
}

static void check_no_dialog(const struct model *m)
{
    assert_int_equal(m->dialogs.n, 0);
}

/* A later PUT carrying some fields: those change, the rest stay. */
static void check_dialog_kept_what_the_put_lacked(const struct model *m)
{
    const struct dialog *d = dialog(m, "7");

    assert_string_equal(d->state, "HELD");
    assert_string_equal(d->from_address, "100");
    assert_int_equal(d->nparticipants, 1);
    assert_string_equal(d->participants[0].state, "HELD");
    assert_int_equal(d->ncall_vars, 1);
    assert_string_equal(d->call_vars[0].value, "v");
}

static void check_dialog_lists_replaced(const struct model *m)
{
    const struct dialog *d = dialog(m, "7");

    assert_int_equal(d->nparticipants, 0);
    assert_int_equal(d->ncall_vars, 2);
    assert_string_equal(d->call_vars[0].name, "z");
    assert_string_equal(d->call_vars[1].name, "a");
}

/* Wrong types count as absent: the old values stay. */
static void check_dialog_wrong_types(const struct model *m)
{
    const struct dialog *d = dialog(m, "7");

    assert_string_equal(d->state, "ACTIVE");
    assert_null(d->from_address);
    assert_int_equal(d->nparticipants, 1);
    assert_int_equal(d->ncall_vars, 1);
}

static void check_hostile_list_entries(const struct model *m)
{
    const struct dialog *d = dialog(m, "7");
    const struct participant *p = d->participants;

    assert_int_equal(d->nparticipants, 2);
    /* an entry that is not an object: a participant with no fields */
    assert_null(p[0].media_address);
    assert_null(p[0].state);
    assert_int_equal(p[0].nactions, 0);
    /* actions that are not strings are left out */
    assert_int_equal(p[1].nactions, 1);
    assert_string_equal(p[1].actions[0], "DROP");
    /* a value that is not a string is "" */
    assert_int_equal(d->ncall_vars, 2);
    assert_string_equal(d->call_vars[0].value, "");
    assert_string_equal(d->call_vars[1].value, "");
}

static void check_statistics_hostile(const struct model *m)
{
    const struct queue *q = map_get(&m->queues, "/q");
    const struct queue_stats *st;

    assert_non_null(q);
    st = &q->stats;
    assert_true(q->has_stats);
    assert_false(st->calls_in_queue.present);   /* "" */
    assert_false(st->agents_ready.present);     /* 1.5 */
    assert_false(st->agents_not_ready.present); /* true */
    assert_false(st->agents_logged_on.present); /* null */
    assert_true(st->agents_busy_other.present); /* "12abc" */
    assert_int_equal(st->agents_busy_other.n, 12);
    assert_true(st->agents_talking_inbound.present);
    assert_true(st->agents_talking_inbound.n == LLONG_MIN);
    assert_true(st->longest_since_ms == 0); /* a number, not a time */
}

/* New statistics replace the old as a whole; none keep them. */
static void check_statistics_replaced(const struct model *m)
{
    const struct queue *q = map_get(&m->queues, "/q");

    assert_non_null(q);
    assert_string_equal(q->name, "Q");
    assert_false(q->stats.calls_in_queue.present);
    assert_true(q->stats.agents_ready.present);
    assert_int_equal(q->stats.agents_ready.n, 4);
}

static void check_queue_keyed_by_node(const struct model *m)
{
    assert_int_equal(m->queues.n, 1);
    assert_non_null(map_get(&m->queues, "/finesse/api/Queue/3"));
}

static void check_system_kept(const struct model *m)
{
    const struct system_info *s = &m->system;

    /* a status without a reason clears the old reason; the rest stays */
    assert_string_equal(s->status, "IN_SERVICE");
    assert_null(s->reason);
    assert_string_equal(s->deployment_type, "UCCE");
    assert_string_equal(s->primary_host, "a");
    assert_string_equal(s->current_timestamp, "--");
    assert_true(s->current_ms == 0);
}

static void check_system_untouched(const struct model *m)
{
    assert_null(m->system.status);
    assert_null(m->system.primary_host);
}

static const struct json_row json_rows[] = {
    {"model_apply__ignores_a_user_without_a_login_id",
     {"{\"kind\":\"user\",\"user\":{\"state\":\"READY\"}}",
      "{\"kind\":\"user\",\"user\":{\"loginId\":\"\"}}",
      "{\"kind\":\"user\",\"user\":{\"loginId\":5}}",
      "{\"kind\":\"user\",\"user\":\"1001001\"}"},
     check_no_agent},
    {"model_apply__ignores_a_dialog_without_an_id",
     {"{\"kind\":\"dialogs\",\"dialogs\":[{\"state\":\"ACTIVE\"}]}",
      "{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"\"}]}",
      "{\"kind\":\"dialogs\",\"dialogs\":{\"id\":\"7\"}}",
      "{\"kind\":\"dialogs\",\"dialogs\":[\"7\"]}"},
     check_no_dialog},
    {"model_apply__a_dialog_event_keeps_what_it_does_not_carry",
     {"{\"kind\":\"dialogs\",\"event\":\"POST\",\"dialogs\":[{\"id\":\"7\","
      "\"state\":\"ACTIVE\",\"fromAddress\":\"100\",\"participants\":[{"
      "\"state\":\"ACTIVE\"}],\"callVariables\":{\"callVariable1\":\"v\"}}]}",
      "{\"kind\":\"dialogs\",\"event\":\"PUT\",\"dialogs\":[{\"id\":\"7\","
      "\"state\":\"HELD\",\"participants\":[{\"state\":\"HELD\"}]}]}",
      NULL},
     check_dialog_kept_what_the_put_lacked},
    {"model_apply__a_dialog_event_replaces_the_lists_it_carries",
     {"{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"participants\":[{"
      "\"state\":\"ACTIVE\"}],\"callVariables\":{\"b\":\"1\"}}]}",
      "{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"participants\":[],"
      "\"callVariables\":{\"z\":\"1\",\"a\":\"2\"}}]}",
      NULL},
     check_dialog_lists_replaced},
    {"model_apply__treats_dialog_fields_of_the_wrong_type_as_absent",
     {"{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":\"ACTIVE\","
      "\"participants\":[{}],\"callVariables\":{\"a\":\"1\"}}]}",
      "{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":3,"
      "\"fromAddress\":null,\"participants\":{},\"callVariables\":[1]}]}",
      NULL},
     check_dialog_wrong_types},
    {"model_apply__reads_hostile_participants_and_call_variables",
     {"{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"participants\":[5,"
      "{\"actions\":[1,\"DROP\",null,{}]}],\"callVariables\":{\"a\":7,"
      "\"b\":null}}]}",
      NULL},
     check_hostile_list_entries},
    {"model_apply__treats_statistics_of_the_wrong_type_as_absent",
     {"{\"kind\":\"queue\",\"queue\":{\"uri\":\"/q\",\"statistics\":{"
      "\"callsInQueue\":\"\",\"agentsReady\":1.5,\"agentsNotReady\":true,"
      "\"agentsLoggedOn\":null,\"agentsBusyOther\":\"12abc\","
      "\"agentsTalkingInbound\":\"-99999999999999999999\","
      "\"startTimeOfLongestCallInQueue\":12}}}",
      NULL},
     check_statistics_hostile},
    {"model_apply__replaces_statistics_and_keeps_them_when_absent",
     {"{\"kind\":\"queue\",\"queue\":{\"uri\":\"/q\",\"name\":\"Q\","
      "\"statistics\":{\"callsInQueue\":3}}}",
      "{\"kind\":\"queue\",\"queue\":{\"uri\":\"/q\",\"statistics\":{"
      "\"agentsReady\":4}}}",
      "{\"kind\":\"queue\",\"queue\":{\"uri\":\"/q\"}}",
      "{\"kind\":\"queue\",\"queue\":{\"uri\":\"/q\",\"statistics\":7}}"},
     check_statistics_replaced},
    {"model_apply__keys_a_queue_without_uri_by_its_node",
     {"{\"node\":\"/finesse/api/Queue/3\",\"kind\":\"queue\",\"queue\":{"
      "\"name\":\"Q\"}}",
      "{\"kind\":\"queue\",\"queue\":{\"name\":\"no uri, no node\"}}",
      "{\"kind\":\"queues\",\"queues\":[{\"name\":\"no uri in a list\"}]}",
      NULL},
     check_queue_keyed_by_node},
    {"model_apply__keeps_system_fields_a_later_event_lacks",
     {"{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":\"OUT_OF_SERVICE\","
      "\"statusReason\":\"x\",\"deploymentType\":\"UCCE\",\"primaryNode\":{"
      "\"host\":\"a\"},\"currentTimestamp\":\"--\"}}",
      "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":\"IN_SERVICE\","
      "\"primaryNode\":\"b\",\"secondaryNode\":{\"host\":3}}}",
      NULL},
     check_system_kept},
    {"model_apply__ignores_system_info_that_is_not_an_object",
     {"{\"kind\":\"systeminfo\",\"systeminfo\":\"IN_SERVICE\"}",
      "{\"kind\":\"systeminfo\"}", NULL},
     check_system_untouched},
};

static void apply_json(void **state)
{
    const struct json_row *r = *state;
    struct model m;
    json_error_t err;
    json_t *ev;
    size_t i;

    model_init(&m);
    for (i = 0; i < 4 && r->events[i]; i++) {
        ev = json_loads(r->events[i], 0, &err);
        if (ev == NULL)
            fail_msg("bad test JSON %s: %s", r->events[i], err.text);
        model_apply(&m, ev, 1000 + (double)i);
        json_decref(ev);
    }
    r->check(&m);
    model_done(&m);
}

/* --- what each kind changes --- */

struct change_row {
    const char *name;
    const char *event;
    unsigned changes;
};

static const struct change_row change_rows[] = {
    {"model_apply__reports_agents_for_a_user", "{\"kind\":\"user\"}", AGENTS},
    {"model_apply__reports_agents_for_a_team", "{\"kind\":\"team\"}", AGENTS},
    {"model_apply__reports_dialogs_for_dialogs", "{\"kind\":\"dialogs\"}",
     DIALOGS},
    {"model_apply__reports_other_for_a_queue", "{\"kind\":\"queue\"}", OTHER},
    {"model_apply__reports_other_for_system_info", "{\"kind\":\"systeminfo\"}",
     OTHER},
    {"model_apply__reports_other_for_a_node_delete",
     "{\"node\":\"/a\",\"kind\":\"delete\"}", OTHER},
    {"model_apply__reports_other_for_a_kind_it_does_not_know",
     "{\"kind\":\"gossip\"}", OTHER},
    {"model_apply__reports_only_nodes_without_a_kind", "{\"node\":\"/a\"}",
     MODEL_CHANGED_NODES},
    {"model_apply__reports_only_nodes_for_a_kind_that_is_not_a_string",
     "{\"kind\":1}", MODEL_CHANGED_NODES},
};

static void apply_change(void **state)
{
    const struct change_row *r = *state;
    json_t *ev = json_loads(r->event, 0, NULL);
    struct model m;

    assert_non_null(ev);
    model_init(&m);
    assert_int_equal(model_apply(&m, ev, 1000), r->changes);
    model_done(&m);
    json_decref(ev);
}

/* --- call variable families --- */

struct var_row {
    const char *name;
    const char *var;
    enum call_var_kind kind;
};

static const struct var_row var_rows[] = {
    {"call_var__callvariable1_is_numbered", "callVariable1", CALL_VAR_NUMBERED},
    {"call_var__callvariable10_is_numbered", "callVariable10",
     CALL_VAR_NUMBERED},
    {"call_var__callvariable11_is_other", "callVariable11", CALL_VAR_OTHER},
    {"call_var__callvariable0_is_other", "callVariable0", CALL_VAR_OTHER},
    {"call_var__callvariable01_is_other", "callVariable01", CALL_VAR_OTHER},
    {"call_var__callvariable_alone_is_other", "callVariable", CALL_VAR_OTHER},
    {"call_var__callvariable1x_is_other", "callVariable1x", CALL_VAR_OTHER},
    {"call_var__user_dot_name_is_ecc", "user.CustomerTier", CALL_VAR_ECC},
    {"call_var__user_dot_array_is_ecc", "user.Arr[2]", CALL_VAR_ECC},
    {"call_var__user_dot_alone_is_other", "user.", CALL_VAR_OTHER},
    {"call_var__ba_name_is_ba", "BAResponse", CALL_VAR_BA},
    {"call_var__ba_alone_is_other", "BA", CALL_VAR_OTHER},
    {"call_var__lowercase_ba_is_other", "baResponse", CALL_VAR_OTHER},
    {"call_var__empty_name_is_other", "", CALL_VAR_OTHER},
};

static void classify_var(void **state)
{
    const struct var_row *r = *state;
    json_t *ev =
        json_pack("{s:s, s:[{s:s, s:{s:s}}]}", EVK_KIND, EV_KIND_DIALOGS,
                  EVK_DIALOGS, EVK_ID, "1", EVK_CALL_VARIABLES, r->var, "v");
    const struct dialog *d;
    struct model m;

    assert_non_null(ev);
    model_init(&m);
    model_apply(&m, ev, 1000);
    d = dialog(&m, "1");
    assert_int_equal(d->ncall_vars, 1);
    assert_string_equal(d->call_vars[0].name, r->var);
    assert_int_equal(d->call_vars[0].kind, r->kind);
    model_done(&m);
    json_decref(ev);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, fixture_rows, apply_fixture);
    TL_ROWS(&l, json_rows, apply_json);
    TL_ROWS(&l, change_rows, apply_change);
    TL_ROWS(&l, var_rows, classify_var);
    return tl_run(&l, "model_apply", NULL, NULL);
}
