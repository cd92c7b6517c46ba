#include "ctl-output.h"

#include <string.h>

const char *
lmn_ctl_dict_string (GVariant *dict, const char *key)
{
  const char *s = NULL;

  if (!g_variant_lookup (dict, key, "&s", &s))
    return "";
  return s;
}

guint
lmn_ctl_dict_byte (GVariant *dict, const char *key)
{
  guint8 v = 0;

  g_variant_lookup (dict, key, "y", &v);
  return v;
}

/* What an RLOC's NAT keys say, for the NAT column: "public", "NAT 198.51.100.7:40123 via
 * 203.0.113.1", "probing" ...; "" when lispmnd does not say (older daemons). */
static gchar *
nat_text (GVariant *r)
{
  const char *nat = NULL, *rtr = lmn_ctl_dict_string (r, "rtr");
  const char *public_address = lmn_ctl_dict_string (r, "public-address");
  guint16 port = 0;
  g_autoptr(GString) text = g_string_new (NULL);

  if (!g_variant_lookup (r, "nat", "&s", &nat))
    return g_strdup ("");
  g_variant_lookup (r, "public-port", "q", &port);
  if (!g_str_equal (nat, "behind-nat"))
    return g_strdup (nat);
  g_string_append (text, "NAT");
  if (*public_address != '\0')
    g_string_append_printf (text, strchr (public_address, ':') != NULL ? " [%s]" : " %s",
                            public_address);
  if (*public_address != '\0' && port != 0)
    g_string_append_printf (text, ":%u", port);
  if (*rtr != '\0')
    g_string_append_printf (text, " via %s", rtr);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gint
compare_rlocs (gconstpointer a, gconstpointer b)
{
  GVariant *ra = *(GVariant *const *) a, *rb = *(GVariant *const *) b;
  gint by_priority = (gint) lmn_ctl_dict_byte (ra, "priority") -
                     (gint) lmn_ctl_dict_byte (rb, "priority");
  gint by_interface = g_strcmp0 (lmn_ctl_dict_string (ra, "interface"),
                                 lmn_ctl_dict_string (rb, "interface"));

  if (by_priority != 0)
    return by_priority;
  return by_interface != 0
           ? by_interface
           : g_strcmp0 (lmn_ctl_dict_string (ra, "address"), lmn_ctl_dict_string (rb, "address"));
}

/* The list's dictionaries, in a GPtrArray that owns them. */
GPtrArray *
lmn_ctl_dict_array (GVariant *list)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariantIter iter;
  GVariant *item;

  if (list == NULL)
    return items;
  g_variant_iter_init (&iter, list);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    g_ptr_array_add (items, item);
  return items;
}

/* Rows of cells printed as columns as wide as their widest cell (long IPv6 addresses
 * included); the last column is not padded. */
