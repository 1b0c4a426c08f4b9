/*
 * The replay bar: in place of the status bar while the console plays a
 * capture (perch replay FILE) — the recorded time with its date and zone,
 * the position among the events, the speed, playing or paused — and the
 * keys that drive the replay (app_replay_*). Always on screen.
 */
#include "ui.h"
#include "evidence/player.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char replay_bar_keys[] =
    "Replay:  space  pause/play    .  one event (paused)    + -  speed "
    "1x/10x/max    :  /goto a time\n";

/* "10×", or "10x" without UTF-8. */
static void speed_text(double speed, char *out, size_t size)
{
    char *times;

    player_speed_name(speed, out, size);
    if (!ui->utf8 && (times = strstr(out, "×")) != NULL)
        memcpy(times, "x", 2);
}

void replay_bar_draw(WINDOW *w, int cols)
{
    struct app_replay_view v;
    char when[48], speed[16], line[512];
    const char *state;

    app_replay_view(ui->app, &v);
    player_stamp(v.t, when, sizeof when);
    speed_text(v.speed, speed, sizeof speed);
    state = v.ended ? "end of capture" : v.paused ? "paused" : "playing";
    snprintf(line, sizeof line,
             " replay %s %s %s %s %s event %zu/%zu %s %s %s %s", ui_sym_vline(),
             when, ui_sym_vline(), state, ui_sym_vline(), v.pos, v.total,
             ui_sym_vline(), speed, ui_sym_vline(), v.name);
    wbkgdset(w, ui_attr(THEME_STATUS));
    wattrset(w, ui_attr(THEME_STATUS));
    werase(w);
    wmove(w, 0, 0);
    ui_put_cut(w, line, cols);
    wnoutrefresh(w);
}

void replay_bar_goto(const char *text)
{
    struct app_replay_view v;
    char *cause = NULL, when[48];
    double t;

    if (ui->app->replay == NULL) {
        ui_say(1, "/goto: only in a replay (perch replay FILE)");
        return;
    }
    app_replay_view(ui->app, &v);
    if (player_parse_goto(text, v.first_t, v.last_t, v.t, &t, &cause) != 0) {
        ui_say(1, "/goto: %s", cause);
        free(cause);
        return;
    }
    app_replay_goto(ui->app, t);
    app_replay_view(ui->app, &v);
    player_stamp(t, when, sizeof when);
    ui_say(0, "at %s: event %zu/%zu", when, v.pos, v.total);
    ui_redraw_all();
}

/* 1 when key drives the replay (the input line is empty). */
int replay_bar_key(int key)
{
    struct app_replay_view v;
    char speed[16];

    if (ui->app->replay == NULL)
        return 0;
    app_replay_view(ui->app, &v);
    switch (key) {
    case ' ':
        app_replay_pause(ui->app, !v.paused);
        break;
    case '.':
        app_replay_step(ui->app);
        break;
    case '+':
    case '-':
        v.speed = key == '+' ? player_faster(v.speed) : player_slower(v.speed);
        app_replay_speed(ui->app, v.speed);
        speed_text(v.speed, speed, sizeof speed);
        ui_say(0, "replay speed %s", speed);
        break;
    case ':':
        input_set_line("/goto ");
        break;
    default:
        return 0;
    }
    ui_dirty_chrome();
    return 1;
}
