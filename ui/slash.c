/*
 * What a line typed on the input does: a /command from the table below, a
 * raw stanza (a line starting with '<'), or /TEXT to find in the focused
 * pane. Also completion candidates and /edit.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "xmpp/console.h"
#include "xmpp/templates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 16

enum arg_kind {
    ARG_NONE,
    ARG_METHOD,
    ARG_NODE,
    ARG_TEMPLATE,
    ARG_THEME,
    ARG_LAYOUT,
    ARG_COMMAND,
    ARG_FILTER
};

struct slash_command {
    const char *name;
    const char *usage;
    const char *help;
    enum arg_kind arg;
    /* argv[0] is the command; rest is the text after it, untouched. */
    void (*run)(int argc, char **argv, const char *rest);
};

static char *last_edit; /* an /edit text that was not sent */

/* The node a command without NODE acts on: the Nodes pane's selection. */
static const char *node_arg(int argc, char **argv, int i)
{
    const char *sel;

    if (i < argc)
        return argv[i];
    sel = ui_panes[P_NODES]->selected(ui->panes[P_NODES].state);
    if (sel == NULL)
        ui_say(1, "/%s: give a NODE (or select one in Nodes)", argv[0]);
    return sel;
}

static void run_connect(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv, (void)rest;
    if (ui->app->state == APP_ONLINE)
        ui_say(0, "already connected");
    app_connect(ui->app);
}

static void run_disconnect(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv, (void)rest;
    app_disconnect(ui->app);
}

static void run_disco(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv, (void)rest;
    app_disco(ui->app);
}

/* fn on each NODE given, or on the node selected in Nodes. */
static void each_node(int argc, char **argv,
                      void (*fn)(struct app *a, const char *node))
{
    const char *node;
    int i;

    if (argc == 1) {
        if ((node = node_arg(argc, argv, 1)) != NULL)
            fn(ui->app, node);
        return;
    }
    for (i = 1; i < argc; i++)
        fn(ui->app, argv[i]);
}

static void run_sub(int argc, char **argv, const char *rest)
{
    (void)rest;
    each_node(argc, argv, app_subscribe);
}

static void run_unsub(int argc, char **argv, const char *rest)
{
    (void)rest;
    each_node(argc, argv, app_unsubscribe);
}

static void run_subs(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv, (void)rest;
    app_subscriptions(ui->app);
    ui_say(0, "%zu subscriptions known; asking the service…",
           app_subscription_count(ui->app));
}

static void run_items(int argc, char **argv, const char *rest)
{
    const char *node = node_arg(argc, argv, 1);
    (void)rest;
    if (node)
        app_items(ui->app, node);
}

static void run_info(int argc, char **argv, const char *rest)
{
    (void)rest;
    app_info(ui->app, argc > 1 ? argv[1] : NULL);
}

/* Checks and sends; on success shows Console, which selects the reply to
 * the first stanza sent when it comes. 0, or -1 (said why). */
/* A line typed on the input, while slash_run runs it. */
static const char *typed_line;

/* A stanza the checker refused, typed on the input, stays there, the
 * cursor where its "line L, column C: …" points (xmlcheck.h). */
static void keep_refused(const char *text, const char *cause)
{
    size_t len = typed_line ? strlen(typed_line) : 0, at;
    unsigned long line, column;
    const char *p = text;

    if (typed_line == NULL || text < typed_line || text > typed_line + len ||
        sscanf(cause, "line %lu, column %lu", &line, &column) != 2)
        return; /* not typed, or not the checker's (not connected …) */
    at = len;
    for (; line > 1 && (p = strchr(p, '\n')) != NULL; line--)
        p++;
    if (p) { /* a column is a character, as expat counts */
        uint32_t cp;
        for (; column > 1 && *p && *p != '\n'; column--)
            p += utf8_next(p, &cp);
        at = (size_t)(p - typed_line);
    }
    input_set_line_at(typed_line, at);
}

static int send_text(const char *text)
{
    unsigned long first = console_last_seq(ui->app->console) + 1;
    unsigned long said = ui->message_seq;
    char *cause = NULL;

    if (app_send_text(ui->app, text, &cause) != 0) {
        ui_say(1, "not sent: %s", cause);
        keep_refused(text, cause);
        free(cause);
        return -1;
    }
    /* the reply may have come (and been said) during the send */
    if (ui->message_seq == said)
        ui_say(0, "sent; the reply pairs with it in Console");
    console_pane_await(first);
    if (ui->focus != P_CONSOLE)
        ui_focus(P_CONSOLE);
    return 0;
}

