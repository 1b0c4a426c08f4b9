/*
 * What a Console row says a stanza is, in a few words after its direction:
 * "user 1001009 TALKING", "dialog 16817512 ACTIVE", "disco#items → 86
 * items", "ping", "subscribe /finesse/api/User/1001009", "error
 * item-not-found". Pubsub payloads go through the decoders (decode.h), as
 * watch and the model read them. Curses-free (unit tested).
 */
#ifndef PERCH_UI_CONSOLE_GIST_H
#define PERCH_UI_CONSOLE_GIST_H

#include <strophe.h>

/* The gist of the stanza st (borrowed); a new string, or NULL when there
 * is nothing to add to its name and type (an empty result, a presence). */
char *console_gist(xmpp_stanza_t *st);

/* gist cut to at most width characters: a node path (the last word that
 * starts with '/') loses its left end first ("subscribe …/User/1001009",
 * ellipsis "..." when utf8 is 0), then the end of the text. New string. */
char *console_gist_fit(const char *gist, int width, int utf8);

/* s cut from the left to at most width characters: "…" and its end (an
 * id's or a path's end tells them apart). New string. */
char *console_cut_left(const char *s, int width, int utf8);

#endif
