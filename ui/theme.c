/* Theme files with inih, built-in themes, and colour downgrading. */
#include "theme.h"
#include "base/buf.h"
#include "base/ini_lines.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define D THEME_DEFAULT
#define S(fg, bg, attrs)                                                       \
    {                                                                          \
        (fg), (bg), (attrs)                                                    \
    }
#define E(n, h, fg, bg, attrs, nc)                                             \
    {                                                                          \
        (n), (h), S(fg, bg, attrs), (nc)                                       \
    }

enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE, BRIGHT };

#define BOLD THEME_BOLD
#define DIM THEME_DIM
#define UNDER THEME_UNDERLINE
#define REV THEME_REVERSE
#define BLINK THEME_BLINK

/* The default theme lives here; no_color keeps the states apart. */
const struct theme_element theme_elements[THEME_N] = {
    [THEME_NORMAL] = E("normal", "text with nothing else to say", D, D, 0, 0),
    [THEME_TITLE] = E("title", "the title line", WHITE, BLUE, BOLD, REV | BOLD),
    [THEME_TABBAR] = E("tabbar", "the tab bar", WHITE, BLUE, 0, REV),
    [THEME_TAB_ACTIVE] =
        E("tab_active", "the selected tab", BLACK, CYAN, BOLD, BOLD | UNDER),
    [THEME_STATUS] = E("status", "the status line", WHITE, BLUE, 0, REV),
    [THEME_BANNER_ERROR] = E("banner_error", "an error banner", BRIGHT + WHITE,
                             RED, BOLD, REV | BOLD),
    [THEME_BANNER_WARN] =
        E("banner_warn", "a warning banner", BLACK, YELLOW, BOLD, REV),
    [THEME_BORDER] = E("border", "pane borders", BLUE, D, 0, 0),
    [THEME_SELECTION] =
        E("selection", "the selected row", BLACK, WHITE, 0, REV),
    [THEME_CONSOLE_IN] = E("console_in", "XML received", GREEN, D, 0, BOLD),
    [THEME_CONSOLE_OUT] = E("console_out", "XML sent", CYAN, D, 0, 0),
    [THEME_CONSOLE_INFO] =
        E("console_info", "console notes", YELLOW, D, 0, DIM),
    [THEME_XML_TAG] = E("xml_tag", "element names", BLUE, D, BOLD, BOLD),
    [THEME_XML_ATTR] = E("xml_attr", "attribute names", MAGENTA, D, 0, 0),
    [THEME_XML_VALUE] = E("xml_value", "attribute values", GREEN, D, 0, UNDER),
    [THEME_XML_TEXT] = E("xml_text", "character data", D, D, 0, 0),
    [THEME_STATE_READY] =
        E("state_ready", "agent state Ready", BLACK, GREEN, BOLD, BOLD),
    [THEME_STATE_NOT_READY] =
        E("state_not_ready", "agent state Not Ready", WHITE, RED, BOLD, REV),
    [THEME_STATE_TALKING] = E("state_talking", "agent state Talking", BLACK,
                              YELLOW, BOLD, REV | BOLD),
    [THEME_STATE_RESERVED] =
        E("state_reserved", "agent state Reserved", BLACK, CYAN, 0, UNDER),
    [THEME_STATE_HOLD] =
        E("state_hold", "agent state Hold", BLACK, MAGENTA, 0, REV | UNDER),
    [THEME_STATE_WORK] =
        E("state_work", "agent state Work", WHITE, BLUE, 0, BOLD | UNDER),
    [THEME_STATE_LOGOUT] =
        E("state_logout", "agent state Logout", D, D, DIM, DIM),
    [THEME_STATE_UNKNOWN] =
        E("state_unknown", "an agent state not known", D, D, 0, 0),
    [THEME_DIALOG_ALERTING] = E("dialog_alerting", "a ringing call", BLACK,
                                YELLOW, BOLD | BLINK, REV | BLINK),
    [THEME_DIALOG_ACTIVE] =
        E("dialog_active", "a call in progress", GREEN, D, BOLD, BOLD),
    [THEME_DIALOG_HELD] = E("dialog_held", "a held call", MAGENTA, D, 0, UNDER),
    [THEME_DIALOG_DROPPED] =
        E("dialog_dropped", "an ended call", D, D, DIM, DIM),
    [THEME_NETWORK_OK] = E("network_ok", "connection up", GREEN, D, 0, 0),
    [THEME_NETWORK_ERROR] = E("network_error", "connection down or failing",
                              BRIGHT + RED, D, BOLD, REV | BOLD),
    [THEME_SEARCH_MATCH] =
        E("search_match", "a search hit", BLACK, YELLOW, 0, REV | UNDER),
};

