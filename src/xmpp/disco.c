/* disco#items and disco#info: requests, parsing, paging. */
#include "disco.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

#define NS_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_INFO "http://jabber.org/protocol/disco#info"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_DATA "jabber:x:data"

static char *attr_dup(xmpp_stanza_t *st, const char *name)
{
    const char *v = xmpp_stanza_get_attribute(st, name);
    return v ? xstrdup(v) : NULL;
}

static char *child_text(xmpp_stanza_t *parent, const char *name)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(parent, name);
    char *t, *copy;

    if (c == NULL || (t = xmpp_stanza_get_text(c)) == NULL)
        return NULL;
    copy = xstrdup(t);
    xmpp_free(xmpp_stanza_get_context(c), t);
    return copy;
}

static int is_element(xmpp_stanza_t *c, const char *name)
{
    return !xmpp_stanza_is_text(c) &&
           strcmp(xmpp_stanza_get_name(c), name) == 0;
}

static xmpp_stanza_t *result_query(xmpp_stanza_t *reply, const char *ns)
{
    const char *type = xmpp_stanza_get_type(reply);
    if (type == NULL || strcmp(type, "result") != 0)
        return NULL;
    return xmpp_stanza_get_child_by_name_and_ns(reply, "query", ns);
}

/* Moves the strings of items from (borrowed from a stanza) into one new
 * block: one allocation a page, not three an item. */
static void own_strings(struct disco_items *out, size_t from, size_t total)
{
    char *block = xmalloc(total ? total : 1), *at = block;
    char **fields[3];
    size_t i, k, len;

    for (i = from; i < out->n; i++) {
        fields[0] = &out->v[i].jid;
        fields[1] = &out->v[i].node;
        fields[2] = &out->v[i].name;
        for (k = 0; k < 3; k++) {
            if (*fields[k] == NULL)
                continue;
            len = strlen(*fields[k]) + 1;
            memcpy(at, *fields[k], len);
            *fields[k] = at;
            at += len;
        }
    }
    out->blocks =
        xrealloc(out->blocks, (out->nblocks + 1) * sizeof *out->blocks);
    out->blocks[out->nblocks++] = block;
}

/* The length of v with its NUL, 0 for NULL. */
static size_t size_of(const char *v)
{
    return v ? strlen(v) + 1 : 0;
}

int disco_parse_items(xmpp_stanza_t *reply, struct disco_items *out,
                      char **next)
{
    xmpp_stanza_t *q = result_query(reply, NS_ITEMS), *c, *set;
    size_t before = out->n, total = 0;
    char *count;

    *next = NULL;
    if (q == NULL)
        return -1;
    for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
        struct disco_item *it;
        const char *jid;
        if (!is_element(c, "item") ||
            (jid = xmpp_stanza_get_attribute(c, "jid")) == NULL)
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = xrealloc(out->v, out->cap * sizeof *out->v);
        }
        it = &out->v[out->n++];
        it->jid = (char *)jid;
        it->node = (char *)xmpp_stanza_get_attribute(c, "node");
        it->name = (char *)xmpp_stanza_get_attribute(c, "name");
        total += size_of(it->jid) + size_of(it->node) + size_of(it->name);
    }
    if (out->n > before)
        own_strings(out, before, total);
    set = xmpp_stanza_get_child_by_name_and_ns(q, "set", NS_RSM);
    if (set == NULL || out->n == before) /* no paging, or an empty page */
        return 0;
    count = child_text(set, "count");
    if (count == NULL || strtoul(count, NULL, 10) > out->n)
        *next = child_text(set, "last");
    free(count);
    return 0;
}

void disco_items_done(struct disco_items *items)
{
    size_t i;

    for (i = 0; i < items->nblocks; i++)
        free(items->blocks[i]);
    free(items->blocks);
    free(items->v);
    memset(items, 0, sizeof *items);
}

static void parse_form(xmpp_stanza_t *x, struct disco_info *info)
{
    xmpp_stanza_t *f, *v;

    for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
        struct disco_field *field;
        size_t n = 0;
        if (!is_element(f, "field") || !xmpp_stanza_get_attribute(f, "var"))
            continue;
        info->fields =
            xrealloc(info->fields, (info->nfields + 1) * sizeof *info->fields);
        field = &info->fields[info->nfields++];
        field->var = attr_dup(f, "var");
        field->label = attr_dup(f, "label");
        field->values = xcalloc(1, sizeof *field->values);
        for (v = xmpp_stanza_get_children(f); v; v = xmpp_stanza_get_next(v)) {
            char *t;
            if (!is_element(v, "value"))
                continue;
            t = xmpp_stanza_get_text(v);
            field->values =
                xrealloc(field->values, (n + 2) * sizeof *field->values);
            field->values[n++] = xstrdup(t ? t : "");
            field->values[n] = NULL;
            xmpp_free(xmpp_stanza_get_context(v), t);
        }
    }
}

