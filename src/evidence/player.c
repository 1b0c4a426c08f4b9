/* The replay console's speeds, schedule and times (player.h). */
#include "player.h"
#include "base/buf.h"
#include "evidence.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_MS 3600000.0
#define LAST_TIME 253402300799.0 /* 9999-12-31T23:59:59Z */

static const double presets[] = {1, 10}; /* then PLAYER_MAX */
#define NPRESETS (sizeof presets / sizeof presets[0])

double player_faster(double speed)
{
    size_t i;

    if (!(speed > 0))
        return PLAYER_MAX;
    for (i = 0; i < NPRESETS; i++)
        if (presets[i] > speed)
            return presets[i];
    return PLAYER_MAX;
}

double player_slower(double speed)
{
    size_t i;

    if (!(speed > 0))
        return presets[NPRESETS - 1];
    for (i = NPRESETS; i-- > 0;)
        if (presets[i] < speed)
            return presets[i];
    return presets[0];
}

void player_speed_name(double speed, char *out, size_t size)
{
    if (!(speed > 0))
        snprintf(out, size, "max");
    else if (speed == floor(speed) && speed < 1e6)
        snprintf(out, size, "%.0f×", speed);
    else
        snprintf(out, size, "%.3g×", speed);
}

double player_due_ms(double anchor_ms, double anchor_t, double t, double speed)
{
    double wait;

    if (!(speed > 0) || !(t > 0) || !(anchor_t > 0) || !isfinite(t))
        return anchor_ms;
    wait = (t - anchor_t) * 1000.0 / speed;
    if (!(wait > 0))
        return anchor_ms;
    return anchor_ms + (wait > HOUR_MS ? HOUR_MS : wait);
}

double player_time_at(double anchor_ms, double anchor_t, double now_ms,
                      double speed, double limit_t)
{
    double t;

    if (!(speed > 0) || !(anchor_t > 0) || now_ms <= anchor_ms)
        return anchor_t;
    t = anchor_t + (now_ms - anchor_ms) * speed / 1000.0;
    return limit_t > anchor_t && t > limit_t ? limit_t : t;
}

/* "HH:MM[:SS[.fff]]": 0 and the parts, -1 when it is not one. */
static int parse_clock(const char *s, int *h, int *m, double *sec)
{
    int v[3] = {0, 0, 0}, n = 0, digits;
    double frac = 0, scale = 0.1;

    for (;;) {
        for (digits = 0; isdigit((unsigned char)*s) && digits < 2; digits++)
            v[n] = v[n] * 10 + (*s++ - '0');
        if (digits == 0 || isdigit((unsigned char)*s))
            return -1;
        n++;
        if (*s != ':' || n == 3)
            break;
        s++;
    }
    if (n < 2)
        return -1;
    if (*s == '.' && n == 3) {
        if (!isdigit((unsigned char)*++s))
            return -1;
        for (digits = 0; isdigit((unsigned char)*s); digits++, scale /= 10)
            if (digits < 9)
                frac += (*s++ - '0') * scale;
            else
                s++;
    }
    if (*s != '\0' || v[0] > 23 || v[1] > 59 || v[2] > 59)
        return -1;
    *h = v[0];
    *m = v[1];
    *sec = v[2] + frac;
    return 0;
}

/* That clock time on the local day of day_t. */
static double on_day(double day_t, int h, int m, double sec)
{
    time_t d, at;
    struct tm tm;

    if (!(day_t > 0 && day_t <= LAST_TIME))
        return -1;
    d = (time_t)day_t;
    if (localtime_r(&d, &tm) == NULL)
        return -1;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    at = mktime(&tm);
    return at == (time_t)-1 ? -1 : (double)at + sec;
}

int player_parse_goto(const char *text, double first_t, double last_t,
                      double cur_t, double *out, char **cause)
{
    const double days[] = {cur_t, first_t, last_t};
    char s[64];
    size_t len, i;
    int h, m;
    double sec, t, best = -1;

    while (text && isspace((unsigned char)*text))
        text++;
    len = text ? strlen(text) : 0;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len >= sizeof s) {
        *cause = xstrdup("a time is HH:MM:SS[.mmm] (or an RFC 3339 time)");
        return -1;
    }
    memcpy(s, text, len);
    s[len] = '\0';
    if (strchr(s, 'T')) {
        if ((t = evidence_parse_time(s)) < 0) {
            *cause = xasprintf("'%s' is not an RFC 3339 time", s);
            return -1;
        }
        *out = t;
        return 0;
    }
    if (parse_clock(s, &h, &m, &sec) != 0) {
        *cause = xasprintf("'%s' is not a time (HH:MM:SS[.mmm])", s);
        return -1;
    }
    for (i = 0; i < sizeof days / sizeof days[0]; i++) {
        if (!(days[i] > 0) || (t = on_day(days[i], h, m, sec)) < 0)
            continue;
        if (best < 0)
            best = t;
        if (t >= first_t && t <= last_t) {
            best = t;
            break;
        }
    }
    if (best < 0) {
        *cause = xstrdup("the capture has no recorded times to go to");
        return -1;
    }
    *out = best;
    return 0;
}

void player_stamp(double t, char *out, size_t size)
{
    double whole = t > 0 && t <= LAST_TIME ? floor(t * 1000.0 + 0.5) : 0;
    time_t sec = (time_t)floor(whole / 1000.0); /* to the nearest ms */
    int ms = (int)(whole - (double)sec * 1000.0);
    struct tm tm;
    char day[32], zone[8];

    if (!(t > 0) || t > LAST_TIME || localtime_r(&sec, &tm) == NULL) {
        snprintf(out, size, "--:--:--");
        return;
    }
    strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);
    snprintf(out, size, "%s.%03d %s", day, ms < 0 || ms > 999 ? 0 : ms, zone);
}
