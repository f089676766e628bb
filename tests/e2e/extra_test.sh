#!/usr/bin/env bash
# make check: wrong PSK, wrong password, clear L2TP, a vanished client, rekeys
# under traffic, a gateway restart with --persist clients (tests/e2e/scenario.sh extra).
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
exec bash "${top_srcdir:-.}/tests/e2e/scenario.sh" extra
