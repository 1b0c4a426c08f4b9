/* XMPP over WebSocket, the pure parts: URLs, the upgrade, RFC 7395
 * framing, messages through the bounded path, close codes. */
#include "unit.h"
#include "unit_strophe.h"

#include "xmpp/wsproto.h"

/* ---- URLs ---- */

struct url_row {
    const char *name;
    const char *url;
    int tls;
    const char *host;
    unsigned port;
    const char *target, *host_header, *http_url;
};

static const struct url_row url_rows[] = {
    {"wsproto_url_parse__finesse_desktop_url", "wss://fin1.example:8445/ws/", 1,
     "fin1.example", 8445, "/ws/", "fin1.example:8445",
     "https://fin1.example:8445/ws/"},
    {"wsproto_url_parse__default_ports_and_root_path", "ws://h", 0, "h", 80,
     "/", "h", "http://h:80/"},
    {"wsproto_url_parse__wss_default_port_keeps_query",
     "wss://h/xmpp-websocket?a=1", 1, "h", 443, "/xmpp-websocket?a=1", "h",
     "https://h:443/xmpp-websocket?a=1"},
    {"wsproto_url_parse__ipv6_host_without_brackets", "ws://[::1]:5280/x", 0,
     "::1", 5280, "/x", "[::1]:5280", "http://[::1]:5280/x"},
    {"wsproto_url_parse__scheme_without_case", "WSS://H:1/", 1, "H", 1, "/",
     "H:1", "https://H:1/"},
};

static void url_ok(void **state)
{
    const struct url_row *r = *state;
    struct ws_url u;
    char *cause = NULL;

    assert_int_equal(wsproto_url_parse(r->url, &u, &cause), 0);
    assert_int_equal(u.tls, r->tls);
    assert_string_equal(u.host, r->host);
    assert_int_equal(u.port, r->port);
    assert_string_equal(u.target, r->target);
    assert_string_equal(u.host_header, r->host_header);
    assert_string_equal(u.http_url, r->http_url);
    wsproto_url_done(&u);
}

struct url_bad_row {
    const char *name;
    const char *url, *why;
};

static const struct url_bad_row url_bad_rows[] = {
    {"wsproto_url_parse__refuses_http", "https://h/ws",
     "not a ws:// or wss://"},
    {"wsproto_url_parse__refuses_a_fragment", "wss://h/ws#x", "no #fragment"},
    {"wsproto_url_parse__refuses_a_user", "wss://u:p@h/ws", "user name"},
    {"wsproto_url_parse__refuses_spaces_and_controls", "wss://h/a b",
     "spaces, control"},
    {"wsproto_url_parse__refuses_crlf_injection", "wss://h/\r\nX: y",
     "spaces, control"},
    {"wsproto_url_parse__refuses_no_host", "wss://:8445/ws", "not a URL"},
    {"wsproto_url_parse__refuses_port_0", "ws://h:0/", "port 0"},
    {"wsproto_url_parse__refuses_a_port_over_65535", "ws://h:65536/",
     "not a URL"},
    {"wsproto_url_parse__refuses_garbage", "wss:", "not a URL"},
};

static void url_bad(void **state)
{
    const struct url_bad_row *r = *state;
    struct ws_url u;
    char *cause = NULL;

    assert_int_equal(wsproto_url_parse(r->url, &u, &cause), -1);
    assert_non_null(cause);
    if (strstr(cause, r->why) == NULL)
        fail_msg("cause '%s' lacks '%s'", cause, r->why);
    free(cause);
}

/* ---- the handshake ---- */

