/* UTF-8 decoding: the one decoder the sanitiser, the event line and the
 * console's ASCII fallback use. Strict (RFC 3629): no overlong forms, no
 * surrogates, nothing above U+10FFFF. */
#ifndef PERCH_UTF8_H
#define PERCH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Code point and length (1 to 4) of the UTF-8 sequence at s, reading at
 * most len bytes; 0 when the bytes there are not UTF-8 (len 0 too). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Code point and length of the UTF-8 sequence at s (NUL-terminated): a
 * bad or cut sequence is one byte reported as U+FFFD. */
size_t utf8_next(const char *s, uint32_t *cp);

/* 1 when s (NUL-terminated) is UTF-8 throughout (what jansson takes). */
int utf8_valid(const char *s);

#endif
