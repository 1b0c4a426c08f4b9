/* jid_parse, jid_bare, jid_equal. */
#include "unit.h"

#include "base/buf.h"
#include "xmpp/jid.h"

/* --- valid forms --- */

struct parse_ok {
    const char *name;
    const char *input;
    const char *local, *domain, *resource; /* NULL: absent */
    const char *bare;
};

static const struct parse_ok parse_ok_rows[] = {
    {"jid_parse__splits_local_domain_resource", "user@example.com/phone",
     "user", "example.com", "phone", "user@example.com"},
    {"jid_parse__accepts_local_and_domain", "user@example.com", "user",
     "example.com", NULL, "user@example.com"},
    {"jid_parse__accepts_a_domain_alone", "example.com", NULL, "example.com",
     NULL, "example.com"},
    {"jid_parse__accepts_domain_and_resource", "example.com/bot", NULL,
     "example.com", "bot", "example.com"},
    {"jid_parse__keeps_slashes_and_at_signs_in_the_resource",
     "user@example.com/a/b@c", "user", "example.com", "a/b@c",
     "user@example.com"},
    {"jid_parse__takes_an_at_sign_after_the_slash_as_resource",
     "example.com/user@host", NULL, "example.com", "user@host", "example.com"},
    {"jid_parse__drops_the_trailing_dot_of_the_domain", "user@example.com.",
     "user", "example.com", NULL, "user@example.com"},
    {"jid_parse__drops_the_trailing_dot_before_a_resource",
     "user@example.com./r", "user", "example.com", "r", "user@example.com"},
    {"jid_parse__keeps_the_case_of_every_part", "User@Example.COM/Res", "User",
     "Example.COM", "Res", "User@Example.COM"},
    {"jid_parse__accepts_spaces_in_the_resource", "u@d/my phone", "u", "d",
     "my phone", "u@d"},
    {"jid_parse__accepts_utf8_in_every_part",
     "j\xc3\xbcrgen@m\xc3\xbcnchen.de/caf\xc3\xa9", "j\xc3\xbcrgen",
     "m\xc3\xbcnchen.de", "caf\xc3\xa9", "j\xc3\xbcrgen@m\xc3\xbcnchen.de"},
    {"jid_parse__accepts_an_ip_literal_domain", "u@[::1]/r", "u", "[::1]", "r",
     "u@[::1]"},
    {"jid_parse__stops_at_a_nul_byte", "user\0@evil.example", NULL, "user",
     NULL, "user"},
};

