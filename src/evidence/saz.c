/*
 * Fiddler's SAZ: a zip holding raw/NN_c.txt (the request as sent: request
 * line, headers, body), raw/NN_s.txt (the response) and raw/NN_m.xml (the
 * session's metadata; its <SessionTimers> give the times). Each session
 * that is a BOSH exchange becomes an HTTP record; others are skipped. The
 * zip is read by libarchive from memory, every member bounded; the
 * metadata is XML, read by xmlstream.c.
 */
#define _GNU_SOURCE /* memmem */
#include "evidence.h"
#include "base/buf.h"
#include "xmpp/xmlstream.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SAZ_MAX_SESSIONS 100000

struct saz_session {
    unsigned number;
    struct buf part[3]; /* c, s, m */
};

struct saz {
    const struct evidence_events *ev;
    void *arg;
    struct saz_session *v;
    size_t n, cap;
    size_t total;
};

enum { PART_C, PART_S, PART_M };

static void damaged(struct saz *z, unsigned number, const char *why)
{
    char where[48];

    snprintf(where, sizeof where, "session %u", number);
    z->ev->damaged(z->arg, where, why);
}

static struct saz_session *session(struct saz *z, unsigned number)
{
    size_t i;

    for (i = z->n; i > 0; i--) /* members come in order: look back */
        if (z->v[i - 1].number == number)
            return &z->v[i - 1];
    if (z->n == z->cap) {
        z->cap = z->cap ? z->cap * 2 : 64;
        z->v = xrealloc(z->v, z->cap * sizeof *z->v);
    }
    memset(&z->v[z->n], 0, sizeof *z->v);
    z->v[z->n].number = number;
    return &z->v[z->n++];
}

/* "raw/12_c.txt" → 12 and PART_C; -1 for any other member. */
static int member(const char *path, unsigned *number)
{
    const char *p;
    char *end;
    unsigned long n;

    if (strncmp(path, "raw/", 4) != 0)
        return -1;
    p = path + 4;
    if (!isdigit((unsigned char)*p))
        return -1;
    n = strtoul(p, &end, 10);
    if (n > 0xFFFFFFFFul)
        return -1;
    *number = (unsigned)n;
    if (strcmp(end, "_c.txt") == 0)
        return PART_C;
    if (strcmp(end, "_s.txt") == 0)
        return PART_S;
    if (strcmp(end, "_m.xml") == 0)
        return PART_M;
    return -1;
}

/* Reads the zip's members into z; -1 with *cause when it is not a zip. */
static int load(struct saz *z, const char *data, size_t len, char **cause)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int rc, nread = 0;

    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        *cause = xasprintf("not a zip: %s", archive_error_string(a));
        archive_read_free(a);
        return -1;
    }
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
           rc == ARCHIVE_WARN) {
        const char *path = archive_entry_pathname(e);
        unsigned number;
        int part = path ? member(path, &number) : -1;
        struct saz_session *s;
        char chunk[65536];
        la_ssize_t got;

        nread++;
        if (part < 0)
            continue;
        if (z->n >= SAZ_MAX_SESSIONS) {
            damaged(z, number, "more than 100000 sessions: the rest skipped");
            break;
        }
        s = session(z, number);
        buf_done(&s->part[part]);
        buf_init(&s->part[part]);
        buf_append(&s->part[part], "", 0);
        while ((got = archive_read_data(a, chunk, sizeof chunk)) > 0) {
            buf_append(&s->part[part], chunk, (size_t)got);
            z->total += (size_t)got;
            if (s->part[part].len > EVIDENCE_MAX_ENTRY ||
                z->total > EVIDENCE_MAX_INPUT) {
                got = -1;
                break;
            }
        }
        if (got < 0) {
            char *why =
                xasprintf("%s: %s", path,
                          archive_error_string(a) ? archive_error_string(a)
                                                  : "larger than perch reads");
            damaged(z, number, why);
            free(why);
            buf_done(&s->part[part]);
            buf_init(&s->part[part]);
            if (z->total > EVIDENCE_MAX_INPUT)
                break;
        }
    }
    if (rc != ARCHIVE_EOF && rc != ARCHIVE_OK && rc != ARCHIVE_WARN &&
        nread == 0) {
        *cause = xasprintf("not a zip: %s", archive_error_string(a)
                                                ? archive_error_string(a)
                                                : "unreadable");
        archive_read_free(a);
        return -1;
    }
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_FAILED) {
        char *why = xasprintf(
            "the archive is damaged after %d members: %s", nread,
            archive_error_string(a) ? archive_error_string(a) : "unreadable");
        z->ev->damaged(z->arg, "archive", why);
        free(why);
    }
    archive_read_free(a);
    return 0;
}

/* An HTTP message: first line, headers, body (after the blank line). */
struct http_msg {
    char first[512];
    const char *headers; /* from the second line */
    size_t headers_len;
    const char *body;
    size_t body_len;
};

static int split(const char *s, size_t len, struct http_msg *m)
{
    const char *eol = memchr(s, '\n', len), *blank;
    size_t n;

    memset(m, 0, sizeof *m);
    if (eol == NULL)
        return -1;
    n = (size_t)(eol - s);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    snprintf(m->first, sizeof m->first, "%.*s", (int)n, s);
    m->headers = eol + 1;
    blank = memmem(m->headers, len - (size_t)(m->headers - s), "\r\n\r\n", 4);
    n = 4;
    if (blank == NULL) {
        blank = memmem(m->headers, len - (size_t)(m->headers - s), "\n\n", 2);
        n = 2;
    }
    if (blank == NULL) {
        m->headers_len = len - (size_t)(m->headers - s);
        m->body = s + len;
        return 0;
    }
    m->headers_len = (size_t)(blank - m->headers) + n / 2;
    m->body = blank + n;
    m->body_len = len - (size_t)(m->body - s);
    return 0;
}

