/*
 * The Finesse decoders over every fixture in tests/fixtures/finesse/: each
 * row names a fixture and the field values its event must have. A
 * *.update.xml goes through decode_update_text, a *.stanza.xml through
 * decode_item (parsed by libstrophe, as the session gets it) and
 * decode_capture, which must agree. Then hostile input made on the spot.
 */
#include "unit.h"
#include "unit_fixture.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "decode/decode.h"

#include <dirent.h>
#include <jansson.h>
#include <strophe.h>

/* "user/reasonCode/label", "dialogs/0/actions": keys and array indexes. */
static json_t *at_path(json_t *v, const char *path)
{
    char *copy = xstrdup(path), *seg, *save = NULL;

    for (seg = strtok_r(copy, "/", &save); seg && v;
         seg = strtok_r(NULL, "/", &save))
        v = json_is_array(v) ? json_array_get(v, strtoul(seg, NULL, 10))
                             : json_object_get(v, seg);
    free(copy);
    return v;
}

/*
 * want is JSON text the value must equal, "#N" for an array or object of
 * N members, "~text" for a string containing text, or NULL: absent.
 */
static void expect_at(json_t *ev, const char *path, const char *want)
{
    json_t *got = at_path(ev, path), *w;
    char *dump = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    int ok;

    if (want == NULL) {
        ok = got == NULL;
    } else if (want[0] == '#') {
        ok = got && (size_t)atoi(want + 1) == (json_is_array(got)
                                                   ? json_array_size(got)
                                                   : json_object_size(got));
    } else if (want[0] == '~') {
        ok = json_is_string(got) && strstr(json_string_value(got), want + 1);
    } else {
        w = json_loads(want, JSON_DECODE_ANY, NULL);
        if (w == NULL)
            fail_msg("bad expectation %s", want);
        ok = got && json_equal(got, w);
        json_decref(w);
    }
    if (!ok) {
        print_error("%s: got %s, want %s\nevent: %s\n", path,
                    g ? g : "(absent)", want ? want : "(absent)", dump);
        free(g);
        free(dump);
        fail();
    }
    free(g);
    free(dump);
}

/* Every <item> of the stanza's <items>; the first one's event. */
static json_t *decode_first_item(xmpp_stanza_t *st)
{
    xmpp_stanza_t *ev = xmpp_stanza_get_child_by_name(st, "event"), *items,
                  *item;

    assert_non_null(ev);
    items = xmpp_stanza_get_child_by_name(ev, "items");
    assert_non_null(items);
    item = xmpp_stanza_get_child_by_name(items, "item");
    assert_non_null(item);
    return decode_item(xmpp_stanza_get_attribute(items, "node"), item);
}

static void collect(void *arg, json_t *ev)
{
    json_t *list = arg;
    json_array_append_new(list, ev);
}

/* The stanza decoded both ways: they must agree but for "service". */
static json_t *decode_stanza_file(const char *text, size_t len)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, text);
    json_t *ev, *list = json_array(), *other;
    char *cause = NULL;

    assert_non_null(st);
    ev = decode_first_item(st);
    xmpp_stanza_release(st);
    assert_int_equal(decode_capture(text, len, collect, list, &cause), 1);
    assert_null(cause);
    other = json_array_get(list, 0);
    json_object_del(other, "service");
    if (!json_equal(ev, other)) {
        char *a = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *b = json_dumps(other, JSON_COMPACT | JSON_PRESERVE_ORDER);
        print_error("decode_item:    %s\ndecode_capture: %s\n", a, b);
        free(a);
        free(b);
        fail();
    }
    json_decref(list);
    return ev;
}

#define MAX_EXPECT 24

struct row {
    const char *name;
    const char *file; /* under finesse/ */
    struct {
        const char *path, *want;
    } want[MAX_EXPECT];
};

