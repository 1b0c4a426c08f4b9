/*
 * The keys panes see and the scrolling list they share: which row is
 * selected and which is on top. Curses-free (unit tested).
 */
#ifndef PERCH_UI_LIST_H
#define PERCH_UI_LIST_H

#include <stddef.h>

/* Keys panes see: printable characters as themselves, the rest below. */
enum ui_key {
    K_UP = 0x110000,
    K_DOWN,
    K_LEFT,
    K_RIGHT,
    K_PGUP,
    K_PGDN,
    K_HOME,
    K_END,
    K_ENTER,
    K_ESC, /* Escape alone (no key followed within ESCDELAY) */
};

/* Scrolling list state shared by the panes. */
struct ui_list {
    size_t sel, top;
};

/* Moves the selection for key within n rows shown rows at a time (j/k and
 * arrows one, PgUp/PgDn a page less one row, g/G and Home/End to the
 * ends); 1 when the key was a movement. */
int ui_list_key(struct ui_list *l, int key, size_t n, int rows);

/* Keeps sel inside [0, n) and visible in rows (at least one), scrolling
 * as little as it can and never past the last row. */
void ui_list_fit(struct ui_list *l, size_t n, int rows);

#endif
