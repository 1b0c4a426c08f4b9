/*
 * The console ring: every stanza in and out, as text, with time and
 * direction. Bounded by entry count and by bytes; the oldest entries are
 * dropped first. SASL payloads never enter it (see console_redact).
 */
#ifndef PERCH_CONSOLE_H
#define PERCH_CONSOLE_H

#include <stddef.h>

enum console_dir { CONSOLE_IN, CONSOLE_OUT, CONSOLE_INFO };

struct console_entry {
    double time; /* wall clock, seconds since the epoch */
    enum console_dir dir;
    char *text; /* owned by the ring */
    size_t len;
    unsigned long seq; /* 1 for the first entry ever added */
};

struct console;

struct console *console_new(size_t max_entries, size_t max_bytes);
void console_free(struct console *c);

/* Copies text (after redaction) into the ring. */
void console_add(struct console *c, enum console_dir dir, const char *text);

size_t console_count(const struct console *c);
size_t console_bytes(const struct console *c);
unsigned long console_dropped(const struct console *c);
/* i = 0 is the oldest entry kept. Borrowed, valid until the next add. */
const struct console_entry *console_get(const struct console *c, size_t i);

/*
 * Returns a new string (caller frees): text with the content of every
 * SASL element (auth, response, challenge, success; any prefix) replaced
 * by "[redacted N bytes]". Legacy jabber:iq:auth <password> too.
 */
char *console_redact(const char *text);

#endif
