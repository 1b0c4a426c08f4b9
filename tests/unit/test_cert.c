/* SPKI pins: cert_spki_pin, cert_pin_matches, cert_pin_valid. */
#include "unit.h"

#include "xmpp/cert.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Made with `openssl req -x509 -newkey ec ...`; its pin from the openssl
 * command line: x509 -pubkey | pkey -pubin -outform der | dgst -sha256 |
 * base64. */
static const char fixed_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjDCCATOgAwIBAgIUfQcczcJyvuRmssP3Nntj9oAABO8wCgYIKoZIzj0EAwIw\n"
    "GzEZMBcGA1UEAwwQeG1wcC5leGFtcGxlLmNvbTAgFw0yNjExMjEyMzM0MTBaGA8y\n"
    "MTI2MTAyODIzMzQxMFowGzEZMBcGA1UEAwwQeG1wcC5leGFtcGxlLmNvbTBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABDOKU/i4eWbuPjwPcbPRcus49uNp4tvdQT6R\n"
    "VYEWR2C30SpOcU/ifPHvfb3QFL3dp4fNlK77KUGfannh/Es4Lp2jUzBRMB0GA1Ud\n"
    "DgQWBBSXgdZqh+Sfj9+OuFp9UNQV9Jv5dDAfBgNVHSMEGDAWgBSXgdZqh+Sfj9+O\n"
    "uFp9UNQV9Jv5dDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIF7r\n"
    "vDB6Hi17RtSPGHzwq34tZCOq6yOXOHkL2add5UulAiBFigZ9LE43cIg7bp2xSjPe\n"
    "xb4V5N1odb7rFfjOU3P+xg==\n"
    "-----END CERTIFICATE-----\n";
static const char fixed_pin[] =
    "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=";

#define OTHER_PIN "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

/* --- a certificate made at test time --- */

struct made {
    char *pem; /* the certificate */
    char *pin; /* computed here, not with cert.c */
};

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64(const unsigned char *in, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
    size_t i;

    assert_non_null(out);
    for (i = 0; i + 2 < n; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16 |
                          (unsigned long)in[i + 1] << 8 | in[i + 2];
        *o++ = b64_alphabet[v >> 18 & 63];
        *o++ = b64_alphabet[v >> 12 & 63];
        *o++ = b64_alphabet[v >> 6 & 63];
        *o++ = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        unsigned long v = (unsigned long)in[i] << 16;
        *o++ = b64_alphabet[v >> 18 & 63];
        *o++ = b64_alphabet[v >> 12 & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (n - i == 2) {
        unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1]
                                                           << 8;
        *o++ = b64_alphabet[v >> 18 & 63];
        *o++ = b64_alphabet[v >> 12 & 63];
        *o++ = b64_alphabet[v >> 6 & 63];
        *o++ = '=';
    }
    *o = '\0';
    return out;
}

static void make_cert(EVP_PKEY *key, struct made *m)
{
    X509 *x = X509_new();
    X509_NAME *name;
    BIO *bio = BIO_new(BIO_s_mem());
    unsigned char *der = NULL, digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    char *data, *b64;
    long n;
    int der_len;

    assert_non_null(key);
    assert_non_null(x);
    assert_non_null(bio);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 42), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    name = X509_get_subject_name(x);
    assert_int_equal(X509_NAME_add_entry_by_txt(
                         name, "CN", MBSTRING_ASC,
                         (const unsigned char *)"xmpp.example.com", -1, -1, 0),
                     1);
    assert_int_equal(X509_set_issuer_name(x, name), 1);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    assert_int_equal(PEM_write_bio_X509(bio, x), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_true(n > 0);
    m->pem = malloc((size_t)n + 1);
    assert_non_null(m->pem);
    memcpy(m->pem, data, (size_t)n);
    m->pem[n] = '\0';

    /* The SubjectPublicKeyInfo straight from the key, not the certificate */
    der_len = i2d_PUBKEY(key, &der);
    assert_true(der_len > 0);
    assert_int_equal(
        EVP_Digest(der, (size_t)der_len, digest, &dlen, EVP_sha256(), NULL), 1);
    assert_int_equal(dlen, 32);
    b64 = base64(digest, dlen);
    m->pin = str_cat3("sha256//", b64, NULL);
    free(b64);
    OPENSSL_free(der);
    BIO_free(bio);
    X509_free(x);
}

static void made_done(struct made *m)
{
    free(m->pem);
    free(m->pin);
}

static void base64__matches_rfc4648_vectors(void **state)
{
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""},
             {"f", "Zg=="},
             {"fo", "Zm8="},
             {"foo", "Zm9v"},
             {"foob", "Zm9vYg=="},
             {"fooba", "Zm9vYmE="},
             {"foobar", "Zm9vYmFy"}};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof v / sizeof *v; i++) {
        char *s = base64((const unsigned char *)v[i].in, strlen(v[i].in));
        assert_string_equal(s, v[i].out);
        free(s);
    }
}

