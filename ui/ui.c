/*
 * perch [CONN] [NODE...]: the interactive console. Screen, layout, resize,
 * suspend, the frame timer, the wake-up for times on screen, the status
 * bar and the banner.
 */
#include "ui.h"
#include "ui_main.h"
#include "base/buf.h"
#include "base/env.h"
#include "base/error.h"
#include "conf/cli.h"
#include "base/loop.h"
#include "model/cluster.h"
#include "xmpp/console.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PERCH_DATADIR
#define PERCH_DATADIR "/usr/local/share/perch"
#endif

#define WIDE_MIN_COLS 140
#define WIDE_MIN_ROWS 40

const char ui_main_help[] =
    "Usage: perch [CONN] [--full-jid] [NODE...]\n"
    "\n"
    "Opens the interactive console: the pubsub node tree, agents, dialogs,\n"
    "the XML console and the transport's Network view, live. Each NODE is\n"
    "subscribed at the first login. Type /help inside for the commands, ?\n"
    "for the keys. /quit removes the subscriptions made in the session\n"
    "that no other running perch uses (/quit keep leaves them).\n"
    "\n"
    "A silent server is noticed within --keepalive + 10 s (default 25 s);\n"
    "a lost connection is said in a red banner and made again by itself\n"
    "(1 s, 2 s, 4 s … 30 s apart). After every login perch asks the server\n"
    "again: the node tree, the subscriptions (those made here and lost by\n"
    "the server are made again), the latest items of every subscribed\n"
    "node; until then the panes from before are dimmed and say stale.\n"
    "Subscriptions left by a perch that crashed are offered for removal.\n"
    "In a Finesse cluster (SystemInfo's pair, --alternate) a loss follows\n"
    "the desktop's failover rules (FAILOVER in perch(1)); /node primary|\n"
    "secondary|other moves when asked. With a REST base known (--rest,\n"
    "--alternate, a cluster) every login also GETs the subscribed nodes'\n"
    "objects (User, Dialogs, Team, Queue) through REST.\n"
    "\n"
    "      --full-jid          subscribe this connection's full JID (Cisco's\n"
    "                          advice for third-party clients; config\n"
    "                          full-jid = true), not the account's bare JID\n"
    "\n"
    "Files: ~/.local/share/perch/history, ~/.local/share/perch/subscriptions\n"
    "(the ledger of what each running perch holds).\n"
    "Environment: PERCH_THEME (default, mono, solarized-dark,\n"
    "high-contrast or a .theme file), NO_COLOR, EDITOR, ESCDELAY (ms\n"
    "Escape waits for the rest of a key, default 50).\n";

struct ui *ui;

const struct pane_ops *const ui_panes[P_N] = {
    &pane_nodes,   &pane_agents,  &pane_dialogs,
    &pane_console, &pane_network, &pane_queues,
};

static WINDOW *sepwin;
static char banner_text[512];
static struct event *stdin_ev;

/* ---- dirty marks and the frame timer ---- */

/* A frame soon after what the user did; after what the server did at
 * the pace of pace.h (events are still applied at once; only drawing
 * waits). */
static void request(int for_user)
{
    double in = pace_request(&ui->pace, loop_now_ms(), for_user);

    if (in >= 0)
        loop_timer_start(ui->frame_timer, (unsigned)in);
}

static void request_frame(void)
{
    request(1);
}

static void request_data_frame(void)
{
    request(0);
}

void ui_dirty_pane(int id)
{
    ui->panes[id].dirty = 1;
    request_frame();
}

void ui_dirty_chrome(void)
{
    ui->chrome_dirty = 1;
    request_frame();
}

void ui_dirty_input(void)
{
    ui->input_dirty = 1;
    request_frame();
}

void ui_redraw_all(void)
{
    ui->full_redraw = 1;
    request_frame();
}

void ui_wake_after(double ms)
{
    double at;

    if (ui->wake_slot == NULL || ms < 0)
        return;
    at = loop_now_ms() + ms;
    if (*ui->wake_slot == 0 || at < *ui->wake_slot)
        *ui->wake_slot = at;
}

void ui_say(int error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ui->message, sizeof ui->message, fmt, ap);
    va_end(ap);
    ui->message_error = error;
    ui->message_ms = loop_now_ms();
    ui->message_seq++;
    ui_dirty_chrome();
}

/* ---- layout ---- */

static int visible(int id)
{
    return ui->panes[id].win != NULL;
}

