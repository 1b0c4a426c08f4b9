/* Libraries loaded at their first use (lazylib.h). */
#include "lazylib.h"
#include "error.h"

#include <dlfcn.h>
#include <stdlib.h>

#define EXIT_NOT_LOADED 127 /* what the dynamic loader exits with */

void *lazylib_sym(struct lazylib *lib, const char *name)
{
    void *sym;

    if (lib->handle == NULL &&
        (lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        perch_error("cannot load %s: %s", lib->soname, dlerror());
        exit(EXIT_NOT_LOADED);
    }
    if ((sym = dlsym(lib->handle, name)) == NULL) {
        perch_error("%s has no %s: %s", lib->soname, name, dlerror());
        exit(EXIT_NOT_LOADED);
    }
    return sym;
}

void lazylib_close(struct lazylib *lib)
{
    if (lib->handle == NULL)
        return;
    dlclose(lib->handle);
    lib->handle = NULL;
    lib->gen++;
}
