/*
 * Network: the transport as the browser's Network tab shows it — for
 * BOSH one row per request (time with milliseconds, rid, status, bytes,
 * duration, stanzas, retries, what went wrong) and the request the server
 * holds now with its age; for WebSocket the upgrade, one row per frame
 * (direction, opcode, size, the element or close code, refusals) and the
 * WebSocket pings — with the negotiated parameters, ping RTT and
 * clock drift above. Enter opens a record: its timings, Date header and
 * both bodies pretty-printed (a WebSocket text frame: its message).
 * /TEXT filters the rows. Over TCP there are
 * no requests: the header says so.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "xmpp/pretty.h"
#include "xmpp/wsframe.h"
#include "xmpp/wsproto.h"
#include "xmpp/xmlstream.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#define HELD_MAX 4

struct network_pane {
    struct ui_list l;
    int follow;
    int rows_shown;
    char *filter; /* /TEXT: rows whose line holds it (any case); NULL */
    size_t *rows; /* the records shown: indexes for app_record_get */
    size_t n, cap;
    int detail; /* Enter: the selected record on the whole pane */
    size_t detail_top;
};

static void *network_init(void)
{
    struct network_pane *p = xcalloc(1, sizeof *p);
    p->follow = 1;
    return p;
}

static void network_done(void *state)
{
    struct network_pane *p = state;
    free(p->filter);
    free(p->rows);
    free(p);
}

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* "09:00:02.200" (local time). */
static void clock_ms(double t, char *out, size_t size)
{
    time_t s = (time_t)t;
    struct tm tm;
    char hms[16];
    int ms = (int)((t - (double)s) * 1000.0);

    localtime_r(&s, &tm);
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03d", hms, ms < 0 || ms > 999 ? 0 : ms);
}

/* What went wrong with r, or what it was: "FAILED: why", "empty", "". */
static void note(const struct app_record *r, char *out, size_t size)
{
    if (r->r.error)
        snprintf(out, size, "FAILED: %s", r->r.error);
    else if (r->r.status == 0)
        snprintf(out, size, "FAILED: no response");
    else if (r->r.status >= 400)
        snprintf(out, size, "FAILED: HTTP %ld", r->r.status);
    else
        snprintf(out, size, "%s", r->r.empty ? "empty" : "");
}

/* One row's text (sanitised: an error may hold the server's words). */
static void ws_row(const struct transport_record *r, char *line, size_t size);

static char *row_text(const struct app_record *r)
{
    char when[24], why[160], line[400];

    if (r->r.kind != TRANSPORT_HTTP) {
        ws_row(&r->r, line, sizeof line);
        return sanitize_str(line, SANITIZE_LINE);
    }
    clock_ms(r->r.start, when, sizeof when);
    note(r, why, sizeof why);
    snprintf(
        line, sizeof line, "%s  %-15llu  %6ld %6zu %6zu %6.0f %4u %4u %5u  %s",
        when, r->r.rid, r->r.status, r->r.bytes_out, r->r.bytes_in,
        r->r.duration_ms, r->r.stanzas_out, r->r.stanzas_in, r->r.retries, why);
    return sanitize_str(line, SANITIZE_LINE);
}

/* The rows the filter lets through, oldest first. */
static void sync_rows(struct network_pane *p)
{
    struct app *a = ui->app;
    size_t i;

    p->n = 0;
    if (p->cap < a->nrecords + 1) {
        p->cap = a->nrecords + 1;
        p->rows = xrealloc(p->rows, p->cap * sizeof *p->rows);
    }
    for (i = 0; i < a->nrecords; i++) {
        char *line;
        int keep = 1;
        if (p->filter) {
            line = row_text(app_record_get(a, i));
            keep = strcasestr(line, p->filter) != NULL;
            free(line);
        }
        if (keep)
            p->rows[p->n++] = i;
    }
}

/* The WebSocket's second header line: the upgrade, frames, pings. */
static void ws_header(char *line, size_t size)
{
    const struct app_ws *ws = &ui->app->ws;
    char rtt[32], close[64];

    if (!ws->upgraded) {
        snprintf(line, size, "no WebSocket upgrade yet");
        return;
    }
    snprintf(rtt, sizeof rtt, ws->rtt_ms >= 0 ? "%.1f ms" : "-", ws->rtt_ms);
    if (ws->last_close)
        snprintf(close, sizeof close, " — last close %u %s", ws->last_close,
                 wsproto_close_name(ws->last_close));
    else
        close[0] = '\0';
    snprintf(line, size,
             "upgrade %ld  protocol %s  extensions %s — WebSocket ping %s, "
             "%lu lost — %lu frames, %lu refused%s",
             ws->status, ws->protocol[0] ? ws->protocol : "none",
             ws->extensions[0] ? ws->extensions : "none", rtt, ws->pings_lost,
             ws->frames, ws->refused, close);
}

