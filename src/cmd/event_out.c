/* Printing decoded events. */
#include "event_out.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "decode/keys.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define LINE_COLUMNS 80 /* the human line never gets wider */
#define NODE_COLUMNS 22 /* watch's node column */

void event_now(char *out, size_t size)
{
    /* the date and time of the last second asked for: a burst of events
     * formats them once */
    static time_t sec = -1;
    static char day[32];
    struct timeval tv;
    struct tm tm;

    gettimeofday(&tv, NULL);
    if (tv.tv_sec != sec) {
        gmtime_r(&tv.tv_sec, &tm);
        strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
        sec = tv.tv_sec;
    }
    snprintf(out, size, "%s.%03dZ", day, (int)(tv.tv_usec / 1000));
}

static json_t *now_text(void)
{
    char when[64];

    event_now(when, sizeof when);
    return json_string(when);
}

json_t *event_stamp(json_t *ev, const char *service)
{
    return event_stamp_resync(ev, service, 0);
}

json_t *event_stamp_resync(json_t *ev, const char *service, int resync)
{
    json_t *out = json_object();

    json_object_set_new(out, EVK_TIME, now_text());
    if (service)
        json_object_set_new(out, EVK_SERVICE, json_string(service));
    if (resync)
        json_object_set_new(out, EVK_RESYNC, json_true());
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
 * pad. s is sanitised first (base/sanitize.h): a payload must not drive
 * the terminal nor reorder the line. Returns the columns used.
 */
static int put_col(struct buf *b, const char *s, int width, int pad)
{
    char *clean = sanitize_str(s, SANITIZE_LINE);
    const char *p = clean;
    int used = 0, w;
    uint32_t c;
    size_t n;

    while (*p) {
        n = utf8_next(p, &c);
        w = char_width(c);
        if (used + w > width)
            break;
        buf_append(b, p, n);
        used += w;
        p += n;
    }
    free(clean);
    while (pad && used < width) {
        buf_append(b, " ", 1);
        used++;
    }
    return used;
}

static void user_line(struct buf *b, json_t *u)
{
    const char *label = str(json_object_get(u, EVK_REASON_CODE), EVK_LABEL);
    char *name =
        xasprintf("%s %s", str(u, EVK_FIRST_NAME), str(u, EVK_LAST_NAME));

    put_col(b, str(u, EVK_LOGIN_ID), 8, 1);
    buf_puts(b, " ");
    put_col(b, name, 18, 1);
    free(name);
    buf_puts(b, " ");
    buf_puts(b, str(u, EVK_STATE));
    if (*label)
        buf_printf(b, " (%s)", label);
    if (*str(u, EVK_PENDING_STATE))
        buf_printf(b, " -> %s", str(u, EVK_PENDING_STATE));
}

static void dialogs_line(struct buf *b, json_t *list)
{
    json_t *d = json_array_get(list, 0);

    if (d == NULL) {
        buf_puts(b, "(no dialog)");
        return;
    }
    put_col(b, str(d, EVK_ID), 8, 1);
    buf_puts(b, " ");
    put_col(b, str(d, EVK_STATE), 9, 1);
    buf_printf(b, " %s -> %s", str(d, EVK_FROM_ADDRESS),
               str(d, EVK_TO_ADDRESS));
    if (*str(d, EVK_CALL_TYPE))
        buf_printf(b, "  %s", str(d, EVK_CALL_TYPE));
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
    json_t *st = json_object_get(q, EVK_STATISTICS);

    put_col(b, *str(q, EVK_NAME) ? str(q, EVK_NAME) : str(q, EVK_URI), 16, 1);
    stat(b, st, "calls", EVK_CALLS_IN_QUEUE);
    stat(b, st, "ready", EVK_AGENTS_READY);
    stat(b, st, "not ready", EVK_AGENTS_NOT_READY);
    stat(b, st, "inbound", EVK_AGENTS_TALKING_INBOUND);
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
        buf_puts(b, *str(q, EVK_NAME) ? str(q, EVK_NAME) : str(q, EVK_URI));
        if (b->len > 4 * LINE_COLUMNS)
            break;
    }
}

