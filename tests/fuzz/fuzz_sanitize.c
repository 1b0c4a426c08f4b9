/*
 * The sanitiser on any bytes: what comes out of it for text, XML and JSON
 * is UTF-8 holding no unsafe character (tab and newline only where the
 * mode keeps them), a second pass changes nothing, and JSON loads back to
 * the string it was made from.
 */
#include "fuzz.h"

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"

/* Every character of s (len bytes) is UTF-8 and safe, tab and newline
 * allowed when lines. */
static void check_safe(const char *s, size_t len, int lines)
{
    size_t at = 0, n;
    uint32_t cp;

    while (at < len) {
        n = utf8_decode(s + at, len - at, &cp);
        CHECK(n > 0);
        CHECK(!sanitize_unsafe(cp) || (lines && (cp == '\t' || cp == '\n')));
        at += n;
    }
}

static void text(const char *in, size_t size, enum sanitize_mode mode)
{
    struct buf b, again;

    buf_init(&b);
    buf_init(&again);
    sanitize_text(&b, in, size, mode);
    check_safe(b.data, b.len, mode == SANITIZE_LINES);
    sanitize_text(&again, b.data, b.len, mode);
    CHECK(again.len == b.len && memcmp(again.data, b.data, b.len) == 0);
    buf_done(&again);
    buf_done(&b);
}

static void xml(const char *in, size_t size, int attr)
{
    struct buf b;

    buf_init(&b);
    sanitize_xml(&b, in, size, attr);
    check_safe(b.data, b.len, !attr);
    CHECK(memchr(b.data, '<', b.len) == NULL);
    if (attr)
        CHECK(memchr(b.data, '\'', b.len) == NULL);
    buf_done(&b);
}

static void json(const char *in)
{
    json_t *s = sanitize_json_string(in), *back;
    char *dump;

    CHECK(s != NULL);
    dump = sanitize_json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT);
    CHECK(dump != NULL);
    check_safe(dump, strlen(dump), 0);
    back = json_loads(dump, JSON_DECODE_ANY, NULL);
    CHECK(back != NULL && json_equal(back, s));
    json_decref(back);
    json_decref(s);
    free(dump);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstr(data, size);

    text(in, size, SANITIZE_LINE);
    text(in, size, SANITIZE_LINES);
    xml(in, size, 0);
    xml(in, size, 1);
    json(in); /* up to the first NUL, as a C string */
    free(in);
    return 0;
}
