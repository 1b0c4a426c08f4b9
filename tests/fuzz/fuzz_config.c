/*
 * config_load on any file content. The bytes go to one temporary file,
 * made once per run (mode 0600, so a password is allowed) and removed at
 * exit. Loads it without an account, for "default" when optional and for
 * "a" when required. An error names the file; a success sets no cause.
 */
#include "base/buf.h"
#include "conf/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *path;
static int fd = -1;

static void remove_file(void)
{
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = getenv("TMPDIR");
    (void)argc;
    (void)argv;

    path =
        xasprintf("%s/perch-fuzz-config.XXXXXX", base && *base ? base : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        abort();
    }
    atexit(remove_file);
    return 0;
}

static void load(const char *account, int required)
{
    struct conn_opts o;
    char *cause = NULL;

    conn_opts_init(&o);
    if (config_load(path, account, required, &o, &cause) == 0) {
        CHECK(cause == NULL);
    } else {
        CHECK(cause != NULL);
        CHECK(strncmp(cause, path, strlen(path)) == 0);
        free(cause);
    }
    conn_opts_done(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
    load(NULL, 0);
    load("default", 0);
    load("a", 1);
    return 0;
}
