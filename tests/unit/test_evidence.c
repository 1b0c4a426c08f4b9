/*
 * Evidence: --record's lines written and read back, HAR and SAZ read into
 * records, damaged parts named with their position and the rest kept,
 * and records fed through the decoders with their times.
 */
#include "unit.h"
#include "unit_fixture.h"

#include "base/buf.h"
#include "evidence/evidence.h"
#include "evidence/feed.h"
#include "evidence/recorder.h"
#include "evidence/verdict.h"

#include <jansson.h>
#include <regex.h>
#include <sys/stat.h>

/* What a read gave: one letter a record (h header, s stanza in, o
 * stanza out, H http, w ws, p params, c closed, n note), the damaged
 * parts as "where: cause" lines. */
struct got {
    struct buf kinds;
    struct buf damaged;
    struct buf text; /* stanza texts and http bodies, one a line */
    double first_time;
    long status[16];
    double ms[16];
    const char *errors[16];
    size_t nhttp;
};

static void got_init(struct got *g)
{
    memset(g, 0, sizeof *g);
    buf_init(&g->kinds);
    buf_init(&g->damaged);
    buf_init(&g->text);
    buf_append(&g->kinds, "", 0);
    buf_append(&g->damaged, "", 0);
    buf_append(&g->text, "", 0);
}

static void got_done(struct got *g)
{
    size_t i;
    for (i = 0; i < g->nhttp && i < 16; i++)
        free((char *)g->errors[i]);
    buf_done(&g->kinds);
    buf_done(&g->damaged);
    buf_done(&g->text);
}

static void on_record(void *arg, const struct evidence_rec *r)
{
    struct got *g = arg;
    static const char letters[] = {
        [EVIDENCE_HEADER] = 'h', [EVIDENCE_STANZA] = 's',
        [EVIDENCE_HTTP] = 'H',   [EVIDENCE_WS] = 'w',
        [EVIDENCE_PARAMS] = 'p', [EVIDENCE_CLOSED] = 'c',
        [EVIDENCE_NOTE] = 'n',   [EVIDENCE_CONN] = 't',
        [EVIDENCE_REST] = 'r',
    };
    char c = letters[r->kind];

    if (r->kind == EVIDENCE_STANZA && !r->in)
        c = 'o';
    buf_append(&g->kinds, &c, 1);
    if (g->first_time == 0)
        g->first_time = r->time;
    if (r->xml)
        buf_printf(&g->text, "%.*s\n", (int)r->xml_len, r->xml);
    if (r->kind == EVIDENCE_HTTP && g->nhttp < 16) {
        g->status[g->nhttp] = r->status;
        g->ms[g->nhttp] = r->ms;
        g->errors[g->nhttp] = r->error ? strdup(r->error) : NULL;
        g->nhttp++;
        if (r->response)
            buf_printf(&g->text, "%.*s\n", (int)r->response_len, r->response);
    }
}

static void on_damaged(void *arg, const char *where, const char *cause)
{
    struct got *g = arg;
    buf_printf(&g->damaged, "%s: %s\n", where, cause);
}

static const struct evidence_events events = {on_record, on_damaged};

static void collect_verdict(void *arg, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    buf_printf(arg, "%s\n", s);
    free(s);
    json_decref(o);
}

static int read_fixture(const char *rel, struct got *g, char **cause)
{
    size_t len;
    char *data = unit_fixture_load(rel, &len);
    int n =
        evidence_read(evidence_sniff(data, len), data, len, &events, g, cause);
    free(data);
    return n;
}

/* --- times --- */

struct time_row {
    const char *name, *text;
    double want; /* -1: refused */
};

static const struct time_row time_rows[] = {
    {"evidence_parse_time__reads_utc_with_milliseconds",
     "2026-12-01T09:00:02.200Z", 1796115602.2},
    {"evidence_parse_time__reads_an_offset_with_a_colon",
     "2026-12-01T10:00:02.200+01:00", 1796115602.2},
    {"evidence_parse_time__reads_an_offset_without_a_colon",
     "2026-12-01T04:30:02.200-0430", 1796115602.2},
    {"evidence_parse_time__reads_seven_fraction_digits_as_fiddler_writes",
     "2026-12-01T10:00:02.2000000+01:00", 1796115602.2},
    {"evidence_parse_time__reads_whole_seconds", "2026-12-01T09:00:02Z",
     1796115602.0},
    {"evidence_parse_time__refuses_a_time_without_a_zone",
     "2026-12-01T09:00:02.200", -1},
    {"evidence_parse_time__refuses_a_month_13", "2026-13-01T09:00:02Z", -1},
    {"evidence_parse_time__refuses_trailing_text", "2026-12-01T09:00:02Zx", -1},
    {"evidence_parse_time__refuses_text", "yesterday", -1},
    /* an offset cut short: nothing read past the end (fuzz_player found
     * the read of s[3] after a lone '-') */
    {"evidence_parse_time__refuses_a_lone_offset_sign", "2026-12-01T09:00:02-",
     -1},
    {"evidence_parse_time__refuses_an_offset_of_one_digit",
     "2026-12-01T09:00:02.5+0", -1},
    {"evidence_parse_time__refuses_an_offset_cut_after_its_colon",
     "2026-12-01T09:00:02+01:", -1},
};

