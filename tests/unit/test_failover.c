/* rest/failover.c without a network: what it takes from stanzas and
 * events, and what it says and does when no REST client can be made (the
 * round ends at once, so cluster_decide's step is taken synchronously). */
#include "unit.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "base/loop.h"
#include "rest/failover.h"
#include "rest/rest.h"

#include <jansson.h>

struct seen {
    int connects, changes;
};

static struct rest *no_rest(void *arg, const char *host, char **cause)
{
    (void)arg;
    *cause = xasprintf("no REST to %s in a unit test", host);
    return NULL;
}

static void on_connect(void *arg, int moved)
{
    struct seen *s = arg;
    (void)moved;
    s->connects++;
}

static void on_changed(void *arg)
{
    struct seen *s = arg;
    s->changes++;
}

static const struct failover_events events = {
    .rest_at = no_rest,
    .connect = on_connect,
    .changed = on_changed,
};

static struct failover *make(struct loop *l, const char *alternate,
                             struct seen *s)
{
    struct failover_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.loop = l;
    cfg.host = "fin1.ex";
    cfg.alternate = alternate;
    cfg.domain = "ex";
    return failover_new(&cfg, &events, s);
}

static xmpp_stanza_t *presence(const char *from, const char *type)
{
    xmpp_stanza_t *p = xmpp_presence_new(ctx);

    if (from)
        xmpp_stanza_set_from(p, from);
    if (type)
        xmpp_stanza_set_type(p, type);
    return p;
}

/* 1 when the stanza was taken as the finesse user's presence. */
static int offer(struct failover *f, const char *from, const char *type)
{
    xmpp_stanza_t *p = presence(from, type);
    int took = failover_stanza(f, p);

    xmpp_stanza_release(p);
    return took;
}

static void failover_stanza__takes_only_the_finesse_user_presence(void **state)
{
    struct loop *l = loop_new();
    struct seen s = {0};
    struct failover *f = make(l, NULL, &s);
    xmpp_stanza_t *m;
    (void)state;

    assert_true(offer(f, "finesse@ex/desktop", "unavailable"));
    assert_true(offer(f, "FINESSE@EX", NULL));
    assert_false(offer(f, "finesse@other.ex", "unavailable"));
    assert_false(offer(f, "agent@ex", "unavailable"));
    assert_false(offer(f, "ex", NULL));
    assert_false(offer(f, NULL, "unavailable"));
    assert_false(offer(f, "@@@", NULL));
    m = xmpp_message_new(ctx, NULL, NULL, NULL);
    xmpp_stanza_set_from(m, "finesse@ex");
    assert_false(failover_stanza(f, m));
    xmpp_stanza_release(m);
    failover_free(f);
    loop_free(l);
}

/* Without another node nothing changes: a loss is the link's own. */
static void failover_lost__without_another_node_is_the_link_s(void **state)
{
    struct loop *l = loop_new();
    struct seen s = {0};
    struct failover *f = make(l, NULL, &s);
    char *cause = NULL;
    (void)state;

    assert_false(failover_known(f));
    failover_online(f);
    assert_int_equal(failover_lost(f, 1000), 0);
    assert_null(failover_doing(f));
    assert_null(failover_moved_host(f));
    assert_string_equal(failover_host(f), "fin1.ex");
    assert_int_equal(failover_ask(f, "other", &cause), -1);
    assert_non_null(strstr(cause, "no other node known"));
    free(cause);
    failover_free(f);
    loop_free(l);
}

/* A SystemInfo names the pair (with the desktop's words about it); a loss
 * is then the failover's, said as the desktop says it. */
static void failover_learn__names_the_pair_and_a_loss_is_followed(void **state)
{
    struct loop *l = loop_new();
    struct seen s = {0};
    struct failover *f = make(l, NULL, &s);
    json_error_t err;
    json_t *ev = json_loads(
        "{\"kind\":\"systeminfo\",\"systeminfo\":{\"status\":\"IN_SERVICE\","
        "\"primaryNode\":{\"host\":\"fin1.ex\"},"
        "\"secondaryNode\":{\"host\":\"fin2.ex\"}}}",
        0, &err);
    (void)state;

    failover_online(f);
    failover_learn(f, ev);
    json_decref(ev);
    assert_true(failover_known(f));
    assert_string_equal(failover_role(f, "fin1.ex"), "primary");
    assert_string_equal(failover_role(f, "FIN2"), "secondary");
    assert_null(failover_role(f, "fin3.ex"));
    assert_string_equal(failover_online_host(f), "fin1.ex");
    assert_int_equal(failover_lost(f, 1000), 1);
    assert_string_equal(failover_doing(f),
                        "Lost connection to fin1.ex (primary). Please wait "
                        "for a reachable Finesse Server to be found…");
    assert_int_equal(s.connects, 0); /* the delay first, then the round */
    failover_free(f);
    loop_free(l);
}

/* Online, the finesse user UNAVAILABLE: perch waits (the round ends at
 * once here: no REST); AVAILABLE again ends the wait. Not an event of
 * the rules: a kind other than systeminfo is ignored. */
