/* The model: decoded events in, typed tables out. */
#define _XOPEN_SOURCE 700 /* strptime */
#include "model.h"
#include "base/buf.h"
#include "decode/keys.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What every kind's apply function gets. */
struct incoming {
    json_t *ev;        /* the whole event (borrowed) */
    const char *node;  /* NULL when it has none */
    const char *event; /* "POST", "PUT", "DELETE" …; NULL when none */
    double now;        /* local clock */
};

/* The string at key; NULL when absent or not a string. */
static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void set(char **field, const char *v)
{
    free(*field);
    *field = v ? xstrdup(v) : NULL;
}

/* Replaces *field with the object's value for key, when present. */
static void take(char **field, json_t *o, const char *key)
{
    const char *v = str(o, key);
    if (v)
        set(field, v);
}

double model_parse_time(const char *s)
{
    struct tm tm;
    const char *rest;
    double frac = 0;

    if (s == NULL || *s == '\0' || strcmp(s, "-1") == 0 || strcmp(s, "--") == 0)
        return 0;
    memset(&tm, 0, sizeof tm);
    rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == NULL)
        return 0;
    if (*rest == '.')
        frac = strtod(rest, NULL);
    return ((double)timegm(&tm) + frac) * 1000.0;
}

static void agent_free(void *p)
{
    struct agent *a = p;
    if (a == NULL)
        return;
    free(a->login_id);
    free(a->login_name);
    free(a->first_name);
    free(a->last_name);
    free(a->extension);
    free(a->state);
    free(a->pending_state);
    free(a->reason_code_id);
    free(a->reason_label);
    free(a->team_id);
    free(a->team_name);
    free(a);
}

/* --- dialogs --- */

#define DIALOG_FIELD(key, member)                                              \
    {                                                                          \
        key, offsetof(struct dialog, member)                                   \
    }

const struct dialog_field model_dialog_fields[] = {
    DIALOG_FIELD(EVK_ID, id),
    DIALOG_FIELD(EVK_URI, uri),
    DIALOG_FIELD(EVK_STATE, state),
    DIALOG_FIELD(EVK_MEDIA_TYPE, media_type),
    DIALOG_FIELD(EVK_FROM_ADDRESS, from_address),
    DIALOG_FIELD(EVK_TO_ADDRESS, to_address),
    DIALOG_FIELD(EVK_CALL_TYPE, call_type),
    DIALOG_FIELD(EVK_DNIS, dnis),
    DIALOG_FIELD(EVK_DIALED_NUMBER, dialed_number),
    DIALOG_FIELD(EVK_SECONDARY_ID, secondary_id),
    DIALOG_FIELD(EVK_ASSOCIATED_DIALOG_URI, associated_dialog_uri),
    DIALOG_FIELD(EVK_CALLBACK_NUMBER, callback_number),
    DIALOG_FIELD(EVK_MEDIA_ID, media_id),
    DIALOG_FIELD(EVK_OUTBOUND_CLASSIFICATION, outbound_classification),
    DIALOG_FIELD(EVK_QUEUE_NUMBER, queue_number),
    DIALOG_FIELD(EVK_QUEUE_NAME, queue_name),
    DIALOG_FIELD(EVK_CALL_KEY_CALL_ID, call_key_call_id),
    DIALOG_FIELD(EVK_CALL_KEY_SEQUENCE_NUM, call_key_sequence_num),
    DIALOG_FIELD(EVK_CALL_KEY_PREFIX, call_key_prefix),
    DIALOG_FIELD(EVK_WRAP_UP_REASON, wrap_up_reason),
    {NULL, 0},
};

static char **dialog_slot(struct dialog *d, const struct dialog_field *f)
{
    return (char **)((char *)d + f->offset);
}

const char *model_dialog_field(const struct dialog *d,
                               const struct dialog_field *f)
{
    return *(char *const *)((const char *)d + f->offset);
}

static void participants_free(struct participant *v, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        free(v[i].media_address);
        free(v[i].media_address_type);
        free(v[i].state);
        free(v[i].state_cause);
        free(v[i].start_time);
        free(v[i].state_change_time);
        for (j = 0; j < v[i].nactions; j++)
            free(v[i].actions[j]);
        free(v[i].actions);
    }
    free(v);
}

