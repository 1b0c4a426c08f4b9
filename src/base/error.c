/* perch_error: one line on stderr. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void perch_error(const char *fmt, ...)
{
    va_list ap;

    fputs("perch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
