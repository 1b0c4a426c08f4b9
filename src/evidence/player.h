/*
 * The replay console's pure logic: its speeds (1×, 10×, as fast as
 * possible), when the next recorded event is due at a speed, the times
 * /goto accepts, and the bar's stamp. No loop, no I/O: app_replay.c
 * drives it.
 */
#ifndef PERCH_PLAYER_H
#define PERCH_PLAYER_H

#include <stddef.h>

#define PLAYER_MAX 0.0 /* the speed "as fast as possible" */

/* The next speed up (1 → 10 → max) or down (max → 10 → 1) from speed
 * (any factor above 0, or PLAYER_MAX); it stays at either end. */
double player_faster(double speed);
double player_slower(double speed);
/* "1×", "10×", "max", "2.5×" into out (>= 16 bytes). */
void player_speed_name(double speed, char *out, size_t size);

/*
 * When an event recorded at t is due on the monotonic clock, playing at
 * speed since the recorded time anchor_t was shown at anchor_ms: at most
 * an hour ahead, never before anchor_ms; PLAYER_MAX or an unknown time
 * (t <= 0, not a number) is due at once (anchor_ms).
 */
double player_due_ms(double anchor_ms, double anchor_t, double t, double speed);
/* The recorded time shown at now_ms while playing from the anchor (not
 * past limit_t, the next event's time). */
double player_time_at(double anchor_ms, double anchor_t, double now_ms,
                      double speed, double limit_t);

/*
 * A time for /goto: "HH:MM:SS[.fff]" or "HH:MM" on the local clock (TZ),
 * on the day of cur_t — or of first_t or last_t when that day puts it
 * inside the capture [first_t, last_t] and cur_t's does not — or an
 * RFC 3339 time ("2026-12-01T10:00:02.5+01:00"). 0 and *out (seconds
 * since the epoch), or -1 with *cause (caller frees).
 */
int player_parse_goto(const char *text, double first_t, double last_t,
                      double cur_t, double *out, char **cause);

/* "2026-12-01 10:00:02.500 +0100" (local time and zone) into out (>= 40
 * bytes); "--:--:--" for an unknown time (<= 0). */
void player_stamp(double t, char *out, size_t size);

#endif
