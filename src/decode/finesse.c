/*
 * Cisco Finesse: the <Update> envelope a <notification> carries as escaped
 * text, and its data (User, Dialog(s), Team, Queue(s), SystemInfo, Media,
 * apiErrors). Only fixed, known paths are walked, so the payload's depth
 * never drives the code; names are compared ignoring case, in any order.
 */
#include "base/buf.h"
#include "decode.h"
#include "decoder.h"
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Adds the text of each named child present, keyed by the name as given
 * here (Finesse's usual spelling); absent children add nothing. */
static void put_fields(json_t *o, const struct xnode *n,
                       const char *const *names)
{
    const struct xnode *c;

    for (; *names; names++)
        if ((c = xnode_child(n, *names)) != NULL)
            json_object_set_new(o, *names, json_str(xnode_text(c)));
}

/* An object of the named leaf fields of n's child called name; NULL when
 * there is no such child. */
static json_t *sub_object(const struct xnode *n, const char *name,
                          const char *const *fields)
{
    const struct xnode *c = xnode_child(n, name);
    json_t *o;

    if (c == NULL)
        return NULL;
    o = json_object();
    put_fields(o, c, fields);
    return o;
}

static void put_new(json_t *o, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(o, key, v);
}

/* The texts of list's children called item: ["HOLD","DROP"]. */
static json_t *text_list(const struct xnode *list, const char *item)
{
    json_t *a = json_array();
    const struct xnode *c;

    for (c = xnode_child(list, item); c; c = xnode_next_named(c, item))
        json_array_append_new(a, json_str(xnode_text(c)));
    return a;
}

/* build() of each child of list called item, in an array. */
static json_t *object_list(const struct xnode *list, const char *item,
                           json_t *(*build)(const struct xnode *))
{
    json_t *a = json_array();
    const struct xnode *c;

    for (c = xnode_child(list, item); c; c = xnode_next_named(c, item))
        json_array_append_new(a, build(c));
    return a;
}

/* --- User --- */

static const char *const reason_fields[] = {
    EVK_ID,      EVK_CODE,        EVK_LABEL, EVK_CATEGORY,
    EVK_FOR_ALL, EVK_SYSTEM_CODE, EVK_URI,   NULL};

static json_t *team_ref(const struct xnode *t)
{
    static const char *const fields[] = {EVK_ID, EVK_NAME, EVK_URI, NULL};
    json_t *o = json_object();

    put_fields(o, t, fields);
    return o;
}

static json_t *user_object(const struct xnode *u)
{
    static const char *const head[] = {
        EVK_LOGIN_ID,       EVK_LOGIN_NAME,
        EVK_FIRST_NAME,     EVK_LAST_NAME,
        EVK_EXTENSION,      EVK_STATE,
        EVK_PENDING_STATE,  EVK_STATE_CHANGE_TIME,
        EVK_REASON_CODE_ID, NULL};
    static const char *const team[] = {EVK_TEAM_ID, EVK_TEAM_NAME, NULL};
    static const char *const tail[] = {EVK_MEDIA_TYPE, EVK_DIALOGS, EVK_URI,
                                       NULL};
    static const char *const settings[] = {EVK_WRAP_UP_ON_INCOMING,
                                           EVK_WRAP_UP_ON_OUTGOING,
                                           EVK_DEVICE_SELECTION, NULL};
    static const char *const mobile[] = {EVK_MODE, EVK_DIAL_NUMBER, NULL};
    json_t *o = json_object();
    const struct xnode *c;

    put_fields(o, u, head);
    put_new(o, EVK_REASON_CODE, sub_object(u, EVK_REASON_CODE, reason_fields));
    put_fields(o, u, team);
    if ((c = xnode_child(u, EVK_ROLES)) != NULL)
        json_object_set_new(o, EVK_ROLES, text_list(c, "role"));
    if ((c = xnode_child(u, EVK_TEAMS)) != NULL)
        json_object_set_new(o, EVK_TEAMS, object_list(c, "Team", team_ref));
    put_new(o, EVK_SETTINGS, sub_object(u, EVK_SETTINGS, settings));
    put_new(o, EVK_MOBILE_AGENT, sub_object(u, EVK_MOBILE_AGENT, mobile));
    put_fields(o, u, tail);
    return o;
}

/* --- Dialog --- */

static json_t *participant_object(const struct xnode *p)
{
    static const char *const fields[] = {
        EVK_MEDIA_ADDRESS, EVK_MEDIA_ADDRESS_TYPE, EVK_STATE, EVK_STATE_CAUSE,
        EVK_START_TIME,    EVK_STATE_CHANGE_TIME,  NULL};
    json_t *o = json_object();
    const struct xnode *c;

    put_fields(o, p, fields);
    if ((c = xnode_child(p, EVK_ACTIONS)) != NULL)
        json_object_set_new(o, EVK_ACTIONS, text_list(c, "action"));
    return o;
}

/* <callvariables><CallVariable><name/><value/>… as {"name":"value"}. */
static json_t *call_variables(const struct xnode *list)
{
    json_t *o = json_object();
    const struct xnode *v, *name, *value;

    for (v = xnode_child(list, "CallVariable"); v;
         v = xnode_next_named(v, "CallVariable")) {
        name = xnode_child(v, "name");
        value = xnode_child(v, "value");
        if (name && value && *xnode_text(name))
            json_object_set_new(o, xnode_text(name),
                                json_str(xnode_text(value)));
    }
    return o;
}

static json_t *dialog_object(const struct xnode *d)
{
    static const char *const head[] = {
        EVK_ID,           EVK_URI,        EVK_STATE, EVK_MEDIA_TYPE,
        EVK_FROM_ADDRESS, EVK_TO_ADDRESS, NULL};
    static const char *const media_head[] = {EVK_CALL_TYPE, EVK_DNIS,
                                             EVK_DIALED_NUMBER, NULL};
    static const char *const mid[] = {
        EVK_SECONDARY_ID, EVK_ASSOCIATED_DIALOG_URI, EVK_CALLBACK_NUMBER, NULL};
    static const char *const media_tail[] = {EVK_MEDIA_ID,
                                             EVK_OUTBOUND_CLASSIFICATION,
                                             EVK_QUEUE_NUMBER,
                                             EVK_QUEUE_NAME,
                                             EVK_CALL_KEY_CALL_ID,
                                             EVK_CALL_KEY_SEQUENCE_NUM,
                                             EVK_CALL_KEY_PREFIX,
                                             EVK_WRAP_UP_REASON,
                                             NULL};
    const struct xnode *mp = xnode_child(d, "mediaProperties"), *c;
    json_t *o = json_object();

    put_fields(o, d, head);
    put_fields(o, mp, media_head);
    put_fields(o, d, mid);
    put_fields(o, mp, media_tail);
    if ((c = xnode_child(d, EVK_PARTICIPANTS)) != NULL)
        json_object_set_new(o, EVK_PARTICIPANTS,
                            object_list(c, "Participant", participant_object));
    if ((c = xnode_child(mp, "callvariables")) != NULL)
        json_object_set_new(o, EVK_CALL_VARIABLES, call_variables(c));
    return o;
}

static json_t *dialog_list(const struct xnode *data)
{
    return object_list(data, "Dialog", dialog_object);
}

static json_t *dialog_single(const struct xnode *d)
{
    json_t *a = json_array();

    json_array_append_new(a, dialog_object(d));
    return a;
}

/* --- Team --- */

static json_t *users_list(const struct xnode *users)
{
    return object_list(users, "User", user_object);
}

static json_t *team_object(const struct xnode *t)
{
    static const char *const fields[] = {EVK_ID, EVK_NAME, EVK_URI, NULL};
    json_t *o = json_object();
    const struct xnode *u;

    put_fields(o, t, fields);
    if ((u = xnode_child(t, EVK_USERS)) != NULL)
        json_object_set_new(o, EVK_USERS, users_list(u));
    return o;
}

/* A bare <users> list: a team with no id or name of its own. */
static json_t *users_team(const struct xnode *users)
{
    json_t *o = json_object();

    json_object_set_new(o, EVK_USERS, users_list(users));
    return o;
}

/* --- Queue --- */

/* An integer as a number, "" left out, anything else kept as text. */
static void put_statistic(json_t *o, const char *name, const char *v)
{
    const char *p = v + (*v == '-');
    long long n;
    char *end;

    if (*v == '\0')
        return;
    if (*p >= '0' && *p <= '9' && strspn(p, "0123456789") == strlen(p)) {
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno == 0 && *end == '\0') {
            json_object_set_new(o, name, json_integer((json_int_t)n));
            return;
        }
    }
    json_object_set_new(o, name, json_str(v));
}

