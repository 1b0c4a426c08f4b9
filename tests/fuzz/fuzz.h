/*
 * What the libFuzzer targets share: the entry points, CHECK (a failed
 * property aborts, so libFuzzer keeps the input), the input as a C string
 * or as a stanza parsed the way perch gets them, and a temporary file for
 * parsers that read files.
 */
#ifndef PERCH_FUZZ_H
#define PERCH_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* The input as a new NUL-terminated string (it may hold NULs before the
 * end); caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* One libstrophe context for the whole run. */
static inline xmpp_ctx_t *fuzz_ctx(void)
{
    static xmpp_ctx_t *ctx;

    if (ctx == NULL) {
        xmpp_initialize();
        ctx = xmpp_ctx_new(NULL, NULL);
        CHECK(ctx != NULL);
    }
    return ctx;
}

/* The input parsed by libstrophe, as perch gets stanzas; NULL when it is
 * not one element. Caller releases. */
static inline xmpp_stanza_t *fuzz_stanza(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(fuzz_ctx(), text);

    free(text);
    return st;
}

/* A file for parsers that read files: $TMPDIR/perch-fuzz-NAME.XXXXXX with
 * suffix (may be ""), made at the first call and removed at exit. */
struct fuzz_file {
    char path[4096];
    int fd;
};

static inline struct fuzz_file *fuzz_file_state(void)
{
    static struct fuzz_file f = {"", -1};
    return &f;
}

static inline void fuzz_file_remove(void)
{
    struct fuzz_file *f = fuzz_file_state();

    if (f->fd >= 0) {
        close(f->fd);
        unlink(f->path);
    }
}

/* Writes the input as the whole file (mode 0600); returns its path. */
static inline const char *fuzz_file(const char *name, const char *suffix,
                                    const uint8_t *data, size_t size)
{
    struct fuzz_file *f = fuzz_file_state();

    if (f->fd < 0) {
        const char *base = getenv("TMPDIR");
        snprintf(f->path, sizeof f->path, "%s/perch-fuzz-%s.XXXXXX%s",
                 base && *base ? base : "/tmp", name, suffix);
        f->fd = mkstemps(f->path, (int)strlen(suffix));
        if (f->fd < 0) {
            perror("mkstemps");
            abort();
        }
        atexit(fuzz_file_remove);
    }
    CHECK(ftruncate(f->fd, 0) == 0);
    CHECK(pwrite(f->fd, data, size, 0) == (ssize_t)size);
    return f->path;
}

#endif
