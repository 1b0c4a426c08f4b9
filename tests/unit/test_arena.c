/* arena: the console ring's memory — pieces, chunks reused, bounds. */
#include "unit.h"

#include "base/asan.h"
#include "base/arena.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB ((size_t)1024 * 1024)

static void arena__pieces_are_aligned_apart_and_keep_their_bytes(void **state)
{
    struct arena *a = arena_new();
    unsigned char *p[300];
    size_t i, j;
    (void)state;

    for (i = 0; i < 300; i++) { /* several chunks: 300 x up to 1 KiB */
        size_t n = i * 7 % 1024;
        p[i] = arena_alloc(a, n);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], (int)(i & 0xff), n);
    }
    for (i = 0; i < 300; i++)
        for (j = 0; j < i * 7 % 1024; j++)
            assert_int_equal(p[i][j], i & 0xff);
    arena_free(a);
}

static void arena_strndup__copies_n_bytes_of_a_buffer_with_no_nul(void **state)
{
    struct arena *a = arena_new();
    char *bytes = malloc(5), *copy, *empty;
    (void)state;

    memcpy(bytes, "<a/>x", 5);
    copy = arena_strndup(a, bytes, 4); /* ASan: no read of bytes[5] */
    free(bytes);
    assert_string_equal(copy, "<a/>");
    empty = arena_strndup(a, NULL, 0);
    assert_string_equal(empty, "");
    arena_release(copy);
    arena_release(empty);
    arena_free(a);
}

static void arena_release__null_and_arena_free_null_do_nothing(void **state)
{
    (void)state;
    arena_release(NULL);
    arena_free(NULL);
}

/* The ring's use: pieces let go oldest first, at most `live` kept. The
 * memory mapped stays near what is kept, and once the chunks exist a
 * second run of the same maps nothing new. */
static void arena__a_ring_of_pieces_reuses_its_chunks(void **state)
{
    /* as the console's: a text, an id and a node, then a gist set later */
    enum { LIVE = 2000, TOTAL = 60000, SIZE = 1500, PARTS = 4 };
    static const size_t part_size[PARTS] = {SIZE, 20, 40, 60};
    struct arena *a = arena_new();
    char **ring = calloc((size_t)LIVE * PARTS, sizeof *ring);
    size_t i, k, first_run = 0;
    unsigned long maps = 0;
    int run;
    (void)state;

    for (run = 0; run < 2; run++) {
        for (i = 0; i < TOTAL; i++) {
            char **e = &ring[i % LIVE * PARTS];
            for (k = 0; k < PARTS; k++) {
                arena_release(e[k]);
                e[k] = NULL;
            }
            for (k = 0; k < PARTS; k++) {
                e[k] = arena_alloc(a, part_size[k]);
                memset(e[k], 'x', part_size[k]);
            }
        }
        assert_true(arena_mapped(a) <=
                    (size_t)LIVE * (SIZE + 120 + 4 * 32) + 3 * 2 * MIB);
        if (run == 0) {
            first_run = arena_mapped(a);
            maps = arena_maps(a);
        } else { /* nothing given back and mapped again: no new memory */
            assert_int_equal(arena_mapped(a), first_run);
            assert_int_equal(arena_maps(a), maps);
        }
    }
    for (i = 0; i < (size_t)LIVE * PARTS; i++)
        arena_release(ring[i]);
    /* all let go: the current chunk and two spares at most */
    assert_true(arena_mapped(a) <= 3 * 2 * MIB);
    free(ring);
    arena_free(a);
}

/* A ring that has just filled lets its small first chunks go (64 KiB to
 * 1 MiB, given back): while they go, two 2 MiB chunks are mapped (their
 * room is about one chunk's, but the first large chunk is not empty
 * before the new data needs a second one); after that, nothing. */
