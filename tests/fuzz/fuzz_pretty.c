/*
 * Parses the input with libstrophe (as perch gets stanzas), then prints it
 * with pretty_stanza plain and coloured: both end in a newline, the plain
 * text holds no escape character, and they differ only by ANSI sequences.
 * With escaped XML shown parsed (PRETTY_EMBEDDED) the same holds.
 */
#include "fuzz.h"

#include "xmpp/pretty.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Drops every "ESC [ ... m" from s, in place. */
static void strip_ansi(char *s)
{
    char *o = s;

    while (*s) {
        if (s[0] == '\033' && s[1] == '[') {
            s += 2;
            while (*s && *s != 'm')
                s++;
            if (*s)
                s++;
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *st = fuzz_stanza(data, size);
    char *plain, *color;
    size_t n;

    if (st == NULL)
        return 0;

    plain = pretty_stanza(st, 0);
    color = pretty_stanza(st, PRETTY_COLOR);
    n = strlen(plain);
    CHECK(n > 0 && plain[n - 1] == '\n');
    /* no escape can come from the stanza: a server cannot drive the
     * terminal */
    CHECK(strchr(plain, '\033') == NULL);
    strip_ansi(color);
    CHECK(strcmp(plain, color) == 0);
    free(plain);
    free(color);

    plain = pretty_stanza(st, PRETTY_EMBEDDED);
    color = pretty_stanza(st, PRETTY_EMBEDDED | PRETTY_COLOR);
    n = strlen(plain);
    CHECK(n > 0 && plain[n - 1] == '\n');
    CHECK(strchr(plain, '\033') == NULL);
    strip_ansi(color);
    CHECK(strcmp(plain, color) == 0);
    free(plain);
    free(color);
    xmpp_stanza_release(st);
    return 0;
}
