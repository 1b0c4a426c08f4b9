/*
 * Dialogs: the calls the model knows — id, state, from → to, call type,
 * duration, participants. A dialog that dropped or was deleted is drawn
 * faded for DIALOG_FADE_MS and then left out. Enter opens the detail: every
 * field, the participants with their actions, all call variables.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/loop.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIALOG_FADE_MS 5000
#define PARTS_COLUMN 70 /* the columns before it: 12+11+27+11+9 */

struct dialogs_pane {
    struct ui_list l, dl; /* the list; the detail's scroll */
    struct dialog **v;
    size_t n, cap;
    int detail;
    char selected_id[64];
    int rows_shown;
};

static void *dialogs_init(void)
{
    return xcalloc(1, sizeof(struct dialogs_pane));
}

static void dialogs_done(void *state)
{
    struct dialogs_pane *p = state;
    free(p->v);
    free(p);
}

/* A field a dialog may not have had yet, as text. */
static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static int by_id(const void *x, const void *y)
{
    const struct dialog *a = *(struct dialog *const *)x;
    const struct dialog *b = *(struct dialog *const *)y;
    return strcmp(a->id, b->id);
}

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
    p->n = 0;
    while (map_next(&m->dialogs, &i, &key, &val)) {
        struct dialog *d = val;
        if (d->ended_ms && now - d->ended_ms > DIALOG_FADE_MS)
            continue;
        p->v[p->n++] = d;
    }
    qsort(p->v, p->n, sizeof *p->v, by_id);
    for (i = 0; p->selected_id[0] && i < p->n; i++)
        if (strcmp(p->v[i]->id, p->selected_id) == 0)
            p->l.sel = i;
}

/* Since the earliest participant's start, on the server's clock. */
static void duration(const struct dialog *d, double now, char *out, size_t size)
{
    double start = 0, t;
    size_t i;

    for (i = 0; i < d->nparticipants; i++) {
        t = d->participants[i].start_ms;
        if (t > 0 && (start == 0 || t < start))
            start = t;
    }
    (void)now;
    if (start == 0) {
        snprintf(out, size, "-");
        return;
    }
    ui_duration(out, size, model_wall_ms() + ui->app->model.drift_ms - start);
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
                      int focused, double now)
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
        int gone = d->ended_ms > 0;
        attr_t base = ui_attr(sel    ? THEME_SELECTION
                              : gone ? THEME_DIALOG_DROPPED
                                     : THEME_NORMAL);

        snprintf(fromto, sizeof fromto, "%s %s %s",
                 d->from_address ? d->from_address : "", ui_sym_arrow_out(),
                 d->to_address ? d->to_address : "");
        duration(d, now, dur, sizeof dur);
        participants(d, parts, sizeof parts);
        wmove(w, y, 0);
        wattrset(w, base);
        ui_put_pad(w, d->id, 12);
        wattrset(w, sel || gone ? base : ui_attr(ui_state_element(d->state)));
        ui_put_pad(w,
                   gone && d->deleted ? "GONE"
                   : d->state         ? d->state
                                      : "",
                   11);
        wattrset(w, base);
        ui_put_pad(w, fromto, 27);
        ui_put_pad(w, d->call_type ? d->call_type : "", 11);
        ui_put_pad(w, dur, 9);
        if (cols > PARTS_COLUMN) {
            wmove(w, y, PARTS_COLUMN);
            ui_put_pad(w, parts, cols - PARTS_COLUMN);
        }
    }
}

