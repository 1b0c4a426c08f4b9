/*
 * perch replay FILE: a perch recording, a browser's HAR or a Fiddler SAZ
 * through the decoders a live session uses, with the recorded times.
 */
#include "base/buf.h"
#include "base/error.h"
#include "base/fail.h"
#include "base/file.h"
#include "command.h"
#include "decode/decode.h"
#include "event_out.h"
#include "evidence_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "Usage: perch replay [--text | --json] [--speed X] FILE\n"
    "\n"
    "Replays evidence of a session through the decoders a live session\n"
    "uses, recognised by content: a perch recording (--record FILE), a\n"
    "HAR 1.2 export of a browser's Network tab (Chrome, Firefox, Edge: the\n"
    "BOSH /http-bind requests and Chrome's WebSocket messages), a Fiddler\n"
    "SAZ archive, or text of BOSH bodies or stanzas one after another (as\n"
    "perch decode reads it, without times). A damaged line, entry or\n"
    "session is named with its position and skipped; the rest is read.\n"
    "\n"
    "On a terminal it opens the console on the capture: every pane as live\n"
    "(Agents, Dialogs, Queues, Console with the stanzas, Network with the\n"
    "recorded requests or WebSocket frames) and a replay bar at the bottom\n"
    "with the recorded time (date and zone), the event it is at of all,\n"
    "the speed, and whether it plays. Nothing is sent; no account needed.\n"
    "  space   pause / play         .   one event, while paused\n"
    "  + -     speed 1x, 10x, max   :   /goto on the input line\n"
    "  /goto HH:MM:SS[.mmm]  the state at that recorded time (local\n"
    "          clock; back in time replays from the start)\n"
    "  q       quit (the capture stays open at its end until then)\n"
    "The findings (as below) are listed in Console at the end.\n"
    "\n"
    "With --text, or when stdin or stdout is not a terminal, it prints\n"
    "every decoded event as perch watch does, with the time it was\n"
    "recorded, one aligned line each, then the findings and a timeline per\n"
    "agent; with --json one JSON object a line.\n"
    "\n"
    "      --text              lines of text, not the console\n"
    "      --json              JSON lines, not the console\n"
    "      --speed X           the console: start at X times the recorded\n"
    "                          pace (default 1); text and JSON: wait the\n"
    "                          recorded time between records divided by X\n"
    "                          (default: no waiting)\n"
    "\n"
    "Exit: 0 at least one event (the console: 0 after q), 1 none, 2 usage\n"
    "or a file that cannot be read or is not evidence at all.\n";

static void on_capture_event(void *arg, json_t *ev)
{
    struct evidence_run_opts *o = arg;

    event_print(stdout, ev, o->json);
    json_decref(ev);
}

/* Text: decode_capture's events, without times. */
static long replay_text(const char *data, size_t len,
                        struct evidence_run_opts *o)
{
    char *cause = NULL;
    int n = decode_capture(data, len, on_capture_event, o, &cause);

    if (n < 0) {
        perch_error("replay: %s: not a perch recording, HAR or SAZ, and %s",
                    o->name, cause);
        free(cause);
        return -1;
    }
    return n;
}

int (*cmd_replay_console)(const char *name, const char *data, size_t len,
                          double speed);

/* console: the console on it (cmd_replay_console), not lines. */
static int replay_file(const char *path, struct evidence_run_opts *o,
                       int console)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t len = 0;
    char *data;
    long n;
    enum evidence_format fmt;

    o->name = f == stdin ? "stdin" : path;
    if (f == NULL) {
        perch_error("replay: cannot open %s: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    errno = 0;
    data = file_read_all(f, EVIDENCE_MAX_INPUT, &len);
    if (f != stdin)
        fclose(f);
    if (data == NULL) {
        perch_error("replay: cannot read %s: %s", o->name,
                    errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
        return EXIT_USAGE;
    }
    if (console) {
        n = cmd_replay_console(o->name, data, len, o->speed > 0 ? o->speed : 1);
        free(data);
        return (int)n;
    }
    fmt = evidence_sniff(data, len);
    xmpp_initialize();
    if (fmt == EVIDENCE_TEXT)
        n = replay_text(data, len, o);
    else
        n = evidence_run(fmt, data, len, o);
    xmpp_shutdown();
    free(data);
    if (n < 0)
        return EXIT_USAGE;
    return n > 0 ? 0 : 1;
}

static int replay_main(int argc, char **argv)
{
    struct evidence_run_opts o;
    const char *file = NULL;
    int i, options = 1, text = 0;
    char *end;

    memset(&o, 0, sizeof o);
    o.who = "replay";
    o.findings = 1;
    for (i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = 0;
        } else if (options && strcmp(argv[i], "--json") == 0) {
            o.json = 1;
        } else if (options && strcmp(argv[i], "--text") == 0) {
            text = 1;
        } else if (options && strcmp(argv[i], "--speed") == 0) {
            if (i + 1 >= argc) {
                perch_error("replay: --speed needs a number");
                return EXIT_USAGE;
            }
            o.speed = strtod(argv[++i], &end);
            if (*end != '\0' || !(o.speed > 0 && o.speed <= 1e6)) {
                perch_error("replay: --speed: '%s' is not a number above 0",
                            argv[i]);
                return EXIT_USAGE;
            }
        } else if (options &&
                   (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
            fputs(help, stdout);
            return 0;
        } else if (options && argv[i][0] == '-' && argv[i][1] != '\0') {
            perch_error("replay: unknown option %s (see perch replay --help)",
                        argv[i]);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            perch_error("replay: one FILE only");
            return EXIT_USAGE;
        }
    }
    if (file == NULL) {
        perch_error("replay needs a FILE (see perch replay --help)");
        return EXIT_USAGE;
    }
    if (text && o.json) {
        perch_error("replay: --text or --json, not both");
        return EXIT_USAGE;
    }
    return replay_file(file, &o,
                       !text && !o.json && cmd_replay_console &&
                           strcmp(file, "-") != 0 && isatty(STDIN_FILENO) &&
                           isatty(STDOUT_FILENO));
}

const struct command cmd_replay_entry = {
    .name = "replay",
    .summary = "the console (or lines) on a recording, a HAR or a SAZ",
    .help = help,
    .main_argv = replay_main,
};
