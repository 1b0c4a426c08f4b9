/*
 * Templates for the input line: `/tpl NAME [ARGS]` expands NAME into one
 * single-line stanza with the own JID and the pubsub service filled in,
 * ready for editing and for xmlcheck_stanzas (no id: the session adds
 * it) — or, for the Finesse REST templates, into a `/rest METHOD PATH
 * BODY` line with the own user id and extension filled in.
 */
#ifndef PERCH_TEMPLATES_H
#define PERCH_TEMPLATES_H

#include <stddef.h>

/* Who we are and where pubsub lives; every string borrowed, may be NULL
 * (a template that needs a missing one fails with a cause). */
struct template_ctx {
    const char *jid;       /* own full JID */
    const char *bare;      /* own bare JID */
    const char *domain;    /* own server */
    const char *service;   /* pubsub service */
    const char *user;      /* Finesse user id (the JID's local part) */
    const char *extension; /* the user's extension, when known */
};

struct buf;

/* Appends the stanza to b, or returns -1 with *cause a new string. argc is
 * already within [min_args, max_args]. */
typedef int (*template_build_fn)(struct buf *b, const struct template_ctx *ctx,
                                 int argc, const char *const *argv,
                                 char **cause);

#define TEMPLATE_ARGS_ANY (-1) /* max_args: the rest of the line */

struct template
{
    const char *name;  /* "subscribe" */
    const char *usage; /* "subscribe NODE [JID]" */
    const char *help;  /* one line */
    int min_args;
    int max_args; /* or TEMPLATE_ARGS_ANY */
    template_build_fn build;
    int rest; /* builds a "/rest METHOD PATH BODY" line, not a stanza */
};

extern const struct template templates[];
extern const size_t templates_len;

/* The entry named name (borrowed, static), or NULL. */
const struct template *template_find(const char *name);

/*
 * Returns a new string (caller frees): one stanza on one line, every
 * argument escaped. NULL with *cause a new string (caller frees) naming the
 * usage when name is unknown, the argument count is wrong, a value XML
 * cannot carry was given, or ctx lacks what the template needs.
 */
char *template_expand(const char *name, const struct template_ctx *ctx,
                      int argc, const char *const *argv, char **cause);

/*
 * Stores in out up to max names (borrowed, static) starting with prefix,
 * in table order; returns how many match in all (may exceed max).
 */
size_t template_complete(const char *prefix, const char **out, size_t max);

#endif
