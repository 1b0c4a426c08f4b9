/*
 * The GNU SASL functions perch calls, forwarding to libgsasl.so.18 loaded
 * at the first call (lazylib.h) and unloaded when the last context is done
 * (a login's SASL exchange): the console does not keep it, nor libidn,
 * libntlm and libgssglue, mapped for the hours it runs.
 */
#include "lazylib.h"

#include <gsasl.h>

/* The Makefile passes the soname of the library built against. */
#ifndef PERCH_SONAME_GSASL
#define PERCH_SONAME_GSASL "libgsasl.so.18"
#endif
static struct lazylib gsasl_lib = {PERCH_SONAME_GSASL, NULL, 0};
static unsigned live; /* contexts gsasl_init made and gsasl_done not ended */

/* name's pointer of type (ret (*)params), looked up once a load. */
#define FN(ret, name, params)                                                  \
    static ret(*fn) params;                                                    \
    static unsigned gen;                                                       \
    if (fn == NULL || gen != gsasl_lib.gen) {                                  \
        *(void **)&fn = lazylib_sym(&gsasl_lib, #name);                        \
        gen = gsasl_lib.gen;                                                   \
    }

#define LAZY(ret, name, params, args)                                          \
    ret name params                                                            \
    {                                                                          \
        FN(ret, name, params)                                                  \
        return fn args;                                                        \
    }

#define LAZY_VOID(name, params, args)                                          \
    void name params                                                           \
    {                                                                          \
        FN(void, name, params)                                                 \
        fn args;                                                               \
    }

/* The version text is the library's: it stays loaded when no context
 * was ever made (perch --version). */
LAZY(const char *, gsasl_check_version, (const char *req), (req))
LAZY(const char *, gsasl_strerror, (int rc), (rc))
LAZY(int, gsasl_client_start,
     (Gsasl * ctx, const char *mech, Gsasl_session **session),
     (ctx, mech, session))
LAZY(int, gsasl_property_set,
     (Gsasl_session * session, Gsasl_property prop, const char *data),
     (session, prop, data))
LAZY(int, gsasl_step64, (Gsasl_session * session, const char *b64, char **out),
     (session, b64, out))
LAZY_VOID(gsasl_finish, (Gsasl_session * session), (session))
LAZY_VOID(gsasl_free, (void *p), (p))

int gsasl_init(Gsasl **ctx)
{
    FN(int, gsasl_init, (Gsasl **))
    int rc = fn(ctx);

    live += rc == GSASL_OK;
    return rc;
}

void gsasl_done(Gsasl *ctx)
{
    FN(void, gsasl_done, (Gsasl *))
    fn(ctx);
    if (live > 0 && --live == 0)
        lazylib_close(&gsasl_lib);
}
