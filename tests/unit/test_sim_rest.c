/*
 * The simulator's REST side: who may use it (the users file, Basic auth),
 * what each request answers, which Updates a change publishes and that
 * they carry the request's id, and the state machine's refusals.
 */
#include "unit.h"

#include "base/buf.h"
#include "decode/decode.h"
#include "cmd/simrest.h"
#include "sim/sim.h"

#include <jansson.h>

#define NOW 1795000000000.0 /* 2026-11-18 */
#define AGENT "1001001"
#define OTHER "1001002"
#define SUP "sup1"

/* ---- the users file ---- */

struct users_row {
    const char *name;
    const char *text;
    size_t n;          /* users read; ignored when cause */
    const char *cause; /* NULL: accepted */
};

static const struct users_row users_rows[] = {
    {"sim_rest_users_parse__reads_id_password_lines",
     "1001001:pw1\nsup1:s:with:colons\n", 2, NULL},
    {"sim_rest_users_parse__skips_comments_and_blank_lines",
     "# agents\n\n  \n1001001:pw\n   # indented\r\n", 1, NULL},
    {"sim_rest_users_parse__takes_crlf_and_no_final_newline", "a:1\r\nb:2", 2,
     NULL},
    {"sim_rest_users_parse__takes_an_empty_password", "a:\n", 1, NULL},
    {"sim_rest_users_parse__refuses_a_line_without_colon", "a:1\nnobody\n", 0,
     "line 2: not ID:PASSWORD"},
    {"sim_rest_users_parse__refuses_an_empty_id", ":pw\n", 0,
     "line 1: not ID:PASSWORD"},
    {"sim_rest_users_parse__refuses_a_control_character", "a:p\033w\n", 0,
     "line 1: a control character"},
    {"sim_rest_users_parse__refuses_a_nul", "a:p\0w\n", 0,
     "line 1: a control character"},
};

static void users_row(void **state)
{
    const struct users_row *r = *state;
    struct sim_rest_users u;
    char *cause = NULL;
    size_t len = strlen(r->text);

    if (strstr(r->name, "nul"))
        len = 7;
    if (r->cause == NULL) {
        assert_int_equal(sim_rest_users_parse(r->text, len, &u, &cause), 0);
        assert_int_equal(u.n, r->n);
        sim_rest_users_done(&u);
    } else {
        assert_int_equal(sim_rest_users_parse(r->text, len, &u, &cause), -1);
        assert_string_equal(cause, r->cause);
        assert_int_equal(u.n, 0);
        free(cause);
    }
}

static void sim_rest_users_parse__refuses_a_long_line(void **state)
{
    char *pw = str_repeat('x', 1100), *text = str_cat3("a:", pw, "\n");
    struct sim_rest_users u;
    char *cause = NULL;
    (void)state;

    assert_int_equal(sim_rest_users_parse(text, strlen(text), &u, &cause), -1);
    assert_string_equal(cause, "line 1: longer than 1024 bytes");
    free(cause);
    free(text);
    free(pw);
}

static void sim_rest_users_check__needs_the_exact_password(void **state)
{
    const char *text = "1001001:secret\nsup1:other\n";
    struct sim_rest_users u;
    char *cause = NULL;
    (void)state;

    assert_int_equal(sim_rest_users_parse(text, strlen(text), &u, &cause), 0);
    assert_true(sim_rest_users_check(&u, "1001001", "secret"));
    assert_true(sim_rest_users_check(&u, "sup1", "other"));
    assert_false(sim_rest_users_check(&u, "1001001", "other"));
    assert_false(sim_rest_users_check(&u, "1001001", "secre"));
    assert_false(sim_rest_users_check(&u, "1001001", "secrets"));
    assert_false(sim_rest_users_check(&u, "1001002", "secret"));
    assert_false(sim_rest_users_check(&u, "", ""));
    sim_rest_users_done(&u);
}

/* ---- Basic auth ---- */

struct auth_row {
    const char *name;
    const char *header;
    const char *user, *pass; /* NULL: refused */
};

