/* The Dialogs detail, pinned to a call's id. */
#include "dialog_view.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

char **dialog_view_lines(const struct dialog *d, size_t *n)
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

void dialog_view_lines_free(char **lines, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

void dialog_view_done(struct dialog_view *v)
{
    dialog_view_lines_free(v->lines, v->n);
    free(v->id);
    memset(v, 0, sizeof *v);
}

void dialog_view_open(struct dialog_view *v, const char *id)
{
    dialog_view_done(v);
    v->id = xstrdup(id);
}

void dialog_view_refresh(struct dialog_view *v, const struct model *m,
                         double now_ms)
{
    const struct dialog *d = v->id ? map_get(&m->dialogs, v->id) : NULL;

    if (d == NULL) {
        v->gone = v->id != NULL;
        if (v->gone && v->ended_ms == 0) /* seen going on, then forgotten */
            v->ended_ms = m->expired_ms;
        return;
    }
    dialog_view_lines_free(v->lines, v->n);
    v->lines = dialog_view_lines(d, &v->n);
    v->ended_ms = d->ended_ms;
    v->gone = d->ended_ms > 0 && now_ms - d->ended_ms >= m->ended_keep_ms;
}
