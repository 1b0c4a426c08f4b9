/*
 * Who may use the simulator's REST API: the "Authorization: Basic"
 * header and the --rest-users file (both read from outside: bounded,
 * unit tested and fuzzed).
 */
#include "base/buf.h"
#include "sim.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USERS_MAX 10000
#define USERS_LINE_MAX 1024

int sim_rest_basic_auth(const char *header, char *user, char *pass, size_t size)
{
    unsigned char *raw;
    const char *b64, *colon;
    size_t n, len, pad = 0;
    int got;

    if (header == NULL || strncasecmp(header, "Basic ", 6) != 0 || size == 0)
        return -1;
    b64 = header + 6;
    b64 += strspn(b64, " ");
    n = strlen(b64);
    while (n > 0 && b64[n - 1] == ' ')
        n--;
    if (n == 0 || n % 4 != 0 || n > 4096)
        return -1;
    pad = (b64[n - 1] == '=') + (b64[n - 2] == '=');
    raw = xmalloc(n / 4 * 3 + 1);
    got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
    if (got < 0 || (size_t)got < pad) {
        free(raw);
        return -1;
    }
    len = (size_t)got - pad;
    raw[len] = '\0';
    colon = memchr(raw, ':', len);
    if (colon == NULL || memchr(raw, '\0', len) != NULL) {
        explicit_bzero(raw, len);
        free(raw);
        return -1;
    }
    snprintf(user, size, "%.*s", (int)(colon - (const char *)raw), raw);
    snprintf(pass, size, "%s", colon + 1);
    explicit_bzero(raw, len);
    free(raw);
    return 0;
}

/* One "ID:PASSWORD" line (len bytes); 0, or -1 with *why (static). */
static int users_line(struct sim_rest_users *u, const char *line, size_t len,
                      const char **why)
{
    const char *colon = memchr(line, ':', len);
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
            *why = "a control character";
            return -1;
        }
    if (colon == NULL || colon == line) {
        *why = "not ID:PASSWORD";
        return -1;
    }
    if (u->n == USERS_MAX) {
        *why = "more than 10000 users";
        return -1;
    }
    u->id = xrealloc(u->id, (u->n + 1) * sizeof *u->id);
    u->password = xrealloc(u->password, (u->n + 1) * sizeof *u->password);
    u->id[u->n] = xstrndup(line, (size_t)(colon - line));
    u->password[u->n] = xstrndup(colon + 1, len - (size_t)(colon - line) - 1);
    u->n++;
    return 0;
}

int sim_rest_users_parse(const char *text, size_t len, struct sim_rest_users *u,
                         char **cause)
{
    size_t at = 0, n, lineno = 0;
    const char *why;

    memset(u, 0, sizeof *u);
    while (at < len) {
        const char *line = text + at, *nl = memchr(line, '\n', len - at);
        n = nl ? (size_t)(nl - line) : len - at;
        at += n + (nl != NULL);
        lineno++;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > USERS_LINE_MAX) {
            *cause = xasprintf("line %zu: longer than %d bytes", lineno,
                               USERS_LINE_MAX);
            sim_rest_users_done(u);
            return -1;
        }
        while (n > 0 && (*line == ' ' || *line == '\t'))
            line++, n--;
        if (n == 0 || *line == '#')
            continue;
        if (users_line(u, line, n, &why) != 0) {
            *cause = xasprintf("line %zu: %s", lineno, why);
            sim_rest_users_done(u);
            return -1;
        }
    }
    return 0;
}

int sim_rest_users_check(const struct sim_rest_users *u, const char *id,
                         const char *password)
{
    size_t i, n = strlen(password);
    int ok = 0;

    for (i = 0; i < u->n; i++)
        if (strcmp(u->id[i], id) == 0 && strlen(u->password[i]) == n &&
            CRYPTO_memcmp(u->password[i], password, n) == 0)
            ok = 1;
    return ok;
}

void sim_rest_users_done(struct sim_rest_users *u)
{
    size_t i;

    for (i = 0; i < u->n; i++) {
        explicit_bzero(u->password[i], strlen(u->password[i]));
        free(u->password[i]);
        free(u->id[i]);
    }
    free(u->id);
    free(u->password);
    memset(u, 0, sizeof *u);
}
