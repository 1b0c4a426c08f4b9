/* --record FILE: one JSON object a line, written as it happens. */
#include "recorder.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/json_pool.h"
#include "base/utf8.h"
#include "xmpp/console.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

struct recorder {
    FILE *f;
};

void recorder_time(double t, char *out, size_t size)
{
    time_t sec = (time_t)t;
    int ms = (int)((t - (double)sec) * 1000.0);
    struct tm tm;
    char day[32], zone[40];
    long off;

    if (ms < 0 || ms > 999)
        ms = 0;
    localtime_r(&sec, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    off = tm.tm_gmtoff / 60;
    snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+',
             labs(off) / 60, labs(off) % 60);
    snprintf(out, size, "%s.%03d%s", day, ms, zone);
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* A new line object of kind with "time" first. */
static json_t *line_new(const char *kind, double t)
{
    json_t *o = json_object();
    char when[48];

    recorder_time(t, when, sizeof when);
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "kind", json_string(kind));
    return o;
}

/* Writes o (consumed) as one line and flushes it. */
static void line_write(struct recorder *r, json_t *o)
{
    struct buf b;

    buf_init(&b);
    if (json_dump_buf(o, JSON_COMPACT | JSON_PRESERVE_ORDER, &b) == 0) {
        buf_puts(&b, "\n");
        fwrite(b.data, 1, b.len, r->f);
        fflush(r->f);
    }
    buf_done(&b);
    json_decref(o);
}

/* text (len bytes) redacted as a JSON string; a byte that is not UTF-8
 * (or a NUL) becomes U+FFFD, as JSON cannot carry it. */
static json_t *redacted(const char *text, size_t len)
{
    struct buf b;
    char *clean;
    size_t i = 0, n;
    uint32_t cp;
    json_t *s;

    buf_init(&b);
    while (i < len) {
        n = utf8_decode(text + i, len - i, &cp);
        if (n == 0 || cp == 0) {
            buf_puts(&b, "\xEF\xBF\xBD");
            i++;
        } else {
            buf_append(&b, text + i, n);
            i += n;
        }
    }
    buf_append(&b, "", 0);
    clean = console_redact(b.data ? b.data : "");
    s = json_string(clean);
    free(clean);
    buf_done(&b);
    return s ? s : json_string("");
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

struct recorder *recorder_open(const char *path,
                               const struct recorder_header *h, char **cause)
{
    struct recorder *r;
    FILE *f = file_create_private(path, cause);
    json_t *o;

    if (f == NULL)
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->f = f;
    o = line_new("header", now());
    json_object_set_new(o, "format", json_string("perch-recording"));
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "perch", json_string(PERCH_VERSION));
    set_str(o, "command", h->command);
    set_str(o, "account", h->account);
    set_str(o, "transport", h->transport);
    set_str(o, "server", h->server);
    line_write(r, o);
    return r;
}

void recorder_close(struct recorder *r)
{
    if (r == NULL)
        return;
    fclose(r->f);
    free(r);
}

void recorder_closed(struct recorder *r, const char *cause)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("closed", now());
    set_str(o, "cause", cause);
    line_write(r, o);
}

void recorder_stanza(struct recorder *r, int in, const char *xml, size_t len)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("stanza", now());
    json_object_set_new(o, "dir", json_string(in ? "in" : "out"));
    json_object_set_new(o, "xml", redacted(xml, len));
    line_write(r, o);
}