static const struct row rows[] = {
    /* --- users --- */
    {"finesse_decode__reads_reason_code_label",
     "user_not_ready_reason.update.xml",
     {{"event", "\"PUT\""},
      {"source", "\"/finesse/api/User/1001001\""},
      {"requestId", "\"\""},
      {"kind", "\"user\""},
      {"node", NULL},
      {"user/loginId", "\"1001001\""},
      {"user/loginName", "\"ada\""},
      {"user/firstName", "\"Ada\""},
      {"user/lastName", "\"Lovelace\""},
      {"user/extension", "\"1001001\""},
      {"user/state", "\"NOT_READY\""},
      {"user/pendingState", "\"\""},
      {"user/stateChangeTime", "\"2026-11-21T09:15:02.120Z\""},
      {"user/reasonCodeId", "\"12\""},
      {"user/reasonCode",
       "{\"id\":\"12\",\"code\":\"32\",\"label\":\"Lunch\",\"category\":"
       "\"NOT_READY\",\"forAll\":\"true\",\"uri\":\"/finesse/api/"
       "ReasonCode/12\"}"},
      {"user/teamId", "\"5000\""},
      {"user/teamName", "\"Maths\""},
      {"user/roles", "[\"Agent\"]"},
      {"user/settings/wrapUpOnIncoming", "\"OPTIONAL\""},
      {"user/uri", "\"/finesse/api/User/1001001\""},
      {"sanitized", NULL}}},
    {"finesse_decode__reads_a_user_stanza_with_node_and_item",
     "user_not_ready_reason.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001\""},
      {"item", "\"item-user_not_ready_reason\""},
      {"kind", "\"user\""},
      {"user/reasonCode/label", "\"Lunch\""}}},
    {"finesse_decode__keeps_reason_code_id_minus_one_and_no_reason",
     "user_ready.update.xml",
     {{"user/state", "\"READY\""},
      {"user/reasonCodeId", "\"-1\""},
      {"user/reasonCode", NULL},
      {"user/loginId", "\"47483648\""},
      {"user/extension", "\"10005\""}}},
    {"finesse_decode__reads_a_ready_user_stanza",
     "user_ready.stanza.xml",
     {{"node", "\"/finesse/api/User/47483648\""},
      {"user/firstName", "\"Isaac\""},
      {"user/stateChangeTime", "\"2019-01-11T23:56:54.783Z\""}}},
    {"finesse_decode__reads_pending_state",
     "user_talking_pending.update.xml",
     {{"user/state", "\"TALKING\""},
      {"user/pendingState", "\"NOT_READY\""},
      {"user/lastName", "\"Turing\""}}},
    {"finesse_decode__reads_pending_state_from_the_stanza",
     "user_talking_pending.stanza.xml",
     {{"node", "\"/finesse/api/User/1001002\""},
      {"user/pendingState", "\"NOT_READY\""}}},
    {"finesse_decode__reads_logout_reason",
     "user_logout.update.xml",
     {{"user/state", "\"LOGOUT\""},
      {"user/reasonCode/label", "\"Connection Failure\""},
      {"user/reasonCode/category", "\"LOGOUT\""},
      {"user/reasonCode/code", "\"255\""}}},
    {"finesse_decode__reads_logout_reason_from_the_stanza",
     "user_logout.stanza.xml",
     {{"item", "\"item-user_logout\""}, {"user/firstName", "\"Grace\""}}},
    {"finesse_decode__reads_a_team_member_update_as_a_user",
     "team_user_put.update.xml",
     {{"kind", "\"user\""},
      {"user/loginId", "\"1001001\""},
      {"user/state", "\"READY\""},
      {"user/uri", "\"/finesse/api/User/1001001\""},
      {"user/extension", NULL},
      {"user/roles", NULL}}},
    {"finesse_decode__reads_a_team_node_user_stanza_as_a_user",
     "team_user_put.stanza.xml",
     {{"node", "\"/finesse/api/Team/5000/Users\""},
      {"kind", "\"user\""},
      {"user/lastName", "\"Lovelace\""}}},
    {"finesse_decode__reads_a_team_snapshot",
     "team_snapshot.update.xml",
     {{"kind", "\"team\""},
      {"team/id", "\"5000\""},
      {"team/name", "\"Maths\""},
      {"team/users", "#2"},
      {"team/users/1/loginId", "\"1001002\""},
      {"team/users/1/pendingState", "\"NOT_READY\""},
      {"team/users/0/state", "\"READY\""}}},
    {"finesse_decode__reads_a_team_snapshot_stanza",
     "team_snapshot.stanza.xml",
     {{"node", "\"/finesse/api/Team/5000/Users\""},
      {"team/users/0/firstName", "\"Ada\""}}},
    /* --- dialogs --- */
    {"finesse_decode__reads_a_dialogs_post_with_call_variables",
     "dialogs_post_alerting.update.xml",
     {{"event", "\"POST\""},
      {"kind", "\"dialogs\""},
      {"source", "\"/finesse/api/User/1001002/Dialogs\""},
      {"dialogs", "#1"},
      {"dialogs/0/id", "\"16817512\""},
      {"dialogs/0/uri", "\"/finesse/api/Dialog/16817512\""},
      {"dialogs/0/state", "\"ALERTING\""},
      {"dialogs/0/mediaType", "\"Voice\""},
      {"dialogs/0/fromAddress", "\"6125551234\""},
      {"dialogs/0/toAddress", "\"1001002\""},
      {"dialogs/0/callType", "\"ACD_IN\""},
      {"dialogs/0/DNIS", "\"1001002\""},
      {"dialogs/0/dialedNumber", "\"1001002\""},
      {"dialogs/0/participants", "#2"},
      {"dialogs/0/participants/0/actions", "[\"ANSWER\"]"},
      {"dialogs/0/participants/0/mediaAddressType", "\"AGENT_DEVICE\""},
      {"dialogs/0/participants/1/state", "\"INITIATED\""},
      {"dialogs/0/participants/1/actions", "[]"},
      {"dialogs/0/participants/1/stateCause", "\"\""},
      {"dialogs/0/callVariables", "#11"},
      {"dialogs/0/callVariables/callVariable1", "\"acct-778812\""},
      {"dialogs/0/callVariables/callVariable10", "\"\""},
      {"dialogs/0/callVariables/user.CustomerTier", "\"gold\""}}},
    {"finesse_decode__reads_a_dialogs_post_stanza",
     "dialogs_post_alerting.stanza.xml",
     {{"node", "\"/finesse/api/User/1001002/Dialogs\""},
      {"dialogs/0/callVariables/user.CustomerTier", "\"gold\""}}},
    {"finesse_decode__reads_a_single_dialog_put_as_a_list",
     "dialog_put_active.update.xml",
     {{"event", "\"PUT\""},
      {"kind", "\"dialogs\""},
      {"source", "\"/finesse/api/Dialog/16817512\""},
      {"dialogs", "#1"},
      {"dialogs/0/state", "\"ACTIVE\""},
      {"dialogs/0/associatedDialogUri", "\"\""},
      {"dialogs/0/participants/0/actions",
       "[\"HOLD\",\"DROP\",\"CONSULT_CALL\",\"UPDATE_CALL_DATA\"]"},
      {"dialogs/0/participants/0/startTime", "\"2026-11-21T09:20:31.500Z\""},
      {"dialogs/0/callVariables", "#10"}}},
    {"finesse_decode__reads_a_single_dialog_put_stanza",
     "dialog_put_active.stanza.xml",
     {{"item", "\"item-dialog_put_active\""},
      {"dialogs/0/id", "\"16817512\""}}},
    {"finesse_decode__reads_every_dialog_field_and_media_property",
     "dialog_every_field.update.xml",
     {{"requestId", "\"7d1c\""},
      {"dialogs/0/secondaryId", "\"16817599\""},
      {"dialogs/0/associatedDialogUri", "\"/finesse/api/Dialog/16817599\""},
      {"dialogs/0/callbackNumber", "\"6125550199\""},
      {"dialogs/0/mediaId", "\"1\""},
      {"dialogs/0/outboundClassification", "\"CALL_CLASSIFICATION_VOICE\""},
      {"dialogs/0/queueNumber", "\"5001\""},
      {"dialogs/0/queueName", "\"Collections\""},
      {"dialogs/0/callKeyCallId", "\"42\""},
      {"dialogs/0/callKeySequenceNum", "\"3\""},
      {"dialogs/0/callKeyPrefix", "\"149\""},
      {"dialogs/0/wrapUpReason", "\"Promise to pay\""},
      {"dialogs/0/participants/1/startTime", "\"--\""},
      {"dialogs/0/participants/1/stateChangeTime", "\"-1\""},
      {"dialogs/0/participants/1/stateCause", "\"BUSY\""},
      {"dialogs/0/callVariables", "#6"},
      {"dialogs/0/callVariables/BAStatus", "\"A\""},
      {"dialogs/0/callVariables/user.Lang", "\"fr\""}}},
    {"finesse_decode__reads_a_dialogs_delete",
     "dialogs_delete.update.xml",
     {{"event", "\"DELETE\""},
      {"dialogs/0/state", "\"DROPPED\""},
      {"dialogs/0/participants/0/state", "\"DROPPED\""}}},
    {"finesse_decode__reads_a_dialogs_delete_stanza",
     "dialogs_delete.stanza.xml",
     {{"event", "\"DELETE\""}, {"dialogs/0/id", "\"16817512\""}}},
    {"finesse_decode__reads_two_dialogs_and_lists_of_one",
     "dialogs_two.update.xml",
     {{"requestId", "\"abc\""},
      {"dialogs", "#2"},
      {"dialogs/0/participants", "#1"},
      {"dialogs/0/participants/0/actions", "[\"DROP\"]"},
      {"dialogs/0/callVariables/user.Arr[0]", "\"first\""},
      {"dialogs/0/callVariables/user.Arr[1]", "\"second\""},
      {"dialogs/0/callVariables/BAResponse", "\"yes\""},
      {"dialogs/0/mediaType", NULL},
      {"dialogs/1/id", "\"101\""},
      {"dialogs/1/callType", "\"OUT\""},
      {"dialogs/1/participants/0/actions", NULL},
      {"dialogs/1/callVariables", NULL}}},
    {"finesse_decode__reads_two_dialogs_stanza",
     "dialogs_two.stanza.xml",
     {{"dialogs", "#2"}, {"dialogs/1/state", "\"INITIATING\""}}},
    {"finesse_decode__unescapes_ampersands_and_non_ascii_call_data",
     "special_chars.update.xml",
     {{"dialogs/0/callVariables/callVariable1", "\"Smith & Sons <VIP>\""},
      {"dialogs/0/callVariables/callVariable2",
       "\"Jos\\u00e9 \\u65e5\\u672c \\\"q\\\" 'a'\""},
      {"sanitized", NULL}}},
    {"finesse_decode__unescapes_special_chars_once_in_the_stanza",
     "special_chars.stanza.xml",
     {{"dialogs/0/callVariables/callVariable1", "\"Smith & Sons <VIP>\""}}},
    {"finesse_decode__reads_an_api_error",
     "dialog_api_error.update.xml",
     {{"kind", "\"error\""},
      {"event", "\"PUT\""},
      {"requestId", "\"07f14a42-6b3c-4855-a4c9-af50ab5e7cc6\""},
      {"errors",
       "[{\"errorType\":\"Call Operation Failure\",\"errorData\":\"34\","
       "\"errorMessage\":\"CF_RESOURCE_OUT_OF_SERVICE\"}]"}}},
    {"finesse_decode__reads_an_api_error_stanza",
     "dialog_api_error.stanza.xml",
     {{"node", "\"/finesse/api/User/1001002/Dialogs\""},
      {"errors/0/errorMessage", "\"CF_RESOURCE_OUT_OF_SERVICE\""}}},
    {"finesse_decode__reads_a_single_api_error_after_an_xml_declaration",
     "api_error_single.update.xml",
     {{"kind", "\"error\""},
      {"requestId", NULL},
      {"errors", "#1"},
      {"errors/0/errorType", "\"Invalid State\""},
      {"errors/0/errorData", "\"4\""}}},
    {"finesse_decode__reads_a_single_api_error_stanza",
     "api_error_single.stanza.xml",
     {{"errors/0/errorMessage", "\"CF_INVALID_OBJECT_STATE\""}}},
    /* --- queues, system, media --- */
    {"finesse_decode__reads_queue_statistics_as_numbers",
     "queue_stats.update.xml",
     {{"kind", "\"queue\""},
      {"queue/uri", "\"/finesse/api/Queue/1\""},
      {"queue/name", "\"Sales\""},
      {"queue/statistics/callsInQueue", "3"},
      {"queue/statistics/agentsReady", "2"},
      {"queue/statistics/agentsNotReady", "4"},
      {"queue/statistics/agentsTalkingInbound", "5"},
      {"queue/statistics/agentsTalkingOutbound", "0"},
      {"queue/statistics/agentsWrapUpReady", "0"},
      {"queue/statistics/startTimeOfLongestCallInQueue",
       "\"2026-11-21T09:28:12Z\""},
      {"queue/statistics", "#9"}}},
    {"finesse_decode__reads_queue_statistics_stanza",
     "queue_stats.stanza.xml",
     {{"node", "\"/finesse/api/Queue/1\""},
      {"queue/statistics/callsInQueue", "3"}}},
    {"finesse_decode__keeps_minus_one_and_drops_empty_statistics",
     "queue_unassigned.update.xml",
     {{"queue/statistics/callsInQueue", "-1"},
      {"queue/statistics/agentsReady", "-1"},
      {"queue/statistics/startTimeOfLongestCallInQueue", NULL},
      {"queue/statistics/agentsNotReady", NULL},
      {"queue/statistics/agentsLoggedOn", "\"n/a\""},
      {"queue/statistics/agentsBusyOther", "\"99999999999999999999\""}}},
    {"finesse_decode__keeps_minus_one_in_the_stanza",
     "queue_unassigned.stanza.xml",
     {{"queue/name", "\"Unassigned\""},
      {"queue/statistics/agentsReady", "-1"}}},
    {"finesse_decode__reads_a_queues_list",
     "queues_post.update.xml",
     {{"kind", "\"queues\""},
      {"event", "\"POST\""},
      {"queues", "#2"},
      {"queues/0/statistics/callsInQueue", "0"},
      {"queues/1/name", "\"Support\""},
      {"queues/1/statistics", NULL}}},
    {"finesse_decode__reads_a_queues_list_stanza",
     "queues_post.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001/Queues\""},
      {"queues/0/name", "\"Sales\""}}},
    {"finesse_decode__reads_system_info_out_of_service",
     "systeminfo_out_of_service.update.xml",
     {{"kind", "\"systeminfo\""},
      {"systeminfo/status", "\"OUT_OF_SERVICE\""},
      {"systeminfo/statusReason", "\"CTI connection lost\""},
      {"systeminfo/deploymentType", "\"UCCE\""},
      {"systeminfo/currentTimestamp", "\"2026-11-21T09:31:00.000Z\""},
      {"systeminfo/xmppDomain", "\"fin1.ucce.local\""},
      {"systeminfo/xmppPubSubDomain", "\"pubsub.fin1.ucce.local\""}}},
    {"finesse_decode__reads_system_info_primary_and_secondary_nodes",
     "systeminfo_nodes.update.xml",
     {{"systeminfo/status", "\"IN_SERVICE\""},
      {"systeminfo/statusReason", "\"\""},
      {"systeminfo/primaryNode",
       "{\"host\":\"uccx1.example\",\"status\":\"IN_SERVICE\"}"},
      {"systeminfo/secondaryNode/host", "\"uccx2.example\""},
      {"systeminfo/lastCTIHeartbeatStatus", "\"SUCCESS\""},
      {"systeminfo/timezoneOffset", "\"-60\""}}},
    {"finesse_decode__reads_system_info_stanza",
     "systeminfo_out_of_service.stanza.xml",
     {{"node", "\"/finesse/api/SystemInfo\""},
      {"systeminfo/status", "\"OUT_OF_SERVICE\""}}},
    {"finesse_decode__reads_a_reordered_envelope_and_lower_case_root",
     "reordered_envelope.update.xml",
     {{"event", "\"PUT\""},
      {"requestId", "\"req-42\""},
      {"source", "\"/finesse/api/SystemInfo\""},
      {"kind", "\"systeminfo\""},
      {"systeminfo/status", "\"IN_SERVICE\""},
      {"systeminfo/statusReason", "\"\""},
      {"systeminfo/deploymentType", "\"UCCX\""},
      {"systeminfo/primaryNode/host", "\"fin1.ucce.local\""},
      {"systeminfo/secondaryNode/host", "\"fin2.ucce.local\""}}},
    {"finesse_decode__reads_a_reordered_envelope_stanza",
     "reordered_envelope.stanza.xml",
     {{"requestId", "\"req-42\""}, {"systeminfo/deploymentType", "\"UCCX\""}}},
    {"finesse_decode__reads_media_state",
     "media_put.update.xml",
     {{"kind", "\"media\""},
      {"media/mediaId", "\"2\""},
      {"media/name", "\"Chat\""},
      {"media/state", "\"NOT_READY\""},
      {"media/reasonCode/label", "\"Training\""},
      {"media/maxDialogLimit", "\"3\""},
      {"media/routable", "\"false\""}}},
    {"finesse_decode__reads_media_state_stanza",
     "media_put.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001/Media/2\""},
      {"media/isLoggedIn", "\"true\""}}},
    /* --- lifecycle: deletions, snapshots, partial updates --- */
    {"finesse_decode__reads_a_user_delete_with_empty_data_as_a_user",
     "user_delete.update.xml",
     {{"event", "\"DELETE\""},
      {"source", "\"/finesse/api/User/1001002\""},
      {"kind", "\"user\""},
      {"user", "{\"loginId\":\"1001002\",\"uri\":\"/finesse/api/User/"
               "1001002\"}"},
      {"error", NULL},
      {"raw", NULL}}},
    {"finesse_decode__reads_a_user_delete_stanza",
     "user_delete.stanza.xml",
     {{"node", "\"/finesse/api/User/1001002\""},
      {"item", "\"item-user_delete\""},
      {"kind", "\"user\""},
      {"user/loginId", "\"1001002\""}}},
    {"finesse_decode__reads_a_team_snapshot_a_user_has_left",
     "team_snapshot_left.update.xml",
     {{"kind", "\"team\""},
      {"team/id", "\"5000\""},
      {"team/users", "#1"},
      {"team/users/0/loginId", "\"1001001\""}}},
    {"finesse_decode__reads_a_team_snapshot_a_user_has_left_stanza",
     "team_snapshot_left.stanza.xml",
     {{"node", "\"/finesse/api/Team/5000/Users\""}, {"team/users", "#1"}}},
    {"finesse_decode__reads_a_queue_delete",
     "queue_delete.update.xml",
     {{"event", "\"DELETE\""},
      {"kind", "\"queue\""},
      {"queue", "{\"uri\":\"/finesse/api/Queue/2\",\"name\":\"Support\"}"}}},
    {"finesse_decode__reads_a_queue_delete_stanza",
     "queue_delete.stanza.xml",
     {{"node", "\"/finesse/api/Queue/2\""},
      {"event", "\"DELETE\""},
      {"queue/uri", "\"/finesse/api/Queue/2\""}}},
    {"finesse_decode__reads_a_queue_delete_with_empty_data_by_its_source",
     "queue_delete_empty.update.xml",
     {{"event", "\"DELETE\""},
      {"kind", "\"queue\""},
      {"queue", "{\"id\":\"1\",\"uri\":\"/finesse/api/Queue/1\"}"}}},
    {"finesse_decode__reads_a_user_queues_delete",
     "queues_delete.update.xml",
     {{"event", "\"DELETE\""},
      {"kind", "\"queues\""},
      {"source", "\"/finesse/api/User/1001001/Queues\""},
      {"queues", "[{\"uri\":\"/finesse/api/Queue/2\",\"name\":\"Support\"}]"}}},
    {"finesse_decode__reads_a_user_queues_delete_stanza",
     "queues_delete.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001/Queues\""},
      {"queues/0/name", "\"Support\""}}},
    {"finesse_decode__reads_a_state_without_reason_code",
     "user_ready_no_reason.update.xml",
     {{"user/state", "\"READY\""},
      {"user/reasonCodeId", NULL},
      {"user/reasonCode", NULL},
      {"user/pendingState", "\"\""}}},
    {"finesse_decode__reads_a_state_without_reason_code_stanza",
     "user_ready_no_reason.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001\""}, {"user/reasonCodeId", NULL}}},
    {"finesse_decode__reads_a_partial_dialog_put",
     "dialog_put_partial.update.xml",
     {{"kind", "\"dialogs\""},
      {"dialogs/0", "{\"id\":\"16817512\",\"uri\":\"/finesse/api/Dialog/"
                    "16817512\",\"state\":\"ACTIVE\"}"}}},
    {"finesse_decode__reads_a_partial_dialog_put_stanza",
     "dialog_put_partial.stanza.xml",
     {{"dialogs/0/participants", NULL}, {"dialogs/0/callVariables", NULL}}},
    {"finesse_decode__reads_media_ready_without_reason",
     "media_ready.update.xml",
     {{"kind", "\"media\""},
      {"media/state", "\"READY\""},
      {"media/reasonCodeId", NULL},
      {"media/uri", "\"/finesse/api/User/1001001/Media/2\""}}},
    {"finesse_decode__reads_media_ready_stanza",
     "media_ready.stanza.xml",
     {{"node", "\"/finesse/api/User/1001001/Media/2\""},
      {"media/name", "\"Chat\""}}},
    {"finesse_decode__unescapes_an_update_escaped_twice",
     "escaped_twice.update.xml",
     {{"kind", "\"user\""},
      {"event", "\"PUT\""},
      {"user/loginId", "\"1001002\""},
      {"user/pendingState", "\"NOT_READY\""},
      {"sanitized", NULL},
      {"error", NULL}}},
    {"finesse_decode__unescapes_a_notification_escaped_twice",
     "escaped_twice.stanza.xml",
     {{"node", "\"/finesse/api/User/1001002\""},
      {"kind", "\"user\""},
      {"user/state", "\"TALKING\""}}},
    /* --- odd and hostile --- */
    {"finesse_decode__upper_cases_a_lower_case_event",
     "lowercase_event.update.xml",
     {{"event", "\"PUT\""},
      {"kind", "\"user\""},
      {"user/reasonCode/label", "\"Lunch\""},
      {"user/reasonCode/systemCode", "\"false\""}}},
    {"finesse_decode__upper_cases_a_lower_case_event_stanza",
     "lowercase_event.stanza.xml",
     {{"event", "\"PUT\""}, {"user/reasonCode/id", "\"12\""}}},
    {"finesse_decode__ignores_unknown_fields_and_keeps_sentinel_time",
     "unknown_fields.update.xml",
     {{"kind", "\"user\""},
      {"user/state", "\"WORK_READY\""},
      {"user/stateChangeTime", "\"--\""},
      {"user/roles", "[\"Agent\",\"Supervisor\"]"},
      {"user/favouriteColour", NULL},
      {"user/extra", NULL},
      {"version", NULL},
      {"user", "#7"}}},
    {"finesse_decode__ignores_unknown_fields_stanza",
     "unknown_fields.stanza.xml",
     {{"user/loginId", "\"1001001\""}, {"user/brandNewState", NULL}}},
    {"finesse_decode__reads_non_ascii_names_and_ampersands",
     "non_ascii_names.update.xml",
     {{"user/firstName", "\"Zo\\u00eb\""},
      {"user/lastName", "\"Smith & Sons \\u65e5\\u672c\""},
      {"user/reasonCode/label", "\"Caf\\u00e9 <break>\""},
      {"user/teamName", "\"\\u00c9quipe \\u00ab A \\u00bb\""},
      {"user/stateChangeTime", "\"\""}}},
    {"finesse_decode__reads_non_ascii_names_from_the_stanza",
     "non_ascii_names.stanza.xml",
     {{"user/lastName", "\"Smith & Sons \\u65e5\\u672c\""}}},
    {"finesse_decode__drops_invalid_character_references_once",
     "invalid_char_ref.update.xml",
     {{"sanitized", "true"},
      {"kind", "\"dialogs\""},
      {"dialogs/0/callVariables/callVariable1", "\"SmithSons\""},
      {"dialogs/0/callVariables/callVariable2", "\"tab\\tok\""}}},
    {"finesse_decode__drops_double_escaped_invalid_references",
     "invalid_char_ref.stanza.xml",
     {{"sanitized", "true"},
      {"node", "\"/finesse/api/User/1001002/Dialogs\""},
      {"dialogs/0/callVariables/callVariable1", "\"SmithSons\""}}},
    {"finesse_decode__drops_raw_control_characters",
     "control_char.update.xml",
     {{"sanitized", "true"},
      {"user/firstName", "\"Ada\""},
      {"user/lastName", "\"Lovelace\""}}},
    {"finesse_decode__shows_a_truncated_update_raw",
     "truncated.update.xml",
     {{"kind", "\"raw\""},
      {"raw", "\"<Update><data><user><loginId>1001001</loginId><firstName>Ada"
              "</firstName><state>REA\""},
      {"error", "~does not parse: line 1, column 83: no element found"},
      {"event", NULL},
      {"user", NULL}}},
    {"finesse_decode__shows_a_truncated_update_stanza_raw_with_its_node",
     "truncated.stanza.xml",
     {{"kind", "\"raw\""},
      {"node", "\"/finesse/api/User/1001001\""},
      {"item", "\"item-truncated\""},
      {"raw", "~<state>REA"},
      {"error", "~does not parse"}}},
    {"finesse_decode__shows_unknown_data_raw_with_its_envelope",
     "unknown_data.update.xml",
     {{"kind", "\"raw\""},
      {"event", "\"PUT\""},
      {"source", "\"/finesse/api/Widget/1\""},
      {"error", "\"no decoder for <Widget> data\""},
      {"raw", "~<Widget><id>1</id></Widget>"}}},
    {"finesse_decode__shows_unknown_data_stanza_raw",
     "unknown_data.stanza.xml",
     {{"kind", "\"raw\""}, {"node", "\"/finesse/api/Widget/1\""}}},
    {"finesse_decode__decodes_a_notification_without_namespace",
     "no_namespace.stanza.xml",
     {{"kind", "\"user\""},
      {"event", "\"PUT\""},
      {"user/loginName", "\"isaac\""},
      {"user/state", "\"READY\""}}},
    {"finesse_decode__shows_client_log_raw",
     "clientlog.stanza.xml",
     {{"kind", "\"raw\""},
      {"node", "\"/finesse/api/User/1001001/ClientLog\""},
      {"raw", "~INFO desktop: <b>login</b> & ready\n"},
      {"error", "\"ClientLog payloads are not decoded\""}}},
};

