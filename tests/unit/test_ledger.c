/* The subscription ledger: its file text read as hostile input, tidying
 * after crashes, and hold/release/leftovers on a file in a temporary
 * directory with entries of running and ended processes. */
#include "unit.h"

#include "xmpp/ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENTRY(pid, start, node, made)                                          \
    "{\"pid\":" #pid ",\"start\":" #start ",\"service\":\"pubsub.x\","         \
    "\"jid\":\"a@x\",\"node\":\"" node "\",\"subid\":\"\",\"made\":" made "}"

/* ---- parsing ---- */

struct parse_row {
    const char *name;
    const char *text;
    size_t entries, bad;
};

static const struct parse_row parse_rows[] = {
    {"ledger_parse__reads_one_entry", ENTRY(12, 34, "/n", "true") "\n", 1, 0},
    {"ledger_parse__reads_a_last_line_without_newline",
     ENTRY(12, 34, "/n", "true") "\n" ENTRY(13, 34, "/m", "false"), 2, 0},
    {"ledger_parse__skips_empty_lines", "\n\n" ENTRY(1, 0, "/n", "true") "\n\n",
     1, 0},
    {"ledger_parse__drops_a_line_that_is_not_json",
     "garbage\n" ENTRY(1, 0, "/n", "true") "\n", 1, 1},
    {"ledger_parse__drops_an_array", "[1,2,3]\n", 0, 1},
    {"ledger_parse__drops_a_missing_node",
     "{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\"}\n", 0, 1},
    {"ledger_parse__drops_an_empty_node",
     "{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\",\"node\":\"\"}"
     "\n",
     0, 1},
    {"ledger_parse__drops_pid_zero", ENTRY(0, 0, "/n", "true") "\n", 0, 1},
    {"ledger_parse__drops_a_negative_pid", ENTRY(-5, 0, "/n", "true") "\n", 0,
     1},
    {"ledger_parse__drops_a_huge_pid", ENTRY(99999999999, 0, "/n", "true") "\n",
     0, 1},
    {"ledger_parse__drops_a_negative_start", ENTRY(1, -1, "/n", "true") "\n", 0,
     1},
    {"ledger_parse__drops_a_pid_as_string",
     "{\"pid\":\"1\",\"start\":0,\"service\":\"s\",\"jid\":\"a@x\",\"node\":"
     "\"/n\"}\n",
     0, 1},
    {"ledger_parse__drops_made_that_is_not_a_boolean",
     ENTRY(1, 0, "/n", "1") "\n", 0, 1},
    {"ledger_parse__drops_duplicate_keys",
     "{\"pid\":1,\"pid\":2,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\","
     "\"node\":\"/n\"}\n",
     0, 1},
    {"ledger_parse__drops_a_nul_inside_a_string",
     "{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\",\"node\":"
     "\"/n\\u0000x\"}\n",
     0, 1},
    {"ledger_parse__drops_a_control_character_in_a_node",
     "{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\",\"node\":"
     "\"/n\\u001b[31m\"}\n",
     0, 1},
    {"ledger_parse__drops_a_truncated_line",
     "{\"pid\":1,\"start\":0,\"service\":\"s\"", 0, 1},
    {"ledger_parse__drops_a_line_of_deep_nesting",
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
     "\n",
     0, 1},
    {"ledger_parse__takes_an_absent_subid_as_none",
     "{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":\"a@x\",\"node\":"
     "\"/n\"}\n",
     1, 0},
};

static void parse_row(void **state)
{
    const struct parse_row *r = *state;
    struct ledger_list l = {0};
    size_t bad = 99;

    ledger_parse(r->text, strlen(r->text), &l, &bad);
    assert_int_equal(l.n, r->entries);
    assert_int_equal(bad, r->bad);
    ledger_list_done(&l);
}

static void ledger_parse__drops_a_line_over_the_limit(void **state)
{
    char *node = str_repeat('n', LEDGER_MAX_LINE);
    char *text = str_cat3("{\"pid\":1,\"start\":0,\"service\":\"s\",\"jid\":"
                          "\"a@x\",\"node\":\"/",
                          node, "\"}\n" ENTRY(2, 0, "/ok", "true") "\n");
    struct ledger_list l = {0};
    size_t bad;
    (void)state;

    ledger_parse(text, strlen(text), &l, &bad);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].node, "/ok");
    assert_int_equal(bad, 1);
    ledger_list_done(&l);
    free(node);
    free(text);
}