/* A BOSH exchange: an "http" line with both bodies. */
static json_t *http_line(const struct transport_record *rec)
{
    json_t *o = line_new("http", rec->start);

    json_object_set_new(o, "rid", json_integer((json_int_t)rec->rid));
    json_object_set_new(o, "status", json_integer(rec->status));
    json_object_set_new(o, "ms", json_real(rec->duration_ms));
    json_object_set_new(o, "bytesOut",
                        json_integer((json_int_t)rec->bytes_out));
    json_object_set_new(o, "bytesIn", json_integer((json_int_t)rec->bytes_in));
    json_object_set_new(o, "stanzasOut", json_integer(rec->stanzas_out));
    json_object_set_new(o, "stanzasIn", json_integer(rec->stanzas_in));
    json_object_set_new(o, "retries", json_integer(rec->retries));
    if (rec->empty)
        json_object_set_new(o, "empty", json_true());
    if (rec->capped)
        json_object_set_new(o, "capped", json_true());
    set_str(o, "error", rec->error);
    set_str(o, "date", rec->date);
    if (rec->body_out)
        json_object_set_new(o, "request",
                            redacted(rec->body_out, rec->body_out_len));
    if (rec->body_in && !rec->capped)
        json_object_set_new(o, "response",
                            redacted(rec->body_in, rec->body_in_len));
    return o;
}

/* The WebSocket upgrade: an "http" line marked "upgrade", with what the
 * server answered (no request headers: no credentials). */
static json_t *upgrade_line(const struct transport_record *rec)
{
    json_t *o = line_new("http", rec->start);

    json_object_set_new(o, "upgrade", json_string("websocket"));
    json_object_set_new(o, "method", json_string("GET"));
    set_str(o, "url", rec->what);
    json_object_set_new(o, "status", json_integer(rec->status));
    json_object_set_new(o, "ms", json_real(rec->duration_ms));
    json_object_set_new(o, "connectMs", json_real(rec->connect_ms));
    json_object_set_new(o, "bytesOut",
                        json_integer((json_int_t)rec->bytes_out));
    json_object_set_new(o, "bytesIn", json_integer((json_int_t)rec->bytes_in));
    set_str(o, "protocol", rec->protocol);
    set_str(o, "extensions", rec->extensions);
    set_str(o, "server", rec->via);
    set_str(o, "date", rec->date);
    set_str(o, "error", rec->error);
    return o;
}

/* One WebSocket frame: a "ws" line; a text message's data redacted. */
static json_t *ws_line(const struct transport_record *rec)
{
    json_t *o = line_new("ws", rec->start);
    const char *data = rec->out ? rec->body_out : rec->body_in;
    size_t len = rec->out ? rec->body_out_len : rec->body_in_len;

    json_object_set_new(o, "dir", json_string(rec->out ? "out" : "in"));
    json_object_set_new(o, "opcode", json_integer(rec->opcode));
    json_object_set_new(o, "fin", json_boolean(rec->fin));
    json_object_set_new(o, "size", json_integer((json_int_t)rec->size));
    set_str(o, "what", rec->what);
    if (data)
        json_object_set_new(o, "data", redacted(data, len));
    if (rec->opcode == 8) {
        json_object_set_new(o, "closeCode", json_integer(rec->close_code));
        set_str(o, "closeReason", rec->close_reason);
    }
    set_str(o, "error", rec->error);
    return o;
}

/* A keepalive ping's round trip, or its loss. */
static json_t *ping_line(const struct transport_record *rec)
{
    json_t *o = line_new("ping", rec->start);

    if (rec->error == NULL)
        json_object_set_new(o, "ms", json_real(rec->duration_ms));
    set_str(o, "error", rec->error);
    return o;
}

void recorder_transport(struct recorder *r, const struct transport_record *rec)
{
    static json_t *(*const line[])(const struct transport_record *) = {
        [TRANSPORT_HTTP] = http_line,
        [TRANSPORT_WS_UPGRADE] = upgrade_line,
        [TRANSPORT_WS_FRAME] = ws_line,
        [TRANSPORT_WS_PING] = ping_line,
    };

    if (r == NULL || (size_t)rec->kind >= sizeof line / sizeof *line ||
        line[rec->kind] == NULL)
        return;
    line_write(r, line[rec->kind](rec));
}

/* Header lines never written: they carry credentials. */
static int secret_header(const char *line, size_t len)
{
    static const char *const names[] = {"Authorization", "Proxy-Authorization",
                                        "Cookie", "Set-Cookie"};
    size_t i, n;

    for (i = 0; i < sizeof names / sizeof *names; i++) {
        n = strlen(names[i]);
        if (len > n && line[n] == ':' && strncasecmp(line, names[i], n) == 0)
            return 1;
    }
    return 0;
}

