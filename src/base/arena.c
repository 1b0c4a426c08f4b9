/* Chunked memory for pieces let go in about the order they were made. */
#include "arena.h"
#include "asan.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef PERCH_ASAN
#define REDZONE 16 /* poisoned bytes after every piece */
#define HEAD 16    /* before every piece: its size, to poison it */
#else
#define REDZONE 0
#define HEAD 0
#endif

#define ALIGN 16
#define FIRST_CHUNK ((size_t)64 * 1024)
#define HUGE_CHUNK ((size_t)2 * 1024 * 1024) /* a huge page (x86-64, arm64) */
#define POPULATE_FROM ((size_t)256 * 1024)
#define SPARES 2 /* empty chunks kept for the next ones needed */

struct chunk {
    struct arena *arena;
    struct chunk *prev, *next; /* every chunk mapped, for arena_free */
    size_t size;               /* of the mapping, this header included */
    size_t used;               /* handed out from its start, header included */
    size_t live;               /* pieces not yet released */
};

struct arena {
    struct chunk *chunks;        /* every chunk mapped */
    struct chunk *cur;           /* the one pieces come from */
    struct chunk *spare[SPARES]; /* empty, kept for the next ones needed */
    int spares;
    size_t next_size; /* of the next chunk mapped */
    size_t mapped;
    unsigned long maps; /* chunks mapped so far */
};

#define CHUNK_HEAD ((sizeof(struct chunk) + ALIGN - 1) / ALIGN * ALIGN)

/* Every chunk starts on a multiple of HUGE_CHUNK, and every piece lies in
 * the first HUGE_CHUNK bytes of its chunk (a huge piece's chunk holds it
 * alone, from the start, and is never the current one): a piece's chunk
 * is its address rounded down.
 * Releasing the oldest entry of a full ring so reads no header beside
 * each piece, memory last touched thousands of stanzas ago. */
static struct chunk *chunk_of(const void *piece)
{
    return (struct chunk *)((uintptr_t)piece & ~(uintptr_t)(HUGE_CHUNK - 1));
}

static size_t round_up(size_t n, size_t to)
{
    if (n > SIZE_MAX - to)
        xoom();
    return (n + to - 1) / to * to;
}

/* size bytes starting on a multiple of HUGE_CHUNK: see chunk_of (and the
 * kernel can back them with huge pages). */
static void *map_aligned(size_t size)
{
    char *p = mmap(NULL, size + HUGE_CHUNK, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t head;

    if (p == MAP_FAILED)
        return p;
    head = (HUGE_CHUNK - (uintptr_t)p % HUGE_CHUNK) % HUGE_CHUNK;
    if (head > 0)
        munmap(p, head);
    munmap(p + head + size, HUGE_CHUNK - head);
    return p + head;
}

static struct chunk *map_chunk(struct arena *a, size_t need)
{
    size_t size = need > a->next_size ? need : a->next_size;
    struct chunk *c;
    void *p;

    /* a piece larger than the chunks gets one of its own */
    size = round_up(size, size >= HUGE_CHUNK ? HUGE_CHUNK : 4096);
    p = map_aligned(size);
    if (p == MAP_FAILED)
        xoom();
#ifdef MADV_HUGEPAGE
    if (size >= HUGE_CHUNK)
        madvise(p, size, MADV_HUGEPAGE); /* advice: may be refused */
#endif
#ifdef MADV_POPULATE_WRITE
    /* every page at once (older kernels refuse: faulted as touched) once
     * the ring is filling; an idle console's first chunks only as used */
    if (size >= POPULATE_FROM)
        madvise(p, size, MADV_POPULATE_WRITE);
#endif
    c = p;
    c->arena = a;
    c->size = size;
    c->used = CHUNK_HEAD;
    c->live = 0;
    c->prev = NULL;
    c->next = a->chunks;
    if (a->chunks)
        a->chunks->prev = c;
    a->chunks = c;
    a->mapped += size;
    a->maps++;
    if (a->next_size < HUGE_CHUNK)
        a->next_size *= 2;
    POISON((char *)c + CHUNK_HEAD, size - CHUNK_HEAD);
    return c;
}

static void unmap_chunk(struct chunk *c)
{
    struct arena *a = c->arena;

    if (c->prev)
        c->prev->next = c->next;
    else
        a->chunks = c->next;
    if (c->next)
        c->next->prev = c->prev;
    a->mapped -= c->size;
    UNPOISON(c, c->size); /* the addresses may be mapped again by others */
    munmap(c, c->size);
}

/* c, not the current chunk, has no piece left: kept as a spare when it
 * is of the size chunks are mapped at now (not a huge piece's, not one of
 * the small first ones, which would hold little as the current chunk)
 * and there is room among the spares (two: a full ring's oldest chunk may
 * empty twice before its newest fills once, and the next one would be
 * new memory again), else unmapped. */
static void retire(struct chunk *c)
{
    struct arena *a = c->arena;

    c->used = CHUNK_HEAD;
    if (c->size <= HUGE_CHUNK && c->size >= a->next_size && a->spares < SPARES)
        a->spare[a->spares++] = c;
    else
        unmap_chunk(c);
}

/* The current chunk has no room for need bytes: the next one. */
static struct chunk *next_chunk(struct arena *a, size_t need)
{
    struct chunk *old = a->cur, *c;

    if (a->spares > 0 && a->spare[a->spares - 1]->size - CHUNK_HEAD >= need)
        c = a->spare[--a->spares];
    else
        c = map_chunk(a, round_up(need + CHUNK_HEAD, ALIGN));
    a->cur = c;
    if (old && old->live == 0)
        retire(old);
    return c;
}

struct arena *arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof *a);

    a->next_size = FIRST_CHUNK;
    return a;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    while (a->chunks)
        unmap_chunk(a->chunks);
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct chunk *c = a->cur;
    char *p;
    size_t need;

    if (n > SIZE_MAX / 2)
        xoom();
    need = round_up(HEAD + n + REDZONE, ALIGN);
    if (need > HUGE_CHUNK - CHUNK_HEAD) /* its own chunk, never current */
        c = map_chunk(a, round_up(need + CHUNK_HEAD, ALIGN));
    else if (c == NULL || c->size - c->used < need)
        c = next_chunk(a, need);
    p = (char *)c + c->used + HEAD;
    c->used += need;
    c->live++;
