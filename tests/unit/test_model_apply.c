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
    assert_true(d->ended_ms == 0);
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

/* Media per MRD: the agent of the node gets the medium's state. */
static void check_media_kept(const struct model *m, json_t *ev)
{
    const struct agent *a = map_get(&m->agents, "1001001");
    const struct agent_media *md;
    (void)ev;

    assert_non_null(a);
    assert_null(a->state); /* the voice state is the user's own */
    assert_true(a->direct);
    assert_int_equal(a->nmedia, 1);
    md = &a->media[0];
    assert_string_equal(md->id, "2");
    assert_string_equal(md->name, "Chat");
    assert_string_equal(md->state, "NOT_READY");
    assert_string_equal(md->reason_code_id, "20");
    assert_string_equal(md->reason_label, "Training");
    assert_true(md->state_change_ms ==
                model_parse_time("2026-11-21T09:53:00.000Z"));
}

/* An apiErrors Update is kept with the request it answers. */
static void check_api_error_kept(const struct model *m, json_t *ev)
{
    const struct api_error *x = model_error(m, 0);
    (void)ev;

    assert_int_equal(m->errors_total, 1);
    assert_non_null(x);
    assert_null(model_error(m, 1));
    assert_string_equal(x->request_id, "07f14a42-6b3c-4855-a4c9-af50ab5e7cc6");
    assert_string_equal(x->type, "Call Operation Failure");
    assert_string_equal(x->message, "CF_RESOURCE_OUT_OF_SERVICE");
    assert_string_equal(x->data, "34");
    assert_string_equal(x->node, DIALOGS_NODE);
    assert_string_equal(x->source, "/finesse/api/Dialog/16817512");
    assert_true(x->at_ms == 1000);
    assert_int_equal(m->dialogs.n + m->agents.n, 0);
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
    {"model_apply__keeps_an_agents_media_state_and_reason",
     "media_put.update.xml", USER_NODE "/Media/2", AGENTS, check_media_kept},
    {"model_apply__keeps_an_api_error_with_its_request_id",
     "dialog_api_error.update.xml", DIALOGS_NODE, OTHER, check_api_error_kept},
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

/* --- the lifecycle: fixtures applied in order --- */

#define TEAM_NODE "/finesse/api/Team/5000/Users"
#define USER2_NODE "/finesse/api/User/1001002"
#define DIALOGS2_NODE "/finesse/api/User/1001002/Dialogs"
#define QUEUES_NODE USER_NODE "/Queues"

struct step {
    const char *file, *node; /* file NULL ends the steps */
};

struct seq_row {
    const char *name;
    struct step steps[6];
    void (*check)(const struct model *m);
};

static const struct agent *agent(const struct model *m, const char *id)
{
    const struct agent *a = map_get(&m->agents, id);

    if (a == NULL)
        fail_msg("no agent %s in the model", id);
    return a;
}

static const struct team *team(const struct model *m, const char *id)
{
    const struct team *t = map_get(&m->teams, id);

    if (t == NULL)
        fail_msg("no team %s in the model", id);
    return t;
}

static void check_user_delete_removes_agent_from_teams(const struct model *m)
{
    assert_int_equal(m->agents.n, 1);
    assert_null(map_get(&m->agents, "1001002"));
    assert_int_equal(agent(m, "1001001")->nteams, 1);
    assert_int_equal(team(m, "5000")->users, 1);
    assert_int_equal(m->removed, 1);
}

static void check_snapshot_drops_who_left(const struct model *m)
{
    const struct agent *ada = agent(m, "1001001");

    assert_int_equal(m->agents.n, 1);
    assert_null(map_get(&m->agents, "1001002"));
    assert_int_equal(team(m, "5000")->users, 1);
    assert_int_equal(ada->nteams, 1);
    assert_string_equal(ada->teams[0], "5000");
    assert_int_equal(m->removed, 1);
}

/* Its own node keeps it known; only the team goes. */
static void check_left_agent_with_own_node_stays(const struct model *m)
{
    const struct agent *alan = agent(m, "1001002");

    assert_int_equal(m->agents.n, 2);
    assert_true(alan->direct);
    assert_int_equal(alan->nteams, 0);
    assert_null(alan->team_id); /* it named the team it left */
    assert_null(alan->team_name);
    assert_string_equal(alan->state, "TALKING");
    assert_int_equal(team(m, "5000")->users, 1);
    assert_int_equal(m->removed, 0);
}

static void check_single_user_update_keeps_the_others(const struct model *m)
{
    assert_int_equal(m->agents.n, 2);
    assert_string_equal(agent(m, "1001001")->state, "READY");
    assert_true(agent(m, "1001001")->state_change_ms ==
                model_parse_time("2026-11-21T09:30:00.000Z"));
    assert_string_equal(agent(m, "1001002")->state, "TALKING");
    assert_int_equal(team(m, "5000")->users, 2);
}

static void check_queue_delete_removes_it_everywhere(const struct model *m)
{
    const struct agent *a = agent(m, "1001001");

    assert_int_equal(m->queues.n, 1);
    assert_non_null(map_get(&m->queues, "/finesse/api/Queue/1"));
    assert_null(map_get(&m->queues, "/finesse/api/Queue/2"));
    assert_int_equal(a->nqueues, 1);
    assert_string_equal(a->queues[0], "/finesse/api/Queue/1");
    assert_int_equal(m->removed, 1);
}

static void check_no_queues(const struct model *m)
{
    assert_int_equal(m->queues.n, 0);
    assert_int_equal(m->removed, 1);
}

static void check_user_queues_add_and_remove(const struct model *m)
{
    const struct agent *a = agent(m, "1001001");

    assert_int_equal(a->nqueues, 1);
    assert_string_equal(a->queues[0], "/finesse/api/Queue/1");
    /* Support came from the agent's list only: it went with it */
    assert_int_equal(m->queues.n, 1);
    assert_non_null(map_get(&m->queues, "/finesse/api/Queue/1"));
    assert_string_equal(a->first_name, "Ada");
}

static void check_reason_cleared_by_a_state_without_one(const struct model *m)
{
    const struct agent *a = agent(m, "1001001");

    assert_string_equal(a->state, "READY");
    assert_null(a->reason_code_id);
    assert_null(a->reason_label);
    assert_string_equal(a->pending_state, "");
    assert_string_equal(a->team_name, "Maths"); /* not in the PUT: kept */
    assert_string_equal(a->login_name, "ada");
}

static void check_partial_put_keeps_lists(const struct model *m)
{
    const struct dialog *d = dialog(m, "16817512");

    assert_string_equal(d->state, "ACTIVE");
    assert_int_equal(d->nparticipants, 2);
    assert_string_equal(d->participants[0].state, "ALERTING");
    assert_int_equal(d->ncall_vars, 11);
    assert_string_equal(d->call_vars[0].value, "acct-778812");
    assert_string_equal(d->call_type, "ACD_IN");
    assert_false(model_dialog_ended(d));
}

static void check_delete_applies_final_state(const struct model *m)
{
    const struct dialog *d = dialog(m, "16817512");

    assert_string_equal(d->state, "DROPPED");
    assert_int_equal(d->nparticipants, 2);
    assert_string_equal(d->participants[0].state, "DROPPED");
    assert_string_equal(d->participants[1].state, "DROPPED");
    assert_int_equal(d->ncall_vars, 10);
    assert_string_equal(d->call_vars[0].value, "");
    assert_true(d->deleted);
    assert_true(model_dialog_ended(d));
    assert_true(d->ended_ms == 1001);
    assert_int_equal(m->unknown_deletes, 0);
}

static void check_media_ready_clears_reason(const struct model *m)
{
    const struct agent *a = agent(m, "1001001");
    const struct agent_media *md;

    assert_int_equal(a->nmedia, 1);
    md = &a->media[0];
    assert_string_equal(md->name, "Chat");
    assert_string_equal(md->state, "READY");
    assert_null(md->reason_code_id);
    assert_null(md->reason_label);
    assert_string_equal(a->state, "NOT_READY"); /* voice untouched */
    assert_string_equal(a->reason_label, "Lunch");
}

static void check_escaped_twice_applied(const struct model *m)
{
    assert_string_equal(agent(m, "1001002")->state, "TALKING");
    assert_string_equal(agent(m, "1001002")->pending_state, "NOT_READY");
}

static const struct seq_row seq_rows[] = {
    {"model_apply__a_user_delete_removes_the_agent_from_its_teams_too",
     {{"team_snapshot.update.xml", TEAM_NODE},
      {"user_talking_pending.update.xml", USER2_NODE},
      {"user_delete.update.xml", USER2_NODE}},
     check_user_delete_removes_agent_from_teams},
    {"model_apply__a_team_snapshot_drops_an_agent_absent_from_it",
     {{"team_snapshot.update.xml", TEAM_NODE},
      {"team_snapshot_left.update.xml", TEAM_NODE}},
     check_snapshot_drops_who_left},
    {"model_apply__an_agent_that_left_a_team_stays_while_its_node_speaks",
     {{"user_talking_pending.update.xml", USER2_NODE},
      {"team_snapshot.update.xml", TEAM_NODE},
      {"team_snapshot_left.update.xml", TEAM_NODE}},
     check_left_agent_with_own_node_stays},
    {"model_apply__a_single_user_team_update_keeps_the_others",
     {{"team_snapshot.update.xml", TEAM_NODE},
      {"team_user_put.update.xml", TEAM_NODE}},
     check_single_user_update_keeps_the_others},
    {"model_apply__a_queue_delete_removes_the_queue_and_the_agents_entry",
     {{"queue_stats.update.xml", "/finesse/api/Queue/1"},
      {"queues_post.update.xml", QUEUES_NODE},
      {"queue_delete.update.xml", "/finesse/api/Queue/2"}},
     check_queue_delete_removes_it_everywhere},
    {"model_apply__a_queue_delete_with_empty_data_removes_it_by_source",
     {{"queue_stats.update.xml", "/finesse/api/Queue/1"},
      {"queue_delete_empty.update.xml", "/finesse/api/Queue/1"}},
     check_no_queues},
    {"model_apply__user_queues_post_and_delete_add_and_remove_queues",
     {{"user_not_ready_reason.update.xml", USER_NODE},
      {"queues_post.update.xml", QUEUES_NODE},
      {"queues_delete.update.xml", QUEUES_NODE}},
     check_user_queues_add_and_remove},
    {"model_apply__a_state_without_a_reason_code_clears_the_reason",
     {{"user_not_ready_reason.update.xml", USER_NODE},
      {"user_ready_no_reason.update.xml", USER_NODE}},
     check_reason_cleared_by_a_state_without_one},
    {"model_apply__a_partial_dialog_put_keeps_participants_and_variables",
     {{"dialogs_post_alerting.update.xml", DIALOGS2_NODE},
      {"dialog_put_partial.update.xml", DIALOGS2_NODE}},
     check_partial_put_keeps_lists},
    {"model_apply__a_dialog_delete_applies_the_final_state_it_carries",
     {{"dialogs_post_alerting.update.xml", DIALOGS2_NODE},
      {"dialogs_delete.update.xml", DIALOGS2_NODE}},
     check_delete_applies_final_state},
    {"model_apply__a_media_state_without_a_reason_clears_the_reason",
     {{"user_not_ready_reason.update.xml", USER_NODE},
      {"media_put.update.xml", USER_NODE "/Media/2"},
      {"media_ready.update.xml", USER_NODE "/Media/2"}},
     check_media_ready_clears_reason},
    {"model_apply__applies_an_update_escaped_twice",
     {{"escaped_twice.update.xml", USER2_NODE}},
     check_escaped_twice_applied},
};

static void apply_steps(void **state)
{
    const struct seq_row *r = *state;
    struct model m;
    json_t *ev;
    size_t i;

    model_init(&m);
    for (i = 0; i < 6 && r->steps[i].file; i++) {
        ev = decode_fixture(r->steps[i].file, r->steps[i].node);
        if (json_is_true(json_object_get(ev, EVK_SANITIZED)) ||
            strcmp(json_string_value(json_object_get(ev, EVK_KIND)),
                   EV_KIND_RAW) == 0)
            fail_msg("%s did not decode", r->steps[i].file);
        model_apply(&m, ev, 1000 + (double)i);
        json_decref(ev);
    }
    r->check(&m);
    model_done(&m);
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

static void check_left_only_the_team_of_the_node(const struct model *m)
{
    const struct agent *a = agent(m, "1");

    assert_int_equal(a->nteams, 1);
    assert_string_equal(a->teams[0], "6");
    assert_int_equal(team(m, "5")->users, 0);
    assert_int_equal(team(m, "6")->users, 1);
    /* the other team's node deletes it too: nothing brings it any more */
    assert_null(map_get(&m->agents, "2"));
}

static void check_snapshot_without_users_keeps_members(const struct model *m)
{
    assert_int_equal(m->agents.n, 2);
    assert_int_equal(team(m, "5")->users, 2);
    assert_string_equal(team(m, "5")->name, "Renamed");
}

static void check_reason_label_follows_its_id(const struct model *m)
{
    const struct agent *a = agent(m, "1");

    /* a new reasonCodeId without reasonCode: the old label is wrong */
    assert_string_equal(a->reason_code_id, "13");
    assert_null(a->reason_label);
    assert_string_equal(agent(m, "2")->reason_code_id, "-1");
    assert_null(agent(m, "2")->reason_label);
    assert_string_equal(agent(m, "3")->reason_label, "Break");
}

static void check_media_lifecycle(const struct model *m)
{
    const struct agent *a = agent(m, "7");

    /* Media/2 deleted, Media/3 named by mediaId when the node did not */
    assert_int_equal(a->nmedia, 1);
    assert_string_equal(a->media[0].id, "3");
    assert_string_equal(a->media[0].state, "TALKING");
    assert_int_equal(m->agents.n, 1);
}

static void check_media_on_the_media_node(const struct model *m)
{
    const struct agent *a = agent(m, "7");

    /* .../Media names no medium: mediaId does; without one, ignored */
    assert_int_equal(a->nmedia, 1);
    assert_string_equal(a->media[0].id, "4");
    assert_string_equal(a->media[0].state, "READY");
    assert_int_equal(m->agents.n, 1);
}

static void check_failed_dialog_ended(const struct model *m)
{
    assert_true(model_dialog_ended(dialog(m, "7")));
    assert_false(model_dialog_ended(dialog(m, "8")));
}

static void check_queue_list_keeps_a_queue_its_node_sent(const struct model *m)
{
    const struct agent *a = agent(m, "1");

    assert_int_equal(a->nqueues, 0);
    /* Queue/1's own node spoke: it stays; Queue/2 had only the list */
    assert_non_null(map_get(&m->queues, "/finesse/api/Queue/1"));
    assert_null(map_get(&m->queues, "/finesse/api/Queue/2"));
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
    {"model_apply__a_user_delete_on_a_team_node_leaves_that_team_only",
     {"{\"node\":\"/finesse/api/Team/5/Users\",\"kind\":\"team\",\"team\":{"
      "\"id\":\"5\",\"users\":[{\"loginId\":\"1\"},{\"loginId\":\"2\"}]}}",
      "{\"node\":\"/finesse/api/Team/6/Users\",\"kind\":\"user\",\"user\":{"
      "\"loginId\":\"1\"}}",
      "{\"node\":\"/finesse/api/Team/5/Users\",\"event\":\"DELETE\",\"kind\":"
      "\"user\",\"user\":{\"loginId\":\"1\"}}",
      "{\"node\":\"/finesse/api/Team/5/Users\",\"event\":\"DELETE\",\"kind\":"
      "\"user\",\"user\":{\"loginId\":\"2\"}}"},
     check_left_only_the_team_of_the_node},
    {"model_apply__a_team_without_users_keeps_its_members",
     {"{\"node\":\"/finesse/api/Team/5/Users\",\"kind\":\"team\",\"team\":{"
      "\"id\":\"5\",\"users\":[{\"loginId\":\"1\"},{\"loginId\":\"2\"}]}}",
      "{\"node\":\"/finesse/api/Team/5/Users\",\"kind\":\"team\",\"team\":{"
      "\"id\":\"5\",\"name\":\"Renamed\"}}",
      "{\"node\":\"/finesse/api/User/9\",\"event\":\"DELETE\",\"kind\":"
      "\"user\",\"user\":{\"loginId\":\"9\"}}",
      NULL},
     check_snapshot_without_users_keeps_members},
    {"model_apply__a_reason_label_goes_with_its_reason_code_id",
     {"{\"kind\":\"user\",\"user\":{\"loginId\":\"1\",\"reasonCodeId\":\"12\","
      "\"reasonCode\":{\"label\":\"Lunch\"}}}",
      "{\"kind\":\"user\",\"user\":{\"loginId\":\"1\",\"reasonCodeId\":\"13\"}"
      "}",
      "{\"kind\":\"user\",\"user\":{\"loginId\":\"2\",\"reasonCodeId\":\"-1\","
      "\"reasonCode\":{\"label\":\"Lunch\"}}}",
      "{\"kind\":\"user\",\"user\":{\"loginId\":\"3\",\"reasonCodeId\":\"14\","
      "\"reasonCode\":{\"label\":\"Break\"}}}"},
     check_reason_label_follows_its_id},
    {"model_apply__keeps_media_by_mrd_and_drops_a_deleted_one",
     {"{\"node\":\"/finesse/api/User/7/Media/2\",\"kind\":\"media\",\"media\":"
      "{\"state\":\"READY\"}}",
      "{\"node\":\"/x\",\"source\":\"/finesse/api/User/7/Media/9\",\"kind\":"
      "\"media\",\"media\":{\"mediaId\":\"3\",\"state\":\"TALKING\"}}",
      "{\"node\":\"/finesse/api/User/7/Media/2\",\"event\":\"DELETE\","
      "\"kind\":\"media\",\"media\":{}}",
      "{\"node\":\"/finesse/api/User/8/Media\",\"kind\":\"media\",\"media\":"
      "{\"state\":\"READY\",\"uri\":\"/finesse/api/User//Media/1\"}}"},
     check_media_lifecycle},
    {"model_apply__reads_media_on_the_users_media_node_by_media_id",
     {"{\"node\":\"/finesse/api/User/7/Media\",\"kind\":\"media\",\"media\":"
      "{\"mediaId\":\"4\",\"state\":\"READY\"}}",
      "{\"node\":\"/finesse/api/User/8/Media\",\"kind\":\"media\",\"media\":"
      "{\"state\":\"READY\"}}",
      "{\"node\":\"/finesse/api/User/9/Media\",\"kind\":\"media\",\"media\":"
      "{\"mediaId\":\"\",\"state\":\"READY\"}}",
      NULL},
     check_media_on_the_media_node},
    {"model_apply__a_failed_dialog_has_ended",
     {"{\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":\"FAILED\"},"
      "{\"id\":\"8\",\"state\":\"INITIATING\"}]}",
      NULL},
     check_failed_dialog_ended},
    {"model_apply__a_queues_delete_keeps_a_queue_its_own_node_sent",
     {"{\"node\":\"/finesse/api/Queue/1\",\"kind\":\"queue\",\"queue\":{"
      "\"uri\":\"/finesse/api/Queue/1\"}}",
      "{\"node\":\"/finesse/api/User/1/Queues\",\"event\":\"POST\",\"kind\":"
      "\"queues\",\"queues\":[{\"uri\":\"/finesse/api/Queue/1\"},{\"uri\":"
      "\"/finesse/api/Queue/2\"}]}",
      "{\"node\":\"/finesse/api/User/1/Queues\",\"event\":\"DELETE\",\"kind\":"
      "\"queues\",\"queues\":[{\"uri\":\"/finesse/api/Queue/1\"},{\"uri\":"
      "\"/finesse/api/Queue/2\"}]}",
      NULL},
     check_queue_list_keeps_a_queue_its_node_sent},
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
    {"model_apply__reports_agents_for_media", "{\"kind\":\"media\"}", AGENTS},
    {"model_apply__reports_other_for_api_errors", "{\"kind\":\"error\"}",
     OTHER},
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
    TL_ROWS(&l, seq_rows, apply_steps);
    TL_ROWS(&l, json_rows, apply_json);
    TL_ROWS(&l, change_rows, apply_change);
    TL_ROWS(&l, var_rows, classify_var);
    return tl_run(&l, "model_apply", NULL, NULL);
}
