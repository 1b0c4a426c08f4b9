/*
 * What the panes show, built from decoded events (docs/events.md): agents
 * by loginId with their teams, queues and media, dialogs by id with their
 * participants and call variables, teams, queues with their statistics,
 * system info, Finesse's API errors, the node tree from disco, per-node
 * counters. The events are read here and nowhere after: the structs below
 * are all a screen needs. Knows nothing about terminals.
 *
 * The model owns everything here. Strings and lists are valid until the
 * next model_apply or model_expire. Objects leave as Finesse says they
 * do: an agent on a user DELETE or when the last team that brought it
 * drops it, a queue on its DELETE, a dialog model_expire forgets once it
 * ended. A pointer to an agent, dialog or queue is therefore good only
 * while m->removed is what it was when the pointer was taken. NULL means
 * no event has carried that field yet; an event that does not carry a
 * field leaves it as it was, except where docs/events.md says Finesse
 * means "none" by leaving it out (a state change without a reason code).
 * Times are kept verbatim (as Finesse sent them) and parsed (ms since the
 * epoch on the server's clock; 0 for unknown: absent, "", "-1", "--" or
 * not a time).
 */
#ifndef PERCH_MODEL_H
#define PERCH_MODEL_H

#include "map.h"

#include <jansson.h>

/* An agent's state on one non-voice channel (Finesse's Media per MRD). */
struct agent_media {
    char *id;   /* the MRD id: /finesse/api/User/{id}/Media/{mrdId} */
    char *name; /* "Chat", "Email" …; NULL until an event names it */
    char *state, *pending_state, *reason_code_id, *reason_label;
    double state_change_ms; /* server clock; 0 unknown */
};

struct agent {
    char *login_id, *login_name, *first_name, *last_name, *extension;
    char *state, *pending_state, *reason_code_id, *reason_label;
    char *team_id, *team_name;
    double state_change_ms; /* server clock, ms since the epoch; 0 unknown */
    double updated_ms;      /* local clock of the last event */
    char **teams; /* ids of the teams whose node or snapshot lists it */
    size_t nteams;
    char **queues; /* uris of its queues (User/{id}/Queues), in order */
    size_t nqueues;
    struct agent_media *media; /* in the order first seen */
    size_t nmedia;
    int direct; /* an event came from its own nodes, not only a team's */
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
    /* local clock when it ended (state DROPPED or FAILED, or DELETEd); 0
     * while it goes on. model_expire forgets it ended_keep_ms later. */
    double ended_ms;
    int deleted; /* a DELETE came (after it, a POST of the id revives it) */
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

/* How long an ended dialog stays by default (model.ended_keep_ms). */
#define MODEL_ENDED_KEEP_MS 30000

struct team {
    char *id, *name;
    size_t users; /* agents listing it in their teams */
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
    int direct; /* its own node sent it (else only agents' Queues lists) */
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

/* An <apiErrors> Update's apiError: a request Finesse refused. */
struct api_error {
    char *request_id;            /* the envelope's requestId; NULL when none */
    char *type, *message, *data; /* errorType, errorMessage, errorData */
    char *node, *source;         /* where it came from; NULL when none */
    double at_ms;                /* local clock */
};

/* How many apiErrors the model keeps (the newest). */
#define MODEL_ERRORS_KEPT 32
/* How many item ids a node remembers as applied (model_apply skips them). */
#define MODEL_SEEN_ITEMS 16

struct node_entry {
    char *path;
    int subscribed;
    unsigned long events;
    double last_ms; /* local clock of the last event; 0 never */
    /* the last MODEL_SEEN_ITEMS items applied: id and a hash of the event */
    char *seen_id[MODEL_SEEN_ITEMS];
    unsigned long long seen_hash[MODEL_SEEN_ITEMS];
    unsigned seen_next;
};

struct model {
    struct map agents;  /* loginId -> struct agent */
    struct map dialogs; /* id -> struct dialog */
    struct map teams;   /* id -> struct team */
    struct map queues;  /* uri (or node) -> struct queue */
    struct map nodes;   /* path -> struct node_entry */
    struct system_info system;
    struct api_error errors[MODEL_ERRORS_KEPT]; /* a ring: model_error */
    unsigned long errors_total;                 /* ever kept */
    double drift_ms;                            /* server clock minus ours */
    double expired_ms;    /* local clock of the last model_expire */
    double ended_keep_ms; /* how long an ended dialog stays */
    /* a replay's recorded time now (ms since the epoch) for the times in
     * state: 0 live (the wall clock) */
    double clock_ms;
    /* agents, dialogs and queues freed so far: pointers taken before it
     * changed may dangle */
    unsigned long removed;
    unsigned long events, unknown_deletes, raw_events, duplicates;
    size_t subscribed; /* nodes marked subscribed */
    /* counts changes of the set of nodes (one came or went): a tree of
     * node pointers built before it changed may dangle */
    unsigned long nodes_changed;
};

/* ended_keep_ms is MODEL_ENDED_KEEP_MS; set it after when wanted. */
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
 * always, and the kind's own when the event has a kind — or 0 for an item
 * already applied (the same node, item id and event: counted in
 * duplicates, nothing else). Fields of the wrong JSON type count as
 * absent. */
unsigned model_apply(struct model *m, json_t *ev, double now_ms);

/* 1 when ev (borrowed), an item's event, was applied before (its node
 * remembers its id and content); model_apply would skip it. A resync
 * applies only the items after the last one seen, so that old items
 * fetched after a newer event arrived do not undo it. */
int model_seen(const struct model *m, json_t *ev);

/* Forgets dialogs that ended ended_keep_ms or more before now_ms
 * (model_apply does it too, at most once a second). Returns how many. */
size_t model_expire(struct model *m, double now_ms);

/* A dialog's end is known (it is listed dim until forgotten). */
int model_dialog_ended(const struct dialog *d);

/* The n-th apiError ever kept (0 the first); NULL once it left the ring or
 * when n >= errors_total. Borrowed, valid until the next model_apply. */
const struct api_error *model_error(const struct model *m, unsigned long n);

/* Milliseconds the agent has been in its state at local wall-clock time
 * now_ms (ms since the epoch, as model_wall_ms),
 * corrected by the measured drift; -1 when the change time is unknown. */
double model_time_in_state_ms(const struct model *m, const struct agent *a,
                              double now_ms);
/* The same for any server time (a medium's state change): -1 unknown. */
double model_since_ms(const struct model *m, double server_ms, double now_ms);

/* The local wall clock in ms since the epoch (time in state needs it; the
 * other local times in the model are loop_now_ms()). */
double model_wall_ms(void);
/* The wall clock of this model: a replay's recorded time (clock_ms), else
 * model_wall_ms(). */
double model_now_ms(const struct model *m);

/* "2026-11-21T09:15:02.120Z" -> ms since the epoch (clock_parse_iso: a
 * zone honoured, UTC without one); 0 for "", "-1", "--" and anything else
 * that is not such a time. */
double model_parse_time(const char *s);

/* The node tree: every path from disco, and subscription marks. */
struct node_entry *model_node(struct model *m, const char *path, int create);
void model_node_subscribed(struct model *m, const char *path, int yes);

/*
 * What the server holds, after asking it again: the tree becomes the
 * nodes listed (disco#items; when have_listed) and the subscribed ones,
 * and the marks exactly the subscribed. A node that goes takes its
 * counters and applied items with it. Returns how many went.
 */
size_t model_nodes_sync(struct model *m, const char *const *listed,
                        size_t nlisted, int have_listed,
                        const char *const *subscribed, size_t nsub);

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
