/*
 * perch --version: perch's own version, then the libraries it runs with,
 * as a bug report needs them. Run-time versions where a library says its
 * own; libstrophe has no such call, so its version is the one perch was
 * built against.
 */
#include "command.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <expat.h>
#include <gsasl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#ifndef PERCH_VERSION
#define PERCH_VERSION "0.1.0"
#endif
#ifndef PERCH_STROPHE_VERSION
#define PERCH_STROPHE_VERSION "unknown"
#endif

void version_print(FILE *f, const char *ui_libs)
{
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

    fprintf(f, "perch %s\n", PERCH_VERSION);
    fprintf(f, "  libstrophe %s (built with)\n", PERCH_STROPHE_VERSION);
    fprintf(f, "  libcurl %s\n", curl->version);
    fprintf(f, "  %s\n", OpenSSL_version(OPENSSL_VERSION));
    fprintf(f, "  libevent %s\n", event_get_version());
    fprintf(f, "  GNU SASL %s\n", gsasl_check_version(NULL));
    fprintf(f, "  %s\n", XML_ExpatVersion());
    fprintf(f, "  jansson %s\n", jansson_version_str());
    if (ui_libs)
        fputs(ui_libs, f);
}
