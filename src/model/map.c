/* Open addressing with linear probing and backward-shift deletion. */
#include "map.h"
#include "base/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

void map_init(struct map *m)
{
    memset(m, 0, sizeof *m);
}

void map_done(struct map *m, void (*free_value)(void *))
{
    size_t i;
    for (i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            free(m->keys[i]);
            if (free_value)
                free_value(m->values[i]);
        }
    free(m->keys);
    free(m->values);
    map_init(m);
}

static size_t slot(const struct map *m, const char *key)
{
    size_t i = (size_t)(hash(key) & (m->cap - 1));
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *map_get(const struct map *m, const char *key)
{
    size_t i;
    if (m->cap == 0)
        return NULL;
    i = slot(m, key);
    return m->keys[i] ? m->values[i] : NULL;
}

static void grow(struct map *m)
{
    struct map bigger;
    size_t i;

    bigger.cap = m->cap ? m->cap * 2 : 64;
    bigger.n = 0;
    bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.values = xcalloc(bigger.cap, sizeof *bigger.values);
    for (i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = slot(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.values[j] = m->values[i];
            bigger.n++;
        }
    free(m->keys);
    free(m->values);
    *m = bigger;
}

void *map_put(struct map *m, const char *key, void *value)
{
    size_t i;
    void *old;

    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    i = slot(m, key);
    if (m->keys[i]) {
        old = m->values[i];
        m->values[i] = value;
        return old;
    }
    m->keys[i] = xstrdup(key);
    m->values[i] = value;
    m->n++;
    return NULL;
}

void *map_del(struct map *m, const char *key)
{
    size_t i, j, k;
    void *old;

    if (m->cap == 0)
        return NULL;
    i = slot(m, key);
    if (m->keys[i] == NULL)
        return NULL;
    old = m->values[i];
    free(m->keys[i]);
    m->keys[i] = NULL;
    m->n--;
    /* shift back the entries that probed past the hole */
    j = i;
    for (;;) {
        j = (j + 1) & (m->cap - 1);
        if (m->keys[j] == NULL)
            break;
        k = (size_t)(hash(m->keys[j]) & (m->cap - 1));
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            m->keys[i] = m->keys[j];
            m->values[i] = m->values[j];
            m->keys[j] = NULL;
            i = j;
        }
    }
    return old;
}

int map_next(const struct map *m, size_t *i, const char **key, void **value)
{
    while (*i < m->cap) {
        size_t at = (*i)++;
        if (m->keys[at]) {
            *key = m->keys[at];
            *value = m->values[at];
            return 1;
        }
    }
    return 0;
}
