/* Password sources, and what holding a password asks of the process. */
#include "password.h"
#include "base/buf.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Why a first line is not taken: it would have to be cut. */
static const char too_long[] =
    "is longer than " PASSWORD_MAX_TEXT " bytes (refused, not cut)";

/* s up to its line end (LF or CR LF), as a new string; NULL when the first
 * line holds more than PASSWORD_MAX bytes. */
static char *line_of(const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && s[n] != '\n')
        n++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (n > PASSWORD_MAX)
        return NULL;
    return xstrndup(s, n);
}

/* The first line of f, or NULL: at end of file (*longer 0), or longer than
 * PASSWORD_MAX (*longer 1). */
static char *first_line(FILE *f, int *longer)
{
    char line[PASSWORD_MAX + 3]; /* the password, CR, LF, NUL */
    char *pw;

    *longer = 0;
    if (fgets(line, sizeof line, f) == NULL)
        return NULL;
    pw = line_of(line, strlen(line));
    *longer = pw == NULL;
    explicit_bzero(line, sizeof line);
    return pw;
}

static char *from_file(const char *path, char **cause)
{
    struct stat st;
    char *why = NULL, *pw;
    FILE *f = file_open_regular(path, &why);
    int longer;

    if (f == NULL) {
        *cause = xasprintf("--password-file %s", why);
        free(why);
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077) != 0) {
        *cause = xasprintf("--password-file %s may be read by others (mode "
                           "%03o): run chmod 600 %s",
                           path, (unsigned)(st.st_mode & 0777), path);
        fclose(f);
        return NULL;
    }
    pw = first_line(f, &longer);
    fclose(f);
    if (pw == NULL)
        *cause = longer ? xasprintf("--password-file %s: the password %s", path,
                                    too_long)
                        : xasprintf("--password-file %s is empty", path);
    return pw;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Runs cmd with its stdout on a pipe. The pid, or -1. */
static pid_t spawn(const char *cmd, int *out)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0)
        close(fds[0]);
    *out = fds[0];
    return pid;
}

/* Reads fd to its end or until deadline, keeping the first PASSWORD_MAX +
 * 2 bytes in keep; 1 when the deadline came first. */
static int drain(int fd, double deadline, char *keep, size_t *kept)
{
    char chunk[4096];

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        double left = deadline - now_ms();
        ssize_t k;
        int r;

        if (left <= 0)
            return 1;
        r = poll(&p, 1, (int)left + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return 1;
        k = r < 0 ? -1 : read(fd, chunk, sizeof chunk);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        if (*kept < PASSWORD_MAX + 2) {
            size_t take = PASSWORD_MAX + 2 - *kept;
            if (take > (size_t)k)
                take = (size_t)k;
            memcpy(keep + *kept, chunk, take);
            *kept += take;
        }
        explicit_bzero(chunk, sizeof chunk);
    }
}

/* Waits for pid until deadline; kills it then. Its status, or -1 when it
 * had to be killed. */
static int reap(pid_t pid, double deadline)
{
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        poll(NULL, 0, 10);
    }
    return status;
}

/* The first line the command prints, within PASSWORD_CMD_TIMEOUT_S. */
static char *from_cmd(const char *cmd, char **cause)
{
    char keep[PASSWORD_MAX + 2];
    size_t kept = 0;
    double deadline = now_ms() + PASSWORD_CMD_TIMEOUT_S * 1000.0;
    int fd, late, status;
    pid_t pid = spawn(cmd, &fd);
    char *pw = NULL;

    if (pid < 0) {
        *cause = xasprintf("--password-cmd: %s", strerror(errno));
        return NULL;
    }
    late = drain(fd, deadline, keep, &kept);
    close(fd);
    status = reap(pid, late ? 0 : deadline);
    if (status == -1) {
        *cause = xasprintf("--password-cmd '%s' did not finish within %d s "
                           "(killed)",
                           cmd, PASSWORD_CMD_TIMEOUT_S);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *cause = WIFEXITED(status)
                     ? xasprintf("--password-cmd '%s' failed (exit %d)", cmd,
                                 WEXITSTATUS(status))
                     : xasprintf("--password-cmd '%s' failed (signal %d)", cmd,
                                 WTERMSIG(status));
    } else if (kept == 0) {
        *cause = xasprintf("--password-cmd '%s' printed nothing", cmd);
    } else if ((pw = line_of(keep, kept)) == NULL) {
        *cause =
            xasprintf("--password-cmd '%s': the password %s", cmd, too_long);
    }
    explicit_bzero(keep, sizeof keep);
    return pw;
}

static char *from_tty(const char *jid, char **cause)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    FILE *f;
    char *pw;
    int longer;

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
    pw = first_line(f, &longer);
    tcsetattr(fd, TCSAFLUSH, &old);
    fputs("\n", f);
    fclose(f);
    if (pw == NULL)
        *cause = longer ? xasprintf("the password %s", too_long)
                        : xstrdup("no password entered");
    return pw;
}

void password_protect_process(void)
{
    static const struct rlimit none = {0, 0};

    /* no core file, no ptrace by other processes of the user, no
     * /proc/PID/mem: the password is in this process's memory */
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static char *source(const struct conn_opts *o, char **cause)
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

char *password_get(const struct conn_opts *o, char **cause)
{
    char *pw = source(o, cause);

    if (pw != NULL)
        password_protect_process();
    return pw;
}
