/*
 * The input line: GNU readline in callback mode inside ncurses (the
 * profanity technique). readline reads the terminal (stdin readable ->
 * rl_callback_read_char), its own output goes to /dev/null, and
 * rl_redisplay_function only marks the line dirty; the frame draws
 * rl_line_buffer. Keys that move in panes are readline bindings that act
 * on the pane while the line is empty and edit the line otherwise.
 */
#include "ui.h"
#include "base/buf.h"
#include "base/loop.h"
#include "base/sanitize.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#define HISTORY_MAX 1000
#define PROMPT "> "

static FILE *devnull;
static char *hist_path;
static int in_line_handler;
static char *pending_line;   /* input_set_line from inside the handler */
static size_t pending_point; /* the cursor's byte offset in it */
static char **completions;   /* candidates of the completion under way */

static int line_empty(void)
{
    return rl_end == 0;
}

/* Printable keys: pane shortcuts while the line is empty. */
static int key_char(int count, int key)
{
    if (line_empty()) {
        if (key == '?') {
            ui_toggle_help();
            return 0;
        }
        if (key == 'q') {
            ui_quit(0);
            return 0;
        }
        if (key >= '1' && key < '1' + P_N) { /* the tab bar's numbers */
            ui_focus(key - '1');
            return 0;
        }
        if (!ui->help && replay_bar_key(key))
            return 0;
        if (ui_pane_key(key))
            return 0;
    }
    return rl_insert(count, key);
}

/* Moves in the pane while the line is empty; edits the line otherwise. */
static int move_key(int pane_key, rl_command_func_t *line_fn, int count,
                    int key)
{
    if (line_empty() || line_fn == NULL) {
        ui_pane_key(pane_key);
        return 0;
    }
    return line_fn(count, key);
}

#define MOVE_KEY(fn, pane_key, line_fn)                                        \
    static int fn(int count, int key)                                          \
    {                                                                          \
        return move_key(pane_key, line_fn, count, key);                        \
    }
MOVE_KEY(key_up, K_UP, rl_get_previous_history)
MOVE_KEY(key_down, K_DOWN, rl_get_next_history)
MOVE_KEY(key_left, K_LEFT, rl_backward_char)
MOVE_KEY(key_right, K_RIGHT, rl_forward_char)
MOVE_KEY(key_home, K_HOME, rl_beg_of_line)
MOVE_KEY(key_end, K_END, rl_end_of_line)
MOVE_KEY(key_pgup, K_PGUP, NULL)
MOVE_KEY(key_pgdn, K_PGDN, NULL)

static int key_enter(int count, int key)
{
    if (line_empty()) {
        ui_pane_key(K_ENTER);
        return 0;
    }
    return rl_newline(count, key);
}

static int key_tab(int count, int key)
{
    if (line_empty()) {
        ui_focus((ui->focus + 1) % P_N);
        return 0;
    }
    /* a second Tab lists the matches (rl_complete would only do so when
     * it was itself the last command, and the last one is key_tab) */
    if (rl_last_func == key_tab)
        return rl_possible_completions(count, key);
    return rl_complete(count, key);
}

static int key_btab(int count, int key)
{
    (void)count;
    (void)key;
    ui_focus((ui->focus + P_N - 1) % P_N);
    return 0;
}

#define JUMP_KEY(n)                                                            \
    static int key_jump##n(int count, int key)                                 \
    {                                                                          \
        (void)count;                                                           \
        (void)key;                                                             \
        ui_focus(n - 1);                                                       \
        return 0;                                                              \
    }
JUMP_KEY(1)
JUMP_KEY(2)
JUMP_KEY(3)
JUMP_KEY(4)
JUMP_KEY(5)
JUMP_KEY(6)

static int key_redraw(int count, int key)
{
    (void)count;
    (void)key;
    clearok(curscr, TRUE);
    ui_redraw_all();
    return 0;
}

static int key_edit(int count, int key)
{
    char *text = xstrdup(rl_line_buffer);
    (void)count;
    (void)key;

    rl_replace_line("", 0);
    slash_edit(text);
    free(text);
    return 0;
}

