/*
 * Dialogs: the calls the model knows — id, state, from → to, call type,
 * duration, participants. A call that ended (DROPPED, FAILED, deleted)
 * stays listed dim while the model keeps it (--keep-ended); the title
 * counts the calls going on. Enter opens the detail of the selected call —
 * every field, the participants with their actions, all call variables —
 * pinned to that call (dialog_view.c) whatever the other calls do.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/loop.h"
#include "dialog_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARTS_COLUMN 70 /* the columns before it: 12+11+27+11+9 */

struct dialogs_pane {
    struct ui_list l, dl; /* the list; the detail's scroll */
    /* the rows, by id: collected again before every use, since the
     * model may free a call between two frames */
    struct dialog **v;
    size_t n, cap, active;
    char *selected_id; /* the call the selection is on (owned) */
    int detail;
    struct dialog_view view;
    int rows_shown;
};

static void *dialogs_init(void)
{
    return xcalloc(1, sizeof(struct dialogs_pane));
}

static void dialogs_done(void *state)
{
    struct dialogs_pane *p = state;

    dialog_view_done(&p->view);
    free(p->selected_id);
    free(p->v);
    free(p);
}

static int by_id(const void *x, const void *y)
{
    const struct dialog *a = *(struct dialog *const *)x;
    const struct dialog *b = *(struct dialog *const *)y;
    return strcmp(a->id, b->id);
}

static void select_row(struct dialogs_pane *p, size_t i)
{
    p->l.sel = i;
    free(p->selected_id);
    p->selected_id = i < p->n ? xstrdup(p->v[i]->id) : NULL;
}

/* The rows from the model; the selection stays on its call, or on the row
 * where it was when that call left. */
