/* perch --record's JSON lines read back: one record a line. */
#include "evidence.h"
#include "base/buf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A string member with its length (JSON strings may hold NULs). */
static const char *strn(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);

    *len = json_is_string(v) ? json_string_length(v) : 0;
    return json_string_value(v);
}

static unsigned u(json_t *o, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 && v < 0xFFFFFFFF ? (unsigned)v : 0;
}

/* A "ws" line's frame: the opcode (text when absent), a close's code and
 * reason; a text frame that ends its message has data. */
static const char *ws_frame(json_t *o, struct evidence_rec *r)
{
    json_t *op = json_object_get(o, "opcode");
    json_int_t code = json_integer_value(json_object_get(o, "closeCode"));

    if (op == NULL)
        r->opcode = 1;
    else if (!json_is_integer(op) || json_integer_value(op) < 0 ||
             json_integer_value(op) > 15)
        return "\"opcode\" is not 0-15";
    else
        r->opcode = (unsigned)json_integer_value(op);
    if (r->opcode == 1 && r->xml == NULL &&
        !json_is_false(json_object_get(o, "fin")))
        return "a text message without \"data\"";
    if (r->opcode == 8 && code > 0 && code < 5000) {
        r->close_code = (unsigned)code;
        r->close_reason = str(o, "closeReason");
    }
    r->error = str(o, "error");
    return NULL;
}

/* A "tcp" or "tls" line: a connection made, or secured and trusted. */
static const char *conn(json_t *o, const char *kind, struct evidence_rec *r)
{
    static const char *const ways[] = {"ca", "pin", "insecure"};
    json_int_t port = json_integer_value(json_object_get(o, "port"));
    json_t *ms = json_object_get(o, "ms");
    size_t i;

    r->conn.tls = strcmp(kind, "tls") == 0;
    r->conn.ms = json_is_number(ms) && json_number_value(ms) >= 0
                     ? json_number_value(ms)
                     : -1;
    r->conn.start = r->time;
    if (!r->conn.tls) {
        r->conn.address = str(o, "address");
        if (r->conn.address == NULL || port < 1 || port > 65535)
            return "a \"tcp\" line without an address and a port 1-65535";
        r->conn.port = (unsigned)port;
        return NULL;
    }
    r->conn.verify = str(o, "verify");
    for (i = 0; r->conn.verify && i < sizeof ways / sizeof *ways; i++)
        if (strcmp(r->conn.verify, ways[i]) == 0)
            break;
    if (r->conn.verify == NULL || i == sizeof ways / sizeof *ways)
        return "\"verify\" is not \"ca\", \"pin\" or \"insecure\"";
    r->conn.version = str(o, "version");
    r->conn.cipher = str(o, "cipher");
    r->conn.subject = str(o, "subject");
    r->conn.expiry = str(o, "expiry");
    return NULL;
}

/* 1 when a is absent or an array of strings. */
static int strings(json_t *a)
{
    size_t i;

    if (a == NULL)
        return 1;
    if (!json_is_array(a))
        return 0;
    for (i = 0; i < json_array_size(a); i++)
        if (!json_is_string(json_array_get(a, i)))
            return 0;
    return 1;
}

/* An "http" line marked "via":"rest": a Finesse REST exchange. */
static const char *rest(json_t *o, struct evidence_rec *r)
{
    static const char *const keys[] = {"requestHeaders", "responseHeaders"};
    size_t i;

    r->kind = EVIDENCE_REST;
    if (r->method == NULL || r->url == NULL)
        return "a REST \"http\" line without \"method\" and \"url\"";
    if (r->status < 0 || r->status > 999)
        return "\"status\" is not 0-999";
    for (i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strings(json_object_get(o, keys[i])))
            return "REST headers that are not an array of strings";
    r->request_id = str(o, "requestId");
    r->rid = 0;
    r->retries = 0;
    return NULL;
}

struct kind_name {
    const char *name;
    enum evidence_kind kind;
};

static const struct kind_name kinds[] = {
    {"header", EVIDENCE_HEADER}, {"stanza", EVIDENCE_STANZA},
    {"http", EVIDENCE_HTTP},     {"ws", EVIDENCE_WS},
    {"params", EVIDENCE_PARAMS}, {"closed", EVIDENCE_CLOSED},
    {"note", EVIDENCE_NOTE},     {"ready", EVIDENCE_NOTE},
    {"tcp", EVIDENCE_CONN},      {"tls", EVIDENCE_CONN},
};

/* fill: a kind from a newer perch, skipped quietly */
static const char skip[] = "";
#define SKIP skip

