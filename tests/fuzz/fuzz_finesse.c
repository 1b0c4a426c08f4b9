/*
 * decode_update_text on arbitrary bytes: always one event, of a known
 * kind, that serializes; a raw one says why. Depth, size and invalid
 * characters must never crash, leak or hang it. The event then goes
 * through model_apply, twice (the second finds what the first made), so
 * the typed model meets whatever the decoder can produce.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *ev =
        decode_update_text("/finesse/api/User/1", (const char *)data, size);
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
    model_done(&m);
    json_decref(ev);
    return 0;
}
