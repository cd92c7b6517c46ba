#!/usr/bin/python3
"""The distribution packages, built and installed as a user's system would: the Debian
packages are built from a copy of the source tree with dpkg-buildpackage (debian/), checked
with lintian (no error), installed with dpkg into a throwaway root (`dpkg --root`, the
maintainer scripts run with DPKG_ROOT, nothing touches this machine's system), and each file
that the system bus, polkitd, systemd and NetworkManager read is looked for where they look,
taken from their pkg-config variables and the bus's own configuration, as
tests/nm/test_install.py does for `meson install`. Removal keeps only the conffiles, purge
leaves nothing. The Fedora spec (lispmn.spec) is expanded with rpmspec: the same split, and
each file of a .deb named by the %files of the same subpackage.

Root only (dpkg --root); the .deb tests are skipped on other systems than
Debian and Ubuntu. The GNOME editor package is built when this build tree builds the
editor, otherwise left out with the build profile pkg.lispmn.noeditor. The build runs with
DEB_BUILD_OPTIONS=nocheck: the tests it would run are the unit suite, run on their own.
Everything stays in LISPMN_TEST_WORKDIR (the .debs, build and lintian logs)."""
import configparser
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from system_dirs import DBUS_SYSTEM_CONF, dbus_policy_dirs, pkg_variable, systemd_unit_path  # noqa: E402

SOURCE = os.environ["LISPMN_SOURCE_ROOT"]
BUILD = os.environ["LISPMN_BUILD_ROOT"]
WORK = os.environ["LISPMN_TEST_WORKDIR"]
POLKIT_ACTION_DIRS = ["/usr/share/polkit-1/actions"]
EDITOR_PROFILE = "pkg.lispmn.noeditor"

# Package: files it must hold (as dpkg-deb lists them, without the leading ".").
DEB_PACKAGES = {
    "lispmn": ["/usr/sbin/lispmnd", "/usr/bin/lispmnctl", "/usr/share/man/man8/lispmnd.8.gz",
               "/usr/share/man/man1/lispmnctl.1.gz", "/usr/share/man/man5/lispmnd.conf.5.gz",
               "/usr/share/bash-completion/completions/lispmnctl",
               "/etc/lispmn/lispmnd.conf.example"],
    # The editor plugin proper needs no GTK (nmcli imports and exports with it).
    "network-manager-lispmn": ["/usr/libexec/nm-lispmn-service",
                               "NetworkManager/libnm-vpn-plugin-lispmn.so",
                               "/usr/share/man/man8/nm-lispmn-service.8.gz"],
    "lispmn-applet": ["/usr/bin/lispmn-applet", "/usr/share/man/man1/lispmn-applet.1.gz",
                      "/etc/xdg/autostart/org.lispmn.Applet.desktop"],
    "lispmn-server": ["/usr/sbin/lispmn-server", "/usr/share/man/man8/lispmn-server.8.gz",
                      "/etc/lispmn/lispmn-server.conf.example"],
}
EDITOR_PACKAGE = "network-manager-lispmn-gnome"
EDITOR_FILES = ["/usr/libexec/nm-lispmn-auth-dialog",
                "NetworkManager/libnm-vpn-plugin-lispmn-editor.so",
                "NetworkManager/libnm-gtk4-vpn-plugin-lispmn-editor.so"]
# Package: (package it depends on, exactly this version or not).
DEB_DEPENDS = {
    "network-manager-lispmn": [("lispmn", True), ("network-manager", False), ("libnm0", False)],
    "lispmn-applet": [("lispmn", True), ("libgtk-3-0", False)],
    "lispmn": [("libglib2.0-0", False), ("libgnutls30", False)],
    "lispmn-server": [("libglib2.0-0", False)],
    EDITOR_PACKAGE: [("network-manager-lispmn", True)],
}
RPM_PACKAGES = {"lispmn", "NetworkManager-lispmn", "NetworkManager-lispmn-gnome",
                "lispmn-applet", "lispmn-server"}


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)






def dbus_service_dirs():
    """The system bus's activation directories (the D-Bus specification's standard ones)."""
    found = pkg_variable("dbus-1", "system_bus_services_dir", "/usr/share/dbus-1/system-services")
    return [found, "/usr/local/share/dbus-1/system-services", "/usr/share/dbus-1/system-services",
            "/lib/dbus-1/system-services"]




