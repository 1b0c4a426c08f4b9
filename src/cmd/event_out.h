/* How decoded events (docs/events.md) are printed by watch, items and
 * decode: one JSON object a line, or one aligned line for people. */
#ifndef PERCH_EVENT_OUT_H
#define PERCH_EVENT_OUT_H

#include <jansson.h>
#include <stdio.h>

/* Adds "time" (now, UTC, ms) and "service" (when not NULL) in front of
 * the event's own fields. Returns ev. */
json_t *event_stamp(json_t *ev, const char *service);

/* One line for ev, without the newline: compact JSON (sanitised: \u202E
 * for what jansson leaves raw), or the human line. New string, caller
 * frees; NULL when jansson fails. */
char *event_text(json_t *ev, int json);

/* Writes ev to f as one line (event_text) and flushes. */
void event_print(FILE *f, json_t *ev, int json);

/* The human line (no newline), sanitised: new string, caller frees. It
 * fits 80 columns for the common kinds. */
char *event_line(json_t *ev);

#endif