static void collect(struct dialogs_pane *p, double now)
{
    const struct model *m = &ui->app->model;
    size_t i = 0;
    const char *key;
    void *val;

    if (p->cap < m->dialogs.n + 1) {
        p->cap = m->dialogs.n + 1;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->n = p->active = 0;
    while (map_next(&m->dialogs, &i, &key, &val)) {
        struct dialog *d = val;
        if (model_dialog_ended(d) && now - d->ended_ms >= m->ended_keep_ms)
            continue;              /* the model forgets it at its next expiry */
        if (model_dialog_ended(d)) /* it leaves the list then */
            ui_wake_after(d->ended_ms + m->ended_keep_ms - now);
        p->active += !model_dialog_ended(d);
        p->v[p->n++] = d;
    }
    qsort(p->v, p->n, sizeof *p->v, by_id);
    for (i = 0; p->selected_id && i < p->n; i++)
        if (strcmp(p->v[i]->id, p->selected_id) == 0) {
            p->l.sel = i;
            return;
        }
    select_row(p, p->l.sel < p->n ? p->l.sel : p->n ? p->n - 1 : 0);
}

/* Since the earliest participant's start, on the server's clock. */
static void duration(const struct dialog *d, char *out, size_t size)
{
    double start = 0, t;
    size_t i;

    for (i = 0; i < d->nparticipants; i++) {
        t = d->participants[i].start_ms;
        if (t > 0 && (start == 0 || t < start))
            start = t;
    }
    if (start == 0) {
        snprintf(out, size, "-");
        return;
    }
    ui_duration_shown(out, size,
                      model_now_ms(&ui->app->model) + ui->app->model.drift_ms -
                          start);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void participants(const struct dialog *d, char *out, size_t size)
{
    const struct participant *x;
    size_t i, len = 0;

    out[0] = '\0';
    for (i = 0; i < d->nparticipants; i++) {
        if (len + 1 >= size)
            break;
        x = &d->participants[i];
        len += (size_t)snprintf(out + len, size - len, "%s%s %s", i ? ", " : "",
                                or_empty(x->media_address), or_empty(x->state));
    }
}

static void draw_list(struct dialogs_pane *p, WINDOW *w, int rows, int cols,
                      int focused)
{
    char fromto[128], dur[32], parts[256];
    size_t i;
    int y;

    wmove(w, 1, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               "ID          STATE      FROM → TO                  TYPE       "
               "DURATION PARTICIPANTS",
               cols);
    for (y = 2, i = p->l.top; i < p->n && y < rows; i++, y++) {
        const struct dialog *d = p->v[i];
        int sel = i == p->l.sel && focused;
        int ended = model_dialog_ended(d);
        attr_t base = ui_attr(sel     ? THEME_SELECTION
                              : ended ? THEME_DIALOG_DROPPED
                                      : THEME_NORMAL);

        snprintf(fromto, sizeof fromto, "%s %s %s", or_empty(d->from_address),
                 ui_sym_arrow_out(), or_empty(d->to_address));
        duration(d, dur, sizeof dur);
        participants(d, parts, sizeof parts);
        wmove(w, y, 0);
        wattrset(w, base);
        ui_put_pad(w, d->id, 12);
        wattrset(w, sel || ended ? base : ui_attr(ui_state_element(d->state)));
        ui_put_pad(w, or_empty(d->state), 11);
        wattrset(w, base);
        ui_put_pad(w, fromto, 27);
        ui_put_pad(w, or_empty(d->call_type), 11);
        ui_put_pad(w, dur, 9);
        if (cols > PARTS_COLUMN) {
            wmove(w, y, PARTS_COLUMN);
            ui_put_pad(w, parts, cols - PARTS_COLUMN);
        }
    }
}

/* How long ago the pinned call ended: "4s". */
static void ended_ago(const struct dialogs_pane *p, char *out, size_t size)
{
    ui_duration_shown(out, size, loop_now_ms() - p->view.ended_ms);
}

static void draw_detail(struct dialogs_pane *p, WINDOW *w, int rows, int cols)
{
    size_t n = p->view.n, i;
    char ago[32], note[160];
    int y = 1;

    if (p->view.ended_ms > 0 && rows > 2) {
        ended_ago(p, ago, sizeof ago);
        snprintf(note, sizeof note, "This call ended %s ago%s: its last state.",
                 ago, p->view.gone ? " and has left the list" : "");
        wmove(w, y++, 1);
        wattrset(w, ui_attr(THEME_DIALOG_DROPPED) | A_BOLD);
        ui_put(w, note, cols - 1);
    }
    /* the text scrolls: the first line shown is the "selection" */
    if (p->dl.sel + (size_t)(rows - y) > n)
        p->dl.sel = n > (size_t)(rows - y) ? n - (size_t)(rows - y) : 0;
    wattrset(w, ui_attr(THEME_NORMAL));
    for (i = p->dl.sel; i < n && y < rows; i++, y++) {
        wmove(w, y, 1);
        ui_put(w, p->view.lines[i], cols - 1);
    }
}

static void dialogs_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct dialogs_pane *p = state;
    char info[160], ago[32];

    collect(p, loop_now_ms());
    p->rows_shown = rows - 2;
    ui_list_fit(&p->l, p->n, rows - 2);
    if (p->detail) {
        dialog_view_refresh(&p->view, &ui->app->model, loop_now_ms());
        ended_ago(p, ago, sizeof ago);
        snprintf(info, sizeof info, "dialog %s%s%s%s — Enter or Esc back",
                 p->view.id, p->view.ended_ms > 0 ? " — ended " : "",
                 p->view.ended_ms > 0 ? ago : "",
                 p->view.ended_ms > 0 ? " ago" : "");
    } else {
        snprintf(info, sizeof info, "%zu active%s", p->active,
                 p->n ? " — Enter shows one" : "");
    }
    ui_title(w, cols, "Dialogs", info, focused);
    if (rows < 2)
        return;
    if (p->detail)
        draw_detail(p, w, rows, cols);
    else
        draw_list(p, w, rows, cols, focused);
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int dialogs_key(void *state, int key)
{
    struct dialogs_pane *p = state;

    /* the rows may point at calls freed since the last frame */
    collect(p, loop_now_ms());
    if (key == K_ENTER || (p->detail && (key == K_LEFT || key == K_ESC))) {
        if (!p->detail && p->l.sel < p->n) {
            dialog_view_open(&p->view, p->v[p->l.sel]->id);
            dialog_view_refresh(&p->view, &ui->app->model, loop_now_ms());
            p->detail = 1;
        } else {
            p->detail = 0;
        }
        p->dl.sel = p->dl.top = 0;
        return 1;
    }
    if (p->detail) /* scrolls; draw_detail stops it at the end */
        return ui_list_key(&p->dl, key, 100000, p->rows_shown + 1);
    if (ui_list_key(&p->l, key, p->n, p->rows_shown)) {
        select_row(p, p->l.sel);
        return 1;
    }
    return 0;
}

const struct pane_ops pane_dialogs = {
    .name = "Dialogs",
    .keys = "Enter  the selected call's detail: fields, participants and\n"
            "       their actions, call variables (Enter again or Esc:\n"
            "       back); it stays on that call, and says when it has ended\n"
            "Calls that end stay listed dim for --keep-ended seconds (30).\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move\n",
    .deps = APP_CHANGED_DIALOGS,
    .init = dialogs_init,
    .done = dialogs_done,
    .draw = dialogs_draw,
    .key = dialogs_key,
};
