/* The model: decoded events in, typed tables out. What each kind does is
 * in model_agents.c and model_dialogs.c; here the dispatch, the items
 * already applied, system info, API errors, nodes and times. */
#include "base/buf.h"
#include "base/clock.h"
#include "decode/keys.h"
#include "model_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *model_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void model_set(char **field, const char *v)
{
    if (*field && v && strcmp(*field, v) == 0)
        return; /* most of an Update repeats what the model holds */
    free(*field);
    *field = v ? xstrdup(v) : NULL;
}

void model_take_str(char **field, const char *v)
{
    if (v)
        model_set(field, v);
}

void model_take(char **field, json_t *o, const char *key)
{
    model_take_str(field, model_str(o, key));
}

int model_is_delete(const struct incoming *e)
{
    return e->event && strcasecmp(e->event, EV_EVENT_DELETE) == 0;
}

char *model_path_id(const char *path, const char *prefix, const char *rest)
{
    size_t n = prefix ? strlen(prefix) : 0, seg, r = strlen(rest);
    const char *id, *tail;

    if (path == NULL || strncmp(path, prefix, n) != 0)
        return NULL;
    id = path + n;
    seg = strcspn(id, "/");
    tail = id + seg;
    if (seg == 0)
        return NULL;
    if (r > 0 && rest[r - 1] == '/') {
        if (strncmp(tail, rest, r) != 0 || tail[r] == '\0' ||
            strchr(tail + r, '/') != NULL)
            return NULL;
    } else if (strcmp(tail, rest) != 0) {
        return NULL;
    }
    return xstrndup(id, seg);
}

double model_parse_time(const char *s)
{
    double ms, res;

    return clock_parse_iso(s, &ms, &res) == 0 ? ms : 0;
}

/* --- system info, nodes, the rest --- */

static void system_done(struct system_info *s)
{
    free(s->status);
    free(s->reason);
    free(s->deployment_type);
    free(s->xmpp_domain);
    free(s->pubsub_domain);
    free(s->current_timestamp);
    free(s->primary_host);
    free(s->secondary_host);
    memset(s, 0, sizeof *s);
}

static void apply_systeminfo(struct model *m, const struct incoming *e)
{
    json_t *si = json_object_get(e->ev, EVK_SYSTEMINFO);
    struct system_info *s = &m->system;

    if (model_str(si, EVK_STATUS)) { /* the reason goes with its status */
        model_take(&s->status, si, EVK_STATUS);
        model_set(&s->reason, NULL);
    }
    model_take(&s->reason, si, EVK_STATUS_REASON);
    model_take(&s->deployment_type, si, EVK_DEPLOYMENT_TYPE);
    model_take(&s->xmpp_domain, si, EVK_XMPP_DOMAIN);
    model_take(&s->pubsub_domain, si, EVK_XMPP_PUBSUB_DOMAIN);
    model_take(&s->pubsub_domain, si, EVK_PUBSUB_DOMAIN);
    if (model_str(si, EVK_CURRENT_TIMESTAMP)) {
        model_take(&s->current_timestamp, si, EVK_CURRENT_TIMESTAMP);
        s->current_ms = model_parse_time(s->current_timestamp);
    }
    model_take(&s->primary_host, json_object_get(si, EVK_PRIMARY_NODE),
               EVK_HOST);
    model_take(&s->secondary_host, json_object_get(si, EVK_SECONDARY_NODE),
               EVK_HOST);
}

static void apply_node_deleted(struct model *m, const struct incoming *e)
{
    if (e->node && *e->node)
        model_node_subscribed(m, e->node, 0);
}

static void apply_subscription(struct model *m, const struct incoming *e)
{
    const char *state = model_str(e->ev, EVK_SUBSCRIPTION);

    if (e->node && *e->node && state)
        model_node_subscribed(m, e->node,
                              strcmp(state, EV_SUBSCRIPTION_SUBSCRIBED) == 0);
}

static void apply_raw(struct model *m, const struct incoming *e)
{
    (void)e;
    m->raw_events++;
}

/* --- API errors --- */

static void api_error_done(struct api_error *x)
{
    free(x->request_id);
    free(x->type);
    free(x->message);
    free(x->data);
    free(x->node);
    free(x->source);
    memset(x, 0, sizeof *x);
}