static json_t *queue_object(const struct xnode *q)
{
    static const char *const fields[] = {EVK_ID, EVK_URI, EVK_NAME, NULL};
    const struct xnode *st, *c;
    json_t *o = json_object(), *s;

    put_fields(o, q, fields);
    if ((st = xnode_child(q, EVK_STATISTICS)) != NULL) {
        s = json_object();
        for (c = xnode_first_element(st); c; c = xnode_next_element(c))
            put_statistic(s, c->name, xnode_text(c));
        json_object_set_new(o, EVK_STATISTICS, s);
    }
    return o;
}

static json_t *queue_list(const struct xnode *qs)
{
    return object_list(qs, "Queue", queue_object);
}

/* --- SystemInfo, Media, apiErrors --- */

static json_t *systeminfo_object(const struct xnode *si)
{
    static const char *const head[] = {
        EVK_STATUS,          EVK_STATUS_REASON,
        EVK_DEPLOYMENT_TYPE, EVK_CURRENT_TIMESTAMP,
        EVK_XMPP_DOMAIN,     EVK_XMPP_PUBSUB_DOMAIN,
        EVK_PUBSUB_DOMAIN,   EVK_LAST_CTI_HEARTBEAT_STATUS,
        EVK_TIMEZONE_OFFSET, NULL};
    static const char *const node[] = {EVK_HOST, EVK_STATUS, NULL};
    static const char *const tail[] = {EVK_URI, NULL};
    json_t *o = json_object();

    put_fields(o, si, head);
    put_new(o, EVK_PRIMARY_NODE, sub_object(si, EVK_PRIMARY_NODE, node));
    put_new(o, EVK_SECONDARY_NODE, sub_object(si, EVK_SECONDARY_NODE, node));
    put_fields(o, si, tail);
    return o;
}

