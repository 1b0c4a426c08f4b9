/* pretty_stanza. */
#include "unit.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "xmpp/pretty.h"

/* s without its ANSI "ESC [ ... m" sequences (new string). */
static char *strip_ansi(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    assert_non_null(out);
    while (*s) {
        if (s[0] == '\033' && s[1] == '[') {
            s += 2;
            while (*s && *s != 'm')
                s++;
            if (*s == 'm')
                s++;
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}

/* Prints st both ways; checks the plain text and that colour only adds
 * escape sequences. */
static void assert_pretty(xmpp_stanza_t *st, const char *want)
{
    char *plain = pretty_stanza(st, 0);
    char *color = pretty_stanza(st, PRETTY_COLOR);
    char *stripped = strip_ansi(color);

    assert_string_equal(plain, want);
    assert_null(strstr(plain, "\033["));
    assert_non_null(strstr(color, "\033["));
    assert_string_equal(stripped, want);
    free(stripped);
    free(color);
    free(plain);
}

struct row {
    const char *name;
    const char *xml;
    const char *want;
};

static const struct row rows[] = {
    {"pretty__prints_an_empty_element_self_closed", "<iq/>", "<iq/>\n"},
    {"pretty__prints_an_element_with_only_attributes_self_closed",
     "<presence type='unavailable'/>", "<presence type='unavailable'/>\n"},
    {"pretty__sorts_attributes_with_xmlns_first",
     "<message type='chat' to='b@c' xmlns='jabber:client' id='1' "
     "from='a@b'/>",
     "<message xmlns='jabber:client' from='a@b' id='1' to='b@c' "
     "type='chat'/>\n"},
    {"pretty__puts_xmlns_before_a_name_that_sorts_earlier",
     "<x b='2' xmlns='urn:x' a='1'/>", "<x xmlns='urn:x' a='1' b='2'/>\n"},
    {"pretty__prints_short_text_inline", "<body>hello world</body>",
     "<body>hello world</body>\n"},
    {"pretty__indents_nested_children_by_two",
     "<iq type='result'><query xmlns='jabber:iq:roster'>"
     "<item jid='a@b' name='A'><group>Friends</group></item>"
     "<item jid='c@d'/></query></iq>",
     "<iq type='result'>\n"
     "  <query xmlns='jabber:iq:roster'>\n"
     "    <item jid='a@b' name='A'>\n"
     "      <group>Friends</group>\n"
     "    </item>\n"
     "    <item jid='c@d'/>\n"
     "  </query>\n"
     "</iq>\n"},
    {"pretty__hides_an_xmlns_inherited_from_the_parent",
     "<message xmlns='jabber:client' to='a@b'><body>hi</body></message>",
     "<message xmlns='jabber:client' to='a@b'>\n"
     "  <body>hi</body>\n"
     "</message>\n"},
    {"pretty__shows_a_child_xmlns_that_differs",
     "<message xmlns='jabber:client'><event "
     "xmlns='http://jabber.org/protocol/pubsub#event'/></message>",
     "<message xmlns='jabber:client'>\n"
     "  <event xmlns='http://jabber.org/protocol/pubsub#event'/>\n"
     "</message>\n"},
    {"pretty__escapes_special_characters_in_text",
     "<body>a &amp; b &lt; c &gt; d &apos; e &quot; f</body>",
     "<body>a &amp; b &lt; c &gt; d &apos; e &quot; f</body>\n"},
    {"pretty__escapes_special_characters_in_attributes",
     "<x a='&amp;&lt;&gt;&apos;&quot;'/>",
     "<x a='&amp;&lt;&gt;&apos;&quot;'/>\n"},
    {"pretty__escapes_cdata_content_as_text", "<body><![CDATA[x<y&z]]></body>",
     "<body>x&lt;y&amp;z</body>\n"},
    {"pretty__drops_whitespace_only_text_between_children",
     "<m>\n  <a/>\n  \t\r\n  <b>x</b>\n</m>",
     "<m>\n  <a/>\n  <b>x</b>\n</m>\n"},
    {"pretty__self_closes_an_element_with_only_whitespace", "<m> \n\t </m>",
     "<m/>\n"},
    {"pretty__puts_mixed_text_on_its_own_trimmed_lines",
     "<body>  hello <b>x</b> world  </body>",
     "<body>\n  hello\n  <b>x</b>\n  world\n</body>\n"},
    {"pretty__puts_multi_line_text_on_its_own_lines",
     "<body>line1\nline2</body>", "<body>\n  line1\nline2\n</body>\n"},
    {"pretty__keeps_utf8_text_unchanged",
     "<body>caf\xc3\xa9 \xe2\x98\xba</body>",
     "<body>caf\xc3\xa9 \xe2\x98\xba</body>\n"},
    {"pretty__prints_numeric_character_references_as_characters",
     "<body>&#x263A;&#65;</body>",
     "<body>\xe2\x98\xba"
     "A</body>\n"},
    {"pretty__writes_cr_lf_and_tab_in_a_value_as_references",
     "<x a='1&#13;&#10;2&#9;3'/>", "<x a='1&#xD;&#xA;2&#x9;3'/>\n"},
    {"pretty__writes_a_bidi_override_in_a_value_as_a_reference",
     "<item node='/finesse/&#x202E;gpj.exe'/>",
     "<item node='/finesse/&#x202E;gpj.exe'/>\n"},
    {"pretty__writes_zero_width_c1_and_cr_in_text_as_references",
     "<body>a&#x200B;b&#x85;c&#13;d</body>",
     "<body>a&#x200B;b&#x85;c&#xD;d</body>\n"},
};

static void row(void **state)
{
    const struct row *r = *state;
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, r->xml);

    assert_non_null(st);
    assert_pretty(st, r->want);
    xmpp_stanza_release(st);
}

/* --- hand-built trees --- */

static xmpp_stanza_t *element(const char *name)
{
    xmpp_stanza_t *st = xmpp_stanza_new(ctx);
    assert_non_null(st);
    assert_int_equal(xmpp_stanza_set_name(st, name), XMPP_EOK);
    return st;
}

static xmpp_stanza_t *text(const char *s)
{
    xmpp_stanza_t *st = xmpp_stanza_new(ctx);
    assert_non_null(st);
    assert_int_equal(xmpp_stanza_set_text(st, s), XMPP_EOK);
    return st;
}

static void add(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
    assert_int_equal(xmpp_stanza_add_child_ex(parent, child, 0), XMPP_EOK);
}

static void pretty__escapes_raw_attribute_values_and_text(void **state)
{
    xmpp_stanza_t *st = element("x");
    (void)state;

    xmpp_stanza_set_attribute(st, "a", "<&>'\"");
    add(st, text("<&>'\""));
    assert_pretty(st, "<x a='&lt;&amp;&gt;&apos;&quot;'>"
                      "&lt;&amp;&gt;&apos;&quot;</x>\n");
    xmpp_stanza_release(st);
}

static void pretty__sorts_prefixed_xmlns_with_the_other_names(void **state)
{
    xmpp_stanza_t *st = element("x");
    (void)state;

    xmpp_stanza_set_attribute(st, "z", "1");
    xmpp_stanza_set_attribute(st, "xmlns:p", "urn:p");
    xmpp_stanza_set_attribute(st, "a", "2");
    xmpp_stanza_set_attribute(st, "xmlns", "urn:x");
    assert_pretty(st, "<x xmlns='urn:x' a='2' xmlns:p='urn:p' z='1'/>\n");
    xmpp_stanza_release(st);
}

static void pretty__prints_a_text_node_trimmed(void **state)
{
    xmpp_stanza_t *st = text("  \n hi there \t\n");
    char *out = pretty_stanza(st, 0);
    (void)state;

    assert_string_equal(out, "hi there\n");
    free(out);
    xmpp_stanza_release(st);
}

static void pretty__keeps_72_characters_inline_and_breaks_73(void **state)
{
    char *t72 = str_repeat('x', 72), *t73 = str_repeat('y', 73), *want;
    xmpp_stanza_t *a = element("body"), *b = element("body");
    (void)state;

    add(a, text(t72));
    want = str_cat3("<body>", t72, "</body>\n");
    assert_pretty(a, want);
    free(want);

    add(b, text(t73));
    want = str_cat3("<body>\n  ", t73, "\n</body>\n");
    assert_pretty(b, want);
    free(want);

    xmpp_stanza_release(a);
    xmpp_stanza_release(b);
    free(t72);
    free(t73);
}

static void pretty__colours_tags_attributes_and_values(void **state)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(
        ctx, "<message to='a@b'><body>hi</body></message>");
    char *out;
    (void)state;

    assert_non_null(st);
    out = pretty_stanza(st, PRETTY_COLOR);
    assert_string_equal(out, "\033[1;34m<message \033[36mto=\033[32m'a@b'"
                             "\033[1;34m>\033[0m\n"
                             "  \033[1;34m<body\033[1;34m>\033[0mhi"
                             "\033[1;34m</body>\033[0m\n"
                             "\033[1;34m</message>\033[0m\n");
    free(out);
    xmpp_stanza_release(st);
}

