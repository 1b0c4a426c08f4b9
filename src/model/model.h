/*
 * What the panes show, built from decoded events (docs/events.md): agents
 * by loginId, dialogs by id with their participants and call variables,
 * teams, queues with their statistics, system info, the node tree from
 * disco, per-node counters. The events are read here and nowhere after:
 * the structs below are all a screen needs. Knows nothing about terminals.
 *
 * The model owns everything here. Strings and lists are valid until the
 * next model_apply or model_expire; agents, teams and queues stay until
 * model_done, a dialog until model_expire forgets it. NULL means no event
 * has carried that field yet; an event that does not carry a field
 * leaves it as it was. Times are kept verbatim (as Finesse sent them) and
 * parsed (ms since the epoch on the server's clock; 0 for unknown:
 * absent, "", "-1", "--" or not a time).
 */
#ifndef PERCH_MODEL_H
#define PERCH_MODEL_H

#include "map.h"

#include <jansson.h>

struct agent {
    char *login_id, *login_name, *first_name, *last_name, *extension;
    char *state, *pending_state, *reason_code_id, *reason_label;
    char *team_id, *team_name;
    double state_change_ms; /* server clock, ms since the epoch; 0 unknown */
    double updated_ms;      /* local clock of the last event */
};

/* One party of a dialog. */
struct participant {
    char *media_address, *media_address_type, *state, *state_cause;
    char *start_time, *state_change_time; /* verbatim */
    double start_ms, state_change_ms;     /* parsed; 0 unknown */
    char **actions; /* what it may do now, in Finesse's order */
    size_t nactions;
};

/* Which family a call variable belongs to, by its name. */
enum call_var_kind {
    CALL_VAR_NUMBERED, /* callVariable1 … callVariable10 */
    CALL_VAR_ECC,      /* user.NAME, user.NAME[i]: an ECC variable */
    CALL_VAR_BA,       /* BA…: an outbound campaign variable */
    CALL_VAR_OTHER,    /* any other name */
};

struct call_var {
    char *name, *value; /* value "" when Finesse sent none */
    enum call_var_kind kind;
};

struct dialog {
    /* Finesse's fields (mediaProperties' beside the others), in the
     * order model_dialog_fields lists them */
    char *id, *uri, *state, *media_type, *from_address, *to_address;
    char *call_type, *dnis, *dialed_number;
    char *secondary_id, *associated_dialog_uri, *callback_number;
    char *media_id, *outbound_classification, *queue_number, *queue_name;
    char *call_key_call_id, *call_key_sequence_num, *call_key_prefix;
    char *wrap_up_reason;
    /* each list is replaced as a whole by an event that carries it */
    struct participant *participants;
    size_t nparticipants;
    struct call_var *call_vars; /* in the order Finesse sent them */
    size_t ncall_vars;
    char *node; /* the node of the last event */
    double updated_ms;
    double dropped_ms; /* local clock when it dropped; 0 while alive */
    int deleted;       /* DELETEd: kept MODEL_DELETED_KEEP_MS, then gone */
};

/* A dialog's text fields by Finesse's name, in the decoder's order (for
 * a detail view): {"id", offsetof id} … {NULL, 0}. */
struct dialog_field {
    const char *name;
    size_t offset; /* of a char * in struct dialog */
};
extern const struct dialog_field model_dialog_fields[];

/* d's field f (borrowed); NULL when no event carried it. */
const char *model_dialog_field(const struct dialog *d,
                               const struct dialog_field *f);

/* How long a deleted dialog stays (for a screen to show it leaving). */
#define MODEL_DELETED_KEEP_MS 10000

struct team {
    char *id, *name;
    size_t users; /* in the last snapshot */
};

/* A queue statistic, which Finesse may leave out. */
struct queue_count {
    long long n; /* -1 is Finesse's "unassigned"; 0 when not present */
    int present; /* the last statistics carried it */
};