/* A header block as an array of "Name: value" strings: no status or
 * request line, no blank line, no credentials. */
static json_t *headers(const char *block, size_t len)
{
    json_t *a = json_array();
    size_t pos = 0, end, n;

    while (block && pos < len) {
        const char *nl = memchr(block + pos, '\n', len - pos);
        end = nl ? (size_t)(nl - block) : len;
        n = end - pos;
        if (n > 0 && block[pos + n - 1] == '\r')
            n--;
        if (n > 0 && memchr(block + pos, ':', n) &&
            strncmp(block + pos, "HTTP/", 5) != 0 &&
            !secret_header(block + pos, n))
            json_array_append_new(a, redacted(block + pos, n));
        pos = end + 1;
    }
    return a;
}

void recorder_rest(struct recorder *r, const struct recorder_rest *x)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("http", x->start);
    json_object_set_new(o, "via", json_string("rest"));
    set_str(o, "method", x->method);
    set_str(o, "url", x->url);
    json_object_set_new(o, "status", json_integer(x->status));
    json_object_set_new(o, "ms", json_real(x->ms));
    if (x->req_id && *x->req_id)
        json_object_set_new(o, "requestId", json_string(x->req_id));
    json_object_set_new(o, "requestHeaders",
                        headers(x->req_head, x->req_head_len));
    json_object_set_new(o, "responseHeaders",
                        headers(x->resp_head, x->resp_head_len));
    json_object_set_new(o, "bytesOut",
                        json_integer((json_int_t)x->body_out_len));
    json_object_set_new(o, "bytesIn", json_integer((json_int_t)x->body_in_len));
    if (x->capped)
        json_object_set_new(o, "capped", json_true());
    set_str(o, "error", x->error);
    if (x->body_out)
        json_object_set_new(o, "request",
                            redacted(x->body_out, x->body_out_len));
    if (x->body_in && !x->capped)
        json_object_set_new(o, "response",
                            redacted(x->body_in, x->body_in_len));
    line_write(r, o);
}

void recorder_conn_cb(void *arg, const struct transport_conn *c)
{
    recorder_conn(arg, c);
}

void recorder_conn(struct recorder *r, const struct transport_conn *c)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new(c->tls ? "tls" : "tcp", c->start);
    if (c->tls) {
        set_str(o, "version", c->version);
        set_str(o, "cipher", c->cipher);
        set_str(o, "verify", c->verify);
        set_str(o, "subject", c->subject);
        set_str(o, "expiry", c->expiry);
    } else {
        set_str(o, "address", c->address);
        json_object_set_new(o, "port", json_integer(c->port));
    }
    if (c->ms >= 0)
        json_object_set_new(o, "ms", json_real(c->ms));
    line_write(r, o);
}

void recorder_params(struct recorder *r, const struct transport_params *p)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("params", now());
    json_object_set_new(o, "wait", json_integer(p->wait));
    json_object_set_new(o, "requests", json_integer(p->requests));
    json_object_set_new(o, "polling", json_integer(p->polling));
    json_object_set_new(o, "inactivity", json_integer(p->inactivity));
    json_object_set_new(o, "hold", json_integer(p->hold));
    json_object_set_new(o, "maxpause", json_integer(p->maxpause));
    set_str(o, "ver", p->ver);
    line_write(r, o);
}

void recorder_ready(struct recorder *r, const char *jid, const char *transport,
                    const char *describe)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("ready", now());
    set_str(o, "jid", jid);
    set_str(o, "transport", transport);
    set_str(o, "secured", describe);
    line_write(r, o);
}

void recorder_note(struct recorder *r, const char *text)
{
    json_t *o;

    if (r == NULL)
        return;
    o = line_new("note", now());
    set_str(o, "text", text);
    line_write(r, o);
}
