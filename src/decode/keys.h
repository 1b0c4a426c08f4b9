/*
 * The names in a decoded event (docs/events.md is the contract): the keys
 * the decoders write (finesse.c, decode.c, generic.c, capture.c), the
 * model reads (model/model.c) and the printer reads (event_out.c), and
 * the values of "kind" and "event" they compare. Nothing else spells
 * them, so a mistyped name is an undeclared identifier, not a field that
 * silently stays empty.
 *
 * String-literal macros rather than a table of const strings: the
 * decoders list fields in static initializers ({EVK_ID, EVK_URI, NULL}),
 * tests paste them into JSON text ("{\"" EVK_LOGIN_ID "\":…"), and a
 * literal costs no symbol or lookup.
 *
 * A field's key is Finesse's own element name, which is how finesse.c
 * finds it in the <Update> (ignoring case). The exceptions are said where
 * they are defined: the kind members, callVariables, and the envelope
 * keys perch adds (node, item, kind, raw, …).
 */
#ifndef PERCH_DECODE_KEYS_H
#define PERCH_DECODE_KEYS_H

/* --- the envelope: every event --- */
#define EVK_TIME "time"       /* watch/items: when printed; capture: delay */
#define EVK_SERVICE "service" /* the pubsub service's JID */
#define EVK_NODE "node"       /* the pubsub node */
#define EVK_ITEM "item"       /* the item's id */
#define EVK_EVENT "event"     /* <event>, upper-cased: POST, PUT, DELETE */
#define EVK_SOURCE "source"   /* <source> */
#define EVK_REQUEST_ID "requestId" /* <requestId> */
#define EVK_KIND "kind"            /* one of EV_KIND_* */
#define EVK_SANITIZED "sanitized"  /* true: invalid characters were removed */
#define EVK_RAW "raw"              /* kind raw: the payload text, cut */
#define EVK_RAW_LENGTH "rawLength" /* kind raw: the full length when cut */
#define EVK_ERROR "error"          /* kind raw: why it was not decoded */
#define EVK_XML "xml"              /* kind xml: the payload as XML text */
#define EVK_SUBSCRIPTION "subscription" /* kind subscription: its state */
#define EVK_RESYNC "resync" /* watch: true for an item fetched after a loss */

/* --- watch's session lines (kind "session") --- */
#define EV_KIND_SESSION "session"
#define EVK_CAUSE "cause"       /* why it was lost */
#define EVK_ATTEMPT "attempt"   /* reconnect attempt, from 1 */
#define EVK_RETRY_MS "retry_ms" /* lost: the next attempt in this many ms */
#define EVK_JID "jid"           /* online: the bound JID */
#define EVK_NODE_HOST "host"    /* session: the cluster node perch is on */
#define EVK_NODE_ROLE "role"    /* session: primary or secondary */

/* --- values of "kind" --- */
#define EV_KIND_USER "user"
#define EV_KIND_DIALOGS "dialogs"
#define EV_KIND_TEAM "team"
#define EV_KIND_QUEUE "queue"
#define EV_KIND_QUEUES "queues"
#define EV_KIND_SYSTEMINFO "systeminfo"
#define EV_KIND_MEDIA "media"
#define EV_KIND_ERROR "error"
#define EV_KIND_XML "xml"
#define EV_KIND_RAW "raw"
/* pubsub events that are not items: pubsub_event_kind_name()'s words
 * (test_pubsub.c checks that they agree) */
#define EV_KIND_ITEM                                                           \
    "item" /* decode_event()'s word for an item; never a kind */
#define EV_KIND_RETRACT "retract"
#define EV_KIND_PURGE "purge"
#define EV_KIND_DELETE "delete"
#define EV_KIND_SUBSCRIPTION "subscription"
#define EV_KIND_CONFIGURATION "configuration"

/* --- values of "event" and of fields the model interprets --- */
#define EV_EVENT_POST "POST"
#define EV_EVENT_PUT "PUT"
#define EV_EVENT_DELETE "DELETE"
#define EV_DIALOG_DROPPED "DROPPED"             /* a dialog's state */
#define EV_DIALOG_FAILED "FAILED"               /* a dialog's state */
#define EV_SUBSCRIPTION_SUBSCRIBED "subscribed" /* "subscription" */

/* --- the member holding a kind's data: named as its kind, but for
 * errors (from <data>'s root element, not a field) --- */
#define EVK_USER "user"
#define EVK_DIALOGS "dialogs" /* also a user's Dialogs URI */
#define EVK_TEAM "team"
#define EVK_QUEUE "queue"
#define EVK_QUEUES "queues"
#define EVK_SYSTEMINFO "systeminfo"
#define EVK_MEDIA "media"
#define EVK_ERRORS "errors"

/* --- fields several objects share --- */
#define EVK_ID "id"
#define EVK_URI "uri"
#define EVK_NAME "name"
#define EVK_STATE "state"
#define EVK_PENDING_STATE "pendingState"
#define EVK_STATE_CHANGE_TIME "stateChangeTime"
#define EVK_REASON_CODE_ID "reasonCodeId"
#define EVK_REASON_CODE "reasonCode"
#define EVK_MEDIA_TYPE "mediaType"
#define EVK_MEDIA_ID "mediaId"
#define EVK_STATUS "status"

