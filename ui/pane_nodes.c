/*
 * Nodes: the pubsub service as a tree of path segments, with subscription
 * marks, event counters and last-seen. Enter subscribes/unsubscribes,
 * Space/Left/Right fold, i info, r items, R disco again, /TEXT filters.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/loop.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OPEN_DEPTH 3 /* folders at a depth below this start unfolded */

struct nodes_pane {
    struct ui_list l;
    struct tree_row *rows;
    size_t nrows;
    unsigned long built_for; /* model nodes_changed the rows were built for */
    size_t *vis;             /* indices of the rows shown */
    size_t nvis;
    struct map folds; /* prefix -> "open" / "closed" when the user chose */
    char *filter;
    int rows_shown;
};

static void *nodes_init(void)
{
    struct nodes_pane *n = xcalloc(1, sizeof *n);
    map_init(&n->folds);
    return n;
}

static void nodes_done(void *state)
{
    struct nodes_pane *n = state;
    model_tree_free(n->rows, n->nrows);
    free(n->vis);
    map_done(&n->folds, NULL);
    free(n->filter);
    free(n);
}

static const char *row_path(const struct tree_row *r)
{
    return r->node ? r->node->path : r->prefix;
}

static int has_children(const struct nodes_pane *n, size_t i)
{
    return i + 1 < n->nrows && n->rows[i + 1].depth > n->rows[i].depth;
}

static int is_open(const struct nodes_pane *n, size_t i)
{
    const char *f = map_get(&n->folds, row_path(&n->rows[i]));
    if (f)
        return strcmp(f, "open") == 0;
    return n->rows[i].depth < OPEN_DEPTH;
}

/* A folded folder holding a subscribed node shows it (scans its rows:
 * bounded by the tree, and only folded folders on screen ask). */
static int subscribed_inside(const struct nodes_pane *n, size_t i)
{
    size_t j;

    for (j = i + 1; j < n->nrows && n->rows[j].depth > n->rows[i].depth; j++)
        if (n->rows[j].node && n->rows[j].node->subscribed)
            return 1;
    return 0;
}

static void rebuild_visible(struct nodes_pane *n)
{
    size_t i;
    int hide_below = -1;

    n->vis = xrealloc(n->vis, (n->nrows + 1) * sizeof *n->vis);
    n->nvis = 0;
    for (i = 0; i < n->nrows; i++) {
        const struct tree_row *r = &n->rows[i];
        if (n->filter) {
            if (r->node && strcasestr(r->node->path, n->filter))
                n->vis[n->nvis++] = i;
            continue;
        }
        if (hide_below >= 0 && r->depth > hide_below)
            continue;
        hide_below = -1;
        n->vis[n->nvis++] = i;
        if (has_children(n, i) && !is_open(n, i))
            hide_below = r->depth;
    }
}

/* The tree is rebuilt when nodes come or go; counters are read live. */
static void rebuild(struct nodes_pane *n)
{
    const struct model *m = &ui->app->model;
    char *keep = NULL;

    if (n->rows && n->built_for == m->nodes_changed)
        return;
    if (n->nvis)
        keep = xstrdup(row_path(&n->rows[n->vis[n->l.sel]]));
    model_tree_free(n->rows, n->nrows);
    n->nrows = model_tree(m, &n->rows);
    n->built_for = m->nodes_changed;
    rebuild_visible(n);
    if (keep) {
        size_t i;
        for (i = 0; i < n->nvis; i++)
            if (strcmp(row_path(&n->rows[n->vis[i]]), keep) == 0)
                n->l.sel = i;
        free(keep);
    }
}

