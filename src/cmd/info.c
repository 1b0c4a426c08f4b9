/* perch info: disco#info of a node — identities, features, meta-data. */
#include "base/sanitize.h"
#include "base/buf.h"
#include "base/error.h"
#include "conf/cli.h"
#include "command.h"
#include "conf/conn.h"
#include "run.h"
#include "xmpp/disco.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch info [CONN] [--service JID] [NODE]\n"
    "\n"
    "Shows disco#info of NODE on the pubsub service (of the service\n"
    "itself without NODE): identities, features and the node meta-data\n"
    "form (title, type, owner, …).\n"
    "\n"
    "Exit: 0 ok, 1 an error answer (e.g. item-not-found), 3 connection,\n"
    "5 no answer.\n";

struct info {
    struct runner r;
    char *service;
    const char *node;
};

static void print_info(const struct disco_info *info)
{
    size_t i, j;

    for (i = 0; i < info->nidentities; i++) {
        sanitize_fprintf(stdout, SANITIZE_LINE, "identity  %s/%s%s%s",
                         info->identities[i].category, info->identities[i].type,
                         info->identities[i].name ? "  " : "",
                         info->identities[i].name ? info->identities[i].name
                                                  : "");
        putchar('\n');
    }
    for (i = 0; i < info->nfeatures; i++) {
        sanitize_fprintf(stdout, SANITIZE_LINE, "feature   %s",
                         info->features[i]);
        putchar('\n');
    }
    for (i = 0; i < info->nfields; i++) {
        if (strcmp(info->fields[i].var, "FORM_TYPE") == 0)
            continue;
        sanitize_fprintf(stdout, SANITIZE_LINE, "%-9s %s =", "field",
                         info->fields[i].var);
        for (j = 0; info->fields[i].values[j]; j++)
            sanitize_fprintf(stdout, SANITIZE_LINE, " %s",
                             info->fields[i].values[j]);
        putchar('\n');
    }
    fflush(stdout);
}

static void on_reply(void *arg, enum iq_outcome outcome, xmpp_stanza_t *reply,
                     double rtt)
{
    struct info *n = arg;
    struct disco_info info;
    (void)rtt;

    if (runner_unanswered(&n->r, outcome, reply, n->service))
        return;
    if (disco_parse_info(reply, &info) != 0) {
        char *why = session_iq_failure(outcome, reply);
        perch_error("%s: %s", n->service, why);
        free(why);
        runner_finish(&n->r, EXIT_REPLY_ERROR);
        return;
    }
    print_info(&info);
    disco_info_done(&info);
    runner_finish(&n->r, 0);
}

static void on_ready(struct runner *r, const char *jid)
{
    struct info *n = (struct info *)r;
    xmpp_stanza_t *iq = disco_info_iq(r->ctx, n->service, n->node);
    (void)jid;
    session_send_iq(r->session, iq, SESSION_TIMEOUT_MS, on_reply, n);
    xmpp_stanza_release(iq);
}

static const struct runner_events info_events = {.ready = on_ready};

static int info_main(const struct cli *c)
{
    struct info n;
    int code;

    if (c->nargs > 1) {
        perch_error("info takes at most one NODE");
        return EXIT_USAGE;
    }
    memset(&n, 0, sizeof n);
    n.service = conn_service(&c->conn);
    n.node = c->nargs ? c->args[0] : NULL;
    code = runner_main(&n.r, c, &info_events);
    free(n.service);
    return code;
}

const struct command cmd_info_entry = {
    .name = "info",
    .summary = "disco#info of a node",
    .help = help,
    .extras = 0,
    .main = info_main,
};