static void run_send(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv;
    if (*rest == '\0')
        ui_say(1, "/send STANZA");
    else
        send_text(rest);
}

/* /rest METHOD PATH [BODY]: BODY is the rest of the line, untouched. */
static void run_rest(int argc, char **argv, const char *rest)
{
    const char *body = rest;
    unsigned long seq = 0, said = ui->message_seq;
    char *cause = NULL;
    int i;

    if (argc < 3) {
        ui_say(1, "/rest METHOD PATH [BODY]");
        return;
    }
    for (i = 0; i < 2; i++) { /* past METHOD and PATH */
        body += strcspn(body, " \t");
        body += strspn(body, " \t");
    }
    if (app_rest(ui->app, argv[1], argv[2], *body ? body : NULL, &seq,
                 &cause) != 0) {
        ui_say(1, "/rest: not sent: %s", cause);
        free(cause);
        return;
    }
    if (ui->message_seq == said)
        ui_say(0,
               "%s sent; its answer and its Update pair with it in "
               "Console",
               argv[1]);
    console_pane_await(seq);
    if (ui->focus != P_CONSOLE)
        ui_focus(P_CONSOLE);
}

/* /node primary|secondary|other: perch stays on the node it reached
 * after a failover until asked, as the desktop does. */
static void run_node(int argc, char **argv, const char *rest)
{
    char *cause = NULL;
    (void)rest;

    if (argc != 2) {
        ui_say(1, "/node primary|secondary|other");
        return;
    }
    if (app_node(ui->app, argv[1], &cause) != 0) {
        ui_say(1, "/node: %s", cause);
        free(cause);
        return;
    }
    ui_say(0, "moving to the %s node", argv[1]);
}

/* The own extension, when the model knows the own agent. */
static const char *own_extension(const char *user)
{
    const struct agent *a = user ? map_get(&ui->app->model.agents, user) : NULL;

    return a && a->extension && *a->extension ? a->extension : NULL;
}

static void run_tpl(int argc, char **argv, const char *rest)
{
    const char *bound =
        ui->app->session ? session_bound_jid(ui->app->session) : NULL;
    struct template_ctx ctx;
    char *domain = xstrdup(ui->app->bare), *at, *text, *cause = NULL;
    char *user = xstrdup(ui->app->bare);
    const struct template *tpl;
    size_t i;
    (void)rest;

    if (argc < 2) {
        struct buf b;
        buf_init(&b);
        buf_puts(&b, "templates:");
        for (i = 0; i < templates_len; i++)
            buf_printf(&b, " %s", templates[i].name);
        ui_say(0, "%s", b.data);
        buf_done(&b);
        free(domain);
        free(user);
        return;
    }
    tpl = template_find(argv[1]);
    if (tpl && argc - 2 < tpl->min_args) { /* NAME alone: how to use it */
        ui_say(1, "usage: /tpl %s — %s", tpl->usage, tpl->help);
        free(domain);
        free(user);
        return;
    }
    at = strchr(domain, '@');
    ctx.jid = bound;
    ctx.bare = ui->app->bare;
    ctx.domain = at ? at + 1 : domain;
    ctx.service = ui->app->service;
    if ((at = strchr(user, '@')) != NULL)
        *at = '\0';
    ctx.user = at ? user : NULL;
    ctx.extension = own_extension(ctx.user);
    text = template_expand(argv[1], &ctx, argc - 2,
                           (const char *const *)argv + 2, &cause);
    if (text == NULL) {
        ui_say(1, "%s", cause);
        free(cause);
    } else {
        input_set_line(text);
        ui_say(0, "edit and press Enter to send (Ctrl-X Ctrl-E: $EDITOR)");
        free(text);
    }
    free(domain);
    free(user);
}

static void run_edit(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv;
    slash_edit(*rest ? rest : last_edit ? last_edit : "");
}

static void run_filter(int argc, char **argv, const char *rest)
{
    char *cause = NULL;
    (void)argc, (void)argv;

    if (console_pane_filter(rest, &cause) != 0) {
        ui_say(1, "/filter: %s", cause);
        free(cause);
        return;
    }
    ui_focus(P_CONSOLE);
}

