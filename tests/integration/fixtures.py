"""What the integration tests share, and the roaming demo (tools/roaming-demo.py) and the
benchmarks (tests/bench/) with them; import it with tests/integration on sys.path, as they do.

  - the programs under test (from meson's environment) and not_built(), the message when
    one is missing;
  - the standard configurations of the end-to-end topology: lispmn-server in R is map-server
    and map-resolver (SERVER_CONF), the mobile node (mn_conf) and the correspondent site's xTR
    (X_CONF) register with it;
  - a private system bus (PrivateSystemBus) and bus_config(), the one source of the
    configuration and default policy of every bus the tests start (the NetworkManager
    sandbox's too);
  - the polkit stand-in (PolkitStandIn, python-dbusmock's polkitd template);
  - TestCase, the common set-up of a test: the programs checked, a work directory of its own
    (kept for a post-mortem), a private system bus when asked for, the namespace topology;
    and BusTest, lispmnd on MN (static mappings) attached to that bus.

Processes are stopped by PID, never by name."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from netns import Topology, wait_for
import lisp_topology as lt

from gi.repository import Gio, GLib

HERE = os.path.dirname(os.path.abspath(__file__))

# -- the programs under test ---------------------------------------------------------------

LISPMND = lt.lispmnd_path()
SERVER = lt.lispmn_server_path()
LISPMNCTL = os.environ.get("LISPMNCTL", os.path.join(os.path.dirname(LISPMND), "ctl", "lispmnctl"))


def not_built(*programs):
    """None when every program is an executable, else a message naming those that are not."""
    missing = [os.path.abspath(p) if p else "(no path)" for p in programs
               if not p or not os.access(p, os.X_OK)]
    if not missing:
        return None
    return f"not built: {', '.join(missing)}"


# -- the standard configurations -----------------------------------------------------------

MS = "198.51.100.2"          # R's address on MN's first uplink: one place all can reach
MN_KEY, SITE_KEY = "mobile-node-key", "office-key"

SERVER_CONF = f"""[lispmn-server]

[site mobile]
eid-prefixes={lt.EID4}/32;{lt.EID6}/128
key={MN_KEY}

[site office]
eid-prefixes={lt.SITE4};{lt.SITE6}
key={SITE_KEY}
"""


def mn_conf(key=MN_KEY, resolvers=(MS,), up2_priority=1, lines=()):
    """The mobile node registering with lispmn-server, no static mapping. lines: more keys of
    [lispmnd]; up2_priority 2 makes up1 the preferred uplink."""
    more = "".join(f"{line}\n" for line in lines)
    return f"""[lispmnd]
mode=mobile-node
eids={lt.EID4}/32;{lt.EID6}/128
map-resolvers={";".join(resolvers)}
{more}
[uplink up1]
priority=1
weight=50

[uplink up2]
priority={up2_priority}
weight=50

[map-server {MS}]
key={key}
"""


X_CONF = f"""[lispmnd]
mode=xtr
eids={lt.SITE4};{lt.SITE6}
map-resolvers={MS}
routes={lt.EID4}/32;{lt.EID6}/128

[uplink up0]

