/* The REST client's pure parts: URLs, methods, header lines, request ids,
 * the Update's node, ApiErrors bodies, and pairing by requestId. */
#include "unit.h"
#include "unit_strophe.h"

#include "decode/decode.h"
#include "rest/rest.h"
#include "rest/restmsg.h"
#include "xmpp/xmlstream.h"

/* ---- paths and URLs ---- */

struct path_row {
    const char *name;
    const char *path;
    const char *want;  /* NULL: refused */
    const char *cause; /* part of the cause when refused */
};

static const struct path_row path_rows[] = {
    {"rest_path__keeps_a_full_path", "/finesse/api/User/1001001",
     "/finesse/api/User/1001001", NULL},
    {"rest_path__puts_a_short_path_under_the_api", "User/1001001/Dialogs",
     "/finesse/api/User/1001001/Dialogs", NULL},
    {"rest_path__keeps_a_query", "/finesse/api/Team/5000?includeLoggedOut=true",
     "/finesse/api/Team/5000?includeLoggedOut=true", NULL},
    {"rest_path__keeps_percent_escapes", "/finesse/api/User/a%20b",
     "/finesse/api/User/a%20b", NULL},
    {"rest_path__refuses_a_blank", "/finesse/api/User/a b", NULL,
     "' ' at byte 20: write it as %20"},
    {"rest_path__refuses_a_line_end_that_would_add_a_header",
     "/x\r\nrequestId: evil", NULL, "0x0D at byte 3"},
    {"rest_path__refuses_a_lone_percent", "/finesse/api/User/50%", NULL,
     "'%' at byte 21"},
    {"rest_path__refuses_a_bad_percent_escape", "/a%zz", NULL, "'%' at byte 3"},
    {"rest_path__refuses_non_ascii", "/finesse/api/User/Zo\xc3\xab", NULL,
     "0xC3 at byte 21"},
    {"rest_path__refuses_a_fragment", "/a#b", NULL, "'#' at byte 3"},
    {"rest_path__refuses_empty", "", NULL, "empty PATH"},
};

static void path_row(void **state)
{
    const struct path_row *r = *state;
    char *cause = NULL, *got = rest_path(r->path, &cause);

    if (r->want) {
        assert_non_null(got);
        assert_string_equal(got, r->want);
        assert_null(cause);
    } else {
        assert_null(got);
        assert_contains(cause, r->cause);
    }
    free(got);
    free(cause);
}

static void rest_path__refuses_a_path_longer_than_the_limit(void **state)
{
    char *p = str_repeat('a', REST_MAX_PATH + 1), *cause = NULL;
    (void)state;

    assert_null(rest_path(p, &cause));
    assert_contains(cause, "more than 2048");
    free(cause);
    free(p);
}

static void rest_url__joins_with_one_slash(void **state)
{
    char *u;
    (void)state;

    u = rest_url("https://fin1:8445", "/finesse/api/SystemInfo");
    assert_string_equal(u, "https://fin1:8445/finesse/api/SystemInfo");
    free(u);
    u = rest_url("https://fin1:8445//", "/finesse/api/SystemInfo");
    assert_string_equal(u, "https://fin1:8445/finesse/api/SystemInfo");
    free(u);
}

struct base_row {
    const char *name;
    const char *rest, *server, *domain, *want;
};

static const struct base_row base_rows[] = {
    {"rest_base__is_the_option_when_given", "http://127.0.0.1:8082",
     "fin1.example", "example", "http://127.0.0.1:8082"},
    {"rest_base__is_the_server_on_8445", NULL, "fin1.example", "example",
     "https://fin1.example:8445"},
    {"rest_base__is_the_jid_domain_without_a_server", NULL, NULL,
     "fin1.example", "https://fin1.example:8445"},
    {"rest_base__brackets_an_ipv6_server", NULL, "::1", "example",
     "https://[::1]:8445"},
    {"rest_base__ignores_an_empty_option", "", NULL, "fin1.example",
     "https://fin1.example:8445"},
};

static void base_row(void **state)
{
    const struct base_row *r = *state;
    char *got = rest_base(r->rest, r->server, r->domain);

    assert_string_equal(got, r->want);
    free(got);
}