static void bind(const char *seq, rl_command_func_t *fn)
{
    rl_bind_keyseq(seq, fn);
}

static void bind_keys(void)
{
    static rl_command_func_t *const jump[P_N] = {
        key_jump1, key_jump2, key_jump3, key_jump4, key_jump5, key_jump6};
    static const char *const fkeys[][2] = {
        {"\\eOP", "\\e[11~"}, {"\\eOQ", "\\e[12~"},   {"\\eOR", "\\e[13~"},
        {"\\eOS", "\\e[14~"}, {"\\e[15~", "\\e[15~"}, {"\\e[17~", "\\e[17~"},
    };
    int c, i;
    char seq[16];

    for (c = ' '; c < 127; c++)
        if (c != '/' && c != '<')
            rl_bind_key(c, key_char);
    for (i = 0; i < P_N; i++) {
        snprintf(seq, sizeof seq, "\\e%d", i + 1);
        bind(seq, jump[i]);
        bind(fkeys[i][0], jump[i]);
        bind(fkeys[i][1], jump[i]);
    }
    bind("\\e[A", key_up);
    bind("\\eOA", key_up);
    bind("\\e[B", key_down);
    bind("\\eOB", key_down);
    bind("\\e[C", key_right);
    bind("\\eOC", key_right);
    bind("\\e[D", key_left);
    bind("\\eOD", key_left);
    bind("\\e[5~", key_pgup);
    bind("\\e[6~", key_pgdn);
    bind("\\e[H", key_home);
    bind("\\eOH", key_home);
    bind("\\e[1~", key_home);
    bind("\\e[7~", key_home);
    bind("\\e[F", key_end);
    bind("\\eOF", key_end);
    bind("\\e[4~", key_end);
    bind("\\e[8~", key_end);
    bind("\\e[Z", key_btab);
    bind("\\C-x\\C-e", key_edit);
    rl_bind_key('\t', key_tab);
    rl_bind_key('\r', key_enter);
    rl_bind_key('\n', key_enter);
    rl_bind_key('L' & 0x1f, key_redraw);
}

/* ---- the line ---- */

static void on_line(char *line)
{
    HIST_ENTRY *last;

    if (line == NULL) { /* Ctrl-D on an empty line */
        ui_quit(0);
        return;
    }
    if (*line) {
        last = history_get(history_base + history_length - 1);
        if (last == NULL || strcmp(last->line, line) != 0) {
            add_history(line);
            if (hist_path && append_history(1, hist_path) != 0)
                write_history(hist_path);
        }
        in_line_handler = 1;
        slash_run(line);
        in_line_handler = 0;
    }
    free(line);
    ui_dirty_input();
}

static void redisplay(void)
{
    ui_dirty_input();
}

/* ---- completion ---- */

static char *next_completion(const char *text, int state)
{
    static size_t i;
    size_t len = strlen(text);

    if (state == 0)
        i = 0;
    while (completions && completions[i]) {
        const char *c = completions[i++];
        if (strncmp(c, text, len) == 0)
            return xstrdup(c);
    }
    return NULL;
}

static void free_completions(void)
{
    size_t i;
    for (i = 0; completions && completions[i]; i++)
        free(completions[i]);
    free(completions);
    completions = NULL;
}

static char **complete(const char *text, int start, int end)
{
    char **m;
    char quote = start > 0 ? rl_line_buffer[start - 1] : 0;

    rl_attempted_completion_over = 1; /* never file names */
    rl_completion_append_character =
        quote == '\'' || quote == '"' ? quote : ' ';
    free_completions();
    completions = slash_complete(rl_line_buffer, start, end, text);
    m = rl_completion_matches(text, next_completion);
    free_completions();
    return m;
}

/* Several matches: listed on the message line, not on the terminal. */
static void show_matches(char **matches, int n, int longest)
{
    struct buf b;
    int i;
    (void)longest;

    buf_init(&b);
    buf_printf(&b, "%d matches:", n);
    for (i = 1; i <= n && b.len < 400; i++)
        buf_printf(&b, " %s", matches[i]);
    ui_say(0, "%s", b.data);
    buf_done(&b);
}

