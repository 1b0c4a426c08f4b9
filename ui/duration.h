/* How long something has lasted, as the panes show it, and when that text
 * changes next (the console wakes up then, not every second). Curses-free
 * (unit tested). */
#ifndef PERCH_UI_DURATION_H
#define PERCH_UI_DURATION_H

#include <stddef.h>

/* ms as "4s", "12m05s", "3h02m" or "5d" (whole units, cut not rounded;
 * negative as 0s) into out (size bytes, always terminated). */
void ui_duration(char *out, size_t size, double ms);
/* ms until ui_duration's text for ms changes (> 0). */
double ui_duration_next(double ms);

/* A coarser age for what changes rarely: "<1m", "12m", "3h", "5d" (cut;
 * negative as <1m). */
void ui_age(char *out, size_t size, double ms);
/* ms until ui_age's text for ms changes (> 0). */
double ui_age_next(double ms);

#endif
