/* A decoded event in words (app_gist.h). */
#include "app_gist.h"
#include "decode/keys.h"

#include <string.h>

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v && *v ? v : "?";
}

void app_event_words(struct buf *b, json_t *ev)
{
    const char *kind = str(ev, EVK_KIND);
    json_t *d;

    if (strcmp(kind, EV_KIND_USER) == 0) {
        d = json_object_get(ev, EVK_USER);
        buf_printf(b, "user %s %s", str(d, EVK_LOGIN_ID), str(d, EVK_STATE));
    } else if (strcmp(kind, EV_KIND_DIALOGS) == 0) {
        d = json_object_get(ev, EVK_DIALOGS);
        if (json_array_size(d) == 0)
            buf_puts(b, "dialogs: none");
        else
            buf_printf(b, "dialog %s %s", str(json_array_get(d, 0), EVK_ID),
                       str(json_array_get(d, 0), EVK_STATE));
        if (json_array_size(d) > 1)
            buf_printf(b, " +%zu", json_array_size(d) - 1);
    } else if (strcmp(kind, EV_KIND_TEAM) == 0) {
        buf_printf(b, "team %s", str(json_object_get(ev, EVK_TEAM), EVK_ID));
    } else if (strcmp(kind, EV_KIND_QUEUE) == 0) {
        d = json_object_get(ev, EVK_QUEUE);
        buf_printf(b, "queue %s", str(d, EVK_NAME));
    } else if (strcmp(kind, EV_KIND_SYSTEMINFO) == 0) {
        buf_printf(b, "system %s",
                   str(json_object_get(ev, EVK_SYSTEMINFO), EVK_STATUS));
    } else if (strcmp(kind, EV_KIND_MEDIA) == 0) {
        buf_printf(b, "media %s",
                   str(json_object_get(ev, EVK_MEDIA), EVK_STATE));
    } else if (strcmp(kind, EV_KIND_ERROR) == 0) {
        d = json_array_get(json_object_get(ev, EVK_ERRORS), 0);
        buf_printf(b, "apiError %s", str(d, EVK_ERROR_TYPE));
    } else { /* retract, purge, delete, subscription, xml, raw */
        buf_printf(b, "%s %s", kind, str(ev, EVK_NODE));
    }
}
