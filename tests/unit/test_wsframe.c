/* RFC 6455 by wslay without I/O: what is delivered, what is answered,
 * what is refused and why. The server's frames are written out by hand
 * here (test data); perch's own are read back and unmasked. */
#include "unit.h"

#include "xmpp/wsframe.h"

#define MAX (16ull << 20)

struct seen {
    int frames_in, frames_out, messages;
    char last_msg[256];
    size_t last_len;
    unsigned close_code;
    char close_reason[128];
    char error[256];
    unsigned last_out_opcode;
};

static void on_frame(void *arg, const struct wsframe_frame *f)
{
    struct seen *s = arg;

    if (f->out) {
        s->frames_out++;
        s->last_out_opcode = f->opcode;
        return;
    }
    s->frames_in++;
    if (f->error)
        snprintf(s->error, sizeof s->error, "%s", f->error);
    if (f->msg &&
        (f->opcode == WSFRAME_TEXT || f->opcode == WSFRAME_CONTINUATION)) {
        s->messages++;
        s->last_len = f->msg_len;
        snprintf(s->last_msg, sizeof s->last_msg, "%.*s", (int)f->msg_len,
                 f->msg);
    }
    if (f->opcode == WSFRAME_CLOSE && f->msg) {
        s->close_code = f->close_code;
        snprintf(s->close_reason, sizeof s->close_reason, "%s",
                 f->close_reason);
    }
}

/* A server frame (unmasked unless mask) into out: a header that says len,
 * then given bytes of payload. Its length. */
static size_t frame_part(unsigned char *out, int fin, unsigned rsv, unsigned op,
                         int mask, const char *payload, unsigned long long len,
                         size_t given)
{
    size_t n = 0, i;
    static const unsigned char key[4] = {1, 2, 3, 4};

    out[n++] = (unsigned char)((fin ? 0x80 : 0) | rsv << 4 | op);
    if (len < 126) {
        out[n++] = (unsigned char)((mask ? 0x80 : 0) | len);
    } else if (len < 65536) {
        out[n++] = (unsigned char)((mask ? 0x80 : 0) | 126);
        out[n++] = (unsigned char)(len >> 8);
        out[n++] = (unsigned char)len;
    } else {
        out[n++] = (unsigned char)((mask ? 0x80 : 0) | 127);
        for (i = 0; i < 8; i++)
            out[n++] = (unsigned char)(len >> (56 - 8 * i));
    }
    if (mask)
        for (i = 0; i < 4; i++)
            out[n++] = key[i];
    for (i = 0; payload && i < given; i++)
        out[n++] = (unsigned char)(payload[i] ^ (mask ? key[i % 4] : 0));
    return n;
}

static size_t frame(unsigned char *out, int fin, unsigned rsv, unsigned op,
                    int mask, const char *payload, size_t len)
{
    return frame_part(out, fin, rsv, op, mask, payload, len, len);
}

/* Reads perch's next frame from the output: opcode, unmasked payload.
 * Checks that it is masked (RFC 6455 5.1: a client always masks). */
static unsigned next_out(struct wsframe *w, char *payload, size_t *len)
{
    size_t avail, n = 2, i;
    const unsigned char *o = (const unsigned char *)wsframe_output(w, &avail);
    unsigned op;
    unsigned long long pl;

    assert_non_null(o);
    assert_true(avail >= 6);
    op = o[0] & 0x0f;
    assert_true(o[0] & 0x80); /* fin */
    assert_true(o[1] & 0x80); /* masked */
    pl = o[1] & 0x7f;
    if (pl == 126) {
        pl = (unsigned long long)o[2] << 8 | o[3];
        n = 4;
    }
    assert_true(avail >= n + 4 + pl);
    for (i = 0; i < pl; i++)
        payload[i] = (char)(o[n + 4 + i] ^ o[n + i % 4]);
    *len = pl;
    wsframe_written(w, n + 4 + pl);
    return op;
}

static struct wsframe *fresh(struct seen *s)
{
    memset(s, 0, sizeof *s);
    return wsframe_new(MAX, on_frame, s);
}

