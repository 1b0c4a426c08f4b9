/*
 * Shared helpers of the unit tests (cmocka). Table rows become tests of
 * their own, so a failing row is reported by its name.
 */
#ifndef PERCH_UNIT_H
#define PERCH_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_list {
    struct CMUnitTest *v;
    size_t n, cap;
};

/* Adds a test; state is handed to f as *state (may be NULL). */
static inline void tl_add(struct test_list *l, const char *name,
                          CMUnitTestFunction f, void *state)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (l->v == NULL)
            abort();
    }
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    l->v[l->n].name = name;
    l->v[l->n].test_func = f;
    l->v[l->n].initial_state = state;
    l->n++;
}

/* Adds one test per row of a table; every row starts with its name. */
#define TL_ROWS(l, table, f)                                                   \
    do {                                                                       \
        size_t tl_i_;                                                          \
        for (tl_i_ = 0; tl_i_ < sizeof(table) / sizeof((table)[0]); tl_i_++)   \
            tl_add((l), (table)[tl_i_].name, (f), (void *)&(table)[tl_i_]);    \
    } while (0)

/* Runs every test, frees the list; the exit status of the binary. */
static inline int tl_run(struct test_list *l, const char *group,
                         CMFixtureFunction setup, CMFixtureFunction teardown)
{
    int failed = _cmocka_run_group_tests(group, l->v, l->n, setup, teardown);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
    return failed == 0 ? 0 : 1;
}

#define assert_contains(haystack, needle)                                      \
    do {                                                                       \
        const char *h_ = (haystack), *n_ = (needle);                           \
        if (h_ == NULL || strstr(h_, n_) == NULL)                              \
            fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);    \
    } while (0)

#define assert_not_contains(haystack, needle)                                  \
    do {                                                                       \
        const char *h_ = (haystack), *n_ = (needle);                           \
        if (h_ != NULL && strstr(h_, n_) != NULL)                              \
            fail_msg("'%s' contains '%s'", h_, n_);                            \
    } while (0)

/* A new string of n copies of c (caller frees). */
static inline char *str_repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A new string: a + b + c (any may be NULL). */
static inline char *str_cat3(const char *a, const char *b, const char *c)
{
    size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0,
           lc = c ? strlen(c) : 0;
    char *s = malloc(la + lb + lc + 1);
    if (s == NULL)
        abort();
    memcpy(s, a ? a : "", la);
    memcpy(s + la, b ? b : "", lb);
    memcpy(s + la + lb, c ? c : "", lc);
    s[la + lb + lc] = '\0';
    return s;
}

/* A new directory $TMPDIR/perch-test-NAME.XXXXXX (or under /tmp) for the
 * files a test group writes; NULL when it cannot be made. Caller removes
 * it with unit_tmpdir_remove. */
static inline char *unit_tmpdir_new(const char *name)
{
    const char *base = getenv("TMPDIR");
    size_t n = strlen(name) + 64 + (base ? strlen(base) : 4);
    char *dir = malloc(n);

    if (dir == NULL)
        abort();
    snprintf(dir, n, "%s/perch-test-%s.XXXXXX", base && *base ? base : "/tmp",
             name);
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* Removes what a failed test left in dir, then dir, and frees the name.
 * 0, or -1 when the directory could not be removed. */
static inline int unit_tmpdir_remove(char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    char path[4096];
    int rc;

    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rc = dir ? rmdir(dir) : -1;
    free(dir);
    return rc;
}

/* A new file dir/NAME.XXXXXX + suffix (suffix may be "") holding len bytes
 * of content, with the given mode; its path (new string: pass it to
 * unit_file_remove). Fails the test when the file cannot be written. */
static inline char *unit_file_new(const char *dir, const char *name,
                                  const char *suffix, const char *content,
                                  size_t len, mode_t mode)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 16;
    char *path = malloc(n);
    int fd;

    if (path == NULL)
        abort();
    snprintf(path, n, "%s/%s.XXXXXX%s", dir, name, suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
    return path;
}

/* Removes a file of unit_file_new (failing the test when it is gone) and
 * frees path. */
static inline void unit_file_remove(char *path)
{
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* Something at a path that is not a regular file, for readers that must
 * refuse it: kind "dir" (a new directory in dir), "fifo" (a new FIFO in
 * dir) or anything else, taken as the path itself ("/dev/zero"). A new
 * string: pass it to unit_irregular_remove with the same kind. */
static inline char *unit_irregular_new(const char *dir, const char *kind)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n > strlen(kind) + 1 ? n : strlen(kind) + 1);

    if (path == NULL)
        abort();
    if (strcmp(kind, "dir") == 0) {
        snprintf(path, n, "%s/a-dir", dir);
        assert_int_equal(mkdir(path, 0700), 0);
    } else if (strcmp(kind, "fifo") == 0) {
        snprintf(path, n, "%s/a-fifo", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
    } else {
        strcpy(path, kind);
    }
    return path;
}

static inline void unit_irregular_remove(char *path, const char *kind)
{
    if (strcmp(kind, "dir") == 0)
        assert_int_equal(rmdir(path), 0);
    else if (strcmp(kind, "fifo") == 0)
        assert_int_equal(unlink(path), 0);
    free(path);
}

/* fmt with every "{F}" replaced by path: how tests expect messages that
 * name a temporary file. New string. */
static inline char *unit_with_path(const char *fmt, const char *path)
{
    size_t n = strlen(fmt) + 1, plen = strlen(path);
    const char *p;
    char *out, *o;

    for (p = fmt; (p = strstr(p, "{F}")) != NULL; p += 3)
        n += plen;
    out = o = malloc(n);
    if (out == NULL)
        abort();
    while ((p = strstr(fmt, "{F}")) != NULL) {
        memcpy(o, fmt, (size_t)(p - fmt));
        o += p - fmt;
        memcpy(o, path, plen);
        o += plen;
        fmt = p + 3;
    }
    strcpy(o, fmt);
    return out;
}
#endif