def nm_vpn_dirs():
    return [pkg_variable("libnm", "vpnservicedir", "/usr/lib/NetworkManager/VPN"),
            "/etc/NetworkManager/VPN"]


def project_version():
    r = run(["meson", "introspect", "--projectinfo", BUILD], check=True)
    return json.loads(r.stdout)["version"]


VERSION = project_version()


def editor_in_build():
    """Whether this build tree builds the GNOME editor (then the package must carry it)."""
    r = run(["meson", "introspect", "--installed", BUILD])
    return r.returncode == 0 and any(p.endswith("/nm-lispmn-auth-dialog")
                                     for p in json.loads(r.stdout).values())


def copy_source(dest):
    """The files of the working tree that git knows or would add (not build/ or ignored
    files), as a source package would hold them."""
    if os.path.isdir(os.path.join(SOURCE, ".git")) or os.path.isfile(os.path.join(SOURCE, ".git")):
        out = run(["git", "-C", SOURCE, "ls-files", "-z", "--cached", "--others",
                   "--exclude-standard"], check=True).stdout
        for rel in filter(None, out.split("\0")):
            src = os.path.join(SOURCE, rel)
            if not os.path.lexists(src):
                continue  # deleted in the working tree
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)
    else:
        shutil.copytree(SOURCE, dest, symlinks=True,
                        ignore=shutil.ignore_patterns("build", "build-*", "obj-*", "__pycache__"))


class Debs:
    """The .debs, built once for all the tests of this file."""
    built = None
    error = None

    @classmethod
    def get(cls):
        if not os.path.exists("/etc/debian_version"):
            raise unittest.SkipTest("not a Debian-family system: no .debs to build")
        if cls.built is None and cls.error is None:
            try:
                cls.built = cls.build()
            except Exception as e:  # every test then fails with the build's reason
                cls.error = str(e)
        if cls.error:
            raise AssertionError(cls.error)
        return cls.built

    @staticmethod
    def build():
        for tool in ("dpkg-buildpackage", "dh", "lintian"):
            if not shutil.which(tool):
                raise AssertionError(f"{tool} is missing: run tools/install-deps.sh")
        shutil.rmtree(WORK, ignore_errors=True)
        src = os.path.join(WORK, f"lispmn-{VERSION}")
        copy_source(src)
        editor = editor_in_build()
        cmd = ["nice", "-n", "10", "dpkg-buildpackage", "-us", "-uc", "-b"]
        if not editor:
            cmd.append(f"-P{EDITOR_PROFILE}")
        env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2", LC_ALL="C.UTF-8")
        r = run(cmd, cwd=src, env=env, timeout=2400)
        with open(os.path.join(WORK, "dpkg-buildpackage.log"), "w") as f:
            f.write(r.stdout + r.stderr)
        if r.returncode != 0:
            tail = "\n".join((r.stdout + r.stderr).splitlines()[-40:])
            raise AssertionError(f"dpkg-buildpackage failed ({' '.join(cmd)}):\n{tail}")
        shutil.rmtree(src, ignore_errors=True)  # the build tree: hundreds of MB
        debs = {}
        for name in os.listdir(WORK):
            m = re.match(r"([a-z0-9.+-]+)_[^_]+_[a-z0-9]+\.deb$", name)
            if m and not m.group(1).endswith("-dbgsym"):
                debs[m.group(1)] = os.path.join(WORK, name)
        changes = [os.path.join(WORK, n) for n in os.listdir(WORK) if n.endswith(".changes")]
        return {"debs": debs, "changes": changes[0], "editor": editor}


def deb_files(path):
    """The files and links of a .deb (not its directories), as absolute paths."""
    out = run(["dpkg-deb", "-c", path], check=True).stdout
    files = []
    for line in out.splitlines():
        fields = line.split(None, 5)
        if not fields[0].startswith("d"):
            files.append(fields[5].split(" -> ")[0][1:])
    return files


