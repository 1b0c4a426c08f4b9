/* theme_load on files written to a temporary directory, the built-ins and
 * the files in themes/, and theme_resolve for 8 colours and NO_COLOR. */
#include "unit.h"

#include "base/buf.h"
#include "ui/theme.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir;

static int group_setup(void **state)
{
    (void)state;
    tmpdir = unit_tmpdir_new("theme");
    return tmpdir == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return unit_tmpdir_remove(tmpdir);
}

/* A new file t.XXXXXX.theme holding content (new path). */
static char *write_theme(const char *content)
{
    return unit_file_new(tmpdir, "t", ".theme", content, strlen(content), 0600);
}

static void assert_style(struct theme_style got, int fg, int bg, unsigned attrs)
{
    assert_int_equal(got.fg, fg);
    assert_int_equal(got.bg, bg);
    assert_int_equal(got.attrs, attrs);
}

/* --- good lines --- */

struct good {
    const char *name;
    const char *line; /* after "[theme]\n" */
    int element;
    int fg, bg;
    unsigned attrs;
};

static const struct good good_rows[] = {
    {"theme_load__reads_fg_bg_attrs", "title = red blue bold", THEME_TITLE, 1,
     4, THEME_BOLD},
    {"theme_load__reads_fg_alone_as_default_bg_and_no_attrs", "status = green",
     THEME_STATUS, 2, THEME_DEFAULT, 0},
    {"theme_load__reads_fg_and_bg_without_attrs", "border = white black",
     THEME_BORDER, 7, 0, 0},
    {"theme_load__reads_default_colours", "normal = default default",
     THEME_NORMAL, THEME_DEFAULT, THEME_DEFAULT, 0},
    {"theme_load__reads_black_and_magenta", "xml_tag = black magenta",
     THEME_XML_TAG, 0, 5, 0},
    {"theme_load__reads_cyan_and_yellow", "xml_attr = cyan yellow",
     THEME_XML_ATTR, 6, 3, 0},
    {"theme_load__reads_bright_names_as_8_to_15",
     "xml_value = bright-black bright-white", THEME_XML_VALUE, 8, 15, 0},
    {"theme_load__reads_colorN", "xml_text = color0 color255", THEME_XML_TEXT,
     0, 255, 0},
    {"theme_load__reads_colorN_with_a_leading_zero", "search_match = color042",
     THEME_SEARCH_MATCH, 42, THEME_DEFAULT, 0},
    {"theme_load__reads_colours_and_attrs_in_any_case",
     "selection = Bright-Red COLOR17 BOLD,Underline", THEME_SELECTION, 9, 17,
     THEME_BOLD | THEME_UNDERLINE},
    {"theme_load__reads_attrs_separated_by_commas",
     "state_ready = red default bold,dim,underline", THEME_STATE_READY, 1,
     THEME_DEFAULT, THEME_BOLD | THEME_DIM | THEME_UNDERLINE},
    {"theme_load__reads_attrs_separated_by_spaces",
     "state_hold = red default reverse italic  blink", THEME_STATE_HOLD, 1,
     THEME_DEFAULT, THEME_REVERSE | THEME_ITALIC | THEME_BLINK},
    {"theme_load__reads_attrs_separated_by_commas_and_spaces",
     "state_work = red default bold, reverse", THEME_STATE_WORK, 1,
     THEME_DEFAULT, THEME_BOLD | THEME_REVERSE},
    {"theme_load__reads_none_as_no_attrs", "title = red blue none", THEME_TITLE,
     1, 4, 0},
    {"theme_load__drops_an_inline_comment",
     "network_ok = green default bold ; up", THEME_NETWORK_OK, 2, THEME_DEFAULT,
     THEME_BOLD},
    {"theme_load__replaces_the_whole_style_of_an_element", "banner_error = red",
     THEME_BANNER_ERROR, 1, THEME_DEFAULT, 0},
    {"theme_load__takes_the_last_of_two_lines_for_one_element",
     "title = red\ntitle = blue", THEME_TITLE, 4, THEME_DEFAULT, 0},
};

