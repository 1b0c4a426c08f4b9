/* Stanza templates for the input line, one table entry each. */
#include "templates.h"
#include "base/buf.h"
#include "base/xml_escape.h"
#include "pubsub.h"
#include "xmlcheck.h"
#include "xmlstream.h"

#include <stdlib.h>
#include <string.h>

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_PING "urn:xmpp:ping"
#define NS_TIME "urn:xmpp:time"

/* XML-escaped, and tabs and line ends become character references so the
 * stanza stays on one line and attribute values keep them. */
static void esc(struct buf *b, const char *s)
{
    while (*s) {
        size_t n = strcspn(s, "\t\n\r");
        xml_escape(b, s, n, XML_ALL);
        s += n;
        if (*s) {
            buf_printf(b, "&#%d;", *s);
            s++;
        }
    }
}

/* Appends ` name='value'` escaped. */
static void attr(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, " %s='", name);
    esc(b, value);
    buf_puts(b, "'");
}

/* ctx->what when set, else -1 with a cause saying what to configure. */
static int need(const char *value, const char *what, char **cause)
{
    if (value == NULL || *value == '\0') {
        *cause = xasprintf("no %s is known (not connected?)", what);
        return -1;
    }
    return 0;
}

/* Arguments from i on, joined by single spaces (new string). */
static char *join(int argc, const char *const *argv, int i)
{
    struct buf b;

    buf_init(&b);
    for (; i < argc; i++) {
        if (b.len > 0)
            buf_puts(&b, " ");
        buf_puts(&b, argv[i]);
    }
    return buf_steal(&b);
}

/* <iq type to><child xmlns [node]/></iq> for the two disco queries. */
static int disco(struct buf *b, const struct template_ctx *ctx, int argc,
                 const char *const *argv, char **cause, const char *ns)
{
    const char *to = argc > 0 ? argv[0] : ctx->service;

    if (argc == 0 && need(to, "pubsub service", cause) < 0)
        return -1;
    buf_puts(b, "<iq type='get'");
    attr(b, "to", to);
    buf_printf(b, "><query xmlns='%s'", ns);
    if (argc > 1)
        attr(b, "node", argv[1]);
    buf_puts(b, "/></iq>");
    return 0;
}

static int build_disco_items(struct buf *b, const struct template_ctx *ctx,
                             int argc, const char *const *argv, char **cause)
{
    return disco(b, ctx, argc, argv, cause, NS_DISCO_ITEMS);
}

static int build_disco_info(struct buf *b, const struct template_ctx *ctx,
                            int argc, const char *const *argv, char **cause)
{
    return disco(b, ctx, argc, argv, cause, NS_DISCO_INFO);
}

/* Opens <iq type to=service><pubsub xmlns>; pubsub_close ends it. */
static int pubsub_open(struct buf *b, const struct template_ctx *ctx,
                       const char *type, char **cause)
{
    if (need(ctx->service, "pubsub service", cause) < 0)
        return -1;
    buf_printf(b, "<iq type='%s'", type);
    attr(b, "to", ctx->service);
    buf_puts(b, "><pubsub xmlns='" NS_PUBSUB "'>");
    return 0;
}

static void pubsub_close(struct buf *b)
{
    buf_puts(b, "</pubsub></iq>");
}

static int build_subscribe(struct buf *b, const struct template_ctx *ctx,
                           int argc, const char *const *argv, char **cause)
{
    const char *jid = argc > 1 ? argv[1] : ctx->bare;

    if (need(jid, "own bare JID", cause) < 0 ||
        pubsub_open(b, ctx, "set", cause) < 0)
        return -1;
    buf_puts(b, "<subscribe");
    attr(b, "node", argv[0]);
    attr(b, "jid", jid);
    buf_puts(b, "/>");
    pubsub_close(b);
    return 0;
}

static int build_unsubscribe(struct buf *b, const struct template_ctx *ctx,
                             int argc, const char *const *argv, char **cause)
{
    if (need(ctx->bare, "own bare JID", cause) < 0 ||
        pubsub_open(b, ctx, "set", cause) < 0)
        return -1;
    buf_puts(b, "<unsubscribe");
    attr(b, "node", argv[0]);
    attr(b, "jid", ctx->bare);
    if (argc > 1)
        attr(b, "subid", argv[1]);
    buf_puts(b, "/>");
    pubsub_close(b);
    return 0;
}

/* A decimal count 1..999999999, as max_items wants. */
static int is_count(const char *s)
{
    size_t n = strspn(s, "0123456789");

    return n > 0 && n < 10 && s[n] == '\0' && strtoul(s, NULL, 10) > 0;
}