static void rest_method__upper_cases_the_four_and_refuses_others(void **state)
{
    (void)state;
    assert_string_equal(rest_method("put"), "PUT");
    assert_string_equal(rest_method("Delete"), "DELETE");
    assert_string_equal(rest_method("GET"), "GET");
    assert_string_equal(rest_method("post"), "POST");
    assert_null(rest_method("PATCH"));
    assert_null(rest_method("GETX"));
    assert_null(rest_method(""));
}

/* ---- header lines ---- */

struct header_row {
    const char *name;
    const char *line, *header;
    size_t size;
    const char *want; /* NULL: no match */
};

static const struct header_row header_rows[] = {
    {"rest_header_value__reads_requestid", "requestId: abc-123\r\n",
     "requestId", 64, "abc-123"},
    {"rest_header_value__ignores_the_name_s_case", "REQUESTID:abc\r\n",
     "requestId", 64, "abc"},
    {"rest_header_value__trims_blanks_and_tabs", "requestid: \t abc \t\r\n",
     "requestId", 64, "abc"},
    {"rest_header_value__takes_an_empty_value", "requestId:\r\n", "requestId",
     64, ""},
    {"rest_header_value__skips_a_longer_name", "requestIdX: abc\r\n",
     "requestId", 64, NULL},
    {"rest_header_value__skips_another_header", "Date: Sat\r\n", "requestId",
     64, NULL},
    {"rest_header_value__skips_a_status_line", "HTTP/1.1 202 Accepted\r\n",
     "requestId", 64, NULL},
    {"rest_header_value__cuts_a_long_value", "requestId: 0123456789\r\n",
     "requestId", 5, "0123"},
    {"rest_header_value__refuses_a_value_with_a_control_inside",
     "requestId: a\rb\r\n", "requestId", 64, NULL},
    {"rest_header_value__refuses_a_value_with_an_escape",
     "requestId: a\x1b[2Jb\r\n", "requestId", 64, NULL},
    {"rest_header_value__needs_the_colon_right_after_the_name",
     "requestId abc\r\n", "requestId", 64, NULL},
};

static void header_row(void **state)
{
    const struct header_row *r = *state;
    char out[64];

    memset(out, 'x', sizeof out);
    if (r->want) {
        assert_int_equal(rest_header_value(r->line, strlen(r->line), r->header,
                                           out, r->size),
                         1);
        assert_string_equal(out, r->want);
    } else {
        assert_int_equal(rest_header_value(r->line, strlen(r->line), r->header,
                                           out, r->size),
                         0);
    }
}

/* The value may hold anything but the line's end: it is not
 * NUL-terminated as curl hands it. */
static void rest_header_value__reads_only_len_bytes(void **state)
{
    const char line[] = "requestId: abcdef";
    char out[16];
    (void)state;

    assert_int_equal(rest_header_value(line, 14, "requestId", out, sizeof out),
                     1);
    assert_string_equal(out, "abc");
}

