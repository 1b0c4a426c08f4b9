/*
 * jansson's memory from free lists (json_set_alloc_funcs): a decoded event
 * is some forty small objects and strings made and freed together, and
 * glibc's per-size cache holds seven of a size, so most of them went
 * through malloc's slow path and back. Here each size (16-byte steps up
 * to 256 bytes) keeps up to 64 freed blocks for the next ones; larger
 * blocks, and blocks beyond that, go to malloc and free.
 *
 * Not thread-safe: perch calls jansson from its one thread.
 *
 * Under AddressSanitizer a kept block stays poisoned until it is handed
 * out again, and the bytes past what was asked for stay poisoned, so a
 * use after json_decref or past an end is reported as for malloc's.
 */
#ifndef PERCH_JSON_POOL_H
#define PERCH_JSON_POOL_H

#include "buf.h"

#include <jansson.h>

/* From now on jansson allocates here (once; later calls do nothing). Only
 * before the first jansson value is made: a value must be freed by the
 * allocator that made it. */
void json_pool_use(void);

/* j as JSON text appended to b (malloc's memory: json_dumps' text would
 * be the pool's, to free by jansson's free; perch does not call it). 0, or
 * -1 with b as it was when jansson refuses (flags as json_dumps'), even
 * halfway through j. */
int json_dump_buf(const json_t *j, size_t flags, struct buf *b);

/* Blocks kept free now, all sizes (for tests). */
unsigned json_pool_kept(void);

#endif