static void finesse_fixture(void **state)
{
    const struct row *r = *state;
    char *rel = xasprintf("finesse/%s", r->file), *text;
    size_t len, i, n = strlen(r->file);
    json_t *ev;

    text = unit_fixture_load(rel, &len);
    free(rel);
    if (n > 11 && strcmp(r->file + n - 11, ".update.xml") == 0)
        ev = decode_update_text(NULL, text, len);
    else
        ev = decode_stanza_file(text, len);
    assert_non_null(ev);
    for (i = 0; i < MAX_EXPECT && r->want[i].path; i++)
        expect_at(ev, r->want[i].path, r->want[i].want);
    json_decref(ev);
    free(text);
}

/* A fixture nobody reads is a test nobody runs. */
static void finesse_decode__has_a_row_for_every_fixture(void **state)
{
    char *dir = xasprintf("%s/finesse", unit_fixtures());
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t i, files = 0;
    int found;
    (void)state;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        files++;
        for (i = 0, found = 0; i < sizeof rows / sizeof rows[0]; i++)
            found |= strcmp(rows[i].file, e->d_name) == 0;
        if (!found)
            fail_msg("fixture finesse/%s has no row in test_finesse.c",
                     e->d_name);
    }
    closedir(d);
    free(dir);
    assert_true(files >= 50);
}

