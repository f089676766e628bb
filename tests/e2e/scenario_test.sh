#!/usr/bin/env bash
# make check: the README demo's scenario with every step asserted.
# Needs root and network namespaces (skips with 77 otherwise).
# Whole-system tests in namespaces run when asked (scripts/test-all.sh asks
# in its gcc and ASan builds, not in distcheck's copy).
[ "${ROADGATE_E2E:-0}" = 1 ] || { echo "SKIP: set ROADGATE_E2E=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
exec bash "${top_srcdir:-.}/tests/e2e/scenario.sh" test
