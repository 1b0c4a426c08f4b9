/* Printing decoded events. */
#include "event_out.h"
#include "base/buf.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define LINE_COLUMNS 80 /* the human line never gets wider */

json_t *event_stamp(json_t *ev, const char *service)
{
    json_t *out = json_object();
    struct timeval tv;
    struct tm tm;
    char when[64], day[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when, sizeof when, "%s.%03dZ", day, (int)(tv.tv_usec / 1000));
    json_object_set_new(out, "time", json_string(when));
    if (service)
        json_object_set_new(out, "service", json_string(service));
    json_object_update(out, ev);
    json_object_clear(ev);
    json_object_update(ev, out);
    json_decref(out);
    return ev;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Terminal columns of a code point: East Asian wide ones take two,
 * combining marks none. */
static int char_width(uint32_t c)
{
    if (c >= 0x300 && c <= 0x36f)
        return 0;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
        (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
        return 2;
    return 1;
}

/*
 * Appends s in at most width columns, padded with spaces to width when
 * pad. Controls (C0, DEL, C1) become '?': a payload must not drive the
 * terminal. Returns the columns used.
 */
static int put_col(struct buf *b, const char *s, int width, int pad)
{
    int used = 0, w;
    uint32_t c;
    size_t n;

    while (*s) {
        n = utf8_next(s, &c);
        if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            c = '?';
        w = char_width(c);
        if (used + w > width)
            break;
        if (c == '?' || c == 0xfffd)
            buf_append(b, c == '?' ? "?" : "\xef\xbf\xbd", c == '?' ? 1 : 3);
        else
            buf_append(b, s, n);
        used += w;
        s += n;
    }
    while (pad && used < width) {
        buf_append(b, " ", 1);
        used++;
    }
    return used;
}

static void user_line(struct buf *b, json_t *u)
{
    const char *label = str(json_object_get(u, "reasonCode"), "label");
    char *name = xasprintf("%s %s", str(u, "firstName"), str(u, "lastName"));

    put_col(b, str(u, "loginId"), 8, 1);
    buf_puts(b, " ");
    put_col(b, name, 18, 1);
    free(name);
    buf_puts(b, " ");
    buf_puts(b, str(u, "state"));
    if (*label)
        buf_printf(b, " (%s)", label);
    if (*str(u, "pendingState"))
        buf_printf(b, " -> %s", str(u, "pendingState"));
}

static void dialogs_line(struct buf *b, json_t *list)
{
    json_t *d = json_array_get(list, 0);

    if (d == NULL) {
        buf_puts(b, "(no dialog)");
        return;
    }
    put_col(b, str(d, "id"), 8, 1);
    buf_puts(b, " ");
    put_col(b, str(d, "state"), 9, 1);
    buf_printf(b, " %s -> %s", str(d, "fromAddress"), str(d, "toAddress"));
    if (*str(d, "callType"))
        buf_printf(b, "  %s", str(d, "callType"));
    if (json_array_size(list) > 1)
        buf_printf(b, "  (+%zu more)", json_array_size(list) - 1);
}

/* A statistic as text: the number, or "-" when it is absent. */
static void stat(struct buf *b, json_t *st, const char *label, const char *key)
{
    json_t *v = json_object_get(st, key);

    if (json_is_integer(v))
        buf_printf(b, "  %s %lld", label, (long long)json_integer_value(v));
    else if (json_is_string(v))
        buf_printf(b, "  %s %s", label, json_string_value(v));
}

static void queue_line(struct buf *b, json_t *q)
{
    json_t *st = json_object_get(q, "statistics");

    put_col(b, *str(q, "name") ? str(q, "name") : str(q, "uri"), 16, 1);
    stat(b, st, "calls", "callsInQueue");
    stat(b, st, "ready", "agentsReady");
    stat(b, st, "not ready", "agentsNotReady");
    stat(b, st, "inbound", "agentsTalkingInbound");
}

static void queues_line(struct buf *b, json_t *list)
{
    json_t *q;
    size_t i;

    buf_printf(b, "%zu queue%s", json_array_size(list),
               json_array_size(list) == 1 ? "" : "s");
    json_array_foreach(list, i, q)
    {
        buf_puts(b, i ? ", " : ": ");
        buf_puts(b, *str(q, "name") ? str(q, "name") : str(q, "uri"));
        if (b->len > 4 * LINE_COLUMNS)
            break;
    }
}

static void systeminfo_line(struct buf *b, json_t *si)
{
    buf_puts(b, str(si, "status"));
    if (*str(si, "statusReason"))
        buf_printf(b, " (%s)", str(si, "statusReason"));
    if (*str(si, "deploymentType"))
        buf_printf(b, "  %s", str(si, "deploymentType"));
    if (*str(si, "xmppDomain"))
        buf_printf(b, "  %s", str(si, "xmppDomain"));
}

static void error_line(struct buf *b, json_t *errors)
{
    json_t *e = json_array_get(errors, 0);

    buf_printf(b, "%s  %s", str(e, "errorMessage"), str(e, "errorType"));
    if (*str(e, "errorData"))
        buf_printf(b, " (%s)", str(e, "errorData"));
    if (json_array_size(errors) > 1)
        buf_printf(b, "  (+%zu more)", json_array_size(errors) - 1);
}

static void media_line(struct buf *b, json_t *m)
{
    const char *label = str(json_object_get(m, "reasonCode"), "label");

    put_col(b, *str(m, "name") ? str(m, "name") : str(m, "mediaId"), 12, 1);
    buf_printf(b, " %s", str(m, "state"));
    if (*label)
        buf_printf(b, " (%s)", label);
}

/* One line, at most LINE_COLUMNS wide (new string). */
char *event_line(json_t *ev)
{
    const char *kind = str(ev, "kind");
    const char *node = *str(ev, "node") ? str(ev, "node") : "-";
    struct buf b, line;

    buf_init(&b);
    if (strcmp(kind, "user") == 0)
        user_line(&b, json_object_get(ev, "user"));
    else if (strcmp(kind, "dialogs") == 0)
        dialogs_line(&b, json_object_get(ev, "dialogs"));
    else if (strcmp(kind, "team") == 0)
        buf_printf(&b, "%s %s  %zu users",
                   str(json_object_get(ev, "team"), "id"),
                   str(json_object_get(ev, "team"), "name"),
                   json_array_size(
                       json_object_get(json_object_get(ev, "team"), "users")));
    else if (strcmp(kind, "queue") == 0)
        queue_line(&b, json_object_get(ev, "queue"));
    else if (strcmp(kind, "queues") == 0)
        queues_line(&b, json_object_get(ev, "queues"));
    else if (strcmp(kind, "systeminfo") == 0)
        systeminfo_line(&b, json_object_get(ev, "systeminfo"));
    else if (strcmp(kind, "media") == 0)
        media_line(&b, json_object_get(ev, "media"));
    else if (strcmp(kind, "error") == 0)
        error_line(&b, json_object_get(ev, "errors"));
    else if (strcmp(kind, "xml") == 0)
        buf_printf(&b, "%s  %.*s", node, 4 * LINE_COLUMNS, str(ev, "xml"));
    else
        buf_printf(&b, "%s: %.*s", node, 4 * LINE_COLUMNS, str(ev, "error"));
    if (json_is_true(json_object_get(ev, "sanitized")))
        buf_puts(&b, " [sanitized]");

    buf_init(&line);
    put_col(&line, *str(ev, "event") ? str(ev, "event") : "-", 6, 1);
    buf_puts(&line, " ");
    put_col(&line, kind, 10, 1);
    buf_puts(&line, " ");
    put_col(&line, b.data ? b.data : "", LINE_COLUMNS - 18, 0);
    buf_done(&b);
    while (line.len > 0 && line.data[line.len - 1] == ' ')
        line.data[--line.len] = '\0';
    return buf_steal(&line);
}

void event_print(FILE *f, json_t *ev, int json)
{
    char *line = json ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER)
                      : event_line(ev);
    if (line) {
        fputs(line, f);
        fputc('\n', f);
    }
    free(line);
    fflush(f);
}
