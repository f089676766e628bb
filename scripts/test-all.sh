#!/usr/bin/env bash
# The complete test suite, from a fresh Debian 12 machine (as root):
#   1. installs what is missing (scripts/install-deps.sh)
#   2. gcc build with -Werror: make check, including the interop tests
#      (ROADGATE_INTEROP=1: charon, xl2tpd, nftables, the strongSwan VMs) and
#      the whole-system tests in namespaces (ROADGATE_E2E=1: the README demo's
#      scenario asserted, its negative cases, FreeRADIUS)
#   3. make distcheck
#   4. make install into a staging tree + the pkg-config consumer test and
#      the exported-symbols check
#   5. clang build with ASan+UBSan: make check, the whole-system tests too
#   6. the unit tests under valgrind
#   7. clang libFuzzer build: every fuzz target over its corpus (FUZZ_SECONDS)
# Prints one closing line "test-all: N passed, M failed"; exits non-zero on
# any failure.  Build trees go to _build/ (SKIP_STEPS="distcheck valgrind"
# skips steps by name).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
jobs=$(nproc 2>/dev/null || echo 2)
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
SKIP_STEPS=${SKIP_STEPS:-}
passed=0; failed=0; failed_steps=()

step() {  # step NAME COMMAND...
	local name=$1; shift
	case " $SKIP_STEPS " in *" $name "*) echo "== skip $name"; return 0;; esac
	echo "== $name"
	local t0=$SECONDS
	if "$@"; then
		echo "== $name: ok ($((SECONDS - t0)) s)"
	else
		echo "== $name: FAILED ($((SECONDS - t0)) s)"
		failed_steps+=("$name")
		return 1
	fi
}

# Adds the PASS/FAIL counts of an automake test-suite.log to the totals.
count_suite() {
	local log=$1 p f
	[ -f "$log" ] || return 0
	p=$(grep -E '^# PASS: ' "$log" | awk '{print $3}')
	f=$(grep -E '^# (FAIL|ERROR|XPASS): ' "$log" | awk '{s+=$3} END {print s+0}')
	passed=$((passed + ${p:-0})); failed=$((failed + f))
}

configure_in() {  # configure_in DIR ARGS...
	local dir=$1; shift
	rm -rf "$dir" && mkdir -p "$dir" && (cd "$dir" && "$src/configure" -q "$@")
}

deps() { "$src/scripts/install-deps.sh"; }

bootstrap() {
	if [ -f "$src/config.status" ]; then
		echo "test-all: the source tree is configured in place; running make distclean there first"
		make -s distclean >/dev/null 2>&1 || true
	fi
	autoreconf -fi >/dev/null
}

gcc_check() {
	configure_in _build/gcc CC=gcc --prefix=/usr/local &&
	make -C _build/gcc -s -j"$jobs" &&
	ROADGATE_INTEROP=1 ROADGATE_E2E=1 make -C _build/gcc -s -j"$jobs" check; local rc=$?
	count_suite _build/gcc/test-suite.log
	[ $rc = 0 ] || { show_failed_logs _build/gcc; return 1; }
}

distcheck() { make -C _build/gcc -s -j"$jobs" distcheck >_build/distcheck.log 2>&1 || { tail -60 _build/distcheck.log; return 1; }; grep -E 'archives ready|\.tar\.gz' _build/distcheck.log | head -3; }

install_consumer() {
	local d=$src/_build/stage
	rm -rf "$d" && make -C _build/gcc -s install DESTDIR="$d" >/dev/null &&
	"$src/tests/consumer/run.sh" "$d" /usr/local; local rc=$?
	[ $rc = 0 ] && passed=$((passed + 1)) || failed=$((failed + 1))
	return $rc
}

asan_check() {
	configure_in _build/asan CC=clang --enable-sanitizers &&
	make -C _build/asan -s -j"$jobs" &&
	ROADGATE_E2E=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -C _build/asan -s -j"$jobs" check; local rc=$?
	count_suite _build/asan/test-suite.log
	[ $rc = 0 ] || { show_failed_logs _build/asan; return 1; }
}

valgrind_check() {
	local tests
	tests=$(cd _build/gcc && ls tests/*/test_* 2>/dev/null | grep -v '\.' | tr '\n' ' ')
	[ -n "$tests" ] || return 1
	make -C _build/gcc -s -j"$jobs" check TESTS="$tests" \
		LOG_COMPILER="$src/tests/valgrind.sh" TEST_SUITE_LOG=valgrind-suite.log; local rc=$?
	count_suite _build/gcc/valgrind-suite.log
	[ $rc = 0 ] || { show_failed_logs _build/gcc; return 1; }
}

fuzz_smoke() {
	configure_in _build/fuzz CC=clang --enable-fuzzing --disable-shared &&
	make -C _build/fuzz -s -j"$jobs" &&
	make -C _build/fuzz -s fuzz-smoke FUZZ_SECONDS="$FUZZ_SECONDS"; local rc=$?
	[ $rc = 0 ] && passed=$((passed + 1)) || failed=$((failed + 1))
	return $rc
}

show_failed_logs() {
	local f
	for f in $(grep -lE '^:test-result: (FAIL|ERROR)' $(find "$1" -name '*.trs') 2>/dev/null); do
		echo "---- ${f%.trs}.log"; tail -40 "${f%.trs}.log"
	done
}

step deps deps || { echo "test-all: 0 passed, 1 failed"; exit 1; }
step bootstrap bootstrap || { echo "test-all: 0 passed, 1 failed"; exit 1; }
step gcc-check gcc_check
step distcheck distcheck && passed=$((passed + 1)) || { case " $SKIP_STEPS " in *" distcheck "*) ;; *) failed=$((failed + 1));; esac; }
step install-consumer install_consumer
step asan-check asan_check
step valgrind valgrind_check
step fuzz-smoke fuzz_smoke

[ ${#failed_steps[@]} = 0 ] || echo "test-all: failed steps: ${failed_steps[*]}"
echo "test-all: $passed passed, $failed failed"
[ ${#failed_steps[@]} = 0 ] && [ "$failed" = 0 ]
