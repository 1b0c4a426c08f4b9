/* Bounded traffic log and secret redaction. */
#include "console.h"
#include "base/arena.h"
#include "base/loop.h"
#include "base/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct console {
    struct console_entry *entries; /* circular; an arena table */
    struct arena *mem;             /* every string of the entries */
    size_t cap, head, count;
    size_t bytes, max_bytes;
    unsigned long seq, dropped;
    console_added_cb observer;
    void *observer_arg;
};

void console_observe(struct console *c, console_added_cb cb, void *arg)
{
    c->observer = cb;
    c->observer_arg = arg;
}

struct console *console_new(size_t max_entries, size_t max_bytes)
{
    struct console *c = xcalloc(1, sizeof *c);
    c->cap = max_entries ? max_entries : 1;
    c->max_bytes = max_bytes;
    if (c->cap > SIZE_MAX / sizeof *c->entries)
        xoom();
    c->entries = arena_table_new(c->cap * sizeof *c->entries);
    c->mem = arena_new();
    return c;
}

/* The index in entries of the i-th oldest entry, i < cap (head < cap):
 * no division, several times an event. */
static size_t slot_of(const struct console *c, size_t i)
{
    size_t j = c->head + i;

    return j < c->cap ? j : j - c->cap;
}

static void drop_oldest(struct console *c)
{
    struct console_entry *e = &c->entries[c->head];
    c->bytes -= e->len + e->raw_len;
    arena_release(e->text);
    arena_release(e->raw);
    arena_release(e->id);
    arena_release(e->node);
    arena_release(e->gist);
    e->text = e->raw = e->id = e->node = e->gist = NULL;
    e->raw_len = 0;
    c->head = slot_of(c, 1);
    c->count--;
    c->dropped++;
}

void console_clear(struct console *c)
{
    unsigned long dropped = c->dropped;

    while (c->count > 0)
        drop_oldest(c);
    c->dropped = dropped;
}

void console_set_time(struct console *c, unsigned long seq, double t)
{
    struct console_entry *e = (struct console_entry *)console_find(c, seq);

    if (e)
        e->time = t;
}

void console_free(struct console *c)
{
    if (c == NULL)
        return;
    while (c->count > 0)
        drop_oldest(c);
    arena_table_free(c->entries);
    arena_free(c->mem);
    free(c);
}

