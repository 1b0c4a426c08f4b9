/*
 * perch probe over WebSocket: the upgrade, one line per frame, each
 * WebSocket ping's round trip, and the summary with its verdict. Every
 * server string (headers, element names, close reasons, causes) goes
 * through the sanitiser.
 */
#include "probe.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "xmpp/wsframe.h"
#include "xmpp/wsproto.h"

#include <stdio.h>
#include <stdlib.h>

/* A JSON string of server text, "" for NULL. */
static json_t *text_json(const char *s)
{
    return sanitize_json_string(s ? s : "");
}

/* Prints a human line built in b, sanitised, and empties b. */
static void put_line(struct buf *b)
{
    sanitize_fprintf(stdout, SANITIZE_LINE, "%s", b->data ? b->data : "");
    putchar('\n');
    fflush(stdout);
    buf_done(b);
}

static void upgrade_json(struct probe *p, const struct transport_record *rec)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", json_integer(rec->status));
    json_object_set_new(o, "target", text_json(rec->what));
    json_object_set_new(o, "protocol", text_json(rec->protocol));
    json_object_set_new(o, "extensions", text_json(rec->extensions));
    json_object_set_new(o, "server", text_json(rec->via));
    json_object_set_new(o, "bytes_out",
                        json_integer((json_int_t)rec->bytes_out));
    json_object_set_new(o, "bytes_in", json_integer((json_int_t)rec->bytes_in));
    json_object_set_new(o, "connect_ms", json_real(rec->connect_ms));
    json_object_set_new(o, "duration_ms", json_real(rec->duration_ms));
    if (rec->error)
        json_object_set_new(o, "error", sanitize_json_string(rec->error));
    probe_emit_json(p, "upgrade", o);
}

static void upgrade(struct probe *p, const struct transport_record *rec)
{
    char when[20], out[24], in[24];
    struct buf b;

    p->ws.upgrade_status = (int)rec->status;
    snprintf(p->ws.protocol, sizeof p->ws.protocol, "%s",
             rec->protocol ? rec->protocol : "");
    snprintf(p->ws.extensions, sizeof p->ws.extensions, "%s",
             rec->extensions ? rec->extensions : "");
    p->ws.upgrade_ms = rec->duration_ms;
    p->ws.connect_ms = rec->connect_ms;
    probe_drift_from_date(p, rec);
    if (p->json) {
        upgrade_json(p, rec);
        return;
    }
    probe_clock_text(rec->start * 1000.0, when, sizeof when);
    probe_human_bytes(rec->bytes_out, out, sizeof out);
    probe_human_bytes(rec->bytes_in, in, sizeof in);
    buf_init(&b);
    buf_printf(&b,
               "%s  upgrade  GET %s  %3ld  protocol %s  extensions %s  out %s  "
               "in %s  connect %.0f ms  total %.0f ms",
               when, rec->what ? rec->what : "/", rec->status,
               rec->protocol ? rec->protocol : "none",
               rec->extensions ? rec->extensions : "none", out, in,
               rec->connect_ms, rec->duration_ms);
    if (rec->via)
        buf_printf(&b, "  (%s)", rec->via);
    if (rec->error)
        buf_printf(&b, "  ERROR: %s", rec->error);
    put_line(&b);
}

static void frame_json(struct probe *p, const struct transport_record *rec)
{
    json_t *o = json_object();

    json_object_set_new(o, "dir", json_string(rec->out ? "out" : "in"));
    json_object_set_new(o, "opcode",
                        json_string(wsframe_opcode_name(rec->opcode)));
    json_object_set_new(o, "fin", json_boolean(rec->fin));
    json_object_set_new(o, "size", json_integer((json_int_t)rec->size));
    json_object_set_new(o, "stanzas",
                        json_integer(rec->stanzas_in + rec->stanzas_out));
    if (rec->what)
        json_object_set_new(o, "what", sanitize_json_string(rec->what));
    if (rec->opcode == WSFRAME_CLOSE) {
        json_object_set_new(o, "close_code", json_integer(rec->close_code));
        json_object_set_new(
            o, "close_name",
            json_string(rec->close_code ? wsproto_close_name(rec->close_code)
                                        : "no status code"));
        if (rec->close_reason)
            json_object_set_new(o, "close_reason",
                                sanitize_json_string(rec->close_reason));
    }
    if (rec->error)
        json_object_set_new(o, "error", sanitize_json_string(rec->error));
    probe_emit_json(p, "frame", o);
}

