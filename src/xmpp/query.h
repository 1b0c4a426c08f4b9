/*
 * Small queries the console and `perch probe` both make of the server: an
 * iq get with one empty child (XEP-0199 ping, XEP-0202 time), and the
 * server's clock read from a XEP-0202 reply.
 */
#ifndef PERCH_QUERY_H
#define PERCH_QUERY_H

#include <strophe.h>

/* A new <iq type='get' to=TO><CHILD xmlns=NS/></iq> (caller releases). */
xmpp_stanza_t *query_iq_get(xmpp_ctx_t *ctx, const char *to, const char *child,
                            const char *ns);

/*
 * The server's UTC of a XEP-0202 result, in ms since the epoch, and the
 * resolution the text gives (1000 for whole seconds, Prosody's; 1 for
 * milliseconds): 0, or -1 when reply is not a result with a readable
 * <time><utc> (an offset other than Z or +00:00 is refused).
 */
int query_time_reply(xmpp_stanza_t *reply, double *server_ms, double *res_ms);

#endif
