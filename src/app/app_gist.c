/* A decoded event in words (app_gist.h). */
#include "app_gist.h"
#include "decode/keys.h"

#include <string.h>

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && *v ? v : "?";
}

/* "what first second" (second may be NULL): no printf on the event path */
static void say(struct buf *b, const char *what, const char *first,
                const char *second)
{
    buf_puts(b, what);
    buf_puts(b, " ");
    buf_puts(b, first);
    if (second) {
        buf_puts(b, " ");
        buf_puts(b, second);
    }
}

void app_event_words(struct buf *b, json_t *ev)
{
    const char *kind = str(ev, EVK_KIND);
    json_t *d;

    if (strcmp(kind, EV_KIND_USER) == 0) {
        d = json_object_get(ev, EVK_USER);
        say(b, "user", str(d, EVK_LOGIN_ID), str(d, EVK_STATE));
    } else if (strcmp(kind, EV_KIND_DIALOGS) == 0) {
        d = json_object_get(ev, EVK_DIALOGS);
        if (json_array_size(d) == 0)
            buf_puts(b, "dialogs: none");
        else
            say(b, "dialog", str(json_array_get(d, 0), EVK_ID),
                str(json_array_get(d, 0), EVK_STATE));
        if (json_array_size(d) > 1)
            buf_printf(b, " +%zu", json_array_size(d) - 1);
    } else if (strcmp(kind, EV_KIND_TEAM) == 0) {
        say(b, "team", str(json_object_get(ev, EVK_TEAM), EVK_ID), NULL);
    } else if (strcmp(kind, EV_KIND_QUEUE) == 0) {
        d = json_object_get(ev, EVK_QUEUE);
        say(b, "queue", str(d, EVK_NAME), NULL);
    } else if (strcmp(kind, EV_KIND_SYSTEMINFO) == 0) {
        say(b, "system", str(json_object_get(ev, EVK_SYSTEMINFO), EVK_STATUS),
            NULL);
    } else if (strcmp(kind, EV_KIND_MEDIA) == 0) {
        say(b, "media", str(json_object_get(ev, EVK_MEDIA), EVK_STATE), NULL);
    } else if (strcmp(kind, EV_KIND_ERROR) == 0) {
        d = json_array_get(json_object_get(ev, EVK_ERRORS), 0);
        say(b, "apiError", str(d, EVK_ERROR_TYPE), NULL);
    } else { /* retract, purge, delete, subscription, xml, raw */
        say(b, kind, str(ev, EVK_NODE), NULL);
    }
}