static void rest_uuid__is_a_version_4_uuid(void **state)
{
    unsigned char rnd[16];
    char id[REST_ID_LEN + 1];
    size_t i;
    (void)state;

    memset(rnd, 0xff, sizeof rnd);
    rest_uuid(rnd, id);
    assert_string_equal(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    memset(rnd, 0, sizeof rnd);
    rest_uuid(rnd, id);
    assert_string_equal(id, "00000000-0000-4000-8000-000000000000");
    for (i = 0; i < 16; i++)
        rnd[i] = (unsigned char)(i * 17);
    rest_uuid(rnd, id);
    assert_string_equal(id, "00112233-4455-4677-8899-aabbccddeeff");
}

/* ---- the node of the Update ---- */

struct node_row {
    const char *name;
    const char *method, *path, *user, *want;
};

static const struct node_row node_rows[] = {
    {"rest_update_node__a_user_put_is_its_user_node", "PUT",
     "/finesse/api/User/1001001", "1001001", "/finesse/api/User/1001001"},
    {"rest_update_node__a_supervisor_s_put_is_the_agent_s_node", "PUT",
     "/finesse/api/User/1001002", "sup1", "/finesse/api/User/1001002"},
    {"rest_update_node__a_make_call_is_the_dialogs_node", "POST",
     "/finesse/api/User/1001001/Dialogs", "1001001",
     "/finesse/api/User/1001001/Dialogs"},
    {"rest_update_node__a_dialog_put_is_the_own_dialogs_node", "PUT",
     "/finesse/api/Dialog/16817500", "1001001",
     "/finesse/api/User/1001001/Dialogs"},
    {"rest_update_node__ignores_a_query", "PUT",
     "/finesse/api/User/1001001?x=1", "1001001", "/finesse/api/User/1001001"},
    {"rest_update_node__a_get_has_none", "GET", "/finesse/api/User/1001001",
     "1001001", NULL},
    {"rest_update_node__a_deeper_user_path_has_none", "PUT",
     "/finesse/api/User/1001001/Media/1", "1001001", NULL},
    {"rest_update_node__another_api_has_none", "PUT", "/finesse/api/Team/5000",
     "1001001", NULL},
    {"rest_update_node__outside_the_api_has_none", "PUT", "/other/api/User/1",
     "1001001", NULL},
    {"rest_update_node__an_empty_id_has_none", "PUT", "/finesse/api/User/",
     "1001001", NULL},
};

static void node_row(void **state)
{
    const struct node_row *r = *state;
    char *got = rest_update_node(r->method, r->path, r->user);

    if (r->want)
        assert_string_equal(got, r->want);
    else
        assert_null(got);
    free(got);
}

/* ---- the REST object behind a node (resync through REST) ---- */

static void
rest_node_object__maps_finesse_nodes_and_refuses_odd_ones(void **state)
{
    static const struct {
        const char *node, *want;
    } rows[] = {
        {"/finesse/api/User/1001001", "/finesse/api/User/1001001"},
        {"/finesse/api/User/1001001/Dialogs",
         "/finesse/api/User/1001001/Dialogs"},
        {"/finesse/api/Team/5000/Users", "/finesse/api/Team/5000"},
        {"/finesse/api/Queue/1", "/finesse/api/Queue/1"},
        {"/finesse/api/SystemInfo", "/finesse/api/SystemInfo"},
        {"/FINESSE/API/user/7", "/finesse/api/User/7"},
        {"/finesse/api/User/1001001/Media/1", NULL},
        {"/finesse/api/User/1001001/Queues", NULL},
        {"/finesse/api/User/1001001/ClientLog", NULL},
        {"/finesse/api/User/", NULL},
        {"/finesse/api/User/..", NULL},
        {"/finesse/api/User/.", NULL},
        {"/finesse/api/User/a b", NULL},
        {"/finesse/api/User/1?x=1", NULL},
        {"/finesse/api/User/1/", NULL},
        {"/finesse/api/User/1%2F2", NULL},
        {"/finesse/api/Team/5000", NULL},
        {"/finesse/api/SystemInfo/x", NULL},
        {"/other/api/User/1", NULL},
        {"finesse/api/User/1", NULL},
        {"princely.musings", NULL},
        {"", NULL},
        {"/finesse/api/User/"
         "01234567890123456789012345678901234567890123456789012345678901234",
         NULL},
    };
    size_t i;
    char *got;
    (void)state;

    assert_null(rest_node_object(NULL));
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        got = rest_node_object(rows[i].node);
        if (rows[i].want == NULL && got != NULL)
            fail_msg("%s: got %s", rows[i].node, got);
        if (rows[i].want)
            assert_string_equal(got, rows[i].want);
        free(got);
    }
}

/* ---- ApiErrors bodies ---- */

struct errors_row {
    const char *name;
    const char *body, *want;
};

