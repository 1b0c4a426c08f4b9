/* BOSH <body/> wrappers: building requests and reading responses. Pure
 * functions, so they are unit tested and fuzzed apart from the transport. */
#ifndef PERCH_BOSHBODY_H
#define PERCH_BOSHBODY_H

#include "transport.h"

#include <stddef.h>
#include <strophe.h>

#define BOSH_RID_MAX ((1ULL << 53) - 1)
#define BOSH_MAX_RESPONSE (16u << 20)
#define BOSH_MAX_DEPTH 128 /* elements nested in a response */

/* Resends a profile may make of one request before the session is lost. */
#define BOSH_PROFILE_MAX_RETRIES 8

/*
 * How a client opens and keeps a BOSH session: perch's own ("perch"), or
 * the Finesse desktop's BOSH library ("desktop": hold=1, ver=1.9,
 * wait=30, a request given up after wait + 5 s, three resends about 0.5,
 * 2 and 4.5 s apart before the loss is reported, never more than two
 * requests in flight).
 */
struct bosh_profile {
    const char *name;
    const char *ver;       /* the ver attribute of the session request */
    unsigned hold;         /* the hold attribute */
    unsigned wait;         /* the wait asked unless --bosh-wait says */
    unsigned margin_s;     /* a request is given up after wait + this */
    unsigned retries;      /* resends of a request before the loss */
    unsigned requests;     /* at most this many in flight, and never more
                              than the server's 'requests' */
    int early_poll;        /* a response with stanzas is replaced by a new
                              poll before they are read (else after, with
                              what reading them queued, as the desktop) */
    unsigned silent_after; /* attempts unanswered within wait + margin
                              that make the server silent (a loss) */
    unsigned pause_ms[BOSH_PROFILE_MAX_RETRIES]; /* before resend n + 1 */
};

/* The profile named name, or NULL; NULL or "" is perch's own. */
const struct bosh_profile *bosh_profile_find(const char *name);
/* The names, for messages: "perch, desktop". */
const char *bosh_profile_names(void);

struct bosh_request {
    unsigned long long rid;
    const char *sid;     /* NULL: this is the session creation request */
    const char *to;      /* the domain (creation and restart) */
    unsigned wait;       /* creation only */
    const char *ver;     /* creation only; NULL: 1.6 */
    unsigned hold;       /* creation only; 0: 1 */
    int restart;         /* xmpp:restart='true' */
    int terminate;       /* type='terminate' */
    const char *payload; /* serialized stanzas, may be NULL */
    size_t payload_len;
};

/* The request body as sent (and resent byte for byte). New string, caller
 * frees; *len gets its length. */
char *bosh_body_build(const struct bosh_request *r, size_t *len);

/* The rid after rid: +1, wrapping to 1 past 2^53 - 1. */
unsigned long long bosh_rid_next(unsigned long long rid);

/*
 * Parses a response. Returns the <body/> (new, caller releases), or NULL
 * with *cause (new string, caller frees) for an empty, oversized,
 * NUL-holding, too deeply nested or not well-formed response, or one whose
 * root is not <body/>.
 */
xmpp_stanza_t *bosh_body_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                               char **cause);

/* The session parameters of a creation response; wait is capped by
 * asked_wait (and set to it when absent). */
void bosh_body_params(xmpp_stanza_t *body, unsigned asked_wait,
                      struct transport_params *p);

/* 1 when the body says type=type. */
int bosh_body_is(xmpp_stanza_t *body, const char *type);

/* The user-facing cause of a type='terminate' body: the condition, plus
 * the <uri/> of see-other-uri or the <stream:error/> of
 * remote-stream-error. New string, caller frees. */
char *bosh_terminate_cause(xmpp_stanza_t *body);

#endif
