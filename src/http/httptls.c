/* Trust and proxy rules for libcurl easy handles; failures in words. */
#include "httptls.h"
#include "base/buf.h"
#include "xmpp/cert.h"

#include <stdlib.h>
#include <string.h>

#define CERT_PROBE_TIMEOUT_MS 5000L

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void http_tls_copy(struct http_tls *dst, const struct http_tls *src)
{
    dst->ca_file = dup_or_null(src->ca_file);
    dst->pin = dup_or_null(src->pin);
    dst->insecure = src->insecure;
    dst->proxy = dup_or_null(src->proxy);
}

void http_tls_done(struct http_tls *t)
{
    free((char *)t->ca_file);
    free((char *)t->pin);
    free((char *)t->proxy);
    t->ca_file = t->pin = t->proxy = NULL;
}

void http_tls_apply(CURL *e, const struct http_tls *t)
{
    if (t->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, t->proxy);
    if (t->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
    if (t->pin) {
        /* As over TCP, a matching pin is trust enough on its own. */
        curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, t->pin);
        if (t->ca_file == NULL) {
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }
    if (t->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

int http_tls_refused(CURLcode rc)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION ||
           rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

/* Connects once more without verification, only to show the user what
 * the server presented and the pin that would accept it. */
static char *untrusted_message(const char *url, const char *name,
                               const struct http_tls *t, const char *why)
{
    CURL *e = curl_easy_init();
    struct curl_certinfo *ci = NULL;
    const char *subject = NULL, *issuer = NULL, *from = NULL, *to = NULL;
    const char *pem = NULL;
    struct curl_slist *s;
    char *msg;

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, CERT_PROBE_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (t->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, t->proxy);
    if (curl_easy_perform(e) == CURLE_OK &&
        curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci &&
        ci->num_of_certs > 0) {
        for (s = ci->certinfo[0]; s; s = s->next) {
            if (!strncmp(s->data, "Subject:", 8))
                subject = s->data + 8;
            else if (!strncmp(s->data, "Issuer:", 7))
                issuer = s->data + 7;
            else if (!strncmp(s->data, "Start date:", 11))
                from = s->data + 11;
            else if (!strncmp(s->data, "Expire date:", 12))
                to = s->data + 12;
            else if (!strncmp(s->data, "Cert:", 5))
                pem = s->data + 5;
        }
    }
    msg = cert_untrusted_message(name, why, subject, issuer, from, to, pem);
    curl_easy_cleanup(e);
    return msg;
}

char *http_fail_cause(const char *url, const struct http_tls *t, CURLcode rc,
                      const char *errbuf, enum perch_fail *kind)
{
    return http_fail_cause_named(url, url, t, rc, errbuf, kind);
}

char *http_fail_cause_named(const char *url, const char *name,
                            const struct http_tls *t, CURLcode rc,
                            const char *errbuf, enum perch_fail *kind)
{
    const char *why = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);

    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        *kind = FAIL_CERT;
        return untrusted_message(url, name, t,
                                 rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH
                                     ? "public key does not match --pin"
                                     : why);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        *kind = FAIL_DNS;
        return xasprintf("cannot resolve the host of %s", name);
    case CURLE_COULDNT_CONNECT:
        *kind = FAIL_REFUSED;
        return xasprintf("cannot connect to %s: connection refused", name);
    case CURLE_SSL_CONNECT_ERROR:
        *kind = FAIL_TLS;
        return xasprintf("TLS with %s failed: %s", name, why);
    case CURLE_OPERATION_TIMEDOUT:
        *kind = FAIL_TIMEOUT;
        return xasprintf("no answer from %s in time (%s)", name, why);
    default:
        *kind = FAIL_NETWORK;
        return xasprintf("%s: %s", name, why);
    }
}
