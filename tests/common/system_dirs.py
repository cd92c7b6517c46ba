"""Where the system's services look for the files lispmn installs: the system bus's policy
directories, systemd's unit path and pkg-config variables. Shared by the install test
(tests/nm/test_install.py) and the package test (tests/packaging/test_packages.py)."""
import os
import re
import subprocess

DBUS_SYSTEM_CONF = "/usr/share/dbus-1/system.conf"


def pkg_variable(package, variable, default=""):
    r = subprocess.run(["pkg-config", f"--variable={variable}", package], capture_output=True,
                       text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else default


def dbus_policy_dirs():
    """The <includedir>s of the system bus's configuration, relative ones resolved."""
    with open(DBUS_SYSTEM_CONF) as f:
        text = f.read()
    base = os.path.dirname(DBUS_SYSTEM_CONF)
    return [os.path.normpath(os.path.join(base, d))
            for d in re.findall(r"<includedir>\s*([^<\s]+)\s*</includedir>", text)]


def systemd_unit_path():
    path = pkg_variable("systemd", "systemdsystemunitpath")
    return [d for d in path.split(":") if d] or ["/etc/systemd/system", "/lib/systemd/system",
                                                 "/usr/lib/systemd/system"]
