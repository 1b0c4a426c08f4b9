/* The one-pass <Update> reader: expat events to JSON text, or to jansson
 * objects, by shape tables. */
#include "sax.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "decode.h"
#include "keys.h"
#include "xmpp/xmlstream.h"
#include "xnode.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/types.h>

#define NS_SEP '\x01'
#define SAX_MAX_FRAMES 16 /* the shapes nest 9 deep at most */
#define SAX_MAX_FIELDS 32 /* fields of one shape */
#define SAX_MAX_PAIRS 64  /* distinct call variables or statistics */

enum field_kind {
    F_TEXT,    /* the element's first text run, "" without one */
    F_EVENT,   /* the same, trimmed and upper-cased */
    F_OBJECT,  /* an object of shape's fields */
    F_TEXTS,   /* ["…"]: the texts of its children called item */
    F_OBJECTS, /* [{…}]: shape's object for each child called item */
    F_VARS,    /* {"name":"value"} of its <CallVariable> children */
    F_STATS,   /* {"child":N or "text"} of every element child, "" left out */
    F_DATA,    /* the Update's <data>: its first element is the root */
};

struct shape;

/* One key of an object, read from the first child of that name (any
 * case), as finesse.c's put_fields, sub_object and lists do. */
struct field {
    const char *name; /* the element and the key */
    enum field_kind kind;
    const struct shape *shape; /* F_OBJECT, F_OBJECTS */
    const char *item;          /* F_TEXTS, F_OBJECTS */
    int via; /* read from the shape's via element, not the object itself */
};

/* An object's keys in the order finesse.c writes them. */
struct shape {
    const struct field *fields;
    size_t n;
    const char *via; /* a child whose children count as the object's */
};

#define SHAPE(f, via)                                                          \
    {                                                                          \
        f, sizeof f / sizeof *f, via                                           \
    }
#define TEXT(k)                                                                \
    {                                                                          \
        k, F_TEXT, NULL, NULL, 0                                               \
    }
#define VTEXT(k)                                                               \
    {                                                                          \
        k, F_TEXT, NULL, NULL, 1                                               \
    }

static const struct field reason_f[] = {
    TEXT(EVK_ID),       TEXT(EVK_CODE),    TEXT(EVK_LABEL),
    TEXT(EVK_CATEGORY), TEXT(EVK_FOR_ALL), TEXT(EVK_SYSTEM_CODE),
    TEXT(EVK_URI)};
static const struct shape reason_s = SHAPE(reason_f, NULL);

static const struct field team_ref_f[] = {TEXT(EVK_ID), TEXT(EVK_NAME),
                                          TEXT(EVK_URI)};
static const struct shape team_ref_s = SHAPE(team_ref_f, NULL);

static const struct field settings_f[] = {TEXT(EVK_WRAP_UP_ON_INCOMING),
                                          TEXT(EVK_WRAP_UP_ON_OUTGOING),
                                          TEXT(EVK_DEVICE_SELECTION)};
static const struct shape settings_s = SHAPE(settings_f, NULL);

static const struct field mobile_f[] = {TEXT(EVK_MODE), TEXT(EVK_DIAL_NUMBER)};
static const struct shape mobile_s = SHAPE(mobile_f, NULL);

static const struct field user_f[] = {
    TEXT(EVK_LOGIN_ID),
    TEXT(EVK_LOGIN_NAME),
    TEXT(EVK_FIRST_NAME),
    TEXT(EVK_LAST_NAME),
    TEXT(EVK_EXTENSION),
    TEXT(EVK_STATE),
    TEXT(EVK_PENDING_STATE),
    TEXT(EVK_STATE_CHANGE_TIME),
    TEXT(EVK_REASON_CODE_ID),
    {EVK_REASON_CODE, F_OBJECT, &reason_s, NULL, 0},
    TEXT(EVK_TEAM_ID),
    TEXT(EVK_TEAM_NAME),
    {EVK_ROLES, F_TEXTS, NULL, "role", 0},
    {EVK_TEAMS, F_OBJECTS, &team_ref_s, "Team", 0},
    {EVK_SETTINGS, F_OBJECT, &settings_s, NULL, 0},
    {EVK_MOBILE_AGENT, F_OBJECT, &mobile_s, NULL, 0},
    TEXT(EVK_MEDIA_TYPE),
    TEXT(EVK_DIALOGS),
    TEXT(EVK_URI)};
static const struct shape user_s = SHAPE(user_f, NULL);

static const struct field participant_f[] = {
    TEXT(EVK_MEDIA_ADDRESS),
    TEXT(EVK_MEDIA_ADDRESS_TYPE),
    TEXT(EVK_STATE),
    TEXT(EVK_STATE_CAUSE),
    TEXT(EVK_START_TIME),
    TEXT(EVK_STATE_CHANGE_TIME),
    {EVK_ACTIONS, F_TEXTS, NULL, "action", 0}};
