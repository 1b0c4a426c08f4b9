/* libcurl and libarchive loaded at their first use (base/lazylib.h): the
 * forwarding functions reach the library's own with each kind of option
 * argument; a library missing ends perch with 127. */
#include "unit.h"

#include "base/lazylib.h"

#include <archive.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <gsasl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static size_t sink(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* A long, a string, a pointer, a function and a curl_off_t each reach
 * libcurl as they were given: CURLINFO_PRIVATE gives back the pointer. */
static void lazylib__curl_options_of_every_kind_reach_libcurl(void **state)
{
    CURL *h = curl_easy_init();
    int mine = 0;
    void *back = NULL;
    (void)state;

    assert_non_null(h);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1500L), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:1/"),
                     CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_PRIVATE, &mine), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink),
                     CURLE_OK);
    assert_int_equal(
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 40),
        CURLE_OK);
    assert_int_equal(curl_easy_getinfo(h, CURLINFO_PRIVATE, &back), CURLE_OK);
    assert_ptr_equal(back, &mine);
    /* an option libcurl refuses is refused, not taken for another kind */
    assert_int_equal(curl_easy_setopt(h, CURLOPT_HTTP_VERSION, 999L),
                     CURLE_UNSUPPORTED_PROTOCOL);
    curl_easy_cleanup(h);
    assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
}

static void lazylib__multi_options_reach_libcurl(void **state)
{
    CURLM *m = curl_multi_init();
    (void)state;

    assert_non_null(m);
    assert_int_equal(curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 2L), CURLM_OK);
    assert_int_equal(curl_multi_setopt(m, CURLMOPT_SOCKETDATA, m), CURLM_OK);
    assert_int_equal(curl_multi_cleanup(m), CURLM_OK);
}

static void lazylib__archive_reads_through_libarchive(void **state)
{
    struct archive *a = archive_read_new();
    (void)state;

    assert_non_null(a);
    assert_int_equal(archive_read_support_format_zip(a), ARCHIVE_OK);
    /* not a zip: refused, with libarchive's own words */
    assert_int_equal(archive_read_open_memory(a, "not a zip", 9),
                     ARCHIVE_FATAL);
    assert_non_null(archive_error_string(a));
    archive_read_free(a);
}

/* GNU SASL is mapped while a context lives (a login), unmapped after the
 * last, and loaded again for the next. */
static void
lazylib__gsasl_is_unloaded_when_its_last_context_is_done(void **state)
{
    Gsasl *a, *b;
    void *h;
    (void)state;

    assert_int_equal(gsasl_init(&a), GSASL_OK);
    assert_int_equal(gsasl_init(&b), GSASL_OK);
    gsasl_done(a);
    h = dlopen("libgsasl.so.18", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(h);
    dlclose(h);
    gsasl_done(b);
    assert_null(dlopen("libgsasl.so.18", RTLD_NOW | RTLD_NOLOAD));
    assert_int_equal(gsasl_init(&a), GSASL_OK);
    assert_string_equal(gsasl_strerror(GSASL_OK), "Libgsasl success");
    gsasl_done(a);
    assert_null(dlopen("libgsasl.so.18", RTLD_NOW | RTLD_NOLOAD));
}

/* Run in a child: perch would exit there. */
static void lazylib__a_missing_library_exits_127(void **state)
{
    struct lazylib lib = {"libperch-none.so.0", NULL};
    int status = 0;
    pid_t pid;
    (void)state;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        lazylib_sym(&lib, "anything");
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 127);
}

static void lazylib__a_missing_function_exits_127(void **state)
{
    struct lazylib lib = {"libcurl.so.4", NULL};
    int status = 0;
    pid_t pid;
    (void)state;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        lazylib_sym(&lib, "curl_no_such_function");
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 127);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "lazylib__curl_options_of_every_kind_reach_libcurl",
           lazylib__curl_options_of_every_kind_reach_libcurl, NULL);
    tl_add(&l, "lazylib__multi_options_reach_libcurl",
           lazylib__multi_options_reach_libcurl, NULL);
    tl_add(&l, "lazylib__archive_reads_through_libarchive",
           lazylib__archive_reads_through_libarchive, NULL);
    tl_add(&l, "lazylib__gsasl_is_unloaded_when_its_last_context_is_done",
           lazylib__gsasl_is_unloaded_when_its_last_context_is_done, NULL);
    tl_add(&l, "lazylib__a_missing_library_exits_127",
           lazylib__a_missing_library_exits_127, NULL);
    tl_add(&l, "lazylib__a_missing_function_exits_127",
           lazylib__a_missing_function_exits_127, NULL);
    return tl_run(&l, "lazylib", NULL, NULL);
}
