#define _XOPEN_SOURCE 700 /* strptime */
/* Clock drift as an interval; the time formats servers send. */
#include "clock.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <time.h>

void clock_drift_init(struct clock_drift *d)
{
    memset(d, 0, sizeof *d);
}

int clock_drift_sample(struct clock_drift *d, double server_ms, double res_ms,
                       double sent_ms, double recv_ms, const char *source)
{
    double lo, hi;

    if (!isfinite(server_ms) || !isfinite(sent_ms) || !isfinite(recv_ms) ||
        !isfinite(res_ms) || res_ms <= 0 || res_ms > 1000 ||
        recv_ms < sent_ms || recv_ms - sent_ms > CLOCK_MAX_WINDOW_MS)
        return -1;
    lo = server_ms - recv_ms;
    hi = server_ms + res_ms + CLOCK_SERVER_LAG_MS - sent_ms;
    d->samples++;
    if (!d->known || lo > d->hi_ms || hi < d->lo_ms) {
        /* the first, or one the interval cannot hold: the clock moved */
        d->known = 1;
        d->lo_ms = lo;
        d->hi_ms = hi;
        d->source = source;
        return 1;
    }
    if (lo <= d->lo_ms && hi >= d->hi_ms)
        return 0;
    if (lo > d->lo_ms)
        d->lo_ms = lo;
    if (hi < d->hi_ms)
        d->hi_ms = hi;
    d->source = source;
    return 1;
}

double clock_drift_ms(const struct clock_drift *d)
{
    return d->known ? (d->lo_ms + d->hi_ms) / 2 : 0;
}

double clock_drift_error_ms(const struct clock_drift *d)
{
    return d->known ? (d->hi_ms - d->lo_ms) / 2 : 0;
}

double clock_drift_next_ms(const struct clock_drift *d, double now_ms,
                           double rtt_ms, double res_ms, double want_ms)
{
    double mid, x, tick, delay;

    if (!d->known || clock_drift_error_ms(d) <= want_ms || res_ms <= 0 ||
        !isfinite(now_ms) || !isfinite(rtt_ms) || rtt_ms < 0)
        return -1;
    mid = clock_drift_ms(d);
    /* the server's clock when a request sent now is read, predicted */
    x = now_ms + rtt_ms / 2 + mid;
    tick = ceil(x / res_ms) * res_ms;
    delay = tick - x;
    return delay < 0 ? 0 : delay;
}

/* +hh:mm, +hhmm, -hh:mm or Z -> seconds east of UTC; NULL when not. */
static const char *parse_zone(const char *s, long *east)
{
    int sign, h, m;

    *east = 0;
    if (*s == '\0')
        return s; /* none: UTC */
    if (*s == 'Z')
        return s + 1;
    if (*s != '+' && *s != '-')
        return NULL;
    sign = *s == '-' ? -1 : 1;
    s++;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return NULL;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    if (*s == ':')
        s++;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return NULL;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    if (h > 23 || m > 59)
        return NULL;
    *east = sign * (h * 3600L + m * 60L);
    return s + 2;
}

/* The n digits at s as a number; -1 when any is not a digit. */
static int number(const char *s, int n)
{
    int v = 0;

    while (n-- > 0) {
        if (!isdigit((unsigned char)*s))
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    return v;
}

/* Days from 1970-01-01 to year y, month m (1-12), day d of the proleptic
 * Gregorian calendar (a day past the month's end counts on, as timegm
 * does): Howard Hinnant's days_from_civil. */
static long days_from_civil(long y, int m, int d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS" at s, each field its digits exactly: seconds since
 * the epoch, UTC, into *secs; the rest after it in *rest. 0, or -1. (Not
 * strptime and timegm: those were 1 % of a console's CPU per event.) */
static int parse_datetime(const char *s, double *secs, const char **rest)
{
    int y, mo, d, h, mi, sec;

    if (strnlen(s, 19) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':')
        return -1;
    y = number(s, 4);
    mo = number(s + 5, 2);
    d = number(s + 8, 2);
    h = number(s + 11, 2);
    mi = number(s + 14, 2);
    sec = number(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return -1;
    *secs =
        (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600 + mi * 60 + sec;
    *rest = s + 19;
    return 0;
}

int clock_parse_iso(const char *s, double *ms, double *res_ms)
{
    const char *rest;
    double secs, frac = 0, res = 1000;
    long east;
    int digits = 0;

    if (s == NULL || parse_datetime(s, &secs, &rest) != 0)
        return -1;
    if (*rest == '.') {
        double scale = 0.1;
        for (rest++; isdigit((unsigned char)*rest); rest++, digits++) {
            if (digits < 9) {
                frac += (*rest - '0') * scale;
                scale /= 10;
            }
        }
        if (digits == 0)
            return -1;
        res = digits >= 3 ? 1 : pow(10, 3 - digits);
    }
    rest = parse_zone(rest, &east);
    if (rest == NULL || *rest != '\0')
        return -1;
    *ms = (secs - (double)east + frac) * 1000.0;
    *res_ms = res;
    return isfinite(*ms) ? 0 : -1;
}

int clock_parse_http_date(const char *s, double *ms)
{
    struct tm tm;
    const char *rest;

    if (s == NULL)
        return -1;
    memset(&tm, 0, sizeof tm);
    rest = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (rest == NULL || *rest != '\0')
        return -1;
    *ms = (double)timegm(&tm) * 1000.0;
    return 0;
}