static void assert_opt_str(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void parse_ok(void **state)
{
    const struct parse_ok *r = *state;
    struct jid j;
    char *cause = NULL, *bare;

    assert_int_equal(jid_parse(r->input, &j, &cause), 0);
    assert_null(cause);
    assert_opt_str(j.local, r->local);
    assert_opt_str(j.domain, r->domain);
    assert_opt_str(j.resource, r->resource);
    bare = jid_bare(&j);
    assert_string_equal(bare, r->bare);
    free(bare);
    jid_done(&j);
    assert_null(j.local);
    assert_null(j.domain);
    assert_null(j.resource);
}

/* --- errors --- */

struct parse_err {
    const char *name;
    const char *input;
    const char *cause; /* exact */
};

static const struct parse_err parse_err_rows[] = {
    {"jid_parse__rejects_the_empty_string", "", "empty JID"},
    {"jid_parse__rejects_bytes_that_are_not_utf8",
     "\xff\xfe@\xc3\x28.example/\x80",
     "JID '\\xFF\\xFE@\\xC3(.example/\\x80' is not UTF-8 (byte 1)"},
    {"jid_parse__rejects_an_overlong_form_in_the_resource", "u@d/\xc0\xaf",
     "JID 'u@d/\\xC0\\xAF' is not UTF-8 (byte 5)"},
    {"jid_parse__rejects_a_control_character",
     "a\x01"
     "b@example.com",
     "JID 'a<U+0001>b@example.com': U+0001 is not allowed (a control, bidi "
     "or invisible character)"},
    {"jid_parse__rejects_a_newline_in_the_resource", "a@example.com/r\nperch",
     "JID 'a@example.com/r<U+000A>perch': U+000A is not allowed (a control, "
     "bidi or invisible character)"},
    {"jid_parse__rejects_del_and_c1", "a\x7f@d",
     "JID 'a<U+007F>@d': U+007F is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_a_c1_control", "a\xc2\x85@d",
     "JID 'a<U+0085>@d': U+0085 is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_a_right_to_left_override", "moc.elpmaxe@\xe2\x80\xae",
     "JID 'moc.elpmaxe@<U+202E>': U+202E is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_a_zero_width_space", "ad\xe2\x80\x8bmin@d",
     "JID 'ad<U+200B>min@d': U+200B is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_an_empty_local_part", "@example.com",
     "JID '@example.com' has an empty local part"},
    {"jid_parse__rejects_an_empty_domain_after_the_at_sign", "user@",
     "JID 'user@' has an empty domain"},
    {"jid_parse__rejects_an_empty_domain_before_the_resource", "user@/r",
     "JID 'user@/r' has an empty domain"},
    {"jid_parse__rejects_a_resource_alone", "/r",
     "JID '/r' has an empty domain"},
    {"jid_parse__rejects_a_domain_that_is_only_a_dot", "user@.",
     "JID 'user@.' has an empty domain"},
    {"jid_parse__rejects_a_lone_dot", ".", "JID '.' has an empty domain"},
    {"jid_parse__rejects_an_empty_resource", "user@example.com/",
     "JID 'user@example.com/' has an empty resource"},
    {"jid_parse__rejects_two_at_signs", "a@b@example.com",
     "JID 'a@b@example.com' has an invalid domain"},
    {"jid_parse__rejects_a_space_in_the_domain", "user@exa mple.com",
     "JID 'user@exa mple.com' has an invalid domain"},
    {"jid_parse__rejects_a_double_quote_in_the_local_part", "us\"er@d",
     "JID 'us\"er@d': character '\"' is not allowed in the local part"},
    {"jid_parse__rejects_an_ampersand_in_the_local_part", "us&er@d",
     "JID 'us&er@d': character '&' is not allowed in the local part"},
    {"jid_parse__rejects_an_apostrophe_in_the_local_part", "us'er@d",
     "JID 'us'er@d': character ''' is not allowed in the local part"},
    {"jid_parse__rejects_a_colon_in_the_local_part", "us:er@d",
     "JID 'us:er@d': character ':' is not allowed in the local part"},
    {"jid_parse__rejects_a_less_than_sign_in_the_local_part", "us<er@d",
     "JID 'us<er@d': character '<' is not allowed in the local part"},
    {"jid_parse__rejects_a_greater_than_sign_in_the_local_part", "us>er@d",
     "JID 'us>er@d': character '>' is not allowed in the local part"},
    {"jid_parse__rejects_a_space_in_the_local_part", "us er@d",
     "JID 'us er@d': character ' ' is not allowed in the local part"},
    {"jid_parse__rejects_a_tab_in_the_local_part", "us\ter@d",
     "JID 'us<U+0009>er@d': U+0009 is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_a_newline_in_the_local_part", "us\ner@d",
     "JID 'us<U+000A>er@d': U+000A is not allowed (a control, bidi or "
     "invisible character)"},
    {"jid_parse__rejects_a_carriage_return_in_the_local_part", "us\rer@d",
     "JID 'us<U+000D>er@d': U+000D is not allowed (a control, bidi or "
     "invisible character)"},
};

static void parse_err(void **state)
{
    const struct parse_err *r = *state;
    struct jid j;
    char *cause = NULL;

    assert_int_equal(jid_parse(r->input, &j, &cause), -1);
    assert_non_null(cause);
    assert_string_equal(cause, r->cause);
    /* nothing is left allocated in j */
    assert_null(j.local);
    assert_null(j.domain);
    assert_null(j.resource);
    free(cause);
}

static void jid_parse__rejects_null(void **state)
{
    struct jid j;
    char *cause = NULL;
    (void)state;

    assert_int_equal(jid_parse(NULL, &j, &cause), -1);
    assert_string_equal(cause, "empty JID");
    assert_null(j.domain);
    free(cause);
}

/* --- length limits: 1023 bytes per part --- */

enum part { LOCAL, DOMAIN, RESOURCE };

struct limit {
    const char *name;
    enum part part;
    size_t len;
    const char *cause; /* NULL: accepted */
};

static const struct limit limit_rows[] = {
    {"jid_parse__accepts_a_1023_byte_local_part", LOCAL, 1023, NULL},
    {"jid_parse__rejects_a_1024_byte_local_part", LOCAL, 1024,
     "JID local part is longer than 1023 bytes"},
    {"jid_parse__accepts_a_1023_byte_domain", DOMAIN, 1023, NULL},
    {"jid_parse__rejects_a_1024_byte_domain", DOMAIN, 1024,
     "JID domain is longer than 1023 bytes"},
    {"jid_parse__accepts_a_1023_byte_resource", RESOURCE, 1023, NULL},
    {"jid_parse__rejects_a_1024_byte_resource", RESOURCE, 1024,
     "JID resource is longer than 1023 bytes"},
    {"jid_parse__rejects_a_one_megabyte_local_part", LOCAL, 1u << 20,
     "JID local part is longer than 1023 bytes"},
    {"jid_parse__rejects_a_one_megabyte_domain", DOMAIN, 1u << 20,
     "JID domain is longer than 1023 bytes"},
    {"jid_parse__rejects_a_one_megabyte_resource", RESOURCE, 1u << 20,
     "JID resource is longer than 1023 bytes"},
};

static void limit(void **state)
{
    const struct limit *r = *state;
    char *part = str_repeat('x', r->len), *input;
    struct jid j;
    char *cause = NULL;
    int rc;

    switch (r->part) {
    case LOCAL:
        input = str_cat3(part, "@example.com", "/r");
        break;
    case DOMAIN:
        input = str_cat3("u@", part, "/r");
        break;
    default:
        input = str_cat3("u@example.com/", part, NULL);
        break;
    }
    rc = jid_parse(input, &j, &cause);
    if (r->cause == NULL) {
        assert_int_equal(rc, 0);
        assert_null(cause);
        assert_string_equal(r->part == LOCAL    ? j.local
                            : r->part == DOMAIN ? j.domain
                                                : j.resource,
                            part);
        jid_done(&j);
    } else {
        assert_int_equal(rc, -1);
        assert_string_equal(cause, r->cause);
        assert_null(j.local);
        assert_null(j.domain);
        free(cause);
    }
    free(input);
    free(part);
}

static void
jid_parse__measures_the_domain_limit_without_the_trailing_dot(void **state)
{
    char *dom = str_repeat('d', 1023), *input = str_cat3("u@", dom, ".");
    struct jid j;
    char *cause = NULL;
    (void)state;

    assert_int_equal(jid_parse(input, &j, &cause), 0);
    assert_string_equal(j.domain, dom);
    jid_done(&j);
    free(input);
    free(dom);
}

/* --- jid_bare on structs built by hand --- */

static void jid_bare__joins_local_and_domain(void **state)
{
    struct jid j = {"alice", "example.org", "phone"};
    char *s = jid_bare(&j);
    (void)state;
    assert_string_equal(s, "alice@example.org");
    free(s);
}

static void jid_bare__is_the_domain_without_a_local_part(void **state)
{
    struct jid j = {NULL, "example.org", "phone"};
    char *s = jid_bare(&j);
    (void)state;
    assert_string_equal(s, "example.org");
    free(s);
}

/* --- jid_equal --- */

struct equal {
    const char *name;
    const char *a, *b;
    int want;
};

static const struct equal equal_rows[] = {
    {"jid_equal__is_true_for_identical_bare_jids", "a@example.com",
     "a@example.com", 1},
    {"jid_equal__ignores_case_of_local_part", "Alice@example.com",
     "alice@example.com", 1},
    {"jid_equal__ignores_case_of_domain", "alice@EXAMPLE.com",
     "alice@example.COM", 1},
    {"jid_equal__is_true_for_identical_full_jids", "a@d/res", "a@d/res", 1},
    {"jid_equal__ignores_bare_case_but_not_resource_case", "A@D/res", "a@d/res",
     1},
    {"jid_equal__is_exact_on_resources", "a@d/Res", "a@d/res", 0},
    {"jid_equal__is_false_when_only_one_has_a_resource", "a@d/r", "a@d", 0},
    {"jid_equal__is_false_when_only_the_other_has_a_resource", "a@d", "a@d/r",
     0},
    {"jid_equal__is_false_for_different_locals", "a@d", "b@d", 0},
    {"jid_equal__is_false_for_different_domains", "a@d1", "a@d2", 0},
    {"jid_equal__is_false_when_one_bare_is_a_prefix_of_the_other", "a@d",
     "a@dd", 0},
    {"jid_equal__is_false_for_a_domain_and_a_user_at_it", "d", "a@d", 0},
    {"jid_equal__compares_resources_with_slashes", "a@d/x/y", "a@d/x/y", 1},
    {"jid_equal__is_false_for_resources_differing_after_a_slash", "a@d/x/y",
     "a@d/x/z", 0},
    {"jid_equal__is_true_for_two_empty_strings", "", "", 1},
    {"jid_equal__is_false_for_empty_and_non_empty", "", "d", 0},
};

static void equal(void **state)
{
    const struct equal *r = *state;
    assert_int_equal(jid_equal(r->a, r->b), r->want);
    assert_int_equal(jid_equal(r->b, r->a), r->want); /* symmetric */
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, parse_ok_rows, parse_ok);
    TL_ROWS(&l, parse_err_rows, parse_err);
    tl_add(&l, "jid_parse__rejects_null", jid_parse__rejects_null, NULL);
    TL_ROWS(&l, limit_rows, limit);
    tl_add(&l, "jid_parse__measures_the_domain_limit_without_the_trailing_dot",
           jid_parse__measures_the_domain_limit_without_the_trailing_dot, NULL);
    tl_add(&l, "jid_bare__joins_local_and_domain",
           jid_bare__joins_local_and_domain, NULL);
    tl_add(&l, "jid_bare__is_the_domain_without_a_local_part",
           jid_bare__is_the_domain_without_a_local_part, NULL);
    TL_ROWS(&l, equal_rows, equal);
    return tl_run(&l, "jid", NULL, NULL);
}
