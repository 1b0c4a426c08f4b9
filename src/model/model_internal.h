/*
 * What the model's files share (inside src/model/): the event being
 * applied, the field helpers, and each file's apply functions for the
 * kinds table of model.c.
 */
#ifndef PERCH_MODEL_INTERNAL_H
#define PERCH_MODEL_INTERNAL_H

#include "model.h"

#include <jansson.h>

/* What every kind's apply function gets. */
struct incoming {
    json_t *ev;         /* the whole event (borrowed) */
    const char *node;   /* NULL when it has none */
    const char *event;  /* "POST", "PUT", "DELETE" …; NULL when none */
    const char *source; /* the Update's <source>; NULL when none */
    double now;         /* local clock */
};

/* The string at key; NULL when absent or not a string. */
const char *model_str(json_t *o, const char *key);
/* Replaces *field with a copy of v (NULL clears it); an equal string stays
 * as it is. */
void model_set(char **field, const char *v);
/* model_set(field, v) when v is given (an Update names only what it
 * sends); NULL leaves *field as it is. */
void model_take_str(char **field, const char *v);
/* Replaces *field with the object's value for key, when present. */
void model_take(char **field, json_t *o, const char *key);
/* The event is a DELETE (any case). */
int model_is_delete(const struct incoming *e);

/*
 * The id in a Finesse path: path is prefix, one segment (the id), then
 * exactly rest ("" for nothing) — or, when rest ends with '/', rest and
 * one more segment. ("/finesse/api/User/7/Media/2", "/finesse/api/User/",
 * "/Media/") -> "7". New string, caller frees; NULL when path (may be
 * NULL) is not of that shape.
 */
char *model_path_id(const char *path, const char *prefix, const char *rest);

#define MODEL_USER_PATH "/finesse/api/User/"
#define MODEL_TEAM_PATH "/finesse/api/Team/"

/* model_agents.c: agents, their teams, queues and media; the queues */
void model_apply_user(struct model *m, const struct incoming *e);
void model_apply_team(struct model *m, const struct incoming *e);
void model_apply_queue(struct model *m, const struct incoming *e);
void model_apply_queues(struct model *m, const struct incoming *e);
void model_apply_media(struct model *m, const struct incoming *e);
void model_agent_free(void *agent);
void model_team_free(void *team);
void model_queue_free(void *queue);

/* model_dialogs.c */
void model_apply_dialogs(struct model *m, const struct incoming *e);
void model_dialog_free(void *dialog);

#endif
