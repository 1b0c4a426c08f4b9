/*
 * watch --json's direct path (decode_event_write, sax.c) against the tree
 * path it replaces for printing (decode_event_by_tree, event_stamp_resync,
 * sanitize_json_dumps), and decode_event's objects (sax_update_object)
 * against the tree's: the same bytes for every fixture under
 * tests/fixtures/finesse and tests/fixtures/xmpp, as an item and as the
 * stanza the session gets, and for hostile documents made on the spot.
 * The one-pass reader must take the common Finesse documents itself.
 */
#include "unit.h"
#include "unit_fixture.h"
#include "unit_strophe.h"

#include "base/buf.h"
#include "base/sanitize.h"
#include "cmd/event_out.h"
#include "decode/decode.h"
#include "decode/sax.h"
#include "xmpp/pubsub.h"
#include "xmpp/xmlstream.h"

#include <dirent.h>
#include <jansson.h>
#include <string.h>
#include <strophe.h>

#define TIME "2026-12-01T05:00:00.000Z"
#define SERVICE "pubsub.fin1.ucce.local"

/* The tree path's line: what watch printed before decode_event_write. */
static char *old_line(const char *kind, const char *node, xmpp_stanza_t *el,
                      int resync)
{
    json_t *ev = decode_event_by_tree(kind, node, el);
    char *text;

    event_stamp_resync(ev, SERVICE, resync);
    json_object_set_new(ev, "time", json_string(TIME)); /* keeps its place */
    text = sanitize_json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(ev);
    assert_non_null(text);
    return text;
}

static int compared;

/* decode_event (sax_update_object, for the console and the other
 * commands) against the tree path: equal objects, types and member order
 * included. */
static void expect_same_object(const char *what, const char *kind,
                               const char *node, xmpp_stanza_t *el)
{
    json_t *tree = decode_event_by_tree(kind, node, el);
    json_t *fast = decode_event(kind, node, el);
    char *a = sanitize_json_dumps(tree, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *b = sanitize_json_dumps(fast, JSON_COMPACT | JSON_PRESERVE_ORDER);

    assert_non_null(a);
    assert_non_null(b);
    if (strcmp(a, b) != 0 || !json_equal(tree, fast)) {
        print_error("%s\ntree: %s\nfast: %s\n", what, a, b);
        fail();
    }
    free(a);
    free(b);
    json_decref(tree);
    json_decref(fast);
}

static void expect_same(const char *what, const char *kind, const char *node,
                        xmpp_stanza_t *el)
{
    struct decode_stamp st = {TIME, SERVICE, 0};
    struct buf b;
    char *want;
    int resync;

    for (resync = 0; resync < 2; resync++) {
        st.resync = resync;
        want = old_line(kind, node, el, resync);
        buf_init(&b);
        buf_append(&b, "", 0);
        assert_int_equal(decode_event_write(&b, kind, node, el, &st), 0);
        if (strcmp(want, b.data) != 0) {
            print_error("%s\nold: %s\nnew: %s\n", what, want, b.data);
            fail();
        }
        free(want);
        buf_done(&b);
    }
    expect_same_object(what, kind, node, el);
    compared++;
}

/* An <item id='i1'> with a <notification> holding text (as received). */
static xmpp_stanza_t *item_of(const char *text, size_t len)
{
    xmpp_stanza_t *item = xmpp_stanza_new(ctx), *n = xmpp_stanza_new(ctx),
                  *t = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_attribute(item, "id", "i1");
    xmpp_stanza_set_name(n, "notification");
    xmpp_stanza_set_ns(n, "http://jabber.org/protocol/pubsub");
    xmpp_stanza_set_text_with_size(t, text, len);
    xmpp_stanza_add_child(n, t);
    xmpp_stanza_add_child(item, n);
    xmpp_stanza_release(t);
    xmpp_stanza_release(n);
    return item;
}

static void expect_same_update(const char *what, const char *node,
                               const char *text, size_t len)
{
    xmpp_stanza_t *item = item_of(text, len);

    expect_same(what, "item", node, item);
    xmpp_stanza_release(item);
}

/* sax_update alone: declined, or the members decode_update_text gives. */
static int sax_agrees(const char *what, const char *text, size_t len)
{
    json_t *ev = decode_update_text(NULL, text, len), *v, *obj;
    struct buf want, got;
    const char *key;
    int rc;

    buf_init(&want);
    buf_init(&got);
    buf_append(&want, "", 0);
    buf_append(&got, "", 0);
    json_object_foreach(ev, key, v)
    {
        buf_append(&want, ",", 1);
        sanitize_json_put(&want, key, strlen(key));
        buf_append(&want, ":", 1);
        assert_int_equal(sanitize_json_write(&want, v, JSON_COMPACT), 0);
    }
    rc = sax_update(&got, text, len);
    if (rc == 0 && strcmp(want.data, got.data) != 0) {
        print_error("%s\ntree: %s\nsax:  %s\n", what, want.data, got.data);
        fail();
    }
    if (rc != 0)
        assert_int_equal(got.len, 0);
    /* the objects: taken when the text is, and equal to the tree's */
    obj = json_object();
    assert_int_equal(sax_update_object(obj, text, len), rc);
    if (rc == 0 && !json_equal(obj, ev)) {
        print_error("%s: sax_update_object differs from the tree\n", what);
        fail();
    }
    if (rc != 0)
        assert_int_equal(json_object_size(obj), 0);
    json_decref(obj);
    buf_done(&want);
    buf_done(&got);
    json_decref(ev);
    return rc == 0;
}

struct dispatch {
    const char *file;
};

static void on_event(void *arg, enum pubsub_event_kind kind, const char *node,
                     xmpp_stanza_t *el)
{
    struct dispatch *d = arg;
    expect_same(d->file, pubsub_event_kind_name(kind), node, el);
}

/* Every event of a stanza fixture, dispatched as the session does. */
static void stanza_file(const char *rel)
{
    struct dispatch d = {rel};
    xmpp_stanza_t *st;
    char *text, *cause = NULL;
    size_t len;

    text = unit_fixture_load(rel, &len);
    st = xmlstream_parse_document(ctx, text, len, NULL, NULL, &cause);
    free(cause);
    if (st) {
        pubsub_dispatch(st, on_event, &d);
        xmpp_stanza_release(st);
    }
    free(text);
}

static const char *const nodes[] = {"/finesse/api/User/1001001",
                                    "/finesse/api/Team/5000/Users", NULL,
                                    "/finesse/api/User/1/ClientLog"};

static void sax__prints_every_fixture_as_the_tree_path_did(void **state)
{
    static const char *const dirs[] = {"finesse", "xmpp"};
    char rel[512], *text;
    struct dirent *e;
    size_t d, i, len;
    DIR *dir;
    char *path;
    (void)state;

    compared = 0;
    for (d = 0; d < 2; d++) {
        path = xasprintf("%s/%s", unit_fixtures(), dirs[d]);
        dir = opendir(path);
        free(path);
        assert_non_null(dir);
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(rel, sizeof rel, "%s/%s", dirs[d], e->d_name);
            if (strstr(e->d_name, ".stanza.xml") || d == 1) {
                stanza_file(rel);
                continue;
            }
            text = unit_fixture_load(rel, &len);
            for (i = 0; i < sizeof nodes / sizeof *nodes; i++)
                expect_same_update(rel, nodes[i], text, len);
            sax_agrees(rel, text, len);
            free(text);
        }
        closedir(dir);
    }
    assert_true(compared > 100);
}