/* Solarized (Ethan Schoonover) in its xterm-256 approximations. */
enum {
    BASE03 = 234,
    BASE02 = 235,
    BASE01 = 240,
    BASE00 = 241,
    BASE0 = 244,
    BASE1 = 245,
    SOL_YELLOW = 136,
    SOL_ORANGE = 166,
    SOL_RED = 160,
    SOL_MAGENTA = 125,
    SOL_VIOLET = 61,
    SOL_BLUE = 33,
    SOL_CYAN = 37,
    SOL_GREEN = 64,
};

static const struct theme_style solarized_dark[THEME_N] = {
    [THEME_NORMAL] = S(BASE0, BASE03, 0),
    [THEME_TITLE] = S(BASE1, BASE02, BOLD),
    [THEME_TABBAR] = S(BASE01, BASE02, 0),
    [THEME_TAB_ACTIVE] = S(BASE1, BASE03, BOLD),
    [THEME_STATUS] = S(BASE1, BASE02, 0),
    [THEME_BANNER_ERROR] = S(BASE03, SOL_RED, BOLD),
    [THEME_BANNER_WARN] = S(BASE03, SOL_YELLOW, BOLD),
    [THEME_BORDER] = S(BASE01, BASE03, 0),
    [THEME_SELECTION] = S(BASE1, BASE02, 0),
    [THEME_CONSOLE_IN] = S(SOL_GREEN, BASE03, 0),
    [THEME_CONSOLE_OUT] = S(SOL_CYAN, BASE03, 0),
    [THEME_CONSOLE_INFO] = S(BASE01, BASE03, 0),
    [THEME_XML_TAG] = S(SOL_BLUE, BASE03, 0),
    [THEME_XML_ATTR] = S(SOL_VIOLET, BASE03, 0),
    [THEME_XML_VALUE] = S(SOL_CYAN, BASE03, 0),
    [THEME_XML_TEXT] = S(BASE0, BASE03, 0),
    [THEME_STATE_READY] = S(BASE03, SOL_GREEN, BOLD),
    [THEME_STATE_NOT_READY] = S(BASE03, SOL_RED, BOLD),
    [THEME_STATE_TALKING] = S(BASE03, SOL_YELLOW, BOLD),
    [THEME_STATE_RESERVED] = S(BASE03, SOL_CYAN, 0),
    [THEME_STATE_HOLD] = S(BASE03, SOL_MAGENTA, 0),
    [THEME_STATE_WORK] = S(BASE03, SOL_BLUE, 0),
    [THEME_STATE_LOGOUT] = S(BASE01, BASE03, 0),
    [THEME_STATE_UNKNOWN] = S(BASE00, BASE02, 0),
    [THEME_DIALOG_ALERTING] = S(SOL_ORANGE, BASE03, BOLD | BLINK),
    [THEME_DIALOG_ACTIVE] = S(SOL_GREEN, BASE03, BOLD),
    [THEME_DIALOG_HELD] = S(SOL_MAGENTA, BASE03, 0),
    [THEME_DIALOG_DROPPED] = S(BASE01, BASE03, 0),
    [THEME_NETWORK_OK] = S(SOL_GREEN, BASE03, 0),
    [THEME_NETWORK_ERROR] = S(SOL_RED, BASE03, BOLD),
    [THEME_SEARCH_MATCH] = S(BASE03, SOL_YELLOW, 0),
};

