/*
 * console_redact on any text, and on secret elements built from the input:
 * for `<auth>` + data + `</auth>` with no '<' (or NUL) in data, the output
 * is exactly `<auth>[redacted N bytes]</auth>`, so none of data remains.
 * The same for other SASL elements, prefixes and attributes.
 */
#include "fuzz.h"

#include "xmpp/console.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *cat3(const char *a, const char *b, size_t blen, const char *c)
{
    size_t la = strlen(a), lc = strlen(c);
    char *s = malloc(la + blen + lc + 1);

    memcpy(s, a, la);
    memcpy(s + la, b, blen);
    memcpy(s + la + blen, c, lc + 1);
    return s;
}

/* open + secret + close must come out as open + [redacted N bytes] + close */
static void check_redacted(const char *open, const char *secret, size_t n,
                           const char *close)
{
    char *in = cat3(open, secret, n, close), *out = console_redact(in);
    char mark[48];

    if (n == 0)
        mark[0] = '\0';
    else
        snprintf(mark, sizeof mark, "[redacted %zu bytes]", n);
    {
        char *want = cat3(open, mark, strlen(mark), close);
        if (strcmp(out, want) != 0) {
            fprintf(stderr, "in:   %s\nout:  %s\nwant: %s\n", in, out, want);
            abort();
        }
        free(want);
    }
    free(out);
    free(in);
}

static const char *const opens[][2] = {
    {"<auth>", "</auth>"},
    {"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>",
     "</auth>"},
    {"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>", "</response>"},
    {"<sasl:challenge xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl'>",
     "</sasl:challenge>"},
    {"<success>", "</success>"},
    {"<password>", "</password>"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), *out, *secret;
    size_t i, n = 0;

    /* 1. any text: no crash, and a plain structured input is redacted */
    out = console_redact(text);
    CHECK(out != NULL);
    if (size >= 13 && strlen(text) == size && strncmp(text, "<auth>", 6) == 0 &&
        strcmp(text + size - 7, "</auth>") == 0 &&
        memchr(text + 6, '<', size - 13) == NULL && size > 13) {
        char mark[48];
        snprintf(mark, sizeof mark, "<auth>[redacted %zu bytes]</auth>",
                 size - 13);
        CHECK(strcmp(out, mark) == 0);
    }
    free(out);

    /* 2. the input as the secret of each element (without '<' and NUL) */
    secret = malloc(size + 1);
    for (i = 0; i < size; i++)
        if (data[i] != '<' && data[i] != '\0')
            secret[n++] = (char)data[i];
    for (i = 0; i < sizeof opens / sizeof *opens; i++)
        check_redacted(opens[i][0], secret, n, opens[i][1]);
    free(secret);
    free(text);
    return 0;
}