/* The documents Finesse sends are read in one pass, not handed back. */
static void sax__reads_the_common_documents_itself(void **state)
{
    static const char *const files[] = {
        "team_user_put",         "user_not_ready_reason", "user_logout",
        "dialogs_two",           "dialog_put_active",     "dialog_every_field",
        "dialogs_post_alerting", "queue_stats",           "queues_post",
        "team_snapshot",         "systeminfo_nodes",      "media_ready",
        "api_error_single",      "dialog_api_error",      "non_ascii_names",
        "special_chars",         "reordered_envelope",    "unknown_fields",
        "lowercase_event"};
    char rel[256], *text;
    size_t i, len;
    (void)state;

    for (i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(rel, sizeof rel, "finesse/%s.update.xml", files[i]);
        text = unit_fixture_load(rel, &len);
        if (!sax_agrees(rel, text, len))
            fail_msg("%s: the one-pass reader declined it", rel);
        free(text);
    }
}

/* Hostile or odd documents: the same bytes either way. */
static const char *const hostile[] = {
    /* call variables: repeated (the last value, in the first place), no
     * name, an empty name, no value */
    "<Update><event>PUT</event><data><Dialog><id>1</id><mediaProperties>"
    "<callvariables><CallVariable><name>a</name><value>1</value>"
    "</CallVariable><CallVariable><name>b</name><value>2</value>"
    "</CallVariable><CallVariable><name>a</name><value>3</value>"
    "</CallVariable><CallVariable><value>x</value></CallVariable>"
    "<CallVariable><name></name><value>y</value></CallVariable>"
    "<CallVariable><name>c</name></CallVariable><CallVariable><NAME>d"
    "</NAME><name>e</name><VALUE>4</VALUE><value>5</value></CallVariable>"
    "</callvariables></mediaProperties></Dialog></data></Update>",
    /* statistics: repeated, empty, numbers, not quite numbers, overflow */
    "<Update><data><Queue><id>7</id><statistics><a>1</a><b></b><a>2</a>"
    "<c>-0</c><d>007</d><e>+5</e><f>1.5</f><g>99999999999999999999</g>"
    "<h>-</h><i>-00000000000000000000000001</i><b>x</b><j> 3</j>"
    "</statistics><statistics><z>1</z></statistics></Queue></data></Update>",
    /* the envelope after the data, twice, spaced, in other cases */
    "<UPDATE><DATA><USER><LOGINID>1</LOGINID></USER></DATA><EVENT> put\n"
    "</EVENT><event>POST</event><Source>/s</Source><REQUESTID>r</REQUESTID>"
    "</UPDATE>",
    /* a second mediaProperties, media fields on the dialog itself */
    "<Update><data><Dialog><callType>X</callType><mediaProperties><DNIS>1"
    "</DNIS></mediaProperties><mediaProperties><callType>Y</callType>"
    "<DNIS>2</DNIS></mediaProperties><id>9</id></Dialog></data></Update>",
    /* text runs: a leaf with children, whitespace first, text after */
    "<Update><data><user><state><x>in</x>after</state><firstName>  <y/>B"
    "</firstName><lastName>a<!-- c -->b<![CDATA[<c>]]>&amp;&#x41;</lastName>"
    "<loginId><z/></loginId></user></data></Update>",
    /* namespaces and prefixes */
    "<f:Update xmlns:f='urn:f' xmlns='urn:d'><f:data><user xmlns='urn:u'>"
    "<loginId xml:lang='en' a='1'>1</loginId></user></f:data></f:Update>",
    /* not for the one-pass reader: each goes back to the tree path */
    "<!DOCTYPE Update><Update/>",
    "<Update><data><user>&foo;</user></data></Update>",
    "<Update><data/><event>DELETE</event><source>/finesse/api/User/5"
    "</source></Update>",
    "<Update><event>PUT</event><data></data></Update>",
    "<Update><event>PUT</event></Update>",
    "<Update><data><Unknown><a>1</a></Unknown></data></Update>",
    "<NotUpdate><data><user/></data></NotUpdate>",
    "<Update><data><user/></data></Update><junk/>",
    "<Update><data><user><state>\x01</state></user></data></Update>",
    "&lt;Update&gt;&lt;data&gt;&lt;user/&gt;&lt;/data&gt;&lt;/Update&gt;",
    "",
    "   ",
    "<?xml version='1.0' encoding='ISO-8859-1'?><Update><data><user>"
    "<firstName>\xe9</firstName></user></data></Update>",
    "\xef\xbb\xbf<Update><data><user><state>READY</state></user></data>"
    "</Update>",
    /* characters the sanitiser shows escaped, in values and names */
    "<Update><data><Queue><statistics><a\xe2\x80\x8c>1</a\xe2\x80\x8c>"
    "</statistics><name>\xe2\x80\xae\xe2\x80\xa8\x7f\xc2\x85</name></Queue>"
    "</data></Update>",
    /* every list kind, and the single ones */
    "<Update><data><Users><User><loginId>1</loginId><roles><role>A</role>"
    "<x/><role>B</role><ROLE></ROLE></roles><roles><role>C</role></roles>"
    "<teams><Team><id>5</id></Team><Team/></teams><settings/>"
    "<mobileAgent><mode>NAILED</mode></mobileAgent><reasonCode><label>L"
    "</label></reasonCode></User><user/></Users></data></Update>",
    "<Update><data><apiError><errorType>E</errorType></apiError></data>"
    "</Update>",
    "<Update><data><apiErrors><apiError/><x/><APIERROR><errorData>1"
    "</errorData></APIERROR></apiErrors></data></Update>",
    "<Update><data><Dialogs><Dialog><participants><Participant><actions>"
    "<action>HOLD</action><action>DROP</action></actions></Participant>"
    "<Participant/></participants></Dialog><Dialog/></Dialogs></data>"
    "</Update>",
    "<Update><data><systemInfo><primaryNode><host>a</host></primaryNode>"
    "<secondaryNode/><status>IN_SERVICE</status></systemInfo></data>"
    "</Update>",
    "<Update><data><Team><users><User><loginId>1</loginId></User></users>"
    "<users><User/></users></Team></data></Update>",
    "<Update><data><media><reasonCode/><routable>true</routable></media>"
    "<user/></data></Update>",
    "<Update><data><Queues><Queue><statistics/></Queue></Queues></data>"
    "</Update>",
};

