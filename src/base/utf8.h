/* UTF-8 decoding shared by the human event line and the console's
 * ASCII fallback. */
#ifndef PERCH_UTF8_H
#define PERCH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Code point and length of the UTF-8 sequence at s (NUL-terminated): a
 * bad or cut sequence is one byte reported as U+FFFD. */
size_t utf8_next(const char *s, uint32_t *cp);

#endif
