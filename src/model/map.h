/* A string-keyed hash map (open addressing) for the model's tables. */
#ifndef PERCH_MAP_H
#define PERCH_MAP_H

#include <stddef.h>

struct map {
    char **keys; /* owned */
    void **values;
    size_t cap, n;
};

void map_init(struct map *m);
/* Frees keys; values are freed with free_value when not NULL. */
void map_done(struct map *m, void (*free_value)(void *));
void *map_get(const struct map *m, const char *key);
/* Inserts or replaces; returns the previous value (caller frees) or NULL. */
void *map_put(struct map *m, const char *key, void *value);
/* Removes key; returns its value (caller frees) or NULL. */
void *map_del(struct map *m, const char *key);

/* Iteration: for (i = 0; map_next(m, &i, &k, &v);) … */
int map_next(const struct map *m, size_t *i, const char **key, void **value);

#endif