static void header(WINDOW *w, int y, int cols)
{
    struct app *a = ui->app;
    char line[512], rtt[32], drift[32];

    snprintf(rtt, sizeof rtt, a->rtt_ms >= 0 ? "%.0f ms" : "-", a->rtt_ms);
    if (a->have_drift)
        snprintf(drift, sizeof drift, "%+.0f ms", a->drift_ms);
    else
        snprintf(drift, sizeof drift, "-");
    wmove(w, y, 0);
    snprintf(line, sizeof line, "%s — ping RTT %s — clock drift %s",
             app_transport_text(a)[0] ? app_transport_text(a) : "not connected",
             rtt, drift);
    ui_put_pad(w, line, cols);
    wmove(w, y + 1, 0);
    if (a->cli->conn.ws)
        ws_header(line, sizeof line);
    else if (a->have_params) /* as the server sent them: nothing assumed */
        snprintf(line, sizeof line,
                 "profile %s · server: wait %u s  hold %u  requests %u  "
                 "polling %u s  inactivity %u s  maxpause %u s  ver %s — "
                 "%lu requests, %lu failed",
                 a->cli->conn.bosh_profile ? a->cli->conn.bosh_profile
                                           : "perch",
                 a->params.wait, a->params.hold, a->params.requests,
                 a->params.polling, a->params.inactivity, a->params.maxpause,
                 a->params.ver[0] ? a->params.ver : "-", a->records_total,
                 a->records_failed);
    else if (a->cli->conn.bosh)
        snprintf(line, sizeof line, "no session parameters yet");
    else
        snprintf(line, sizeof line,
                 "one TCP stream: no HTTP requests to show (see Console)");
    ui_put_pad(w, line, cols);
}

/* One WebSocket row: the time to the millisecond, then by kind. */
static void ws_row(const struct transport_record *r, char *line, size_t size)
{
    char when[16], hms[12], what[112];
    time_t t = (time_t)r->start;
    struct tm tm;
    unsigned code = r->close_code ? r->close_code : 1005;

    localtime_r(&t, &tm);
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    snprintf(when, sizeof when, "%s.%03d", hms,
             (int)((r->start - (double)t) * 1000.0));
    if (r->kind == TRANSPORT_WS_UPGRADE) {
        snprintf(line, size,
                 "%s  upgrade  %3ld  %6zu  protocol %s  connect %.0f ms  "
                 "total %.0f ms%s%s",
                 when, r->status, r->bytes_in,
                 r->protocol ? r->protocol : "none", r->connect_ms,
                 r->duration_ms, r->error ? "  " : "",
                 r->error ? r->error : "");
        return;
    }
    if (r->kind == TRANSPORT_WS_PING) {
        if (r->error)
            snprintf(line, size, "%s  ws ping  LOST: %s", when, r->error);
        else
            snprintf(line, size, "%s  ws ping  RTT %.1f ms", when,
                     r->duration_ms);
        return;
    }
    if (r->opcode == WSFRAME_CLOSE)
        snprintf(what, sizeof what, "%u %s%s%s%s", code,
                 wsproto_close_name(code), r->close_reason ? " \"" : "",
                 r->close_reason ? r->close_reason : "",
                 r->close_reason ? "\"" : "");
    else
        snprintf(what, sizeof what, "%s%s%s", r->what ? "<" : "",
                 r->what ? r->what : "", r->what ? ">" : "");
    snprintf(line, size, "%s  %-3s  %-6s%s %7llu %3u  %s%s%s", when,
             r->out ? "out" : "in", wsframe_opcode_name(r->opcode),
             r->fin ? "    " : "more", r->size, r->stanzas_in + r->stanzas_out,
             what, r->error ? "  REFUSED: " : "", r->error ? r->error : "");
}

/* The requests the server holds now, each with its age (drawn again each
 * second of the age while shown). */