static void cert_spki_pin__matches_the_openssl_command_line(void **state)
{
    char *pin = cert_spki_pin(fixed_pem);
    (void)state;

    assert_non_null(pin);
    assert_string_equal(pin, fixed_pin);
    free(pin);
}

static void cert_spki_pin__hashes_the_spki_of_an_ec_certificate(void **state)
{
    struct made m;
    char *pin;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    (void)state;

    make_cert(key, &m);
    pin = cert_spki_pin(m.pem);
    assert_non_null(pin);
    assert_string_equal(pin, m.pin);
    assert_int_equal(strlen(pin), 8 + 44);
    assert_true(cert_pin_valid(pin));
    free(pin);
    made_done(&m);
    EVP_PKEY_free(key);
}

static void cert_spki_pin__hashes_the_spki_of_an_rsa_certificate(void **state)
{
    struct made m;
    char *pin;
    EVP_PKEY *key = EVP_RSA_gen(2048);
    (void)state;

    make_cert(key, &m);
    pin = cert_spki_pin(m.pem);
    assert_string_equal(pin, m.pin);
    free(pin);
    made_done(&m);
    EVP_PKEY_free(key);
}

static void cert_spki_pin__differs_between_two_keys(void **state)
{
    struct made a, b;
    EVP_PKEY *ka = EVP_EC_gen("P-256"), *kb = EVP_EC_gen("P-256");
    char *pa, *pb;
    (void)state;

    make_cert(ka, &a);
    make_cert(kb, &b);
    pa = cert_spki_pin(a.pem);
    pb = cert_spki_pin(b.pem);
    assert_string_not_equal(pa, pb);
    free(pa);
    free(pb);
    made_done(&a);
    made_done(&b);
    EVP_PKEY_free(ka);
    EVP_PKEY_free(kb);
}

static void cert_spki_pin__takes_the_first_of_two_certificates(void **state)
{
    char *two = str_cat3(fixed_pem, fixed_pem, NULL);
    char *pin = cert_spki_pin(two);
    (void)state;

    assert_string_equal(pin, fixed_pin);
    free(pin);
    free(two);
}

struct garbage {
    const char *name;
    const char *pem;
};

static const struct garbage garbage_rows[] = {
    {"cert_spki_pin__is_null_for_the_empty_string", ""},
    {"cert_spki_pin__is_null_for_text", "not a certificate"},
    {"cert_spki_pin__is_null_for_a_pem_with_garbage_inside",
     "-----BEGIN CERTIFICATE-----\n!!!!garbage!!!!\n"
     "-----END CERTIFICATE-----\n"},
    {"cert_spki_pin__is_null_for_a_pem_with_valid_base64_but_no_der",
     "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n"
     "-----END CERTIFICATE-----\n"},
    {"cert_spki_pin__is_null_for_a_private_key_pem",
     "-----BEGIN PRIVATE KEY-----\n"
     "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBwIQ0UCPdJIqDKbA\n"
     "-----END PRIVATE KEY-----\n"},
    {"cert_spki_pin__is_null_for_a_pem_without_its_end_line",
     "-----BEGIN CERTIFICATE-----\n"
     "MIIBjDCCATOgAwIBAgIUfQcczcJyvuRmssP3Nntj9oAABO8wCgYIKoZIzj0EAwIw\n"},
    {"cert_spki_pin__is_null_for_invalid_utf8", "\xff\xfe\xfd"},
};

static void garbage(void **state)
{
    const struct garbage *r = *state;

    assert_null(cert_spki_pin(r->pem));
    assert_int_equal(cert_pin_matches(fixed_pin, r->pem), 0);
}

