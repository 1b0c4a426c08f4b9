/* player.c: the replay console's speeds, its schedule of the next event,
 * the times /goto accepts (hostile ones too) and the bar's stamp. */
#include "unit.h"

#include "evidence/player.h"

#include <math.h>
#include <time.h>

/* 2026-12-01T10:00:00Z */
#define T0 1796119200.0

static void in_zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void speed__goes_up_1_10_max_and_stays(void **state)
{
    (void)state;
    assert_true(player_faster(1) == 10);
    assert_true(player_faster(10) == PLAYER_MAX);
    assert_true(player_faster(PLAYER_MAX) == PLAYER_MAX);
    assert_true(player_faster(2.5) == 10);
    assert_true(player_faster(1000) == PLAYER_MAX);
    assert_true(player_faster(NAN) == PLAYER_MAX);
    assert_true(player_faster(-3) == PLAYER_MAX);
}

static void speed__goes_down_max_10_1_and_stays(void **state)
{
    (void)state;
    assert_true(player_slower(PLAYER_MAX) == 10);
    assert_true(player_slower(10) == 1);
    assert_true(player_slower(1) == 1);
    assert_true(player_slower(0.25) == 1);
    assert_true(player_slower(1000) == 10);
    assert_true(player_slower(NAN) == 10);
}

static void speed__is_named_with_its_factor(void **state)
{
    char s[16];
    (void)state;

    player_speed_name(1, s, sizeof s);
    assert_string_equal(s, "1×");
    player_speed_name(10, s, sizeof s);
    assert_string_equal(s, "10×");
    player_speed_name(PLAYER_MAX, s, sizeof s);
    assert_string_equal(s, "max");
    player_speed_name(2.5, s, sizeof s);
    assert_string_equal(s, "2.5×");
    player_speed_name(1e300, s, sizeof s); /* never past the buffer */
    assert_true(strlen(s) < sizeof s);
}

struct due_row {
    const char *name;
    double anchor_t, t, speed, want; /* want: ms after the anchor */
};

static const struct due_row due_rows[] = {
    {"due__at_1x_after_the_recorded_gap", T0, T0 + 2.5, 1, 2500},
    {"due__at_10x_after_a_tenth", T0, T0 + 2.5, 10, 250},
    {"due__at_max_at_once", T0, T0 + 2.5, PLAYER_MAX, 0},
    {"due__an_event_before_the_anchor_at_once", T0, T0 - 5, 1, 0},
    {"due__an_unknown_time_at_once", T0, 0, 1, 0},
    {"due__an_unknown_anchor_at_once", 0, T0, 1, 0},
    {"due__a_time_not_a_number_at_once", T0, NAN, 1, 0},
    {"due__an_infinite_time_at_once", T0, INFINITY, 1, 0},
    {"due__a_negative_speed_at_once", T0, T0 + 1, -1, 0},
    {"due__a_speed_not_a_number_at_once", T0, T0 + 1, NAN, 0},
    {"due__a_gap_of_a_day_at_most_an_hour", T0, T0 + 86400, 1, 3600000},
    {"due__a_tiny_speed_at_most_an_hour", T0, T0 + 1, 1e-9, 3600000},
};

static void due_row(void **state)
{
    const struct due_row *r = *state;
    double got = player_due_ms(1000, r->anchor_t, r->t, r->speed);

    assert_true(fabs(got - 1000 - r->want) < 1e-6);
}

static void time_at__ticks_with_the_speed_up_to_the_next_event(void **state)
{
    (void)state;
    assert_true(fabs(player_time_at(0, T0, 500, 1, T0 + 10) - (T0 + 0.5)) <
                1e-6);
    assert_true(fabs(player_time_at(0, T0, 500, 10, T0 + 10) - (T0 + 5)) <
                1e-6);
    /* not past the next event, not before the anchor */
    assert_true(player_time_at(0, T0, 60000, 1, T0 + 10) == T0 + 10);
    assert_true(player_time_at(1000, T0, 500, 1, T0 + 10) == T0);
    assert_true(player_time_at(0, T0, 500, PLAYER_MAX, T0 + 10) == T0);
}

struct goto_row {
    const char *name;
    const char *text;
    double want; /* < 0: refused */
};

/* In UTC; the capture from T0 - 1 to T0 + 60, at T0. */
static const struct goto_row goto_rows[] = {
    {"goto__reads_hh_mm_ss", "10:00:02", T0 + 2},
    {"goto__reads_milliseconds", "10:00:02.250", T0 + 2.25},
    {"goto__reads_a_tenth", "10:00:02.5", T0 + 2.5},
    {"goto__reads_many_digits", "10:00:02.1234567891234", T0 + 2.123456789},
    {"goto__reads_hh_mm", "10:01", T0 + 60},
    {"goto__reads_one_digit_hours", "9:59:59", T0 - 1},
    {"goto__trims_blanks", "  10:00:02 ", T0 + 2},
    {"goto__reads_rfc3339", "2026-12-01T11:00:02+01:00", T0 + 2},
    {"goto__reads_rfc3339_z", "2026-12-01T10:00:02.5Z", T0 + 2.5},
    {"goto__refuses_empty", "", -1},
    {"goto__refuses_blanks", "   ", -1},
    {"goto__refuses_hours_alone", "10", -1},
    {"goto__refuses_a_trailing_colon", "10:", -1},
    {"goto__refuses_hour_24", "24:00:00", -1},
    {"goto__refuses_minute_60", "10:60:00", -1},
    {"goto__refuses_second_60", "10:00:60", -1},
    {"goto__refuses_three_digit_parts", "100:00:00", -1},
    {"goto__refuses_negative", "-1:00:00", -1},
    {"goto__refuses_a_dot_without_digits", "10:00:00.", -1},
    {"goto__refuses_a_fraction_of_minutes", "10:00.5", -1},
    {"goto__refuses_four_parts", "10:00:00:00", -1},
    {"goto__refuses_trailing_words", "10:00:00 tomorrow", -1},
    {"goto__refuses_letters", "ab:cd:ef", -1},
    {"goto__refuses_a_bad_rfc3339", "2026-13-01T10:00:00Z", -1},
    {"goto__refuses_a_very_long_text",
     "10:00:00.000000000000000000000000000000000000000000000000000000000000000"
     "00000",
     -1},
};

