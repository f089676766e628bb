#!/usr/bin/env bash
# ike-scan as an independent client: our responder (isakmp_udp_peer on
# 127.0.0.1, a high UDP port) must give a valid Main Mode answer to ike-scan's
# default 8-transform proposal, choosing 3DES/SHA1/modp1024 by our policy,
# and return the RFC 3947 NAT-T vendor ID ike-scan offered.  Skips (77)
# without ike-scan or without a free port / localhost sockets.
set -u
command -v ike-scan >/dev/null 2>&1 || { echo "ike-scan not installed: skip"; exit 77; }
peer=${top_builddir:-.}/tests/interop/isakmp/isakmp_udp_peer
[ -x "$peer" ] || { echo "missing $peer"; exit 1; }
port=$((20000 + RANDOM % 20000))
log=$(mktemp); trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
"$peer" responder 127.0.0.1 lab-psk-123 10 "$port" >"$log" 2>&1 & pid=$!
sleep 0.3
kill -0 $pid 2>/dev/null || { cat "$log"; echo "responder did not start (port in use?): skip"; exit 77; }
out=$(ike-scan --sport=0 --dport="$port" --retry=2 --timeout=500 \
	--vendor=4a131c81070358455c5728f20e95452f 127.0.0.1 2>&1)
echo "$out"; cat "$log"
echo "$out" | grep -q "Main Mode Handshake returned" || { echo "FAIL: no Main Mode answer"; exit 1; }
echo "$out" | grep -q "Enc=3DES Hash=SHA1 Auth=PSK Group=2:modp1024" || { echo "FAIL: wrong transform"; exit 1; }
echo "$out" | grep -q "RFC 3947 NAT-T" || { echo "FAIL: no RFC 3947 VID"; exit 1; }
exit 0
