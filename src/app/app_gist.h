/*
 * A decoded pubsub event in a few words, as the Console's rows say it:
 * "user 1001009 TALKING", "dialog 16817512 ACTIVE +1", "queue Sales". The
 * app keeps them with the stanza's ring entry as it applies the event, so
 * the Console reads them instead of parsing and decoding the row again;
 * ui/console_gist.c says the same of stanzas it parses itself.
 */
#ifndef PERCH_APP_GIST_H
#define PERCH_APP_GIST_H

#include "base/buf.h"

#include <jansson.h>

/* Appends ev's words (decode.h's JSON, borrowed) to b. */
void app_event_words(struct buf *b, json_t *ev);

#endif
