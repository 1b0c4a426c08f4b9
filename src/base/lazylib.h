/*
 * Libraries loaded at their first use, not at start: libcurl (BOSH,
 * WebSocket, /rest) and libarchive (SAZ files) with all they pull in
 * (GnuTLS, Kerberos, LDAP, ICU, libstdc++ …) cost a console or a command
 * over TCP several megabytes of memory it never uses. GNU SASL is needed
 * only while logging in: loaded then, unloaded after. src/base/lazy_curl.c,
 * lazy_archive.c and lazy_gsasl.c define the functions perch calls; each
 * forwards to the library's own, looked up here once a load.
 */
#ifndef PERCH_LAZYLIB_H
#define PERCH_LAZYLIB_H

struct lazylib {
    const char *soname; /* "libcurl.so.4" */
    void *handle;       /* NULL until first used */
    unsigned gen;       /* counts lazylib_close: addresses older are stale */
};

/* The address of the library's function name, loading the library the
 * first time. A library or function missing is an installation broken:
 * said on stderr, and perch exits 127 (as the loader would have). */
void *lazylib_sym(struct lazylib *lib, const char *name);

/* Unloads the library (when nothing of it is in use any more); the next
 * lazylib_sym loads it again. */
void lazylib_close(struct lazylib *lib);

#endif
