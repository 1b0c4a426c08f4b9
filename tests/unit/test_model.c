/* The model: scripted event sequences give the expected tables. */
#include "unit.h"

#include "model/map.h"
#include "model/model.h"

static json_t *ev(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (j == NULL) {
        fprintf(stderr, "bad test JSON: %s\n", err.text);
        abort();
    }
    return j;
}

static void apply(struct model *m, const char *text, double now)
{
    json_t *j = ev(text);
    model_apply(m, j, now);
    json_decref(j);
}

#define USER_NODE "/finesse/api/User/1001001"
#define DIALOGS_NODE "/finesse/api/User/1001001/Dialogs"

static void model__keeps_agents_by_login_id_with_reason_labels(void **state)
{
    struct model m;
    const struct agent *a;
    (void)state;

    model_init(&m);
    apply(&m,
          "{\"node\":\"" USER_NODE "\",\"event\":\"PUT\",\"kind\":\"user\","
          "\"user\":{\"loginId\":\"1001001\",\"firstName\":\"Ada\","
          "\"lastName\":\"Lovelace\",\"extension\":\"1001001\","
          "\"state\":\"NOT_READY\",\"stateChangeTime\":"
          "\"2026-11-21T09:15:02.120Z\",\"reasonCodeId\":\"12\","
          "\"reasonCode\":{\"id\":\"12\",\"label\":\"Lunch\"},"
          "\"teamId\":\"5000\",\"teamName\":\"Maths\"}}",
          1000);
    a = map_get(&m.agents, "1001001");
    assert_non_null(a);
    assert_string_equal(a->first_name, "Ada");
    assert_string_equal(a->state, "NOT_READY");
    assert_string_equal(a->reason_label, "Lunch");
    assert_string_equal(a->team_name, "Maths");
    assert_true(a->state_change_ms == 1795252502120.0);

    /* READY: the reason goes, the name stays */
    apply(&m,
          "{\"node\":\"" USER_NODE "\",\"event\":\"PUT\",\"kind\":\"user\","
          "\"user\":{\"loginId\":\"1001001\",\"state\":\"READY\","
          "\"stateChangeTime\":\"2026-11-21T09:20:00.000Z\"}}",
          2000);
    a = map_get(&m.agents, "1001001");
    assert_string_equal(a->state, "READY");
    assert_null(a->reason_label);
    assert_string_equal(a->last_name, "Lovelace");
    assert_int_equal(m.agents.n, 1);
    assert_int_equal(model_node(&m, USER_NODE, 0)->events, 2);
    model_done(&m);
}

static const char *dialog_post =
    "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"POST\",\"kind\":\"dialogs\","
    "\"dialogs\":[{\"id\":\"16817512\",\"state\":\"ALERTING\","
    "\"fromAddress\":\"6125551234\",\"toAddress\":\"1001001\","
    "\"callType\":\"ACD_IN\",\"callVariables\":{\"callVariable1\":\"a\"}}]}";

static void model__dialogs_post_put_delete(void **state)
{
    struct model m;
    const struct dialog *d;
    (void)state;

    model_init(&m);
    apply(&m, dialog_post, 1000);
    d = map_get(&m.dialogs, "16817512");
    assert_non_null(d);
    assert_string_equal(d->state, "ALERTING");
    assert_string_equal(d->node, DIALOGS_NODE);
    assert_int_equal(d->ncall_vars, 1);
    assert_string_equal(d->call_vars[0].name, "callVariable1");
    assert_string_equal(d->call_vars[0].value, "a");
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"PUT\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\",\"state\":"
          "\"ACTIVE\"}]}",
          2000);
    d = map_get(&m.dialogs, "16817512");
    assert_string_equal(d->state, "ACTIVE");
    assert_string_equal(d->from_address, "6125551234");
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"PUT\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\",\"state\":"
          "\"DROPPED\"}]}",
          3000);
    assert_true(((struct dialog *)map_get(&m.dialogs, "16817512"))->ended_ms ==
                3000);
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"DELETE\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\"}]}",
          4000);
    /* deleted: kept (for the screen to fade it out), then forgotten */
    d = map_get(&m.dialogs, "16817512");
    assert_non_null(d);
    assert_true(d->deleted);
    assert_true(d->ended_ms == 3000);
    model_expire(&m, 3000 + m.ended_keep_ms - 1);
    assert_non_null(map_get(&m.dialogs, "16817512"));
    model_expire(&m, 3000 + m.ended_keep_ms);
    assert_null(map_get(&m.dialogs, "16817512"));
    assert_int_equal(m.unknown_deletes, 0);
    model_done(&m);
}

