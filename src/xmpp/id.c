/* Stanza ids and random resource suffixes. */
#include "id.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

void id_random_alnum(char *buf, size_t n)
{
    unsigned char r[64];
    size_t i, chunk;

    while (n > 0) {
        chunk = n < sizeof r ? n : sizeof r;
        if (RAND_bytes(r, (int)chunk) != 1) {
            fputs("perch: no randomness available\n", stderr);
            abort();
        }
        for (i = 0; i < chunk; i++)
            *buf++ = alnum[r[i] % (sizeof alnum - 1)];
        n -= chunk;
    }
    *buf = '\0';
}

void id_init(struct idgen *g)
{
    id_random_alnum(g->prefix, 8);
    g->counter = 0;
}

char *id_next(struct idgen *g, char *buf, size_t size)
{
    snprintf(buf, size, "perch%s-%lu", g->prefix, ++g->counter);
    return buf;
}
