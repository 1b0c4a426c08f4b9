/* Which node of a Finesse cluster a host is, and the other one. */
#include "cluster.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* a is b's first label: "fin1" of "fin1.example.com" (an address such as
 * 127.0.0.1 has no labels). */
static int first_label(const char *a, const char *b)
{
    size_t n = strlen(a);

    return strchr(a, '.') == NULL && strspn(b, "0123456789.") != strlen(b) &&
           strncasecmp(a, b, n) == 0 && b[n] == '.';
}

int cluster_host_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
        return 0;
    return strcasecmp(a, b) == 0 || first_label(a, b) || first_label(b, a);
}

enum cluster_role cluster_role(const struct system_info *s, const char *host)
{
    int p = cluster_host_equal(s->primary_host, host);
    int q = cluster_host_equal(s->secondary_host, host);

    if (p == q)
        return CLUSTER_UNKNOWN;
    return p ? CLUSTER_PRIMARY : CLUSTER_SECONDARY;
}

const char *cluster_other(const struct system_info *s, const char *host,
                          const char *alternate)
{
    switch (cluster_role(s, host)) {
    case CLUSTER_PRIMARY:
        if (s->secondary_host && *s->secondary_host)
            return s->secondary_host;
        break;
    case CLUSTER_SECONDARY:
        if (s->primary_host && *s->primary_host)
            return s->primary_host;
        break;
    case CLUSTER_UNKNOWN:
        break;
    }
    if (alternate && *alternate && !cluster_host_equal(alternate, host))
        return alternate;
    return NULL;
}

const char *cluster_role_name(enum cluster_role r)
{
    switch (r) {
    case CLUSTER_PRIMARY:
        return "primary";
    case CLUSTER_SECONDARY:
        return "secondary";
    case CLUSTER_UNKNOWN:
        break;
    }
    return NULL;
}

void cluster_describe(const struct system_info *s, const char *host, int narrow,
                      char *out, size_t size)
{
    enum cluster_role r = cluster_role(s, host);
    const char *role = cluster_role_name(r);
    const char *status = s->status && *s->status ? s->status : NULL;
    int named = (s->primary_host && *s->primary_host) ||
                (s->secondary_host && *s->secondary_host);

    if (size == 0)
        return;
    if (role == NULL && !named && status == NULL) {
        *out = '\0';
        return;
    }
    if (role == NULL) /* hosts named, none of them ours: say so */
        role = named ? "node ?" : "";
    else if (narrow)
        role = r == CLUSTER_PRIMARY ? "pri" : "sec";
    snprintf(out, size, "%s%s%s", role, *role && status ? " " : "",
             status ? status : "");
}

enum cluster_answer cluster_answer_of(const char *status)
{
    if (status == NULL)
        return CLUSTER_NO_ANSWER;
    if (strcasecmp(status, "IN_SERVICE") == 0)
        return CLUSTER_IN_SERVICE;
    if (strcasecmp(status, "PARTIAL_SERVICE") == 0)
        return CLUSTER_PARTIAL_SERVICE;
    if (strcasecmp(status, "OUT_OF_SERVICE") == 0)
        return CLUSTER_OUT_OF_SERVICE;
    return CLUSTER_NO_ANSWER;
}

const char *cluster_answer_name(enum cluster_answer a)
{
    switch (a) {
    case CLUSTER_IN_SERVICE:
        return "IN_SERVICE";
    case CLUSTER_PARTIAL_SERVICE:
        return "PARTIAL_SERVICE";
    case CLUSTER_OUT_OF_SERVICE:
        return "OUT_OF_SERVICE";
    case CLUSTER_NO_ANSWER:
        break;
    }
    return "no answer";
}

static int serves(enum cluster_answer a)
{
    return a == CLUSTER_IN_SERVICE || a == CLUSTER_PARTIAL_SERVICE;
}

static enum cluster_step decided(const char **why, const char *text,
                                 enum cluster_step step)
{
    if (why)
        *why = text;
    return step;
}

enum cluster_step cluster_decide(const struct cluster_view *v, const char **why)
{
    int other_serves = v->have_other && serves(v->other);
    int tried = v->here_failures >= CLUSTER_TRIES;

    if (v->finesse == CLUSTER_PRESENCE_UNAVAILABLE)
        return decided(why, "the finesse user is UNAVAILABLE", CLUSTER_WAIT);
    if (!v->have_other)
        return decided(why, "no other node known", CLUSTER_STAY);
    if (serves(v->here))
        return tried && other_serves
                   ? decided(why, "XMPP failed here, the other node serves",
                             CLUSTER_MOVE)
                   : decided(why, "this node serves", CLUSTER_STAY);
    if (other_serves)
        return decided(why,
                       v->here == CLUSTER_OUT_OF_SERVICE
                           ? "this node is OUT_OF_SERVICE, the other serves"
                           : "this node does not answer, the other serves",
                       CLUSTER_MOVE);
    if (v->here == CLUSTER_OUT_OF_SERVICE)
        return decided(why, "no node is IN_SERVICE", CLUSTER_WAIT);
    if (v->other == CLUSTER_OUT_OF_SERVICE || !tried)
        return decided(why, "no SystemInfo here: XMPP tried", CLUSTER_STAY);
    return decided(why, "no SystemInfo from either node: XMPP tried there",
                   CLUSTER_MOVE);
}