static void wsframe_feed__delivers_a_text_message(void **state)
{
    unsigned char b[64];
    struct seen s;
    struct wsframe *w = fresh(&s);
    size_t n = frame(b, 1, 0, WSFRAME_TEXT, 0, "<a/>", 4), len;
    (void)state;

    assert_int_equal(wsframe_feed(w, (char *)b, n), 0);
    assert_int_equal(s.messages, 1);
    assert_string_equal(s.last_msg, "<a/>");
    assert_true(wsframe_open(w));
    assert_null(wsframe_output(w, &len));
    wsframe_free(w);
}

/* A message in three fragments with a ping between them (control frames
 * may interleave): one message, the ping answered with its payload. */
static void wsframe_feed__joins_fragments_and_answers_pings(void **state)
{
    unsigned char b[256];
    char p[128];
    size_t n = 0, len;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    n += frame(b + n, 0, 0, WSFRAME_TEXT, 0, "<message>", 9);
    n += frame(b + n, 1, 0, WSFRAME_PING, 0, "p1", 2);
    n += frame(b + n, 0, 0, WSFRAME_CONTINUATION, 0, "hi", 2);
    n += frame(b + n, 1, 0, WSFRAME_CONTINUATION, 0, "</message>", 10);
    assert_int_equal(wsframe_feed(w, (char *)b, n), 0);
    assert_int_equal(s.messages, 1);
    assert_string_equal(s.last_msg, "<message>hi</message>");
    assert_int_equal(s.frames_in, 4);
    assert_int_equal(next_out(w, p, &len), WSFRAME_PONG);
    assert_int_equal(len, 2);
    assert_memory_equal(p, "p1", 2);
    wsframe_free(w);
}

/* Split across TCP segments down to single bytes: the same result. */
static void wsframe_feed__a_frame_split_byte_by_byte(void **state)
{
    unsigned char b[512];
    char text[300];
    size_t n, i;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    memset(text, 'x', sizeof text);
    memcpy(text, "<a>", 3);
    memcpy(text + sizeof text - 4, "</a>", 4);
    n = frame(b, 1, 0, WSFRAME_TEXT, 0, text, sizeof text);
    for (i = 0; i < n; i++)
        assert_int_equal(wsframe_feed(w, (char *)b + i, 1), 0);
    assert_int_equal(s.messages, 1);
    assert_int_equal(s.last_len, sizeof text);
    wsframe_free(w);
}

struct bad_row {
    const char *name;
    int fin;
    unsigned rsv, op;
    int mask;
    const char *payload;
    unsigned long long len; /* what the header says */
    size_t given;           /* payload bytes that follow it */
    const char *prefix;     /* bytes fed first (a frame begun), or NULL */
    size_t prefix_len;
    unsigned code; /* the close perch sends */
    const char *why;
};

static const struct bad_row bad_rows[] = {
    {"wsframe_feed__refuses_a_masked_frame", 1, 0, WSFRAME_TEXT, 1, "<a/>", 4,
     4, NULL, 0, 1002, "a masked frame (RFC 6455 5.1: a server never masks)"},
    {"wsframe_feed__refuses_an_oversized_frame_before_its_payload", 1, 0,
     WSFRAME_TEXT, 0, "<aaa", 32ull << 20, 4, NULL, 0, 1009,
     "a frame of 33554432 bytes (a message may have 16 MiB)"},
    {"wsframe_feed__refuses_reserved_bits", 1, 4, WSFRAME_TEXT, 0, "<a/>", 4, 4,
     NULL, 0, 1002, "reserved bits set (RSV 4)"},
    {"wsframe_feed__refuses_an_unknown_opcode", 1, 0, 0x3, 0, "x", 1, 1, NULL,
     0, 1002, "unknown opcode 0x3"},
    {"wsframe_feed__refuses_a_continuation_with_no_message", 1, 0,
     WSFRAME_CONTINUATION, 0, "x", 1, 1, NULL, 0, 1002,
     "a continuation frame with no message begun"},
    {"wsframe_feed__refuses_a_new_message_inside_a_fragmented_one", 1, 0,
     WSFRAME_TEXT, 0, "x", 1, 1, "\x01\x01<", 3, 1002,
     "a new message before the fragmented one ended"},
    {"wsframe_feed__refuses_text_that_is_not_utf8", 1, 0, WSFRAME_TEXT, 0,
     "<a>\xc3\x28</a>", 9, 9, NULL, 0, 1007, "text that is not UTF-8"},
    {"wsframe_feed__refuses_a_close_code_rfc_6455_forbids", 1, 0, WSFRAME_CLOSE,
     0, "\x03\xed", 2, 2, NULL, 0, 1002,
     "a close frame with the status code 1005"},
    {"wsframe_feed__refuses_a_binary_message", 1, 0, WSFRAME_BINARY, 0, "ab", 2,
     2, NULL, 0, 1003, "a binary message (RFC 7395 3.2"},
    {"wsframe_feed__refuses_a_long_control_frame", 1, 0, WSFRAME_PING, 0, NULL,
     126, 0, NULL, 0, 1005, "a frame header RFC 6455 does not allow"},
};