static const struct shape participant_s = SHAPE(participant_f, NULL);

static const struct field dialog_f[] = {
    TEXT(EVK_ID),
    TEXT(EVK_URI),
    TEXT(EVK_STATE),
    TEXT(EVK_MEDIA_TYPE),
    TEXT(EVK_FROM_ADDRESS),
    TEXT(EVK_TO_ADDRESS),
    VTEXT(EVK_CALL_TYPE),
    VTEXT(EVK_DNIS),
    VTEXT(EVK_DIALED_NUMBER),
    TEXT(EVK_SECONDARY_ID),
    TEXT(EVK_ASSOCIATED_DIALOG_URI),
    TEXT(EVK_CALLBACK_NUMBER),
    VTEXT(EVK_MEDIA_ID),
    VTEXT(EVK_OUTBOUND_CLASSIFICATION),
    VTEXT(EVK_QUEUE_NUMBER),
    VTEXT(EVK_QUEUE_NAME),
    VTEXT(EVK_CALL_KEY_CALL_ID),
    VTEXT(EVK_CALL_KEY_SEQUENCE_NUM),
    VTEXT(EVK_CALL_KEY_PREFIX),
    VTEXT(EVK_WRAP_UP_REASON),
    {EVK_PARTICIPANTS, F_OBJECTS, &participant_s, "Participant", 0},
    {EVK_CALL_VARIABLES, F_VARS, NULL, NULL, 1}};
static const struct shape dialog_s = SHAPE(dialog_f, "mediaProperties");

static const struct field team_f[] = {
    TEXT(EVK_ID),
    TEXT(EVK_NAME),
    TEXT(EVK_URI),
    {EVK_USERS, F_OBJECTS, &user_s, "User", 0}};
static const struct shape team_s = SHAPE(team_f, NULL);

static const struct field queue_f[] = {
    TEXT(EVK_ID),
    TEXT(EVK_URI),
    TEXT(EVK_NAME),
    {EVK_STATISTICS, F_STATS, NULL, NULL, 0}};
static const struct shape queue_s = SHAPE(queue_f, NULL);

static const struct field node_f[] = {TEXT(EVK_HOST), TEXT(EVK_STATUS)};
static const struct shape node_s = SHAPE(node_f, NULL);

static const struct field systeminfo_f[] = {
    TEXT(EVK_STATUS),
    TEXT(EVK_STATUS_REASON),
    TEXT(EVK_DEPLOYMENT_TYPE),
    TEXT(EVK_CURRENT_TIMESTAMP),
    TEXT(EVK_XMPP_DOMAIN),
    TEXT(EVK_XMPP_PUBSUB_DOMAIN),
    TEXT(EVK_PUBSUB_DOMAIN),
    TEXT(EVK_LAST_CTI_HEARTBEAT_STATUS),
    TEXT(EVK_TIMEZONE_OFFSET),
    {EVK_PRIMARY_NODE, F_OBJECT, &node_s, NULL, 0},
    {EVK_SECONDARY_NODE, F_OBJECT, &node_s, NULL, 0},
    TEXT(EVK_URI)};
static const struct shape systeminfo_s = SHAPE(systeminfo_f, NULL);

static const struct field media_f[] = {
    TEXT(EVK_MEDIA_ID),
    TEXT(EVK_ID),
    TEXT(EVK_NAME),
    TEXT(EVK_STATE),
    TEXT(EVK_PENDING_STATE),
    TEXT(EVK_STATE_CHANGE_TIME),
    TEXT(EVK_REASON_CODE_ID),
    {EVK_REASON_CODE, F_OBJECT, &reason_s, NULL, 0},
    TEXT(EVK_MAX_DIALOG_LIMIT),
    TEXT(EVK_INTERRUPT_ACTION),
    TEXT(EVK_DIALOG_LOGOUT_ACTION),
    TEXT(EVK_IS_LOGGED_IN),
    TEXT(EVK_ROUTABLE),
    TEXT(EVK_IS_ROUTABLE),
    TEXT(EVK_URI)};
static const struct shape media_s = SHAPE(media_f, NULL);

static const struct field error_f[] = {TEXT(EVK_ERROR_TYPE),
                                       TEXT(EVK_ERROR_DATA),
                                       TEXT(EVK_ERROR_MESSAGE),
                                       TEXT(EVK_ERROR_MEDIA),
                                       TEXT(EVK_PERIPHERAL_ERROR_CODE),
                                       TEXT(EVK_PERIPHERAL_ERROR_MSG),
                                       TEXT(EVK_PERIPHERAL_ERROR_TEXT)};
static const struct shape error_s = SHAPE(error_f, NULL);

