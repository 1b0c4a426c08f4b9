/*
 * Walks the input with utf8_next as the event line and the console do:
 * every step moves 1 to 4 bytes, never past the end, and gives a code
 * point that fits 21 bits (U+FFFD for a bad byte).
 */
#include "fuzz.h"

#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    size_t at = 0, n, len = strlen(s);
    uint32_t cp;

    while (at < len) {
        n = utf8_next(s + at, &cp);
        if (n < 1 || n > 4 || at + n > len || cp > 0x1fffff) {
            fprintf(stderr, "utf8_next: %zu bytes, U+%X at %zu\n", n,
                    (unsigned)cp, at);
            abort();
        }
        at += n;
    }
    free(s);
    return 0;
}
