/* When the console draws its next frame. */
#include "pace.h"

double pace_request(struct pace *p, double now, int for_user)
{
    int flood = p->changes > UI_FLOOD_CHANGES;
    double due = p->last_ms + 1000.0 / (for_user ? UI_FPS
                                        : flood  ? UI_FLOOD_FPS
                                                 : UI_DATA_FPS);

    if (due < now)
        due = now;
    if (p->pending) {
        /* the user's frame: the earlier of the two, never put off */
        if (for_user && p->due_ms <= due) {
            p->for_user = 1;
            return -1;
        }
        /* the server's: only a flood puts off a frame for the server */
        if (!for_user && (p->for_user || !flood || p->due_ms >= due))
            return -1;
    }
    p->pending = 1;
    p->for_user |= for_user;
    p->due_ms = due;
    return due - now;
}

void pace_change(struct pace *p)
{
    p->changes++;
}

void pace_drawn(struct pace *p, double now)
{
    p->pending = 0;
    p->for_user = 0;
    p->changes = 0;
    p->last_ms = now;
}