static void good_row(void **state)
{
    const struct good *r = *state;
    char *text = str_cat3("[theme]\n", r->line, "\n");
    char *path = write_theme(text), *cause = NULL;
    struct theme t, def;
    int i;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    assert_null(cause);
    assert_style(t.style[r->element], r->fg, r->bg, r->attrs);
    theme_builtin(&def, "default");
    for (i = 0; i < THEME_N; i++)
        if (i != r->element)
            assert_memory_equal(&t.style[i], &def.style[i], sizeof t.style[i]);
    unit_file_remove(path);
    free(text);
}

static void theme_load__names_the_theme_after_the_file(void **state)
{
    char *path = write_theme("[theme]\n"), *cause = NULL, *want;
    const char *base = strrchr(path, '/') + 1;
    struct theme t;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    want = xstrndup(base, strlen(base) - strlen(".theme"));
    assert_string_equal(t.name, want);
    free(want);
    unit_file_remove(path);
}

static void theme_load__reads_the_name_key(void **state)
{
    char *path = write_theme("; mine\n[theme]\nname = Night Owl\n");
    char *cause = NULL;
    struct theme t;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    assert_string_equal(t.name, "Night Owl");
    unit_file_remove(path);
}

static void theme_load__reads_bom_crlf_and_comments(void **state)
{
    char *path = write_theme("\xef\xbb\xbf# a theme\r\n"
                             "[theme]\r\n"
                             "; nothing\r\n"
                             "\r\n"
                             "title = red blue bold\r\n");
    char *cause = NULL;
    struct theme t;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    assert_null(cause);
    assert_style(t.style[THEME_TITLE], 1, 4, THEME_BOLD);
    unit_file_remove(path);
}

/* --- inherit --- */

struct inherit {
    const char *name;
    const char *base;
};

static const struct inherit inherit_rows[] = {
    {"theme_load__inherits_default", "default"},
    {"theme_load__inherits_mono", "mono"},
    {"theme_load__inherits_solarized_dark", "solarized-dark"},
    {"theme_load__inherits_high_contrast", "high-contrast"},
};

/* Every element but title comes from the base; the name does not. */
static void inherit_row(void **state)
{
    const struct inherit *r = *state;
    char *text = str_cat3("[theme]\nname = mine\ninherit = ", r->base,
                          "\ntitle = color100 color200 italic\n");
    char *path = write_theme(text), *cause = NULL;
    struct theme t, base;
    int i;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    assert_null(cause);
    assert_int_equal(theme_builtin(&base, r->base), 0);
    assert_string_equal(t.name, "mine");
    assert_style(t.style[THEME_TITLE], 100, 200, THEME_ITALIC);
    for (i = 0; i < THEME_N; i++)
        if (i != THEME_TITLE)
            assert_memory_equal(&t.style[i], &base.style[i], sizeof t.style[i]);
    unit_file_remove(path);
    free(text);
}

static void theme_load__starts_from_default_without_inherit(void **state)
{
    char *path = write_theme("[theme]\nname = default\n"), *cause = NULL;
    struct theme t, def;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), 0);
    theme_builtin(&def, "default");
    assert_memory_equal(&t, &def, sizeof t);
    unit_file_remove(path);
}

/* --- errors: "FILE:LINE: what" --- */

struct error {
    const char *name;
    const char *text;
    const char *cause; /* {F} is the path */
};