static const struct auth_row auth_rows[] = {
    {"sim_rest_basic_auth__reads_user_and_password",
     "Basic MTAwMTAwMTpzZWNyZXQ=", "1001001", "secret"},
    {"sim_rest_basic_auth__ignores_the_scheme_s_case",
     "basic MTAwMTAwMTpzZWNyZXQ=", "1001001", "secret"},
    {"sim_rest_basic_auth__keeps_colons_in_the_password",
     "Basic dTpwOnE6cg==", "u", "p:q:r"},
    {"sim_rest_basic_auth__takes_an_empty_password", "Basic dTo=", "u", ""},
    {"sim_rest_basic_auth__refuses_another_scheme",
     "Bearer MTAwMTAwMTpzZWNyZXQ=", NULL, NULL},
    {"sim_rest_basic_auth__refuses_no_colon", "Basic dXNlcg==", NULL, NULL},
    {"sim_rest_basic_auth__refuses_bad_base64", "Basic !!!!", NULL, NULL},
    {"sim_rest_basic_auth__refuses_a_length_not_of_fours", "Basic dTpw=", NULL,
     NULL},
    {"sim_rest_basic_auth__refuses_a_nul_inside", "Basic dQA6cA==", NULL, NULL},
    {"sim_rest_basic_auth__refuses_nothing", "Basic ", NULL, NULL},
};

static void auth_row(void **state)
{
    const struct auth_row *r = *state;
    char user[64], pass[64];

    if (r->user) {
        assert_int_equal(sim_rest_basic_auth(r->header, user, pass, 64), 0);
        assert_string_equal(user, r->user);
        assert_string_equal(pass, r->pass);
    } else {
        assert_int_equal(sim_rest_basic_auth(r->header, user, pass, 64), -1);
    }
}

static void sim_rest_basic_auth__refuses_no_header(void **state)
{
    char user[8], pass[8];
    (void)state;
    assert_int_equal(sim_rest_basic_auth(NULL, user, pass, 8), -1);
}

/* ---- requests ---- */

struct fixture {
    struct sim *s;
    struct sim_rest_answer a;
    json_t *last; /* the last Update taken, decoded */
};

static struct fixture *fixture(const char *primary)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sim_config cfg = {2, 1, 1, 100, 7, 0, "localhost", primary, NULL};

    assert_non_null(f);
    f->s = sim_new(&cfg);
    assert_int_equal(sim_drive(f->s, AGENT), 1);
    assert_int_equal(sim_drive(f->s, "nobody"), 0);
    buf_init(&f->a.body);
    return f;
}

static void fixture_done(struct fixture *f)
{
    json_decref(f->last);
    buf_done(&f->a.body);
    sim_free(f->s);
    free(f);
}

static int ask(struct fixture *f, const char *user, const char *method,
               const char *path, const char *body, const char *id)
{
    struct sim_rest_request q = {
        method, path, user, body, body ? strlen(body) : 0, id};

    sim_rest(f->s, &q, NOW, &f->a);
    return f->a.status;
}

/* The answer's body decoded as the REST client decodes it. */
static json_t *answer(struct fixture *f)
{
    json_t *ev;
    struct buf b;

    buf_init(&b);
    buf_printf(&b, "<Update><data>%s</data></Update>", f->a.body.data);
    ev = decode_update_text(NULL, b.data, b.len);
    buf_done(&b);
    return ev;
}

static const char *str(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    return json_string_value(v);
}

/* The next Update the requests caused (decoded into f->last, node
 * checked), or NULL when none is left. */
static json_t *next_update(struct fixture *f, const char *node)
{
    struct sim_event ev;

    json_decref(f->last);
    f->last = NULL;
    if (!sim_rest_next(f->s, &ev))
        return NULL;
    if (node)
        assert_string_equal(ev.node, node);
    f->last = decode_update_text(ev.node, ev.doc, ev.len);
    return f->last;
}

static void drain(struct fixture *f)
{
    while (next_update(f, NULL))
        ;
}

static const char *errors_field(struct fixture *f, const char *key)
{
    json_t *ev = answer(f);
    static char out[256];
    const char *v;

    v = json_string_value(
        json_object_get(json_array_get(json_object_get(ev, "errors"), 0), key));
    snprintf(out, sizeof out, "%s", v ? v : "(none)");
    json_decref(ev);
    return out;
}

#define USER_PUT(state) "<User><state>" state "</state></User>"

