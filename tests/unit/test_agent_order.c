/* agent_order_sort: the Agents pane's orders (s cycles them), ties and
 * unknown times included. */
#include "unit.h"

#include "base/buf.h"
#include "model/map.h"
#include "model/model.h"
#include "ui/agent_order.h"

#define NOW 1000000.0 /* ms, the wall clock the times are taken at */

/* The agents every row sorts: id, first, last, state, seconds in state
 * (-1: unknown). */
static const struct fixture {
    const char *id, *first, *last, *state;
    double secs;
} agents[] = {
    {"1003", "Ada", "Lovelace", "READY", 30},
    {"1001", "Alan", "Turing", "NOT_READY", 300},
    {"1002", "grace", "hopper", "READY", 5},
    {"1005", "Ada", "lovelace", "TALKING", -1},
    {"1004", "Edsger", "Dijkstra", "NOT_READY", 300},
};

#define N (sizeof agents / sizeof agents[0])

struct row {
    const char *name;
    enum agent_order order;
    double drift_ms;
    const char *want; /* ids in order, space separated */
};

static const struct row rows[] = {
    {"agent_order__state_sorts_by_state_then_name", AGENT_ORDER_STATE, 0,
     "1004 1001 1002 1003 1005"},
    {"agent_order__time_puts_the_longest_first_ties_by_name_unknown_last",
     AGENT_ORDER_TIME, 0, "1004 1001 1003 1002 1005"},
    {"agent_order__name_ignores_case_and_ends_in_the_id", AGENT_ORDER_NAME, 0,
     "1004 1002 1003 1005 1001"},
    {"agent_order__id_sorts_by_login_id", AGENT_ORDER_ID, 0,
     "1001 1002 1003 1004 1005"},
};

static void row(void **state)
{
    const struct row *r = *state;
    struct agent a[N], *v[N];
    struct model m;
    struct buf got;
    size_t i;

    model_init(&m);
    m.drift_ms = r->drift_ms;
    memset(a, 0, sizeof a);
    for (i = 0; i < N; i++) {
        a[i].login_id = (char *)agents[i].id;
        a[i].first_name = (char *)agents[i].first;
        a[i].last_name = (char *)agents[i].last;
        a[i].state = (char *)agents[i].state;
        /* seconds in state at NOW as the server's clock says */
        a[i].state_change_ms =
            agents[i].secs < 0 ? 0 : NOW + r->drift_ms - agents[i].secs * 1000;
        v[i] = &a[i];
    }
    agent_order_sort(v, N, r->order, &m, NOW);
    buf_init(&got);
    for (i = 0; i < N; i++)
        buf_printf(&got, "%s%s", i ? " " : "", v[i]->login_id);
    assert_string_equal(got.data, r->want);
    buf_done(&got);
    model_done(&m);
}

static void agent_order__names_each_order(void **state)
{
    (void)state;
    assert_string_equal(agent_order_name(AGENT_ORDER_STATE), "state");
    assert_string_equal(agent_order_name(AGENT_ORDER_TIME), "time");
    assert_string_equal(agent_order_name(AGENT_ORDER_NAME), "name");
    assert_string_equal(agent_order_name(AGENT_ORDER_ID), "id");
}

static void agent_order__sorts_no_agents(void **state)
{
    struct model m;
    (void)state;

    model_init(&m);
    agent_order_sort(NULL, 0, AGENT_ORDER_TIME, &m, NOW);
    agent_order_sort(NULL, 0, AGENT_ORDER_NAME, &m, NOW);
    model_done(&m);
}

/* The title's counts: Finesse's order whatever the map's, states it does
 * not name after its own. */
static void agent_order__counts_states_in_finesse_order(void **state)
{
    static const char *const states[] = {"TALKING", "READY",  "WORK",
                                         "BREAK",   "READY",  "NOT_READY",
                                         "",        "LOGOUT", "TALKING"};
    struct agent a[9];
    struct map m;
    char ids[9][8], out[200];
    size_t i;
    (void)state;

    map_init(&m);
    memset(a, 0, sizeof a);
    agent_state_counts(&m, out, sizeof out);
    assert_string_equal(out, "");
    for (i = 0; i < 9; i++) {
        snprintf(ids[i], sizeof ids[i], "%zu", 1000 + i);
        a[i].login_id = ids[i];
        a[i].state = (char *)states[i];
        map_put(&m, ids[i], &a[i]);
    }
    agent_state_counts(&m, out, sizeof out);
    assert_string_equal(out, "LOGOUT 1  NOT_READY 1  READY 2  TALKING 2  "
                             "WORK 1  BREAK 1  ? 1");
    agent_state_counts(&m, out, 12); /* cut, still a string */
    assert_string_equal(out, "LOGOUT 1  N");
    map_done(&m, NULL);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "agent_order__names_each_order", agent_order__names_each_order,
           NULL);
    tl_add(&l, "agent_order__sorts_no_agents", agent_order__sorts_no_agents,
           NULL);
    tl_add(&l, "agent_order__counts_states_in_finesse_order",
           agent_order__counts_states_in_finesse_order, NULL);
    return tl_run(&l, "agent_order", NULL, NULL);
}
