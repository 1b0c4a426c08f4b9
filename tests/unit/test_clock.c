/* base/clock.c: the drift as an interval, the next query's moment, and
 * the time formats servers send (from the network: hostile cases too). */
#include "unit.h"

#include "base/clock.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 2026-11-22T01:21:15Z in ms since the epoch */
#define BASE 1795310475000.0

static void clock_drift_sample__bounds_the_drift_by_the_window(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    assert_false(d.known);
    assert_true(clock_drift_ms(&d) == 0);
    /* read 15.000 s (whole seconds) between our 14.900 and 15.100 */
    assert_int_equal(
        clock_drift_sample(&d, BASE, 1000, BASE - 100, BASE + 100, "x"), 1);
    assert_true(d.known);
    assert_true(d.lo_ms == -100 && d.hi_ms == 1100 + CLOCK_SERVER_LAG_MS);
    assert_true(clock_drift_ms(&d) == 500 + CLOCK_SERVER_LAG_MS / 2);
    assert_true(clock_drift_error_ms(&d) == 600 + CLOCK_SERVER_LAG_MS / 2);
    assert_string_equal(d.source, "x");
}

static void
clock_drift_sample__narrows_and_ignores_what_adds_nothing(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    clock_drift_sample(&d, BASE, 1000, BASE - 10, BASE, "a");
    /* [0, 1010 + lag]; a later reading one tick on, sent 400 ms after
     * the tick by ours, read within 10 ms: [-10, 600 + lag] */
    assert_int_equal(clock_drift_sample(&d, BASE + 1000, 1000, BASE + 1400,
                                        BASE + 1010 + 0, "b"),
                     -1); /* recv before sent: refused */
    assert_int_equal(clock_drift_sample(&d, BASE + 1000, 1000, BASE + 1400,
                                        BASE + 1410, "b"),
                     1);
    assert_true(d.lo_ms == 0 && d.hi_ms == 600 + CLOCK_SERVER_LAG_MS);
    assert_string_equal(d.source, "b");
    /* a wider one adds nothing */
    assert_int_equal(
        clock_drift_sample(&d, BASE, 1000, BASE - 500, BASE + 500, "c"), 0);
    assert_true(d.lo_ms == 0 && d.hi_ms == 600 + CLOCK_SERVER_LAG_MS);
    assert_string_equal(d.source, "b");
    assert_int_equal(d.samples, 3);
}

static void clock_drift_sample__refuses_a_held_response(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    /* a long poll held 5 s: its Date says nothing usable */
    assert_int_equal(
        clock_drift_sample(&d, BASE, 1000, BASE - 5000, BASE, "http-date"), -1);
    assert_false(d.known);
    assert_int_equal(d.samples, 0);
    assert_int_equal(clock_drift_sample(&d, BASE, 1000, BASE - 2001, BASE, "h"),
                     -1);
    assert_int_equal(clock_drift_sample(&d, BASE, 1000, BASE - 2000, BASE, "h"),
                     1);
}

static void clock_drift_sample__refuses_nonsense(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    assert_int_equal(clock_drift_sample(&d, NAN, 1000, BASE, BASE, "x"), -1);
    assert_int_equal(clock_drift_sample(&d, BASE, INFINITY, BASE, BASE, "x"),
                     -1);
    assert_int_equal(clock_drift_sample(&d, BASE, 0, BASE, BASE, "x"), -1);
    assert_int_equal(clock_drift_sample(&d, BASE, -1, BASE, BASE, "x"), -1);
    assert_int_equal(clock_drift_sample(&d, BASE, 1001, BASE, BASE, "x"), -1);
    assert_int_equal(clock_drift_sample(&d, BASE, 1000, NAN, BASE, "x"), -1);
    assert_false(d.known);
}

static void clock_drift_sample__starts_again_when_the_clock_moved(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    clock_drift_sample(&d, BASE, 1, BASE, BASE + 10, "a"); /* [-10, 11] */
    /* the server's clock stepped 60 s ahead: no overlap */
    assert_int_equal(
        clock_drift_sample(&d, BASE + 60000, 1, BASE, BASE + 10, "b"), 1);
    assert_true(d.lo_ms == 59990 && d.hi_ms == 60001 + CLOCK_SERVER_LAG_MS);
    assert_string_equal(d.source, "b");
}

/* A server whose clock runs `true_drift` ahead, read half a round trip
 * after the request leaves, in whole seconds that turn up to `lag` late
 * (time() moves on the kernel's tick: Prosody's answers were 2 ms past
 * the interval without the allowance): the schedule halves the interval
 * each time, and the truth stays inside it. */
