/* Password sources. */
#include "password.h"
#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MAX 1024

/* Reads the first line of f, without its newline. */
static char *first_line(FILE *f)
{
    char line[PASSWORD_MAX + 2];
    size_t n;

    if (fgets(line, sizeof line, f) == NULL)
        return NULL;
    n = strcspn(line, "\r\n");
    line[n] = '\0';
    {
        char *p = xstrdup(line);
        explicit_bzero(line, sizeof line);
        return p;
    }
}

static char *from_file(const char *path, char **cause)
{
    struct stat st;
    FILE *f = fopen(path, "r");
    char *pw;

    if (f == NULL) {
        *cause = xasprintf("--password-file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077) != 0) {
        *cause = xasprintf("--password-file %s may be read by others (mode "
                           "%03o): run chmod 600 %s",
                           path, (unsigned)(st.st_mode & 0777), path);
        fclose(f);
        return NULL;
    }
    pw = first_line(f);
    fclose(f);
    if (pw == NULL)
        *cause = xasprintf("--password-file %s is empty", path);
    return pw;
}

static char *from_cmd(const char *cmd, char **cause)
{
    FILE *p = popen(cmd, "r");
    char *pw;
    int status;

    if (p == NULL) {
        *cause = xasprintf("--password-cmd: %s", strerror(errno));
        return NULL;
    }
    pw = first_line(p);
    while (fgetc(p) != EOF) /* let the command finish writing */
        ;
    status = pclose(p);
    if (status != 0 || pw == NULL) {
        *cause = xasprintf("--password-cmd '%s' %s", cmd,
                           status != 0 ? "failed" : "printed nothing");
        if (pw) {
            explicit_bzero(pw, strlen(pw));
            free(pw);
        }
        return NULL;
    }
    return pw;
}

static char *from_tty(const char *jid, char **cause)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
    FILE *f;
    char *pw;

    if (fd < 0) {
        *cause = xstrdup("no password: use --password-env VAR, "
                         "--password-file FILE, --password-cmd CMD or a "
                         "config file, or run perch on a terminal");
        return NULL;
    }
    f = fdopen(fd, "r+");
    fprintf(f, "Password for %s: ", jid);
    fflush(f);
    tcgetattr(fd, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fd, TCSAFLUSH, &quiet);
    pw = first_line(f);
    tcsetattr(fd, TCSAFLUSH, &old);
    fputs("\n", f);
    fclose(f);
    if (pw == NULL)
        *cause = xstrdup("no password entered");
    return pw;
}

char *password_get(const struct conn_opts *o, char **cause)
{
    if (o->password_env) {
        const char *v = getenv(o->password_env);
        if (v == NULL) {
            *cause =
                xasprintf("--password-env: %s is not set", o->password_env);
            return NULL;
        }
        return xstrdup(v);
    }
    if (o->password_file)
        return from_file(o->password_file, cause);
    if (o->password_cmd)
        return from_cmd(o->password_cmd, cause);
    if (o->password)
        return xstrdup(o->password);
    return from_tty(o->jid, cause);
}
