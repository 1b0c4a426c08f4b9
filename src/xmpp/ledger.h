/*
 * The subscription ledger: which running perch holds which subscription,
 * so that one removes a subscription only when it made it and no other
 * running perch still uses it (two `perch watch` of one node by one
 * account share the bare JID's single subscription), and so that a crash
 * leaves a trace the next start can offer to clean.
 *
 * One file, $XDG_DATA_HOME/perch/subscriptions (mode 0600), one JSON
 * object a line: {"pid","start","service","jid","node","subid","made"};
 * pid and start (the process's start time in clock ticks since boot,
 * /proc/PID/stat) name a process even after its pid is reused. Every
 * change happens under flock(2) on subscriptions.lock and replaces the
 * file whole (rename), so concurrent processes are safe. The file is
 * input like any other: lines that are not entries are dropped.
 */
#ifndef PERCH_LEDGER_H
#define PERCH_LEDGER_H

#include <stddef.h>

/* Limits on what is read. */
#define LEDGER_MAX_BYTES (1u << 20) /* the rest of a longer file is dropped */
#define LEDGER_MAX_LINE 4096
#define LEDGER_MAX_ENTRIES 4096
#define LEDGER_MAX_FIELD 1023

struct ledger_entry {
    long pid;
    unsigned long long start;
    char *service, *jid, *node; /* owned, not empty */
    char *subid;                /* owned, "" when the service gave none */
    int made; /* this process made it (or inherited it from one that did) */
};

struct ledger_list {
    struct ledger_entry *v; /* owned */
    size_t n;
};

/* ---- the text (pure; unit tested and fuzzed) ---- */

/* Appends to out every well-formed entry of text (len bytes, not
 * necessarily NUL-terminated) within the limits; *bad counts the lines
 * that were not. */
void ledger_parse(const char *text, size_t len, struct ledger_list *out,
                  size_t *bad);
/* The text of l (new string, caller frees). */
char *ledger_format(const struct ledger_list *l);
void ledger_list_done(struct ledger_list *l);

/* ---- processes ---- */

/* This process's pid and start time; -1 when /proc cannot say. */
int ledger_self(long *pid, unsigned long long *start);
/* 1 when pid runs and started at start; 0 when it ended (or the pid is
 * another's now). Without /proc, 1: never take another's for dead. */
int ledger_alive(long pid, unsigned long long start);

/* ---- the file ---- */

struct ledger;

/* The ledger in dir (NULL: env_data_dir()). NULL with *cause (caller
 * frees) when there is no directory for it. Nothing is read yet. */
struct ledger *ledger_open(const char *dir, char **cause);
void ledger_close(struct ledger *l);
const char *ledger_path(const struct ledger *l); /* borrowed */

/* This process holds service/jid/node: adds or updates its entry. made:
 * it made the subscription (an entry that says so keeps saying it).
 * 0, or -1 with *cause. */
int ledger_hold(struct ledger *l, const char *service, const char *jid,
                const char *node, const char *subid, int made, char **cause);

/* This process lets go of service/jid/node: its entry goes. *remove is 1
 * when it made the subscription and no other running perch holds the
 * same service, JID and node — then the caller removes it on the server
 * (by subid: *subid, new string or NULL). When another one does, that one
 * inherits it (made) and *remove is 0. 0, or -1 with *cause. */
int ledger_release(struct ledger *l, const char *service, const char *jid,
                   const char *node, int *remove, char **subid, char **cause);

/* Leftovers: subscriptions made by perch processes that ended without
 * removing them, that no running one holds, for the account (its bare
 * JID or a full JID of it) on service. Copied into out. 0, or -1. */
int ledger_leftovers(struct ledger *l, const char *bare, const char *service,
                     struct ledger_list *out, char **cause);

struct pubsub_subs;
/* The leftovers (as ledger_leftovers) that subs, the service's list of
 * the account's subscriptions, still holds; those it does not are gone
 * already and forgotten. 0, or -1 with *cause. */
int ledger_leftovers_listed(struct ledger *l, const char *bare,
                            const char *service, const struct pubsub_subs *subs,
                            struct ledger_list *out, char **cause);

/* Forgets an entry (a leftover removed on the server, or gone there):
 * every entry of an ended process with e's service, JID and node. */
int ledger_forget(struct ledger *l, const struct ledger_entry *e, char **cause);

/*
 * Tidies a list read from the file (pure but for ledger_alive, which
 * alive replaces in tests; NULL: ledger_alive): entries of ended processes
 * go, except made ones no running process holds (leftovers); a running
 * process holding what an ended one made inherits it.
 */
void ledger_tidy(struct ledger_list *l,
                 int (*alive)(long pid, unsigned long long start));

#endif
