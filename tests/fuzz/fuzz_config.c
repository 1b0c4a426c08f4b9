/*
 * config_load on any file content. The bytes go to one temporary file,
 * made once per run (mode 0600, so a password is allowed) and removed at
 * exit. Loads it without an account, for "default" when optional and for
 * "a" when required. An error names the file; a success sets no cause.
 */
#include "fuzz.h"

#include "conf/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void load(const char *path, const char *account, int required)
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
    const char *path = fuzz_file("config", "", data, size);

    load(path, NULL, 0);
    load(path, "default", 0);
    load(path, "a", 1);
    return 0;
}
