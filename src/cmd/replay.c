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

static const char help[] =
    "Usage: perch replay [--json] [--speed X] FILE\n"
    "\n"
    "Replays evidence of a session through the decoders a live session\n"
    "uses, recognised by content: a perch recording (--record FILE), a\n"
    "HAR 1.2 export of a browser's Network tab (Chrome, Firefox, Edge: the\n"
    "BOSH /http-bind requests and Chrome's WebSocket messages), a Fiddler\n"
    "SAZ archive, or text of BOSH bodies or stanzas one after another (as\n"
    "perch decode reads it, without times). Prints every decoded event as\n"
    "perch watch does, with the time it was recorded: one aligned line\n"
    "each, or with --json one JSON object a line. A damaged line, entry or\n"
    "session is named on stderr with its position and skipped; the rest is\n"
    "read.\n"
    "\n"
    "      --json              JSON lines instead of text\n"
    "      --speed X           wait the recorded time between records\n"
    "                          divided by X (1: as it happened); default:\n"
    "                          no waiting\n"
    "\n"
    "Exit: 0 at least one event, 1 none, 2 usage or a file that cannot be\n"
    "read or is not evidence at all.\n";

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

static int replay_file(const char *path, struct evidence_run_opts *o)
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
    int i, options = 1;
    char *end;

    memset(&o, 0, sizeof o);
    o.who = "replay";
    o.findings = 1;
    for (i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = 0;
        } else if (options && strcmp(argv[i], "--json") == 0) {
            o.json = 1;
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
    return replay_file(file, &o);
}

const struct command cmd_replay_entry = {
    .name = "replay",
    .summary = "replay a recording, a HAR or a SAZ through the decoders",
    .help = help,
    .main_argv = replay_main,
};
