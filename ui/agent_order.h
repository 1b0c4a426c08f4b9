/*
 * The orders the Agents pane sorts by (s cycles them). Curses-free (unit
 * tested).
 */
#ifndef PERCH_AGENT_ORDER_H
#define PERCH_AGENT_ORDER_H

#include "model/model.h"

#include <stddef.h>

enum agent_order {
    AGENT_ORDER_STATE, /* state name, then name */
    AGENT_ORDER_TIME,  /* longest in state first, unknown times last */
    AGENT_ORDER_NAME,  /* last name, first name (any case), then id */
    AGENT_ORDER_ID,    /* loginId */
    AGENT_ORDER_N
};

/* "state", "time", "name", "id" (static). */
const char *agent_order_name(enum agent_order o);

/* Sorts v (n agents, borrowed from m) by o; times in state as m says at
 * now_ms (the wall clock, as model_wall_ms). Ties end in loginId order,
 * so the order does not depend on where agents were. */
void agent_order_sort(struct agent **v, size_t n, enum agent_order o,
                      const struct model *m, double now_ms);

/* "NOT_READY 3  READY 12  TALKING 2": every agent of agents (loginId ->
 * struct agent) counted by state, in Finesse's order of states (LOGOUT,
 * NOT_READY, READY, RESERVED…, TALKING, HOLD, WORK, WORK_READY, UNKNOWN),
 * states Finesse does not name after them; "" when there are none. */
void agent_state_counts(const struct map *agents, char *out, size_t size);

#endif