static void sim_rest__a_driven_agent_starts_logged_out(void **state)
{
    struct fixture *f = fixture(NULL);
    json_t *ev;
    (void)state;

    assert_int_equal(ask(f, AGENT, "GET", "/finesse/api/User/" AGENT, NULL, ""),
                     200);
    ev = answer(f);
    assert_string_equal(str(ev, "kind", NULL), "user");
    assert_string_equal(str(ev, "user", "state"), "LOGOUT");
    assert_string_equal(str(ev, "user", "loginId"), AGENT);
    json_decref(ev);
    assert_null(next_update(f, NULL)); /* a GET publishes nothing */
    fixture_done(f);
}

static void sim_rest__login_publishes_with_the_request_id(void **state)
{
    struct fixture *f = fixture(NULL);
    json_t *ev;
    (void)state;

    assert_int_equal(ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT,
                         USER_PUT("LOGIN"), "id-<1>&"),
                     202);
    assert_int_equal(f->a.body.len, 0);
    ev = next_update(f, "/finesse/api/User/" AGENT);
    assert_string_equal(str(ev, "user", "state"), "NOT_READY");
    assert_string_equal(str(ev, "requestId", NULL), "id-<1>&");
    ev = next_update(f, "/finesse/api/Team/5000/Users");
    assert_string_equal(str(ev, "requestId", NULL), ""); /* the user's only */
    ev = next_update(f, "/finesse/api/User/" AGENT "/Queues");
    assert_null(next_update(f, NULL));
    fixture_done(f);
}

struct state_row {
    const char *name;
    const char *user;      /* who asks */
    const char *before[3]; /* states the agent goes through first */
    const char *body;
    int status;
    const char *error_type;   /* when status is 4xx/5xx */
    const char *state_after;  /* of the Update, when 202 */
    const char *reason_after; /* its reason code label, or NULL */
};

static const struct state_row state_rows[] = {
    {"sim_rest__ready_from_not_ready",
     AGENT,
     {"LOGIN"},
     USER_PUT("READY"),
     202,
     NULL,
     "READY",
     NULL},
    {"sim_rest__not_ready_with_a_reason",
     AGENT,
     {"LOGIN", "READY"},
     "<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>",
     202,
     NULL,
     "NOT_READY",
     "Lunch"},
    {"sim_rest__logout_with_its_reason",
     AGENT,
     {"LOGIN"},
     "<User><state>LOGOUT</state><reasonCodeId>20</reasonCodeId></User>",
     202,
     NULL,
     "LOGOUT",
     "End of shift"},
    {"sim_rest__ready_while_logged_out_is_an_invalid_state",
     AGENT,
     {NULL},
     USER_PUT("READY"),
     400,
     "Invalid State",
     NULL,
     NULL},
    {"sim_rest__login_twice_is_an_invalid_state",
     AGENT,
     {"LOGIN"},
     USER_PUT("LOGIN"),
     400,
     "Invalid State",
     NULL,
     NULL},
    {"sim_rest__a_reason_of_another_state_is_invalid_input",
     AGENT,
     {"LOGIN"},
     "<User><state>NOT_READY</state><reasonCodeId>20</reasonCodeId></User>",
     400,
     "Invalid Input",
     NULL,
     NULL},
    {"sim_rest__an_unknown_state_is_invalid_input",
     AGENT,
     {"LOGIN"},
     USER_PUT("TALKING"),
     400,
     "Invalid Input",
     NULL,
     NULL},
    {"sim_rest__no_state_is_a_missing_parameter",
     AGENT,
     {"LOGIN"},
     "<User><reasonCodeId>12</reasonCodeId></User>",
     400,
     "Parameter Missing",
     NULL,
     NULL},
    {"sim_rest__another_root_is_a_bad_request",
     AGENT,
     {"LOGIN"},
     "<Dialog><state>READY</state></Dialog>",
     400,
     "Bad Request",
     NULL,
     NULL},
    {"sim_rest__no_body_is_a_bad_request",
     AGENT,
     {"LOGIN"},
     NULL,
     400,
     "Bad Request",
     NULL,
     NULL},
    {"sim_rest__a_doctype_is_a_bad_request",
     AGENT,
     {"LOGIN"},
     "<!DOCTYPE User [<!ENTITY x 'y'>]><User><state>READY</state></User>",
     400,
     "Bad Request",
     NULL,
     NULL},
    {"sim_rest__broken_xml_is_a_bad_request",
     AGENT,
     {"LOGIN"},
     "<User><state>READY</User>",
     400,
     "Bad Request",
     NULL,
     NULL},
    {"sim_rest__a_supervisor_signs_an_agent_out",
     SUP,
     {"LOGIN"},
     USER_PUT("LOGOUT"),
     202,
     NULL,
     "LOGOUT",
     NULL},
    {"sim_rest__a_supervisor_makes_an_agent_ready",
     SUP,
     {"LOGIN"},
     USER_PUT("READY"),
     202,
     NULL,
     "READY",
     NULL},
    {"sim_rest__a_supervisor_may_not_set_not_ready",
     SUP,
     {"LOGIN", "READY"},
     USER_PUT("NOT_READY"),
     400,
     "Invalid State",
     NULL,
     NULL},
    {"sim_rest__another_agent_is_unauthorized",
     OTHER,
     {"LOGIN"},
     USER_PUT("READY"),
     401,
     "Invalid Authorization User Specified",
     NULL,
     NULL},
};

