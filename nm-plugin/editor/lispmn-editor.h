/* What the editor plugin (editor-plugin.c, no GTK) and the editor libraries (one built for
 * GTK 3, one for GTK 4 from the same sources) agree on: the libraries' file names and the
 * one function each exports. */
#pragma once

#include <NetworkManager.h>

G_BEGIN_DECLS

#define LMN_EDITOR_GTK3_LIBRARY   "libnm-vpn-plugin-lispmn-editor.so"
#define LMN_EDITOR_GTK4_LIBRARY   "libnm-gtk4-vpn-plugin-lispmn-editor.so"
#define LMN_EDITOR_FACTORY_SYMBOL "nm_vpn_editor_factory_lispmn"

typedef NMVpnEditor *(*LmnEditorFactory) (NMConnection *connection, GError **error);

__attribute__ ((visibility ("default"))) NMVpnEditor *
nm_vpn_editor_factory_lispmn (NMConnection *connection, GError **error);

G_END_DECLS
