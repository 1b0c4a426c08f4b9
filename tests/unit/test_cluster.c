/* model/cluster.c: which node of a Finesse cluster perch is on. */
#include "unit.h"

#include "conf/conn.h"
#include "conf/opts.h"
#include "decode/keys.h"
#include "model/cluster.h"
#include "model/model.h"

#include <jansson.h>

static void apply(struct model *m, const char *json)
{
    json_error_t err;
    json_t *ev = json_loads(json, 0, &err);

    assert_non_null(ev);
    model_apply(m, ev, 1000);
    json_decref(ev);
}

static void cluster_host_equal__ignores_case_and_a_missing_domain(void **state)
{
    (void)state;
    assert_true(cluster_host_equal("fin1.example.com", "FIN1.Example.com"));
    assert_true(cluster_host_equal("fin1", "fin1.example.com"));
    assert_true(cluster_host_equal("fin1.example.com", "FIN1"));
    assert_true(cluster_host_equal("127.0.0.2", "127.0.0.2"));
    assert_false(cluster_host_equal("fin1", "fin10.example.com"));
    assert_false(cluster_host_equal("fin1.a", "fin1.b"));
    assert_false(cluster_host_equal("127.0.0.1", "127.0.0.2"));
    assert_false(cluster_host_equal("127", "127.0.0.1")); /* no labels */
    assert_false(cluster_host_equal(NULL, "fin1"));
    assert_false(cluster_host_equal("", ""));
}

static void cluster_role__from_system_info(void **state)
{
    struct model m;
    char out[64];
    (void)state;

    model_init(&m);
    assert_int_equal(cluster_role(&m.system, "fin1"), CLUSTER_UNKNOWN);
    cluster_describe(&m.system, "fin1", 0, out, sizeof out);
    assert_string_equal(out, ""); /* nothing known: nothing said */
    assert_null(cluster_other(&m.system, "fin1", NULL));
    assert_string_equal(cluster_other(&m.system, "fin1", "fin2"), "fin2");
    assert_null(cluster_other(&m.system, "fin1", "FIN1"));

    apply(&m, "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
              "\"IN_SERVICE\",\"primaryNode\":{\"host\":\"fin1.ex\"},"
              "\"secondaryNode\":{\"host\":\"fin2.ex\"},"
              "\"pubsubDomain\":\"pubsub.fin1.ex\"}}");
    assert_string_equal(m.system.pubsub_domain, "pubsub.fin1.ex");
    assert_int_equal(cluster_role(&m.system, "fin1.ex"), CLUSTER_PRIMARY);
    assert_int_equal(cluster_role(&m.system, "FIN2"), CLUSTER_SECONDARY);
    assert_int_equal(cluster_role(&m.system, "fin3.ex"), CLUSTER_UNKNOWN);
    /* SystemInfo's other node wins over --alternate */
    assert_string_equal(cluster_other(&m.system, "fin1.ex", "fin9"), "fin2.ex");
    assert_string_equal(cluster_other(&m.system, "fin2.ex", NULL), "fin1.ex");
    assert_string_equal(cluster_other(&m.system, "fin3.ex", "fin9"), "fin9");

    cluster_describe(&m.system, "fin1.ex", 0, out, sizeof out);
    assert_string_equal(out, "primary IN_SERVICE");
    cluster_describe(&m.system, "fin2.ex", 1, out, sizeof out);
    assert_string_equal(out, "sec IN_SERVICE");
    cluster_describe(&m.system, "fin3.ex", 0, out, sizeof out);
    assert_string_equal(out, "node ? IN_SERVICE");

    apply(&m, "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
              "\"OUT_OF_SERVICE\"}}");
    cluster_describe(&m.system, "fin2.ex", 0, out, sizeof out);
    assert_string_equal(out, "secondary OUT_OF_SERVICE");
    cluster_describe(&m.system, "fin2.ex", 0, out, 4); /* cut, ended */
    assert_string_equal(out, "sec");
    model_done(&m);
}

static void cluster_role__a_status_without_hosts_is_said_alone(void **state)
{
    struct model m;
    char out[64];
    (void)state;

    model_init(&m);
    apply(&m, "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
              "\"PARTIAL_SERVICE\"}}");
    cluster_describe(&m.system, "fin1", 0, out, sizeof out);
    assert_string_equal(out, "PARTIAL_SERVICE");
    model_done(&m);
}