static void bad(void **state)
{
    const struct bad_row *r = *state;
    unsigned char *b = malloc(200 + r->given);
    char p[128];
    size_t n, len;
    struct seen s;
    struct wsframe *w = fresh(&s);
    char want[64];
    unsigned op;

    if (r->prefix)
        assert_int_equal(wsframe_feed(w, r->prefix, r->prefix_len), 0);
    n = frame_part(b, r->fin, r->rsv, r->op, r->mask, r->payload, r->len,
                   r->given);
    assert_int_equal(wsframe_feed(w, (char *)b, n), -1);
    if (strstr(wsframe_cause(w), r->why) == NULL)
        fail_msg("cause '%s' lacks '%s'", wsframe_cause(w), r->why);
    snprintf(want, sizeof want, "closed the WebSocket with %u", r->code);
    if (strstr(wsframe_cause(w), want) == NULL)
        fail_msg("cause '%s' lacks '%s'", wsframe_cause(w), want);
    op = next_out(w, p, &len);
    assert_int_equal(op, WSFRAME_CLOSE);
    if (r->code != 1005) {
        assert_int_equal(len, 2);
        assert_int_equal((unsigned char)p[0] << 8 | (unsigned char)p[1],
                         r->code);
    }
    assert_false(wsframe_open(w));
    assert_int_equal(wsframe_send_text(w, "<a/>", 4), -1);
    assert_int_equal(wsframe_feed(w, "\x81\x01x", 3), -1); /* reads no more */
    wsframe_free(w);
    free(b);
}

/* The frame wslay refuses after hundreds of good ones in the same read is
 * the one named: the two readers stay in step. */
static void wsframe_feed__names_the_refused_frame_after_many(void **state)
{
    unsigned char *b = malloc(400 * 6 + 64);
    size_t n = 0;
    int i;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    for (i = 0; i < 400; i++)
        n += frame(b + n, 1, 0, WSFRAME_TEXT, 0, "<a/>", 4);
    n += frame(b + n, 1, 0, WSFRAME_TEXT, 1, "<b/>", 4);
    n += frame(b + n, 1, 0, WSFRAME_TEXT, 0, "<c/>", 4);
    assert_int_equal(wsframe_feed(w, (char *)b, n), -1);
    assert_int_equal(s.messages, 400);
    assert_non_null(strstr(wsframe_cause(w), "a masked frame"));
    assert_non_null(strstr(s.error, "a masked frame"));
    wsframe_free(w);
    free(b);
}

static void wsframe_feed__a_fragmented_message_over_the_limit(void **state)
{
    unsigned char b[64];
    size_t n;
    struct seen s;
    struct wsframe *w;
    (void)state;

    memset(&s, 0, sizeof s);
    w = wsframe_new(100, on_frame, &s);
    n = frame(b, 0, 0, WSFRAME_TEXT, 0,
              "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaa",
              50);
    assert_int_equal(wsframe_feed(w, (char *)b, n), 0);
    n = frame_part(b, 1, 0, WSFRAME_CONTINUATION, 0, "aaaa", 60, 4);
    assert_int_equal(wsframe_feed(w, (char *)b, n), -1);
    assert_non_null(strstr(wsframe_cause(w), "a fragment of 60 bytes after "
                                             "50 bytes of the same message"));
    assert_non_null(strstr(wsframe_cause(w), "1009 message too big"));
    wsframe_free(w);
}