#define DEEP 100000

static size_t indent_of(size_t depth)
{
    return 2 * (depth < PRETTY_MAX_INDENT ? depth : PRETTY_MAX_INDENT);
}

static void append_line(struct buf *b, size_t depth, const char *s)
{
    size_t i;
    for (i = 0; i < indent_of(depth); i++)
        buf_append(b, " ", 1);
    buf_puts(b, s);
}

static void pretty__prints_a_100000_deep_tree_with_bounded_indent(void **state)
{
    struct buf in, want;
    xmpp_stanza_t *st;
    char *out, *color, *stripped;
    size_t i;
    (void)state;

    buf_init(&in);
    for (i = 0; i < DEEP; i++)
        buf_puts(&in, "<a>");
    for (i = 0; i < DEEP; i++)
        buf_puts(&in, "</a>");
    st = xmpp_stanza_new_from_string(ctx, in.data);
    buf_done(&in);
    assert_non_null(st);

    buf_init(&want);
    for (i = 0; i + 1 < DEEP; i++)
        append_line(&want, i, "<a>\n");
    append_line(&want, DEEP - 1, "<a/>\n");
    for (i = DEEP - 1; i-- > 0;)
        append_line(&want, i, "</a>\n");

    out = pretty_stanza(st, 0);
    assert_int_equal(strlen(out), want.len);
    assert_string_equal(out, want.data);
    color = pretty_stanza(st, PRETTY_COLOR);
    stripped = strip_ansi(color);
    assert_string_equal(stripped, want.data);

    free(stripped);
    free(color);
    free(out);
    buf_done(&want);
    xmpp_stanza_release(st);
}

