"""One GTK version's half of test_editor.py (GTK 3 and GTK 4 cannot share a process): the
editor plugin loaded through libnm from a .name file as nm-connection-editor and GNOME
Settings load it, its editor widget filled in by widget name, the connection read back and
compared; invalid fields refused with vpn-data.c's messages and marked in the form; the
password-storage flags kept; a screenshot of the filled editor.

Run by test_editor.py: editor_child.py GTK-VERSION NAME-FILE SCREENSHOT."""
import os
import subprocess
import sys
import time
import unittest

import gi

GTK = sys.argv[1]
NAME_FILE = sys.argv[2]
SCREENSHOT = sys.argv[3]
gi.require_version("Gtk", GTK)
gi.require_version("NM", "1.0")
from gi.repository import GLib, Gtk, NM  # noqa: E402

SERVICE = "org.freedesktop.NetworkManager.lispmn"
GTK4 = GTK == "4.0"
if GTK4:
    Gtk.init()
else:
    Gtk.init([])

FILLED = {
    "eid": "192.0.2.10 2001:db8:e1d::10",
    "map-server": "198.51.100.66",
    "map-server-key-id": "3",
    "map-resolver": "198.51.100.67 198.51.100.66",
    "proxy-etr": "198.51.100.74",
    "instance-id": "7",
    "mtu": "1400",
    "nat-keepalive-interval": "30",
}
UPLINKS = [("eth0", "1", "50"), ("wlan0", "2", "")]
EXPECTED_DATA = dict(FILLED, **{
    "map-server-algorithm": "hmac-sha-1",
    "nat-traversal": "on",
    "map-server-key-flags": "0",
    "rloc-priority.eth0": "1",
    "rloc-weight.eth0": "50",
    "rloc-priority.wlan0": "2",
})
KEY = "s3cret-key"


def children(widget):
    if GTK4:
        child = widget.get_first_child()
        while child is not None:
            yield child
            child = child.get_next_sibling()
    elif isinstance(widget, Gtk.Container):
        yield from widget.get_children()


def find(root, name):
    if root.get_name() == name:
        return root
    for child in children(root):
        found = find(child, name)
        if found is not None:
            return found
    return None


def set_text(root, name, text):
    widget = find(root, name)
    assert widget is not None, f"no widget {name}"
    widget.set_text(text)


def new_connection(data=None, secrets=None, flags=None):
    connection = NM.SimpleConnection.new()
    s_con = NM.SettingConnection.new()
    s_con.props.id = "lisp"
    s_con.props.uuid = NM.utils_uuid_generate()
    s_con.props.type = "vpn"
    connection.add_setting(s_con)
    s_vpn = NM.SettingVpn.new()
    s_vpn.props.service_type = SERVICE
    for key, value in (data or {}).items():
        s_vpn.add_data_item(key, value)
    for key, value in (secrets or {}).items():
        s_vpn.add_secret(key, value)
    if flags is not None:
        s_vpn.set_secret_flags("map-server-key", flags)
    connection.add_setting(s_vpn)
    return connection


def vpn_data(connection):
    s_vpn = connection.get_setting_vpn()
    return {k: s_vpn.get_data_item(k) for k in s_vpn.get_data_keys()}


def pump(seconds=0.2):
    deadline = time.monotonic() + seconds
    context = GLib.MainContext.default()
    while time.monotonic() < deadline:
        context.iteration(False)
        time.sleep(0.01)


class EditorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        info = NM.VpnPluginInfo.new_from_file(NAME_FILE)
        cls.plugin = info.load_editor_plugin()

    def editor(self, connection):
        editor = self.plugin.get_editor(connection)
        form = editor.get_widget()
        self.assertIsNotNone(form)
        self.assertEqual(form.get_name(), "lispmn-editor")
        return editor, form

    def fill(self, form):
        for name, text in FILLED.items():
            set_text(form, name, text)
        set_text(form, "map-server-key", KEY)
        find(form, "map-server-algorithm").set_active_id("hmac-sha-1")
        find(form, "nat-traversal").set_active_id("on")
        find(form, "split").set_active(True)
        for row, (name, priority, weight) in enumerate(UPLINKS):
            if row > 0:
                find(form, "uplink-add").emit("clicked")
            set_text(form, f"uplink-name-{row}", name)
            set_text(form, f"uplink-priority-{row}", priority)
            set_text(form, f"uplink-weight-{row}", weight)

    def filled(self):
        connection = new_connection()
        editor, form = self.editor(connection)
        self.fill(form)
        return connection, editor, form

    def test_plugin(self):
        self.assertEqual(self.plugin.props.service, SERVICE)
        self.assertIn("lispmn", self.plugin.props.name)
        caps = self.plugin.get_capabilities()
        for cap in (NM.VpnEditorPluginCapability.IMPORT, NM.VpnEditorPluginCapability.EXPORT,
                    NM.VpnEditorPluginCapability.IPV6):
            self.assertTrue(caps & cap, cap)

    def test_fill_and_read_back(self):
        connection, editor, form = self.filled()
        self.assertTrue(editor.update_connection(connection))
        self.assertEqual(vpn_data(connection), EXPECTED_DATA)
        self.assertEqual(connection.get_setting_vpn().get_secret("map-server-key"), KEY)
        self.assertTrue(connection.get_setting_ip4_config().props.never_default)
        self.assertTrue(connection.get_setting_ip6_config().props.never_default)
        # The service's own checks accept what the editor wrote.
        self.assertTrue(connection.verify())

        # The editor of the saved profile shows it, and writes it back unchanged.
        again = new_connection(vpn_data(connection), {"map-server-key": KEY})
        again.add_setting(connection.get_setting_ip4_config().duplicate())
        editor2, form2 = self.editor(again)
        for name, text in FILLED.items():
            self.assertEqual(find(form2, name).get_text(), text, name)
        self.assertEqual(find(form2, "map-server-algorithm").get_active_id(), "hmac-sha-1")
        self.assertEqual(find(form2, "uplink-name-0").get_text(), "eth0")
        self.assertEqual(find(form2, "uplink-weight-1").get_text(), "")
        self.assertTrue(find(form2, "split").get_active())
        self.assertTrue(editor2.update_connection(again))
        self.assertEqual(vpn_data(again), EXPECTED_DATA)

    def test_new_profile_unmarked_until_edited(self):
        connection = new_connection()
        editor, form = self.editor(connection)
        for label in ["eid-error", "map-server-error", "map-server-key-error", "uplinks-error",
                      "problems"]:
            self.assertFalse(find(form, label).get_visible(), label)
        set_text(form, "eid", "192.0.2.300")
        self.assertTrue(find(form, "eid-error").get_visible())
        with self.assertRaises(GLib.Error):
            editor.update_connection(connection)

    def test_saved_profile_marked_at_once(self):
        connection = new_connection({"eid": "192.0.2.10", "map-server": "198.51.100.66", "mtu": "9"},
                                    {"map-server-key": KEY})
        editor, form = self.editor(connection)
        self.assertTrue(find(form, "mtu-error").get_visible())
        self.assertEqual(find(form, "mtu-error").get_text(),
                         "vpn.data: mtu: '9' is not an MTU (0 or 576-65535)")
        self.assertFalse(find(form, "eid-error").get_visible())

    def test_changed_signal(self):
        connection, editor, form = self.filled()
        seen = []
        editor.connect("changed", lambda *a: seen.append(1))
        set_text(form, "mtu", "1500")
        self.assertGreaterEqual(len(seen), 1)

    def test_invalid_fields(self):
        # (widget, value, message): vpn-data.c's messages, the service's.
        cases = [
            ("eid", "192.0.2.300", "eid-error",
             "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address"),
            ("eid", "192.0.2.10 192.0.2.11", "eid-error",
             "vpn.data: eid: more than one IPv4 EID (at most one of each family)"),
            ("eid", "", "eid-error",
             "vpn.data: eid: missing (the EID addresses, e.g. eid=192.0.2.10 2001:db8::10)"),
            ("map-server", "", "map-server-error", "vpn.data: map-server: missing (the map-server's address)"),
            ("map-server", "224.0.0.1", "map-server-error",
             "vpn.data: map-server: '224.0.0.1' is not a unicast address"),
            ("map-server-key-id", "300", "map-server-key-id-error",
             "vpn.data: map-server-key-id: '300' is not a key ID (0-255)"),
            ("map-resolver", "198.51.100.1 198.51.100.1", "map-resolver-error",
             "vpn.data: map-resolver: '198.51.100.1' is listed twice"),
            ("mtu", "100", "mtu-error", "vpn.data: mtu: '100' is not an MTU (0 or 576-65535)"),
            ("mtu", "1000", "mtu-error",
             "vpn.data: mtu: '1000' is too small for an IPv6 EID (0 or 1280-65535)"),
            ("instance-id", "99999999", "instance-id-error",
             "vpn.data: instance-id: '99999999' is not an instance ID (0-16777215)"),
            ("nat-keepalive-interval", "1", "nat-keepalive-interval-error",
             "vpn.data: nat-keepalive-interval: '1' is not a number of seconds (5-3600)"),
            ("map-server-key", "", "map-server-key-error", "vpn.secrets: map-server-key: missing"),
            ("uplink-priority-0", "999", "uplinks-error",
             "vpn.data: rloc-priority.eth0: '999' is not a priority (0-255)"),
            ("uplink-name-0", "", "uplinks-error",
             "vpn.data: rloc-priority.: the name after the dot must be an interface or a connection id"),
        ]
        for widget, value, label, message in cases:
            with self.subTest(widget=widget, value=value):
                connection, editor, form = self.filled()
                set_text(form, widget, value)
                with self.assertRaises(GLib.Error) as raised:
                    editor.update_connection(connection)
                self.assertEqual(raised.exception.message, message)
                shown = find(form, label)
                self.assertTrue(shown.get_visible(), f"{label} not shown")
                self.assertEqual(shown.get_text(), message)
                if widget not in ("uplink-name-0", "eid", "map-server") or value:
                    marked = find(form, widget if widget != "uplink-name-0" else "uplink-name-0")
                    self.assertEqual(marked.get_tooltip_text(), message)
                # Corrected, the field is unmarked and the profile accepted.
                set_text(form, widget, (FILLED.get(widget) or KEY if widget == "map-server-key"
                                        else FILLED.get(widget, {"uplink-priority-0": "1",
                                                                 "uplink-name-0": "eth0"}.get(widget))))
                self.assertTrue(editor.update_connection(connection))
                self.assertFalse(find(form, label).get_visible(), f"{label} still shown")

    def test_keys_without_a_field_kept(self):
        # A key the form has no field for stays in the profile, checked like the rest: here
        # one no version knows, refused under the form with vpn-data.c's message.
        data = {"eid": "192.0.2.10", "map-server": "198.51.100.66", "future-key": "1"}
        connection = new_connection(data, {"map-server-key": KEY})
        editor, form = self.editor(connection)
        with self.assertRaises(GLib.Error) as raised:
            editor.update_connection(connection)
        self.assertTrue(raised.exception.message.startswith(
            "vpn.data: future-key: unknown key (known: eid, map-server"), raised.exception.message)
        self.assertEqual(find(form, "problems").get_text(), raised.exception.message)
        self.assertTrue(find(form, "problems").get_visible())

    def test_password_storage(self):
        data = {"eid": "192.0.2.10", "map-server": "198.51.100.66"}
        # Ask every time: no key needed, none kept; the flags stay.
        connection = new_connection(data, flags=NM.SettingSecretFlags.NOT_SAVED)
        editor, form = self.editor(connection)
        self.assertTrue(editor.update_connection(connection))
        self.assertEqual(vpn_data(connection)["map-server-key-flags"], "2")
        self.assertIsNone(connection.get_setting_vpn().get_secret("map-server-key"))
        # This user's keyring (agent-owned): the key goes to the agent with the profile.
        connection = new_connection(data, {"map-server-key": KEY}, NM.SettingSecretFlags.AGENT_OWNED)
        editor, form = self.editor(connection)
        self.assertTrue(editor.update_connection(connection))
        self.assertEqual(vpn_data(connection)["map-server-key-flags"], "1")
        self.assertEqual(connection.get_setting_vpn().get_secret("map-server-key"), KEY)

    def test_screenshot(self):
        connection, editor, form = self.filled()
        window = Gtk.Window()
        window.set_title("lispmn VPN")
        if GTK4:
            window.set_child(form)
            window.set_default_size(560, -1)
            window.present()
        else:
            window.add(form)
            window.set_default_size(560, -1)
            window.show_all()
            pump(0.5)
            window.resize(560, 1)   # down to the form's own height
        set_text(form, "mtu", "100")    # one field shown wrong, as a user would see it
        pump(1.5)
        width, height = (window.get_width(), window.get_height()) if GTK4 else window.get_size()
        self.assertGreater(width, 300)
        self.assertGreater(height, 300)
        shot = subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+0+0",
                               "+repage", SCREENSHOT], capture_output=True, text=True, timeout=60)
        self.assertEqual(shot.returncode, 0, shot.stderr)
        colours = int(subprocess.run(["identify", "-format", "%k", SCREENSHOT], capture_output=True,
                                     text=True, timeout=60).stdout)
        self.assertGreater(colours, 20, "a blank screenshot")
        print(f"screenshot {SCREENSHOT}: {width}x{height}, {colours} colours", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