static const struct errors_row errors_rows[] = {
    {"rest_errors_text__reads_a_rest_apierrors_body",
     "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType><ErrorData>"
     "READY</ErrorData><ErrorMessage>CF_INVALID_OBJECT_STATE</ErrorMessage>"
     "</ApiError></ApiErrors>",
     "Invalid State: CF_INVALID_OBJECT_STATE (READY)"},
    {"rest_errors_text__reads_an_update_s_lower_case_apierrors",
     "<apiErrors><apiError><errorType>Call Operation Failure</errorType>"
     "<errorMessage>CF_RESOURCE_OUT_OF_SERVICE</errorMessage><errorData>34"
     "</errorData><peripheralErrorMsg>CTI down</peripheralErrorMsg>"
     "</apiError></apiErrors>",
     "Call Operation Failure: CF_RESOURCE_OUT_OF_SERVICE (34) — CTI down"},
    {"rest_errors_text__joins_several",
     "<ApiErrors><ApiError><ErrorType>Invalid Input</ErrorType>"
     "</ApiError><ApiError><ErrorMessage>x</ErrorMessage></ApiError>"
     "</ApiErrors>",
     "Invalid Input; x"},
    {"rest_errors_text__says_when_an_error_is_empty",
     "<ApiErrors><ApiError/></ApiErrors>", "error"},
    {"rest_errors_text__says_when_there_are_none", "<ApiErrors/>",
     "no error details"},
};

static void errors_row(void **state)
{
    const struct errors_row *r = *state;
    char *cause = NULL, *text;
    xmpp_stanza_t *doc = xmlstream_parse_document(ctx, r->body, strlen(r->body),
                                                  NULL, NULL, &cause);
    json_t *ev;

    assert_non_null(doc);
    ev = decode_rest("/finesse/api/User/1", doc);
    assert_string_equal(json_string_value(json_object_get(ev, "kind")),
                        "error");
    text = rest_errors_text(json_object_get(ev, "errors"));
    assert_string_equal(text, r->want);
    free(text);
    text = rest_decoded_errors(ev);
    assert_string_equal(text, r->want);
    free(text);
    json_decref(ev);
    xmpp_stanza_release(doc);
}

static void decode_rest__reads_a_user_body_like_an_update_s_data(void **state)
{
    const char *body = "<User><loginId>1001001</loginId><state>READY</state>"
                       "<reasonCodeId>-1</reasonCodeId></User>";
    char *cause = NULL;
    xmpp_stanza_t *doc =
        xmlstream_parse_document(ctx, body, strlen(body), NULL, NULL, &cause);
    json_t *ev;
    (void)state;

    assert_non_null(doc);
    ev = decode_rest("/finesse/api/User/1001001", doc);
    assert_string_equal(json_string_value(json_object_get(ev, "source")),
                        "/finesse/api/User/1001001");
    assert_string_equal(json_string_value(json_object_get(ev, "kind")), "user");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(ev, "user"), "state")),
                        "READY");
    assert_null(rest_decoded_errors(ev)); /* not an error */
    json_decref(ev);
    xmpp_stanza_release(doc);
}

static void decode_rest__shows_an_unknown_document_as_xml(void **state)
{
    const char *body = "<html><body>It works</body></html>";
    char *cause = NULL;
    xmpp_stanza_t *doc =
        xmlstream_parse_document(ctx, body, strlen(body), NULL, NULL, &cause);
    json_t *ev;
    (void)state;

    ev = decode_rest(NULL, doc);
    assert_string_equal(json_string_value(json_object_get(ev, "kind")), "xml");
    assert_null(json_object_get(ev, "source"));
    json_decref(ev);
    xmpp_stanza_release(doc);
}

static void
rest_check_body__takes_one_element_and_refuses_the_rest(void **state)
{
    static const char *const bad[] = {"",
                                      "<User>",
                                      "<User/><User/>",
                                      "text",
                                      "<!DOCTYPE x><x/>",
                                      "<a><!-- c --></a>",
                                      "<a>&ent;</a>"};
    char *cause = NULL;
    size_t i;
    (void)state;

    assert_int_equal(
        rest_check_body(ctx, "<User><state>READY</state></User>", 33, &cause),
        0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(rest_check_body(ctx, bad[i], strlen(bad[i]), &cause),
                         -1);
        assert_contains(cause, "not one well-formed XML element");
        free(cause);
        cause = NULL;
    }
}

/* ---- pairing ---- */