static json_t *media_object(const struct xnode *m)
{
    static const char *const head[] = {
        EVK_MEDIA_ID,       EVK_ID,
        EVK_NAME,           EVK_STATE,
        EVK_PENDING_STATE,  EVK_STATE_CHANGE_TIME,
        EVK_REASON_CODE_ID, NULL};
    static const char *const tail[] = {EVK_MAX_DIALOG_LIMIT,
                                       EVK_INTERRUPT_ACTION,
                                       EVK_DIALOG_LOGOUT_ACTION,
                                       EVK_IS_LOGGED_IN,
                                       EVK_ROUTABLE,
                                       EVK_IS_ROUTABLE,
                                       EVK_URI,
                                       NULL};
    json_t *o = json_object();

    put_fields(o, m, head);
    put_new(o, EVK_REASON_CODE, sub_object(m, EVK_REASON_CODE, reason_fields));
    put_fields(o, m, tail);
    return o;
}

static json_t *error_object(const struct xnode *e)
{
    static const char *const fields[] = {EVK_ERROR_TYPE,
                                         EVK_ERROR_DATA,
                                         EVK_ERROR_MESSAGE,
                                         EVK_ERROR_MEDIA,
                                         EVK_PERIPHERAL_ERROR_CODE,
                                         EVK_PERIPHERAL_ERROR_MSG,
                                         EVK_PERIPHERAL_ERROR_TEXT,
                                         NULL};
    json_t *o = json_object();

    put_fields(o, e, fields);
    return o;
}

static json_t *error_list(const struct xnode *errors)
{
    return object_list(errors, "apiError", error_object);
}

static json_t *error_single(const struct xnode *e)
{
    json_t *a = json_array();

    json_array_append_new(a, error_object(e));
    return a;
}

/* --- the envelope --- */

struct data_kind {
    const char *root;   /* the element under <data>, any case */
    const char *kind;   /* "kind" */
    const char *member; /* where build's result goes */
    json_t *(*build)(const struct xnode *root);
};

static const struct data_kind data_kinds[] = {
    {"user", EV_KIND_USER, EVK_USER, user_object},
    {"dialogs", EV_KIND_DIALOGS, EVK_DIALOGS, dialog_list},
    {"dialog", EV_KIND_DIALOGS, EVK_DIALOGS, dialog_single},
    {"team", EV_KIND_TEAM, EVK_TEAM, team_object},
    {"users", EV_KIND_TEAM, EVK_TEAM, users_team},
    {"queue", EV_KIND_QUEUE, EVK_QUEUE, queue_object},
    {"queues", EV_KIND_QUEUES, EVK_QUEUES, queue_list},
    {"systemInfo", EV_KIND_SYSTEMINFO, EVK_SYSTEMINFO, systeminfo_object},
    {"media", EV_KIND_MEDIA, EVK_MEDIA, media_object},
    {"apiErrors", EV_KIND_ERROR, EVK_ERRORS, error_list},
    {"apiError", EV_KIND_ERROR, EVK_ERRORS, error_single},
};

