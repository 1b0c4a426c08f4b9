/*
 * theme_load on any file content. The bytes go to one temporary file, made
 * once per run and removed at exit. An error names the file and leaves the
 * theme untouched; a success sets no cause and yields styles in range that
 * theme_resolve keeps in range for every terminal.
 */
#include "fuzz.h"

#include "ui/theme.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every style of t, as drawn on terminals of 0, 8, 16 and 256 colours. */
static void check_resolved(const struct theme *t)
{
    static const int colors[] = {0, 8, 16, 88, 256};
    struct theme_style s;
    size_t c, e;
    int max;

    for (c = 0; c < sizeof colors / sizeof colors[0]; c++) {
        max = colors[c] >= 256 ? 255 : colors[c] >= 16 ? 15 : 7;
        for (e = 0; e < THEME_N; e++) {
            theme_resolve(t, colors[c], 0, &s, e);
            CHECK(s.fg >= THEME_DEFAULT && s.fg <= max);
            CHECK(s.bg >= THEME_DEFAULT && s.bg <= max);
            CHECK((s.attrs & ~THEME_ATTRS) == 0);
            if (colors[c] < 8)
                CHECK(s.fg == THEME_DEFAULT && s.bg == THEME_DEFAULT);
            theme_resolve(t, colors[c], 1, &s, e);
            CHECK(s.fg == THEME_DEFAULT && s.bg == THEME_DEFAULT);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme t, before;
    char *cause = NULL;

    const char *path = fuzz_file("theme", ".theme", data, size);

    memset(&t, 0x5a, sizeof t);
    before = t;
    if (theme_load(path, &t, &cause) == 0) {
        CHECK(cause == NULL);
        CHECK(memchr(t.name, '\0', sizeof t.name) != NULL);
        check_resolved(&t);
    } else {
        CHECK(cause != NULL);
        CHECK(strncmp(cause, path, strlen(path)) == 0);
        CHECK(memcmp(&t, &before, sizeof t) == 0);
        free(cause);
    }
    return 0;
}
