#!/usr/bin/env bash
# Usage: run.sh DESTDIR PREFIX
# After `make install DESTDIR=... prefix=PREFIX`, prove that another product
# can use each library with pkg-config alone, and that each installed shared
# library exports only its own API prefix.
set -euo pipefail
dest=$1; prefix=$2
here=$(cd "$(dirname "$0")" && pwd)
libdir=$dest$prefix/lib
pcdir=$libdir/pkgconfig
export PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_SYSROOT_DIR=$dest
export LD_LIBRARY_PATH=$libdir
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
for lib in isakmp esp l2tp ppp fw; do
	for f in "$libdir/lib$lib.so" "$dest$prefix/include/roadgate/$lib.h" "$pcdir/lib$lib.pc"; do
		[ -e "$f" ] || { echo "consumer: FAIL missing $f"; fail=$((fail+1)); continue 2; }
	done
	flags=$(pkg-config --cflags --libs "lib$lib")
	# shellcheck disable=SC2086
	if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$work/c_$lib" "$here/consumer_$lib.c" $flags \
	   && "$work/c_$lib"; then
		pass=$((pass+1))
	else
		echo "consumer: FAIL lib$lib (flags: $flags)"; fail=$((fail+1)); continue
	fi
	bad=$(nm -D --defined-only "$libdir/lib$lib.so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v "^${lib}_" || true)
	if [ -n "$bad" ]; then
		echo "consumer: FAIL lib$lib exports symbols outside ${lib}_*:"; echo "$bad" | head; fail=$((fail+1))
	else
		n=$(nm -D --defined-only "$libdir/lib$lib.so" | awk '$2 ~ /^[TDBRVW]$/' | wc -l)
		echo "consumer: lib$lib exports $n symbols, all ${lib}_*"; pass=$((pass+1))
	fi
done
echo "consumer: $pass passed, $fail failed"
[ "$fail" = 0 ]
