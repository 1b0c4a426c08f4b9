/*
 * The model's agents with their teams, queues and media, and the queues'
 * statistics. An agent is kept while something brings it: its own nodes
 * (direct) or a team that lists it; a queue while its own node sent it or
 * an agent lists it.
 */
#include "base/buf.h"
#include "decode/keys.h"
#include "model_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* --- lists of strings (team ids, queue uris) --- */

static int list_has(char *const *v, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* Appends s unless it is there; 1 when added. */
static int list_add(char ***v, size_t *n, const char *s)
{
    if (list_has(*v, *n, s))
        return 0;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
    return 1;
}

/* 1 when s was there. */
static int list_remove(char **v, size_t *n, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp(v[i], s) == 0) {
            free(v[i]);
            memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
            (*n)--;
            return 1;
        }
    return 0;
}

static void list_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* --- freeing --- */

static void media_done(struct agent_media *md)
{
    free(md->id);
    free(md->name);
    free(md->state);
    free(md->pending_state);
    free(md->reason_code_id);
    free(md->reason_label);
}

void model_agent_free(void *p)
{
    struct agent *a = p;
    size_t i;

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
    list_free(a->teams, a->nteams);
    list_free(a->queues, a->nqueues);
    for (i = 0; i < a->nmedia; i++)
        media_done(&a->media[i]);
    free(a->media);
    free(a);
}

void model_team_free(void *p)
{
    struct team *t = p;

    if (t == NULL)
        return;
    free(t->id);
    free(t->name);
    free(t);
}

void model_queue_free(void *p)
{
    struct queue *q = p;

    if (q == NULL)
        return;
    free(q->uri);
    free(q->name);
    free(q);
}

/* --- agents and teams --- */

static struct team *team_get(struct model *m, const char *id)
{
    struct team *t = map_get(&m->teams, id);

    if (t == NULL) {
        t = xcalloc(1, sizeof *t);
        t->id = xstrdup(id);
        map_put(&m->teams, id, t);
    }
    return t;
}

static struct agent *agent_get(struct model *m, const char *id)
{
    struct agent *a = map_get(&m->agents, id);

    if (a == NULL) {
        a = xcalloc(1, sizeof *a);
        a->login_id = xstrdup(id);
        map_put(&m->agents, id, a);
    }
    return a;
}

static void agent_join(struct model *m, struct agent *a, const char *team)
{
    if (list_add(&a->teams, &a->nteams, team))
        team_get(m, team)->users++;
}

/* Gone from the model and from every team that listed it; a is freed. */
static void agent_remove(struct model *m, struct agent *a)
{
    struct team *t;
    size_t i;

    for (i = 0; i < a->nteams; i++)
        if ((t = map_get(&m->teams, a->teams[i])) != NULL && t->users > 0)
            t->users--;
    map_del(&m->agents, a->login_id);
    model_agent_free(a);
    m->removed++;
}

/* a has left the team: when nothing else brought it, it is gone (freed). */
static void agent_leave(struct model *m, struct agent *a, const char *team)
{
    struct team *t;

    if (list_remove(a->teams, &a->nteams, team) &&
        (t = map_get(&m->teams, team)) != NULL && t->users > 0)
        t->users--;
    if (a->team_id && strcmp(a->team_id, team) == 0) {
        model_set(&a->team_id, NULL);
        model_set(&a->team_name, NULL);
    }
    if (a->nteams == 0 && !a->direct)
        agent_remove(m, a);
}

/* Finesse leaves the reason code out to mean "none": a state without one
 * clears it, and a new reasonCodeId drops the old label. rid and rc are
 * the object's reasonCodeId and reasonCode (NULL when absent). */
static void take_reason(char **id, char **label, const char *rid, json_t *rc,
                        int state_sent)
{
    if (state_sent) {
        model_set(id, NULL);
        model_set(label, NULL);
    }
    if (rid) {
        if (*id == NULL || strcmp(*id, rid) != 0)
            model_set(label, NULL);
        model_set(id, rid);
    }
    if (json_is_object(rc))
        model_set(label, model_str(rc, EVK_LABEL));
    if (*id && strcmp(*id, "-1") == 0)
        model_set(label, NULL);
}

