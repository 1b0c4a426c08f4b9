/*
 * Agents: one row per agent with state (coloured), reason, pending state
 * and time in state ticking each second (drift-corrected by the model;
 * the pane is drawn again when a shown time changes, ui_wake_after);
 * under it a row for each non-voice medium (Finesse's Media per MRD) it
 * has; counts by state in the title; s cycles the sort; /TEXT filters.
 */
#include "ui.h"
#include "agent_order.h"
#include "base/buf.h"
#include "base/loop.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Sorting thousands of agents on every frame would cost more than the
 * events: the order is rebuilt at most this often (the rows' contents are
 * always current). The pointers kept between sorts are good while the
 * model frees no agent (model.removed): when it does, the order is
 * rebuilt at once, before anything reads them. */
#define RESORT_MS 250
#define TEAM_COLUMN 80 /* the columns before it: 9+18+9+11+8+14+11 */

/* A row on screen: an agent, or one of its media under it. */
struct agent_row {
    struct agent *a;
    int media; /* -1: the agent's own row; else its media index */
};

struct agents_pane {
    struct ui_list l; /* over rows */
    struct agent **v; /* sorted, filtered */
    size_t n, cap;
    struct agent_row *rows;
    size_t nrows, rows_cap;
    unsigned long sorted_at_events; /* model.events at the last sort */
    unsigned long removed_at;       /* model.removed at the last sort */
    double sorted_ms;               /* loop clock of the last sort; 0: due */
    enum agent_order sort;
    char *filter;
    int rows_shown;
    char *selected_id;  /* the selected row's agent (owned) */
    int selected_media; /* and which of its rows (agent_row.media) */
};

int ui_state_element(const char *state)
{
    static const struct {
        const char *state;
        int element;
    } map[] = {
        {"READY", THEME_STATE_READY},
        {"NOT_READY", THEME_STATE_NOT_READY},
        {"TALKING", THEME_STATE_TALKING},
        {"RESERVED", THEME_STATE_RESERVED},
        {"HOLD", THEME_STATE_HOLD},
        {"WORK", THEME_STATE_WORK},
        {"WORK_READY", THEME_STATE_WORK},
        {"LOGOUT", THEME_STATE_LOGOUT},
        {"ALERTING", THEME_DIALOG_ALERTING},
        {"ACTIVE", THEME_DIALOG_ACTIVE},
        {"HELD", THEME_DIALOG_HELD},
        {"DROPPED", THEME_DIALOG_DROPPED},
    };
    size_t i;

    for (i = 0; state && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(state, map[i].state) == 0)
            return map[i].element;
    return THEME_STATE_UNKNOWN;
}

static void *agents_init(void)
{
    return xcalloc(1, sizeof(struct agents_pane));
}

static void agents_done(void *state)
{
    struct agents_pane *p = state;
    free(p->v);
    free(p->rows);
    free(p->filter);
    free(p->selected_id);
    free(p);
}

static const char *s(const char *x)
{
    return x ? x : "";
}

static int matches(const struct agent *a, const char *f)
{
    const char *fields[] = {a->login_id,  a->login_name,  a->first_name,
                            a->last_name, a->extension,   a->state,
                            a->team_name, a->reason_label};
    size_t i;

    for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] && strcasestr(fields[i], f))
            return 1;
    return 0;
}

static void sort_agents(struct agents_pane *p);

/* The voice channel is the agent's own state: only other media get a
 * row. */
static int media_shown(const struct agent_media *md)
{
    return md->name == NULL || strcasestr(md->name, "voice") == NULL;
}

/* The rows from the sorted agents (their media may have changed since the
 * sort); the selection stays on its agent's row. */
