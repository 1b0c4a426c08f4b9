/*
 * evidence/player.c's /goto parser on whatever is typed: never crashes,
 * refuses with a cause or gives a finite time; the bar's stamp of it is
 * always terminated within its buffer.
 */
#include "fuzz.h"

#include "evidence/player.h"

#include <math.h>

#define T0 1796119200.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size), *cause = NULL, stamp[40];
    double t = -1;

    if (player_parse_goto(s, T0, T0 + 3600, T0 + 60, &t, &cause) == 0) {
        CHECK(cause == NULL && isfinite(t));
        player_stamp(t, stamp, sizeof stamp);
        CHECK(strlen(stamp) < sizeof stamp);
    } else {
        CHECK(cause != NULL && *cause);
        free(cause);
    }
    free(s);
    return 0;
}
