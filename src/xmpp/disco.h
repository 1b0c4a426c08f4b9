/* Service discovery (XEP-0030) with result set paging (XEP-0059). */
#ifndef PERCH_DISCO_H
#define PERCH_DISCO_H

#include "session.h"

#include <stddef.h>

/* The strings live in their page's block (disco_items.blocks): borrowed
 * from the list, valid until disco_items_done. */
struct disco_item {
    char *jid;
    char *node; /* NULL when absent */
    char *name; /* NULL when absent */
};

struct disco_items {
    struct disco_item *v; /* owned */
    size_t n, cap;
    char **blocks; /* owned: one a page, holding its items' strings */
    size_t nblocks;
};

struct disco_identity {
    char *category, *type, *name; /* owned; name may be NULL */
};

struct disco_field {
    char *var;     /* owned */
    char *label;   /* owned, may be NULL */
    char **values; /* owned, NULL-terminated */
};

struct disco_info {
    struct disco_identity *identities;
    size_t nidentities;
    char **features; /* owned */
    size_t nfeatures;
    struct disco_field *fields; /* the first data form (node meta-data) */
    size_t nfields;
};

/*
 * Appends the items of a disco#items result to out. When the result says
 * more pages follow (RSM <set> with <last> and a <count> above what is
 * known), *next is a new string to pass as <after> (caller frees), else
 * NULL. Returns 0, or -1 when reply is not a disco#items result.
 */
int disco_parse_items(xmpp_stanza_t *reply, struct disco_items *out,
                      char **next);
void disco_items_done(struct disco_items *items);

/* Fills info from a disco#info result; 0, or -1 when it is not one. */
int disco_parse_info(xmpp_stanza_t *reply, struct disco_info *info);
void disco_info_done(struct disco_info *info);

/* A new disco#items (or #info) get iq; after is the RSM cursor or NULL. */
xmpp_stanza_t *disco_items_iq(xmpp_ctx_t *ctx, const char *jid,
                              const char *node, const char *after);
xmpp_stanza_t *disco_info_iq(xmpp_ctx_t *ctx, const char *jid,
                             const char *node);

/*
 * Fetches every item of jid[/node], following pages. cb is called once:
 * with the items and NULL, or with the error reply (borrowed) or NULL on
 * timeout/close and the outcome. items are borrowed for the call.
 */
typedef void (*disco_items_cb)(void *arg, const struct disco_items *items,
                               enum iq_outcome outcome, xmpp_stanza_t *error);
void disco_fetch_items(struct session *s, const char *jid, const char *node,
                       unsigned timeout_ms, disco_items_cb cb, void *arg);

#define DISCO_MAX_PAGES 1000

#endif
