/* getopt_long over the CONN options, then the config file beneath them. */
#include "cli.h"
#include "base/buf.h"
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char cli_conn_help[] =
    "Connection (CONN):\n"
    "  -a, --account NAME      [account NAME] of ~/.config/perch/config\n"
    "  -j, --jid JID           user@domain[/resource]\n"
    "  -s, --server HOST       host to connect to (default: the JID's\n"
    "                          domain; no SRV lookup)\n"
    "  -p, --port PORT         default 5222 (5223 with --tls direct)\n"
    "  -b, --bosh URL          BOSH instead of TCP, e.g.\n"
    "                          https://fin1:7443/http-bind/\n"
    "      --bosh-wait S       longest a BOSH poll is held (default 60)\n"
    "      --bosh-timeout S    a BOSH request unanswered after S s is given\n"
    "                          up (default: wait + 10 s; desktop: + 5 s)\n"
    "      --bosh-profile P    perch (default) | desktop: the Finesse\n"
    "                          desktop's hold=1 ver=1.9 wait=30, a request\n"
    "                          given up after wait + 5 s, 3 resends\n"
    "  -w, --ws URL            XMPP over WebSocket instead, e.g.\n"
    "                          wss://fin1:8445/ws/ (Finesse 12.5 and later)\n"
    "      --ws-ping S         seconds between WebSocket pings (default 20)\n"
    "      --ws-follow-other-hosts  follow see-other-uri to another host\n"
    "      --proxy URL         HTTP proxy (CONNECT) for BOSH, WebSocket and\n"
    "                          REST (default: curl's http_proxy/https_proxy/\n"
    "                          no_proxy)\n"
    "      --rest URL          Finesse REST API (default https://HOST:8445,\n"
    "                          HOST: --server or the JID's domain)\n"
    "      --alternate HOST    the other node of a Finesse cluster\n"
    "      --tls MODE          require (default) | prefer | direct | off\n"
    "      --allow-plaintext-auth  send credentials without TLS (XMPP, REST)\n"
    "      --ca-file FILE      trust this CA or self-signed certificate\n"
    "      --pin sha256//B64   trust a server key by its SPKI SHA-256\n"
    "      --insecure          accept any certificate (warns)\n"
    "      --password-env VAR | --password-file FILE | --password-cmd CMD\n"
    "      --resource RES      default perch-XXXX; 'desktop' needs\n"
    "      --force-resource    (it would log out a Finesse desktop)\n"
    "      --sasl MECH         SASL mechanism (default: SCRAM-SHA-256,\n"
    "                          SCRAM-SHA-1, PLAIN, the first offered)\n"
    "      --service JID       pubsub service (default pubsub.DOMAIN)\n"
    "      --keep-ended S      the console lists ended calls S s (default 30)\n"
    "      --keepalive S       ping the server when it was silent S s\n"
    "                          (default 15; 0 off): a silent server is a\n"
    "                          lost connection within S + 10 s\n"
    "      --record FILE       write every stanza (as received), HTTP\n"
    "                          exchange (BOSH and REST, headers without\n"
    "                          credentials), WebSocket frame, connection\n"
    "                          and TLS set-up to FILE (JSON lines, 0600,\n"
    "                          SASL redacted; perch replay FILE reads it)\n"
    "  -v, --verbose           protocol log to stderr (secrets redacted)\n";

enum {
    OPT_TIMEOUT = 1000,
    OPT_JSON,
    OPT_CONN,
    OPT_DURATION,
    OPT_MAX,
    OPT_COUNT,
    OPT_FULL_JID,
    OPT_OWN = 2000, /* + the row of the command's own table */
};

/* CONN options whose long name is also the conn_opts key, and the
 * extras. */
static const struct option long_opts[] = {
    {"account", required_argument, NULL, 'a'},
    {"jid", required_argument, NULL, 'j'},
    {"server", required_argument, NULL, 's'},
    {"port", required_argument, NULL, 'p'},
    {"bosh", required_argument, NULL, 'b'},
    {"ws", required_argument, NULL, 'w'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"max", required_argument, NULL, OPT_MAX},
    {"count", required_argument, NULL, OPT_COUNT},
    {"full-jid", no_argument, NULL, OPT_FULL_JID},
    {"tls", required_argument, NULL, OPT_CONN},
    {"allow-plaintext-auth", no_argument, NULL, OPT_CONN},
    {"ca-file", required_argument, NULL, OPT_CONN},
    {"pin", required_argument, NULL, OPT_CONN},
    {"insecure", no_argument, NULL, OPT_CONN},
    {"password-env", required_argument, NULL, OPT_CONN},
    {"password-file", required_argument, NULL, OPT_CONN},
    {"password-cmd", required_argument, NULL, OPT_CONN},
    {"service", required_argument, NULL, OPT_CONN},
    {"resource", required_argument, NULL, OPT_CONN},
    {"force-resource", no_argument, NULL, OPT_CONN},
    {"sasl", required_argument, NULL, OPT_CONN},
    {"proxy", required_argument, NULL, OPT_CONN},
    {"bosh-wait", required_argument, NULL, OPT_CONN},
    {"bosh-timeout", required_argument, NULL, OPT_CONN},
    {"bosh-profile", required_argument, NULL, OPT_CONN},
    {"alternate", required_argument, NULL, OPT_CONN},
    {"ws-ping", required_argument, NULL, OPT_CONN},
    {"ws-follow-other-hosts", no_argument, NULL, OPT_CONN},
    {"keep-ended", required_argument, NULL, OPT_CONN},
    {"keepalive", required_argument, NULL, OPT_CONN},
    {"rest", required_argument, NULL, OPT_CONN},
    {"record", required_argument, NULL, OPT_CONN},
};

