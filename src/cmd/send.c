/* perch send: raw stanzas from the command line or stdin, replies out. */
#include "base/buf.h"
#include "base/env.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "conf/cli.h"
#include "command.h"
#include "run.h"
#include "xmpp/pretty.h"
#include "xmpp/xmlcheck.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 10.0

static const char help[] =
    "Usage: perch send [CONN] [--timeout S] [--json] STANZA|-\n"
    "\n"
    "Sends raw stanzas (iq, message, presence) given as one argument or\n"
    "read from stdin with -. The input is checked before connecting: it\n"
    "must be well-formed XML made of stanzas only. A missing id is filled\n"
    "in. For each iq get/set, waits for the reply with the same id and\n"
    "prints it, indented (coloured on a terminal), or one JSON object a\n"
    "line with --json: {\"sent\",\"reply\",\"type\",\"rtt_ms\"}.\n"
    "\n"
    "      --timeout S         seconds to wait for each reply (default 10)\n"
    "      --json              JSON lines instead of XML\n"
    "\n"
    "Exit: 0 ok, 1 an error reply, 2 bad input or usage, 3 cannot connect\n"
    "or log in, 4 certificate not trusted, 5 no reply in time.\n"
    "\n"
    "Example:\n"
    "  perch send -j agent@fin1.example.com --password-env PW \\\n"
    "    \"<iq type='get' to='pubsub.fin1.example.com'>"
    "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>\"\n";

struct send_state;

struct sent {
    struct send_state *owner;
    xmpp_stanza_t *st;
    int wants_reply; /* iq get/set */
    int done;
    enum iq_outcome outcome;
    xmpp_stanza_t *reply; /* copy */
    double rtt_ms;
};

struct send_state {
    struct runner r;
    struct sent *v;
    size_t n, waiting;
    unsigned timeout_ms;
    int json, color;
};

static char *to_text(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
    char *text = NULL, *copy;
    size_t len;

    if (xmpp_stanza_to_text(st, &text, &len) != XMPP_EOK)
        return xstrdup("");
    copy = xstrdup(text);
    xmpp_free(ctx, text);
    return copy;
}

static void print_json(struct send_state *s, struct sent *e)
{
    json_t *o = json_object();
    char *sent = to_text(s->r.ctx, e->st), *line;

    json_object_set_new(o, "sent", json_string(sent));
    if (e->wants_reply) {
        if (e->outcome == IQ_REPLY) {
            char *reply = to_text(s->r.ctx, e->reply);
            json_object_set_new(o, "reply", json_string(reply));
            json_object_set_new(o, "type",
                                json_string(xmpp_stanza_get_type(e->reply)));
            json_object_set_new(o, "rtt_ms", json_real(e->rtt_ms));
            free(reply);
        } else {
            json_object_set_new(o, "reply", json_null());
            json_object_set_new(
                o, "type",
                json_string(e->outcome == IQ_TIMEOUT ? "timeout" : "closed"));
        }
    }
    line = sanitize_json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(3));
    puts(line);
    free(line);
    free(sent);
    json_decref(o);
}

static void print_text(struct send_state *s, struct sent *e)
{
    char *text;

    if (!e->wants_reply || e->outcome != IQ_REPLY)
        return;
    /* sanitised by the printer itself, before its colours */
    text = pretty_stanza(e->reply, s->color ? PRETTY_COLOR : 0);
    fputs(text, stdout);
    free(text);
}

/* Says on stderr what went wrong with one request; returns its exit code. */
static int judge(struct send_state *s, struct sent *e)
{
    const char *id = xmpp_stanza_get_id(e->st), *type, *cond;
    char *text = NULL;
    int code = 0;

    if (!e->wants_reply)
        return 0;
    if (e->outcome == IQ_TIMEOUT) {
        perch_error("no reply to iq '%s' within %.3g s", id,
                    s->timeout_ms / 1000.0);
        return EXIT_TIMEOUT;
    }
    if (e->outcome == IQ_CLOSED) {
        perch_error("connection closed before the reply to iq '%s'", id);
        return EXIT_CONNECT;
    }
    if (strcmp(xmpp_stanza_get_type(e->reply), "error") == 0) {
        cond = session_error_condition(e->reply, &type, &text);
        perch_error("iq '%s' failed: %s%s%s%s", id, cond, type ? " (" : "",
                    type ? type : "", type ? ")" : "");
        if (text) {
            sanitize_fprintf(stderr, SANITIZE_LINE, "       %s", text);
            fputc('\n', stderr);
        }
        free(text);
        code = EXIT_REPLY_ERROR;
    }
    return code;
}