/* Bright on black, strong attributes; eight colours and bold suffice. */
static const struct theme_style high_contrast[THEME_N] = {
    [THEME_NORMAL] = S(BRIGHT + WHITE, BLACK, 0),
    [THEME_TITLE] = S(BLACK, BRIGHT + WHITE, BOLD),
    [THEME_TABBAR] = S(BRIGHT + WHITE, BLACK, UNDER),
    [THEME_TAB_ACTIVE] = S(BLACK, BRIGHT + YELLOW, BOLD),
    [THEME_STATUS] = S(BLACK, BRIGHT + WHITE, BOLD),
    [THEME_BANNER_ERROR] = S(BRIGHT + WHITE, RED, BOLD),
    [THEME_BANNER_WARN] = S(BLACK, BRIGHT + YELLOW, BOLD),
    [THEME_BORDER] = S(BRIGHT + WHITE, BLACK, 0),
    [THEME_SELECTION] = S(BLACK, BRIGHT + CYAN, BOLD),
    [THEME_CONSOLE_IN] = S(BRIGHT + GREEN, BLACK, BOLD),
    [THEME_CONSOLE_OUT] = S(BRIGHT + CYAN, BLACK, BOLD),
    [THEME_CONSOLE_INFO] = S(BRIGHT + YELLOW, BLACK, 0),
    [THEME_XML_TAG] = S(BRIGHT + CYAN, BLACK, BOLD),
    [THEME_XML_ATTR] = S(BRIGHT + MAGENTA, BLACK, 0),
    [THEME_XML_VALUE] = S(BRIGHT + GREEN, BLACK, 0),
    [THEME_XML_TEXT] = S(BRIGHT + WHITE, BLACK, 0),
    [THEME_STATE_READY] = S(BLACK, BRIGHT + GREEN, BOLD),
    [THEME_STATE_NOT_READY] = S(BRIGHT + WHITE, RED, BOLD),
    [THEME_STATE_TALKING] = S(BLACK, BRIGHT + YELLOW, BOLD),
    [THEME_STATE_RESERVED] = S(BLACK, BRIGHT + CYAN, BOLD),
    [THEME_STATE_HOLD] = S(BLACK, BRIGHT + MAGENTA, BOLD),
    [THEME_STATE_WORK] = S(BRIGHT + WHITE, BLUE, BOLD),
    [THEME_STATE_LOGOUT] = S(BRIGHT + WHITE, BLACK, UNDER),
    [THEME_STATE_UNKNOWN] = S(BRIGHT + WHITE, BLACK, 0),
    [THEME_DIALOG_ALERTING] = S(BLACK, BRIGHT + YELLOW, BOLD | BLINK),
    [THEME_DIALOG_ACTIVE] = S(BRIGHT + GREEN, BLACK, BOLD),
    [THEME_DIALOG_HELD] = S(BRIGHT + MAGENTA, BLACK, BOLD),
    [THEME_DIALOG_DROPPED] = S(BRIGHT + WHITE, BLACK, 0),
    [THEME_NETWORK_OK] = S(BRIGHT + GREEN, BLACK, BOLD),
    [THEME_NETWORK_ERROR] = S(BRIGHT + WHITE, RED, BOLD),
    [THEME_SEARCH_MATCH] = S(BLACK, BRIGHT + YELLOW, BOLD),
};

const char *const theme_builtins[] = {"default", "mono", "solarized-dark",
                                      "high-contrast", NULL};

static const char *const color_names[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_BOLD},
    {"dim", THEME_DIM},
    {"underline", THEME_UNDERLINE},
    {"reverse", THEME_REVERSE},
    {"italic", THEME_ITALIC},
    {"blink", THEME_BLINK},
    {"none", 0},
};

int theme_element_find(const char *name)
{
    int i;

    for (i = 0; i < THEME_N; i++)
        if (strcmp(theme_elements[i].name, name) == 0)
            return i;
    return -1;
}