static void wsproto_accept__rfc_6455_example(void **state)
{
    char key[25], accept[29];
    (void)state;

    wsproto_key((const unsigned char *)"the sample nonce", key);
    assert_string_equal(key, "dGhlIHNhbXBsZSBub25jZQ==");
    wsproto_accept(key, accept);
    assert_string_equal(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void wsproto_request__asks_for_xmpp_on_version_13(void **state)
{
    struct ws_url u;
    char *cause = NULL, *req;
    (void)state;

    assert_int_equal(wsproto_url_parse("wss://fin1:8445/ws/", &u, &cause), 0);
    req = wsproto_request(&u, "KEY==", "perch/1");
    assert_string_equal(req, "GET /ws/ HTTP/1.1\r\n"
                             "Host: fin1:8445\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: KEY==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Sec-WebSocket-Protocol: xmpp\r\n"
                             "User-Agent: perch/1\r\n"
                             "\r\n");
    free(req);
    wsproto_url_done(&u);
}

#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define GOOD_HEAD                                                              \
    "HTTP/1.1 101 Switching Protocols\r\n"                                     \
    "Upgrade: websocket\r\n"                                                   \
    "Connection: Upgrade\r\n"                                                  \
    "Sec-WebSocket-Accept: " ACCEPT "\r\n"                                     \
    "Sec-WebSocket-Protocol: xmpp\r\n"

struct resp_row {
    const char *name;
    const char *head;
    int want;        /* WSPROTO_* */
    const char *why; /* in the cause when refused */
};

static const struct resp_row resp_rows[] = {
    {"wsproto_response__accepts_prosodys_answer", GOOD_HEAD "\r\n",
     WSPROTO_UPGRADED, NULL},
    {"wsproto_response__header_names_and_tokens_without_case",
     "HTTP/1.1 101 OK\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, "
     "upgrade\r\nsec-websocket-accept: " ACCEPT
     "\r\nSEC-WEBSOCKET-PROTOCOL:xmpp  \r\n\r\n",
     WSPROTO_UPGRADED, NULL},
    {"wsproto_response__bare_lf_lines",
     "HTTP/1.1 101 x\nUpgrade: websocket\n"
     "Connection: upgrade\n"
     "Sec-WebSocket-Accept: " ACCEPT "\n"
     "Sec-WebSocket-Protocol: xmpp\n\n",
     WSPROTO_UPGRADED, NULL},
    {"wsproto_response__waits_for_the_blank_line", GOOD_HEAD, WSPROTO_MORE,
     NULL},
    {"wsproto_response__a_proxy_that_strips_upgrade_gets_200",
     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>",
     WSPROTO_REFUSED,
     "HTTP 200 OK instead of 101 Switching Protocols: a "
     "plain HTTP answer"},
    {"wsproto_response__names_a_redirect_target",
     "HTTP/1.1 302 Found\r\nLocation: https://sso/\r\n\r\n", WSPROTO_REFUSED,
     "does not follow redirects of the upgrade; use the Location given "
     "https://sso/"},
    {"wsproto_response__a_gateway_error_names_the_proxy",
     "HTTP/1.1 502 Bad Gateway\r\n\r\n", WSPROTO_REFUSED,
     "proxy or load balancer could not reach"},
    {"wsproto_response__wrong_accept_is_refused",
     "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n"
     "Sec-WebSocket-Protocol: xmpp\r\n\r\n",
     WSPROTO_REFUSED, "does not answer perch's key"},
    {"wsproto_response__no_accept_is_refused",
     "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Protocol: xmpp\r\n\r\n",
     WSPROTO_REFUSED, "without Sec-WebSocket-Accept"},
    {"wsproto_response__xmpp_protocol_required",
     "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
     WSPROTO_REFUSED, "without Sec-WebSocket-Protocol: xmpp"},
    {"wsproto_response__other_protocol_refused",
     "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Accept: " ACCEPT "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
     WSPROTO_REFUSED, "Sec-WebSocket-Protocol: mqtt, not xmpp"},
    {"wsproto_response__extension_not_offered_refused",
     GOOD_HEAD "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
     WSPROTO_REFUSED, "Extensions: permessage-deflate, which perch did not"},
    {"wsproto_response__missing_upgrade_header_refused",
     "HTTP/1.1 101 x\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT
     "\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n",
     WSPROTO_REFUSED, "without 'Upgrade: websocket'"},
    {"wsproto_response__missing_connection_token_refused",
     "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: upgraded\r\n"
     "Sec-WebSocket-Accept: " ACCEPT "\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n",
     WSPROTO_REFUSED, "without 'Connection: Upgrade'"},
    {"wsproto_response__accept_twice_refused",
     GOOD_HEAD "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n", WSPROTO_REFUSED,
     "Sec-WebSocket-Accept twice"},
    {"wsproto_response__not_http_refused_at_once", "SSH-2.0-OpenSSH\r\n",
     WSPROTO_REFUSED, "is not HTTP"},
    {"wsproto_response__folded_line_refused",
     GOOD_HEAD "X-A: 1\r\n  folded\r\n\r\n", WSPROTO_REFUSED,
     "folded header line"},
    {"wsproto_response__control_byte_refused",
     "HTTP/1.1 101 x\r\nUpgrade: web\x01socket\r\n\r\n", WSPROTO_REFUSED,
     "control byte (0x01) in line 2"},
    {"wsproto_response__header_without_colon_refused",
     "HTTP/1.1 101 x\r\nUpgrade websocket\r\n\r\n", WSPROTO_REFUSED,
     "malformed header line (line 2)"},
    {"wsproto_response__space_before_colon_refused",
     "HTTP/1.1 101 x\r\nUpgrade : websocket\r\n\r\n", WSPROTO_REFUSED,
     "malformed header line"},
    {"wsproto_response__bad_status_line_refused", "HTTP/1.1 1O1 x\r\n\r\n",
     WSPROTO_REFUSED, "no HTTP status line"},
};

static void resp(void **state)
{
    const struct resp_row *r = *state;
    struct ws_upgrade u;
    char *cause = NULL;
    int rc = wsproto_response(r->head, strlen(r->head), ACCEPT, &u, &cause);

    assert_int_equal(rc, r->want);
    if (r->why == NULL) {
        assert_null(cause);
        return;
    }
    assert_non_null(cause);
    if (strstr(cause, r->why) == NULL)
        fail_msg("cause '%s' lacks '%s'", cause, r->why);
    free(cause);
}

static void wsproto_response__reports_the_head_and_what_follows(void **state)
{
    static const char data[] = GOOD_HEAD "Server: Prosody\r\n"
                                         "Via: 1.1 squid\r\n"
                                         "Date: Sat, 21 Nov 2026 09:15:02 GMT"
                                         "\r\n\r\n\x81\x05<a/>x";
    struct ws_upgrade u;
    char *cause = NULL;
    (void)state;

    assert_int_equal(
        wsproto_response(data, sizeof data - 1, ACCEPT, &u, &cause),
        WSPROTO_UPGRADED);
    assert_int_equal(u.status, 101);
    assert_string_equal(u.reason, "Switching Protocols");
    assert_string_equal(u.protocol, "xmpp");
    assert_string_equal(u.extensions, "");
    assert_string_equal(u.server, "Prosody, 1.1 squid");
    assert_string_equal(u.date, "Sat, 21 Nov 2026 09:15:02 GMT");
    assert_int_equal(u.head_len, sizeof data - 1 - 7);
}

static void wsproto_response__bounds_the_head(void **state)
{
    size_t n = WSPROTO_MAX_HEAD + 10;
    char *big = malloc(n);
    struct ws_upgrade u;
    char *cause = NULL;
    (void)state;

    memset(big, 'a', n);
    memcpy(big, "HTTP/1.1 101 x\r\nX-Long: ", 24);
    assert_int_equal(
        wsproto_response(big, WSPROTO_MAX_HEAD - 1, ACCEPT, &u, &cause),
        WSPROTO_MORE);
    assert_int_equal(wsproto_response(big, n, ACCEPT, &u, &cause),
                     WSPROTO_REFUSED);
    assert_non_null(strstr(cause, "head larger than 16 KiB"));
    free(cause);
    free(big);
}

/* ---- framing and messages ---- */

static void wsproto_open__framing_namespace_version_and_escaped_to(void **st)
{
    char *o = wsproto_open("a'b");
    (void)st;
    assert_string_equal(o, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"
                           " to='a&apos;b' version='1.0' xml:lang='en'/>");
    free(o);
    assert_string_equal(wsproto_close(),
                        "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
}

struct msg_row {
    const char *name;
    const char *text;
    int kind;        /* -1: refused */
    const char *why; /* refused: in the cause */
};

static const struct msg_row msg_rows[] = {
    {"wsproto_parse__open",
     "<open xmlns='urn:ietf:params:xml:ns:xmpp-"
     "framing' from='d' id='1' version='1.0'/>",
     WS_MSG_OPEN, NULL},
    {"wsproto_parse__close_with_see_other_uri",
     "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' "
     "see-other-uri='wss://b/ws'/>",
     WS_MSG_CLOSE, NULL},
    {"wsproto_parse__features",
     "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
     "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
     "</stream:features>",
     WS_MSG_FEATURES, NULL},
    {"wsproto_parse__stream_error",
     "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
     "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
     WS_MSG_ERROR, NULL},
    {"wsproto_parse__stanza",
     "<message xmlns='jabber:client'><body>x</body>"
     "</message>",
     WS_MSG_STANZA, NULL},
    {"wsproto_parse__open_outside_the_framing_namespace_is_a_stanza",
     "<open xmlns='jabber:client'/>", WS_MSG_STANZA, NULL},
    {"wsproto_parse__refuses_open_of_another_version",
     "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='0.9'/>", -1,
     "version 0.9, not 1.0"},
    {"wsproto_parse__refuses_open_without_version",
     "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", -1, "version none"},
    {"wsproto_parse__refuses_two_elements", "<a/><b/>", -1,
     "not one well-formed XML element"},
    {"wsproto_parse__refuses_an_unclosed_stream_header",
     "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>", -1,
     "not one well-formed"},
    {"wsproto_parse__refuses_doctype",
     "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", -1, "DOCTYPE"},
    {"wsproto_parse__refuses_a_comment", "<a><!-- c --></a>", -1, "comment"},
    {"wsproto_parse__refuses_an_empty_message", "", -1, "no element found"},
    {"wsproto_parse__refuses_bad_utf8", "<a>\xc3\x28</a>", -1,
     "not well-formed"},
};

static void msg(void **state)
{
    const struct msg_row *r = *state;
    enum ws_msg_kind kind;
    char *cause = NULL;
    xmpp_stanza_t *el =
        wsproto_parse(ctx, r->text, strlen(r->text), &kind, &cause);

    if (r->kind >= 0) {
        assert_non_null(el);
        assert_int_equal(kind, r->kind);
        xmpp_stanza_release(el);
        return;
    }
    assert_null(el);
    if (strstr(cause, r->why) == NULL)
        fail_msg("cause '%s' lacks '%s'", cause, r->why);
    free(cause);
}

static void wsproto_parse__refuses_deep_nesting_and_many_attributes(void **s)
{
    size_t depth = 200, i, n = 0;
    char *t = malloc(depth * 7 + 300 * 12 + 16);
    enum ws_msg_kind kind;
    char *cause = NULL;
    (void)s;

    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(t + n, "<a>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(t + n, "</a>");
    assert_null(wsproto_parse(ctx, t, n, &kind, &cause));
    assert_non_null(strstr(cause, "deeper than 128 levels"));
    free(cause);
    n = (size_t)sprintf(t, "<a");
    for (i = 0; i < 300; i++)
        n += (size_t)sprintf(t + n, " a%zu='1'", i);
    n += (size_t)sprintf(t + n, "/>");
    assert_null(wsproto_parse(ctx, t, n, &kind, &cause));
    assert_non_null(strstr(cause, "more than 256 attributes"));
    free(cause);
    free(t);
}

/* ---- see-other-uri ---- */

struct follow_row {
    const char *name;
    const char *from, *to;
    int any_host, want;
    const char *why;
};

static const struct follow_row follow_rows[] = {
    {"wsproto_may_follow__same_host_other_port_and_path", "wss://a:8445/ws/",
     "wss://A:7443/other", 0, 0, NULL},
    {"wsproto_may_follow__refuses_another_host", "wss://a/ws", "wss://b/ws", 0,
     -1,
     "on another host than a: perch follows it only with "
     "--ws-follow-other-hosts"},
    {"wsproto_may_follow__another_host_when_asked", "wss://a/ws", "wss://b/ws",
     1, 0, NULL},
    {"wsproto_may_follow__never_leaves_tls", "wss://a/ws", "ws://a/ws", 1, -1,
     "would leave TLS"},
    {"wsproto_may_follow__ws_to_wss_is_fine", "ws://a/ws", "wss://a/ws", 0, 0,
     NULL},
    {"wsproto_may_follow__refuses_what_is_no_ws_url", "wss://a/ws",
     "https://a/http-bind", 1, -1, "see-other-uri is no WebSocket URL"},
};

static void follow(void **state)
{
    const struct follow_row *r = *state;
    char *cause = NULL;

    assert_int_equal(wsproto_may_follow(r->from, r->to, r->any_host, &cause),
                     r->want);
    if (r->why == NULL) {
        assert_null(cause);
        return;
    }
    if (strstr(cause, r->why) == NULL)
        fail_msg("cause '%s' lacks '%s'", cause, r->why);
    free(cause);
}

static void wsproto_close_name__every_range_has_a_name(void **state)
{
    (void)state;
    assert_string_equal(wsproto_close_name(1000), "normal closure");
    assert_string_equal(wsproto_close_name(1001), "going away");
    assert_string_equal(wsproto_close_name(1006), "abnormal closure");
    assert_string_equal(wsproto_close_name(1008), "policy violation");
    assert_string_equal(wsproto_close_name(1009), "message too big");
    assert_string_equal(wsproto_close_name(1011), "internal server error");
    assert_string_equal(wsproto_close_name(3000),
                        "registered (library or framework)");
    assert_string_equal(wsproto_close_name(4321), "application-defined");
    assert_string_equal(wsproto_close_name(999), "not a valid close code");
    assert_string_equal(wsproto_close_name(5000), "not a valid close code");
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, url_rows, url_ok);
    TL_ROWS(&l, url_bad_rows, url_bad);
    tl_add(&l, "wsproto_accept__rfc_6455_example",
           wsproto_accept__rfc_6455_example, NULL);
    tl_add(&l, "wsproto_request__asks_for_xmpp_on_version_13",
           wsproto_request__asks_for_xmpp_on_version_13, NULL);
    TL_ROWS(&l, resp_rows, resp);
    tl_add(&l, "wsproto_response__reports_the_head_and_what_follows",
           wsproto_response__reports_the_head_and_what_follows, NULL);
    tl_add(&l, "wsproto_response__bounds_the_head",
           wsproto_response__bounds_the_head, NULL);
    tl_add(&l, "wsproto_open__framing_namespace_version_and_escaped_to",
           wsproto_open__framing_namespace_version_and_escaped_to, NULL);
    TL_ROWS(&l, msg_rows, msg);
    tl_add(&l, "wsproto_parse__refuses_deep_nesting_and_many_attributes",
           wsproto_parse__refuses_deep_nesting_and_many_attributes, NULL);
    TL_ROWS(&l, follow_rows, follow);
    tl_add(&l, "wsproto_close_name__every_range_has_a_name",
           wsproto_close_name__every_range_has_a_name, NULL);
    return tl_run(&l, "wsproto", strophe_setup, strophe_teardown);
}
