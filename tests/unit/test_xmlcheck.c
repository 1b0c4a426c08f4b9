/* xmlcheck_stanzas: splitting raw input into stanzas, and its errors. */
#include "unit.h"

#include "xmpp/xmlcheck.h"

#define MAX_SPANS 4

struct want_span {
    size_t offset, len;
    const char *name;
    const char *text; /* the bytes input[offset, offset + len) */
};

struct split {
    const char *name;
    const char *input;
    size_t n;
    struct want_span spans[MAX_SPANS];
};

static const struct split split_rows[] = {
    {"xmlcheck__splits_three_stanzas_back_to_back",
     "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"
     "<message to='a@b'><body>hi</body></message>"
     "<presence/>",
     3,
     {{0, 56, "iq", "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"},
      {56, 43, "message", "<message to='a@b'><body>hi</body></message>"},
      {99, 11, "presence", "<presence/>"}}},
    {"xmlcheck__allows_whitespace_between_and_around_stanzas",
     " \n<iq type='result' id='a'/>\n\t\r\n<presence type='unavailable'/>\n",
     2,
     {{2, 26, "iq", "<iq type='result' id='a'/>"},
      {32, 30, "presence", "<presence type='unavailable'/>"}}},
    {"xmlcheck__counts_offsets_in_bytes_not_characters",
     "<message><body>h\xc3\xa9llo</body></message><iq type='get'/>",
     2,
     {{0, 38, "message", "<message><body>h\xc3\xa9llo</body></message>"},
      {38, 16, "iq", "<iq type='get'/>"}}},
    {"xmlcheck__accepts_the_jabber_client_namespace",
     "<presence xmlns='jabber:client'/>",
     1,
     {{0, 33, "presence", "<presence xmlns='jabber:client'/>"}}},
    {"xmlcheck__accepts_a_prefix_bound_to_jabber_client",
     "<c:message xmlns:c='jabber:client'><c:body>x</c:body></c:message>",
     1,
     {{0, 65, "message",
       "<c:message xmlns:c='jabber:client'><c:body>x</c:body></c:message>"}}},
    {"xmlcheck__accepts_children_in_other_namespaces",
     "<iq type='set' id='p'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
     "<publish node='n'/></pubsub></iq>",
     1,
     {{0, 105, "iq",
       "<iq type='set' id='p'><pubsub xmlns='http://jabber.org/protocol/"
       "pubsub'><publish node='n'/></pubsub></iq>"}}},
    {"xmlcheck__accepts_cdata_and_character_references_inside_a_stanza",
     "<message><body><![CDATA[a<b]]>&amp;&#x263A;</body></message>",
     1,
     {{0, 60, "message",
       "<message><body><![CDATA[a<b]]>&amp;&#x263A;</body></message>"}}},
    {"xmlcheck__accepts_stanza_names_nested_inside_a_stanza",
     "<message><iq/><presence/></message>",
     1,
     {{0, 35, "message", "<message><iq/><presence/></message>"}}},
    {"xmlcheck__takes_the_span_up_to_an_end_tag_with_spaces",
     "<iq type='get'></iq  >  ",
     1,
     {{0, 22, "iq", "<iq type='get'></iq  >"}}},
    {"xmlcheck__accepts_crlf_line_ends_inside_a_stanza",
     "<message>\r\n<body>x</body>\r\n</message>",
     1,
     {{0, 37, "message", "<message>\r\n<body>x</body>\r\n</message>"}}},
};

static void split(void **state)
{
    const struct split *r = *state;
    struct xml_spans s;
    char *cause = (char *)"untouched";
    size_t i;

    assert_int_equal(xmlcheck_stanzas(r->input, strlen(r->input), &s, &cause),
                     0);
    assert_null(cause);
    assert_int_equal(s.n, r->n);
    for (i = 0; i < r->n; i++) {
        const struct want_span *w = &r->spans[i];
        assert_int_equal(s.v[i].offset, w->offset);
        assert_int_equal(s.v[i].len, w->len);
        assert_string_equal(s.v[i].name, w->name);
        assert_int_equal(strlen(w->text), w->len); /* the table is right */
        assert_memory_equal(r->input + s.v[i].offset, w->text, w->len);
    }
    xmlcheck_spans_done(&s);
    assert_null(s.v);
    assert_int_equal(s.n, 0);
}

struct error {
    const char *name;
    const char *input;
    size_t len; /* 0: strlen(input) */
    const char *cause;
};

#define NOT_A_STANZA "is not a stanza (expected iq, message or presence)"