/* The envelope: event, source, requestId in this order, then the data. */
static const struct field update_f[] = {{EVK_EVENT, F_EVENT, NULL, NULL, 0},
                                        TEXT(EVK_SOURCE),
                                        TEXT(EVK_REQUEST_ID),
                                        {"data", F_DATA, NULL, NULL, 0}};
static const struct shape update_s = SHAPE(update_f, NULL);

/* finesse.c's data_kinds: the root under <data> (any case), what it
 * gives, and how: the root as one object (item NULL) or a list of its
 * children called item; wrapped in before/after. */
static const struct {
    const char *root, *kind, *member;
    const struct shape *shape;
    const char *item, *before, *after;
} data_kinds[] = {
    {"user", EV_KIND_USER, EVK_USER, &user_s, NULL, "", ""},
    {"dialogs", EV_KIND_DIALOGS, EVK_DIALOGS, &dialog_s, "Dialog", "", ""},
    {"dialog", EV_KIND_DIALOGS, EVK_DIALOGS, &dialog_s, NULL, "[", "]"},
    {"team", EV_KIND_TEAM, EVK_TEAM, &team_s, NULL, "", ""},
    {"users", EV_KIND_TEAM, EVK_TEAM, &user_s, "User",
     "{\"" EVK_USERS "\":", "}"},
    {"queue", EV_KIND_QUEUE, EVK_QUEUE, &queue_s, NULL, "", ""},
    {"queues", EV_KIND_QUEUES, EVK_QUEUES, &queue_s, "Queue", "", ""},
    {"systemInfo", EV_KIND_SYSTEMINFO, EVK_SYSTEMINFO, &systeminfo_s, NULL, "",
     ""},
    {"media", EV_KIND_MEDIA, EVK_MEDIA, &media_s, NULL, "", ""},
    {"apiErrors", EV_KIND_ERROR, EVK_ERRORS, &error_s, "apiError", "", ""},
    {"apiError", EV_KIND_ERROR, EVK_ERRORS, &error_s, NULL, "[", "]"},
};
#define NKINDS (sizeof data_kinds / sizeof *data_kinds)

/* --- the reader's state --- */

enum frame_kind {
    FR_OBJECT,  /* an object of a shape */
    FR_VIA,     /* the via element of the object in the frame below */
    FR_LEAF,    /* an element whose first text run is wanted */
    FR_TEXTS,   /* a list of texts */
    FR_OBJECTS, /* a list of objects */
    FR_PAIRS,   /* call variables or statistics */
    FR_PAIR,    /* one <CallVariable>: its name (slot 0) and value (1) */
    FR_DATA,    /* <data> */
};

/* Where a leaf's text goes. */
enum leaf_to { TO_SLOT, TO_LIST, TO_STAT };

/* A value: raw text in the arena (json 0), or a finished value (json 1):
 * JSON text in the arena, or j when building objects. */
struct slot {
    size_t off, len;
    unsigned char set, json;
    json_t *j;
};

/* A key (raw text) and its value (raw text), both in the arena. */
struct pair {
    size_t koff, klen, voff, vlen;
};

struct frame {
    enum frame_kind kind;
    const struct field *field; /* the field it fills; NULL: a list item */
    const struct shape *shape; /* FR_OBJECT, FR_OBJECTS' items */
    const char *item;          /* FR_TEXTS, FR_OBJECTS */
    int up;                    /* the frame it fills */
    int idx;                   /* the slot it fills in up (FR_LEAF …) */
    enum leaf_to to;           /* FR_LEAF */
    size_t koff, klen;         /* FR_LEAF TO_STAT: the key */
    int via_seen, stats, root_seen, taken;
    struct slot slot[SAX_MAX_FIELDS];
    struct buf list; /* FR_TEXTS, FR_OBJECTS: the items so far */
    json_t *arr;     /* the same when building objects; NULL: none yet */
    size_t nitems;
    struct pair pair[SAX_MAX_PAIRS];
    size_t npairs;
};

struct sax {
    XML_Parser p;
    struct frame fr[SAX_MAX_FRAMES];
    int top;          /* index of the innermost frame; -1: none */
    unsigned skip;    /* depth inside an element nobody reads */
    unsigned depth;   /* elements open */
    size_t nodes;     /* elements and text callbacks: at least xnode's */
    int failed;       /* declined */
    size_t kind;      /* data_kinds index of the root */
    int member_set;   /* member holds the root's value */
    struct buf arena; /* raw texts and finished values */
    struct buf run;   /* the open leaf's text */
    struct buf scratch;
    struct buf member; /* the kind's member, JSON */
    int obj;           /* building jansson objects (sax_update_object) */
    json_t *member_j;  /* the kind's member then */
};

/* Kept between calls: the parser and the buffers' memory. */
static struct sax S;