static void banner_compute(void)
{
    struct app *a = ui->app;
    struct buf b;

    buf_init(&b);
    if (app_failover_doing(a) && a->state != APP_OFFLINE) {
        /* the cluster's rules: what they are doing, and why it was lost */
        buf_printf(&b, "%s", app_failover_doing(a));
        if (a->state != APP_ONLINE && a->cause)
            buf_printf(&b, " — %s", a->cause);
    } else if (a->state == APP_RETRY) {
        double left = (a->retry_at_ms - loop_now_ms()) / 1000;
        /* what matters first: at 80 columns the cause may be cut */
        buf_printf(&b,
                   "Lost connection to %s — reconnecting in %.0f s "
                   "(attempt %u) — %s",
                   a->server, left < 0 ? 0 : left, a->attempt,
                   a->cause ? a->cause : "");
    } else if (a->state == APP_CONNECTING && a->cause) {
        buf_printf(&b,
                   "Lost connection to %s — reconnecting now (attempt %u) — "
                   "%s",
                   a->server, a->attempt, a->cause);
    } else if (a->state == APP_OFFLINE && a->cause) {
        buf_printf(&b, "Not connected to %s — %s — /connect to retry",
                   a->server, a->cause);
    } else if (a->state == APP_ONLINE && a->trouble) {
        buf_printf(&b, "Connection to %s failing — %s", a->server, a->trouble);
    }
    if (a->model.system.status &&
        strcmp(a->model.system.status, "OUT_OF_SERVICE") == 0)
        buf_printf(&b, "%sFinesse is OUT_OF_SERVICE%s%s", b.len ? " · " : "",
                   a->model.system.reason ? ": " : "",
                   a->model.system.reason ? a->model.system.reason : "");
    snprintf(banner_text, sizeof banner_text, "%s", b.len ? b.data : "");
    buf_done(&b);
}

static void del(WINDOW **w)
{
    if (*w) {
        delwin(*w);
        *w = NULL;
    }
}

static void place(int id, int h, int w, int y, int x)
{
    struct pane *p = &ui->panes[id];
    if (h < 1 || w < 1)
        return;
    p->win = newwin(h, w, y, x);
    p->rows = h;
    p->cols = w;
    p->dirty = 1;
}

static void layout(void)
{
    int i, y, h, left, right, ha, hd;

    for (i = 0; i < P_N; i++)
        del(&ui->panes[i].win);
    del(&ui->banner);
    del(&ui->tabs);
    del(&ui->msg);
    del(&ui->status);
    del(&ui->input);
    del(&sepwin);
    getmaxyx(stdscr, ui->rows, ui->cols);
    ui->wide = ui->layout_mode == LAYOUT_WIDE ||
               (ui->layout_mode == LAYOUT_AUTO && ui->cols >= WIDE_MIN_COLS &&
                ui->rows >= WIDE_MIN_ROWS);
    if (ui->rows < 6 || ui->cols < 20) {
        ui->input = newwin(1, ui->cols, ui->rows - 1, 0);
        return;
    }
    banner_compute();
    y = 0;
    if (banner_text[0])
        ui->banner = newwin(1, ui->cols, y++, 0);
    ui->tabs = newwin(1, ui->cols, y++, 0);
    ui->msg = newwin(1, ui->cols, ui->rows - 3, 0);
    ui->status = newwin(1, ui->cols, ui->rows - 2, 0);
    ui->input = newwin(1, ui->cols, ui->rows - 1, 0);
    h = ui->rows - 3 - y;
    if (!ui->wide) {
        place(ui->focus, h, ui->cols, y, 0);
    } else {
        left = ui->cols / 4;
        left = left < 28 ? 28 : left > 48 ? 48 : left;
        right = ui->cols - left - 1;
        ha = h * 2 / 5;
        hd = h / 4;
        place(P_NODES, h, left, y, 0);
        sepwin = newwin(h, 1, y, left);
        place(P_AGENTS, ha, right, y, left + 1);
        place(ui->middle, hd, right, y + ha, left + 1);
        place(ui->bottom, h - ha - hd, right, y + ha + hd, left + 1);
    }
    ui->chrome_dirty = ui->input_dirty = 1;
}

void ui_focus(int id)
{
    if (id < 0 || id >= P_N)
        return;
    ui->focus = id;
    if (id == P_CONSOLE || id == P_NETWORK)
        ui->bottom = id;
    if (id == P_DIALOGS || id == P_QUEUES)
        ui->middle = id;
    ui_redraw_all();
}