static void goto_row(void **state)
{
    const struct goto_row *r = *state;
    char *cause = NULL;
    double t = -1;
    int rc;

    in_zone("UTC");
    rc = player_parse_goto(r->text, T0 - 1, T0 + 60, T0, &t, &cause);
    if (r->want < 0) {
        assert_int_equal(rc, -1);
        assert_non_null(cause);
        assert_true(strlen(cause) > 0);
        free(cause);
        return;
    }
    assert_int_equal(rc, 0);
    assert_null(cause);
    assert_true(fabs(t - r->want) < 1e-6);
}

static void goto__is_on_the_local_clock(void **state)
{
    char *cause = NULL;
    double t;
    (void)state;

    in_zone("XST-1"); /* UTC+1, no tzdata needed */
    assert_int_equal(player_parse_goto("11:00:02", T0, T0 + 60, T0, &t, &cause),
                     0);
    assert_true(fabs(t - (T0 + 2)) < 1e-6);
    in_zone("UTC");
}

static void goto__takes_the_day_inside_a_capture_over_midnight(void **state)
{
    char *cause = NULL;
    double first = T0 + 14 * 3600 - 60, last = T0 + 14 * 3600 + 600, t;
    (void)state;

    in_zone("UTC"); /* 23:59 to 00:10 the next day, now at 23:59 */
    assert_int_equal(
        player_parse_goto("00:05:00", first, last, first, &t, &cause), 0);
    assert_true(fabs(t - (T0 + 14 * 3600 + 300)) < 1e-6);
}

static void goto__without_recorded_times_says_so(void **state)
{
    char *cause = NULL;
    double t;
    (void)state;

    /* a capture's times far past any calendar are no day to go on */
    assert_int_equal(
        player_parse_goto("10:00:00", 1e300, 1e300, 1e300, &t, &cause), -1);
    free(cause);
    cause = NULL;

    assert_int_equal(player_parse_goto("10:00:00", 0, 0, 0, &t, &cause), -1);
    assert_non_null(strstr(cause, "no recorded times"));
    free(cause);
    assert_int_equal(player_parse_goto(NULL, T0, T0, T0, &t, &cause), -1);
    free(cause);
}

static void stamp__has_date_milliseconds_and_zone(void **state)
{
    char s[48];
    (void)state;

    in_zone("UTC");
    player_stamp(T0 + 2.25, s, sizeof s);
    assert_string_equal(s, "2026-12-01 10:00:02.250 +0000");
    /* a time read as 0.1 s (0.0999… in a double) shows its millisecond */
    player_stamp(T0 + 0.1, s, sizeof s);
    assert_string_equal(s, "2026-12-01 10:00:00.100 +0000");
    player_stamp(T0 + 0.9999, s, sizeof s); /* rounds into the next second */
    assert_string_equal(s, "2026-12-01 10:00:01.000 +0000");
    in_zone("XST-1");
    player_stamp(T0, s, sizeof s);
    assert_string_equal(s, "2026-12-01 11:00:00.000 +0100");
    in_zone("UTC");
    player_stamp(0, s, sizeof s);
    assert_string_equal(s, "--:--:--");
    player_stamp(NAN, s, sizeof s);
    assert_string_equal(s, "--:--:--");
    player_stamp(1e300, s, sizeof s); /* past year 9999: unknown */
    assert_string_equal(s, "--:--:--");
    player_stamp(INFINITY, s, sizeof s);
    assert_string_equal(s, "--:--:--");
    player_stamp(T0, s, 8); /* cut, terminated */
    assert_int_equal(strlen(s), 7);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "speed__goes_up_1_10_max_and_stays",
           speed__goes_up_1_10_max_and_stays, NULL);
    tl_add(&l, "speed__goes_down_max_10_1_and_stays",
           speed__goes_down_max_10_1_and_stays, NULL);
    tl_add(&l, "speed__is_named_with_its_factor",
           speed__is_named_with_its_factor, NULL);
    TL_ROWS(&l, due_rows, due_row);
    tl_add(&l, "time_at__ticks_with_the_speed_up_to_the_next_event",
           time_at__ticks_with_the_speed_up_to_the_next_event, NULL);
    TL_ROWS(&l, goto_rows, goto_row);
    tl_add(&l, "goto__is_on_the_local_clock", goto__is_on_the_local_clock,
           NULL);
    tl_add(&l, "goto__takes_the_day_inside_a_capture_over_midnight",
           goto__takes_the_day_inside_a_capture_over_midnight, NULL);
    tl_add(&l, "goto__without_recorded_times_says_so",
           goto__without_recorded_times_says_so, NULL);
    tl_add(&l, "stamp__has_date_milliseconds_and_zone",
           stamp__has_date_milliseconds_and_zone, NULL);
    return tl_run(&l, "player", NULL, NULL);
}