static void clock_drift_next_ms__halves_the_interval_to_tens_of_ms(void **state)
{
    static const double drifts[] = {0, 333, -777, 4999, -12345.6, 999.9};
    static const double lags[] = {0, 3.9, CLOCK_SERVER_LAG_MS - 0.01};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof drifts / sizeof *drifts * 3; i++) {
        struct clock_drift d;
        double now = BASE + 123.4, rtt = 4, truth = drifts[i / 3], next;
        double lag = lags[i % 3];
        int n = 0;

        clock_drift_init(&d);
        for (;;) {
            double read = now + rtt / 2 + truth;
            clock_drift_sample(&d, floor((read - lag) / 1000) * 1000, 1000, now,
                               now + rtt, "xep-0202");
            assert_true(d.lo_ms <= truth && truth <= d.hi_ms);
            next = clock_drift_next_ms(&d, now + rtt, rtt, 1000, 25);
            if (next < 0)
                break;
            assert_true(next >= 0 && next < 1000);
            now += rtt + next;
            assert_true(++n < 12);
        }
        assert_true(clock_drift_error_ms(&d) <= 25);
        assert_true(fabs(clock_drift_ms(&d) - truth) <= 25);
    }
}

static void clock_drift_next_ms__none_while_unknown_or_precise(void **state)
{
    struct clock_drift d;
    (void)state;

    clock_drift_init(&d);
    assert_true(clock_drift_next_ms(&d, BASE, 1, 1000, 25) < 0);
    clock_drift_sample(&d, BASE, 1, BASE, BASE + 10, "a");
    assert_true(clock_drift_next_ms(&d, BASE, 1, 1000, 25) < 0);
    assert_true(clock_drift_next_ms(&d, BASE, -1, 1000, 1) < 0);
}

struct iso_row {
    const char *name, *text;
    int ok;
    double ms, res;
};

static const struct iso_row iso_rows[] = {
    {"clock_parse_iso__whole_seconds", "2026-11-22T01:21:15Z", 1, BASE, 1000},
    {"clock_parse_iso__finesse_milliseconds", "2026-11-22T01:21:15.123Z", 1,
     BASE + 123, 1},
    {"clock_parse_iso__microseconds", "2026-11-22T01:21:15.123456Z", 1,
     BASE + 123.456, 1},
    {"clock_parse_iso__hundredths", "2026-11-22T01:21:15.12Z", 1, BASE + 120,
     10},
    {"clock_parse_iso__an_offset_east", "2026-11-22T02:21:15+01:00", 1, BASE,
     1000},
    {"clock_parse_iso__an_offset_west_without_colon",
     "2026-11-21T20:21:15.5-0500", 1, BASE + 500, 100},
    {"clock_parse_iso__no_zone_is_utc", "2026-11-22T01:21:15", 1, BASE, 1000},
    {"clock_parse_iso__refuses_empty", "", 0, 0, 0},
    {"clock_parse_iso__refuses_minus_one", "-1", 0, 0, 0},
    {"clock_parse_iso__refuses_dashes", "--", 0, 0, 0},
    {"clock_parse_iso__refuses_a_bare_dot", "2026-11-22T01:21:15.Z", 0, 0, 0},
    {"clock_parse_iso__refuses_an_exponent", "2026-11-22T01:21:15.5e3Z", 0, 0,
     0},
    {"clock_parse_iso__refuses_trailing_garbage", "2026-11-22T01:21:15Zjunk", 0,
     0, 0},
    {"clock_parse_iso__refuses_hour_24_offset", "2026-11-22T01:21:15+24:00", 0,
     0, 0},
    {"clock_parse_iso__refuses_a_short_offset", "2026-11-22T01:21:15+1", 0, 0,
     0},
    {"clock_parse_iso__refuses_month_13", "2026-13-22T01:21:15Z", 0, 0, 0},
    {"clock_parse_iso__refuses_leading_space", " 2026-11-22T01:21:15Z", 0, 0,
     0},
    {"clock_parse_iso__refuses_a_one_digit_month", "2026-1-22T01:21:15Z", 0, 0,
     0},
    {"clock_parse_iso__refuses_a_short_year", "226-11-22T01:21:15Z", 0, 0, 0},
    {"clock_parse_iso__refuses_a_sign_in_a_field", "2026-11-+2T01:21:15Z", 0, 0,
     0},
    {"clock_parse_iso__refuses_a_lowercase_t", "2026-11-22t01:21:15Z", 0, 0, 0},
    {"clock_parse_iso__refuses_day_0", "2026-11-00T01:21:15Z", 0, 0, 0},
    {"clock_parse_iso__refuses_minute_60", "2026-11-22T01:60:15Z", 0, 0, 0},
    {"clock_parse_iso__refuses_it_cut_short", "2026-11-22T01:21:1", 0, 0, 0},
    {"clock_parse_iso__a_leap_second_counts_on", "2026-11-22T01:21:60Z", 1,
     BASE + 45000, 1000},
    {"clock_parse_iso__a_leap_day", "2024-02-29T00:00:00Z", 1, 1709164800000.0,
     1000},
    {"clock_parse_iso__before_1970", "1969-12-31T23:59:59Z", 1, -1000, 1000},
};