int ui_set_layout(const char *name)
{
    if (strcmp(name, "tabs") == 0)
        ui->layout_mode = LAYOUT_TABS;
    else if (strcmp(name, "wide") == 0)
        ui->layout_mode = LAYOUT_WIDE;
    else if (strcmp(name, "auto") == 0)
        ui->layout_mode = LAYOUT_AUTO;
    else
        return -1;
    ui_redraw_all();
    return 0;
}

/* A built-in name, a path, or NAME.theme under ~/.config/perch/themes or
 * the installed themes. */
int ui_set_theme(const char *name, char **cause)
{
    struct theme t;
    const char *home = getenv("HOME");
    char *path;

    if (theme_builtin(&t, name) != 0) {
        if (strchr(name, '/'))
            path = xstrdup(name);
        else {
            path = xasprintf("%s/.config/perch/themes/%s.theme",
                             home ? home : "", name);
            if (access(path, R_OK) != 0) {
                free(path);
                path = xasprintf("%s/themes/%s.theme", PERCH_DATADIR, name);
            }
        }
        if (!strchr(name, '/') && access(path, F_OK) != 0) {
            *cause = xasprintf("no theme '%s'", name);
            free(path);
            return -1;
        }
        if (theme_load(path, &t, cause) != 0) {
            free(path);
            return -1;
        }
        free(path);
    }
    ui->theme = t;
    ui_theme_apply();
    ui_redraw_all();
    return 0;
}

/* Adds the NAME of each NAME.theme in dir to b, skipping names in b. */
static void theme_dir_names(struct buf *b, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char *name, *padded, *have;
        if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0)
            continue;
        name = xstrndup(e->d_name, len - 6);
        padded = xasprintf(" %s ", name);
        have = xasprintf(" %s ", b->data);
        if (strstr(have, padded) == NULL)
            buf_printf(b, " %s", name);
        free(padded);
        free(have);
        free(name);
    }
    closedir(d);
}

char *ui_theme_names(void)
{
    const char *home = getenv("HOME");
    struct buf b;
    char *dir;
    size_t i;

    buf_init(&b);
    for (i = 0; theme_builtins[i]; i++)
        buf_printf(&b, "%s%s", i ? " " : "", theme_builtins[i]);
    dir = xasprintf("%s/.config/perch/themes", home ? home : "");
    theme_dir_names(&b, dir);
    free(dir);
    theme_dir_names(&b, PERCH_DATADIR "/themes");
    return buf_steal(&b);
}

/* ---- chrome: banner, tabs, message, status ---- */

static void draw_tabs(void)
{
    int i;
    WINDOW *w = ui->tabs;

    wattrset(w, ui_attr(THEME_TABBAR));
    werase(w);
    wbkgdset(w, ui_attr(THEME_TABBAR));
    wmove(w, 0, 0);
    for (i = 0; i < P_N; i++) { /* 80 columns hold them all */
        wattrset(w, ui_attr(THEME_TABBAR));
        ui_printf(w, "%s", i ? " " : "");
        wattrset(w, ui_attr(i == ui->focus ? THEME_TAB_ACTIVE : THEME_TABBAR));
        ui_printf(w, " %d %s ", i + 1, ui->panes[i].ops->name);
    }
    wattrset(w, ui_attr(THEME_TABBAR));
    ui_printf(w, " %s  ? help", ui->wide ? "wide" : "tabs");
    wnoutrefresh(w);
}

/* "BOSH https://h/http-bind, TLS, verified" -> "BOSH, TLS, verified" */
static void short_transport(char *out, size_t size)
{
    const char *d = app_transport_text(ui->app), *comma = strstr(d, ", ");
    int name = (int)strcspn(d, " ");

    snprintf(out, size, "%.*s%s", name, d, comma ? comma : "");
}

/* The status bar: account │ transport │ cluster node │ RTT drift │ ev/s │
 * subs │ clock. When they do not fit, the least useful go first (drift,
 * ev/s, clock, subs, RTT, the node); the account and the transport
 * (TCP/BOSH…, TLS) stay. Under 110 columns the node is said short. */
enum {
    SF_BARE,
    SF_HOW,
    SF_NODE,
    SF_RTT,
    SF_DRIFT,
    SF_RATE,
    SF_SUBS,
    SF_CLOCK,
    SF_N
};

