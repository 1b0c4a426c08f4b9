/*
 * Reads the input as a subscription ledger file and tidies it: never
 * crashes; what it keeps are entries within the limits, and written out
 * and read again they are the same entries (nothing is lost or invented by
 * a round trip).
 */
#include "fuzz.h"

#include "xmpp/ledger.h"

static int some_alive(long pid, unsigned long long start)
{
    return (pid ^ (long)start) & 1; /* some alive, some not */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ledger_list l = {0}, again = {0};
    size_t bad = 0, bad2 = 0, i;
    char *text;

    ledger_parse((const char *)data, size, &l, &bad);
    CHECK(l.n <= LEDGER_MAX_ENTRIES);
    for (i = 0; i < l.n; i++) {
        CHECK(l.v[i].pid > 0);
        CHECK(*l.v[i].service && *l.v[i].jid && *l.v[i].node);
        CHECK(strlen(l.v[i].node) <= LEDGER_MAX_FIELD);
    }
    ledger_tidy(&l, some_alive);
    text = ledger_format(&l);
    ledger_parse(text, strlen(text), &again, &bad2);
    CHECK(bad2 == 0);
    CHECK(again.n == l.n);
    for (i = 0; i < l.n; i++) {
        CHECK(strcmp(again.v[i].node, l.v[i].node) == 0);
        CHECK(strcmp(again.v[i].jid, l.v[i].jid) == 0);
        CHECK(again.v[i].made == l.v[i].made);
    }
    free(text);
    ledger_list_done(&l);
    ledger_list_done(&again);
    return 0;
}
