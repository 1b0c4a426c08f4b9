/* Connection options: one setter for the command line and the config. */
#include "opts.h"
#include "base/buf.h"
#include "xmpp/jid.h"
#include "xmpp/boshbody.h"
#include "xmpp/cert.h"
#include "xmpp/session.h"
#include "xmpp/wsproto.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void conn_opts_init(struct conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tls = TLS_REQUIRE;
    o->keep_ended = -1;
    o->keepalive = SESSION_KEEPALIVE_S;
}

void conn_opts_done(struct conn_opts *o)
{
    free(o->jid);
    free(o->server);
    free(o->bosh);
    free(o->ws);
    free(o->ca_file);
    free(o->pin);
    free(o->password_env);
    free(o->password_file);
    free(o->password_cmd);
    if (o->password) {
        explicit_bzero(o->password, strlen(o->password));
        free(o->password);
    }
    free(o->service);
    free(o->resource);
    free(o->sasl);
    free(o->proxy);
    free(o->rest);
    free(o->bosh_profile);
    free(o->alternate);
    free(o->record);
    conn_opts_init(o);
}

static int parse_bool(const char *v, int *out)
{
    if (v == NULL || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcmp(v, "1") || !strcasecmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
        !strcasecmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return -1;
}

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = xstrdup(v);
}

enum kind {
    K_STR,
    K_BOOL,
    K_PORT,
    K_TLS,
    K_JID,
    K_PIN,
    K_URL,
    K_WS_URL,
    K_RESOURCE,
    K_WAIT,
    K_SECONDS,
    K_PROFILE,
    K_HOST,
};

struct opt_def {
    const char *key;
    enum kind kind;
    size_t offset;
    int config_only;
};

#define F(x) offsetof(struct conn_opts, x)
static const struct opt_def defs[] = {
    {"jid", K_JID, F(jid), 0},
    {"server", K_STR, F(server), 0},
    {"port", K_PORT, F(port), 0},
    {"bosh", K_URL, F(bosh), 0},
    {"tls", K_TLS, F(tls), 0},
    {"allow-plaintext-auth", K_BOOL, F(allow_plaintext_auth), 0},
    {"ca-file", K_STR, F(ca_file), 0},
    {"pin", K_PIN, F(pin), 0},
    {"insecure", K_BOOL, F(insecure), 0},
    {"password-env", K_STR, F(password_env), 0},
    {"password-file", K_STR, F(password_file), 0},
    {"password-cmd", K_STR, F(password_cmd), 0},
    {"password", K_STR, F(password), 1},
    {"service", K_JID, F(service), 0},
    {"resource", K_RESOURCE, F(resource), 0},
    {"force-resource", K_BOOL, F(force_resource), 0},
    {"sasl", K_STR, F(sasl), 0},
    {"verbose", K_BOOL, F(verbose), 0},
    {"proxy", K_STR, F(proxy), 0},
    {"bosh-wait", K_WAIT, F(bosh_wait), 0},
    {"bosh-timeout", K_WAIT, F(bosh_timeout), 0},
    {"ws", K_WS_URL, F(ws), 0},
    {"ws-ping", K_WAIT, F(ws_ping), 0},
    {"ws-follow-other-hosts", K_BOOL, F(ws_follow_other_hosts), 0},
    {"keep-ended", K_SECONDS, F(keep_ended), 0},
    {"keepalive", K_SECONDS, F(keepalive), 0},
    {"full-jid", K_BOOL, F(full_jid), 1},
    {"rest", K_URL, F(rest), 0},
    {"bosh-profile", K_PROFILE, F(bosh_profile), 0},
    {"alternate", K_HOST, F(alternate), 0},
    {"record", K_STR, F(record), 0},
};
#undef F

/* A transport URL on the command line replaces the config file's (bosh or
 * ws); two from the same source are refused by conn_opts_check. */
static void choose_transport(struct conn_opts *o, int from_config)
{
    if (!from_config && o->transport_from_config) {
        free(o->bosh);
        free(o->ws);
        o->bosh = o->ws = NULL;
    }
    o->transport_from_config = from_config;
}