/* Each apiError into the ring, with the envelope's requestId. */
static void apply_errors(struct model *m, const struct incoming *e)
{
    json_t *list = json_object_get(e->ev, EVK_ERRORS), *o;
    struct api_error *x;
    size_t i;

    json_array_foreach(list, i, o)
    {
        x = &m->errors[m->errors_total++ % MODEL_ERRORS_KEPT];
        api_error_done(x);
        model_set(&x->request_id, model_str(e->ev, EVK_REQUEST_ID));
        model_set(&x->type, model_str(o, EVK_ERROR_TYPE));
        model_set(&x->message, model_str(o, EVK_ERROR_MESSAGE));
        model_set(&x->data, model_str(o, EVK_ERROR_DATA));
        model_set(&x->node, e->node);
        model_set(&x->source, e->source);
        x->at_ms = e->now;
    }
}

const struct api_error *model_error(const struct model *m, unsigned long n)
{
    if (n >= m->errors_total || m->errors_total - n > MODEL_ERRORS_KEPT)
        return NULL;
    return &m->errors[n % MODEL_ERRORS_KEPT];
}

/* What each kind does; any other kind (xml, retract, purge,
 * configuration, unknown) only counts on its node. */
static const struct {
    const char *kind;
    unsigned changes; /* MODEL_CHANGED_* besides NODES */
    void (*apply)(struct model *m, const struct incoming *e);
} kinds[] = {
    {EV_KIND_USER, MODEL_CHANGED_AGENTS, model_apply_user},
    {EV_KIND_TEAM, MODEL_CHANGED_AGENTS, model_apply_team},
    {EV_KIND_MEDIA, MODEL_CHANGED_AGENTS, model_apply_media},
    {EV_KIND_DIALOGS, MODEL_CHANGED_DIALOGS, model_apply_dialogs},
    {EV_KIND_QUEUE, MODEL_CHANGED_OTHER, model_apply_queue},
    {EV_KIND_QUEUES, MODEL_CHANGED_OTHER, model_apply_queues},
    {EV_KIND_SYSTEMINFO, MODEL_CHANGED_OTHER, apply_systeminfo},
    {EV_KIND_ERROR, MODEL_CHANGED_OTHER, apply_errors},
    {EV_KIND_DELETE, MODEL_CHANGED_OTHER, apply_node_deleted},
    {EV_KIND_SUBSCRIPTION, MODEL_CHANGED_OTHER, apply_subscription},
    {EV_KIND_RAW, MODEL_CHANGED_OTHER, apply_raw},
};

static void node_free(void *p)
{
    struct node_entry *n = p;
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < MODEL_SEEN_ITEMS; i++)
        free(n->seen_id[i]);
    free(n->path);
    free(n);
}

void model_init(struct model *m)
{
    memset(m, 0, sizeof *m);
    map_init(&m->agents);
    map_init(&m->dialogs);
    map_init(&m->teams);
    map_init(&m->queues);
    map_init(&m->nodes);
    m->ended_keep_ms = MODEL_ENDED_KEEP_MS;
}

void model_done(struct model *m)
{
    size_t i;

    map_done(&m->agents, model_agent_free);
    map_done(&m->dialogs, model_dialog_free);
    map_done(&m->teams, model_team_free);
    map_done(&m->queues, model_queue_free);
    map_done(&m->nodes, node_free);
    system_done(&m->system);
    for (i = 0; i < MODEL_ERRORS_KEPT; i++)
        api_error_done(&m->errors[i]);
    memset(m, 0, sizeof *m);
}

size_t model_expire(struct model *m, double now_ms)
{
    size_t i = 0, n = 0;
    const char *key;
    void *val;

    m->expired_ms = now_ms;
    while (map_next(&m->dialogs, &i, &key, &val)) {
        struct dialog *d = val;
        if (d->ended_ms > 0 && now_ms - d->ended_ms >= m->ended_keep_ms) {
            model_dialog_free(map_del(&m->dialogs, d->id));
            m->removed++;
            n++;
            i = 0; /* deletion moves entries: start over */
        }
    }
    return n;
}

/* --- items already applied --- */

/* Kinds that come from an <item> (the others carry the id of an item
 * they are about: a retract names the one it takes away). */
static int from_item(const char *kind)
{
    static const char *const not_items[] = {
        EV_KIND_RETRACT, EV_KIND_PURGE, EV_KIND_DELETE, EV_KIND_SUBSCRIPTION,
        EV_KIND_CONFIGURATION};
    size_t i;

    for (i = 0; i < sizeof not_items / sizeof *not_items; i++)
        if (strcmp(kind, not_items[i]) == 0)
            return 0;
    return 1;
}

