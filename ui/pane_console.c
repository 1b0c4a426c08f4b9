/*
 * Console: every stanza in and out (the core's ring), one row each with
 * time, direction, kind, id, node and — for an iq request and its reply —
 * the pairing and the round trip. The selected stanza is shown pretty
 * printed and coloured below the list (Enter: the whole pane). Filters,
 * search with n/N, freeze/follow, /save.
 */
#include "ui.h"
#include "console_gist.h"
#include "base/file.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "xmpp/console.h"
#include "xmpp/pretty.h"
#include "xmpp/xmlstream.h"
#include "evidence/recorder.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GIST_CACHE 256 /* more than a screen of rows */
#define HSCROLL_STEP 8 /* columns a Left/Right press moves */

struct console_pane {
    unsigned long *seqs; /* entries passing the filter, oldest first */
    size_t n, cap;
    unsigned long scanned; /* last seq looked at */
    struct ui_list l;
    int follow, full;
    size_t detail_top;
    int rows_shown;
    /* filter */
    int dir; /* -1 any, else enum console_dir */
    char kind[12];
    char *node;
    regex_t re;
    int has_re;
    char *filter_text;
    /* search */
    regex_t search;
    int has_search;
    unsigned long await; /* a request whose reply to select when it comes */
    /* pretty text of the selected entry */
    unsigned long pretty_seq;
    char *pretty;
    int raw;        /* the detail shows the text as on the wire, wrapped */
    size_t hscroll; /* columns the detail and rows are scrolled right */
    /* gists of the rows drawn, by seq modulo GIST_CACHE */
    struct {
        unsigned long seq;
        char *gist; /* NULL: none */
    } gists[GIST_CACHE];
};

static struct console_pane *the; /* for the commands */

static void *console_init(void)
{
    struct console_pane *p = xcalloc(1, sizeof *p);
    p->dir = -1;
    p->follow = 1;
    the = p;
    return p;
}

static void clear_filter(struct console_pane *p)
{
    p->dir = -1;
    p->kind[0] = '\0';
    free(p->node);
    p->node = NULL;
    if (p->has_re)
        regfree(&p->re);
    p->has_re = 0;
    free(p->filter_text);
    p->filter_text = NULL;
}

static void console_done(void *state)
{
    struct console_pane *p = state;
    clear_filter(p);
    if (p->has_search)
        regfree(&p->search);
    size_t i;
    for (i = 0; i < GIST_CACHE; i++)
        free(p->gists[i].gist);
    free(p->seqs);
    free(p->pretty);
    free(p);
    the = NULL;
}

static int passes(const struct console_pane *p, const struct console_entry *e)
{
    if (p->dir >= 0 && (int)e->dir != p->dir)
        return 0;
    if (p->kind[0] && strcmp(e->name, p->kind) != 0)
        return 0;
    if (p->node && (e->node == NULL || strstr(e->node, p->node) == NULL))
        return 0;
    if (p->has_re && regexec(&p->re, e->text, 0, NULL, 0) != 0)
        return 0;
    return 1;
}

/* Selects the entry seq when the filter shows it; stops following. */
static void select_seq(struct console_pane *p, unsigned long seq)
{
    size_t i;

    for (i = p->n; i-- > 0;)
        if (p->seqs[i] == seq) {
            p->l.sel = i;
            p->follow = 0;
            p->full = 0;
            p->detail_top = 0;
            return;
        }
}