static void
arena__a_ring_that_filled_maps_two_chunks_more_then_none(void **state)
{
    enum { LIVE = 20000, SIZE = 1100 };
    struct arena *a = arena_new();
    char **ring = calloc(LIVE, sizeof *ring);
    unsigned long filled;
    size_t i;
    (void)state;

    for (i = 0; i < LIVE; i++)
        ring[i] = arena_alloc(a, SIZE);
    filled = arena_maps(a);
    for (i = 0; i < LIVE; i++) {
        arena_release(ring[i]);
        ring[i] = arena_alloc(a, SIZE);
    }
    assert_true(arena_maps(a) <= filled + 2);
    filled = arena_maps(a);
    for (i = 0; i < 2 * LIVE; i++) {
        arena_release(ring[i % LIVE]);
        ring[i % LIVE] = arena_alloc(a, SIZE);
    }
    assert_int_equal(arena_maps(a), filled);
    for (i = 0; i < LIVE; i++)
        arena_release(ring[i]);
    free(ring);
    arena_free(a);
}

/* A small first chunk that empties once larger ones are being mapped is
 * given back, not kept as the spare (taken again, it would hold little
 * and make the arena map a new chunk soon after). */
static void arena__a_small_first_chunk_is_given_back_when_empty(void **state)
{
    enum { N = 200, SIZE = 1000 }; /* 200 KB: the 64 and 128 KiB chunks */
    struct arena *a = arena_new();
    char *p[N];
    size_t i, before;
    (void)state;

    for (i = 0; i < N; i++)
        p[i] = arena_alloc(a, SIZE);
    assert_true(arena_maps(a) >= 3); /* 64 KiB, 128 KiB, 256 KiB */
    before = arena_mapped(a);
    /* the first chunk (64 KiB) holds at most 64 of them: once they are
     * released, its 64 KiB are unmapped */
    for (i = 0; i < 70 && arena_mapped(a) == before; i++)
        arena_release(p[i]);
    assert_int_equal(arena_mapped(a), before - 64 * 1024);
    assert_true(i >= 60 && i <= 65); /* with or without ASan's redzones */
    for (; i < N; i++)
        arena_release(p[i]);
    arena_free(a);
}

/* A full ring's oldest chunks may empty twice before its newest fills
 * once (one large stanza drops several small ones): two empty chunks are
 * kept, and the ring fills them again with no new memory. Three emptied
 * in a row: the third is given back. */
static void arena__two_chunks_emptied_in_a_row_are_both_reused(void **state)
{
    enum { N = 12000, SIZE = 1000, CAP = 20000 };
    struct arena *a = arena_new();
    char **q = calloc(CAP, sizeof *q);
    size_t head = 0, n = 0, i;
    unsigned long maps;
    size_t mapped;
    (void)state;

    for (i = 0; i < N; i++) /* filled, then steady: the small chunks gone */
        q[(head + n++) % CAP] = arena_alloc(a, SIZE);
    for (i = 0; i < 3 * N; i++) {
        arena_release(q[head]);
        head = (head + 1) % CAP;
        q[(head + n - 1) % CAP] = arena_alloc(a, SIZE);
    }
    maps = arena_maps(a);
    mapped = arena_mapped(a);
    /* over three chunks' worth let go (2 MiB holds about 2,000) */
    for (i = 0; i < 6300; i++, n--) {
        arena_release(q[head]);
        head = (head + 1) % CAP;
    }
    assert_true(arena_mapped(a) < mapped); /* the third was given back */
    for (i = 0; i < 4000; i++)             /* two chunks' worth */
        q[(head + n++) % CAP] = arena_alloc(a, SIZE);
    assert_int_equal(arena_maps(a), maps);
    for (i = 0; i < n; i++)
        arena_release(q[(head + i) % CAP]);
    free(q);
    arena_free(a);
}

/* Released out of order: a chunk goes once its last piece does. */
static void arena__a_chunk_goes_with_its_last_piece_in_any_order(void **state)
{
    enum { N = 6000, SIZE = 1000 };
    struct arena *a = arena_new();
    char **p = calloc(N, sizeof *p);
    size_t i, full;
    (void)state;

    for (i = 0; i < N; i++)
        p[i] = arena_alloc(a, SIZE);
    full = arena_mapped(a);
    assert_true(full >= (size_t)N * SIZE);
    for (i = 0; i < N; i += 2) /* every other one: no chunk empties */
        arena_release(p[i]);
    assert_int_equal(arena_mapped(a), full);
    for (i = N; i > 0; i -= 2) /* the rest, newest first */
        arena_release(p[i - 1]);
    assert_true(arena_mapped(a) <= 3 * 2 * MIB); /* current, two spares */
    free(p);
    arena_free(a);
}

