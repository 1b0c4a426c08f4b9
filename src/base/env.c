/* The environment variables perch honours. */
#include "env.h"

#include <stdlib.h>

int env_no_color(void)
{
    const char *v = getenv("NO_COLOR");

    return v != NULL && *v != '\0';
}
