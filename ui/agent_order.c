/* The Agents pane's orders: qsort comparators, time keys computed once. */
#include "agent_order.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[AGENT_ORDER_N] = {"state", "time", "name", "id"};

const char *agent_order_name(enum agent_order o)
{
    return o < AGENT_ORDER_N ? names[o] : "?";
}

static const char *s(const char *x)
{
    return x ? x : "";
}

static int name_cmp(const struct agent *a, const struct agent *b)
{
    int c = strcasecmp(s(a->last_name), s(b->last_name));

    if (c == 0)
        c = strcasecmp(s(a->first_name), s(b->first_name));
    return c ? c : strcmp(s(a->login_id), s(b->login_id));
}

static int by_name(const void *x, const void *y)
{
    return name_cmp(*(struct agent *const *)x, *(struct agent *const *)y);
}

static int by_id(const void *x, const void *y)
{
    const struct agent *a = *(struct agent *const *)x;
    const struct agent *b = *(struct agent *const *)y;

    return strcmp(s(a->login_id), s(b->login_id));
}

static int by_state(const void *x, const void *y)
{
    const struct agent *a = *(struct agent *const *)x;
    const struct agent *b = *(struct agent *const *)y;
    int c = strcmp(s(a->state), s(b->state));

    return c ? c : name_cmp(a, b);
}

/* An agent with its time in state (-1 unknown), for by_time. */
struct timed {
    struct agent *a;
    double t;
};

static int by_time(const void *x, const void *y)
{
    const struct timed *a = x, *b = y;

    if (a->t != b->t)
        return a->t < b->t ? 1 : -1;
    return name_cmp(a->a, b->a);
}

void agent_order_sort(struct agent **v, size_t n, enum agent_order o,
                      const struct model *m, double now_ms)
{
    static int (*const cmp[])(const void *, const void *) = {
        [AGENT_ORDER_STATE] = by_state,
        [AGENT_ORDER_NAME] = by_name,
        [AGENT_ORDER_ID] = by_id,
    };
    struct timed *t;
    size_t i;

    if (n < 2)
        return;
    if (o != AGENT_ORDER_TIME) {
        qsort(v, n, sizeof *v, cmp[o < AGENT_ORDER_N ? o : AGENT_ORDER_STATE]);
        return;
    }
    t = xcalloc(n, sizeof *t);
    for (i = 0; i < n; i++) {
        t[i].a = v[i];
        t[i].t = model_time_in_state_ms(m, v[i], now_ms);
    }
    qsort(t, n, sizeof *t, by_time);
    for (i = 0; i < n; i++)
        v[i] = t[i].a;
    free(t);
}

/* Finesse's order of a user's states (the User API's list). */
static const char *const finesse_states[] = {
    "LOGOUT",
    "NOT_READY",
    "READY",
    "RESERVED",
    "RESERVED_OUTBOUND",
    "RESERVED_OUTBOUND_PREVIEW",
    "TALKING",
    "HOLD",
    "WORK",
    "WORK_READY",
    "UNKNOWN",
};

#define NSTATES (sizeof finesse_states / sizeof finesse_states[0])
#define MAX_OTHER 8 /* states Finesse does not list, counted apart */

void agent_state_counts(const struct map *agents, char *out, size_t size)
{
    size_t counts[NSTATES + MAX_OTHER] = {0}, nother = 0, i = 0, j, len = 0;
    const char *other[MAX_OTHER], *key, *name;
    void *val;

    while (map_next(agents, &i, &key, &val)) {
        const char *st = s(((const struct agent *)val)->state);
        for (j = 0; j < NSTATES && strcmp(finesse_states[j], st) != 0; j++)
            ;
        if (j == NSTATES) { /* not Finesse's: after them, as first seen */
            for (j = 0; j < nother && strcmp(other[j], st) != 0; j++)
                ;
            if (j == nother && nother < MAX_OTHER)
                other[nother++] = st;
            j = j < nother ? NSTATES + j : NSTATES + MAX_OTHER - 1;
        }
        counts[j]++;
    }
    out[0] = '\0';
    for (j = 0; j < NSTATES + MAX_OTHER && len + 1 < size; j++) {
        if (counts[j] == 0)
            continue;
        name = j < NSTATES            ? finesse_states[j]
               : j - NSTATES < nother ? other[j - NSTATES]
                                      : "?";
        len += (size_t)snprintf(out + len, size - len, "%s%s %zu",
                                len ? "  " : "", *name ? name : "?", counts[j]);
    }
    if (len >= size && size > 0)
        out[size - 1] = '\0';
}