int theme_builtin(struct theme *t, const char *name)
{
    const struct theme_style *table = NULL;
    int i, mono = 0;

    if (strcmp(name, "mono") == 0)
        mono = 1;
    else if (strcmp(name, "solarized-dark") == 0)
        table = solarized_dark;
    else if (strcmp(name, "high-contrast") == 0)
        table = high_contrast;
    else if (strcmp(name, "default") != 0)
        name = NULL;
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name ? name : "default");
    for (i = 0; i < THEME_N; i++) {
        t->style[i] = table ? table[i] : theme_elements[i].style;
        if (mono) /* what default looks like under NO_COLOR */
            theme_resolve(t, 0, 1, &t->style[i], (size_t)i);
    }
    return name ? 0 : -1;
}

/* "red", "bright-red", "color123" or "default"; -2 when none of those. */
static int parse_color(const char *s)
{
    char *end;
    long n;
    int i, bright = 0;

    if (strcasecmp(s, "default") == 0)
        return THEME_DEFAULT;
    if (strncasecmp(s, "color", 5) == 0 && s[5] >= '0' && s[5] <= '9') {
        errno = 0;
        n = strtol(s + 5, &end, 10);
        if (*end != '\0' || errno != 0 || n > 255 || end - (s + 5) > 3)
            return -2;
        return (int)n;
    }
    if (strncasecmp(s, "bright-", 7) == 0) {
        bright = BRIGHT;
        s += 7;
    }
    for (i = 0; i < 8; i++)
        if (strcasecmp(s, color_names[i]) == 0)
            return bright + i;
    return -2;
}

/* "FG [BG [ATTRS]]" into *st; -1 with a new *why. */
static int parse_style(const char *value, struct theme_style *st, char **why)
{
    char *copy = xstrdup(value), *tok, *save = NULL;
    int n = 0, c, rc = 0;
    size_t i;

    st->fg = st->bg = THEME_DEFAULT;
    st->attrs = 0;
    for (tok = strtok_r(copy, " \t,", &save); tok && rc == 0;
         tok = strtok_r(NULL, " \t,", &save), n++) {
        if (n < 2) {
            c = parse_color(tok);
            if (c == -2) {
                *why = xasprintf("unknown colour '%s' (expected default, "
                                 "NAME, bright-NAME or colorN, N 0-255)",
                                 tok);
                rc = -1;
            } else if (n == 0) {
                st->fg = (short)c;
            } else {
                st->bg = (short)c;
            }
            continue;
        }
        for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
            if (strcasecmp(tok, attr_names[i].name) == 0)
                break;
        if (i == sizeof attr_names / sizeof attr_names[0]) {
            *why = xasprintf("unknown attribute '%s' (expected bold, dim, "
                             "underline, reverse, italic, blink or none)",
                             tok);
            rc = -1;
        } else {
            st->attrs |= attr_names[i].bit;
        }
    }
    if (rc == 0 && n == 0) {
        *why = xasprintf("no colours (expected FG [BG [ATTRS]])");
        rc = -1;
    }
    free(copy);
    return rc;
}

struct theme_reader {
    struct theme t;
    int elements, named; /* element lines seen; a name key seen */
    struct ini_lines in;
};

/* One key of [theme]; NULL, or a new string saying what is wrong. */
static char *set_key(struct theme_reader *l, const char *name,
                     const char *value)
{
    struct theme_style st;
    char *why = NULL;
    int e;

    if (strcmp(name, "name") == 0) {
        if (*value == '\0')
            return xasprintf("key 'name': empty");
        if (strlen(value) >= sizeof l->t.name)
            return xasprintf("key 'name': longer than %d bytes",
                             THEME_NAME_MAX - 1);
        snprintf(l->t.name, sizeof l->t.name, "%s", value);
        l->named = 1;
        return NULL;
    }
    if (strcmp(name, "inherit") == 0) {
        char keep[THEME_NAME_MAX];
        if (l->elements)
            return xasprintf("key 'inherit': must come before the elements");
        memcpy(keep, l->t.name, sizeof keep);
        if (theme_builtin(&l->t, value) != 0)
            return xasprintf("key 'inherit': unknown theme '%s' (expected "
                             "default, mono, solarized-dark or "
                             "high-contrast)",
                             value);
        memcpy(l->t.name, keep, sizeof keep);
        return NULL;
    }
    e = theme_element_find(name);
    if (e < 0)
        return xasprintf("unknown element '%s'", name);
    if (parse_style(value, &st, &why) != 0) {
        char *cause = xasprintf("key '%s': %s", name, why);
        free(why);
        return cause;
    }
    l->t.style[e] = st;
    l->elements++;
    return NULL;
}

