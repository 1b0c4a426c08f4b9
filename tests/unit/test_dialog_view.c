/*
 * The Dialogs detail (ui/dialog_view.c): pinned to its call while other
 * calls come and go; says when the call ended and keeps its last state
 * after the model forgot it.
 */
#include "unit.h"

#include "base/buf.h"
#include "model/model.h"
#include "ui/dialog_view.h"

#define NODE "/finesse/api/User/1001002/Dialogs"

static void apply(struct model *m, const char *event, const char *dialogs,
                  double now)
{
    char *text = xasprintf("{\"node\":\"" NODE "\",\"event\":\"%s\",\"kind\":"
                           "\"dialogs\",\"dialogs\":%s}",
                           event, dialogs);
    json_error_t err;
    json_t *ev = json_loads(text, 0, &err);

    if (ev == NULL)
        fail_msg("bad test JSON %s: %s", text, err.text);
    model_apply(m, ev, now);
    json_decref(ev);
    free(text);
}

/* The line of the view that starts with prefix; NULL when none. */
static const char *line(const struct dialog_view *v, const char *prefix)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        if (strncmp(v->lines[i], prefix, strlen(prefix)) == 0)
            return v->lines[i];
    return NULL;
}

static void expect_line(const struct dialog_view *v, const char *want)
{
    if (line(v, want) == NULL)
        fail_msg("no line \"%s\" in the detail of %s", want, v->id);
}

static void dialog_view__stays_on_its_call_while_others_come_and_go(void **s)
{
    struct model m;
    struct dialog_view v = {0};
    (void)s;

    model_init(&m);
    apply(&m, "POST",
          "[{\"id\":\"200\",\"state\":\"ACTIVE\",\"fromAddress\":\"B\"}]",
          1000);
    apply(&m, "POST",
          "[{\"id\":\"300\",\"state\":\"ALERTING\",\"fromAddress\":\"C\","
          "\"callVariables\":{\"callVariable1\":\"mine\"}}]",
          1000);
    dialog_view_open(&v, "300");
    dialog_view_refresh(&v, &m, 1000);
    expect_line(&v, "fromAddress            C");
    /* a call sorted before it arrives, another ends and is forgotten */
    apply(&m, "POST", "[{\"id\":\"100\",\"state\":\"ALERTING\"}]", 2000);
    apply(&m, "DELETE", "[{\"id\":\"200\",\"state\":\"DROPPED\"}]", 2000);
    model_expire(&m, 2000 + m.ended_keep_ms);
    assert_null(map_get(&m.dialogs, "200"));
    apply(&m, "PUT", "[{\"id\":\"300\",\"state\":\"ACTIVE\"}]", 3000);
    dialog_view_refresh(&v, &m, 3000);
    assert_string_equal(v.id, "300");
    assert_false(v.gone);
    assert_true(v.ended_ms == 0);
    expect_line(&v, "state                  ACTIVE");
    expect_line(&v, "fromAddress            C");
    expect_line(&v, "  callVariable1        mine");
    assert_null(line(&v, "fromAddress            B"));
    dialog_view_done(&v);
    model_done(&m);
}

static void dialog_view__says_when_its_call_ended_and_keeps_it(void **s)
{
    struct model m;
    struct dialog_view v = {0};
    (void)s;

    model_init(&m);
    apply(&m, "POST",
          "[{\"id\":\"300\",\"state\":\"ACTIVE\",\"participants\":[{"
          "\"mediaAddress\":\"1001002\",\"state\":\"ACTIVE\"}]}]",
          1000);
    dialog_view_open(&v, "300");
    dialog_view_refresh(&v, &m, 1000);
    apply(&m, "DELETE",
          "[{\"id\":\"300\",\"state\":\"DROPPED\",\"participants\":[{"
          "\"mediaAddress\":\"1001002\",\"state\":\"DROPPED\"}]}]",
          5000);
    dialog_view_refresh(&v, &m, 5000);
    assert_true(v.ended_ms == 5000);
    assert_false(v.gone);
    expect_line(&v, "state                  DROPPED");
    expect_line(&v, "participant 1: 1001002 () DROPPED");
    /* past the time ended calls stay listed: gone, still the same lines */
    dialog_view_refresh(&v, &m, 5000 + m.ended_keep_ms);
    assert_true(v.gone);
    expect_line(&v, "state                  DROPPED");
    /* forgotten by the model: the last state stays */
    assert_int_equal(model_expire(&m, 5000 + m.ended_keep_ms), 1);
    dialog_view_refresh(&v, &m, 5000 + m.ended_keep_ms);
    assert_true(v.gone);
    assert_true(v.ended_ms == 5000);
    expect_line(&v, "state                  DROPPED");
    /* a POST of the id after a failover brings it back */
    apply(&m, "POST", "[{\"id\":\"300\",\"state\":\"ACTIVE\"}]", 90000);
    dialog_view_refresh(&v, &m, 90000);
    assert_false(v.gone);
    assert_true(v.ended_ms == 0);
    expect_line(&v, "state                  ACTIVE");
    dialog_view_done(&v);
    assert_null(v.id);
    model_done(&m);
}

static void dialog_view__lists_fields_participants_and_variables(void **s)
{
    struct model m;
    const struct dialog *d;
    char **lines;
    size_t n;
    (void)s;

    model_init(&m);
    apply(&m, "POST",
          "[{\"id\":\"7\",\"uri\":\"/finesse/api/Dialog/7\",\"participants\":[{"
          "\"mediaAddress\":\"1\",\"mediaAddressType\":\"AGENT_DEVICE\","
          "\"state\":\"HELD\",\"stateChangeTime\":\"t\",\"actions\":["
          "\"RETRIEVE\",\"DROP\"]}],\"callVariables\":{\"user.x\":\"y\"}}]",
          1000);
    d = map_get(&m.dialogs, "7");
    assert_non_null(d);
    lines = dialog_view_lines(d, &n);
    assert_int_equal(n, 6);
    assert_string_equal(lines[0], "id                     7");
    assert_string_equal(lines[1],
                        "uri                    /finesse/api/Dialog/7");
    assert_string_equal(lines[2],
                        "participant 1: 1 (AGENT_DEVICE) HELD since t");
    assert_string_equal(lines[3], "  actions: RETRIEVE DROP");
    assert_string_equal(lines[4], "call variables:");
    assert_string_equal(lines[5], "  user.x               y");
    dialog_view_lines_free(lines, n);
    model_done(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            dialog_view__stays_on_its_call_while_others_come_and_go),
        cmocka_unit_test(dialog_view__says_when_its_call_ended_and_keeps_it),
        cmocka_unit_test(dialog_view__lists_fields_participants_and_variables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
