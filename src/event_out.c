/* Printing decoded events. */
#include "event_out.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

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

static void user_line(struct buf *b, json_t *u)
{
    json_t *rc = json_object_get(u, "reasonCode");
    char name[64];

    snprintf(name, sizeof name, "%s %s", str(u, "firstName"),
             str(u, "lastName"));
    buf_printf(b, "%-9s %-18.18s %s", str(u, "loginId"), name,
               str(u, "state"));
    if (rc && *str(rc, "label"))
        buf_printf(b, " (%s)", str(rc, "label"));
    if (*str(u, "pendingState"))
        buf_printf(b, " -> %s", str(u, "pendingState"));
}

static void dialogs_line(struct buf *b, json_t *list)
{
    size_t i;
    json_t *d;

    json_array_foreach(list, i, d)
    {
        if (i > 0)
            buf_puts(b, "; ");
        buf_printf(b, "%-9s %-9s %s -> %s", str(d, "id"), str(d, "state"),
                   str(d, "fromAddress"), str(d, "toAddress"));
        if (*str(d, "callType"))
            buf_printf(b, "  %s", str(d, "callType"));
    }
    if (json_array_size(list) == 0)
        buf_puts(b, "(no dialog)");
}

static void queue_line(struct buf *b, json_t *q)
{
    json_t *st = json_object_get(q, "statistics");
    const char *key;
    json_t *v;

    buf_printf(b, "%s", *str(q, "name") ? str(q, "name") : str(q, "uri"));
    json_object_foreach(st, key, v)
    {
        if (strcmp(key, "callsInQueue") == 0 ||
            strcmp(key, "agentsReady") == 0 ||
            strcmp(key, "agentsTalkingInbound") == 0)
            buf_printf(b, "  %s=%lld", key, (long long)json_integer_value(v));
    }
}

char *event_line(json_t *ev)
{
    struct buf b;
    const char *kind = str(ev, "kind");
    json_t *v;

    buf_init(&b);
    buf_printf(&b, "%-6s %-10s ", *str(ev, "event") ? str(ev, "event") : "-",
               kind);
    if (strcmp(kind, "user") == 0) {
        user_line(&b, json_object_get(ev, "user"));
    } else if (strcmp(kind, "dialogs") == 0) {
        dialogs_line(&b, json_object_get(ev, "dialogs"));
    } else if (strcmp(kind, "team") == 0) {
        v = json_object_get(ev, "team");
        buf_printf(&b, "%s %s  %zu users", str(v, "id"), str(v, "name"),
                   json_array_size(json_object_get(v, "users")));
    } else if (strcmp(kind, "queue") == 0) {
        queue_line(&b, json_object_get(ev, "queue"));
    } else if (strcmp(kind, "systeminfo") == 0) {
        v = json_object_get(ev, "systeminfo");
        buf_printf(&b, "%s%s%s", str(v, "status"),
                   *str(v, "statusReason") ? "  " : "", str(v, "statusReason"));
    } else if (strcmp(kind, "error") == 0) {
        v = json_array_get(json_object_get(ev, "errors"), 0);
        buf_printf(&b, "%s %s", str(v, "errorType"), str(v, "errorMessage"));
    } else if (strcmp(kind, "raw") == 0) {
        buf_printf(&b, "%s: %s", str(ev, "node"), str(ev, "error"));
    } else {
        buf_printf(&b, "%s %s", str(ev, "node"), str(ev, "item"));
    }
    return buf_steal(&b);
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
