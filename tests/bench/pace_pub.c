/*
 * The latency benchmark's publisher: a libstrophe client that publishes
 * RATE items a second for SECONDS to one pubsub node, each item's id the
 * wall clock time it left, in microseconds, and its payload the text of
 * PAYLOAD_FILE (one <notification> element, its <Update> escaped). A
 * receiver subtracts the id from the time it printed the event. Prints
 * "published N" once the server has answered every publish, and exits.
 *
 *   pace_pub JID PASSWORD HOST PORT CAFILE SERVICE NODE RATE SECONDS FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <sys/time.h>

static char **args;
static char *payload;
static long rate, total, sent, answered;
static double t0;
static int started, failed;

static double now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

static int on_result(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
    (void)conn;
    (void)arg;
    if (strcmp(xmpp_stanza_get_type(st), "result") != 0)
        failed = 1;
    answered++;
    return 1;
}

static void publish_due(xmpp_conn_t *conn)
{
    long due = (long)((now_us() - t0) * (double)rate / 1e6) + 1;

    if (due > total)
        due = total;
    for (; sent < due; sent++)
        xmpp_send_raw_string(
            conn,
            "<iq type='set' to='%s' id='p%ld'><pubsub "
            "xmlns='http://jabber.org/protocol/pubsub'><publish node='%s'>"
            "<item id='%.0f'>%s</item></publish></pubsub></iq>",
            args[6], sent, args[7], now_us(), payload);
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
                    xmpp_stream_error_t *se, void *arg)
{
    (void)err;
    (void)se;
    (void)arg;
    if (ev == XMPP_CONN_CONNECT) {
        xmpp_handler_add(conn, on_result, NULL, "iq", NULL, NULL);
        t0 = now_us();
        started = 1;
    } else {
        started = -1;
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) || !(s = malloc((size_t)n + 1)) ||
        fread(s, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "pace_pub: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    s[n] = '\0';
    return s;
}

int main(int argc, char **argv)
{
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;

    if (argc != 11) {
        fprintf(stderr, "usage: pace_pub JID PASSWORD HOST PORT CAFILE "
                        "SERVICE NODE RATE SECONDS FILE\n");
        return 2;
    }
    args = argv;
    rate = atol(argv[8]);
    total = rate * atol(argv[9]);
    payload = slurp(argv[10]);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS |
                                  XMPP_CONN_FLAG_DISABLE_SM);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, argv[2]);
    xmpp_conn_set_cafile(conn, argv[5]);
    if (xmpp_connect_client(conn, argv[3], (unsigned short)atoi(argv[4]),
                            on_conn, NULL) != XMPP_EOK)
        return 1;
    /* 1 ms turns: the pace is kept to the millisecond */
    while (started >= 0 && (started == 0 || answered < total)) {
        xmpp_run_once(ctx, 1);
        if (started > 0)
            publish_due(conn);
    }
    if (started < 0) {
        fprintf(stderr, "pace_pub: disconnected after %ld\n", answered);
        return 1;
    }
    printf("published %ld%s\n", answered, failed ? " (some refused)" : "");
    xmpp_disconnect(conn);
    while (started > 0)
        xmpp_run_once(ctx, 10);
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    free(payload);
    return failed;
}
