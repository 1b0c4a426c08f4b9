/*
 * The libarchive functions perch calls, forwarding to libarchive.so.13
 * loaded at the first call (lazylib.h).
 */
#include "lazylib.h"

#include <archive.h>
#include <archive_entry.h>

/* The Makefile passes the soname of the library built against. */
#ifndef PERCH_SONAME_ARCHIVE
#define PERCH_SONAME_ARCHIVE "libarchive.so.13"
#endif
static struct lazylib archive_lib = {PERCH_SONAME_ARCHIVE, NULL, 0};

/* name's pointer of type (ret (*)params), looked up once. */
#define LAZY(ret, name, params, args)                                          \
    ret name params                                                            \
    {                                                                          \
        static ret(*fn) params;                                                \
        if (fn == NULL)                                                        \
            *(void **)&fn = lazylib_sym(&archive_lib, #name);                  \
        return fn args;                                                        \
    }

LAZY(struct archive *, archive_read_new, (void), ())
LAZY(int, archive_read_free, (struct archive * a), (a))
LAZY(int, archive_read_support_format_zip, (struct archive * a), (a))
LAZY(int, archive_read_open_memory,
     (struct archive * a, const void *buf, size_t size), (a, buf, size))
LAZY(int, archive_read_next_header,
     (struct archive * a, struct archive_entry **entry), (a, entry))
LAZY(la_ssize_t, archive_read_data, (struct archive * a, void *buf, size_t n),
     (a, buf, n))
LAZY(const char *, archive_error_string, (struct archive * a), (a))
LAZY(const char *, archive_entry_pathname, (struct archive_entry * e), (e))
