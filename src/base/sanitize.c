/* The sanitiser: every output's rules in one place. */
#include "sanitize.h"
#include "json_pool.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Invisible and bidi code points above C1, as closed ranges. */
static const struct {
    uint32_t lo, hi;
} unsafe_ranges[] = {
    {0x061c, 0x061c},   /* ARABIC LETTER MARK (bidi) */
    {0x180e, 0x180e},   /* MONGOLIAN VOWEL SEPARATOR */
    {0x200b, 0x200f},   /* ZWSP, ZWNJ, ZWJ, LRM, RLM */
    {0x2028, 0x202e},   /* LS, PS, LRE, RLE, PDF, LRO, RLO */
    {0x2060, 0x206f},   /* WJ, invisible operators, LRI..PDI, deprecated */
    {0xfeff, 0xfeff},   /* ZWNBSP (BOM) */
    {0xfff9, 0xfffb},   /* interlinear annotation */
    {0xe0000, 0xe007f}, /* tags */
};

int sanitize_unsafe(uint32_t cp)
{
    size_t i;

    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 1;
    if (cp < 0x61c)
        return 0;
    for (i = 0; i < sizeof unsafe_ranges / sizeof unsafe_ranges[0]; i++)
        if (cp >= unsafe_ranges[i].lo && cp <= unsafe_ranges[i].hi)
            return 1;
    return 0;
}

/* Whether cp passes as itself in mode. */
static int kept(uint32_t cp, enum sanitize_mode mode)
{
    if (mode == SANITIZE_LINES && (cp == '\t' || cp == '\n'))
        return 1;
    return !sanitize_unsafe(cp);
}

/* Bytes of s from the start that pass unchanged; at a character that does
 * not, *n gets its length (0 for a byte that is not UTF-8) and *cp the
 * code point. */
static size_t clean_run(const char *s, size_t len, enum sanitize_mode mode,
                        uint32_t *cp, size_t *n)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) { /* the common case first */
            i++;
            continue;
        }
        *n = utf8_decode(s + i, len - i, cp);
        if (*n == 0 || !kept(*cp, mode))
            return i;
        i += *n;
    }
    *n = 0;
    return i;
}

void sanitize_text(struct buf *b, const char *s, size_t len,
                   enum sanitize_mode mode)
{
    size_t at = 0, run, n;
    uint32_t cp = 0;

    while (at < len) {
        run = clean_run(s + at, len - at, mode, &cp, &n);
        buf_append(b, s + at, run);
        at += run;
        if (at >= len)
            break;
        if (n == 0) {
            buf_printf(b, "\\x%02X", (unsigned char)s[at]);
            at++;
        } else {
            buf_printf(b, "<U+%04X>", (unsigned)cp);
            at += n;
        }
    }
    if (b->data == NULL)
        buf_append(b, "", 0);
}

char *sanitize_str(const char *s, enum sanitize_mode mode)
{
    struct buf b;

    buf_init(&b);
    sanitize_text(&b, s, strlen(s), mode);
    return buf_steal(&b);
}

void sanitize_vfprintf(FILE *f, enum sanitize_mode mode, const char *fmt,
                       va_list ap)
{
    struct buf raw, out;

    buf_init(&raw);
    buf_vprintf(&raw, fmt, ap);
    buf_init(&out);
    sanitize_text(&out, raw.data ? raw.data : "", raw.len, mode);
    fwrite(out.data, 1, out.len, f);
    buf_done(&out);
    buf_done(&raw);
}

void sanitize_fprintf(FILE *f, enum sanitize_mode mode, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sanitize_vfprintf(f, mode, fmt, ap);
    va_end(ap);
}

int sanitize_clean(const char *s, enum sanitize_mode mode)
{
    size_t len = strlen(s), n;
    uint32_t cp;

    return clean_run(s, len, mode, &cp, &n) == len;
}

void sanitize_xml(struct buf *b, const char *s, size_t len, int attr)
{
    size_t at = 0, run, n;
    uint32_t cp = 0;

    while (at < len) {
        /* in an attribute, tab and LF are references too */
        run = clean_run(s + at, len - at, attr ? SANITIZE_LINE : SANITIZE_LINES,
                        &cp, &n);
        xml_escape(b, s + at, run, XML_ALL);
        at += run;
        if (at >= len)
            break;
        if (n == 0) {
            buf_puts(b, "\xef\xbf\xbd");
            at++;
        } else {
            buf_printf(b, "&#x%X;", (unsigned)cp);
            at += n;
        }
    }
    if (b->data == NULL)
        buf_append(b, "", 0);
}