static const struct error error_rows[] = {
    {"theme_load__rejects_an_unknown_element",
     "[theme]\ntitle = red\ntitel = red\n", "{F}:3: unknown element 'titel'"},
    {"theme_load__rejects_an_unknown_colour_name",
     "[theme]\n\nstatus = purple\n",
     "{F}:3: key 'status': unknown colour 'purple' (expected default, NAME, "
     "bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_an_unknown_background",
     "[theme]\nstatus = red bold\n",
     "{F}:2: key 'status': unknown colour 'bold' (expected default, NAME, "
     "bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_color256", "[theme]\nborder = color256\n",
     "{F}:2: key 'border': unknown colour 'color256' (expected default, "
     "NAME, bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_a_colorN_with_a_tail",
     "[theme]\nborder = default color12x\n",
     "{F}:2: key 'border': unknown colour 'color12x' (expected default, "
     "NAME, bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_a_negative_colorN", "[theme]\nborder = color-1\n",
     "{F}:2: key 'border': unknown colour 'color-1' (expected default, "
     "NAME, bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_a_huge_colorN",
     "[theme]\nborder = color99999999999999999999\n",
     "{F}:2: key 'border': unknown colour 'color99999999999999999999' "
     "(expected default, NAME, bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_bright_default", "[theme]\nborder = bright-default\n",
     "{F}:2: key 'border': unknown colour 'bright-default' (expected "
     "default, NAME, bright-NAME or colorN, N 0-255)"},
    {"theme_load__rejects_an_unknown_attr",
     "[theme]\nxml_tag = red default bold,shiny\n",
     "{F}:2: key 'xml_tag': unknown attribute 'shiny' (expected bold, dim, "
     "underline, reverse, italic, blink or none)"},
    {"theme_load__rejects_an_element_without_colours", "[theme]\nxml_tag =\n",
     "{F}:2: key 'xml_tag': no colours (expected FG [BG [ATTRS]])"},
    {"theme_load__rejects_an_element_of_only_commas",
     "[theme]\nxml_tag = , ,\n",
     "{F}:2: key 'xml_tag': no colours (expected FG [BG [ATTRS]])"},
    {"theme_load__rejects_an_unknown_inherit", "[theme]\ninherit = dracula\n",
     "{F}:2: key 'inherit': unknown theme 'dracula' (expected default, mono, "
     "solarized-dark or high-contrast)"},
    {"theme_load__rejects_inherit_after_an_element",
     "[theme]\ntitle = red\ninherit = mono\n",
     "{F}:3: key 'inherit': must come before the elements"},
    {"theme_load__rejects_an_empty_name", "[theme]\nname =\n",
     "{F}:2: key 'name': empty"},
    {"theme_load__rejects_a_64_byte_name",
     "[theme]\nname = "
     "0123456789012345678901234567890123456789012345678901234567890123\n",
     "{F}:2: key 'name': longer than 63 bytes"},
    {"theme_load__rejects_a_key_outside_a_section", "title = red\n",
     "{F}:1: key 'title' outside the [theme] section"},
    {"theme_load__rejects_an_unknown_section",
     "[theme]\n[colours]\ntitle = red\n",
     "{F}:3: unknown section [colours] (expected [theme])"},
    {"theme_load__rejects_a_line_without_equals",
     "[theme]\ntitle = red\nbold\n",
     "{F}:3: not a 'key = value' or [section] line"},
    {"theme_load__rejects_an_unclosed_section", "[theme\ntitle = red\n",
     "{F}:1: not a 'key = value' or [section] line"},
    {"theme_load__reports_only_the_first_error",
     "[theme]\ntitle = red\nstatus = mauve\nborder = puce\nxyz\n",
     "{F}:3: key 'status': unknown colour 'mauve' (expected default, NAME, "
     "bright-NAME or colorN, N 0-255)"},
    {"theme_load__reports_a_syntax_error_before_a_key_error",
     "[theme]\nxyz\nstatus = mauve\n",
     "{F}:2: not a 'key = value' or [section] line"},
};

static void error_row(void **state)
{
    const struct error *r = *state;
    char *path = write_theme(r->text), *cause = NULL, *want;
    struct theme t;

    memset(&t, 0x5a, sizeof t);
    assert_int_equal(theme_load(path, &t, &cause), -1);
    want = unit_with_path(r->cause, path);
    assert_string_equal(cause, want);
    assert_int_equal(t.style[THEME_TITLE].fg, 0x5a5a); /* untouched */
    free(want);
    free(cause);
    unit_file_remove(path);
}

