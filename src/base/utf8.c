/* UTF-8 decoding. */
#include "utf8.h"

size_t utf8_next(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len, i;

    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    *cp = u[0] & (0x3f >> (len > 0 ? len - 1 : 0));
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            break;
        *cp = (*cp << 6) | (u[i] & 0x3f);
    }
    if (len == 0 || i < len) {
        *cp = 0xfffd;
        return 1;
    }
    return len;
}
