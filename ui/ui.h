/*
 * The ncurses frontend. It reads struct app (src/app/app.h) and its model and
 * console ring, and calls the core to act; it never parses protocol.
 *
 * One struct ui for the process. Panes are a table (ui_panes[]) of
 * pane_ops; each pane keeps its own state behind a pointer. Changes mark
 * panes dirty; one frame timer (pace.h: at most UI_FPS a second after a
 * key, UI_DATA_FPS for what the server sent, UI_FLOOD_FPS during a flood
 * of it) draws what is dirty and calls doupdate() once. There is no periodic
 * tick: what draws a time that changes by itself (a duration, the clock) says
 * when its text changes next (ui_wake_after), and one timer wakes the console
 * then for the panes concerned only.
 */
#ifndef PERCH_UI_H
#define PERCH_UI_H

#include "app/app.h"
#include "duration.h"
#include "list.h"
#include "pace.h"
#include "theme.h"

#include <ncurses.h>

#define UI_MESSAGE_MS 10000 /* the message line fades after 10 s */

enum ui_pane_id {
    P_NODES,
    P_AGENTS,
    P_DIALOGS,
    P_CONSOLE,
    P_NETWORK,
    P_QUEUES,
    P_N
};

struct pane;

struct pane_ops {
    const char *name; /* "Nodes" */
    const char *keys; /* help: one "key  what" a line */
    unsigned deps;    /* APP_CHANGED_* bits that make it dirty */
    void *(*init)(void);
    void (*done)(void *state);
    /* Draws into w (rows x cols, already erased); focused: has the keys. */
    void (*draw)(void *state, WINDOW *w, int rows, int cols, int focused);
    /* 1 when the key was used. */
    int (*key)(void *state, int key);
    /* "/TEXT" in this pane: filter or search; NULL when none. */
    void (*find)(void *state, const char *text);
    /* A one-line description of the selection for /save, completion...;
     * may be NULL. */
    const char *(*selected)(void *state);
};

struct pane {
    const struct pane_ops *ops;
    void *state;
    WINDOW *win; /* NULL when not on screen */
    int rows, cols;
    int dirty;
    double wake_ms; /* loop clock when its text changes by itself; 0 never */
};

enum ui_layout_mode { LAYOUT_AUTO, LAYOUT_TABS, LAYOUT_WIDE };

struct ui {
    struct loop *loop;
    struct app *app;
    struct pane panes[P_N];
    int focus;  /* enum ui_pane_id */
    int bottom; /* wide layout: P_CONSOLE or P_NETWORK in the slot */
    int middle; /* wide layout: P_DIALOGS or P_QUEUES in the slot */
    enum ui_layout_mode layout_mode;
    int wide; /* the layout in use */
    int rows, cols;
    WINDOW *banner, *tabs, *msg, *status, *input;
    struct theme theme;
    int colors, no_color, utf8;
    int help;                 /* the ? overlay is shown */
    int help_top, help_lines; /* its scroll; its length when last drawn */
    char message[512];
    int message_error;
    unsigned long message_seq; /* counts ui_say calls */
    double message_ms;         /* loop_now_ms() it was said */
    int full_redraw, input_dirty, chrome_dirty;
    struct pace pace; /* when the next frame is due */
    unsigned long frames;
    struct loop_timer *frame_timer, *tick_timer;
    double
        chrome_wake_ms; /* as pane.wake_ms, for the banner, message, status */
    double *wake_slot;  /* the wake_ms of what is being drawn, else NULL */
    int quitting, done;
    int drawing_stale; /* the pane being drawn shows data from before a loss */
};

extern struct ui *ui; /* the one instance while the TUI runs */
extern const struct pane_ops *const ui_panes[P_N];
extern const struct pane_ops pane_nodes, pane_agents, pane_dialogs,
    pane_console, pane_network, pane_queues;

/* ui.c */
void ui_dirty_pane(int id);
void ui_dirty_chrome(void); /* banner, tabs, message, status */
void ui_dirty_input(void);
void ui_redraw_all(void);
/* While drawing: what is being drawn changes by itself in ms (a time on
 * screen); the console wakes up then to draw it again. */
