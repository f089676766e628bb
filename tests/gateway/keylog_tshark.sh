#!/usr/bin/env bash
# keylog_tshark.sh - proves vpn-gateway's key log (--keylog DIR) with tshark:
# the in-memory scenario (keylog_pcap) captured on the gateway's internet
# side decrypts with nothing but the key directory, as Wireshark reads it
# (XDG_CONFIG_HOME=DIR): Main Mode 5/6 and Quick Mode decrypted, every ESP
# packet's ICV verified and its payload dissected as L2TP, PPP and, inside,
# the pings; plain ESP and ESP in UDP; 3DES-SHA1 and AES-256-GCM.  The same
# capture without the keys shows none of it (the oracle discriminates).
# Skips (77) without tshark.
set -u
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed: skip"; exit 77; }
bin=${top_builddir:-.}/tests/gateway/keylog_pcap
[ -x "$bin" ] || { echo "missing $bin"; exit 1; }
work=$(mktemp -d /tmp/rgkeylog.XXXXXX); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/nokeys"
fail=0
check() { if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

fields() {  # fields CONFIGDIR PCAP
	XDG_CONFIG_HOME=$1 HOME=$work/home tshark -r "$2" -T fields -E separator='|' \
		-e frame.number -e ip.src -e udp.dstport -e isakmp.exchangetype -e isakmp.id.type \
		-e esp.spi -e esp.icv_good -e l2tp.version -e ppp.protocol -e icmp.type \
		-e _ws.malformed 2>/dev/null
}

for run in seed modern; do
	out=$("$bin" "$run" "$work/$run" "$work/$run.pcap") || { echo "FAIL: keylog_pcap $run"; exit 1; }
	echo "== $run: $(echo "$out" | tr '\n' ' ')"
	clients=$(echo "$out" | sed -n 's/^clients //p')
	# The files a root-only key directory holds.
	for f in esp_sa ikev1_decryption_table preferences; do
		[ "$(stat -c %a "$work/$run/wireshark/$f")" = 600 ]; check "$run: $f is mode 0600" $?
	done
	[ "$(stat -c %a "$work/$run")" = 700 ]; check "$run: the key directory is mode 0700" $?
	t=$(fields "$work/$run" "$work/$run.pcap")
	n=$(echo "$t" | awk -F'|' '$11 != ""' | wc -l)
	[ "$n" = 0 ]; check "$run: no malformed packet" $?
	# Main Mode 5 and 6 (exchange 2) carry the ID payload: decrypted.
	n=$(echo "$t" | awk -F'|' '$4 == 2 && $5 != ""' | wc -l)
	[ "$n" -ge $((2 * clients)) ]; check "$run: ISAKMP MM5/MM6 decrypted ($n frames)" $?
	# Quick Mode (exchange 32) with its IDs: decrypted.
	n=$(echo "$t" | awk -F'|' '$4 == 32 && $5 != ""' | wc -l)
	[ "$n" -ge $((2 * clients)) ]; check "$run: Quick Mode decrypted ($n frames)" $?
	# Every ESP packet: ICV good and L2TP inside, both directions.
	esp=$(echo "$t" | awk -F'|' '$6 != ""' | wc -l)
	good=$(echo "$t" | awk -F'|' '$6 != "" && $7 == 1 && $8 == 2' | wc -l)
	[ "$esp" -gt 20 ] && [ "$esp" = "$good" ]
	check "$run: all $esp ESP packets verified and dissected as L2TP ($good)" $?
	n=$(echo "$t" | awk -F'|' '$6 != "" && $2 ~ /^203\.0\.113\.1/' | wc -l)
	[ "$n" -gt 5 ]; check "$run: the gateway's own ESP decrypted ($n packets)" $?
	# PPP inside: LCP, CHAP, IPCP, then IP with the office pings.
	for proto in 0xc021 0xc223 0x8021 0x0021; do
		echo "$t" | awk -F'|' -v p=$proto '$9 ~ p' | grep -q .; check "$run: PPP $proto inside" $?
	done
	req=$(echo "$t" | awk -F'|' '$10 == 8' | wc -l)
	rep=$(echo "$t" | awk -F'|' '$10 == 0' | wc -l)
	[ "$req" = $((3 * clients)) ] && [ "$rep" = $((3 * clients)) ]
	check "$run: the pings inside the tunnels ($req requests, $rep replies)" $?
	# Plain ESP (no NAT) and ESP in UDP 4500 (NAT).
	if [ "$run" = seed ]; then
		echo "$t" | awk -F'|' '$6 != "" && $3 !~ /,/' | grep -q .; check "$run: plain ESP decrypted" $?
	fi
	echo "$t" | awk -F'|' '$6 != "" && $3 ~ /,1701$/' | grep -q .
	check "$run: ESP in UDP decrypted" $?
	# Decryption switched on but no keys: nothing inside.
	mkdir -p "$work/nokeys/wireshark"
	cp "$work/$run/wireshark/preferences" "$work/nokeys/wireshark/"
	u=$(fields "$work/nokeys" "$work/$run.pcap")
	n=$(echo "$u" | awk -F'|' '$8 != "" || ($4 == 2 && $5 != "")' | wc -l)
	[ "$n" = 0 ]; check "$run: without the key directory nothing decrypts" $?
done
exit $fail
