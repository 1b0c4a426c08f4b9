/*
 * perch decode: Finesse events captured elsewhere (Fiddler, a browser's
 * Network tab, a log) decoded offline; no connection, no account.
 */
#include "base/buf.h"
#include "base/file.h"
#include "base/sanitize.h"
#include "event_out.h"
#include "evidence_run.h"
#include "command.h"
#include "decode/decode.h"
#include "base/fail.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: perch decode [--json] [FILE...|-]\n"
    "\n"
    "Decodes captured Finesse notifications offline: a perch recording\n"
    "(--record), a browser's HAR export or a Fiddler SAZ archive (as perch\n"
    "replay reads them, each event with its recorded time), or text: a\n"
    "<message> as it\n"
    "arrived, a BOSH <body> holding many, an iq with pubsub items, a bare\n"
    "<Update> document (also still escaped, &lt;Update&gt;…, as a raw\n"
    "view shows a <notification>'s text), or any number of these one\n"
    "after another, with HTTP headers or other text between (what\n"
    "Fiddler or a browser's Network tab lets you copy). Reads each FILE,\n"
    "or stdin with - or no FILE. Prints one line per event, aligned to\n"
    "fit 80 columns, or with --json one object a line: {\"service\",\n"
    "\"node\",\"item\",\"event\",\"source\",\"requestId\",\"kind\",...} as\n"
    "perch watch prints them. Payloads that cannot be decoded are shown\n"
    "as kind raw, with the reason.\n"
    "\n"
    "      --json              JSON lines instead of text\n"
    "\n"
    "Exit: 0 at least one event, 1 the input held none, 2 usage or a file\n"
    "that cannot be read.\n";

struct decode_out {
    int json;
    unsigned long events;
};

static void decode_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void decode_error(const char *fmt, ...)
{
    va_list ap;

    fputs("perch: decode: ", stderr);
    va_start(ap, fmt);
    sanitize_vfprintf(stderr, SANITIZE_LINE, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* --- the human line --- */

static void on_event(void *arg, json_t *ev)
{
    struct decode_out *out = arg;
    char *line;

    line = event_text(ev, out->json);
    if (line) {
        fputs(line, stdout);
        fputc('\n', stdout);
    }
    free(line);
    json_decref(ev);
    out->events++;
}

/* --- input --- */

/* Decodes one input; returns 0, or EXIT_USAGE when it cannot be read. */
static int decode_one(struct decode_out *out, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    const char *name = f == stdin ? "stdin" : path;
    char *input, *cause = NULL;
    size_t len = 0;
    int n;
    enum evidence_format fmt;

    if (f == NULL) {
        decode_error("cannot open %s: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    errno = 0;
    input = file_read_all(f, DECODE_MAX_CAPTURE, &len);
    if (input == NULL) {
        decode_error("cannot read %s: %s", name,
                     errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
        if (f != stdin)
            fclose(f);
        return EXIT_USAGE;
    }
    if (f != stdin)
        fclose(f);
    fmt = evidence_sniff(input, len);
    if (fmt != EVIDENCE_TEXT) {
        struct evidence_run_opts o = {"decode", name, out->json, 0, 0};
        long got = evidence_run(fmt, input, len, &o);
        if (got > 0)
            out->events += (unsigned long)got;
        else if (got == 0)
            decode_error("%s: no pubsub item in its stanzas", name);
        free(input);
        return 0;
    }
    n = decode_capture(input, len, on_event, out, &cause);
    if (n < 0) {
        decode_error("%s: %s", name, cause);
        free(cause);
    } else if (n == 0) {
        decode_error("%s: no pubsub item in its stanzas", name);
    }
    free(input);
    fflush(stdout);
    return 0;
}

static int decode_main(int argc, char **argv)
{
    struct decode_out out = {0, 0};
    const char **files = xcalloc((size_t)argc + 1, sizeof *files);
    int i, n = 0, code = 0, options = 1;

    for (i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = 0;
        } else if (options && strcmp(argv[i], "--json") == 0) {
            out.json = 1;
        } else if (options &&
                   (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
            fputs(help, stdout);
            free(files);
            return 0;
        } else if (options && argv[i][0] == '-' && argv[i][1] != '\0') {
            decode_error("unknown option %s (see perch decode --help)",
                         argv[i]);
            free(files);
            return EXIT_USAGE;
        } else {
            files[n++] = argv[i];
        }
    }
    if (n == 0)
        files[n++] = "-";
    for (i = 0; i < n; i++)
        if (decode_one(&out, files[i]) != 0)
            code = EXIT_USAGE;
    free(files);
    if (code)
        return code;
    return out.events > 0 ? 0 : 1;
}

/* No CONN and no config; --json and --help anywhere before "--", among
 * the files: it reads its own arguments. */
const struct command cmd_decode_entry = {
    .name = "decode",
    .summary = "decode captured Finesse events offline",
    .help = help,
    .main_argv = decode_main,
};
