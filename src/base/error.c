/* perch_error: one line on stderr. */
#include "error.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>

void perch_error(const char *fmt, ...)
{
    va_list ap;

    fputs("perch: ", stderr);
    va_start(ap, fmt);
    /* causes quote servers: nothing of theirs reaches the terminal raw
     * (a cause of several lines, a certificate's, keeps its lines) */
    sanitize_vfprintf(stderr, SANITIZE_LINES, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
