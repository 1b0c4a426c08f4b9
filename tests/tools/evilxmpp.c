/*
 * evilxmpp MODE [ARG]: a hostile XMPP server for the attacks Prosody will
 * not make on demand. It listens on 127.0.0.1 (a free port), prints
 * "ready PORT" on stdout, and serves one client connection at a time,
 * plain TCP, until SIGTERM. Each connection: it reads the client's stream
 * header, answers with its own, then does what MODE says. Modes marked
 * (login) first log the client in — PLAIN accepted whatever the password,
 * bind answered — so that the attack comes after the session is ready
 * (clients use --tls off --allow-plaintext-auth).
 *
 *   features-flood        endless <a/> where the features should be
 *   deep N                N nested <a> after the header
 *   attrs N               one <message> with N attributes
 *   big MIB               one <message> of MIB MiB of text
 *   doctype               a billion-laughs DTD before the stream
 *   bad utf8|nul|ctrl|entity   one <message> holding that
 *   stream-error TEXT     <stream:error> conflict with TEXT, then close
 *   reset                 the connection reset right after the header
 *   sasl-failure TEXT     refuses the login with TEXT
 *   flood (login)         endless <message/>s, as fast as the client reads
 *   iq-error TEXT (login) every iq get/set answered with an error and TEXT
 *   iq-result XML (login) every iq get/set answered with a result holding
 *                         XML
 *   silent [JID] (login)  answers nothing more, keeps the connection; binds
 *                         JID (XML text: char refs allowed) when given
 *   events FILE [N] (login)  every iq answered with an empty result; once
 *                         one held a <subscribe, the stanza in FILE (one
 *                         line, under 32 KiB) over and over as fast as the
 *                         client reads (tests/bench/perf.sh's memory
 *                         figures); with N, N times, then iqs answered again
 *
 * Every line it logs on stderr starts with what it did ("flooding",
 * "sent …"). When the client ends its stream (</stream:stream>) the server
 * logs "stream end at US" (microseconds since the epoch: when perch served
 * the signal that closed it, for tests/bench/flood.sh), answers with its
 * own and closes. Test tool only: no TLS, no real XML parsing.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HEADER                                                                 \
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "               \
    "xmlns:stream='http://etherx.jabber.org/streams' id='evil' "               \
    "from='localhost' version='1.0' xml:lang='en'>"
#define FEATURES_PLAIN                                                         \
    "<stream:features><mechanisms "                                            \
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"    \
    "</mechanisms></stream:features>"
#define FEATURES_BIND                                                          \
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"        \
    "</stream:features>"

static volatile sig_atomic_t stopping;
static const char *mode, *arg, *arg2;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* 0, or -1 when the client went away. */
static int put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR && !stopping)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int puts_fd(int fd, const char *s)
{
    return put(fd, s, strlen(s));
}

/* What the client sent so far on this connection. */
static char seen[1 << 16];
static size_t nseen;

/* 1 when the client ended its stream: logged, answered. */
static int stream_ended(int fd, size_t from)
{
    struct timeval tv;

    if (strstr(seen + from, "</stream:stream>") == NULL)
        return 0;
    gettimeofday(&tv, NULL);
    say("stream end at %lld",
        (long long)tv.tv_sec * 1000000 + (long long)tv.tv_usec);
    puts_fd(fd, "</stream:stream>");
    return 1;
}

/* Reads until needle appears after *from; 0, or -1 on close/timeout or
 * when the client ended its stream first. The match's end goes to *from. */
static int wait_for(int fd, const char *needle, size_t *from)
{
    for (;;) {
        char *hit;
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;

        seen[nseen] = '\0';
        hit = strstr(seen + *from, needle);
        if (hit) {
            *from = (size_t)(hit - seen) + strlen(needle);
            return 0;
        }
        if (strcmp(needle, "</stream:stream>") != 0 && stream_ended(fd, *from))
            return -1;
        if (stopping || poll(&p, 1, 10000) <= 0)
            return -1;
        if (nseen >= sizeof seen - 1)
            nseen = *from = 0; /* keep reading; matches may be lost */
        r = read(fd, seen + nseen, sizeof seen - 1 - nseen);
        if (r <= 0)
            return -1;
        nseen += (size_t)r;
    }
}

/* The id of the client's last <iq …> from *from: "id='x'" or "id=\"x\"". */
static void iq_id(size_t start, char *out, size_t size)
{
    const char *iq = strstr(seen + start, "<iq"), *id;
    size_t n;

    snprintf(out, size, "none");
    if (iq == NULL || (id = strstr(iq, " id=")) == NULL)
        return;
    id += 5;
    n = strcspn(id, "'\"");
    if (n >= size)
        n = size - 1;
    memcpy(out, id, n);
    out[n] = '\0';
}