/* Brings seqs up to date with the ring: new entries in, dropped out. */
static void sync_entries(struct console_pane *p)
{
    struct console *c = ui->app->console;
    const struct console_entry *first = console_get(c, 0), *e;
    unsigned long last = console_last_seq(c), s;
    size_t drop = 0;

    if (first == NULL)
        return;
    while (drop < p->n && p->seqs[drop] < first->seq)
        drop++;
    if (drop) {
        memmove(p->seqs, p->seqs + drop, (p->n - drop) * sizeof *p->seqs);
        p->n -= drop;
        p->l.sel = p->l.sel > drop ? p->l.sel - drop : 0;
        p->l.top = p->l.top > drop ? p->l.top - drop : 0;
    }
    s = p->scanned + 1 > first->seq ? p->scanned + 1 : first->seq;
    for (; s <= last; s++) {
        e = console_find(c, s);
        if (e == NULL || !passes(p, e))
            continue;
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 1024;
            p->seqs = xrealloc(p->seqs, p->cap * sizeof *p->seqs);
        }
        p->seqs[p->n++] = s;
    }
    p->scanned = last;
    if (p->follow && p->n)
        p->l.sel = p->n - 1;
    if (p->await && (e = console_find(c, p->await)) != NULL && e->pair) {
        select_seq(p, e->pair);
        p->await = 0;
    }
}

static void rescan(struct console_pane *p)
{
    p->n = 0;
    p->scanned = 0;
    sync_entries(p);
}

static const struct console_entry *selected(struct console_pane *p)
{
    if (p->n == 0 || p->l.sel >= p->n)
        return NULL;
    return console_find(ui->app->console, p->seqs[p->l.sel]);
}

/* Pretty text of e, cached for the selected entry. A REST entry is a line
 * ("PUT https://…", "HTTP 202 Accepted in 12 ms") and then its body. */
static const char *pretty_of(struct console_pane *p,
                             const struct console_entry *e)
{
    const char *xml = e->text;
    xmpp_stanza_t *st;
    char *body;

    if (p->pretty && p->pretty_seq == e->seq)
        return p->pretty;
    free(p->pretty);
    if (*xml != '<' && (xml = strchr(xml, '\n')) != NULL)
        xml++;
    st = xml ? xmpp_stanza_new_from_string(ui->app->ctx, xml) : NULL;
    if (st) {
        body = pretty_stanza(st, PRETTY_EMBEDDED);
        p->pretty = xasprintf("%.*s%s", (int)(xml - e->text), e->text, body);
        free(body);
        xmpp_stanza_release(st);
    } else {
        p->pretty = xstrdup(e->text);
    }
    p->pretty_seq = e->seq;
    return p->pretty;
}

static void entry_time(const struct console_entry *e, char *out, size_t size)
{
    time_t t = (time_t)e->time;
    struct tm tm;
    char hms[16];

    localtime_r(&t, &tm);
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03d", hms,
             (int)((e->time - (double)t) * 1000) % 1000);
}

/* A REST request and the Update carrying its requestId: on the request
 * "Update in N ms", on the Update the request it answers. */
static void update_link(struct buf *b, const struct console_entry *e)
{
    const struct console_entry *other =
        console_find(ui->app->console, e->update);

    if (e->dir == CONSOLE_OUT)
        buf_printf(b, "%s Update in %.0f ms", e->pair ? "," : "  <->",
                   e->update_ms);
    else
        buf_printf(b, "  <-> Update of %s%s%s, %.0f ms",
                   other ? other->name : "(gone)", other ? "/" : "",
                   other ? other->type : "", e->update_ms);
}

/* The byte offset of the character n columns into s (its end when
 * shorter): where a line scrolled n columns right starts. */
static size_t skip_cols(const char *s, size_t n)
{
    const char *p = s;
    uint32_t cp;

    while (*p && n-- > 0)
        p += utf8_next(p, &cp);
    return (size_t)(p - s);
}

/* The entry's gist (console_gist.h), parsed once while its row is on
 * screen; NULL when none. */
static const char *gist_of(struct console_pane *p,
                           const struct console_entry *e)
{
    size_t k = e->seq % GIST_CACHE;
    xmpp_stanza_t *st;

    if (e->gist) /* the app decoded it already */
        return e->gist;
    if (p->gists[k].seq == e->seq)
        return p->gists[k].gist;
    free(p->gists[k].gist);
    p->gists[k].gist = NULL;
    p->gists[k].seq = e->seq;
    if (e->dir != CONSOLE_INFO && e->text[0] == '<' &&
        (st = xmpp_stanza_new_from_string(ui->app->ctx, e->text)) != NULL) {
        p->gists[k].gist = console_gist(st);
        xmpp_stanza_release(st);
    }
    return p->gists[k].gist;
}

