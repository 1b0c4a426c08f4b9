/* Reading settings and secrets, writing what holds stanzas. */
#include "file.h"
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file that is not regular is, for the message. */
static const char *kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a plain file";
}

FILE *file_open_regular(const char *path, char **cause)
{
    struct stat st;
    FILE *f;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    int err;

    if (fd < 0) {
        err = errno;
        *cause = xasprintf("%s: %s", path, strerror(err));
        errno = err;
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
        *cause = xasprintf("%s: %s", path, strerror(err));
        close(fd);
        errno = err;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *cause = S_ISDIR(st.st_mode)
                     ? xasprintf("%s: is a directory", path)
                     : xasprintf("%s: is not a regular file (%s)", path,
                                 kind(st.st_mode));
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return NULL;
    }
    /* blocking again: a regular file never blocks anyway */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    f = fdopen(fd, "r");
    if (f == NULL) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

FILE *file_create_private(const char *path, char **cause)
{
    struct stat st;
    FILE *f;
    int fd =
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd < 0) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    /* only a regular file is made private: /dev/null stays as it is */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (st.st_mode & 0777) != 0600 && fchmod(fd, 0600) != 0) {
        *cause = xasprintf("%s: cannot make it private (mode 0600): %s", path,
                           strerror(errno));
        close(fd);
        return NULL;
    }
    f = fdopen(fd, "w");
    if (f == NULL) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

char *file_read_all(FILE *f, size_t max, size_t *len)
{
    struct buf b;
    char chunk[65536];
    size_t n;

    buf_init(&b);
    buf_append(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&b, chunk, n);
        if (b.len > max) {
            buf_done(&b);
            errno = EFBIG;
            return NULL;
        }
    }
    if (ferror(f)) {
        buf_done(&b);
        errno = errno ? errno : EIO;
        return NULL;
    }
    *len = b.len;
    return buf_steal(&b);
}

char *file_expand_home(const char *path)
{
    const char *home = getenv("HOME");

    if (home && *home && path[0] == '~' && (path[1] == '/' || !path[1]))
        return xasprintf("%s%s", home, path + 1);
    return xstrdup(path);
}
