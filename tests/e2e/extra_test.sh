#!/usr/bin/env bash
# make check: wrong PSK, wrong password, clear L2TP, a vanished client, rekeys
# under traffic, a gateway restart with --persist clients (tests/e2e/scenario.sh extra).
# Whole-system tests in namespaces run when asked (scripts/test-all.sh asks
# in its gcc and ASan builds, not in distcheck's copy).
[ "${ROADGATE_E2E:-0}" = 1 ] || { echo "SKIP: set ROADGATE_E2E=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
exec bash "${top_srcdir:-.}/tests/e2e/scenario.sh" extra
