/* URLs, headers, request ids and ApiErrors of the REST API; pairing. */
#include "restmsg.h"
#include "base/buf.h"
#include "decode/keys.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *rest_base(const char *rest, const char *server, const char *domain)
{
    const char *host = server && *server ? server : domain;

    if (rest && *rest)
        return xstrdup(rest);
    if (host == NULL || *host == '\0')
        host = "localhost";
    if (strchr(host, ':') && host[0] != '[') /* an IPv6 literal */
        return xasprintf("https://[%s]:%d", host, REST_DEFAULT_PORT);
    return xasprintf("https://%s:%d", host, REST_DEFAULT_PORT);
}

/* A byte a URL path or query carries as it is (RFC 3986). */
static int url_safe(unsigned char c)
{
    return isalnum(c) || strchr("-._~!$&'()*+,;=:@/?", c) != NULL;
}

char *rest_path(const char *path, char **cause)
{
    const unsigned char *p = (const unsigned char *)path;
    size_t len = strlen(path), i;

    if (len == 0) {
        *cause = xstrdup("empty PATH (give /finesse/api/… or User/ID)");
        return NULL;
    }
    if (len > REST_MAX_PATH) {
        *cause =
            xasprintf("PATH is %zu bytes, more than %d", len, REST_MAX_PATH);
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (p[i] == '%' && isxdigit(p[i + 1]) && isxdigit(p[i + 2])) {
            i += 2;
            continue;
        }
        if (!url_safe(p[i])) {
            char shown[8];
            snprintf(shown, sizeof shown, isprint(p[i]) ? "'%c'" : "0x%02X",
                     p[i]);
            *cause = xasprintf("PATH has %s at byte %zu: write it as %%%02X",
                               shown, i + 1, p[i]);
            return NULL;
        }
    }
    if (path[0] == '/')
        return xstrdup(path);
    return xasprintf("%s%s", REST_API_PREFIX, path);
}

char *rest_url(const char *base, const char *path)
{
    size_t n = strlen(base);

    while (n > 0 && base[n - 1] == '/')
        n--;
    return xasprintf("%.*s%s", (int)n, base, path);
}

const char *rest_method(const char *method)
{
    static const char *const methods[] = {"GET", "PUT", "POST", "DELETE"};
    size_t i;

    for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcasecmp(method, methods[i]) == 0)
            return methods[i];
    return NULL;
}

int rest_header_value(const char *line, size_t len, const char *name, char *out,
                      size_t size)
{
    size_t n = strlen(name), b, e, i;

    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return 0;
    b = n + 1;
    e = len;
    while (b < e && (line[b] == ' ' || line[b] == '\t'))
        b++;
    while (e > b && strchr(" \t\r\n", line[e - 1]))
        e--;
    for (i = b; i < e; i++)
        if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
            line[i] == 0x7f)
            return 0; /* a control inside: not a value to show or echo */
    if (size == 0)
        return 1;
    if (e - b >= size)
        e = b + size - 1;
    memcpy(out, line + b, e - b);
    out[e - b] = '\0';
    return 1;
}

void rest_uuid(const unsigned char rnd[16], char out[REST_ID_LEN + 1])
{
    unsigned char u[16];
    size_t i, k = 0;

    memcpy(u, rnd, sizeof u);
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        snprintf(out + k, 3, "%02x", u[i]);
        k += 2;
    }
    out[k] = '\0';
}

/* The next segment of *p (after its '/'), its length in *n; NULL at the
 * end or at a query. */
static const char *segment(const char **p, size_t *n)
{
    const char *s = *p;

    if (*s != '/')
        return NULL;
    s++;
    *n = strcspn(s, "/?#");
    *p = s + *n;
    return s;
}

static int seg_is(const char *s, size_t n, const char *word)
{
    return s && n == strlen(word) && strncasecmp(s, word, n) == 0;
}

char *rest_update_node(const char *method, const char *path, const char *user)
{
    const char *p = path, *s[5] = {NULL};
    size_t n[5] = {0}, k = 0;

    while (k < 5 && (s[k] = segment(&p, &n[k])) != NULL)
        k++;
    if (segment(&p, &n[0]) != NULL || k < 4 || !seg_is(s[0], n[0], "finesse") ||
        !seg_is(s[1], n[1], "api") || n[3] == 0)
        return NULL;
    if (strcasecmp(method, "PUT") == 0 && k == 4 && seg_is(s[2], n[2], "User"))
        return xasprintf("/finesse/api/User/%.*s", (int)n[3], s[3]);
    if (strcasecmp(method, "POST") == 0 && k == 5 &&
        seg_is(s[2], n[2], "User") && seg_is(s[4], n[4], "Dialogs"))
        return xasprintf("/finesse/api/User/%.*s/Dialogs", (int)n[3], s[3]);
    if (strcasecmp(method, "PUT") == 0 && k == 4 &&
        seg_is(s[2], n[2], "Dialog") && user && *user)
        return xasprintf("/finesse/api/User/%s/Dialogs", user);
    return NULL;
}

/* An id a path may carry as it is: not "." or "..", only URL-safe
 * unreserved bytes. */
static int plain_id(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 64 || (n <= 2 && strspn(s, ".") == n))
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-._~", s[i]))
            return 0;
    return 1;
}

