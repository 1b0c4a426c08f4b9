/*
 * A Finesse-like contact centre with no I/O: agents on shift, calls,
 * teams, queue statistics and system status, as the Update documents a
 * Finesse Notification Service publishes. The command sends them; this
 * module only decides what happens next.
 *
 * The sequence of events depends on the configuration alone (seed
 * included): timestamps inside the documents come from the now_ms given
 * to sim_next, but sim_digest() ignores them, so two runs with one seed
 * compare equal. Virtual time advances 1000 / rate ms per event; it paces
 * the queue statistics (every 10 s) and the rare outage.
 */
#ifndef PERCH_SIM_H
#define PERCH_SIM_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct sim_config {
    unsigned agents; /* >= 1 */
    unsigned teams;  /* >= 1 */
    unsigned queues; /* >= 1 */
    double rate;     /* events per second, > 0: the virtual clock */
    uint64_t seed;
    int outage;         /* a rare SystemInfo OUT_OF_SERVICE blip */
    const char *domain; /* SystemInfo's xmppDomain (copied); NULL: localhost */
};

enum sim_kind {
    SIM_USER,       /* /finesse/api/User/{id} */
    SIM_DIALOGS,    /* /finesse/api/User/{id}/Dialogs */
    SIM_QUEUES,     /* /finesse/api/User/{id}/Queues */
    SIM_TEAM,       /* /finesse/api/Team/{id}/Users */
    SIM_QUEUE,      /* /finesse/api/Queue/{id} */
    SIM_SYSTEMINFO, /* /finesse/api/SystemInfo */
};

struct sim_event {
    enum sim_kind kind;
    const char *node; /* borrowed: valid until the next sim_next */
    const char *doc;  /* the <Update>, unescaped; borrowed likewise */
    size_t len;       /* of doc */
    long agent;       /* the agent's index, or -1 */
};

/* A new simulator (caller frees with sim_free); counts of 0 become 1. */
struct sim *sim_new(const struct sim_config *cfg);
void sim_free(struct sim *s);

/* The next event; now_ms is the wall clock (ms since the epoch) used for
 * the timestamps in it. Always 0: the shift never ends. */
int sim_next(struct sim *s, double now_ms, struct sim_event *out);

/* Every node the simulator publishes to (and ClientLog nodes, which it
 * only creates): sim_node_count() of them, node i written to b (emptied
 * first). */
size_t sim_node_count(const struct sim *s);
void sim_node(const struct sim *s, size_t i, struct buf *b);

/* Events produced so far, and the FNV-1a 64 digest over their nodes and
 * documents with every timestamp left out: 16 hex digits. */
uint64_t sim_events(const struct sim *s);
void sim_digest(const struct sim *s, char out[17]);

/* Writes doc without its timestamps (YYYY-MM-DDThh:mm:ss.SSSZ) to b;
 * what the digest covers. */
void sim_strip_times(const char *doc, size_t len, struct buf *b);

/* --- the document builders (finesse_xml.c); each appends one whole
 * <Update> to b. --- */

struct sim_reason {
    const char *id, *code, *label, *category;
};

struct sim_user {
    const char *login_id, *login_name, *first, *last, *extension;
    const char *state, *pending;
    const char *state_time;          /* timestamp text */
    const struct sim_reason *reason; /* NULL: reasonCodeId -1 */
    const char *team_id, *team_name;
};

struct sim_party {
    const char *address;
    int agent; /* mediaAddressType AGENT_DEVICE */
    const char *state, *cause;
    const char *const *actions; /* NULL-terminated, may be NULL */
    const char *start_time, *state_time;
};

struct sim_var {
    const char *name, *value;
};

struct sim_dialog {
    const char *id;
    const char *from, *to, *dnis, *call_type;
    const char *queue_number, *queue_name;
    const char *state;
    const struct sim_var *vars; /* nvars of them */
    size_t nvars;
    const struct sim_party *parties; /* nparties of them */
    size_t nparties;
};

struct sim_queue_stats {
    const char *id, *name;
    int calls, ready, not_ready, busy_other, logged_on, talking_in, talking_out,
        talking_internal, wrapup_not_ready, wrapup_ready;
    const char *longest; /* startTimeOfLongestCallInQueue, may be "" */
};

void sim_xml_user(struct buf *b, const struct sim_user *u);
/* The short user a Team/{id}/Users node carries. */
void sim_xml_team_user(struct buf *b, const struct sim_user *u);
/* event POST or DELETE: <dialogs> list on the user's Dialogs source; PUT:
 * one <Dialog>, source /finesse/api/Dialog/{id}. */
void sim_xml_dialog(struct buf *b, const char *event, const char *user_id,
                    const struct sim_dialog *d);
void sim_xml_queue(struct buf *b, const struct sim_queue_stats *q);
/* POST: the user's queues (n of them). */
void sim_xml_user_queues(struct buf *b, const char *user_id,
                         const struct sim_queue_stats *q, size_t n);
void sim_xml_systeminfo(struct buf *b, const char *status, const char *reason,
                        const char *now, const char *domain);

#endif