/* The row's "NAME/TYPE id=ID NODE  <-> pairing" within room columns: at
 * the left edge (not scrolled) the node and then the id give up their left
 * end first, so the pairing stays; scrolled, everything is there. */
static void row_rest(struct console_pane *p, struct buf *b,
                     const struct console_entry *e, const char *gist, int room)
{
    const struct console_entry *pair =
        e->pair ? console_find(ui->app->console, e->pair) : NULL;
    /* the node once: not again when the gist names it */
    int has_node = e->node && !(gist && strstr(gist, e->node));
    char *id = xstrdup(e->id ? e->id : ""), *node;
    struct buf tail;
    int need;

    node = xstrdup(has_node ? e->node : "");
    buf_init(&tail);
    if (e->pair) {
        if (e->dir == CONSOLE_OUT)
            buf_printf(&tail, "  <-> %s in %.0f ms",
                       pair ? (pair->type[0] ? pair->type : "?") : "(gone)",
                       e->rtt_ms);
        else
            buf_printf(&tail, "  <-> reply in %.0f ms", e->rtt_ms);
    }
    if (e->update)
        update_link(&tail, e);
    buf_puts(&tail, "");
    need = ui_text_width(e->name) + 1 + ui_text_width(e->type) + 1 +
           (e->id ? 3 + ui_text_width(id) : 0) +
           (has_node ? 1 + ui_text_width(node) : 0) + ui_text_width(tail.data);
    if (p->hscroll == 0 && need > room && has_node) {
        int w = ui_text_width(node) - (need - room);
        char *cut = console_cut_left(node, w > 12 ? w : 12, ui->utf8);
        need -= ui_text_width(node) - ui_text_width(cut);
        free(node);
        node = cut;
    }
    if (p->hscroll == 0 && need > room && e->id) {
        int w = ui_text_width(id) - (need - room);
        char *cut = console_cut_left(id, w > 6 ? w : 6, ui->utf8);
        free(id);
        id = cut;
    }
    buf_printf(b, "%s%s%s %s%s%s%s%s", e->name, e->type[0] ? "/" : "", e->type,
               e->id ? "id=" : "", id, has_node ? " " : "", node, tail.data);
    buf_done(&tail);
    free(id);
    free(node);
}

static void row(struct console_pane *p, WINDOW *w, int y, int cols,
                const struct console_entry *e, int sel)
{
    char when[32];
    const char *gist = gist_of(p, e);
    struct buf rest;
    int x;

    entry_time(e, when, sizeof when);
    wmove(w, y, 0);
    wattrset(w, ui_attr(sel ? THEME_SELECTION : THEME_NORMAL));
    x = ui_put(w, when, cols);
    x += ui_put(w, " ", cols - x);
    if (!sel)
        wattrset(w, ui_attr(e->dir == CONSOLE_IN    ? THEME_CONSOLE_IN
                            : e->dir == CONSOLE_OUT ? THEME_CONSOLE_OUT
                                                    : THEME_CONSOLE_INFO));
    x += ui_put(w,
                e->dir == CONSOLE_IN    ? ui_sym_arrow_in()
                : e->dir == CONSOLE_OUT ? ui_sym_arrow_out()
                                        : "!",
                cols - x);
    x += ui_put(w, " ", cols - x);
    if (gist) { /* what it is first; a node path shortened from the left */
        int room = cols - x, budget = room * 3 / 5 > 24 ? room * 3 / 5 : 24;
        char *fit =
            console_gist_fit(gist, budget < room ? budget : room, ui->utf8);
        x += ui_put(w, fit, cols - x);
        x += ui_put(w, "  ", cols - x);
        free(fit);
    }
    buf_init(&rest);
    if (e->dir == CONSOLE_INFO) /* perch's own note: its first line */
        buf_printf(&rest, "%.*s", (int)strcspn(e->text, "\n"), e->text);
    else
        row_rest(p, &rest, e, gist, cols - x);
    /* Left/Right scroll the rest of the row; "…" where it is cut */
    x += ui_put_cut(w, rest.data + skip_cols(rest.data, p->hscroll), cols - x);
    buf_done(&rest);
    for (; x < cols; x++)
        waddch(w, ' ');
}

