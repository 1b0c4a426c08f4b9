/*
 * The ingest baseline: a minimal libstrophe client that subscribes to one
 * pubsub node, counts the event messages it receives and does nothing
 * else. Prints "ready CPU_US" once subscribed, then, after N events, the
 * wall clock time in ms and its CPU time so far ("done MS CPU_US"), and
 * exits. CPU_US: user + system time of the process, in microseconds.
 *
 *   count_receiver JID PASSWORD HOST PORT CAFILE SERVICE NODE N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <sys/resource.h>
#include <sys/time.h>

static long target, seen;
static int finished;

static double now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0;
}

static long long cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
           ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
    (void)arg;
    if (xmpp_stanza_get_child_by_name_and_ns(
            st, "event", "http://jabber.org/protocol/pubsub#event") &&
        ++seen == target) {
        printf("done %.3f %lld\n", now_ms(), cpu_us());
        fflush(stdout);
        finished = 1;
        xmpp_disconnect(conn);
    }
    return 1;
}

static int on_subscribed(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
    (void)conn;
    (void)arg;
    if (strcmp(xmpp_stanza_get_type(st), "result") != 0) {
        fprintf(stderr, "count_receiver: subscribe failed\n");
        exit(1);
    }
    printf("ready %lld\n", cpu_us());
    fflush(stdout);
    return 0;
}

static char **args;

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
                    xmpp_stream_error_t *se, void *arg)
{
    xmpp_ctx_t *ctx = arg;
    (void)err;
    (void)se;
    if (ev == XMPP_CONN_CONNECT) {
        xmpp_stanza_t *pres = xmpp_presence_new(ctx);
        xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", "sub1");
        xmpp_stanza_t *ps = xmpp_stanza_new(ctx), *sub = xmpp_stanza_new(ctx);
        xmpp_send(conn, pres);
        xmpp_stanza_release(pres);
        xmpp_stanza_set_to(iq, args[6]);
        xmpp_stanza_set_name(ps, "pubsub");
        xmpp_stanza_set_ns(ps, "http://jabber.org/protocol/pubsub");
        xmpp_stanza_set_name(sub, "subscribe");
        xmpp_stanza_set_attribute(sub, "node", args[7]);
        xmpp_stanza_set_attribute(sub, "jid", xmpp_conn_get_bound_jid(conn));
        xmpp_stanza_add_child_ex(ps, sub, 0);
        xmpp_stanza_add_child_ex(iq, ps, 0);
        xmpp_id_handler_add(conn, on_subscribed, "sub1", NULL);
        xmpp_handler_add(conn, on_message, NULL, "message", NULL, NULL);
        xmpp_send(conn, iq);
        xmpp_stanza_release(iq);
    } else {
        if (!finished)
            fprintf(stderr, "count_receiver: disconnected after %ld\n", seen);
        xmpp_stop(ctx);
    }
}

int main(int argc, char **argv)
{
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;

    if (argc != 9) {
        fprintf(stderr, "usage: count_receiver JID PASSWORD HOST PORT CAFILE "
                        "SERVICE NODE N\n");
        return 2;
    }
    args = argv;
    target = atol(argv[8]);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS |
                                  XMPP_CONN_FLAG_DISABLE_SM);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, argv[2]);
    xmpp_conn_set_cafile(conn, argv[5]);
    if (xmpp_connect_client(conn, argv[3], (unsigned short)atoi(argv[4]),
                            on_conn, ctx) != XMPP_EOK)
        return 1;
    xmpp_run(ctx);
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return finished ? 0 : 1;
}