/* --- hostile input made here --- */

static json_t *decode_str(const char *s)
{
    return decode_update_text("/finesse/api/User/1", s, strlen(s));
}

static const char user_doc[] =
    "<Update><data><user><loginId>1</loginId><state>READY</state></user>"
    "</data><event>PUT</event><source>/finesse/api/User/1</source></Update>";

static void finesse_decode__refuses_a_document_over_one_mib(void **state)
{
    size_t pad = DECODE_MAX_DOC + 10, len;
    char *filler = str_repeat('x', pad);
    char *doc = xasprintf("<Update><data><user><firstName>%s</firstName>"
                          "</user></data></Update>",
                          filler);
    json_t *ev;
    (void)state;

    len = strlen(doc);
    ev = decode_update_text("/finesse/api/User/1", doc, len);
    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "node", "\"/finesse/api/User/1\"");
    expect_at(ev, "error", "~more than the limit of 1048576");
    assert_int_equal(json_integer_value(json_object_get(ev, "rawLength")), len);
    assert_int_equal(json_string_length(json_object_get(ev, "raw")),
                     DECODE_MAX_DOC);
    json_decref(ev);
    free(doc);
    free(filler);
}

static void finesse_decode__accepts_a_big_document_under_the_limit(void **state)
{
    char *filler = str_repeat('y', DECODE_MAX_DOC - 1000);
    char *doc = xasprintf("<Update><data><user><firstName>%s</firstName>"
                          "</user></data></Update>",
                          filler);
    json_t *ev = decode_str(doc);
    (void)state;

    expect_at(ev, "kind", "\"user\"");
    assert_int_equal(json_string_length(at_path(ev, "user/firstName")),
                     DECODE_MAX_DOC - 1000);
    json_decref(ev);
    free(doc);
    free(filler);
}

