/*
 * HAR 1.2 (Chrome, Firefox, Edge): each entry of log.entries that is a
 * BOSH exchange (a /http-bind URL, or a <body> sent or received) becomes
 * an HTTP record with both bodies (JSON escaping undone by jansson);
 * Chrome's `_webSocketMessages` on an upgrade entry become WS records.
 * Other entries are skipped. A HAR cut short is read entry by entry up
 * to the cut.
 */
#define _GNU_SOURCE /* memmem */
#include "evidence.h"
#include "base/buf.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct har {
    const struct evidence_events *ev;
    void *arg;
    int n;
};

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void damaged(struct har *h, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void damaged(struct har *h, size_t i, const char *fmt, ...)
{
    char where[64], *why;
    va_list ap;

    snprintf(where, sizeof where, "entry %zu (log.entries[%zu])", i + 1, i);
    va_start(ap, fmt);
    if (vasprintf(&why, fmt, ap) < 0)
        abort();
    va_end(ap);
    h->ev->damaged(h->arg, where, why);
    free(why);
}

/* The value of header name in a HAR headers array, or NULL. */
static const char *header(json_t *headers, const char *name)
{
    size_t i;
    json_t *hd;

    json_array_foreach(headers, i, hd)
    {
        const char *n = str(hd, "name");
        if (n && strcasecmp(n, name) == 0)
            return str(hd, "value");
    }
    return NULL;
}

static int starts_body(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, len--;
    return len >= 5 && memcmp(s, "<body", 5) == 0;
}

/* content.text, base64-decoded when content.encoding says so, into *out
 * (new, caller frees) with *len; NULL when there is none. */
static char *content_text(json_t *content, size_t *len, const char **why)
{
    json_t *t = json_object_get(content, "text");
    const char *enc = str(content, "encoding");
    size_t n = json_string_length(t);
    char *out;
    int got;

    *len = 0;
    if (!json_is_string(t))
        return NULL;
    if (enc == NULL || strcasecmp(enc, "base64") != 0) {
        out = xmalloc(n + 1);
        memcpy(out, json_string_value(t), n);
        out[n] = '\0';
        *len = n;
        return out;
    }
    if (n > EVIDENCE_MAX_ENTRY) {
        *why = "a body over 64 MiB";
        return NULL;
    }
    out = xmalloc(n / 4 * 3 + 4);
    got = EVP_DecodeBlock((unsigned char *)out,
                          (const unsigned char *)json_string_value(t), (int)n);
    if (got < 0) {
        free(out);
        *why = "a body whose base64 does not decode";
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as bytes */
    while (n > 0 && json_string_value(t)[n - 1] == '=' && got > 0)
        n--, got--;
    out[got] = '\0';
    *len = (size_t)got;
    return out;
}

static void websocket(struct har *h, size_t i, json_t *msgs)
{
    size_t j;
    json_t *m;

    json_array_foreach(msgs, j, m)
    {
        struct evidence_rec r;
        const char *type = str(m, "type");
        json_t *data = json_object_get(m, "data");

        if (!json_is_object(m) || type == NULL || !json_is_string(data) ||
            !json_is_number(json_object_get(m, "time"))) {
            damaged(h, i,
                    "_webSocketMessages[%zu] is not a message with "
                    "type, time and data",
                    j);
            continue;
        }
        if (json_integer_value(json_object_get(m, "opcode")) == 2)
            continue; /* binary: not XMPP's framing (RFC 7395) */
        memset(&r, 0, sizeof r);
        r.kind = EVIDENCE_WS;
        r.opcode = 1;
        r.index = i + 1;
        r.time = json_number_value(json_object_get(m, "time"));
        r.in = strcmp(type, "receive") == 0;
        r.xml = json_string_value(data);
        r.xml_len = json_string_length(data);
        r.ms = -1;
        h->ev->record(h->arg, &r);
        h->n++;
    }
}

static void entry(struct har *h, size_t i, json_t *e)
{
    json_t *req = json_object_get(e, "request");
    json_t *resp = json_object_get(e, "response");
    json_t *post = json_object_get(req, "postData");
    json_t *msgs = json_object_get(e, "_webSocketMessages");
    const char *url = str(req, "url"), *why = NULL;
    struct evidence_rec r;
    char *body_in = NULL;
    size_t in_len = 0;
    double t;

    if (!json_is_object(e) || !json_is_object(req) || url == NULL) {
        damaged(h, i, "not an entry with a request and its url");
        return;
    }
    t = evidence_parse_time(str(e, "startedDateTime"));
    if (t < 0) {
        damaged(h, i, "no RFC 3339 startedDateTime");
        return;
    }
    if (json_is_object(resp))
        body_in = content_text(json_object_get(resp, "content"), &in_len, &why);
    if (why) {
        damaged(h, i, "%s", why);
        return;
    }
    memset(&r, 0, sizeof r);
    r.kind = EVIDENCE_HTTP;
    r.index = i + 1;
    r.time = t;
    r.method = str(req, "method");
    r.url = url;
    r.status = (long)json_integer_value(json_object_get(resp, "status"));
    r.ms = json_is_number(json_object_get(e, "time"))
               ? json_number_value(json_object_get(e, "time"))
               : -1;
    r.request = str(post, "text");
    r.request_len = json_string_length(json_object_get(post, "text"));
    r.response = body_in;
    r.response_len = in_len;
    r.error = str(resp, "_error") ? str(resp, "_error") : str(e, "_error");
    if (r.error == NULL && r.status == 0)
        r.error = "no response";
    r.date = header(json_object_get(resp, "headers"), "Date");
    if (json_is_array(msgs) || strstr(url, "http-bind") ||
        (r.request && starts_body(r.request, r.request_len)) ||
        (body_in && starts_body(body_in, in_len))) {
        h->ev->record(h->arg, &r);
        h->n++;
        if (json_is_array(msgs))
            websocket(h, i, msgs);
    }
    free(body_in);
}

/* A HAR whose whole does not parse (cut short): the entries up to the
 * damage, one value at a time from "entries": [. */
static int salvage(struct har *h, const char *data, size_t len,
                   const json_error_t *whole, char **cause)
{
    const char *key = memmem(data, len, "\"entries\"", 9), *p;
    size_t i = 0, pos;

    p = key ? memchr(key, '[', len - (size_t)(key - data)) : NULL;
    if (p == NULL) {
        *cause =
            xasprintf("not JSON at line %d, column %d (byte %d): %s",
                      whole->line, whole->column, whole->position, whole->text);
        return -1;
    }
    pos = (size_t)(p - data) + 1;
    for (;;) {
        json_error_t err;
        json_t *e;

        while (pos < len && strchr(" \t\r\n,", data[pos]) && data[pos])
            pos++;
        if (pos >= len || data[pos] == ']')
            break;
        e = json_loadb(data + pos, len - pos,
                       JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &err);
        if (e == NULL) {
            damaged(h, i,
                    "not JSON at byte %zu of the file: %s; the entries "
                    "after it are lost",
                    pos + (size_t)err.position, err.text);
            break;
        }
        entry(h, i++, e);
        json_decref(e);
        pos += (size_t)err.position;
    }
    return h->n;
}

int evidence_read_har(const char *data, size_t len,
                      const struct evidence_events *ev, void *arg, char **cause)
{
    struct har h = {ev, arg, 0};
    json_error_t err;
    json_t *root = json_loadb(data, len, JSON_ALLOW_NUL, &err), *entries;
    size_t i;
    json_t *e;

    if (root == NULL)
        return salvage(&h, data, len, &err, cause);
    entries = json_object_get(json_object_get(root, "log"), "entries");
    if (!json_is_array(entries)) {
        json_decref(root);
        *cause = xstrdup("no log.entries array: not a HAR");
        return -1;
    }
    json_array_foreach(entries, i, e) entry(&h, i, e);
    json_decref(root);
    return h.n;
}
