/*
 * The pure parts of talking to the Finesse REST API (no I/O, unit tested
 * and fuzzed): the base URL and request URLs, methods, header lines,
 * request ids, the node whose Update answers a request, the words for an
 * <ApiErrors> body, and the table that pairs an Update's <requestId> with
 * the request it answers.
 */
#ifndef PERCH_RESTMSG_H
#define PERCH_RESTMSG_H

#include <jansson.h>
#include <stddef.h>

#define REST_DEFAULT_PORT 8445          /* Finesse's Tomcat (443 on UCCE) */
#define REST_MAX_RESPONSE (8u << 20)    /* bytes of one response body */
#define REST_MAX_PATH 2048              /* bytes of a request path */
#define REST_API_PREFIX "/finesse/api/" /* a PATH without '/' goes under */
#define REST_ID_LEN 36                  /* a requestId perch makes (UUID) */

/* The REST base URL: rest when given; else "https://HOST:8445" with HOST
 * the server when given, else domain (an IPv6 literal in brackets). New
 * string, caller frees. */
char *rest_base(const char *rest, const char *server, const char *domain);

/*
 * The request path: path itself when it starts with '/', else under
 * REST_API_PREFIX ("User/1001001" -> "/finesse/api/User/1001001"). Only
 * what a URL carries unescaped is accepted (RFC 3986 unreserved, sub-
 * delims, ':', '@', '/', '?', and '%' with two hex digits): no blanks, no
 * control characters, nothing a header could be smuggled in. New string,
 * or NULL with *cause (caller frees).
 */
char *rest_path(const char *path, char **cause);

/* base and a path from rest_path joined with one '/' between them. New
 * string, caller frees. */
char *rest_url(const char *base, const char *path);

/* The method upper-cased when it is GET, PUT, POST or DELETE (static
 * string), else NULL. */
const char *rest_method(const char *method);

/*
 * A header line as curl hands it ("requestId: abc\r\n", len bytes, not
 * NUL-terminated): when its name is name (ignoring case), copies the value
 * without surrounding blanks to out (cut to size - 1 bytes) and returns 1;
 * else 0 — also for a value with a control character inside (a server's
 * bytes that would be shown or echoed).
 */
int rest_header_value(const char *line, size_t len, const char *name, char *out,
                      size_t size);

/* A random (version 4) UUID from 16 random bytes, as Finesse's desktop
 * makes requestIds: 36 characters and a NUL in out. */
void rest_uuid(const unsigned char rnd[16], char out[REST_ID_LEN + 1]);

/*
 * The pubsub node whose Update answers METHOD PATH (path as rest_path
 * gives it) when user makes it: a User PUT -> /finesse/api/User/ID; a
 * User/ID/Dialogs POST -> that Dialogs node; a Dialog/ID PUT -> user's
 * Dialogs node. NULL for anything else (give the node explicitly). New
 * string, caller frees.
 */
char *rest_update_node(const char *method, const char *path, const char *user);

/*
 * The REST object behind a pubsub node, for a resync through REST:
 * /finesse/api/User/ID and User/ID/Dialogs the same path, Team/ID/Users
 * -> Team/ID (with its users), Queue/ID and SystemInfo the same. NULL for
 * any other node (Media, Queues, ClientLog, not Finesse's, an empty or
 * odd id). New string, caller frees.
 */
char *rest_node_object(const char *node);

/* The errors of a decoded <ApiErrors> body or apiErrors Update (the
 * "errors" array; borrowed) in one line: "Invalid State:
 * CF_INVALID_OBJECT_STATE (READY); …". New string, caller frees. */
char *rest_errors_text(const json_t *errors);

/* The same for a decoded body or event (borrowed) when its kind is
 * error; NULL for any other kind. New string, caller frees. */
char *rest_decoded_errors(const json_t *decoded);

/* "Accepted" for 202 …; "" for a status it does not name. */
const char *rest_reason(long status);

/* ---- pairing Updates with requests by requestId ---- */

struct rest_wait {
    char sent[REST_ID_LEN + 1]; /* the id perch sent */
    char *answered;             /* another id the response named, or NULL */
    void *arg;
    double sent_ms;
};

struct rest_waits {
    struct rest_wait *v;
    size_t n, cap;
};

/* Waits for an Update carrying id (copied, cut to REST_ID_LEN). */
void rest_waits_add(struct rest_waits *w, const char *id, void *arg,
                    double sent_ms);
/* The response to the request sent with id named answered (a
 * requestId header that differs): an Update may carry either. */
void rest_waits_answered(struct rest_waits *w, const char *id,
                         const char *answered);
/*
 * The wait an Update's requestId (blanks around it ignored; an empty one
 * matches nothing) answers: removes it and returns its arg, with
 * *sent_ms; NULL when none.
 */
void *rest_waits_match(struct rest_waits *w, const char *request_id,
                       double *sent_ms);
/* Forgets the waits for arg. */
void rest_waits_remove(struct rest_waits *w, void *arg);
void rest_waits_done(struct rest_waits *w);

#endif