static void finesse_decode__refuses_deep_nesting_without_recursing(void **state)
{
    struct buf b;
    json_t *ev;
    int i;
    (void)state;

    buf_init(&b);
    buf_puts(&b, "<Update><data>");
    for (i = 0; i < 200000; i++)
        buf_puts(&b, "<a>");
    ev = decode_update_text(NULL, b.data, b.len);
    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "error", "~nested deeper than 64 levels");
    json_decref(ev);
    buf_done(&b);
}

static void finesse_decode__refuses_a_doctype(void **state)
{
    json_t *ev = decode_str(
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
        "\"&lol;&lol;&lol;&lol;\">]><Update><data><user><firstName>&lol2;"
        "</firstName></user></data></Update>");
    (void)state;

    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "error", "~a DOCTYPE is not allowed");
    json_decref(ev);
}

struct odd {
    const char *name, *doc, *kind, *error_part;
};

static const struct odd odds[] = {
    {"finesse_decode__shows_an_empty_notification_raw", "", "raw",
     "no element found"},
    {"finesse_decode__shows_plain_text_raw", "hello, world", "raw",
     "does not parse"},
    {"finesse_decode__shows_a_rest_answer_raw",
     "<User><loginId>1</loginId></User>", "raw",
     "not a Finesse <Update> document: its root is <User>"},
    {"finesse_decode__shows_an_update_without_data_raw",
     "<Update><event>PUT</event></Update>", "raw", "has no <data>"},
    {"finesse_decode__shows_an_empty_data_raw",
     "<Update><data>  </data><event>DELETE</event></Update>", "raw",
     "empty <data>"},
    {"finesse_decode__shows_a_delete_with_empty_data_and_no_known_source_raw",
     "<Update><data/><event>DELETE</event><source>/finesse/api/Dialog/7"
     "</source></Update>",
     "raw", "empty <data>"},
    {"finesse_decode__shows_an_empty_put_of_a_user_raw",
     "<Update><data/><event>PUT</event><source>/finesse/api/User/7</source>"
     "</Update>",
     "raw", "empty <data>"},
    {"finesse_decode__shows_an_empty_delete_of_a_user_subnode_raw",
     "<Update><data/><event>DELETE</event><source>/finesse/api/User/7/"
     "Queues</source></Update>",
     "raw", "empty <data>"},
    {"finesse_decode__shows_an_empty_delete_of_no_id_raw",
     "<Update><data/><event>DELETE</event><source>/finesse/api/User/"
     "</source></Update>",
     "raw", "empty <data>"},
    {"finesse_decode__shows_an_empty_delete_of_two_words_raw",
     "<Update><data/><event>DELETE</event><source>/finesse/api/User/4 2"
     "</source></Update>",
     "raw", "empty <data>"},
    {"finesse_decode__unescapes_no_more_than_twice",
     "&amp;lt;Update&amp;gt;&amp;lt;data&amp;gt;&amp;lt;user&amp;gt;"
     "&amp;lt;state&amp;gt;READY&amp;lt;/state&amp;gt;&amp;lt;/user&amp;gt;"
     "&amp;lt;/data&amp;gt;&amp;lt;/Update&amp;gt;",
     "raw", "does not parse"},
    {"finesse_decode__unescapes_twice_only_into_an_update",
     "&lt;User&gt;&lt;state&gt;READY&lt;/state&gt;&lt;/User&gt;", "raw",
     "does not parse"},
    {"finesse_decode__shows_a_broken_update_escaped_twice_raw",
     "&lt;Update&gt;&lt;data&gt;&lt;user&gt;", "raw", "does not parse"},
    {"finesse_decode__shows_mismatched_tags_raw",
     "<Update><data><user></data></user></Update>", "raw", "mismatched tag"},
    {"finesse_decode__shows_an_unbound_prefix_raw",
     "<Update><data><x:user/></data></Update>", "raw", "unbound prefix"},
    {"finesse_decode__reads_an_update_in_a_namespace",
     "<Update xmlns='urn:finesse'><data><user><state>READY</state></user>"
     "</data></Update>",
     "user", NULL},
    {"finesse_decode__reads_a_pretty_printed_update",
     "\n  <Update>\n    <data>\n      <user>\n        <state>READY</state>\n"
     "      </user>\n    </data>\n    <event>\n PUT \n</event>\n</Update>\n",
     "user", NULL},
};

