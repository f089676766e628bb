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
# All five static archives in one program: no internal symbol may collide,
# and each archive defines only its public prefix and its internal one.
static_libs=""
for lib in isakmp esp l2tp ppp fw; do static_libs="$static_libs $libdir/lib$lib.a"; done
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$work/c_all" "$here/consumer_all.c" \
	$(pkg-config --cflags libisakmp libesp libl2tp libppp libfw) $static_libs \
	$(pkg-config --static --libs-only-other --libs-only-L libcrypto libsodium) -lcrypto -lsodium \
   && "$work/c_all"; then
	pass=$((pass+1))
else
	echo "consumer: FAIL the five static libraries do not link together"; fail=$((fail+1))
fi
for pair in isakmp:iki_ esp:espi_ l2tp:l2tpi_ ppp:ppp_ fw:fw_; do
	lib=${pair%%:*}; internal=${pair#*:}
	bad=$(nm --defined-only -g "$libdir/lib$lib.a" 2>/dev/null | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
		grep -v "^${lib}_" | grep -v "^${internal}" || true)
	if [ -n "$bad" ]; then
		echo "consumer: FAIL lib$lib.a defines global symbols outside ${lib}_/${internal}:"; echo "$bad" | head
		fail=$((fail+1))
	else
		pass=$((pass+1))
	fi
done
echo "consumer: $pass passed, $fail failed"
[ "$fail" = 0 ]
