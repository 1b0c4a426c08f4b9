/*
 * perch rest METHOD PATH [BODY|-]: one request to the Finesse REST API,
 * the answer printed with its status and time; with --await-update, also
 * logged in over XMPP and subscribed to the node that will carry the
 * Update echoing the request's requestId, which it waits for.
 */
#include "base/buf.h"
#include "base/env.h"
#include "base/error.h"
#include "base/loop.h"
#include "base/sanitize.h"
#include "command.h"
#include "conf/conn.h"
#include "decode/decode.h"
#include "decode/keys.h"
#include "event_out.h"
#include "rest/rest.h"
#include "rest/restmsg.h"
#include "run.h"
#include "subs.h"
#include "xmpp/jid.h"
#include "xmpp/pretty.h"
#include "xmpp/pubsub.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 10.0
#define MAX_BODY (1u << 20) /* what perch sends */

static const char help[] =
    "Usage: perch rest [CONN] [--json] [--timeout S]\n"
    "                  [--await-update [--node NODE] [--full-jid]]\n"
    "                  METHOD PATH [BODY|-]\n"
    "\n"
    "Sends one request to the Finesse REST API and prints the answer: a\n"
    "line with the status, the time and the requestId, then the body\n"
    "pretty printed (coloured on a terminal), or one JSON object with\n"
    "--json. METHOD is GET, PUT, POST or DELETE; PATH is /finesse/api/…,\n"
    "or short: User/1001001 means /finesse/api/User/1001001. BODY is one\n"
    "XML element, or - to read it from stdin; it is checked before\n"
    "anything is sent.\n"
    "\n"
    "The API is at --rest URL (config: rest = URL), by default\n"
    "https://HOST:8445 with HOST the --server or the JID's domain. perch\n"
    "logs in with HTTP Basic: the JID's local part as Finesse's user id and\n"
    "the password from the usual sources. The certificate is checked like\n"
    "BOSH's: --ca-file, --pin, --insecure; --proxy or curl's environment.\n"
    "An http:// URL needs --allow-plaintext-auth.\n"
    "\n"
    "Each request that changes something carries a requestId header (a new\n"
    "UUID, as Finesse's desktop sends). Finesse answers it with 202 and\n"
    "later publishes an Update whose <requestId> echoes it (or the\n"
    "requestId header of its answer, when that differs).\n"
    "\n"
    "      --await-update      also log in over XMPP, subscribe to the node\n"
    "                          that will carry the Update (User/ID for a\n"
    "                          User PUT, User/ID/Dialogs for dialog requests;\n"
    "                          the subscription is removed afterwards), and\n"
    "                          wait for the Update (or apiErrors Update) with\n"
    "                          the requestId; print both and the time between\n"
    "      --node NODE         the node that will carry the Update\n"
    "      --full-jid          subscribe the full JID, not the bare one\n"
    "      --timeout S         seconds for the answer, and for the Update\n"
    "                          after the request (default 10)\n"
    "      --json              one JSON object for the answer (and one for\n"
    "                          the Update)\n"
    "\n"
    "Exit: 0 ok, 1 an HTTP 4xx/5xx (Finesse's ApiErrors shown) or an\n"
    "apiErrors Update, 2 bad input or usage, 3 cannot connect or log in,\n"
    "4 certificate not trusted, 5 no answer or no Update in time.\n"
    "\n"
    "Example:\n"
    "  perch rest -j 1001001@fin1.example.com --password-env PW \\\n"
    "    --await-update PUT User/1001001 '<User><state>READY</state></User>'\n";

struct rest_opts {
    int await_update;
    const char *node;
};

struct restcmd {
    struct runner r;
    struct rest_opts o;
    const struct cli *c;
    struct rest *rest;
    char *password;
    const char *method;
    char *path; /* normalised */
    char *body;
    size_t body_len;
    char *node;    /* the Update's node (--await-update) */
    char *service; /* pubsub service */
    char *jid;     /* the JID subscribed */
    char *user;    /* Finesse user id */
    struct subs subs;
    struct rest_waits waits;
    struct loop_timer *update_timer;
    unsigned timeout_ms;
    int json, color;
    int answered;       /* a 2xx answer was printed */
    double sent_ms;     /* the request left */
    double answered_ms; /* its answer came */
    char request_id[REST_ID_LEN + 1];
    json_t *update; /* an Update that came before the answer */
    double update_ms;
    xmpp_stanza_t *update_item;
};

/* ---- printing ---- */

/* Body text that is not XML, sanitised (base/sanitize.h: lines kept,
 * controls, bidi and invisible characters shown): a server's bytes must not
 * drive the terminal. */
static void put_text(FILE *f, const char *s, size_t len)
{
    struct buf b;

    buf_init(&b);
    sanitize_text(&b, s, len, SANITIZE_LINES);
    fwrite(b.data, 1, b.len, f);
    if (len && s[len - 1] != '\n')
        fputc('\n', f);
    buf_done(&b);
}