static void state_row(void **state)
{
    const struct state_row *r = *state;
    struct fixture *f = fixture(NULL);
    struct buf b;
    json_t *ev;
    int i;

    buf_init(&b);
    for (i = 0; i < 3 && r->before[i]; i++) {
        b.len = 0;
        buf_printf(&b, "<User><state>%s</state></User>", r->before[i]);
        assert_int_equal(
            ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT, b.data, "x"), 202);
    }
    buf_done(&b);
    drain(f);
    assert_int_equal(
        ask(f, r->user, "PUT", "/finesse/api/User/" AGENT, r->body, "req-1"),
        r->status);
    if (r->status != 202) {
        assert_string_equal(errors_field(f, "errorType"), r->error_type);
        assert_null(next_update(f, NULL)); /* nothing changed */
    } else {
        ev = next_update(f, "/finesse/api/User/" AGENT);
        assert_string_equal(str(ev, "user", "state"), r->state_after);
        assert_string_equal(str(ev, "requestId", NULL), "req-1");
        if (r->reason_after)
            assert_string_equal(
                json_string_value(json_object_get(
                    json_object_get(json_object_get(ev, "user"), "reasonCode"),
                    "label")),
                r->reason_after);
    }
    fixture_done(f);
}

struct path_row {
    const char *name;
    const char *user, *method, *path;
    int status;
    const char *kind; /* of the answer's body */
};

static const struct path_row path_rows[] = {
    {"sim_rest__get_systeminfo", AGENT, "GET", "/finesse/api/SystemInfo", 200,
     "systeminfo"},
    {"sim_rest__get_own_dialogs", AGENT, "GET",
     "/finesse/api/User/" AGENT "/Dialogs", 200, "dialogs"},
    {"sim_rest__get_a_team", AGENT, "GET", "/finesse/api/Team/5000", 200,
     "team"},
    {"sim_rest__get_a_queue", AGENT, "GET", "/finesse/api/Queue/1", 200,
     "queue"},
    {"sim_rest__a_supervisor_gets_any_agent", SUP, "GET",
     "/finesse/api/User/" OTHER, 200, "user"},
    {"sim_rest__an_agent_gets_no_other_agent", AGENT, "GET",
     "/finesse/api/User/" OTHER, 401, "error"},
    {"sim_rest__an_unknown_user_is_not_found", SUP, "GET",
     "/finesse/api/User/999", 404, "error"},
    {"sim_rest__an_unknown_team_is_not_found", SUP, "GET",
     "/finesse/api/Team/1", 404, "error"},
    {"sim_rest__an_unknown_queue_is_not_found", SUP, "GET",
     "/finesse/api/Queue/99", 404, "error"},
    {"sim_rest__an_unknown_dialog_is_not_found", AGENT, "PUT",
     "/finesse/api/Dialog/1", 404, "error"},
    {"sim_rest__an_unknown_path_is_not_found", AGENT, "GET",
     "/finesse/api/Nothing", 404, "error"},
    {"sim_rest__outside_the_api_is_not_found", AGENT, "GET", "/index.html", 404,
     "error"},
    {"sim_rest__a_deeper_user_path_is_not_found", AGENT, "GET",
     "/finesse/api/User/" AGENT "/Dialogs/x", 404, "error"},
    {"sim_rest__an_empty_segment_is_not_found", AGENT, "GET",
     "/finesse/api//SystemInfo", 404, "error"},
    {"sim_rest__a_query_is_ignored", AGENT, "GET",
     "/finesse/api/SystemInfo?nocache=1", 200, "systeminfo"},
    {"sim_rest__delete_is_not_allowed", AGENT, "DELETE",
     "/finesse/api/User/" AGENT, 405, "error"},
    {"sim_rest__post_on_a_user_is_not_allowed", AGENT, "POST",
     "/finesse/api/User/" AGENT, 405, "error"},
};

