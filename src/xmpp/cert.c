/* SPKI pins computed with OpenSSL. */
#include "cert.h"
#include "base/buf.h"
#include "base/sanitize.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#define PIN_PREFIX "sha256//"
#define PIN_B64_LEN 44 /* base64 of 32 bytes */
#define B64_CHARS                                                              \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

char *cert_spki_pin(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL, digest[SHA256_DIGEST_LENGTH];
    unsigned char b64[PIN_B64_LEN + 1];
    char *pin = NULL;
    int n;

    if (x == NULL)
        goto out;
    n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    if (n <= 0)
        goto out;
    SHA256(der, (size_t)n, digest);
    EVP_EncodeBlock(b64, digest, sizeof digest);
    pin = xasprintf(PIN_PREFIX "%s", (char *)b64);
out:
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(bio);
    return pin;
}

int cert_pin_valid(const char *pins)
{
    const char *p = pins;

    if (pins == NULL || *pins == '\0')
        return 0;
    for (;;) {
        size_t n = strcspn(p, ";");
        if (n != strlen(PIN_PREFIX) + PIN_B64_LEN ||
            strncmp(p, PIN_PREFIX, strlen(PIN_PREFIX)) != 0 ||
            strspn(p + strlen(PIN_PREFIX), B64_CHARS) != PIN_B64_LEN - 1 ||
            p[n - 1] != '=') /* 32 bytes: 43 characters and one '=' */
            return 0;
        if (p[n] == '\0')
            return 1;
        p += n + 1;
    }
}

int cert_pin_matches(const char *pins, const char *pem)
{
    char *pin = cert_spki_pin(pem);
    const char *p = pins;
    int found = 0;

    if (pin == NULL)
        return 0;
    while (!found && *p) {
        size_t n = strcspn(p, ";");
        found = n == strlen(pin) && strncmp(p, pin, n) == 0;
        p += n;
        if (*p == ';')
            p++;
    }
    free(pin);
    return found;
}

/* One field of the certificate on its line: the server chose it. */
static char *field(const char *s)
{
    return sanitize_str(s ? s : "?", SANITIZE_LINE);
}

char *cert_untrusted_message(const char *server, const char *why,
                             const char *subject, const char *issuer,
                             const char *not_before, const char *not_after,
                             const char *pem)
{
    char *pin = pem ? cert_spki_pin(pem) : NULL;
    char *f[5] = {field(why), field(subject), field(issuer), field(not_before),
                  field(not_after)};
    char *msg = xasprintf("certificate of %s not trusted: %s\n"
                          "  subject: %s\n  issuer:  %s\n"
                          "  valid:   %s to %s\n"
                          "to trust this key, add: --pin %s\n"
                          "(or trust its CA with --ca-file FILE)",
                          server, f[0], f[1], f[2], f[3], f[4],
                          pin ? pin : "(unavailable)");
    size_t i;

    for (i = 0; i < 5; i++)
        free(f[i]);
    free(pin);
    return msg;
}
