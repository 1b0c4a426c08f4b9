/* How decoded events (docs/events.md) are printed by watch, items and
 * decode: one JSON object a line, or one aligned line for people. */
#ifndef PERCH_EVENT_OUT_H
#define PERCH_EVENT_OUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Now, UTC with milliseconds, "2026-11-21T09:15:02.120Z", into out (64
 * bytes are plenty). */
void event_now(char *out, size_t size);

/* Adds "time" (now, UTC, ms) and "service" (when not NULL) in front of
 * the event's own fields. Returns ev. */
json_t *event_stamp(json_t *ev, const char *service);
/* The same, and with resync "resync":true after them: an item fetched
 * after a reconnect, not one that was just published. */
json_t *event_stamp_resync(json_t *ev, const char *service, int resync);

/* One line for ev, without the newline: compact JSON (sanitised: \u202E
 * for what jansson leaves raw), or the human line. New string, caller
 * frees; NULL when jansson fails. */
char *event_text(json_t *ev, int json);

/* Writes ev to f as one line (event_text) and flushes. */
void event_print(FILE *f, json_t *ev, int json);

/* The human line (no newline), sanitised: new string, caller frees. It
 * fits 80 columns for the common kinds. */
char *event_line(json_t *ev);

/* watch's human line: a node column after the event and kind, shortened
 * from the left ("…/User/1001001/Dialogs") to fit 80 columns; new
 * string. */
char *event_line_node(json_t *ev);
/* event_print with event_line_node for people. */
void event_print_node(FILE *f, json_t *ev, int json);

/* A session line of watch --json (docs/events.md):
 * {"time","kind":"session","state","cause","attempt","retry_ms","jid",
 * "host","role"}; cause, jid, host and role when not NULL, retry_ms when
 * >= 0. */
void event_print_session(FILE *f, const char *state, const char *cause,
                         unsigned attempt, long retry_ms, const char *jid,
                         const char *host, const char *role);

#endif