#ifdef PERCH_ASAN
    UNPOISON(p - HEAD, HEAD + n);
    *(size_t *)(p - HEAD) = n;
    POISON(p - HEAD, HEAD);
#endif
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    if (n > 0)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_release(void *ptr)
{
    struct chunk *c;

    if (ptr == NULL)
        return;
    c = chunk_of(ptr);
#ifdef PERCH_ASAN
    {
        size_t n;
        UNPOISON((char *)ptr - HEAD, HEAD);
        n = *(size_t *)((char *)ptr - HEAD);
        POISON((char *)ptr - HEAD, HEAD + n);
    }
#endif
    if (--c->live > 0)
        return;
    if (c != c->arena->cur)
        retire(c); /* a huge piece's is unmapped */
    else
        c->used = CHUNK_HEAD; /* empty: filled again from its start */
}

size_t arena_mapped(const struct arena *a)
{
    return a->mapped;
}

unsigned long arena_maps(const struct arena *a)
{
    return a->maps;
}

/* ---- tables ---- */

#define PAGE ((size_t)4096)
#define TABLE_STEP ((size_t)16 * 1024)
#define TABLE_STEP_MAX ((size_t)256 * 1024)

/* The first page of a table's mapping; the table starts on the next. */
struct table_head {
    size_t size;  /* of the table */
    size_t ready; /* bytes of the table faulted in (a multiple of PAGE) */
};

static struct table_head *table_head(const void *t)
{
    return (struct table_head *)((char *)t - PAGE);
}

void *arena_table_new(size_t size)
{
    size_t mapped = PAGE + round_up(size ? size : 1, PAGE);
    char *p = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct table_head *h = (struct table_head *)p;

    if (p == MAP_FAILED)
        xoom();
    h->size = size;
    h->ready = 0;
    /* ASan: the head, and the slack after the table, are not the table's */
    POISON(p, PAGE);
    POISON(p + PAGE + size, mapped - PAGE - size);
    return p + PAGE;
}

void arena_table_ready(void *t, size_t n)
{
    struct table_head *h = table_head(t);
    size_t step, upto, ready;

    UNPOISON(h, sizeof *h);
    ready = h->ready;
    if (n > h->size)
        n = h->size;
    if (n > ready) {
        step = ready < TABLE_STEP       ? TABLE_STEP
               : ready > TABLE_STEP_MAX ? TABLE_STEP_MAX
                                        : ready;
        upto = round_up(n > ready + step ? n : ready + step, PAGE);
        if (upto > round_up(h->size, PAGE))
            upto = round_up(h->size, PAGE);
#ifdef MADV_POPULATE_WRITE
        /* older kernels refuse: the pages are faulted in as touched */
        madvise((char *)t + ready, upto - ready, MADV_POPULATE_WRITE);
#endif
        h->ready = upto;
    }
    POISON(h, sizeof *h);
}

size_t arena_table_readied(const void *t)
{
    struct table_head *h = table_head(t);
    size_t ready;

    UNPOISON(h, sizeof *h);
    ready = h->ready;
    POISON(h, sizeof *h);
    return ready;
}

void arena_table_free(void *t)
{
    struct table_head *h;
    size_t mapped;

    if (t == NULL)
        return;
    h = table_head(t);
    UNPOISON(h, PAGE);
    mapped = PAGE + round_up(h->size ? h->size : 1, PAGE);
    UNPOISON(h, mapped); /* the addresses may be mapped again by others */
    munmap(h, mapped);
}