/* The value of header name (new string) or NULL. */
static char *header(const struct http_msg *m, const char *name)
{
    const char *p = m->headers, *end = m->headers + m->headers_len;
    size_t nl = strlen(name);

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (n > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (v < p + n && (*v == ' ' || *v == '\t'))
                v++;
            n -= (size_t)(v - p);
            if (n > 0 && v[n - 1] == '\r')
                n--;
            return xasprintf("%.*s", (int)n, v);
        }
        p += n + 1;
    }
    return NULL;
}

/* A chunked body undone into out; -1 when the chunks are damaged. */
static int dechunk(const char *s, size_t len, struct buf *out)
{
    size_t pos = 0;

    for (;;) {
        char *end;
        unsigned long n = strtoul(s + pos, &end, 16);
        const char *eol = memchr(s + pos, '\n', len - pos);

        if (eol == NULL || end == s + pos)
            return -1;
        pos = (size_t)(eol - s) + 1;
        if (n == 0)
            return 0;
        if (n > len - pos)
            return -1;
        buf_append(out, s + pos, n);
        pos += n;
        while (pos < len && (s[pos] == '\r' || s[pos] == '\n'))
            pos++;
    }
}

static int starts_body(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    return len >= 5 && memcmp(s, "<body", 5) == 0;
}

/* The <SessionTimers> of the metadata: begin and end times. */
static void timers(const struct buf *m, double *begin, double *end)
{
    xmpp_ctx_t *ctx;
    xmpp_stanza_t *root, *t;
    char *cause = NULL;

    *begin = *end = -1;
    if (m->len == 0)
        return;
    ctx = xmpp_ctx_new(NULL, NULL);
    root = xmlstream_parse_document(ctx, m->data, m->len, NULL, NULL, &cause);
    free(cause);
    t = root ? xmpp_stanza_get_child_by_name(root, "SessionTimers") : NULL;
    if (t) {
        *begin = evidence_parse_time(
            xmpp_stanza_get_attribute(t, "ClientBeginRequest"));
        *end = evidence_parse_time(
            xmpp_stanza_get_attribute(t, "ClientDoneResponse"));
    }
    if (root)
        xmpp_stanza_release(root);
    xmpp_ctx_free(ctx);
}

/* Reports session s when it is a BOSH exchange: 1, else 0. */
static int report(struct saz *z, struct saz_session *s)
{
    struct http_msg c, r;
    struct evidence_rec rec;
    struct buf body;
    char method[16] = "", url[400] = "", *te = NULL, *date = NULL;
    double begin, end;
    int have_resp, shown = 0;

    if (s->part[PART_C].len == 0 ||
        split(s->part[PART_C].data, s->part[PART_C].len, &c) != 0 ||
        sscanf(c.first, "%15s %399s", method, url) != 2) {
        damaged(z, s->number, "no request line in its _c.txt");
        return 0;
    }
    have_resp = s->part[PART_S].len > 0 &&
                split(s->part[PART_S].data, s->part[PART_S].len, &r) == 0;
    buf_init(&body);
    memset(&rec, 0, sizeof rec);
    rec.kind = EVIDENCE_HTTP;
    rec.index = s->number;
    rec.method = method;
    rec.url = url;
    rec.request = c.body;
    rec.request_len = c.body_len;
    rec.ms = -1;
    if (have_resp) {
        if (sscanf(r.first, "HTTP/%*s %ld", &rec.status) != 1)
            rec.status = 0;
        te = header(&r, "Transfer-Encoding");
        date = header(&r, "Date");
        rec.date = date;
        if (te && strcasecmp(te, "chunked") == 0) {
            buf_append(&body, "", 0);
            if (dechunk(r.body, r.body_len, &body) != 0)
                damaged(z, s->number, "a chunked response cut short");
            rec.response = body.data;
            rec.response_len = body.len;
        } else {
            rec.response = r.body;
            rec.response_len = r.body_len;
        }
    }
    if (rec.status == 0)
        rec.error = "no response";
    else if (rec.status >= 500 && strstr(r.first, "Fiddler"))
        rec.error = r.first + 9; /* Fiddler's own: "502 Fiddler - …" */
    timers(&s->part[PART_M], &begin, &end);
    rec.time = begin > 0 ? begin : 0;
    if (begin > 0 && end >= begin)
        rec.ms = (end - begin) * 1000.0;
    if (strstr(url, "http-bind") || starts_body(c.body, c.body_len) ||
        (rec.response && starts_body(rec.response, rec.response_len))) {
        z->ev->record(z->arg, &rec);
        shown = 1;
    }
    buf_done(&body);
    free(te);
    free(date);
    return shown;
}

static int by_number(const void *a, const void *b)
{
    unsigned x = ((const struct saz_session *)a)->number;
    unsigned y = ((const struct saz_session *)b)->number;
    return x < y ? -1 : x > y;
}

int evidence_read_saz(const char *data, size_t len,
                      const struct evidence_events *ev, void *arg, char **cause)
{
    struct saz z;
    size_t i, j;
    int n = 0;

    memset(&z, 0, sizeof z);
    z.ev = ev;
    z.arg = arg;
    if (load(&z, data, len, cause) != 0)
        return -1;
    if (z.n)
        qsort(z.v, z.n, sizeof *z.v, by_number);
    for (i = 0; i < z.n; i++) {
        n += report(&z, &z.v[i]);
        for (j = 0; j < 3; j++)
            buf_done(&z.v[i].part[j]);
    }
    free(z.v);
    return n;
}
