/*
 * The replay console's core (src/app/app_replay.c) on arbitrary bytes: a
 * recording, HAR, SAZ or text, whatever the content says. Read into its
 * timeline, fed to the end at once, back to the middle (the model,
 * Console and Network rebuilt), stepped: never crashes or leaks; what it
 * refuses comes with a cause; the bar's view stays within the timeline.
 */
#include "fuzz.h"

#include "app/app.h"
#include "base/loop.h"

static void on_changed(void *arg, unsigned what)
{
    (void)arg;
    (void)what;
}

static void on_say(void *arg, enum app_say level, const char *text)
{
    (void)arg;
    (void)level;
    CHECK(text != NULL);
}

static void on_quit(void *arg)
{
    (void)arg;
}

static const struct app_events events = {on_changed, on_say, on_quit};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct loop *loop;
    xmpp_ctx_t *ctx = fuzz_ctx();
    struct app_replay_view v;
    struct transport_pending p[4];
    char *cause = NULL;
    struct app *a;

    if (loop == NULL)
        loop = loop_new();
    a = app_new_replay(loop, ctx, "fuzz", (const char *)data, size, 1, &events,
                       NULL, &cause);
    if (a == NULL) {
        CHECK(cause != NULL && *cause);
        free(cause);
        return 0;
    }
    app_replay_view(a, &v);
    CHECK(v.total > 0 && v.pos == 0 && v.first_t <= v.last_t);
    app_replay_goto(a, v.last_t + 1);
    app_replay_view(a, &v);
    CHECK(v.pos == v.total && v.ended);
    app_replay_goto(a, v.first_t + (v.last_t - v.first_t) / 2);
    app_replay_view(a, &v);
    CHECK(v.pos <= v.total);
    app_replay_step(a);
    CHECK(app_pending(a, p, 4) <= 4);
    app_free(a);
    return 0;
}