static void odd_input(void **state)
{
    const struct odd *o = *state;
    json_t *ev = decode_str(o->doc);
    char *part;

    assert_string_equal(json_string_value(json_object_get(ev, "kind")),
                        o->kind);
    if (o->error_part) {
        part = xasprintf("~%s", o->error_part);
        expect_at(ev, "error", part);
        free(part);
        expect_at(ev, "raw", o->doc[0] ? "~" : "\"\"");
    } else {
        expect_at(ev, "user/state", "\"READY\"");
        expect_at(ev, "error", NULL);
    }
    json_decref(ev);
}

static void finesse_decode__keeps_invalid_utf8_out_of_the_json(void **state)
{
    static const char doc[] = "<Update><data><user><firstName>A\xff\xfe"
                              "da</firstName></user></data></Update>";
    json_t *ev = decode_update_text(NULL, doc, sizeof doc - 1);
    (void)state;

    /* removed by the one retry */
    expect_at(ev, "sanitized", "true");
    expect_at(ev, "user/firstName", "\"Ada\"");
    json_decref(ev);
    ev = decode_update_text(NULL, "<a>\xff<", 5);
    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "raw", "\"<a>\\ufffd<\"");
    json_decref(ev);
}

static void finesse_decode__survives_a_nul_byte(void **state)
{
    static const char doc[] = "<Update><data><user><state>RE\0ADY</state>"
                              "</user></data></Update>";
    json_t *ev = decode_update_text(NULL, doc, sizeof doc - 1);
    (void)state;

    expect_at(ev, "sanitized", "true");
    expect_at(ev, "user/state", "\"READY\"");
    json_decref(ev);
}