/* Pieces made after a huge one come from a chunk of the usual kind, not
 * from what the huge piece's chunk has left past its first 2 MiB (where
 * the chunk would not be known from a piece's address): releasing them
 * touches neither the huge piece's bytes nor anything else, and all of
 * it is given back. */
static void arena__pieces_after_a_huge_one_do_not_share_its_chunk(void **state)
{
    enum { N = 4000, SIZE = 200 };
    struct arena *a = arena_new();
    char *huge = arena_alloc(a, 3 * MIB), *p[N];
    size_t i;
    (void)state;

    memset(huge, 'h', 3 * MIB);
    for (i = 0; i < N; i++) {
        p[i] = arena_alloc(a, SIZE);
        memset(p[i], 'p', SIZE);
        assert_true(p[i] + SIZE <= huge || p[i] >= huge + 3 * MIB + MIB);
    }
    for (i = 0; i < N; i++)
        arena_release(p[i]);
    for (i = 0; i < 3 * MIB; i++)
        if (huge[i] != 'h')
            fail_msg("the huge piece's byte %zu changed", i);
    arena_release(huge);
    assert_true(arena_mapped(a) <= 3 * 2 * MIB); /* no huge chunk left */
    arena_free(a);
}

/* A piece larger than any chunk gets a chunk of its own, unmapped (not
 * kept as a spare) when it goes. */
static void arena__a_huge_piece_is_mapped_alone_and_given_back(void **state)
{
    struct arena *a = arena_new();
    char *small = arena_alloc(a, 10), *huge;
    size_t before = arena_mapped(a);
    (void)state;

    huge = arena_alloc(a, 5 * MIB);
    memset(huge, 'h', 5 * MIB);
    assert_true(arena_mapped(a) >= before + 5 * MIB);
    arena_release(small); /* its chunk stays the current one */
    arena_release(huge);
    assert_true(arena_mapped(a) <= before); /* only the small chunk kept */
    small = arena_alloc(a, 10);
    assert_non_null(small);
    arena_free(a);
}

/* Pages of the n bytes at p (page-aligned) the kernel has in memory. */
static size_t resident_pages(const void *p, size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), pages = (n + page - 1) / page;
    unsigned char *vec = calloc(pages, 1);
    size_t i, in = 0;

    assert_non_null(vec);
    assert_int_equal(mincore((void *)p, n, vec), 0);
    for (i = 0; i < pages; i++)
        in += vec[i] & 1;
    free(vec);
    return in;
}

/* Whether this kernel faults pages in on MADV_POPULATE_WRITE (5.14 on);
 * an older one refuses and the table's pages come as they are touched. */
static int kernel_populates(void)
{
#ifdef MADV_POPULATE_WRITE
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok;

    assert_true(p != MAP_FAILED);
    ok = madvise(p, page, MADV_POPULATE_WRITE) == 0;
    if (!ok)
        assert_int_equal(errno, EINVAL);
    munmap(p, page);
    return ok;
#else
    return 0;
#endif
}

/* The ring's entries: zeroed, and faulted in a step at a time (16 KiB,
 * then doubling) as the ring reaches them, by one call rather than a
 * fault per page; never past the table. */
static void arena_table__is_zeroed_and_faulted_in_a_step_at_a_time(void **state)
{
    size_t size = 100000, i;
    unsigned char *t = arena_table_new(size);
    int populates = kernel_populates();
    (void)state;

    assert_int_equal(arena_table_readied(t), 0);
    assert_int_equal(resident_pages(t, size), 0);
    arena_table_ready(t, 1);
    assert_int_equal(arena_table_readied(t), 16 * 1024);
    if (populates) {
        assert_int_equal(resident_pages(t, 16 * 1024), 4);
        assert_int_equal(resident_pages(t + 16 * 1024, size - 16 * 1024), 0);
    }
    arena_table_ready(t, 16 * 1024); /* within: nothing to do */
    assert_int_equal(arena_table_readied(t), 16 * 1024);
    arena_table_ready(t, 16 * 1024 + 1);
    assert_int_equal(arena_table_readied(t), 32 * 1024);
    arena_table_ready(t, 32 * 1024 + 1);
    assert_int_equal(arena_table_readied(t), 64 * 1024);
    if (populates)
        assert_int_equal(resident_pages(t, size), 16);
    arena_table_ready(t, SIZE_MAX); /* past the end: the whole table */
    assert_int_equal(arena_table_readied(t), 25 * 4096);
    for (i = 0; i < size; i++)
        assert_int_equal(t[i], 0);
    memset(t, 0xA5, size);
    assert_int_equal(t[size - 1], 0xA5);
    arena_table_free(t);
    arena_table_free(NULL);
}