static void draw_status(void)
{
    static const int drop_order[] = {SF_DRIFT, SF_RATE, SF_CLOCK,
                                     SF_SUBS,  SF_RTT,  SF_NODE};
    struct app *a = ui->app;
    WINDOW *w = ui->status;
    char f[SF_N][128], how[96];
    int shown[SF_N], i, k, width;
    const char *state;
    time_t now = time(NULL);
    struct tm tm;

    state = a->state == APP_ONLINE && a->trouble ? "resending"
            : a->state == APP_ONLINE             ? "online"
            : a->state == APP_CONNECTING         ? "connecting"
            : a->state == APP_RETRY              ? "reconnecting"
                                                 : "offline";
    short_transport(how, sizeof how);
    snprintf(f[SF_BARE], sizeof f[0], "%s", a->bare);
    snprintf(f[SF_HOW], sizeof f[0], "%s",
             a->state == APP_ONLINE && !a->trouble ? how : state);
    /* which node of the cluster, and its status, once SystemInfo said */
    cluster_describe(&a->model.system, a->host, ui->cols < 110, f[SF_NODE],
                     sizeof f[0]);
    /* no old round trip or drift once the session is gone */
    if (a->state == APP_ONLINE && a->rtt_ms >= 0)
        snprintf(f[SF_RTT], sizeof f[0], "RTT %.0f ms", a->rtt_ms);
    else
        snprintf(f[SF_RTT], sizeof f[0], "RTT -");
    if (a->state == APP_ONLINE && a->have_drift)
        snprintf(f[SF_DRIFT], sizeof f[0], "drift %+.1f s", a->drift_ms / 1000);
    else
        f[SF_DRIFT][0] = '\0';
    snprintf(f[SF_RATE], sizeof f[0], "%.1f ev/s", app_rate(a));
    ui_wake_after(app_rate_next_ms(a));
    snprintf(f[SF_SUBS], sizeof f[0], "%zu subs", app_subscription_count(a));
    /* minutes: seconds would wake the console every second */
    localtime_r(&now, &tm);
    strftime(f[SF_CLOCK], sizeof f[0], "%H:%M", &tm);
    ui_wake_after(60000 - fmod(model_wall_ms(), 60000));
    for (i = 0; i < SF_N; i++)
        shown[i] = f[i][0] != '\0';
    for (k = 0;; k++) { /* " a │ b │ c" within the columns */
        for (width = 0, i = 0; i < SF_N; i++)
            if (shown[i])
                width += (int)strlen(f[i]) + (i == SF_DRIFT ? 1 : 3);
        if (width <= ui->cols ||
            k == (int)(sizeof drop_order / sizeof drop_order[0]))
            break;
        shown[drop_order[k]] = 0;
    }
    wbkgdset(w, ui_attr(THEME_STATUS));
    wattrset(w, ui_attr(THEME_STATUS));
    werase(w);
    wmove(w, 0, 0);
    for (i = 0; i < SF_N; i++)
        if (shown[i])
            ui_printf(w, "%s%s %s", i == SF_BARE || i == SF_DRIFT ? "" : " ",
                      i == SF_BARE || i == SF_DRIFT ? "" : ui_sym_vline(),
                      f[i]);
    wnoutrefresh(w);
}

/* ms until the banner's "reconnecting in N s" says another N; -1 none. */
static double banner_next_ms(void)
{
    struct app *a = ui->app;
    double left = a->retry_at_ms - loop_now_ms();

    if (a->state != APP_RETRY || left <= 500)
        return -1;
    /* %.0f: N changes where left passes a half second */
    return left - (floor((left - 500) / 1000) * 1000 + 500);
}

