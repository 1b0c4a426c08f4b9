/* UTF-8 decoding. */
#include "utf8.h"

#include <string.h>

/* The range the second byte must be in after lead byte u (RFC 3629's
 * table): this is what refuses overlong forms, surrogates and code points
 * above U+10FFFF. */
static void second_range(unsigned char u, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xbf;
    if (u == 0xe0)
        *lo = 0xa0;
    else if (u == 0xed)
        *hi = 0x9f;
    else if (u == 0xf0)
        *lo = 0x90;
    else if (u == 0xf4)
        *hi = 0x8f;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char lo, hi;
    size_t n, i;

    if (len == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xc2 && u[0] <= 0xdf)
        n = 2;
    else if (u[0] >= 0xe0 && u[0] <= 0xef)
        n = 3;
    else if (u[0] >= 0xf0 && u[0] <= 0xf4)
        n = 4;
    else
        return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
    if (len < n)
        return 0;
    second_range(u[0], &lo, &hi);
    if (u[1] < lo || u[1] > hi)
        return 0;
    *cp = u[0] & (0x7f >> n);
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (u[i] & 0x3f);
    }
    return n;
}

size_t utf8_next(const char *s, uint32_t *cp)
{
    /* a NUL is never a continuation byte: 4 is safe to ask for when the
     * string is shorter, decoding stops at the NUL */
    size_t n = utf8_decode(s, s[0] ? strnlen(s, 4) : 1, cp);

    if (n == 0) {
        *cp = 0xfffd;
        return 1;
    }
    return n;
}

int utf8_valid(const char *s)
{
    size_t len = strlen(s), n;
    uint32_t cp;

    while (len > 0) {
        if ((unsigned char)*s < 0x80) {
            s++;
            len--;
            continue;
        }
        if ((n = utf8_decode(s, len, &cp)) == 0)
            return 0;
        s += n;
        len -= n;
    }
    return 1;
}