void ui_wake_after(double ms);
void ui_focus(int id);
void ui_say(int error, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int ui_set_layout(const char *name); /* "tabs", "wide", "auto"; -1 bad */
int ui_set_theme(const char *name, char **cause);
/* The themes /theme knows: built-ins, then ~/.config/perch/themes and the
 * installed ones, space separated (new string). */
char *ui_theme_names(void);
void ui_suspend(void);
void ui_quit(int keep);
int ui_pane_key(int key); /* to the focused pane; 1 when used */
void ui_pane_find(const char *text);
void ui_toggle_help(void);
/* Scrolls the help overlay for key; 0 when key does not scroll. */
int ui_help_scroll(int key);

/* theme.c of the UI: curses attributes of an element. */
void ui_theme_apply(void);
attr_t ui_attr(int element);
/* Symbols that have an ASCII fallback. */
const char *ui_sym_sep(void);        /* "›" or ">" */
const char *ui_sym_open(void);       /* "▾" or "-" */
const char *ui_sym_closed(void);     /* "▸" or "+" */
const char *ui_sym_sub(void);        /* "●" or "*" */
const char *ui_sym_sub_inside(void); /* "○" or "o": folded, holds one */
const char *ui_sym_vline(void);      /* "│" or "|" */
const char *ui_sym_arrow_in(void);   /* "←" or "<-" */
const char *ui_sym_arrow_out(void);  /* "→" or "->" */

/* The theme element for an agent or dialog state ("READY", "HELD"). */
int ui_state_element(const char *state);

/* draw.c: text clipped to the window, counted in screen columns. */
/* Writes s (UTF-8) at the cursor, at most width columns; returns the
 * columns used. Control characters are shown as '?'. */
int ui_put(WINDOW *w, const char *s, int width);
/* Screen columns s takes once sanitised, as ui_put shows it. */
int ui_text_width(const char *s);
/* Like ui_put; text cut to width ends in "…" ("..." without UTF-8). */
int ui_put_cut(WINDOW *w, const char *s, int width);
/* Like ui_put_cut, padding with spaces to exactly width. */
void ui_put_pad(WINDOW *w, const char *s, int width);
/* A horizontal line of n columns from the cursor ("─" or "-"), in the
 * window's attributes; the cursor stays. */
void ui_hline(WINDOW *w, int n);
/* printf to the cursor, clipped to the rest of the line. */
void ui_printf(WINDOW *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ui_duration / ui_age of ms into out, waking the console when the text
 * changes (ui_wake_after). */
void ui_duration_shown(char *out, size_t size, double ms);
void ui_age_shown(char *out, size_t size, double ms);
/* Dims rows from..rows-1 of w (a stale pane), keeping its colours. */
void ui_dim(WINDOW *w, int from, int rows, int cols);
/* The pane's title row: name, then info, reversed when focused; "stale"
 * first while ui->drawing_stale. */
void ui_title(WINDOW *w, int cols, const char *name, const char *info,
              int focused);

/* pane_console.c: what the commands ask of the Console. */
/* Follows the newest until the reply to request seq comes, then selects
 * that reply. */
void console_pane_await(unsigned long seq);
/* "[in|out] [iq|message|presence] [node=TEXT] [REGEX]" or "off"/"". */
int console_pane_filter(const char *spec, char **cause);
/* Writes the filtered stanzas, pretty printed; *n how many. */
int console_pane_save(const char *path, int pretty, size_t *n, char **cause);

/* input.c */
int input_init(const char *history_path, char **cause);
void input_done(void);
void input_read(void); /* stdin is readable */
void input_draw(WINDOW *w, int cols);
void input_set_line(const char *text); /* replaces the line, cursor at end */
/* Replaces the line, the cursor at byte point (at most the end). */
void input_set_line_at(const char *text, size_t point);
const char *input_line(void);
void input_suspend(void);
void input_resume(void);

/* slash.c: the /commands of the input line */
/* Runs a line typed on the input: /command, raw stanza, or /TEXT find. */
void slash_run(const char *line);
/* Completion candidates for the word at start..end of line (for
 * readline); new NULL-terminated array or NULL. */
char **slash_complete(const char *line, int start, int end, const char *word);
/* /edit: $EDITOR on text; sends what was saved. */
void slash_edit(const char *text);
/* The help text of one command (or all, name NULL) into the message line
 * and the help overlay. */
const char *slash_help_text(void);

/* replay_bar.c: the bar and keys of perch replay FILE (app->replay). */
extern const char replay_bar_keys[]; /* for the help overlay */
void replay_bar_draw(WINDOW *w, int cols);
/* 1 when key (typed on an empty line) drives the replay. */
int replay_bar_key(int key);
/* /goto TEXT: the state at that recorded time. */
void replay_bar_goto(const char *text);

#endif