/* ---- the bytes read, and Escape alone ----
 *
 * input_read reads what the terminal has into inq; readline takes it from
 * there (rl_getc_function). An Escape alone could be the start of a key's
 * sequence (arrows, Alt-1, F1 begin with it): it waits ESCDELAY ms (the
 * environment's, like ncurses, or UI_ESC_MS) and, when nothing followed,
 * is a key of its own (K_ESC), never given to readline. */

#define UI_ESC_MS 50

static unsigned char inq[4096];
static size_t inq_len, inq_pos;
static struct loop_timer *esc_timer;

static int queued_getc(FILE *f)
{
    if (inq_pos < inq_len)
        return inq[inq_pos++];
    return rl_getc(f); /* readline wants more than was read: wait for it */
}

static int queued_available(void)
{
    struct timeval tv = {0, 0};
    fd_set fds;

    if (inq_pos < inq_len)
        return 1;
    FD_ZERO(&fds);
    FD_SET(STDIN_FILENO, &fds);
    return select(STDIN_FILENO + 1, &fds, NULL, NULL, &tv) > 0;
}

static unsigned esc_delay(void)
{
    const char *env = getenv("ESCDELAY");
    char *end;
    long ms = env && *env ? strtol(env, &end, 10) : -1;

    return ms >= 0 && ms <= 10000 && env && *end == '\0' ? (unsigned)ms
                                                         : UI_ESC_MS;
}

/* With the help overlay open, keys never reach readline: j/k, Space,
 * arrows and PgUp/PgDn scroll it, anything else closes it. */
static void help_input(const unsigned char *in, size_t n)
{
    size_t used;
    int key;

    while (n > 0) { /* keys read together (PgDn PgDn …) each count */
        key = 0;
        used = 1;
        if (in[0] == 'j' || in[0] == 'k' || in[0] == ' ')
            key = in[0];
        else if (n >= 3 && in[0] == 27 && (in[1] == '[' || in[1] == 'O')) {
            used = 3;
            key = in[2] == 'A' ? K_UP : in[2] == 'B' ? K_DOWN : 0;
            if ((in[2] == '5' || in[2] == '6') && n >= 4 && in[3] == '~') {
                key = in[2] == '5' ? K_PGUP : K_PGDN;
                used = 4;
            }
        }
        if (key == 0 || !ui_help_scroll(key)) {
            ui_toggle_help(); /* and the key does nothing else */
            return;
        }
        in += used;
        n -= used;
    }
}

/* Escape alone: closes the help overlay, else goes to the focused pane
 * (the Dialogs detail and Console's whole-pane view close). */
static void on_escape(void *arg)
{
    (void)arg;
    inq_len = inq_pos = 0;
    if (ui->help)
        ui_toggle_help();
    else
        ui_pane_key(K_ESC);
}

/* readline takes what was read, a key at a time; a line a command put on
 * the input is set after its handler. */
static void feed_readline(void)
{
    while (inq_pos < inq_len && !ui->done) {
        rl_callback_read_char();
        if (pending_line) {
            rl_replace_line(pending_line, 0);
            rl_point =
                pending_point < (size_t)rl_end ? (int)pending_point : rl_end;
            free(pending_line);
            pending_line = NULL;
            ui_dirty_input();
        }
        if (ui->help) { /* the rest closes or scrolls the overlay */
            help_input(inq + inq_pos, inq_len - inq_pos);
            break;
        }
    }
    inq_len = inq_pos = 0;
}

void input_read(void)
{
    ssize_t n;

    if (inq_pos >= inq_len)
        inq_len = inq_pos = 0;
    n = read(STDIN_FILENO, inq + inq_len, sizeof inq - inq_len);
    if (n <= 0)
        return;
    inq_len += (size_t)n;
    loop_timer_stop(esc_timer);
    if (inq_len == 1 && inq[0] == 27) { /* a key of its own, or a start? */
        loop_timer_start(esc_timer, esc_delay());
        return;
    }
    if (ui->help) {
        help_input(inq, inq_len);
        inq_len = inq_pos = 0;
        return;
    }
    feed_readline();
}

/* ---- life ---- */