int conn_opts_set(struct conn_opts *o, const char *key, const char *value,
                  int from_config, char **cause)
{
    const struct opt_def *d = NULL;
    char *field = (char *)o;
    size_t i;
    struct jid j;
    struct ws_url url;
    char *end;
    long n;

    for (i = 0; i < sizeof defs / sizeof *defs; i++)
        if (strcmp(defs[i].key, key) == 0)
            d = &defs[i];
    if (d == NULL || (d->config_only && !from_config))
        return -2;
    field += d->offset;
    if (value == NULL && d->kind != K_BOOL) {
        *cause = xasprintf("%s needs a value", key);
        return -1;
    }
    switch (d->kind) {
    case K_BOOL:
        if (parse_bool(value, (int *)field) != 0) {
            *cause = xasprintf("%s: '%s' is not true or false", key, value);
            return -1;
        }
        return 0;
    case K_PORT:
        n = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || n < 1 || n > 65535) {
            *cause = xasprintf("%s: '%s' is not a port number (1-65535)", key,
                               value);
            return -1;
        }
        *(unsigned short *)field = (unsigned short)n;
        return 0;
    case K_WAIT:
        n = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || n < 1 || n > 3600) {
            *cause = xasprintf("%s: '%s' is not a number of seconds "
                               "(1-3600)",
                               key, value);
            return -1;
        }
        *(unsigned *)field = (unsigned)n;
        return 0;
    case K_SECONDS:
        n = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || n < 0 || n > 86400) {
            *cause = xasprintf("%s: '%s' is not a number of seconds "
                               "(0-86400)",
                               key, value);
            return -1;
        }
        *(int *)field = (int)n;
        return 0;
    case K_TLS:
        if (!strcmp(value, "require"))
            o->tls = TLS_REQUIRE;
        else if (!strcmp(value, "prefer"))
            o->tls = TLS_PREFER;
        else if (!strcmp(value, "direct"))
            o->tls = TLS_DIRECT;
        else if (!strcmp(value, "off"))
            o->tls = TLS_OFF;
        else {
            *cause = xasprintf("%s: '%s' is not one of require, prefer, "
                               "direct, off",
                               key, value);
            return -1;
        }
        return 0;
    case K_JID:
        if (jid_parse(value, &j, cause) != 0)
            return -1;
        jid_done(&j);
        break;
    case K_PIN:
        if (!cert_pin_valid(value)) {
            *cause = xasprintf("%s: '%s' is not sha256//BASE64 (44 "
                               "characters of base64; several joined by ';')",
                               key, value);
            return -1;
        }
        break;
    case K_URL:
        if (strncmp(value, "http://", 7) != 0 &&
            strncmp(value, "https://", 8) != 0) {
            *cause = xasprintf("%s: '%s' is not an http:// or https:// URL",
                               key, value);
            return -1;
        }
        break;
    case K_WS_URL:
        if (wsproto_url_parse(value, &url, cause) != 0)
            return -1;
        wsproto_url_done(&url);
        break;
    case K_RESOURCE:
        if (*value == '\0') {
            *cause = xasprintf("%s: empty resource", key);
            return -1;
        }
        break;
    case K_PROFILE:
        if (bosh_profile_find(value) == NULL) {
            *cause = xasprintf("%s: '%s' is not one of %s", key, value,
                               bosh_profile_names());
            return -1;
        }
        break;
    case K_HOST: /* a name or an address, as in a URL's authority */
        if (*value == '\0' || strcspn(value, "/@?# \t\r\n:") != strlen(value)) {
            *cause =
                xasprintf("%s: '%s' is not a host name or address", key, value);
            return -1;
        }
        break;
    case K_STR:
        break;
    }
    if (d->kind == K_URL || d->kind == K_WS_URL)
        choose_transport(o, from_config);
    if (strncmp(key, "password", 8) == 0) { /* the last source given wins */
        free(o->password_env);
        free(o->password_file);
        free(o->password_cmd);
        o->password_env = o->password_file = o->password_cmd = NULL;
    }
    set_str((char **)field, value);
    return 0;
}

int conn_opts_check(const struct conn_opts *o, char **cause)
{
    struct jid j;
    int rc;

    if (o->jid == NULL) {
        *cause = xstrdup("no JID: give --jid user@domain or --account NAME");
        return -1;
    }
    if (o->bosh && o->ws) {
        *cause = xasprintf("--bosh and --ws name two transports; give one "
                           "(on the command line, it replaces the config "
                           "file's)");
        return -1;
    }
    if (jid_parse(o->jid, &j, cause) != 0)
        return -1;
    if (j.local == NULL) {
        *cause = xasprintf("JID '%s' has no user part (user@domain)", o->jid);
        jid_done(&j);
        return -1;
    }
    rc = session_check_resource(o->resource ? o->resource : j.resource,
                                o->force_resource, cause);
    jid_done(&j);
    if (rc != 0)
        return -1;
    return 0;
}
