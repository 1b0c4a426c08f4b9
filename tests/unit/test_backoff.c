/* backoff: the reconnect policy the console, watch and probe share. */
#include "unit.h"

#include "xmpp/backoff.h"

struct nominal_row {
    const char *name;
    unsigned attempt, want_ms;
};

static const struct nominal_row nominal_rows[] = {
    {"backoff__waits_one_second_first", 1, 1000},
    {"backoff__doubles_on_the_second_attempt", 2, 2000},
    {"backoff__doubles_again_on_the_third", 3, 4000},
    {"backoff__waits_16_s_on_the_fifth", 5, 16000},
    {"backoff__caps_the_sixth_at_30_s", 6, 30000},
    {"backoff__stays_at_30_s_for_ever", 1000, 30000},
    {"backoff__counts_attempt_0_as_the_first", 0, 1000},
};

static void nominal_row(void **state)
{
    const struct nominal_row *r = *state;
    assert_int_equal(backoff_nominal_ms(r->attempt), r->want_ms);
}

/* Every jitter from the lowest to the highest random number stays within
 * half the nominal wait and all of it. */
static void backoff__jitter_stays_between_half_and_all_of_the_wait(void **st)
{
    static const double rs[] = {0.0, 1e-9, 0.25, 0.5, 0.75, 0.999999999};
    size_t i;
    unsigned n;
    (void)st;

    for (n = 1; n <= 8; n++)
        for (i = 0; i < sizeof rs / sizeof rs[0]; i++) {
            struct backoff b;
            unsigned k, d = 0, nominal = backoff_nominal_ms(n);
            backoff_init(&b);
            for (k = 0; k < n; k++)
                d = backoff_lost(&b, 0, rs[i]);
            assert_int_equal(b.attempt, n);
            assert_true(d >= nominal / 2);
            assert_true(d <= nominal);
            assert_true(d <= BACKOFF_MAX_MS);
        }
}

/* Two clients lost at once with different luck wait different times. */
static void backoff__jitter_spreads_clients_lost_together(void **state)
{
    struct backoff a, b;
    (void)state;

    backoff_init(&a);
    backoff_init(&b);
    assert_int_not_equal(backoff_lost(&a, 0, 0.1), backoff_lost(&b, 0, 0.9));
}

/* Random numbers out of [0, 1) (a broken source) give no more than the
 * nominal wait. */
static void backoff__refuses_a_random_number_out_of_range(void **state)
{
    static const double bad[] = {-1, 1, 2, 1e300, -1e300};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct backoff b;
        unsigned d;
        backoff_init(&b);
        d = backoff_lost(&b, 0, bad[i]);
        assert_true(d >= 500 && d <= 1000);
    }
}

/* A session lost after less than a minute online keeps doubling: a
 * server that takes logins and drops them is not hammered. */
static void backoff__a_short_session_keeps_doubling(void **state)
{
    struct backoff b;
    unsigned d;
    (void)state;

    backoff_init(&b);
    backoff_lost(&b, 0, 0);
    backoff_lost(&b, 1000, 0);
    backoff_online(&b, 5000);
    d = backoff_lost(&b, 5000 + BACKOFF_HEALTHY_MS - 1, 0);
    assert_int_equal(b.attempt, 3);
    assert_int_equal(d, 2000); /* half of 4 s: the lowest jitter */
}

/* A minute of health resets the policy: the next loss waits 1 s again. */
static void backoff__a_healthy_minute_starts_again_at_one_second(void **st)
{
    struct backoff b;
    unsigned k, d;
    (void)st;

    backoff_init(&b);
    for (k = 0; k < 7; k++)
        backoff_lost(&b, 0, 0.999);
    assert_int_equal(b.attempt, 7);
    backoff_online(&b, 100000);
    d = backoff_lost(&b, 100000 + BACKOFF_HEALTHY_MS, 0.999);
    assert_int_equal(b.attempt, 1);
    assert_true(d >= 500 && d <= 1000);
}

/* Failed attempts (no login between them) never count as health. */
static void backoff__failed_attempts_are_not_health(void **state)
{
    struct backoff b;
    (void)state;

    backoff_init(&b);
    backoff_lost(&b, 0, 0);
    backoff_lost(&b, 10 * BACKOFF_HEALTHY_MS, 0);
    assert_int_equal(b.attempt, 2);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, nominal_rows, nominal_row);
    tl_add(&l, "backoff__jitter_stays_between_half_and_all_of_the_wait",
           backoff__jitter_stays_between_half_and_all_of_the_wait, NULL);
    tl_add(&l, "backoff__jitter_spreads_clients_lost_together",
           backoff__jitter_spreads_clients_lost_together, NULL);
    tl_add(&l, "backoff__refuses_a_random_number_out_of_range",
           backoff__refuses_a_random_number_out_of_range, NULL);
    tl_add(&l, "backoff__a_short_session_keeps_doubling",
           backoff__a_short_session_keeps_doubling, NULL);
    tl_add(&l, "backoff__a_healthy_minute_starts_again_at_one_second",
           backoff__a_healthy_minute_starts_again_at_one_second, NULL);
    tl_add(&l, "backoff__failed_attempts_are_not_health",
           backoff__failed_attempts_are_not_health, NULL);
    return tl_run(&l, "backoff", NULL, NULL);
}