#define HASH_DEPTH 16 /* decoded events nest 5 deep */
#define HASH_SEED 1469598103934665603ULL

/* One word into h: (h ^ w) * k, the high half folded down. */
static unsigned long long mix_word(unsigned long long h, unsigned long long w)
{
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 32);
}

/* n bytes into h, after their count, a word at a time (byte-wise FNV-1a
 * took a multiply per byte). */
static unsigned long long mix(unsigned long long h, const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned long long w;

    h = mix_word(h, n);
    for (; n >= sizeof w; b += sizeof w, n -= sizeof w) {
        memcpy(&w, b, sizeof w);
        h = mix_word(h, w);
    }
    if (n > 0) {
        w = 0;
        memcpy(&w, b, n);
        h = mix_word(h, w);
    }
    return h;
}

/* A hash of a JSON value, walked in order: types, lengths, keys and
 * scalars (what is nested deeper than HASH_DEPTH counts by its type). The
 * same item fetched again hashes the same; a node that reuses one item id
 * for new content does not. Cheaper than printing the event. */
static unsigned long long hash_json(unsigned long long h, json_t *v, int depth)
{
    json_int_t n;
    double d;
    size_t i;
    json_t *x;
    void *it;

    h = mix_word(h, (unsigned long long)json_typeof(v));
    switch (json_typeof(v)) {
    case JSON_OBJECT: /* the keys' lengths are jansson's: no strlen */
        if (depth < HASH_DEPTH)
            for (it = json_object_iter(v); it;
                 it = json_object_iter_next(v, it)) {
                h = mix(h, json_object_iter_key(it),
                        json_object_iter_key_len(it));
                h = hash_json(h, json_object_iter_value(it), depth + 1);
            }
        break;
    case JSON_ARRAY:
        if (depth < HASH_DEPTH)
            json_array_foreach(v, i, x) h = hash_json(h, x, depth + 1);
        break;
    case JSON_STRING:
        h = mix(h, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        n = json_integer_value(v);
        h = mix(h, &n, sizeof n);
        break;
    case JSON_REAL:
        d = json_real_value(v);
        h = mix(h, &d, sizeof d);
        break;
    default: /* true, false, null: the type says it */
        break;
    }
    return h;
}

/* 1 when node n applied the item with this id and hash. */
static int seen_in(const struct node_entry *n, const char *item,
                   unsigned long long h)
{
    unsigned i;

    for (i = 0; n && i < MODEL_SEEN_ITEMS; i++)
        if (n->seen_id[i] && n->seen_hash[i] == h &&
            strcmp(n->seen_id[i], item) == 0)
            return 1;
    return 0;
}

int model_seen(const struct model *m, json_t *ev)
{
    const char *node = model_str(ev, EVK_NODE), *item = model_str(ev, EVK_ITEM);

    if (node == NULL || item == NULL)
        return 0;
    return seen_in(map_get(&m->nodes, node), item, hash_json(HASH_SEED, ev, 0));
}

/* 1 when node n applied this item before; else remembers it. */
static int seen_before(struct node_entry *n, const char *item, json_t *ev)
{
    unsigned long long h = hash_json(HASH_SEED, ev, 0);
    unsigned i;

    if (seen_in(n, item, h))
        return 1;
    i = n->seen_next++ % MODEL_SEEN_ITEMS;
    model_set(&n->seen_id[i], item);
    n->seen_hash[i] = h;
    return 0;
}

unsigned model_apply(struct model *m, json_t *ev, double now_ms)
{
    const char *kind = model_str(ev, EVK_KIND);
    const char *item = model_str(ev, EVK_ITEM);
    struct incoming e = {ev, model_str(ev, EVK_NODE), model_str(ev, EVK_EVENT),
                         model_str(ev, EVK_SOURCE), now_ms};
    struct node_entry *n = NULL;
    size_t i;

    if (e.node && *e.node)
        n = model_node(m, e.node, 1);
    if (n && item && kind && from_item(kind) && seen_before(n, item, ev)) {
        m->duplicates++;
        return 0;
    }
    m->events++;
    if (now_ms - m->expired_ms >= 1000)
        model_expire(m, now_ms);
    if (n) {
        n->events++;
        n->last_ms = now_ms;
    }
    if (kind == NULL)
        return MODEL_CHANGED_NODES;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i].kind) == 0) {
            kinds[i].apply(m, &e);
            return MODEL_CHANGED_NODES | kinds[i].changes;
        }
    return MODEL_CHANGED_NODES | MODEL_CHANGED_OTHER;
}

