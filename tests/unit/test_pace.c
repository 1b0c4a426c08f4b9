/* pace: when the console draws its next frame — a key's effect within
 * 33 ms, the server's within 100 ms, and only 4 frames a second during a
 * flood of server changes (a frame costs more than anyone reads of it). */
#include "unit.h"

#include "ui/pace.h"

#include <math.h>

#define assert_ms(got, want) assert_true(fabs((got) - (want)) < 1e-6)

/* a frame was drawn at 1000 ms; n changes came, each asking for a frame
 * at now; the last request's answer */
static double changes(struct pace *p, int n, double now)
{
    double in = -2;

    while (n-- > 0) {
        pace_change(p);
        in = pace_request(p, now, 0);
    }
    return in;
}

static void pace__a_lone_event_is_drawn_within_100_ms(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    assert_ms(changes(&p, 1, 1010), 90);
    assert_ms(changes(&p, 1, 1020), -1); /* the pending frame stands */
    assert_ms(p.due_ms, 1100);
}

static void pace__a_key_brings_the_servers_pending_frame_forward(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    assert_ms(changes(&p, 1, 1010), 90);
    assert_ms(pace_request(&p, 1012, 1), 1000 + 1000.0 / UI_FPS - 1012);
    assert_true(p.for_user);
    assert_ms(pace_request(&p, 1013, 0), -1);
}

static void pace__a_flood_puts_off_the_servers_frame_to_4_a_second(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    assert_ms(changes(&p, 1, 1001), 99);
    /* up to UI_FLOOD_CHANGES the frame stands at 100 ms */
    assert_ms(changes(&p, UI_FLOOD_CHANGES - 1, 1002), -1);
    assert_ms(p.due_ms, 1100);
    /* one more is a flood: put off to 250 ms, once */
    assert_ms(changes(&p, 1, 1003), 1250 - 1003);
    assert_ms(changes(&p, 100, 1004), -1);
    assert_ms(p.due_ms, 1000 + 1000.0 / UI_FLOOD_FPS);
}

static void pace__a_flood_never_puts_off_a_frame_for_a_key(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    assert_ms(pace_request(&p, 1001, 1), 1000 + 1000.0 / UI_FPS - 1001);
    assert_ms(changes(&p, 200, 1002), -1);
    assert_ms(p.due_ms, 1000 + 1000.0 / UI_FPS);
}

static void pace__a_key_during_a_flood_is_drawn_at_once_if_overdue(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    changes(&p, UI_FLOOD_CHANGES + 1, 1001);
    assert_ms(p.due_ms, 1250);
    assert_ms(pace_request(&p, 1100, 1), 0);
    assert_ms(p.due_ms, 1100);
}

static void
pace__after_the_flood_frame_a_quiet_server_is_drawn_at_10_a_second(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    changes(&p, 500, 1001);
    pace_drawn(&p, 1250);
    assert_int_equal(p.changes, 0);
    assert_false(p.pending);
    assert_ms(changes(&p, 3, 1260), -1);
    assert_ms(p.due_ms, 1350);
}

static void pace__a_frame_asked_for_long_after_the_last_is_due_now(void **state)
{
    struct pace p = {0};
    (void)state;

    pace_drawn(&p, 1000);
    assert_ms(changes(&p, 1, 5000), 0);
    assert_ms(p.due_ms, 5000);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "pace__a_lone_event_is_drawn_within_100_ms",
           pace__a_lone_event_is_drawn_within_100_ms, NULL);
    tl_add(&l, "pace__a_key_brings_the_servers_pending_frame_forward",
           pace__a_key_brings_the_servers_pending_frame_forward, NULL);
    tl_add(&l, "pace__a_flood_puts_off_the_servers_frame_to_4_a_second",
           pace__a_flood_puts_off_the_servers_frame_to_4_a_second, NULL);
    tl_add(&l, "pace__a_flood_never_puts_off_a_frame_for_a_key",
           pace__a_flood_never_puts_off_a_frame_for_a_key, NULL);
    tl_add(&l, "pace__a_key_during_a_flood_is_drawn_at_once_if_overdue",
           pace__a_key_during_a_flood_is_drawn_at_once_if_overdue, NULL);
    tl_add(&l,
           "pace__after_the_flood_frame_a_quiet_server_is_drawn_at_10_a_second",
           pace__after_the_flood_frame_a_quiet_server_is_drawn_at_10_a_second,
           NULL);
    tl_add(&l, "pace__a_frame_asked_for_long_after_the_last_is_due_now",
           pace__a_frame_asked_for_long_after_the_last_is_due_now, NULL);
    return tl_run(&l, "pace", NULL, NULL);
}
