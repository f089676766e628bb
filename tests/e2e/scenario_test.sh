#!/usr/bin/env bash
# make check: the README demo's scenario with every step asserted.
# Needs root and network namespaces (skips with 77 otherwise).
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
exec bash "${top_srcdir:-.}/tests/e2e/scenario.sh" test