static void draw_chrome(void)
{
    ui->chrome_wake_ms = 0;
    ui->wake_slot = &ui->chrome_wake_ms;
    if (ui->banner) {
        wbkgdset(ui->banner, ui_attr(THEME_BANNER_ERROR));
        wattrset(ui->banner, ui_attr(THEME_BANNER_ERROR));
        werase(ui->banner);
        wmove(ui->banner, 0, 0);
        ui_printf(ui->banner, " %s", banner_text);
        ui_wake_after(banner_next_ms());
        wnoutrefresh(ui->banner);
    }
    if (ui->tabs)
        draw_tabs();
    if (ui->msg) {
        werase(ui->msg);
        wmove(ui->msg, 0, 0);
        if (ui->app->question) { /* asked until answered */
            wattrset(ui->msg, ui_attr(THEME_NETWORK_ERROR));
            ui_put_cut(ui->msg, ui->app->question, ui->cols);
        } else {
            if (loop_now_ms() - ui->message_ms > UI_MESSAGE_MS)
                ui->message[0] = '\0'; /* faded */
            else if (ui->message[0])
                ui_wake_after(ui->message_ms + UI_MESSAGE_MS + 1 -
                              loop_now_ms());
            wattrset(ui->msg, ui_attr(ui->message_error ? THEME_NETWORK_ERROR
                                                        : THEME_CONSOLE_INFO));
            ui_put_cut(ui->msg, ui->message, ui->cols);
        }
        wattrset(ui->msg, ui_attr(THEME_NORMAL));
        wnoutrefresh(ui->msg);
    }
    if (ui->status && ui->app->replay)
        replay_bar_draw(ui->status, ui->cols);
    else if (ui->status)
        draw_status();
    if (sepwin) {
        int y;
        wattrset(sepwin, ui_attr(THEME_BORDER));
        for (y = 0; y < getmaxy(sepwin); y++)
            mvwaddstr(sepwin, y, 0, ui_sym_vline());
        wnoutrefresh(sepwin);
    }
    ui->wake_slot = NULL;
}

/* The ? overlay: global keys, the focused pane's keys, the commands;
 * scrolled by help_top. */
static void draw_help(void)
{
    static const char global[] =
        "Tab/S-Tab  next/previous pane    1..6 (empty line) Alt-1..6 F1..F6  a "
        "pane\n"
        "?  this help    q  quit (empty input)    Ctrl-L  redraw\n"
        "/TEXT  find in the pane   /cmd  a command   <...  a raw stanza\n"
        "Ctrl-X Ctrl-E  edit the line in $EDITOR    Ctrl-Z  suspend\n"
        "Up/Down with text on the line: history;  Tab: completion\n";
    static char replay_help[sizeof global + 256];
    int h = ui->rows - 4, w = ui->cols - 4, y = 1, n = 0;
    const char *text[3], *title[3], *p;
    WINDOW *win;
    int i;

    if (h < 5 || w < 20)
        return;
    snprintf(replay_help, sizeof replay_help, "%s%s", replay_bar_keys, global);
    win = newwin(h, w, 2, 2);
    wbkgdset(win, ui_attr(THEME_NORMAL));
    werase(win);
    box(win, 0, 0);
    text[0] = ui->app->replay ? replay_help : global;
    text[1] = ui->panes[ui->focus].ops->keys;
    text[2] = slash_help_text();
    title[0] = "Keys";
    title[1] = ui->panes[ui->focus].ops->name;
    title[2] = "Commands";
    /* a title line, then the section's lines; n counts every line */
    for (i = 0; i < 3; i++) {
        if (n++ >= ui->help_top && y < h - 1) {
            wattrset(win, ui_attr(THEME_TITLE));
            wmove(win, y++, 2);
            ui_put(win, title[i], w - 4);
        }
        wattrset(win, ui_attr(THEME_NORMAL));
        for (p = text[i]; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p), k, cut;
            size_t indent = strspn(p, " ") + 4, avail = (size_t)w - 4;
            const char *q = p;
            /* wrapped at a blank, the rest indented: nothing cut off */
            if (indent > avail / 2)
                indent = avail / 2;
            for (k = 0; q < p + len; k++) {
                size_t room = k ? avail - indent : avail, left = len - (q - p);
                cut = left;
                if (left > room) {
                    for (cut = room; cut > 0 && q[cut] != ' '; cut--)
                        ;
                    if (cut == 0)
                        cut = room;
                }
                if (n++ >= ui->help_top && y < h - 1) {
                    char *piece = xstrndup(q, cut);
                    wmove(win, y++, 2 + (k ? (int)indent : 0));
                    ui_put(win, piece, (int)room);
                    free(piece);
                }
                q += cut;
                while (q < p + len && *q == ' ' && left > room)
                    q++;
            }
            p += len + (nl != NULL);
        }
    }
    ui->help_lines = n;
    mvwaddstr(win, h - 1, 2,
              n > ui->help_top + h - 2
                  ? " j/k PgDn/PgUp scroll, any other key closes "
                  : " any key closes ");
    wnoutrefresh(win);
    delwin(win);
}