static void report(struct send_state *s)
{
    size_t i;
    int code = 0, c;

    for (i = 0; i < s->n; i++) {
        if (s->json)
            print_json(s, &s->v[i]);
        else
            print_text(s, &s->v[i]);
        c = judge(s, &s->v[i]);
        if (c == EXIT_TIMEOUT ||
            (c && code != EXIT_TIMEOUT && code != EXIT_CONNECT))
            code = c;
    }
    fflush(stdout);
    runner_finish(&s->r, code);
}

static void on_reply(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt_ms)
{
    struct sent *e = arg;

    e->done = 1;
    e->outcome = outcome;
    e->rtt_ms = rtt_ms;
    if (reply)
        e->reply = xmpp_stanza_copy(reply);
    if (--e->owner->waiting == 0)
        report(e->owner);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct send_state *s = (struct send_state *)r;
    size_t i;
    (void)jid;

    for (i = 0; i < s->n; i++) {
        struct sent *e = &s->v[i];
        if (e->wants_reply)
            session_send_iq(r->session, e->st, s->timeout_ms, on_reply, e);
        else
            session_send(r->session, e->st);
    }
    if (s->waiting == 0)
        report(s);
}

static const struct runner_events send_events = {.ready = on_ready};

static int parse_input(struct send_state *s, const char *input, size_t len)
{
    struct xml_spans spans;
    char *cause = NULL;
    size_t i;

    if (xmlcheck_stanzas(input, len, &spans, &cause) != 0) {
        perch_error("not sent: %s", cause);
        free(cause);
        return -1;
    }
    s->v = xcalloc(spans.n, sizeof *s->v);
    for (i = 0; i < spans.n; i++) {
        char *text = xstrndup(input + spans.v[i].offset, spans.v[i].len);
        struct sent *e = &s->v[s->n];
        const char *type;

        e->owner = s;
        e->st = xmpp_stanza_new_from_string(s->r.ctx, text);
        free(text);
        if (e->st == NULL) {
            perch_error("not sent: stanza %zu (<%s>) could not be parsed "
                        "(undeclared namespace prefix?)",
                        i + 1, spans.v[i].name);
            xmlcheck_spans_done(&spans);
            return -1;
        }
        s->n++;
        type = xmpp_stanza_get_type(e->st);
        e->wants_reply = strcmp(spans.v[i].name, "iq") == 0 && type &&
                         (!strcmp(type, "get") || !strcmp(type, "set"));
        if (strcmp(spans.v[i].name, "iq") == 0 && !e->wants_reply &&
            !(type && (!strcmp(type, "result") || !strcmp(type, "error")))) {
            perch_error("not sent: stanza %zu: an iq needs type='get', "
                        "'set', 'result' or 'error'",
                        i + 1);
            xmlcheck_spans_done(&spans);
            return -1;
        }
        s->waiting += (size_t)e->wants_reply;
    }
    xmlcheck_spans_done(&spans);
    return 0;
}

static int send_main(const struct cli *c)
{
    struct send_state s;
    char *input = NULL;
    size_t len, i;
    int code;

    if (c->nargs != 1) {
        perch_error("send needs one STANZA argument, or - to read stdin "
                    "(see perch send --help)");
        return EXIT_USAGE;
    }
    memset(&s, 0, sizeof s);
    if (strcmp(c->args[0], "-") == 0) {
        input = buf_read_stream(stdin, XMLCHECK_MAX_INPUT, &len);
    } else {
        input = xstrdup(c->args[0]);
        len = strlen(input);
    }
    s.timeout_ms =
        (unsigned)((c->timeout_s > 0 ? c->timeout_s : DEFAULT_TIMEOUT_S) *
                   1000);
    s.json = c->json;
    s.color = !c->json && isatty(STDOUT_FILENO) && !env_no_color();
    code = runner_init(&s.r, c);
    if (code == 0 && parse_input(&s, input, len) != 0)
        code = EXIT_USAGE;
    if (code == 0)
        code = runner_connect(&s.r, c, &send_events);
    if (code == 0)
        code = runner_run(&s.r);
    for (i = 0; i < s.n; i++) {
        xmpp_stanza_release(s.v[i].st);
        if (s.v[i].reply)
            xmpp_stanza_release(s.v[i].reply);
    }
    free(s.v);
    runner_done(&s.r);
    free(input);
    return code;
}

const struct command cmd_send_entry = {
    .name = "send",
    .summary = "send raw stanzas, print the replies",
    .help = help,
    .extras = CLI_TIMEOUT | CLI_JSON,
    .main = send_main,
};
