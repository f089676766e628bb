#!/usr/bin/env bash
# The README's first command.  On a fresh Debian 12 machine, as root: installs
# what is missing, builds, and runs the seed's scenario end to end in network
# namespaces made on the fly (tests/e2e/scenario.sh, read it to learn how to
# deploy): an office LAN behind vpn-gateway running the router's own script,
# a hotel NAT with two road warriors, a third road warrior without NAT, all
# dialing at the same time with vpn-client; ping, traceroute, a download and
# the internet through the office's NAT; the operator's view; an orderly
# teardown.  Everything it creates is removed at the end, also on failure.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
"$src/scripts/install-deps.sh"
if [ -f "$src/config.status" ]; then make -s distclean >/dev/null 2>&1 || true; fi
[ -x configure ] || autoreconf -fi >/dev/null
b=$src/_build/demo
mkdir -p "$b"
[ -f "$b/config.status" ] || (cd "$b" && "$src/configure" -q)
make -C "$b" -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
top_srcdir=$src top_builddir=$b exec bash "$src/tests/e2e/scenario.sh" demo
