/*
 * Evidence in: what a session left behind, read into one stream of
 * records in time order as they appear. Formats are recognised by
 * content (evidence_sniff): a perch recording (--record's JSON lines), a
 * HAR 1.2 export (Chrome, Firefox, Edge: the BOSH entries with their
 * bodies, and Chrome's `_webSocketMessages`), a Fiddler SAZ archive (a
 * zip of raw sessions). Anything else is text for decode_capture.
 *
 * The readers trust nothing: a damaged line, entry or session is reported
 * (damaged(), with its position) and skipped, and the rest is read. Only
 * input that is not the format at all ends a read. No XML is parsed
 * here: the bodies are handed on as text for xmlstream.c (evidence_feed).
 */
#ifndef PERCH_EVIDENCE_H
#define PERCH_EVIDENCE_H

#include "xmpp/transport.h"

#include <stddef.h>

#define EVIDENCE_MAX_INPUT (256u << 20) /* bytes of one file */
#define EVIDENCE_MAX_ENTRY (64u << 20)  /* one SAZ member, one HAR body */

enum evidence_format {
    EVIDENCE_TEXT,      /* none of the below: decode_capture's */
    EVIDENCE_RECORDING, /* perch --record */
    EVIDENCE_HAR,
    EVIDENCE_SAZ,
};

enum evidence_kind {
    EVIDENCE_HEADER, /* a recording's first line */
    EVIDENCE_STANZA, /* a stanza in or out, as serialised */
    EVIDENCE_HTTP,   /* one HTTP exchange (BOSH, or a WebSocket upgrade) */
    EVIDENCE_WS,     /* one WebSocket message */
    EVIDENCE_PARAMS, /* BOSH session parameters */
    EVIDENCE_CLOSED, /* the session ended (text: the cause, or NULL) */
    EVIDENCE_NOTE,
    EVIDENCE_CONN, /* a recording's "tcp" or "tls" line: not an event */
    EVIDENCE_REST, /* a recording's Finesse REST exchange ("http" line with
                      "via":"rest"): method, url, status, ms, bodies,
                      error, request_id; not BOSH, no stanzas */
};

/* One record; every pointer borrowed for the call, strings NUL-terminated
 * (bodies may also hold NULs: use the lengths). */
struct evidence_rec {
    enum evidence_kind kind;
    size_t index;    /* its line (recording), entry (HAR), session (SAZ) */
    double time;     /* seconds since the epoch; 0 when unknown */
    int in;          /* STANZA, WS: received */
    const char *xml; /* STANZA: the stanza; WS: the message's data (NULL:
                        a frame without text, a recording's close) */
    size_t xml_len;
    /* WS: RFC 6455 opcode (1 text when the input does not say), and a
     * close frame's status code (0: none) and reason (or NULL) */
    unsigned opcode, close_code;
    const char *close_reason;
    /* HTTP */
    const char *method, *url;       /* NULL when not known (a recording) */
    long status;                    /* 0: no response */
    double ms;                      /* duration; < 0 unknown */
    const char *request, *response; /* bodies, or NULL */
    size_t request_len, response_len;
    const char *error; /* why it failed, or NULL */
    unsigned long long rid;
    unsigned retries;
    const char *date;       /* the response's Date header */
    const char *request_id; /* REST: the requestId sent, or NULL */
    /* PARAMS */
    struct transport_params params;
    /* HEADER: perch version, command, account, transport, server */
    const char *perch, *command, *account, *transport, *server;
    const char *text; /* NOTE, CLOSED */
    /* CONN: the connection (tls 0: address, port, ms) or its TLS (tls 1:
     * version, cipher, verify "ca"/"pin"/"insecure", subject, expiry, ms) */
    struct transport_conn conn;
};

struct evidence_events {
    void (*record)(void *arg, const struct evidence_rec *r);
    /* where: "line 12", "entry 3", "session 7"; cause: a sentence. Both
     * borrowed. */
    void (*damaged)(void *arg, const char *where, const char *cause);
};

/* What data (len bytes) looks like. */
enum evidence_format evidence_sniff(const char *data, size_t len);
const char *evidence_format_name(enum evidence_format f);

/*
 * Reads data (len bytes) of format f (not EVIDENCE_TEXT) and reports each
 * record in order. Returns the number of records, or -1 with *cause (new
 * string, caller frees) when it is not that format at all (nothing was
 * reported then).
 */
int evidence_read(enum evidence_format f, const char *data, size_t len,
                  const struct evidence_events *ev, void *arg, char **cause);

/* The readers behind evidence_read (recording.c, har.c, saz.c). */
int evidence_read_recording(const char *data, size_t len,
                            const struct evidence_events *ev, void *arg,
                            char **cause);
int evidence_read_har(const char *data, size_t len,
                      const struct evidence_events *ev, void *arg,
                      char **cause);
int evidence_read_saz(const char *data, size_t len,
                      const struct evidence_events *ev, void *arg,
                      char **cause);

/* RFC 3339 ("2026-12-01T02:13:07.412+01:00", "…Z", fraction optional) to
 * seconds since the epoch; -1 when it is not one. */
double evidence_parse_time(const char *s);

#endif
