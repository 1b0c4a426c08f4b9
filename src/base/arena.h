/*
 * Memory for many small pieces that are let go in about the order they
 * were made: the console ring's texts. Pieces come from chunks mapped
 * from the kernel and filled front to back; a chunk is given back (or
 * kept as one of two spares) when its last piece is released. Chunks
 * start on 2 MiB boundaries, so a piece's chunk is known from its address:
 * no header beside a piece is read when it is released.
 *
 * Why not malloc: a ring that fills touches new memory with every stanza,
 * one page fault per 4 KiB, and libevent's read buffers kept landing on
 * that fresh memory too. Chunks grow from 64 KiB to 2 MiB; from 256 KiB
 * on (a ring that is filling) a chunk is faulted in by one call when it
 * is mapped (and backed by huge pages from 2 MiB on, where the system
 * allows them), and a full ring goes on reusing the chunks it has.
 *
 * Under AddressSanitizer the space around every piece stays poisoned, so
 * reading past a piece's end is reported as it would be for malloc's.
 */
#ifndef PERCH_ARENA_H
#define PERCH_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Unmaps every chunk, released pieces or not. NULL: nothing. */
void arena_free(struct arena *a);

/* n bytes (n may be 0), aligned for any object; aborts when out of
 * memory, as xmalloc does. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of the n bytes at s (which need no NUL). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Lets go of a piece from arena_alloc or arena_strndup; NULL: nothing. */
void arena_release(void *p);

/* Bytes mapped from the kernel (chunks in use and the spare). */
size_t arena_mapped(const struct arena *a);
/* Chunks mapped since arena_new (each one new memory, zeroed). */
unsigned long arena_maps(const struct arena *a);

/*
 * A zeroed array of size bytes (the ring's entries), mapped at once but
 * faulted in as it is used: arena_table_ready faults in the pages up to a
 * byte with one call for a step of them (16 KiB, doubling to 256 KiB),
 * not one page fault per 4 KiB as calloc's memory would take while the
 * ring fills. An idle console's table holds a step. Aborts when out of
 * memory, as xmalloc does.
 */
void *arena_table_new(size_t size);
/* The first n bytes of t are faulted in when they were not (a no-op
 * once they are); n past the table's size: all of it. */
void arena_table_ready(void *t, size_t n);
/* Bytes of t faulted in by arena_table_ready so far. */
size_t arena_table_readied(const void *t);
/* Unmaps t; NULL: nothing. */
void arena_table_free(void *t);

#endif
