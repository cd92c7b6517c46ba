#!/usr/bin/python3
"""The plugin's files install where libnm says NetworkManager looks for them: the .name file
into pkg-config's vpnservicedir of libnm, naming the installed service program; the bus
policy beside lispmnd's; the man page. `meson install --destdir` into a temporary
directory (nothing is installed on the system)."""
import configparser
import os
import shutil
import subprocess
import tempfile
import unittest

BUILD = os.environ["LISPMN_BUILD_ROOT"]


def introspect(what):
    import json
    out = subprocess.run(["meson", "introspect", what, BUILD], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


class Install(unittest.TestCase):
    def test_paths_libnm_reports(self):
        destdir = tempfile.mkdtemp(prefix="lmn-install-")
        self.addCleanup(shutil.rmtree, destdir, ignore_errors=True)
        r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", destdir, "--no-rebuild",
                            "--quiet"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        options = {o["name"]: o["value"] for o in introspect("--buildoptions")}
        prefix = options["prefix"]
        vpn_dir = subprocess.run(["pkg-config", "--variable=vpnservicedir", "libnm"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        self.assertTrue(vpn_dir, "libnm reports no vpnservicedir")

        name = os.path.join(destdir + vpn_dir, "nm-lispmn-service.name")
        self.assertTrue(os.path.isfile(name), f"no {name}")
        parser = configparser.ConfigParser()
        parser.read(name)
        section = parser["VPN Connection"]
        self.assertEqual(section["name"], "lispmn")
        self.assertEqual(section["service"], "org.freedesktop.NetworkManager.lispmn")
        program = section["program"]
        self.assertEqual(program, os.path.join(prefix, options["libexecdir"], "nm-lispmn-service"))
        self.assertTrue(os.access(destdir + program, os.X_OK), f"{program} not installed")

        policy = os.path.join(destdir + prefix, options["datadir"], "dbus-1", "system.d",
                              "nm-lispmn-service.conf")
        self.assertTrue(os.path.isfile(policy), f"no {policy}")
        with open(policy) as f:
            self.assertIn('own_prefix="org.freedesktop.NetworkManager.lispmn"', f.read())
        man = os.path.join(destdir + prefix, options["mandir"], "man8", "nm-lispmn-service.8")
        self.assertTrue(os.path.isfile(man), f"no {man}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