static void print_body_text(struct restcmd *k, const struct rest_response *p)
{
    char *text;

    if (p->doc) {
        text = pretty_stanza(p->doc, k->color ? PRETTY_COLOR : 0);
        fputs(text, stdout);
        free(text);
    } else if (p->len) {
        put_text(stdout, p->body, p->len);
    }
}

static void print_answer_json(const struct rest_response *p)
{
    json_t *o = json_object(), *body;
    char *line;

    json_object_set_new(o, "method", json_string(p->method));
    json_object_set_new(o, "url", sanitize_json_string(p->url));
    if (p->fail != FAIL_NONE) {
        json_object_set_new(o, "error", sanitize_json_string(p->cause));
    } else {
        json_object_set_new(o, "status", json_integer(p->status));
        json_object_set_new(o, "reason", json_string(rest_reason(p->status)));
        json_object_set_new(o, "ms", json_real(p->ms));
        if (*p->request_id)
            json_object_set_new(o, EVK_REQUEST_ID, json_string(p->request_id));
        if (p->date)
            json_object_set_new(o, "date", sanitize_json_string(p->date));
        body = json_stringn(p->body, p->len);
        if (body) /* NULL: not UTF-8 */
            json_object_set_new(o, "body", body);
        else
            json_object_set_new(o, "bodyLength",
                                json_integer((json_int_t)p->len));
        if (p->decoded)
            json_object_set_new(o, "decoded", json_incref(p->decoded));
        else if (p->parse_error)
            json_object_set_new(o, "parseError",
                                sanitize_json_string(p->parse_error));
    }
    line = sanitize_json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));
    puts(line);
    free(line);
    json_decref(o);
}

/* Prints the answer; returns its exit code (0 for a 2xx). */
static int print_answer(struct restcmd *k, const struct rest_response *p)
{
    char *errors;

    if (k->json)
        print_answer_json(p);
    if (p->fail != FAIL_NONE) {
        perch_error("%s", p->cause);
        fflush(stdout);
        return p->fail == FAIL_TIMEOUT ? EXIT_TIMEOUT : fail_exit_code(p->fail);
    }
    if (!k->json) {
        sanitize_fprintf(stdout, SANITIZE_LINE, "HTTP %ld %s in %.0f ms  %s %s",
                         p->status, rest_reason(p->status), p->ms, p->method,
                         p->url);
        if (*p->request_id)
            printf("  requestId %s", p->request_id);
        putchar('\n');
        print_body_text(k, p);
    }
    fflush(stdout);
    if (p->status >= 200 && p->status <= 299)
        return 0;
    errors = p->decoded ? rest_decoded_errors(p->decoded) : NULL;
    perch_error("%s %s: %ld %s%s%s", p->method, p->path, p->status,
                rest_reason(p->status), errors ? ": " : "",
                errors ? errors : "");
    free(errors);
    return EXIT_REPLY_ERROR;
}

/* Prints the Update that answered; returns the exit code. */
static int print_update(struct restcmd *k)
{
    const char *node = json_string_value(json_object_get(k->update, EVK_NODE));
    double after = k->update_ms - k->sent_ms;
    double since = k->update_ms - k->answered_ms;
    char *errors = rest_decoded_errors(k->update), *text, *line;
    json_t *o;
    int code = errors ? EXIT_REPLY_ERROR : 0;

    if (k->json) {
        o = json_object();
        json_object_set_new(o, EVK_REQUEST_ID, json_string(k->request_id));
        json_object_set_new(o, "ms", json_real(after));
        json_object_set_new(o, "afterAnswerMs", json_real(since));
        json_object_set_new(o, "update",
                            event_stamp(json_incref(k->update), k->service));
        line = sanitize_json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));
        puts(line);
        free(line);
        json_decref(o);
    } else {
        sanitize_fprintf(stdout, SANITIZE_LINE,
                         "Update %.0f ms after the request (%.0f ms %s the "
                         "answer) on %s",
                         after, since < 0 ? -since : since,
                         since < 0 ? "before" : "after", node ? node : "?");
        putchar('\n');
        line = event_line(k->update);
        printf("  %s\n", line);
        free(line);
        text = pretty_stanza(k->update_item,
                             PRETTY_EMBEDDED | (k->color ? PRETTY_COLOR : 0));
        fputs(text, stdout);
        free(text);
    }
    fflush(stdout);
    if (errors)
        perch_error("%s %s: the Update says %s", k->method, k->path, errors);
    free(errors);
    return code;
}

/* ---- without XMPP ---- */

static void on_plain_answer(void *arg, const struct rest_response *p)
{
    struct restcmd *k = arg;

    k->r.exit_code = print_answer(k, p);
    loop_exit(k->r.loop);
}

