/* The one way perch says what went wrong on stderr. */
#ifndef PERCH_ERROR_H
#define PERCH_ERROR_H

/* "perch: " + message + a newline on stderr; the message is sanitised
 * (base/sanitize.h: lines kept, anything else unsafe shown). */
void perch_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
