/* xml_escape: the one escaping of text for XML (pretty printer, BOSH
 * bodies, templates, decoded payloads, the simulator's documents). */
#include "unit.h"

#include "base/buf.h"
#include "base/xml_escape.h"

struct row {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum xml_escape mode;
    const char *want;
    size_t want_len; /* 0: strlen(want) */
};

static const struct row rows[] = {
    {"xml_escape__escapes_all_five_special_characters", "&<>'\"", 0, XML_ALL,
     "&amp;&lt;&gt;&apos;&quot;", 0},
    {"xml_escape__leaves_quotes_alone_in_text", "&<>'\"", 0, XML_TEXT,
     "&amp;&lt;&gt;'\"", 0},
    {"xml_escape__leaves_plain_text_alone", "plain text 123", 0, XML_ALL,
     "plain text 123", 0},
    {"xml_escape__writes_nothing_for_the_empty_string", "", 0, XML_ALL, "", 0},
    {"xml_escape__does_not_double_escape_entities", "&amp;", 0, XML_ALL,
     "&amp;amp;", 0},
    {"xml_escape__passes_utf8_and_invalid_bytes_through", "\xc3\xa9\xff\x80", 0,
     XML_ALL, "\xc3\xa9\xff\x80", 0},
    {"xml_escape__escapes_ampersand_quotes_and_non_ascii",
     "Smith & Sons <VIP> \"q\" 'a' José 日本", 0, XML_ALL,
     "Smith &amp; Sons &lt;VIP&gt; &quot;q&quot; &apos;a&apos; José 日本", 0},
    {"xml_escape__escapes_at_both_ends", "<a>", 0, XML_TEXT, "&lt;a&gt;", 0},
    {"xml_escape__escapes_a_run_of_specials", "&&&", 0, XML_TEXT,
     "&amp;&amp;&amp;", 0},
    {"xml_escape__stops_at_len", "a<b<c", 3, XML_TEXT, "a&lt;b", 0},
    {"xml_escape__passes_a_nul_inside_len_through", "a\0<", 3, XML_TEXT,
     "a\0&lt;", 6},
};

static void row(void **state)
{
    const struct row *r = *state;
    size_t len = r->len ? r->len : strlen(r->in);
    size_t want_len = r->want_len ? r->want_len : strlen(r->want);
    struct buf b;

    buf_init(&b);
    buf_puts(&b, "[");
    xml_escape(&b, r->in, len, r->mode);
    buf_puts(&b, "]");
    assert_int_equal(b.len, want_len + 2);
    assert_memory_equal(b.data + 1, r->want, want_len);
    assert_int_equal(b.data[b.len - 1], ']');
    buf_done(&b);
}

static void xml_escape__str_is_the_whole_string(void **state)
{
    struct buf b;
    (void)state;

    buf_init(&b);
    xml_escape_str(&b, "x='1' & y", XML_ALL);
    assert_string_equal(b.data, "x=&apos;1&apos; &amp; y");
    buf_done(&b);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "xml_escape__str_is_the_whole_string",
           xml_escape__str_is_the_whole_string, NULL);
    return tl_run(&l, "xml_escape", NULL, NULL);
}
