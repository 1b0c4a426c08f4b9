/* The Update documents of a Finesse Notification Service, in its element
 * order (see tests/fixtures/finesse/), text escaped once. */
#include "base/buf.h"
#include "base/xml_escape.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

/* <name>text</name>, text escaped (NULL: empty). */
static void el(struct buf *b, const char *name, const char *text)
{
    buf_printf(b, "<%s>", name);
    if (text)
        xml_escape_str(b, text, XML_ALL);
    buf_printf(b, "</%s>", name);
}

static void el_int(struct buf *b, const char *name, int v)
{
    buf_printf(b, "<%s>%d</%s>", name, v, name);
}

static void open_update(struct buf *b)
{
    buf_puts(b, "<Update><data>");
}

static void close_update(struct buf *b, const char *event, const char *source)
{
    buf_puts(b, "</data>");
    el(b, "event", event);
    buf_puts(b, "<requestId></requestId>");
    el(b, "source", source);
    buf_puts(b, "</Update>");
}

static void reason_code(struct buf *b, const struct sim_reason *r)
{
    buf_puts(b, "<ReasonCode>");
    el(b, "category", r->category);
    el(b, "code", r->code);
    el(b, "label", r->label);
    buf_puts(b, "<forAll>true</forAll>");
    el(b, "id", r->id);
    buf_printf(b, "<uri>/finesse/api/ReasonCode/%s</uri></ReasonCode>", r->id);
}

void sim_xml_user(struct buf *b, const struct sim_user *u)
{
    open_update(b);
    sim_xml_user_data(b, "user", u);
    buf_printf(b,
               "</data><event>PUT</event><requestId></requestId>"
               "<source>/finesse/api/User/%s</source></Update>",
               u->login_id);
}

void sim_xml_user_data(struct buf *b, const char *root,
                       const struct sim_user *u)
{
    buf_printf(b, "<%s><dialogs>/finesse/api/User/%s/Dialogs</dialogs>", root,
               u->login_id);
    el(b, "extension", u->extension);
    el(b, "firstName", u->first);
    el(b, "lastName", u->last);
    el(b, "loginId", u->login_id);
    el(b, "loginName", u->login_name);
    buf_puts(b, "<mediaType>1</mediaType>");
    el(b, "pendingState", u->pending);
    if (u->reason)
        reason_code(b, u->reason);
    el(b, "reasonCodeId", u->reason ? u->reason->id : "-1");
    buf_puts(b, "<roles><role>Agent</role></roles><settings><wrapUpOnIncoming>"
                "OPTIONAL</wrapUpOnIncoming></settings>");
    el(b, "state", u->state);
    el(b, "stateChangeTime", u->state_time);
    el(b, "teamId", u->team_id);
    el(b, "teamName", u->team_name);
    buf_printf(b, "<uri>/finesse/api/User/%s</uri></%s>", u->login_id, root);
}

void sim_xml_team_user(struct buf *b, const struct sim_user *u)
{
    open_update(b);
    sim_xml_team_user_data(b, "user", u);
    buf_printf(b,
               "</data><event>PUT</event><requestId></requestId>"
               "<source>/finesse/api/User/%s</source></Update>",
               u->login_id);
}

void sim_xml_team_user_data(struct buf *b, const char *root,
                            const struct sim_user *u)
{
    buf_printf(b, "<%s><uri>/finesse/api/User/%s</uri>", root, u->login_id);
    el(b, "loginId", u->login_id);
    el(b, "loginName", u->login_name);
    el(b, "firstName", u->first);
    el(b, "lastName", u->last);
    el(b, "extension", u->extension);
    el(b, "state", u->state);
    el(b, "pendingState", u->pending);
    el(b, "stateChangeTime", u->state_time);
    if (u->reason)
        reason_code(b, u->reason);
    el(b, "reasonCodeId", u->reason ? u->reason->id : "-1");
    buf_printf(b, "</%s>", root);
}

static void participant(struct buf *b, const struct sim_party *p)
{
    size_t i;

    buf_puts(b, "<Participant><actions>");
    for (i = 0; p->actions && p->actions[i]; i++)
        el(b, "action", p->actions[i]);
    buf_puts(b, "</actions>");
    el(b, "mediaAddress", p->address);
    el(b, "mediaAddressType", p->agent ? "AGENT_DEVICE" : "");
    el(b, "startTime", p->start_time);
    el(b, "state", p->state);
    el(b, "stateCause", p->cause);
    el(b, "stateChangeTime", p->state_time);
    buf_puts(b, "</Participant>");
}

void sim_xml_dialog_data(struct buf *b, const struct sim_dialog *d)
{
    size_t i;

    buf_puts(b, "<Dialog><associatedDialogUri></associatedDialogUri>");
    el(b, "fromAddress", d->from);
    el(b, "id", d->id);
    buf_puts(b, "<mediaProperties>");
    el(b, "DNIS", d->dnis);
    el(b, "callType", d->call_type);
    el(b, "dialedNumber", d->to);
    buf_puts(b, "<outboundClassification></outboundClassification>");
    el(b, "queueNumber", d->queue_number);
    el(b, "queueName", d->queue_name);
    buf_puts(b, "<callvariables>");
    for (i = 0; i < d->nvars; i++) {
        buf_puts(b, "<CallVariable>");
        el(b, "name", d->vars[i].name);
        el(b, "value", d->vars[i].value);
        buf_puts(b, "</CallVariable>");
    }
    buf_puts(b, "</callvariables></mediaProperties>"
                "<mediaType>Voice</mediaType><participants>");
    for (i = 0; i < d->nparties; i++)
        participant(b, &d->parties[i]);
    buf_puts(b, "</participants>");
    el(b, "state", d->state);
    el(b, "toAddress", d->to);
    buf_printf(b, "<uri>/finesse/api/Dialog/%s</uri></Dialog>", d->id);
}

