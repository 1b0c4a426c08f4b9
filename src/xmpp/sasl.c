/* SASL exchanges (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN) over GNU SASL. */
#include "sasl.h"
#include "base/buf.h"
#include "base/sanitize.h"

#include <gsasl.h>
#include <stdlib.h>
#include <string.h>

static const char *const preference[] = {
    "SCRAM-SHA-256",
    "SCRAM-SHA-1",
    "PLAIN",
    NULL,
};

struct sasl {
    Gsasl *ctx;
    Gsasl_session *session;
    int done;
};

static int offered(xmpp_stanza_t *mechanisms, const char *name)
{
    xmpp_stanza_t *m;

    for (m = xmpp_stanza_get_children(mechanisms); m;
         m = xmpp_stanza_get_next(m)) {
        char *text;
        int same;
        if (xmpp_stanza_is_text(m) ||
            strcmp(xmpp_stanza_get_name(m), "mechanism") != 0)
            continue;
        text = xmpp_stanza_get_text(m);
        same = text && strcmp(text, name) == 0;
        xmpp_free(xmpp_stanza_get_context(m), text);
        if (same)
            return 1;
    }
    return 0;
}

static char *offered_list(xmpp_stanza_t *mechanisms)
{
    struct buf b;
    xmpp_stanza_t *m;

    buf_init(&b);
    for (m = mechanisms ? xmpp_stanza_get_children(mechanisms) : NULL; m;
         m = xmpp_stanza_get_next(m)) {
        char *text;
        if (xmpp_stanza_is_text(m))
            continue;
        text = xmpp_stanza_get_text(m);
        if (text) {
            buf_puts(&b, b.len ? ", " : "");
            sanitize_text(&b, text, strlen(text), SANITIZE_LINE);
        }
        xmpp_free(xmpp_stanza_get_context(m), text);
    }
    if (b.len == 0)
        buf_puts(&b, "none");
    return buf_steal(&b);
}

const char *sasl_choose(xmpp_stanza_t *mechanisms, const char *wanted,
                        char **cause)
{
    int i;
    char *list;

    if (mechanisms != NULL && wanted != NULL && offered(mechanisms, wanted))
        return wanted;
    for (i = 0; wanted == NULL && mechanisms && preference[i]; i++)
        if (offered(mechanisms, preference[i]))
            return preference[i];
    list = offered_list(mechanisms);
    if (wanted)
        *cause = xasprintf("SASL mechanism %s is not offered by the server "
                           "(it offers: %s)",
                           wanted, list);
    else
        *cause = xasprintf("no supported SASL mechanism: the server offers "
                           "%s; perch supports SCRAM-SHA-256, SCRAM-SHA-1, "
                           "PLAIN (and others with --sasl)",
                           list);
    free(list);
    return NULL;
}

struct sasl *sasl_start(const char *mech, const char *authid,
                        const char *password, const char *host, char **cause)
{
    struct sasl *s = xcalloc(1, sizeof *s);
    int rc;

    rc = gsasl_init(&s->ctx);
    if (rc == GSASL_OK)
        rc = gsasl_client_start(s->ctx, mech, &s->session);
    if (rc != GSASL_OK) {
        *cause = xasprintf("SASL %s: %s", mech, gsasl_strerror(rc));
        sasl_free(s);
        return NULL;
    }
    gsasl_property_set(s->session, GSASL_AUTHID, authid);
    gsasl_property_set(s->session, GSASL_PASSWORD, password);
    gsasl_property_set(s->session, GSASL_SERVICE, "xmpp");
    gsasl_property_set(s->session, GSASL_HOSTNAME, host);
    return s;
}

int sasl_step(struct sasl *s, const char *in, char **out, char **cause)
{
    char *o = NULL;
    int rc;

    *out = NULL;
    rc = gsasl_step64(s->session, in ? in : "", &o);
    if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
        *cause = xasprintf("SASL: %s", gsasl_strerror(rc));
        gsasl_free(o);
        return -1;
    }
    *out = xstrdup(o ? o : "");
    gsasl_free(o);
    s->done = rc == GSASL_OK;
    return s->done ? 0 : 1;
}

int sasl_done(const struct sasl *s)
{
    return s->done;
}

void sasl_free(struct sasl *s)
{
    if (s == NULL)
        return;
    if (s->session)
        gsasl_finish(s->session);
    if (s->ctx)
        gsasl_done(s->ctx);
    free(s);
}