double model_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

double model_now_ms(const struct model *m)
{
    return m->clock_ms > 0 ? m->clock_ms : model_wall_ms();
}

double model_since_ms(const struct model *m, double server_ms, double now_ms)
{
    double t;

    if (server_ms <= 0)
        return -1;
    t = now_ms + m->drift_ms - server_ms;
    return t < 0 ? 0 : t;
}

double model_time_in_state_ms(const struct model *m, const struct agent *a,
                              double now_ms)
{
    return model_since_ms(m, a->state_change_ms, now_ms);
}

struct node_entry *model_node(struct model *m, const char *path, int create)
{
    struct node_entry *n = map_get(&m->nodes, path);

    if (n == NULL && create) {
        n = xcalloc(1, sizeof *n);
        n->path = xstrdup(path);
        map_put(&m->nodes, path, n);
        m->nodes_changed++;
    }
    return n;
}

/* 1 when path is one of v[0..n). */
static int among(const char *path, const char *const *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(v[i], path) == 0)
            return 1;
    return 0;
}

size_t model_nodes_sync(struct model *m, const char *const *listed,
                        size_t nlisted, int have_listed,
                        const char *const *subscribed, size_t nsub)
{
    char **gone = xcalloc(m->nodes.n + 1, sizeof *gone);
    size_t i = 0, k, n = 0;
    const char *key;
    void *val;

    while (map_next(&m->nodes, &i, &key, &val)) {
        int sub = among(key, subscribed, nsub);
        if (have_listed && !sub && !among(key, listed, nlisted))
            gone[n++] = xstrdup(key);
        else
            model_node_subscribed(m, key, sub);
    }
    for (k = 0; k < n; k++) {
        struct node_entry *e = map_del(&m->nodes, gone[k]);
        if (e->subscribed)
            m->subscribed--;
        node_free(e);
        free(gone[k]);
    }
    free(gone);
    if (n)
        m->nodes_changed++;
    for (k = 0; have_listed && k < nlisted; k++)
        model_node(m, listed[k], 1);
    for (k = 0; k < nsub; k++)
        model_node_subscribed(m, subscribed[k], 1);
    return n;
}

void model_node_subscribed(struct model *m, const char *path, int yes)
{
    struct node_entry *n = model_node(m, path, 1);

    yes = yes != 0;
    if (n->subscribed == yes)
        return;
    n->subscribed = yes;
    if (yes)
        m->subscribed++;
    else
        m->subscribed--;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct node_entry *x = *(const struct node_entry *const *)a;
    const struct node_entry *y = *(const struct node_entry *const *)b;
    return strcmp(x->path, y->path);
}

size_t model_tree(const struct model *m, struct tree_row **rows)
{
    const struct node_entry **v = xcalloc(m->nodes.n + 1, sizeof *v);
    struct tree_row *out = NULL;
    size_t n = 0, i = 0, k, cap = 0;
    const char *key;
    void *val;
    const char *prev = "";

    while (map_next(&m->nodes, &i, &key, &val))
        v[n++] = val;
    qsort(v, n, sizeof *v, cmp_entry);
    i = 0;
    for (k = 0; k < n; k++) {
        const char *path = v[k]->path, *p = path;
        int depth = 0;
        /* one row per segment not already shown by the previous path */
        while (*p) {
            const char *seg, *end;
            size_t plen;
            while (*p == '/')
                p++;
            if (*p == '\0')
                break;
            seg = p;
            end = seg + strcspn(seg, "/");
            plen = (size_t)(end - path);
            if (!(strncmp(prev, path, plen) == 0 &&
                  (prev[plen] == '/' || prev[plen] == '\0')) ||
                *end == '\0') {
                if (i == cap) {
                    cap = cap ? cap * 2 : 64;
                    out = xrealloc(out, cap * sizeof *out);
                }
                out[i].segment = seg;
                out[i].seglen = (size_t)(end - seg);
                out[i].depth = depth;
                out[i].node = *end == '\0' ? v[k] : NULL;
                out[i].prefix = xstrndup(path, plen);
                /* a prefix row that is itself a node comes as that node */
                if (*end != '\0' && map_get(&m->nodes, out[i].prefix)) {
                    free(out[i].prefix);
                } else {
                    i++;
                }
            }
            depth++;
            p = end;
        }
        prev = path;
    }
    free(v);
    *rows = out;
    return i;
}

void model_tree_free(struct tree_row *rows, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(rows[i].prefix);
    free(rows);
}
