/* simulate's REST API on evhttp. */
#include "simrest.h"
#include "base/buf.h"
#include "base/loop.h"
#include "rest/restmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT_S 10
#define FIELD_MAX 256 /* a user id or password */

/* A GET's answer held for get_delay_ms: what the object was when asked,
 * sent late, as a loaded Finesse's can be (older than an Update sent
 * meanwhile). */
struct held {
    struct simrest *r;
    struct evhttp_request *req; /* NULL once its connection closed */
    struct evhttp_connection *conn;
    struct loop_timer *timer;
    int status;
    char *body;
    size_t len;
    struct held *next;
};

struct simrest {
    struct sim *sim;
    struct loop *loop;
    struct held *held;
    struct evhttp *http;
    SSL_CTX *ssl;
    struct sim_rest_users users;
    struct simrest_config cfg;
    struct sim_rest_answer answer;
    char url[64];
    unsigned long requests;
    double wall0, mono0; /* now_ms for the simulator */
};

/* ---- the users file ---- */

static char *read_users(const char *path, size_t *len, char **cause)
{
    struct stat st;
    struct buf b;
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        *cause = xasprintf("--rest-users %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
        *cause = xasprintf("--rest-users %s: not a file of mode 0600 (it "
                           "holds passwords: chmod 600 %s)",
                           path, path);
        close(fd);
        return NULL;
    }
    buf_init(&b);
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        buf_append(&b, chunk, (size_t)n);
        if (b.len > SIMREST_MAX_USERS_FILE)
            break;
    }
    close(fd);
    if (n < 0 || b.len > SIMREST_MAX_USERS_FILE) {
        *cause = xasprintf("--rest-users %s: %s", path,
                           n < 0 ? strerror(errno) : "larger than 1 MiB");
        buf_done(&b);
        return NULL;
    }
    buf_append(&b, "", 0);
    *len = b.len;
    return buf_steal(&b);
}

static int load_users(struct simrest *r, char **cause)
{
    char *text, *why = NULL;
    size_t len, i;
    int rc;

    if ((text = read_users(r->cfg.users_file, &len, cause)) == NULL)
        return -1;
    rc = sim_rest_users_parse(text, len, &r->users, &why);
    explicit_bzero(text, len);
    free(text);
    if (rc != 0) {
        *cause = xasprintf("--rest-users %s: %s", r->cfg.users_file, why);
        free(why);
        return -1;
    }
    for (i = 0; i < r->users.n; i++)
        sim_drive(r->sim, r->users.id[i]);
    return 0;
}

/* ---- TLS ---- */

static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
    struct simrest *r = arg;

    return bufferevent_openssl_socket_new(base, -1, SSL_new(r->ssl),
                                          BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE);
}

static int load_tls(struct simrest *r, char **cause)
{
    char err[256];

    r->ssl = SSL_CTX_new(TLS_server_method());
    if (r->ssl == NULL ||
        SSL_CTX_use_certificate_chain_file(r->ssl, r->cfg.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(r->ssl, r->cfg.key, SSL_FILETYPE_PEM) !=
            1 ||
        SSL_CTX_check_private_key(r->ssl) != 1) {
        ERR_error_string_n(ERR_get_error(), err, sizeof err);
        *cause = xasprintf("--rest-cert %s / --rest-key %s: %s", r->cfg.cert,
                           r->cfg.key, err);
        return -1;
    }
    evhttp_set_bevcb(r->http, tls_bev, r);
    return 0;
}

/* ---- requests ---- */

static const char *method_name(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    default:
        return NULL;
    }
}

static void reply(struct evhttp_request *req, int status, const char *body,
                  size_t len)
{
    struct evbuffer *out = evbuffer_new();

    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/xml");
    evbuffer_add(out, body, len);
    evhttp_send_reply(req, status, rest_reason(status), out);
    evbuffer_free(out);
}

static void reply_error(struct simrest *r, struct evhttp_request *req,
                        int status, const char *type, const char *message)
{
    struct sim_api_error e = {type, "", message};

    r->answer.body.len = 0;
    sim_xml_api_errors(&r->answer.body, &e);
    reply(req, status, r->answer.body.data, r->answer.body.len);
}

/* The authenticated user into user, or 0 after answering 401. */
static int authenticate(struct simrest *r, struct evhttp_request *req,
                        char user[FIELD_MAX])
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
                                       "Authorization");
    char pass[FIELD_MAX];
    int ok;

    ok = sim_rest_basic_auth(h, user, pass, FIELD_MAX) == 0 &&
         sim_rest_users_check(&r->users, user, pass);
    explicit_bzero(pass, sizeof pass);
    if (ok)
        return 1;
    evhttp_add_header(evhttp_request_get_output_headers(req),
                      "WWW-Authenticate", "Basic realm=\"Finesse\"");
    reply_error(r, req, 401, "Authorization Failure",
                h ? "The user id or password is wrong"
                  : "The request carries no credentials");
    return 0;
}

/* The request's requestId header, else a new one (in id). */
static void request_id(struct evhttp_request *req, char id[REST_ID_LEN + 1])
{
    const char *h =
        evhttp_find_header(evhttp_request_get_input_headers(req), "requestId");
    unsigned char rnd[16];

    if (h && *h && strlen(h) <= REST_ID_LEN &&
        strspn(h, "0123456789abcdefABCDEF-") == strlen(h)) {
        snprintf(id, REST_ID_LEN + 1, "%s", h);
        return;
    }
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        abort();
    rest_uuid(rnd, id);
}

static void held_free(struct held *h)
{
    struct held **pp;

    for (pp = &h->r->held; *pp != h; pp = &(*pp)->next)
        ;
    *pp = h->next;
    loop_timer_free(h->timer);
    free(h->body);
    free(h);
}