static void copy_field(char *dst, size_t size, const char *src)
{
    size_t n = src ? strnlen(src, size - 1) : 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

unsigned long console_add(struct console *c, enum console_dir dir,
                          const char *text)
{
    return console_add_meta(c, dir, text, NULL);
}

static char *redact_len(const char *text, size_t len, size_t *out_len);

unsigned long console_add_meta(struct console *c, enum console_dir dir,
                               const char *text,
                               const struct console_meta *meta)
{
    return console_add_len(c, dir, text, strlen(text), meta);
}

/* A copy of the n bytes at s in the ring's memory, NUL-terminated, with
 * any secret redacted; *out_len its length. */
static char *keep(struct console *c, const char *s, size_t n, size_t *out_len)
{
    char *copy = arena_strndup(c->mem, s, n), *clean;
    size_t clean_len;

    *out_len = n;
    if ((clean = redact_len(copy, n, &clean_len)) == NULL)
        return copy;
    arena_release(copy);
    copy = arena_strndup(c->mem, clean, clean_len);
    free(clean);
    *out_len = clean_len;
    return copy;
}

/* The received bytes of meta when they differ from text and fit beside
 * it under max_bytes: kept, redacted; else NULL. */
static char *raw_copy(struct console *c, const struct console_meta *meta,
                      const char *text, size_t len, size_t *raw_len)
{
    *raw_len = 0;
    if (meta == NULL || meta->raw == NULL ||
        (meta->raw_len == len && memcmp(meta->raw, text, len) == 0) ||
        meta->raw_len + len > c->max_bytes ||
        memchr(meta->raw, '\0', meta->raw_len) != NULL)
        return NULL;
    return keep(c, meta->raw, meta->raw_len, raw_len);
}

static char *keep_string(struct console *c, const char *s)
{
    return s ? arena_strndup(c->mem, s, strlen(s)) : NULL;
}

unsigned long console_add_len(struct console *c, enum console_dir dir,
                              const char *bytes, size_t n,
                              const struct console_meta *meta)
{
    struct console_entry *e;
    size_t len, raw_len, at;
    char *text = keep(c, bytes, n, &len), *raw;

    if (len > c->max_bytes) { /* one huge stanza must not break the bound */
        len = c->max_bytes;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--; /* never cut a UTF-8 character in two */
        text[len] = '\0';
    }
    raw = raw_copy(c, meta, text, len, &raw_len);

    while (c->count > 0 &&
           (c->count == c->cap || c->bytes + len + raw_len > c->max_bytes))
        drop_oldest(c);
    at = slot_of(c, c->count);
    arena_table_ready(c->entries, (at + 1) * sizeof *e);
    e = &c->entries[at];
    e->time = loop_wall_s();
    e->dir = dir;
    e->text = text;
    e->len = len;
    e->raw = raw;
    e->raw_len = raw_len;
    e->seq = ++c->seq;
    copy_field(e->name, sizeof e->name, meta ? meta->name : NULL);
    copy_field(e->type, sizeof e->type, meta ? meta->type : NULL);
    e->id = keep_string(c, meta ? meta->id : NULL);
    e->node = keep_string(c, meta ? meta->node : NULL);
    e->pair = 0;
    e->rtt_ms = 0;
    e->update = 0;
    e->update_ms = 0;
    e->gist = NULL;
    c->count++;
    c->bytes += len + raw_len;
    if (c->observer)
        c->observer(c->observer_arg, e);
    return e->seq;
}

unsigned long console_last_seq(const struct console *c)
{
    return c->seq;
}

const struct console_entry *console_find(const struct console *c,
                                         unsigned long seq)
{
    const struct console_entry *first = console_get(c, 0);

    if (first == NULL || seq < first->seq || seq - first->seq >= c->count)
        return NULL;
    return console_get(c, seq - first->seq);
}

void console_pair(struct console *c, unsigned long request, unsigned long reply,
                  double rtt_ms)
{
    struct console_entry *q = (struct console_entry *)console_find(c, request);
    struct console_entry *a = (struct console_entry *)console_find(c, reply);

    if (q) {
        q->pair = reply;
        q->rtt_ms = rtt_ms;
    }
    if (a) {
        a->pair = request;
        a->rtt_ms = rtt_ms;
    }
}

void console_set_gist(struct console *c, unsigned long seq, const char *gist)
{
    struct console_entry *e = (struct console_entry *)console_find(c, seq);

    if (e == NULL)
        return;
    arena_release(e->gist);
    e->gist = keep_string(c, gist);
}

void console_pair_update(struct console *c, unsigned long request,
                         unsigned long update, double ms)
{
    struct console_entry *q = (struct console_entry *)console_find(c, request);
    struct console_entry *u = (struct console_entry *)console_find(c, update);

    if (q) {
        q->update = update;
        q->update_ms = ms;
    }
    if (u) {
        u->update = request;
        u->update_ms = ms;
    }
}

size_t console_count(const struct console *c)
{
    return c->count;
}

size_t console_bytes(const struct console *c)
{
    return c->bytes;
}

unsigned long console_dropped(const struct console *c)
{
    return c->dropped;
}

const struct console_entry *console_get(const struct console *c, size_t i)
{
    if (i >= c->count)
        return NULL;
    return &c->entries[slot_of(c, i)];
}

static const struct {
    const char *name;
    size_t len;
} secret_elements[] = {
    {"auth", 4},    {"response", 8}, {"challenge", 9},
    {"success", 7}, {"password", 8},
};

static int ends_name(char c)
{
    switch (c) {
    case '\0':
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '/':
    case '>':
        return 1;
    default:
        return 0;
    }
}

/* If p points at "<name" or "<prefix:name" of a secret element, returns
 * the end of the name (the char after it), else NULL. */
static const char *secret_start(const char *p)
{
    const char *name = p + 1, *end;
    size_t i, n;

    for (end = name; !ends_name(*end); end++)
        if (*end == ':' && name == p + 1) /* after the first colon */
            name = end + 1;
    n = (size_t)(end - name);
    for (i = 0; i < sizeof secret_elements / sizeof *secret_elements; i++)
        if (n == secret_elements[i].len &&
            memcmp(name, secret_elements[i].name, n) == 0)
            return end;
    return NULL;
}

/* The first secret element at or after p: its '<', *gt its '>' (an
 * element with content: not empty, not cut short); NULL when none. */
static const char *next_secret(const char *p, const char **gt)
{
    const char *lt, *name_end;

    for (; (lt = strchr(p, '<')) != NULL; p = lt + 1)
        if (lt[1] != '/' && /* an end tag, half of them: not a start */
            (name_end = secret_start(lt)) != NULL &&
            (*gt = strchr(name_end, '>')) != NULL && (*gt)[-1] != '/')
            return lt;
    return NULL;
}

/* NULL when text holds no secret element (nothing to do), else a new
 * string (caller frees) of *out_len bytes, its buffer sized once: the
 * text's length and room for one marker per secret element. */
static char *redact_len(const char *text, size_t len, size_t *out_len)
{
    static const char marker[] = "[redacted %zu bytes]";
    const char *p = text, *lt, *gt, *close;
    size_t secrets = 0;
    struct buf out;

    for (lt = next_secret(p, &gt); lt; lt = next_secret(gt + 1, &gt))
        secrets++;
    if (secrets == 0)
        return NULL;
    out.len = 0;
    out.cap = len + secrets * (sizeof marker + 3 * sizeof(size_t)) + 1;
    out.data = xmalloc(out.cap);
    out.data[0] = '\0';
    while ((lt = next_secret(p, &gt)) != NULL) {
        buf_append(&out, p, (size_t)(gt - p) + 1);
        close = strchr(gt + 1, '<');
        if (close == NULL)
            close = gt + 1 + strlen(gt + 1);
        if (close > gt + 1)
            buf_printf(&out, marker, (size_t)(close - gt - 1));
        p = close;
    }
    buf_puts(&out, p);
    *out_len = out.len;
    return buf_steal(&out);
}

char *console_redact(const char *text)
{
    size_t len = strlen(text), n;
    char *clean = redact_len(text, len, &n), *copy;

    if (clean != NULL)
        return clean;
    copy = xmalloc(len + 1);
    memcpy(copy, text, len + 1);
    return copy;
}