/* One line of pretty XML, coloured: tags, attribute names, values, text,
 * and the search matches on top. */
static void xml_line(struct console_pane *p, WINDOW *w, const char *line,
                     size_t len, int cols)
{
    unsigned char *cls = xmalloc(len + 1);
    char *copy = xstrndup(line, len);
    size_t i = 0, k;
    int in_tag = 0, in_val = 0, x = 0;
    char q = 0;
    regmatch_t m;

    for (i = 0; i < len; i++) {
        char c = line[i];
        if (in_val) {
            cls[i] = THEME_XML_VALUE;
            if (c == q)
                in_val = 0;
        } else if (in_tag) {
            if (c == '\'' || c == '"') {
                in_val = 1;
                q = c;
                cls[i] = THEME_XML_VALUE;
            } else if (c == '>') {
                in_tag = 0;
                cls[i] = THEME_XML_TAG;
            } else {
                cls[i] = in_tag == 1 ? THEME_XML_TAG : THEME_XML_ATTR;
                if (c == ' ')
                    in_tag = 2;
            }
        } else if (c == '<') {
            in_tag = 1;
            cls[i] = THEME_XML_TAG;
        } else {
            cls[i] = THEME_XML_TEXT;
        }
    }
    if (p->has_search) {
        size_t off = 0;
        while (off < len &&
               regexec(&p->search, copy + off, 1, &m, off ? REG_NOTBOL : 0) ==
                   0 &&
               m.rm_eo > m.rm_so) {
            for (k = off + (size_t)m.rm_so; k < off + (size_t)m.rm_eo; k++)
                cls[k] = THEME_SEARCH_MATCH;
            off += (size_t)m.rm_eo;
        }
    }
    /* scrolled sideways: "…" at either end where more is there */
    i = skip_cols(copy, p->hscroll);
    if (i > len)
        i = len;
    {
        const char *more = ui->utf8 ? "…" : ">";
        uint32_t cp;
        size_t left = 0, k2;
        for (k2 = i; k2 < len; left++)
            k2 += utf8_next(line + k2, &cp);
        if (p->hscroll > 0 && len > 0) {
            wattrset(w, ui_attr(THEME_BORDER));
            x += ui_put(w, ui->utf8 ? "…" : "<", cols - x);
        }
        if ((int)left > cols - x) { /* the right end's marker */
            int at = cols - 1, cy = getcury(w);
            wattrset(w, ui_attr(THEME_BORDER));
            mvwaddstr(w, cy, at, more); /* the last column: may move on */
            wmove(w, cy, x);
            cols = at;
        }
    }
    for (; i < len && x < cols;) {
        size_t j = i;
        char *run;
        while (j < len && cls[j] == cls[i])
            j++;
        run = xstrndup(line + i, j - i);
        wattrset(w, ui_attr(cls[i]));
        x += ui_put(w, run, cols - x);
        free(run);
        i = j;
    }
    wattrset(w, ui_attr(THEME_NORMAL));
    free(cls);
    free(copy);
}

/* The entry's text exactly as sent or received (the received bytes when
 * the ring has them), wrapped at the pane's width (so nothing is cut),
 * scrolled by detail_top rows. */
