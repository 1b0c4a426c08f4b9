/*
 * Network: the transport as the browser's Network tab shows HTTP — for
 * BOSH one row per request (rid, status, bytes, duration, stanzas,
 * retries, error) — with the negotiated parameters, ping RTT and clock
 * drift above. Over TCP there are no requests: the header says so.
 */
#include "ui.h"
#include "base/buf.h"

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
    if (a->have_params) /* as the server sent them: nothing assumed */
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

static void network_draw(void *state, WINDOW *w, int rows, int cols,
                         int focused)
{
    struct network_pane *p = state;
    struct app *a = ui->app;
    size_t n = a->nrecords, i;
    char info[64], line[256], when[16];
    int y;

    snprintf(info, sizeof info, "%zu requests kept%s", n,
             p->follow ? "" : " — End follows");
    ui_title(w, cols, "Network", info, focused);
    if (rows < 4)
        return;
    header(w, 1, cols);
    wmove(w, 3, 0);
    wattrset(w, ui_attr(THEME_TITLE) | A_BOLD);
    ui_put_pad(w,
               "TIME      RID              STATUS    OUT     IN    MS  "
               "ST>  ST<  RETRY  NOTE",
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
        int bad = r->r.error || r->r.status >= 400 || r->r.status == 0;

        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        snprintf(line, sizeof line,
                 "%s  %-15llu  %6ld %6zu %6zu %5.0f %4u %4u %6u  %s%s", when,
                 r->r.rid, r->r.status, r->r.bytes_out, r->r.bytes_in,
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
    .keys = "One row per BOSH request: rid, HTTP status, bytes out/in,\n"
            "duration, stanzas out/in, resends, what went wrong.\n"
            "f  freeze / follow    j/k, PgUp/PgDn, Home/End  move\n"
            "See docs/bosh.md for what the usual failures mean.\n",
    .deps = APP_CHANGED_NETWORK | APP_CHANGED_STATUS,
    .init = network_init,
    .done = network_done,
    .draw = network_draw,
    .key = network_key,
};
