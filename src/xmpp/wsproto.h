/*
 * XMPP over WebSocket without I/O: the URL, the HTTP Upgrade request and
 * the reading of its response (RFC 6455 section 4), the RFC 7395 framing
 * elements (<open/>, <close/>), every incoming message through the
 * bounded input path, and the names of close codes. Pure functions, so
 * they are unit tested and fuzzed apart from the transport (ws.c).
 */
#ifndef PERCH_WSPROTO_H
#define PERCH_WSPROTO_H

#include <stddef.h>
#include <strophe.h>

#define NS_FRAMING "urn:ietf:params:xml:ns:xmpp-framing"

/* The longest response head perch reads (status line and headers). */
#define WSPROTO_MAX_HEAD (16u << 10)

/* A ws:// or wss:// URL taken apart; strings owned. */
struct ws_url {
    int tls;           /* wss */
    char *host;        /* as written, IPv6 without brackets */
    unsigned port;     /* given, else 80 or 443 */
    char *target;      /* path and query: the request's target, "/" at least */
    char *host_header; /* "host" or "host:port" (brackets kept) */
    char *http_url;    /* the same place as http(s)://, for curl */
};

/* Parses url (ws:// or wss://, no user, no fragment). 0, or -1 with *cause
 * (new string, caller frees). */
int wsproto_url_parse(const char *url, struct ws_url *u, char **cause);
void wsproto_url_done(struct ws_url *u);

/* Sec-WebSocket-Key from 16 random bytes (base64, 24 characters + NUL). */
void wsproto_key(const unsigned char nonce[16], char key[25]);
/* The Sec-WebSocket-Accept a server must answer key with (28 + NUL). */
void wsproto_accept(const char *key, char accept[29]);

/* The Upgrade request: GET target, Host, Upgrade, Connection, the key,
 * version 13, Sec-WebSocket-Protocol: xmpp. New string, caller frees. */
char *wsproto_request(const struct ws_url *u, const char *key,
                      const char *user_agent);

/* What the response head said; strings NUL-terminated, cut to size. */
struct ws_upgrade {
    int status;           /* HTTP status; 0 before a status line was read */
    char reason[64];      /* its reason phrase */
    char protocol[64];    /* Sec-WebSocket-Protocol, "" when absent */
    char extensions[128]; /* Sec-WebSocket-Extensions, "" when absent */
    char server[96];      /* Server and Via headers: who answered */
    char date[64];        /* Date */
    char location[256];   /* Location (a redirect) */
    size_t head_len;      /* bytes of the head, its blank line included */
};

enum {
    WSPROTO_MORE = 0,     /* no complete head yet: read more */
    WSPROTO_UPGRADED = 1, /* 101 with everything RFC 6455 4.1 requires */
    WSPROTO_REFUSED = -1, /* *cause says why; u holds what was read */
};

/*
 * Reads the response head at the start of data (len bytes, which may go
 * on past the head with the first frames). accept is what
 * wsproto_accept gave for the request's key. Header names are compared
 * without case; a head over WSPROTO_MAX_HEAD bytes, a NUL or another
 * control byte, a folded or malformed line, a status other than 101, no
 * or a wrong Upgrade, Connection or Sec-WebSocket-Accept, a protocol other
 * than xmpp, or an extension perch did not offer is refused with *cause
 * (new string, caller frees).
 */
int wsproto_response(const char *data, size_t len, const char *accept,
                     struct ws_upgrade *u, char **cause);

/* <open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='DOMAIN'
 * version='1.0' xml:lang='en'/>. New string, caller frees. */
char *wsproto_open(const char *domain);
/* <close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>. Static. */
const char *wsproto_close(void);

/* What a message holds (RFC 7395 3.3: one element a message). */
enum ws_msg_kind {
    WS_MSG_OPEN,     /* <open/> of the framing namespace */
    WS_MSG_CLOSE,    /* <close/>, see-other-uri perhaps */
    WS_MSG_FEATURES, /* <stream:features/> */
    WS_MSG_ERROR,    /* <stream:error/> */
    WS_MSG_STANZA,   /* anything else: stanzas, SASL, ... */
};

/*
 * Parses one text message through the bounded input path (xmlstream.c,
 * document mode, the default limits: size, depth, attributes, no DOCTYPE,
 * no PI or comment, exactly one element). Returns the element (new,
 * caller releases) and its *kind, or NULL with *cause (new string, caller
 * frees) — also for an <open/> whose version is not 1.0.
 */
xmpp_stanza_t *wsproto_parse(xmpp_ctx_t *ctx, const char *text, size_t len,
                             enum ws_msg_kind *kind, char **cause);

/*
 * May perch follow see-other-uri from the URL it is connected to? The
 * same host (without case) and never from wss:// to ws://; any host only
 * when any_host. 0, or -1 with *cause (new string, caller frees).
 */
int wsproto_may_follow(const char *from, const char *to, int any_host,
                       char **cause);

/* "normal closure" (1000) … "internal server error" (1011), the 1012-1015
 * ones, "reserved" ranges, "application-defined" (4000-4999). Static. */
const char *wsproto_close_name(unsigned code);

#endif