static void decline(struct sax *s)
{
    if (!s->failed)
        XML_StopParser(s->p, XML_FALSE);
    s->failed = 1;
}

static const char *local_name(const char *name)
{
    const char *sep = strchr(name, NS_SEP);
    return sep ? sep + 1 : name;
}

static size_t arena_put(struct sax *s, const char *text, size_t len)
{
    size_t off = s->arena.len;

    buf_append(&s->arena, text, len);
    return off;
}

static struct frame *push(struct sax *s, enum frame_kind kind, int up)
{
    struct frame *f;

    if (s->top + 1 >= SAX_MAX_FRAMES) {
        decline(s);
        return NULL;
    }
    f = &s->fr[++s->top];
    f->kind = kind;
    f->field = NULL;
    f->shape = NULL;
    f->item = NULL;
    f->up = up;
    f->idx = -1;
    f->via_seen = f->stats = f->root_seen = f->taken = 0;
    f->list.len = 0;
    f->arr = NULL; /* a finished list's was taken, a declined one released */
    f->nitems = 0;
    f->npairs = 0;
    return f;
}

static void push_object(struct sax *s, const struct shape *sh, int up, int idx)
{
    struct frame *f = push(s, FR_OBJECT, up);
    size_t i;

    if (f == NULL)
        return;
    f->shape = sh;
    f->idx = idx;
    for (i = 0; i < sh->n; i++)
        f->slot[i].set = 0;
}

static void push_leaf(struct sax *s, int up, int idx, enum leaf_to to)
{
    struct frame *f = push(s, FR_LEAF, up);

    if (f == NULL)
        return;
    f->idx = idx;
    f->to = to;
    s->run.len = 0;
}

/* A child of an object (or of its via element) that one of its fields
 * names: claimed when it is the first of that name. */
static void open_field(struct sax *s, int obj, int via, const char *name)
{
    struct frame *o = &s->fr[obj], *f = NULL;
    const struct field *fd;
    int first = tolower((unsigned char)name[0]);
    size_t i;

    for (i = 0; i < o->shape->n; i++) {
        fd = &o->shape->fields[i];
        if (fd->via == via && tolower((unsigned char)fd->name[0]) == first &&
            strcasecmp(fd->name, name) == 0)
            break;
    }
    if (i == o->shape->n) {
        if (!via && o->shape->via && !o->via_seen &&
            strcasecmp(o->shape->via, name) == 0) {
            o->via_seen = 1;
            push(s, FR_VIA, obj);
            return;
        }
        s->skip = 1;
        return;
    }
    if (o->slot[i].set) { /* not the first of its name */
        s->skip = 1;
        return;
    }
    o->slot[i].set = 1;
    o->slot[i].json = 0;
    o->slot[i].j = NULL;
    o->slot[i].off = o->slot[i].len = 0;
    switch (fd->kind) {
    case F_TEXT:
    case F_EVENT:
        push_leaf(s, obj, (int)i, TO_SLOT);
        return;
    case F_OBJECT:
        push_object(s, fd->shape, obj, (int)i);
        return;
    case F_DATA:
        f = push(s, FR_DATA, obj);
        break;
    case F_TEXTS:
    case F_OBJECTS:
        f = push(s, fd->kind == F_TEXTS ? FR_TEXTS : FR_OBJECTS, obj);
        if (f)
            f->item = fd->item, f->shape = fd->shape;
        break;
    case F_VARS:
    case F_STATS:
        f = push(s, FR_PAIRS, obj);
        if (f)
            f->stats = fd->kind == F_STATS;
        break;
    }
    if (f)
        f->idx = (int)i;
}

/* The root under <data>: its kind, or decline. */
static void open_root(struct sax *s, const char *name)
{
    struct frame *d = &s->fr[s->top], *f;
    size_t k;

    if (d->root_seen) {
        s->skip = 1;
        return;
    }
    d->root_seen = 1;
    for (k = 0; k < NKINDS && strcasecmp(data_kinds[k].root, name) != 0; k++)
        ;
    if (k == NKINDS) {
        decline(s);
        return;
    }
    s->kind = k;
    if (data_kinds[k].item == NULL) {
        push_object(s, data_kinds[k].shape, s->top, -1);
        return;
    }
    f = push(s, FR_OBJECTS, s->top);
    if (f)
        f->item = data_kinds[k].item, f->shape = data_kinds[k].shape;
}

