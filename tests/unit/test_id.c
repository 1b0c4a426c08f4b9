/* Stanza ids and random alphanumeric strings. */
#include "unit.h"

#include "xmpp/id.h"

#define ALNUM "abcdefghijklmnopqrstuvwxyz0123456789"
#define MANY 100000

static int all_alnum(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == '\0' || strchr(ALNUM, s[i]) == NULL)
            return 0;
    return 1;
}

static void id_init__seeds_an_8_character_alnum_prefix(void **state)
{
    struct idgen g;
    (void)state;

    id_init(&g);
    assert_int_equal(strlen(g.prefix), 8);
    assert_true(all_alnum(g.prefix, 8));
    assert_int_equal(g.counter, 0);
}

static void id_next__writes_perch_prefix_dash_counter(void **state)
{
    struct idgen g;
    char buf[64], want[64];
    (void)state;

    id_init(&g);
    snprintf(want, sizeof want, "perch%s-1", g.prefix);
    assert_string_equal(id_next(&g, buf, sizeof buf), want);
    snprintf(want, sizeof want, "perch%s-2", g.prefix);
    assert_ptr_equal(id_next(&g, buf, sizeof buf), buf);
    assert_string_equal(buf, want);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void id_next__is_unique_over_100000_ids(void **state)
{
    struct idgen g;
    char **ids = calloc(MANY, sizeof *ids), buf[64], prefix[32];
    size_t i, plen;
    (void)state;

    assert_non_null(ids);
    id_init(&g);
    plen = (size_t)snprintf(prefix, sizeof prefix, "perch%s-", g.prefix);
    for (i = 0; i < MANY; i++) {
        ids[i] = strdup(id_next(&g, buf, sizeof buf));
        assert_non_null(ids[i]);
        /* the prefix is stable within a generator */
        assert_memory_equal(ids[i], prefix, plen);
        assert_int_equal(strtoul(ids[i] + plen, NULL, 10), i + 1);
    }
    qsort(ids, MANY, sizeof *ids, cmp_str);
    for (i = 1; i < MANY; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    for (i = 0; i < MANY; i++)
        free(ids[i]);
    free(ids);
}

static void id_next__prefixes_differ_between_two_generators(void **state)
{
    struct idgen a, b;
    char ba[64], bb[64];
    (void)state;

    id_init(&a);
    id_init(&b);
    /* 36^8 prefixes: a collision here means the seed is not random */
    assert_string_not_equal(a.prefix, b.prefix);
    /* same counter, different ids */
    assert_string_not_equal(id_next(&a, ba, sizeof ba),
                            id_next(&b, bb, sizeof bb));
}

static void id_next__truncates_to_the_buffer_and_terminates(void **state)
{
    struct idgen g;
    char buf[8];
    (void)state;

    id_init(&g);
    memset(buf, 'Z', sizeof buf);
    id_next(&g, buf, 6);
    assert_string_equal(buf, "perch");
    assert_int_equal(buf[6], 'Z'); /* nothing written past size */
}

struct alnum {
    const char *name;
    size_t n;
};

static const struct alnum alnum_rows[] = {
    {"id_random_alnum__writes_just_a_nul_for_zero", 0},
    {"id_random_alnum__writes_one_character", 1},
    {"id_random_alnum__writes_63_characters", 63},
    {"id_random_alnum__writes_64_characters_one_chunk", 64},
    {"id_random_alnum__writes_65_characters_over_two_chunks", 65},
    {"id_random_alnum__writes_1000_characters", 1000},
};

static void alnum(void **state)
{
    const struct alnum *r = *state;
    char *buf = malloc(r->n + 2);
    (void)state;

    assert_non_null(buf);
    memset(buf, '#', r->n + 2);
    id_random_alnum(buf, r->n);
    assert_int_equal(strlen(buf), r->n);
    assert_true(all_alnum(buf, r->n));
    assert_int_equal(buf[r->n + 1], '#'); /* n characters and a NUL only */
    free(buf);
}

static void id_random_alnum__uses_every_character_of_a_z_0_9(void **state)
{
    char *buf = malloc(MANY + 1);
    int seen[256] = {0};
    size_t i;
    (void)state;

    assert_non_null(buf);
    id_random_alnum(buf, MANY);
    for (i = 0; i < MANY; i++)
        seen[(unsigned char)buf[i]]++;
    for (i = 0; i < 256; i++) {
        int in_set = i != 0 && strchr(ALNUM, (int)i) != NULL;
        if (in_set)
            assert_true(seen[i] > 0); /* expected ~2778 each */
        else
            assert_int_equal(seen[i], 0);
    }
    free(buf);
}

static void id_random_alnum__differs_between_calls(void **state)
{
    char a[33], b[33];
    (void)state;

    id_random_alnum(a, 32);
    id_random_alnum(b, 32);
    assert_string_not_equal(a, b);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "id_init__seeds_an_8_character_alnum_prefix",
           id_init__seeds_an_8_character_alnum_prefix, NULL);
    tl_add(&l, "id_next__writes_perch_prefix_dash_counter",
           id_next__writes_perch_prefix_dash_counter, NULL);
    tl_add(&l, "id_next__is_unique_over_100000_ids",
           id_next__is_unique_over_100000_ids, NULL);
    tl_add(&l, "id_next__prefixes_differ_between_two_generators",
           id_next__prefixes_differ_between_two_generators, NULL);
    tl_add(&l, "id_next__truncates_to_the_buffer_and_terminates",
           id_next__truncates_to_the_buffer_and_terminates, NULL);
    TL_ROWS(&l, alnum_rows, alnum);
    tl_add(&l, "id_random_alnum__uses_every_character_of_a_z_0_9",
           id_random_alnum__uses_every_character_of_a_z_0_9, NULL);
    tl_add(&l, "id_random_alnum__differs_between_calls",
           id_random_alnum__differs_between_calls, NULL);
    return tl_run(&l, "id", NULL, NULL);
}