/* A queue's statistics as the last event carrying them said. */
struct queue_stats {
    struct queue_count calls_in_queue, agents_ready, agents_not_ready;
    struct queue_count agents_busy_other, agents_logged_on;
    struct queue_count agents_talking_inbound, agents_talking_outbound;
    struct queue_count agents_talking_internal;
    struct queue_count agents_wrap_up_not_ready, agents_wrap_up_ready;
    double longest_since_ms; /* startTimeOfLongestCallInQueue; 0 unknown */
};

struct queue {
    char *uri, *name;
    int has_stats; /* some event carried statistics */
    struct queue_stats stats;
    double updated_ms;
};

/* Finesse's SystemInfo. */
struct system_info {
    char *status; /* IN_SERVICE, OUT_OF_SERVICE, PARTIAL_SERVICE … */
    char *reason; /* statusReason; NULL when a status came without one */
    char *deployment_type, *xmpp_domain, *pubsub_domain;
    char *current_timestamp;             /* verbatim */
    double current_ms;                   /* parsed; 0 unknown */
    char *primary_host, *secondary_host; /* primaryNode, secondaryNode */
};

struct node_entry {
    char *path;
    int subscribed;
    unsigned long events;
    double last_ms; /* local clock of the last event; 0 never */
};

struct model {
    /* loginId -> struct agent; an agent is never removed before
     * model_done, so pointers to agents stay valid */
    struct map agents;
    struct map dialogs; /* id -> struct dialog */
    struct map teams;   /* id -> struct team */
    struct map queues;  /* uri (or node) -> struct queue */
    struct map nodes;   /* path -> struct node_entry */
    struct system_info system;
    double drift_ms;   /* server clock minus ours */
    double expired_ms; /* local clock of the last model_expire */
    unsigned long events, unknown_deletes, raw_events;
    size_t subscribed; /* nodes marked subscribed */
};

void model_init(struct model *m);
void model_done(struct model *m);

/* What model_apply changed, for a screen to redraw only that. */
enum model_change {
    MODEL_CHANGED_NODES = 1 << 0,   /* the node's counters or marks */
    MODEL_CHANGED_AGENTS = 1 << 1,  /* agents or teams */
    MODEL_CHANGED_DIALOGS = 1 << 2, /* dialogs */
    MODEL_CHANGED_OTHER = 1 << 3,   /* queues, system info, anything else */
};

/* Applies one decoded event (borrowed; docs/events.md says what each kind
 * does) seen at local time now_ms. Returns MODEL_CHANGED_* bits: NODES
 * always, and the kind's own when the event has a kind. Fields of the
 * wrong JSON type count as absent. */
unsigned model_apply(struct model *m, json_t *ev, double now_ms);

/* Forgets dialogs deleted MODEL_DELETED_KEEP_MS or more before now_ms
 * (model_apply does it too, at most once a second). */
void model_expire(struct model *m, double now_ms);

/* Milliseconds the agent has been in its state at local wall-clock time
 * now_ms (ms since the epoch, as model_wall_ms),
 * corrected by the measured drift; -1 when the change time is unknown. */
double model_time_in_state_ms(const struct model *m, const struct agent *a,
                              double now_ms);

/* The local wall clock in ms since the epoch (time in state needs it; the
 * other local times in the model are loop_now_ms()). */
double model_wall_ms(void);

/* "2026-11-21T09:15:02.120Z" -> ms since the epoch; 0 for "", "-1", "--"
 * and anything else that is not such a time. */
double model_parse_time(const char *s);

/* The node tree: every path from disco, and subscription marks. */
struct node_entry *model_node(struct model *m, const char *path, int create);
void model_node_subscribed(struct model *m, const char *path, int yes);

struct tree_row {
    const char *segment; /* borrowed from the path (not NUL-terminated at
                            the end: use seglen) */
    size_t seglen;
    int depth;
    const struct node_entry *node; /* NULL for a path prefix only */
    char *prefix;                  /* owned: the path up to this segment */
};

/* Rows in tree order (sorted by path; intermediate segments as rows of
 * their own): "finesse › api › User › 1001001 › Dialogs". Caller frees
 * with model_tree_free. */
size_t model_tree(const struct model *m, struct tree_row **rows);
void model_tree_free(struct tree_row *rows, size_t n);

#endif