#ifdef PERCH_ASAN
/* Under ASan the byte after a piece and a released piece are poisoned:
 * an overread of a ring text is reported as malloc's would be. */
static void arena__asan_sees_past_a_piece_and_into_a_released_one(void **state)
{
    struct arena *a = arena_new();
    char *p = arena_alloc(a, 13), *q = arena_alloc(a, 3);
    (void)state;

    assert_false(__asan_address_is_poisoned(p + 12));
    assert_true(__asan_address_is_poisoned(p + 13));
    assert_false(__asan_address_is_poisoned(q));
    arena_release(p);
    assert_true(__asan_address_is_poisoned(p));
    assert_false(__asan_address_is_poisoned(q + 2));
    arena_free(a);
}

/* ... and the bytes either side of a table. */
static void arena_table__asan_sees_either_side(void **state)
{
    char *t = arena_table_new(1000);
    (void)state;

    arena_table_ready(t, 1000);
    assert_true(__asan_address_is_poisoned(t - 1));
    assert_false(__asan_address_is_poisoned(t));
    assert_false(__asan_address_is_poisoned(t + 999));
    assert_true(__asan_address_is_poisoned(t + 1000));
    arena_table_free(t);
}
#endif

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "arena__pieces_are_aligned_apart_and_keep_their_bytes",
           arena__pieces_are_aligned_apart_and_keep_their_bytes, NULL);
    tl_add(&l, "arena_strndup__copies_n_bytes_of_a_buffer_with_no_nul",
           arena_strndup__copies_n_bytes_of_a_buffer_with_no_nul, NULL);
    tl_add(&l, "arena_release__null_and_arena_free_null_do_nothing",
           arena_release__null_and_arena_free_null_do_nothing, NULL);
    tl_add(&l, "arena__a_ring_of_pieces_reuses_its_chunks",
           arena__a_ring_of_pieces_reuses_its_chunks, NULL);
    tl_add(&l, "arena__a_ring_that_filled_maps_two_chunks_more_then_none",
           arena__a_ring_that_filled_maps_two_chunks_more_then_none, NULL);
    tl_add(&l, "arena__a_small_first_chunk_is_given_back_when_empty",
           arena__a_small_first_chunk_is_given_back_when_empty, NULL);
    tl_add(&l, "arena__a_chunk_goes_with_its_last_piece_in_any_order",
           arena__a_chunk_goes_with_its_last_piece_in_any_order, NULL);
    tl_add(&l, "arena__two_chunks_emptied_in_a_row_are_both_reused",
           arena__two_chunks_emptied_in_a_row_are_both_reused, NULL);
    tl_add(&l, "arena__pieces_after_a_huge_one_do_not_share_its_chunk",
           arena__pieces_after_a_huge_one_do_not_share_its_chunk, NULL);
    tl_add(&l, "arena__a_huge_piece_is_mapped_alone_and_given_back",
           arena__a_huge_piece_is_mapped_alone_and_given_back, NULL);
    tl_add(&l, "arena_table__is_zeroed_and_faulted_in_a_step_at_a_time",
           arena_table__is_zeroed_and_faulted_in_a_step_at_a_time, NULL);
#ifdef PERCH_ASAN
    tl_add(&l, "arena__asan_sees_past_a_piece_and_into_a_released_one",
           arena__asan_sees_past_a_piece_and_into_a_released_one, NULL);
    tl_add(&l, "arena_table__asan_sees_either_side",
           arena_table__asan_sees_either_side, NULL);
#endif
    return tl_run(&l, "arena", NULL, NULL);
}
