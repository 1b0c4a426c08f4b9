/*
 * watch --json's direct path against the tree path, on arbitrary bytes as
 * a <notification>'s text: decode_event_write must print exactly what
 * the tree path, stamped and written by sanitize_json_dumps, prints;
 * decode_item's objects (sax_update_object) must be the tree's; and
 * when sax_update takes the document itself, its members must be
 * decode_update_text's. Depth, size, attributes and odd characters must
 * never crash, leak or hang either path.
 */
#include "fuzz.h"

#include "base/buf.h"
#include "base/sanitize.h"
#include "decode/decode.h"
#include "decode/sax.h"

#include <jansson.h>

#define TIME "2026-12-01T05:00:00.000Z"
#define SERVICE "pubsub.example"

static const char *const nodes[] = {"/finesse/api/User/1",
                                    "/finesse/api/Team/5/Users", NULL,
                                    "/finesse/api/User/1/ClientLog"};

static xmpp_stanza_t *item_of(const char *text, size_t len)
{
    xmpp_ctx_t *ctx = fuzz_ctx();
    xmpp_stanza_t *item = xmpp_stanza_new(ctx), *n = xmpp_stanza_new(ctx),
                  *t = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_attribute(item, "id", "i1");
    xmpp_stanza_set_name(n, "notification");
    xmpp_stanza_set_text_with_size(t, text, len);
    xmpp_stanza_add_child(n, t);
    xmpp_stanza_add_child(item, n);
    xmpp_stanza_release(t);
    xmpp_stanza_release(n);
    return item;
}

/* The tree path's line, stamped as event_stamp_resync does. */
static char *old_line(const char *node, xmpp_stanza_t *item)
{
    json_t *ev = decode_event_by_tree("item", node, item), *out = json_object();
    char *text;

    json_object_set_new(out, "time", json_string(TIME));
    json_object_set_new(out, "service", json_string(SERVICE));
    json_object_update(out, ev);
    text = sanitize_json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(out);
    json_decref(ev);
    CHECK(text != NULL);
    return text;
}

/* decode_item (sax_update_object) and the tree: equal objects, types and
 * member order included. */
static void same_object(const char *node, xmpp_stanza_t *item)
{
    json_t *tree = decode_item_by_tree(node, item);
    json_t *fast = decode_item(node, item);
    char *a = sanitize_json_dumps(tree, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *b = sanitize_json_dumps(fast, JSON_COMPACT | JSON_PRESERVE_ORDER);

    CHECK(a != NULL && b != NULL);
    if (strcmp(a, b) != 0 || !json_equal(tree, fast)) {
        fprintf(stderr, "tree: %s\nfast: %s\n", a, b);
        CHECK(0);
    }
    free(a);
    free(b);
    json_decref(tree);
    json_decref(fast);
}

static void sax_alone(const char *text, size_t len)
{
    json_t *ev, *v, *obj;
    struct buf want, got;
    const char *key;

    buf_init(&got);
    buf_append(&got, "", 0);
    obj = json_object();
    if (sax_update(&got, text, len) != 0) {
        CHECK(got.len == 0);
        /* declined as objects too, o untouched */
        CHECK(sax_update_object(obj, text, len) != 0);
        CHECK(json_object_size(obj) == 0);
        json_decref(obj);
        buf_done(&got);
        return;
    }
    ev = decode_update_text(NULL, text, len);
    buf_init(&want);
    buf_append(&want, "", 0);
    json_object_foreach(ev, key, v)
    {
        buf_append(&want, ",", 1);
        sanitize_json_put(&want, key, strlen(key));
        buf_append(&want, ":", 1);
        CHECK(sanitize_json_write(&want, v, JSON_COMPACT) == 0);
    }
    CHECK(strcmp(want.data, got.data) == 0);
    CHECK(sax_update_object(obj, text, len) == 0);
    CHECK(json_equal(obj, ev));
    json_decref(obj);
    buf_done(&want);
    buf_done(&got);
    json_decref(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *node = nodes[size % (sizeof nodes / sizeof *nodes)];
    struct decode_stamp st = {TIME, SERVICE, 0};
    char *text = fuzz_cstr(data, size), *want;
    xmpp_stanza_t *item;
    struct buf b;

    /* libstrophe keeps the text to its first NUL, as a stanza has it */
    item = item_of(text, strlen(text));
    want = old_line(node, item);
    buf_init(&b);
    buf_append(&b, "", 0);
    CHECK(decode_event_write(&b, "item", node, item, &st) == 0);
    if (strcmp(want, b.data) != 0) {
        fprintf(stderr, "old: %s\nnew: %s\n", want, b.data);
        CHECK(0);
    }
    buf_done(&b);
    free(want);
    same_object(node, item);
    xmpp_stanza_release(item);
    sax_alone(text, strlen(text));
    free(text);
    return 0;
}
