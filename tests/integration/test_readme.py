#!/usr/bin/python3
"""The README's server instructions, followed command by command as a new user would: the
commands of its "On a server" block run in a namespace of their own, with the build's
install staged in a temporary root (`meson install --destdir`) standing in for the system,
so that the example configuration the README copies is the installed one. The only
changes to the commands: no sudo (the test is root), and the install and /run paths point
into the staging root. (The laptop block runs in tests/nm/test_nm.py, which has a real
NetworkManager.)"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402

SOURCE = os.path.join(HERE, "..", "..")
README = os.path.join(SOURCE, "README.md")
SERVER = lt.lispmn_server_path()
BUILD = os.path.abspath(os.path.join(os.path.dirname(SERVER), "..", ".."))


def readme_block(heading):
    """The commands of the first ```sh block under `## heading`, continuation lines joined."""
    with open(README) as f:
        text = f.read()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.split("   #", 1)[0].strip()
        if line and not line.startswith("#"):
            commands.append(line)
    return commands


def build_option(name):
    options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", BUILD],
                                        capture_output=True, text=True, check=True).stdout)
    return {o["name"]: o["value"] for o in options}[name]


class ReadmeServer(unittest.TestCase):
    def setUp(self):
        self.dir = lt.workdir("readme")
        self.root = os.path.join(self.dir, "root")
        shutil.rmtree(self.root, ignore_errors=True)
        r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", self.root,
                            "--no-rebuild", "--quiet"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        os.makedirs(os.path.join(self.root, "run"), exist_ok=True)
        self.t = Topology()
        self.addCleanup(self.t.close)
        self.t.add_ns("srv")
        self.t.add_ns("mn")
        self.t.link("srv", "eth0", "mn", "eth0")
        self.t.addr("srv", "eth0", "198.51.100.66/24")

    def staged(self, command):
        """The README's command, run against the staging root instead of the system: its
        paths under the prefix and /run moved there, the installed lispmn-server run."""
        prefix = build_option("prefix")
        program = os.path.join(self.root + prefix, build_option("sbindir"), "lispmn-server")
        command = re.sub(r"^sudo ", "", command).replace("&& sudo ", "&& ")
        command = command.replace(f"{prefix}/", f"{self.root}{prefix}/")
        command = command.replace("/run/", f"{self.root}/run/")
        command = re.sub(r"^lispmn-server ", f"{program} ", command)
        # The replay state in the staging root too, not the system's default place.
        if command.startswith(program) and "--config" in command:
            command += f" --replay-state {self.root}/lispmn-server.replay"
        return command

    def test_server_commands(self):
        commands = readme_block("On a server")
        self.assertEqual(len(commands), 3, commands)
        copy, run, show = (self.staged(c) for c in commands)
        print("\n".join(["following the README:"] + commands))

        r = self.t.run("srv", ["sh", "-c", copy], check=False)
        self.assertEqual(r.returncode, 0, f"{copy}: {r.stdout}{r.stderr}")

        args = shlex.split(run)
        state_file = args[args.index("--state-file") + 1]
        server = self.t.popen("srv", args, os.path.join(self.dir, "server.log"))
        wait_for(lambda: os.path.exists(state_file) or not server.running(), 10,
                 "lispmn-server's state file")
        self.assertTrue(server.running(), f"lispmn-server exited: {server.log()}")

        r = self.t.run("srv", shlex.split(show), check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        print(r.stdout)
        self.assertIn("Counters (non-zero):", r.stdout)
        after = r.stdout.split("Counters (non-zero):", 1)[1].strip()
        self.assertTrue(after, "nothing under the counters heading")
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