static void model__deleted_dialog_is_forgotten_by_a_later_event(void **state)
{
    struct model m;
    struct dialog *d;
    (void)state;

    model_init(&m);
    apply(&m, dialog_post, 1000);
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"DELETE\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\"}]}",
          2000);
    d = map_get(&m.dialogs, "16817512");
    assert_non_null(d);
    assert_true(d->ended_ms == 2000);
    apply(&m, dialog_post, 2000 + m.ended_keep_ms + 5);
    /* the POST of the same id after a failover brings it back alive */
    d = map_get(&m.dialogs, "16817512");
    assert_non_null(d);
    assert_false(d->deleted);
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"DELETE\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\"}]}",
          20000);
    apply(&m, "{\"node\":\"/x\",\"kind\":\"xml\"}", 20000 + m.ended_keep_ms);
    assert_null(map_get(&m.dialogs, "16817512"));
    model_done(&m);
}

static void
model__failover_repost_updates_and_unknown_delete_is_counted(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    apply(&m, dialog_post, 1000);
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"POST\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"16817512\",\"state\":"
          "\"ACTIVE\"}]}",
          2000);
    assert_int_equal(m.dialogs.n, 1);
    assert_string_equal(
        ((struct dialog *)map_get(&m.dialogs, "16817512"))->state, "ACTIVE");
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"delete\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"999\"}]}",
          3000);
    assert_int_equal(m.unknown_deletes, 1);
    assert_int_equal(m.dialogs.n, 1);
    model_done(&m);
}

static void model__team_snapshot_queue_and_systeminfo(void **state)
{
    struct model m;
    const struct team *t;
    const struct queue *q;
    (void)state;

    model_init(&m);
    apply(&m,
          "{\"node\":\"/finesse/api/Team/5000/Users\",\"kind\":\"team\","
          "\"team\":{\"id\":\"5000\",\"name\":\"Maths\",\"users\":["
          "{\"loginId\":\"1\",\"state\":\"READY\"},"
          "{\"loginId\":\"2\",\"state\":\"TALKING\"}]}}",
          1000);
    t = map_get(&m.teams, "5000");
    assert_non_null(t);
    assert_string_equal(t->name, "Maths");
    assert_int_equal(t->users, 2);
    assert_int_equal(m.agents.n, 2);
    apply(&m,
          "{\"node\":\"/finesse/api/Queue/7\",\"kind\":\"queue\",\"queue\":{"
          "\"uri\":\"/finesse/api/Queue/7\",\"name\":\"Sales\","
          "\"statistics\":{\"callsInQueue\":3}}}",
          1000);
    q = map_get(&m.queues, "/finesse/api/Queue/7");
    assert_non_null(q);
    assert_true(q->stats.calls_in_queue.present);
    assert_int_equal(q->stats.calls_in_queue.n, 3);
    apply(&m,
          "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
          "\"OUT_OF_SERVICE\",\"statusReason\":\"CTI down\"}}",
          1000);
    assert_string_equal(m.system.status, "OUT_OF_SERVICE");
    assert_string_equal(m.system.reason, "CTI down");
    apply(&m,
          "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
          "\"IN_SERVICE\"}}",
          2000);
    assert_string_equal(m.system.status, "IN_SERVICE");
    assert_null(m.system.reason);
    model_done(&m);
}

