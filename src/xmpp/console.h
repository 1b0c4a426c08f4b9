/*
 * The console ring: every stanza in and out, as text, with time and
 * direction. Bounded by entry count and by bytes; the oldest entries are
 * dropped first. SASL payloads never enter it (see console_redact).
 */
#ifndef PERCH_CONSOLE_H
#define PERCH_CONSOLE_H

#include <stddef.h>

enum console_dir { CONSOLE_IN, CONSOLE_OUT, CONSOLE_INFO };

/* What the console's filters and pairing need to know of a stanza,
 * taken from it by whoever adds it (the ring never parses). */
struct console_meta {
    const char *name; /* element name: "iq", "message", ...; may be NULL */
    const char *type; /* may be NULL */
    const char *id;   /* may be NULL */
    const char *node; /* the pubsub/disco node it is about; may be NULL */
    /* The bytes as received, raw_len of them, when they differ from the
     * text (copied, redacted as the text is); NULL: the text is them. */
    const char *raw;
    size_t raw_len;
};

/* The strings of an entry (text, raw, id, node, gist) are the ring's, in
 * its own memory (base/arena.h): read them, never free them. */
struct console_entry {
    double time; /* wall clock, seconds since the epoch */
    enum console_dir dir;
    char *text; /* the bytes as received, or as perch serialised them */
    size_t len;
    /* the bytes as received (NUL-terminated), when they differ from text:
     * what /save and the raw view show; NULL otherwise */
    char *raw;
    size_t raw_len;
    unsigned long seq; /* 1 for the first entry ever added */
    char name[12];     /* from the meta; "" when unknown */
    char type[12];
    char *id, *node; /* NULL when absent */
    /* An iq request and its reply point at each other (0: none yet);
     * rtt_ms is set on both. A REST request and its answer likewise. */
    unsigned long pair;
    double rtt_ms;
    /* A REST request and the Update that carried its requestId point at
     * each other (0: none); update_ms, from the request to the Update, is
     * set on both. */
    unsigned long update;
    double update_ms;
    /* What it says in a few words when whoever handled it knew (the app's
     * decoded events: app_gist.h); NULL when not given. */
    char *gist;
};

struct console;

struct console *console_new(size_t max_entries, size_t max_bytes);
void console_free(struct console *c);

/* Copies text (after redaction) into the ring; returns its seq. */
unsigned long console_add(struct console *c, enum console_dir dir,
                          const char *text);
/* The same with what filters need; meta and its strings are borrowed. */
unsigned long console_add_meta(struct console *c, enum console_dir dir,
                               const char *text,
                               const struct console_meta *meta);
/* The same with the n bytes at text, which need no NUL (copied once). */
unsigned long console_add_len(struct console *c, enum console_dir dir,
                              const char *text, size_t n,
                              const struct console_meta *meta);
/* Links request and reply (both still in the ring or not: missing ones
 * are skipped) with the round trip time. */
void console_pair(struct console *c, unsigned long request, unsigned long reply,
                  double rtt_ms);
/* Links a REST request and the Update carrying its requestId (either may
 * be gone) with the time between them. */
void console_pair_update(struct console *c, unsigned long request,
                         unsigned long update, double ms);
/* Keeps a copy of gist with the entry seq (none when that entry is gone). */
void console_set_gist(struct console *c, unsigned long seq, const char *gist);
/* Drops every entry; seqs go on from the last one (a replay going back
 * to its start). */
void console_clear(struct console *c);
/* The entry seq was added at t (seconds since the epoch): a replay's
 * recorded time instead of now. */
void console_set_time(struct console *c, unsigned long seq, double t);
/* Calls cb after every add (one observer; NULL removes it). */
typedef void (*console_added_cb)(void *arg, const struct console_entry *e);
void console_observe(struct console *c, console_added_cb cb, void *arg);

/* The seq of the newest entry ever added; 0 before the first. */
unsigned long console_last_seq(const struct console *c);
/* The entry with this seq, or NULL when dropped or not yet added. */
const struct console_entry *console_find(const struct console *c,
                                         unsigned long seq);

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
