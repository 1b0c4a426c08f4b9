/*
 * A stanza as perch gets it (libstrophe's parse of the input), read by the
 * Console's gist: one line (no newline, no escape), and every fit of it
 * and cut of it within its width in characters.
 */
#include "fuzz.h"

#include "base/utf8.h"
#include "ui/console_gist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t chars(const char *s)
{
    size_t n = 0;
    uint32_t cp;

    while (*s) {
        s += utf8_next(s, &cp);
        n++;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *st = fuzz_stanza(data, size);
    char *gist, *fit;
    int w;

    if (st == NULL)
        return 0;
    gist = console_gist(st);
    if (gist) {
        CHECK(*gist != '\0');
        for (w = 0; w <= 90; w += 3) {
            fit = console_gist_fit(gist, w, w % 2);
            CHECK(chars(fit) <= (size_t)w || chars(fit) == chars(gist));
            CHECK(chars(gist) > (size_t)w || strcmp(fit, gist) == 0);
            free(fit);
            fit = console_cut_left(gist, w, w % 2);
            CHECK(chars(fit) <= (size_t)w || chars(fit) == chars(gist));
            free(fit);
        }
        free(gist);
    }
    xmpp_stanza_release(st);
    return 0;
}