char *rest_node_object(const char *node)
{
    const char *p = node, *s[5] = {NULL};
    size_t n[5] = {0}, k = 0;

    if (node == NULL || *node != '/')
        return NULL;
    while (k < 5 && (s[k] = segment(&p, &n[k])) != NULL)
        k++;
    if (*p != '\0' || k < 3 || !seg_is(s[0], n[0], "finesse") ||
        !seg_is(s[1], n[1], "api"))
        return NULL;
    if (k == 3 && seg_is(s[2], n[2], "SystemInfo"))
        return xstrdup("/finesse/api/SystemInfo");
    if (k < 4 || !plain_id(s[3], n[3]))
        return NULL;
    if (k == 4 && seg_is(s[2], n[2], "User"))
        return xasprintf("/finesse/api/User/%.*s", (int)n[3], s[3]);
    if (k == 5 && seg_is(s[2], n[2], "User") && seg_is(s[4], n[4], "Dialogs"))
        return xasprintf("/finesse/api/User/%.*s/Dialogs", (int)n[3], s[3]);
    if (k == 5 && seg_is(s[2], n[2], "Team") && seg_is(s[4], n[4], "Users"))
        return xasprintf("/finesse/api/Team/%.*s", (int)n[3], s[3]);
    if (k == 4 && seg_is(s[2], n[2], "Queue"))
        return xasprintf("/finesse/api/Queue/%.*s", (int)n[3], s[3]);
    return NULL;
}

static const char *field(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && *v ? v : NULL;
}

char *rest_errors_text(const json_t *errors)
{
    struct buf b;
    size_t i;
    const json_t *e;

    buf_init(&b);
    json_array_foreach(errors, i, e)
    {
        const char *type = field(e, EVK_ERROR_TYPE);
        const char *msg = field(e, EVK_ERROR_MESSAGE);
        const char *data = field(e, EVK_ERROR_DATA);
        const char *peri = field(e, EVK_PERIPHERAL_ERROR_MSG);

        if (b.len)
            buf_puts(&b, "; ");
        buf_printf(&b, "%s%s%s", type ? type : "", type && msg ? ": " : "",
                   msg ? msg : "");
        if (!type && !msg)
            buf_puts(&b, "error");
        if (data)
            buf_printf(&b, " (%s)", data);
        if (peri)
            buf_printf(&b, " — %s", peri);
    }
    if (b.len == 0)
        buf_puts(&b, "no error details");
    return buf_steal(&b);
}

char *rest_decoded_errors(const json_t *decoded)
{
    const char *kind = json_string_value(json_object_get(decoded, EVK_KIND));

    if (kind == NULL || strcmp(kind, EV_KIND_ERROR) != 0)
        return NULL;
    return rest_errors_text(json_object_get(decoded, EVK_ERRORS));
}

const char *rest_reason(long status)
{
    static const struct {
        long status;
        const char *text;
    } reasons[] = {
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {413, "Payload Too Large"},
        {415, "Unsupported Media Type"},
        {500, "Internal Server Error"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    size_t i;

    for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].text;
    return "";
}

/* ---- pairing ---- */

void rest_waits_add(struct rest_waits *w, const char *id, void *arg,
                    double sent_ms)
{
    struct rest_wait *e;

    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->v = xrealloc(w->v, w->cap * sizeof *w->v);
    }
    e = &w->v[w->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->sent, sizeof e->sent, "%s", id);
    e->arg = arg;
    e->sent_ms = sent_ms;
}

void rest_waits_answered(struct rest_waits *w, const char *id,
                         const char *answered)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        if (strcmp(w->v[i].sent, id) == 0 && strcmp(answered, id) != 0 &&
            *answered) {
            free(w->v[i].answered);
            w->v[i].answered = xstrdup(answered);
        }
}

static void remove_at(struct rest_waits *w, size_t i)
{
    free(w->v[i].answered);
    memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof *w->v);
    w->n--;
}

void *rest_waits_match(struct rest_waits *w, const char *request_id,
                       double *sent_ms)
{
    size_t b = strspn(request_id, " \t\r\n"), e = strlen(request_id), i;
    void *arg;

    while (e > b && strchr(" \t\r\n", request_id[e - 1]))
        e--;
    if (e == b)
        return NULL;
    for (i = 0; i < w->n; i++) {
        const struct rest_wait *x = &w->v[i];
        if ((strlen(x->sent) == e - b &&
             memcmp(x->sent, request_id + b, e - b) == 0) ||
            (x->answered && strlen(x->answered) == e - b &&
             memcmp(x->answered, request_id + b, e - b) == 0)) {
            arg = x->arg;
            if (sent_ms)
                *sent_ms = x->sent_ms;
            remove_at(w, i);
            return arg;
        }
    }
    return NULL;
}

void rest_waits_remove(struct rest_waits *w, void *arg)
{
    size_t i = 0;

    while (i < w->n) {
        if (w->v[i].arg == arg)
            remove_at(w, i);
        else
            i++;
    }
}

void rest_waits_done(struct rest_waits *w)
{
    while (w->n > 0)
        remove_at(w, w->n - 1);
    free(w->v);
    memset(w, 0, sizeof *w);
}
