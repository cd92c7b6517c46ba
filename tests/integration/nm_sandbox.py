"""A real NetworkManager for a test (the NetworkManager plugin's, tests/nm/test_nm.py, and the
applet's, test_applet.py): it runs in one of the test's network namespaces, in a mount
namespace of its own (tmpfs over /run, the test's directories over /etc/NetworkManager,
/var/lib/NetworkManager and /usr/lib/NetworkManager/VPN, /sys read-only so that it does not
wait for udev), on a system bus of its own or on the test's (bus_address).

A bus of its own listens twice: on /run/dbus/system_bus_socket inside the mount namespace
(where NetworkManager and the VPN services it spawns look for it) and on a socket in a short
directory outside it, which the test, nmcli, lispmnctl, lispmnd and the polkit stand-in use.
Its configuration is fixtures.bus_config's strict one, with the system's service policies
(NetworkManager's) and the test's.

Everything started here is stopped by PID at close(); the namespaces belong to the netns.py
Topology that the caller closes after this."""
import os
import shutil
import subprocess
import tempfile
import time

from netns import wait_for
from fixtures import POLKIT_STAND_IN_POLICY, bus_config

NM_CONF = """[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
systemd-resolved=false
hostname-mode=none
auth-polkit=false
dhcp=internal

[keyfile]
unmanaged-devices={unmanaged}

[connectivity]
{connectivity}

[logging]
level=DEBUG
domains=ALL
"""

CARRIER_WAIT = """
[device-test-uplinks]
match-device={devices}
carrier-wait-timeout={ms}
"""