void sim_xml_dialog(struct buf *b, const char *event, const char *user_id,
                    const struct sim_dialog *d)
{
    char source[96];

    open_update(b);
    if (strcmp(event, "PUT") == 0) {
        sim_xml_dialog_data(b, d);
        buf_puts(b, "</data><event>PUT</event><requestId></requestId>");
        buf_printf(b, "<source>/finesse/api/Dialog/%s</source></Update>",
                   d->id);
        return;
    }
    buf_puts(b, "<dialogs>");
    sim_xml_dialog_data(b, d);
    buf_puts(b, "</dialogs>");
    snprintf(source, sizeof source, "/finesse/api/User/%s/Dialogs", user_id);
    close_update(b, event, source);
}

void sim_xml_queue_data(struct buf *b, const struct sim_queue_stats *q)
{
    buf_printf(b, "<Queue><uri>/finesse/api/Queue/%s</uri>", q->id);
    el(b, "name", q->name);
    buf_puts(b, "<statistics>");
    el_int(b, "callsInQueue", q->calls);
    el(b, "startTimeOfLongestCallInQueue", q->longest);
    el_int(b, "agentsReady", q->ready);
    el_int(b, "agentsNotReady", q->not_ready);
    el_int(b, "agentsBusyOther", q->busy_other);
    el_int(b, "agentsLoggedOn", q->logged_on);
    el_int(b, "agentsTalkingInbound", q->talking_in);
    el_int(b, "agentsTalkingOutbound", q->talking_out);
    el_int(b, "agentsTalkingInternal", q->talking_internal);
    el_int(b, "agentsWrapUpNotReady", q->wrapup_not_ready);
    el_int(b, "agentsWrapUpReady", q->wrapup_ready);
    buf_puts(b, "</statistics></Queue>");
}

void sim_xml_queue(struct buf *b, const struct sim_queue_stats *q)
{
    char source[64];

    open_update(b);
    sim_xml_queue_data(b, q);
    snprintf(source, sizeof source, "/finesse/api/Queue/%s", q->id);
    close_update(b, "PUT", source);
}

void sim_xml_user_queues(struct buf *b, const char *user_id,
                         const struct sim_queue_stats *q, size_t n)
{
    char source[96];
    size_t i;

    open_update(b);
    buf_puts(b, "<Queues>");
    for (i = 0; i < n; i++)
        sim_xml_queue_data(b, &q[i]);
    buf_puts(b, "</Queues>");
    snprintf(source, sizeof source, "/finesse/api/User/%s/Queues", user_id);
    close_update(b, "POST", source);
}

/* <name><host>host</host></name> when host is not NULL. */
static void node_host(struct buf *b, const char *name, const char *host)
{
    if (host == NULL)
        return;
    buf_printf(b, "<%s>", name);
    el(b, "host", host);
    buf_printf(b, "</%s>", name);
}

void sim_xml_systeminfo_data(struct buf *b, const char *status,
                             const char *reason, const char *now,
                             const char *domain, const char *primary,
                             const char *secondary)
{
    buf_puts(b, "<SystemInfo>");
    el(b, "currentTimestamp", now);
    buf_puts(b, "<deploymentType>UCCE</deploymentType>");
    node_host(b, "primaryNode", primary);
    node_host(b, "secondaryNode", secondary);
    el(b, "status", status);
    el(b, "statusReason", reason);
    el(b, "xmppDomain", domain);
    buf_puts(b, "<xmppPubSubDomain>pubsub.");
    xml_escape_str(b, domain, XML_ALL);
    buf_puts(b, "</xmppPubSubDomain><uri>/finesse/api/SystemInfo</uri>"
                "</SystemInfo>");
}

void sim_xml_systeminfo(struct buf *b, const char *status, const char *reason,
                        const char *now, const char *domain,
                        const char *primary, const char *secondary)
{
    open_update(b);
    sim_xml_systeminfo_data(b, status, reason, now, domain, primary, secondary);
    close_update(b, "PUT", "/finesse/api/SystemInfo");
}

void sim_xml_api_errors(struct buf *b, const struct sim_api_error *e)
{
    buf_puts(b, "<ApiErrors><ApiError>");
    el(b, "ErrorType", e->type);
    el(b, "ErrorData", e->data);
    el(b, "ErrorMessage", e->message);
    buf_puts(b, "</ApiError></ApiErrors>");
}

void sim_xml_api_errors_update(struct buf *b, const struct sim_api_error *e,
                               const char *source)
{
    open_update(b);
    buf_puts(b, "<apiErrors><apiError>");
    el(b, "errorType", e->type);
    el(b, "errorData", e->data);
    el(b, "errorMessage", e->message);
    buf_puts(b, "</apiError></apiErrors>");
    close_update(b, "PUT", source);
}

void sim_xml_team(struct buf *b, const char *id, const char *name,
                  const struct sim_user *users, size_t n)
{
    size_t i;

    buf_puts(b, "<Team>");
    el(b, "id", id);
    el(b, "name", name);
    buf_printf(b, "<uri>/finesse/api/Team/%s</uri><users>", id);
    for (i = 0; i < n; i++)
        sim_xml_team_user_data(b, "User", &users[i]);
    buf_puts(b, "</users></Team>");
}
