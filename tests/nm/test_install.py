#!/usr/bin/python3
"""Every file a system service reads installs where that service looks for it, whatever the
build's prefix (a default build uses /usr/local, which the system bus, polkitd and
NetworkManager never read): `meson install --destdir` into a staging root (nothing is
installed on the system), then each file is looked for in the directories the services
themselves search:

- the system bus: the <includedir>s of its own system.conf, and its standard
  system-services directories (D-Bus specification);
- polkitd: /usr/share/polkit-1/actions (compiled in; the only directory it reads);
- systemd: pkg-config's systemdsystemunitpath of systemd (its unit search path);
- NetworkManager: the VPN .name directory (/usr/lib/NetworkManager/VPN, or /etc/NetworkManager/VPN);
- the desktop session's autostart: $XDG_CONFIG_DIRS/autostart, by default /etc/xdg/autostart.

The .name file must name the installed service program, and the D-Bus activation file the
installed lispmnd."""
import configparser
import json
import os
import re
import shutil
import subprocess
import tempfile
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from system_dirs import DBUS_SYSTEM_CONF, dbus_policy_dirs, systemd_unit_path  # noqa: E402

BUILD = os.environ["LISPMN_BUILD_ROOT"]
DBUS_SYSTEM_SERVICE_DIRS = ["/usr/local/share/dbus-1/system-services",
                            "/usr/share/dbus-1/system-services", "/lib/dbus-1/system-services"]
POLKIT_ACTION_DIRS = ["/usr/share/polkit-1/actions"]
NM_VPN_DIRS = ["/usr/lib/NetworkManager/VPN", "/etc/NetworkManager/VPN"]
AUTOSTART_DIRS = ["/etc/xdg/autostart"]


def introspect(what):
    out = subprocess.run(["meson", "introspect", what, BUILD], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)