static void on_held(void *arg)
{
    struct held *h = arg;

    if (h->req)
        reply(h->req, h->status, h->body, h->len);
    held_free(h);
}

/* The client went away: its held answers have nobody to go to. */
static void on_conn_closed(struct evhttp_connection *conn, void *arg)
{
    struct simrest *r = arg;
    struct held *h;

    for (h = r->held; h; h = h->next)
        if (h->conn == conn)
            h->req = NULL;
}

static void hold(struct simrest *r, struct evhttp_request *req)
{
    struct held *h = xcalloc(1, sizeof *h);

    h->r = r;
    h->req = req;
    h->conn = evhttp_request_get_connection(req);
    h->status = r->answer.status;
    h->len = r->answer.body.len;
    h->body = xmalloc(h->len + 1);
    memcpy(h->body, r->answer.body.data ? r->answer.body.data : "", h->len);
    h->timer = loop_timer_new(r->loop, on_held, h);
    h->next = r->held;
    r->held = h;
    evhttp_connection_set_closecb(h->conn, on_conn_closed, r);
    loop_timer_start(h->timer, r->cfg.get_delay_ms);
}

static double now_ms(struct simrest *r)
{
    return r->wall0 + (loop_now_ms() - r->mono0);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct simrest *r = arg;
    struct sim_rest_request q;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    char user[FIELD_MAX], id[REST_ID_LEN + 1], *body = NULL;
    size_t len = evbuffer_get_length(in);

    r->requests++;
    memset(&q, 0, sizeof q);
    q.method = method_name(evhttp_request_get_command(req));
    q.path = evhttp_request_get_uri(req);
    if (q.method == NULL) {
        reply_error(r, req, 405, "Method Not Allowed", "GET, PUT, POST");
        return;
    }
    if (!r->cfg.ready(r->cfg.arg)) {
        reply_error(r, req, 503, "Service Unavailable",
                    "The simulator is still creating its nodes");
        return;
    }
    if (!authenticate(r, req, user))
        return;
    if (len) {
        body = xmalloc(len + 1);
        evbuffer_remove(in, body, len);
        body[len] = '\0';
    }
    request_id(req, id);
    q.user = user;
    q.body = body;
    q.len = len;
    q.request_id = strcmp(q.method, "GET") ? id : "";
    sim_rest(r->sim, &q, now_ms(r), &r->answer);
    if (*q.request_id)
        evhttp_add_header(evhttp_request_get_output_headers(req), "requestId",
                          id);
    if (r->cfg.get_delay_ms && !*q.request_id)
        hold(r, req);
    else
        reply(req, r->answer.status, r->answer.body.data, r->answer.body.len);
    free(body);
    r->cfg.changed(r->cfg.arg);
}

/* ---- life ---- */

struct simrest *simrest_new(struct loop *loop, struct sim *sim,
                            const struct simrest_config *cfg, char **cause)
{
    struct simrest *r = xcalloc(1, sizeof *r);
    const char *host = cfg->host ? cfg->host : "127.0.0.1";
    struct timespec ts;

    r->sim = sim;
    r->loop = loop;
    r->cfg = *cfg;
    buf_init(&r->answer.body);
    clock_gettime(CLOCK_REALTIME, &ts);
    r->wall0 = (double)ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
    r->mono0 = loop_now_ms();
    r->http = evhttp_new(loop_base(loop));
    evhttp_set_max_body_size(r->http, SIMREST_MAX_BODY);
    evhttp_set_max_headers_size(r->http, SIMREST_MAX_HEADERS);
    evhttp_set_timeout(r->http, TIMEOUT_S);
    evhttp_set_allowed_methods(r->http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_POST |
                                            EVHTTP_REQ_DELETE);
    evhttp_set_gencb(r->http, on_request, r);
    if (load_users(r, cause) != 0 || (cfg->cert && load_tls(r, cause) != 0)) {
        simrest_free(r);
        return NULL;
    }
    if (!simrest_loopback(host)) {
        *cause = xasprintf("--rest-host: '%s' is not a loopback address "
                           "(127.x.y.z)",
                           host);
        simrest_free(r);
        return NULL;
    }
    if (evhttp_bind_socket(r->http, host, (ev_uint16_t)cfg->port) != 0) {
        *cause = xasprintf("--rest-port: cannot listen on %s:%u: %s", host,
                           cfg->port, strerror(errno));
        simrest_free(r);
        return NULL;
    }
    snprintf(r->url, sizeof r->url, "%s://%s:%u", cfg->cert ? "https" : "http",
             host, cfg->port);
    return r;
}

int simrest_loopback(const char *host)
{
    struct in_addr a;
    unsigned n[4];
    char end;

    if (host == NULL || inet_pton(AF_INET, host, &a) != 1 ||
        sscanf(host, "%u.%u.%u.%u%c", &n[0], &n[1], &n[2], &n[3], &end) != 4)
        return 0;
    return n[0] == 127;
}

void simrest_free(struct simrest *r)
{
    if (r == NULL)
        return;
    while (r->held) /* never sent: the simulator is ending */
        held_free(r->held);
    if (r->http)
        evhttp_free(r->http);
    if (r->ssl)
        SSL_CTX_free(r->ssl);
    sim_rest_users_done(&r->users);
    buf_done(&r->answer.body);
    free(r);
}

const char *simrest_url(const struct simrest *r)
{
    return r->url;
}

size_t simrest_users(const struct simrest *r)
{
    return r->users.n;
}

unsigned long simrest_requests(const struct simrest *r)
{
    return r->requests;
}
