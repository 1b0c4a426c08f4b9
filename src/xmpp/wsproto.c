/* The pure parts of XMPP over WebSocket: URL, upgrade, framing elements,
 * messages, close codes. */
#include "wsproto.h"
#include "base/buf.h"
#include "base/xml_escape.h"
#include "xmlstream.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define NS_STREAMS "http://etherx.jabber.org/streams"

/* ---- the URL ---- */

void wsproto_url_done(struct ws_url *u)
{
    free(u->host);
    free(u->target);
    free(u->host_header);
    free(u->http_url);
    memset(u, 0, sizeof *u);
}

/* A part of h, or NULL (curl_free'd into a string of ours). */
static char *url_part(CURLU *h, CURLUPart what)
{
    char *v = NULL, *s;

    if (curl_url_get(h, what, &v, 0) != CURLUE_OK || v == NULL)
        return NULL;
    s = xstrdup(v);
    curl_free(v);
    return s;
}

static int url_chars_ok(const char *url)
{
    const unsigned char *p;

    for (p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return 0;
    return 1;
}

/* Fills u from the parts of an already parsed URL; -1 with *cause. */
static int url_fill(CURLU *h, const char *url, struct ws_url *u, char **cause)
{
    char *scheme = url_part(h, CURLUPART_SCHEME);
    char *user = url_part(h, CURLUPART_USER);
    char *frag = url_part(h, CURLUPART_FRAGMENT);
    char *host = url_part(h, CURLUPART_HOST);
    char *port = url_part(h, CURLUPART_PORT);
    char *path = url_part(h, CURLUPART_PATH);
    char *query = url_part(h, CURLUPART_QUERY);
    int rc = -1;

    if (scheme == NULL ||
        (strcasecmp(scheme, "ws") != 0 && strcasecmp(scheme, "wss") != 0))
        *cause = xasprintf("'%s' is not a ws:// or wss:// URL", url);
    else if (user)
        *cause = xasprintf("'%s': a user name in a WebSocket URL is not "
                           "supported",
                           url);
    else if (frag)
        *cause = xasprintf("'%s': a WebSocket URL has no #fragment (RFC "
                           "6455 section 3)",
                           url);
    else if (host == NULL || *host == '\0')
        *cause = xasprintf("'%s' names no host", url);
    else if (port && strtoul(port, NULL, 10) == 0)
        *cause = xasprintf("'%s': port 0", url);
    else
        rc = 0;
    if (rc == 0) {
        size_t n = strlen(host);
        u->tls = strcasecmp(scheme, "wss") == 0;
        u->port =
            port ? (unsigned)strtoul(port, NULL, 10) : (u->tls ? 443u : 80u);
        u->host =
            host[0] == '[' && n > 2 ? xstrndup(host + 1, n - 2) : xstrdup(host);
        u->target = xasprintf("%s%s%s", path && *path ? path : "/",
                              query ? "?" : "", query ? query : "");
        u->host_header = port ? xasprintf("%s:%s", host, port) : xstrdup(host);
        u->http_url = xasprintf("%s://%s:%u%s", u->tls ? "https" : "http", host,
                                u->port, u->target);
    }
    free(scheme);
    free(user);
    free(frag);
    free(host);
    free(port);
    free(path);
    free(query);
    return rc;
}

int wsproto_url_parse(const char *url, struct ws_url *u, char **cause)
{
    CURLU *h;
    int rc;

    memset(u, 0, sizeof *u);
    if (!url_chars_ok(url)) {
        *cause = xstrdup("a WebSocket URL with spaces, control or non-ASCII "
                         "characters (percent-encode them)");
        return -1;
    }
    h = curl_url();
    if (curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
        CURLUE_OK) {
        *cause = xasprintf("'%s' is not a URL", url);
        curl_url_cleanup(h);
        return -1;
    }
    rc = url_fill(h, url, u, cause);
    curl_url_cleanup(h);
    if (rc != 0)
        wsproto_url_done(u);
    return rc;
}

/* ---- the handshake ---- */

void wsproto_key(const unsigned char nonce[16], char key[25])
{
    EVP_EncodeBlock((unsigned char *)key, nonce, 16);
}

void wsproto_accept(const char *key, char accept[29])
{
    unsigned char md[SHA_DIGEST_LENGTH];
    char *s = xasprintf("%s%s", key, WS_GUID);

    SHA1((const unsigned char *)s, strlen(s), md);
    EVP_EncodeBlock((unsigned char *)accept, md, sizeof md);
    free(s);
}

char *wsproto_request(const struct ws_url *u, const char *key,
                      const char *user_agent)
{
    return xasprintf("GET %s HTTP/1.1\r\n"
                     "Host: %s\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Protocol: xmpp\r\n"
                     "User-Agent: %s\r\n"
                     "\r\n",
                     u->target, u->host_header, key, user_agent);
}

/* The end of the head ("\r\n\r\n" or "\n\n") within n bytes: its length,
 * or 0. */
static size_t head_length(const char *d, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++) {
        if (d[i] != '\n')
            continue;
        if (d[i + 1] == '\n')
            return i + 2;
        if (i + 2 < n && d[i + 1] == '\r' && d[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static void copy_cut(char *dst, size_t size, const char *s, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Appends ", value" (or value) to a header kept in dst. */
static void copy_join(char *dst, size_t size, const char *s, size_t n)
{
    size_t used = strlen(dst);

    if (used && used + 2 < size) {
        memcpy(dst + used, ", ", 3);
        used += 2;
    }
    copy_cut(dst + used, size - used, s, n);
}

/* 1 when the comma-separated list v (n bytes) holds token, no case. */
static int has_token(const char *v, size_t n, const char *token)
{
    size_t i = 0, tl = strlen(token);

    while (i < n) {
        size_t start, end;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',')
            i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (end - start == tl && strncasecmp(v + start, token, tl) == 0)
            return 1;
    }
    return 0;
}

/* What the head said about the upgrade, beyond the status. */
struct head_facts {
    int upgrade_ok, connection_ok, accept_seen, accept_ok, protocol_seen;
    char *problem; /* the first malformed line, etc. */
};

static int header_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static void header(struct head_facts *f, struct ws_upgrade *u,
                   const char *accept, const char *name, size_t nl,
                   const char *v, size_t vl)
{
    if (header_is(name, nl, "upgrade"))
        f->upgrade_ok = vl == 9 && strncasecmp(v, "websocket", 9) == 0;
    else if (header_is(name, nl, "connection"))
        f->connection_ok |= has_token(v, vl, "upgrade");
    else if (header_is(name, nl, "sec-websocket-accept")) {
        if (f->accept_seen++ && f->problem == NULL)
            f->problem = xstrdup("Sec-WebSocket-Accept twice");
        f->accept_ok = vl == strlen(accept) && memcmp(v, accept, vl) == 0;
    } else if (header_is(name, nl, "sec-websocket-protocol")) {
        if (f->protocol_seen++ && f->problem == NULL)
            f->problem = xstrdup("Sec-WebSocket-Protocol twice");
        copy_cut(u->protocol, sizeof u->protocol, v, vl);
    } else if (header_is(name, nl, "sec-websocket-extensions"))
        copy_join(u->extensions, sizeof u->extensions, v, vl);
    else if (header_is(name, nl, "server") || header_is(name, nl, "via"))
        copy_join(u->server, sizeof u->server, v, vl);
    else if (header_is(name, nl, "date"))
        copy_cut(u->date, sizeof u->date, v, vl);
    else if (header_is(name, nl, "location"))
        copy_cut(u->location, sizeof u->location, v, vl);
}

/* "HTTP/1.1 101 Switching Protocols"; -1 when it is not a status line. */
static int status_line(const char *l, size_t n, struct ws_upgrade *u)
{
    size_t r;

    if (n < 12 || strncmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' ||
        l[8] != ' ' || l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
        l[11] < '0' || l[11] > '9' || (n > 12 && l[12] != ' '))
        return -1;
    u->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    r = n > 13 ? 13 : n;
    copy_cut(u->reason, sizeof u->reason, l + r, n - r);
    return 0;
}

/* Reads the lines of a complete head of n bytes into u and f. */
static void read_head(const char *d, size_t n, const char *accept,
                      struct ws_upgrade *u, struct head_facts *f)
{
    size_t pos = 0, line = 0;

    while (pos < n && f->problem == NULL) {
        const char *l = d + pos, *nl = memchr(l, '\n', n - pos);
        size_t len = (size_t)(nl - l), i;
        pos += len + 1;
        if (len > 0 && l[len - 1] == '\r')
            len--;
        for (i = 0; i < len && f->problem == NULL; i++) {
            unsigned char c = (unsigned char)l[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                f->problem = xasprintf("a control byte (0x%02x) in line %zu", c,
                                       line + 1);
        }
        if (f->problem)
            break;
        if (len == 0) {
            if (line == 0)
                f->problem = xstrdup("no HTTP status line");
            break;
        }
        if (line++ == 0) {
            if (status_line(l, len, u) != 0)
                f->problem = xstrdup("no HTTP status line");
        } else if (l[0] == ' ' || l[0] == '\t') {
            f->problem = xasprintf("a folded header line (line %zu)", line);
        } else {
            const char *colon = memchr(l, ':', len);
            const char *v;
            size_t vl;
            if (colon == NULL || colon == l ||
                memchr(l, ' ', (size_t)(colon - l)) != NULL) {
                f->problem =
                    xasprintf("a malformed header line (line %zu)", line);
                break;
            }
            v = colon + 1;
            vl = len - (size_t)(v - l);
            while (vl > 0 && (*v == ' ' || *v == '\t'))
                v++, vl--;
            while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                vl--;
            header(f, u, accept, l, (size_t)(colon - l), v, vl);
        }
    }
}

/* Why a status other than 101 most likely came, for the user. */
static const char *status_hint(const struct ws_upgrade *u)
{
    switch (u->status) {
    case 200:
        return "a plain HTTP answer: the connection was not upgraded — a "
               "proxy on the path that drops the Upgrade header, or a URL "
               "that is not the WebSocket endpoint";
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
        return "a redirect: perch does not follow redirects of the "
               "upgrade; use the Location given";
    case 400:
        return "the server or a proxy refused the upgrade request (a proxy "
               "that strips Upgrade, or a WebSocket version it does not "
               "speak)";
    case 401:
    case 407:
        return "authentication required (407: by a proxy; give it in "
               "--proxy http://USER:PASSWORD@HOST:PORT)";
    case 403:
        return "forbidden by the server or a proxy";
    case 404:
        return "no WebSocket endpoint at this path";
    case 426:
        return "the server wants another WebSocket version";
    case 501:
        return "the server does not implement this upgrade (not XMPP over "
               "WebSocket here?)";
    case 502:
    case 503:
    case 504:
        return "a proxy or load balancer could not reach the XMPP server";
    default:
        return "not a WebSocket upgrade";
    }
}

/* The first rule of RFC 6455 4.1 a 101 head breaks, or NULL. */
static char *upgrade_problem(const struct ws_upgrade *u,
                             const struct head_facts *f)
{
    if (!f->upgrade_ok)
        return xstrdup("101 without 'Upgrade: websocket'");
    if (!f->connection_ok)
        return xstrdup("101 without 'Connection: Upgrade'");
    if (!f->accept_seen)
        return xstrdup("101 without Sec-WebSocket-Accept");
    if (!f->accept_ok)
        return xstrdup("101 with a Sec-WebSocket-Accept that does not "
                       "answer perch's key (a proxy or cache in the way?)");
    if (strcmp(u->protocol, "xmpp") != 0)
        return u->protocol[0] ? xasprintf("101 with Sec-WebSocket-Protocol: "
                                          "%s, not xmpp (RFC 7395 3.2)",
                                          u->protocol)
                              : xstrdup("101 without Sec-WebSocket-Protocol: "
                                        "xmpp (RFC 7395 3.2)");
    if (u->extensions[0])
        return xasprintf("101 with Sec-WebSocket-Extensions: %s, which perch "
                         "did not offer (RFC 6455 4.1)",
                         u->extensions);
    return NULL;
}

int wsproto_response(const char *data, size_t len, const char *accept,
                     struct ws_upgrade *u, char **cause)
{
    size_t scan = len < WSPROTO_MAX_HEAD ? len : WSPROTO_MAX_HEAD;
    size_t n = head_length(data, scan);
    struct head_facts f;
    char *why;

    memset(u, 0, sizeof *u);
    if (len >= 5 && strncmp(data, "HTTP/", 5) != 0) {
        *cause = xstrdup("the server's answer to the upgrade is not HTTP");
        return WSPROTO_REFUSED;
    }
    if (n == 0) {
        if (len < WSPROTO_MAX_HEAD)
            return WSPROTO_MORE;
        *cause = xasprintf("the answer to the upgrade has a head larger than "
                           "%u KiB",
                           WSPROTO_MAX_HEAD >> 10);
        return WSPROTO_REFUSED;
    }
    memset(&f, 0, sizeof f);
    read_head(data, n, accept, u, &f);
    u->head_len = n;
    if (f.problem) {
        *cause = xasprintf("the answer to the upgrade is not valid HTTP: %s",
                           f.problem);
        free(f.problem);
        return WSPROTO_REFUSED;
    }
    if (u->status != 101) {
        *cause =
            xasprintf("the server answered HTTP %d%s%s instead of 101 "
                      "Switching Protocols: %s%s%s",
                      u->status, u->reason[0] ? " " : "", u->reason,
                      status_hint(u), u->location[0] ? " " : "", u->location);
        return WSPROTO_REFUSED;
    }
    why = upgrade_problem(u, &f);
    if (why) {
        *cause = xasprintf("the upgrade failed: %s", why);
        free(why);
        return WSPROTO_REFUSED;
    }
    return WSPROTO_UPGRADED;
}

/* ---- RFC 7395 framing ---- */

char *wsproto_open(const char *domain)
{
    struct buf b;

    buf_init(&b);
    buf_puts(&b, "<open xmlns='" NS_FRAMING "' to='");
    xml_escape_str(&b, domain, XML_ALL);
    buf_puts(&b, "' version='1.0' xml:lang='en'/>");
    return buf_steal(&b);
}

const char *wsproto_close(void)
{
    return "<close xmlns='" NS_FRAMING "'/>";
}

static int is(xmpp_stanza_t *el, const char *name, const char *ns)
{
    const char *n = xmpp_stanza_get_ns(el);
    return strcmp(xmpp_stanza_get_name(el), name) == 0 && n != NULL &&
           strcmp(n, ns) == 0;
}

xmpp_stanza_t *wsproto_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                             enum ws_msg_kind *kind, char **cause)
{
    enum xmlstream_fault fault = XS_FAULT_NONE;
    char *why = NULL;
    xmpp_stanza_t *el =
        xmlstream_parse_document(ctx, text, len, NULL, &fault, &why);

    if (el == NULL) {
        *cause = xasprintf("%s: %s",
                           fault == XS_FAULT_SYNTAX
                               ? "a message that is not one well-formed XML "
                                 "element"
                               : "a message perch refuses",
                           why);
        free(why);
        return NULL;
    }
    *kind = WS_MSG_STANZA;
    if (is(el, "open", NS_FRAMING)) {
        const char *v = xmpp_stanza_get_attribute(el, "version");
        if (v == NULL || strcmp(v, "1.0") != 0) {
            *cause = xasprintf("an <open/> of version %s, not 1.0 (RFC 7395 "
                               "3.3.2)",
                               v ? v : "none");
            xmpp_stanza_release(el);
            return NULL;
        }
        *kind = WS_MSG_OPEN;
    } else if (is(el, "close", NS_FRAMING)) {
        *kind = WS_MSG_CLOSE;
    } else if (is(el, "features", NS_STREAMS)) {
        *kind = WS_MSG_FEATURES;
    } else if (is(el, "error", NS_STREAMS)) {
        *kind = WS_MSG_ERROR;
    }
    return el;
}

int wsproto_may_follow(const char *from, const char *to, int any_host,
                       char **cause)
{
    struct ws_url a, b;
    char *why = NULL;
    int rc = -1;

    if (wsproto_url_parse(from, &a, &why) != 0) {
        *cause = why;
        return -1;
    }
    if (wsproto_url_parse(to, &b, &why) != 0) {
        *cause = xasprintf("see-other-uri is no WebSocket URL: %s", why);
        free(why);
        wsproto_url_done(&a);
        return -1;
    }
    if (a.tls && !b.tls)
        *cause = xasprintf("see-other-uri %s would leave TLS (wss:// to "
                           "ws://): not followed",
                           to);
    else if (strcasecmp(a.host, b.host) != 0 && !any_host)
        *cause = xasprintf("see-other-uri %s is on another host than %s: "
                           "perch follows it only with "
                           "--ws-follow-other-hosts",
                           to, a.host);
    else
        rc = 0;
    wsproto_url_done(&a);
    wsproto_url_done(&b);
    return rc;
}

/* ---- close codes (RFC 6455 7.4, IANA registry) ---- */

static const char *const close_names[] = {
    "normal closure",        /* 1000 */
    "going away",            /* 1001 */
    "protocol error",        /* 1002 */
    "unsupported data",      /* 1003 */
    "reserved",              /* 1004 */
    "no status code",        /* 1005 */
    "abnormal closure",      /* 1006 */
    "invalid payload data",  /* 1007 */
    "policy violation",      /* 1008 */
    "message too big",       /* 1009 */
    "mandatory extension",   /* 1010 */
    "internal server error", /* 1011 */
    "service restart",       /* 1012 */
    "try again later",       /* 1013 */
    "bad gateway",           /* 1014 */
    "TLS handshake failure", /* 1015 */
};

const char *wsproto_close_name(unsigned code)
{
    if (code >= 1000 && code <= 1015)
        return close_names[code - 1000];
    if (code >= 3000 && code <= 3999)
        return "registered (library or framework)";
    if (code >= 4000 && code <= 4999)
        return "application-defined";
    return "not a valid close code";
}
