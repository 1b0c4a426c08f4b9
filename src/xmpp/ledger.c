/* The subscription ledger: who holds what, under flock, JSON lines. */
#include "ledger.h"
#include "base/buf.h"
#include "base/env.h"
#include "base/json_pool.h"
#include "jid.h"
#include "pubsub.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct ledger {
    char *path, *lock_path, *tmp_path;
    long pid;
    unsigned long long start;
};

/* ---- the text ---- */

static void entry_done(struct ledger_entry *e)
{
    free(e->service);
    free(e->jid);
    free(e->node);
    free(e->subid);
    memset(e, 0, sizeof *e);
}

void ledger_list_done(struct ledger_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        entry_done(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void list_push(struct ledger_list *l, const struct ledger_entry *e)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = *e;
}

static struct ledger_entry entry_copy(const struct ledger_entry *e)
{
    struct ledger_entry c = *e;
    c.service = xstrdup(e->service);
    c.jid = xstrdup(e->jid);
    c.node = xstrdup(e->node);
    c.subid = xstrdup(e->subid);
    return c;
}

/* A string field within the limits, without control characters; NULL
 * when it is not one (or empty unless may_be_empty). */
static const char *text_field(json_t *o, const char *key, int may_be_empty)
{
    json_t *v = json_object_get(o, key);
    const char *s;
    size_t len, i;

    if (!json_is_string(v))
        return NULL;
    s = json_string_value(v);
    len = json_string_length(v);
    if (len > LEDGER_MAX_FIELD || (len == 0 && !may_be_empty) ||
        strlen(s) != len)
        return NULL;
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return NULL;
    return s;
}

/* One line into e; 0, or -1 when it is not an entry. */
static int parse_line(const char *line, size_t len, struct ledger_entry *e)
{
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *pid, *start, *made;
    const char *service, *jid, *node, *subid;
    int rc = -1;

    if (!json_is_object(o))
        goto out;
    pid = json_object_get(o, "pid");
    start = json_object_get(o, "start");
    made = json_object_get(o, "made");
    service = text_field(o, "service", 0);
    jid = text_field(o, "jid", 0);
    node = text_field(o, "node", 0);
    subid = json_object_get(o, "subid") ? text_field(o, "subid", 1) : "";
    if (!json_is_integer(pid) || json_integer_value(pid) < 1 ||
        json_integer_value(pid) > INT_MAX || !json_is_integer(start) ||
        json_integer_value(start) < 0 || (made && !json_is_boolean(made)) ||
        !service || !jid || !node || !subid)
        goto out;
    e->pid = (long)json_integer_value(pid);
    e->start = (unsigned long long)json_integer_value(start);
    e->service = xstrdup(service);
    e->jid = xstrdup(jid);
    e->node = xstrdup(node);
    e->subid = xstrdup(subid);
    e->made = json_is_true(made);
    rc = 0;
out:
    json_decref(o);
    return rc;
}

void ledger_parse(const char *text, size_t len, struct ledger_list *out,
                  size_t *bad)
{
    size_t at = 0;

    *bad = 0;
    if (len > LEDGER_MAX_BYTES)
        len = LEDGER_MAX_BYTES;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        struct ledger_entry e;

        memset(&e, 0, sizeof e);
        if (n > 0 && n <= LEDGER_MAX_LINE && out->n < LEDGER_MAX_ENTRIES &&
            parse_line(text + at, n, &e) == 0)
            list_push(out, &e);
        else if (n > 0)
            (*bad)++;
        at += n + 1;
    }
}

char *ledger_format(const struct ledger_list *l)
{
    struct buf b;
    size_t i;

    buf_init(&b);
    buf_puts(&b, "");
    for (i = 0; i < l->n; i++) {
        const struct ledger_entry *e = &l->v[i];
        json_t *o = json_object();

        json_object_set_new(o, "pid", json_integer(e->pid));
        json_object_set_new(o, "start", json_integer((json_int_t)e->start));
        json_object_set_new(o, "service", json_string(e->service));
        json_object_set_new(o, "jid", json_string(e->jid));
        json_object_set_new(o, "node", json_string(e->node));
        json_object_set_new(o, "subid", json_string(e->subid));
        json_object_set_new(o, "made", json_boolean(e->made));
        if (json_dump_buf(o, JSON_COMPACT | JSON_PRESERVE_ORDER, &b) == 0)
            buf_puts(&b, "\n");
        json_decref(o);
    }
    return buf_steal(&b);
}