static void model__time_in_state_uses_drift_and_knows_unknown(void **state)
{
    struct model m;
    struct agent a;
    (void)state;

    model_init(&m);
    memset(&a, 0, sizeof a);
    a.state_change_ms = model_parse_time("2026-11-21T09:15:02.120Z");
    m.drift_ms = 2000; /* the server is 2 s ahead */
    assert_true(model_time_in_state_ms(&m, &a, a.state_change_ms) == 2000);
    assert_true(model_time_in_state_ms(&m, &a, a.state_change_ms + 5000) ==
                7000);
    a.state_change_ms = model_parse_time("--");
    assert_true(model_time_in_state_ms(&m, &a, 1) == -1);
    assert_true(model_parse_time("") == 0);
    assert_true(model_parse_time("-1") == 0);
    assert_true(model_parse_time("yesterday") == 0);
    model_done(&m);
}

static void model__tree_has_a_row_per_path_segment(void **state)
{
    struct model m;
    struct tree_row *rows;
    size_t n, i;
    const char *want[][2] = {
        {"0", "finesse"}, {"1", "api"},  {"2", "Team"},    {"3", "5000"},
        {"4", "Users"},   {"2", "User"}, {"3", "1001001"}, {"4", "Dialogs"},
    };
    (void)state;

    model_init(&m);
    model_node(&m, "/finesse/api/User/1001001/Dialogs", 1);
    model_node(&m, "/finesse/api/User/1001001", 1);
    model_node_subscribed(&m, "/finesse/api/Team/5000/Users", 1);
    n = model_tree(&m, &rows);
    assert_int_equal(n, sizeof want / sizeof *want);
    for (i = 0; i < n; i++) {
        assert_int_equal(rows[i].depth, atoi(want[i][0]));
        assert_int_equal(rows[i].seglen, strlen(want[i][1]));
        assert_memory_equal(rows[i].segment, want[i][1], rows[i].seglen);
    }
    assert_non_null(rows[4].node);
    assert_true(rows[4].node->subscribed);
    assert_non_null(rows[6].node); /* 1001001 is a node itself */
    assert_null(rows[5].node);
    model_tree_free(rows, n);
    model_done(&m);
}

static void map__survives_many_inserts_and_deletes(void **state)
{
    struct map m;
    char key[32];
    int i;
    (void)state;

    map_init(&m);
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_null(map_put(&m, key, (void *)(intptr_t)(i + 1)));
    }
    for (i = 0; i < 20000; i += 2) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal((intptr_t)map_del(&m, key), i + 1);
    }
    assert_int_equal(m.n, 10000);
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        if (i % 2)
            assert_int_equal((intptr_t)map_get(&m, key), i + 1);
        else
            assert_null(map_get(&m, key));
    }
    map_done(&m, NULL);
}

static void model__counts_subscribed_nodes_once_each(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    model_node_subscribed(&m, "/a", 1);
    model_node_subscribed(&m, "/a", 1); /* again: still one */
    model_node_subscribed(&m, "/b", 5);
    assert_int_equal(m.subscribed, 2);
    model_node_subscribed(&m, "/a", 0);
    model_node_subscribed(&m, "/a", 0);
    model_node_subscribed(&m, "/c", 0); /* never was */
    assert_int_equal(m.subscribed, 1);
    assert_true(model_node(&m, "/b", 0)->subscribed);
    assert_false(model_node(&m, "/c", 0)->subscribed);
    model_done(&m);
}

static void model__delete_and_subscription_events_move_the_mark(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    model_node_subscribed(&m, "/a", 1);
    model_node_subscribed(&m, "/b", 1);
    apply(&m, "{\"node\":\"/a\",\"kind\":\"delete\"}", 1000);
    assert_false(model_node(&m, "/a", 0)->subscribed);
    apply(&m,
          "{\"node\":\"/b\",\"kind\":\"subscription\",\"subscription\":"
          "\"none\"}",
          1000);
    assert_false(model_node(&m, "/b", 0)->subscribed);
    apply(&m,
          "{\"node\":\"/c\",\"kind\":\"subscription\",\"subscription\":"
          "\"subscribed\"}",
          1000);
    assert_true(model_node(&m, "/c", 0)->subscribed);
    apply(&m,
          "{\"node\":\"/c\",\"kind\":\"subscription\",\"subscription\":"
          "\"pending\"}",
          1000);
    assert_false(model_node(&m, "/c", 0)->subscribed);
    assert_int_equal(m.subscribed, 0);
    model_done(&m);
}

