/* Names and the type peek shared by all control messages. */
#include "lisp-message.h"

guint
lisp_message_type (const guint8 *data, gsize len)
{
  return len > 0 ? data[0] >> 4 : 0;
}

const char *
lisp_message_type_name (guint type)
{
  switch (type)
    {
    case LISP_TYPE_MAP_REQUEST:
      return "Map-Request";
    case LISP_TYPE_MAP_REPLY:
      return "Map-Reply";
    case LISP_TYPE_MAP_REGISTER:
      return "Map-Register";
    case LISP_TYPE_MAP_NOTIFY:
      return "Map-Notify";
    case LISP_TYPE_MAP_NOTIFY_ACK:
      return "Map-Notify-Ack";
    case LISP_TYPE_MAP_REFERRAL:
      return "Map-Referral";
    case LISP_TYPE_INFO:
      return "Info";
    case LISP_TYPE_ECM:
      return "Encapsulated Control Message";
    default:
      return "unknown";
    }
}

const char *
lisp_action_name (guint action)
{
  switch (action)
    {
    case LISP_ACTION_NO_ACTION:
      return "no-action";
    case LISP_ACTION_NATIVELY_FORWARD:
      return "natively-forward";
    case LISP_ACTION_SEND_MAP_REQUEST:
      return "send-map-request";
    case LISP_ACTION_DROP:
      return "drop";
    case LISP_ACTION_DROP_POLICY_DENIED:
      return "drop-policy-denied";
    case LISP_ACTION_DROP_AUTH_FAILURE:
      return "drop-auth-failure";
    default:
      return "unknown";
    }
}
