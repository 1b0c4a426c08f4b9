#define _XOPEN_SOURCE 700 /* strptime */
/* Ping and entity-time queries, shared by the console and probe. */
#include "query.h"

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

/* "2026-11-22T01:21:15Z" or "...15.123Z" -> ms since the epoch. */
static int parse_utc(const char *s, double *ms)
{
    struct tm tm;
    const char *rest;
    char *end;
    double frac = 0.5; /* whole seconds only: the middle of that second */

    memset(&tm, 0, sizeof tm);
    rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == NULL)
        return -1;
    if (*rest == '.') {
        frac = strtod(rest, &end);
        if (end == rest || frac < 0 || frac >= 1)
            return -1;
        rest = end;
    }
    if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0 &&
        strcmp(rest, "") != 0)
        return -1;
    *ms = ((double)timegm(&tm) + frac) * 1000.0;
    return 0;
}

int query_time_reply(xmpp_stanza_t *reply, double *server_ms)
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
    rc = parse_utc(text, server_ms);
    xmpp_free(xmpp_stanza_get_context(reply), text);
    return rc;
}