/* What apply_user reads of a User object (NULL: absent, or not a string). */
struct user_in {
    const char *login_id, *login_name, *first_name, *last_name, *extension,
        *state, *state_change_time, *pending_state, *reason_code_id, *team_id,
        *team_name;
    json_t *reason_code; /* any type: take_reason wants an object */
};

/* u's members into in, in one pass over them: a lookup a name hashed it
 * and searched u for each of the twelve, where an Update carries a few. */
static void read_user(json_t *u, struct user_in *in)
{
#define FIELD(key, member) key, sizeof key - 1, offsetof(struct user_in, member)
    static const struct {
        const char *key;
        size_t len, at; /* the key's length; the member's offset in in */
    } fields[] = {
        {FIELD(EVK_LOGIN_ID, login_id)},
        {FIELD(EVK_LOGIN_NAME, login_name)},
        {FIELD(EVK_FIRST_NAME, first_name)},
        {FIELD(EVK_LAST_NAME, last_name)},
        {FIELD(EVK_EXTENSION, extension)},
        {FIELD(EVK_STATE, state)},
        {FIELD(EVK_STATE_CHANGE_TIME, state_change_time)},
        {FIELD(EVK_PENDING_STATE, pending_state)},
        {FIELD(EVK_REASON_CODE_ID, reason_code_id)},
        {FIELD(EVK_TEAM_ID, team_id)},
        {FIELD(EVK_TEAM_NAME, team_name)},
    };
#undef FIELD
    void *it;
    size_t i, len;
    const char *key;

    memset(in, 0, sizeof *in);
    for (it = json_object_iter(u); it; it = json_object_iter_next(u, it)) {
        key = json_object_iter_key(it);
        len = json_object_iter_key_len(it);
        if (len == sizeof EVK_REASON_CODE - 1 &&
            memcmp(key, EVK_REASON_CODE, len) == 0) {
            in->reason_code = json_object_iter_value(it);
            continue;
        }
        for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (fields[i].len == len && memcmp(fields[i].key, key, len) == 0) {
                *(const char **)((char *)in + fields[i].at) =
                    json_string_value(json_object_iter_value(it));
                break;
            }
    }
}

/* One user object; team: the team whose node or snapshot carried it (NULL
 * for the agent's own nodes). */
static void apply_user(struct model *m, json_t *u, double now, const char *team,
                       int deleting)
{
    struct user_in in;
    struct agent *a;

    read_user(u, &in);
    if (in.login_id == NULL || *in.login_id == '\0')
        return;
    if (deleting) {
        if ((a = map_get(&m->agents, in.login_id)) == NULL)
            return;
        if (team)
            agent_leave(m, a, team);
        else
            agent_remove(m, a);
        return;
    }
    a = agent_get(m, in.login_id);
    if (team)
        agent_join(m, a, team);
    else
        a->direct = 1;
    model_take_str(&a->login_name, in.login_name);
    model_take_str(&a->first_name, in.first_name);
    model_take_str(&a->last_name, in.last_name);
    model_take_str(&a->extension, in.extension);
    if (in.state) {
        model_set(&a->state, in.state);
        /* a state change without a pending state clears the old one */
        model_set(&a->pending_state, NULL);
        a->state_change_ms = model_parse_time(in.state_change_time);
    }
    model_take_str(&a->pending_state, in.pending_state);
    take_reason(&a->reason_code_id, &a->reason_label, in.reason_code_id,
                in.reason_code, in.state != NULL);
    model_take_str(&a->team_id, in.team_id);
    model_take_str(&a->team_name, in.team_name);
    a->updated_ms = now;
}

void model_apply_user(struct model *m, const struct incoming *e)
{
    char *team = model_path_id(e->node, MODEL_TEAM_PATH, "/Users");

    apply_user(m, json_object_get(e->ev, EVK_USER), e->now, team,
               model_is_delete(e));
    free(team);
}

