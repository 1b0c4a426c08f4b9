/* The Finesse REST client on curlev: requests, answers, decoding. */
#include "rest.h"
#include "base/buf.h"
#include "base/loop.h"
#include "decode/decode.h"
#include "evidence/recorder.h"
#include "http/curlev.h"
#include "restmsg.h"
#include "xmpp/transport.h"
#include "xmpp/xmlstream.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REST_MAX_HEAD (64u << 10) /* --record: one header block */

struct rreq {
    struct rest *r;
    CURL *easy;
    struct curl_slist *headers;
    const char *method; /* static */
    char *path, *url, *body;
    size_t body_len;
    char sent_id[REST_ID_LEN + 1];
    char answered_id[128]; /* the response's requestId header */
    char date[64];
    struct curlev_body resp; /* at most REST_MAX_RESPONSE */
    char errbuf[CURL_ERROR_SIZE];
    double start_ms;
    /* --record only: when it left (wall clock), the header blocks as on
     * the wire, the connection's TLS while it was in use */
    double start_wall;
    struct buf req_head, resp_head;
    const char *tls_version, *tls_cipher;
    rest_cb cb;
    void *arg;
    struct rreq *next;
};

struct rest {
    struct loop *loop;
    xmpp_ctx_t *ctx;
    struct curlev *multi;
    char *base, *user, *password;
    struct http_tls tls; /* strings owned */
    unsigned timeout_ms;
    struct recorder *recorder; /* borrowed, or NULL */
    struct rreq *reqs;
};

static void rreq_free(struct rreq *q)
{
    if (q->easy) {
        curlev_remove(q->r->multi, q->easy);
        curl_easy_cleanup(q->easy);
    }
    curl_slist_free_all(q->headers);
    buf_done(&q->resp.buf);
    if (q->req_head.data) /* it held the Authorization header */
        explicit_bzero(q->req_head.data, q->req_head.cap);
    buf_done(&q->req_head);
    buf_done(&q->resp_head);
    free(q->path);
    free(q->url);
    free(q->body);
    free(q);
}

static void unlink_req(struct rest *r, struct rreq *q)
{
    struct rreq **p;

    for (p = &r->reqs; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            return;
        }
}

int rest_check_body(xmpp_ctx_t *ctx, const char *text, size_t len, char **cause)
{
    char *why = NULL;
    xmpp_stanza_t *doc =
        xmlstream_parse_document(ctx, text, len, NULL, NULL, &why);

    if (doc == NULL) {
        *cause =
            xasprintf("the body is not one well-formed XML element: %s", why);
        free(why);
        return -1;
    }
    xmpp_stanza_release(doc);
    return 0;
}

/* ---- the answer ---- */

void rest_read_body(xmpp_ctx_t *ctx, const char *path, const char *body,
                    size_t len, xmpp_stanza_t **doc, json_t **decoded,
                    char **parse_error)
{
    *doc = NULL;
    *decoded = NULL;
    *parse_error = NULL;
    if (len == 0)
        return;
    *doc = xmlstream_parse_document(ctx, body, len, NULL, NULL, parse_error);
    if (*doc)
        *decoded = decode_rest(path, *doc);
}

/* --record: the exchange, after the tcp/tls lines of a new connection. */
static void record(struct rreq *q, const struct rest_response *resp)
{
    struct rest *r = q->r;
    struct recorder_rest x;

    if (r->recorder == NULL)
        return;
    http_conn_report(q->easy, &r->tls, q->start_wall, q->tls_version,
                     q->tls_cipher, recorder_conn_cb, r->recorder);
    memset(&x, 0, sizeof x);
    x.start = q->start_wall;
    x.ms = resp->ms;
    x.method = q->method;
    x.url = q->url;
    x.status = resp->status;
    x.req_id = q->sent_id;
    x.req_head = q->req_head.data;
    x.req_head_len = q->req_head.len;
    x.resp_head = q->resp_head.data;
    x.resp_head_len = q->resp_head.len;
    x.body_out = q->body;
    x.body_out_len = q->body_len;
    x.body_in = resp->body;
    x.body_in_len = resp->len;
    x.capped = q->resp.capped;
    x.error = resp->cause;
    recorder_rest(r->recorder, &x);
}

static void finish(struct rreq *q, CURLcode rc)
{
    struct rest *r = q->r;
    struct rest_response resp;
    char *cause = NULL, *parse_error = NULL;
    xmpp_stanza_t *doc = NULL;

    memset(&resp, 0, sizeof resp);
    resp.method = q->method;
    resp.path = q->path;
    resp.url = q->url;
    resp.sent_id = q->sent_id;
    resp.request_id = q->answered_id[0] ? q->answered_id : q->sent_id;
    resp.ms = loop_now_ms() - q->start_ms;
    resp.date = q->date[0] ? q->date : NULL;
    buf_append(&q->resp.buf, "", 0);
    resp.body = q->resp.buf.data;
    resp.len = q->resp.buf.len;
    if (q->resp.capped) {
        resp.fail = FAIL_STREAM;
        cause = xasprintf("%s: the answer is larger than %u bytes", q->url,
                          REST_MAX_RESPONSE);
    } else if (rc != CURLE_OK) {
        cause = http_fail_cause(q->url, &r->tls, rc, q->errbuf, &resp.fail);
    } else {
        curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &resp.status);
        rest_read_body(r->ctx, q->path, resp.body, resp.len, &doc,
                       &resp.decoded, &parse_error);
        resp.doc = doc;
        resp.parse_error = parse_error;
    }
    resp.cause = cause;
    record(q, &resp);
    q->cb(q->arg, &resp);
    json_decref(resp.decoded);
    if (doc)
        xmpp_stanza_release(doc);
    free(parse_error);
    free(cause);
}