static void path_row(void **state)
{
    const struct path_row *r = *state;
    struct fixture *f = fixture(NULL);
    json_t *ev;

    assert_int_equal(ask(f, r->user, r->method, r->path, NULL, ""), r->status);
    ev = answer(f);
    assert_string_equal(str(ev, "kind", NULL), r->kind);
    json_decref(ev);
    fixture_done(f);
}

static void sim_rest__systeminfo_names_the_nodes_and_the_outage(void **state)
{
    struct fixture *f = fixture("fin1.example");
    json_t *ev;
    (void)state;

    ask(f, AGENT, "GET", "/finesse/api/SystemInfo", NULL, "");
    ev = answer(f);
    assert_string_equal(str(ev, "systeminfo", "status"), "IN_SERVICE");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(ev, "systeminfo"), "primaryNode"),
            "host")),
        "fin1.example");
    assert_string_equal(str(ev, "systeminfo", "currentTimestamp"),
                        "2026-11-18T11:06:40.000Z");
    json_decref(ev);
    sim_set_in_service(f->s, 0, NOW);
    assert_false(sim_in_service(f->s));
    ev = next_update(f, "/finesse/api/SystemInfo");
    assert_string_equal(str(ev, "systeminfo", "status"), "OUT_OF_SERVICE");
    sim_set_in_service(f->s, 0, NOW); /* no change: no Update */
    assert_null(next_update(f, NULL));
    ask(f, AGENT, "GET", "/finesse/api/SystemInfo", NULL, "");
    ev = answer(f);
    assert_string_equal(str(ev, "systeminfo", "status"), "OUT_OF_SERVICE");
    json_decref(ev);
    assert_int_equal(ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT,
                         USER_PUT("LOGIN"), "r"),
                     500);
    assert_string_equal(errors_field(f, "errorMessage"),
                        "CF_RESOURCE_OUT_OF_SERVICE");
    assert_int_equal(ask(f, AGENT, "GET", "/finesse/api/User/" AGENT, NULL, ""),
                     200); /* reading still works */
    sim_set_in_service(f->s, 1, NOW);
    ev = next_update(f, "/finesse/api/SystemInfo");
    assert_string_equal(str(ev, "systeminfo", "status"), "IN_SERVICE");
    assert_int_equal(ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT,
                         USER_PUT("LOGIN"), "r"),
                     202);
    fixture_done(f);
}

/* ---- calls ---- */

#define DIALOG_PUT(action)                                                     \
    "<Dialog><requestedAction>" action "</requestedAction>"                    \
    "<targetMediaAddress>" AGENT "</targetMediaAddress></Dialog>"

/* Signs the agent in and READY, then runs the shift until its phone rings;
 * the dialog's id into id. */
static void ring(struct fixture *f, char *id, size_t size)
{
    struct sim_event ev;
    json_t *d;
    int i;

    ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT, USER_PUT("LOGIN"), "a");
    ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT, USER_PUT("READY"), "b");
    drain(f);
    for (i = 0; i < 10000; i++) {
        sim_next(f->s, NOW, &ev);
        if (strcmp(ev.node, "/finesse/api/User/" AGENT "/Dialogs") == 0)
            break;
    }
    assert_int_not_equal(i, 10000);
    assert_int_equal(
        ask(f, AGENT, "GET", "/finesse/api/User/" AGENT "/Dialogs", NULL, ""),
        200);
    d = answer(f);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(d, "dialogs"), 0), "state")),
        "ALERTING");
    snprintf(id, size, "%s",
             json_string_value(json_object_get(
                 json_array_get(json_object_get(d, "dialogs"), 0), "id")));
    json_decref(d);
}

static const char *dialog_state(json_t *ev)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(ev, "dialogs"), 0), "state"));
}