static void on_plain_signal(void *arg)
{
    struct restcmd *k = arg;

    k->r.exit_code = EXIT_INTERRUPTED;
    loop_exit(k->r.loop);
}

static int run_plain(struct restcmd *k)
{
    char *cause = NULL;

    loop_on_signal(k->r.loop, SIGINT, on_plain_signal, k);
    loop_on_signal(k->r.loop, SIGTERM, on_plain_signal, k);
    signal(SIGPIPE, SIG_IGN);
    if (rest_request(k->rest, k->method, k->path, k->body, k->body_len,
                     on_plain_answer, k, NULL, &cause) != 0) {
        perch_error("not sent: %s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    loop_run(k->r.loop);
    return k->r.exit_code;
}

/* ---- with XMPP: the Update ---- */

static void on_answer(void *arg, const struct rest_response *p)
{
    struct restcmd *k = arg;
    int code = print_answer(k, p);

    if (code != 0) {
        runner_finish(&k->r, code);
        return;
    }
    k->answered = 1;
    k->answered_ms = loop_now_ms();
    rest_waits_answered(&k->waits, p->sent_id, p->request_id);
    if (k->update) /* it came first */
        runner_finish(&k->r, print_update(k));
}

static void on_update_timeout(void *arg)
{
    struct restcmd *k = arg;

    perch_error("no Update with requestId %s on %s within %.3g s",
                k->request_id, k->node, k->timeout_ms / 1000.0);
    runner_finish(&k->r, EXIT_TIMEOUT);
}

static void on_subscribed(struct subs *s, int ok)
{
    struct restcmd *k = s->arg;
    const char *id = NULL;
    char *cause = NULL;

    if (!ok) {
        runner_finish(&k->r, EXIT_REPLY_ERROR);
        return;
    }
    if (rest_request(k->rest, k->method, k->path, k->body, k->body_len,
                     on_answer, k, &id, &cause) != 0) {
        perch_error("not sent: %s", cause);
        free(cause);
        runner_finish(&k->r, EXIT_USAGE);
        return;
    }
    snprintf(k->request_id, sizeof k->request_id, "%s", id);
    k->sent_ms = loop_now_ms();
    rest_waits_add(&k->waits, id, k, k->sent_ms);
    loop_timer_start(k->update_timer, k->timeout_ms);
}

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct restcmd *k = arg;
    json_t *ev;
    const char *id;

    if (kind != PUBSUB_ITEM || k->update)
        return;
    ev = decode_event(pubsub_event_kind_name(kind), node, el);
    id = json_string_value(json_object_get(ev, EVK_REQUEST_ID));
    if (id == NULL || rest_waits_match(&k->waits, id, NULL) == NULL) {
        json_decref(ev);
        return;
    }
    k->update = ev;
    k->update_ms = loop_now_ms();
    k->update_item = xmpp_stanza_copy(el);
    loop_timer_stop(k->update_timer);
    if (k->answered)
        runner_finish(&k->r, print_update(k));
}

static void on_stanza(struct runner *r, xmpp_stanza_t *st)
{
    struct restcmd *k = (struct restcmd *)r;
    const char *from = xmpp_stanza_get_from(st);

    if (from != NULL && jid_equal(from, k->service))
        pubsub_dispatch(st, on_event, k);
}

static void on_ready(struct runner *r, const char *bound)
{
    struct restcmd *k = (struct restcmd *)r;
    struct jid j;
    char *cause = NULL;

    if (!k->c->full_jid && jid_parse(bound, &j, &cause) == 0) {
        k->jid = jid_bare(&j);
        jid_done(&j);
    }
    free(cause);
    if (k->jid == NULL)
        k->jid = xstrdup(bound);
    subs_start(&k->subs, r, k->service, k->jid, &k->node, 1, on_subscribed, k);
}

static void on_removed(struct subs *s, int ok)
{
    struct restcmd *k = s->arg;
    (void)ok;

    runner_finish(&k->r, 0);
}

static void cleanup(struct runner *r)
{
    struct restcmd *k = (struct restcmd *)r;

    loop_timer_stop(k->update_timer);
    subs_remove(&k->subs, PUBSUB_CLEANUP_TIMEOUT_MS, on_removed);
}

static const struct runner_events rest_events = {
    .ready = on_ready,
    .stanza = on_stanza,
    .cleanup = cleanup,
};

static int run_await(struct restcmd *k)
{
    int code;

    k->update_timer = loop_timer_new(k->r.loop, on_update_timeout, k);
    code = runner_connect_password(&k->r, k->c, &rest_events, k->password);
    if (code == 0)
        code = runner_run(&k->r);
    loop_timer_free(k->update_timer);
    return code;
}

/* ---- the command line ---- */

/* Checks METHOD PATH [BODY] and, with --await-update, the node. 0, or
 * an exit code after saying why. */
static int check_args(struct restcmd *k)
{
    const struct cli *c = k->c;
    char *cause = NULL, *path;
    struct jid j;

    if (c->nargs < 2 || c->nargs > 3) {
        perch_error("rest needs METHOD PATH [BODY|-] (see perch rest --help)");
        return EXIT_USAGE;
    }
    if ((k->method = rest_method(c->args[0])) == NULL) {
        perch_error("'%s' is not GET, PUT, POST or DELETE", c->args[0]);
        return EXIT_USAGE;
    }
    if ((path = rest_path(c->args[1], &cause)) == NULL) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    k->path = path; /* freed by rest_main */
    if (c->nargs == 3) {
        if (strcmp(c->args[2], "-") == 0) {
            k->body = buf_read_stream(stdin, MAX_BODY, &k->body_len);
        } else {
            k->body = xstrdup(c->args[2]);
            k->body_len = strlen(k->body);
        }
        if (k->body_len > MAX_BODY) {
            perch_error("not sent: the body is larger than %u bytes", MAX_BODY);
            return EXIT_USAGE;
        }
    }
    if (jid_parse(c->conn.jid, &j, &cause) == 0) {
        k->user = xstrdup(j.local ? j.local : "");
        jid_done(&j);
    }
    free(cause);
    cause = NULL;
    if (k->o.await_update) {
        if (strcmp(k->method, "GET") == 0) {
            perch_error("--await-update: a GET changes nothing, no Update "
                        "answers it");
            return EXIT_USAGE;
        }
        k->node = k->o.node ? xstrdup(k->o.node)
                            : rest_update_node(k->method, path, k->user);
        if (k->node == NULL) {
            perch_error("--await-update: which node carries the Update of "
                        "%s %s is not known; give --node NODE",
                        k->method, path);
            return EXIT_USAGE;
        }
    } else if (k->o.node) {
        perch_error("--node goes with --await-update");
        return EXIT_USAGE;
    }
    return 0;
}

/* The REST client; 0 or an exit code after saying why. */
static int make_client(struct restcmd *k)
{
    char *cause = NULL;

    if ((k->password = runner_password(k->c)) == NULL)
        return EXIT_USAGE;
    if (runner_record(&k->r, k->c) != 0)
        return EXIT_USAGE;
    k->rest = conn_rest(k->r.loop, k->r.ctx, &k->c->conn, k->password,
                        k->timeout_ms, k->r.recorder, &cause);
    if (k->rest == NULL) {
        perch_error("%s", cause);
        free(cause);
        return EXIT_CONNECT;
    }
    if (k->body && rest_check_body(k->r.ctx, k->body, k->body_len, &cause)) {
        perch_error("not sent: %s", cause);
        free(cause);
        return EXIT_USAGE;
    }
    if (k->c->conn.insecure && !k->o.await_update)
        perch_error("warning: --insecure: the server's certificate is NOT "
                    "checked; anyone on the path can read and change this "
                    "session");
    return 0;
}

#define F(x) offsetof(struct rest_opts, x)
static const struct cli_option options[] = {
    {"await-update", CLI_FLAG_ON, F(await_update), 0, 0},
    {"node", CLI_STRING, F(node), 0, 0},
    {NULL, 0, 0, 0, 0},
};
#undef F

static int rest_main(const struct cli *c)
{
    struct restcmd k;
    int code;

    memset(&k, 0, sizeof k);
    k.c = c;
    cli_own_apply(c, &k.o);
    k.json = c->json;
    k.color = !c->json && isatty(STDOUT_FILENO) && !env_no_color();
    k.timeout_ms =
        (unsigned)((c->timeout_s > 0 ? c->timeout_s : DEFAULT_TIMEOUT_S) *
                   1000);
    k.service = conn_service(&c->conn);
    code = check_args(&k);
    if (code == 0)
        code = runner_init(&k.r, c);
    if (code == 0)
        code = make_client(&k);
    if (code == 0)
        code = k.o.await_update ? run_await(&k) : run_plain(&k);
    rest_free(k.rest);
    if (k.update_item) /* before its context goes */
        xmpp_stanza_release(k.update_item);
    runner_done(&k.r);
    runner_password_free(k.password);
    subs_done(&k.subs);
    rest_waits_done(&k.waits);
    json_decref(k.update);
    free(k.body);
    free(k.path);
    free(k.node);
    free(k.service);
    free(k.jid);
    free(k.user);
    return code;
}

const struct command cmd_rest_entry = {
    .name = "rest",
    .summary = "one Finesse REST request; --await-update pairs its Update",
    .help = help,
    .extras = CLI_TIMEOUT | CLI_JSON | CLI_FULL_JID,
    .options = options,
    .main = rest_main,
};
