/* ui_duration: the times in state, call durations and waits the panes
 * show. */
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
    tl_add(&l, "duration__always_terminates_a_short_buffer",
           duration__always_terminates_a_short_buffer, NULL);
    return tl_run(&l, "duration", NULL, NULL);
}
