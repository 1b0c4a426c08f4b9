/* Config file reading with inih; every error names file, line and key. */
#include "config.h"
#include "base/file.h"
#include "base/buf.h"
#include "base/ini_lines.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECTION_PREFIX "account "

struct config_reader {
    const char *path;
    const char *account;
    struct conn_opts *target;
    struct conn_opts scratch; /* other sections are checked, then dropped */
    int found, has_password;
    struct ini_lines in;
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

/* inih's handler; returning 0 makes ini_parse_stream report this line. */
static int handler(void *arg, const char *section, const char *name,
                   const char *value)
{
    struct config_reader *l = arg;
    const char *account;
    char *why = NULL;
    int rc;

    if (l->in.cause)
        return 1; /* keep only the first error */
    if (strncmp(section, SECTION_PREFIX, strlen(SECTION_PREFIX)) != 0 ||
        section[strlen(SECTION_PREFIX)] == '\0') {
        ini_lines_fail(&l->in, *section
                                   ? xasprintf("unknown section [%s] (expected "
                                               "[account NAME])",
                                               section)
                                   : xasprintf("key '%s' outside an [account "
                                               "NAME] section",
                                               name ? name : ""));
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
        ini_lines_fail(&l->in,
                       xasprintf("unknown key '%s' in [%s]", name, section));
    else if (rc != 0)
        ini_lines_fail(&l->in, xasprintf("key '%s': %s", name, why));
    free(why);
    return rc == 0;
}

int config_load(const char *path, const char *account, int required,
                struct conn_opts *o, char **cause)
{
    struct config_reader l;
    struct stat st;
    FILE *f;
    int rc;

    memset(&l, 0, sizeof l);
    l.path = path;
    l.account = account;
    l.target = o;
    conn_opts_init(&l.scratch);
    f = file_open_regular(path, cause);
    if (f == NULL) {
        if (errno == ENOENT && !required) {
            free(*cause);
            *cause = NULL;
            return 0;
        }
        return -1;
    }
    l.in.f = f;
    rc = ini_parse_stream(ini_lines_read, &l.in, handler, &l);
    fstat(fileno(f), &st);
    fclose(f);
    conn_opts_done(&l.scratch);
    if ((*cause = ini_lines_result(&l.in, path, rc)) != NULL)
        return -1;
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
