/* When the console draws its next frame: what the user did soon, what
 * the server did at a pace that costs less than the events, and less
 * often during a flood. Curses-free (unit tested). */
#ifndef PERCH_UI_PACE_H
#define PERCH_UI_PACE_H

#define UI_FPS 30      /* frames a second at most, after a key */
#define UI_DATA_FPS 10 /* frames a second at most for server events */
/* A flood: more changes from the server than this between two frames;
 * drawn at UI_FLOOD_FPS until a frame sees fewer. */
#define UI_FLOOD_CHANGES 50
#define UI_FLOOD_FPS 4

struct pace {
    int pending;            /* a frame is due at due_ms */
    int for_user;           /* ... and shows what the user did */
    double due_ms, last_ms; /* the clock of loop_now_ms() */
    unsigned long changes;  /* from the server since the last frame */
};

/* A frame asked for at now: for the user (a key: within 1000 / UI_FPS ms
 * of the last frame), else for the server (1000 / UI_DATA_FPS, or
 * 1000 / UI_FLOOD_FPS once over UI_FLOOD_CHANGES changes came since the
 * last frame; a pending frame for the server is then put off, one for the
 * user never). Returns the ms to arm the frame timer in, or -1 when the
 * pending frame stands. */
double pace_request(struct pace *p, double now, int for_user);
/* One change from the server (an event, a stanza). */
void pace_change(struct pace *p);
/* The frame was drawn at now. */
void pace_drawn(struct pace *p, double now);

#endif
