/* The model's dialogs: calls with their participants and call variables. */
#include "base/buf.h"
#include "decode/keys.h"
#include "model_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define DIALOG_FIELD(key, member)                                              \
    {                                                                          \
        key, offsetof(struct dialog, member)                                   \
    }

const struct dialog_field model_dialog_fields[] = {
    DIALOG_FIELD(EVK_ID, id),
    DIALOG_FIELD(EVK_URI, uri),
    DIALOG_FIELD(EVK_STATE, state),
    DIALOG_FIELD(EVK_MEDIA_TYPE, media_type),
    DIALOG_FIELD(EVK_FROM_ADDRESS, from_address),
    DIALOG_FIELD(EVK_TO_ADDRESS, to_address),
    DIALOG_FIELD(EVK_CALL_TYPE, call_type),
    DIALOG_FIELD(EVK_DNIS, dnis),
    DIALOG_FIELD(EVK_DIALED_NUMBER, dialed_number),
    DIALOG_FIELD(EVK_SECONDARY_ID, secondary_id),
    DIALOG_FIELD(EVK_ASSOCIATED_DIALOG_URI, associated_dialog_uri),
    DIALOG_FIELD(EVK_CALLBACK_NUMBER, callback_number),
    DIALOG_FIELD(EVK_MEDIA_ID, media_id),
    DIALOG_FIELD(EVK_OUTBOUND_CLASSIFICATION, outbound_classification),
    DIALOG_FIELD(EVK_QUEUE_NUMBER, queue_number),
    DIALOG_FIELD(EVK_QUEUE_NAME, queue_name),
    DIALOG_FIELD(EVK_CALL_KEY_CALL_ID, call_key_call_id),
    DIALOG_FIELD(EVK_CALL_KEY_SEQUENCE_NUM, call_key_sequence_num),
    DIALOG_FIELD(EVK_CALL_KEY_PREFIX, call_key_prefix),
    DIALOG_FIELD(EVK_WRAP_UP_REASON, wrap_up_reason),
    {NULL, 0},
};

static char **dialog_slot(struct dialog *d, const struct dialog_field *f)
{
    return (char **)((char *)d + f->offset);
}

const char *model_dialog_field(const struct dialog *d,
                               const struct dialog_field *f)
{
    return *(char *const *)((const char *)d + f->offset);
}

static void participants_free(struct participant *v, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        free(v[i].media_address);
        free(v[i].media_address_type);
        free(v[i].state);
        free(v[i].state_cause);
        free(v[i].start_time);
        free(v[i].state_change_time);
        for (j = 0; j < v[i].nactions; j++)
            free(v[i].actions[j]);
        free(v[i].actions);
    }
    free(v);
}