static void cluster_role__both_nodes_the_same_host_is_unknown(void **state)
{
    struct model m;
    char out[64];
    (void)state;

    model_init(&m);
    apply(&m, "{\"kind\":\"systeminfo\",\"systeminfo\":{"
              "\"primaryNode\":{\"host\":\"fin1\"},"
              "\"secondaryNode\":{\"host\":\"FIN1\"}}}");
    assert_int_equal(cluster_role(&m.system, "fin1"), CLUSTER_UNKNOWN);
    cluster_describe(&m.system, "fin1", 0, out, sizeof out);
    assert_string_equal(out, "node ?");
    model_done(&m);
}

/* The host matched against SystemInfo: the BOSH or WebSocket URL's (no
 * user info, port or path; an IPv6 literal kept whole), else --server,
 * else the JID's domain. */
static void conn_host__from_the_url_the_server_or_the_jid(void **state)
{
    static const struct {
        const char *bosh, *ws, *server, *jid, *want;
    } cases[] = {
        {"https://fin1.example:7443/http-bind/", NULL, "x", "a@b",
         "fin1.example"},
        {"https://u:p@fin2:7443/http-bind/", NULL, NULL, "a@b", "fin2"},
        {NULL, "wss://fin3.example:8445/ws/", "x", "a@b", "fin3.example"},
        {NULL, "ws://[::1]:5280/xmpp-websocket", NULL, "a@b", "[::1]"},
        {NULL, NULL, "127.0.0.2", "a@b", "127.0.0.2"},
        {NULL, NULL, NULL, "agent@fin4.example/r", "fin4.example"},
        {NULL, NULL, NULL, "not a jid@", ""},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct conn_opts o;
        char *host;

        conn_opts_init(&o);
        o.bosh = (char *)cases[i].bosh;
        o.ws = (char *)cases[i].ws;
        o.server = (char *)cases[i].server;
        o.jid = (char *)cases[i].jid;
        host = conn_host(&o);
        assert_string_equal(host, cases[i].want);
        free(host);
    }
}

/* The other node's URL: only the host changes. */
static void conn_url_at__replaces_the_host_only(void **state)
{
    static const struct {
        const char *url, *host, *want;
    } cases[] = {
        {"https://fin1.example:7443/http-bind/", "fin2.example",
         "https://fin2.example:7443/http-bind/"},
        {"https://u:p@fin1:8445", "127.0.0.2", "https://u:p@127.0.0.2:8445"},
        {"wss://fin1/ws/?a=b#c", "fin2", "wss://fin2/ws/?a=b#c"},
        {"ws://[::1]:5280/xmpp-websocket", "::2",
         "ws://[::2]:5280/xmpp-websocket"},
        {"ws://[::1]:5280/x", "[::3]", "ws://[::3]:5280/x"},
        {"https://[::1", "fin2", "https://fin2"}, /* unclosed: all of it */
        {"https://", "fin2", "https://fin2"},
        {"no scheme", "fin2", "no scheme"},
    };
    size_t i;
    char *url;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        url = conn_url_at(cases[i].url, cases[i].host);
        assert_string_equal(url, cases[i].want);
        free(url);
    }
}

#define IN CLUSTER_IN_SERVICE
#define PART CLUSTER_PARTIAL_SERVICE
#define OUT CLUSTER_OUT_OF_SERVICE
#define NONE CLUSTER_NO_ANSWER
#define P_UNK CLUSTER_PRESENCE_UNKNOWN
#define P_AV CLUSTER_PRESENCE_AVAILABLE
#define P_UN CLUSTER_PRESENCE_UNAVAILABLE

