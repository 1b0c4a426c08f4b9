/* How a TCP connection uses TLS: what the options say, before any
 * transport exists. */
#ifndef PERCH_TLS_H
#define PERCH_TLS_H

enum tls_mode {
    TLS_REQUIRE, /* STARTTLS, or fail (the default) */
    TLS_PREFER,  /* STARTTLS when offered */
    TLS_DIRECT,  /* TLS from the first byte (XEP-0368) */
    TLS_OFF,     /* never (warned about) */
};

#endif