static const char *post_item_a =
    "{\"node\":\"" DIALOGS_NODE "\",\"item\":\"a\",\"event\":\"POST\","
    "\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":\"ALERTING\"}]}";
static const char *delete_item_b =
    "{\"node\":\"" DIALOGS_NODE "\",\"item\":\"b\",\"event\":\"DELETE\","
    "\"kind\":\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":\"DROPPED\"}]}";

static unsigned apply_changes(struct model *m, const char *text, double now)
{
    json_t *j = ev(text);
    unsigned changes = model_apply(m, j, now);

    json_decref(j);
    return changes;
}

static void model__applies_an_item_once(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    assert_int_not_equal(apply_changes(&m, post_item_a, 1000), 0);
    assert_int_equal(apply_changes(&m, post_item_a, 2000), 0);
    assert_int_equal(m.duplicates, 1);
    assert_int_equal(m.events, 1);
    assert_int_equal(model_node(&m, DIALOGS_NODE, 0)->events, 1);
    assert_true(((struct dialog *)map_get(&m.dialogs, "7"))->updated_ms ==
                1000);
    model_done(&m);
}

/* A resync fetches the node's items again: the older one must not undo
 * what the newer one did. */
static void model__a_fetched_again_item_does_not_undo_a_later_one(void **state)
{
    struct model m;
    const struct dialog *d;
    (void)state;

    model_init(&m);
    apply(&m, post_item_a, 1000);
    apply(&m, delete_item_b, 2000);
    apply(&m, post_item_a, 3000);
    apply(&m, delete_item_b, 3000);
    d = map_get(&m.dialogs, "7");
    assert_non_null(d);
    assert_string_equal(d->state, "DROPPED");
    assert_true(d->deleted);
    assert_true(d->ended_ms == 2000);
    assert_int_equal(m.duplicates, 2);
    assert_int_equal(m.unknown_deletes, 0);
    model_done(&m);
}

/* A node that reuses one item id (a singleton node) replaces the item:
 * new content under the same id is a new event. */
static void model__applies_new_content_under_a_reused_item_id(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    apply(&m,
          "{\"node\":\"" USER_NODE "\",\"item\":\"current\",\"kind\":\"user\","
          "\"user\":{\"loginId\":\"1\",\"state\":\"READY\"}}",
          1000);
    apply(&m,
          "{\"node\":\"" USER_NODE "\",\"item\":\"current\",\"kind\":\"user\","
          "\"user\":{\"loginId\":\"1\",\"state\":\"TALKING\"}}",
          2000);
    assert_string_equal(((struct agent *)map_get(&m.agents, "1"))->state,
                        "TALKING");
    /* the same id on another node is another item */
    apply(&m,
          "{\"node\":\"/other\",\"item\":\"current\",\"kind\":\"user\","
          "\"user\":{\"loginId\":\"1\",\"state\":\"TALKING\"}}",
          3000);
    assert_int_equal(m.duplicates, 0);
    assert_int_equal(m.events, 3);
    model_done(&m);
}

/* The item "current" of /n with one string: as a value, or as a key. */
static void apply_current(struct model *m, const char *s, int as_key,
                          char *text, size_t size)
{
    snprintf(text, size,
             as_key ? "{\"node\":\"/n\",\"item\":\"current\","
                      "\"kind\":\"xml\",\"%s\":\"v\"}"
                    : "{\"node\":\"/n\",\"item\":\"current\","
                      "\"kind\":\"xml\",\"v\":\"%s\"}",
             s);
    apply(m, text, 1000);
}

