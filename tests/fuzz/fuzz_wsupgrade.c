/*
 * The answer to the WebSocket upgrade, and ws:// URLs, on any bytes: the
 * head parser accepts only a 101 that says everything RFC 6455 4.1 and
 * RFC 7395 require, or needs more bytes, or refuses with a cause; a URL
 * that parses makes a request with no line breaks smuggled in.
 */
#include "fuzz.h"

#include "xmpp/wsproto.h"

#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static void url(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), *cause = NULL, *req;
    struct ws_url u;

    if (wsproto_url_parse(text, &u, &cause) != 0) {
        CHECK(cause != NULL && *cause != '\0');
        free(cause);
        free(text);
        return;
    }
    req = wsproto_request(&u, "dGhlIHNhbXBsZSBub25jZQ==", "perch/fuzz");
    /* exactly the request's own line breaks: 8 header lines + the end */
    {
        size_t n = 0;
        const char *p;
        for (p = req; (p = strchr(p, '\n')) != NULL; p++)
            n++;
        CHECK(n == 9);
    }
    CHECK(u.port > 0 && u.port <= 65535);
    free(req);
    wsproto_url_done(&u);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ws_upgrade u;
    char *cause = NULL;
    int rc = wsproto_response((const char *)data, size, ACCEPT, &u, &cause);

    if (rc == WSPROTO_REFUSED) {
        CHECK(cause != NULL && *cause != '\0');
        free(cause);
    } else if (rc == WSPROTO_UPGRADED) {
        CHECK(cause == NULL);
        CHECK(u.status == 101);
        CHECK(strcmp(u.protocol, "xmpp") == 0);
        CHECK(u.extensions[0] == '\0');
        CHECK(u.head_len > 0 && u.head_len <= size &&
              u.head_len <= WSPROTO_MAX_HEAD);
    } else {
        CHECK(rc == WSPROTO_MORE && cause == NULL);
        CHECK(size < WSPROTO_MAX_HEAD);
    }
    url(data, size < 4096 ? size : 4096);
    return 0;
}
