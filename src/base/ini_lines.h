/*
 * What config.c and theme.c share around inih: a reader that counts lines
 * and refuses a line longer than inih's buffer (inih would split it and
 * take the rest for a line of its own), the first error with its line, and
 * the final "FILE:LINE: why" message.
 */
#ifndef PERCH_INI_LINES_H
#define PERCH_INI_LINES_H

#include <stdio.h>

struct ini_lines {
    FILE *f;        /* borrowed */
    int line;       /* lines read so far */
    int cause_line; /* the line cause is about */
    char *cause;    /* the first error, owned; NULL when none */
};

/* inih's ini_reader; stream is a struct ini_lines. */
char *ini_lines_read(char *str, int num, void *stream);

/* Notes why (taking it) as the error of the current line, unless an
 * earlier error is noted already. */
void ini_lines_fail(struct ini_lines *l, char *why);

/*
 * After ini_parse_stream returned rc: NULL when all went well, else a new
 * string "PATH:LINE: why" for the first error, whether inih or the handler
 * found it (caller frees). Frees l->cause.
 */
char *ini_lines_result(struct ini_lines *l, const char *path, int rc);

#endif
