/* sanitize: the one sanitiser every output uses for text perch does not
 * control (console, stderr, stdout lines, JSON, pretty XML). */
#include "unit.h"

#include "base/buf.h"
#include "base/sanitize.h"

struct text_row {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum sanitize_mode mode;
    const char *want;
};

static const struct text_row text_rows[] = {
    {"sanitize_text__leaves_plain_text_alone", "plain text 123", 0,
     SANITIZE_LINE, "plain text 123"},
    {"sanitize_text__leaves_accents_and_cjk_alone", "José 日本 😀", 0,
     SANITIZE_LINE, "José 日本 😀"},
    {"sanitize_text__shows_right_to_left_override",
     "/finesse/\xe2\x80\xaegpj.exe", 0, SANITIZE_LINE,
     "/finesse/<U+202E>gpj.exe"},
    {"sanitize_text__shows_every_bidi_embedding_and_isolate",
     "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x81\xa6\xe2\x81\xa7"
     "\xe2\x81\xa8\xe2\x81\xa9",
     0, SANITIZE_LINE,
     "<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069>"},
    {"sanitize_text__shows_bidi_marks",
     "a\xe2\x80\x8e"
     "b\xe2\x80\x8f"
     "c"
     "\xd8\x9c",
     0, SANITIZE_LINE, "a<U+200E>b<U+200F>c<U+061C>"},
    {"sanitize_text__shows_zero_width_characters",
     "a\xe2\x80\x8b"
     "b\xe2\x80\x8c"
     "c\xe2\x80\x8d"
     "d\xe2\x81\xa0"
     "e"
     "\xef\xbb\xbf",
     0, SANITIZE_LINE, "a<U+200B>b<U+200C>c<U+200D>d<U+2060>e<U+FEFF>"},
    {"sanitize_text__shows_line_and_paragraph_separators",
     "a\xe2\x80\xa8"
     "b\xe2\x80\xa9",
     0, SANITIZE_LINE, "a<U+2028>b<U+2029>"},
    {"sanitize_text__shows_tag_characters", "x\xf3\xa0\x80\x81y", 0,
     SANITIZE_LINE, "x<U+E0001>y"},
    {"sanitize_text__shows_c1_controls",
     "a\xc2\x85"
     "b\xc2\x9b"
     "c",
     0, SANITIZE_LINE, "a<U+0085>b<U+009B>c"},
    {"sanitize_text__shows_escape_and_del", "\x1b[2Jx\x7f", 0, SANITIZE_LINE,
     "<U+001B>[2Jx<U+007F>"},
    {"sanitize_text__shows_cr_lf_and_tab_on_one_line", "a\r\nb\tc", 0,
     SANITIZE_LINE, "a<U+000D><U+000A>b<U+0009>c"},
    {"sanitize_text__keeps_lf_and_tab_in_lines_but_shows_cr", "a\r\nb\tc", 0,
     SANITIZE_LINES, "a<U+000D>\nb\tc"},
    {"sanitize_text__shows_a_nul_inside_len", "a\0b", 3, SANITIZE_LINE,
     "a<U+0000>b"},
    {"sanitize_text__shows_bytes_that_are_not_utf8",
     "a\xff"
     "b\xc3(",
     0, SANITIZE_LINE, "a\\xFFb\\xC3("},
    {"sanitize_text__shows_a_cut_sequence_byte_by_byte", "x\xe2\x80", 0,
     SANITIZE_LINE, "x\\xE2\\x80"},
    {"sanitize_text__refuses_overlong_forms", "\xc0\xaf\xe0\x80\xaf", 0,
     SANITIZE_LINE, "\\xC0\\xAF\\xE0\\x80\\xAF"},
    {"sanitize_text__refuses_surrogates", "\xed\xa0\x80", 0, SANITIZE_LINE,
     "\\xED\\xA0\\x80"},
    {"sanitize_text__refuses_code_points_above_10ffff", "\xf4\x90\x80\x80", 0,
     SANITIZE_LINE, "\\xF4\\x90\\x80\\x80"},
    {"sanitize_text__writes_nothing_for_the_empty_string", "", 0, SANITIZE_LINE,
     ""},
    {"sanitize_text__stops_at_len", "ab\xe2\x80\xae", 2, SANITIZE_LINE, "ab"},
};