/* The date part against timegm (what it replaced), a day at a time from
 * 1900 to 2100, days past a month's end included, and each second of a
 * day. */
static void clock_parse_iso__agrees_with_timegm(void **state)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char text[64];
    double ms, res;
    struct tm tm;
    int y, m, d, sec;
    (void)state;

    for (y = 1900; y <= 2100; y++)
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= (m == 2 ? 31 : mdays[m - 1]); d++) {
                memset(&tm, 0, sizeof tm);
                tm.tm_year = y - 1900;
                tm.tm_mon = m - 1;
                tm.tm_mday = d;
                tm.tm_hour = 13;
                tm.tm_min = 7;
                tm.tm_sec = 9;
                snprintf(text, sizeof text, "%04d-%02d-%02dT13:07:09Z", y, m,
                         d);
                assert_int_equal(clock_parse_iso(text, &ms, &res), 0);
                assert_true(ms == (double)timegm(&tm) * 1000.0);
            }
    for (sec = 0; sec < 86400; sec += 7) {
        memset(&tm, 0, sizeof tm);
        tm.tm_year = 2026 - 1900;
        tm.tm_mon = 10;
        tm.tm_mday = 22;
        tm.tm_hour = sec / 3600;
        tm.tm_min = sec / 60 % 60;
        tm.tm_sec = sec % 60;
        snprintf(text, sizeof text, "2026-11-22T%02d:%02d:%02dZ", sec / 3600,
                 sec / 60 % 60, sec % 60);
        assert_int_equal(clock_parse_iso(text, &ms, &res), 0);
        assert_true(ms == (double)timegm(&tm) * 1000.0);
    }
}

static void iso_row(void **state)
{
    const struct iso_row *r = *state;
    double ms = -7, res = -7;

    if (r->ok) {
        assert_int_equal(clock_parse_iso(r->text, &ms, &res), 0);
        assert_true(fabs(ms - r->ms) < 0.01);
        assert_true(res == r->res);
    } else {
        assert_int_equal(clock_parse_iso(r->text, &ms, &res), -1);
        assert_true(ms == -7 && res == -7);
    }
}

static void clock_parse_http_date__reads_imf_fixdate_only(void **state)
{
    double ms = 0;
    (void)state;

    assert_int_equal(
        clock_parse_http_date("Sun, 22 Nov 2026 01:21:15 GMT", &ms), 0);
    assert_true(ms == BASE);
    assert_int_equal(clock_parse_http_date(NULL, &ms), -1);
    assert_int_equal(clock_parse_http_date("", &ms), -1);
    assert_int_equal(
        clock_parse_http_date("Sun, 22 Nov 2026 01:21:15 GMT junk", &ms), -1);
    assert_int_equal(
        clock_parse_http_date("Sunday, 22-Nov-26 01:21:15 GMT", &ms), -1);
    assert_int_equal(clock_parse_http_date("2026-11-22T01:21:15Z", &ms), -1);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "clock_drift_sample__bounds_the_drift_by_the_window",
           clock_drift_sample__bounds_the_drift_by_the_window, NULL);
    tl_add(&l, "clock_drift_sample__narrows_and_ignores_what_adds_nothing",
           clock_drift_sample__narrows_and_ignores_what_adds_nothing, NULL);
    tl_add(&l, "clock_drift_sample__refuses_a_held_response",
           clock_drift_sample__refuses_a_held_response, NULL);
    tl_add(&l, "clock_drift_sample__refuses_nonsense",
           clock_drift_sample__refuses_nonsense, NULL);
    tl_add(&l, "clock_drift_sample__starts_again_when_the_clock_moved",
           clock_drift_sample__starts_again_when_the_clock_moved, NULL);
    tl_add(&l, "clock_drift_next_ms__halves_the_interval_to_tens_of_ms",
           clock_drift_next_ms__halves_the_interval_to_tens_of_ms, NULL);
    tl_add(&l, "clock_drift_next_ms__none_while_unknown_or_precise",
           clock_drift_next_ms__none_while_unknown_or_precise, NULL);
    TL_ROWS(&l, iso_rows, iso_row);
    tl_add(&l, "clock_parse_iso__agrees_with_timegm",
           clock_parse_iso__agrees_with_timegm, NULL);
    tl_add(&l, "clock_parse_http_date__reads_imf_fixdate_only",
           clock_parse_http_date__reads_imf_fixdate_only, NULL);
    return tl_run(&l, "clock", NULL, NULL);
}
