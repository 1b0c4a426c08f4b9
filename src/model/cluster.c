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