static const struct error error_rows[] = {
    {"xmlcheck__reports_line_and_column_of_mismatched_tag",
     "<message>\n<body>\nhi</bod>\n</message>", 0,
     "line 3, column 5: mismatched tag"},
    {"xmlcheck__reports_mismatched_tag_after_crlf", "<iq>\r\n</bad>", 0,
     "line 2, column 3: mismatched tag"},
    {"xmlcheck__rejects_a_non_stanza_element", "<body>x</body>", 0,
     "line 1, column 1: <body> " NOT_A_STANZA},
    {"xmlcheck__rejects_a_non_stanza_after_a_stanza",
     "<iq type='get'/>\n  <foo/>", 0, "line 2, column 3: <foo> " NOT_A_STANZA},
    {"xmlcheck__rejects_a_stanza_name_in_another_namespace",
     "<iq xmlns='jabber:server' type='get'/>", 0,
     "line 1, column 1: <iq xmlns='jabber:server'> is not a stanza (expected "
     "iq, message or presence in jabber:client)"},
    {"xmlcheck__rejects_a_prefix_bound_to_another_namespace",
     "<x:message xmlns:x='urn:other'/>", 0,
     "line 1, column 1: <message xmlns='urn:other'> is not a stanza (expected "
     "iq, message or presence in jabber:client)"},
    {"xmlcheck__rejects_an_undeclared_prefix", "<x:iq type='get'/>", 0,
     "line 1, column 1: unbound prefix"},
    {"xmlcheck__rejects_an_undeclared_prefix_inside_a_stanza",
     "<message>\n<x:body/></message>", 0, "line 2, column 1: unbound prefix"},
    {"xmlcheck__rejects_text_after_a_stanza", "<iq type='get' id='1'/>\nhello",
     0, "line 2, column 1: text outside a stanza"},
    {"xmlcheck__rejects_text_before_a_stanza", "hello <iq/>", 0,
     "line 1, column 1: text outside a stanza"},
    {"xmlcheck__rejects_an_entity_outside_a_stanza", "<iq/>&amp;", 0,
     "line 1, column 6: text outside a stanza"},
    {"xmlcheck__rejects_a_doctype", "<!DOCTYPE iq>\n<iq/>", 0,
     "line 1, column 3: not well-formed (invalid token)"},
    {"xmlcheck__rejects_a_doctype_on_a_later_line",
     "<iq/>\n<!DOCTYPE iq SYSTEM 'file:///etc/passwd'>", 0,
     "line 2, column 3: not well-formed (invalid token)"},
    {"xmlcheck__rejects_the_billion_laughs_entity",
     "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
     "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
     "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
     "<message><body>&lol3;</body></message>",
     0, "line 1, column 3: not well-formed (invalid token)"},
    {"xmlcheck__rejects_an_undefined_entity",
     "<message><body>&lol;</body></message>", 0,
     "line 1, column 16: undefined entity"},
    {"xmlcheck__rejects_a_comment_between_stanzas",
     "<iq type='get'/>\n<!-- hi -->", 0,
     "line 2, column 1: comments are not allowed in XMPP"},
    {"xmlcheck__rejects_a_comment_inside_a_stanza",
     "<message><!-- x --></message>", 0,
     "line 1, column 10: comments are not allowed in XMPP"},
    {"xmlcheck__rejects_a_processing_instruction", "<?php echo 1; ?><iq/>", 0,
     "line 1, column 1: processing instructions are not allowed in XMPP"},
    {"xmlcheck__rejects_a_processing_instruction_inside_a_stanza",
     "<iq>\n  <?x y?></iq>", 0,
     "line 2, column 3: processing instructions are not allowed in XMPP"},
    {"xmlcheck__rejects_an_xml_declaration", "<?xml version='1.0'?><iq/>", 0,
     "line 1, column 1: XML or text declaration not at start of entity"},
    {"xmlcheck__rejects_an_unclosed_element", "<message>\n<body>hi</body>", 0,
     "line 2, column 16: the input ends inside an unclosed element"},
    {"xmlcheck__rejects_an_unterminated_start_tag", "<message", 0,
     "line 1, column 9: not well-formed (invalid token)"},
    {"xmlcheck__rejects_an_unterminated_attribute",
     "<message to='a@b>hi</message>", 0,
     "line 1, column 20: not well-formed (invalid token)"},
    {"xmlcheck__rejects_a_stray_end_tag", "</iq>", 0,
     "line 1, column 3: mismatched tag"},
    {"xmlcheck__rejects_a_lone_less_than_sign", "<message>a < b</message>", 0,
     "line 1, column 13: not well-formed (invalid token)"},
    {"xmlcheck__rejects_empty_input", "", 0,
     "line 1, column 1: no stanza in the input"},
    {"xmlcheck__rejects_whitespace_only_input", "  \n\t", 0,
     "line 2, column 2: no stanza in the input"},
    {"xmlcheck__reports_the_position_of_a_nul_byte", "<iq/>\n<me\0ssage/>", 16,
     "line 2, column 4: input contains a NUL byte"},
    {"xmlcheck__counts_crlf_and_lone_cr_as_line_ends_before_a_nul",
     "<iq/>\r\n\r<a\0", 11, "line 3, column 3: input contains a NUL byte"},
    {"xmlcheck__counts_characters_not_bytes_before_a_nul",
     "<message>\xc3\xa9\0</message>", 22,
     "line 1, column 11: input contains a NUL byte"},
    {"xmlcheck__rejects_a_nul_byte_at_the_start", "\0<iq/>", 6,
     "line 1, column 1: input contains a NUL byte"},
    {"xmlcheck__rejects_invalid_utf8", "<message><body>\xff</body></message>",
     0, "line 1, column 16: not well-formed (invalid token)"},
    {"xmlcheck__rejects_an_overlong_utf8_slash",
     "<message><body>\xc0\xaf</body></message>", 0,
     "line 1, column 16: not well-formed (invalid token)"},
    {"xmlcheck__rejects_a_lone_utf8_continuation_byte",
     "<message><body>ok\x80</body></message>", 0,
     "line 1, column 18: not well-formed (invalid token)"},
    {"xmlcheck__counts_columns_in_characters_after_utf8",
     "<message>\xc3\xa9\xff</message>", 0,
     "line 1, column 11: not well-formed (invalid token)"},
    {"xmlcheck__rejects_a_utf16_surrogate_in_utf8",
     "<message><body>\xed\xa0\x80</body></message>", 0,
     "line 1, column 16: not well-formed (invalid token)"},
    {"xmlcheck__rejects_a_control_character", "<message>\x1b[31m</message>", 0,
     "line 1, column 10: not well-formed (invalid token)"},
    {"xmlcheck__cannot_be_escaped_by_reopening_the_wrapper",
     "<iq/></perch-input><perch-input><iq/>", 0,
     "line 1, column 20: junk after document element"},
};