[map-server {MS}]
key={SITE_KEY}
"""


def map_server_states(daemon):
    """The state of each map-server of a lispmnd (e.g. ["registered"])."""
    return [m["state"] for m in daemon.state().get("map-servers", [])]


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read(path):
    with open(path) as f:
        return f.read()


# -- private buses --------------------------------------------------------------------------

BUS_NAME, PATH, IFACE = "org.lispmn.MobileNode1", "/org/lispmn/MobileNode1", "org.lispmn.MobileNode1"
POLICY = os.path.join(HERE, "..", "..", "data", "org.lispmn.MobileNode1.conf")

_OPEN_POLICY = """  <!-- Open to every local user: this bus exists for one test run. The installed policy of
       org.lispmn.MobileNode1 (deny by default) is tested on a strict bus. -->
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
"""

# The default policy of a distribution's system bus: deny owning names and calling methods
# unless a service's policy (included after it) allows it.
_STRICT_POLICY = """  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
"""


def bus_config(sockets, strict=False, includes=(), includedirs=()):
    """A dbus-daemon configuration for a system bus of a test's own, listening on the Unix
    sockets: open to everyone, or (strict) a distribution's default policy followed by the
    service policy files includes and the directories of them includedirs."""
    text = ('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
            ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
            "<busconfig>\n  <type>system</type>\n")
    text += "".join(f"  <listen>unix:path={s}</listen>\n" for s in sockets)
    text += "  <auth>EXTERNAL</auth>\n"
    text += _STRICT_POLICY if strict else _OPEN_POLICY
    text += "".join(f"  <include>{p}</include>\n" for p in includes)
    text += "".join(f"  <includedir>{d}</includedir>\n" for d in includedirs)
    return text + "</busconfig>\n"


class PrivateSystemBus:
    """A dbus-daemon of our own, standing in for the system bus (stopped by PID). strict: the
    installed policy of lispmnd (data/) on a bus that denies by default."""

    def __init__(self, workdir, strict=False):
        # A short directory of its own: a Unix socket path holds 107 bytes at most, and the
        # build directory may be anywhere.
        self.sockdir = tempfile.mkdtemp(prefix="lmnbus-")
        os.chmod(self.sockdir, 0o755)   # an unprivileged client connects too
        self.socket = os.path.join(self.sockdir, "socket")
        config = os.path.join(workdir, "system-bus.conf")
        with open(config, "w") as f:
            f.write(bus_config([self.socket], strict, includes=[os.path.abspath(POLICY)] if strict else ()))
        self.log = open(os.path.join(workdir, "dbus-daemon.log"), "wb")
        self.proc = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(self.socket), 5, "the private system bus")
        self.address = f"unix:path={self.socket}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.sockdir, ignore_errors=True)


def connect(address):
    """A GDBus connection to the bus at address (the caller closes it)."""
    return Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)


def name_has_owner(bus, name):
    return bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "NameHasOwner", GLib.Variant("(s)", (name,)), None,
                         Gio.DBusCallFlags.NONE, 1000, None).unpack()[0]


def wait_subscribed(bus, pid, timeout=10):
    """Until the process pid follows lispmnd's signals on bus: its connection has a
    GDBusProxy's three match rules (PropertiesChanged, the interface's signals, the name's
    owner), as dbus-daemon's Debug.Stats interface counts them. Waiting for that, not for a
    while, means a signal sent next cannot be missed, however slowly the process started."""
    def driver(method, arg, iface="org.freedesktop.DBus"):
        return bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", iface, method,
                             GLib.Variant("(s)", (arg,)) if arg is not None else None, None,
                             Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]

    def subscribed():
        for name in driver("ListNames", None):
            try:
                if not name.startswith(":") or driver("GetConnectionUnixProcessID", name) != pid:
                    continue
                stats = driver("GetConnectionStats", name, "org.freedesktop.DBus.Debug.Stats")
            except GLib.Error:
                continue  # gone meanwhile
            return stats.get("MatchRules", 0) >= 3
        return False
    wait_for(subscribed, timeout, f"process {pid} to follow lispmnd's signals")


def get_property(bus, name):
    """A property of lispmnd's interface."""
    return bus.call_sync(BUS_NAME, PATH, "org.freedesktop.DBus.Properties", "Get",
                         GLib.Variant("(ss)", (IFACE, name)), None,
                         Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]


# -- the polkit stand-in --------------------------------------------------------------------

