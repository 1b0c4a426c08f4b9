/* A growable byte string, always NUL-terminated. Embedded: buf_init/done. */
#ifndef PERCH_BUF_H
#define PERCH_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
    char *data; /* owned; NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_done(struct buf *b);
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the string to the caller (caller frees) and empties b. */
char *buf_steal(struct buf *b);
/* What f holds, read until its end or until more than max bytes came:
 * a new NUL-terminated string (caller frees), *len its length (over max:
 * the input was cut). */
char *buf_read_stream(FILE *f, size_t max, size_t *len);

/* Allocation helpers that abort on out of memory (the only abort). */
/* Says "perch: out of memory" and aborts: what they do when malloc fails
 * (and the console ring's arena when mmap does). */
void xoom(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