static void rest_waits__match_the_sent_id_once(void **state)
{
    struct rest_waits w = {0};
    int a, b;
    double ms = 0;
    (void)state;

    rest_waits_add(&w, "id-a", &a, 10);
    rest_waits_add(&w, "id-b", &b, 20);
    assert_null(rest_waits_match(&w, "id-c", &ms));
    assert_ptr_equal(rest_waits_match(&w, "id-b", &ms), &b);
    assert_true(ms == 20);
    assert_null(rest_waits_match(&w, "id-b", &ms)); /* answered once */
    assert_ptr_equal(rest_waits_match(&w, " \n id-a\t", NULL), &a);
    assert_int_equal(w.n, 0);
    rest_waits_done(&w);
}

static void rest_waits__match_the_id_the_answer_named(void **state)
{
    struct rest_waits w = {0};
    int a;
    (void)state;

    rest_waits_add(&w, "sent", &a, 0);
    rest_waits_answered(&w, "sent", "server-made");
    assert_ptr_equal(rest_waits_match(&w, "server-made", NULL), &a);
    rest_waits_add(&w, "sent", &a, 0);
    rest_waits_answered(&w, "sent", "server-made");
    assert_ptr_equal(rest_waits_match(&w, "sent", NULL), &a);
    rest_waits_done(&w);
}

static void rest_waits__never_match_an_empty_request_id(void **state)
{
    struct rest_waits w = {0};
    int a;
    (void)state;

    rest_waits_add(&w, "", &a, 0);
    rest_waits_answered(&w, "", "");
    assert_null(rest_waits_match(&w, "", NULL));
    assert_null(rest_waits_match(&w, "  ", NULL));
    rest_waits_done(&w);
}

static void rest_waits__need_the_whole_id(void **state)
{
    struct rest_waits w = {0};
    int a;
    (void)state;

    rest_waits_add(&w, "abc", &a, 0);
    assert_null(rest_waits_match(&w, "ab", NULL));
    assert_null(rest_waits_match(&w, "abcd", NULL));
    assert_null(rest_waits_match(&w, "ABC", NULL));
    rest_waits_remove(&w, &a);
    assert_null(rest_waits_match(&w, "abc", NULL));
    rest_waits_done(&w);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, path_rows, path_row);
    tl_add(&l, "rest_path__refuses_a_path_longer_than_the_limit",
           rest_path__refuses_a_path_longer_than_the_limit, NULL);
    tl_add(&l, "rest_url__joins_with_one_slash", rest_url__joins_with_one_slash,
           NULL);
    TL_ROWS(&l, base_rows, base_row);
    tl_add(&l, "rest_method__upper_cases_the_four_and_refuses_others",
           rest_method__upper_cases_the_four_and_refuses_others, NULL);
    TL_ROWS(&l, header_rows, header_row);
    tl_add(&l, "rest_header_value__reads_only_len_bytes",
           rest_header_value__reads_only_len_bytes, NULL);
    tl_add(&l, "rest_uuid__is_a_version_4_uuid", rest_uuid__is_a_version_4_uuid,
           NULL);
    TL_ROWS(&l, node_rows, node_row);
    TL_ROWS(&l, errors_rows, errors_row);
    tl_add(&l, "decode_rest__reads_a_user_body_like_an_update_s_data",
           decode_rest__reads_a_user_body_like_an_update_s_data, NULL);
    tl_add(&l, "decode_rest__shows_an_unknown_document_as_xml",
           decode_rest__shows_an_unknown_document_as_xml, NULL);
    tl_add(&l, "rest_check_body__takes_one_element_and_refuses_the_rest",
           rest_check_body__takes_one_element_and_refuses_the_rest, NULL);
    tl_add(&l, "rest_waits__match_the_sent_id_once",
           rest_waits__match_the_sent_id_once, NULL);
    tl_add(&l, "rest_waits__match_the_id_the_answer_named",
           rest_waits__match_the_id_the_answer_named, NULL);
    tl_add(&l, "rest_waits__never_match_an_empty_request_id",
           rest_waits__never_match_an_empty_request_id, NULL);
    tl_add(&l, "rest_node_object__maps_finesse_nodes_and_refuses_odd_ones",
           rest_node_object__maps_finesse_nodes_and_refuses_odd_ones, NULL);
    tl_add(&l, "rest_waits__need_the_whole_id", rest_waits__need_the_whole_id,
           NULL);
    return tl_run(&l, "rest", strophe_setup, strophe_teardown);
}