static void held(WINDOW *w, int y, int cols)
{
    struct transport_pending v[HELD_MAX];
    int n = app_pending(ui->app, v, HELD_MAX), i;
    struct buf b;
    char when[24];
    /* a replay's requests age on its recorded clock */
    double now =
        ui->app->replay ? model_now_ms(&ui->app->model) / 1000 : now_s();

    buf_init(&b);
    buf_puts(&b, n ? "held:" : (ui->app->cli->conn.bosh ? "held: none" : ""));
    for (i = 0; i < n; i++) {
        clock_ms(v[i].start, when, sizeof when);
        buf_printf(&b, "%s rid %llu%s since %s, %.1f s", i ? ";" : "", v[i].rid,
                   v[i].poll ? " (long poll)" : "", when, now - v[i].start);
        ui_wake_after(1000 - fmod((now - v[i].start) * 1000, 1000));
    }
    wmove(w, y, 0);
    wattrset(w, ui_attr(THEME_NETWORK_OK));
    ui_put_pad(w, b.data ? b.data : "", cols);
    wattrset(w, ui_attr(THEME_NORMAL));
    buf_done(&b);
}

/* A body pretty-printed through the bounded parser, else as it came. */
static void body_text(struct buf *b, const char *what, const char *body,
                      size_t len, int cut)
{
    xmpp_stanza_t *st = NULL;
    char *cause = NULL, *pretty;

    buf_printf(b, "\n%s (%zu bytes%s):\n", what, len,
               cut ? ", the first shown" : "");
    if (body == NULL || len == 0) {
        buf_puts(b, "  (none kept)\n");
        return;
    }
    st = xmlstream_parse_document(ui->app->ctx, body, len, NULL, NULL, &cause);
    if (st) {
        pretty = pretty_stanza(st, PRETTY_EMBEDDED);
        buf_puts(b, pretty);
        free(pretty);
        xmpp_stanza_release(st);
    } else {
        buf_printf(b, "  (not XML perch reads: %s)\n", cause);
        buf_append(b, body, len);
        buf_puts(b, "\n");
    }
    free(cause);
}

/* The whole record as lines (new string, sanitised). */
static char *detail_text(const struct app_record *r)
{
    struct buf b;
    char when[24], why[160], *clean;

    buf_init(&b);
    if (r->r.kind != TRANSPORT_HTTP) { /* a WebSocket record: its row */
        char line[400];
        ws_row(&r->r, line, sizeof line);
        buf_printf(&b, "%s\n", line);
        if (r->r.body_out || r->r.body_in) /* a text message: its XML */
            body_text(&b, "Message",
                      r->r.body_out ? r->r.body_out : r->r.body_in,
                      r->r.body_out ? r->r.body_out_len : r->r.body_in_len,
                      r->body_cut);
        clean = sanitize_str(b.data, SANITIZE_LINES);
        buf_done(&b);
        return clean;
    }
    clock_ms(r->r.start, when, sizeof when);
    note(r, why, sizeof why);
    buf_printf(&b, "rid %llu — HTTP %ld — started %s — %.0f ms — resends %u\n",
               r->r.rid, r->r.status, when, r->r.duration_ms, r->r.retries);
    buf_printf(&b, "out %zu bytes, %u stanzas — in %zu bytes, %u stanzas%s\n",
               r->r.bytes_out, r->r.stanzas_out, r->r.bytes_in, r->r.stanzas_in,
               r->r.capped ? " (over the 16 MiB cap)" : "");
    buf_printf(&b, "Date: %s\n", r->r.date ? r->r.date : "-");
    if (*why)
        buf_printf(&b, "%s\n", why);
    body_text(&b, "Request", r->r.body_out, r->r.body_out_len, r->body_cut);
    body_text(&b, "Response", r->r.body_in, r->r.body_in_len, r->body_cut);
    clean = sanitize_str(b.data ? b.data : "", SANITIZE_LINES);
    buf_done(&b);
    return clean;
}

static void draw_detail(struct network_pane *p, WINDOW *w, int rows, int cols)
{
    const struct app_record *r =
        p->n ? app_record_get(ui->app, p->rows[p->l.sel]) : NULL;
    char *text, *line;
    size_t skip;
    int y = 1;

    if (r == NULL) {
        p->detail = 0;
        return;
    }
    text = detail_text(r);
    for (line = text, skip = p->detail_top; *line && skip > 0; skip--) {
        char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    while (*line && y < rows) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        wmove(w, y++, 0);
        ui_put_pad(w, line, cols);
        line = nl ? nl + 1 : line + strlen(line);
    }
    free(text);
}