static void theme_load__rejects_a_line_longer_than_199_bytes(void **state)
{
    char *pad = str_repeat(' ', 300);
    char *text = str_cat3("[theme]\ntitle = red", pad, "\nstatus = red\n");
    char *path = write_theme(text), *cause = NULL, *want;
    struct theme t;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), -1);
    want = unit_with_path("{F}:2: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    unit_file_remove(path);
    free(text);
    free(pad);
}

static void theme_load__rejects_a_missing_file(void **state)
{
    char *path = xasprintf("%s/none.theme", tmpdir), *cause = NULL, *want;
    struct theme t;
    (void)state;

    assert_int_equal(theme_load(path, &t, &cause), -1);
    want = xasprintf("%s: No such file or directory", path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    free(path);
}

/* --- the built-ins and themes/ --- */

struct builtin {
    const char *name;
    const char *theme;
};

static const struct builtin file_rows[] = {
    {"theme_load__reads_themes_default_as_the_builtin", "default"},
    {"theme_load__reads_themes_mono_as_the_builtin", "mono"},
    {"theme_load__reads_themes_solarized_dark_as_the_builtin",
     "solarized-dark"},
    {"theme_load__reads_themes_high_contrast_as_the_builtin", "high-contrast"},
};

/* The files are read from the repository root, the cwd of make check. */
static void file_row(void **state)
{
    const struct builtin *r = *state;
    char *path = xasprintf("themes/%s.theme", r->theme), *cause = NULL;
    struct theme file, builtin;
    int i;

    if (theme_load(path, &file, &cause) != 0)
        fail_msg("%s", cause);
    assert_int_equal(theme_builtin(&builtin, r->theme), 0);
    assert_string_equal(file.name, builtin.name);
    for (i = 0; i < THEME_N; i++) {
        if (memcmp(&file.style[i], &builtin.style[i], sizeof file.style[i]))
            fail_msg("%s differs", theme_elements[i].name);
    }
    free(path);
}

static void theme_builtin__falls_back_to_default_for_an_unknown_name(void **s)
{
    struct theme t, def;
    (void)s;

    assert_int_equal(theme_builtin(&t, "dracula"), -1);
    assert_int_equal(theme_builtin(&def, "default"), 0);
    assert_memory_equal(&t, &def, sizeof t);
    assert_string_equal(t.name, "default");
}

static void theme_builtin__lists_four_themes(void **state)
{
    size_t n = 0;
    struct theme t;
    (void)state;

    for (n = 0; theme_builtins[n]; n++) {
        assert_int_equal(theme_builtin(&t, theme_builtins[n]), 0);
        assert_string_equal(t.name, theme_builtins[n]);
    }
    assert_int_equal(n, 4);
}

static void theme_elements__are_named_and_found(void **state)
{
    int i;
    (void)state;

    for (i = 0; i < THEME_N; i++) {
        assert_non_null(theme_elements[i].name);
        assert_non_null(theme_elements[i].help);
        assert_int_equal(theme_element_find(theme_elements[i].name), i);
    }
    assert_int_equal(theme_element_find("Title"), -1);
    assert_int_equal(theme_element_find("name"), -1);
}

/* --- theme_resolve --- */

struct resolve {
    const char *name;
    int fg, bg;
    unsigned attrs;
    int colors, no_color;
    int want_fg, want_bg;
    unsigned want_attrs;
};

static const struct resolve resolve_rows[] = {
    {"theme_resolve__keeps_256_colours_unchanged", 100, 200, THEME_ITALIC, 256,
     0, 100, 200, THEME_ITALIC},
    {"theme_resolve__keeps_bright_with_16_colours", 9, 12, 0, 16, 0, 9, 12, 0},
    {"theme_resolve__maps_bright_fg_to_bold_with_8_colours", 9, 0, 0, 8, 0, 1,
     0, THEME_BOLD},
    {"theme_resolve__maps_bright_bg_to_plain_with_8_colours", 0, 14,
     THEME_UNDERLINE, 8, 0, 0, 6, THEME_UNDERLINE},
    {"theme_resolve__keeps_the_eight_with_8_colours", 3, 4, THEME_DIM, 8, 0, 3,
     4, THEME_DIM},
    {"theme_resolve__keeps_default_with_8_colours", THEME_DEFAULT,
     THEME_DEFAULT, 0, 8, 0, THEME_DEFAULT, THEME_DEFAULT, 0},
    {"theme_resolve__maps_cube_red_to_red_with_8_colours", 196, 16, 0, 8, 0, 1,
     0, 0},
    {"theme_resolve__maps_cube_blue_to_blue_with_8_colours", 21, 231, 0, 8, 0,
     4, 7, 0},
    {"theme_resolve__maps_cube_colours_to_the_eight_with_16_colours", 226, 208,
     0, 16, 0, 3, 1, 0},
    {"theme_resolve__maps_dark_cube_to_black_with_8_colours", 59, 7, 0, 8, 0, 0,
     7, 0},
    {"theme_resolve__maps_light_grey_to_white_with_8_colours", 250, 4, 0, 8, 0,
     7, 4, 0},
    {"theme_resolve__maps_dark_grey_to_black_with_8_colours", 7, 236, 0, 8, 0,
     7, 0, 0},
    {"theme_resolve__keeps_two_shades_of_grey_apart_with_8_colours", 240, 234,
     0, 8, 0, 7, 0, 0},
    {"theme_resolve__keeps_light_shades_apart_with_8_colours", 252, 255, 0, 8,
     0, 0, 7, 0},
    {"theme_resolve__keeps_equal_colours_equal_with_8_colours", 2, 2, 0, 8, 0,
     2, 2, 0},
    {"theme_resolve__drops_colour_under_no_color", 100, 200, THEME_ITALIC, 256,
     1, THEME_DEFAULT, THEME_DEFAULT, THEME_BOLD | THEME_UNDERLINE},
    {"theme_resolve__drops_colour_below_8_colours", 1, THEME_DEFAULT, 0, 2, 0,
     THEME_DEFAULT, THEME_DEFAULT, THEME_BOLD | THEME_UNDERLINE},
    {"theme_resolve__keeps_attrs_of_an_uncoloured_element_under_no_color",
     THEME_DEFAULT, THEME_DEFAULT, THEME_ITALIC | THEME_BLINK, 256, 1,
     THEME_DEFAULT, THEME_DEFAULT, THEME_ITALIC | THEME_BLINK},
};

/* Each row styles state_work, whose no_color attrs are bold,underline. */
static void resolve_row(void **state)
{
    const struct resolve *r = *state;
    struct theme t;
    struct theme_style out;

    theme_builtin(&t, "default");
    t.style[THEME_STATE_WORK].fg = (short)r->fg;
    t.style[THEME_STATE_WORK].bg = (short)r->bg;
    t.style[THEME_STATE_WORK].attrs = r->attrs;
    theme_resolve(&t, r->colors, r->no_color, &out, THEME_STATE_WORK);
    assert_style(out, r->want_fg, r->want_bg, r->want_attrs);
}

static const struct builtin no_color_rows[] = {
    {"theme_resolve__keeps_states_apart_under_no_color_in_default", "default"},
    {"theme_resolve__keeps_states_apart_under_no_color_in_mono", "mono"},
    {"theme_resolve__keeps_states_apart_under_no_color_in_solarized_dark",
     "solarized-dark"},
    {"theme_resolve__keeps_states_apart_under_no_color_in_high_contrast",
     "high-contrast"},
};

/* No two agent states and no two dialog states look the same. */
static void no_color_row(void **state)
{
    static const int groups[][2] = {
        {THEME_STATE_READY, THEME_STATE_UNKNOWN},
        {THEME_DIALOG_ALERTING, THEME_DIALOG_DROPPED},
    };
    const struct builtin *r = *state;
    struct theme t;
    struct theme_style a, b;
    size_t g;
    int i, j;

    theme_builtin(&t, r->theme);
    for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (i = groups[g][0]; i <= groups[g][1]; i++) {
            theme_resolve(&t, 256, 1, &a, (size_t)i);
            assert_int_equal(a.fg, THEME_DEFAULT);
            assert_int_equal(a.bg, THEME_DEFAULT);
            for (j = i + 1; j <= groups[g][1]; j++) {
                theme_resolve(&t, 256, 1, &b, (size_t)j);
                if (a.attrs == b.attrs)
                    fail_msg("%s and %s look the same", theme_elements[i].name,
                             theme_elements[j].name);
            }
        }
    }
}

