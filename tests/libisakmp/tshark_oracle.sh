#!/usr/bin/env bash
# tshark as an independent oracle: our Main Mode + Quick Mode + Informational
# exchange (NAT, floated to 4500), written to a pcap, must decrypt with the
# exported phase 1 key through Wireshark's ikev1_decryption_table (tshark
# derives the phase 1 and per-message-ID phase 2 IVs itself), show our IDs
# and both ESP SPIs, and dissect with no malformed packet.  Skips (77)
# without tshark.
set -u
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed: skip"; exit 77; }
bin=${top_builddir:-.}/tests/libisakmp/isakmp_pcap_dump
[ -x "$bin" ] || { echo "missing $bin"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
for sel in 0 1 2; do
	out=$("$bin" "$work/x$sel.pcap" "$sel") || { echo "FAIL: dump $sel"; fail=1; continue; }
	uat=$(echo "$out" | sed -n 's/^uat //p')
	spis=$(echo "$out" | sed -n 's/^spi //p')
	fields=$(HOME=$work tshark -r "$work/x$sel.pcap" -o "uat:ikev1_decryption_table:$uat" \
		-Tfields -E separator='|' -e frame.number -e isakmp.exchangetype -e isakmp.id.type \
		-e isakmp.spi -e isakmp.hash -e _ws.malformed -e _ws.expert.severity 2>/dev/null)
	echo "== proposal $sel ($uat)"; echo "$fields"
	if echo "$fields" | awk -F'|' '$6 != "" {bad=1} END {exit !bad}'; then
		echo "FAIL: malformed packet in proposal $sel"; fail=1
	fi
	# Main Mode 5/6 decrypted: ID type 1 (IPV4_ADDR) in two exchange-2 frames.
	n=$(echo "$fields" | awk -F'|' '$2 == 2 && $3 ~ /1/' | wc -l)
	[ "$n" -ge 2 ] || { echo "FAIL: MM5/MM6 not decrypted ($n)"; fail=1; }
	# Quick Mode decrypted: both of our SPIs appear in exchange-32 frames.
	for spi in $spis; do
		echo "$fields" | awk -F'|' '$2 == 32' | grep -qi "$spi" ||
			{ echo "FAIL: SPI $spi not found in decrypted Quick Mode"; fail=1; }
	done
	# Informational (Delete) decrypted: a HASH payload is visible.
	echo "$fields" | awk -F'|' '$2 == 5 && $5 != ""' | grep -q . ||
		{ echo "FAIL: Informational not decrypted"; fail=1; }
	# Wrong key must not decrypt (the oracle discriminates).
	wrong=$(HOME=$work tshark -r "$work/x$sel.pcap" -o "uat:ikev1_decryption_table:${uat%%,*},$(echo "${uat#*,}" | tr '0-9a-f' '1-9a-f0')" \
		-Tfields -e isakmp.spi 2>/dev/null | tr -d '\n,')
	for spi in $spis; do
		echo "$wrong" | grep -qi "$spi" && { echo "FAIL: wrong key still decrypts"; fail=1; }
	done
done
exit $fail