static void open_child(struct sax *s, const char *name)
{
    struct frame *f = &s->fr[s->top];
    int at = s->top;

    switch (f->kind) {
    case FR_OBJECT:
        open_field(s, at, 0, name);
        return;
    case FR_VIA:
        open_field(s, f->up, 1, name);
        return;
    case FR_LEAF:
        if (s->run.len > 0)
            f->taken = 1; /* the first text run ended */
        s->skip = 1;
        return;
    case FR_TEXTS:
        if (strcasecmp(name, f->item) == 0)
            push_leaf(s, at, -1, TO_LIST);
        else
            s->skip = 1;
        return;
    case FR_OBJECTS:
        if (strcasecmp(name, f->item) == 0)
            push_object(s, f->shape, at, -1);
        else
            s->skip = 1;
        return;
    case FR_PAIRS:
        if (f->stats) {
            push_leaf(s, at, -1, TO_STAT);
            if (s->top > at) {
                s->fr[s->top].klen = strlen(name);
                s->fr[s->top].koff = arena_put(s, name, strlen(name));
            }
        } else if (strcasecmp(name, "CallVariable") == 0) {
            if ((f = push(s, FR_PAIR, at)) != NULL)
                f->slot[0].set = f->slot[1].set = 0;
        } else {
            s->skip = 1;
        }
        return;
    case FR_PAIR:
        if (strcasecmp(name, "name") == 0 && !f->slot[0].set)
            f->slot[0].set = 1, push_leaf(s, at, 0, TO_SLOT);
        else if (strcasecmp(name, "value") == 0 && !f->slot[1].set)
            f->slot[1].set = 1, push_leaf(s, at, 1, TO_SLOT);
        else
            s->skip = 1;
        return;
    case FR_DATA:
        open_root(s, name);
        return;
    }
}

static void XMLCALL on_start(void *arg, const char *name, const char **attrs)
{
    struct sax *s = arg;
    size_t n = 0;

    if (s->failed)
        return;
    while (attrs[n])
        n += 2;
    if (s->depth >= XNODE_MAX_DEPTH || ++s->nodes > XNODE_MAX_NODES ||
        n / 2 > XMLSTREAM_MAX_ATTRS) {
        decline(s);
        return;
    }
    s->depth++;
    if (s->skip > 0) {
        s->skip++;
        return;
    }
    name = local_name(name);
    if (s->top < 0) {
        if (strcasecmp(name, "Update") == 0)
            push_object(s, &update_s, -1, -1);
        else
            decline(s);
        return;
    }
    open_child(s, name);
}

static void XMLCALL on_text(void *arg, const char *text, int len)
{
    struct sax *s = arg;
    struct frame *f;

    if (s->failed || len <= 0)
        return;
    if (++s->nodes > XNODE_MAX_NODES) {
        decline(s);
        return;
    }
    if (s->skip > 0 || s->top < 0)
        return;
    f = &s->fr[s->top];
    if (f->kind == FR_LEAF && !f->taken)
        buf_append(&s->run, text, (size_t)len);
}

/* --- writing --- */

/* A key and its colon: keys are written as JSON strings are. */
static void put_key(struct buf *b, int *first, const char *key, size_t len)
{
    if (!*first)
        buf_append(b, ",", 1);
    *first = 0;
    sanitize_json_put(b, key, len);
    buf_append(b, ":", 1);
}

/* finesse.c's event_name: "put " -> "PUT" (new string, *len its
 * length). */
static char *event_upper(const char *s, size_t *len)
{
    static const char space[] = " \t\r\n";
    size_t n = *len, i;
    char *u;

    while (n > 0 && memchr(space, *s, sizeof space - 1)) {
        s++;
        n--;
    }
    while (n > 0 && memchr(space, s[n - 1], sizeof space - 1))
        n--;
    u = xstrndup(s, n);
    for (i = 0; i < n; i++)
        u[i] = (char)toupper((unsigned char)u[i]);
    *len = n;
    return u;
}

static void put_event(struct buf *b, const char *s, size_t len)
{
    char *u = event_upper(s, &len);

    sanitize_json_put(b, u, len);
    free(u);
}

/* finesse.c's put_statistic: an integer as a number, else the text. */
static void put_statistic(struct buf *b, const char *v)
{
    const char *p = v + (*v == '-');
    long long n;
    char *end;

    if (*p >= '0' && *p <= '9' && strspn(p, "0123456789") == strlen(p)) {
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno == 0 && *end == '\0') {
            buf_printf(b, "%lld", n);
            return;
        }
    }
    sanitize_json_put(b, v, strlen(v));
}

static void put_slot(struct sax *s, struct buf *b, const struct slot *sl,
                     enum field_kind kind)
{
    const char *at = s->arena.data ? s->arena.data + sl->off : "";

    if (sl->json)
        buf_append(b, at, sl->len);
    else if (kind == F_EVENT)
        put_event(b, at, sl->len);
    else
        sanitize_json_put(b, at, sl->len);
}