static void sax__prints_hostile_documents_as_the_tree_path_did(void **state)
{
    size_t i, j;
    (void)state;

    for (i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        for (j = 0; j < sizeof nodes / sizeof *nodes; j++)
            expect_same_update(hostile[i], nodes[j], hostile[i],
                               strlen(hostile[i]));
        sax_agrees(hostile[i], hostile[i], strlen(hostile[i]));
    }
    assert_true(sax_agrees("first", hostile[0], strlen(hostile[0])));
    assert_true(sax_agrees("second", hostile[1], strlen(hostile[1])));
}

/* depth limit - 1 .. + 1; attributes at and over the limit; 70 distinct
 * call variables (more than the reader keeps). */
static void sax__keeps_the_limits_of_the_tree_path(void **state)
{
    struct buf b;
    json_t *ev;
    int depth, i, n;
    (void)state;

    for (depth = 62; depth <= 66; depth++) {
        buf_init(&b);
        buf_puts(&b, "<Update><data><user><state>");
        for (i = 4; i < depth; i++)
            buf_puts(&b, "<x>");
        buf_puts(&b, "t");
        for (i = 4; i < depth; i++)
            buf_puts(&b, "</x>");
        buf_puts(&b, "R</state></user></data></Update>");
        expect_same_update("depth", nodes[0], b.data, b.len);
        assert_int_equal(sax_agrees("depth", b.data, b.len), depth <= 64);
        buf_done(&b);
    }
    for (n = 255; n <= 258; n++) {
        buf_init(&b);
        buf_puts(&b, "<Update><data><user><state");
        for (i = 0; i < n; i++)
            buf_printf(&b, " a%d='%d'", i, i);
        buf_puts(&b, ">R</state></user></data></Update>");
        expect_same_update("attributes", nodes[0], b.data, b.len);
        assert_int_equal(sax_agrees("attributes", b.data, b.len), n <= 256);
        ev = decode_update_text(NULL, b.data, b.len);
        assert_string_equal(json_string_value(json_object_get(ev, "kind")),
                            n <= 256 ? "user" : "raw");
        if (n > 256)
            assert_contains(json_string_value(json_object_get(ev, "error")),
                            "an element with more than 256 attributes");
        json_decref(ev);
        buf_done(&b);
    }
    buf_init(&b);
    buf_puts(&b, "<Update><data><Dialog><mediaProperties><callvariables>");
    for (i = 0; i < 70; i++)
        buf_printf(&b,
                   "<CallVariable><name>v%d</name><value>%d</value>"
                   "</CallVariable>",
                   i, i);
    buf_puts(&b, "</callvariables></mediaProperties></Dialog></data>"
                 "</Update>");
    expect_same_update("70 call variables", nodes[0], b.data, b.len);
    buf_done(&b);
}