/* ---- processes ---- */

/* The start time (field 22 of /proc/PID/stat); -1 when unreadable or
 * when the process has ended (a zombie not yet reaped). */
static int proc_start(long pid, unsigned long long *start)
{
    char path[64], buf[1024], *p;
    FILE *f;
    size_t n;
    int field;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: after the last */
    if ((p = strrchr(buf, ')')) == NULL)
        return -1;
    if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
        return -1;
    for (field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (p == NULL)
        return -1;
    *start = strtoull(p + 1, NULL, 10);
    return 0;
}

int ledger_self(long *pid, unsigned long long *start)
{
    *pid = (long)getpid();
    return proc_start(*pid, start);
}

int ledger_alive(long pid, unsigned long long start)
{
    unsigned long long now;
    struct stat st;

    if (stat("/proc/self/stat", &st) != 0)
        return 1; /* no /proc: cannot tell, so never dead */
    if (proc_start(pid, &now) != 0)
        return 0;
    return now == start;
}

/* ---- tidying ---- */

static int same_key(const struct ledger_entry *a, const struct ledger_entry *b)
{
    return strcmp(a->service, b->service) == 0 && jid_equal(a->jid, b->jid) &&
           strcmp(a->node, b->node) == 0;
}

static int key_is(const struct ledger_entry *e, const char *service,
                  const char *jid, const char *node)
{
    return strcmp(e->service, service) == 0 && jid_equal(e->jid, jid) &&
           strcmp(e->node, node) == 0;
}

void ledger_tidy(struct ledger_list *l,
                 int (*alive)(long pid, unsigned long long start))
{
    int *live = xcalloc(l->n + 1, sizeof *live);
    int *keep = xcalloc(l->n + 1, sizeof *keep);
    size_t i, k, out = 0;

    if (alive == NULL)
        alive = ledger_alive;
    for (i = 0; i < l->n; i++)
        live[i] = alive(l->v[i].pid, l->v[i].start);
    for (i = 0; i < l->n; i++) {
        int holder = 0, twin = 0;
        keep[i] = live[i];
        if (live[i])
            continue;
        for (k = 0; k < l->n; k++) {
            if (k == i || !same_key(&l->v[i], &l->v[k]))
                continue;
            if (live[k] && !holder) {
                holder = 1;
                l->v[k].made |= l->v[i].made;
            }
            twin |= !live[k] && k < i && l->v[k].made;
        }
        keep[i] = l->v[i].made && !holder && !twin;
    }
    for (i = 0; i < l->n; i++)
        if (keep[i])
            l->v[out++] = l->v[i];
        else
            entry_done(&l->v[i]);
    l->n = out;
    free(live);
    free(keep);
}

/* ---- the file ---- */

struct ledger *ledger_open(const char *dir, char **cause)
{
    char *d = dir ? xstrdup(dir) : env_data_dir();
    struct ledger *l;

    if (d == NULL) {
        *cause = xstrdup("no place for the subscription ledger: neither "
                         "XDG_DATA_HOME nor HOME is set");
        return NULL;
    }
    l = xcalloc(1, sizeof *l);
    l->path = xasprintf("%s/subscriptions", d);
    l->lock_path = xasprintf("%s/subscriptions.lock", d);
    l->tmp_path = xasprintf("%s/subscriptions.%ld.tmp", d, (long)getpid());
    if (ledger_self(&l->pid, &l->start) != 0) {
        l->pid = (long)getpid();
        l->start = 0;
    }
    free(d);
    return l;
}

void ledger_close(struct ledger *l)
{
    if (l == NULL)
        return;
    free(l->path);
    free(l->lock_path);
    free(l->tmp_path);
    free(l);
}

const char *ledger_path(const struct ledger *l)
{
    return l->path;
}

/* The file's bytes (at most LEDGER_MAX_BYTES); "" when there is none. */
static char *read_file(const char *path, size_t *len, char **cause)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct buf b;
    char chunk[8192];
    ssize_t n;

    buf_init(&b);
    buf_puts(&b, "");
    *len = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            return buf_steal(&b);
        *cause = xasprintf("cannot read %s: %s", path, strerror(errno));
        buf_done(&b);
        return NULL;
    }
    while (b.len < LEDGER_MAX_BYTES && (n = read(fd, chunk, sizeof chunk)) > 0)
        buf_append(&b, chunk, (size_t)n);
    close(fd);
    *len = b.len < LEDGER_MAX_BYTES ? b.len : LEDGER_MAX_BYTES;
    return buf_steal(&b);
}