static void text_row(void **state)
{
    const struct text_row *r = *state;
    size_t len = r->len ? r->len : strlen(r->in);
    struct buf b, again;

    buf_init(&b);
    sanitize_text(&b, r->in, len, r->mode);
    assert_string_equal(b.data, r->want);
    /* every form is ASCII: a second pass changes nothing */
    buf_init(&again);
    sanitize_text(&again, b.data, b.len, r->mode);
    assert_string_equal(again.data, b.data);
    buf_done(&again);
    buf_done(&b);
}

struct xml_row {
    const char *name;
    const char *in;
    int attr;
    const char *want;
};

static const struct xml_row xml_rows[] = {
    {"sanitize_xml__escapes_the_five_special_characters", "&<>'\"", 1,
     "&amp;&lt;&gt;&apos;&quot;"},
    {"sanitize_xml__writes_cr_lf_and_tab_in_an_attribute_as_references",
     "a\r\nb\tc", 1, "a&#xD;&#xA;b&#x9;c"},
    {"sanitize_xml__keeps_lf_and_tab_in_text_but_not_cr", "a\r\nb\tc", 0,
     "a&#xD;\nb\tc"},
    {"sanitize_xml__writes_bidi_and_zero_width_as_references",
     "\xe2\x80\xae"
     "x\xe2\x80\x8b",
     0, "&#x202E;x&#x200B;"},
    {"sanitize_xml__writes_c1_and_del_as_references", "\xc2\x85\x7f", 1,
     "&#x85;&#x7F;"},
    {"sanitize_xml__writes_a_byte_that_is_not_utf8_as_fffd", "a\xff", 0,
     "a\xef\xbf\xbd"},
    {"sanitize_xml__leaves_accents_alone", "José & 日本", 1, "José &amp; 日本"},
};

static void xml_row(void **state)
{
    const struct xml_row *r = *state;
    struct buf b;

    buf_init(&b);
    sanitize_xml(&b, r->in, strlen(r->in), r->attr);
    assert_string_equal(b.data, r->want);
    buf_done(&b);
}

struct json_row {
    const char *name;
    const char *in;
    const char *want; /* the dumped string, quotes included */
};

static const struct json_row json_rows[] = {
    {"sanitize_json_dumps__leaves_plain_and_accented_text_alone", "José 日本",
     "\"José 日本\""},
    {"sanitize_json_dumps__escapes_bidi_overrides",
     "a\xe2\x80\xae"
     "b",
     "\"a\\u202Eb\""},
    {"sanitize_json_dumps__escapes_zero_width_characters",
     "\xe2\x80\x8b\xef\xbb\xbf", "\"\\u200B\\uFEFF\""},
    {"sanitize_json_dumps__escapes_c1_and_del", "\xc2\x85\x7f",
     "\"\\u0085\\u007F\""},
    {"sanitize_json_dumps__escapes_c0_as_jansson_does", "a\r\n\x1b",
     "\"a\\r\\n\\u001B\""},
    {"sanitize_json_dumps__escapes_tags_as_surrogate_pairs", "\xf3\xa0\x80\x81",
     "\"\\uDB40\\uDC01\""},
    {"sanitize_json_string__makes_bytes_that_are_not_utf8_fffd",
     "a\xff"
     "b",
     "\"a\xef\xbf\xbd"
     "b\""},
};

static void json_row(void **state)
{
    const struct json_row *r = *state;
    json_t *a = json_array();
    char *text, *want;

    json_array_append_new(a, sanitize_json_string(r->in));
    text = sanitize_json_dumps(a, JSON_COMPACT);
    want = str_cat3("[", r->want, "]");
    assert_string_equal(text, want);
    free(want);
    free(text);
    json_decref(a);
}

static void sanitize_json_dumps__loads_back_to_the_same_string(void **state)
{
    const char *s = "x\xe2\x80\xae\xe2\x80\x8b\xc2\x85\x7fy\xf3\xa0\x80\x81";
    json_t *o = json_object(), *back;
    char *text;
    (void)state;

    json_object_set_new(o, "k", json_string(s));
    text = sanitize_json_dumps(o, JSON_COMPACT);
    back = json_loads(text, 0, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "k")), s);
    json_decref(back);
    json_decref(o);
    free(text);
}

/* sanitize_json_write: the text of sanitize_json_dumps, written directly */
static char *json_written(const json_t *j)
{
    struct buf b;

    buf_init(&b);
    assert_int_equal(sanitize_json_write(&b, j, JSON_COMPACT), 0);
    return buf_steal(&b);
}

static void sanitize_json_write__escapes_every_row_as_dumps_does(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof json_rows / sizeof *json_rows; i++) {
        json_t *a = json_array();
        char *text, *want;

        json_array_append_new(a, sanitize_json_string(json_rows[i].in));
        text = json_written(a);
        want = str_cat3("[", json_rows[i].want, "]");
        assert_string_equal(text, want);
        free(want);
        free(text);
        json_decref(a);
    }
}

