#!/usr/bin/env bash
# oracle_tshark.sh - independent oracle: tshark (Wireshark's ESP dissector)
# must decrypt every packet libesp writes (tests/libesp/oracle_gen), verify
# its ICV and dissect the inner UDP/1701 (L2TP) packet.  Skips (77) without
# tshark.  ChaCha20-Poly1305 is not in tshark 4.0 (covered by the RFC 7634
# vector test instead).
set -u
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed: skip"; exit 77; }
gen=${top_builddir:-.}/tests/libesp/oracle_gen
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$gen" "$work" || { echo "oracle_gen failed"; exit 1; }
# Private configuration directory so the UAT file is ours alone.
export XDG_CONFIG_HOME=$work/cfg HOME=$work
mkdir -p "$work/cfg/wireshark"
cp "$work/esp_sa" "$work/cfg/wireshark/esp_sa"
tshark -r "$work/esp.pcap" -o esp.enable_encryption_decode:TRUE \
	-o esp.enable_authentication_check:TRUE \
	-T fields -E separator='|' -e frame.number -e esp.spi -e esp.icv_good \
	-e esp.icv_bad -e udp.dstport -e l2tp.version -e esp.protocol \
	> "$work/out" 2> "$work/err"
pass=0; fail=0
while read -r num name spi; do
	line=$(awk -F'|' -v n="$num" '$1 == n' "$work/out")
	IFS='|' read -r _ wspi good bad ports l2tpv proto <<<"$line"
	ok=1
	[ "$good" = 1 ] || ok=0
	[ -z "$bad" ] || [ "$bad" = 0 ] || ok=0
	case ",$ports," in *,1701,*) ;; *) ok=0 ;; esac
	[ "$l2tpv" = 2 ] || ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL frame $num $name spi $spi: tshark says '$line'"
	fi
done < "$work/expect"
echo "tshark oracle: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
