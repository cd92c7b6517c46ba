#!/usr/bin/env bash
# The lispmn demo, as README.md's "Quick start" runs it.
#
#   usage: tools/run-demo.sh          (as root on a fresh machine)
#
# Installs what is needed and builds lispmn in build/. The roaming demo itself (a mobile
# node keeping its address and its TCP session while it moves between uplinks) arrives with
# the end-to-end work; until then this script says so and points at what can be tried.
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

cat <<'MSG'

==================================================================
lispmn is built (in build/), but there is no roaming demo yet.

The demo -- a mobile node that keeps its address and an open TCP
session while it moves between uplinks -- arrives with the
end-to-end work. What exists today is the LISP protocol library and
its tests. Meanwhile you can run the whole test suite:

    tools/run-tests.sh            (or: tools/run-tests.sh --quick)

or just the tests of this build:

    meson test -C build
==================================================================
MSG