/* A snapshot lists the whole team: whoever it lacks has left. */
static void drop_absent(struct model *m, const char *team, json_t *users)
{
    struct map in;
    char **gone = NULL;
    size_t i = 0, n = 0;
    const char *key;
    void *val;
    json_t *u;
    struct agent *a;

    map_init(&in);
    json_array_foreach(users, i, u)
    {
        if ((key = model_str(u, EVK_LOGIN_ID)) != NULL)
            map_put(&in, key, m);
    }
    i = 0;
    while (map_next(&m->agents, &i, &key, &val)) {
        a = val;
        if (list_has(a->teams, a->nteams, team) && !map_get(&in, key)) {
            gone = xrealloc(gone, (n + 1) * sizeof *gone);
            gone[n++] = xstrdup(key);
        }
    }
    /* after the walk: leaving may remove agents from the map */
    for (i = 0; i < n; i++)
        if ((a = map_get(&m->agents, gone[i])) != NULL)
            agent_leave(m, a, team);
    list_free(gone, n);
    map_done(&in, NULL);
}

void model_apply_team(struct model *m, const struct incoming *e)
{
    json_t *t = json_object_get(e->ev, EVK_TEAM), *u;
    json_t *users = json_object_get(t, EVK_USERS);
    char *node_team = model_path_id(e->node, MODEL_TEAM_PATH, "/Users");
    const char *id = model_str(t, EVK_ID);
    size_t i;

    if (id == NULL || *id == '\0')
        id = node_team;
    if (id) {
        model_take(&team_get(m, id)->name, t, EVK_NAME);
        if (json_is_array(users))
            drop_absent(m, id, users);
    }
    json_array_foreach(users, i, u) apply_user(m, u, e->now, id, 0);
    free(node_team);
}

/* --- media --- */

/* The last segment of a path; NULL when it has none. */
static const char *last_segment(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;

    return s && s[1] ? s + 1 : NULL;
}

/* The agent and MRD ids of a Media event: from its node
 * (/finesse/api/User/{id}/Media/{mrdId}, or .../Media with a mediaId), the
 * medium's uri, or the Update's source; mediaId names the medium when the
 * node does not. 0 when they are not known. */
static int media_ids(const struct incoming *e, json_t *md, char **agent,
                     char **mrd)
{
    const char *paths[] = {e->node, model_str(md, EVK_URI), e->source};
    const char *id = model_str(md, EVK_MEDIA_ID);
    size_t i;

    if (id && *id == '\0')
        id = NULL;
    *agent = *mrd = NULL;
    for (i = 0; i < sizeof paths / sizeof *paths; i++) {
        if ((*agent = model_path_id(paths[i], MODEL_USER_PATH, "/Media/"))) {
            *mrd = xstrdup(i > 0 && id ? id : last_segment(paths[i]));
            return 1;
        }
        if (id &&
            (*agent = model_path_id(paths[i], MODEL_USER_PATH, "/Media"))) {
            *mrd = xstrdup(id);
            return 1;
        }
    }
    return 0;
}

static struct agent_media *media_get(struct agent *a, const char *mrd,
                                     int create)
{
    size_t i;

    for (i = 0; i < a->nmedia; i++)
        if (strcmp(a->media[i].id, mrd) == 0)
            return &a->media[i];
    if (!create)
        return NULL;
    a->media = xrealloc(a->media, (a->nmedia + 1) * sizeof *a->media);
    memset(&a->media[a->nmedia], 0, sizeof *a->media);
    a->media[a->nmedia].id = xstrdup(mrd);
    return &a->media[a->nmedia++];
}

static void media_remove(struct agent *a, const char *mrd)
{
    struct agent_media *md = media_get(a, mrd, 0);
    size_t i;

    if (md == NULL)
        return;
    i = (size_t)(md - a->media);
    media_done(md);
    memmove(md, md + 1, (a->nmedia - i - 1) * sizeof *md);
    a->nmedia--;
}

void model_apply_media(struct model *m, const struct incoming *e)
{
    json_t *o = json_object_get(e->ev, EVK_MEDIA);
    struct agent_media *md;
    struct agent *a;
    char *agent, *mrd;
    int state_sent = model_str(o, EVK_STATE) != NULL;

    if (!json_is_object(o) || !media_ids(e, o, &agent, &mrd))
        return;
    if (model_is_delete(e)) {
        if ((a = map_get(&m->agents, agent)) != NULL)
            media_remove(a, mrd);
    } else {
        a = agent_get(m, agent);
        a->direct = 1;
        md = media_get(a, mrd, 1);
        model_take(&md->name, o, EVK_NAME);
        if (state_sent) {
            model_take(&md->state, o, EVK_STATE);
            model_set(&md->pending_state, NULL);
            md->state_change_ms =
                model_parse_time(model_str(o, EVK_STATE_CHANGE_TIME));
        }
        model_take(&md->pending_state, o, EVK_PENDING_STATE);
        take_reason(&md->reason_code_id, &md->reason_label,
                    model_str(o, EVK_REASON_CODE_ID),
                    json_object_get(o, EVK_REASON_CODE), state_sent);
        a->updated_ms = e->now;
    }
    free(agent);
    free(mrd);
}

