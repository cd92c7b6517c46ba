/* Data-Map-Notify (data-map-notify.h): the data header, then the same inner packet as an
 * ECM's, read and written by the ECM codec under a plain ECM first word. */
#include "data-map-notify.h"

#include "lisp-error.h"
#include "wire-data.h"

#include <string.h>

#define ECM_WORD_SIZE 4

gboolean
lisp_data_map_notify_decode (const guint8 *data, gsize len, LispEcm **out, GError **error)
{
  g_autofree guint8 *as_ecm = NULL;
  LispDataHeader h;
  gsize inner_len;

  *out = NULL;
  if (!lisp_data_header_decode (data, len, &h, error))
    return FALSE;
  if (!h.iid_present || h.iid != LISP_DATA_IID_CONTROL)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "a Data-Map-Notify needs instance ID 0x%06x in its data header",
                   LISP_DATA_IID_CONTROL);
      return FALSE;
    }
  /* An ECM word with no flag set: nothing but the inner packet follows it. */
  inner_len = len - LISP_DATA_HEADER_SIZE;
  as_ecm = g_malloc (ECM_WORD_SIZE + inner_len);
  memset (as_ecm, 0, ECM_WORD_SIZE);
  as_ecm[0] = (guint8) (LISP_TYPE_ECM << 4);
  memcpy (as_ecm + ECM_WORD_SIZE, data + LISP_DATA_HEADER_SIZE, inner_len);
  if (!lisp_ecm_decode (as_ecm, ECM_WORD_SIZE + inner_len, out, error))
    {
      /* The offsets are the ECM's: inner packet offset + 4. */
      g_prefix_error (error, "Data-Map-Notify inner packet (offsets + %u): ",
                      LISP_DATA_HEADER_SIZE - ECM_WORD_SIZE);
      return FALSE;
    }
  return TRUE;
}

GBytes *
lisp_data_map_notify_encode (const LispEcm *m, GError **error)
{
  LispEcm plain = *m;
  LispDataHeader h = { .iid_present = TRUE, .iid = LISP_DATA_IID_CONTROL };
  g_autoptr(GBytes) ecm = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 header[LISP_DATA_HEADER_SIZE];
  gsize ecm_len;

  plain.security = plain.ddt = plain.to_etr = plain.to_ms = FALSE;
  plain.security_data = NULL;
  ecm = lisp_ecm_encode (&plain, error);
  if (ecm == NULL)
    return NULL;
  if (!lisp_data_header_encode (&h, header, error))
    return NULL;
  g_byte_array_append (out, header, sizeof header);
  ecm_len = g_bytes_get_size (ecm);
  g_byte_array_append (out, (const guint8 *) g_bytes_get_data (ecm, NULL) + ECM_WORD_SIZE,
                       ecm_len - ECM_WORD_SIZE);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
