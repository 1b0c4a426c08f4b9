/* sink JID PASSWORD HOST PORT CAFILE: an XMPP client that never answers.
 *
 * It logs in with STARTTLS (mandatory, verified against CAFILE), sends its
 * initial presence, prints "ready" on stdout and then lets every iq it
 * receives go unanswered, so that a test can send an iq to its full JID
 * and watch the sender time out. Each iq received is noted on stderr.
 * SIGTERM or SIGINT makes it disconnect and exit 0; a failed or lost
 * connection exits 1; bad arguments exit 2. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

static volatile sig_atomic_t stop_requested;

struct sink {
    int ready;  /* presence sent, "ready" printed */
    int failed; /* the connection failed or was lost */
};

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int iq_handler(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    const char *from = xmpp_stanza_get_from(stanza);
    const char *id = xmpp_stanza_get_id(stanza);
    const char *type = xmpp_stanza_get_type(stanza);

    (void)conn;
    (void)userdata;
    if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
        return 1; /* results and errors need no answer anyway */
    fprintf(stderr, "sink: iq type='%s' id='%s' from '%s' left unanswered\n",
            type ? type : "", id ? id : "", from ? from : "");
    return 1; /* keep the handler; never reply */
}

static int certfail_handler(const xmpp_tlscert_t *cert, const char *errormsg)
{
    (void)cert;
    fprintf(stderr, "sink: certificate not trusted: %s\n",
            errormsg ? errormsg : "unknown reason");
    return 0; /* reject */
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
                         xmpp_stream_error_t *stream_error, void *userdata)
{
    struct sink *s = userdata;
    xmpp_ctx_t *ctx = xmpp_conn_get_context(conn);

    (void)stream_error;
    if (status == XMPP_CONN_CONNECT) {
        xmpp_stanza_t *pres = xmpp_presence_new(ctx);

        xmpp_handler_add(conn, iq_handler, NULL, "iq", NULL, s);
        xmpp_send(conn, pres);
        xmpp_stanza_release(pres);
        s->ready = 1;
        fprintf(stdout, "ready\n");
        fflush(stdout);
        return;
    }
    if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL) {
        if (!stop_requested) {
            fprintf(stderr, "sink: %s%s%s\n",
                    s->ready ? "connection lost" : "login failed",
                    error ? ": " : "", error ? strerror(error) : "");
            s->failed = 1;
        }
    }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct sink s = {0, 0};
    struct sigaction sa;
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;
    xmpp_log_t *log;
    char *end;
    long port;
    int rc;

    if (argc != 6) {
        fprintf(stderr, "usage: sink JID PASSWORD HOST PORT CAFILE\n");
        return 2;
    }
    errno = 0;
    port = strtol(argv[4], &end, 10);
    if (errno || *end || end == argv[4] || port < 1 || port > 65535) {
        fprintf(stderr, "sink: bad port '%s'\n", argv[4]);
        return 2;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    xmpp_initialize();
    log = xmpp_get_default_logger(getenv("SINK_DEBUG") ? XMPP_LEVEL_DEBUG
                                                       : XMPP_LEVEL_WARN);
    ctx = xmpp_ctx_new(NULL, log);
    conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, argv[2]);
    xmpp_conn_set_cafile(conn, argv[5]);
    xmpp_conn_set_certfail_handler(conn, certfail_handler);

    if (xmpp_connect_client(conn, argv[3], (unsigned short)port, conn_handler,
                            &s) != XMPP_EOK) {
        fprintf(stderr, "sink: cannot connect to %s port %ld\n", argv[3], port);
        s.failed = 1;
    }

    while (!stop_requested && !s.failed)
        xmpp_run_once(ctx, 100);

    /* Close the stream politely, but do not wait forever for the server. */
    if (!xmpp_conn_is_disconnected(conn)) {
        double deadline = now_s() + 3.0;

        xmpp_disconnect(conn);
        while (!xmpp_conn_is_disconnected(conn) && now_s() < deadline)
            xmpp_run_once(ctx, 100);
    }
    rc = s.failed && !stop_requested ? 1 : 0;

    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return rc;
}