static void draw_raw(struct console_pane *p, WINDOW *w,
                     const struct console_entry *e, int y0, int rows, int cols)
{
    const char *s = e->raw ? e->raw : e->text;
    size_t row = 0;
    int y = y0;

    wattrset(w, ui_attr(THEME_XML_TEXT));
    while (*s && y < y0 + rows && cols > 0) {
        size_t n = strcspn(s, "\n"), take = skip_cols(s, (size_t)cols);
        char *piece;
        if (take > n)
            take = n;
        if (row++ >= p->detail_top) {
            piece = xstrndup(s, take);
            wmove(w, y++, 0);
            ui_put(w, piece, cols);
            free(piece);
        }
        s += take;
        if (*s == '\n' && take == n)
            s++;
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static void draw_detail(struct console_pane *p, WINDOW *w, int y0, int rows,
                        int cols)
{
    const struct console_entry *e = selected(p);
    const char *text, *line;
    size_t skip;
    int y = y0;

    if (e == NULL)
        return;
    if (p->raw) {
        draw_raw(p, w, e, y0, rows, cols);
        return;
    }
    text = pretty_of(p, e);
    for (line = text, skip = p->detail_top; *line && skip > 0; skip--) {
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    if (p->full) { /* Right stops where the widest line shown ends */
        const char *l = line;
        size_t widest = 0, chars, limit;
        int n;
        uint32_t cp;
        for (n = 0; *l && n < rows; n++) {
            for (chars = 0; *l && *l != '\n'; chars++)
                l += utf8_next(l, &cp);
            widest = chars > widest ? chars : widest;
            l += *l == '\n';
        }
        limit = widest + 2 > (size_t)cols ? widest + 2 - (size_t)cols : 0;
        if (p->hscroll > limit)
            p->hscroll = limit;
    }
    while (*line && y < y0 + rows) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        wmove(w, y++, 0);
        xml_line(p, w, line, len, cols);
        line += len + (nl != NULL);
    }
}

static void console_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct console_pane *p = state;
    struct console *c = ui->app->console;
    int list_rows, y;
    size_t i;
    char info[256];

    sync_entries(p);
    snprintf(info, sizeof info, "%zu of %zu stanza%s%s%s — %s%s", p->n,
             console_count(c), console_count(c) == 1 ? "" : "s",
             p->filter_text ? " — filter: " : "",
             p->filter_text ? p->filter_text : "",
             p->follow ? "following (f freezes)" : "FROZEN (f follows)",
             console_dropped(c) ? " — oldest dropped" : "");
    ui_title(w, cols, "Console", info, focused);
    if (rows < 3)
        return;
    if (p->full) {
        draw_detail(p, w, 1, rows - 1, cols);
        return;
    }
    list_rows = (rows - 1) * 2 / 5;
    if (list_rows < 1)
        list_rows = 1;
    p->rows_shown = list_rows;
    ui_list_fit(&p->l, p->n, list_rows);
    for (y = 1, i = p->l.top; i < p->n && y <= list_rows; i++, y++) {
        const struct console_entry *e = console_find(c, p->seqs[i]);
        if (e)
            row(p, w, y, cols, e, i == p->l.sel);
    }
    wmove(w, list_rows + 1, 0);
    wattrset(w, ui_attr(THEME_BORDER));
    ui_hline(w, cols);
    wattrset(w, ui_attr(THEME_NORMAL));
    draw_detail(p, w, list_rows + 2, rows - list_rows - 2, cols);
}

static int entry_matches(struct console_pane *p, size_t i)
{
    const struct console_entry *e = console_find(ui->app->console, p->seqs[i]);
    return e && regexec(&p->search, e->text, 0, NULL, 0) == 0;
}

/* "Console: match 3 of 17" for the selected entry, and whether the step
 * there went round the end. */
static void say_match(struct console_pane *p, int wrapped)
{
    size_t i, n = 0, at = 0;

    for (i = 0; i < p->n; i++)
        if (entry_matches(p, i)) {
            n++;
            if (i <= p->l.sel)
                at = n;
        }
    ui_say(0, "Console: match %zu of %zu%s — n next, N previous", at, n,
           wrapped ? " (wrapped)" : "");
}

/* Moves to the next (dir 1) or previous (-1) entry the search matches,
 * scrolls it into view and says which match it is. */
static int search_step(struct console_pane *p, int dir, int first)
{
    size_t i, k;

    if (!p->has_search || p->n == 0)
        return 0;
    for (k = first ? 0 : 1; k <= p->n; k++) {
        i = (p->l.sel + p->n * 2 + (size_t)dir * k) % p->n;
        if (entry_matches(p, i)) {
            int wrapped = !first && (dir > 0 ? i <= p->l.sel : i >= p->l.sel);
            p->l.sel = i;
            p->follow = 0;
            p->detail_top = 0;
            ui_list_fit(&p->l, p->n, p->rows_shown);
            say_match(p, wrapped);
            return 1;
        }
    }
    ui_say(1, "Console: no stanza matches");
    return 0;
}

static int console_key(void *state, int key)
{
    struct console_pane *p = state;
    const struct console_entry *e;
    unsigned long other;
    size_t i;

    sync_entries(p);
    if (p->full && (key == K_UP || key == 'k' || key == K_DOWN || key == 'j' ||
                    key == K_PGUP || key == K_PGDN || key == K_HOME)) {
        size_t page = (size_t)p->rows_shown + 1;
        if (key == K_UP || key == 'k')
            p->detail_top -= p->detail_top > 0;
        else if (key == K_DOWN || key == 'j')
            p->detail_top++;
        else if (key == K_PGUP)
            p->detail_top = p->detail_top > page ? p->detail_top - page : 0;
        else if (key == K_PGDN)
            p->detail_top += page;
        else
            p->detail_top = 0;
        return 1;
    }
    if (ui_list_key(&p->l, key, p->n, p->rows_shown)) {
        p->follow = key == K_END || key == 'G';
        p->detail_top = 0;
        return 1;
    }
    switch (key) {
    case K_ESC:
        if (!p->full)
            return 0;
        p->full = 0;
        return 1;
    case K_ENTER:
        p->full = !p->full;
        p->detail_top = 0;
        return 1;
    case K_LEFT: /* sideways back; at the left edge, out of the whole pane */
        if (p->hscroll > 0)
            p->hscroll -= p->hscroll > HSCROLL_STEP ? HSCROLL_STEP : p->hscroll;
        else
            p->full = 0;
        return 1;
    case K_RIGHT:
        if (!p->raw)
            p->hscroll += HSCROLL_STEP;
        return 1;
    case 'r':
        p->raw = !p->raw;
        p->detail_top = 0;
        p->hscroll = 0;
        ui_say(0, "Console: %s",
               p->raw ? "raw: the text as on the wire (r: pretty)"
                      : "pretty printed (r: raw)");
        return 1;
    case 'f':
        p->follow = !p->follow;
        if (p->follow && p->n)
            p->l.sel = p->n - 1;
        return 1;
    case 'n':
        return search_step(p, 1, 0) || 1;
    case 'N':
        return search_step(p, -1, 0) || 1;
    case 'p': /* to the other half of the pair */
        e = selected(p);
        /* a REST request's Update first, then its answer */
        other = e == NULL                            ? 0
                : e->update && e->dir == CONSOLE_OUT ? e->update
                : e->pair                            ? e->pair
                                                     : e->update;
        if (other == 0)
            return 1;
        for (i = 0; i < p->n; i++)
            if (p->seqs[i] == other) {
                select_seq(p, other);
                return 1;
            }
        ui_say(1, "Console: the pair is filtered out or gone");
        return 1;
    }
    return 0;
}

static void console_find_text(void *state, const char *text)
{
    struct console_pane *p = state;
    char err[128];
    int rc;

    if (p->has_search)
        regfree(&p->search);
    p->has_search = 0;
    if (*text == '\0') {
        ui_say(0, "Console: search cleared");
        return;
    }
    rc = regcomp(&p->search, text, REG_EXTENDED | REG_ICASE);
    if (rc != 0) {
        regerror(rc, &p->search, err, sizeof err);
        ui_say(1, "/search: %s", err);
        return;
    }
    p->has_search = 1;
    search_step(p, -1, 1); /* the selection or the match before it */
}

void console_pane_await(unsigned long seq)
{
    if (the) {
        the->follow = 1;
        the->full = 0;
        the->await = seq;
    }
}

int console_pane_filter(const char *spec, char **cause)
{
    struct console_pane *p = the;
    char *copy = xstrdup(spec), *tok, *save = NULL;
    const char *rest = NULL;
    char err[128];
    int rc;

    clear_filter(p);
    for (tok = strtok_r(copy, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "off") == 0)
            continue;
        else if (strcmp(tok, "in") == 0)
            p->dir = CONSOLE_IN;
        else if (strcmp(tok, "out") == 0)
            p->dir = CONSOLE_OUT;
        else if (!strcmp(tok, "iq") || !strcmp(tok, "message") ||
                 !strcmp(tok, "presence") || !strcmp(tok, "rest"))
            snprintf(p->kind, sizeof p->kind, "%s", tok);
        else if (strncmp(tok, "node=", 5) == 0) {
            free(p->node);
            p->node = xstrdup(tok + 5);
        } else {
            rest = spec + (tok - copy);
            break;
        }
    }
    if (rest) {
        rc = regcomp(&p->re, rest, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc != 0) {
            regerror(rc, &p->re, err, sizeof err);
            *cause = xasprintf("%s: %s", rest, err);
            free(copy);
            clear_filter(p);
            rescan(p);
            return -1;
        }
        p->has_re = 1;
    }
    free(copy);
    while (*spec == ' ')
        spec++;
    if (*spec && strcmp(spec, "off") != 0)
        p->filter_text = xstrdup(spec);
    rescan(p);
    ui_say(0,
           p->filter_text ? "Console: %zu stanza%s match%s"
                          : "Console: filter off (%zu stanza%s)%s",
           p->n, p->n == 1 ? "" : "s", p->filter_text && p->n == 1 ? "es" : "");
    return 0;
}