static void nodes_draw(void *state, WINDOW *w, int rows, int cols, int focused)
{
    struct nodes_pane *n = state;
    char info[128], when[32], counts[64];
    double now = loop_now_ms();
    size_t i;
    int y;

    rebuild(n);
    n->rows_shown = rows - 1;
    ui_list_fit(&n->l, n->nvis, rows - 1);
    snprintf(info, sizeof info, "%zu node%s, %zu subscribed%s%s%s",
             ui->app->model.nodes.n, ui->app->model.nodes.n == 1 ? "" : "s",
             app_subscription_count(ui->app), n->filter ? " — filter: " : "",
             n->filter ? n->filter : "",
             n->nvis == 0 && !n->filter ? " — R asks the service" : "");
    ui_title(w, cols, "Nodes", info, focused);
    for (y = 1, i = n->l.top; i < n->nvis && y < rows; i++, y++) {
        const struct tree_row *r = &n->rows[n->vis[i]];
        const struct node_entry *e = r->node;
        int x, right = 0;
        char seg[256];

        wmove(w, y, 0);
        wattrset(w, ui_attr(i == n->l.sel && focused ? THEME_SELECTION
                                                     : THEME_NORMAL));
        counts[0] = '\0';
        if (e && e->events) {
            ui_age_shown(when, sizeof when, now - e->last_ms);
            snprintf(counts, sizeof counts, " %lu ev %s", e->events, when);
            right = (int)strlen(counts);
        }
        if (n->filter)
            snprintf(seg, sizeof seg, "%s", r->node->path);
        else
            snprintf(
                seg, sizeof seg, "%*s%s %.*s", r->depth * 2, "",
                has_children(n, n->vis[i])
                    ? (is_open(n, n->vis[i]) ? ui_sym_open() : ui_sym_closed())
                    : " ",
                (int)r->seglen, r->segment);
        x = ui_put(w,
                   e && e->subscribed ? ui_sym_sub()
                   : !n->filter && has_children(n, n->vis[i]) &&
                           !is_open(n, n->vis[i]) &&
                           subscribed_inside(n, n->vis[i])
                       ? ui_sym_sub_inside()
                       : " ",
                   1);
        x += ui_put_cut(w, seg, cols - x - right);
        for (; x < cols - right; x++)
            waddch(w, ' ');
        if (right && cols > right)
            ui_put(w, counts, right);
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static const struct tree_row *current(struct nodes_pane *n)
{
    rebuild(n);
    if (n->nvis == 0)
        return NULL;
    return &n->rows[n->vis[n->l.sel]];
}

static void fold(struct nodes_pane *n, int open)
{
    const struct tree_row *r = current(n);
    if (r == NULL || !has_children(n, n->vis[n->l.sel]))
        return;
    map_put(&n->folds, row_path(r), open ? "open" : "closed");
    rebuild_visible(n);
}

static int nodes_key(void *state, int key)
{
    struct nodes_pane *n = state;
    const struct tree_row *r;

    rebuild(n);
    if (ui_list_key(&n->l, key, n->nvis, n->rows_shown))
        return 1;
    r = current(n);
    switch (key) {
    case K_ENTER:
        if (r && r->node) {
            if (r->node->subscribed)
                app_unsubscribe(ui->app, r->node->path);
            else
                app_subscribe(ui->app, r->node->path);
        } else if (r) {
            fold(n, !is_open(n, n->vis[n->l.sel]));
        }
        return 1;
    case ' ':
        if (r)
            fold(n, !is_open(n, n->vis[n->l.sel]));
        return 1;
    case K_RIGHT:
    case 'l':
        fold(n, 1);
        return 1;
    case K_LEFT:
    case 'h':
        fold(n, 0);
        return 1;
    case 'i':
        app_info(ui->app, r && r->node ? r->node->path : NULL);
        return 1;
    case 'r':
        if (r && r->node)
            app_items(ui->app, r->node->path);
        return 1;
    case 'R':
        app_disco(ui->app);
        return 1;
    }
    return 0;
}

static void nodes_find(void *state, const char *text)
{
    struct nodes_pane *n = state;

    free(n->filter);
    n->filter = *text ? xstrdup(text) : NULL;
    rebuild(n);
    rebuild_visible(n);
    n->l.sel = n->l.top = 0;
    ui_say(0,
           n->filter ? "Nodes: showing paths with '%s' (/ alone clears)"
                     : "Nodes: filter cleared%s",
           n->filter ? n->filter : "");
}

static const char *nodes_selected(void *state)
{
    const struct tree_row *r = current(state);
    return r && r->node ? r->node->path : NULL;
}

const struct pane_ops pane_nodes = {
    .name = "Nodes",
    .keys = "Enter  subscribe / unsubscribe (a folder: fold)\n"
            "Space, Left/Right, h/l  fold and unfold\n"
            "i  disco#info    r  fetch items    R  ask the service again\n"
            "/TEXT  show only paths containing TEXT;  / alone clears\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move\n",
    .deps = APP_CHANGED_NODES,
    .init = nodes_init,
    .done = nodes_done,
    .draw = nodes_draw,
    .key = nodes_key,
    .find = nodes_find,
    .selected = nodes_selected,
};