static int build_items(struct buf *b, const struct template_ctx *ctx, int argc,
                       const char *const *argv, char **cause)
{
    if (argc > 1 && !is_count(argv[1])) {
        *cause = xasprintf("MAX must be a positive number, not '%s'", argv[1]);
        return -1;
    }
    if (pubsub_open(b, ctx, "get", cause) < 0)
        return -1;
    buf_puts(b, "<items");
    attr(b, "node", argv[0]);
    if (argc > 1)
        attr(b, "max_items", argv[1]);
    buf_puts(b, "/>");
    pubsub_close(b);
    return 0;
}

static int build_subscriptions(struct buf *b, const struct template_ctx *ctx,
                               int argc, const char *const *argv, char **cause)
{
    (void)argc;
    (void)argv;
    if (pubsub_open(b, ctx, "get", cause) < 0)
        return -1;
    buf_puts(b, "<subscriptions/>");
    pubsub_close(b);
    return 0;
}

/* <iq type='get' to><name xmlns/></iq>, to defaulting to the own domain. */
static int domain_get(struct buf *b, const struct template_ctx *ctx, int argc,
                      const char *const *argv, char **cause, const char *name,
                      const char *ns)
{
    const char *to = argc > 0 ? argv[0] : ctx->domain;

    if (need(to, "own domain", cause) < 0)
        return -1;
    buf_puts(b, "<iq type='get'");
    attr(b, "to", to);
    buf_printf(b, "><%s xmlns='%s'/></iq>", name, ns);
    return 0;
}

static int build_ping(struct buf *b, const struct template_ctx *ctx, int argc,
                      const char *const *argv, char **cause)
{
    return domain_get(b, ctx, argc, argv, cause, "ping", NS_PING);
}

static int build_time(struct buf *b, const struct template_ctx *ctx, int argc,
                      const char *const *argv, char **cause)
{
    return domain_get(b, ctx, argc, argv, cause, "time", NS_TIME);
}

static int build_presence(struct buf *b, const struct template_ctx *ctx,
                          int argc, const char *const *argv, char **cause)
{
    char *status;

    (void)ctx;
    (void)cause;
    if (argc == 0) {
        buf_puts(b, "<presence/>");
        return 0;
    }
    status = join(argc, argv, 0);
    buf_puts(b, "<presence><status>");
    esc(b, status);
    buf_puts(b, "</status></presence>");
    free(status);
    return 0;
}

static int build_message(struct buf *b, const struct template_ctx *ctx,
                         int argc, const char *const *argv, char **cause)
{
    char *text = join(argc, argv, 1);

    (void)ctx;
    (void)cause;
    buf_puts(b, "<message type='chat'");
    attr(b, "to", argv[0]);
    buf_puts(b, "><body>");
    esc(b, text);
    buf_puts(b, "</body></message>");
    free(text);
    return 0;
}

/* ---- Finesse REST requests: "/rest METHOD PATH BODY" ---- */

/* An id that goes into a URL path as it is. 0, or -1 with a cause. */
static int path_id(const char *what, const char *id, char **cause)
{
    if (*id == '\0' ||
        strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789._-") != strlen(id)) {
        *cause = xasprintf("%s '%s' is not an id (letters, digits, . _ -)",
                           what, id);
        return -1;
    }
    return 0;
}

/* <name>text</name>, escaped. */
static void element(struct buf *b, const char *name, const char *text)
{
    buf_printf(b, "<%s>", name);
    esc(b, text);
    buf_printf(b, "</%s>", name);
}

/* "/rest PUT /finesse/api/User/ID <User><state>STATE</state>
 * [<reasonCodeId>R</reasonCodeId>][<extension>E</extension>]</User>" */
static int user_state(struct buf *b, const char *user, const char *state,
                      const char *reason, const char *extension, char **cause)
{
    if (path_id("user", user, cause) < 0)
        return -1;
    buf_printf(b, "/rest PUT /finesse/api/User/%s <User>", user);
    element(b, "state", state);
    if (reason)
        element(b, "reasonCodeId", reason);
    if (extension)
        element(b, "extension", extension);
    buf_puts(b, "</User>");
    return 0;
}

static int build_state(struct buf *b, const struct template_ctx *ctx, int argc,
                       const char *const *argv, char **cause)
{
    if (need(ctx->user, "own user id", cause) < 0)
        return -1;
    return user_state(b, ctx->user, argv[0], argc > 1 ? argv[1] : NULL, NULL,
                      cause);
}

static int build_sign_in(struct buf *b, const struct template_ctx *ctx,
                         int argc, const char *const *argv, char **cause)
{
    const char *ext = argc > 0 ? argv[0] : ctx->extension;

    if (need(ctx->user, "own user id", cause) < 0 ||
        need(ext, "own extension (give EXTENSION)", cause) < 0)
        return -1;
    return user_state(b, ctx->user, "LOGIN", NULL, ext, cause);
}