/* The agent's participant's state in a dialogs event. */
static const char *agent_state(json_t *ev)
{
    json_t *d = json_array_get(json_object_get(ev, "dialogs"), 0);
    json_t *p = json_array_get(json_object_get(d, "participants"), 0);

    return json_string_value(json_object_get(p, "state"));
}

static void sim_rest__a_call_answered_held_retrieved_and_dropped(void **state)
{
    struct fixture *f = fixture(NULL);
    char id[32], path[64];
    json_t *ev;
    (void)state;

    ring(f, id, sizeof id);
    snprintf(path, sizeof path, "/finesse/api/Dialog/%s", id);
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("ANSWER"), "r1"),
                     202);
    ev = next_update(f, "/finesse/api/User/" AGENT "/Dialogs");
    assert_string_equal(str(ev, "event", NULL), "PUT");
    assert_string_equal(str(ev, "requestId", NULL), "r1");
    assert_string_equal(dialog_state(ev), "ACTIVE");
    ev = next_update(f, "/finesse/api/User/" AGENT);
    assert_string_equal(str(ev, "user", "state"), "TALKING");
    drain(f);
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("HOLD"), "r2"), 202);
    ev = next_update(f, NULL);
    assert_string_equal(agent_state(ev), "HELD");
    drain(f);
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("RETRIEVE"), "r3"),
                     202);
    ev = next_update(f, NULL);
    assert_string_equal(agent_state(ev), "ACTIVE");
    drain(f);
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("DROP"), "r4"), 202);
    ev = next_update(f, NULL);
    assert_string_equal(str(ev, "event", NULL), "DELETE");
    assert_string_equal(str(ev, "requestId", NULL), "r4");
    assert_string_equal(dialog_state(ev), "DROPPED");
    ev = next_update(f, "/finesse/api/User/" AGENT);
    assert_string_equal(str(ev, "user", "state"), "WORK");
    drain(f);
    /* the call is gone */
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("DROP"), "r5"), 404);
    fixture_done(f);
}

static void
sim_rest__a_call_action_the_state_refuses_is_an_apierrors_update(void **state)
{
    struct fixture *f = fixture(NULL);
    char id[32], path[64];
    json_t *ev;
    (void)state;

    ring(f, id, sizeof id);
    snprintf(path, sizeof path, "/finesse/api/Dialog/%s", id);
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("HOLD"), "r1"), 202);
    ev = next_update(f, "/finesse/api/User/" AGENT "/Dialogs");
    assert_string_equal(str(ev, "kind", NULL), "error");
    assert_string_equal(str(ev, "requestId", NULL), "r1");
    assert_string_equal(str(ev, "source", NULL), path);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(ev, "errors"), 0), "errorMessage")),
        "CF_INVALID_OBJECT_STATE");
    assert_null(next_update(f, NULL));
    /* refusals a person made, answered at once */
    assert_int_equal(ask(f, AGENT, "PUT", path, DIALOG_PUT("TRANSFER"), "r2"),
                     400);
    assert_int_equal(ask(f, AGENT, "PUT", path,
                         "<Dialog><requestedAction>ANSWER</requestedAction>"
                         "</Dialog>",
                         "r3"),
                     400);
    assert_string_equal(errors_field(f, "errorType"), "Parameter Missing");
    assert_int_equal(ask(f, SUP, "PUT", path, DIALOG_PUT("ANSWER"), "r4"), 401);
    assert_null(next_update(f, NULL));
    fixture_done(f);
}

#define MAKE_CALL(from, to)                                                    \
    "<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>" from   \
    "</fromAddress><toAddress>" to "</toAddress></Dialog>"