/* The object of frame f as JSON, appended to b (never the arena). */
static void put_object(struct sax *s, struct buf *b, const struct frame *f)
{
    const struct field *fd;
    size_t i;
    int first = 1;

    buf_append(b, "{", 1);
    for (i = 0; i < f->shape->n; i++) {
        fd = &f->shape->fields[i];
        if (!f->slot[i].set)
            continue;
        put_key(b, &first, fd->name, strlen(fd->name));
        put_slot(s, b, &f->slot[i], fd->kind);
    }
    buf_append(b, "}", 1);
}

static void put_pairs(struct sax *s, struct buf *b, const struct frame *f)
{
    const struct pair *p;
    char *v;
    size_t i;
    int first = 1;

    buf_append(b, "{", 1);
    for (i = 0; i < f->npairs; i++) {
        p = &f->pair[i];
        put_key(b, &first, s->arena.data + p->koff, p->klen);
        if (f->stats) {
            v = xstrndup(s->arena.data + p->voff, p->vlen);
            put_statistic(b, v);
            free(v);
        } else {
            sanitize_json_put(b, s->arena.data + p->voff, p->vlen);
        }
    }
    buf_append(b, "}", 1);
}

/* A key set again keeps its place and takes the new value (jansson's
 * json_object_set); -1 past SAX_MAX_PAIRS distinct keys. */
static int add_pair(struct sax *s, struct frame *f, size_t koff, size_t klen,
                    size_t voff, size_t vlen)
{
    struct pair *p;
    size_t i;

    for (i = 0; i < f->npairs; i++) {
        p = &f->pair[i];
        if (p->klen == klen &&
            memcmp(s->arena.data + p->koff, s->arena.data + koff, klen) == 0)
            break;
    }
    if (i == f->npairs) {
        if (f->npairs == SAX_MAX_PAIRS)
            return -1;
        f->npairs++;
    }
    p = &f->pair[i];
    p->koff = koff;
    p->klen = klen;
    p->voff = voff;
    p->vlen = vlen;
    return 0;
}

/* Sets slot idx of frame up to the JSON text in scratch. */
static void set_json(struct sax *s, int up, int idx)
{
    struct slot *sl = &s->fr[up].slot[idx];

    sl->off =
        arena_put(s, s->scratch.data ? s->scratch.data : "", s->scratch.len);
    sl->len = s->scratch.len;
    sl->json = 1;
}

/* The data root's value, wrapped as its kind says, is the member. */
static void set_member(struct sax *s, const struct buf *value)
{
    s->member.len = 0;
    buf_puts(&s->member, data_kinds[s->kind].before);
    buf_append(&s->member, value->data ? value->data : "", value->len);
    buf_puts(&s->member, data_kinds[s->kind].after);
    s->member_set = 1;
}

/* --- building objects (sax_update_object): the same values --- */

static json_t *event_value(const char *s, size_t len)
{
    char *u = event_upper(s, &len);
    json_t *j = json_text(u, len);

    free(u);
    return j;
}

/* finesse.c's put_statistic: an integer as a number, else the text. */
static json_t *statistic_value(const char *v, size_t len)
{
    size_t sign = len > 0 && *v == '-', i;
    char small[32], *digits = small, *end;
    long long n;
    int ok;

    for (i = sign; i < len && v[i] >= '0' && v[i] <= '9'; i++)
        ;
    if (i < len || len == sign)
        return json_text(v, len);
    if (len < sizeof small) {
        memcpy(small, v, len);
        small[len] = '\0';
    } else {
        digits = xstrndup(v, len); /* leading zeros make any length */
    }
    errno = 0;
    n = strtoll(digits, &end, 10);
    ok = errno == 0 && *end == '\0';
    if (digits != small)
        free(digits);
    return ok ? json_integer((json_int_t)n) : json_text(v, len);
}

/* The slot's value, taken from it. */
static json_t *slot_value(struct sax *s, struct slot *sl, enum field_kind kind)
{
    const char *at = s->arena.data ? s->arena.data + sl->off : "";
    json_t *v;

    if (sl->json) {
        v = sl->j;
        sl->j = NULL;
        sl->json = 0;
        return v;
    }
    return kind == F_EVENT ? event_value(at, sl->len) : json_text(at, sl->len);
}

/* The object of frame f, its slots' values taken. */
static json_t *make_object(struct sax *s, struct frame *f)
{
    json_t *o = json_object();
    const struct field *fd;
    size_t i;

    for (i = 0; i < f->shape->n; i++) {
        fd = &f->shape->fields[i];
        if (f->slot[i].set)
            json_object_set_new(o, fd->name,
                                slot_value(s, &f->slot[i], fd->kind));
    }
    return o;
}

static json_t *make_pairs(struct sax *s, const struct frame *f)
{
    json_t *o = json_object();
    const struct pair *p;
    const char *v;
    size_t i;

    for (i = 0; i < f->npairs; i++) {
        p = &f->pair[i];
        v = s->arena.data + p->voff;
        json_object_setn_new(o, s->arena.data + p->koff, p->klen,
                             f->stats ? statistic_value(v, p->vlen)
                                      : json_text(v, p->vlen));
    }
    return o;
}