static int build_sign_out(struct buf *b, const struct template_ctx *ctx,
                          int argc, const char *const *argv, char **cause)
{
    (void)ctx;
    return user_state(b, argv[0], "LOGOUT", argc > 1 ? argv[1] : NULL, NULL,
                      cause);
}

static int build_make_call(struct buf *b, const struct template_ctx *ctx,
                           int argc, const char *const *argv, char **cause)
{
    const char *from = argc > 1 ? argv[1] : ctx->extension;

    if (need(ctx->user, "own user id", cause) < 0 ||
        need(from, "own extension (give FROM)", cause) < 0 ||
        path_id("user", ctx->user, cause) < 0)
        return -1;
    buf_printf(b, "/rest POST /finesse/api/User/%s/Dialogs <Dialog>",
               ctx->user);
    element(b, "requestedAction", "MAKE_CALL");
    element(b, "fromAddress", from);
    element(b, "toAddress", argv[0]);
    buf_puts(b, "</Dialog>");
    return 0;
}

/* "/rest PUT /finesse/api/Dialog/ID <Dialog><requestedAction>ACTION…" */
static int call_action(struct buf *b, const struct template_ctx *ctx, int argc,
                       const char *const *argv, char **cause,
                       const char *action)
{
    const char *ext = argc > 1 ? argv[1] : ctx->extension;

    if (need(ext, "own extension (give EXTENSION)", cause) < 0 ||
        path_id("dialog", argv[0], cause) < 0)
        return -1;
    buf_printf(b, "/rest PUT /finesse/api/Dialog/%s <Dialog>", argv[0]);
    element(b, "requestedAction", action);
    element(b, "targetMediaAddress", ext);
    buf_puts(b, "</Dialog>");
    return 0;
}

static int build_answer(struct buf *b, const struct template_ctx *ctx, int argc,
                        const char *const *argv, char **cause)
{
    return call_action(b, ctx, argc, argv, cause, "ANSWER");
}

static int build_hold(struct buf *b, const struct template_ctx *ctx, int argc,
                      const char *const *argv, char **cause)
{
    return call_action(b, ctx, argc, argv, cause, "HOLD");
}

static int build_retrieve(struct buf *b, const struct template_ctx *ctx,
                          int argc, const char *const *argv, char **cause)
{
    return call_action(b, ctx, argc, argv, cause, "RETRIEVE");
}

static int build_drop(struct buf *b, const struct template_ctx *ctx, int argc,
                      const char *const *argv, char **cause)
{
    return call_action(b, ctx, argc, argv, cause, "DROP");
}

const struct template templates[] = {
    {"disco-items", "disco-items [JID [NODE]]",
     "list the items of JID (default: the pubsub service) or of its NODE", 0, 2,
     build_disco_items},
    {"disco-info", "disco-info [JID [NODE]]",
     "ask JID (default: the pubsub service) or its NODE for identities and "
     "features",
     0, 2, build_disco_info},
    {"subscribe", "subscribe NODE [JID]",
     "subscribe JID (default: own bare JID) to NODE of the pubsub service", 1,
     2, build_subscribe},
    {"unsubscribe", "unsubscribe NODE [SUBID]",
     "end the own subscription to NODE (SUBID when there are several)", 1, 2,
     build_unsubscribe},
    {"items", "items NODE [MAX]",
     "fetch the items of NODE, at most MAX of the newest", 1, 2, build_items},
    {"subscriptions", "subscriptions",
     "list the own subscriptions at the pubsub service", 0, 0,
     build_subscriptions},
    {"ping", "ping [JID]", "XEP-0199 ping of JID (default: own server)", 0, 1,
     build_ping},
    {"time", "time [JID]", "XEP-0202 entity time of JID (default: own server)",
     0, 1, build_time},
    {"presence", "presence [STATUS...]",
     "available presence, with STATUS text when given", 0, TEMPLATE_ARGS_ANY,
     build_presence},
    {"message", "message JID TEXT...", "a chat message of TEXT to JID", 2,
     TEMPLATE_ARGS_ANY, build_message},
    {"state", "state STATE [REASON_ID]",
     "REST: set own agent state (READY, NOT_READY, LOGOUT …) with a reason "
     "code id",
     1, 2, build_state, 1},
    {"sign-in", "sign-in [EXTENSION]",
     "REST: sign in (LOGIN) at EXTENSION (default: own extension)", 0, 1,
     build_sign_in, 1},
    {"make-call", "make-call NUMBER [FROM]",
     "REST: call NUMBER from FROM (default: own extension)", 1, 2,
     build_make_call, 1},
    {"answer", "answer DIALOG [EXTENSION]",
     "REST: answer the call DIALOG at EXTENSION (default: own extension)", 1, 2,
     build_answer, 1},
    {"hold", "hold DIALOG [EXTENSION]", "REST: put the call DIALOG on hold", 1,
     2, build_hold, 1},
    {"retrieve", "retrieve DIALOG [EXTENSION]",
     "REST: take the call DIALOG back from hold", 1, 2, build_retrieve, 1},
    {"drop", "drop DIALOG [EXTENSION]", "REST: hang up the call DIALOG", 1, 2,
     build_drop, 1},
    {"sign-out", "sign-out AGENT [REASON_ID]",
     "REST, as a supervisor: sign out a team member (LOGOUT)", 1, 2,
     build_sign_out, 1},
};
const size_t templates_len = sizeof templates / sizeof templates[0];