static void error(void **state)
{
    const struct error *r = *state;
    size_t len = r->len ? r->len : strlen(r->input);
    struct xml_spans s;
    char *cause = NULL;

    assert_int_equal(xmlcheck_stanzas(r->input, len, &s, &cause), -1);
    assert_non_null(cause);
    assert_string_equal(cause, r->cause);
    assert_null(s.v); /* nothing is handed out on failure */
    assert_int_equal(s.n, 0);
    free(cause);
}

static void xmlcheck__cannot_be_escaped_by_closing_the_wrapper(void **state)
{
    const char *input = "<iq/></perch-input>";
    struct xml_spans s;
    char *cause = NULL;
    (void)state;

    assert_int_equal(xmlcheck_stanzas(input, strlen(input), &s, &cause), -1);
    assert_string_equal(cause,
                        "line 1, column 21: not well-formed (invalid token)");
    assert_int_equal(s.n, 0);
    free(cause);
}

/* --- big and deep inputs --- */

static char *big_message(size_t total)
{
    static const char head[] = "<message><body>", tail[] = "</body></message>";
    size_t fill = total - (sizeof head - 1) - (sizeof tail - 1);
    char *s = malloc(total + 1);

    assert_non_null(s);
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'a', fill);
    memcpy(s + sizeof head - 1 + fill, tail, sizeof tail);
    assert_int_equal(strlen(s), total);
    return s;
}

static void xmlcheck__accepts_input_of_exactly_the_maximum_size(void **state)
{
    char *input = big_message(XMLCHECK_MAX_INPUT), *cause = NULL;
    struct xml_spans s;
    (void)state;

    assert_int_equal(xmlcheck_stanzas(input, XMLCHECK_MAX_INPUT, &s, &cause),
                     0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].offset, 0);
    assert_int_equal(s.v[0].len, XMLCHECK_MAX_INPUT);
    assert_string_equal(s.v[0].name, "message");
    xmlcheck_spans_done(&s);
    free(input);
}