/* The item's hash sees every byte: the same id whose content differs in
 * one byte, at any place of a value or a key (in a full eight-byte word or
 * the tail), is applied, never counted a duplicate. */
static void model__a_one_byte_change_anywhere_is_new_content(void **state)
{
    static const char base[] = "ABCDEFGHIJKLMNOPQRSTU"; /* 21 bytes */
    struct model m;
    char text[256], value[sizeof base];
    size_t i;
    (void)state;

    model_init(&m);
    apply_current(&m, base, 0, text, sizeof text);
    for (i = 0; i < sizeof base - 1; i++) {
        memcpy(value, base, sizeof base);
        value[i] = 'z';
        apply_current(&m, value, 0, text, sizeof text);
        apply_current(&m, value, 1, text, sizeof text);
    }
    assert_int_equal(m.duplicates, 0);
    assert_int_equal(m.events, 1 + 2 * (sizeof base - 1));
    apply(&m, text, 1000); /* the same content again is one */
    assert_int_equal(m.duplicates, 1);
    model_done(&m);
}

static void model__remembers_the_last_items_of_each_node(void **state)
{
    struct model m;
    char text[256];
    int i;
    (void)state;

    model_init(&m);
    for (i = 0; i <= MODEL_SEEN_ITEMS; i++) {
        snprintf(text, sizeof text,
                 "{\"node\":\"/n\",\"item\":\"i%d\",\"kind\":\"xml\"}", i);
        apply(&m, text, 1000);
    }
    /* i1 … i16 are remembered; i0 has been pushed out */
    apply(&m, "{\"node\":\"/n\",\"item\":\"i1\",\"kind\":\"xml\"}", 1000);
    assert_int_equal(m.duplicates, 1);
    apply(&m, "{\"node\":\"/n\",\"item\":\"i0\",\"kind\":\"xml\"}", 1000);
    assert_int_equal(m.duplicates, 1);
    model_done(&m);
}

/* A retract names the item it takes away: never a duplicate. */
static void model__events_that_are_not_items_are_never_duplicates(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    apply(&m, "{\"node\":\"/n\",\"item\":\"i\",\"kind\":\"xml\"}", 1000);
    apply(&m, "{\"node\":\"/n\",\"item\":\"i\",\"kind\":\"retract\"}", 1000);
    apply(&m, "{\"node\":\"/n\",\"item\":\"i\",\"kind\":\"retract\"}", 1000);
    assert_int_equal(m.duplicates, 0);
    assert_int_equal(m.events, 3);
    model_done(&m);
}

static void model__keeps_the_newest_api_errors(void **state)
{
    struct model m;
    char text[256];
    const struct api_error *x;
    int i;
    (void)state;

    model_init(&m);
    for (i = 0; i < MODEL_ERRORS_KEPT + 8; i++) {
        snprintf(text, sizeof text,
                 "{\"node\":\"/n\",\"requestId\":\"r%d\",\"kind\":\"error\","
                 "\"errors\":[{\"errorType\":\"t\",\"errorMessage\":\"m%d\"}]}",
                 i, i);
        apply(&m, text, 1000 + i);
    }
    /* two in one event, one of them not an object */
    apply(&m, "{\"kind\":\"error\",\"errors\":[{\"errorMessage\":\"a\"},7]}",
          5000);
    assert_int_equal(m.errors_total, MODEL_ERRORS_KEPT + 10);
    assert_null(model_error(&m, 9));
    x = model_error(&m, 10);
    assert_non_null(x);
    assert_string_equal(x->request_id, "r10");
    assert_string_equal(x->message, "m10");
    x = model_error(&m, MODEL_ERRORS_KEPT + 8);
    assert_string_equal(x->message, "a");
    assert_null(x->request_id);
    assert_null(x->node);
    x = model_error(&m, MODEL_ERRORS_KEPT + 9);
    assert_null(x->message);
    assert_null(model_error(&m, MODEL_ERRORS_KEPT + 10));
    model_done(&m);
}

