/*
 * Colour themes: themes/NAME.theme files (INI) and four built-ins, resolved
 * for what the terminal can show. Pure data: no curses here; the UI maps a
 * struct theme_style onto its colour pairs and attributes.
 *
 *   [theme]
 *   name = my-theme          ; optional
 *   inherit = solarized-dark ; optional, a built-in; before any element
 *   status = bright-white color24 bold,underline
 *
 * An element line is "FG [BG [ATTRS]]": a colour is default, black, red,
 * green, yellow, blue, magenta, cyan, white, bright-NAME or colorN (N 0-255);
 * ATTRS is a comma or space list of bold, dim, underline, reverse, italic,
 * blink, or none. A line replaces the element's whole style.
 *
 * Ownership: struct theme holds no pointers; copy it freely. The element
 * table and the built-in names are static and never freed.
 */
#ifndef PERCH_THEME_H
#define PERCH_THEME_H

#include <stddef.h>

/* Every element the UI colours; the index into theme_elements[]. */
enum theme_element_id {
    THEME_NORMAL,
    THEME_TITLE,
    THEME_TABBAR,
    THEME_TAB_ACTIVE,
    THEME_STATUS,
    THEME_BANNER_ERROR,
    THEME_BANNER_WARN,
    THEME_BORDER,
    THEME_SELECTION,
    THEME_CONSOLE_IN,
    THEME_CONSOLE_OUT,
    THEME_CONSOLE_INFO,
    THEME_XML_TAG,
    THEME_XML_ATTR,
    THEME_XML_VALUE,
    THEME_XML_TEXT,
    THEME_STATE_READY,
    THEME_STATE_NOT_READY,
    THEME_STATE_TALKING,
    THEME_STATE_RESERVED,
    THEME_STATE_HOLD,
    THEME_STATE_WORK,
    THEME_STATE_LOGOUT,
    THEME_STATE_UNKNOWN,
    THEME_DIALOG_ALERTING,
    THEME_DIALOG_ACTIVE,
    THEME_DIALOG_HELD,
    THEME_DIALOG_DROPPED,
    THEME_NETWORK_OK,
    THEME_NETWORK_ERROR,
    THEME_SEARCH_MATCH,
    THEME_N
};

/* Attribute bits of theme_style.attrs. */
#define THEME_BOLD 0x01u
#define THEME_DIM 0x02u
#define THEME_UNDERLINE 0x04u
#define THEME_REVERSE 0x08u
#define THEME_ITALIC 0x10u
#define THEME_BLINK 0x20u
#define THEME_ATTRS 0x3fu /* every bit above */

/* The terminal's own colour. Others are 0-255: 0-7 the eight names in
 * ANSI order, 8-15 their bright-NAME, 16-255 the xterm 256-colour cube and
 * grey ramp. */
#define THEME_DEFAULT (-1)

struct theme_style {
    short fg, bg;   /* THEME_DEFAULT or 0-255 */
    unsigned attrs; /* THEME_BOLD | ... */
};

/* One row of the element table. */
struct theme_element {
    const char *name;         /* the key in a .theme file */
    const char *help;         /* one line: what it colours */
    struct theme_style style; /* in the default theme */
    unsigned no_color;        /* attrs standing in for colour (NO_COLOR) */
};

/* Indexed by enum theme_element_id; THEME_N rows. */
extern const struct theme_element theme_elements[THEME_N];

/* Built-in theme names, NULL-terminated: default, mono, solarized-dark,
 * high-contrast. */
extern const char *const theme_builtins[];

#define THEME_NAME_MAX 64

struct theme {
    char name[THEME_NAME_MAX]; /* NUL-terminated */
    struct theme_style style[THEME_N];
};

/* The element named name (exact, lower case), or -1. */
int theme_element_find(const char *name);

/* Fills t with the built-in called name; 0, or -1 (t is then "default")
 * when there is no such built-in. */
int theme_builtin(struct theme *t, const char *name);

/*
 * Reads a .theme file into t. Without "inherit" it starts from "default";
 * "name" defaults to the file's base name without ".theme". 0, or -1 with
 * *cause "FILE:LINE: key 'k': why" (caller frees) and t untouched.
 */
int theme_load(const char *path, struct theme *t, char **cause);

/*
 * The style to draw element with on a terminal of colors colours.
 * 256 or more: as written. 16-255: colours 16-255 become the nearest of
 * the eight. 8-15: bright-NAME also becomes NAME, bold in the foreground.
 * Under no_color (NO_COLOR set) or below 8: default colours; an element
 * the theme coloured takes the table's no_color attrs instead of its own,
 * so that the states stay apart. An unknown element resolves as normal.
 */
void theme_resolve(const struct theme *t, int colors, int no_color,
                   struct theme_style *out, size_t element);

#endif
