/* Which reader a file needs, and what the readers share. */
#define _GNU_SOURCE /* memmem, timegm */
#include "evidence.h"
#include "base/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const format_names[] = {
    [EVIDENCE_TEXT] = "text",
    [EVIDENCE_RECORDING] = "perch recording",
    [EVIDENCE_HAR] = "HAR",
    [EVIDENCE_SAZ] = "SAZ",
};

const char *evidence_format_name(enum evidence_format f)
{
    return format_names[f];
}

enum evidence_format evidence_sniff(const char *data, size_t len)
{
    size_t i = 0, head;

    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return EVIDENCE_SAZ;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a byte order mark, as some tools write */
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (i >= len || data[i] != '{')
        return EVIDENCE_TEXT;
    head = len - i < 4096 ? len - i : 4096;
    {
        const char *nl = memchr(data + i, '\n', head);
        size_t first = nl ? (size_t)(nl - (data + i)) : head;
        if (memmem(data + i, first, "\"perch-recording\"", 17))
            return EVIDENCE_RECORDING;
    }
    if (memmem(data + i, head, "\"log\"", 5))
        return EVIDENCE_HAR;
    return EVIDENCE_TEXT;
}

int evidence_read(enum evidence_format f, const char *data, size_t len,
                  const struct evidence_events *ev, void *arg, char **cause)
{
    if (len > EVIDENCE_MAX_INPUT) {
        *cause = xasprintf("larger than %u MiB", EVIDENCE_MAX_INPUT >> 20);
        return -1;
    }
    switch (f) {
    case EVIDENCE_RECORDING:
        return evidence_read_recording(data, len, ev, arg, cause);
    case EVIDENCE_HAR:
        return evidence_read_har(data, len, ev, arg, cause);
    case EVIDENCE_SAZ:
        return evidence_read_saz(data, len, ev, arg, cause);
    case EVIDENCE_TEXT:
        break;
    }
    *cause = xstrdup("not a perch recording, HAR or SAZ");
    return -1;
}

/* n digits at s as a number; -1 when they are not all digits. */
static int digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

double evidence_parse_time(const char *s)
{
    struct tm tm;
    double frac = 0, scale = 0.1;
    int off = 0, sign, hh, mm;
    time_t t;

    if (s == NULL || strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
        s[16] != ':')
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = digits(s, 4) - 1900;
    tm.tm_mon = digits(s + 5, 2) - 1;
    tm.tm_mday = digits(s + 8, 2);
    tm.tm_hour = digits(s + 11, 2);
    tm.tm_min = digits(s + 14, 2);
    tm.tm_sec = digits(s + 17, 2);
    if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
        tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
        tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
        return -1;
    s += 19;
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
            frac += (*s - '0') * scale;
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s == '-' ? -1 : 1;
        hh = digits(s + 1, 2);
        if (hh < 0 || hh > 23) /* s[3] exists only after two digits */
            return -1;
        mm = s[3] == ':' ? digits(s + 4, 2) : digits(s + 3, 2);
        if (mm < 0 || mm > 59)
            return -1;
        off = sign * (hh * 3600 + mm * 60);
        s += s[3] == ':' ? 6 : 5;
    } else {
        return -1;
    }
    if (*s != '\0')
        return -1;
    t = timegm(&tm);
    return (double)t - off + frac;
}
