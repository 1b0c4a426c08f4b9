/* The model: decoded events in, tables out. */
#define _XOPEN_SOURCE 700 /* strptime */
#include "model.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Replaces *field with the object's value for key, when present. */
static void take(char **field, json_t *o, const char *key)
{
    const char *v = str(o, key);
    if (v == NULL)
        return;
    free(*field);
    *field = xstrdup(v);
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

static void dialog_free(void *p)
{
    struct dialog *d = p;
    if (d == NULL)
        return;
    free(d->id);
    free(d->uri);
    free(d->state);
    free(d->from_address);
    free(d->to_address);
    free(d->call_type);
    free(d->media_type);
    free(d->node);
    json_decref(d->detail);
    free(d);
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

static void queue_free(void *p)
{
    struct queue *q = p;
    if (q == NULL)
        return;
    free(q->uri);
    free(q->name);
    json_decref(q->statistics);
    free(q);
}

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
    free(m->system_status);
    free(m->system_reason);
    memset(m, 0, sizeof *m);
}

static void apply_user(struct model *m, json_t *u, double now)
{
    const char *id = str(u, "loginId");
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
    take(&a->login_name, u, "loginName");
    take(&a->first_name, u, "firstName");
    take(&a->last_name, u, "lastName");
    take(&a->extension, u, "extension");
    if (str(u, "state")) {
        take(&a->state, u, "state");
        /* a state change without a pending state clears the old one */
        free(a->pending_state);
        a->pending_state = NULL;
        free(a->reason_label);
        a->reason_label = NULL;
        a->state_change_ms = model_parse_time(str(u, "stateChangeTime"));
    }
    take(&a->pending_state, u, "pendingState");
    take(&a->reason_code_id, u, "reasonCodeId");
    rc = json_object_get(u, "reasonCode");
    if (rc)
        take(&a->reason_label, rc, "label");
    take(&a->team_id, u, "teamId");
    take(&a->team_name, u, "teamName");
    a->updated_ms = now;
}

static void apply_dialog(struct model *m, const char *event, const char *node,
                         json_t *d, double now)
{
    const char *id = str(d, "id");
    struct dialog *dl;

    if (id == NULL || *id == '\0')
        return;
    dl = map_get(&m->dialogs, id);
    if (strcasecmp(event, "DELETE") == 0) {
        if (dl == NULL) {
            m->unknown_deletes++;
            return;
        }
        /* kept a while so that a screen can show it leaving */
        dl->deleted = 1;
        if (dl->dropped_ms == 0)
            dl->dropped_ms = now;
        return;
    }
    /* POST adds, PUT updates; a POST of a known id (after a failover) or a
     * PUT of an unknown one does what it can: the dialog is as given. */
    if (dl == NULL) {
        dl = xcalloc(1, sizeof *dl);
        dl->id = xstrdup(id);
        map_put(&m->dialogs, id, dl);
    }
    take(&dl->uri, d, "uri");
    take(&dl->state, d, "state");
    take(&dl->from_address, d, "fromAddress");
    take(&dl->to_address, d, "toAddress");
    take(&dl->call_type, d, "callType");
    take(&dl->media_type, d, "mediaType");
    if (node) {
        free(dl->node);
        dl->node = xstrdup(node);
    }
    json_decref(dl->detail);
    dl->detail = json_incref(d);
    dl->updated_ms = now;
    dl->deleted = 0;
    if (dl->state && strcmp(dl->state, "DROPPED") == 0) {
        if (dl->dropped_ms == 0)
            dl->dropped_ms = now;
    } else {
        dl->dropped_ms = 0;
    }
}

static void apply_team(struct model *m, json_t *t, double now)
{
    const char *id = str(t, "id");
    json_t *users = json_object_get(t, "users"), *u;
    struct team *team;
    size_t i;

    if (id && *id) {
        team = map_get(&m->teams, id);
        if (team == NULL) {
            team = xcalloc(1, sizeof *team);
            team->id = xstrdup(id);
            map_put(&m->teams, id, team);
        }
        take(&team->name, t, "name");
        team->users = json_array_size(users);
    }
    json_array_foreach(users, i, u) apply_user(m, u, now);
}

static void apply_queue(struct model *m, json_t *q, const char *node,
                        double now)
{
    const char *key = str(q, "uri");
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
    take(&qu->name, q, "name");
    if (json_object_get(q, "statistics")) {
        json_decref(qu->statistics);
        qu->statistics = json_incref(json_object_get(q, "statistics"));
    }
    qu->updated_ms = now;
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

void model_apply(struct model *m, json_t *ev, double now_ms)
{
    const char *kind = str(ev, "kind"), *node = str(ev, "node");
    const char *event = str(ev, "event");
    struct node_entry *n;
    json_t *v;
    size_t i;

    m->events++;
    if (now_ms - m->expired_ms >= 1000)
        model_expire(m, now_ms);
    if (node && *node) {
        n = model_node(m, node, 1);
        n->events++;
        n->last_ms = now_ms;
    }
    if (kind == NULL)
        return;
    if (strcmp(kind, "user") == 0) {
        apply_user(m, json_object_get(ev, "user"), now_ms);
    } else if (strcmp(kind, "dialogs") == 0) {
        json_array_foreach(json_object_get(ev, "dialogs"), i, v)
            apply_dialog(m, event ? event : "PUT", node, v, now_ms);
    } else if (strcmp(kind, "team") == 0) {
        apply_team(m, json_object_get(ev, "team"), now_ms);
    } else if (strcmp(kind, "queue") == 0) {
        apply_queue(m, json_object_get(ev, "queue"), node, now_ms);
    } else if (strcmp(kind, "queues") == 0) {
        json_array_foreach(json_object_get(ev, "queues"), i, v)
            apply_queue(m, v, NULL, now_ms);
    } else if (strcmp(kind, "systeminfo") == 0) {
        v = json_object_get(ev, "systeminfo");
        take(&m->system_status, v, "status");
        if (str(v, "status")) { /* the reason goes with its status */
            free(m->system_reason);
            m->system_reason = NULL;
        }
        take(&m->system_reason, v, "statusReason");
    } else if (strcmp(kind, "delete") == 0) {
        if (node && *node)
            model_node_subscribed(m, node, 0);
    } else if (strcmp(kind, "subscription") == 0) {
        const char *state = str(ev, "subscription");
        if (node && *node && state)
            model_node_subscribed(m, node, strcmp(state, "subscribed") == 0);
    } else if (strcmp(kind, "raw") == 0) {
        m->raw_events++;
    }
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
