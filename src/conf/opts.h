/*
 * Connection options (CONN in perch(1)). The command line and the config
 * file set them through one function, so both accept the same keys and
 * values and report the same errors.
 */
#ifndef PERCH_OPTS_H
#define PERCH_OPTS_H

#include "xmpp/tls.h"

struct conn_opts {
    char *jid;
    char *server;
    unsigned short port; /* 0: default */
    char *bosh;
    enum tls_mode tls;
    int allow_plaintext_auth;
    char *ca_file;
    char *pin;
    int insecure;
    char *password_env;
    char *password_file;
    char *password_cmd;
    char *password; /* config file only */
    char *service;
    char *resource;
    int force_resource;
    char *sasl;
    int verbose;
    char *proxy;           /* BOSH, WebSocket and REST: HTTP proxy URL */
    char *rest;            /* Finesse REST base URL; NULL: https://HOST:8445 */
    unsigned bosh_wait;    /* BOSH: seconds a poll may be held; 0: 60 */
    unsigned bosh_timeout; /* BOSH: a request given up after S s; 0: wait
                              + the profile's margin */
    char *bosh_profile;    /* BOSH: "perch" or "desktop"; NULL: perch */
    char *alternate;       /* the Finesse cluster's other node; NULL none */
    char *ws;              /* WebSocket URL (ws:// or wss://) */
    unsigned ws_ping;      /* WebSocket: seconds between pings; 0: 20 */
    int ws_follow_other_hosts; /* see-other-uri to another host */
    int transport_from_config; /* bosh or ws came from the config file */
    /* the console: seconds an ended call stays listed; -1: the default */
    int keep_ended;
    /* seconds without anything from the server before a ping; 0 off */
    int keepalive;
    /* config only: the console and watch subscribe the full JID */
    int full_jid;
    char *record; /* --record FILE, or NULL */
};

void conn_opts_init(struct conn_opts *o);
void conn_opts_done(struct conn_opts *o);

/*
 * Sets one option by its long name ("ca-file"). value is NULL for a flag
 * given on the command line (meaning true). from_config allows keys that
 * only the config file may set. 0, or -1 with *cause (caller frees); -2
 * when the key is unknown.
 */
int conn_opts_set(struct conn_opts *o, const char *key, const char *value,
                  int from_config, char **cause);

/* Checks the combination once everything is set. 0, or -1 with *cause. */
int conn_opts_check(const struct conn_opts *o, char **cause);

#endif
