/* Ping and entity-time queries, shared by the console and probe. */
#include "query.h"
#include "base/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

xmpp_stanza_t *query_iq_get(xmpp_ctx_t *ctx, const char *to, const char *child,
                            const char *ns)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
    xmpp_stanza_t *c = xmpp_stanza_new(ctx);

    xmpp_stanza_set_to(iq, to);
    xmpp_stanza_set_name(c, child);
    xmpp_stanza_set_ns(c, ns);
    xmpp_stanza_add_child_ex(iq, c, 0);
    return iq;
}

/* XEP-0202's <utc> is UTC: another offset is refused. */
static int parse_utc(const char *s, double *ms, double *res_ms)
{
    size_t n = strlen(s);

    if (n >= 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':' &&
        strcmp(s + n - 6, "+00:00") != 0)
        return -1;
    return clock_parse_iso(s, ms, res_ms);
}

int query_time_reply(xmpp_stanza_t *reply, double *server_ms, double *res_ms)
{
    const char *type = xmpp_stanza_get_type(reply);
    xmpp_stanza_t *t, *utc;
    char *text;
    int rc;

    if (type == NULL || strcmp(type, "result") != 0 ||
        (t = xmpp_stanza_get_child_by_name(reply, "time")) == NULL ||
        (utc = xmpp_stanza_get_child_by_name(t, "utc")) == NULL ||
        (text = xmpp_stanza_get_text(utc)) == NULL)
        return -1;
    rc = parse_utc(text, server_ms, res_ms);
    xmpp_free(xmpp_stanza_get_context(reply), text);
    return rc;
}
