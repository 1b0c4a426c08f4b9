/* ui_duration and ui_age: the times in state, call durations and waits
 * the panes show, and when each text changes next (the console's only
 * wake-ups when idle). */
#include "unit.h"

#include "ui/duration.h"

struct row {
    const char *name;
    double ms;
    const char *want;
};

static const struct row rows[] = {
    {"duration__shows_zero_seconds", 0, "0s"},
    {"duration__cuts_a_part_second", 999, "0s"},
    {"duration__shows_seconds_below_a_minute", 59999, "59s"},
    {"duration__shows_minutes_and_padded_seconds", 60000, "1m00s"},
    {"duration__shows_12m05s", (12 * 60 + 5) * 1000.0, "12m05s"},
    {"duration__shows_the_last_second_before_an_hour", 3599000, "59m59s"},
    {"duration__shows_hours_and_padded_minutes", 3600000, "1h00m"},
    {"duration__shows_3h02m", (3 * 3600 + 2 * 60 + 59) * 1000.0, "3h02m"},
    {"duration__shows_hours_up_to_99", (99 * 3600 + 59 * 60) * 1000.0,
     "99h59m"},
    {"duration__shows_days_from_100_hours", 100 * 3600 * 1000.0, "4d"},
    {"duration__shows_a_year_in_days", 365 * 86400 * 1000.0, "365d"},
    {"duration__shows_a_negative_time_as_zero", -5000, "0s"},
};

static const struct row age_rows[] = {
    {"age__shows_under_a_minute", 0, "<1m"},
    {"age__shows_59_seconds_under_a_minute", 59999, "<1m"},
    {"age__shows_whole_minutes", 60000, "1m"},
    {"age__cuts_to_59m", 3599999, "59m"},
    {"age__shows_whole_hours", 3600000, "1h"},
    {"age__shows_hours_up_to_99", (99 * 3600 + 3599) * 1000.0, "99h"},
    {"age__shows_days_from_100_hours", 100 * 3600 * 1000.0, "4d"},
    {"age__shows_a_negative_time_as_under_a_minute", -5000, "<1m"},
};

struct next_row {
    const char *name;
    double (*next)(double ms);
    double ms, want;
};

static const struct next_row next_rows[] = {
    {"duration_next__is_the_next_second", ui_duration_next, 12300, 700},
    {"duration_next__is_a_whole_second_on_a_boundary", ui_duration_next, 5000,
     1000},
    {"duration_next__is_seconds_below_an_hour", ui_duration_next, 3599000 + 250,
     750},
    {"duration_next__is_minutes_from_an_hour", ui_duration_next, 3600000 + 1000,
     59000},
    {"duration_next__is_days_from_100_hours", ui_duration_next,
     100 * 3600 * 1000.0, 20 * 3600 * 1000.0},
    {"duration_next__waits_for_a_negative_time_to_pass_a_second",
     ui_duration_next, -5000, 6000},
    {"age_next__is_the_next_minute", ui_age_next, 5000, 55000},
    {"age_next__is_hours_from_an_hour", ui_age_next, 3600000 + 60000, 3540000},
    {"age_next__is_days_from_100_hours", ui_age_next, 100 * 3600 * 1000.0,
     20 * 3600 * 1000.0},
};

static void age_row(void **state)
{
    const struct row *r = *state;
    char out[32];

    ui_age(out, sizeof out, r->ms);
    assert_string_equal(out, r->want);
}

/* the text is the same just before the moment, and differs at it */
static void next_row(void **state)
{
    const struct next_row *r = *state;
    char before[32], at[32], just[32];
    void (*fmt)(char *, size_t, double) =
        r->next == ui_age_next ? ui_age : ui_duration;
    double n = r->next(r->ms);

    assert_true(n > r->want - 0.001 && n < r->want + 0.001);
    fmt(before, sizeof before, r->ms);
    fmt(just, sizeof just, r->ms + n - 1);
    fmt(at, sizeof at, r->ms + n);
    assert_string_equal(before, just);
    assert_string_not_equal(before, at);
}

static void row(void **state)
{
    const struct row *r = *state;
    char out[32];

    ui_duration(out, sizeof out, r->ms);
    assert_string_equal(out, r->want);
}

static void duration__always_terminates_a_short_buffer(void **state)
{
    char out[4];
    (void)state;

    ui_duration(out, sizeof out, 12 * 60 * 1000.0);
    assert_string_equal(out, "12m");
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    TL_ROWS(&l, age_rows, age_row);
    TL_ROWS(&l, next_rows, next_row);
    tl_add(&l, "duration__always_terminates_a_short_buffer",
           duration__always_terminates_a_short_buffer, NULL);
    return tl_run(&l, "duration", NULL, NULL);
}
