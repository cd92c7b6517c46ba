/* The editor's uplink table (see editor-uplinks.h): a grid of rows, name | priority |
 * weight, one more empty row on "Add uplink". A row with an empty name and empty numbers is
 * no row; the rest is checked by vpn-data.c like any vpn.data item. */
#include "editor-uplinks.h"

#include "vpn-data.h"

#include <string.h>

#define PRIORITY_PREFIX "rloc-priority."
#define WEIGHT_PREFIX   "rloc-weight."

typedef struct {
  GtkWidget *name, *priority, *weight;
} Row;

struct _LmnUplinks {
  GtkWidget *grid;
  GtkWidget *error; /* the label under the table */
  GArray *rows;     /* Row */
  void (*changed) (gpointer);
  gpointer data;
};

static void
on_changed (GtkWidget *entry, gpointer user_data)
{
  LmnUplinks *uplinks = user_data;

  uplinks->changed (uplinks->data);
}

static GtkWidget *
cell (LmnUplinks *uplinks, const char *what, guint row, guint column, const char *text, int width)
{
  GtkWidget *entry = gtk_entry_new ();
  g_autofree gchar *name = g_strdup_printf ("uplink-%s-%u", what, row);

  gtk_widget_set_name (entry, name);
  compat_entry_width (entry, width);
  gtk_widget_set_hexpand (entry, column == 0);
  compat_entry_set_text (entry, text != NULL ? text : "");
  g_signal_connect (entry, "changed", G_CALLBACK (on_changed), uplinks);
  /* Row 0 of the grid is the header. */
  gtk_grid_attach (GTK_GRID (uplinks->grid), entry, column, row + 1, 1, 1);
  return entry;
}

static void
add_row (LmnUplinks *uplinks, const char *name, const char *priority, const char *weight)
{
  Row row;
  guint n = uplinks->rows->len;

  row.name = cell (uplinks, "name", n, 0, name, 16);
  row.priority = cell (uplinks, "priority", n, 1, priority, 5);
  row.weight = cell (uplinks, "weight", n, 2, weight, 5);
  gtk_entry_set_placeholder_text (GTK_ENTRY (row.name), "eth0, wlan0 or a connection");
  g_array_append_val (uplinks->rows, row);
}

static void
on_add (GtkButton *button, gpointer user_data)
{
  LmnUplinks *uplinks = user_data;

  add_row (uplinks, NULL, NULL, NULL);
  compat_show_all (uplinks->grid);
}

static void
collect_name (const char *key, const char *value, gpointer user_data)
{
  GPtrArray *names = user_data;
  const char *name = NULL;

  if (g_str_has_prefix (key, PRIORITY_PREFIX))
    name = key + strlen (PRIORITY_PREFIX);
  else if (g_str_has_prefix (key, WEIGHT_PREFIX))
    name = key + strlen (WEIGHT_PREFIX);
  if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
    g_ptr_array_add (names, g_strdup (name));
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

LmnUplinks *
lmn_uplinks_new (NMSettingVpn *s_vpn, void (*changed) (gpointer), gpointer data)
{
  LmnUplinks *uplinks = g_new0 (LmnUplinks, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  static const char *const headers[] = { "Uplink", "Priority", "Weight" };

  uplinks->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  uplinks->changed = changed;
  uplinks->data = data;
  uplinks->grid = g_object_ref_sink (gtk_grid_new ());
  gtk_widget_set_name (uplinks->grid, "uplinks");
  gtk_grid_set_row_spacing (GTK_GRID (uplinks->grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (uplinks->grid), 6);
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      GtkWidget *label = gtk_label_new (headers[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_grid_attach (GTK_GRID (uplinks->grid), label, i, 0, 1, 1);
    }
  if (s_vpn != NULL)
    nm_setting_vpn_foreach_data_item (s_vpn, collect_name, names);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree gchar *pkey = g_strconcat (PRIORITY_PREFIX, name, NULL);
      g_autofree gchar *wkey = g_strconcat (WEIGHT_PREFIX, name, NULL);

      add_row (uplinks, name, nm_setting_vpn_get_data_item (s_vpn, pkey),
               nm_setting_vpn_get_data_item (s_vpn, wkey));
    }
  add_row (uplinks, NULL, NULL, NULL);
  return uplinks;
}

GtkWidget *
lmn_uplinks_widget (LmnUplinks *uplinks)
{
  GtkWidget *box = gtk_grid_new ();
  GtkWidget *add = gtk_button_new_with_label ("Add uplink");

  gtk_widget_set_name (add, "uplink-add");
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  g_signal_connect (add, "clicked", G_CALLBACK (on_add), uplinks);
  uplinks->error = gtk_label_new (NULL);
  gtk_widget_set_name (uplinks->error, "uplinks-error");
  gtk_label_set_xalign (GTK_LABEL (uplinks->error), 0.0);
  compat_label_wrap (uplinks->error);
  compat_add_class (uplinks->error, "error");
  compat_start_hidden (uplinks->error);
  gtk_grid_set_row_spacing (GTK_GRID (box), 4);
  gtk_grid_attach (GTK_GRID (box), uplinks->grid, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (box), add, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (box), uplinks->error, 0, 2, 1, 1);
  return box;
}

void
lmn_uplinks_free (LmnUplinks *uplinks)
{
  if (uplinks == NULL)
    return;
  g_array_unref (uplinks->rows);
  g_object_unref (uplinks->grid);
  g_free (uplinks);
}

/* One cell: its item appended when good, marked when bad. */
static gboolean
collect_cell (GtkWidget *entry, const char *prefix, const char *name, GPtrArray *keys,
              GPtrArray *values, GError **error)
{
  g_autofree gchar *value = g_strstrip (g_strdup (compat_entry_get_text (entry)));
  g_autofree gchar *key = g_strconcat (prefix, name, NULL);
  g_autoptr(GError) local = NULL;

  compat_mark (entry, NULL, NULL);
  if (value[0] == '\0')
    return TRUE;
  if (!lmn_vpn_data_check_item (key, value, &local))
    {
      compat_mark (entry, NULL, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_ptr_array_add (keys, g_steal_pointer (&key));
  g_ptr_array_add (values, g_steal_pointer (&value));
  return TRUE;
}

gboolean
lmn_uplinks_collect (LmnUplinks *uplinks, GPtrArray *keys, GPtrArray *values, GError **error)
{
  g_autoptr(GError) first = NULL;

  for (guint i = 0; i < uplinks->rows->len; i++)
    {
      Row *row = &g_array_index (uplinks->rows, Row, i);
      g_autofree gchar *name = g_strstrip (g_strdup (compat_entry_get_text (row->name)));
      g_autoptr(GError) bad_priority = NULL;
      g_autoptr(GError) bad_weight = NULL;

      collect_cell (row->priority, PRIORITY_PREFIX, name, keys, values, &bad_priority);
      collect_cell (row->weight, WEIGHT_PREFIX, name, keys, values, &bad_weight);
      /* A name problem (empty with numbers given) is the name's cell's to show. */
      compat_mark (row->name, NULL, NULL);
      if (name[0] == '\0' && (bad_priority != NULL || bad_weight != NULL))
        compat_mark (row->name, NULL, (bad_priority != NULL ? bad_priority : bad_weight)->message);
      if (first == NULL && bad_priority != NULL)
        first = g_steal_pointer (&bad_priority);
      if (first == NULL && bad_weight != NULL)
        first = g_steal_pointer (&bad_weight);
    }
  gtk_label_set_text (GTK_LABEL (uplinks->error), first != NULL ? first->message : "");
  gtk_widget_set_visible (uplinks->error, first != NULL);
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}