/* Replaces the file with text: a private temporary file, renamed. */
static int write_file(struct ledger *l, const char *text, char **cause)
{
    size_t len = strlen(text);
    int fd, ok;

    unlink(l->tmp_path);
    fd = open(l->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *cause = xasprintf("cannot write %s: %s", l->tmp_path, strerror(errno));
        return -1;
    }
    ok = write(fd, text, len) == (ssize_t)len;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(l->tmp_path, l->path) != 0) {
        *cause = xasprintf("cannot write %s: %s", l->path, strerror(errno));
        unlink(l->tmp_path);
        return -1;
    }
    return 0;
}

/* Reads, tidies, lets fn change the entries, writes back what changed;
 * all under the lock. */
static int transact(struct ledger *l,
                    void (*fn)(struct ledger *, void *, struct ledger_list *),
                    void *arg, char **cause)
{
    int lock =
        open(l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct ledger_list list = {0};
    char *old, *new = NULL;
    size_t len, bad;
    int rc = -1;

    if (lock < 0) {
        *cause = xasprintf("cannot open %s: %s", l->lock_path, strerror(errno));
        return -1;
    }
    while (flock(lock, LOCK_EX) != 0)
        if (errno != EINTR) {
            *cause =
                xasprintf("cannot lock %s: %s", l->lock_path, strerror(errno));
            close(lock);
            return -1;
        }
    if ((old = read_file(l->path, &len, cause)) != NULL) {
        ledger_parse(old, len, &list, &bad);
        ledger_tidy(&list, NULL);
        fn(l, arg, &list);
        new = ledger_format(&list);
        rc = len == strlen(new) && memcmp(old, new, len) == 0
                 ? 0
                 : write_file(l, new, cause);
    }
    free(old);
    free(new);
    ledger_list_done(&list);
    close(lock); /* releases the lock */
    return rc;
}

/* ---- what callers do ---- */

struct key_arg {
    const char *service, *jid, *node, *subid;
    int made, remove;
    char *subid_out;
    const char *bare;
    struct ledger_list *out;
};

static int is_self(const struct ledger *l, const struct ledger_entry *e)
{
    return e->pid == l->pid && e->start == l->start;
}

static void do_hold(struct ledger *l, void *arg, struct ledger_list *list)
{
    struct key_arg *k = arg;
    struct ledger_entry e;
    size_t i;

    for (i = 0; i < list->n; i++)
        if (is_self(l, &list->v[i]) &&
            key_is(&list->v[i], k->service, k->jid, k->node)) {
            list->v[i].made |= k->made;
            if (k->subid && *k->subid) {
                free(list->v[i].subid);
                list->v[i].subid = xstrdup(k->subid);
            }
            return;
        }
    if (list->n >= LEDGER_MAX_ENTRIES)
        return;
    e.pid = l->pid;
    e.start = l->start;
    e.service = xstrdup(k->service);
    e.jid = xstrdup(k->jid);
    e.node = xstrdup(k->node);
    e.subid = xstrdup(k->subid ? k->subid : "");
    e.made = k->made;
    list_push(list, &e);
    /* a running holder inherits what an ended process made */
    ledger_tidy(list, NULL);
}

int ledger_hold(struct ledger *l, const char *service, const char *jid,
                const char *node, const char *subid, int made, char **cause)
{
    struct key_arg k = {service, jid, node, subid, made, 0, NULL, NULL, NULL};
    return transact(l, do_hold, &k, cause);
}

static void do_release(struct ledger *l, void *arg, struct ledger_list *list)
{
    struct key_arg *k = arg;
    size_t i, out = 0;
    int made = 0, other = -1;

    for (i = 0; i < list->n; i++) {
        struct ledger_entry *e = &list->v[i];
        if (!key_is(e, k->service, k->jid, k->node))
            continue;
        if (is_self(l, e)) {
            made |= e->made;
            if (*e->subid && k->subid_out == NULL)
                k->subid_out = xstrdup(e->subid);
        } else if (other < 0 && ledger_alive(e->pid, e->start)) {
            other = (int)i;
        }
    }
    if (other >= 0)
        list->v[other].made |= made;
    k->remove = made && other < 0;
    for (i = 0; i < list->n; i++) {
        struct ledger_entry *e = &list->v[i];
        /* ours goes; ended ones' too when the subscription is to go */
        if (key_is(e, k->service, k->jid, k->node) &&
            (is_self(l, e) || (k->remove && !ledger_alive(e->pid, e->start))))
            entry_done(e);
        else
            list->v[out++] = *e;
    }
    list->n = out;
}

int ledger_release(struct ledger *l, const char *service, const char *jid,
                   const char *node, int *remove, char **subid, char **cause)
{
    struct key_arg k = {service, jid, node, NULL, 0, 0, NULL, NULL, NULL};
    int rc = transact(l, do_release, &k, cause);

    *remove = rc == 0 && k.remove;
    if (subid)
        *subid = k.subid_out;
    else
        free(k.subid_out);
    return rc;
}

/* jid is bare, or a full JID of bare. */
static int of_account(const char *jid, const char *bare)
{
    struct jid j;
    char *cause = NULL, *b;
    int yes;

    if (jid_parse(jid, &j, &cause) != 0) {
        free(cause);
        return 0;
    }
    b = jid_bare(&j);
    yes = jid_equal(b, bare);
    free(b);
    jid_done(&j);
    return yes;
}

static void do_leftovers(struct ledger *l, void *arg, struct ledger_list *list)
{
    struct key_arg *k = arg;
    size_t i;
    (void)l;

    for (i = 0; i < list->n; i++) {
        const struct ledger_entry *e = &list->v[i];
        if (e->made && strcmp(e->service, k->service) == 0 &&
            of_account(e->jid, k->bare) && !ledger_alive(e->pid, e->start)) {
            struct ledger_entry c = entry_copy(e);
            list_push(k->out, &c);
        }
    }
}

int ledger_leftovers(struct ledger *l, const char *bare, const char *service,
                     struct ledger_list *out, char **cause)
{
    struct key_arg k = {service, NULL, NULL, NULL, 0, 0, NULL, bare, out};
    return transact(l, do_leftovers, &k, cause);
}

static void do_forget(struct ledger *l, void *arg, struct ledger_list *list)
{
    const struct ledger_entry *f = arg;
    size_t i, out = 0;
    (void)l;

    for (i = 0; i < list->n; i++) {
        struct ledger_entry *e = &list->v[i];
        if (same_key(e, f) && !ledger_alive(e->pid, e->start))
            entry_done(e);
        else
            list->v[out++] = *e;
    }
    list->n = out;
}

int ledger_forget(struct ledger *l, const struct ledger_entry *e, char **cause)
{
    return transact(l, do_forget, (void *)e, cause);
}

int ledger_leftovers_listed(struct ledger *l, const char *bare,
                            const char *service, const struct pubsub_subs *subs,
                            struct ledger_list *out, char **cause)
{
    struct ledger_list all = {0};
    size_t i, k;

    if (ledger_leftovers(l, bare, service, &all, cause) != 0)
        return -1;
    for (i = 0; i < all.n; i++) {
        int listed = 0;
        for (k = 0; k < subs->n && !listed; k++)
            listed = strcmp(subs->v[k].node, all.v[i].node) == 0 &&
                     subs->v[k].jid && jid_equal(subs->v[k].jid, all.v[i].jid);
        if (listed) {
            list_push(out, &all.v[i]);
            continue;
        }
        if (ledger_forget(l, &all.v[i], cause) != 0) {
            free(*cause);
            *cause = NULL;
        }
        entry_done(&all.v[i]);
    }
    free(all.v);
    return 0;
}