int ui_help_scroll(int key)
{
    int page = ui->rows - 7 > 1 ? ui->rows - 7 : 1;
    int max = ui->help_lines - (ui->rows - 6);

    switch (key) {
    case 'j':
    case K_DOWN:
        ui->help_top++;
        break;
    case 'k':
    case K_UP:
        ui->help_top--;
        break;
    case K_PGDN:
    case ' ':
        ui->help_top += page;
        break;
    case K_PGUP:
        ui->help_top -= page;
        break;
    default:
        return 0;
    }
    if (ui->help_top > max)
        ui->help_top = max;
    if (ui->help_top < 0)
        ui->help_top = 0;
    ui_redraw_all();
    return 1;
}

void ui_toggle_help(void)
{
    ui->help = !ui->help;
    ui->help_top = 0;
    ui_redraw_all();
}

/* The tick at the first moment a time on screen changes; none when no
 * time is shown. */
static void arm_tick(void)
{
    double at = ui->chrome_wake_ms, now = loop_now_ms();
    int i;

    for (i = 0; i < P_N; i++)
        if (visible(i) && ui->panes[i].wake_ms > 0 &&
            (at == 0 || ui->panes[i].wake_ms < at))
            at = ui->panes[i].wake_ms;
    if (at == 0) {
        loop_timer_stop(ui->tick_timer);
        return;
    }
    /* a millisecond late rather than early: the text has changed then */
    loop_timer_start(ui->tick_timer,
                     at <= now ? 1 : (unsigned)ceil(at - now) + 1);
}

static void frame(void *arg)
{
    int i;
    char old[sizeof banner_text];
    (void)arg;

    pace_drawn(&ui->pace, loop_now_ms());
    memcpy(old, banner_text, sizeof old);
    banner_compute();
    if ((old[0] != 0) != (banner_text[0] != 0))
        ui->full_redraw = 1;
    if (ui->full_redraw) {
        layout();
        werase(stdscr);
        wnoutrefresh(stdscr);
        ui->full_redraw = 0;
    }
    if (ui->chrome_dirty || ui->help)
        draw_chrome();
    for (i = 0; i < P_N; i++) {
        struct pane *p = &ui->panes[i];
        if (!p->win || (!p->dirty && !ui->help))
            continue;
        werase(p->win);
        ui->drawing_stale = (app_stale(ui->app) & p->ops->deps) != 0;
        p->wake_ms = 0;
        ui->wake_slot = &p->wake_ms;
        p->ops->draw(p->state, p->win, p->rows, p->cols, i == ui->focus);
        ui->wake_slot = NULL;
        if (ui->drawing_stale)
            ui_dim(p->win, 1, p->rows, p->cols);
        ui->drawing_stale = 0;
        wnoutrefresh(p->win);
        p->dirty = 0;
    }
    if (ui->help)
        draw_help();
    ui->chrome_dirty = 0;
    if (ui->input) {
        input_draw(ui->input, ui->cols);
        wnoutrefresh(ui->input);
    }
    ui->input_dirty = 0;
    doupdate();
    ui->frames++;
    arm_tick();
}

/* A time on screen changed: what shows it is drawn again (and nothing
 * else), at the pace of the server's changes (a burst of events is not
 * drawn more often for it). */
static void tick(void *arg)
{
    double now = loop_now_ms() + 1;
    int i;
    (void)arg;

    for (i = 0; i < P_N; i++)
        if (visible(i) && ui->panes[i].wake_ms > 0 &&
            ui->panes[i].wake_ms <= now)
            ui->panes[i].dirty = 1;
    if (ui->chrome_wake_ms > 0 && ui->chrome_wake_ms <= now)
        ui->chrome_dirty = 1;
    request_data_frame(); /* the frame arms the next tick */
}

/* ---- what the core reports ---- */

static void on_changed(void *arg, unsigned what)
{
    int i, dirty = 0;
    (void)arg;

    pace_change(&ui->pace);
    for (i = 0; i < P_N; i++)
        if (ui->panes[i].ops->deps & what && visible(i))
            dirty = ui->panes[i].dirty = 1;
    if (what & (APP_CHANGED_STATUS | APP_CHANGED_MODEL))
        dirty = ui->chrome_dirty = 1;
    if (dirty) /* one request an event, not one a pane */
        request_data_frame();
}

static void on_say(void *arg, enum app_say level, const char *text)
{
    (void)arg;
    ui_say(level == APP_SAY_ERROR, "%s", text);
}

