/* The few calls that differ between GTK 3 and GTK 4, so that one source builds both editor
 * libraries (nm-connection-editor is GTK 3, GNOME Settings GTK 4). */
#pragma once

#include <gtk/gtk.h>

#if GTK_CHECK_VERSION(4, 0, 0)
#define compat_entry_get_text(e)      gtk_editable_get_text (GTK_EDITABLE (e))
#define compat_entry_set_text(e, t)   gtk_editable_set_text (GTK_EDITABLE (e), (t))
#define compat_check_get_active(c)    gtk_check_button_get_active (GTK_CHECK_BUTTON (c))
#define compat_check_set_active(c, a) gtk_check_button_set_active (GTK_CHECK_BUTTON (c), (a))
#define compat_add_class(w, c)        gtk_widget_add_css_class ((w), (c))
#define compat_remove_class(w, c)     gtk_widget_remove_css_class ((w), (c))
#define compat_label_wrap(l)          gtk_label_set_wrap (GTK_LABEL (l), TRUE)
#define compat_show_all(w)            ((void) 0)
#define compat_start_hidden(w)        gtk_widget_set_visible ((w), FALSE)
#define compat_entry_width(e, n)                                                                   \
  (gtk_editable_set_width_chars (GTK_EDITABLE (e), (n)),                                           \
   gtk_editable_set_max_width_chars (GTK_EDITABLE (e), (n)))
#else
#define compat_entry_get_text(e)      gtk_entry_get_text (GTK_ENTRY (e))
#define compat_entry_set_text(e, t)   gtk_entry_set_text (GTK_ENTRY (e), (t))
#define compat_check_get_active(c)    gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (c))
#define compat_check_set_active(c, a) gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (c), (a))
#define compat_add_class(w, c)        gtk_style_context_add_class (gtk_widget_get_style_context (w), (c))
#define compat_remove_class(w, c)                                                                  \
  gtk_style_context_remove_class (gtk_widget_get_style_context (w), (c))
#define compat_label_wrap(l)   gtk_label_set_line_wrap (GTK_LABEL (l), TRUE)
#define compat_show_all(w)     gtk_widget_show_all (w)
/* Not shown by gtk_widget_show_all: only when it has something to say. */
#define compat_start_hidden(w) gtk_widget_set_no_show_all ((w), TRUE)
#define compat_entry_width(e, n)                                                                   \
  (gtk_entry_set_width_chars (GTK_ENTRY (e), (n)),                                                 \
   gtk_entry_set_max_width_chars (GTK_ENTRY (e), (n)))
#endif

/* An entry's problem shown in the form: the entry drawn as an error, its tooltip and the
 * label under it saying why; message NULL clears it. */
static inline void
compat_mark (GtkWidget *entry, GtkWidget *label, const char *message)
{
  if (message != NULL)
    compat_add_class (entry, "error");
  else
    compat_remove_class (entry, "error");
  gtk_widget_set_tooltip_text (entry, message);
  if (label != NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), message != NULL ? message : "");
      gtk_widget_set_visible (label, message != NULL);
    }
}
