/*
 * The WebSocket receive path on any bytes: wslay's frame and message
 * reading (wsframe.c) fed in slices of varying size, and every message it
 * delivers handled as ws.c handles it (wsproto_parse: the bounded input
 * path, RFC 7395 kinds). It either reads, or refuses with a cause and a
 * close frame; never crashes, never delivers more than the limit.
 */
#include "fuzz.h"

#include "xmpp/wsframe.h"
#include "xmpp/wsproto.h"

#define MAX_MESSAGE (64u << 10) /* small: refusals by size are reached */

struct seen {
    int closed_in;
};

static void on_frame(void *arg, const struct wsframe_frame *f)
{
    struct seen *s = arg;
    enum ws_msg_kind kind;
    char *cause = NULL;
    xmpp_stanza_t *el;

    if (f->out || f->error)
        return;
    CHECK(f->size <= MAX_MESSAGE);
    if (f->opcode == WSFRAME_CLOSE && f->msg)
        s->closed_in = 1;
    if (f->msg == NULL ||
        (f->opcode != WSFRAME_TEXT && f->opcode != WSFRAME_CONTINUATION))
        return;
    CHECK(f->msg_len <= MAX_MESSAGE);
    el = wsproto_parse(fuzz_ctx(), f->msg, f->msg_len, &kind, &cause);
    if (el == NULL) {
        CHECK(cause != NULL && *cause != '\0');
        free(cause);
        return;
    }
    if (kind == WS_MSG_OPEN)
        CHECK(strcmp(xmpp_stanza_get_attribute(el, "version"), "1.0") == 0);
    CHECK(kind >= WS_MSG_OPEN && kind <= WS_MSG_STANZA);
    xmpp_stanza_release(el);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = {0};
    struct wsframe *w = wsframe_new(MAX_MESSAGE, on_frame, &s);
    size_t off, step, len;
    int rc = 0;
    char *where;

    /* the first byte chooses how the rest is cut into reads */
    step = size ? (size_t)data[0] % 64 + 1 : 1;
    off = size ? 1 : 0;
    while (off < size && rc == 0) {
        size_t n = size - off < step ? size - off : step;
        rc = wsframe_feed(w, (const char *)data + off, n);
        off += n;
        if (wsframe_output(w, &len) != NULL)
            wsframe_written(w, len / 2 + 1 > len ? len : len / 2 + 1);
    }
    if (rc != 0) {
        CHECK(*wsframe_cause(w) != '\0');
        CHECK(!wsframe_open(w));
        CHECK(wsframe_send_text(w, "<a/>", 4) == -1);
    } else if (s.closed_in) {
        CHECK(!wsframe_open(w));
    } else {
        CHECK(wsframe_send_text(w, "<a/>", 4) == 0);
    }
    where = wsframe_eof_cause(w);
    free(where);
    wsframe_free(w);
    return 0;
}