static void ledger_parse__keeps_at_most_the_entry_limit(void **state)
{
    const char *line = ENTRY(7, 0, "/n", "true") "\n";
    size_t n = LEDGER_MAX_ENTRIES + 10, i, len = strlen(line);
    char *text = malloc(n * len + 1);
    struct ledger_list l = {0};
    size_t bad;
    (void)state;

    for (i = 0; i < n; i++)
        memcpy(text + i * len, line, len);
    text[n * len] = '\0';
    ledger_parse(text, n * len, &l, &bad);
    assert_int_equal(l.n, LEDGER_MAX_ENTRIES);
    assert_int_equal(bad, 10);
    ledger_list_done(&l);
    free(text);
}

static void ledger_parse__reads_binary_garbage_without_harm(void **state)
{
    static const char junk[] = "\x00\xff\xfe{\"pid\n\x80\x81}}}\n\x00\n";
    struct ledger_list l = {0};
    size_t bad;
    (void)state;

    ledger_parse(junk, sizeof junk - 1, &l, &bad);
    assert_int_equal(l.n, 0);
    assert_true(bad >= 2);
    ledger_list_done(&l);
}

static void ledger_format__reads_back_what_it_wrote(void **state)
{
    const char *text = ENTRY(12, 34, "/a \\\"quoted\\\" node",
                             "true") "\n" ENTRY(13, 35, "/b", "false") "\n";
    struct ledger_list l = {0}, again = {0};
    size_t bad;
    char *out;
    (void)state;

    ledger_parse(text, strlen(text), &l, &bad);
    out = ledger_format(&l);
    assert_string_equal(out, text);
    ledger_parse(out, strlen(out), &again, &bad);
    assert_int_equal(again.n, 2);
    assert_string_equal(again.v[0].node, "/a \"quoted\" node");
    assert_true(again.v[0].made);
    assert_false(again.v[1].made);
    free(out);
    ledger_list_done(&l);
    ledger_list_done(&again);
}

/* ---- tidying: pids below 100 run, the others ended ---- */

static int fake_alive(long pid, unsigned long long start)
{
    (void)start;
    return pid < 100;
}

struct tidy_row {
    const char *name;
    const char *before;
    const char *after; /* "pid:node:made" joined by spaces */
};

static const struct tidy_row tidy_rows[] = {
    {"ledger_tidy__keeps_running_processes",
     ENTRY(1, 0, "/n", "true") "\n" ENTRY(2, 0, "/n", "false") "\n",
     "1:/n:1 2:/n:0"},
    {"ledger_tidy__drops_what_an_ended_process_only_used",
     ENTRY(500, 0, "/n", "false") "\n", ""},
    {"ledger_tidy__keeps_what_an_ended_process_made_as_a_leftover",
     ENTRY(500, 0, "/n", "true") "\n", "500:/n:1"},
    {"ledger_tidy__hands_an_ended_processs_subscription_to_a_running_holder",
     ENTRY(500, 0, "/n", "true") "\n" ENTRY(3, 0, "/n", "false") "\n",
     "3:/n:1"},
    {"ledger_tidy__keeps_one_leftover_per_subscription",
     ENTRY(500, 0, "/n", "true") "\n" ENTRY(501, 0, "/n", "true") "\n",
     "500:/n:1"},
    {"ledger_tidy__keeps_other_nodes_apart",
     ENTRY(500, 0, "/n", "true") "\n" ENTRY(3, 0, "/m", "false") "\n",
     "500:/n:1 3:/m:0"},
};

static void tidy_row(void **state)
{
    const struct tidy_row *r = *state;
    struct ledger_list l = {0};
    size_t bad, i;
    char got[512] = "";

    ledger_parse(r->before, strlen(r->before), &l, &bad);
    ledger_tidy(&l, fake_alive);
    for (i = 0; i < l.n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%ld:%s:%d",
                 i ? " " : "", l.v[i].pid, l.v[i].node, l.v[i].made);
    assert_string_equal(got, r->after);
    ledger_list_done(&l);
}

/* ---- the file ---- */

static char *dir;

static int file_setup(void **state)
{
    (void)state;
    dir = unit_tmpdir_new("ledger");
    return dir == NULL ? -1 : 0;
}

static int file_teardown(void **state)
{
    char path[4096];
    (void)state;
    snprintf(path, sizeof path, "%s/subscriptions", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/subscriptions.lock", dir);
    unlink(path);
    return unit_tmpdir_remove(dir);
}

/* Entries of a running process (our parent) and of an ended one (our own
 * pid with another start time) written straight into the file. */
static void write_ledger(const char *text)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/subscriptions", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *entry_of(long pid, unsigned long long start, const char *node,
                      int made)
{
    char *s = malloc(512);
    snprintf(s, 512,
             "{\"pid\":%ld,\"start\":%llu,\"service\":\"pubsub.x\",\"jid\":"
             "\"a@x\",\"node\":\"%s\",\"subid\":\"\",\"made\":%s}\n",
             pid, start, node, made ? "true" : "false");
    return s;
}

