/* JID parsing with the checks a user's typo most often needs. */
#include "jid.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JID_PART_MAX 1023

static const char *bad_local_chars = "\"&'/:<>@ "; /* controls: jid_text_ok */

/* RFC 7622 JIDs are UTF-8 and hold no controls (PRECIS): bidi and
 * invisible characters neither, which would let one JID pass for another
 * on the screen. 0, or -1 with *cause. */
static int jid_text_ok(const char *s, char **cause)
{
    size_t len = strlen(s), at = 0, n;
    uint32_t cp;
    char *shown;

    while (at < len) {
        n = utf8_decode(s + at, len - at, &cp);
        if (n == 0 || sanitize_unsafe(cp)) {
            shown = sanitize_str(s, SANITIZE_LINE);
            *cause = n == 0 ? xasprintf("JID '%s' is not UTF-8 (byte %zu)",
                                        shown, at + 1)
                            : xasprintf("JID '%s': U+%04X is not allowed (a "
                                        "control, bidi or invisible "
                                        "character)",
                                        shown, (unsigned)cp);
            free(shown);
            return -1;
        }
        at += n;
    }
    return 0;
}

int jid_parse(const char *s, struct jid *j, char **cause)
{
    const char *slash, *at, *dom;
    size_t domlen;

    memset(j, 0, sizeof *j);
    if (s == NULL || *s == '\0') {
        *cause = xstrdup("empty JID");
        return -1;
    }
    if (jid_text_ok(s, cause) != 0)
        return -1;
    slash = strchr(s, '/');
    at = memchr(s, '@', slash ? (size_t)(slash - s) : strlen(s));
    dom = at ? at + 1 : s;
    domlen = slash ? (size_t)(slash - dom) : strlen(dom);
    /* A trailing dot is not significant; the limits apply without it. */
    if (domlen > 0 && dom[domlen - 1] == '.')
        domlen--;

    if (at != NULL) {
        size_t i, n = (size_t)(at - s);
        if (n == 0) {
            *cause = xasprintf("JID '%s' has an empty local part", s);
            return -1;
        }
        if (n > JID_PART_MAX) {
            *cause = xasprintf("JID local part is longer than %d bytes",
                               JID_PART_MAX);
            return -1;
        }
        for (i = 0; i < n; i++)
            if (strchr(bad_local_chars, s[i]) != NULL) {
                *cause = xasprintf("JID '%s': character '%c' is not "
                                   "allowed in the local part",
                                   s, s[i]);
                return -1;
            }
        j->local = xstrndup(s, n);
    }
    if (domlen == 0) {
        *cause = xasprintf("JID '%s' has an empty domain", s);
        goto fail;
    }
    if (domlen > JID_PART_MAX) {
        *cause = xasprintf("JID domain is longer than %d bytes", JID_PART_MAX);
        goto fail;
    }
    if (memchr(dom, '@', domlen) || memchr(dom, ' ', domlen)) {
        *cause = xasprintf("JID '%s' has an invalid domain", s);
        goto fail;
    }
    j->domain = xstrndup(dom, domlen);
    if (slash != NULL) {
        if (slash[1] == '\0') {
            *cause = xasprintf("JID '%s' has an empty resource", s);
            goto fail;
        }
        if (strlen(slash + 1) > JID_PART_MAX) {
            *cause =
                xasprintf("JID resource is longer than %d bytes", JID_PART_MAX);
            goto fail;
        }
        j->resource = xstrdup(slash + 1);
    }
    return 0;
fail:
    jid_done(j);
    return -1;
}

void jid_done(struct jid *j)
{
    free(j->local);
    free(j->domain);
    free(j->resource);
    memset(j, 0, sizeof *j);
}

char *jid_bare(const struct jid *j)
{
    if (j->local)
        return xasprintf("%s@%s", j->local, j->domain);
    return xstrdup(j->domain);
}

int jid_equal(const char *a, const char *b)
{
    const char *ra = strchr(a, '/'), *rb = strchr(b, '/');
    size_t la = ra ? (size_t)(ra - a) : strlen(a);
    size_t lb = rb ? (size_t)(rb - b) : strlen(b);

    if (la != lb || strncasecmp(a, b, la) != 0)
        return 0;
    if ((ra == NULL) != (rb == NULL))
        return 0;
    return ra == NULL || strcmp(ra, rb) == 0;
}
