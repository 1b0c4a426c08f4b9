/*
 * The BOSH response parser on any bytes: it either returns a <body/> whose
 * parameters and terminate cause can be read, or a cause; never crashes.
 */
#include "xmpp/boshbody.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct transport_params p;
    xmpp_stanza_t *body;
    char *cause = NULL, *msg;

    if (ctx == NULL) {
        xmpp_initialize();
        ctx = xmpp_ctx_new(NULL, NULL);
    }
    body = bosh_body_parse(ctx, (const char *)data, size, &cause);
    if (body == NULL) {
        if (cause == NULL || *cause == '\0')
            abort(); /* a failure always says why */
        free(cause);
        return 0;
    }
    if (strcmp(xmpp_stanza_get_name(body), "body") != 0)
        abort();
    bosh_body_params(body, 60, &p);
    if (p.wait == 0 || p.wait > 60)
        abort();
    msg = bosh_terminate_cause(body);
    free(msg);
    xmpp_stanza_release(body);
    return 0;
}