static void time_row(void **state)
{
    const struct time_row *r = *state;
    char *text = xstrdup(r->text); /* exactly its size: overreads caught */
    double t = evidence_parse_time(text);

    free(text);
    if (r->want < 0)
        assert_true(t < 0);
    else
        assert_true(t > r->want - 0.0005 && t < r->want + 0.0005);
}

/* --- recording: written, then read back --- */

static char *record_sample(char *dir)
{
    struct recorder_header h = {"watch", "agent@fin1", "bosh",
                                "https://fin1:7443/http-bind/"};
    struct transport_record rec;
    struct transport_params p;
    char *cause = NULL, *path = xasprintf("%s/rec.jsonl", dir);
    struct recorder *r = recorder_open(path, &h, &cause);
    const char *auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                       "mechanism='PLAIN'>AGFnZW50AHNlY3JldA==</auth>";
    const char *bad = "<message>\xff\x01</message>";

    assert_non_null(r);
    recorder_stanza(r, 0, auth, strlen(auth));
    recorder_stanza(r, 1, "<message id='1'/>", 17);
    recorder_stanza(r, 1, bad, strlen(bad));
    memset(&p, 0, sizeof p);
    p.wait = 60;
    p.inactivity = 90;
    recorder_params(r, &p);
    memset(&rec, 0, sizeof rec);
    rec.start = 1796115602.25;
    rec.rid = 7;
    rec.status = 200;
    rec.duration_ms = 12.5;
    rec.body_out = auth;
    rec.body_out_len = strlen(auth);
    rec.body_in = "<body/>";
    rec.body_in_len = 7;
    recorder_transport(r, &rec);
    recorder_closed(r, "connection reset");
    recorder_close(r);
    return path;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[4096];
    size_t n;

    assert_non_null(f);
    buf_init(&b);
    buf_append(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

static void recorder__writes_lines_0600_that_read_back_in_order(void **state)
{
    char *dir = unit_tmpdir_new("evidence"), *path, *data, *cause = NULL;
    struct stat st;
    struct got g;
    size_t len;
    regex_t re;
    (void)state;

    path = record_sample(dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    data = slurp(path, &len);
    assert_int_equal(evidence_sniff(data, len), EVIDENCE_RECORDING);
    /* RFC 3339 with milliseconds and a zone on every line */
    assert_int_equal(regcomp(&re,
                             "^\\{\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{"
                             "2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}[+-][0-9]{2}:[0-"
                             "9]{2}\",\"kind\":\"header\",\"format\":\"perch-"
                             "recording\"",
                             REG_EXTENDED),
                     0);
    assert_int_equal(regexec(&re, data, 0, NULL, 0), 0);
    regfree(&re);
    assert_contains(data, "\"account\":\"agent@fin1\"");
    /* SASL never on disk, in a stanza line or in an HTTP body */
    assert_not_contains(data, "AGFnZW50AHNlY3JldA==");
    assert_contains(data, "[redacted 20 bytes]");
    /* bytes that are not UTF-8 kept as U+FFFD, the line still JSON */
    assert_contains(data, "<message>\xef\xbf\xbd\\u0001</message>");
    got_init(&g);
    assert_int_equal(
        evidence_read(EVIDENCE_RECORDING, data, len, &events, &g, &cause), 7);
    assert_string_equal(g.kinds.data, "hosspHc");
    assert_string_equal(g.damaged.data, "");
    assert_int_equal(g.status[0], 200);
    assert_true(g.ms[0] > 12.4 && g.ms[0] < 12.6);
    got_done(&g);
    free(data);
    unlink(path);
    free(path);
    unit_tmpdir_remove(dir);
}

/* A WebSocket session as ws.c reports it: the upgrade, a text frame each
 * way (the SASL one redacted), the server's close with its code. */
static void record_ws_sample(struct recorder *r)
{
    static const char auth[] = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                               "mechanism='PLAIN'>AGFnZW50AHNlY3JldA==</auth>";
    struct transport_record rec;

    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_UPGRADE;
    rec.start = 1796115600.0;
    rec.status = 101;
    rec.what = "/xmpp-websocket";
    rec.protocol = "xmpp";
    recorder_transport(r, &rec);
    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_FRAME;
    rec.start = 1796115600.5;
    rec.out = 1;
    rec.opcode = 1;
    rec.fin = 1;
    rec.size = sizeof auth - 1;
    rec.what = "auth";
    rec.body_out = auth;
    rec.body_out_len = sizeof auth - 1;
    recorder_transport(r, &rec);
    rec.out = 0;
    rec.body_out = NULL;
    rec.body_in = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
    rec.body_in_len = strlen(rec.body_in);
    recorder_transport(r, &rec);
    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_FRAME;
    rec.start = 1796115601.0;
    rec.opcode = 8;
    rec.fin = 1;
    rec.close_code = 1001;
    rec.close_reason = "shutting down";
    recorder_transport(r, &rec);
    rec.out = 1; /* perch's answer: the same code, no second finding */
    recorder_transport(r, &rec);
    memset(&rec, 0, sizeof rec);
    rec.kind = TRANSPORT_WS_PING;
    rec.start = 1796115600.8;
    rec.error = "no pong within 5 s";
    recorder_transport(r, &rec);
}

static void recorder_ws_verdict(void *arg, const struct evidence_rec *r)
{
    verdict_record(arg, r);
}

static void
recorder__writes_websocket_frames_and_the_close_code_is_a_finding(void **state)
{
    struct recorder_header h = {"watch", "agent@fin1", "ws",
                                "wss://fin1:7443/xmpp-websocket"};
    char *dir = unit_tmpdir_new("evidence"), *data, *cause = NULL;
    char *path = xasprintf("%s/ws.jsonl", dir);
    struct recorder *r = recorder_open(path, &h, &cause);
    const struct evidence_events to_verdict = {recorder_ws_verdict, on_damaged};
    struct verdict *v = verdict_new();
    struct buf b;
    struct got g;
    size_t len;
    (void)state;

    assert_non_null(r);
    record_ws_sample(r);
    recorder_close(r);
    data = slurp(path, &len);
    assert_contains(data, "\"kind\":\"http\",\"upgrade\":\"websocket\","
                          "\"method\":\"GET\",\"url\":\"/xmpp-websocket\","
                          "\"status\":101");
    assert_contains(data, "\"protocol\":\"xmpp\"");
    assert_contains(data, "\"kind\":\"ws\",\"dir\":\"out\",\"opcode\":1,"
                          "\"fin\":true,\"size\":92,\"what\":\"auth\","
                          "\"data\":\"<auth");
    assert_not_contains(data, "AGFnZW50AHNlY3JldA==");
    assert_contains(data, "\"opcode\":8,\"fin\":true,\"size\":0,"
                          "\"closeCode\":1001,\"closeReason\":\"shutting "
                          "down\"");
    assert_contains(data, "\"kind\":\"ping\",\"error\":\"no pong within 5 s\"");
    got_init(&g);
    assert_int_equal(
        evidence_read(EVIDENCE_RECORDING, data, len, &events, &g, &cause), 6);
    assert_string_equal(g.kinds.data, "hHwwww");
    assert_string_equal(g.damaged.data, "");
    assert_int_equal(g.status[0], 101);
    got_done(&g);
    buf_init(&b);
    buf_append(&b, "", 0);
    assert_int_equal(
        evidence_read(EVIDENCE_RECORDING, data, len, &to_verdict, v, &cause),
        6);
    assert_int_equal(verdict_finish(v, collect_verdict, &b), 1);
    assert_contains(b.data, "\"finding\":\"ws-close\",\"text\":\"the server "
                            "closed the WebSocket with 1001 going away "
                            "(\\\"shutting down\\\")\"");
    assert_contains(b.data, "\"code\":1001");
    verdict_free(v);
    buf_done(&b);
    free(data);
    unlink(path);
    free(path);
    unit_tmpdir_remove(dir);
}

static void recorder__writes_tcp_and_tls_lines_that_read_back(void **state)
{
    struct recorder_header h = {"watch", "agent@fin1", "tcp", "fin1"};
    char *dir = unit_tmpdir_new("evidence"), *data, *cause = NULL;
    char *path = xasprintf("%s/conn.jsonl", dir);
    struct recorder *r = recorder_open(path, &h, &cause);
    struct transport_conn c;
    struct got g;
    size_t len;
    (void)state;

    assert_non_null(r);
    memset(&c, 0, sizeof c);
    c.start = 1796115600.0;
    c.ms = 2.25;
    c.address = "127.0.0.1";
    c.port = 5222;
    recorder_conn(r, &c);
    memset(&c, 0, sizeof c);
    c.tls = 1;
    c.start = 1796115600.1;
    c.ms = -1; /* not known apart: no "ms" */
    c.version = "TLSv1.3";
    c.cipher = "TLS_AES_256_GCM_SHA384";
    c.verify = "ca";
    c.subject = "/CN=fin1.ucce.local";
    c.expiry = "2027-12-01 05:00:00 GMT";
    recorder_conn(r, &c);
    recorder_close(r);
    data = slurp(path, &len);
    assert_contains(data, "\"kind\":\"tcp\",\"address\":\"127.0.0.1\","
                          "\"port\":5222,\"ms\":2.25}");
    assert_contains(data, "\"kind\":\"tls\",\"version\":\"TLSv1.3\",\"cipher\":"
                          "\"TLS_AES_256_GCM_SHA384\",\"verify\":\"ca\","
                          "\"subject\":\"/CN=fin1.ucce.local\",\"expiry\":"
                          "\"2027-12-01 05:00:00 GMT\"}");
    got_init(&g);
    assert_int_equal(
        evidence_read(EVIDENCE_RECORDING, data, len, &events, &g, &cause), 3);
    assert_string_equal(g.kinds.data, "htt");
    assert_string_equal(g.damaged.data, "");
    got_done(&g);
    free(data);
    unlink(path);
    free(path);
    unit_tmpdir_remove(dir);
}

/* A REST exchange as rest.c reports it: the Basic credentials and the
 * session cookie in its headers, a 401 after it. */
static void record_rest_sample(struct recorder *r)
{
    static const char req_head[] =
        "GET /finesse/api/User/1001001 HTTP/1.1\r\nHost: fin1:8445\r\n"
        "Authorization: Basic YWdlbnQ6c2VjcmV0\r\n"
        "Cookie: JSESSIONID=s3cr3tc00kie\r\nAccept: application/xml\r\n\r\n";
    static const char resp_head[] =
        "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=s3cr3tc00kie; Secure\r\n"
        "Content-Type: application/xml\r\nrequestId: r-1\r\n\r\n";
    struct recorder_rest x;

    memset(&x, 0, sizeof x);
    x.start = 1796115602.25;
    x.ms = 4.5;
    x.method = "GET";
    x.url = "https://fin1:8445/finesse/api/User/1001001";
    x.status = 200;
    x.req_head = req_head;
    x.req_head_len = strlen(req_head);
    x.resp_head = resp_head;
    x.resp_head_len = strlen(resp_head);
    x.body_in = "<User><state>READY</state></User>";
    x.body_in_len = strlen(x.body_in);
    recorder_rest(r, &x);
    x.start += 1;
    x.method = "PUT";
    x.status = 401;
    x.req_id = "5f1c0e9a-0000-4000-8000-000000000001";
    x.body_out = "<User><state>NOT_READY</state></User>";
    x.body_out_len = strlen(x.body_out);
    x.body_in = NULL;
    x.body_in_len = 0;
    recorder_rest(r, &x);
}

/* Each record to the kinds read and to a verdict. */
struct got_judged {
    struct got g;
    struct verdict *v;
};

static void got_and_judge(void *arg, const struct evidence_rec *r)
{
    struct got_judged *j = arg;

    on_record(&j->g, r);
    verdict_record(j->v, r);
}

static void got_damaged(void *arg, const char *where, const char *cause)
{
    on_damaged(&((struct got_judged *)arg)->g, where, cause);
}

static void
recorder__writes_rest_exchanges_without_credentials_and_401_is_a_finding(
    void **state)
{
    struct recorder_header h = {"rest", "agent@fin1", "tcp", "fin1"};
    char *dir = unit_tmpdir_new("evidence"), *data, *cause = NULL;
    char *path = xasprintf("%s/rest.jsonl", dir);
    struct recorder *r = recorder_open(path, &h, &cause);
    struct evidence_events ev = {got_and_judge, got_damaged};
    struct got_judged j;
    struct buf found;
    size_t len;
    (void)state;

    assert_non_null(r);
    record_rest_sample(r);
    recorder_close(r);
    data = slurp(path, &len);
    assert_not_contains(data, "YWdlbnQ6c2VjcmV0");
    assert_not_contains(data, "Basic ");
    assert_not_contains(data, "s3cr3tc00kie");
    assert_not_contains(data, "Authorization");
    assert_contains(data, "\"kind\":\"http\",\"via\":\"rest\",\"method\":"
                          "\"GET\",\"url\":\"https://fin1:8445/finesse/api/"
                          "User/1001001\",\"status\":200,\"ms\":4.5,");
    assert_contains(data, "\"requestHeaders\":[\"Host: fin1:8445\",\"Accept: "
                          "application/xml\"],\"responseHeaders\":[\"Content-"
                          "Type: application/xml\",\"requestId: r-1\"]");
    assert_contains(data, "\"response\":\"<User><state>READY</state></User>\"");
    assert_contains(data, "\"status\":401,\"ms\":4.5,\"requestId\":\"5f1c0e9a-"
                          "0000-4000-8000-000000000001\"");
    assert_contains(data, "\"request\":\"<User><state>NOT_READY</state>");
    got_init(&j.g);
    j.v = verdict_new();
    assert_int_equal(
        evidence_read(EVIDENCE_RECORDING, data, len, &ev, &j, &cause), 3);
    assert_string_equal(j.g.kinds.data, "hrr");
    assert_string_equal(j.g.damaged.data, "");
    buf_init(&found);
    assert_int_equal(verdict_finish(j.v, collect_verdict, &found), 1);
    /* a REST 401 is a finding of its own, never a BOSH "failed" */
    assert_contains(found.data,
                    "\"finding\":\"rest-failed\",\"text\":\"PUT "
                    "https://fin1:8445/finesse/api/User/1001001 was "
                    "answered HTTP 401\"");
    assert_not_contains(found.data, "\"finding\":\"failed\"");
    buf_done(&found);
    verdict_free(j.v);
    got_done(&j.g);
    free(data);
    unlink(path);
    free(path);
    unit_tmpdir_remove(dir);
}

struct damage_row {
    const char *name, *input;
    int rc;
    const char *kinds, *damaged; /* damaged: a substring expected */
};

#define HEAD                                                                   \
    "{\"time\":\"2026-12-01T09:00:00.000Z\",\"kind\":\"header\","              \
    "\"format\":\"perch-recording\"}\n"
#define STANZA(t)                                                              \
    "{\"time\":\"2026-12-01T09:00:0" t ".000Z\",\"kind\":\"stanza\","          \
    "\"dir\":\"in\",\"xml\":\"<message/>\"}\n"

#define WS(fields)                                                             \
    "{\"time\":\"2026-12-01T09:00:01.000Z\",\"kind\":\"ws\","                  \
    "\"dir\":\"in\"," fields "}\n"

#define REST(fields)                                                           \
    "{\"time\":\"2026-12-01T09:00:01.000Z\",\"kind\":\"http\","                \
    "\"via\":\"rest\"," fields "}\n"
#define GET_USER "\"method\":\"GET\",\"url\":\"https://fin1:8445/x\""

#define CONN(kind, fields)                                                     \
    "{\"time\":\"2026-12-01T09:00:01.000Z\",\"kind\":\"" kind "\"," fields "}" \
    "\n"

static const struct damage_row damage_rows[] = {
    {"evidence_read_recording__skips_a_damaged_line_and_names_it",
     HEAD STANZA("1") "{\"time\": nope}\n" STANZA("2"), 3, "hss",
     "line 3: byte "},
    {"evidence_read_recording__keeps_what_came_before_a_cut_last_line",
     HEAD STANZA("1") "{\"time\":\"2026-12-01T09:00:0", 2, "hs",
     "line 3: byte 188 of the file: premature end of input"},
    {"evidence_read_recording__says_the_file_ends_at_a_cut",
     HEAD "{\"time\":\"2026", 1, "h", "(the file ends there: cut?)"},
    {"evidence_read_recording__names_a_line_without_a_time",
     HEAD "{\"kind\":\"stanza\",\"dir\":\"in\",\"xml\":\"<a/>\"}\n", 1, "h",
     "line 2: no RFC 3339 \"time\""},
    {"evidence_read_recording__names_a_stanza_without_a_direction",
     HEAD "{\"time\":\"2026-12-01T09:00:00Z\",\"kind\":\"stanza\","
          "\"xml\":\"<a/>\"}\n",
     1, "h", "line 2: \"dir\" is neither"},
    {"evidence_read_recording__skips_a_kind_it_does_not_know_quietly",
     HEAD
     "{\"time\":\"2026-12-01T09:00:00Z\",\"kind\":\"future\"}\n" STANZA("1"),
     2, "hs", ""},
    {"evidence_read_recording__reads_websocket_frames_with_and_without_data",
     HEAD WS("\"opcode\":1,\"fin\":true,\"data\":\"<message/>\"")
         WS("\"opcode\":1,\"fin\":false") /* a fragment: no data yet */
     WS("\"opcode\":8,\"closeCode\":1001,\"closeReason\":\"bye\"")
         WS("\"opcode\":8,\"closeCode\":70000"),
     5, "hwwww", ""},
    {"evidence_read_recording__names_a_websocket_opcode_out_of_range",
     HEAD WS("\"opcode\":16") WS("\"opcode\":-1") WS("\"opcode\":\"text\""), 1,
     "h", "line 4: \"opcode\" is not 0-15"},
    {"evidence_read_recording__names_a_websocket_text_message_without_data",
     HEAD WS("\"opcode\":1,\"fin\":true"), 1, "h",
     "line 2: a text message without \"data\""},
    {"evidence_read_recording__names_a_websocket_frame_without_a_direction",
     HEAD "{\"time\":\"2026-12-01T09:00:00Z\",\"kind\":\"ws\","
          "\"opcode\":9}\n",
     1, "h", "line 2: \"dir\" is neither"},
    {"evidence_read_recording__reads_tcp_and_tls_lines",
     HEAD CONN("tcp", "\"address\":\"::1\",\"port\":5222,\"ms\":1.5")
         CONN("tls", "\"version\":\"TLSv1.3\",\"verify\":\"pin\"")
             CONN("tls", "\"verify\":\"insecure\",\"ms\":-4"),
     4, "httt", ""},
    {"evidence_read_recording__names_a_tcp_line_without_a_port",
     HEAD CONN("tcp", "\"address\":\"127.0.0.1\"")
         CONN("tcp", "\"address\":\"127.0.0.1\",\"port\":65536")
             CONN("tcp", "\"address\":7,\"port\":5222")
                 CONN("tcp", "\"address\":\"h\",\"port\":\"5222\""),
     1, "h", "line 5: a \"tcp\" line without an address and a port 1-65535"},
    {"evidence_read_recording__names_a_tls_line_with_an_unknown_trust",
     HEAD CONN("tls", "\"verify\":\"maybe\"") CONN("tls", "\"verify\":1")
         CONN("tls", "\"version\":\"TLSv1.3\""),
     1, "h", "line 4: \"verify\" is not \"ca\", \"pin\" or \"insecure\""},
    {"evidence_read_recording__reads_rest_lines_apart_from_bosh",
     HEAD REST(GET_USER ",\"status\":200,\"ms\":3.5,\"requestHeaders\":"
                        "[\"Accept: application/xml\"],\"responseHeaders\":[],"
                        "\"response\":\"<User/>\"")
         REST(GET_USER ",\"status\":0,\"error\":\"refused\"")
             CONN("http", "\"rid\":2,\"status\":200"),
     4, "hrrH", ""},
    {"evidence_read_recording__names_a_rest_line_without_method_or_url",
     HEAD REST("\"url\":\"https://fin1:8445/x\",\"status\":200")
         REST("\"method\":\"GET\",\"status\":200")
             REST("\"method\":7,\"url\":\"u\",\"status\":200"),
     1, "h", "line 4: a REST \"http\" line without \"method\" and \"url\""},
    {"evidence_read_recording__names_a_rest_status_out_of_range",
     HEAD REST(GET_USER ",\"status\":-1") REST(GET_USER ",\"status\":1000")
         REST(GET_USER ",\"status\":9223372036854775807"),
     1, "h", "line 4: \"status\" is not 0-999"},
    {"evidence_read_recording__names_rest_headers_that_are_not_strings",
     HEAD REST(GET_USER ",\"status\":200,\"requestHeaders\":\"Accept\"")
         REST(GET_USER ",\"status\":200,\"responseHeaders\":[1]")
             REST(GET_USER ",\"status\":200,\"responseHeaders\":[null]"),
     1, "h", "line 4: REST headers that are not an array of strings"},
    {"evidence_read_recording__refuses_a_second_header", HEAD HEAD STANZA("1"),
     2, "hs", "line 2: a second header"},
    {"evidence_read_recording__refuses_a_first_line_that_is_no_header",
     STANZA("1") HEAD, -1, "", ""},
    {"evidence_read_recording__refuses_a_first_line_that_is_no_json",
     "<message/>\n" HEAD, -1, "", ""},
};

static void damage_row(void **state)
{
    const struct damage_row *r = *state;
    char *cause = NULL;
    struct got g;
    int n;

    got_init(&g);
    n = evidence_read_recording(r->input, strlen(r->input), &events, &g,
                                &cause);
    assert_int_equal(n, r->rc);
    if (n < 0) {
        assert_non_null(cause);
        assert_string_equal(g.kinds.data, "");
        free(cause);
    } else {
        assert_null(cause);
        assert_string_equal(g.kinds.data, r->kinds);
        if (*r->damaged)
            assert_contains(g.damaged.data, r->damaged);
        else
            assert_string_equal(g.damaged.data, "");
    }
    got_done(&g);
}

/* --- formats by content --- */

struct sniff_row {
    const char *name, *input;
    size_t len;
    enum evidence_format want;
};

static const struct sniff_row sniff_rows[] = {
    {"evidence_sniff__knows_a_recording_by_its_header", HEAD, 0,
     EVIDENCE_RECORDING},
    {"evidence_sniff__knows_a_har_by_its_log", "\xEF\xBB\xBF {\n \"log\": {}}",
     0, EVIDENCE_HAR},
    {"evidence_sniff__knows_a_zip", "PK\x03\x04rest", 8, EVIDENCE_SAZ},
    {"evidence_sniff__takes_xml_for_text", "<body/>", 0, EVIDENCE_TEXT},
    {"evidence_sniff__takes_other_json_for_text", "{\"a\":1}", 0,
     EVIDENCE_TEXT},
    {"evidence_sniff__takes_nothing_for_text", "", 0, EVIDENCE_TEXT},
};

static void sniff_row(void **state)
{
    const struct sniff_row *r = *state;
    size_t len = r->len ? r->len : strlen(r->input);

    assert_int_equal(evidence_sniff(r->input, len), r->want);
}

/* --- HAR and SAZ fixtures --- */

static void har__reads_the_bosh_entries_and_names_the_damaged_one(void **state)
{
    char *cause = NULL;
    struct got g;
    (void)state;

    got_init(&g);
    /* 9 entries: the JavaScript GET skipped, entry 8 damaged */
    assert_int_equal(read_fixture("evidence/bosh.har", &g, &cause), 7);
    assert_string_equal(g.kinds.data, "HHHHHHH");
    assert_string_equal(g.damaged.data,
                        "entry 8 (log.entries[7]): not an entry with a "
                        "request and its url\n");
    assert_true(g.first_time > 1796115599.9 && g.first_time < 1796115600.1);
    assert_int_equal(g.status[0], 200);
    assert_int_equal(g.status[3], 0);
    assert_string_equal(g.errors[3], "net::ERR_CONNECTION_RESET");
    assert_int_equal(g.status[6], 404);
    assert_true(g.ms[1] > 1200.2 && g.ms[1] < 1200.3);
    /* JSON escaping undone: the body is XML again */
    assert_contains(g.text.data, "<body xmlns='http://jabber.org/protocol/"
                                 "httpbind'><message xmlns='jabber:client' "
                                 "from='pubsub.fin1.ucce.local'");
    got_done(&g);
}

static void har__keeps_the_entries_before_a_cut(void **state)
{
    char *cause = NULL;
    struct got g;
    (void)state;

    got_init(&g);
    assert_int_equal(read_fixture("evidence/bosh_cut.har", &g, &cause), 3);
    assert_string_equal(g.kinds.data, "HHH");
    assert_contains(g.damaged.data, "entry 5 (log.entries[4]): not JSON at "
                                    "byte ");
    assert_contains(g.damaged.data, "the entries after it are lost");
    got_done(&g);
}

static void har__reads_websocket_messages_but_not_binary_ones(void **state)
{
    char *cause = NULL;
    struct got g;
    (void)state;

    got_init(&g);
    assert_int_equal(read_fixture("evidence/websocket.har", &g, &cause), 6);
    assert_string_equal(g.kinds.data, "Hwwwww");
    assert_int_equal(g.status[0], 101);
    assert_not_contains(g.text.data, "AAE=");
    got_done(&g);
}

static void har__refuses_json_that_is_no_har(void **state)
{
    const char *input = "{\"log\": {\"version\": \"1.2\"}}";
    char *cause = NULL;
    struct got g;
    (void)state;

    got_init(&g);
    assert_int_equal(
        evidence_read_har(input, strlen(input), &events, &g, &cause), -1);
    assert_string_equal(cause, "no log.entries array: not a HAR");
    free(cause);
    got_done(&g);
}

static void saz__reads_sessions_with_times_and_chunked_bodies(void **state)
{
    char *cause = NULL;
    struct got g;
    (void)state;

    got_init(&g);
    assert_int_equal(read_fixture("evidence/bosh.saz", &g, &cause), 3);
    assert_string_equal(g.kinds.data, "HHH");
    /* 10:00:00+01:00 */
    assert_true(g.first_time > 1796115599.9 && g.first_time < 1796115600.1);
    assert_true(g.ms[0] > 30.9 && g.ms[0] < 31.1);
    assert_int_equal(g.status[1], 200);
    assert_int_equal(g.status[2], 0);
    assert_string_equal(g.errors[2], "no response");
    /* the chunked response undone */
    assert_contains(g.text.data, "item-dialogs_post_alerting");
    assert_not_contains(g.text.data, "\r\n0\r\n");
    assert_string_equal(g.damaged.data,
                        "session 9: no request line in its _c.txt\n");
    got_done(&g);
}

static void saz__refuses_a_zip_cut_in_its_first_member(void **state)
{
    size_t len;
    char *data = unit_fixture_load("evidence/bosh.saz", &len), *cause = NULL;
    struct got g;
    int n;
    (void)state;

    got_init(&g);
    n = evidence_read_saz(data, 40, &events, &g, &cause);
    /* either not a zip at all, or damaged at once: never a record */
    assert_string_equal(g.kinds.data, "");
    if (n < 0) {
        assert_contains(cause, "not a zip");
        free(cause);
    } else {
        assert_int_equal(n, 0);
        assert_contains(g.damaged.data, "damaged");
    }
    free(data);
    got_done(&g);
}

/* --- fed through the decoders --- */

struct fed {
    struct buf events;
    size_t stanzas;
    struct buf damaged;
};

static void fed_event(void *arg, json_t *ev, double t)
{
    struct fed *f = arg;
    char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    (void)t;

    buf_printf(&f->events, "%s\n", s);
    free(s);
    json_decref(ev);
}

static void fed_stanza(void *arg, int in, xmpp_stanza_t *st, double t)
{
    struct fed *f = arg;
    (void)in;
    (void)st;
    (void)t;
    f->stanzas++;
}

static void fed_damaged(void *arg, const char *where, const char *cause)
{
    struct fed *f = arg;
    buf_printf(&f->damaged, "%s: %s\n", where, cause);
}

static const struct evidence_feed_events feed_events = {fed_event, fed_stanza,
                                                        fed_damaged};

static void feed_rec(void *arg, const struct evidence_rec *r)
{
    evidence_feed_record(arg, r);
}

static void feed_damaged(void *arg, const char *where, const char *cause)
{
    (void)arg;
    (void)where;
    (void)cause;
}

static void feed_fixture(const char *rel, struct fed *f)
{
    static const struct evidence_events ev = {feed_rec, feed_damaged};
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    size_t len;
    char *data = unit_fixture_load(rel, &len), *cause = NULL;
    enum evidence_format fmt = evidence_sniff(data, len);
    struct evidence_feed *feed = evidence_feed_new(ctx, fmt, &feed_events, f);

    memset(f, 0, sizeof *f);
    buf_init(&f->events);
    buf_init(&f->damaged);
    buf_append(&f->events, "", 0);
    buf_append(&f->damaged, "", 0);
    assert_true(evidence_read(fmt, data, len, &ev, feed, &cause) >= 0);
    evidence_feed_free(feed);
    xmpp_ctx_free(ctx);
    free(data);
}

static void feed__decodes_har_bodies_with_their_response_times(void **state)
{
    struct fed f;
    (void)state;

    feed_fixture("evidence/bosh.har", &f);
    /* the response of entry 3 (started 09:00:01.000, 1200.25 ms) */
    assert_contains(
        f.events.data,
        "{\"time\":\"2026-12-01T09:00:02.200Z\",\"service\":"
        "\"pubsub.fin1.ucce.local\",\"node\":\"/finesse/api/User/"
        "47483648\",\"item\":\"item-user_ready\",\"event\":\"PUT\"");
    assert_contains(f.events.data, "\"kind\":\"systeminfo\"");
    assert_contains(f.events.data, "\"status\":\"OUT_OF_SERVICE\"");
    assert_string_equal(f.damaged.data, "");
    buf_done(&f.events);
    buf_done(&f.damaged);
}

static void feed__names_a_websocket_message_that_does_not_parse(void **state)
{
    struct fed f;
    (void)state;

    feed_fixture("evidence/websocket.har", &f);
    assert_contains(f.events.data, "\"time\":\"2026-12-01T10:00:01.500Z\"");
    assert_contains(f.damaged.data, "entry 1 (received): not well-formed");
    /* open sent, open received, the message, close sent */
    assert_int_equal(f.stanzas, 4);
    buf_done(&f.events);
    buf_done(&f.damaged);
}

/* --- verdicts --- */

static void http_at(struct verdict *v, double t, double ms, const char *req,
                    const char *resp)
{
    struct evidence_rec r;

    memset(&r, 0, sizeof r);
    r.kind = EVIDENCE_HTTP;
    r.time = t;
    r.ms = ms;
    r.status = 200;
    r.request = req;
    r.request_len = strlen(req);
    r.response = resp;
    r.response_len = strlen(resp);
    verdict_record(v, &r);
}

#define POLL(rid) "<body rid='" rid "' sid='s'/>"

static void
verdict__an_empty_poll_answered_for_a_newer_request_is_not_cut(void **state)
{
    struct verdict *v = verdict_new();
    struct transport_params p = {60, 2, 5, 90, 1, 0, "1.6"};
    struct buf b;
    (void)state;

    buf_init(&b);
    buf_append(&b, "", 0);
    verdict_params(v, &p);
    /* a poll held 10 s, answered because the client sent rid 2 */
    http_at(v, 1000, 10000, POLL("1"), "<body/>");
    http_at(v, 1009.9, 50, "<body rid='2' sid='s'><message/></body>",
            "<body/>");
    /* a poll cut after 20 s with nothing newer */
    http_at(v, 1010.1, 20000, POLL("3"), "<body/>");
    /* the next one 30 s later: within inactivity (90 s), no gap */
    http_at(v, 1060.1, 60000, POLL("4"), "<body/>");
    assert_int_equal(verdict_finish(v, collect_verdict, &b), 1);
    assert_contains(b.data, "\"finding\":\"cut-poll\"");
    assert_contains(b.data, "\"rid\":3,");
    verdict_free(v);
    buf_done(&b);
}

static void verdict__says_nothing_of_gaps_without_the_inactivity(void **state)
{
    struct verdict *v = verdict_new();
    struct buf b;
    (void)state;

    buf_init(&b);
    buf_append(&b, "", 0);
    http_at(v, 1000, 100, "<body rid='1'/>", "<body/>");
    http_at(v, 5000, 100, "<body rid='2'/>", "<body/>");
    assert_int_equal(verdict_finish(v, collect_verdict, &b), 0);
    assert_string_equal(b.data, "");
    verdict_free(v);
    buf_done(&b);
}

static json_t *user_event(const char *state, const char *reason)
{
    json_t *ev = json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "kind", "user", "user",
                           "loginId", "1001001", "firstName", "Ada", "lastName",
                           "Lovelace", "state", state);
    if (reason)
        json_object_set_new(json_object_get(ev, "user"), "reasonCode",
                            json_pack("{s:s}", "label", reason));
    return ev;
}

static void verdict__gives_each_agent_a_timeline_of_state_changes(void **state)
{
    struct verdict *v = verdict_new();
    json_t *evs[] = {user_event("READY", NULL), user_event("READY", NULL),
                     user_event("NOT_READY", "Lunch"),
                     user_event("NOT_READY", "Break"),
                     user_event("LOGOUT", NULL)};
    double at[] = {1796115600, 1796115605, 1796115612.5, 1796115700,
                   1796115760};
    struct buf b;
    size_t i;
    (void)state;

    buf_init(&b);
    buf_append(&b, "", 0);
    for (i = 0; i < 5; i++) {
        verdict_event(v, evs[i], at[i]);
        json_decref(evs[i]);
    }
    assert_int_equal(verdict_finish(v, collect_verdict, &b), 0);
    assert_string_equal(
        b.data,
        "{\"time\":\"2026-12-01T09:00:00.000Z\",\"kind\":\"timeline\","
        "\"agent\":\"1001001\",\"name\":\"Ada Lovelace\",\"states\":["
        "{\"state\":\"READY\",\"start\":\"2026-12-01T09:00:00.000Z\","
        "\"ms\":12500},"
        "{\"state\":\"NOT_READY\",\"reason\":\"Lunch\",\"start\":\"2026-12-"
        "01T09:00:12.500Z\",\"ms\":87500},"
        "{\"state\":\"NOT_READY\",\"reason\":\"Break\",\"start\":\"2026-12-"
        "01T09:01:40.000Z\",\"ms\":60000},"
        "{\"state\":\"LOGOUT\",\"start\":\"2026-12-01T09:02:40.000Z\","
        "\"ms\":0,\"open\":true}]}\n");
    verdict_free(v);
    buf_done(&b);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, time_rows, time_row);
    TL_ROWS(&l, damage_rows, damage_row);
    TL_ROWS(&l, sniff_rows, sniff_row);
#define T(f) tl_add(&l, #f, f, NULL)
    T(recorder__writes_lines_0600_that_read_back_in_order);
    T(recorder__writes_websocket_frames_and_the_close_code_is_a_finding);
    T(recorder__writes_tcp_and_tls_lines_that_read_back);
    T(recorder__writes_rest_exchanges_without_credentials_and_401_is_a_finding);
    T(har__reads_the_bosh_entries_and_names_the_damaged_one);
    T(har__keeps_the_entries_before_a_cut);
    T(har__reads_websocket_messages_but_not_binary_ones);
    T(har__refuses_json_that_is_no_har);
    T(saz__reads_sessions_with_times_and_chunked_bodies);
    T(saz__refuses_a_zip_cut_in_its_first_member);
    T(feed__decodes_har_bodies_with_their_response_times);
    T(feed__names_a_websocket_message_that_does_not_parse);
    T(verdict__an_empty_poll_answered_for_a_newer_request_is_not_cut);
    T(verdict__says_nothing_of_gaps_without_the_inactivity);
    T(verdict__gives_each_agent_a_timeline_of_state_changes);
#undef T
    return tl_run(&l, "evidence", NULL, NULL);
}