static void cert_spki_pin__is_null_for_a_truncated_certificate(void **state)
{
    /* the same PEM with its last base64 line dropped */
    const char *cut = strstr(fixed_pem, "xb4V5N1o");
    char *pem = malloc((size_t)(cut - fixed_pem) + 40);
    (void)state;

    assert_non_null(pem);
    memcpy(pem, fixed_pem, (size_t)(cut - fixed_pem));
    strcpy(pem + (cut - fixed_pem), "-----END CERTIFICATE-----\n");
    assert_null(cert_spki_pin(pem));
    free(pem);
}

/* --- cert_pin_matches --- */

struct match {
    const char *name;
    const char *pins;
    int want;
};

static const struct match match_rows[] = {
    {"cert_pin_matches__finds_the_only_pin",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=", 1},
    {"cert_pin_matches__finds_the_pin_first_in_a_list",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=;" OTHER_PIN, 1},
    {"cert_pin_matches__finds_the_pin_last_in_a_list",
     OTHER_PIN ";sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=", 1},
    {"cert_pin_matches__finds_the_pin_in_the_middle_of_a_list",
     OTHER_PIN ";sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=;"
               "sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
     1},
    {"cert_pin_matches__is_false_for_other_pins",
     OTHER_PIN ";sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=", 0},
    {"cert_pin_matches__is_false_for_the_empty_list", "", 0},
    {"cert_pin_matches__is_false_for_a_longer_entry_starting_with_the_pin",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=x", 0},
    {"cert_pin_matches__is_false_for_the_pin_without_its_prefix",
     "nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=", 0},
    {"cert_pin_matches__is_false_for_a_case_changed_pin",
     "sha256//NW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=", 0},
    {"cert_pin_matches__is_false_for_a_prefix_of_the_pin",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2", 0},
};

static void match(void **state)
{
    const struct match *r = *state;
    assert_int_equal(cert_pin_matches(r->pins, fixed_pem), r->want);
}

static void cert_pin_matches__matches_a_certificate_made_now(void **state)
{
    struct made m;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    char *list;
    (void)state;

    make_cert(key, &m);
    list = str_cat3(OTHER_PIN ";", m.pin, ";" OTHER_PIN);
    assert_int_equal(cert_pin_matches(list, m.pem), 1);
    assert_int_equal(cert_pin_matches(OTHER_PIN, m.pem), 0);
    assert_int_equal(cert_pin_matches(fixed_pin, m.pem), 0);
    free(list);
    made_done(&m);
    EVP_PKEY_free(key);
}

/* --- cert_pin_valid --- */

struct valid {
    const char *name;
    const char *pins;
    int want;
};

static const struct valid valid_rows[] = {
    {"cert_pin_valid__accepts_one_pin",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=", 1},
    {"cert_pin_valid__accepts_two_pins_joined_by_a_semicolon",
     "sha256//nW6fuiOA7fW4A/RuvoCspEK/QTN3PGDAvt0UCrG2+SI=;" OTHER_PIN, 1},
    {"cert_pin_valid__accepts_three_pins",
     OTHER_PIN ";" OTHER_PIN ";" OTHER_PIN, 1},
    {"cert_pin_valid__rejects_the_empty_string", "", 0},
    {"cert_pin_valid__rejects_the_prefix_alone", "sha256//", 0},
    {"cert_pin_valid__rejects_43_characters",
     "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
    {"cert_pin_valid__rejects_45_characters",
     "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0},
    {"cert_pin_valid__rejects_another_hash_name",
     "sha384//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0},
    {"cert_pin_valid__rejects_an_upper_case_prefix",
     "SHA256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0},
    {"cert_pin_valid__rejects_a_hex_digest",
     "sha256//9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
     0},
    {"cert_pin_valid__rejects_a_trailing_semicolon", OTHER_PIN ";", 0},
    {"cert_pin_valid__rejects_a_leading_semicolon", ";" OTHER_PIN, 0},
    {"cert_pin_valid__rejects_an_empty_entry_between_pins",
     OTHER_PIN ";;" OTHER_PIN, 0},
    {"cert_pin_valid__rejects_a_space_after_the_semicolon",
     OTHER_PIN "; " OTHER_PIN, 0},
    {"cert_pin_valid__rejects_a_good_pin_then_a_bad_one",
     OTHER_PIN ";sha256//x", 0},
    {"cert_pin_valid__rejects_characters_outside_base64",
     "sha256//AAAAAAAAAAAAAAAAAAAAA!AAAAAAAAAAAAAAAAAAAAA=", 0},
    {"cert_pin_valid__rejects_base64url_characters",
     "sha256//nW6fuiOA7fW4A_RuvoCspEK_QTN3PGDAvt0UCrG2-SI=", 0},
    {"cert_pin_valid__rejects_spaces_in_place_of_base64",
     "sha256//                                            ", 0},
    {"cert_pin_valid__rejects_a_pin_without_the_final_equals_sign",
     "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
    {"cert_pin_valid__rejects_an_equals_sign_inside",
     "sha256//AAAAAAAAAAAAAAAAAAAAA=AAAAAAAAAAAAAAAAAAAAA=", 0},
};

static void valid(void **state)
{
    const struct valid *r = *state;
    assert_int_equal(cert_pin_valid(r->pins), r->want);
}

static void cert_pin_valid__rejects_null(void **state)
{
    (void)state;
    assert_int_equal(cert_pin_valid(NULL), 0);
}

static void cert_pin_valid__accepts_a_list_of_1000_pins(void **state)
{
    size_t i, one = strlen(OTHER_PIN) + 1;
    char *list = malloc(1000 * one);
    (void)state;

    assert_non_null(list);
    for (i = 0; i < 1000; i++) {
        memcpy(list + i * one, OTHER_PIN, one - 1);
        list[i * one + one - 1] = ';';
    }
    list[1000 * one - 1] = '\0';
    assert_int_equal(cert_pin_valid(list), 1);
    assert_int_equal(cert_pin_matches(list, fixed_pem), 0);
    free(list);
}

/* --- cert_untrusted_message --- */

static void cert_untrusted_message__shows_what_the_subject_hides(void **state)
{
    char *msg = cert_untrusted_message("xmpp.example", "self-signed",
                                       "/CN=a\nperch: trusted\xe2\x80\xae",
                                       "/CN=b\x1b[2J", "then", "later", NULL);
    (void)state;

    assert_string_equal(msg, "certificate of xmpp.example not trusted: "
                             "self-signed\n"
                             "  subject: /CN=a<U+000A>perch: trusted<U+202E>\n"
                             "  issuer:  /CN=b<U+001B>[2J\n"
                             "  valid:   then to later\n"
                             "to trust this key, add: --pin (unavailable)\n"
                             "(or trust its CA with --ca-file FILE)");
    free(msg);
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "base64__matches_rfc4648_vectors",
           base64__matches_rfc4648_vectors, NULL);
    tl_add(&l, "cert_spki_pin__matches_the_openssl_command_line",
           cert_spki_pin__matches_the_openssl_command_line, NULL);
    tl_add(&l, "cert_spki_pin__hashes_the_spki_of_an_ec_certificate",
           cert_spki_pin__hashes_the_spki_of_an_ec_certificate, NULL);
    tl_add(&l, "cert_spki_pin__hashes_the_spki_of_an_rsa_certificate",
           cert_spki_pin__hashes_the_spki_of_an_rsa_certificate, NULL);
    tl_add(&l, "cert_spki_pin__differs_between_two_keys",
           cert_spki_pin__differs_between_two_keys, NULL);
    tl_add(&l, "cert_spki_pin__takes_the_first_of_two_certificates",
           cert_spki_pin__takes_the_first_of_two_certificates, NULL);
    TL_ROWS(&l, garbage_rows, garbage);
    tl_add(&l, "cert_spki_pin__is_null_for_a_truncated_certificate",
           cert_spki_pin__is_null_for_a_truncated_certificate, NULL);
    TL_ROWS(&l, match_rows, match);
    tl_add(&l, "cert_pin_matches__matches_a_certificate_made_now",
           cert_pin_matches__matches_a_certificate_made_now, NULL);
    TL_ROWS(&l, valid_rows, valid);
    tl_add(&l, "cert_pin_valid__rejects_null", cert_pin_valid__rejects_null,
           NULL);
    tl_add(&l, "cert_pin_valid__accepts_a_list_of_1000_pins",
           cert_pin_valid__accepts_a_list_of_1000_pins, NULL);
    tl_add(&l, "cert_untrusted_message__shows_what_the_subject_hides",
           cert_untrusted_message__shows_what_the_subject_hides, NULL);
    return tl_run(&l, "cert", NULL, NULL);
}