/* --- queues --- */

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
        model_parse_time(model_str(o, EVK_START_TIME_OF_LONGEST_CALL));
}

/* The queue's key: its uri, else the node (NULL: none). */
static const char *queue_key(json_t *q, const char *node)
{
    const char *key = model_str(q, EVK_URI);

    return key && *key ? key : node;
}

static void apply_queue(struct model *m, json_t *q, const char *node,
                        double now, int direct)
{
    const char *key = queue_key(q, node);
    json_t *st = json_object_get(q, EVK_STATISTICS);
    struct queue *qu;

    if (key == NULL)
        return;
    qu = map_get(&m->queues, key);
    if (qu == NULL) {
        qu = xcalloc(1, sizeof *qu);
        qu->uri = xstrdup(key);
        map_put(&m->queues, key, qu);
    }
    qu->direct |= direct;
    model_take(&qu->name, q, EVK_NAME);
    if (json_is_object(st)) {
        read_stats(&qu->stats, st);
        qu->has_stats = 1;
    }
    qu->updated_ms = now;
}

static void queue_remove(struct model *m, const char *key)
{
    struct queue *q = map_del(&m->queues, key);

    if (q != NULL) {
        model_queue_free(q);
        m->removed++;
    }
}

/* Queue DELETE: gone, from every agent's list too. */
void model_apply_queue(struct model *m, const struct incoming *e)
{
    json_t *q = json_object_get(e->ev, EVK_QUEUE);
    const char *key = queue_key(q, e->node);
    size_t i = 0;
    const char *id;
    void *val;
    char *copy;

    if (!model_is_delete(e)) {
        apply_queue(m, q, e->node, e->now, 1);
        return;
    }
    if (key == NULL)
        return;
    copy = xstrdup(key);
    while (map_next(&m->agents, &i, &id, &val)) {
        struct agent *a = val;
        list_remove(a->queues, &a->nqueues, copy);
    }
    queue_remove(m, copy);
    free(copy);
}

/* A queue no agent lists any more and whose own node never spoke goes. */
static void queue_release(struct model *m, const char *uri)
{
    struct queue *q = map_get(&m->queues, uri);
    size_t i = 0;
    const char *id;
    void *val;

    if (q == NULL || q->direct)
        return;
    while (map_next(&m->agents, &i, &id, &val)) {
        const struct agent *a = val;
        if (list_has(a->queues, a->nqueues, uri))
            return;
    }
    queue_remove(m, uri);
}

/* User/{id}/Queues: POST (and PUT) add to the agent's queues, DELETE
 * removes from them. */
void model_apply_queues(struct model *m, const struct incoming *e)
{
    json_t *list = json_object_get(e->ev, EVK_QUEUES), *q;
    char *id = model_path_id(e->node, MODEL_USER_PATH, "/Queues"), *uri;
    struct agent *a = NULL;
    size_t i;

    if (id == NULL)
        id = model_path_id(e->source, MODEL_USER_PATH, "/Queues");
    if (id && model_is_delete(e)) {
        a = map_get(&m->agents, id);
    } else if (id) {
        a = agent_get(m, id);
        a->direct = 1;
    }
    json_array_foreach(list, i, q)
    {
        if (model_str(q, EVK_URI) == NULL || !*model_str(q, EVK_URI))
            continue;
        uri = xstrdup(model_str(q, EVK_URI));
        if (!model_is_delete(e)) {
            apply_queue(m, q, NULL, e->now, 0);
            if (a)
                list_add(&a->queues, &a->nqueues, uri);
        } else {
            if (a)
                list_remove(a->queues, &a->nqueues, uri);
            queue_release(m, uri);
        }
        free(uri);
    }
    free(id);
}