static void run_search(int argc, char **argv, const char *rest)
{
    (void)argc, (void)argv;
    ui_focus(P_CONSOLE);
    ui_pane_find(rest);
}

/* /save [--pretty] FILE: ~ expanded; the rest of the line is the name. */
static void run_save(int argc, char **argv, const char *rest)
{
    char *cause = NULL, *path;
    int pretty = 0;
    size_t n;
    (void)argc, (void)argv;

    if (strncmp(rest, "--pretty", 8) == 0 &&
        (rest[8] == ' ' || rest[8] == '\0')) {
        pretty = 1;
        rest += 8;
        while (*rest == ' ')
            rest++;
    }
    if (*rest == '\0') {
        ui_say(1, "/save [--pretty] FILE");
        return;
    }
    path = file_expand_home(rest);
    if (console_pane_save(path, pretty, &n, &cause) != 0) {
        ui_say(1, "/save: %s", cause);
        free(cause);
    } else {
        ui_say(0, "saved %zu stanza%s to %s", n, n == 1 ? "" : "s", path);
    }
    free(path);
}

static void run_theme(int argc, char **argv, const char *rest)
{
    char *cause = NULL;
    (void)rest;

    if (argc < 2) {
        char *known = ui_theme_names();
        ui_say(0, "theme %s; themes: %s", ui->theme.name, known);
        free(known);
        return;
    }
    if (ui_set_theme(argv[1], &cause) != 0) {
        char *known = ui_theme_names();
        ui_say(1, "/theme: %s — themes: %s", cause, known);
        free(known);
        free(cause);
    } else
        ui_say(0, "theme %s", ui->theme.name);
}

static void run_layout(int argc, char **argv, const char *rest)
{
    (void)rest;
    if (argc < 2 || ui_set_layout(argv[1]) != 0)
        ui_say(1, "/layout tabs|wide|auto");
}

static void run_help(int argc, char **argv, const char *rest);

static void run_quit(int argc, char **argv, const char *rest)
{
    (void)rest;
    ui_quit(argc > 1 && strcmp(argv[1], "keep") == 0);
}

static const struct slash_command slash_commands[] = {
    {"connect", "", "connect (again) with the command line's account", ARG_NONE,
     run_connect},
    {"disconnect", "", "close the session; stay offline", ARG_NONE,
     run_disconnect},
    {"node", "primary|secondary|other",
     "move to that node of the Finesse cluster (after a failover perch "
     "stays where it is until asked)",
     ARG_NONE, run_node},
    {"disco", "", "refresh the node tree (disco#items of the service)",
     ARG_NONE, run_disco},
    {"sub", "[NODE...]", "subscribe (default: the selected node)", ARG_NODE,
     run_sub},
    {"unsub", "[NODE...]", "unsubscribe (default: the selected node)", ARG_NODE,
     run_unsub},
    {"subs", "", "ask the service for this account's subscriptions", ARG_NONE,
     run_subs},
    {"items", "[NODE]", "fetch a node's items into the panes", ARG_NODE,
     run_items},
    {"info", "[NODE]", "disco#info of a node (or the service)", ARG_NODE,
     run_info},
    {"send", "STANZA", "check and send a raw stanza (or type it: <iq ...)",
     ARG_NONE, run_send},
    {"tpl", "NAME [ARGS]",
     "put a stanza (or a /rest request) template on the input line",
     ARG_TEMPLATE, run_tpl},
    {"rest", "METHOD PATH [BODY]",
     "a Finesse REST request; its answer and the Update with its requestId "
     "pair with it in Console",
     ARG_METHOD, run_rest},
    {"edit", "[STANZA]", "write stanzas in $EDITOR; saved = sent", ARG_NONE,
     run_edit},
    {"filter", "[SPEC] | off",
     "Console shows only matching stanzas; SPEC: in|out, iq|message|"
     "presence|rest, node=TEXT, a REGEX",
     ARG_FILTER, run_filter},
    {"search", "REGEX", "find in Console; n/N next/previous", ARG_NONE,
     run_search},
    {"save", "[--pretty] FILE",
     "write Console's (filtered) stanzas to FILE as held, dated (--pretty: "
     "indented)",
     ARG_NONE, run_save},
    {"theme", "NAME", "colours: a built-in or a .theme file", ARG_THEME,
     run_theme},
    {"layout", "tabs|wide|auto", "one pane with tabs, or side by side",
     ARG_LAYOUT, run_layout},
    {"help", "[CMD]", "the commands, or one", ARG_COMMAND, run_help},
    {"quit", "[keep]",
     "quit; removes this session's subscriptions unless "
     "keep",
     ARG_NONE, run_quit},
};

