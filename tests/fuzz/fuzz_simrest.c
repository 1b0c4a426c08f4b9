/*
 * The simulator's REST side on any bytes: as a request body of each
 * change it takes (a user's state, a call, a call action), as an
 * Authorization header and as a --rest-users file. Every answer is a
 * status it documents with a body that decodes; every Update it queues
 * decodes too; nothing crashes.
 */
#include "fuzz.h"

#include "base/buf.h"
#include "decode/decode.h"
#include "sim/sim.h"

#include <jansson.h>

#define NOW 1795000000000.0

static const char *kind_of(json_t *ev)
{
    const char *k = json_string_value(json_object_get(ev, "kind"));
    CHECK(k != NULL);
    return k;
}

/* One request with the input as its body, checked. */
static void ask(struct sim *s, struct sim_rest_answer *a, const char *user,
                const char *method, const char *path, const char *body,
                size_t len)
{
    struct sim_rest_request q = {method, path, user, body, len, "fuzz-id"};
    struct sim_event ev;
    struct buf b;
    json_t *o;

    sim_rest(s, &q, NOW, a);
    CHECK(a->status == 200 || a->status == 202 || a->status == 400 ||
          a->status == 401 || a->status == 404 || a->status == 405 ||
          a->status == 500);
    if (a->body.len) {
        buf_init(&b);
        buf_printf(&b, "<Update><data>%s</data></Update>", a->body.data);
        o = decode_update_text(NULL, b.data, b.len);
        if (a->status >= 400)
            CHECK(strcmp(kind_of(o), "error") == 0);
        else
            CHECK(strcmp(kind_of(o), "raw") != 0);
        json_decref(o);
        buf_done(&b);
    }
    while (sim_rest_next(s, &ev)) {
        o = decode_update_text(ev.node, ev.doc, ev.len);
        CHECK(strcmp(kind_of(o), "raw") != 0);
        json_decref(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sim_config cfg = {2, 1, 1, 100, 3, 0, "localhost", NULL, NULL};
    struct sim *s = sim_new(&cfg);
    struct sim_rest_answer a;
    struct sim_rest_users u;
    char *text = fuzz_cstr(data, size), *cause = NULL, user[64], pass[64];
    const char *body = text;
    struct sim_event ev;
    int i;

    buf_init(&a.body);
    sim_drive(s, "1001001");
    for (i = 0; i < 50; i++) /* a call may ring for the other agent */
        sim_next(s, NOW, &ev);
    ask(s, &a, "1001001", "PUT", "/finesse/api/User/1001001", body, size);
    ask(s, &a, "sup1", "PUT", "/finesse/api/User/1001002", body, size);
    ask(s, &a, "1001001", "POST", "/finesse/api/User/1001001/Dialogs", body,
        size);
    ask(s, &a, "1001001", "PUT", "/finesse/api/Dialog/16817500", body, size);
    ask(s, &a, "1001002", "PUT", "/finesse/api/Dialog/16817500", body, size);
    /* the input as a path, too */
    ask(s, &a, "1001001", "GET", text, NULL, 0);

    if (sim_rest_basic_auth(text, user, pass, sizeof user) == 0)
        CHECK(strlen(user) < sizeof user && strlen(pass) < sizeof pass);
    if (sim_rest_users_parse(text, size, &u, &cause) == 0) {
        CHECK(u.n == 0 || *u.id[0]);
        sim_rest_users_done(&u);
    } else {
        CHECK(cause != NULL && strncmp(cause, "line ", 5) == 0);
        free(cause);
    }
    buf_done(&a.body);
    sim_free(s);
    free(text);
    return 0;
}
