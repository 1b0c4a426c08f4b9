/* A libstrophe context shared by the tests of one group: pass
 * strophe_setup and strophe_teardown as the group's setup and teardown. */
#ifndef PERCH_UNIT_STROPHE_H
#define PERCH_UNIT_STROPHE_H

#include <strophe.h>

static xmpp_ctx_t *ctx;

static int strophe_setup(void **state)
{
    (void)state;
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    return ctx == NULL ? -1 : 0;
}

static int strophe_teardown(void **state)
{
    (void)state;
    xmpp_ctx_free(ctx);
    ctx = NULL;
    xmpp_shutdown();
    return 0;
}

#endif