/* The detail as lines: fields, participants with actions, variables. */
static char **detail_lines(const struct dialog *d, size_t *n)
{
    const struct dialog_field *f;
    const struct participant *x;
    struct buf b;
    size_t i, j, count = 0;
    char **lines = NULL, *text, *p, *save = NULL;

    buf_init(&b);
    for (f = model_dialog_fields; f->name; f++)
        if (model_dialog_field(d, f))
            buf_printf(&b, "%-22s %s\n", f->name, model_dialog_field(d, f));
    for (i = 0; i < d->nparticipants; i++) {
        x = &d->participants[i];
        buf_printf(&b, "participant %zu: %s (%s) %s since %s\n", i + 1,
                   or_empty(x->media_address), or_empty(x->media_address_type),
                   or_empty(x->state), or_empty(x->state_change_time));
        if (x->nactions) {
            buf_puts(&b, "  actions:");
            for (j = 0; j < x->nactions; j++)
                buf_printf(&b, " %s", x->actions[j]);
            buf_puts(&b, "\n");
        }
    }
    buf_puts(&b, "call variables:\n");
    for (i = 0; i < d->ncall_vars; i++)
        buf_printf(&b, "  %-20s %s\n", d->call_vars[i].name,
                   d->call_vars[i].value);
    text = buf_steal(&b);
    for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
        lines = xrealloc(lines, (count + 1) * sizeof *lines);
        lines[count++] = xstrdup(p);
    }
    free(text);
    *n = count;
    return lines;
}

static void draw_detail(struct dialogs_pane *p, WINDOW *w, int rows, int cols)
{
    size_t n = 0, i;
    char **lines;
    int y;

    if (p->l.sel >= p->n) {
        p->detail = 0;
        return;
    }
    lines = detail_lines(p->v[p->l.sel], &n);
    /* the text scrolls: the first line shown is the "selection" */
    if (p->dl.sel + (size_t)(rows - 1) > n)
        p->dl.sel = n > (size_t)(rows - 1) ? n - (size_t)(rows - 1) : 0;
    wattrset(w, ui_attr(THEME_NORMAL));
    for (y = 1, i = p->dl.sel; i < n && y < rows; i++, y++) {
        wmove(w, y, 1);
        ui_put(w, lines[i], cols - 1);
    }
    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static void dialogs_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct dialogs_pane *p = state;
    double now = loop_now_ms();
    char info[128];

    collect(p, now);
    p->rows_shown = rows - 2;
    ui_list_fit(&p->l, p->n, rows - 2);
    if (p->detail && p->l.sel < p->n)
        snprintf(info, sizeof info, "dialog %s — Enter or Esc-Left back",
                 p->v[p->l.sel]->id);
    else
        snprintf(info, sizeof info, "%zu active%s", p->n,
                 p->n ? " — Enter shows one" : "");
    ui_title(w, cols, "Dialogs", info, focused);
    if (rows < 2)
        return;
    if (p->detail)
        draw_detail(p, w, rows, cols);
    if (!p->detail)
        draw_list(p, w, rows, cols, focused, now);
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int dialogs_key(void *state, int key)
{
    struct dialogs_pane *p = state;

    if (key == K_ENTER || (p->detail && key == K_LEFT)) {
        p->detail = !p->detail && p->n > 0;
        p->dl.sel = p->dl.top = 0;
        return 1;
    }
    if (p->detail) /* scrolls; draw_detail stops it at the end */
        return ui_list_key(&p->dl, key, 100000, p->rows_shown + 1);
    if (ui_list_key(&p->l, key, p->n, p->rows_shown)) {
        snprintf(p->selected_id, sizeof p->selected_id, "%s",
                 p->l.sel < p->n ? p->v[p->l.sel]->id : "");
        return 1;
    }
    return 0;
}

const struct pane_ops pane_dialogs = {
    .name = "Dialogs",
    .keys = "Enter  the selected call's detail: fields, participants and\n"
            "       their actions, call variables (Enter again: back)\n"
            "Calls that drop stay faded for 5 s, then leave.\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move\n",
    .deps = APP_CHANGED_DIALOGS,
    .ticks = 1,
    .init = dialogs_init,
    .done = dialogs_done,
    .draw = dialogs_draw,
    .key = dialogs_key,
};
