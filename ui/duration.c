/* ui_duration: seconds, minutes, hours, then days; ui_age: minutes, hours,
 * then days; and when each text changes next. */
#include "duration.h"

#include <math.h>
#include <stdio.h>

#define SECOND 1000.0
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

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

/* ms until ms reaches the next multiple of unit. */
static double to_next(double ms, double unit)
{
    return unit - fmod(ms, unit);
}

double ui_duration_next(double ms)
{
    if (ms < 0)
        return SECOND - ms;
    if (ms < HOUR)
        return to_next(ms, SECOND);
    if (ms < 100 * HOUR)
        return to_next(ms, MINUTE);
    return to_next(ms, DAY);
}

void ui_age(char *out, size_t size, double ms)
{
    long m = ms < 0 ? 0 : (long)(ms / MINUTE);

    if (m < 1)
        snprintf(out, size, "<1m");
    else if (m < 60)
        snprintf(out, size, "%ldm", m);
    else if (m < 100 * 60)
        snprintf(out, size, "%ldh", m / 60);
    else
        snprintf(out, size, "%ldd", m / (24 * 60));
}

double ui_age_next(double ms)
{
    if (ms < 0)
        return MINUTE - ms;
    if (ms < HOUR)
        return to_next(ms, MINUTE);
    if (ms < 100 * HOUR)
        return to_next(ms, HOUR);
    return to_next(ms, DAY);
}