static void on_quit(void *arg)
{
    (void)arg;
    ui->done = 1;
    loop_exit(ui->loop);
}

static const struct app_events ui_app_events = {
    .changed = on_changed,
    .say = on_say,
    .quit = on_quit,
};

/* ---- keys the panes get ---- */

int ui_pane_key(int key)
{
    struct pane *p = &ui->panes[ui->focus];

    if (ui->help) {
        ui_toggle_help();
        return 1;
    }
    if (ui->app->question && (key == 'y' || key == 'n')) {
        app_leftovers(ui->app, key == 'y');
        ui_dirty_chrome();
        return 1;
    }
    if (p->ops->key && p->ops->key(p->state, key)) {
        ui_dirty_pane(ui->focus);
        return 1;
    }
    return 0;
}

void ui_pane_find(const char *text)
{
    struct pane *p = &ui->panes[ui->focus];

    if (p->ops->find == NULL) {
        ui_say(1, "%s has nothing to search; /help for the commands",
               p->ops->name);
        return;
    }
    p->ops->find(p->state, text);
    ui_dirty_pane(ui->focus);
}

void ui_quit(int keep)
{
    size_t n = ui->app->created.n;

    if (ui->quitting) {
        ui_say(0, "quitting without waiting for the server");
        app_quit(ui->app, 1);
        return;
    }
    ui->quitting = 1;
    if (n && !keep && ui->app->state == APP_ONLINE)
        ui_say(0, "removing %zu subscription%s made here…", n,
               n == 1 ? "" : "s");
    app_quit(ui->app, keep);
}

/* ---- signals ---- */

static void on_winch(void *arg)
{
    struct winsize ws;
    (void)arg;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    ui_redraw_all();
}

/* Ctrl-Z. When perch runs under a script, the shell may take the terminal
 * back before this runs (the script stopped at once): SIGTTOU is ignored
 * meanwhile, so that giving the terminal back cannot stop perch halfway
 * and leave it stopped after fg. */
void ui_suspend(void)
{
    struct sigaction dfl, ign, old_tstp, old_ttou;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &ign, &old_ttou);
    input_suspend();
    endwin();
    sigaction(SIGTTOU, &old_ttou, NULL);
    sigaction(SIGTSTP, &dfl, &old_tstp);
    kill(getpid(), SIGTSTP);
    /* continued (fg) */
    sigaction(SIGTSTP, &old_tstp, NULL);
    input_resume();
    refresh();
    on_winch(NULL);
}

static void on_tstp(void *arg)
{
    (void)arg;
    ui_suspend();
}

static void on_term(void *arg)
{
    (void)arg;
    ui_quit(0);
}

static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    input_read();
}

/* ---- start and end ---- */

static char *history_path(void)
{
    char *dir = env_data_dir(), *path;

    if (dir == NULL)
        return NULL;
    path = xasprintf("%s/history", dir);
    free(dir);
    return path;
}

static void screen_start(void)
{
    const char *theme = getenv("PERCH_THEME");
    char *cause = NULL;

    initscr();
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    /* input is libevent's: no poll of stdin amid a frame's output, which
     * also flushed it in pieces (a write(2) a line) */
    typeahead(-1);
    /* ncurses 6.4 writes out its buffer after every cursor motion in a
     * frame (a write(2) for each run of changed cells, 20 or so a frame)
     * until the screen has once been suspended and resumed: _nc_mvcur
     * flushes while the screen is in its initial state. One endwin and
     * doupdate here, before anything is drawn, end that state, so a frame
     * is one write; where ncurses does not do this, they cost a clear of
     * the blank screen. */
    endwin();
    doupdate();
    curs_set(1);
    if (has_colors()) {
        start_color();
        use_default_colors();
        ui->colors = COLORS;
    }
    ui->no_color = env_no_color();
    ui->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    theme_builtin(&ui->theme, "default");
    ui_theme_apply();
    if (theme && *theme && ui_set_theme(theme, &cause) != 0) {
        ui_say(1, "PERCH_THEME: %s", cause);
        free(cause);
    }
}

/* What perch replay FILE plays instead of a connection. */
struct replay_src {
    const char *name, *data;
    size_t len;
    double speed;
};