#define NLONG (sizeof long_opts / sizeof long_opts[0])

struct pair {
    const char *key;
    const char *value;
};

static const char *short_key(int c)
{
    switch (c) {
    case 'j':
        return "jid";
    case 's':
        return "server";
    case 'p':
        return "port";
    case 'b':
        return "bosh";
    case 'w':
        return "ws";
    case 'v':
        return "verbose";
    }
    return NULL;
}

static int parse_seconds(const char *cmd, const char *opt, unsigned allowed,
                         double *out, char **cause)
{
    char *end;

    if (!allowed) {
        *cause = xasprintf("%s does not take --%s", cmd, opt);
        return -1;
    }
    *out = strtod(optarg, &end);
    if (*optarg == '\0' || *end != '\0' || !(*out > 0 && *out <= 86400)) {
        *cause = xasprintf("--%s: '%s' is not a number of seconds (0-86400)",
                           opt, optarg);
        return -1;
    }
    return 0;
}

static int parse_count(const char *cmd, const char *opt, unsigned allowed,
                       unsigned *out, char **cause)
{
    char *end;
    unsigned long n;

    if (!allowed) {
        *cause = xasprintf("%s does not take --%s", cmd, opt);
        return -1;
    }
    n = strtoul(optarg, &end, 10);
    if (*optarg == '\0' || *end != '\0' || n < 1 || n > 1000000) {
        *cause = xasprintf("--%s: '%s' is not a number from 1 to 1000000", opt,
                           optarg);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

static int apply_pairs(struct cli *c, struct pair *pairs, int n, char **cause)
{
    int i;
    char *why = NULL;

    for (i = 0; i < n; i++)
        if (conn_opts_set(&c->conn, pairs[i].key, pairs[i].value, 0, &why) !=
            0) {
            *cause =
                xasprintf("--%s: %s", pairs[i].key, why ? why : "not accepted");
            free(why);
            return -1;
        }
    return 0;
}

/* Checks the value v of a command's own option o into out. 0, or -1 with
 * *cause. */
static int own_parse(const struct cli_option *o, const char *v,
                     struct cli_own *out, char **cause)
{
    char *end;

    out->opt = o;
    switch (o->kind) {
    case CLI_FLAG_OFF:
    case CLI_FLAG_ON:
        return 0;
    case CLI_STRING:
        out->str = v;
        return 0;
    case CLI_U64:
        out->u64 = strtoull(v, &end, 10);
        if (*v == '\0' || *v == '-' || *end != '\0') {
            *cause = xasprintf("--%s: '%s' is not a number", o->name, v);
            return -1;
        }
        return 0;
    case CLI_NUMBER:
    case CLI_REAL:
        out->real = strtod(v, &end);
        if (*v == '\0' || *end != '\0' ||
            !(out->real >= o->lo && out->real <= o->hi)) {
            *cause = xasprintf("--%s: '%s' is not a number from %g to %g",
                               o->name, v, o->lo, o->hi);
            return -1;
        }
        return 0;
    }
    return 0;
}

/* getopt's table: long_opts, then the command's own options. New array. */
static struct option *all_options(const struct cli_option *own)
{
    size_t n = 0, i;
    struct option *v;

    while (own && own[n].name)
        n++;
    v = xcalloc(NLONG + n + 1, sizeof *v);
    memcpy(v, long_opts, sizeof long_opts);
    for (i = 0; i < n; i++) {
        v[NLONG + i].name = own[i].name;
        v[NLONG + i].has_arg =
            own[i].kind == CLI_FLAG_OFF || own[i].kind == CLI_FLAG_ON
                ? no_argument
                : required_argument;
        v[NLONG + i].val = OPT_OWN + (int)i;
    }
    return v;
}

/* What getopt refused, in words (the offending word is argv[optind-1]). */
static char *refused(char **argv)
{
    const char *arg = argv[optind - 1], *name = arg + strspn(arg, "-");
    int len = (int)strcspn(name, "=");

    if (optopt > 0 && optopt < 256)
        return xasprintf("option -%c %s", optopt,
                         strchr("ajspbw", optopt) ? "needs a value"
                                                  : "is unknown");
    if (optopt) /* a long option without a letter */
        return xasprintf("--%.*s %s", len, name,
                         name[len] ? "takes no value" : "needs a value");
    return xasprintf("unknown or incomplete option '%s'", arg);
}

int cli_parse(int argc, char **argv, unsigned extras,
              const struct cli_option *own, struct cli *c, char **cause)
{
    struct pair *pairs = xcalloc((size_t)argc + 1, sizeof *pairs);
    struct option *options = all_options(own);
    int n = 0, opt, idx, rc = -1;
    char *path;

    memset(c, 0, sizeof *c);
    conn_opts_init(&c->conn);
    c->own = xcalloc((size_t)argc + 1, sizeof *c->own);
    c->args = xcalloc((size_t)argc + 1, sizeof *c->args);
    c->command = argv[0];
    optind = 1;
    opterr = 0;
    /* "-": operands come back in order (as 1), so options may follow
     * NODEs whatever POSIXLY_CORRECT says; after "--" all are operands */
    while ((opt = getopt_long(argc, argv, "-a:j:s:p:b:w:vh", options, &idx)) !=
           -1) {
        if (opt == 1) {
            c->args[c->nargs++] = optarg;
            continue;
        }
        if (opt >= OPT_OWN) {
            if (own_parse(&own[opt - OPT_OWN], optarg, &c->own[c->nown++],
                          cause) != 0)
                goto out;
            continue;
        }
        switch (opt) {
        case 'a':
            free(c->account);
            c->account = xstrdup(optarg);
            break;
        case 'h':
            c->help = 1;
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(argv[0], "timeout", extras & CLI_TIMEOUT,
                              &c->timeout_s, cause) != 0)
                goto out;
            break;
        case OPT_DURATION:
            if (parse_seconds(argv[0], "duration", extras & CLI_DURATION,
                              &c->duration_s, cause) != 0)
                goto out;
            break;
        case OPT_MAX:
            if (parse_count(argv[0], "max", extras & CLI_MAX, &c->max, cause) !=
                0)
                goto out;
            break;
        case OPT_COUNT:
            if (parse_count(argv[0], "count", extras & CLI_COUNT, &c->count,
                            cause) != 0)
                goto out;
            break;
        case OPT_FULL_JID:
            if (!(extras & CLI_FULL_JID)) {
                *cause = xasprintf("%s does not take --full-jid", argv[0]);
                goto out;
            }
            c->full_jid = 1;
            break;
        case OPT_JSON:
            if (!(extras & CLI_JSON)) {
                *cause = xasprintf("%s does not take --json", argv[0]);
                goto out;
            }
            c->json = 1;
            break;
        case OPT_CONN:
            pairs[n].key = options[idx].name;
            pairs[n++].value = optarg;
            break;
        case '?':
            *cause = refused(argv);
            goto out;
        default:
            pairs[n].key = short_key(opt);
            pairs[n++].value = optarg;
        }
    }
    while (optind < argc)
        c->args[c->nargs++] = argv[optind++];
    if (c->help) {
        rc = 0;
        goto out;
    }
    path = config_path();
    if (path != NULL) {
        rc = config_load(path, c->account ? c->account : "default",
                         c->account != NULL, &c->conn, cause);
        free(path);
        if (rc != 0)
            goto out;
    } else if (c->account) {
        *cause = xstrdup("--account: neither XDG_CONFIG_HOME nor HOME is "
                         "set");
        goto out;
    }
    rc = apply_pairs(c, pairs, n, cause);
    if (rc == 0)
        rc = conn_opts_check(&c->conn, cause);
out:
    free(options);
    free(pairs);
    return rc;
}

void cli_done(struct cli *c)
{
    conn_opts_done(&c->conn);
    free(c->account);
    free(c->own);
    free(c->args);
    memset(c, 0, sizeof *c);
}

void cli_own_apply(const struct cli *c, void *settings)
{
    char *base = settings;
    int i;

    for (i = 0; i < c->nown; i++) {
        const struct cli_own *o = &c->own[i];
        void *field = base + o->opt->offset;
        switch (o->opt->kind) {
        case CLI_FLAG_OFF:
            *(int *)field = 0;
            break;
        case CLI_FLAG_ON:
            *(int *)field = 1;
            break;
        case CLI_STRING:
            *(const char **)field = o->str;
            break;
        case CLI_U64:
            *(uint64_t *)field = o->u64;
            break;
        case CLI_REAL:
            *(double *)field = o->real;
            break;
        case CLI_NUMBER:
            *(unsigned *)field = (unsigned)o->real;
            break;
        }
    }
}
