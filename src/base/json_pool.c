/* jansson's memory from free lists (json_pool.h). */
#include "json_pool.h"
#include "asan.h"

#include <jansson.h>
#include <stdlib.h>

#define STEP 16
#define SIZES 16 /* blocks of 16, 32 … 256 bytes */
#define KEEP 64  /* freed blocks kept for each size */
#define LARGE SIZES

/* Before every block, in the same malloc'd memory: its size class (LARGE:
 * any size, malloc's and free's alone) and, while it is kept, the next one
 * kept. 16 bytes, so the block keeps malloc's alignment. */
struct head {
    _Alignas(16) size_t size_class;
    struct head *next;
};

static struct {
    struct head *first;
    unsigned n;
} lists[SIZES];
static int installed;

static void *pool_malloc(size_t n)
{
    size_t c = n == 0 ? 0 : (n - 1) / STEP, size;
    struct head *h;

    if (c < SIZES && (h = lists[c].first) != NULL) {
        lists[c].first = h->next;
        lists[c].n--;
        UNPOISON(h + 1, n); /* the size's slack stays poisoned */
        return h + 1;
    }
    if (c >= SIZES) {
        c = LARGE;
        size = n;
    } else {
        size = (c + 1) * STEP;
    }
    if (size > (size_t)-1 - sizeof *h || (h = malloc(sizeof *h + size)) == NULL)
        return NULL;
    h->size_class = c;
    POISON((char *)(h + 1) + n, size - n);
    return h + 1;
}

static void pool_free(void *p)
{
    struct head *h;
    size_t c;

    if (p == NULL)
        return;
    h = (struct head *)p - 1;
    c = h->size_class;
    if (c == LARGE || lists[c].n >= KEEP) {
        UNPOISON(p, c == LARGE ? 0 : (c + 1) * STEP);
        free(h);
        return;
    }
    POISON(p, (c + 1) * STEP);
    h->next = lists[c].first;
    lists[c].first = h;
    lists[c].n++;
}

void json_pool_use(void)
{
    if (installed)
        return;
    installed = 1;
    json_set_alloc_funcs(pool_malloc, pool_free);
}

static int append(const char *text, size_t n, void *b)
{
    buf_append(b, text, n);
    return 0;
}

int json_dump_buf(const json_t *j, size_t flags, struct buf *b)
{
    size_t mark = b->len;

    if (json_dump_callback(j, append, b, flags) == 0)
        return 0;
    b->len = mark; /* jansson may stop halfway: no part of a value stays */
    if (b->data)
        b->data[mark] = '\0';
    return -1;
}

unsigned json_pool_kept(void)
{
    unsigned n = 0;
    int i;

    for (i = 0; i < SIZES; i++)
        n += lists[i].n;
    return n;
}
