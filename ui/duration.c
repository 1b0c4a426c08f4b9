/* ui_duration: seconds, minutes, hours, then days. */
#include "duration.h"

#include <stdio.h>

void ui_duration(char *out, size_t size, double ms)
{
    long s = ms < 0 ? 0 : (long)(ms / 1000);

    if (s < 60)
        snprintf(out, size, "%lds", s);
    else if (s < 3600)
        snprintf(out, size, "%ldm%02lds", s / 60, s % 60);
    else if (s < 100 * 3600)
        snprintf(out, size, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else
        snprintf(out, size, "%ldd", s / 86400);
}
