/*
 * Inside src/sim/: the simulator's state, shared by sim.c (the shift) and
 * sim_rest.c (the REST side acting on the same agents). Not for others.
 */
#ifndef PERCH_SIM_INTERNAL_H
#define PERCH_SIM_INTERNAL_H

#include "base/buf.h"
#include "sim.h"

#define PENDING_MAX 8
#define STATS_EVERY_MS 10000.0
#define MAX_VARS 12

enum phase {
    P_LOGGED_OUT,
    P_NOT_READY,
    P_READY,
    P_RESERVED,
    P_TALKING,
    P_HOLD,
    P_CONSULT_INIT,
    P_CONSULT_ACTIVE,
    P_WORK,
};

struct call {
    char id[16], from[24], to[24], start[32];
    const char *type;
    unsigned queue;
    const char *state, *agent_state, *other_state, *cause;
    const char *const *actions;
    unsigned acct, customer, tier, note, lang;
    int updated;
};

struct sim_agent {
    char id[16], ext[16], login[40];
    const char *first, *last;
    unsigned team, q[2], nq;
    enum phase phase;
    const char *state, *pending;
    const struct sim_reason *reason;
    int work_ready;
    char state_time[32];
    double due;
    struct call call, consult;
    int driven; /* left to a REST client: only rung when READY */
    const struct sim_reason *pending_reason; /* of a pending NOT_READY */
};

struct group {
    char *name;
    char id[16], number[16];
};

struct pending {
    enum sim_kind kind;
    long agent;
    struct buf node, doc;
};

struct sim {
    struct sim_config cfg;
    uint64_t rng;
    struct sim_agent *agents;
    unsigned *heap; /* agent indexes, earliest due first */
    struct group *teams, *queues;
    struct pending pend[PENDING_MAX];
    size_t head, n;
    uint64_t events, digest;
    double vt, next_stats, next_outage;
    unsigned stats_cursor; /* queues still to report, counting down */
    int started, out_of_service;
    unsigned next_dialog;
    char now[32];
    struct buf strip;
    char *domain;
    char *primary, *secondary; /* SystemInfo's node hosts, or NULL */
    unsigned filler;           /* round robin of queues, see generate */
    /* The Updates REST requests caused (sim_rest_next), oldest first at
     * out_head; push() appends here while capture is set. */
    struct pending *out;
    size_t nout, out_head, out_cap;
    int capture;
};

#define SIM_NOT_READY_REASONS 5
extern const struct sim_reason sim_not_ready_reasons[SIM_NOT_READY_REASONS];
extern const struct sim_reason sim_logout_reason;
extern const char *const sim_act_answer[];
extern const char *const sim_act_talking[];
extern const char *const sim_act_held[];

/* A slot for the next Update (its node and doc emptied): the shift's
 * queue, or the REST side's while capture is set. */
struct pending *sim_push(struct sim *s, enum sim_kind kind, long agent);
/* A new slot at the end of the REST side's queue (sim_rest.c). */
struct pending *sim_push_out(struct sim *s);
/* From here until capture is cleared, Updates go to the REST side's
 * queue (whose indexes stay put until then). */
void sim_capture_start(struct sim *s);
/* A new call ringing for a (ALERTING, ANSWER offered). */
void sim_new_call(struct sim *s, struct sim_agent *a);
/* The user a's documents show. */
void sim_user_view(const struct sim_agent *a, const struct sim *s,
                   struct sim_user *u);
/* Queue the agent's user and team Updates. */
void sim_emit_user(struct sim *s, struct sim_agent *a);
/* A new state (now), then sim_emit_user. */
void sim_set_state(struct sim *s, struct sim_agent *a, const char *state,
                   const struct sim_reason *reason);
/* What the documents show of a's call c; borrowed strings live in v and
 * in s until the next step. */
struct sim_dialog_view {
    struct sim_dialog d;
    struct sim_var vars[MAX_VARS];
    struct sim_party parts[2];
    char acct[16], kase[16];
};
void sim_dialog_view(struct sim *s, const struct sim_agent *a,
                     const struct call *c, struct sim_dialog_view *v);
/* Queue a Dialogs Update of call c (event POST, PUT or DELETE). */
void sim_emit_dialog(struct sim *s, struct sim_agent *a, const struct call *c,
                     const char *event);
/* The agent's call ends: its DELETE, then the pending NOT_READY (with
 * reason) or wrap-up (WORK_READY when work_ready, else WORK). */
void sim_end_call(struct sim *s, struct sim_agent *a,
                  const struct sim_reason *reason, int work_ready);
/* Queue the agent's Queues POST (after a login). */
void sim_emit_user_queues(struct sim *s, struct sim_agent *a);
void sim_emit_systeminfo(struct sim *s, const char *status, const char *reason);
/* q's statistics as they stand. */
void sim_queue_stats(struct sim *s, unsigned q, struct sim_queue_stats *o);
/* YYYY-MM-DDThh:mm:ss.SSSZ of now_ms (ms since the epoch). */
void sim_format_time(double now_ms, char out[32]);

#endif
