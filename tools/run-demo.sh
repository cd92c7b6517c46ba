#!/usr/bin/env bash
# The lispmn demo, as README.md's "Quick start" runs it.
#
#   usage: tools/run-demo.sh          (as root on a fresh machine)
#
# Installs what is needed, builds lispmn in build/, and runs the roaming demo
# (tools/roaming-demo.py): a laptop keeps its address, and an incoming TCP session, while its
# Ethernet cable is pulled, plugged back and its Wi-Fi renumbered, then behind a café's NAT
# -- in network namespaces of its own, on documentation addresses. Exits non-zero if the
# session did not survive.
# Extra arguments go to the demo (e.g. --keep DIR to keep its logs).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

if [ "$(id -u)" = 0 ]; then
  bash tools/install-deps.sh
else
  echo "run-demo: not root, so not installing packages (run tools/install-deps.sh as root if the build misses something)"
fi

if [ -f build/build.ninja ]; then
  meson setup --reconfigure build
else
  meson setup build
fi
ninja -C build -j "${JOBS:-2}"

if [ "$(id -u)" != 0 ]; then
  echo "run-demo: the demo needs root (network namespaces); built in build/, run: sudo tools/roaming-demo.py" >&2
  exit 1
fi
exec /usr/bin/python3 tools/roaming-demo.py --build build "$@"