/* Makes o raw with the document's text, or its serialization when the
 * Update came as elements. */
static void set_raw_doc(json_t *o, const struct xnode *doc, const char *text,
                        size_t len, const char *why)
{
    struct buf b;

    if (text) {
        decode_set_raw(o, text, len, why);
        return;
    }
    buf_init(&b);
    xnode_serialize(doc, &b);
    decode_set_raw(o, b.data ? b.data : "", b.len, why);
    buf_done(&b);
}

/* A DELETE with an empty <data> names its object by <source> alone (a user
 * DELETE does): the kind's member gets the id (the source's last segment)
 * and the uri (the source). */
static const struct {
    const char *prefix; /* of the source; one path segment follows */
    const char *kind, *member, *id_key;
} deleted_by_source[] = {
    {"/finesse/api/User/", EV_KIND_USER, EVK_USER, EVK_LOGIN_ID},
    {"/finesse/api/Queue/", EV_KIND_QUEUE, EVK_QUEUE, EVK_ID},
};

/* Makes o (the envelope of an Update with an empty <data>) that object's
 * deletion; 0 when it is not one. */
static int delete_by_source(json_t *o)
{
    static const char space[] = " \t\r\n";
    const char *event = json_string_value(json_object_get(o, EVK_EVENT));
    const char *text = json_string_value(json_object_get(o, EVK_SOURCE));
    const char *id;
    char *source;
    json_t *member;
    size_t i, n, len;

    if (event == NULL || text == NULL || strcmp(event, EV_EVENT_DELETE) != 0)
        return 0;
    text += strspn(text, space);
    for (len = strlen(text); len > 0 && strchr(space, text[len - 1]); len--)
        ;
    source = xstrndup(text, len);
    for (i = 0; i < sizeof deleted_by_source / sizeof *deleted_by_source; i++) {
        n = strlen(deleted_by_source[i].prefix);
        id = source + n;
        if (len > n &&
            strncasecmp(source, deleted_by_source[i].prefix, n) == 0 &&
            strcspn(id, "/ \t\r\n") == len - n)
            break;
    }
    if (i == sizeof deleted_by_source / sizeof *deleted_by_source) {
        free(source);
        return 0;
    }
    member = json_object();
    json_object_set_new(member, deleted_by_source[i].id_key, json_str(id));
    json_object_set_new(member, EVK_URI, json_str(source));
    json_object_set_new(o, EVK_KIND, json_string(deleted_by_source[i].kind));
    json_object_set_new(o, deleted_by_source[i].member, member);
    free(source);
    return 1;
}