static void sim_rest__make_call_from_not_ready(void **state)
{
    struct fixture *f = fixture(NULL);
    const char *dialogs = "/finesse/api/User/" AGENT "/Dialogs";
    json_t *ev;
    (void)state;

    assert_int_equal(
        ask(f, AGENT, "POST", dialogs, MAKE_CALL(AGENT, "6125550000"), "r0"),
        400); /* logged out */
    ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT, USER_PUT("LOGIN"), "a");
    drain(f);
    assert_int_equal(
        ask(f, AGENT, "POST", dialogs, MAKE_CALL("999", "6125550000"), "r1"),
        400);
    assert_string_equal(errors_field(f, "errorData"), "999");
    assert_int_equal(
        ask(f, AGENT, "POST", dialogs, MAKE_CALL(AGENT, "x1"), "r2"), 400);
    assert_int_equal(
        ask(f, AGENT, "POST", dialogs, MAKE_CALL(AGENT, "6125550000"), "r3"),
        202);
    ev = next_update(f, dialogs);
    assert_string_equal(str(ev, "event", NULL), "POST");
    assert_string_equal(str(ev, "requestId", NULL), "r3");
    assert_string_equal(dialog_state(ev), "ACTIVE");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(ev, "dialogs"), 0), "toAddress")),
        "6125550000");
    ev = next_update(f, "/finesse/api/User/" AGENT);
    assert_string_equal(str(ev, "user", "state"), "TALKING");
    drain(f);
    /* on a call already: the CTI server refuses, later */
    assert_int_equal(
        ask(f, AGENT, "POST", dialogs, MAKE_CALL(AGENT, "6125550001"), "r4"),
        202);
    ev = next_update(f, dialogs);
    assert_string_equal(str(ev, "kind", NULL), "error");
    assert_string_equal(str(ev, "requestId", NULL), "r4");
    /* NOT_READY during the call is pending, then taken after it */
    assert_int_equal(
        ask(f, AGENT, "PUT", "/finesse/api/User/" AGENT,
            "<User><state>NOT_READY</state><reasonCodeId>14</reasonCodeId>"
            "</User>",
            "r5"),
        202);
    ev = next_update(f, "/finesse/api/User/" AGENT);
    assert_string_equal(str(ev, "user", "state"), "TALKING");
    assert_string_equal(str(ev, "user", "pendingState"), "NOT_READY");
    fixture_done(f);
}

static void
simrest_loopback__only_127_addresses_written_as_four_numbers(void **state)
{
    (void)state;
    assert_true(simrest_loopback("127.0.0.1"));
    assert_true(simrest_loopback("127.0.0.2"));
    assert_true(simrest_loopback("127.255.255.254"));
    assert_false(simrest_loopback("128.0.0.1"));
    assert_false(simrest_loopback("0.0.0.0"));
    assert_false(simrest_loopback("10.0.0.1"));
    assert_false(simrest_loopback("localhost"));
    assert_false(simrest_loopback("127.1")); /* inet_aton's short form */
    assert_false(simrest_loopback("127.0.0.1 "));
    assert_false(simrest_loopback("127.0.0.256"));
    assert_false(simrest_loopback("::1"));
    assert_false(simrest_loopback(""));
    assert_false(simrest_loopback(NULL));
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "simrest_loopback__only_127_addresses_written_as_four_numbers",
           simrest_loopback__only_127_addresses_written_as_four_numbers, NULL);

    TL_ROWS(&l, users_rows, users_row);
    tl_add(&l, "sim_rest_users_parse__refuses_a_long_line",
           sim_rest_users_parse__refuses_a_long_line, NULL);
    tl_add(&l, "sim_rest_users_check__needs_the_exact_password",
           sim_rest_users_check__needs_the_exact_password, NULL);
    TL_ROWS(&l, auth_rows, auth_row);
    tl_add(&l, "sim_rest_basic_auth__refuses_no_header",
           sim_rest_basic_auth__refuses_no_header, NULL);
    tl_add(&l, "sim_rest__a_driven_agent_starts_logged_out",
           sim_rest__a_driven_agent_starts_logged_out, NULL);
    tl_add(&l, "sim_rest__login_publishes_with_the_request_id",
           sim_rest__login_publishes_with_the_request_id, NULL);
    TL_ROWS(&l, state_rows, state_row);
    TL_ROWS(&l, path_rows, path_row);
    tl_add(&l, "sim_rest__systeminfo_names_the_nodes_and_the_outage",
           sim_rest__systeminfo_names_the_nodes_and_the_outage, NULL);
    tl_add(&l, "sim_rest__a_call_answered_held_retrieved_and_dropped",
           sim_rest__a_call_answered_held_retrieved_and_dropped, NULL);
    tl_add(
        &l, "sim_rest__a_call_action_the_state_refuses_is_an_apierrors_update",
        sim_rest__a_call_action_the_state_refuses_is_an_apierrors_update, NULL);
    tl_add(&l, "sim_rest__make_call_from_not_ready",
           sim_rest__make_call_from_not_ready, NULL);
    return tl_run(&l, "sim_rest", NULL, NULL);
}