/* v (taken) as the next item of list frame f. */
static void append(struct frame *f, json_t *v)
{
    if (f->arr == NULL)
        f->arr = json_array();
    json_array_append_new(f->arr, v);
    f->nitems++;
}

/* Slot idx of frame up takes v. */
static void set_j(struct sax *s, int up, int idx, json_t *v)
{
    struct slot *sl = &s->fr[up].slot[idx];

    json_decref(sl->j);
    sl->j = v;
    sl->json = 1;
}

/* The data root's value v (taken), wrapped as its kind says. */
static void set_member_j(struct sax *s, json_t *v)
{
    const char *before = data_kinds[s->kind].before;
    json_t *w;

    if (*before == '[') {
        w = json_array();
        json_array_append_new(w, v);
        v = w;
    } else if (*before == '{') {
        w = json_object();
        json_object_set_new(w, EVK_USERS, v);
        v = w;
    }
    json_decref(s->member_j);
    s->member_j = v;
    s->member_set = 1;
}

/* What a declined parse leaves in its frames goes. */
static void release(struct sax *s)
{
    size_t i, k;

    for (i = 0; i < SAX_MAX_FRAMES; i++) {
        json_decref(s->fr[i].arr);
        s->fr[i].arr = NULL;
        for (k = 0; k < SAX_MAX_FIELDS; k++) {
            json_decref(s->fr[i].slot[k].j);
            s->fr[i].slot[k].j = NULL;
        }
    }
    json_decref(s->member_j);
    s->member_j = NULL;
}

static void close_leaf(struct sax *s, struct frame *f)
{
    struct frame *up = &s->fr[f->up];
    struct slot *sl;
    size_t off;

    switch (f->to) {
    case TO_SLOT:
        sl = &up->slot[f->idx];
        sl->off = arena_put(s, s->run.data ? s->run.data : "", s->run.len);
        sl->len = s->run.len;
        sl->json = 0;
        break;
    case TO_LIST:
        if (s->obj) {
            append(up, json_text(s->run.data ? s->run.data : "", s->run.len));
            break;
        }
        if (up->nitems++ > 0)
            buf_append(&up->list, ",", 1);
        sanitize_json_put(&up->list, s->run.data ? s->run.data : "",
                          s->run.len);
        break;
    case TO_STAT:
        if (s->run.len == 0)
            break;
        off = arena_put(s, s->run.data, s->run.len);
        if (add_pair(s, up, f->koff, f->klen, off, s->run.len) != 0)
            decline(s);
        break;
    }
    s->run.len = 0;
}

static void close_list(struct sax *s, struct frame *f)
{
    json_t *v;

    if (s->obj) {
        v = f->arr ? f->arr : json_array();
        f->arr = NULL;
        if (s->fr[f->up].kind == FR_DATA)
            set_member_j(s, v);
        else
            set_j(s, f->up, f->idx, v);
        return;
    }
    s->scratch.len = 0;
    buf_append(&s->scratch, "[", 1);
    buf_append(&s->scratch, f->list.data ? f->list.data : "", f->list.len);
    buf_append(&s->scratch, "]", 1);
    if (s->fr[f->up].kind == FR_DATA)
        set_member(s, &s->scratch);
    else
        set_json(s, f->up, f->idx);
}

static void close_object(struct sax *s, struct frame *f)
{
    struct frame *up;

    if (f->up < 0)
        return; /* the envelope: sax_update writes it */
    up = &s->fr[f->up];
    if (s->obj) {
        json_t *v = make_object(s, f);
        if (up->kind == FR_OBJECTS)
            append(up, v);
        else if (up->kind == FR_DATA)
            set_member_j(s, v);
        else
            set_j(s, f->up, f->idx, v);
        return;
    }
    if (up->kind == FR_OBJECTS) {
        if (up->nitems++ > 0)
            buf_append(&up->list, ",", 1);
        put_object(s, &up->list, f);
        return;
    }
    s->scratch.len = 0;
    put_object(s, &s->scratch, f);
    if (up->kind == FR_DATA)
        set_member(s, &s->scratch);
    else
        set_json(s, f->up, f->idx);
}

static void close_pair(struct sax *s, struct frame *f)
{
    const struct slot *name = &f->slot[0], *value = &f->slot[1];

    if (!name->set || !value->set || name->len == 0)
        return;
    if (add_pair(s, &s->fr[f->up], name->off, name->len, value->off,
                 value->len) != 0)
        decline(s);
}

