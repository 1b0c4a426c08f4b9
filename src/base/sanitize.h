/*
 * The one sanitiser for text perch does not control (a server's, a
 * payload's, a file's) before it reaches an output: the console, stderr,
 * stdout lines, JSON and pretty XML. What it changes (docs/security.md):
 *
 *   - C0 controls (but tab and newline where the output keeps lines), DEL
 *     and C1 controls;
 *   - bidi controls: U+061C, U+200E/F, U+202A..202E, U+2066..2069;
 *   - invisible characters: U+180E, U+200B..200D, U+2028/2029 (line and
 *     paragraph separators), U+2060..2065, U+206A..206F, U+FEFF,
 *     U+FFF9..FFFB and the tags U+E0000..E007F;
 *   - bytes that are not UTF-8.
 *
 * In text they are shown visibly, "<U+202E>" for a code point and "\xC3"
 * for a byte that is not UTF-8; JSON gets "\u202E" (and U+FFFD for a bad
 * byte, since JSON holds Unicode only); pretty XML character references
 * ("&#x202E;"). Every form is plain ASCII, so sanitising twice changes
 * nothing more.
 */
#ifndef PERCH_SANITIZE_H
#define PERCH_SANITIZE_H

#include "buf.h"
#include "xml_escape.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

enum sanitize_mode {
    SANITIZE_LINE,  /* one line: tab and newline are shown too */
    SANITIZE_LINES, /* text of several lines: tab and newline kept */
};

/* 1 when cp is never written as itself (the list above; tab and newline
 * count as unsafe here). */
int sanitize_unsafe(uint32_t cp);

/* Appends len bytes of s to b, unsafe characters shown visibly. */
void sanitize_text(struct buf *b, const char *s, size_t len,
                   enum sanitize_mode mode);

/* s sanitised: a new string, caller frees. */
char *sanitize_str(const char *s, enum sanitize_mode mode);

/* Formats, then writes the result to f sanitised in mode. */
void sanitize_fprintf(FILE *f, enum sanitize_mode mode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sanitize_vfprintf(FILE *f, enum sanitize_mode mode, const char *fmt,
                       va_list ap);

/* 1 when s (NUL-terminated) would come out of sanitize_str unchanged. */
int sanitize_clean(const char *s, enum sanitize_mode mode);

/*
 * Appends s escaped for XML (xml_escape with XML_ALL) with every unsafe
 * character as a character reference. In an attribute value (attr) tab,
 * CR and LF are references too, so that they survive a parser's
 * normalisation; in text, tab and LF stay. A byte that is not UTF-8
 * becomes U+FFFD.
 */
void sanitize_xml(struct buf *b, const char *s, size_t len, int attr);

/* A JSON string for s: bytes that are not UTF-8 become U+FFFD (jansson
 * refuses them). New reference. */
json_t *sanitize_json_string(const char *s);

/* json_dumps(j, flags) with every unsafe character that jansson leaves
 * as it is (DEL, C1, bidi, invisible) written as \uXXXX. New string,
 * caller frees (with free: malloc's memory, whatever allocator jansson has);
 * NULL when jansson fails. */
char *sanitize_json_dumps(const json_t *j, size_t flags);

/* The same text appended to b without json_dumps' intermediate string
 * and second pass: compact (JSON_COMPACT; keys in the object's order,
 * which jansson keeps as inserted); flags matter to reals only, written
 * by jansson. 0, or -1 on what JSON cannot hold (b then holds part). */
int sanitize_json_write(struct buf *b, const json_t *j, size_t flags);

/* Appends len bytes of s (UTF-8) as one JSON string, as
 * sanitize_json_write writes a string value or key. */
void sanitize_json_put(struct buf *b, const char *s, size_t len);

#endif
