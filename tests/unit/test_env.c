/* env_no_color: NO_COLOR set and not empty means no colour, whatever its
 * value (https://no-color.org). */
#include "unit.h"

#include "base/env.h"

struct row {
    const char *name;
    const char *value; /* NULL: unset */
    int want;
};

static const struct row rows[] = {
    {"env_no_color__is_off_when_unset", NULL, 0},
    {"env_no_color__is_off_when_empty", "", 0},
    {"env_no_color__is_on_for_1", "1", 1},
    {"env_no_color__is_on_for_0_too", "0", 1},
    {"env_no_color__is_on_for_any_text", "no", 1},
    {"env_no_color__is_on_for_a_blank", " ", 1},
};

static void row(void **state)
{
    const struct row *r = *state;

    if (r->value)
        assert_int_equal(setenv("NO_COLOR", r->value, 1), 0);
    else
        assert_int_equal(unsetenv("NO_COLOR"), 0);
    assert_int_equal(env_no_color(), r->want);
    unsetenv("NO_COLOR");
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    return tl_run(&l, "env", NULL, NULL);
}