static struct ledger_list read_ledger(void)
{
    char path[4096], text[65536];
    struct ledger_list l = {0};
    FILE *f;
    size_t n, bad;

    snprintf(path, sizeof path, "%s/subscriptions", dir);
    f = fopen(path, "r");
    if (f == NULL)
        return l;
    n = fread(text, 1, sizeof text, f);
    fclose(f);
    ledger_parse(text, n, &l, &bad);
    return l;
}

static void ledger__file_is_private(void **state)
{
    struct ledger *l = ledger_open(dir, NULL);
    char *cause = NULL, path[4096];
    struct stat st;
    (void)state;

    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", NULL, 1, &cause),
                     0);
    snprintf(path, sizeof path, "%s/subscriptions", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    ledger_close(l);
    unlink(path);
}

static void ledger__alone_the_maker_removes_what_it_made(void **state)
{
    struct ledger *l = ledger_open(dir, NULL);
    char *cause = NULL, *subid = NULL;
    int remove = -1;
    struct ledger_list now;
    (void)state;

    write_ledger("");
    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", "s1", 1, &cause),
                     0);
    now = read_ledger();
    assert_int_equal(now.n, 1);
    assert_int_equal(now.v[0].pid, (long)getpid());
    assert_string_equal(now.v[0].subid, "s1");
    ledger_list_done(&now);
    assert_int_equal(
        ledger_release(l, "pubsub.x", "a@x", "/n", &remove, &subid, &cause), 0);
    assert_int_equal(remove, 1);
    assert_string_equal(subid, "s1");
    now = read_ledger();
    assert_int_equal(now.n, 0);
    ledger_list_done(&now);
    free(subid);
    ledger_close(l);
}

/* Two watchers of one node by one account: the first to leave keeps the
 * subscription for the other, which inherits it. */
static void ledger__a_running_holder_keeps_it_and_inherits_it(void **state)
{
    struct ledger *l = ledger_open(dir, NULL);
    long ppid = (long)getppid();
    unsigned long long start = 0;
    char *cause = NULL, *other;
    int remove = -1;
    struct ledger_list now;
    FILE *f;
    char path[64], buf[1024], *p;
    int field;
    (void)state;

    /* the parent's start time, as ledger_self reads its own */
    snprintf(path, sizeof path, "/proc/%ld/stat", ppid);
    f = fopen(path, "r");
    assert_non_null(f);
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
    p = strrchr(buf, ')');
    for (field = 2; field < 22; field++)
        p = strchr(p + 1, ' ');
    start = strtoull(p + 1, NULL, 10);
    assert_true(ledger_alive(ppid, start));

    other = entry_of(ppid, start, "/n", 0);
    write_ledger(other);
    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", NULL, 1, &cause),
                     0);
    assert_int_equal(
        ledger_release(l, "pubsub.x", "a@x", "/n", &remove, NULL, &cause), 0);
    assert_int_equal(remove, 0);
    now = read_ledger();
    assert_int_equal(now.n, 1);
    assert_int_equal(now.v[0].pid, ppid);
    assert_true(now.v[0].made);
    ledger_list_done(&now);
    free(other);
    ledger_close(l);
}

/* What this process only used is never its to remove. */
static void ledger__a_user_that_did_not_make_it_does_not_remove_it(void **st)
{
    struct ledger *l = ledger_open(dir, NULL);
    char *cause = NULL;
    int remove = -1;
    (void)st;

    write_ledger("");
    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", NULL, 0, &cause),
                     0);
    assert_int_equal(
        ledger_release(l, "pubsub.x", "a@x", "/n", &remove, NULL, &cause), 0);
    assert_int_equal(remove, 0);
    ledger_close(l);
}

/* A crash leaves a leftover; the account's leftovers are listed (not
 * another account's, not another service's) and forgotten. */
