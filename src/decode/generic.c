/*
 * Any payload no other decoder takes: kind "xml" with "xml", the payload
 * as compact XML text (re-serialized from the tree, so namespaces show as
 * xmlns and prefixes are not kept). Not a JSON rendering of the tree: the
 * XML itself is what a person debugging a pubsub node wants to read. The
 * tree is already bounded in depth and the walk is iterative.
 */
#include "base/buf.h"
#include "decode.h"
#include "decoder.h"
#include "keys.h"

static int generic_match(const char *node, const char *local, const char *ns)
{
    (void)node;
    (void)local;
    (void)ns;
    return 1;
}

static json_t *generic_decode(const char *node, const struct xnode *payload)
{
    json_t *o = json_object();
    struct buf b;
    (void)node;

    buf_init(&b);
    xnode_serialize(payload, &b);
    if (b.len > DECODE_MAX_DOC) {
        decode_set_raw(o, b.data, b.len,
                       "the payload is larger than the 1 MiB shown");
    } else {
        json_object_set_new(o, EVK_KIND, json_string(EV_KIND_XML));
        json_object_set_new(o, EVK_XML, json_text(b.data, b.len));
    }
    buf_done(&b);
    return o;
}

const struct decoder generic_decoder = {
    "generic",
    generic_match,
    generic_decode,
};