static void cluster_decide__follows_the_developer_guide(void **state)
{
    static const struct {
        const char *name;
        struct cluster_view v;
        enum cluster_step want;
    } cases[] = {
        {"in service here: stay", {IN, IN, 1, P_UNK, 0}, CLUSTER_STAY},
        {"the desktop keeps its node", {IN, IN, 1, P_AV, 1}, CLUSTER_STAY},
        {"partial here counts as serving",
         {PART, IN, 1, P_UNK, 0},
         CLUSTER_STAY},
        {"out here, in there: move", {OUT, IN, 1, P_UNK, 0}, CLUSTER_MOVE},
        {"out here, partial there: move",
         {OUT, PART, 1, P_UNK, 0},
         CLUSTER_MOVE},
        {"silent here, in there: move", {NONE, IN, 1, P_UNK, 0}, CLUSTER_MOVE},
        {"both out of service: wait", {OUT, OUT, 1, P_UNK, 5}, CLUSTER_WAIT},
        {"out here, silent there: wait",
         {OUT, NONE, 1, P_UNK, 0},
         CLUSTER_WAIT},
        {"silent here, out there: XMPP here",
         {NONE, OUT, 1, P_UNK, 9},
         CLUSTER_STAY},
        {"both silent: XMPP here first",
         {NONE, NONE, 1, P_UNK, 1},
         CLUSTER_STAY},
        {"both silent, tried here: XMPP there",
         {NONE, NONE, 1, P_UNK, 2},
         CLUSTER_MOVE},
        {"in here but XMPP fails, in there: move",
         {IN, IN, 1, P_UNK, 2},
         CLUSTER_MOVE},
        {"in here, XMPP fails, out there: stay",
         {IN, OUT, 1, P_UNK, 7},
         CLUSTER_STAY},
        {"finesse user unavailable: wait", {IN, IN, 1, P_UN, 0}, CLUSTER_WAIT},
        {"finesse unavailable, out here, in there: still wait",
         {OUT, IN, 1, P_UN, 0},
         CLUSTER_WAIT},
        {"no other node: stay, as without a cluster",
         {OUT, IN, 0, P_UNK, 9},
         CLUSTER_STAY},
        {"no other node, out of service: stay",
         {OUT, NONE, 0, P_AV, 0},
         CLUSTER_STAY},
    };
    size_t i;
    const char *why;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        why = NULL;
        if (cluster_decide(&cases[i].v, &why) != cases[i].want)
            fail_msg("%s: got step %d", cases[i].name,
                     (int)cluster_decide(&cases[i].v, NULL));
        assert_non_null(why);
    }
}

static void cluster_answer_of__reads_statuses_and_refuses_others(void **state)
{
    (void)state;
    assert_int_equal(cluster_answer_of("IN_SERVICE"), IN);
    assert_int_equal(cluster_answer_of("in_service"), IN);
    assert_int_equal(cluster_answer_of("PARTIAL_SERVICE"), PART);
    assert_int_equal(cluster_answer_of("OUT_OF_SERVICE"), OUT);
    assert_int_equal(cluster_answer_of("IN_SERVICE "), NONE);
    assert_int_equal(cluster_answer_of(""), NONE);
    assert_int_equal(cluster_answer_of("\x01"), NONE);
    assert_int_equal(cluster_answer_of(NULL), NONE);
    assert_string_equal(cluster_answer_name(NONE), "no answer");
    assert_string_equal(cluster_answer_name(OUT), "OUT_OF_SERVICE");
}

/* SystemInfo naming hosts perch is not on: no other node from it. */
static void cluster_other__unknown_hosts_give_no_other_node(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    apply(&m, "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":"
              "\"IN_SERVICE\",\"primaryNode\":{\"host\":\"evil.ex\"},"
              "\"secondaryNode\":{\"host\":\"other.ex\"}}}");
    assert_int_equal(cluster_role(&m.system, "fin1.ex"), CLUSTER_UNKNOWN);
    assert_null(cluster_other(&m.system, "fin1.ex", NULL));
    assert_string_equal(cluster_other(&m.system, "fin1.ex", "fin2.ex"),
                        "fin2.ex");
    model_done(&m);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "cluster_host_equal__ignores_case_and_a_missing_domain",
           cluster_host_equal__ignores_case_and_a_missing_domain, NULL);
    tl_add(&l, "cluster_role__from_system_info", cluster_role__from_system_info,
           NULL);
    tl_add(&l, "cluster_role__a_status_without_hosts_is_said_alone",
           cluster_role__a_status_without_hosts_is_said_alone, NULL);
    tl_add(&l, "cluster_role__both_nodes_the_same_host_is_unknown",
           cluster_role__both_nodes_the_same_host_is_unknown, NULL);
    tl_add(&l, "conn_host__from_the_url_the_server_or_the_jid",
           conn_host__from_the_url_the_server_or_the_jid, NULL);
    tl_add(&l, "conn_url_at__replaces_the_host_only",
           conn_url_at__replaces_the_host_only, NULL);
    tl_add(&l, "cluster_decide__follows_the_developer_guide",
           cluster_decide__follows_the_developer_guide, NULL);
    tl_add(&l, "cluster_answer_of__reads_statuses_and_refuses_others",
           cluster_answer_of__reads_statuses_and_refuses_others, NULL);
    tl_add(&l, "cluster_other__unknown_hosts_give_no_other_node",
           cluster_other__unknown_hosts_give_no_other_node, NULL);
    return tl_run(&l, "cluster", NULL, NULL);
}