static void failover_stanza__unavailable_waits_available_ends_it(void **state)
{
    struct loop *l = loop_new();
    struct seen s = {0};
    struct failover *f = make(l, "fin2.ex", &s);
    json_t *other = json_pack("{s:s}", "kind", "user");
    (void)state;

    failover_online(f);
    failover_learn(f, other);
    json_decref(other);
    assert_null(failover_doing(f));
    assert_true(offer(f, "finesse@ex", "unavailable"));
    assert_non_null(failover_doing(f));
    assert_non_null(strstr(failover_doing(f), "UNAVAILABLE"));
    assert_non_null(strstr(failover_doing(f), "AVAILABLE and IN_SERVICE"));
    assert_int_equal(s.connects, 0);
    assert_true(offer(f, "finesse@ex", NULL));
    assert_null(failover_doing(f));
    failover_free(f);
    loop_free(l);
}

/* /node: words it knows, nodes it knows. */
static void failover_ask__refuses_odd_words_and_the_node_it_is_on(void **state)
{
    struct loop *l = loop_new();
    struct seen s = {0};
    struct failover *f = make(l, "fin2.ex", &s);
    char *cause = NULL;
    (void)state;

    failover_online(f);
    assert_int_equal(failover_ask(f, "tertiary", &cause), -1);
    assert_non_null(strstr(cause, "'tertiary' is not primary"));
    free(cause);
    cause = NULL;
    assert_int_equal(failover_ask(f, "primary", &cause), -1); /* not known */
    free(cause);
    cause = NULL;
    assert_int_equal(failover_ask(f, "other", &cause), 0);
    assert_string_equal(failover_host(f), "fin2.ex");
    assert_string_equal(failover_moved_host(f), "fin2.ex");
    assert_non_null(strstr(failover_doing(f), "Moving to fin2.ex"));
    failover_free(f);
    loop_free(l);
}

/* A REST client whose requests stay in flight (the loop never runs). */
static struct rest *pending_rest(void *arg, const char *host, char **cause)
{
    struct rest_config cfg;
    (void)host;

    memset(&cfg, 0, sizeof cfg);
    cfg.base = "https://127.0.0.1:9";
    cfg.user = "agent";
    cfg.password = "pw";
    return rest_new(arg, ctx, &cfg, cause);
}

static void quiet(void *arg, int moved)
{
    (void)arg;
    (void)moved;
}

static const struct failover_events pending_events = {
    .rest_at = pending_rest,
    .connect = quiet,
};

static json_t *systeminfo(const char *status)
{
    return json_pack("{s:s,s:{s:s,s:{s:s},s:{s:s}}}", "kind", "systeminfo",
                     "systeminfo", "status", status, "primaryNode", "host",
                     "fin1.ex", "secondaryNode", "host", "fin2.ex");
}

/* An OUT_OF_SERVICE Update starts a round; a REST answer IN_SERVICE to a
 * GET made before that Update (the node answered before it sent the
 * Update) does not end it; one made after it does. Only SystemInfo
 * Updates move the mark. */
static void
failover_learn_answer__older_than_an_update_is_not_taken(void **state)
{
    struct loop *l = loop_new();
    struct failover_config cfg;
    struct failover *f;
    json_t *oos = systeminfo("OUT_OF_SERVICE"), *in = systeminfo("IN_SERVICE");
    json_t *user = json_pack("{s:s}", "kind", "user");
    unsigned before;
    (void)state;

    memset(&cfg, 0, sizeof cfg);
    cfg.loop = l;
    cfg.host = "fin1.ex";
    cfg.domain = "ex";
    f = failover_new(&cfg, &pending_events, l);
    failover_online(f);
    before = failover_mark(f);
    failover_learn(f, user);
    assert_int_equal(failover_mark(f), before);
    failover_learn(f, oos);
    assert_int_equal(failover_mark(f), before + 1);
    assert_non_null(failover_doing(f));
    assert_non_null(strstr(failover_doing(f),
                           "fin1.ex (primary) is OUT_OF_SERVICE: asking"));
    failover_learn_answer(f, in, before); /* stale */
    assert_non_null(failover_doing(f));
    assert_non_null(strstr(failover_doing(f), "is OUT_OF_SERVICE: asking"));
    failover_learn_answer(f, in, failover_mark(f)); /* fresh */
    assert_null(failover_doing(f));
    json_decref(oos);
    json_decref(in);
    json_decref(user);
    failover_free(f);
    loop_free(l);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "failover_stanza__takes_only_the_finesse_user_presence",
           failover_stanza__takes_only_the_finesse_user_presence, NULL);
    tl_add(&l, "failover_lost__without_another_node_is_the_link_s",
           failover_lost__without_another_node_is_the_link_s, NULL);
    tl_add(&l, "failover_learn__names_the_pair_and_a_loss_is_followed",
           failover_learn__names_the_pair_and_a_loss_is_followed, NULL);
    tl_add(&l, "failover_stanza__unavailable_waits_available_ends_it",
           failover_stanza__unavailable_waits_available_ends_it, NULL);
    tl_add(&l, "failover_ask__refuses_odd_words_and_the_node_it_is_on",
           failover_ask__refuses_odd_words_and_the_node_it_is_on, NULL);
    tl_add(&l, "failover_learn_answer__older_than_an_update_is_not_taken",
           failover_learn_answer__older_than_an_update_is_not_taken, NULL);
    return tl_run(&l, "failover", strophe_setup, strophe_teardown);
}
