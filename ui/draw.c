/* Drawing helpers shared by the panes: clipped UTF-8 text, theme colours,
 * symbols with an ASCII fallback, list scrolling. */
#include "ui.h"
#include "base/sanitize.h"
#include "base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- theme ---- */

static attr_t attrs[THEME_N];

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_DIM)
        r |= A_DIM;
    if (a & THEME_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_ITALIC)
        r |= A_ITALIC;
    if (a & THEME_BLINK)
        r |= A_BLINK;
    return r;
}

/* One colour pair per element: pair i + 1 for element i. */
void ui_theme_apply(void)
{
    size_t i;

    for (i = 0; i < THEME_N; i++) {
        struct theme_style s;
        theme_resolve(&ui->theme, ui->colors, ui->no_color, &s, i);
        attrs[i] = curses_attrs(s.attrs);
        if (ui->colors >= 8 && !ui->no_color && (int)i + 1 < COLOR_PAIRS &&
            (s.fg != THEME_DEFAULT || s.bg != THEME_DEFAULT)) {
            init_pair((short)(i + 1), s.fg, s.bg);
            attrs[i] |= COLOR_PAIR(i + 1);
        }
    }
}

attr_t ui_attr(int element)
{
    return element >= 0 && element < THEME_N ? attrs[element] : A_NORMAL;
}

#define SYM(fn, utf, ascii)                                                    \
    const char *fn(void)                                                       \
    {                                                                          \
        return ui->utf8 ? utf : ascii;                                         \
    }
SYM(ui_sym_sep, "›", ">")
SYM(ui_sym_open, "▾", "-")
SYM(ui_sym_closed, "▸", "+")
SYM(ui_sym_sub, "●", "*")
SYM(ui_sym_sub_inside, "○", "o")
SYM(ui_sym_vline, "│", "|")
SYM(ui_sym_arrow_in, "←", "<-")
SYM(ui_sym_arrow_out, "→", "->")

/* ---- text ---- */

/* Without a UTF-8 locale: the punctuation perch itself writes, in ASCII;
 * anything else one '?' a character. */
static const char *ascii_for(uint32_t cp)
{
    static const struct {
        uint32_t cp;
        const char *ascii;
    } map[] = {
        {0x2014, "-"},  {0x2013, "-"}, {0x2026, "..."}, {0x2192, "->"},
        {0x2190, "<-"}, {0x203a, ">"}, {0x2022, "*"},   {0x25cf, "*"},
        {0x2502, "|"},  {0x2500, "-"}, {0x25b8, "+"},   {0x25be, "-"},
        {0x00d7, "x"},  {0x25cb, "o"},
    };
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cp == cp)
            return map[i].ascii;
    return "?";
}

/* The bytes of s before its first non-ASCII one, at most max: printable
 * (s is sanitised: no controls left), a column each, drawn in one call. */
static int ascii_run(const char *s, int max)
{
    int n = 0;

    while (n < max && s[n] != '\0' && (unsigned char)s[n] < 0x80)
        n++;
    return n;
}

/* The n printable ASCII bytes at s at the cursor, which moves past them;
 * the caller has clipped n to the window. waddnstr takes each byte through
 * ncurses' multibyte decoding and rendition, 100 to 200 instructions a
 * byte: a sixth of a frame's instructions. Here waddch draws the first,
 * its rendition (the window's attributes over its background, the same
 * for any printable ASCII character) is read back, and the rest are
 * copied with it: a chtype holds the colour pair, as perch's pairs (one an
 * element of the theme) are fewer than 256. A short run, or one that
 * reaches the last column (where the cursor wraps), goes through
 * waddnstr. */
static void put_run(WINDOW *w, const char *s, int n)
{
    chtype cells[128], look;
    int y, x, i, k;

    getyx(w, y, x);
    if (n < 8 || x + n >= getmaxx(w)) {
        waddnstr(w, s, n);
        return;
    }
    waddch(w, (unsigned char)*s);
    look = mvwinch(w, y, x) & ~A_CHARTEXT;
    for (i = 1; i < n; i += k) {
        for (k = 0; k < (int)(sizeof cells / sizeof cells[0]) && i + k < n; k++)
            cells[k] = (unsigned char)s[i + k] | look;
        wmove(w, y, x + i);
        waddchnstr(w, cells, k);
    }
    wmove(w, y, x + n);
}

/* The ASCII terminal's ui_put (s is sanitised). */
static int put_ascii(WINDOW *w, const char *s, int width)
{
    const char *out;
    uint32_t cp;
    int used = 0, run;

    while (*s && used < width) {
        if ((run = ascii_run(s, width - used)) > 0) {
            put_run(w, s, run);
            used += run;
            s += run;
            continue;
        }
        s += utf8_next(s, &cp);
        out = ascii_for(cp);
        if (used + (int)strlen(out) > width)
            break;
        waddstr(w, out);
        used += (int)strlen(out);
    }
    return used;
}