static void systeminfo_line(struct buf *b, json_t *si)
{
    buf_puts(b, str(si, EVK_STATUS));
    if (*str(si, EVK_STATUS_REASON))
        buf_printf(b, " (%s)", str(si, EVK_STATUS_REASON));
    if (*str(si, EVK_DEPLOYMENT_TYPE))
        buf_printf(b, "  %s", str(si, EVK_DEPLOYMENT_TYPE));
    if (*str(si, EVK_XMPP_DOMAIN))
        buf_printf(b, "  %s", str(si, EVK_XMPP_DOMAIN));
}

static void error_line(struct buf *b, json_t *errors)
{
    json_t *e = json_array_get(errors, 0);

    buf_printf(b, "%s  %s", str(e, EVK_ERROR_MESSAGE), str(e, EVK_ERROR_TYPE));
    if (*str(e, EVK_ERROR_DATA))
        buf_printf(b, " (%s)", str(e, EVK_ERROR_DATA));
    if (json_array_size(errors) > 1)
        buf_printf(b, "  (+%zu more)", json_array_size(errors) - 1);
}

static void media_line(struct buf *b, json_t *m)
{
    const char *label = str(json_object_get(m, EVK_REASON_CODE), EVK_LABEL);

    put_col(b, *str(m, EVK_NAME) ? str(m, EVK_NAME) : str(m, EVK_MEDIA_ID), 12,
            1);
    buf_printf(b, " %s", str(m, EVK_STATE));
    if (*label)
        buf_printf(b, " (%s)", label);
}

static void team_line(struct buf *b, json_t *t)
{
    buf_printf(b, "%s %s  %zu users", str(t, EVK_ID), str(t, EVK_NAME),
               json_array_size(json_object_get(t, EVK_USERS)));
}

/* The kinds with a line of their own, from the member holding their data;
 * any other kind shows its node and "xml", or its node and "error". */
static const struct {
    const char *kind, *member;
    void (*line)(struct buf *b, json_t *member);
} kind_lines[] = {
    {EV_KIND_USER, EVK_USER, user_line},
    {EV_KIND_DIALOGS, EVK_DIALOGS, dialogs_line},
    {EV_KIND_TEAM, EVK_TEAM, team_line},
    {EV_KIND_QUEUE, EVK_QUEUE, queue_line},
    {EV_KIND_QUEUES, EVK_QUEUES, queues_line},
    {EV_KIND_SYSTEMINFO, EVK_SYSTEMINFO, systeminfo_line},
    {EV_KIND_MEDIA, EVK_MEDIA, media_line},
    {EV_KIND_ERROR, EVK_ERRORS, error_line},
};

/* Writes the line of a kind in kind_lines; 0 when it has none. */
static int kind_line(struct buf *b, json_t *ev, const char *kind)
{
    size_t i;

    for (i = 0; i < sizeof kind_lines / sizeof kind_lines[0]; i++)
        if (strcmp(kind, kind_lines[i].kind) == 0) {
            kind_lines[i].line(b, json_object_get(ev, kind_lines[i].member));
            return 1;
        }
    return 0;
}

/* The event and kind columns. */
static void head_cols(struct buf *line, json_t *ev)
{
    put_col(line, *str(ev, EVK_EVENT) ? str(ev, EVK_EVENT) : "-", 6, 1);
    buf_puts(line, " ");
    put_col(line, str(ev, EVK_KIND), 10, 1);
    buf_puts(line, " ");
}

/* What the kind says, in at most width columns (new string); the node
 * first for kinds without a line of their own, unless a column shows it. */
static char *event_line_data(json_t *ev, int width, int node_shown)
{
    const char *kind = str(ev, EVK_KIND);
    const char *node = *str(ev, EVK_NODE) ? str(ev, EVK_NODE) : "-";
    struct buf b, out;

    buf_init(&b);
    buf_puts(&b, "");
    if (kind_line(&b, ev, kind) == 0) {
        if (!node_shown)
            buf_printf(&b, "%s%s", node,
                       strcmp(kind, EV_KIND_XML) == 0 ? "  " : ": ");
        buf_printf(
            &b, "%.*s", 4 * LINE_COLUMNS,
            str(ev, strcmp(kind, EV_KIND_XML) == 0 ? EVK_XML : EVK_ERROR));
    }
    if (json_is_true(json_object_get(ev, EVK_SANITIZED)))
        buf_puts(&b, " [sanitized]");
    buf_init(&out);
    buf_puts(&out, "");
    put_col(&out, b.data ? b.data : "", width, 0);
    buf_done(&b);
    return buf_steal(&out);
}

