/* password_get: the sources, what is refused and why; the process once it
 * holds a password. (--password-cmd's 10 s limit is an integration test.) */
#include "unit.h"

#include "base/buf.h"
#include "conf/password.h"

#include <sys/prctl.h>
#include <sys/resource.h>

static char *tmpdir;

static int group_setup(void **state)
{
    (void)state;
    tmpdir = unit_tmpdir_new("password");
    return tmpdir == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return unit_tmpdir_remove(tmpdir);
}

/* password_get with only one source set. */
static char *get(const char *file, const char *cmd, char **cause)
{
    struct conn_opts o;
    char *pw;

    conn_opts_init(&o);
    o.jid = xstrdup("a@example.org");
    if (file)
        o.password_file = xstrdup(file);
    if (cmd)
        o.password_cmd = xstrdup(cmd);
    *cause = NULL;
    pw = password_get(&o, cause);
    conn_opts_done(&o);
    return pw;
}

struct file_row {
    const char *name;
    const char *content; /* NULL: len bytes of 'x' */
    size_t len;
    const char *want; /* NULL: refused with cause */
    const char *cause;
};

static const struct file_row file_rows[] = {
    {"password_get__reads_the_first_line_of_the_file", "hunter2\nrest\n", 0,
     "hunter2", NULL},
    {"password_get__drops_a_crlf_line_end", "hunter2\r\n", 0, "hunter2", NULL},
    {"password_get__takes_1024_bytes_whole", NULL, 1024, "", NULL},
    {"password_get__refuses_1025_bytes_rather_than_cut_them", NULL, 1025, NULL,
     "--password-file {F}: the password is longer than 1024 bytes (refused, "
     "not cut)"},
    {"password_get__refuses_a_long_first_line_followed_by_more", NULL, 5000,
     NULL,
     "--password-file {F}: the password is longer than 1024 bytes (refused, "
     "not cut)"},
    {"password_get__refuses_an_empty_file", "", 0, NULL,
     "--password-file {F} is empty"},
};

static void file_row(void **state)
{
    const struct file_row *r = *state;
    char *content = r->content ? xstrdup(r->content) : str_repeat('x', r->len);
    char *path =
        unit_file_new(tmpdir, "pw", "", content, strlen(content), 0600);
    char *cause, *pw = get(path, NULL, &cause), *want;

    if (r->want == NULL) {
        assert_null(pw);
        want = unit_with_path(r->cause, path);
        assert_string_equal(cause, want);
        free(want);
    } else if (r->content == NULL) {
        assert_non_null(pw);
        assert_int_equal(strlen(pw), r->len);
    } else {
        assert_string_equal(pw, r->want);
    }
    free(pw);
    free(cause);
    free(content);
    unit_file_remove(path);
}

struct irregular {
    const char *name;
    const char *what; /* "dir", "fifo" or a path */
    const char *cause;
};

static const struct irregular irregular_rows[] = {
    {"password_get__refuses_a_directory", "dir",
     "--password-file {F}: is a directory"},
    {"password_get__refuses_a_fifo_without_blocking", "fifo",
     "--password-file {F}: is not a regular file (a FIFO)"},
    {"password_get__refuses_dev_zero", "/dev/zero",
     "--password-file {F}: is not a regular file (a character device)"},
};

static void irregular(void **state)
{
    const struct irregular *r = *state;
    char *path = unit_irregular_new(tmpdir, r->what), *cause, *want, *pw;

    pw = get(path, NULL, &cause);
    assert_null(pw);
    want = unit_with_path(r->cause, path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    unit_irregular_remove(path, r->what);
}

struct cmd_row {
    const char *name;
    const char *cmd;
    const char *want; /* NULL: refused with cause */
    const char *cause;
};

static const struct cmd_row cmd_rows[] = {
    {"password_get__takes_the_first_line_a_command_prints",
     "printf 'hunter2\\nmore\\n'", "hunter2", NULL},
    {"password_get__takes_1024_bytes_from_a_command",
     "head -c 1024 /dev/zero | tr '\\0' x", "", NULL},
    {"password_get__refuses_1025_bytes_from_a_command",
     "head -c 1025 /dev/zero | tr '\\0' x", NULL,
     "--password-cmd 'head -c 1025 /dev/zero | tr '\\0' x': the password is "
     "longer than 1024 bytes (refused, not cut)"},
    {"password_get__reads_past_a_megabyte_of_output_without_keeping_it",
     "head -c 1048576 /dev/zero", NULL,
     "--password-cmd 'head -c 1048576 /dev/zero': the password is longer "
     "than 1024 bytes (refused, not cut)"},
    {"password_get__says_how_a_command_failed", "echo pw; exit 3", NULL,
     "--password-cmd 'echo pw; exit 3' failed (exit 3)"},
    {"password_get__says_a_command_was_killed", "kill -9 $$", NULL,
     "--password-cmd 'kill -9 $$' failed (signal 9)"},
    {"password_get__refuses_a_command_that_prints_nothing", "true", NULL,
     "--password-cmd 'true' printed nothing"},
};

static void cmd_row(void **state)
{
    const struct cmd_row *r = *state;
    char *cause, *pw = get(NULL, r->cmd, &cause);

    if (r->want == NULL) {
        assert_null(pw);
        assert_string_equal(cause, r->cause);
    } else if (*r->want == '\0') {
        assert_non_null(pw);
        assert_int_equal(strlen(pw), 1024);
    } else {
        assert_string_equal(pw, r->want);
    }
    free(pw);
    free(cause);
}

/* Last: it changes this process for good. */
static void password_get__leaves_no_core_and_no_dump_once_it_has_one(void **s)
{
    struct rlimit core;
    char *cause, *pw;
    (void)s;

    pw = get(NULL, "echo pw", &cause);
    assert_non_null(pw);
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    assert_int_equal(getrlimit(RLIMIT_CORE, &core), 0);
    assert_int_equal(core.rlim_cur, 0);
    assert_int_equal(core.rlim_max, 0);
    free(pw);
}

int main(void)
{
    struct test_list l = {0};

    TL_ROWS(&l, file_rows, file_row);
    TL_ROWS(&l, irregular_rows, irregular);
    TL_ROWS(&l, cmd_rows, cmd_row);
    tl_add(&l, "password_get__leaves_no_core_and_no_dump_once_it_has_one",
           password_get__leaves_no_core_and_no_dump_once_it_has_one, NULL);
    return tl_run(&l, "password", group_setup, group_teardown);
}