/* 10000: libstrophe appends a child by walking the sibling list */
#define WIDE 10000

static void pretty__prints_10000_siblings(void **state)
{
    xmpp_stanza_t *st = element("query");
    struct buf want;
    char *out;
    size_t i;
    (void)state;

    buf_init(&want);
    buf_puts(&want, "<query>\n");
    for (i = 0; i < WIDE; i++) {
        add(st, element("item"));
        buf_puts(&want, "  <item/>\n");
    }
    buf_puts(&want, "</query>\n");
    out = pretty_stanza(st, 0);
    assert_string_equal(out, want.data);
    free(out);
    buf_done(&want);
    xmpp_stanza_release(st);
}

static void pretty__shows_escaped_xml_text_parsed_when_asked(void **state)
{
    xmpp_stanza_t *st = element("notification");
    char *plain, *embedded;
    (void)state;

    add(st, text("<Update><data><user><state>READY</state></user></data>"
                 "<event>PUT</event></Update>"));
    plain = pretty_stanza(st, 0);
    embedded = pretty_stanza(st, PRETTY_EMBEDDED);
    assert_non_null(strstr(plain, "&lt;Update&gt;"));
    assert_string_equal(embedded,
                        "<notification>\n"
                        "  <!-- escaped XML in the text, shown parsed: -->\n"
                        "  <Update>\n"
                        "    <data>\n"
                        "      <user>\n"
                        "        <state>READY</state>\n"
                        "      </user>\n"
                        "    </data>\n"
                        "    <event>PUT</event>\n"
                        "  </Update>\n"
                        "</notification>\n");
    free(plain);
    free(embedded);
    xmpp_stanza_release(st);
}

/* Not XML, broken XML, and XML nested past 64 levels stay text. */
static void pretty__keeps_text_that_is_not_safe_xml_as_text(void **state)
{
    static const char *const cases[] = {"plain words", "<Update><data>",
                                        "<a>&bogus;</a>", NULL};
    struct buf deep;
    const char *const *c;
    char *out;
    int i;
    (void)state;

    buf_init(&deep);
    for (i = 0; i < 65; i++)
        buf_puts(&deep, "<a>");
    for (i = 0; i < 65; i++)
        buf_puts(&deep, "</a>");
    for (c = cases; *c || deep.data; c++) {
        const char *t = *c ? *c : deep.data;
        xmpp_stanza_t *st = element("n");
        add(st, text(t));
        out = pretty_stanza(st, PRETTY_EMBEDDED);
        assert_null(strstr(out, "shown parsed"));
        free(out);
        xmpp_stanza_release(st);
        if (*c == NULL)
            break;
    }
    buf_done(&deep);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, rows, row);
    tl_add(&l, "pretty__escapes_raw_attribute_values_and_text",
           pretty__escapes_raw_attribute_values_and_text, NULL);
    tl_add(&l, "pretty__sorts_prefixed_xmlns_with_the_other_names",
           pretty__sorts_prefixed_xmlns_with_the_other_names, NULL);
    tl_add(&l, "pretty__prints_a_text_node_trimmed",
           pretty__prints_a_text_node_trimmed, NULL);
    tl_add(&l, "pretty__keeps_72_characters_inline_and_breaks_73",
           pretty__keeps_72_characters_inline_and_breaks_73, NULL);
    tl_add(&l, "pretty__colours_tags_attributes_and_values",
           pretty__colours_tags_attributes_and_values, NULL);
    tl_add(&l, "pretty__prints_a_100000_deep_tree_with_bounded_indent",
           pretty__prints_a_100000_deep_tree_with_bounded_indent, NULL);
    tl_add(&l, "pretty__prints_10000_siblings", pretty__prints_10000_siblings,
           NULL);
    tl_add(&l, "pretty__shows_escaped_xml_text_parsed_when_asked",
           pretty__shows_escaped_xml_text_parsed_when_asked, NULL);
    tl_add(&l, "pretty__keeps_text_that_is_not_safe_xml_as_text",
           pretty__keeps_text_that_is_not_safe_xml_as_text, NULL);
    return tl_run(&l, "pretty", strophe_setup, strophe_teardown);
}