static void wsframe_feed__a_close_is_reported_and_echoed(void **state)
{
    unsigned char b[64];
    char p[128];
    size_t n, len;
    unsigned code = 0;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    n = frame(b, 1, 0, WSFRAME_CLOSE, 0, "\x03\xe9going", 7);
    assert_int_equal(wsframe_feed(w, (char *)b, n), 0);
    assert_int_equal(s.close_code, 1001);
    assert_string_equal(s.close_reason, "going");
    assert_false(wsframe_open(w));
    assert_true(wsframe_close_received(w, &code));
    assert_int_equal(code, 1001);
    assert_int_equal(next_out(w, p, &len), WSFRAME_CLOSE);
    assert_int_equal((unsigned char)p[0] << 8 | (unsigned char)p[1], 1001);
    assert_int_equal(s.last_out_opcode, WSFRAME_CLOSE);
    wsframe_free(w);
}

static void wsframe_eof_cause__says_where_the_input_stopped(void **state)
{
    unsigned char b[256];
    char text[100], *why;
    size_t n;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    memset(text, 'x', sizeof text);
    n = frame(b, 1, 0, WSFRAME_TEXT, 0, "<a/>", 4);
    assert_int_equal(wsframe_feed(w, (char *)b, n), 0);
    assert_null(wsframe_eof_cause(w));
    n = frame(b, 1, 0, WSFRAME_TEXT, 0, text, sizeof text);
    assert_int_equal(wsframe_feed(w, (char *)b, 12), 0);
    why = wsframe_eof_cause(w);
    assert_string_equal(why, "in the middle of a text frame (10 of 100 "
                             "bytes)");
    free(why);
    wsframe_free(w);
    w = fresh(&s);
    assert_int_equal(wsframe_feed(w, "\x81", 1), 0);
    why = wsframe_eof_cause(w);
    assert_string_equal(why, "in the middle of a frame header (1 bytes of "
                             "it)");
    free(why);
    wsframe_free(w);
    (void)n;
}

static void wsframe_send__masked_frames_and_no_more_after_close(void **state)
{
    char p[300], big[200];
    size_t len;
    struct seen s;
    struct wsframe *w = fresh(&s);
    (void)state;

    memset(big, 'y', sizeof big);
    assert_int_equal(wsframe_send_text(w, "<open/>", 7), 0);
    assert_int_equal(wsframe_send_text(w, big, sizeof big), 0);
    assert_int_equal(wsframe_ping(w, "1", 1), 0);
    assert_int_equal(next_out(w, p, &len), WSFRAME_TEXT);
    assert_int_equal(len, 7);
    assert_memory_equal(p, "<open/>", 7);
    assert_int_equal(next_out(w, p, &len), WSFRAME_TEXT);
    assert_int_equal(len, sizeof big);
    assert_memory_equal(p, big, sizeof big);
    assert_int_equal(next_out(w, p, &len), WSFRAME_PING);
    assert_int_equal(wsframe_close(w, 1000, "bye"), 0);
    assert_int_equal(next_out(w, p, &len), WSFRAME_CLOSE);
    assert_int_equal(len, 5);
    assert_memory_equal(p,
                        "\x03\xe8"
                        "bye",
                        5);
    assert_int_equal(wsframe_send_text(w, "<a/>", 4), -1);
    assert_int_equal(wsframe_close(w, 1000, NULL), -1);
    assert_int_equal(s.frames_out, 4);
    wsframe_free(w);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "wsframe_feed__delivers_a_text_message",
           wsframe_feed__delivers_a_text_message, NULL);
    tl_add(&l, "wsframe_feed__joins_fragments_and_answers_pings",
           wsframe_feed__joins_fragments_and_answers_pings, NULL);
    tl_add(&l, "wsframe_feed__a_frame_split_byte_by_byte",
           wsframe_feed__a_frame_split_byte_by_byte, NULL);
    TL_ROWS(&l, bad_rows, bad);
    tl_add(&l, "wsframe_feed__names_the_refused_frame_after_many",
           wsframe_feed__names_the_refused_frame_after_many, NULL);
    tl_add(&l, "wsframe_feed__a_fragmented_message_over_the_limit",
           wsframe_feed__a_fragmented_message_over_the_limit, NULL);
    tl_add(&l, "wsframe_feed__a_close_is_reported_and_echoed",
           wsframe_feed__a_close_is_reported_and_echoed, NULL);
    tl_add(&l, "wsframe_eof_cause__says_where_the_input_stopped",
           wsframe_eof_cause__says_where_the_input_stopped, NULL);
    tl_add(&l, "wsframe_send__masked_frames_and_no_more_after_close",
           wsframe_send__masked_frames_and_no_more_after_close, NULL);
    return tl_run(&l, "wsframe", NULL, NULL);
}