static void network_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct network_pane *p = state;
    struct app *a = ui->app;
    size_t i;
    char info[160];
    int y;

    sync_rows(p);
    snprintf(info, sizeof info, "%zu of %zu %s%s%s%s%s", p->n, a->nrecords,
             a->cli->conn.ws ? "records" : "requests",
             p->filter ? " — filter: " : "", p->filter ? p->filter : "",
             p->follow ? "" : " — End follows",
             p->detail ? " — Enter: back" : " — Enter: open");
    ui_title(w, cols, "Network", info, focused);
    if (p->detail) {
        draw_detail(p, w, rows, cols);
        if (p->detail)
            return;
    }
    if (rows < 5)
        return;
    header(w, 1, cols);
    held(w, 3, cols);
    wmove(w, 4, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               a->cli->conn.ws ? "TIME          DIR  OPCODE      SIZE  ST  "
                                 "WHAT / CLOSE / RTT"
                               : "TIME          RID              STATUS    OUT "
                                 "    IN     MS  ST>  ST<  RETRY NOTE",
               cols);
    wattrset(w, ui_attr(THEME_NORMAL));
    p->rows_shown = rows - 5;
    if (p->follow && p->n)
        p->l.sel = p->n - 1;
    ui_list_fit(&p->l, p->n, rows - 5);
    for (y = 5, i = p->l.top; i < p->n && y < rows; i++, y++) {
        const struct app_record *r = app_record_get(a, p->rows[i]);
        int bad = r->r.error || r->r.status >= 400 ||
                  (r->r.status == 0 && r->r.kind == TRANSPORT_HTTP);
        char *line = row_text(r);

        wmove(w, y, 0);
        wattrset(w, ui_attr(i == p->l.sel && focused ? THEME_SELECTION
                            : bad                    ? THEME_NETWORK_ERROR
                                                     : THEME_NETWORK_OK));
        ui_put_pad(w, line, cols);
        free(line);
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int network_key(void *state, int key)
{
    struct network_pane *p = state;

    sync_rows(p);
    if (p->detail &&
        (key == K_UP || key == 'k' || key == K_DOWN || key == 'j' ||
         key == K_PGUP || key == K_PGDN || key == K_HOME)) {
        size_t page = (size_t)(p->rows_shown > 1 ? p->rows_shown : 1);
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
    if (key == K_ENTER) {
        p->detail = p->n ? !p->detail : 0;
        p->detail_top = 0;
        if (p->detail)
            p->follow = 0; /* the record opened stays the one shown */
        return 1;
    }
    if (key == K_LEFT && p->detail) {
        p->detail = 0;
        return 1;
    }
    if (ui_list_key(&p->l, key, p->n, p->rows_shown)) {
        p->follow = key == K_END || key == 'G';
        return 1;
    }
    if (key == 'f') {
        p->follow = !p->follow;
        return 1;
    }
    return 0;
}

/* /TEXT: only the rows holding TEXT (any case: "failed", a rid, "404");
 * "/" alone or "/off" shows all again. */
static void network_find(void *state, const char *text)
{
    struct network_pane *p = state;

    free(p->filter);
    p->filter = NULL;
    if (*text && strcmp(text, "off") != 0)
        p->filter = xstrdup(text);
    p->follow = 1;
    p->detail = 0;
    sync_rows(p);
    ui_say(0, "Network: %zu request%s%s%s", p->n, p->n == 1 ? "" : "s",
           p->filter ? " holding " : "", p->filter ? p->filter : "");
}

const struct pane_ops pane_network = {
    .name = "Network",
    .keys = "BOSH: one row per request: time (ms), rid, HTTP status, bytes\n"
            "out/in, duration, stanzas out/in, resends, FAILED and why;\n"
            "above them the request the server holds now and its age.\n"
            "WebSocket: the upgrade, one row per frame (direction, opcode,\n"
            "size, stanzas, the element or close code), ping round trips.\n"
            "Enter  the selected record: timings, Date, both bodies (a\n"
            "       text frame: its message)\n"
            "/TEXT  only the rows holding TEXT (/off: all)\n"
            "f  freeze / follow    j/k, PgUp/PgDn, Home/End  move\n"
            "See docs/bosh.md and docs/websocket.md for the usual failures.\n",
    .deps = APP_CHANGED_NETWORK | APP_CHANGED_STATUS,
    .init = network_init,
    .done = network_done,
    .draw = network_draw,
    .key = network_key,
    .find = network_find,
};
