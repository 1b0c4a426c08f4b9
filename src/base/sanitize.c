/* The sanitiser: every output's rules in one place. */
#include "sanitize.h"
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
    char *text = json_dumps(j, flags);
    size_t len, at = 0, run, n;
    uint32_t cp = 0;
    struct buf b;

    if (text == NULL)
        return NULL;
    len = strlen(text);
    /* jansson escapes C0 itself; what is left unsafe sits in strings */
    if (clean_run(text, len, SANITIZE_LINES, &cp, &n) == len)
        return text;
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
    free(text);
    return buf_steal(&b);
}
