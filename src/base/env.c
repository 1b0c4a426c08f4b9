/* The environment variables perch honours. */
#include "env.h"

#include "buf.h"

#include <stdlib.h>

int env_no_color(void)
{
    const char *v = getenv("NO_COLOR");

    return v != NULL && *v != '\0';
}

const char *env_keylog_file(void)
{
    const char *v = getenv("SSLKEYLOGFILE");

    return v != NULL && *v != '\0' ? v : NULL;
}

char *env_keylog_warning(void)
{
    const char *f = env_keylog_file();

    if (f == NULL)
        return NULL;
    return xasprintf("warning: SSLKEYLOGFILE is set: the TLS secrets of this "
                     "session are written to %s; whoever reads that file can "
                     "decrypt the traffic",
                     f);
}
