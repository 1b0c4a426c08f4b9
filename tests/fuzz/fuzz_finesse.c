/*
 * decode_update_text on arbitrary bytes: always one event, of a known
 * kind, that serializes; a raw one says why. Depth, size and invalid
 * characters must never crash, leak or hang it. The event then goes
 * through model_apply, twice (the second finds what the first made), so
 * the typed model meets whatever the decoder can produce, on one of the
 * nodes whose path the model reads (picked by the input's length, so that
 * every seed keeps its meaning); then once more as an item, twice: the
 * second is a duplicate and changes nothing.
 */
#include "fuzz.h"

#include "decode/decode.h"
#include "model/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int known_kind(const char *k)
{
    static const char *const kinds[] = {
        "user",       "dialogs", "team",  "queue", "queues",
        "systeminfo", "media",   "error", "raw",   NULL};
    size_t i;

    for (i = 0; k && kinds[i]; i++)
        if (strcmp(k, kinds[i]) == 0)
            return 1;
    return 0;
}

static const char *const nodes[] = {
    "/finesse/api/User/1",         "/finesse/api/Team/5/Users",
    "/finesse/api/User/1/Media/2", "/finesse/api/User/1/Queues",
    "/finesse/api/Queue/1",        "/finesse/api/User/1/Dialogs",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *node = nodes[size % (sizeof nodes / sizeof *nodes)];
    json_t *ev = decode_update_text(node, (const char *)data, size);
    const char *kind;
    struct model m;
    char *line;

    CHECK(ev != NULL && json_is_object(ev));
    kind = json_string_value(json_object_get(ev, "kind"));
    CHECK(known_kind(kind));
    if (strcmp(kind, "raw") == 0)
        CHECK(json_is_string(json_object_get(ev, "error")));
    line = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK(line != NULL && strchr(line, '\n') == NULL);
    free(line);
    model_init(&m);
    CHECK(model_apply(&m, ev, 1000) & MODEL_CHANGED_NODES);
    CHECK(model_apply(&m, ev, 2000) & MODEL_CHANGED_NODES);
    json_object_set_new(ev, "item", json_string("i"));
    CHECK(model_apply(&m, ev, 3000) & MODEL_CHANGED_NODES);
    CHECK(model_apply(&m, ev, 4000) == 0 && m.duplicates == 1);
    model_expire(&m, 1e12); /* ended dialogs freed: ASan watches */
    model_done(&m);
    json_decref(ev);
    return 0;
}