class Packages(unittest.TestCase):
    """What dpkg-buildpackage made, before anything is installed."""

    def test_split(self):
        built = Debs.get()
        expected = dict(DEB_PACKAGES)
        if built["editor"]:
            expected[EDITOR_PACKAGE] = EDITOR_FILES
        self.assertEqual(set(built["debs"]), set(expected))
        for package, wanted in expected.items():
            with self.subTest(package=package):
                files = deb_files(built["debs"][package])
                for want in wanted:
                    self.assertTrue(any(f == want or f.endswith("/" + want) for f in files),
                                    f"{want} not in {package}: {files}")
                # Nothing generated at install time: the system's triggers make those.
                for f in files:
                    self.assertNotRegex(f, r"gschemas\.compiled$|icon-theme\.cache$|mimeinfo")
        owners = {}
        for package in expected:
            for f in deb_files(built["debs"][package]):
                owners.setdefault(f, []).append(package)
        self.assertEqual({f: p for f, p in owners.items() if len(p) > 1}, {},
                         "a file in two packages")

    def test_depends(self):
        built = Debs.get()
        for package, path in built["debs"].items():
            with self.subTest(package=package):
                depends = run(["dpkg-deb", "-f", path, "Depends"], check=True).stdout
                self.assertRegex(depends, r"\blibc6 \(>= ", "no ${shlibs:Depends}")
                for dep, exact in DEB_DEPENDS.get(package, []):
                    if exact:
                        self.assertIn(f"{dep} (= {VERSION})", depends)
                    else:
                        self.assertRegex(depends, rf"(^|[ ,|]){re.escape(dep)}( |,|$)")

    def test_lintian_reports_no_error(self):
        built = Debs.get()
        r = run(["lintian", "--tag-display-limit", "0", "-I", built["changes"]], timeout=600)
        with open(os.path.join(WORK, "lintian.log"), "w") as f:
            f.write(r.stdout + r.stderr)
        tags = re.findall(r"^([EWIPX]): (\S+): (\S+)", r.stdout, re.M)
        summary = {}
        for severity, _, tag in tags:
            summary.setdefault(severity, set()).add(tag)
        print("lintian:", {s: sorted(t) for s, t in sorted(summary.items())})
        self.assertNotIn("E", summary, r.stdout)
        self.assertEqual(r.returncode, 0, r.stderr)  # 1: errors, 2: lintian failed