int console_pane_save(const char *path, int pretty, size_t *n, char **cause)
{
    struct console_pane *p = the;
    FILE *f;
    size_t i;

    sync_entries(p);
    f = file_create_private(path, cause); /* 0600: it holds stanzas */
    if (f == NULL)
        return -1;
    *n = 0;
    for (i = 0; i < p->n; i++) {
        const struct console_entry *e =
            console_find(ui->app->console, p->seqs[i]);
        xmpp_stanza_t *st = NULL;
        char when[48], *why = NULL;
        if (e == NULL)
            continue;
        recorder_time(e->time, when, sizeof when);
        fprintf(f, "<!-- %s %s -->\n", when,
                e->dir == CONSOLE_IN ? "in" : "out");
        if (pretty)
            st = xmlstream_parse_document(ui->app->ctx, e->text, e->len, NULL,
                                          NULL, &why);
        free(why);
        if (st) {
            char *text = pretty_stanza(st, PRETTY_EMBEDDED);
            fputs(text, f);
            free(text);
            xmpp_stanza_release(st);
        } else if (e->raw) { /* the bytes as received */
            fwrite(e->raw, 1, e->raw_len, f);
            fputc('\n', f);
        } else { /* as sent (or held): escaped text left escaped */
            fwrite(e->text, 1, e->len, f);
            fputc('\n', f);
        }
        (*n)++;
    }
    if (fclose(f) != 0) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

const struct pane_ops pane_console = {
    .name = "Console",
    .keys = "Enter  the selected stanza on the whole pane (again: back)\n"
            "Left/Right  scroll rows and detail sideways (… marks more)\n"
            "r  raw: the stanza exactly as on the wire, wrapped (again: "
            "pretty)\n"
            "f  freeze / follow the newest    p  jump to the request/reply "
            "pair\n"
            "   (a /rest request: to its Update, then to its answer)\n"
            "/REGEX or /search REGEX  find;  n next, N previous\n"
            "/filter [in|out] [iq|message|presence|rest] [node=TEXT] [REGEX] | "
            "off\n"
            "/save [--pretty] FILE  the filtered stanzas as on the wire (or "
            "indented)\n"
            "j/k, arrows, PgUp/PgDn, Home/End (g/G)  move; End follows\n",
    .deps = APP_CHANGED_CONSOLE,
    .init = console_init,
    .done = console_done,
    .draw = console_draw,
    .key = console_key,
    .find = console_find_text,
};