static void
print_table (GPtrArray *rows, const char *indent)
{
  guint columns = 0;
  g_autofree guint *width = NULL;

  for (guint i = 0; i < rows->len; i++)
    columns = MAX (columns, g_strv_length (g_ptr_array_index (rows, i)));
  width = g_new0 (guint, columns + 1);
  for (guint i = 0; i < rows->len; i++)
    {
      gchar **row = g_ptr_array_index (rows, i);

      for (guint c = 0; row[c] != NULL; c++)
        width[c] = MAX (width[c], (guint) g_utf8_strlen (row[c], -1));
    }
  for (guint i = 0; i < rows->len; i++)
    {
      gchar **row = g_ptr_array_index (rows, i);
      g_autoptr(GString) line = g_string_new (indent);

      for (guint c = 0; row[c] != NULL; c++)
        {
          g_string_append (line, row[c]);
          if (row[c + 1] != NULL)
            for (guint pad = g_utf8_strlen (row[c], -1); pad < width[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

static gchar **row_new (const char *first, ...) G_GNUC_NULL_TERMINATED;

static gchar **
row_new (const char *first, ...)
{
  GPtrArray *cells = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *cell = first; cell != NULL; cell = va_arg (args, const char *))
    g_ptr_array_add (cells, g_strdup (cell));
  va_end (args);
  g_ptr_array_add (cells, NULL);
  return (gchar **) g_ptr_array_free (cells, FALSE);
}

/* The RLOCs by priority (the preferred first), with a NAT column when lispmnd reports NAT
 * state for any of them. */
void
lmn_ctl_print_rlocs (GVariant *list, const char *indent)
{
  g_autoptr(GPtrArray) rlocs = lmn_ctl_dict_array (list);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean any_nat = FALSE;

  if (rlocs->len == 0)
    {
      g_print ("%snone\n", indent);
      return;
    }
  g_ptr_array_sort (rlocs, compare_rlocs);
  for (guint i = 0; i < rlocs->len; i++)
    {
      g_autofree gchar *nat = nat_text (g_ptr_array_index (rlocs, i));

      any_nat |= nat[0] != '\0';
    }
  g_ptr_array_add (rows,
                   row_new ("INTERFACE", "ADDRESS", "PRIORITY", "WEIGHT", "STATE",
                            any_nat ? "NAT" : "CONNECTION", any_nat ? "CONNECTION" : NULL, NULL));
  for (guint i = 0; i < rlocs->len; i++)
    {
      GVariant *r = g_ptr_array_index (rlocs, i);
      g_autofree gchar *priority = g_strdup_printf ("%u", lmn_ctl_dict_byte (r, "priority"));
      g_autofree gchar *weight = g_strdup_printf ("%u", lmn_ctl_dict_byte (r, "weight"));
      g_autofree gchar *nat = nat_text (r);
      const char *connection = lmn_ctl_dict_string (r, "connection");

      g_ptr_array_add (rows, row_new (lmn_ctl_dict_string (r, "interface"),
                                      lmn_ctl_dict_string (r, "address"), priority, weight,
                                      lmn_ctl_dict_string (r, "state"),
                                      any_nat ? (nat[0] != '\0' ? nat : "-") : connection,
                                      any_nat ? connection : NULL, NULL));
    }
  print_table (rows, indent);
}

/* Seconds since lispmnd last heard from the map-server, -1 when never. */
gint64
lmn_ctl_seconds_since_notify (GVariant *s)
{
  gint64 last = 0;

  g_variant_lookup (s, "last-map-notify", "x", &last);
  return last > 0 ? MAX (g_get_real_time () / G_USEC_PER_SEC - last, 0) : -1;
}

void
lmn_ctl_print_map_servers (GVariant *list, const char *indent)
{
  g_autoptr(GPtrArray) servers = lmn_ctl_dict_array (list);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  if (servers->len == 0)
    {
      g_print ("%snone\n", indent);
      return;
    }
  g_ptr_array_add (rows, row_new ("ADDRESS", "STATE", "LAST MAP-NOTIFY", "LAST ERROR", NULL));
  for (guint i = 0; i < servers->len; i++)
    {
      GVariant *s = g_ptr_array_index (servers, i);
      gint64 ago = lmn_ctl_seconds_since_notify (s);
      g_autofree gchar *last = ago >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT " s ago", ago)
                                        : g_strdup ("never");
      const char *error = lmn_ctl_dict_string (s, "last-error");

      const char *state = lmn_ctl_dict_string (s, "state");

      /* The map-server answered every Map-Register with a Map-Notify we could not verify:
       * that is what a wrong key looks like from here. */
      if (g_str_equal (state, "auth-failed"))
        state = "auth-failed (wrong key)";
      else if (g_str_equal (state, "unreachable"))
        state = "unreachable (not answering)";
      g_ptr_array_add (rows, row_new (lmn_ctl_dict_string (s, "address"), state, last,
                                      error[0] != '\0' ? error : "-", NULL));
    }
  print_table (rows, indent);
}