/* inih's handler; returning 0 makes ini_parse_stream report this line. */
static int handler(void *arg, const char *section, const char *name,
                   const char *value)
{
    struct theme_reader *l = arg;
    char *why = NULL;

    if (l->in.cause)
        return 1; /* keep only the first error */
    if (strcmp(section, "theme") != 0)
        why = *section ? xasprintf("unknown section [%s] (expected "
                                   "[theme])",
                                   section)
                       : xasprintf("key '%s' outside the [theme] section",
                                   name ? name : "");
    else if (name != NULL)
        why = set_key(l, name, value ? value : "");
    if (why == NULL)
        return 1;
    ini_lines_fail(&l->in, why);
    return 0;
}

/* The file's base name without ".theme", as the theme's name. */
static void name_from_path(char *name, size_t size, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
        n -= 6;
    if (n >= size)
        n = size - 1;
    memcpy(name, base, n);
    name[n] = '\0';
}

int theme_load(const char *path, struct theme *t, char **cause)
{
    struct theme_reader l;
    int rc;

    memset(&l, 0, sizeof l);
    theme_builtin(&l.t, "default");
    l.in.f = fopen(path, "r");
    if (l.in.f == NULL) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    rc = ini_parse_stream(ini_lines_read, &l.in, handler, &l);
    fclose(l.in.f);
    if ((*cause = ini_lines_result(&l.in, path, rc)) != NULL)
        return -1;
    if (!l.named)
        name_from_path(l.t.name, sizeof l.t.name, path);
    *t = l.t;
    return 0;
}

/* The nearest of the eight to an xterm colour 16-255, by halving each
 * channel: cube steps 0-2 are dark, 3-5 light; the grey ramp splits at
 * its middle. */
static int nearest8(int c)
{
    int r, g, b;

    if (c >= 232)
        return c >= 244 ? WHITE : BLACK;
    c -= 16;
    r = c / 36 >= 3;
    g = c / 6 % 6 >= 3;
    b = c % 6 >= 3;
    return r | g << 1 | b << 2;
}

/* One colour for a terminal of 8-255 colours; *bright when it lost that. */
static short downgrade(short c, int colors, int *bright)
{
    *bright = 0;
    if (c == THEME_DEFAULT || c < 8)
        return c;
    if (c >= 16)
        return (short)nearest8(c);
    if (colors >= 16)
        return c;
    *bright = 1;
    return (short)(c - BRIGHT);
}

void theme_resolve(const struct theme *t, int colors, int no_color,
                   struct theme_style *out, size_t element)
{
    struct theme_style st;
    int bright;

    if (element >= THEME_N)
        element = THEME_NORMAL;
    st = t->style[element];
    if (no_color || colors < 8) {
        if (st.fg != THEME_DEFAULT || st.bg != THEME_DEFAULT)
            st.attrs = theme_elements[element].no_color;
        st.fg = st.bg = THEME_DEFAULT;
    } else if (colors < 256) {
        short fg = st.fg, bg = st.bg;
        st.fg = downgrade(fg, colors, &bright);
        if (bright)
            st.attrs |= THEME_BOLD;
        st.bg = downgrade(bg, colors, &bright);
        /* two shades of one colour must not become one */
        if (st.fg == st.bg && st.fg != THEME_DEFAULT && fg != bg)
            st.fg = st.bg == BLACK ? WHITE : BLACK;
    }
    *out = st;
}
