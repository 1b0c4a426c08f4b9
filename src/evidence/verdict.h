/*
 * Verdicts ("doctor"): what went wrong in a replayed capture or a probe,
 * each finding with its time and evidence, and a timeline per agent.
 * Fed the same records and decoded events a replay prints; says nothing
 * until verdict_finish.
 *
 * Findings ("finding" below), in time order:
 *   gap            no BOSH request held for longer than the server's
 *                  inactivity: the server closes the session, and Finesse
 *                  then logs the agent out or makes it NOT_READY within
 *                  60-180 s
 *   failed         a request that failed (no response, a transport error,
 *                  HTTP 4xx/5xx), with the cause
 *   retried        a rid sent again
 *   cut-poll       an empty long poll answered well before the server's
 *                  wait with no newer request of the client's to explain
 *                  it (a proxy's idle timeout cuts it)
 *   terminated     a type='terminate' body, with its condition
 *   not-found      HTTP 404 for the session: the server no longer knows it
 *   ws-close       a WebSocket <close/> sent or received; in a recording
 *                  also the close frame that began the handshake, with
 *                  its code
 *   clock-drift    the client's clock against the server's Date header
 *                  (the median over the responses), when over 2 s
 *   out-of-service a Finesse SystemInfo status OUT_OF_SERVICE
 *   session-ended  a recording's session ended with a cause
 *   rest-failed    a recorded Finesse REST request (perch rest, the
 *                  console's /rest, SystemInfo polls, resync GETs) that
 *                  failed or was answered HTTP 4xx/5xx, with the cause;
 *                  never a BOSH finding
 */
#ifndef PERCH_VERDICT_H
#define PERCH_VERDICT_H

#include "evidence.h"

#include <jansson.h>

struct verdict;

/* Never NULL. */
struct verdict *verdict_new(void);
void verdict_free(struct verdict *v);

/* A record (borrowed) as evidence_read gives it. */
void verdict_record(struct verdict *v, const struct evidence_rec *r);
/* A decoded event (borrowed) at time t. */
void verdict_event(struct verdict *v, json_t *ev, double t);
/* A live transport record and the parameters (probe), borrowed. */
void verdict_transport(struct verdict *v, const struct transport_record *rec);
void verdict_params(struct verdict *v, const struct transport_params *p);

/*
 * Hands each finding, then each agent's timeline, to cb as a new object
 * (cb owns it): {"time","kind":"finding","finding","text","evidence":{…}}
 * and {"time","kind":"timeline","agent","name","states":[{"state",
 * "reason","start","ms","open" (the last: still in it at the end)}…]}.
 * Durations in evidence are whole milliseconds ("ms"). Returns the number of
 * findings.
 */
unsigned verdict_finish(struct verdict *v, void (*cb)(void *arg, json_t *o),
                        void *arg);

#endif
