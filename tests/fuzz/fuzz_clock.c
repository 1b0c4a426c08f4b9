/*
 * base/clock.c's parsers on what servers send (XEP-0202 and Finesse
 * timestamps, HTTP Date): never crash; what they accept is a finite time
 * with a resolution in (0, 1000]; a drift interval fed the result stays
 * ordered.
 */
#include "fuzz.h"

#include "base/clock.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct clock_drift d;
    double ms, res;

    clock_drift_init(&d);
    if (clock_parse_iso(s, &ms, &res) == 0) {
        CHECK(isfinite(ms) && res > 0 && res <= 1000);
        clock_drift_sample(&d, ms, res, ms - 5, ms + 5, "iso");
        CHECK(d.known && d.lo_ms <= d.hi_ms);
    }
    if (clock_parse_http_date(s, &ms) == 0) {
        CHECK(isfinite(ms));
        clock_drift_sample(&d, ms, 1000, ms, ms + 1, "date");
        CHECK(d.lo_ms <= d.hi_ms);
    }
    free(s);
    return 0;
}
