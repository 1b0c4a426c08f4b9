/* utf8_next (strict UTF-8): what the sanitiser, the event line and the
 * console's ASCII fallback read. */
#include "unit.h"

#include "base/utf8.h"

struct row {
    const char *name;
    const char *in;
    size_t len;
    uint32_t cp;
};

static const struct row rows[] = {
    {"utf8_next__reads_ascii", "A", 1, 'A'},
    {"utf8_next__reads_two_bytes", "\xc3\xa9", 2, 0xe9},
    {"utf8_next__reads_three_bytes", "\xe2\x86\x92", 3, 0x2192},
    {"utf8_next__reads_four_bytes", "\xf0\x9f\x98\x80", 4, 0x1f600},
    {"utf8_next__takes_a_lone_continuation_byte_as_one_bad_byte", "\x80x", 1,
     0xfffd},
    {"utf8_next__takes_a_cut_sequence_as_one_bad_byte", "\xe2\x86", 1, 0xfffd},
    {"utf8_next__takes_a_lead_before_ascii_as_one_bad_byte", "\xc3x", 1,
     0xfffd},
    {"utf8_next__stops_at_the_nul_inside_a_sequence", "\xf0\x9f", 1, 0xfffd},
    {"utf8_next__refuses_an_overlong_slash", "\xc0\xaf", 1, 0xfffd},
    {"utf8_next__refuses_an_overlong_three_byte_form", "\xe0\x80\xaf", 1,
     0xfffd},
    {"utf8_next__refuses_a_surrogate", "\xed\xa0\x80", 1, 0xfffd},
    {"utf8_next__refuses_code_points_above_10ffff", "\xf4\x90\x80\x80", 1,
     0xfffd},
    {"utf8_next__refuses_f5_and_above", "\xf5\x80\x80\x80", 1, 0xfffd},
    {"utf8_next__reads_the_last_code_point", "\xf4\x8f\xbf\xbf", 4, 0x10ffff},
    {"utf8_next__reads_the_nul", "", 1, 0},
};

static void row(void **state)
{
    const struct row *r = *state;
    uint32_t cp = 0;

    assert_int_equal(utf8_next(r->in, &cp), r->len);
    assert_int_equal(cp, r->cp);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    return tl_run(&l, "utf8", NULL, NULL);
}