static void build_rows(struct agents_pane *p)
{
    size_t i, j, n = p->n;

    for (i = 0; i < p->n; i++)
        for (j = 0; j < p->v[i]->nmedia; j++)
            n += media_shown(&p->v[i]->media[j]);
    if (p->rows_cap < n + 1) {
        p->rows_cap = n + 1;
        p->rows = xrealloc(p->rows, p->rows_cap * sizeof *p->rows);
    }
    p->nrows = 0;
    for (i = 0; i < p->n; i++) {
        p->rows[p->nrows++] = (struct agent_row){p->v[i], -1};
        for (j = 0; j < p->v[i]->nmedia; j++)
            if (media_shown(&p->v[i]->media[j]))
                p->rows[p->nrows++] = (struct agent_row){p->v[i], (int)j};
    }
    for (i = 0; p->selected_id && i < p->nrows; i++)
        if (p->rows[i].media == p->selected_media &&
            strcmp(s(p->rows[i].a->login_id), p->selected_id) == 0) {
            p->l.sel = i;
            break;
        }
}

static void collect(struct agents_pane *p)
{
    const struct model *mm = &ui->app->model;
    double now = loop_now_ms();

    if (p->sorted_ms > 0 && mm->removed == p->removed_at &&
        (mm->events == p->sorted_at_events || now - p->sorted_ms < RESORT_MS)) {
        if (mm->events != p->sorted_at_events) /* sorted when it is due */
            ui_wake_after(p->sorted_ms + RESORT_MS - now);
        build_rows(p);
        return;
    }
    p->sorted_at_events = mm->events;
    p->removed_at = mm->removed;
    p->sorted_ms = now;
    sort_agents(p);
    build_rows(p);
}

static void select_row(struct agents_pane *p)
{
    free(p->selected_id);
    p->selected_id = NULL;
    if (p->l.sel < p->nrows) {
        p->selected_id = xstrdup(s(p->rows[p->l.sel].a->login_id));
        p->selected_media = p->rows[p->l.sel].media;
    }
}