static void ledger__a_crash_leaves_a_leftover_to_list_and_forget(void **st)
{
    struct ledger *l = ledger_open(dir, NULL);
    long self;
    unsigned long long start;
    char *cause = NULL, *dead, *text;
    struct ledger_list left = {0}, now;
    (void)st;

    assert_int_equal(ledger_self(&self, &start), 0);
    dead = entry_of(self, start + 12345, "/n", 1); /* our pid, not us */
    text = str_cat3(
        dead,
        "{\"pid\":2147483647,\"start\":1,\"service\":\"pubsub.y\",\"jid\":"
        "\"a@x\",\"node\":\"/other-service\",\"made\":true}\n",
        NULL);
    write_ledger(text);
    assert_int_equal(ledger_leftovers(l, "a@x", "pubsub.x", &left, &cause), 0);
    assert_int_equal(left.n, 1);
    assert_string_equal(left.v[0].node, "/n");
    ledger_list_done(&left);
    assert_int_equal(ledger_leftovers(l, "b@x", "pubsub.x", &left, &cause), 0);
    assert_int_equal(left.n, 0);
    ledger_list_done(&left);
    assert_int_equal(ledger_leftovers(l, "a@x", "pubsub.x", &left, &cause), 0);
    assert_int_equal(ledger_forget(l, &left.v[0], &cause), 0);
    ledger_list_done(&left);
    assert_int_equal(ledger_leftovers(l, "a@x", "pubsub.x", &left, &cause), 0);
    assert_int_equal(left.n, 0);
    now = read_ledger(); /* another service's leftover stays */
    assert_int_equal(now.n, 1);
    assert_string_equal(now.v[0].node, "/other-service");
    ledger_list_done(&now);
    ledger_list_done(&left);
    free(dead);
    free(text);
    ledger_close(l);
}

/* A corrupt file is no reason to fail: its bad lines are dropped, its good
 * ones kept. */
static void ledger__a_corrupt_file_keeps_its_good_lines(void **state)
{
    struct ledger *l = ledger_open(dir, NULL);
    long self;
    unsigned long long start;
    char *cause = NULL, *mine, *text;
    struct ledger_list now;
    (void)state;

    assert_int_equal(ledger_self(&self, &start), 0);
    mine = entry_of(self, start, "/kept", 0);
    text = str_cat3("\x01\x02 not json\n{\"pid\":\n", mine, "}}}}\n");
    write_ledger(text);
    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", NULL, 1, &cause),
                     0);
    now = read_ledger();
    assert_int_equal(now.n, 2);
    assert_string_equal(now.v[0].node, "/kept");
    ledger_list_done(&now);
    free(mine);
    free(text);
    ledger_close(l);
}

/* A symbolic link where the file should be is not followed for reading. */
static void ledger__does_not_read_through_a_symlink(void **state)
{
    struct ledger *l = ledger_open(dir, NULL);
    char *cause = NULL, path[4096];
    (void)state;

    snprintf(path, sizeof path, "%s/subscriptions", dir);
    unlink(path);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    assert_int_equal(ledger_hold(l, "pubsub.x", "a@x", "/n", NULL, 1, &cause),
                     -1);
    assert_non_null(cause);
    free(cause);
    unlink(path);
    ledger_close(l);
}

int main(void)
{
    struct test_list l = {0};
    int rc;

    TL_ROWS(&l, parse_rows, parse_row);
    tl_add(&l, "ledger_parse__drops_a_line_over_the_limit",
           ledger_parse__drops_a_line_over_the_limit, NULL);
    tl_add(&l, "ledger_parse__keeps_at_most_the_entry_limit",
           ledger_parse__keeps_at_most_the_entry_limit, NULL);
    tl_add(&l, "ledger_parse__reads_binary_garbage_without_harm",
           ledger_parse__reads_binary_garbage_without_harm, NULL);
    tl_add(&l, "ledger_format__reads_back_what_it_wrote",
           ledger_format__reads_back_what_it_wrote, NULL);
    TL_ROWS(&l, tidy_rows, tidy_row);
    rc = tl_run(&l, "ledger text", NULL, NULL);

    tl_add(&l, "ledger__file_is_private", ledger__file_is_private, NULL);
    tl_add(&l, "ledger__alone_the_maker_removes_what_it_made",
           ledger__alone_the_maker_removes_what_it_made, NULL);
    tl_add(&l, "ledger__a_running_holder_keeps_it_and_inherits_it",
           ledger__a_running_holder_keeps_it_and_inherits_it, NULL);
    tl_add(&l, "ledger__a_user_that_did_not_make_it_does_not_remove_it",
           ledger__a_user_that_did_not_make_it_does_not_remove_it, NULL);
    tl_add(&l, "ledger__a_crash_leaves_a_leftover_to_list_and_forget",
           ledger__a_crash_leaves_a_leftover_to_list_and_forget, NULL);
    tl_add(&l, "ledger__a_corrupt_file_keeps_its_good_lines",
           ledger__a_corrupt_file_keeps_its_good_lines, NULL);
    tl_add(&l, "ledger__does_not_read_through_a_symlink",
           ledger__does_not_read_through_a_symlink, NULL);
    return tl_run(&l, "ledger file", file_setup, file_teardown) | rc;
}