/* Items that are not a notification of text, other kinds, odd names. */
static void sax__prints_other_items_and_kinds_as_before(void **state)
{
    static const char *const items[] = {
        "<item id='a'><notification xmlns='http://jabber.org/protocol/"
        "pubsub'><Update><data><user><state>R</state></user></data></Update>"
        "</notification></item>",
        "<item id='b'><notification/><other/></item>",
        "<item id='c'><entry xmlns='http://www.w3.org/2005/Atom'>x</entry>"
        "</item>",
        "<item/>",
        "<item id='d'>  <NOTIFICATION>&lt;Update&gt;&lt;data&gt;&lt;user/&gt;"
        "&lt;/data&gt;&lt;/Update&gt;</NOTIFICATION>  </item>",
        "<retract id='r1'/>",
        "<subscription node='/n' subscription='subscribed'/>",
    };
    static const char *const kinds[] = {
        "item", "item", "item", "item", "item", "retract", "subscription"};
    xmpp_stanza_t *st;
    size_t i, j;
    (void)state;

    for (i = 0; i < sizeof items / sizeof *items; i++) {
        st = xmpp_stanza_new_from_string(ctx, items[i]);
        assert_non_null(st);
        for (j = 0; j < sizeof nodes / sizeof *nodes; j++)
            expect_same(items[i], kinds[i], nodes[j], st);
        expect_same(items[i], kinds[i], "/n\xff\xfe", st);
        xmpp_stanza_release(st);
    }
}

int main(void)
{
    struct test_list l = {0};

#define T(f) tl_add(&l, #f, f, NULL)
    T(sax__prints_every_fixture_as_the_tree_path_did);
    T(sax__reads_the_common_documents_itself);
    T(sax__prints_hostile_documents_as_the_tree_path_did);
    T(sax__keeps_the_limits_of_the_tree_path);
    T(sax__prints_other_items_and_kinds_as_before);
#undef T
    return tl_run(&l, "sax", strophe_setup, strophe_teardown);
}
