/*
 * xmlcheck_stanzas on any bytes. Besides the sanitizers, checks what
 * callers rely on: a failure says "line L, column C: ..." and hands out
 * nothing; a success hands out ordered, disjoint spans that each start
 * with '<', end with '>', name a stanza, and pass the check on their own.
 */
#include "fuzz.h"

#include "xmpp/xmlcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_stanza(const char *name)
{
    return strcmp(name, "iq") == 0 || strcmp(name, "message") == 0 ||
           strcmp(name, "presence") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct xml_spans s;
    char *cause = NULL;
    size_t i, end = 0;

    if (xmlcheck_stanzas(in, size, &s, &cause) != 0) {
        unsigned long line, col;
        CHECK(cause != NULL);
        CHECK(sscanf(cause, "line %lu, column %lu: ", &line, &col) == 2);
        CHECK(line >= 1 && col >= 1);
        CHECK(s.v == NULL && s.n == 0);
        free(cause);
        return 0;
    }
    CHECK(cause == NULL);
    CHECK(s.n > 0);
    for (i = 0; i < s.n; i++) {
        const struct xml_span *sp = &s.v[i];
        struct xml_spans one;
        char *why = NULL;

        CHECK(sp->offset >= end);
        CHECK(sp->len >= 4 && sp->offset + sp->len <= size);
        CHECK(in[sp->offset] == '<' && in[sp->offset + sp->len - 1] == '>');
        CHECK(is_stanza(sp->name));
        end = sp->offset + sp->len;

        CHECK(xmlcheck_stanzas(in + sp->offset, sp->len, &one, &why) == 0);
        CHECK(one.n == 1 && one.v[0].offset == 0 && one.v[0].len == sp->len);
        CHECK(strcmp(one.v[0].name, sp->name) == 0);
        xmlcheck_spans_done(&one);
    }
    xmlcheck_spans_done(&s);
    return 0;
}
