/*
 * The BOSH response parser on any bytes: it either returns a <body/> whose
 * parameters and terminate cause can be read, or a cause; never crashes.
 */
#include "fuzz.h"

#include "xmpp/boshbody.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct transport_params p;
    xmpp_stanza_t *body;
    char *cause = NULL, *msg;

    body = bosh_body_parse(fuzz_ctx(), (const char *)data, size, &cause);
    if (body == NULL) {
        CHECK(cause != NULL && *cause != '\0'); /* a failure says why */
        free(cause);
        return 0;
    }
    CHECK(strcmp(xmpp_stanza_get_name(body), "body") == 0);
    bosh_body_params(body, 60, &p);
    CHECK(p.wait > 0 && p.wait <= 60);
    msg = bosh_terminate_cause(body);
    free(msg);
    xmpp_stanza_release(body);
    return 0;
}