static void theme_resolve__shows_default_under_no_color_as_mono(void **state)
{
    struct theme def, mono;
    struct theme_style a, b;
    int i;
    (void)state;

    theme_builtin(&def, "default");
    theme_builtin(&mono, "mono");
    for (i = 0; i < THEME_N; i++) {
        theme_resolve(&def, 256, 1, &a, (size_t)i);
        theme_resolve(&mono, 256, 0, &b, (size_t)i);
        assert_memory_equal(&a, &b, sizeof a);
    }
}

static void theme_resolve__gives_every_builtin_8_colour_styles(void **state)
{
    struct theme t;
    struct theme_style s;
    size_t n;
    int i;
    (void)state;

    for (n = 0; theme_builtins[n]; n++) {
        theme_builtin(&t, theme_builtins[n]);
        for (i = 0; i < THEME_N; i++) {
            theme_resolve(&t, 8, 0, &s, (size_t)i);
            assert_true(s.fg >= THEME_DEFAULT && s.fg < 8);
            assert_true(s.bg >= THEME_DEFAULT && s.bg < 8);
            if (s.fg != THEME_DEFAULT && s.fg == s.bg)
                fail_msg("%s: %s is invisible", theme_builtins[n],
                         theme_elements[i].name);
        }
    }
}

static void theme_resolve__resolves_an_unknown_element_as_normal(void **st)
{
    struct theme t;
    struct theme_style s;
    (void)st;

    theme_builtin(&t, "solarized-dark");
    theme_resolve(&t, 256, 0, &s, THEME_N + 5);
    assert_memory_equal(&s, &t.style[THEME_NORMAL], sizeof s);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, good_rows, good_row);
    tl_add(&l, "theme_load__names_the_theme_after_the_file",
           theme_load__names_the_theme_after_the_file, NULL);
    tl_add(&l, "theme_load__reads_the_name_key", theme_load__reads_the_name_key,
           NULL);
    tl_add(&l, "theme_load__reads_bom_crlf_and_comments",
           theme_load__reads_bom_crlf_and_comments, NULL);
    TL_ROWS(&l, inherit_rows, inherit_row);
    tl_add(&l, "theme_load__starts_from_default_without_inherit",
           theme_load__starts_from_default_without_inherit, NULL);
    TL_ROWS(&l, error_rows, error_row);
    tl_add(&l, "theme_load__rejects_a_line_longer_than_199_bytes",
           theme_load__rejects_a_line_longer_than_199_bytes, NULL);
    tl_add(&l, "theme_load__rejects_a_missing_file",
           theme_load__rejects_a_missing_file, NULL);
    TL_ROWS(&l, file_rows, file_row);
    tl_add(&l, "theme_builtin__falls_back_to_default_for_an_unknown_name",
           theme_builtin__falls_back_to_default_for_an_unknown_name, NULL);
    tl_add(&l, "theme_builtin__lists_four_themes",
           theme_builtin__lists_four_themes, NULL);
    tl_add(&l, "theme_elements__are_named_and_found",
           theme_elements__are_named_and_found, NULL);
    TL_ROWS(&l, resolve_rows, resolve_row);
    TL_ROWS(&l, no_color_rows, no_color_row);
    tl_add(&l, "theme_resolve__shows_default_under_no_color_as_mono",
           theme_resolve__shows_default_under_no_color_as_mono, NULL);
    tl_add(&l, "theme_resolve__gives_every_builtin_8_colour_styles",
           theme_resolve__gives_every_builtin_8_colour_styles, NULL);
    tl_add(&l, "theme_resolve__resolves_an_unknown_element_as_normal",
           theme_resolve__resolves_an_unknown_element_as_normal, NULL);
    return tl_run(&l, "theme", group_setup, group_teardown);
}