static void sort_agents(struct agents_pane *p)
{
    const struct model *m = &ui->app->model;
    size_t i = 0;
    const char *key;
    void *val;

    if (p->cap < m->agents.n + 1) {
        p->cap = m->agents.n + 1;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->n = 0;
    while (map_next(&m->agents, &i, &key, &val))
        if (p->filter == NULL || matches(val, p->filter))
            p->v[p->n++] = val;
    agent_order_sort(p->v, p->n, p->sort, m, model_now_ms(m));
}

/* "-" or "3m05s": the time since a state change (server clock, 0 unknown). */
static void since(char *out, size_t size, double change_ms, double now)
{
    double t = model_since_ms(&ui->app->model, change_ms, now);

    if (t < 0)
        snprintf(out, size, "-");
    else
        ui_duration_shown(out, size, t);
}

/* STATE (coloured) TIME REASON PENDING: an agent's or a medium's. */
static void state_columns(WINDOW *w, attr_t base, int sel, const char *state,
                          double change_ms, const char *reason,
                          const char *pending, double now)
{
    char t[32];

    since(t, sizeof t, change_ms, now);
    wattrset(w, sel ? base : ui_attr(ui_state_element(state)));
    ui_put_pad(w, s(state), 11);
    wattrset(w, base);
    ui_put_pad(w, t, 8);
    ui_put_pad(w, s(reason), 14);
    ui_put_pad(w, s(pending), 11);
}

static void agent_row(WINDOW *w, const struct agent *a, int sel, double now)
{
    attr_t base = ui_attr(sel ? THEME_SELECTION : THEME_NORMAL);
    char name[128];

    snprintf(name, sizeof name, "%s %s", s(a->first_name), s(a->last_name));
    wattrset(w, base);
    ui_put_pad(w, s(a->login_id), 9);
    ui_put_pad(w, name, 18);
    ui_put_pad(w, s(a->extension), 9);
    state_columns(w, base, sel, a->state, a->state_change_ms, a->reason_label,
                  a->pending_state, now);
}

/* "         → Chat            NOT_READY  3m05s   Training": a medium
 * under its agent, in the agent's columns. */
static void media_row(WINDOW *w, const struct agent_media *md, int sel,
                      double now)
{
    attr_t base = ui_attr(sel ? THEME_SELECTION : THEME_NORMAL);
    char name[128];

    snprintf(name, sizeof name, "  %s %s", ui_sym_arrow_out(),
             md->name ? md->name : md->id);
    wattrset(w, base);
    ui_put_pad(w, "", 9);
    ui_put_pad(w, name, 27);
    state_columns(w, base, sel, md->state, md->state_change_ms,
                  md->reason_label, md->pending_state, now);
}

static void agents_draw(void *state, WINDOW *w, int rows, int cols, int focused)
{
    struct agents_pane *p = state;
    char info[512], counts[400];
    double now = model_now_ms(&ui->app->model);
    size_t i;
    int y;

    collect(p);
    p->rows_shown = rows - 2;
    ui_list_fit(&p->l, p->nrows, rows - 2);
    /* counted on each frame, as the rows are drawn */
    agent_state_counts(&ui->app->model.agents, counts, sizeof counts);
    snprintf(info, sizeof info, "%zu agent%s — %s — sort: %s%s%s",
             ui->app->model.agents.n, ui->app->model.agents.n == 1 ? "" : "s",
             counts[0] ? counts : "none yet", agent_order_name(p->sort),
             p->filter ? " — filter: " : "", p->filter ? p->filter : "");
    ui_title(w, cols, "Agents", info, focused);
    if (rows < 2)
        return;
    wmove(w, 1, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               "ID       NAME              EXT      STATE      TIME    "
               "REASON        PENDING    TEAM",
               cols);
    for (y = 2, i = p->l.top; i < p->nrows && y < rows; i++, y++) {
        const struct agent_row *r = &p->rows[i];
        int sel = i == p->l.sel && focused;

        wmove(w, y, 0);
        if (r->media >= 0) {
            media_row(w, &r->a->media[r->media], sel, now);
            continue;
        }
        agent_row(w, r->a, sel, now);
        /* placed, not appended: a row that filled the width has moved
         * the cursor to the next line */
        if (cols > TEAM_COLUMN) {
            wmove(w, y, TEAM_COLUMN);
            ui_put_pad(w, s(r->a->team_name), cols - TEAM_COLUMN);
        }
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int agents_key(void *state, int key)
{
    struct agents_pane *p = state;

    /* the rows may point at agents freed since the last frame */
    collect(p);
    if (ui_list_key(&p->l, key, p->nrows, p->rows_shown)) {
        select_row(p);
        return 1;
    }
    if (key == 's') {
        p->sort = (p->sort + 1) % AGENT_ORDER_N;
        p->sorted_ms = 0;
        ui_say(0, "Agents sorted by %s", agent_order_name(p->sort));
        return 1;
    }
    return 0;
}

static void agents_find(void *state, const char *text)
{
    struct agents_pane *p = state;
    free(p->filter);
    p->filter = *text ? xstrdup(text) : NULL;
    p->sorted_ms = 0;
    p->l.sel = p->l.top = 0;
    free(p->selected_id);
    p->selected_id = NULL;
    ui_say(0,
           p->filter ? "Agents: showing agents matching '%s' (/ alone clears)"
                     : "Agents: filter cleared%s",
           p->filter ? p->filter : "");
}

const struct pane_ops pane_agents = {
    .name = "Agents",
    .keys = "s  sort by state, time in state, name, id\n"
            "/TEXT  show agents matching TEXT (id, name, extension, state,\n"
            "       team, reason);  / alone clears\n"
            "Under an agent, a row for each non-voice medium (chat, email…)\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move\n",
    .deps = APP_CHANGED_AGENTS,
    .init = agents_init,
    .done = agents_done,
    .draw = agents_draw,
    .key = agents_key,
    .find = agents_find,
};