static void count_frame(struct probe *p, const struct transport_record *rec)
{
    if (rec->out) {
        p->ws.frames_out++;
        p->ws.bytes_out += rec->size;
    } else {
        p->ws.frames_in++;
        p->ws.bytes_in += rec->size;
    }
    p->ws.refused += rec->error != NULL;
    if (rec->opcode == WSFRAME_CLOSE && !(rec->out && p->ws.close_in)) {
        /* the server's, or one perch began (not its echo of the
         * server's) */
        p->ws.close_in |= !rec->out;
        p->ws.last_close = rec->close_code ? rec->close_code : 1005;
        p->ws.closes_bad += p->ws.last_close != 1000;
    }
}

static void frame(struct probe *p, const struct transport_record *rec)
{
    char when[20], size[24];
    unsigned code = rec->close_code ? rec->close_code : 1005;
    struct buf b;

    count_frame(p, rec);
    if (p->json) {
        frame_json(p, rec);
        return;
    }
    probe_clock_text(rec->start * 1000.0, when, sizeof when);
    probe_human_bytes((size_t)rec->size, size, sizeof size);
    buf_init(&b);
    buf_printf(&b, "%s  frame    %-3s  %-6s%s %8s", when,
               rec->out ? "out" : "in", wsframe_opcode_name(rec->opcode),
               rec->fin ? "    " : "more", size);
    if (rec->what)
        buf_printf(&b, "  <%s>", rec->what);
    if (rec->opcode == WSFRAME_CLOSE)
        buf_printf(&b, "  %u %s%s%s%s", code, wsproto_close_name(code),
                   rec->close_reason ? " \"" : "",
                   rec->close_reason ? rec->close_reason : "",
                   rec->close_reason ? "\"" : "");
    if (rec->error)
        buf_printf(&b, "  REFUSED: %s", rec->error);
    put_line(&b);
}

static void ping(struct probe *p, const struct transport_record *rec)
{
    p->ws.pings++;
    if (rec->error) {
        p->ws.pings_lost++;
    } else {
        if (p->ws.nrtt == p->ws.caprtt) {
            p->ws.caprtt = p->ws.caprtt ? p->ws.caprtt * 2 : 16;
            p->ws.rtt = xrealloc(p->ws.rtt, p->ws.caprtt * sizeof *p->ws.rtt);
        }
        p->ws.rtt[p->ws.nrtt++] = rec->duration_ms;
    }
    if (p->json) {
        json_t *o = json_object();
        json_object_set_new(o, "rtt_ms",
                            rec->error ? json_null()
                                       : json_real(rec->duration_ms));
        if (rec->error)
            json_object_set_new(o, "error", sanitize_json_string(rec->error));
        probe_emit_json(p, "wsping", o);
    } else if (rec->error) {
        probe_say(p, "wsping   LOST: %s", rec->error);
    } else {
        probe_say(p, "wsping   %.1f ms", rec->duration_ms);
    }
}

void probe_ws_record(struct probe *p, const struct transport_record *rec)
{
    p->ws.seen = 1;
    if (rec->kind == TRANSPORT_WS_UPGRADE)
        upgrade(p, rec);
    else if (rec->kind == TRANSPORT_WS_FRAME)
        frame(p, rec);
    else if (rec->kind == TRANSPORT_WS_PING)
        ping(p, rec);
}

int probe_ws_healthy(const struct probe *p)
{
    return p->ws.closes_bad == 0 && p->ws.refused == 0 && p->ws.pings_lost == 0;
}

/* The verdict's reasons: "close 1011 internal server error, 1 refused,
 * 1 WebSocket ping lost" (new string, "" when there are none). */