/* Fills r from line object o; NULL, SKIP, or why it is not a record. */
static const char *fill(json_t *o, struct evidence_rec *r)
{
    const char *kind = str(o, "kind"), *dir;
    size_t i;

    if (!json_is_object(o))
        return "not a JSON object";
    if (kind == NULL)
        return "no \"kind\"";
    for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].name, kind) == 0)
            break;
    if (i == sizeof kinds / sizeof *kinds)
        return SKIP;
    r->kind = kinds[i].kind;
    r->time = evidence_parse_time(str(o, "time"));
    if (r->time < 0)
        return "no RFC 3339 \"time\"";
    r->ms = -1;
    switch (r->kind) {
    case EVIDENCE_HEADER:
        r->perch = str(o, "perch");
        r->command = str(o, "command");
        r->account = str(o, "account");
        r->transport = str(o, "transport");
        r->server = str(o, "server");
        break;
    case EVIDENCE_STANZA:
    case EVIDENCE_WS:
        dir = str(o, "dir");
        if (dir == NULL || (strcmp(dir, "in") && strcmp(dir, "out")))
            return "\"dir\" is neither \"in\" nor \"out\"";
        r->in = strcmp(dir, "in") == 0;
        r->xml = strn(o, r->kind == EVIDENCE_WS ? "data" : "xml", &r->xml_len);
        if (r->kind == EVIDENCE_WS)
            return ws_frame(o, r);
        if (r->xml == NULL)
            return "no text";
        break;
    case EVIDENCE_HTTP:
        r->method = str(o, "method");
        r->url = str(o, "url");
        r->status = (long)json_integer_value(json_object_get(o, "status"));
        if (json_is_number(json_object_get(o, "ms")))
            r->ms = json_number_value(json_object_get(o, "ms"));
        r->request = strn(o, "request", &r->request_len);
        r->response = strn(o, "response", &r->response_len);
        r->error = str(o, "error");
        r->rid =
            (unsigned long long)json_integer_value(json_object_get(o, "rid"));
        r->retries = u(o, "retries");
        r->date = str(o, "date");
        if (str(o, "via") && strcmp(str(o, "via"), "rest") == 0)
            return rest(o, r);
        break;
    case EVIDENCE_PARAMS:
        r->params.wait = u(o, "wait");
        r->params.requests = u(o, "requests");
        r->params.polling = u(o, "polling");
        r->params.inactivity = u(o, "inactivity");
        r->params.hold = u(o, "hold");
        r->params.maxpause = u(o, "maxpause");
        snprintf(r->params.ver, sizeof r->params.ver, "%s",
                 str(o, "ver") ? str(o, "ver") : "");
        break;
    case EVIDENCE_CLOSED:
        r->text = str(o, "cause");
        break;
    case EVIDENCE_CONN:
        return conn(o, kind, r);
    case EVIDENCE_REST: /* an "http" line's: set by rest() */
        break;
    case EVIDENCE_NOTE: /* a note, or "ready": logged in over "secured" */
        r->text = str(o, "text") ? str(o, "text") : str(o, "secured");
        r->account = str(o, "jid");
        r->transport = str(o, "transport");
        break;
    }
    return NULL;
}

int evidence_read_recording(const char *data, size_t len,
                            const struct evidence_events *ev, void *arg,
                            char **cause)
{
    size_t pos = 0, line = 0;
    int n = 0;

    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        struct evidence_rec r;
        json_error_t err;
        json_t *o;
        const char *why;
        char where[48];

        line++;
        snprintf(where, sizeof where, "line %zu", line);
        if (end == pos) {
            pos = end + 1;
            continue;
        }
        o = json_loadb(data + pos, end - pos, JSON_ALLOW_NUL, &err);
        memset(&r, 0, sizeof r);
        r.index = line;
        if (o == NULL) {
            char *msg = xasprintf("byte %zu of the file: %s%s",
                                  pos + (size_t)err.position, err.text,
                                  nl ? "" : " (the file ends there: cut?)");
            if (line == 1) {
                *cause = xasprintf("line 1, %s", msg);
                free(msg);
                return -1;
            }
            ev->damaged(arg, where, msg);
            free(msg);
        } else if ((why = fill(o, &r)) == SKIP && line > 1) {
            /* nothing this perch knows */
        } else if (why != NULL) {
            if (line == 1) {
                *cause = xasprintf("line 1: %s", *why ? why : "not a header");
                json_decref(o);
                return -1;
            }
            ev->damaged(arg, where, why);
        } else if (line == 1 && r.kind != EVIDENCE_HEADER) {
            *cause = xstrdup("line 1 is not a header");
            json_decref(o);
            return -1;
        } else if (line > 1 && r.kind == EVIDENCE_HEADER) {
            ev->damaged(arg, where, "a second header");
        } else {
            ev->record(arg, &r);
            n++;
        }
        json_decref(o);
        pos = nl ? end + 1 : len;
    }
    return n;
}
