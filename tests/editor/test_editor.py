#!/usr/bin/python3
"""The lispmn VPN as desktop clients meet it, headless (under xvfb-run, as meson runs it):
- the editor plugin loaded through libnm from a .name file, as nm-connection-editor (GTK 3)
  and GNOME Settings (GTK 4) load it, its editor filled in and read back, invalid fields
  refused with vpn.data's messages: editor_child.py, once per GTK version (GTK 3 and GTK 4
  cannot share a process), which also saves a screenshot of each editor;
- the lispmn profile file: export and import through the plugin API, round-tripping, and
  bad files refused naming the problem; and through nmcli (connection import/export) with a
  real NetworkManager in a sandbox (root: network and mount namespaces);
- nm-lispmn-auth-dialog: NetworkManager's auth-dialog protocol on stdin/stdout, and GNOME
  Shell's external UI mode with its hints;
- the .name file built for installation names the plugin and the dialog."""
import configparser
import os
import shutil
import subprocess
import sys
import time
import unittest

import gi

gi.require_version("NM", "1.0")
from gi.repository import GLib, NM  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
BUILD = os.environ.get("LISPMN_BUILD_ROOT", os.path.join(HERE, "..", "..", "build"))
PLUGIN = os.path.join(BUILD, "nm-plugin", "editor", "libnm-vpn-plugin-lispmn.so")
EDITORS = {"3.0": os.path.join(BUILD, "nm-plugin", "editor", "libnm-vpn-plugin-lispmn-editor.so"),
           "4.0": os.path.join(BUILD, "nm-plugin", "editor", "libnm-gtk4-vpn-plugin-lispmn-editor.so")}
AUTH_DIALOG = os.path.join(BUILD, "nm-plugin", "auth-dialog", "nm-lispmn-auth-dialog")
BUILT_NAME_FILE = os.path.join(BUILD, "nm-plugin", "nm-lispmn-service.name")
SERVICE = "org.freedesktop.NetworkManager.lispmn"
KEY = "s3cret-key"
DATA = {
    "eid": "192.0.2.10 2001:db8:e1d::10",
    "map-server": "198.51.100.66",
    "map-server-key-flags": "0",
    "map-resolver": "198.51.100.67",
    "proxy-etr": "198.51.100.74",
    "nat-traversal": "auto",
    "rloc-priority.eth0": "1",
    "rloc-weight.wlan0": "20",
}


def workdir():
    base = os.environ.get("LISPMN_TEST_WORKDIR")
    path = os.path.join(base, "editor") if base else GLib.dir_make_tmp("lispmn-editor-XXXXXX")
    os.makedirs(path, exist_ok=True)
    return path


def name_file(directory, plugin=PLUGIN):
    path = os.path.join(directory, "nm-lispmn-service.name")
    with open(path, "w") as f:
        f.write(f"[VPN Connection]\nname=lispmn\nservice={SERVICE}\nprogram=/bin/false\n"
                f"[libnm]\nplugin={plugin}\n"
                f"[GNOME]\nauth-dialog={AUTH_DIALOG}\nsupports-external-ui-mode=true\n"
                "supports-hints=true\n")
    return path


def connection(data=DATA, key=KEY, name="office lisp", split=True):
    c = NM.SimpleConnection.new()
    s_con = NM.SettingConnection.new()
    s_con.props.id = name
    s_con.props.uuid = NM.utils_uuid_generate()
    s_con.props.type = "vpn"
    c.add_setting(s_con)
    s_vpn = NM.SettingVpn.new()
    s_vpn.props.service_type = SERVICE
    for k, v in data.items():
        s_vpn.add_data_item(k, v)
    if key is not None:
        s_vpn.add_secret("map-server-key", key)
    c.add_setting(s_vpn)
    for setting in (NM.SettingIP4Config.new(), NM.SettingIP6Config.new()):
        setting.props.method = "auto"
        setting.props.never_default = split
        c.add_setting(setting)
    return c


def summary(c):
    s_vpn = c.get_setting_vpn()
    return {"id": c.get_id(), "service": s_vpn.props.service_type,
            "data": {k: s_vpn.get_data_item(k) for k in s_vpn.get_data_keys()},
            "key": s_vpn.get_secret("map-server-key"),
            "split": (c.get_setting_ip4_config().props.never_default,
                      c.get_setting_ip6_config().props.never_default)}


def details(data, secrets=None):
    """What a secret agent writes to an auth dialog's stdin."""
    text = "".join(f"DATA_KEY={k}\nDATA_VAL={v}\n\n" for k, v in data.items())
    text += "".join(f"SECRET_KEY={k}\nSECRET_VAL={v}\n\n" for k, v in (secrets or {}).items())
    return text + "DONE\n\n"