int disco_parse_info(xmpp_stanza_t *reply, struct disco_info *info)
{
    xmpp_stanza_t *q = result_query(reply, NS_INFO), *c;
    int form_seen = 0;

    memset(info, 0, sizeof *info);
    if (q == NULL)
        return -1;
    for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
        if (is_element(c, "identity")) {
            struct disco_identity *id;
            info->identities =
                xrealloc(info->identities,
                         (info->nidentities + 1) * sizeof *info->identities);
            id = &info->identities[info->nidentities++];
            id->category = attr_dup(c, "category");
            id->type = attr_dup(c, "type");
            id->name = attr_dup(c, "name");
        } else if (is_element(c, "feature") &&
                   xmpp_stanza_get_attribute(c, "var")) {
            info->features = xrealloc(
                info->features, (info->nfeatures + 1) * sizeof *info->features);
            info->features[info->nfeatures++] = attr_dup(c, "var");
        } else if (is_element(c, "x") && !form_seen && xmpp_stanza_get_ns(c) &&
                   strcmp(xmpp_stanza_get_ns(c), NS_DATA) == 0) {
            form_seen = 1;
            parse_form(c, info);
        }
    }
    return 0;
}

void disco_info_done(struct disco_info *info)
{
    size_t i, j;

    for (i = 0; i < info->nidentities; i++) {
        free(info->identities[i].category);
        free(info->identities[i].type);
        free(info->identities[i].name);
    }
    for (i = 0; i < info->nfeatures; i++)
        free(info->features[i]);
    for (i = 0; i < info->nfields; i++) {
        free(info->fields[i].var);
        free(info->fields[i].label);
        for (j = 0; info->fields[i].values[j]; j++)
            free(info->fields[i].values[j]);
        free(info->fields[i].values);
    }
    free(info->identities);
    free(info->features);
    free(info->fields);
    memset(info, 0, sizeof *info);
}

static xmpp_stanza_t *text_element(xmpp_ctx_t *ctx, const char *name,
                                   const char *text)
{
    xmpp_stanza_t *e = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(e, name);
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child_ex(e, t, 0);
    return e;
}

static xmpp_stanza_t *query_iq(xmpp_ctx_t *ctx, const char *jid,
                               const char *node, const char *ns,
                               const char *after)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
    xmpp_stanza_t *q = xmpp_stanza_new(ctx);

    xmpp_stanza_set_to(iq, jid);
    xmpp_stanza_set_name(q, "query");
    xmpp_stanza_set_ns(q, ns);
    if (node)
        xmpp_stanza_set_attribute(q, "node", node);
    if (after) {
        xmpp_stanza_t *set = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(set, "set");
        xmpp_stanza_set_ns(set, NS_RSM);
        xmpp_stanza_add_child_ex(set, text_element(ctx, "after", after), 0);
        xmpp_stanza_add_child_ex(q, set, 0);
    }
    xmpp_stanza_add_child_ex(iq, q, 0);
    return iq;
}

xmpp_stanza_t *disco_items_iq(xmpp_ctx_t *ctx, const char *jid,
                              const char *node, const char *after)
{
    return query_iq(ctx, jid, node, NS_ITEMS, after);
}

xmpp_stanza_t *disco_info_iq(xmpp_ctx_t *ctx, const char *jid, const char *node)
{
    return query_iq(ctx, jid, node, NS_INFO, NULL);
}

struct fetch {
    struct session *s;
    char *jid, *node, *last;
    unsigned timeout_ms, pages;
    disco_items_cb cb;
    void *arg;
    struct disco_items items;
};

static void fetch_done(struct fetch *f, enum iq_outcome outcome,
                       xmpp_stanza_t *error)
{
    f->cb(f->arg, &f->items, outcome, error);
    disco_items_done(&f->items);
    free(f->jid);
    free(f->node);
    free(f->last);
    free(f);
}

static void fetch_page(struct fetch *f);

static void on_page(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                    double rtt)
{
    struct fetch *f = arg;
    char *next = NULL;
    (void)rtt;

    if (outcome != IQ_REPLY) {
        fetch_done(f, outcome, NULL);
        return;
    }
    if (disco_parse_items(reply, &f->items, &next) != 0) {
        fetch_done(f, IQ_REPLY, reply);
        return;
    }
    /* a server repeating its cursor would page forever */
    if (next && (f->pages >= DISCO_MAX_PAGES ||
                 (f->last && strcmp(next, f->last) == 0))) {
        free(next);
        next = NULL;
    }
    free(f->last);
    f->last = next;
    if (next)
        fetch_page(f);
    else
        fetch_done(f, IQ_REPLY, NULL);
}

static void fetch_page(struct fetch *f)
{
    xmpp_stanza_t *iq =
        disco_items_iq(session_ctx(f->s), f->jid, f->node, f->last);
    f->pages++;
    session_send_iq(f->s, iq, f->timeout_ms, on_page, f);
    xmpp_stanza_release(iq);
}

void disco_fetch_items(struct session *s, const char *jid, const char *node,
                       unsigned timeout_ms, disco_items_cb cb, void *arg)
{
    struct fetch *f = xcalloc(1, sizeof *f);

    f->s = s;
    f->jid = xstrdup(jid);
    f->node = node ? xstrdup(node) : NULL;
    f->timeout_ms = timeout_ms;
    f->cb = cb;
    f->arg = arg;
    fetch_page(f);
}
