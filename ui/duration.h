/* How long something has lasted, as the panes show it. Curses-free (unit
 * tested). */
#ifndef PERCH_UI_DURATION_H
#define PERCH_UI_DURATION_H

#include <stddef.h>

/* ms as "4s", "12m05s", "3h02m" or "5d" (whole units, cut not rounded;
 * negative as 0s) into out (size bytes, always terminated). */
void ui_duration(char *out, size_t size, double ms);

#endif
