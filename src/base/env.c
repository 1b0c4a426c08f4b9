/* The environment variables perch honours. */
#include "env.h"
#include "buf.h"

#include "buf.h"

#include <stdlib.h>
#include <sys/stat.h>

int env_no_color(void)
{
    const char *v = getenv("NO_COLOR");

    return v != NULL && *v != '\0';
}

char *env_data_dir(void)
{
    const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char *dir, *p;

    if (data && *data)
        dir = xasprintf("%s/perch", data);
    else if (home && *home)
        dir = xasprintf("%s/.local/share/perch", home);
    else
        return NULL;
    /* mkdir -p, private: what is kept there names nodes and JIDs */
    for (p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    mkdir(dir, 0700);
    return dir;
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