json_t *sanitize_json_string(const char *s)
{
    struct buf b;
    size_t len = strlen(s), at = 0, n;
    uint32_t cp;
    json_t *j;

    buf_init(&b);
    while (at < len) {
        n = utf8_decode(s + at, len - at, &cp);
        if (n == 0) {
            buf_puts(&b, "\xef\xbf\xbd");
            at++;
        } else {
            buf_append(&b, s + at, n);
            at += n;
        }
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    buf_done(&b);
    return j;
}

/* \uXXXX for cp, a surrogate pair above the BMP. */
static void json_escape_cp(struct buf *b, uint32_t cp)
{
    if (cp < 0x10000) {
        buf_printf(b, "\\u%04X", (unsigned)cp);
        return;
    }
    cp -= 0x10000;
    buf_printf(b, "\\u%04X\\u%04X", (unsigned)(0xd800 + (cp >> 10)),
               (unsigned)(0xdc00 + (cp & 0x3ff)));
}

char *sanitize_json_dumps(const json_t *j, size_t flags)
{
    const char *text;
    size_t len, at = 0, run, n;
    uint32_t cp = 0;
    struct buf dump, b;

    buf_init(&dump);
    if (json_dump_buf(j, flags, &dump) != 0) {
        buf_done(&dump);
        return NULL;
    }
    text = dump.data ? dump.data : "";
    len = dump.len;
    /* jansson escapes C0 itself; what is left unsafe sits in strings */
    if (clean_run(text, len, SANITIZE_LINES, &cp, &n) == len)
        return buf_steal(&dump);
    buf_init(&b);
    while (at < len) {
        run = clean_run(text + at, len - at, SANITIZE_LINES, &cp, &n);
        buf_append(&b, text + at, run);
        at += run;
        if (at >= len)
            break;
        json_escape_cp(&b, n == 0 ? 0xfffd : cp);
        at += n == 0 ? 1 : n;
    }
    buf_done(&dump);
    return buf_steal(&b);
}

/* s as a JSON string: what json_dumps escapes (quote, backslash, C0 as
 * \n \t … or \u00XX), and every other unsafe character as \uXXXX. */
static void json_put_string(struct buf *b, const char *s, size_t len)
{
    static const char short_esc[] = "btn\0fr"; /* \b .. \r, 0x08..0x0d */
    size_t at = 0, run, n;
    uint32_t cp;

    buf_append(b, "\"", 1);
    while (at < len) {
        for (run = at; run < len; run++) { /* the common case first */
            unsigned char c = (unsigned char)s[run];
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                break;
        }
        buf_append(b, s + at, run - at);
        if ((at = run) >= len)
            break;
        if (s[at] == '"' || s[at] == '\\') {
            char esc[2] = {'\\', s[at++]};
            buf_append(b, esc, 2);
            continue;
        }
        if ((unsigned char)s[at] < 0x20) {
            unsigned char c = (unsigned char)s[at++];
            if (c >= 0x08 && c <= 0x0d && short_esc[c - 0x08] != '\0') {
                char esc[2] = {'\\', short_esc[c - 0x08]};
                buf_append(b, esc, 2);
            } else {
                json_escape_cp(b, c);
            }
            continue;
        }
        n = utf8_decode(s + at, len - at, &cp);
        if (n == 0) { /* jansson holds UTF-8 only: never, but safe */
            json_escape_cp(b, 0xfffd);
            at++;
        } else if (sanitize_unsafe(cp)) {
            json_escape_cp(b, cp);
            at += n;
        } else {
            buf_append(b, s + at, n);
            at += n;
        }
    }
    buf_append(b, "\"", 1);
}

void sanitize_json_put(struct buf *b, const char *s, size_t len)
{
    json_put_string(b, s, len);
}

int sanitize_json_write(struct buf *b, const json_t *j, size_t flags)
{
    const char *key;
    json_t *v;
    size_t i;
    int first = 1;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        buf_append(b, "{", 1);
        json_object_foreach((json_t *)j, key, v)
        {
            if (!first)
                buf_append(b, ",", 1);
            first = 0;
            json_put_string(b, key, strlen(key));
            buf_append(b, ":", 1);
            if (sanitize_json_write(b, v, flags) != 0)
                return -1;
        }
        buf_append(b, "}", 1);
        return 0;
    case JSON_ARRAY:
        buf_append(b, "[", 1);
        json_array_foreach(j, i, v)
        {
            if (i > 0)
                buf_append(b, ",", 1);
            if (sanitize_json_write(b, v, flags) != 0)
                return -1;
        }
        buf_append(b, "]", 1);
        return 0;
    case JSON_STRING:
        json_put_string(b, json_string_value(j), json_string_length(j));
        return 0;
    case JSON_INTEGER:
        buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        return 0;
    case JSON_TRUE:
        buf_puts(b, "true");
        return 0;
    case JSON_FALSE:
        buf_puts(b, "false");
        return 0;
    case JSON_NULL:
        buf_puts(b, "null");
        return 0;
    case JSON_REAL: /* jansson's own form and precision */
        return json_dump_buf(j, flags | JSON_ENCODE_ANY, b);
    }
    return -1;
}