#define NCOMMANDS (sizeof slash_commands / sizeof slash_commands[0])

static const struct slash_command *find_command(const char *name)
{
    size_t i;
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(slash_commands[i].name, name) == 0)
            return &slash_commands[i];
    return NULL;
}

const char *slash_help_text(void)
{
    static char *text;
    struct buf b;
    size_t i;

    if (text)
        return text;
    buf_init(&b);
    for (i = 0; i < NCOMMANDS; i++)
        buf_printf(&b, "/%-10s %-14s %s\n", slash_commands[i].name,
                   slash_commands[i].usage, slash_commands[i].help);
    text = buf_steal(&b);
    return text;
}

static void run_help(int argc, char **argv, const char *rest)
{
    const struct slash_command *c;
    (void)rest;

    if (argc < 2) {
        ui->help = 0;
        ui_toggle_help();
        return;
    }
    c = find_command(argv[1][0] == '/' ? argv[1] + 1 : argv[1]);
    if (c == NULL)
        ui_say(1, "no command /%s", argv[1]);
    else
        ui_say(0, "/%s %s — %s", c->name, c->usage, c->help);
}

/* Splits on blanks into argv (pointers into the copy s). */
static int split(char *s, char **argv, int max)
{
    int n = 0;
    char *save = NULL, *tok;

    for (tok = strtok_r(s, " \t", &save); tok && n < max;
         tok = strtok_r(NULL, " \t", &save))
        argv[n++] = tok;
    return n;
}

void slash_run(const char *line)
{
    const char *p = line;
    char *copy, *argv[MAX_ARGS];
    const struct slash_command *c;
    const char *rest;
    int argc;

    while (*p == ' ' || *p == '\t')
        p++;
    typed_line = line;
    if (*p == '<') {
        send_text(p);
        typed_line = NULL;
        return;
    }
    if (*p != '/') {
        typed_line = NULL;
        ui_say(1, "a line is a /command, a <stanza> or /TEXT to find; "
                  "/help lists the commands");
        return;
    }
    copy = xstrdup(p + 1);
    argc = split(copy, argv, MAX_ARGS);
    c = argc ? find_command(argv[0]) : NULL;
    if (c == NULL) {
        /* not a command: find the text in the focused pane, which says
         * what it did; a pane without a find has no meaning for it */
        if (ui->panes[ui->focus].ops->find == NULL && argc)
            ui_say(1, "unknown command /%s (Tab lists them)", argv[0]);
        else
            ui_pane_find(p + 1);
        typed_line = NULL;
        free(copy);
        return;
    }
    rest = p + 1 + strlen(argv[0]);
    while (*rest == ' ' || *rest == '\t')
        rest++;
    c->run(argc, argv, rest);
    typed_line = NULL;
    free(copy);
}

/* ---- completion ---- */

struct cands {
    char **v;
    size_t n, cap;
};