/* Panes keep pointers between frames: every object freed moves
 * m.removed, so that they know to look again. */
static void model__counts_every_object_it_frees(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    apply(&m, "{\"kind\":\"user\",\"user\":{\"loginId\":\"1\"}}", 1000);
    apply(&m,
          "{\"kind\":\"queue\",\"queue\":{\"uri\":\"/finesse/api/Queue/1\"}}",
          1000);
    apply(&m, post_item_a, 1000);
    assert_int_equal(m.removed, 0);
    apply(&m,
          "{\"event\":\"DELETE\",\"kind\":\"user\",\"user\":{\"loginId\":"
          "\"1\"}}",
          1000);
    assert_int_equal(m.removed, 1);
    apply(&m,
          "{\"event\":\"DELETE\",\"kind\":\"queue\",\"queue\":{\"uri\":"
          "\"/finesse/api/Queue/1\"}}",
          1000);
    assert_int_equal(m.removed, 2);
    apply(&m, delete_item_b, 1000);
    assert_int_equal(m.removed, 2);
    assert_int_equal(model_expire(&m, 1000 + m.ended_keep_ms), 1);
    assert_int_equal(m.removed, 3);
    assert_int_equal(m.agents.n + m.queues.n + m.dialogs.n, 0);
    model_done(&m);
}

static void model__keeps_an_ended_dialog_as_long_as_asked(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    assert_true(m.ended_keep_ms == MODEL_ENDED_KEEP_MS);
    m.ended_keep_ms = 5000;
    apply(&m, post_item_a, 1000);
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"event\":\"PUT\",\"kind\":"
          "\"dialogs\",\"dialogs\":[{\"id\":\"7\",\"state\":\"DROPPED\"}]}",
          2000);
    assert_int_equal(model_expire(&m, 6999), 0);
    assert_int_equal(model_expire(&m, 7000), 1);
    assert_null(map_get(&m.dialogs, "7"));
    m.ended_keep_ms = 0; /* leave as soon as they end */
    apply(&m,
          "{\"node\":\"" DIALOGS_NODE "\",\"kind\":\"dialogs\",\"dialogs\":[{"
          "\"id\":\"8\",\"state\":\"FAILED\"},{\"id\":\"9\",\"state\":"
          "\"ACTIVE\"}]}",
          8000);
    assert_int_equal(model_expire(&m, 8000), 1);
    assert_null(map_get(&m.dialogs, "8"));
    assert_non_null(map_get(&m.dialogs, "9"));
    model_done(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model__keeps_agents_by_login_id_with_reason_labels),
        cmocka_unit_test(model__dialogs_post_put_delete),
        cmocka_unit_test(model__deleted_dialog_is_forgotten_by_a_later_event),
        cmocka_unit_test(model__counts_subscribed_nodes_once_each),
        cmocka_unit_test(model__delete_and_subscription_events_move_the_mark),
        cmocka_unit_test(
            model__failover_repost_updates_and_unknown_delete_is_counted),
        cmocka_unit_test(model__team_snapshot_queue_and_systeminfo),
        cmocka_unit_test(model__time_in_state_uses_drift_and_knows_unknown),
        cmocka_unit_test(model__tree_has_a_row_per_path_segment),
        cmocka_unit_test(map__survives_many_inserts_and_deletes),
        cmocka_unit_test(model__applies_an_item_once),
        cmocka_unit_test(model__a_fetched_again_item_does_not_undo_a_later_one),
        cmocka_unit_test(model__applies_new_content_under_a_reused_item_id),
        cmocka_unit_test(model__remembers_the_last_items_of_each_node),
        cmocka_unit_test(model__events_that_are_not_items_are_never_duplicates),
        cmocka_unit_test(model__a_one_byte_change_anywhere_is_new_content),
        cmocka_unit_test(model__keeps_the_newest_api_errors),
        cmocka_unit_test(model__counts_every_object_it_frees),
        cmocka_unit_test(model__keeps_an_ended_dialog_as_long_as_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
