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

#endif