# On a strict bus, the stand-in may own polkit's name and be called (its policy file).
POLKIT_STAND_IN_POLICY = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
</busconfig>
"""


class PolkitStandIn:
    """python-dbusmock's polkitd template on the bus at address (the real polkitd needs a
    system bus and logind of its own), answering as allow() says; stopped by PID."""

    def __init__(self, bus, address, log_path):
        self.bus = bus
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen([lt.PYTHON, "-m", "dbusmock", "--system", "--template", "polkitd"],
                                         env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: name_has_owner(bus, "org.freedesktop.PolicyKit1"), 5, "the polkit mock")

    def allow(self, actions):
        """Authorise these actions (and no other) from now on."""
        self.bus.call_sync("org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
                           "org.freedesktop.DBus.Mock", "SetAllowed", GLib.Variant("(as)", (actions,)),
                           None, Gio.DBusCallFlags.NONE, 2000, None)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


# -- the common set-up ----------------------------------------------------------------------

class TestCase(unittest.TestCase):
    """The programs of PROGRAMS checked (a clear failure when one is not built); self.dir, a
    work directory of the test's own (LISPMN_TEST_WORKDIR/<method>: logs, configurations and
    state files stay there); with BUS, a private system bus (STRICT: the installed policy on a
    bus that denies by default) and self.bus, a connection to it; then self.t, the namespace
    topology (build_topology: lisp_topology's four namespaces), closed at the end."""
    PROGRAMS = (LISPMND,)
    BUS = False
    STRICT = False

    def setUp(self):
        missing = not_built(*self.PROGRAMS)
        if missing:
            self.fail(f"{missing} (build them with ninja; meson test sets LISPMND, LISPMN_SERVER "
                      "and LISPMNCTL)")
        self.dir = lt.workdir(self.workdir_name())
        if self.BUS:
            self.start_bus(strict=self.STRICT)
            self.bus = self.connect()
        self.t = Topology()
        self.addCleanup(self.t.close)
        self.build_topology()

    def workdir_name(self):
        return self.id().rsplit(".", 1)[-1]

    def build_topology(self):
        lt.build(self.t)

    def start_bus(self, strict=False):
        """A private system bus, stopped at the end; returns the environment of its clients
        (also self.env)."""
        os.chmod(self.dir, 0o755)  # an unprivileged client reaches the socket
        self.bus_daemon = PrivateSystemBus(self.dir, strict=strict)
        self.addCleanup(self.bus_daemon.stop)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus_daemon.address)
        return self.env

    def connect(self, address=None):
        """A connection to the private system bus (or the bus at address), closed at the end."""
        bus = connect(address or self.bus_daemon.address)
        self.addCleanup(bus.close_sync, None)
        return bus

    def name_has_owner(self, name):
        return name_has_owner(self.bus, name)

    def get(self, name):
        return get_property(self.bus, name)

    def spin(self, seconds, until):
        """Runs the main context (signal handlers, async calls) until until() is true or
        seconds have passed; returns until()."""
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            ctx.iteration(False)
            time.sleep(0.01)
        return until()

    def start_polkit(self):
        self.polkit = PolkitStandIn(self.bus, self.bus_daemon.address,
                                    os.path.join(self.dir, "polkitd-mock.log"))
        self.addCleanup(self.polkit.stop)

    def allow(self, actions):
        self.polkit.allow(actions)


class BusTest(TestCase):
    """The topology with lispmnd on MN (static mappings, lisp_topology.mn_config) and X,
    MN attached to a private system bus."""
    BUS = True
    X_MAPPING_OF_MN = None   # which of MN's uplinks X's static mapping lists (default: both)

    def setUp(self):
        super().setUp()
        self.mn, self.x = lt.start_daemons(self.t, self.dir, lt.mn_config(),
                                           lt.x_config(mn_rlocs=self.X_MAPPING_OF_MN), mn_env=self.env)
        wait_for(lambda: self.name_has_owner(BUS_NAME), 5, "lispmnd on the bus")
        self.proxy = Gio.DBusProxy.new_sync(self.bus, Gio.DBusProxyFlags.NONE, None, BUS_NAME, PATH,
                                            IFACE, None)
