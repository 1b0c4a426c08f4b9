/* Stanza ids: unpredictable per process, unique within it. */
#ifndef PERCH_ID_H
#define PERCH_ID_H

#include <stddef.h>

struct idgen {
    char prefix[13];
    unsigned long counter;
};

/* Seeds a random prefix (OpenSSL RAND_bytes). */
void id_init(struct idgen *g);
/* Writes the next id ("perch<prefix>-<n>") into buf; returns buf. */
char *id_next(struct idgen *g, char *buf, size_t size);
/* Fills buf with n random characters from [a-z0-9] and a NUL. */
void id_random_alnum(char *buf, size_t n);

#endif