static void XMLCALL on_end(void *arg, const char *name)
{
    struct sax *s = arg;
    struct frame *f;
    (void)name;

    if (s->failed)
        return;
    s->depth--;
    if (s->skip > 0) {
        s->skip--;
        return;
    }
    f = &s->fr[s->top--];
    switch (f->kind) {
    case FR_LEAF:
        close_leaf(s, f);
        break;
    case FR_OBJECT:
        close_object(s, f);
        break;
    case FR_TEXTS:
    case FR_OBJECTS:
        close_list(s, f);
        break;
    case FR_PAIRS:
        if (s->obj) {
            set_j(s, f->up, f->idx, make_pairs(s, f));
            break;
        }
        s->scratch.len = 0;
        put_pairs(s, &s->scratch, f);
        set_json(s, f->up, f->idx);
        break;
    case FR_PAIR:
        close_pair(s, f);
        break;
    case FR_VIA:
    case FR_DATA:
        break;
    }
}

static void XMLCALL on_doctype(void *arg, const char *name, const char *sysid,
                               const char *pubid, int has_internal)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    decline(arg);
}

/* One random hash salt for the process: expat would otherwise ask the
 * kernel for a new one (getrandom) at every document. 0 when none could
 * be had: then expat makes its own, as before. */
static unsigned long hash_salt(void)
{
    static unsigned long salt;
    static int tried;

    if (!tried) {
        tried = 1;
        if (getrandom(&salt, sizeof salt, 0) != (ssize_t)sizeof salt)
            salt = 0;
    }
    return salt;
}

/* A parser ready for a new document, with xnode_parse's setup. */
static int ready(struct sax *s)
{
    if (s->p == NULL)
        s->p = XML_ParserCreateNS(NULL, NS_SEP);
    else if (XML_ParserReset(s->p, NULL) != XML_TRUE)
        return -1;
    if (s->p == NULL)
        return -1;
    if (hash_salt() != 0)
        XML_SetHashSalt(s->p, hash_salt());
    XML_SetUserData(s->p, s);
    XML_SetElementHandler(s->p, on_start, on_end);
    XML_SetCharacterDataHandler(s->p, on_text);
    XML_SetStartDoctypeDeclHandler(s->p, on_doctype);
    XML_SetParamEntityParsing(s->p, XML_PARAM_ENTITY_PARSING_NEVER);
    s->top = -1;
    s->skip = s->depth = 0;
    s->nodes = 0;
    s->failed = s->member_set = 0;
    s->arena.len = s->run.len = s->member.len = 0;
    return 0;
}

/* The envelope's members and the kind's, after a parse that took it. */
static void put_update(struct sax *s, struct buf *b)
{
    const struct frame *env = &s->fr[0];
    size_t i;
    int first = 0;

    for (i = 0; i < 3; i++) /* event, source, requestId */
        if (env->slot[i].set) {
            put_key(b, &first, update_f[i].name, strlen(update_f[i].name));
            put_slot(s, b, &env->slot[i], update_f[i].kind);
        }
    buf_puts(b, ",\"" EVK_KIND "\":");
    sanitize_json_put(b, data_kinds[s->kind].kind,
                      strlen(data_kinds[s->kind].kind));
    buf_puts(b, ",");
    sanitize_json_put(b, data_kinds[s->kind].member,
                      strlen(data_kinds[s->kind].member));
    buf_append(b, ":", 1);
    buf_append(b, s->member.data, s->member.len);
}

/* One parse of text, building text (obj 0) or objects: 1 when taken. */
static int parse(struct sax *s, const char *text, size_t len, int obj)
{
    while (len > 0 && *text != '\0' && strchr(" \t\r\n", *text)) {
        text++;
        len--;
    }
    if (len > DECODE_MAX_DOC || len > INT_MAX || ready(s) != 0)
        return 0;
    s->obj = obj;
    if (XML_Parse(s->p, text, (int)len, XML_TRUE) == XML_STATUS_OK &&
        !s->failed && s->member_set)
        return 1;
    if (obj)
        release(s);
    return 0;
}

int sax_update(struct buf *b, const char *text, size_t len)
{
    if (!parse(&S, text, len, 0))
        return -1;
    put_update(&S, b);
    return 0;
}

int sax_update_object(json_t *o, const char *text, size_t len)
{
    struct sax *s = &S;
    size_t i;

    if (!parse(s, text, len, 1))
        return -1;
    for (i = 0; i < 3; i++) /* event, source, requestId */
        if (s->fr[0].slot[i].set)
            json_object_set_new(
                o, update_f[i].name,
                slot_value(s, &s->fr[0].slot[i], update_f[i].kind));
    json_object_set_new(o, EVK_KIND, json_string(data_kinds[s->kind].kind));
    json_object_set_new(o, data_kinds[s->kind].member, s->member_j);
    s->member_j = NULL;
    return 0;
}