int input_init(const char *history_path, char **cause)
{
    devnull = fopen("/dev/null", "w");
    rl_outstream = devnull;
    rl_instream = stdin;
    rl_readline_name = "perch";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_redisplay_function = redisplay;
    rl_attempted_completion_function = complete;
    rl_completion_display_matches_hook = show_matches;
    rl_completer_word_break_characters = " \t\n'\"=<>";
    rl_basic_word_break_characters = " \t\n'\"=<>";
    using_history();
    stifle_history(HISTORY_MAX);
    /* readline rings by writing BEL to stderr, under ncurses' feet; an
     * inputrc may still ask for it */
    rl_variable_bind("bell-style", "none");
    rl_getc_function = queued_getc;
    rl_input_available_hook = queued_available;
    esc_timer = loop_timer_new(ui->loop, on_escape, NULL);
    rl_callback_handler_install(PROMPT, on_line);
    bind_keys();
    if (history_path) {
        hist_path = xstrdup(history_path);
        if (read_history(hist_path) == 0) {
            chmod(hist_path, 0600);
            using_history(); /* Up starts from the newest line read */
        } else if (write_history(hist_path) != 0) {
            *cause = xasprintf("cannot keep the history in %s", hist_path);
            return -1;
        } else
            chmod(hist_path, 0600);
    }
    return 0;
}

void input_done(void)
{
    rl_callback_handler_remove();
    loop_timer_free(esc_timer);
    esc_timer = NULL;
    if (hist_path)
        history_truncate_file(hist_path, HISTORY_MAX);
    free(hist_path);
    hist_path = NULL;
    rl_clear_history(); /* frees the undo lists too */
    free(pending_line);
    pending_line = NULL;
    if (devnull)
        fclose(devnull);
    devnull = NULL;
}

void input_suspend(void)
{
    rl_deprep_terminal();
}

void input_resume(void)
{
    rl_prep_terminal(0);
}

void input_set_line_at(const char *text, size_t point)
{
    if (in_line_handler) {
        free(pending_line);
        pending_line = xstrdup(text);
        pending_point = point;
        return;
    }
    rl_replace_line(text, 0);
    rl_point = point < (size_t)rl_end ? (int)point : rl_end;
    ui_dirty_input();
}

void input_set_line(const char *text)
{
    input_set_line_at(text, strlen(text));
}

const char *input_line(void)
{
    return rl_line_buffer ? rl_line_buffer : "";
}

/* Screen columns of the first n bytes of s. */
static int columns(const char *s, int n)
{
    mbstate_t st;
    wchar_t wc;
    int cols = 0, i = 0;
    size_t k;

    memset(&st, 0, sizeof st);
    while (i < n) {
        k = mbrtowc(&wc, s + i, (size_t)(n - i), &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            cols++;
            i++;
            continue;
        }
        cols += wcwidth(wc) > 0 ? wcwidth(wc) : 1;
        i += (int)k;
    }
    return cols;
}

/* The prompt and the part of the line around the cursor that fits. */
void input_draw(WINDOW *w, int cols)
{
    const char *raw = rl_line_buffer ? rl_line_buffer : "";
    /* drawn sanitised (a completed node name may hold anything): the
     * cursor goes where its part of the line ends once sanitised */
    char *head = xstrndup(raw, (size_t)rl_point);
    char *line = sanitize_str(raw, SANITIZE_LINE);
    char *shown_head = sanitize_str(head, SANITIZE_LINE);
    int plen = (int)strlen(PROMPT), avail = cols - plen - 1;
    int cur = columns(shown_head, (int)strlen(shown_head)), start = 0, skip = 0;

    werase(w);
    wattrset(w, ui_attr(THEME_NORMAL));
    mvwaddstr(w, 0, 0, PROMPT);
    if (avail >= 1) {
        /* scroll by whole characters until the cursor fits */
        while (cur - skip > avail) {
            int clen = mblen(line + start, MB_CUR_MAX);
            skip += columns(line + start, clen > 0 ? clen : 1);
            start += clen > 0 ? clen : 1;
        }
        ui_put(w, line + start, avail);
        wmove(w, 0, plen + cur - skip);
    }
    free(head);
    free(line);
    free(shown_head);
}