/* "put " -> "PUT" */
static json_t *event_name(const char *s)
{
    size_t len;
    char *u, *p;
    json_t *j;

    s += strspn(s, " \t\r\n");
    len = strlen(s);
    while (len > 0 && strchr(" \t\r\n", s[len - 1]))
        len--;
    u = xstrndup(s, len);
    for (p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    j = json_str(u);
    free(u);
    return j;
}

/* The fields of an <Update> tree; text is its source (NULL when it came
 * as elements), for a raw event. */
json_t *finesse_decode_data(const struct xnode *root)
{
    json_t *o;
    size_t i;

    for (i = 0; i < sizeof data_kinds / sizeof data_kinds[0]; i++) {
        if (!xnode_is(root, data_kinds[i].root))
            continue;
        o = json_object();
        json_object_set_new(o, EVK_KIND, json_string(data_kinds[i].kind));
        json_object_set_new(o, data_kinds[i].member, data_kinds[i].build(root));
        return o;
    }
    return NULL;
}

static json_t *decode_doc(const struct xnode *doc, const char *text, size_t len)
{
    const struct xnode *c, *data, *root;
    json_t *o = json_object(), *fields;
    char *why;

    if (!xnode_is(doc, "Update")) {
        why = xasprintf("not a Finesse <Update> document: its root is <%s>",
                        doc->name);
        set_raw_doc(o, doc, text, len, why);
        free(why);
        return o;
    }
    if ((c = xnode_child(doc, EVK_EVENT)) != NULL)
        json_object_set_new(o, EVK_EVENT, event_name(xnode_text(c)));
    if ((c = xnode_child(doc, EVK_SOURCE)) != NULL)
        json_object_set_new(o, EVK_SOURCE, json_str(xnode_text(c)));
    if ((c = xnode_child(doc, EVK_REQUEST_ID)) != NULL)
        json_object_set_new(o, EVK_REQUEST_ID, json_str(xnode_text(c)));
    data = xnode_child(doc, "data");
    root = xnode_first_element(data);
    if (root == NULL && data != NULL && delete_by_source(o))
        return o;
    if (root == NULL) {
        set_raw_doc(o, doc, text, len,
                    data ? "the <Update> has an empty <data>"
                         : "the <Update> has no <data>");
        return o;
    }
    if ((fields = finesse_decode_data(root)) != NULL) {
        json_object_update(o, fields);
        json_decref(fields);
        return o;
    }
    why = xasprintf("no decoder for <%s> data", root->name);
    set_raw_doc(o, doc, text, len, why);
    free(why);
    return o;
}

/* Saved captures (Openfire's debug.log, the desktop's client log) can hold
 * an Update escaped twice: a <notification>'s text is then still
 * "&lt;Update&gt;…". That is unescaped once more — never again, and only
 * when it gives an <Update> document. NULL otherwise. */
static struct xnode *parse_escaped_update(const char *text, size_t len)
{
    size_t skip = 0, plen;
    struct xnode *doc;
    char *plain, *cause = NULL;

    while (skip < len && strchr(" \t\r\n", text[skip]) && text[skip])
        skip++;
    if (len - skip < 4 || memcmp(text + skip, "&lt;", 4) != 0)
        return NULL;
    plain = decode_unescape_once(text, len, &plen);
    doc = xnode_parse(plain, plen, &cause);
    free(cause);
    free(plain);
    if (doc != NULL && !xnode_is(doc, "Update")) {
        xnode_free(doc);
        doc = NULL;
    }
    return doc;
}

static int is_client_log(const char *node)
{
    size_t n = node ? strlen(node) : 0;

    return n >= 10 && strcasecmp(node + n - 10, "/ClientLog") == 0;
}

json_t *finesse_decode_text(const char *node, const char *text, size_t len)
{
    struct xnode *doc;
    char *cause = NULL, *again = NULL, *clean, *why;
    size_t clean_len;
    json_t *o;
    int sanitized = 0;

    o = json_object();
    if (is_client_log(node)) {
        decode_set_raw(o, text, len, "ClientLog payloads are not decoded");
        return o;
    }
    if (len > DECODE_MAX_DOC) {
        why = xasprintf("the <Update> document is %zu bytes, more than the "
                        "limit of %u",
                        len, DECODE_MAX_DOC);
        decode_set_raw(o, text, len, why);
        free(why);
        return o;
    }
    if ((doc = xnode_parse(text, len, &cause)) == NULL &&
        (clean = xml_sanitize(text, len, &clean_len)) != NULL) {
        doc = xnode_parse(clean, clean_len, &again);
        sanitized = doc != NULL;
        free(again);
        free(clean);
    }
    if (doc == NULL)
        doc = parse_escaped_update(text, len);
    if (doc == NULL) {
        why = xasprintf("the <Update> document does not parse: %s", cause);
        decode_set_raw(o, text, len, why);
        free(why);
        free(cause);
        return o;
    }
    free(cause);
    json_decref(o);
    o = decode_doc(doc, text, len);
    xnode_free(doc);
    if (sanitized)
        json_object_set_new(o, EVK_SANITIZED, json_true());
    return o;
}

static int finesse_match(const char *node, const char *local, const char *ns)
{
    (void)node;
    (void)ns;
    return local && (strcasecmp(local, "notification") == 0 ||
                     strcasecmp(local, "Update") == 0);
}

/* A <notification> holds the Update as escaped text, or (seldom) as
 * elements; an <Update> payload is the document itself. */
static json_t *finesse_decode(const char *node, const struct xnode *payload)
{
    const struct xnode *doc = payload, *c;
    const char *text;
    json_t *o;

    if (xnode_is(payload, "notification")) {
        c = xnode_child(payload, "Update");
        if (c == NULL) {
            text = xnode_text(payload);
            return finesse_decode_text(node, text, strlen(text));
        }
        doc = c;
    }
    if (is_client_log(node)) {
        o = json_object();
        set_raw_doc(o, doc, NULL, 0, "ClientLog payloads are not decoded");
        return o;
    }
    return decode_doc(doc, NULL, 0);
}

const struct decoder finesse_decoder = {
    "finesse",
    finesse_match,
    finesse_decode,
};
