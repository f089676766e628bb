#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the end-to-end demo.
# Until the gateway and client exist, it runs each library's self-demo
# (examples/demo_<lib>): real protocol exchanges between two in-memory peers.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
"$src/scripts/install-deps.sh"
if [ -f "$src/config.status" ]; then make -s distclean >/dev/null 2>&1 || true; fi
[ -x configure ] || autoreconf -fi >/dev/null
b=$src/_build/demo
mkdir -p "$b"
[ -f "$b/config.status" ] || (cd "$b" && "$src/configure" -q)
make -C "$b" -s -j"$(nproc 2>/dev/null || echo 2)"
shopt -s nullglob
demos=()
for d in "$b"/examples/demo_*; do [ -x "$d" ] && demos+=("$d"); done
[ ${#demos[@]} -gt 0 ] || { echo "demo: no demo programs were built" >&2; exit 1; }
for d in "${demos[@]}"; do
	echo "=== ${d##*/}"
	"$d"
done
