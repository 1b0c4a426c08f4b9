/*
 * decode_capture on arbitrary bytes: the count it returns is the number of
 * events it delivered, each an object of a known kind that serializes;
 * -1 comes with a cause and no event.
 */
#include "fuzz.h"

#include "decode/decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"user",   "dialogs",    "team",  "queue",
                                    "queues", "systeminfo", "media", "error",
                                    "raw",    "xml",        NULL};

static void on_event(void *arg, json_t *ev)
{
    int *count = arg;
    const char *kind;
    char *line;
    size_t i;

    CHECK(json_is_object(ev));
    kind = json_string_value(json_object_get(ev, "kind"));
    CHECK(kind != NULL);
    for (i = 0; kinds[i] && strcmp(kinds[i], kind) != 0; i++)
        ;
    CHECK(kinds[i] != NULL);
    line = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK(line != NULL);
    free(line);
    json_decref(ev);
    (*count)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL;
    int count = 0, rc;

    rc = decode_capture((const char *)data, size, on_event, &count, &cause);
    if (rc < 0) {
        CHECK(rc == -1 && cause != NULL && count == 0);
        free(cause);
    } else {
        CHECK(cause == NULL && rc == count);
    }
    return 0;
}
