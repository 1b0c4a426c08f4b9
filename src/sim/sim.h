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

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

struct sim_config {
    unsigned agents; /* >= 1 */
    unsigned teams;  /* >= 1 */
    unsigned queues; /* >= 1 */
    double rate;     /* events per second, > 0: the virtual clock */
    uint64_t seed;
    int outage;         /* a rare SystemInfo OUT_OF_SERVICE blip */
    const char *domain; /* SystemInfo's xmppDomain (copied); NULL: localhost */
    /* SystemInfo's primaryNode and secondaryNode hosts (copied); NULL:
     * left out */
    const char *primary, *secondary;
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

/* --- the REST side's hold on the shift (sim.c) --- */

/* Leaves the agent with this id to a REST client (its user in
 * --rest-users): it stays LOGOUT until told otherwise and only gets calls
 * when READY. 1, or 0 when no agent has the id. */
int sim_drive(struct sim *s, const char *id);
/* Takes the system out of service (SystemInfo OUT_OF_SERVICE, "CTI
 * connection lost": state and call requests then fail with 500) or back;
 * its SystemInfo Update is queued for sim_rest_next. */
void sim_set_in_service(struct sim *s, int in_service, double now_ms);
int sim_in_service(const struct sim *s);
/* The next Update a REST request (or sim_set_in_service) caused, oldest
 * first: 1 with *out (borrowed until the next call), 0 when none is left.
 * They are not part of sim_next's sequence or digest. */
int sim_rest_next(struct sim *s, struct sim_event *out);

/* --- the REST side (sim_rest.c) --- */

struct sim_rest_request {
    const char *method; /* "GET", "PUT", "POST", "DELETE" */
    const char *path;   /* "/finesse/api/User/1001001"; a query is
                           ignored */
    const char *user;   /* who it is (Basic auth): an agent's id, or
                           anyone else, a supervisor of every team */
    const char *body;   /* len bytes, may be NULL */
    size_t len;
    const char *request_id; /* echoed by the Updates it causes; may be "" */
};

struct sim_rest_answer {
    int status;      /* 200, 202, 400, 401, 404, 405, 500 */
    struct buf body; /* a REST document or <ApiErrors>; may be empty */
};

/*
 * Answers one request the way Finesse's REST API does: GET SystemInfo,
 * User/ID, User/ID/Dialogs, Team/ID, Queue/ID; PUT User/ID (LOGIN, READY,
 * NOT_READY and LOGOUT with reason codes; a supervisor READY or LOGOUT
 * only), POST User/ID/Dialogs (MAKE_CALL), PUT Dialog/ID (ANSWER, HOLD,
 * RETRIEVE, DROP). A change is answered 202 and its Updates are queued
 * for sim_rest_next with the request's id; a call action the state does
 * not allow is 202 too, with an apiErrors Update. Bad bodies and state
 * changes the state does not allow are 400 with <ApiErrors>, another
 * agent's objects 401, unknown objects 404, changes while out of service
 * 500. a->body is emptied first (buf_init it once); now_ms is the wall
 * clock for timestamps.
 */
void sim_rest(struct sim *s, const struct sim_rest_request *q, double now_ms,
              struct sim_rest_answer *a);

/* The user id and password of an "Authorization: Basic …" header value
 * (copied into user and pass, NUL-terminated, each cut to size - 1). 0, or
 * -1 when it is no Basic header with "user:password" in base64. */
int sim_rest_basic_auth(const char *header, char *user, char *pass,
                        size_t size);

struct sim_rest_users {
    char **id, **password; /* n of each, owned */
    size_t n;
};

/*
 * Reads a --rest-users file's text (len bytes): one "ID:PASSWORD" a line,
 * '#' comments and blank lines ignored, lines of at most 1,024 bytes,
 * 10,000 users at most. 0, or -1 with *cause "line N: why" (caller frees).
 */
int sim_rest_users_parse(const char *text, size_t len, struct sim_rest_users *u,
                         char **cause);
/* 1 when id and password are a user's (compared in constant time). */
int sim_rest_users_check(const struct sim_rest_users *u, const char *id,
                         const char *password);
void sim_rest_users_done(struct sim_rest_users *u);

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
/* primary, secondary: the node hosts, NULL to leave them out. */
void sim_xml_systeminfo(struct buf *b, const char *status, const char *reason,
                        const char *now, const char *domain,
                        const char *primary, const char *secondary);

/* --- the same objects as a REST answer carries them: what an Update's
 * <data> holds, root element named root ("User" for REST). --- */

void sim_xml_user_data(struct buf *b, const char *root,
                       const struct sim_user *u);
void sim_xml_team_user_data(struct buf *b, const char *root,
                            const struct sim_user *u);
void sim_xml_dialog_data(struct buf *b, const struct sim_dialog *d);
void sim_xml_queue_data(struct buf *b, const struct sim_queue_stats *q);
void sim_xml_systeminfo_data(struct buf *b, const char *status,
                             const char *reason, const char *now,
                             const char *domain, const char *primary,
                             const char *secondary);
/* <Team> with its id, name and users (n short users). */
void sim_xml_team(struct buf *b, const char *id, const char *name,
                  const struct sim_user *users, size_t n);

struct sim_api_error {
    const char *type;    /* "Invalid State" */
    const char *data;    /* "READY" */
    const char *message; /* "CF_INVALID_OBJECT_STATE" */
};

/* A REST answer's <ApiErrors> with one <ApiError>. */
void sim_xml_api_errors(struct buf *b, const struct sim_api_error *e);
/* The Update an asynchronous failure publishes: <apiErrors> data. */
void sim_xml_api_errors_update(struct buf *b, const struct sim_api_error *e,
                               const char *source);

#endif
