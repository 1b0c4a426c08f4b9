/*
 * Files perch reads for secrets and settings, and files it writes that
 * may hold stanzas: one set of rules (docs/security.md).
 */
#ifndef PERCH_FILE_H
#define PERCH_FILE_H

#include <stdio.h>

/*
 * Opens path for reading, refusing what is not a regular file: "PATH: is
 * a directory", "PATH: is not a regular file (a FIFO)" (a FIFO, a device
 * such as /dev/zero, a socket) — a FIFO is opened without blocking, so a
 * FIFO nobody writes to cannot hang perch. NULL with *cause (new string,
 * which starts with path) otherwise; errno is kept from the failing call
 * (ENOENT for a missing file).
 */
FILE *file_open_regular(const char *path, char **cause);

/*
 * Creates or truncates path for writing with mode 0600 (a regular file
 * that existed is set to 0600 too: it is about to hold stanzas). NULL
 * with *cause ("PATH: why", new string).
 */
FILE *file_create_private(const char *path, char **cause);

/* path with a leading "~/" (or "~" alone) as $HOME's: a new string,
 * caller frees; path unchanged (copied) otherwise or without $HOME. */
char *file_expand_home(const char *path);

/*
 * The whole of f (a new string, NUL-terminated, *len bytes before the
 * NUL); NULL with errno when reading fails, or with errno EFBIG past max
 * bytes.
 */
char *file_read_all(FILE *f, size_t max, size_t *len);

#endif
