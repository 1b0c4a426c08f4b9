/*
 * What perch makes of a REST answer, on any bytes: the header lines it
 * reads (requestId, Date) and the body, read through the bounded input
 * path, decoded like an Update's <data>, its ApiErrors put in words and
 * pretty printed. The input is headers, a blank line, then the body (all
 * body when there is no blank line); its first line is also tried as a
 * request PATH and as a pubsub node behind a REST object.
 */
#include "fuzz.h"

#include "rest/rest.h"
#include "rest/restmsg.h"
#include "xmpp/pretty.h"

#include <jansson.h>

/* Each header line as curl hands them: a requestId or Date value never
 * keeps blanks at its ends or a line end, and fits the buffer. */
static void headers(const char *p, size_t len)
{
    char out[64];
    size_t n, k;

    while (len > 0) {
        n = 0;
        while (n < len && p[n] != '\n')
            n++;
        n += n < len;
        if (rest_header_value(p, n, "requestId", out, sizeof out)) {
            k = strlen(out);
            CHECK(k < sizeof out);
            CHECK(strchr(out, '\r') == NULL && strchr(out, '\n') == NULL);
            CHECK(k == 0 || out[0] != ' ');
            CHECK(k == 0 || k == sizeof out - 1 || out[k - 1] != ' ');
        }
        rest_header_value(p, n, "Date", out, sizeof out);
        p += n;
        len -= n;
    }
}

/* An accepted PATH carries only what a URL carries unescaped. */
static void path(const char *first, size_t len)
{
    char *line = fuzz_cstr((const uint8_t *)first, len), *cause = NULL, *p;
    const unsigned char *c;

    /* a node (from the server's lists) as the REST object behind it */
    p = rest_node_object(line);
    CHECK(p == NULL || strncmp(p, "/finesse/api/", 13) == 0);
    /* no dot segment: the URL is the object's, not another path's */
    CHECK(p == NULL || (strstr(p, "/../") == NULL && strstr(p, "/./") == NULL &&
                        strcmp(p + strlen(p) - 3, "/..") != 0 &&
                        strcmp(p + strlen(p) - 2, "/.") != 0));
    free(p);
    p = rest_path(line, &cause);
    if (p == NULL) {
        CHECK(cause != NULL && *cause);
    } else {
        CHECK(p[0] == '/');
        for (c = (const unsigned char *)p; *c; c++)
            CHECK(*c > 0x20 && *c < 0x7f && *c != '#');
    }
    free(p);
    free(cause);
    free(line);
}

/* Where the blank line after the headers starts, or size. */
static size_t blank_line(const char *text, size_t size)
{
    size_t i;

    for (i = 0; i + 4 <= size; i++)
        if (memcmp(text + i, "\r\n\r\n", 4) == 0)
            return i;
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *body = text;
    size_t head = 0, len = size, sep = blank_line(text, size), first;
    xmpp_stanza_t *doc;
    json_t *decoded;
    char *error, *s;

    if (sep < size) {
        head = sep + 2;
        body = text + sep + 4;
        len = size - sep - 4;
    }
    headers(text, head);
    for (first = 0; first < size && text[first] != '\n'; first++)
        ;
    path(text, first);
    rest_read_body(fuzz_ctx(), "/finesse/api/User/1", body, len, &doc, &decoded,
                   &error);
    if (len == 0) {
        CHECK(doc == NULL && decoded == NULL && error == NULL);
        return 0;
    }
    if (doc == NULL) {
        CHECK(error != NULL && *error && decoded == NULL);
        free(error);
        return 0;
    }
    CHECK(decoded != NULL && error == NULL);
    CHECK(json_string_value(json_object_get(decoded, "kind")) != NULL);
    s = rest_errors_text(json_object_get(decoded, "errors"));
    CHECK(s != NULL && *s);
    free(s);
    s = pretty_stanza(doc, PRETTY_EMBEDDED);
    free(s);
    json_decref(decoded);
    xmpp_stanza_release(doc);
    return 0;
}