static void call_vars_free(struct call_var *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

void model_dialog_free(void *p)
{
    struct dialog *d = p;
    const struct dialog_field *f;

    if (d == NULL)
        return;
    for (f = model_dialog_fields; f->name; f++)
        free(*dialog_slot(d, f));
    participants_free(d->participants, d->nparticipants);
    call_vars_free(d->call_vars, d->ncall_vars);
    free(d->node);
    free(d);
}

/* An action that is not a string is left out. */
static void read_participant(struct participant *p, json_t *o)
{
    json_t *actions = json_object_get(o, EVK_ACTIONS), *a;
    size_t i;

    model_take(&p->media_address, o, EVK_MEDIA_ADDRESS);
    model_take(&p->media_address_type, o, EVK_MEDIA_ADDRESS_TYPE);
    model_take(&p->state, o, EVK_STATE);
    model_take(&p->state_cause, o, EVK_STATE_CAUSE);
    model_take(&p->start_time, o, EVK_START_TIME);
    model_take(&p->state_change_time, o, EVK_STATE_CHANGE_TIME);
    p->start_ms = model_parse_time(p->start_time);
    p->state_change_ms = model_parse_time(p->state_change_time);
    if (!json_is_array(actions))
        return;
    p->actions = xcalloc(json_array_size(actions) + 1, sizeof *p->actions);
    json_array_foreach(actions, i, a)
    {
        if (json_is_string(a))
            p->actions[p->nactions++] = xstrdup(json_string_value(a));
    }
}

/* A list that is not an array keeps the old one; entries that are not
 * objects become participants with no fields. */
static void take_participants(struct dialog *d, json_t *o)
{
    json_t *list = json_object_get(o, EVK_PARTICIPANTS), *p;
    size_t i;

    if (!json_is_array(list))
        return;
    participants_free(d->participants, d->nparticipants);
    d->nparticipants = json_array_size(list);
    d->participants = xcalloc(d->nparticipants + 1, sizeof *d->participants);
    json_array_foreach(list, i, p) read_participant(&d->participants[i], p);
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0 && s[strlen(prefix)];
}

static enum call_var_kind call_var_kind(const char *name)
{
    const char *n = name + strlen(EV_CALL_VAR_NUMBERED);

    if (has_prefix(name, EV_CALL_VAR_NUMBERED) &&
        ((n[0] >= '1' && n[0] <= '9' && n[1] == '\0') || strcmp(n, "10") == 0))
        return CALL_VAR_NUMBERED;
    if (has_prefix(name, EV_CALL_VAR_ECC))
        return CALL_VAR_ECC;
    if (has_prefix(name, EV_CALL_VAR_BA))
        return CALL_VAR_BA;
    return CALL_VAR_OTHER;
}

/* In the object's order; a value that is not a string becomes "". */
static void take_call_vars(struct dialog *d, json_t *o)
{
    json_t *vars = json_object_get(o, EVK_CALL_VARIABLES), *v;
    const char *name;
    struct call_var *cv;

    if (!json_is_object(vars))
        return;
    call_vars_free(d->call_vars, d->ncall_vars);
    d->ncall_vars = 0;
    d->call_vars = xcalloc(json_object_size(vars) + 1, sizeof *d->call_vars);
    json_object_foreach(vars, name, v)
    {
        cv = &d->call_vars[d->ncall_vars++];
        cv->name = xstrdup(name);
        cv->value = xstrdup(json_is_string(v) ? json_string_value(v) : "");
        cv->kind = call_var_kind(name);
    }
}

/* A dialog's state that ends it. */
static int final_state(const char *state)
{
    return state && (strcmp(state, EV_DIALOG_DROPPED) == 0 ||
                     strcmp(state, EV_DIALOG_FAILED) == 0);
}

int model_dialog_ended(const struct dialog *d)
{
    return d->ended_ms > 0;
}

/* POST adds, PUT updates, DELETE applies the final state it carries and
 * ends the dialog. A POST of a known id (after a failover) or a PUT of an
 * unknown one does what it can: the dialog is as given. */
static void apply_dialog(struct model *m, const struct incoming *e, json_t *o)
{
    const char *id = model_str(o, EVK_ID);
    const struct dialog_field *f;
    struct dialog *d;
    int deleting = model_is_delete(e);

    if (id == NULL || *id == '\0')
        return;
    d = map_get(&m->dialogs, id);
    if (d == NULL && deleting) {
        m->unknown_deletes++;
        return;
    }
    if (d == NULL) {
        d = xcalloc(1, sizeof *d);
        d->id = xstrdup(id);
        map_put(&m->dialogs, id, d);
    }
    for (f = model_dialog_fields; f->name; f++)
        model_take(dialog_slot(d, f), o, f->name);
    take_participants(d, o);
    take_call_vars(d, o);
    if (e->node)
        model_set(&d->node, e->node);
    d->updated_ms = e->now;
    d->deleted = deleting;
    if (deleting || final_state(d->state)) {
        if (d->ended_ms == 0)
            d->ended_ms = e->now;
    } else {
        d->ended_ms = 0;
    }
}

void model_apply_dialogs(struct model *m, const struct incoming *e)
{
    json_t *d;
    size_t i;

    json_array_foreach(json_object_get(e->ev, EVK_DIALOGS), i, d)
        apply_dialog(m, e, d);
}