const struct template *template_find(const char *name)
{
    size_t i;

    for (i = 0; i < templates_len; i++) {
        if (strcmp(templates[i].name, name) == 0)
            return &templates[i];
    }
    return NULL;
}

/* "disco-items, disco-info, ..." (new string). */
static char *names(void)
{
    struct buf b;
    size_t i;

    buf_init(&b);
    for (i = 0; i < templates_len; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", templates[i].name);
    return buf_steal(&b);
}

/* 0, or -1 with a cause when an argument holds a byte XML 1.0 forbids. */
static int check_args(const struct template *t, int argc,
                      const char *const *argv, char **cause)
{
    const unsigned char *p;
    int i;

    for (i = 0; i < argc; i++) {
        for (p = (const unsigned char *)argv[i]; *p; p++) {
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
                *cause = xasprintf("argument %d holds control character "
                                   "0x%02x, which XML cannot carry; usage: %s",
                                   i + 1, *p, t->usage);
                return -1;
            }
        }
    }
    return 0;
}

/* A "/rest M P BODY" line: its body must be one element (as perch rest
 * checks before sending). */
static int check_rest_line(const char *s, char **cause)
{
    const char *body = s;
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_stanza_t *doc;
    char *why = NULL;
    int i;

    for (i = 0; i < 3 && body; i++) /* past "/rest", METHOD and PATH */
        if ((body = strchr(body, ' ')) != NULL)
            body++;
    doc = body ? xmlstream_parse_document(ctx, body, strlen(body), NULL, NULL,
                                          &why)
               : NULL;
    if (doc)
        xmpp_stanza_release(doc);
    xmpp_ctx_free(ctx);
    if (doc == NULL) {
        *cause = xasprintf("the arguments make invalid XML: %s",
                           why ? why : "no body");
        free(why);
        return -1;
    }
    return 0;
}

/* Refuses what would not pass the check every typed stanza passes (such
 * as invalid UTF-8 in an argument). */
static int check_result(const char *s, char **cause)
{
    struct xml_spans spans;
    char *why = NULL;
    int ok;

    if (xmlcheck_stanzas(s, strlen(s), &spans, &why) < 0) {
        *cause = xasprintf("the arguments make invalid XML: %s", why);
        free(why);
        return -1;
    }
    ok = spans.n == 1;
    xmlcheck_spans_done(&spans);
    if (!ok) {
        *cause = xstrdup("the template did not make exactly one stanza");
        return -1;
    }
    return 0;
}

char *template_expand(const char *name, const struct template_ctx *ctx,
                      int argc, const char *const *argv, char **cause)
{
    const struct template *t = template_find(name);
    struct buf b;
    char *out;

    *cause = NULL;
    if (t == NULL) {
        char *all = names();
        *cause = xasprintf("unknown template '%s'; one of: %s", name, all);
        free(all);
        return NULL;
    }
    if (argc < t->min_args ||
        (t->max_args != TEMPLATE_ARGS_ANY && argc > t->max_args)) {
        *cause =
            xasprintf("%s takes %s arguments, not %d; usage: %s", name,
                      argc < t->min_args ? "more" : "fewer", argc, t->usage);
        return NULL;
    }
    if (check_args(t, argc, argv, cause) < 0)
        return NULL;
    buf_init(&b);
    if (t->build(&b, ctx, argc, argv, cause) < 0) {
        buf_done(&b);
        return NULL;
    }
    out = buf_steal(&b);
    if ((t->rest ? check_rest_line(out, cause) : check_result(out, cause)) <
        0) {
        free(out);
        return NULL;
    }
    return out;
}

size_t template_complete(const char *prefix, const char **out, size_t max)
{
    size_t i, n = 0, len = strlen(prefix);

    for (i = 0; i < templates_len; i++) {
        if (strncmp(templates[i].name, prefix, len) != 0)
            continue;
        if (n < max)
            out[n] = templates[i].name;
        n++;
    }
    return n;
}