static void xmlcheck__rejects_input_one_byte_over_the_maximum(void **state)
{
    char *input = big_message(XMLCHECK_MAX_INPUT + 1), *cause = NULL;
    struct xml_spans s;
    (void)state;

    assert_int_equal(
        xmlcheck_stanzas(input, XMLCHECK_MAX_INPUT + 1, &s, &cause), -1);
    assert_string_equal(cause, "line 1, column 16777217: input is larger "
                               "than the 16 MiB cap");
    assert_int_equal(s.n, 0);
    free(cause);
    free(input);
}

#define DEEP 100000

/* "<message>" + "<a>" * DEEP + ("</a>" * DEEP + "</message>" if closed) */
static char *deep_message(int closed, size_t *len)
{
    size_t n = 9 + 3 * DEEP + (closed ? 4 * DEEP + 10 : 0), i;
    char *s = malloc(n + 1), *p = s;

    assert_non_null(s);
    memcpy(p, "<message>", 9);
    p += 9;
    for (i = 0; i < DEEP; i++, p += 3)
        memcpy(p, "<a>", 3);
    if (closed) {
        for (i = 0; i < DEEP; i++, p += 4)
            memcpy(p, "</a>", 4);
        memcpy(p, "</message>", 10);
        p += 10;
    }
    *p = '\0';
    *len = n;
    return s;
}

static void xmlcheck__accepts_100000_levels_of_nesting(void **state)
{
    size_t len;
    char *input = deep_message(1, &len), *cause = NULL;
    struct xml_spans s;
    (void)state;

    assert_int_equal(xmlcheck_stanzas(input, len, &s, &cause), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].offset, 0);
    assert_int_equal(s.v[0].len, len);
    xmlcheck_spans_done(&s);
    free(input);
}

static void xmlcheck__rejects_100000_unclosed_levels(void **state)
{
    size_t len;
    char *input = deep_message(0, &len), *cause = NULL;
    struct xml_spans s;
    (void)state;

    assert_int_equal(xmlcheck_stanzas(input, len, &s, &cause), -1);
    assert_string_equal(cause, "line 1, column 300010: the input ends inside "
                               "an unclosed element");
    free(cause);
    free(input);
}

static void xmlcheck__splits_10000_stanzas(void **state)
{
    size_t n = 10000, i, len = n * 11;
    char *input = malloc(len + 1), *cause = NULL;
    struct xml_spans s;
    (void)state;

    assert_non_null(input);
    for (i = 0; i < n; i++)
        memcpy(input + 11 * i, "<presence/>", 11);
    input[len] = '\0';
    assert_int_equal(xmlcheck_stanzas(input, len, &s, &cause), 0);
    assert_int_equal(s.n, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(s.v[i].offset, 11 * i);
        assert_int_equal(s.v[i].len, 11);
        assert_string_equal(s.v[i].name, "presence");
    }
    xmlcheck_spans_done(&s);
    free(input);
}

static void xmlcheck__reads_only_len_bytes(void **state)
{
    /* the bytes after len would make the input invalid */
    const char *input = "<iq type='get'/>garbage<";
    struct xml_spans s;
    char *cause = NULL;
    (void)state;

    assert_int_equal(xmlcheck_stanzas(input, 16, &s, &cause), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].len, 16);
    xmlcheck_spans_done(&s);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, split_rows, split);
    TL_ROWS(&l, error_rows, error);
    tl_add(&l, "xmlcheck__cannot_be_escaped_by_closing_the_wrapper",
           xmlcheck__cannot_be_escaped_by_closing_the_wrapper, NULL);
    tl_add(&l, "xmlcheck__accepts_input_of_exactly_the_maximum_size",
           xmlcheck__accepts_input_of_exactly_the_maximum_size, NULL);
    tl_add(&l, "xmlcheck__rejects_input_one_byte_over_the_maximum",
           xmlcheck__rejects_input_one_byte_over_the_maximum, NULL);
    tl_add(&l, "xmlcheck__accepts_100000_levels_of_nesting",
           xmlcheck__accepts_100000_levels_of_nesting, NULL);
    tl_add(&l, "xmlcheck__rejects_100000_unclosed_levels",
           xmlcheck__rejects_100000_unclosed_levels, NULL);
    tl_add(&l, "xmlcheck__splits_10000_stanzas", xmlcheck__splits_10000_stanzas,
           NULL);
    tl_add(&l, "xmlcheck__reads_only_len_bytes", xmlcheck__reads_only_len_bytes,
           NULL);
    return tl_run(&l, "xmlcheck", NULL, NULL);
}
