/* JIDs (RFC 7622): split, check, compare. */
#ifndef PERCH_JID_H
#define PERCH_JID_H

struct jid {
    char *local;    /* NULL when absent; owned */
    char *domain;   /* never NULL after a successful parse; owned */
    char *resource; /* NULL when absent; owned */
};

/*
 * Parses s into j (zeroed first). Returns 0, or -1 with *cause set to a new
 * message (caller frees) saying what is wrong.
 */
int jid_parse(const char *s, struct jid *j, char **cause);
void jid_done(struct jid *j);

/* "local@domain" or "domain"; new string, caller frees. */
char *jid_bare(const struct jid *j);

/* Case-insensitive comparison of two JID strings' bare parts, exact on
 * resources. Returns 1 when equal. */
int jid_equal(const char *a, const char *b);

#endif
