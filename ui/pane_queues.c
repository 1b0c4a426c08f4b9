/*
 * Queues: each queue's statistics as Finesse last sent them (calls
 * waiting, the longest wait ticking, agents by state), with the teams and
 * the system status in the title.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/loop.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct queues_pane {
    struct ui_list l;
    struct queue **v;
    size_t n, cap;
    int rows_shown;
};

static void *queues_init(void)
{
    return xcalloc(1, sizeof(struct queues_pane));
}

static void queues_done(void *state)
{
    struct queues_pane *p = state;
    free(p->v);
    free(p);
}

static int by_name(const void *x, const void *y)
{
    const struct queue *a = *(struct queue *const *)x;
    const struct queue *b = *(struct queue *const *)y;
    int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c ? c : strcmp(a->uri ? a->uri : "", b->uri ? b->uri : "");
}

/* On every draw: the model frees a queue on its DELETE, so the pointers
 * are never kept from one frame to the next (keys only move the list). */
static void collect(struct queues_pane *p)
{
    const struct model *m = &ui->app->model;
    size_t i = 0;
    const char *key;
    void *val;

    if (p->cap < m->queues.n + 1) {
        p->cap = m->queues.n + 1;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->n = 0;
    while (map_next(&m->queues, &i, &key, &val))
        p->v[p->n++] = val;
    qsort(p->v, p->n, sizeof *p->v, by_name);
}

/* The sum of the statistics present (clamped to long long), "-" when
 * none is. counts ends with NULL. */
static void stat(char *out, size_t size,
                 const struct queue_count *const *counts)
{
    long long sum = 0;
    int any = 0;

    for (; *counts; counts++) {
        if (!(*counts)->present)
            continue;
        if (__builtin_add_overflow(sum, (*counts)->n, &sum))
            sum = (*counts)->n < 0 ? LLONG_MIN : LLONG_MAX;
        any = 1;
    }
    if (any)
        snprintf(out, size, "%lld", sum);
    else
        snprintf(out, size, "-");
}

static void longest(char *out, size_t size, const struct queue_stats *st)
{
    double t = st->longest_since_ms;

    if (t <= 0)
        snprintf(out, size, "-");
    else
        ui_duration_shown(out, size,
                          model_now_ms(&ui->app->model) +
                              ui->app->model.drift_ms - t);
}

static void queues_draw(void *state, WINDOW *w, int rows, int cols, int focused)
{
    const struct model *m = &ui->app->model;
    struct queues_pane *p = state;
    char info[256], a[16], b[16], c[16], d[16], e[16], lw[32], seen[32];
    size_t i;
    int y;

    collect(p);
    p->rows_shown = rows - 2;
    ui_list_fit(&p->l, p->n, rows - 2);
    snprintf(info, sizeof info, "%zu queue%s — %zu team%s seen — system %s%s%s",
             p->n, p->n == 1 ? "" : "s", m->teams.n, m->teams.n == 1 ? "" : "s",
             m->system.status ? m->system.status
                              : "unknown (/sub /finesse/api/SystemInfo)",
             m->system.reason && *m->system.reason ? ": " : "",
             m->system.reason ? m->system.reason : "");
    ui_title(w, cols, "Queues", info, focused);
    if (rows < 2)
        return;
    wmove(w, 1, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               "QUEUE                    WAITING  LONGEST  READY  NOT READY "
               " TALKING  WRAP-UP  UPDATED",
               cols);
    for (y = 2, i = p->l.top; i < p->n && y < rows; i++, y++) {
        const struct queue_stats *st = &p->v[i]->stats;
        const struct queue *q = p->v[i];
        const struct queue_count *waiting[] = {&st->calls_in_queue, NULL};
        const struct queue_count *ready[] = {&st->agents_ready, NULL};
        const struct queue_count *not_ready[] = {&st->agents_not_ready, NULL};
        const struct queue_count *talking[] = {
            &st->agents_talking_inbound, &st->agents_talking_outbound,
            &st->agents_talking_internal, NULL};
        const struct queue_count *wrap[] = {&st->agents_wrap_up_not_ready,
                                            &st->agents_wrap_up_ready, NULL};
        char line[256];

        stat(a, sizeof a, waiting);
        stat(b, sizeof b, ready);
        stat(c, sizeof c, not_ready);
        stat(d, sizeof d, talking);
        stat(e, sizeof e, wrap);
        longest(lw, sizeof lw, st);
        ui_duration_shown(seen, sizeof seen, loop_now_ms() - q->updated_ms);
        wmove(w, y, 0);
        wattrset(w, ui_attr(i == p->l.sel && focused ? THEME_SELECTION
                                                     : THEME_NORMAL));
        ui_put_pad(w, q->name ? q->name : q->uri ? q->uri : "?", 25);
        snprintf(line, sizeof line, "%7s  %7s  %5s  %9s  %7s  %7s  %s ago", a,
                 lw, b, c, d, e, seen);
        ui_put_pad(w, line, cols - 25);
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int queues_key(void *state, int key)
{
    struct queues_pane *p = state;
    return ui_list_key(&p->l, key, p->n, p->rows_shown);
}

const struct pane_ops pane_queues = {
    .name = "Queues",
    .keys = "Each queue as Finesse last reported it: calls waiting, the\n"
            "longest wait (ticking), agents ready, not ready, talking (in,\n"
            "out, internal), in wrap-up. The title: teams, system status.\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move\n",
    .deps = APP_CHANGED_MODEL,
    .init = queues_init,
    .done = queues_done,
    .draw = queues_draw,
    .key = queues_key,
};