/* An item whose stanza is parsed by libstrophe, as the session gets it. */
static json_t *decode_item_text(const char *node, const char *xml)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
    json_t *ev;

    assert_non_null(st);
    ev = decode_item(node, st);
    xmpp_stanza_release(st);
    return ev;
}

static void finesse_decode__reads_an_update_sent_as_elements(void **state)
{
    json_t *ev = decode_item_text(
        "/finesse/api/User/1",
        "<item id='e1'><notification xmlns='http://jabber.org/protocol/"
        "pubsub'><Update><data><user><state>NOT_READY</state></user></data>"
        "<event>put</event></Update></notification></item>");
    (void)state;

    expect_at(ev, "node", "\"/finesse/api/User/1\"");
    expect_at(ev, "item", "\"e1\"");
    expect_at(ev, "event", "\"PUT\"");
    expect_at(ev, "user/state", "\"NOT_READY\"");
    json_decref(ev);
}

static void finesse_decode__shows_a_foreign_payload_as_xml(void **state)
{
    json_t *ev = decode_item_text(
        "news", "<item id='n1'><entry xmlns='http://www.w3.org/2005/Atom'>"
                "<title a='1&amp;2'>A &lt; B</title><br/></entry></item>");
    (void)state;

    expect_at(ev, "kind", "\"xml\"");
    expect_at(ev, "xml",
              "\"<entry xmlns='http://www.w3.org/2005/Atom'><title "
              "a='1&amp;2'>A &lt; B</title><br/></entry>\"");
    expect_at(ev, "event", NULL);
    json_decref(ev);
}

static void finesse_decode__shows_an_item_without_payload_raw(void **state)
{
    json_t *ev = decode_item_text("n", "<item id='x'/>");
    (void)state;

    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "item", "\"x\"");
    expect_at(ev, "error", "\"the item carries no payload\"");
    expect_at(ev, "raw", NULL);
    json_decref(ev);
    ev = decode_item("n", NULL);
    expect_at(ev, "kind", "\"raw\"");
    json_decref(ev);
}

