/*
 * Reading tests/fixtures/ in unit tests (after unit.h). The tests run
 * from the repository root; PERCH_FIXTURES names another fixtures folder.
 */
#ifndef PERCH_UNIT_FIXTURE_H
#define PERCH_UNIT_FIXTURE_H

#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>

static inline const char *unit_fixtures(void)
{
    const char *d = getenv("PERCH_FIXTURES");
    return d && *d ? d : "tests/fixtures";
}

/* Appends the bytes of fixture rel ("finesse/x.update.xml") to b; fails
 * the test when it cannot be opened. */
static inline void unit_fixture_append(struct buf *b, const char *rel)
{
    char *path = xasprintf("%s/%s", unit_fixtures(), rel), chunk[4096];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        fail_msg("cannot open %s (run from the repository root, or set "
                 "PERCH_FIXTURES)",
                 path);
    free(path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, n);
    fclose(f);
}

/* The fixture's bytes, NUL-terminated (new string, caller frees); *len
 * their count. */
static inline char *unit_fixture_load(const char *rel, size_t *len)
{
    struct buf b;

    buf_init(&b);
    buf_append(&b, "", 0);
    unit_fixture_append(&b, rel);
    *len = b.len;
    return buf_steal(&b);
}

#endif