static void on_done(void *arg, CURL *easy, CURLcode rc)
{
    struct rest *r = arg;
    struct rreq *q = NULL;

    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&q);
    if (q == NULL)
        return;
    unlink_req(r, q);
    finish(q, rc);
    curl_easy_cleanup(q->easy); /* curlev removed it already */
    q->easy = NULL;
    rreq_free(q);
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct rreq *q = arg;
    size_t len = size * n;

    /* a later response (after a 100 Continue) replaces an earlier one's */
    if (len > 5 && strncasecmp(data, "HTTP/", 5) == 0) {
        q->answered_id[0] = '\0';
        q->date[0] = '\0';
        q->resp_head.len = 0;
        if (q->r->recorder && q->tls_version == NULL)
            http_tls_session(q->easy, &q->tls_version, &q->tls_cipher);
    }
    if (q->r->recorder && q->resp_head.len + len <= REST_MAX_HEAD)
        buf_append(&q->resp_head, data, len);
    rest_header_value(data, len, "requestId", q->answered_id,
                      sizeof q->answered_id);
    rest_header_value(data, len, "Date", q->date, sizeof q->date);
    return len;
}

/* ---- the request ---- */

static void new_request_id(char out[REST_ID_LEN + 1])
{
    unsigned char rnd[16];

    if (RAND_bytes(rnd, sizeof rnd) != 1)
        abort(); /* no randomness: nothing sensible to do */
    rest_uuid(rnd, out);
}

/* --record: the request's header block as curl sent it (the last one
 * wins); curl calls this only with CURLOPT_VERBOSE, for nothing else. */
static int on_debug(CURL *e, curl_infotype type, char *data, size_t size,
                    void *arg)
{
    struct rreq *q = arg;
    (void)e;

    if (type == CURLINFO_HEADER_OUT && size <= REST_MAX_HEAD) {
        q->req_head.len = 0;
        buf_append(&q->req_head, data, size);
    }
    return 0;
}

static void configure(struct rest *r, struct rreq *q)
{
    CURL *e = q->easy;
    char *h;

    curl_easy_setopt(e, CURLOPT_URL, q->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, q);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, curlev_body_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &q->resp);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, q);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, q->errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)TRANSPORT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, r->user);
    curl_easy_setopt(e, CURLOPT_PASSWORD, r->password);
    http_tls_apply(e, &r->tls);
    q->headers = curl_slist_append(NULL, "Accept: application/xml");
    if (q->body) {
        q->headers =
            curl_slist_append(q->headers, "Content-Type: application/xml");
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)q->body_len);
    } else if (strcmp(q->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
    }
    if (strcmp(q->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, q->method);
        h = xasprintf("requestId: %s", q->sent_id);
        q->headers = curl_slist_append(q->headers, h);
        free(h);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, q->headers);
    if (r->recorder) {
        curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(e, CURLOPT_DEBUGDATA, q);
        curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(e, CURLOPT_CERTINFO, 1L); /* for the tls line */
    }
}

int rest_request(struct rest *r, const char *method, const char *path,
                 const char *body, size_t len, rest_cb cb, void *arg,
                 const char **id, char **cause)
{
    const char *m = rest_method(method);
    struct rreq *q;
    char *p;

    if (m == NULL) {
        *cause = xasprintf("'%s' is not GET, PUT, POST or DELETE", method);
        return -1;
    }
    if ((p = rest_path(path, cause)) == NULL)
        return -1;
    if (body && rest_check_body(r->ctx, body, len, cause) != 0) {
        free(p);
        return -1;
    }
    q = xcalloc(1, sizeof *q);
    q->r = r;
    q->method = m;
    q->path = p;
    q->url = rest_url(r->base, p);
    if (body) {
        q->body = xstrndup(body, len);
        q->body_len = len;
    }
    if (strcmp(m, "GET") != 0)
        new_request_id(q->sent_id);
    q->cb = cb;
    q->arg = arg;
    curlev_body_reset(&q->resp, REST_MAX_RESPONSE);
    q->easy = curl_easy_init();
    configure(r, q);
    q->start_ms = loop_now_ms();
    q->start_wall = loop_wall_s();
    q->next = r->reqs;
    r->reqs = q;
    if (id)
        *id = q->sent_id;
    curlev_add(r->multi, q->easy);
    return 0;
}

struct rest *rest_new(struct loop *loop, xmpp_ctx_t *ctx,
                      const struct rest_config *cfg, char **cause)
{
    struct rest *r;

    if (strncasecmp(cfg->base, "https://", 8) != 0 &&
        !cfg->allow_plaintext_auth) {
        *cause = xasprintf("%s is not https: the password would travel "
                           "unencrypted (--allow-plaintext-auth sends it "
                           "anyway)",
                           cfg->base);
        return NULL;
    }
    r = xcalloc(1, sizeof *r);
    r->loop = loop;
    r->ctx = ctx;
    r->base = xstrdup(cfg->base);
    r->user = xstrdup(cfg->user ? cfg->user : "");
    r->password = xstrdup(cfg->password ? cfg->password : "");
    http_tls_copy(&r->tls, &cfg->tls);
    r->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : REST_TIMEOUT_MS;
    r->recorder = cfg->recorder;
    r->multi = curlev_new(loop, on_done, r);
    return r;
}

void rest_free(struct rest *r)
{
    if (r == NULL)
        return;
    while (r->reqs) {
        struct rreq *q = r->reqs;
        r->reqs = q->next;
        rreq_free(q);
    }
    curlev_free(r->multi);
    explicit_bzero(r->password, strlen(r->password));
    free(r->password);
    free(r->base);
    free(r->user);
    http_tls_done(&r->tls);
    free(r);
}

const char *rest_base_url(const struct rest *r)
{
    return r->base;
}