/* --- user --- */
#define EVK_LOGIN_ID "loginId"
#define EVK_LOGIN_NAME "loginName"
#define EVK_FIRST_NAME "firstName"
#define EVK_LAST_NAME "lastName"
#define EVK_EXTENSION "extension"
#define EVK_TEAM_ID "teamId"
#define EVK_TEAM_NAME "teamName"
#define EVK_ROLES "roles"
#define EVK_TEAMS "teams"
#define EVK_SETTINGS "settings"
#define EVK_MOBILE_AGENT "mobileAgent"
/* reasonCode */
#define EVK_CODE "code"
#define EVK_LABEL "label"
#define EVK_CATEGORY "category"
#define EVK_FOR_ALL "forAll"
#define EVK_SYSTEM_CODE "systemCode"
/* settings */
#define EVK_WRAP_UP_ON_INCOMING "wrapUpOnIncoming"
#define EVK_WRAP_UP_ON_OUTGOING "wrapUpOnOutgoing"
#define EVK_DEVICE_SELECTION "deviceSelection"
/* mobileAgent */
#define EVK_MODE "mode"
#define EVK_DIAL_NUMBER "dialNumber"

/* --- dialog (the mediaProperties fields sit beside the others) --- */
#define EVK_FROM_ADDRESS "fromAddress"
#define EVK_TO_ADDRESS "toAddress"
#define EVK_CALL_TYPE "callType"
#define EVK_DNIS "DNIS"
#define EVK_DIALED_NUMBER "dialedNumber"
#define EVK_SECONDARY_ID "secondaryId"
#define EVK_ASSOCIATED_DIALOG_URI "associatedDialogUri"
#define EVK_CALLBACK_NUMBER "callbackNumber"
#define EVK_OUTBOUND_CLASSIFICATION "outboundClassification"
#define EVK_QUEUE_NUMBER "queueNumber"
#define EVK_QUEUE_NAME "queueName"
#define EVK_CALL_KEY_CALL_ID "callKeyCallId"
#define EVK_CALL_KEY_SEQUENCE_NUM "callKeySequenceNum"
#define EVK_CALL_KEY_PREFIX "callKeyPrefix"
#define EVK_WRAP_UP_REASON "wrapUpReason"
#define EVK_PARTICIPANTS "participants"
/* {"name":"value",…} from <callvariables><CallVariable><name/><value/> */
#define EVK_CALL_VARIABLES "callVariables"
/* the families of call variable names (the model tells them apart) */
#define EV_CALL_VAR_NUMBERED "callVariable" /* then 1 … 10 */
#define EV_CALL_VAR_ECC "user."             /* then NAME or NAME[i] */
#define EV_CALL_VAR_BA "BA"                 /* then the outbound name */
/* participant */
#define EVK_MEDIA_ADDRESS "mediaAddress"
#define EVK_MEDIA_ADDRESS_TYPE "mediaAddressType"
#define EVK_STATE_CAUSE "stateCause"
#define EVK_START_TIME "startTime"
#define EVK_ACTIONS "actions"

/* --- team --- */
#define EVK_USERS "users"

/* --- queue: the statistics are every child of <statistics>; these are
 * the ones Finesse documents and the model keeps --- */
#define EVK_STATISTICS "statistics"
#define EVK_CALLS_IN_QUEUE "callsInQueue"
#define EVK_START_TIME_OF_LONGEST_CALL "startTimeOfLongestCallInQueue"
#define EVK_AGENTS_READY "agentsReady"
#define EVK_AGENTS_NOT_READY "agentsNotReady"
#define EVK_AGENTS_BUSY_OTHER "agentsBusyOther"
#define EVK_AGENTS_LOGGED_ON "agentsLoggedOn"
#define EVK_AGENTS_TALKING_INBOUND "agentsTalkingInbound"
#define EVK_AGENTS_TALKING_OUTBOUND "agentsTalkingOutbound"
#define EVK_AGENTS_TALKING_INTERNAL "agentsTalkingInternal"
#define EVK_AGENTS_WRAP_UP_NOT_READY "agentsWrapUpNotReady"
#define EVK_AGENTS_WRAP_UP_READY "agentsWrapUpReady"

/* --- systeminfo --- */
#define EVK_STATUS_REASON "statusReason"
#define EVK_DEPLOYMENT_TYPE "deploymentType"
#define EVK_CURRENT_TIMESTAMP "currentTimestamp"
#define EVK_XMPP_DOMAIN "xmppDomain"
#define EVK_XMPP_PUBSUB_DOMAIN "xmppPubSubDomain"
#define EVK_PUBSUB_DOMAIN                                                      \
    "pubsubDomain" /* the same, as some releases name it */
#define EVK_LAST_CTI_HEARTBEAT_STATUS "lastCTIHeartbeatStatus"
#define EVK_TIMEZONE_OFFSET "timezoneOffset"
#define EVK_PRIMARY_NODE "primaryNode"
#define EVK_SECONDARY_NODE "secondaryNode"
#define EVK_HOST "host"

/* --- media --- */
#define EVK_MAX_DIALOG_LIMIT "maxDialogLimit"
#define EVK_INTERRUPT_ACTION "interruptAction"
#define EVK_DIALOG_LOGOUT_ACTION "dialogLogoutAction"
#define EVK_IS_LOGGED_IN "isLoggedIn"
#define EVK_ROUTABLE "routable"
#define EVK_IS_ROUTABLE "isRoutable"

/* --- errors[] (apiError) --- */
#define EVK_ERROR_TYPE "errorType"
#define EVK_ERROR_DATA "errorData"
#define EVK_ERROR_MESSAGE "errorMessage"
#define EVK_ERROR_MEDIA "errorMedia"
#define EVK_PERIPHERAL_ERROR_CODE "peripheralErrorCode"
#define EVK_PERIPHERAL_ERROR_MSG "peripheralErrorMsg"
#define EVK_PERIPHERAL_ERROR_TEXT "peripheralErrorText"

#endif
