/* Config file reading with inih; every error names file, line and key. */
#include "config.h"
#include "buf.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECTION_PREFIX "account "

struct load {
    const char *path;
    const char *account;
    struct conn_opts *target;
    struct conn_opts scratch; /* other sections are checked, then dropped */
    int found, has_password;
    FILE *f;
    int line, cause_line; /* lines read; the line cause is about */
    char *cause;
};

char *config_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");

    if (xdg && *xdg)
        return xasprintf("%s/perch/config", xdg);
    if (home && *home)
        return xasprintf("%s/.config/perch/config", home);
    return NULL;
}

/*
 * inih's reader. inih reads a line in pieces of num - 1 bytes and takes
 * every further piece for a line of its own (a continuation when it starts
 * with a space), so a longer line is refused here. Counts lines for the
 * handler.
 */
static char *read_line(char *str, int num, void *arg)
{
    struct load *l = arg;
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
    if (l->cause == NULL) {
        l->cause = xasprintf("line is longer than %d bytes", num - 1);
        l->cause_line = l->line;
    }
    return str;
}

/* inih's handler; returning 0 makes ini_parse_stream report this line. */
static int handler(void *arg, const char *section, const char *name,
                   const char *value)
{
    struct load *l = arg;
    const char *account;
    char *why = NULL;
    int rc;

    if (l->cause)
        return 1; /* keep only the first error */
    if (strncmp(section, SECTION_PREFIX, strlen(SECTION_PREFIX)) != 0 ||
        section[strlen(SECTION_PREFIX)] == '\0') {
        l->cause = *section ? xasprintf("unknown section [%s] (expected "
                                        "[account NAME])",
                                        section)
                            : xasprintf("key '%s' outside an [account NAME] "
                                        "section",
                                        name ? name : "");
        l->cause_line = l->line;
        return 0;
    }
    if (name == NULL)
        return 1; /* a section header alone */
    account = section + strlen(SECTION_PREFIX);
    if (strcmp(name, "password") == 0)
        l->has_password = 1;
    if (l->account && strcmp(account, l->account) == 0) {
        l->found = 1;
        rc = conn_opts_set(l->target, name, value, 1, &why);
    } else {
        rc = conn_opts_set(&l->scratch, name, value, 1, &why);
    }
    if (rc == -2)
        l->cause = xasprintf("unknown key '%s' in [%s]", name, section);
    else if (rc != 0)
        l->cause = xasprintf("key '%s': %s", name, why);
    if (l->cause)
        l->cause_line = l->line;
    free(why);
    return rc == 0;
}

int config_load(const char *path, const char *account, int required,
                struct conn_opts *o, char **cause)
{
    struct load l;
    struct stat st;
    FILE *f;
    int rc;

    memset(&l, 0, sizeof l);
    l.path = path;
    l.account = account;
    l.target = o;
    conn_opts_init(&l.scratch);
    f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT && !required)
            return 0;
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    l.f = f;
    rc = ini_parse_stream(read_line, &l, handler, &l);
    fstat(fileno(f), &st);
    fclose(f);
    conn_opts_done(&l.scratch);
    if (rc != 0 || l.cause) {
        /* rc is the first line inih could not parse, or the handler's */
        if (l.cause && (rc == 0 || l.cause_line <= rc))
            *cause = xasprintf("%s:%d: %s", path, l.cause_line, l.cause);
        else
            *cause = xasprintf("%s:%d: not a 'key = value' or [section] line",
                               path, rc);
        free(l.cause);
        return -1;
    }
    if (l.has_password && (st.st_mode & 077) != 0) {
        *cause = xasprintf("%s holds a password but others may read it "
                           "(mode %03o): run chmod 600 %s",
                           path, (unsigned)(st.st_mode & 0777), path);
        return -1;
    }
    if (account && required && !l.found) {
        *cause = xasprintf("%s: no [account %s] section", path, account);
        return -1;
    }
    return 0;
}
