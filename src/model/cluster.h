/*
 * The Finesse cluster perch is following: which node (primary or
 * secondary) a host is, from SystemInfo's primaryNode and secondaryNode,
 * the other node (SystemInfo's, else --alternate), and the words the
 * status bar shows. Pure: unit tested.
 */
#ifndef PERCH_CLUSTER_H
#define PERCH_CLUSTER_H

#include "model.h"

#include <stddef.h>

enum cluster_role { CLUSTER_UNKNOWN, CLUSTER_PRIMARY, CLUSTER_SECONDARY };

/* 1 when a and b name the same host: equal ignoring case, or one is the
 * other's first label ("fin1" and "fin1.example.com"). NULLs never. */
int cluster_host_equal(const char *a, const char *b);

/* Which node host is by SystemInfo (s's hosts); CLUSTER_UNKNOWN when it
 * names neither, or both. */
enum cluster_role cluster_role(const struct system_info *s, const char *host);

/* The node that is not host: SystemInfo's other host, else alternate
 * (unless it is host); NULL when none is known. Borrowed. */
const char *cluster_other(const struct system_info *s, const char *host,
                          const char *alternate);

/* "primary", "secondary", or NULL for CLUSTER_UNKNOWN. */
const char *cluster_role_name(enum cluster_role r);

/*
 * The status bar's words for the node perch is on: "primary IN_SERVICE",
 * "secondary OUT_OF_SERVICE", "node ? PARTIAL_SERVICE" (SystemInfo names
 * other hosts), "IN_SERVICE" (it names none), "primary" (status not known
 * yet); narrow: "pri", "sec".
 * "" when nothing at all is known (no SystemInfo). Text from the server is
 * copied as is: the drawing sanitises.
 */
void cluster_describe(const struct system_info *s, const char *host, int narrow,
                      char *out, size_t size);

/* ---- failover: the developer guide's rules as a pure decision ---- */

/* What a node's SystemInfo said when asked (GET, or an Update). */
enum cluster_answer {
    CLUSTER_NO_ANSWER, /* unreachable, refused, timed out, not SystemInfo */
    CLUSTER_IN_SERVICE,
    CLUSTER_PARTIAL_SERVICE, /* serves agents: counted as in service */
    CLUSTER_OUT_OF_SERVICE,
};

/* The `finesse` user's presence on the node perch is on. */
enum cluster_presence {
    CLUSTER_PRESENCE_UNKNOWN, /* none seen (or not since the last login) */
    CLUSTER_PRESENCE_AVAILABLE,
    CLUSTER_PRESENCE_UNAVAILABLE, /* Tomcat or the webapp down */
};

/* XMPP attempts on a node that says it serves before perch tries the
 * other one (when that one serves too, or neither answers). */
#define CLUSTER_TRIES 2

struct cluster_view {
    enum cluster_answer here;  /* the node perch is (or was last) on */
    enum cluster_answer other; /* ignored without have_other */
    int have_other;            /* the other node is known */
    enum cluster_presence finesse;
    unsigned here_failures; /* XMPP attempts on here failed in a row */
};

enum cluster_step {
    CLUSTER_STAY, /* (re)connect to, or stay on, the node perch is on */
    CLUSTER_MOVE, /* connect to the other node */
    CLUSTER_WAIT, /* connect to none: ask both again later */
};

/*
 * The developer guide's failover rules: a node in service is kept (the
 * desktop prefers the node it was on); one out of service or silent is
 * left for the other when that one serves; both out of service: wait;
 * the finesse user UNAVAILABLE: wait for AVAILABLE (and IN_SERVICE).
 * Neither node answering REST says nothing about XMPP: try it here, then
 * (after CLUSTER_TRIES failures) there. *why (may be NULL) gets a static
 * phrase for the user ("the other node is IN_SERVICE").
 */
enum cluster_step cluster_decide(const struct cluster_view *v,
                                 const char **why);

/* SystemInfo's status as an answer: NULL or an unknown word is
 * CLUSTER_NO_ANSWER (compared ignoring case). */
enum cluster_answer cluster_answer_of(const char *status);

/* "IN_SERVICE", …, "no answer": static. */
const char *cluster_answer_name(enum cluster_answer a);

#endif