/* The UTF-8 terminal's ui_put (s is sanitised). */
static int put_utf8(WINDOW *w, const char *s, int width)
{
    mbstate_t st;
    int used = 0, cw, run;
    size_t n;
    wchar_t wc;

    memset(&st, 0, sizeof st);
    while (*s && used < width) {
        if ((run = ascii_run(s, width - used)) > 0) {
            put_run(w, s, run);
            used += run;
            s += run;
            continue;
        }
        n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            waddch(w, '?');
            used++;
            s++;
            continue;
        }
        cw = wcwidth(wc);
        if (cw < 0)
            cw = 1;
        if (used + cw > width)
            break;
        if (cw == 0 && used == 0) { /* a lone combining mark */
            s += n;
            continue;
        }
        waddnstr(w, s, (int)n);
        used += cw;
        s += n;
    }
    return used;
}

/* Every text on the screen passes here: sanitised (base/sanitize.h), so a
 * server's controls, bidi overrides and invisible characters show as
 * "<U+202E>" and never reorder or hide what the user reads. */
int ui_put(WINDOW *w, const char *s, int width)
{
    char *clean = NULL;
    int used, y, x;

    /* never past the right edge: ncurses would wrap onto the next line */
    getyx(w, y, x);
    (void)y;
    if (width > getmaxx(w) - x)
        width = getmaxx(w) - x;
    if (!sanitize_clean(s, SANITIZE_LINE))
        s = clean = sanitize_str(s, SANITIZE_LINE);
    used = ui->utf8 ? put_utf8(w, s, width) : put_ascii(w, s, width);
    free(clean);
    return used;
}

int ui_text_width(const char *s)
{
    char *clean;
    const char *p;
    int cols = 0, cw;
    uint32_t cp;

    /* printable ASCII, nearly every text drawn: a column a byte, as
     * sanitised (which changes none of it) */
    for (p = s; *p >= 0x20 && *p < 0x7f; p++)
        ;
    if (*p == '\0')
        return (int)(p - s);
    p = clean = sanitize_str(s, SANITIZE_LINE);
    while (*p) {
        p += utf8_next(p, &cp);
        cw = ui->utf8 ? wcwidth((wchar_t)cp)
                      : (cp < 0x80 ? 1 : (int)strlen(ascii_for(cp)));
        cols += cw < 0 ? 1 : cw;
    }
    free(clean);
    return cols;
}

int ui_put_cut(WINDOW *w, const char *s, int width)
{
    const char *dots = ui->utf8 ? "…" : "...";
    int nd = ui->utf8 ? 1 : 3, y, x;

    getyx(w, y, x);
    (void)y;
    if (width > getmaxx(w) - x)
        width = getmaxx(w) - x;
    if (width <= nd || ui_text_width(s) <= width)
        return ui_put(w, s, width);
    return ui_put(w, s, width - nd) + ui_put(w, dots, nd);
}

void ui_put_pad(WINDOW *w, const char *s, int width)
{
    int used = ui_put_cut(w, s, width), y, x;

    getyx(w, y, x);
    (void)y;
    if (width > used + getmaxx(w) - x)
        width = used + getmaxx(w) - x;
    for (; used < width; used++)
        waddch(w, ' ');
}

/* One call: drawn a column at a time, the UTF-8 "─" cost ncurses about
 * 2,000 instructions a column (it decodes each byte), an eighth of a
 * frame for the Console's separator. */
void ui_hline(WINDOW *w, int n)
{
    cchar_t c;

    setcchar(&c, ui->utf8 ? L"\u2500" : L"-", A_NORMAL, 0, NULL);
    whline_set(w, &c, n);
}

void ui_printf(WINDOW *w, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int y, x;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    getyx(w, y, x);
    (void)y;
    ui_put(w, line, getmaxx(w) - x);
}

void ui_title(WINDOW *w, int cols, const char *name, const char *info,
              int focused)
{
    wmove(w, 0, 0);
    wattrset(w, ui_attr(focused ? THEME_TAB_ACTIVE : THEME_TITLE));
    ui_printf(w, " %s ", name);
    wattrset(w, ui_attr(THEME_TITLE));
    if (ui->drawing_stale) /* from before a loss, not refreshed yet */
        ui_printf(w, "stale — ");
    {
        int y, x;
        getyx(w, y, x);
        (void)y;
        ui_put_pad(w, info ? info : "", cols - x);
    }
    wattrset(w, ui_attr(THEME_NORMAL));
}

void ui_duration_shown(char *out, size_t size, double ms)
{
    ui_duration(out, size, ms);
    ui_wake_after(ui_duration_next(ms));
}

void ui_age_shown(char *out, size_t size, double ms)
{
    ui_age(out, size, ms);
    ui_wake_after(ui_age_next(ms));
}

/* Adds A_DIM to every cell of w from row from on, keeping characters,
 * attributes and colours (a wide character is read once, at its first
 * cell). */
void ui_dim(WINDOW *w, int from, int rows, int cols)
{
    int y, x;

    for (y = from; y < rows; y++)
        for (x = 0; x < cols; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t at;
            short pair;
            int width;

            if (mvwin_wch(w, y, x, &cc) == ERR ||
                getcchar(&cc, wch, &at, &pair, NULL) == ERR)
                continue;
            width = wcwidth(wch[0]);
            setcchar(&cc, wch, at | A_DIM, pair, NULL);
            mvwadd_wch(w, y, x, &cc);
            if (width > 1)
                x += width - 1;
        }
}
