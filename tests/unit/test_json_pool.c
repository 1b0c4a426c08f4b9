/* json_pool: jansson's memory from free lists — reuse, bounds, jansson's
 * values and texts through it. */
#include "unit.h"

#include "base/asan.h"
#include "base/json_pool.h"
#include "base/sanitize.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_malloc_t pool_malloc;
static json_free_t pool_free;

static void json_pool__a_freed_block_serves_the_next_of_its_size(void **state)
{
    unsigned kept = json_pool_kept();
    char *p = pool_malloc(40), *q, *r;
    (void)state;

    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 'x', 40);
    pool_free(p);
    assert_int_equal(json_pool_kept(), kept + 1);
    q = pool_malloc(33); /* 33 to 48 bytes: the same size */
    assert_ptr_equal(q, p);
    assert_int_equal(json_pool_kept(), kept);
    r = pool_malloc(49); /* the next size: another block */
    assert_ptr_not_equal(r, p);
    memset(q, 'y', 33);
    memset(r, 'z', 49);
    pool_free(q);
    pool_free(r);
}

static void
json_pool__keeps_64_blocks_of_a_size_and_frees_the_rest(void **state)
{
    char *p[100];
    unsigned kept = json_pool_kept();
    int i;
    (void)state;

    for (i = 0; i < 100; i++)
        p[i] = pool_malloc(200); /* 193 to 208 bytes: none kept before */
    for (i = 0; i < 100; i++)
        pool_free(p[i]);
    /* the 36 beyond went to free: LeakSanitizer would report them */
    assert_int_equal(json_pool_kept(), kept + 64);
    for (i = 0; i < 64; i++)
        p[i] = pool_malloc(200);
    assert_int_equal(json_pool_kept(), kept);
    for (i = 0; i < 64; i++)
        pool_free(p[i]);
}

static void json_pool__large_and_empty_blocks(void **state)
{
    unsigned kept = json_pool_kept();
    char *big = pool_malloc(100000), *none = pool_malloc(0);
    (void)state;

    assert_non_null(big);
    assert_non_null(none);
    memset(big, 'b', 100000);
    pool_free(big); /* to free: never kept */
    assert_int_equal(json_pool_kept(), kept);
    pool_free(none);
    assert_int_equal(json_pool_kept(), kept + 1);
    pool_free(NULL);
    json_pool_use(); /* a second time: nothing changes */
    assert_int_equal(json_pool_kept(), kept + 1);
}

/* Values made, printed, read back and freed through the pool; their text
 * is malloc's (json_dump_buf, sanitize_json_dumps), freed by free: ASan
 * reports a free of anything else. */
static void json_pool__jansson_values_and_texts_go_through_it(void **state)
{
    json_t *o = json_object(), *back, *a = json_array();
    char *text, *clean;
    json_error_t err;
    struct buf b;
    int i;
    (void)state;

    for (i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_string(key));
        json_array_append_new(a, json_integer(i));
    }
    json_object_set_new(o, "list", a);
    buf_init(&b);
    buf_puts(&b, "> ");
    assert_int_equal(json_dump_buf(o, JSON_COMPACT | JSON_SORT_KEYS, &b), 0);
    text = buf_steal(&b);
    assert_true(strncmp(text, "> {", 3) == 0);
    back = json_loads(text + 2, 0, &err);
    assert_non_null(back);
    assert_true(json_equal(o, back));
    free(text);
    clean = sanitize_json_dumps(back, JSON_COMPACT);
    assert_non_null(clean);
    assert_non_null(strstr(clean, "\"k199\":\"k199\""));
    free(clean);
    /* what jansson refuses: a bare value without JSON_ENCODE_ANY */
    a = json_integer(7);
    buf_init(&b);
    assert_int_equal(json_dump_buf(a, 0, &b), -1);
    assert_int_equal(json_dump_buf(a, JSON_ENCODE_ANY, &b), 0);
    assert_string_equal(b.data, "7");
    json_decref(a);
    /* refused halfway (a string that is not UTF-8, let in unchecked, after
     * a member already written): b is as it was */
    a = json_object();
    json_object_set_new(a, "fine", json_string("yes"));
    json_object_set_new(a, "bad", json_stringn_nocheck("\xff", 1));
    assert_int_equal(json_dump_buf(a, JSON_COMPACT, &b), -1);
    assert_int_equal(b.len, 1);
    assert_string_equal(b.data, "7");
    buf_done(&b);
    json_decref(a);
    json_decref(back);
    json_decref(o);
}

#ifdef PERCH_ASAN
/* AddressSanitizer sees past what was asked for, and into a freed block. */
static void json_pool__asan_sees_past_a_block_and_into_a_freed_one(void **state)
{
    char *p = pool_malloc(20);
    (void)state;

    assert_false(__asan_address_is_poisoned(p + 19));
    assert_true(__asan_address_is_poisoned(p + 20)); /* the size's slack */
    pool_free(p);
    assert_true(__asan_address_is_poisoned(p));
    assert_true(__asan_address_is_poisoned(p + 19));
    p = pool_malloc(30); /* the same block again, 30 bytes of it */
    assert_false(__asan_address_is_poisoned(p + 29));
    assert_true(__asan_address_is_poisoned(p + 30));
    pool_free(p);
}
#endif

int main(void)
{
    struct test_list l = {0};

    json_pool_use(); /* before any jansson value, as main does */
    json_get_alloc_funcs(&pool_malloc, &pool_free);
    tl_add(&l, "json_pool__a_freed_block_serves_the_next_of_its_size",
           json_pool__a_freed_block_serves_the_next_of_its_size, NULL);
    tl_add(&l, "json_pool__keeps_64_blocks_of_a_size_and_frees_the_rest",
           json_pool__keeps_64_blocks_of_a_size_and_frees_the_rest, NULL);
    tl_add(&l, "json_pool__large_and_empty_blocks",
           json_pool__large_and_empty_blocks, NULL);
    tl_add(&l, "json_pool__jansson_values_and_texts_go_through_it",
           json_pool__jansson_values_and_texts_go_through_it, NULL);
#ifdef PERCH_ASAN
    tl_add(&l, "json_pool__asan_sees_past_a_block_and_into_a_freed_one",
           json_pool__asan_sees_past_a_block_and_into_a_freed_one, NULL);
#endif
    return tl_run(&l, "json_pool", NULL, NULL);
}
