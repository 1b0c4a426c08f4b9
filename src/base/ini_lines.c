/* Line-exact errors for files read with inih. */
#include "ini_lines.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

char *ini_lines_read(char *str, int num, void *stream)
{
    struct ini_lines *l = stream;
    size_t n;
    int ch;

    if (fgets(str, num, l->f) == NULL)
        return NULL;
    l->line++;
    n = strlen(str);
    if (n + 1 < (size_t)num || str[n - 1] == '\n')
        return str;
    ch = getc(l->f);
    if (ch == '\n' || ch == EOF)
        return str; /* exactly num - 1 bytes */
    while (ch != '\n' && ch != EOF)
        ch = getc(l->f);
    ini_lines_fail(l, xasprintf("line is longer than %d bytes", num - 1));
    return str;
}

void ini_lines_fail(struct ini_lines *l, char *why)
{
    if (l->cause != NULL) {
        free(why);
        return;
    }
    l->cause = why;
    l->cause_line = l->line;
}

char *ini_lines_result(struct ini_lines *l, const char *path, int rc)
{
    char *msg = NULL;

    /* rc is the first line inih could not parse, or the handler refused */
    if (l->cause && (rc == 0 || l->cause_line <= rc))
        msg = xasprintf("%s:%d: %s", path, l->cause_line, l->cause);
    else if (rc != 0)
        msg =
            xasprintf("%s:%d: not a 'key = value' or [section] line", path, rc);
    free(l->cause);
    l->cause = NULL;
    return msg;
}