class Editor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for path in [PLUGIN, AUTH_DIALOG] + list(EDITORS.values()):
            if not os.path.exists(path):
                raise RuntimeError(f"{path} is not built (needs libnma, libnma-gtk4, GTK 4: "
                                   "tools/install-deps.sh)")
        cls.dir = workdir()
        cls.name_file = name_file(cls.dir)
        cls.plugin = NM.VpnPluginInfo.new_from_file(cls.name_file).load_editor_plugin()

    def run_child(self, gtk):
        if not os.environ.get("DISPLAY"):
            self.fail("no X display: run this test under xvfb-run (package xvfb), as meson test does")
        shot = os.path.join(self.dir, f"editor-gtk{gtk[0]}.png")
        r = subprocess.run([sys.executable, os.path.join(HERE, "editor_child.py"), gtk,
                            self.name_file, shot], capture_output=True, text=True, timeout=240)
        print(r.stdout + r.stderr)
        self.assertEqual(r.returncode, 0, f"GTK {gtk} editor: {r.stdout}{r.stderr}")
        self.assertTrue(os.path.exists(shot))

    def test_editor_gtk3(self):
        self.run_child("3.0")

    def test_editor_gtk4(self):
        self.run_child("4.0")

    def test_export_import_round_trip(self):
        path = os.path.join(self.dir, self.plugin.get_suggested_filename(connection()))
        self.assertEqual(os.path.basename(path), "office-lisp.lispmn")
        for original in (connection(), connection(key=None, split=False,
                                                  data=dict(DATA, **{"map-server-key-flags": "2"}))):
            self.assertTrue(self.plugin.export(path, original))
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, "the file may hold the key")
            with open(path) as f:
                text = f.read()
            self.assertIn("[lispmn]\n", text)
            self.assertIn("eid=192.0.2.10 2001:db8:e1d::10\n", text)
            imported = self.plugin.import_(path)
            self.assertTrue(imported.verify())
            self.assertEqual(summary(imported), summary(original))
            # The file of an imported profile is the same file.
            again = os.path.join(self.dir, "again.lispmn")
            self.assertTrue(self.plugin.export(again, imported))
            with open(again) as f:
                self.assertEqual(f.read(), text)

    def test_import_hand_written(self):
        path = os.path.join(self.dir, "laptop.lispmn")
        with open(path, "w") as f:
            f.write("# written by hand\n[lispmn]\neid=192.0.2.10\nmap-server=198.51.100.66\n"
                    "map-server-key=" + KEY + "\nrloc-priority.wlan0=2\n")
        imported = self.plugin.import_(path)
        self.assertEqual(summary(imported), {
            "id": "laptop", "service": SERVICE, "key": KEY, "split": (False, False),
            "data": {"eid": "192.0.2.10", "map-server": "198.51.100.66", "rloc-priority.wlan0": "2"}})

    def test_import_refuses_bad_files(self):
        cases = [
            ("[lispmn]\neid=192.0.2.300\nmap-server=198.51.100.66\n",
             "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address"),
            ("[lispmn]\neid=192.0.2.10\n", "vpn.data: map-server: missing (the map-server's address)"),
            ("[lispmn]\neid=192.0.2.10\nmap-server=198.51.100.66\ncolour=blue\n",
             "vpn.data: colour: unknown key (known: eid, map-server"),
            ("[lispmn]\neid=192.0.2.10\nmap-server=198.51.100.66\nsplit=maybe\n",
             "split: 'maybe' is not true or false"),
            ("[lispmn]\neid=192.0.2.10\nmap-server=198.51.100.66\n[openvpn]\nremote=x\n",
             "[openvpn]: unknown group (a lispmn profile has one, [lispmn])"),
            ("client\nremote vpn.example.com 1194\n", "Key file contains line"),
            ("", "no [lispmn] group: not a lispmn profile"),
            ("[lispmn]\neid=192.0.2.10\nmap-server=198.51.100.66\nmap-server=198.51.100.67\n",
             "map-server: given twice"),
        ]
        path = os.path.join(self.dir, "bad.lispmn")
        for text, message in cases:
            with self.subTest(message=message):
                with open(path, "w") as f:
                    f.write(text)
                with self.assertRaises(GLib.Error) as raised:
                    self.plugin.import_(path)
                self.assertIn(f"{path}: ", raised.exception.message)
                self.assertIn(message, raised.exception.message)

    def test_export_refuses_other_vpns(self):
        other = connection()
        other.get_setting_vpn().props.service_type = "org.freedesktop.NetworkManager.openvpn"
        with self.assertRaises(GLib.Error) as raised:
            self.plugin.export(os.path.join(self.dir, "other.lispmn"), other)
        self.assertIn("not a lispmn VPN profile", raised.exception.message)

    def auth_dialog(self, data, secrets=None, *args, external=True):
        cmd = [AUTH_DIALOG, "-u", "7f3e5f0a-0000-4000-8000-000000000001", "-n", "office lisp",
               "-s", SERVICE] + list(args) + (["--external-ui-mode"] if external else [])
        r = subprocess.run(cmd, input=details(data, secrets) + ("" if external else "QUIT\n"),
                           capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, DISPLAY=""))
        self.assertEqual(r.returncode, 0, r.stderr)
        if not external:
            return r.stdout
        ui = configparser.ConfigParser(interpolation=None)
        ui.optionxform = str
        ui.read_string(r.stdout)
        return ui

    def test_auth_dialog_external_ui(self):
        asked = dict(DATA, **{"map-server-key-flags": "2"})
        ui = self.auth_dialog(asked, None, "-i", "-t", "map-server-key")
        self.assertEqual(ui["VPN Plugin UI"]["Title"], "Authenticate VPN office lisp")
        self.assertIn("map-server key", ui["VPN Plugin UI"]["Description"])
        entry = ui["map-server-key"]
        self.assertEqual((entry["Label"], entry["IsSecret"], entry["ShouldAsk"], entry["Value"]),
                         ("Map-server key", "true", "true", ""))
        # A key the agent already has is given back, not asked for ...
        ui = self.auth_dialog(dict(DATA), {"map-server-key": KEY}, "-i")
        self.assertEqual((ui["map-server-key"]["ShouldAsk"], ui["map-server-key"]["Value"]),
                         ("false", KEY))
        # ... unless it is never saved, or the map-server refused it (-r: asked again).
        ui = self.auth_dialog(asked, {"map-server-key": KEY}, "-i")
        self.assertEqual(ui["map-server-key"]["ShouldAsk"], "true")
        ui = self.auth_dialog(dict(DATA), {"map-server-key": KEY}, "-i", "-r")
        self.assertEqual((ui["map-server-key"]["ShouldAsk"], ui["map-server-key"]["Value"]),
                         ("true", ""))
        self.assertIn("refused", ui["VPN Plugin UI"]["Description"])
        # Hints naming another secret, or no interaction allowed: nothing to ask.
        ui = self.auth_dialog(asked, None, "-i", "-t", "something-else")
        self.assertEqual(ui["map-server-key"]["ShouldAsk"], "false")
        # A message hint names no secret.
        ui = self.auth_dialog(asked, None, "-i", "-t", "x-vpn-message:Enter the key")
        self.assertEqual(ui["map-server-key"]["ShouldAsk"], "true")
        ui = self.auth_dialog(asked, None)
        self.assertEqual(ui["map-server-key"]["ShouldAsk"], "false")

    def test_auth_dialog_protocol(self):
        # The agent's own mode: known secrets answered as KEY\nVALUE\n, then an empty line,
        # without a window (nothing to ask).
        out = self.auth_dialog(dict(DATA), {"map-server-key": KEY}, "-i", external=False)
        self.assertEqual(out, f"map-server-key\n{KEY}\n\n\n")
        out = self.auth_dialog(dict(DATA), None, external=False)
        self.assertEqual(out, "\n\n")

    def dialog_window(self, proc):
        """The X window of nm-lispmn-auth-dialog's own prompt (nm-applet's mode)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                                "Authenticate VPN office lisp"],
                               capture_output=True, text=True, timeout=30)
            if r.stdout.strip():
                return r.stdout.split()[0]
            if proc.poll() is not None:
                self.fail(f"nm-lispmn-auth-dialog exited: {proc.stderr.read()}")
            time.sleep(0.1)
        self.fail("no window of nm-lispmn-auth-dialog")

    def test_auth_dialog_window(self):
        """Without external UI mode a key to ask is asked in a window: typed and confirmed,
        it is the answer; cancelled, the dialog says so by its exit status."""
        if shutil.which("xdotool") is None:
            self.skipTest("needs xdotool (tools/install-deps.sh)")
        if not os.environ.get("DISPLAY"):
            self.fail("no X display: run this test under xvfb-run, as meson test does")
        asked = dict(DATA, **{"map-server-key-flags": "2"})
        for keys, status, answer in ((["Return"], 0, "map-server-key\ntyped-key\n\n\n"),
                                     (["Escape"], 1, "")):
            with self.subTest(keys=keys):
                with subprocess.Popen([AUTH_DIALOG, "-u", "u", "-n", "office lisp", "-s", SERVICE,
                                       "-i"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) as proc:
                    try:
                        proc.stdin.write(details(asked))
                        proc.stdin.flush()
                        window = self.dialog_window(proc)
                        subprocess.run(["xdotool", "windowfocus", "--sync", window], timeout=30)
                        subprocess.run(["xdotool", "type", "--delay", "20", "typed-key"], timeout=60)
                        subprocess.run(["xdotool", "key"] + keys, timeout=30)
                        self.assertEqual(proc.stdout.read(len(answer)) if answer else "", answer)
                        if status == 0:
                            proc.stdin.write("QUIT\n")     # the agent closes the dialog
                            proc.stdin.flush()
                        self.assertEqual(proc.wait(30), status)
                    finally:
                        if proc.poll() is None:
                            proc.kill()

    def test_auth_dialog_bad_calls(self):
        r = subprocess.run([AUTH_DIALOG, "-u", "x", "-n", "y", "-s", "org.example.other"],
                           input="DONE\n\n", capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("needs --uuid, --name and --service " + SERVICE, r.stderr)
        r = subprocess.run([AUTH_DIALOG, "-u", "x", "-n", "y", "-s", SERVICE, "--external-ui-mode"],
                           input="", capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no connection details on stdin", r.stderr)

    def test_built_name_file(self):
        name = configparser.ConfigParser(interpolation=None)
        name.read(BUILT_NAME_FILE)
        plugin = name["libnm"]["plugin"]
        self.assertTrue(plugin.endswith("/NetworkManager/libnm-vpn-plugin-lispmn.so"), plugin)
        self.assertTrue(os.path.isabs(plugin))
        self.assertTrue(name["GNOME"]["auth-dialog"].endswith("/nm-lispmn-auth-dialog"))
        self.assertEqual(name["GNOME"]["properties"], plugin)
        self.assertEqual(name["GNOME"]["supports-external-ui-mode"], "true")
        self.assertEqual(name["GNOME"]["supports-hints"], "true")


class NmcliImport(unittest.TestCase):
    """nmcli connection import type lispmn / export, with a real NetworkManager (root)."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (network and mount namespaces)")
        from netns import Topology
        from nm_sandbox import NmSandbox
        cls.dir = workdir()
        sandbox_dir = os.path.join(cls.dir, "nmcli")
        os.makedirs(sandbox_dir, exist_ok=True)
        cls.t = Topology()
        try:
            cls.t.add_ns("mn")
            with open(name_file(cls.dir)) as f:
                text = f.read()
            cls.nm = NmSandbox(cls.t, "mn", sandbox_dir, name_files={"nm-lispmn-service.name": text})
            cls.nm.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "nm", None) is not None:
            cls.nm.close()
        if getattr(cls, "t", None) is not None:
            cls.t.close()

    def test_import_export(self):
        src = os.path.join(self.dir, "office.lispmn")
        with open(src, "w") as f:
            f.write("[lispmn]\nname=office\nsplit=true\neid=192.0.2.10 2001:db8:e1d::10\n"
                    f"map-server=198.51.100.66\nmap-server-key={KEY}\nproxy-etr=198.51.100.74\n"
                    "rloc-priority.wlan0=2\n")
        r = self.nm.nmcli("connection", "import", "type", "lispmn", "file", src)
        print(r.stdout.strip())
        show = self.nm.nmcli("-s", "-g", "vpn.service-type,vpn.data,vpn.secrets,ipv4.never-default",
                             "connection", "show", "office").stdout
        self.assertIn(SERVICE, show)
        self.assertIn("map-server = 198.51.100.66", show)
        self.assertIn("rloc-priority.wlan0 = 2", show)
        self.assertIn(f"map-server-key = {KEY}", show)
        out = os.path.join(self.dir, "office-exported.lispmn")
        self.nm.nmcli("connection", "export", "office", out)
        exported = configparser.ConfigParser(interpolation=None)
        exported.read(out)
        self.assertEqual(dict(exported["lispmn"]), {
            "name": "office", "split": "true", "eid": "192.0.2.10 2001:db8:e1d::10",
            "map-server": "198.51.100.66", "proxy-etr": "198.51.100.74",
            "rloc-priority.wlan0": "2"})
        # nmcli exports without the secrets: the file holds no key, and imports again.
        self.nm.nmcli("connection", "delete", "office")
        self.nm.nmcli("connection", "import", "type", "lispmn", "file", out)
        again = self.nm.nmcli("-g", "vpn.data,ipv4.never-default", "connection", "show",
                              "office").stdout.replace("\\:", ":")   # -g escapes colons
        self.assertIn("eid = 192.0.2.10 2001:db8:e1d::10", again)
        self.assertIn("yes", again.splitlines()[-1])
        self.nm.nmcli("connection", "delete", "office")
        bad = os.path.join(self.dir, "bad.lispmn")
        with open(bad, "w") as f:
            f.write("[lispmn]\neid=192.0.2.300\nmap-server=198.51.100.66\n")
        r = self.nm.nmcli("connection", "import", "type", "lispmn", "file", bad, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
