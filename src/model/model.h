/*
 * What the panes show, built from decoded events (DESIGN.md's JSON):
 * agents by loginId, dialogs by id, teams, queues, system status, the node
 * tree from disco, per-node counters. Knows nothing about terminals.
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

struct dialog {
    char *id, *uri, *state, *from_address, *to_address, *call_type;
    char *media_type, *node;
    json_t *detail; /* the whole decoded dialog (participants, call
                       variables); a reference the model owns */
    double updated_ms;
    double dropped_ms; /* local clock when it dropped; 0 while alive */
    int deleted;       /* DELETEd: kept MODEL_DELETED_KEEP_MS, then gone */
};

/* How long a deleted dialog stays (for a screen to show it leaving). */
#define MODEL_DELETED_KEEP_MS 10000

struct team {
    char *id, *name;
    size_t users; /* in the last snapshot */
};

struct queue {
    char *uri, *name;
    json_t *statistics; /* owned reference */
    double updated_ms;
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
    char *system_status, *system_reason;
    double drift_ms; /* server clock minus ours */
    double expired_ms; /* local clock of the last model_expire */
    unsigned long events, unknown_deletes, raw_events;
    size_t subscribed; /* nodes marked subscribed */
};

void model_init(struct model *m);
void model_done(struct model *m);

/* Applies one decoded event (borrowed) seen at local time now_ms. */
void model_apply(struct model *m, json_t *ev, double now_ms);

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
