/* ui_list_key and ui_list_fit: the panes' selection moves by key and
 * always stays on a row and on the screen. */
#include "unit.h"

#include "ui/list.h"

struct row {
    const char *name;
    size_t sel, top; /* before */
    int key;         /* 0: ui_list_fit only */
    size_t n;
    int rows;
    int used; /* ui_list_key's answer */
    size_t want_sel, want_top;
};

static const struct row rows[] = {
    {"list__j_moves_down_one", 0, 0, 'j', 10, 5, 1, 1, 0},
    {"list__down_arrow_moves_down_one", 3, 0, K_DOWN, 10, 5, 1, 4, 0},
    {"list__k_moves_up_one", 3, 0, 'k', 10, 5, 1, 2, 0},
    {"list__up_arrow_stops_at_the_first_row", 0, 0, K_UP, 10, 5, 1, 0, 0},
    {"list__down_stops_at_the_last_row", 9, 5, 'j', 10, 5, 1, 9, 5},
    {"list__keeps_selection_visible_moving_down", 4, 0, 'j', 10, 5, 1, 5, 1},
    {"list__keeps_selection_visible_moving_up", 3, 3, 'k', 10, 5, 1, 2, 2},
    {"list__keeps_selection_visible_after_page_down", 0, 0, K_PGDN, 100, 10, 1,
     9, 0},
    {"list__pages_down_a_screen_less_one_row", 9, 0, K_PGDN, 100, 10, 1, 18, 9},
    {"list__page_down_stops_at_the_last_row", 95, 90, K_PGDN, 100, 10, 1, 99,
     90},
    {"list__page_up_moves_a_screen_less_one_row", 50, 45, K_PGUP, 100, 10, 1,
     41, 41},
    {"list__page_up_stops_at_the_first_row", 5, 0, K_PGUP, 100, 10, 1, 0, 0},
    {"list__g_goes_to_the_first_row", 50, 45, 'g', 100, 10, 1, 0, 0},
    {"list__home_goes_to_the_first_row", 50, 45, K_HOME, 100, 10, 1, 0, 0},
    {"list__G_goes_to_the_last_row_shown_at_the_bottom", 0, 0, 'G', 100, 10, 1,
     99, 90},
    {"list__end_goes_to_the_last_row", 0, 0, K_END, 100, 10, 1, 99, 90},
    {"list__end_of_an_empty_list_is_row_0", 0, 0, K_END, 0, 10, 1, 0, 0},
    {"list__page_down_in_an_empty_list_stays_at_0", 0, 0, K_PGDN, 0, 10, 1, 0,
     0},
    {"list__pages_one_row_on_a_one_row_screen", 0, 0, K_PGDN, 10, 1, 1, 1, 1},
    {"list__other_keys_are_not_movements", 3, 0, 'x', 10, 5, 0, 3, 0},
    {"list__enter_is_not_a_movement", 3, 0, K_ENTER, 10, 5, 0, 3, 0},
    {"list__fit_pulls_the_selection_into_a_shrunk_list", 20, 15, 0, 5, 10, 0, 4,
     0},
    {"list__fit_scrolls_to_show_the_selection", 12, 0, 0, 20, 5, 0, 12, 8},
    {"list__fit_never_scrolls_past_the_last_row", 18, 18, 0, 20, 5, 0, 18, 15},
    {"list__fit_shows_the_top_when_everything_fits", 2, 1, 0, 3, 10, 0, 2, 0},
    {"list__fit_empties_on_an_empty_list", 7, 3, 0, 0, 5, 0, 0, 0},
    {"list__fit_treats_no_rows_as_one", 5, 0, 0, 10, 0, 0, 5, 5},
};

static void row(void **state)
{
    const struct row *r = *state;
    struct ui_list l = {r->sel, r->top};

    if (r->key)
        assert_int_equal(ui_list_key(&l, r->key, r->n, r->rows), r->used);
    else
        ui_list_fit(&l, r->n, r->rows);
    assert_int_equal(l.sel, r->want_sel);
    assert_int_equal(l.top, r->want_top);
}

/* Whatever the keys, the selection is a row and on the screen. */
static void list__any_key_sequence_keeps_selection_on_screen(void **state)
{
    static const int keys[] = {'j', K_PGDN, K_PGDN, 'k',  K_END, K_PGUP,
                               'g', K_DOWN, 'G',    K_UP, K_HOME};
    struct ui_list l = {0, 0};
    size_t i, n = 37;
    int shown = 7;
    (void)state;

    for (i = 0; i < 200; i++) {
        ui_list_key(&l, keys[i % (sizeof keys / sizeof keys[0])], n, shown);
        assert_true(l.sel < n);
        assert_true(l.top <= l.sel && l.sel < l.top + (size_t)shown);
        assert_true(l.top + (size_t)shown <= n);
    }
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "list__any_key_sequence_keeps_selection_on_screen",
           list__any_key_sequence_keeps_selection_on_screen, NULL);
    return tl_run(&l, "list", NULL, NULL);
}
