/*
 * perch simulate's REST API: libevent's HTTP server (evhttp, with its
 * limits on headers and bodies) on loopback, https when given a
 * certificate; HTTP Basic checked against the --rest-users file; each
 * request answered by sim_rest (src/sim/sim_rest.c) and the Updates it
 * causes handed to the command to publish.
 */
#ifndef PERCH_SIMREST_H
#define PERCH_SIMREST_H

#include "sim/sim.h"

struct loop;
struct simrest;

#define SIMREST_MAX_BODY 65536    /* bytes of a request body */
#define SIMREST_MAX_HEADERS 16384 /* bytes of a request's headers */
#define SIMREST_MAX_USERS_FILE (1u << 20)

struct simrest_config {
    unsigned port;              /* on host */
    const char *host;           /* a 127.x.y.z address; NULL: 127.0.0.1 */
    const char *cert, *key;     /* PEM files for https, or both NULL */
    const char *users_file;     /* ID:PASSWORD lines, mode 0600 */
    unsigned get_delay_ms;      /* a GET's answer, written when asked, is
                                   sent this much later (0: at once) */
    int (*ready)(void *arg);    /* 0 until the node set exists: 503 */
    void (*changed)(void *arg); /* Updates are queued: sim_rest_next */
    void *arg;
};

/* 1 when host is an IPv4 loopback address (127.0.0.0/8) written as
 * four numbers: all the simulator may listen on. */
int simrest_loopback(const char *host);

/* Reads the users file (and tells sim which agents their users drive),
 * loads the certificate, listens. NULL with *cause (caller frees). loop
 * and sim are borrowed. */
struct simrest *simrest_new(struct loop *loop, struct sim *sim,
                            const struct simrest_config *cfg, char **cause);
void simrest_free(struct simrest *r);

/* "https://127.0.0.1:PORT" (borrowed). */
const char *simrest_url(const struct simrest *r);
/* Users in the file; requests answered so far. */
size_t simrest_users(const struct simrest *r);
unsigned long simrest_requests(const struct simrest *r);

#endif
