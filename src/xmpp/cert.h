/* Certificate facts a user needs to decide on trust: SPKI pins. */
#ifndef PERCH_CERT_H
#define PERCH_CERT_H

/*
 * Returns a new string "sha256//BASE64" of the SHA-256 of the certificate's
 * SubjectPublicKeyInfo (curl's --pinnedpubkey format), or NULL when pem does
 * not hold a certificate. Caller frees.
 */
char *cert_spki_pin(const char *pem);

/* 1 when the certificate's pin is one of pins ("sha256//A;sha256//B"). */
int cert_pin_matches(const char *pins, const char *pem);

/* 1 when pins is a well-formed list of sha256// pins. */
int cert_pin_valid(const char *pins);

/*
 * The message shown when a server is not trusted: why, the certificate's
 * subject, issuer and validity, and the --pin that would accept its key
 * (computed from pem when given). New string, caller frees.
 */
char *cert_untrusted_message(const char *server, const char *why,
                             const char *subject, const char *issuer,
                             const char *not_before, const char *not_after,
                             const char *pem);

#endif
