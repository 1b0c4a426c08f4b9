/* <stream:error/> in words. */
#include "stream_error.h"
#include "base/buf.h"
#include "base/sanitize.h"

#include <string.h>

#define NS_STREAM_ERRORS "urn:ietf:params:xml:ns:xmpp-streams"

char *stream_error_text(xmpp_stanza_t *err)
{
    xmpp_stanza_t *c;
    const char *cond = NULL;
    char *text = NULL, *clean, *msg;

    for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
        const char *ns;
        if (!xmpp_stanza_is_tag(c))
            continue;
        ns = xmpp_stanza_get_ns(c);
        if (ns == NULL || strcmp(ns, NS_STREAM_ERRORS) != 0)
            continue;
        if (strcmp(xmpp_stanza_get_name(c), "text") == 0) {
            if (text == NULL)
                text = xmpp_stanza_get_text(c);
        } else if (cond == NULL) {
            cond = xmpp_stanza_get_name(c);
        }
    }
    /* server text: one line, nothing the terminal would obey */
    clean = text ? sanitize_str(text, SANITIZE_LINE) : NULL;
    msg = xasprintf("%s%s%s", cond ? cond : "undefined-condition",
                    clean ? ": " : "", clean ? clean : "");
    free(clean);
    xmpp_free(xmpp_stanza_get_context(err), text);
    return msg;
}