static void
sanitize_json_write__equals_dumps_on_every_kind_of_value(void **state)
{
    json_t *o = json_object(), *inner = json_object(), *arr = json_array();
    char c0[32], *text, *want;
    int i;
    (void)state;

    for (i = 1; i < 32; i++)
        c0[i - 1] = (char)i;
    c0[31] = '\0';
    json_object_set_new(o, "zeta", json_string("first key inserted"));
    json_object_set_new(o, "k\xe2\x80\xae\"\\", json_string("q\"b\\s/"));
    json_object_set_new(o, "c0", json_string(c0));
    json_object_set_new(o, "seps", json_string("\xe2\x80\xa8\xe2\x80\xa9"));
    json_object_set_new(o, "n", json_integer(-1234567890123LL));
    json_object_set_new(o, "r", json_real(0.1));
    json_object_set_new(o, "whole", json_real(3));
    json_object_set_new(o, "t", json_true());
    json_object_set_new(o, "f", json_false());
    json_object_set_new(o, "z", json_null());
    json_object_set_new(o, "empty", json_object());
    json_object_set_new(o, "none", json_array());
    json_array_append_new(arr, json_integer(1));
    json_array_append_new(arr, json_string("\xf0\x9f\x98\x80 \xc2\x9b"));
    json_array_append_new(arr, inner);
    json_object_set_new(inner, "b", json_string("2"));
    json_object_set_new(inner, "a", json_string("1"));
    json_object_set_new(o, "arr", arr);

    text = json_written(o);
    want = sanitize_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(text, want);
    assert_non_null(strstr(text, "\"zeta\":")); /* insertion order */
    assert_true(strstr(text, "\"zeta\"") < strstr(text, "\"arr\""));
    assert_non_null(strstr(text, "\"k\\u202E\\\"\\\\\":"));
    assert_non_null(strstr(text, "\\u2028\\u2029"));
    assert_non_null(strstr(text, "\\u009B"));
    free(want);
    free(text);
    json_decref(o);
}

static void sanitize_json_write__appends_to_what_the_buffer_holds(void **state)
{
    struct buf b;
    json_t *s = json_string("x");
    (void)state;

    buf_init(&b);
    buf_puts(&b, "before ");
    assert_int_equal(sanitize_json_write(&b, s, JSON_COMPACT), 0);
    assert_string_equal(b.data, "before \"x\"");
    buf_done(&b);
    json_decref(s);
}

static void sanitize_clean__says_whether_anything_would_change(void **state)
{
    (void)state;
    assert_true(sanitize_clean("node/é", SANITIZE_LINE));
    assert_false(sanitize_clean("a\tb", SANITIZE_LINE));
    assert_true(sanitize_clean("a\tb\n", SANITIZE_LINES));
    assert_false(sanitize_clean("a\xe2\x80\xae", SANITIZE_LINES));
    assert_false(sanitize_clean("a\xff", SANITIZE_LINES));
}

static void sanitize_str__is_a_new_string(void **state)
{
    char *s = sanitize_str("a\xe2\x80\xae", SANITIZE_LINE);
    (void)state;
    assert_string_equal(s, "a<U+202E>");
    free(s);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, text_rows, text_row);
    TL_ROWS(&l, xml_rows, xml_row);
    TL_ROWS(&l, json_rows, json_row);
    tl_add(&l, "sanitize_json_dumps__loads_back_to_the_same_string",
           sanitize_json_dumps__loads_back_to_the_same_string, NULL);
    tl_add(&l, "sanitize_json_write__escapes_every_row_as_dumps_does",
           sanitize_json_write__escapes_every_row_as_dumps_does, NULL);
    tl_add(&l, "sanitize_json_write__equals_dumps_on_every_kind_of_value",
           sanitize_json_write__equals_dumps_on_every_kind_of_value, NULL);
    tl_add(&l, "sanitize_json_write__appends_to_what_the_buffer_holds",
           sanitize_json_write__appends_to_what_the_buffer_holds, NULL);
    tl_add(&l, "sanitize_clean__says_whether_anything_would_change",
           sanitize_clean__says_whether_anything_would_change, NULL);
    tl_add(&l, "sanitize_str__is_a_new_string", sanitize_str__is_a_new_string,
           NULL);
    return tl_run(&l, "sanitize", NULL, NULL);
}