static char *problems(const struct probe *p)
{
    struct buf b;

    buf_init(&b);
    if (p->ws.closes_bad)
        buf_printf(&b, ", close %u %s", p->ws.last_close,
                   wsproto_close_name(p->ws.last_close));
    if (p->ws.refused)
        buf_printf(&b, ", %u refused", p->ws.refused);
    if (p->ws.pings_lost)
        buf_printf(&b, ", %u WebSocket ping%s lost", p->ws.pings_lost,
                   p->ws.pings_lost == 1 ? "" : "s");
    if (p->pings_lost)
        buf_printf(&b, ", %u XMPP ping%s lost", p->pings_lost,
                   p->pings_lost == 1 ? "" : "s");
    return buf_steal(&b);
}

static void summary_json(struct probe *p, double rtt, int healthy)
{
    json_t *o = json_object();

    json_object_set_new(o, "transport", json_string("websocket"));
    json_object_set_new(o, "upgrade_status",
                        json_integer(p->ws.upgrade_status));
    json_object_set_new(o, "frames_in", json_integer(p->ws.frames_in));
    json_object_set_new(o, "frames_out", json_integer(p->ws.frames_out));
    json_object_set_new(o, "bytes_in",
                        json_integer((json_int_t)p->ws.bytes_in));
    json_object_set_new(o, "bytes_out",
                        json_integer((json_int_t)p->ws.bytes_out));
    json_object_set_new(o, "refused", json_integer(p->ws.refused));
    json_object_set_new(o, "closes_not_normal", json_integer(p->ws.closes_bad));
    json_object_set_new(o, "ws_pings", json_integer(p->ws.pings));
    json_object_set_new(o, "ws_pings_lost", json_integer(p->ws.pings_lost));
    json_object_set_new(o, "ws_rtt_median_ms", json_real(rtt));
    json_object_set_new(o, "pings", json_integer(p->pings));
    json_object_set_new(o, "pings_lost", json_integer(p->pings_lost));
    if (p->drift.known) {
        json_object_set_new(o, "drift_ms",
                            json_real(clock_drift_ms(&p->drift)));
        json_object_set_new(o, "drift_error_ms",
                            json_real(clock_drift_error_ms(&p->drift)));
    }
    json_object_set_new(o, "verdict",
                        json_string(p->lost   ? "lost"
                                    : healthy ? "healthy"
                                              : "unhealthy"));
    json_object_set_new(o, "healthy", json_boolean(healthy));
    probe_emit_json(p, "summary", o);
}

void probe_ws_summary(struct probe *p)
{
    char *why = problems(p);
    double rtt = probe_median(p->ws.rtt, p->ws.nrtt);
    int healthy = !p->lost && !why[0];

    p->finished = 1;
    if (p->json) {
        summary_json(p, rtt, healthy);
        free(why);
        return;
    }
    probe_say(p, "summary  %s%s%s",
              p->lost   ? "connection LOST"
              : healthy ? "healthy"
                        : "UNHEALTHY",
              why[0] ? ": " : "", why[0] ? why + 2 : "");
    sanitize_fprintf(stdout, SANITIZE_LINE,
                     "  upgrade %d (protocol %s, extensions %s) in %.0f ms, "
                     "connect %.0f ms",
                     p->ws.upgrade_status,
                     p->ws.protocol[0] ? p->ws.protocol : "none",
                     p->ws.extensions[0] ? p->ws.extensions : "none",
                     p->ws.upgrade_ms, p->ws.connect_ms);
    printf("\n  frames %u in (%llu B), %u out (%llu B); refused %u; closes "
           "other than 1000: %u\n",
           p->ws.frames_in, p->ws.bytes_in, p->ws.frames_out, p->ws.bytes_out,
           p->ws.refused, p->ws.closes_bad);
    printf("  WebSocket pings %u answered (median %.1f ms), %u lost; XMPP "
           "pings %u answered, %u lost",
           p->ws.pings - p->ws.pings_lost, rtt, p->ws.pings_lost,
           p->pings - p->pings_lost, p->pings_lost);
    if (p->drift.known)
        printf("; clock drift %+.0f ms ±%.0f ms (%s)",
               clock_drift_ms(&p->drift), clock_drift_error_ms(&p->drift),
               p->drift.source);
    putchar('\n');
    fflush(stdout);
    free(why);
}
