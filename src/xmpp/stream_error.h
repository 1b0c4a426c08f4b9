/* The words for an RFC 6120 <stream:error/>, whatever carried it (a TCP
 * stream, a WebSocket message). */
#ifndef PERCH_STREAM_ERROR_H
#define PERCH_STREAM_ERROR_H

#include <strophe.h>

/* "conflict: Replaced by new connection": the condition (or
 * "undefined-condition") and the <text/> when there is one. New string,
 * caller frees. */
char *stream_error_text(xmpp_stanza_t *err);

#endif
