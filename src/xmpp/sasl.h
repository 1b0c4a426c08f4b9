/* SASL client with GNU SASL, shared by both transports through session.c. */
#ifndef PERCH_SASL_H
#define PERCH_SASL_H

#include <strophe.h>

struct sasl;

/*
 * Picks a mechanism from a <mechanisms/> element: wanted if given (and
 * offered), else SCRAM-SHA-256, SCRAM-SHA-1, PLAIN in that order; EXTERNAL
 * only when wanted. Returns wanted itself (borrowed from the caller) or a
 * name from perch's static preference list, or NULL with *cause set (new
 * string naming what the server offers; caller frees).
 */
const char *sasl_choose(xmpp_stanza_t *mechanisms, const char *wanted,
                        char **cause);

/* Starts a client exchange; NULL with *cause on failure. */
struct sasl *sasl_start(const char *mech, const char *authid,
                        const char *password, const char *host, char **cause);

/*
 * One step: in is the server's base64 data (NULL for the first step, "" for
 * empty). On 0 or 1, *out is a new base64 string to send (caller frees;
 * may be empty). Returns 0 when the exchange is complete (the server was
 * verified, for SCRAM), 1 when more is needed, -1 with *cause on error.
 */
int sasl_step(struct sasl *s, const char *in, char **out, char **cause);
int sasl_done(const struct sasl *s);
void sasl_free(struct sasl *s);

#endif