/* line without its trailing spaces (new string). */
static char *trimmed(struct buf *line)
{
    while (line->len > 0 && line->data[line->len - 1] == ' ')
        line->data[--line->len] = '\0';
    return buf_steal(line);
}

/* One line, at most LINE_COLUMNS wide (new string). */
char *event_line(json_t *ev)
{
    char *rest = event_line_data(ev, LINE_COLUMNS - 18, 0);
    struct buf line;

    buf_init(&line);
    head_cols(&line, ev);
    buf_puts(&line, rest);
    free(rest);
    return trimmed(&line);
}

/* Appends node in exactly width columns: as it is when it fits, else
 * its end after "…" (from a '/' when one is near), so the part that
 * tells nodes apart stays. */
static void node_col(struct buf *b, const char *raw, int width)
{
    /* measured as shown: an escape (<U+202E>) is never cut in two */
    char *node = sanitize_str(raw, SANITIZE_LINE);
    size_t len = strlen(node), from;
    const char *slash;

    if (len <= (size_t)width) {
        put_col(b, node, width, 1);
        free(node);
        return;
    }
    from = len - (size_t)(width - 1);
    while (from < len && (node[from] & 0xc0) == 0x80) /* whole characters */
        from++;
    slash = strchr(node + from, '/');
    if (slash && slash - (node + from) < width / 3)
        from = (size_t)(slash - node);
    buf_puts(b, "\xe2\x80\xa6"); /* … */
    put_col(b, node + from, width - 1, 1);
    free(node);
}

char *event_line_node(json_t *ev)
{
    const char *node = str(ev, EVK_NODE);
    char *rest = event_line_data(ev, LINE_COLUMNS - 18 - NODE_COLUMNS - 1, 1);
    struct buf line;

    buf_init(&line);
    head_cols(&line, ev);
    node_col(&line, *node ? node : "-", NODE_COLUMNS);
    buf_puts(&line, " ");
    buf_puts(&line, rest);
    free(rest);
    return trimmed(&line);
}

char *event_text(json_t *ev, int json)
{
    struct buf b;

    if (!json)
        return event_line(ev);
    buf_init(&b);
    if (sanitize_json_write(&b, ev, JSON_COMPACT) != 0) {
        buf_done(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* Writes line (consumed; NULL: nothing) and a newline to f, flushed. */
static void put_line(FILE *f, char *line)
{
    if (line) {
        fputs(line, f);
        fputc('\n', f);
    }
    free(line);
    fflush(f);
}

void event_print(FILE *f, json_t *ev, int json)
{
    put_line(f, event_text(ev, json));
}

void event_print_node(FILE *f, json_t *ev, int json)
{
    put_line(f,
             json ? sanitize_json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER)
                  : event_line_node(ev));
}

void event_print_session(FILE *f, const char *state, const char *cause,
                         unsigned attempt, long retry_ms, const char *jid,
                         const char *host, const char *role)
{
    json_t *o = json_object();

    json_object_set_new(o, EVK_TIME, now_text());
    json_object_set_new(o, EVK_KIND, json_string(EV_KIND_SESSION));
    json_object_set_new(o, EVK_STATE, json_string(state));
    if (cause)
        json_object_set_new(o, EVK_CAUSE, json_string(cause));
    json_object_set_new(o, EVK_ATTEMPT, json_integer(attempt));
    if (retry_ms >= 0)
        json_object_set_new(o, EVK_RETRY_MS, json_integer(retry_ms));
    if (jid)
        json_object_set_new(o, EVK_JID, json_string(jid));
    if (host)
        json_object_set_new(o, EVK_NODE_HOST, json_string(host));
    if (role)
        json_object_set_new(o, EVK_NODE_ROLE, json_string(role));
    put_line(f, sanitize_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER));
    json_decref(o);
}