/* Header, PLAIN, success, restart, bind. 0 when the client is ready. */
static int login(int fd, size_t *at)
{
    char id[128], reply[1024];
    size_t start;

    if (puts_fd(fd, HEADER FEATURES_PLAIN) || wait_for(fd, "</auth>", at) ||
        puts_fd(fd, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>") ||
        wait_for(fd, "<stream:stream", at) || wait_for(fd, ">", at) ||
        puts_fd(fd, HEADER FEATURES_BIND))
        return -1;
    start = *at;
    if (wait_for(fd, "</iq>", at))
        return -1;
    iq_id(start, id, sizeof id);
    snprintf(reply, sizeof reply,
             "<iq type='result' id='%s'><bind "
             "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>%s</jid></bind>"
             "</iq>",
             id, !strcmp(mode, "silent") && arg ? arg : "agent@localhost/evil");
    if (puts_fd(fd, reply) || wait_for(fd, "<presence", at))
        return -1;
    say("logged in");
    return 0;
}

/* Writes unit over and over as fast as the client reads, until it ends
 * its stream or goes. */
static int repeat(int fd, const char *unit, const char *what)
{
    char block[1 << 16];
    size_t n = strlen(unit), used = 0;

    while (used + n <= sizeof block) {
        memcpy(block + used, unit, n);
        used += n;
    }
    say("%s", what);
    while (!stopping) {
        struct pollfd p = {fd, POLLIN | POLLOUT, 0};
        if (poll(&p, 1, 1000) < 0)
            continue;
        if (p.revents & POLLIN) {
            ssize_t r;
            if (nseen >= sizeof seen - 1)
                nseen = 0;
            r = read(fd, seen + nseen, sizeof seen - 1 - nseen);
            if (r <= 0)
                return -1;
            nseen += (size_t)r;
            seen[nseen] = '\0';
            if (stream_ended(fd, 0))
                return 0;
        }
        if ((p.revents & POLLOUT) && put(fd, block, used))
            return -1;
        if (p.revents & (POLLERR | POLLHUP))
            return -1;
    }
    return 0;
}

/* FILE's first line, for events. */
static char *read_unit(const char *path)
{
    static char unit[1 << 15];
    FILE *f = fopen(path, "r");

    if (f == NULL || fgets(unit, sizeof unit, f) == NULL) {
        say("cannot read %s", path ? path : "(no file)");
        if (f)
            fclose(f);
        return NULL;
    }
    fclose(f);
    unit[strcspn(unit, "\r\n")] = '\0';
    return unit;
}

/* events: answers iqs until the subscribe, then repeats FILE's stanza. */
static void events(int fd, size_t *at)
{
    char id[128], buf[512], *unit = read_unit(arg);
    unsigned long n;
    int subscribe;

    if (unit == NULL || login(fd, at))
        return;
    do {
        size_t start = *at;
        if (wait_for(fd, "</iq>", at))
            return;
        iq_id(start, id, sizeof id);
        subscribe = strstr(seen + start, "<subscribe ") != NULL;
        snprintf(buf, sizeof buf, "<iq type='result' id='%s' from='%s'/>", id,
                 "pubsub.localhost");
        if (puts_fd(fd, buf))
            return;
    } while (!subscribe);
    if (arg2 == NULL) {
        repeat(fd, unit, "flooding events");
        return;
    }
    for (n = strtoul(arg2, NULL, 10); n > 0; n--)
        if (puts_fd(fd, unit))
            return;
    say("sent %s events", arg2);
    for (;;) { /* the unsubscribe, until the stream ends */
        size_t start = *at;
        if (wait_for(fd, "</iq>", at))
            return;
        iq_id(start, id, sizeof id);
        snprintf(buf, sizeof buf, "<iq type='result' id='%s' from='%s'/>", id,
                 "pubsub.localhost");
        if (puts_fd(fd, buf))
            return;
    }
}

static void attack(int fd)
{
    size_t at = 0, i, n = arg ? strtoul(arg, NULL, 10) : 0;
    char buf[4096];

    if (wait_for(fd, "<stream:stream", &at) || wait_for(fd, ">", &at))
        return;
    if (!strcmp(mode, "doctype")) {
        puts_fd(fd, "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "
                    "'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;"
                    "&lol;&lol;&lol;&lol;'><!ENTITY lol3 '&lol2;&lol2;&lol2;"
                    "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
                    "<stream:stream xmlns='jabber:client' xmlns:stream="
                    "'http://etherx.jabber.org/streams'>&lol3;");
        say("sent doctype");
        return;
    }
    if (!strcmp(mode, "reset")) {
        struct linger l = {1, 0};
        puts_fd(fd, HEADER);
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        say("sent reset");
        return;
    }
    if (!strcmp(mode, "sasl-failure")) {
        snprintf(buf, sizeof buf,
                 "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                 "<not-authorized/><text>%s</text></failure>",
                 arg ? arg : "");
        if (!puts_fd(fd, HEADER FEATURES_PLAIN) &&
            !wait_for(fd, "</auth>", &at))
            puts_fd(fd, buf);
        say("sent sasl failure");
        wait_for(fd, "</stream:stream>", &at);
        return;
    }
    if (!strcmp(mode, "events")) {
        events(fd, &at);
        return;
    }
    if (!strcmp(mode, "flood") || !strcmp(mode, "iq-error") ||
        !strcmp(mode, "iq-result") || !strcmp(mode, "silent")) {
        if (login(fd, &at))
            return;
        if (!strcmp(mode, "flood")) {
            repeat(fd,
                   "<message from='flood@localhost'><body>x</body></message>",
                   "flooding");
            return;
        }
        while (!stopping) {
            size_t start = at;
            char id[128];
            if (wait_for(fd, "</iq>", &at))
                return;
            if (!strcmp(mode, "silent"))
                continue;
            iq_id(start, id, sizeof id);
            if (!strcmp(mode, "iq-result")) {
                snprintf(buf, sizeof buf,
                         "<iq type='result' id='%s' from='localhost'>%s</iq>",
                         id, arg ? arg : "");
                puts_fd(fd, buf);
                say("sent iq result");
                continue;
            }
            snprintf(buf, sizeof buf,
                     "<iq type='error' id='%s' from='localhost'><error "
                     "type='cancel'><item-not-found xmlns='urn:ietf:params:"
                     "xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:"
                     "ns:xmpp-stanzas'>%s</text></error></iq>",
                     id, arg ? arg : "");
            puts_fd(fd, buf);
            say("sent iq error");
        }
        return;
    }
    if (puts_fd(fd, HEADER))
        return;
    if (!strcmp(mode, "features-flood")) {
        repeat(fd, "<a/>", "flooding");
    } else if (!strcmp(mode, "deep")) {
        for (i = 0; i < n; i++)
            if (puts_fd(fd, "<a>"))
                break;
        say("sent %zu levels", i);
    } else if (!strcmp(mode, "attrs")) {
        puts_fd(fd, "<message");
        for (i = 0; i < n; i++) {
            snprintf(buf, sizeof buf, " a%zu='v'", i);
            if (puts_fd(fd, buf))
                break;
        }
        puts_fd(fd, "/>");
        say("sent %zu attributes", i);
    } else if (!strcmp(mode, "big")) {
        memset(buf, 'x', sizeof buf);
        puts_fd(fd, "<message><body>");
        for (i = 0; i < n * 256; i++)
            if (put(fd, buf, sizeof buf))
                break;
        puts_fd(fd, "</body></message>");
        say("sent %zu KiB", i * 4);
    } else if (!strcmp(mode, "bad")) {
        const char *bad = !strcmp(arg, "utf8")   ? "<message>\xc3\x28</message>"
                          : !strcmp(arg, "ctrl") ? "<message>\x01</message>"
                          : !strcmp(arg, "entity") ? "<message to='&nope;'/>"
                                                   : NULL;
        if (bad)
            puts_fd(fd, bad);
        else
            put(fd, "<message>a\0b</message>", 22);
        say("sent bad %s", arg);
    } else if (!strcmp(mode, "stream-error")) {
        snprintf(buf, sizeof buf,
                 "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:"
                 "xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-"
                 "streams'>%s</text></stream:error></stream:stream>",
                 arg ? arg : "");
        puts_fd(fd, buf);
        say("sent stream error");
        return;
    }
    /* the client is to end it: wait for that */
    while (!stopping && read(fd, buf, sizeof buf) > 0)
        ;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    struct sigaction sa;
    int ls, one = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: evilxmpp MODE [ARG]\n");
        return 2;
    }
    mode = argv[1];
    arg = argc > 2 ? argv[2] : NULL;
    arg2 = argc > 3 ? argv[3] : NULL;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    ls = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4) ||
        getsockname(ls, (struct sockaddr *)&a, &len)) {
        perror("evilxmpp");
        return 1;
    }
    printf("ready %u\n", ntohs(a.sin_port));
    fflush(stdout);
    while (!stopping) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        nseen = 0;
        say("connected");
        attack(fd);
        close(fd);
        say("closed");
    }
    close(ls);
    return 0;
}
