/*
 * Network: the transport as the browser's Network tab shows it — for
 * BOSH one row per request (rid, status, bytes, duration, stanzas,
 * retries, error), for WebSocket the upgrade, one row per frame
 * (direction, opcode, size, the element or close code, refusals) and the
 * WebSocket pings — with the negotiated parameters, ping RTT and clock
 * drift above. Over TCP there are no requests: the header says so.
 */
#include "ui.h"
#include "base/buf.h"
#include "xmpp/wsframe.h"
#include "xmpp/wsproto.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct network_pane {
    struct ui_list l;
    int follow;
    int rows_shown;
};

static void *network_init(void)
{
    struct network_pane *p = xcalloc(1, sizeof *p);
    p->follow = 1;
    return p;
}

static void network_done(void *state)
{
    free(state);
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

static void network_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct network_pane *p = state;
    struct app *a = ui->app;
    size_t n = a->nrecords, i;
    char info[64], line[256], when[16];
    int y;

    snprintf(info, sizeof info, "%zu %s kept%s", n,
             a->cli->conn.ws ? "records" : "requests",
             p->follow ? "" : " — End follows");
    ui_title(w, cols, "Network", info, focused);
    if (rows < 4)
        return;
    header(w, 1, cols);
    wmove(w, 3, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               a->cli->conn.ws ? "TIME          DIR  OPCODE      SIZE  ST  "
                                 "WHAT / CLOSE / RTT"
                               : "TIME      RID              STATUS    OUT  "
                                 "   IN    MS  ST>  ST<  RETRY  NOTE",
               cols);
    wattrset(w, ui_attr(THEME_NORMAL));
    p->rows_shown = rows - 4;
    if (p->follow && n)
        p->l.sel = n - 1;
    ui_list_fit(&p->l, n, rows - 4);
    for (y = 4, i = p->l.top; i < n && y < rows; i++, y++) {
        const struct app_record *r = app_record_get(a, i);
        time_t t = (time_t)r->r.start;
        struct tm tm;
        int bad = r->r.error || r->r.status >= 400 ||
                  (r->r.status == 0 && r->r.kind == TRANSPORT_HTTP);

        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        if (r->r.kind != TRANSPORT_HTTP)
            ws_row(&r->r, line, sizeof line);
        else
            snprintf(line, sizeof line,
                     "%s  %-15llu  %6ld %6zu %6zu %5.0f %4u %4u %6u  %s%s",
                     when, r->r.rid, r->r.status, r->r.bytes_out, r->r.bytes_in,
                     r->r.duration_ms, r->r.stanzas_out, r->r.stanzas_in,
                     r->r.retries, r->r.empty ? "empty " : "",
                     r->r.error ? r->r.error : "");
        wmove(w, y, 0);
        wattrset(w, ui_attr(i == p->l.sel && focused ? THEME_SELECTION
                            : bad                    ? THEME_NETWORK_ERROR
                                                     : THEME_NETWORK_OK));
        ui_put_pad(w, line, cols);
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

static int network_key(void *state, int key)
{
    struct network_pane *p = state;

    if (ui_list_key(&p->l, key, ui->app->nrecords, p->rows_shown)) {
        p->follow = key == K_END || key == 'G';
        return 1;
    }
    if (key == 'f') {
        p->follow = !p->follow;
        return 1;
    }
    return 0;
}

const struct pane_ops pane_network = {
    .name = "Network",
    .keys = "BOSH: one row per request: rid, HTTP status, bytes out/in,\n"
            "duration, stanzas out/in, resends, what went wrong.\n"
            "WebSocket: the upgrade, one row per frame (direction, opcode,\n"
            "size, stanzas, the element or close code), ping round trips.\n"
            "f  freeze / follow    j/k, PgUp/PgDn, Home/End  move\n"
            "See docs/bosh.md and docs/websocket.md for the usual failures.\n",
    .deps = APP_CHANGED_NETWORK | APP_CHANGED_STATUS,
    .init = network_init,
    .done = network_done,
    .draw = network_draw,
    .key = network_key,
};
