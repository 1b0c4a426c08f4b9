/*
 * Parses the input with libstrophe (as a reply arrives) and reads it as a
 * XEP-0202 time reply: never crashes, and a time it accepts is a finite
 * number.
 */
#include "xmpp/query.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    xmpp_stanza_t *st;
    double ms = 0;

    memcpy(text, data, size);
    text[size] = '\0';
    st = xmpp_stanza_new_from_string(ctx, text);
    free(text);
    if (st == NULL)
        return 0;
    if (query_time_reply(st, &ms) == 0 && !isfinite(ms)) {
        fprintf(stderr, "query_time_reply accepted a time that is %f\n", ms);
        abort();
    }
    xmpp_stanza_release(st);
    return 0;
}