static void finesse_decode__refuses_a_deep_item_without_recursing(void **state)
{
    xmpp_stanza_t *item = xmpp_stanza_new(ctx), *cur = item, *c;
    json_t *ev;
    int i;
    (void)state;

    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_id(item, "deep");
    for (i = 0; i < 100; i++) {
        c = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(c, "a");
        xmpp_stanza_add_child(cur, c);
        xmpp_stanza_release(c);
        cur = c;
    }
    ev = decode_item("n", item);
    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "item", "\"deep\"");
    expect_at(ev, "error", "~nested deeper than 64 levels");
    json_decref(ev);
    xmpp_stanza_release(item);
}

static void finesse_decode__shows_a_huge_client_log_cut(void **state)
{
    char *log = str_repeat('z', DECODE_MAX_DOC + 5);
    xmpp_stanza_t *item = xmpp_stanza_new(ctx), *n = xmpp_stanza_new(ctx),
                  *t = xmpp_stanza_new(ctx);
    json_t *ev;
    (void)state;

    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_name(n, "notification");
    xmpp_stanza_set_ns(n, "http://jabber.org/protocol/pubsub");
    xmpp_stanza_set_text(t, log);
    xmpp_stanza_add_child(n, t);
    xmpp_stanza_add_child(item, n);
    xmpp_stanza_release(t);
    xmpp_stanza_release(n);
    ev = decode_item("/finesse/api/User/1/ClientLog", item);
    xmpp_stanza_release(item);
    expect_at(ev, "kind", "\"raw\"");
    expect_at(ev, "error", "\"ClientLog payloads are not decoded\"");
    assert_int_equal(json_integer_value(json_object_get(ev, "rawLength")),
                     DECODE_MAX_DOC + 5);
    assert_int_equal(json_string_length(json_object_get(ev, "raw")),
                     DECODE_MAX_DOC);
    json_decref(ev);
    free(log);
}

static void finesse_decode__adds_the_node_to_an_update_text(void **state)
{
    json_t *ev = decode_str(user_doc);
    (void)state;

    expect_at(ev, "node", "\"/finesse/api/User/1\"");
    expect_at(ev, "item", NULL);
    expect_at(ev, "event", "\"PUT\"");
    expect_at(ev, "requestId", NULL);
    expect_at(ev, "user/loginId", "\"1\"");
    /* the documented order: node, event, source, kind, member */
    assert_string_equal(json_object_iter_key(json_object_iter(ev)), "node");
    json_decref(ev);
}

/* The whole line a script reads for a user DELETE (docs/events.md). */
static void finesse_decode__prints_a_user_delete_as_documented(void **state)
{
    static const char doc[] =
        "<Update><data></data><event>DELETE</event><requestId></requestId>"
        "<source>/finesse/api/User/1001002</source></Update>";
    json_t *ev =
        decode_update_text("/finesse/api/User/1001002", doc, sizeof doc - 1);
    char *text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    (void)state;

    assert_string_equal(
        text, "{\"node\":\"/finesse/api/User/1001002\",\"event\":\"DELETE\","
              "\"source\":\"/finesse/api/User/1001002\",\"requestId\":\"\","
              "\"kind\":\"user\",\"user\":{\"loginId\":\"1001002\",\"uri\":"
              "\"/finesse/api/User/1001002\"}}");
    free(text);
    json_decref(ev);
    /* a source padded with white space names the same user */
    ev = decode_str("<Update><data/><event> delete </event><source>\n "
                    "/finesse/api/User/42 \n</source></Update>");
    expect_at(ev, "kind", "\"user\"");
    expect_at(ev, "user/loginId", "\"42\"");
    json_decref(ev);
}

static void decode_event__gives_the_other_kinds_their_own_object(void **state)
{
    xmpp_stanza_t *sub = xmpp_stanza_new_from_string(
        ctx, "<subscription jid='a@b' subscription='none'/>");
    xmpp_stanza_t *retract =
        xmpp_stanza_new_from_string(ctx, "<retract id='i7'/>");
    json_t *ev;
    char *text;
    (void)state;

    ev = decode_event("subscription", "/n", sub);
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(
        text, "{\"node\":\"/n\",\"kind\":\"subscription\",\"subscription\":"
              "\"none\"}");
    free(text);
    json_decref(ev);
    ev = decode_event("retract", "/n", retract);
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(
        text, "{\"node\":\"/n\",\"item\":\"i7\",\"kind\":\"retract\"}");
    free(text);
    json_decref(ev);
    xmpp_stanza_release(sub);
    xmpp_stanza_release(retract);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, finesse_fixture);
    tl_add(&l, "finesse_decode__has_a_row_for_every_fixture",
           finesse_decode__has_a_row_for_every_fixture, NULL);
    TL_ROWS(&l, odds, odd_input);
#define T(f) tl_add(&l, #f, f, NULL)
    T(finesse_decode__refuses_a_document_over_one_mib);
    T(finesse_decode__accepts_a_big_document_under_the_limit);
    T(finesse_decode__refuses_deep_nesting_without_recursing);
    T(finesse_decode__refuses_a_doctype);
    T(finesse_decode__keeps_invalid_utf8_out_of_the_json);
    T(finesse_decode__survives_a_nul_byte);
    T(finesse_decode__reads_an_update_sent_as_elements);
    T(finesse_decode__shows_a_foreign_payload_as_xml);
    T(finesse_decode__shows_an_item_without_payload_raw);
    T(finesse_decode__refuses_a_deep_item_without_recursing);
    T(finesse_decode__shows_a_huge_client_log_cut);
    T(finesse_decode__adds_the_node_to_an_update_text);
    T(finesse_decode__prints_a_user_delete_as_documented);
    T(decode_event__gives_the_other_kinds_their_own_object);
#undef T
    return tl_run(&l, "finesse", strophe_setup, strophe_teardown);
}
