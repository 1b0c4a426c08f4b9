/*
 * Parses the input with libstrophe (as a reply arrives) and reads it as a
 * XEP-0202 time reply: never crashes, and a time it accepts is a finite
 * number.
 */
#include "fuzz.h"

#include "xmpp/query.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *st = fuzz_stanza(data, size);
    double ms = 0, res = 0;

    if (st == NULL)
        return 0;
    if (query_time_reply(st, &ms, &res) == 0) /* a time it accepts: numbers */
        CHECK(isfinite(ms) && res > 0 && res <= 1000);
    xmpp_stanza_release(st);
    return 0;
}