def alive(pid):
    """Exists and is not a zombie (PID 1 here does not reap orphans)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class NmSandbox:
    def __init__(self, t, ns, workdir, managed=(), name_files=None, policies=(), carrier_wait_ms=None,
                 connectivity_uri=None, connectivity_response=None, bus_address=None):
        """managed: interface names NetworkManager may manage (TUN devices always).
        name_files: {file name: text} for the VPN directory (none: no VPN plugin installed).
        policies: D-Bus policy files for a bus of its own. connectivity_uri: NetworkManager's
        connectivity check, by default off. bus_address: the test's system bus, instead of
        one of its own."""
        self.t, self.ns, self.dir = t, ns, os.path.join(workdir, "nm")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.etc = os.path.join(self.dir, "etc-nm")
        self.var = os.path.join(self.dir, "var-lib-nm")
        self.vpn = os.path.join(self.dir, "vpn")
        self.policy_dir = os.path.join(self.dir, "system.d")
        for d in (self.etc, os.path.join(self.etc, "system-connections"), self.var, self.vpn,
                  self.policy_dir):
            os.makedirs(d)
        os.chmod(os.path.join(self.etc, "system-connections"), 0o700)
        os.chmod(self.var, 0o700)
        connectivity = "enabled=false"
        if connectivity_uri:
            connectivity = (f"enabled=true\nuri={connectivity_uri}\n"
                            f"response={connectivity_response}\ninterval=3600")
        unmanaged = ["*"] + [f"except:interface-name:{i}" for i in managed] + ["except:type:tun"]
        conf = NM_CONF.format(unmanaged=",".join(unmanaged), connectivity=connectivity)
        if carrier_wait_ms is not None:
            conf += CARRIER_WAIT.format(devices=",".join(f"interface-name:{i}" for i in managed),
                                        ms=carrier_wait_ms)
        with open(os.path.join(self.etc, "NetworkManager.conf"), "w") as f:
            f.write(conf)
        for name, text in (name_files or {}).items():
            with open(os.path.join(self.vpn, name), "w") as f:
                f.write(text)
        self.own_bus = bus_address is None
        self.sockdir = None
        if self.own_bus:
            self.write_bus_config(policies)
        else:
            self.address = bus_address
        self.holder = None
        self.daemons = []   # (name, pidfile, nsenter Popen)

    def write_bus_config(self, policies):
        for p in policies:
            shutil.copy(p, self.policy_dir)
        with open(os.path.join(self.policy_dir, "polkit-mock.conf"), "w") as f:
            f.write(POLKIT_STAND_IN_POLICY)
        # Unix socket paths hold 107 bytes: a short directory of its own.
        self.sockdir = tempfile.mkdtemp(prefix="lmnnm-")
        self.socket = os.path.join(self.sockdir, "bus")
        self.address = f"unix:path={self.socket}"
        with open(os.path.join(self.dir, "system-bus.conf"), "w") as f:
            f.write(bus_config(["/run/dbus/system_bus_socket", self.socket], strict=True,
                               includedirs=["/usr/share/dbus-1/system.d", self.policy_dir]))

    # -- processes -------------------------------------------------------------------------

    def start(self, timeout=30):
        script = (f"set -e; mount -t tmpfs -o mode=755 lmn-run /run; "
                  # A read-only /sys tells NetworkManager there is no udev to wait for.
                  f"mount -o remount,bind,ro /sys; "
                  f"mkdir -p /run/dbus /run/NetworkManager /run/lock; "
                  f"mount --bind '{self.etc}' /etc/NetworkManager; "
                  f"mount --bind '{self.var}' /var/lib/NetworkManager; "
                  f"mount --bind '{self.vpn}' /usr/lib/NetworkManager/VPN; "
                  f"touch '{self.dir}/mounted'; exec sleep infinity")
        # ip netns exec execs unshare, which execs sh, which execs sleep: one PID throughout.
        self.holder = self.t.popen(self.ns, ["unshare", "--mount", "--propagation", "private",
                                             "--", "/bin/sh", "-c", script],
                                   os.path.join(self.dir, "holder.log"))
        wait_for(lambda: os.path.exists(os.path.join(self.dir, "mounted")), 5,
                 f"the mount namespace (log: {self.holder.log()})")
        if self.own_bus:
            self.background("dbus-daemon", ["dbus-daemon", "--config-file",
                                            os.path.join(self.dir, "system-bus.conf"), "--nofork",
                                            "--nopidfile"])
            wait_for(lambda: os.path.exists(self.socket), 5, "the sandbox's system bus")
        self.start_network_manager(timeout)

    def start_network_manager(self, timeout=30):
        """NetworkManager itself (again, after stop("NetworkManager")), up to nm-online."""
        t0 = time.monotonic()
        self.background("NetworkManager", ["NetworkManager", "--debug", "--log-level=DEBUG"],
                        env=None if self.own_bus else self.env())
        r = subprocess.run(["nm-online", "-s", "-q", "-t", str(timeout)], env=self.env(),
                           capture_output=True, text=True, timeout=timeout + 5)
        if r.returncode != 0:
            raise RuntimeError(f"NetworkManager did not start: {self.log('NetworkManager')}")
        self.startup_seconds = time.monotonic() - t0

    def background(self, name, cmd, env=None):
        """cmd inside the mount and network namespace; nsenter forks, so the daemon writes
        its own PID before it execs."""
        pidfile = os.path.join(self.dir, f"{name}.pid")
        log = open(os.path.join(self.dir, f"{name}.log"), "wb")
        try:
            p = subprocess.Popen(["nsenter", "-t", str(self.holder.pid), "-m", "-n", "--",
                                  "/bin/sh", "-c", 'echo $$ > "$0"; exec "$@"', pidfile] + cmd,
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 env=env)
        finally:
            log.close()
        self.daemons.append((name, pidfile, p))
        wait_for(lambda: os.path.exists(pidfile) and os.path.getsize(pidfile) > 0, 5, f"{name}'s PID")
        return p

    def pid(self, name):
        for n, pidfile, _ in self.daemons:
            if n == name:
                with open(pidfile) as f:
                    return int(f.read())
        return None

    def running(self, name):
        pid = self.pid(name)
        return pid is not None and alive(pid)

    def log(self, name):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def env(self):
        """The environment of a client of the sandbox's bus (nmcli, lispmnctl ...)."""
        return dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)

    def inside(self, cmd):
        """cmd run in the sandbox's mount and network namespace."""
        return ["nsenter", "-t", str(self.holder.pid), "-m", "-n", "--"] + list(cmd)

    def nmcli(self, *args, check=True, timeout=60):
        """nmcli inside the mount namespace: it reads the VPN plugins' .name files there (to
        expand vpn-type lispmn), as on an installed system."""
        r = subprocess.run(self.inside(["nmcli"] + list(args)), capture_output=True,
                           text=True, timeout=timeout, env=None if self.own_bus else self.env())
        if check and r.returncode != 0:
            raise RuntimeError(f"nmcli {' '.join(args)}: {r.returncode}: {r.stdout}{r.stderr}")
        return r

    def state(self, connection):
        r = self.nmcli("-g", "GENERAL.STATE", "connection", "show", connection, check=False)
        return r.stdout.strip()

    def wait_active(self, connection, timeout):
        wait_for(lambda: self.state(connection) == "activated", timeout,
                 f"{connection} to be activated")

    def add_profile(self, name, text):
        """A connection profile written as a keyfile, then loaded (nmcli connection reload)."""
        path = os.path.join(self.etc, "system-connections", name + ".nmconnection")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        self.nmcli("connection", "reload", timeout=20)

    def stop(self, name):
        """Stops one of the processes started here (TERM, KILL after 5 s); its exit status."""
        for n, pidfile, popen in self.daemons:
            if n == name:
                self.daemons.remove((n, pidfile, popen))
                return self._stop(pidfile, popen)
        return None

    @staticmethod
    def _stop(pidfile, popen):
        try:
            with open(pidfile) as f:
                pid = int(f.read())
        except (OSError, ValueError):
            pid = None
        if pid is not None and alive(pid):
            os.kill(pid, 15)
            deadline = time.monotonic() + 5
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if alive(pid):
                os.kill(pid, 9)
        try:
            return popen.wait(5)
        except subprocess.TimeoutExpired:
            popen.kill()
            return popen.wait(5)

    def close(self):
        # NetworkManager first: it stops the VPN services it spawned.
        for _, pidfile, popen in reversed(self.daemons):
            self._stop(pidfile, popen)
        self.daemons.clear()
        if self.holder is not None:
            self.holder.stop()
        if self.sockdir:
            shutil.rmtree(self.sockdir, ignore_errors=True)