static void add(struct cands *c, const char *s)
{
    if (c->n + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = xstrdup(s);
    c->v[c->n] = NULL;
}

static void add_nodes(struct cands *c)
{
    size_t i = 0;
    const char *key;
    void *val;

    while (map_next(&ui->app->model.nodes, &i, &key, &val))
        add(c, key);
}

static void add_jids(struct cands *c)
{
    const char *at = strchr(ui->app->bare, '@');

    add(c, ui->app->service);
    add(c, ui->app->bare);
    if (at)
        add(c, at + 1);
    if (ui->app->session && session_bound_jid(ui->app->session))
        add(c, session_bound_jid(ui->app->session));
}

/* In a stanza: the attribute whose value the word is, or NULL. */
static const char *attribute_before(const char *line, int start)
{
    static char name[32];
    int e = start - 1, b;

    if (e < 1 || (line[e] != '\'' && line[e] != '"') || line[e - 1] != '=')
        return NULL;
    e--;
    b = e;
    while (b > 0 && line[b - 1] != ' ' && line[b - 1] != '<' && e - b < 30)
        b--;
    snprintf(name, sizeof name, "%.*s", e - b, line + b);
    return name;
}

char **slash_complete(const char *line, int start, int end, const char *word)
{
    struct cands c = {0};
    const struct slash_command *cmd;
    char name[32];
    size_t i;
    int n;
    (void)end;
    (void)word;

    while (*line == ' ')
        line++, start--;
    if (line[0] == '<') {
        const char *attr = attribute_before(line, start);
        if (attr && strcmp(attr, "node") == 0)
            add_nodes(&c);
        else if (attr &&
                 (strcmp(attr, "to") == 0 || strcmp(attr, "from") == 0 ||
                  strcmp(attr, "jid") == 0))
            add_jids(&c);
        else if (start == 1) {
            add(&c, "iq");
            add(&c, "message");
            add(&c, "presence");
        }
        return c.v;
    }
    if (line[0] != '/')
        return NULL;
    if (start <= 0) {
        for (i = 0; i < NCOMMANDS; i++) {
            snprintf(name, sizeof name, "/%s", slash_commands[i].name);
            add(&c, name);
        }
        return c.v;
    }
    n = (int)strcspn(line + 1, " \t");
    snprintf(name, sizeof name, "%.*s", n < 31 ? n : 31, line + 1);
    if ((cmd = find_command(name)) == NULL)
        return NULL;
    switch (cmd->arg) {
    case ARG_NODE:
        add_nodes(&c);
        break;
    case ARG_TEMPLATE:
        /* the name only: its arguments are the user's */
        if (start == 1 + n + 1 ||
            strspn(line + 1 + n, " \t") == (size_t)(start - 1 - n))
            for (i = 0; i < templates_len; i++)
                add(&c, templates[i].name);
        else
            add_nodes(&c);
        break;
    case ARG_METHOD:
        /* the method only: the path and body are the user's */
        if (start == 1 + n + 1 ||
            strspn(line + 1 + n, " \t") == (size_t)(start - 1 - n)) {
            add(&c, "GET");
            add(&c, "PUT");
            add(&c, "POST");
            add(&c, "DELETE");
        }
        break;
    case ARG_THEME:
        for (i = 0; theme_builtins[i]; i++)
            add(&c, theme_builtins[i]);
        break;
    case ARG_LAYOUT:
        add(&c, "tabs");
        add(&c, "wide");
        add(&c, "auto");
        break;
    case ARG_COMMAND:
        for (i = 0; i < NCOMMANDS; i++)
            add(&c, slash_commands[i].name);
        break;
    case ARG_FILTER:
        add(&c, "in");
        add(&c, "out");
        add(&c, "iq");
        add(&c, "message");
        add(&c, "presence");
        add(&c, "rest");
        add(&c, "off");
        break;
    case ARG_NONE:
        break;
    }
    return c.v;
}

/* ---- /edit ---- */

/* Runs the editor on path with the screen given back; 0 when it exited 0. */
static int run_editor(const char *path)
{
    const char *editor = getenv("VISUAL");
    pid_t pid;
    int status = -1;

    if (editor == NULL || *editor == '\0')
        editor = getenv("EDITOR");
    if (editor == NULL || *editor == '\0')
        editor = "vi";
    input_suspend();
    endwin();
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, path,
              (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    input_resume();
    refresh();
    ui_redraw_all();
    return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    struct buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    buf_init(&b);
    buf_puts(&b, "");
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

void slash_edit(const char *text)
{
    const char *tmp = getenv("TMPDIR");
    char *path = xasprintf("%s/perch-XXXXXX.xml", tmp && *tmp ? tmp : "/tmp");
    char *saved, said[sizeof ui->message];
    const char *p;
    int fd = mkstemps(path, 4);
    FILE *f;

    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        ui_say(1, "/edit: cannot create %s: %s", path, strerror(errno));
        free(path);
        return;
    }
    fputs(text, f);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', f);
    fclose(f);
    if (run_editor(path) != 0) {
        ui_say(1, "/edit: the editor failed; nothing sent");
        unlink(path);
        free(path);
        return;
    }
    saved = read_all(path);
    unlink(path);
    free(path);
    for (p = saved ? saved : ""; *p == ' ' || *p == '\n' || *p == '\t'; p++)
        ;
    if (*p == '\0') {
        ui_say(0, "/edit: empty; nothing sent");
    } else if (send_text(p) != 0) {
        snprintf(said, sizeof said, "%s", ui->message);
        ui_say(1, "%s (/edit reopens it)", said);
        free(last_edit);
        last_edit = xstrdup(p);
    } else {
        free(last_edit);
        last_edit = NULL;
    }
    free(saved);
}