class Installed(unittest.TestCase):
    """The .debs installed into a throwaway root, then removed, then purged."""

    @classmethod
    def setUpClass(cls):
        built = Debs.get()
        cls.root = os.path.join(WORK, "root")
        shutil.rmtree(cls.root, ignore_errors=True)
        for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log", "var/lib/systemd",
                  "etc", "usr"):
            os.makedirs(os.path.join(cls.root, d))
        for f in ("var/lib/dpkg/status", "var/lib/dpkg/available"):
            open(os.path.join(cls.root, f), "w").close()
        cls.skeleton = cls.tree()
        # The maintainer scripts run on this machine with DPKG_ROOT set; systemctl and
        # deb-systemd-invoke are stand-ins that only write down that they were called.
        cls.stubs = os.path.join(WORK, "stub-bin")
        cls.calls = os.path.join(WORK, "stub-calls.log")
        os.makedirs(cls.stubs, exist_ok=True)
        for tool in ("systemctl", "deb-systemd-invoke"):
            with open(os.path.join(cls.stubs, tool), "w") as f:
                f.write(f'#!/bin/sh\necho "{tool} $*" >> {cls.calls}\n')
            os.chmod(os.path.join(cls.stubs, tool), 0o755)
        cls.packages = sorted(built["debs"])
        cls.dpkg("-i", *[built["debs"][p] for p in cls.packages])
        cls.installed = cls.tree()

    @classmethod
    def dpkg(cls, *args):
        env = dict(os.environ, PATH=cls.stubs + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        r = run(["dpkg", f"--root={cls.root}", "--force-script-chrootless", "--force-depends",
                 *args], env=env, timeout=300)
        if r.returncode != 0:
            raise AssertionError(f"dpkg {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
        return r

    @classmethod
    def tree(cls):
        """Every path under the root but dpkg's own database and log."""
        paths = set()
        for top, dirs, files in os.walk(cls.root):
            for name in dirs + files:
                rel = os.path.join(top, name)[len(cls.root):]
                if not rel.startswith(("/var/lib/dpkg/", "/var/log/")):
                    paths.add(rel)
        return paths

    def rooted(self, path):
        return self.root + path

    def find_in(self, name, dirs, who):
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.lexists(self.rooted(path)):
                return path
        elsewhere = sorted(p for p in self.installed if os.path.basename(p) == name)
        self.fail(f"{name} is not where {who} looks ({', '.join(dirs)}); installed as {elsewhere}")

    def assert_program(self, path):
        self.assertTrue(os.path.isabs(path), path)
        self.assertTrue(os.access(self.rooted(path), os.X_OK), f"{path} not installed")

    def test_1_dbus_policies_where_the_system_bus_reads_them(self):
        dirs = dbus_policy_dirs()
        self.assertTrue(dirs, f"no <includedir> in {DBUS_SYSTEM_CONF}")
        for name, owns in (("org.lispmn.MobileNode1.conf", 'own="org.lispmn.MobileNode1"'),
                           ("nm-lispmn-service.conf",
                            'own_prefix="org.freedesktop.NetworkManager.lispmn"')):
            with open(self.rooted(self.find_in(name, dirs, "the system bus"))) as f:
                self.assertIn(owns, f.read())

    def test_1_dbus_activation_where_the_system_bus_reads_it(self):
        path = self.find_in("org.lispmn.MobileNode1.service", dbus_service_dirs(),
                            "the system bus's activation")
        parser = configparser.ConfigParser()
        parser.read(self.rooted(path))
        self.assertEqual(parser["D-BUS Service"]["SystemdService"], "lispmnd.service")
        self.assert_program(parser["D-BUS Service"]["Exec"].split()[0])

    def test_1_polkit_actions_where_polkitd_reads_them(self):
        path = self.find_in("org.lispmn.MobileNode1.policy", POLKIT_ACTION_DIRS, "polkitd")
        with open(self.rooted(path)) as f:
            self.assertIn('action id="org.lispmn.MobileNode1.configure"', f.read())

    def test_1_systemd_unit_on_the_unit_path_not_enabled(self):
        path = self.find_in("lispmnd.service", systemd_unit_path(), "systemd")
        with open(self.rooted(path)) as f:
            start = re.search(r"^ExecStart=(\S+)", f.read(), re.M).group(1)
        self.assert_program(start)
        # Shipped disabled (D-Bus activation starts it), and not started by the scripts.
        wants = [p for p in self.installed if p.startswith("/etc/systemd/")]
        self.assertEqual(wants, [], "the unit was enabled")
        if os.path.exists(self.calls):
            with open(self.calls) as f:
                self.assertNotRegex(f.read(), r"\bstart\b")

    def test_1_nm_name_file_where_networkmanager_reads_it(self):
        path = self.find_in("nm-lispmn-service.name", nm_vpn_dirs(), "NetworkManager")
        parser = configparser.ConfigParser()
        parser.read(self.rooted(path))
        section = parser["VPN Connection"]
        self.assertEqual(section["service"], "org.freedesktop.NetworkManager.lispmn")
        self.assert_program(section["program"])
        # The editor plugin (network-manager-lispmn) and, with the GNOME package, the
        # secrets dialog, where the .name file (read by libnm's clients: nmcli, GNOME
        # Settings, nm-connection-editor, the shell's prompt) says they are.
        keys = [("libnm", "plugin"), ("GNOME", "properties")]
        if Debs.get()["editor"]:
            keys.append(("GNOME", "auth-dialog"))
            self.assertEqual(parser["GNOME"]["supports-external-ui-mode"], "true")
        else:
            self.assertNotIn("auth-dialog", parser["GNOME"], "a dialog no package installs")
        plugin_dir = pkg_variable("libnm", "plugindir", "")
        for group, key in keys:
            with self.subTest(key=f"{group}.{key}"):
                value = parser.get(group, key, fallback=None)
                self.assertTrue(value, f"no {key}= in [{group}] of {path}")
                full = value if os.path.isabs(value) else os.path.join(plugin_dir, value)
                self.assertTrue(os.path.exists(self.rooted(full)), f"{full} not installed")

    def test_2_remove_keeps_only_the_conffiles_purge_leaves_nothing(self):
        self.dpkg("--remove", *self.packages)
        left = self.tree() - self.skeleton
        conffiles = {p for p in left if p.startswith("/etc/lispmn/")}
        self.assertEqual(conffiles, {"/etc/lispmn/lispmnd.conf.example",
                                     "/etc/lispmn/lispmn-server.conf.example"})
        self.assertEqual({p for p in left - conffiles
                          if not p.startswith(("/etc/lispmn", "/var/lib/systemd/"))}, set())
        self.dpkg("--purge", *self.packages)
        self.assertEqual(self.tree() - self.skeleton, set(), "left behind after purge")
        status = run(["dpkg-query", f"--root={self.root}", "-W", "-f", "${Package} ${Status}\n"])
        self.assertEqual(status.stdout.strip(), "", status.stdout)


class FedoraSpec(unittest.TestCase):
    """lispmn.spec, expanded by rpmspec (BuildRequires cannot be installed here)."""

    def expanded(self, *args):
        if not shutil.which("rpmspec"):
            self.skipTest("rpmspec is missing (rpm)")
        cmd = ["rpmspec", *args]
        # Debian's rpm has no meson or systemd macros: stand-ins say what Fedora's do.
        if run(["rpm", "--eval", "%{?meson:yes}"]).stdout.strip() != "yes":
            cmd += ["--load", os.path.join(os.path.dirname(__file__), "rpm-macros-fallback")]
        r = run(cmd + [os.path.join(SOURCE, "lispmn.spec")])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_parses_with_the_same_split(self):
        text = self.expanded("-P")
        self.assertNotRegex(text, r"%(meson|systemd_|_unitdir)", "a macro left unexpanded")
        names = self.expanded("-q", "--qf", "%{NAME}\n").split()
        self.assertEqual(set(names), RPM_PACKAGES)
        without = self.expanded("-q", "--without", "editor", "--qf", "%{NAME}\n").split()
        self.assertEqual(set(without), RPM_PACKAGES - {"NetworkManager-lispmn-gnome"})

    def test_files_name_what_the_debs_hold(self):
        """Every file of each Debian package is named by the %files of the same subpackage
        (man pages compressed or not, the libdir of either distribution)."""
        built = Debs.get()
        sections = self.files_sections(self.expanded("-P"))
        libdir = run(["rpm", "--eval", "%{_libdir}"]).stdout.strip()
        pairs = {"lispmn": "lispmn", "network-manager-lispmn": "NetworkManager-lispmn",
                 "lispmn-applet": "lispmn-applet", "lispmn-server": "lispmn-server",
                 EDITOR_PACKAGE: "NetworkManager-lispmn-gnome"}
        for deb_name, path in built["debs"].items():
            patterns = sections.get(pairs[deb_name], [])
            for f in deb_files(path):
                if f.startswith(("/usr/share/doc/", "/usr/share/lintian/")):
                    continue  # Debian's own: copyright, changelog, lintian's overrides
                if f.startswith("/usr/share/locale/"):
                    continue  # the .lang file of %find_lang names the translations
                f = re.sub(r"^/usr/lib/[a-z0-9_]+-linux-gnu[a-z0-9_]*/", libdir + "/", f)
                with self.subTest(package=pairs[deb_name], file=f):
                    self.assertTrue(any(fnmatch.fnmatchcase(f, p) for p in patterns),
                                    f"{f} ({deb_name}) not in its %files: {patterns}")

    @staticmethod
    def files_sections(text):
        """Subpackage name: the paths of its %files (directives such as %config dropped)."""
        sections = {}
        for m in re.finditer(r"^%files(?: -f \S+)?(?: -n (\S+)| (\S+))?\n(.*?)"
                             r"(?=^%(?:files|changelog)\b|\Z)", text, re.M | re.S):
            name = m.group(1) or (f"lispmn-{m.group(2)}" if m.group(2) else "lispmn")
            sections[name] = [line.split()[-1] for line in m.group(3).splitlines()
                              if line.strip() and line.split()[-1].startswith("/")]
        return sections


if __name__ == "__main__":
    unittest.main(verbosity=2)