class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.destdir = tempfile.mkdtemp(prefix="lmn-install-")
        r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", cls.destdir,
                            "--no-rebuild", "--quiet"], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            shutil.rmtree(cls.destdir, ignore_errors=True)
            raise RuntimeError(f"meson install failed: {r.stdout}{r.stderr}")
        cls.options = {o["name"]: o["value"] for o in introspect("--buildoptions")}
        cls.prefix = cls.options["prefix"]
        cls.features = {o["name"]: o["value"] for o in introspect("--buildoptions")}
        cls.installed = set()
        for root, _, files in os.walk(cls.destdir):
            for name in files:
                cls.installed.add(os.path.join(root, name)[len(cls.destdir):])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir, ignore_errors=True)

    def staged(self, path):
        return self.destdir + path

    def find_in(self, name, dirs, who):
        """The installed path of `name` in one of dirs; fails naming where it went instead."""
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.lexists(self.staged(path)):
                return path
        elsewhere = sorted(p for p in self.installed if os.path.basename(p) == name)
        self.fail(f"{name} is not where {who} looks ({', '.join(dirs)}); installed as {elsewhere}")

    def program(self, *parts):
        return os.path.join(self.prefix, *parts)

    def test_dbus_policies_where_the_system_bus_reads_them(self):
        dirs = dbus_policy_dirs()
        self.assertTrue(dirs, f"no <includedir> in {DBUS_SYSTEM_CONF}")
        path = self.find_in("org.lispmn.MobileNode1.conf", dirs, "the system bus")
        with open(self.staged(path)) as f:
            self.assertIn('own="org.lispmn.MobileNode1"', f.read())

    def test_dbus_activation_where_the_system_bus_reads_it(self):
        path = self.find_in("org.lispmn.MobileNode1.service", DBUS_SYSTEM_SERVICE_DIRS,
                            "the system bus's activation")
        parser = configparser.ConfigParser()
        parser.read(self.staged(path))
        program = parser["D-BUS Service"]["Exec"].split()[0]
        self.assertEqual(program, self.program(self.options["sbindir"], "lispmnd"))
        self.assertTrue(os.access(self.staged(program), os.X_OK), f"{program} not installed")

    def test_polkit_actions_where_polkitd_reads_them(self):
        path = self.find_in("org.lispmn.MobileNode1.policy", POLKIT_ACTION_DIRS, "polkitd")
        with open(self.staged(path)) as f:
            self.assertIn('action id="org.lispmn.MobileNode1.configure"', f.read())

    def test_systemd_unit_on_the_unit_path(self):
        path = self.find_in("lispmnd.service", systemd_unit_path(), "systemd")
        with open(self.staged(path)) as f:
            text = f.read()
        start = re.search(r"^ExecStart=(\S+)", text, re.M).group(1)
        self.assertEqual(start, self.program(self.options["sbindir"], "lispmnd"))

    def test_nm_name_file_where_networkmanager_reads_it(self):
        if not any(p.endswith("/nm-lispmn-service.name") for p in self.installed):
            self.skipTest("built without the NetworkManager plugin")
        path = self.find_in("nm-lispmn-service.name", NM_VPN_DIRS, "NetworkManager")
        parser = configparser.ConfigParser()
        parser.read(self.staged(path))
        section = parser["VPN Connection"]
        self.assertEqual(section["name"], "lispmn")
        self.assertEqual(section["service"], "org.freedesktop.NetworkManager.lispmn")
        program = section["program"]
        self.assertEqual(program, self.program(self.options["libexecdir"], "nm-lispmn-service"))
        self.assertTrue(os.access(self.staged(program), os.X_OK), f"{program} not installed")
        # NetworkManager spawns it as root; the bus must let it own its name.
        policy = self.find_in("nm-lispmn-service.conf", dbus_policy_dirs(), "the system bus")
        with open(self.staged(policy)) as f:
            self.assertIn('own_prefix="org.freedesktop.NetworkManager.lispmn"', f.read())
        man = os.path.join(self.prefix, self.options["mandir"], "man8", "nm-lispmn-service.8")
        self.assertIn(man, self.installed)

    def test_nm_editor_plugin_where_the_name_file_says(self):
        """The editor plugin, its two editors beside it and the auth dialog are installed
        where the .name file names them (NetworkManager's clients load them from there)."""
        if not any(p.endswith("/libnm-vpn-plugin-lispmn.so") for p in self.installed):
            self.skipTest("built without the NetworkManager plugin")
        path = self.find_in("nm-lispmn-service.name", NM_VPN_DIRS, "NetworkManager")
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.staged(path))
        plugin = parser["libnm"]["plugin"]
        self.assertEqual(plugin, self.program(self.options["libdir"], "NetworkManager",
                                              "libnm-vpn-plugin-lispmn.so"))
        self.assertIn(plugin, self.installed)
        editors = [os.path.join(os.path.dirname(plugin), name) for name in
                   ("libnm-vpn-plugin-lispmn-editor.so", "libnm-gtk4-vpn-plugin-lispmn-editor.so")]
        if "auth-dialog" in parser["GNOME"]:
            dialog = parser["GNOME"]["auth-dialog"]
            self.assertEqual(dialog, self.program(self.options["libexecdir"], "nm-lispmn-auth-dialog"))
            self.assertTrue(os.access(self.staged(dialog), os.X_OK), f"{dialog} not installed")
            self.assertIn(editors[0], self.installed)
            self.assertEqual(parser["GNOME"]["supports-external-ui-mode"], "true")

    def test_applet_autostart_where_the_session_reads_it(self):
        if not any(p.endswith("/lispmn-applet") for p in self.installed):
            self.skipTest("built without the applet")
        path = self.find_in("org.lispmn.Applet.desktop", AUTOSTART_DIRS, "the session's autostart")
        target = os.readlink(self.staged(path)) if os.path.islink(self.staged(path)) else path
        self.assertTrue(os.path.isfile(self.staged(target)), f"autostart points at {target}")
        with open(self.staged(target)) as f:
            self.assertRegex(f.read(), r"(?m)^Exec=lispmn-applet")


if __name__ == "__main__":
    unittest.main(verbosity=2)
