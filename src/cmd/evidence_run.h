/* What perch replay and perch decode share: a recording, HAR or SAZ read
 * (evidence.h), fed through the decoders (feed.h) and printed as watch
 * prints events, damaged parts said on stderr. */
#ifndef PERCH_EVIDENCE_RUN_H
#define PERCH_EVIDENCE_RUN_H

#include "evidence/evidence.h"

#include <jansson.h>
#include <stddef.h>

struct evidence_run_opts {
    const char *who;  /* "replay", "decode": for messages */
    const char *name; /* the file's name for messages */
    int json;
    double speed; /* 0: as fast as possible; else recorded time / speed */
    int findings; /* also print the verdicts (verdict.h) at the end */
};

/* Reads data (len bytes, format f, not EVIDENCE_TEXT). Returns the number
 * of events printed, or -1 after saying why the file is not that format
 * (or, when nothing at all was readable, why). */
long evidence_run(enum evidence_format f, const char *data, size_t len,
                  const struct evidence_run_opts *o);

/* A finding or a timeline (verdict.h; consumed) on stdout: the JSON line
 * when *json (an int) is set, else one line for people. */
void evidence_run_print(void *json, json_t *o);

#endif