static int run(const struct cli *c, const struct replay_src *rp)
{
    struct ui u;
    xmpp_ctx_t *ctx;
    char *cause = NULL, *hist, *warning;
    int i, code = 0;
    double started = loop_now_ms();

    memset(&u, 0, sizeof u);
    ui = &u;
    xmpp_initialize();
    u.loop = loop_new();
    ctx = xmpp_ctx_new(NULL, NULL);
    if (rp)
        u.app = app_new_replay(u.loop, ctx, rp->name, rp->data, rp->len,
                               rp->speed, &ui_app_events, NULL, &cause);
    else
        u.app = app_new(u.loop, ctx, c, c->args, c->nargs, &ui_app_events, NULL,
                        &cause);
    if (u.app == NULL) {
        perch_error("%s", cause);
        free(cause);
        code = EXIT_USAGE;
        goto out;
    }
    if (c && c->conn.insecure)
        ui_say(1, "--insecure: the server's certificate is NOT checked");
    if ((warning = env_keylog_warning()) != NULL) {
        perch_error("%s", warning); /* stays on the terminal after quit */
        ui_say(1, "%s", warning + strlen("warning: "));
        free(warning);
    }
    signal(SIGPIPE, SIG_IGN);
    /* ours before initscr, so that ncurses installs no handlers */
    loop_on_signal(u.loop, SIGWINCH, on_winch, NULL);
    loop_on_signal(u.loop, SIGTSTP, on_tstp, NULL);
    loop_on_signal(u.loop, SIGTERM, on_term, NULL);
    loop_on_signal(u.loop, SIGINT, on_term, NULL);
    loop_on_signal(u.loop, SIGHUP, on_term, NULL);
    for (i = 0; i < P_N; i++) {
        u.panes[i].ops = ui_panes[i];
        u.panes[i].state = ui_panes[i]->init();
    }
    u.focus = rp || c->nargs > 0 ? P_AGENTS : P_NODES;
    u.bottom = P_CONSOLE;
    u.middle = P_DIALOGS;
    u.frame_timer = loop_timer_new(u.loop, frame, NULL);
    u.tick_timer = loop_timer_new(u.loop, tick, NULL);
    screen_start();
    hist = history_path();
    if (input_init(hist, &cause) != 0) {
        ui_say(1, "%s", cause);
        free(cause);
    }
    free(hist);
    stdin_ev = event_new(loop_base(u.loop), STDIN_FILENO, EV_READ | EV_PERSIST,
                         on_stdin, NULL);
    event_add(stdin_ev, NULL);
    ui_redraw_all();
    if (rp) {
        ui_say(0,
               "replaying %s: space pause, . step, +/- speed, /goto TIME, "
               "q quit (? keys)",
               rp->name);
        app_replay_pause(u.app, 0);
    } else {
        if (!u.message[0])
            ui_say(0, "connecting to %s as %s…  (? keys, /help commands)",
                   u.app->server, u.app->bare);
        app_connect(u.app);
    }
    loop_run(u.loop);

    event_free(stdin_ev);
    input_done();
    endwin();
    /* what the session saw, for the record (and make bench) */
    fprintf(stderr, "perch: %lu events, %lu frames drawn in %.1f s\n",
            u.app->model.events, u.frames, (loop_now_ms() - started) / 1000);
    for (i = 0; i < P_N; i++) {
        del(&u.panes[i].win);
        u.panes[i].ops->done(u.panes[i].state);
    }
    del(&u.banner);
    del(&u.tabs);
    del(&u.msg);
    del(&u.status);
    del(&u.input);
    del(&sepwin);
    loop_timer_free(u.frame_timer);
    loop_timer_free(u.tick_timer);
out:
    app_free(u.app);
    xmpp_ctx_free(ctx);
    loop_free(u.loop);
    xmpp_shutdown();
    ui = NULL;
    return code;
}

const char *ui_versions(void)
{
    static char text[128];

    snprintf(text, sizeof text, "  %s\n  readline %s\n", curses_version(),
             rl_library_version);
    return text;
}

int ui_main(const struct cli *c)
{
    setlocale(LC_ALL, "");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        perch_error("the interactive console needs a terminal; for scripts "
                    "use a command (perch --help)");
        return EXIT_USAGE;
    }
    return run(c, NULL);
}

int ui_replay(const char *name, const char *data, size_t len, double speed)
{
    struct replay_src rp = {name, data, len, speed};

    setlocale(LC_ALL, "");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        perch_error("replay: the console needs a terminal (--text or --json "
                    "for scripts)");
        return EXIT_USAGE;
    }
    return run(NULL, &rp);
}
