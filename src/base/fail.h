/* Why a connection ended or could not start, and the exit code it means. */
#ifndef PERCH_FAIL_H
#define PERCH_FAIL_H

enum perch_fail {
    FAIL_NONE = 0,
    FAIL_DNS,       /* host name does not resolve */
    FAIL_REFUSED,   /* TCP connection refused */
    FAIL_NETWORK,   /* other socket error, connect timeout, reset */
    FAIL_TLS,       /* TLS handshake failed or TLS required but absent */
    FAIL_CERT,      /* certificate not trusted (exit 4) */
    FAIL_PLAINTEXT, /* credentials would travel unencrypted */
    FAIL_SASL_MECH, /* no acceptable SASL mechanism */
    FAIL_AUTH,      /* server rejected the credentials */
    FAIL_STREAM,    /* stream error or protocol violation */
    FAIL_TIMEOUT,   /* login did not complete in time */
    FAIL_SILENT,    /* the server stopped answering (keepalive, BOSH) */
    FAIL_CLOSED,    /* closed on our request (not an error) */
};

/* Exit codes of the headless modes (perch(1), EXIT STATUS). */
enum perch_exit {
    EXIT_OK = 0,
    EXIT_REPLY_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_CONNECT = 3,
    EXIT_CERT = 4,
    EXIT_TIMEOUT = 5,
    EXIT_UNHEALTHY = 6,     /* probe: up, but errors, resends, lost pings */
    EXIT_INTERRUPTED = 130, /* SIGINT / SIGTERM, as a shell reports it */
};

static inline int fail_exit_code(enum perch_fail f)
{
    if (f == FAIL_NONE || f == FAIL_CLOSED)
        return EXIT_OK;
    if (f == FAIL_TIMEOUT) /* the server never answered the login */
        return EXIT_TIMEOUT;
    return f == FAIL_CERT ? EXIT_CERT : EXIT_CONNECT;
}

#endif
