/*
 * The libcurl functions perch calls, forwarding to libcurl.so.4 loaded at
 * the first call (lazylib.h): a console or a command over TCP never loads
 * it, nor GnuTLS, Kerberos, LDAP … that it pulls in.
 */
#define CURL_DISABLE_TYPECHECK /* these define the functions the checks wrap   \
                                */
#include "lazylib.h"

#include <curl/curl.h>
#include <stdarg.h>

/* The Makefile passes the soname of the library built against. */
#ifndef PERCH_SONAME_CURL
#define PERCH_SONAME_CURL "libcurl.so.4"
#endif
static struct lazylib curl_lib = {PERCH_SONAME_CURL, NULL, 0};

/* name's pointer of type (ret (*)params), looked up once. */
#define FN(ret, name, params)                                                  \
    static ret(*fn) params;                                                    \
    if (fn == NULL)                                                            \
    *(void **)&fn = lazylib_sym(&curl_lib, #name)

#define LAZY(ret, name, params, args)                                          \
    ret name params                                                            \
    {                                                                          \
        FN(ret, name, params);                                                 \
        return fn args;                                                        \
    }

#define LAZY_VOID(name, params, args)                                          \
    void name params                                                           \
    {                                                                          \
        FN(void, name, params);                                                \
        fn args;                                                               \
    }

LAZY(CURLcode, curl_global_init, (long flags), (flags))
LAZY_VOID(curl_global_cleanup, (void), ())
LAZY(curl_version_info_data *, curl_version_info, (CURLversion v), (v))
LAZY(const char *, curl_easy_strerror, (CURLcode code), (code))
LAZY_VOID(curl_free, (void *p), (p))

LAZY(CURL *, curl_easy_init, (void), ())
LAZY_VOID(curl_easy_cleanup, (CURL * h), (h))
LAZY(CURLcode, curl_easy_perform, (CURL * h), (h))
LAZY(CURLcode, curl_easy_recv, (CURL * h, void *buf, size_t len, size_t *n),
     (h, buf, len, n))
LAZY(CURLcode, curl_easy_send,
     (CURL * h, const void *buf, size_t len, size_t *n), (h, buf, len, n))

LAZY(CURLM *, curl_multi_init, (void), ())
LAZY(CURLMcode, curl_multi_cleanup, (CURLM * m), (m))
LAZY(CURLMcode, curl_multi_add_handle, (CURLM * m, CURL *h), (m, h))
LAZY(CURLMcode, curl_multi_remove_handle, (CURLM * m, CURL *h), (m, h))
LAZY(CURLMcode, curl_multi_assign, (CURLM * m, curl_socket_t s, void *p),
     (m, s, p))
LAZY(CURLMsg *, curl_multi_info_read, (CURLM * m, int *left), (m, left))
LAZY(CURLMcode, curl_multi_socket_action,
     (CURLM * m, curl_socket_t s, int mask, int *running),
     (m, s, mask, running))

LAZY(struct curl_slist *, curl_slist_append,
     (struct curl_slist * l, const char *s), (l, s))
LAZY_VOID(curl_slist_free_all, (struct curl_slist * l), (l))

LAZY(CURLU *, curl_url, (void), ())
LAZY_VOID(curl_url_cleanup, (CURLU * u), (u))
LAZY(CURLUcode, curl_url_get,
     (CURLU * u, CURLUPart what, char **part, unsigned int flags),
     (u, what, part, flags))
LAZY(CURLUcode, curl_url_set,
     (CURLU * u, CURLUPart what, const char *part, unsigned int flags),
     (u, what, part, flags))

/* An option's one argument, by the type its number says (curl.h's
 * CURLOPTTYPE_*, the same for the multi options). */
enum opt_kind { OPT_LONG, OPT_POINTER, OPT_FUNCTION, OPT_OFF_T };

static enum opt_kind opt_kind(int option)
{
    if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
        return OPT_OFF_T;
    if (option >= CURLOPTTYPE_FUNCTIONPOINT && option < CURLOPTTYPE_OFF_T)
        return OPT_FUNCTION;
    if (option >= CURLOPTTYPE_OBJECTPOINT)
        return OPT_POINTER; /* object, string, slist, blob */
    return OPT_LONG;
}

/* rc = fn(h, option, the one argument ap holds, read as its type). */
#define FORWARD_OPTION(rc, fn, h, option, ap)                                  \
    switch (opt_kind((int)(option))) {                                         \
    case OPT_LONG:                                                             \
        rc = fn(h, option, va_arg(ap, long));                                  \
        break;                                                                 \
    case OPT_OFF_T:                                                            \
        rc = fn(h, option, va_arg(ap, curl_off_t));                            \
        break;                                                                 \
    case OPT_FUNCTION:                                                         \
        rc = fn(h, option, va_arg(ap, void (*)(void)));                        \
        break;                                                                 \
    default:                                                                   \
        rc = fn(h, option, va_arg(ap, void *));                                \
        break;                                                                 \
    }

CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...)
{
    FN(CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...));
    va_list ap;
    CURLcode rc;

    va_start(ap, option);
    FORWARD_OPTION(rc, fn, h, option, ap)
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption option, ...)
{
    FN(CURLMcode, curl_multi_setopt, (CURLM *, CURLMoption, ...));
    va_list ap;
    CURLMcode rc;

    va_start(ap, option);
    FORWARD_OPTION(rc, fn, m, option, ap)
    va_end(ap);
    return rc;
}

/* Every CURLINFO_* takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    FN(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...));
    va_list ap;
    void *where;

    va_start(ap, info);
    where = va_arg(ap, void *);
    va_end(ap);
    return fn(h, info, where);
}
