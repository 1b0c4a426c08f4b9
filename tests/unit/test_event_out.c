/* watch's human line: the node column shortened from the left, the
 * line within 80 columns; the session lines of watch --json. */
#include "unit.h"

#include "cmd/event_out.h"
#include "base/utf8.h"

#include <jansson.h>

/* Columns of a UTF-8 line (every code point one column here). */
static size_t columns(const char *s)
{
    size_t n = 0;
    uint32_t c;

    while (*s) {
        s += utf8_next(s, &c);
        n++;
    }
    return n;
}

struct node_row {
    const char *name;
    const char *node;
    const char *want; /* what the node column holds, trimmed */
};

static const struct node_row node_rows[] = {
    {"event_line_node__keeps_a_short_node", "/finesse/api/Queue/1",
     "/finesse/api/Queue/1 "},
    {"event_line_node__cuts_a_long_node_from_the_left_at_a_slash",
     "/finesse/api/User/1001001/Dialogs",
     "\xe2\x80\xa6"
     "/User/1001001/Dialogs "},
    {"event_line_node__keeps_the_distinct_end_of_a_team_node",
     "/finesse/api/Team/5000/Users",
     "\xe2\x80\xa6"
     "/api/Team/5000/Users "},
    {"event_line_node__shows_a_dash_without_a_node", "", "- "},
};

static void node_row(void **state)
{
    const struct node_row *r = *state;
    json_t *ev = json_pack("{s:s, s:s, s:s, s:s}", "node", r->node, "event",
                           "PUT", "kind", "xml", "xml", "<x/>");
    char *line = event_line_node(ev);

    assert_contains(line, r->want);
    assert_true(columns(line) <= 80);
    assert_not_contains(line, "/a/b  <x/>");
    free(line);
    json_decref(ev);
}

/* A long user line with a long node still fits 80 columns. */
static void event_line_node__fits_80_columns(void **state)
{
    json_t *ev =
        json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "node",
                  "/finesse/api/Team/5000000000000000/Users/and/more/segments",
                  "event", "PUT", "kind", "user", "user", "loginId", "1001001",
                  "firstName", "Maximiliana-Josephine", "lastName",
                  "Oberwiesenthaler-Smith", "state", "NOT_READY");
    char *line = event_line_node(ev);
    (void)state;

    assert_true(columns(line) <= 80);
    assert_contains(line, "PUT    user       \xe2\x80\xa6");
    free(line);
    json_decref(ev);
}

/* The control characters of a hostile node do not reach the terminal. */
static void event_line_node__neutralises_control_characters(void **state)
{
    json_t *ev =
        json_pack("{s:s, s:s}", "node", "/x\x1b[31m/y", "kind", "retract");
    char *line = event_line_node(ev);
    (void)state;

    assert_not_contains(line, "\x1b");
    free(line);
    json_decref(ev);
}

static void event_stamp_resync__marks_the_item_after_the_service(void **st)
{
    json_t *ev = json_pack("{s:s, s:s}", "node", "/n", "kind", "user");
    char *text;
    (void)st;

    event_stamp_resync(ev, "pubsub.x", 1);
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_contains(text, "\"service\":\"pubsub.x\",\"resync\":true,"
                          "\"node\":\"/n\"");
    free(text);
    json_decref(ev);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, node_rows, node_row);
    tl_add(&l, "event_line_node__fits_80_columns",
           event_line_node__fits_80_columns, NULL);
    tl_add(&l, "event_line_node__neutralises_control_characters",
           event_line_node__neutralises_control_characters, NULL);
    tl_add(&l, "event_stamp_resync__marks_the_item_after_the_service",
           event_stamp_resync__marks_the_item_after_the_service, NULL);
    return tl_run(&l, "event_out", NULL, NULL);
}