static void call_vars_free(struct call_var *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

static void dialog_free(void *p)
{
    struct dialog *d = p;
    const struct dialog_field *f;

    if (d == NULL)
        return;
    for (f = model_dialog_fields; f->name; f++)
        free(*dialog_slot(d, f));
    participants_free(d->participants, d->nparticipants);
    call_vars_free(d->call_vars, d->ncall_vars);
    free(d->node);
    free(d);
}

/* An action that is not a string is left out. */
static void read_participant(struct participant *p, json_t *o)
{
    json_t *actions = json_object_get(o, EVK_ACTIONS), *a;
    size_t i;

    take(&p->media_address, o, EVK_MEDIA_ADDRESS);
    take(&p->media_address_type, o, EVK_MEDIA_ADDRESS_TYPE);
    take(&p->state, o, EVK_STATE);
    take(&p->state_cause, o, EVK_STATE_CAUSE);
    take(&p->start_time, o, EVK_START_TIME);
    take(&p->state_change_time, o, EVK_STATE_CHANGE_TIME);
    p->start_ms = model_parse_time(p->start_time);
    p->state_change_ms = model_parse_time(p->state_change_time);
    if (!json_is_array(actions))
        return;
    p->actions = xcalloc(json_array_size(actions) + 1, sizeof *p->actions);
    json_array_foreach(actions, i, a)
    {
        if (json_is_string(a))
            p->actions[p->nactions++] = xstrdup(json_string_value(a));
    }
}

/* A list that is not an array keeps the old one; entries that are not
 * objects become participants with no fields. */
static void take_participants(struct dialog *d, json_t *o)
{
    json_t *list = json_object_get(o, EVK_PARTICIPANTS), *p;
    size_t i;

    if (!json_is_array(list))
        return;
    participants_free(d->participants, d->nparticipants);
    d->nparticipants = json_array_size(list);
    d->participants = xcalloc(d->nparticipants + 1, sizeof *d->participants);
    json_array_foreach(list, i, p) read_participant(&d->participants[i], p);
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0 && s[strlen(prefix)];
}

static enum call_var_kind call_var_kind(const char *name)
{
    const char *n = name + strlen(EV_CALL_VAR_NUMBERED);

    if (has_prefix(name, EV_CALL_VAR_NUMBERED) &&
        ((n[0] >= '1' && n[0] <= '9' && n[1] == '\0') || strcmp(n, "10") == 0))
        return CALL_VAR_NUMBERED;
    if (has_prefix(name, EV_CALL_VAR_ECC))
        return CALL_VAR_ECC;
    if (has_prefix(name, EV_CALL_VAR_BA))
        return CALL_VAR_BA;
    return CALL_VAR_OTHER;
}

/* In the object's order; a value that is not a string becomes "". */
static void take_call_vars(struct dialog *d, json_t *o)
{
    json_t *vars = json_object_get(o, EVK_CALL_VARIABLES), *v;
    const char *name;
    struct call_var *cv;

    if (!json_is_object(vars))
        return;
    call_vars_free(d->call_vars, d->ncall_vars);
    d->ncall_vars = 0;
    d->call_vars = xcalloc(json_object_size(vars) + 1, sizeof *d->call_vars);
    json_object_foreach(vars, name, v)
    {
        cv = &d->call_vars[d->ncall_vars++];
        cv->name = xstrdup(name);
        cv->value = xstrdup(json_is_string(v) ? json_string_value(v) : "");
        cv->kind = call_var_kind(name);
    }
}

static void apply_dialog(struct model *m, const struct incoming *e, json_t *o)
{
    const char *id = str(o, EVK_ID);
    const struct dialog_field *f;
    struct dialog *d;

    if (id == NULL || *id == '\0')
        return;
    d = map_get(&m->dialogs, id);
    if (strcasecmp(e->event ? e->event : EV_EVENT_PUT, EV_EVENT_DELETE) == 0) {
        if (d == NULL) {
            m->unknown_deletes++;
            return;
        }
        /* kept a while so that a screen can show it leaving */
        d->deleted = 1;
        if (d->dropped_ms == 0)
            d->dropped_ms = e->now;
        return;
    }
    /* POST adds, PUT updates; a POST of a known id (after a failover) or a
     * PUT of an unknown one does what it can: the dialog is as given. */
    if (d == NULL) {
        d = xcalloc(1, sizeof *d);
        d->id = xstrdup(id);
        map_put(&m->dialogs, id, d);
    }
    for (f = model_dialog_fields; f->name; f++)
        take(dialog_slot(d, f), o, f->name);
    take_participants(d, o);
    take_call_vars(d, o);
    if (e->node)
        set(&d->node, e->node);
    d->updated_ms = e->now;
    d->deleted = 0;
    if (d->state && strcmp(d->state, EV_DIALOG_DROPPED) == 0) {
        if (d->dropped_ms == 0)
            d->dropped_ms = e->now;
    } else {
        d->dropped_ms = 0;
    }
}

static void apply_dialogs(struct model *m, const struct incoming *e)
{
    json_t *d;
    size_t i;

    json_array_foreach(json_object_get(e->ev, EVK_DIALOGS), i, d)
        apply_dialog(m, e, d);
}

/* --- agents and teams --- */

static void apply_user(struct model *m, json_t *u, double now)
{
    const char *id = str(u, EVK_LOGIN_ID);
    struct agent *a;
    json_t *rc;

    if (id == NULL || *id == '\0')
        return;
    a = map_get(&m->agents, id);
    if (a == NULL) {
        a = xcalloc(1, sizeof *a);
        a->login_id = xstrdup(id);
        map_put(&m->agents, id, a);
    }
    take(&a->login_name, u, EVK_LOGIN_NAME);
    take(&a->first_name, u, EVK_FIRST_NAME);
    take(&a->last_name, u, EVK_LAST_NAME);
    take(&a->extension, u, EVK_EXTENSION);
    if (str(u, EVK_STATE)) {
        take(&a->state, u, EVK_STATE);
        /* a state change without a pending state clears the old one */
        set(&a->pending_state, NULL);
        set(&a->reason_label, NULL);
        a->state_change_ms = model_parse_time(str(u, EVK_STATE_CHANGE_TIME));
    }
    take(&a->pending_state, u, EVK_PENDING_STATE);
    take(&a->reason_code_id, u, EVK_REASON_CODE_ID);
    rc = json_object_get(u, EVK_REASON_CODE);
    if (rc)
        take(&a->reason_label, rc, EVK_LABEL);
    take(&a->team_id, u, EVK_TEAM_ID);
    take(&a->team_name, u, EVK_TEAM_NAME);
    a->updated_ms = now;
}

static void apply_user_event(struct model *m, const struct incoming *e)
{
    apply_user(m, json_object_get(e->ev, EVK_USER), e->now);
}

static void team_free(void *p)
{
    struct team *t = p;
    if (t == NULL)
        return;
    free(t->id);
    free(t->name);
    free(t);
}

static void apply_team(struct model *m, const struct incoming *e)
{
    json_t *t = json_object_get(e->ev, EVK_TEAM);
    const char *id = str(t, EVK_ID);
    json_t *users = json_object_get(t, EVK_USERS), *u;
    struct team *team;
    size_t i;

    if (id && *id) {
        team = map_get(&m->teams, id);
        if (team == NULL) {
            team = xcalloc(1, sizeof *team);
            team->id = xstrdup(id);
            map_put(&m->teams, id, team);
        }
        take(&team->name, t, EVK_NAME);
        team->users = json_array_size(users);
    }
    json_array_foreach(users, i, u) apply_user(m, u, e->now);
}

/* --- queues --- */

static void queue_free(void *p)
{
    struct queue *q = p;
    if (q == NULL)
        return;
    free(q->uri);
    free(q->name);
    free(q);
}

static const struct {
    const char *key;
    size_t offset; /* of a struct queue_count in struct queue_stats */
} queue_counts[] = {
#define QUEUE_COUNT(key, member)                                               \
    {                                                                          \
        key, offsetof(struct queue_stats, member)                              \
    }
    QUEUE_COUNT(EVK_CALLS_IN_QUEUE, calls_in_queue),
    QUEUE_COUNT(EVK_AGENTS_READY, agents_ready),
    QUEUE_COUNT(EVK_AGENTS_NOT_READY, agents_not_ready),
    QUEUE_COUNT(EVK_AGENTS_BUSY_OTHER, agents_busy_other),
    QUEUE_COUNT(EVK_AGENTS_LOGGED_ON, agents_logged_on),
    QUEUE_COUNT(EVK_AGENTS_TALKING_INBOUND, agents_talking_inbound),
    QUEUE_COUNT(EVK_AGENTS_TALKING_OUTBOUND, agents_talking_outbound),
    QUEUE_COUNT(EVK_AGENTS_TALKING_INTERNAL, agents_talking_internal),
    QUEUE_COUNT(EVK_AGENTS_WRAP_UP_NOT_READY, agents_wrap_up_not_ready),
    QUEUE_COUNT(EVK_AGENTS_WRAP_UP_READY, agents_wrap_up_ready),
#undef QUEUE_COUNT
};

/* A number as it is; text (the decoder keeps what is not an integer) by
 * its leading integer, 0 when it has none, clamped to long long; "" and
 * any other type as not present. */
static struct queue_count read_count(json_t *v)
{
    struct queue_count c = {0, 0};

    if (json_is_integer(v)) {
        c.n = (long long)json_integer_value(v);
        c.present = 1;
    } else if (json_is_string(v) && *json_string_value(v)) {
        c.n = strtoll(json_string_value(v), NULL, 10);
        c.present = 1;
    }
    return c;
}

/* Statistics the event does not carry are not present afterwards. */
static void read_stats(struct queue_stats *st, json_t *o)
{
    size_t i;

    memset(st, 0, sizeof *st);
    for (i = 0; i < sizeof queue_counts / sizeof queue_counts[0]; i++)
        *(struct queue_count *)((char *)st + queue_counts[i].offset) =
            read_count(json_object_get(o, queue_counts[i].key));
    st->longest_since_ms =
        model_parse_time(str(o, EVK_START_TIME_OF_LONGEST_CALL));
}

static void apply_queue(struct model *m, json_t *q, const char *node,
                        double now)
{
    const char *key = str(q, EVK_URI);
    json_t *st = json_object_get(q, EVK_STATISTICS);
    struct queue *qu;

    if (key == NULL || *key == '\0')
        key = node;
    if (key == NULL)
        return;
    qu = map_get(&m->queues, key);
    if (qu == NULL) {
        qu = xcalloc(1, sizeof *qu);
        qu->uri = xstrdup(key);
        map_put(&m->queues, key, qu);
    }
    take(&qu->name, q, EVK_NAME);
    if (json_is_object(st)) {
        read_stats(&qu->stats, st);
        qu->has_stats = 1;
    }
    qu->updated_ms = now;
}

static void apply_queue_event(struct model *m, const struct incoming *e)
{
    apply_queue(m, json_object_get(e->ev, EVK_QUEUE), e->node, e->now);
}

static void apply_queues(struct model *m, const struct incoming *e)
{
    json_t *q;
    size_t i;

    json_array_foreach(json_object_get(e->ev, EVK_QUEUES), i, q)
        apply_queue(m, q, NULL, e->now);
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

    if (str(si, EVK_STATUS)) { /* the reason goes with its status */
        take(&s->status, si, EVK_STATUS);
        set(&s->reason, NULL);
    }
    take(&s->reason, si, EVK_STATUS_REASON);
    take(&s->deployment_type, si, EVK_DEPLOYMENT_TYPE);
    take(&s->xmpp_domain, si, EVK_XMPP_DOMAIN);
    take(&s->pubsub_domain, si, EVK_XMPP_PUBSUB_DOMAIN);
    if (str(si, EVK_CURRENT_TIMESTAMP)) {
        take(&s->current_timestamp, si, EVK_CURRENT_TIMESTAMP);
        s->current_ms = model_parse_time(s->current_timestamp);
    }
    take(&s->primary_host, json_object_get(si, EVK_PRIMARY_NODE), EVK_HOST);
    take(&s->secondary_host, json_object_get(si, EVK_SECONDARY_NODE), EVK_HOST);
}

static void apply_node_deleted(struct model *m, const struct incoming *e)
{
    if (e->node && *e->node)
        model_node_subscribed(m, e->node, 0);
}

static void apply_subscription(struct model *m, const struct incoming *e)
{
    const char *state = str(e->ev, EVK_SUBSCRIPTION);

    if (e->node && *e->node && state)
        model_node_subscribed(m, e->node,
                              strcmp(state, EV_SUBSCRIPTION_SUBSCRIBED) == 0);
}

static void apply_raw(struct model *m, const struct incoming *e)
{
    (void)e;
    m->raw_events++;
}

/* What each kind does; any other kind (media, error, xml, retract, purge,
 * configuration, unknown) only counts on its node. */
static const struct {
    const char *kind;
    unsigned changes; /* MODEL_CHANGED_* besides NODES */
    void (*apply)(struct model *m, const struct incoming *e);
} kinds[] = {
    {EV_KIND_USER, MODEL_CHANGED_AGENTS, apply_user_event},
    {EV_KIND_TEAM, MODEL_CHANGED_AGENTS, apply_team},
    {EV_KIND_DIALOGS, MODEL_CHANGED_DIALOGS, apply_dialogs},
    {EV_KIND_QUEUE, MODEL_CHANGED_OTHER, apply_queue_event},
    {EV_KIND_QUEUES, MODEL_CHANGED_OTHER, apply_queues},
    {EV_KIND_SYSTEMINFO, MODEL_CHANGED_OTHER, apply_systeminfo},
    {EV_KIND_DELETE, MODEL_CHANGED_OTHER, apply_node_deleted},
    {EV_KIND_SUBSCRIPTION, MODEL_CHANGED_OTHER, apply_subscription},
    {EV_KIND_RAW, MODEL_CHANGED_OTHER, apply_raw},
};

static void node_free(void *p)
{
    struct node_entry *n = p;
    if (n == NULL)
        return;
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
}

void model_done(struct model *m)
{
    map_done(&m->agents, agent_free);
    map_done(&m->dialogs, dialog_free);
    map_done(&m->teams, team_free);
    map_done(&m->queues, queue_free);
    map_done(&m->nodes, node_free);
    system_done(&m->system);
    memset(m, 0, sizeof *m);
}

void model_expire(struct model *m, double now_ms)
{
    size_t i = 0;
    const char *key;
    void *val;

    m->expired_ms = now_ms;
    while (map_next(&m->dialogs, &i, &key, &val)) {
        struct dialog *d = val;
        if (d->deleted && now_ms - d->dropped_ms >= MODEL_DELETED_KEEP_MS) {
            dialog_free(map_del(&m->dialogs, d->id));
            i = 0; /* deletion moves entries: start over */
        }
    }
}

unsigned model_apply(struct model *m, json_t *ev, double now_ms)
{
    const char *kind = str(ev, EVK_KIND);
    struct incoming e = {ev, str(ev, EVK_NODE), str(ev, EVK_EVENT), now_ms};
    struct node_entry *n;
    size_t i;

    m->events++;
    if (now_ms - m->expired_ms >= 1000)
        model_expire(m, now_ms);
    if (e.node && *e.node) {
        n = model_node(m, e.node, 1);
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

double model_time_in_state_ms(const struct model *m, const struct agent *a,
                              double now_ms)
{
    double t;

    if (a->state_change_ms <= 0)
        return -1;
    t = now_ms + m->drift_ms - a->state_change_ms;
    return t < 0 ? 0 : t;
}

struct node_entry *model_node(struct model *m, const char *path, int create)
{
    struct node_entry *n = map_get(&m->nodes, path);

    if (n == NULL && create) {
        n = xcalloc(1, sizeof *n);
        n->path = xstrdup(path);
        map_put(&m->nodes, path, n);
    }
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
