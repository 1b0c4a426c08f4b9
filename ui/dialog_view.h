/*
 * The Dialogs pane's detail: pinned to one call by its id, not to a row,
 * so that other calls coming and going never switch it; when the call
 * ends it says so, and its last state stays shown after the model forgets
 * the call. Curses-free (unit tested).
 */
#ifndef PERCH_UI_DIALOG_VIEW_H
#define PERCH_UI_DIALOG_VIEW_H

#include "model/model.h"

#include <stddef.h>

struct dialog_view {
    char *id;        /* the call shown; NULL when none (owned) */
    char **lines;    /* its detail as of the last refresh (owned) */
    size_t n;        /* lines */
    double ended_ms; /* local clock when it ended; 0 while it goes on */
    int gone;        /* it has left the list (ended longer ago than the model
                        keeps calls, or forgotten): lines are its last state */
};

/* Pins v to the call id (borrowed; copied), dropping what it showed. */
void dialog_view_open(struct dialog_view *v, const char *id);

/* Reads the pinned call again from m when m still has it; otherwise keeps
 * the last lines. now_ms: the local clock (loop_now_ms), for gone. */
void dialog_view_refresh(struct dialog_view *v, const struct model *m,
                         double now_ms);

/* Frees what v holds and unpins it. */
void dialog_view_done(struct dialog_view *v);

/* d's detail, one line each: every field sent ("state  DROPPED"), each
 * participant with its actions, the call variables in order. New array of
 * new strings (dialog_view_lines_free); *n how many. */
char **dialog_view_lines(const struct dialog *d, size_t *n);
void dialog_view_lines_free(char **lines, size_t n);

#endif
