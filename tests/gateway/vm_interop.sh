#!/usr/bin/env bash
# The real Linux road-warrior stack dials vpn-gateway: strongSwan (IKEv1) +
# xl2tpd + pppd in a small Debian VM under user-mode-linux, from
# ../shared/interop/vm (read its README).  The VM sits behind a masquerading
# NAT; the gateway runs in the iop-vm-gw namespace on 203.0.113.1.
#
# Cases (each: IKE, IPsec with NAT-T, L2TP, PPP with a pool address, and a
# ping through the tunnel, OVERALL=PASS):
#   seed    examples/gateway/seed.cfg, a 3DES-SHA1-MODP1024 client, CHAP-MD5
#   modern  examples/gateway/modern.cfg, an AES128-SHA1-MODP2048 client
#           (AES/SHA2-256 ESP), MS-CHAPv2
# The internet link is captured and must dissect in tshark as ISAKMP and
# UDP-encapsulated ESP without malformed packets; the gateway must log the
# client's session summary and shut down in order on SIGTERM.
#
# Runs with ROADGATE_INTEROP=1 as root; skips (77) only when the harness is
# missing or namespaces/tap devices cannot be made here.
set -u

[ "${ROADGATE_INTEROP:-0}" = 1 ] || { echo "SKIP: set ROADGATE_INTEROP=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
# The harness's lab network and VM image are one per machine: vm_interop.sh
# and vm_responder.sh take turns (make -j check starts them together).  flock
# holds the lock for the run; -o keeps it out of the VM and daemons.
if [ -z "${ROADGATE_VM_LOCKED:-}" ]; then
	ROADGATE_VM_LOCKED=1 exec flock -o -w 1800 "${ROADGATE_VM_LOCK:-/run/lock/roadgate-vm.lock}" bash "$0" "$@"
fi
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
H=${ROADGATE_SHARED:-$src/../shared}/interop/vm
[ -x "$H/lab-net.sh" ] || [ -f "$H/lab-net.sh" ] || { echo "SKIP: no VM harness at $H"; exit 77; }
gw=$builddir/examples/gateway/vpn-gateway
[ -x "$gw" ] || { echo "FAIL: $gw not built"; exit 1; }

bash "$H/lab-net.sh" check >/dev/null; rc=$?
[ $rc = 77 ] && { echo "SKIP: namespaces or tap devices cannot be made here"; exit 77; }
[ $rc = 0 ] || { echo "FAIL: lab-net.sh check exited $rc"; exit 1; }
bash "$H/build-image.sh" >/tmp/rg-vm-build.log 2>&1 || { tail -20 /tmp/rg-vm-build.log; echo "FAIL: build-image.sh"; exit 1; }

tmp=$(mktemp -d /tmp/rg-vmgw.XXXXXX)
gwpid=""
cleanup() {
	[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null && wait "$gwpid" 2>/dev/null
	bash "$H/lab-net.sh" down >/dev/null 2>&1
	[ "${KEEP_TMP:-0}" = 1 ] && echo "logs kept in $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

# The harness client authenticates as labuser/labpass with PSK labsecret.
mkconf() {  # mkconf EXAMPLE OUT
	cp "$src/examples/gateway/$1" "$2"
	printf '\n# The interop VM'"'"'s user.\nadd user=labuser password=labpass login=no\n' >> "$2"
}

fail=0
run_case() {  # run_case NAME EXAMPLE IKE ESP AUTHWORD
	local name=$1 example=$2 ike=$3 esp=$4 auth=$5 log=$tmp/$1-gw.log pcap=$tmp/$1.pcap
	echo "== case $name: $example, client ike=$ike esp=$esp, PPP $auth"
	bash "$H/lab-net.sh" up native >/dev/null || { echo "FAIL: lab-net up"; fail=$((fail+1)); return; }
	# The office LAN: a veth pair inside the gateway namespace, so the
	# script's vlan1 exists (192.168.10.1/24); nothing in the root namespace.
	ip netns exec iop-vm-gw ip link add lan0 type veth peer name lan0p 2>/dev/null
	ip netns exec iop-vm-gw ip addr replace 192.168.10.1/24 dev lan0
	ip netns exec iop-vm-gw ip link set lan0 up
	ip netns exec iop-vm-gw ip link set lan0p up
	mkconf "$example" "$tmp/$name.cfg"
	ip netns exec iop-vm-gw "$gw" -c "$tmp/$name.cfg" --map eth0=gw-wan --map vlan1=lan0 \
		--tun rg0 -d ppp >"$log" 2>&1 &
	gwpid=$!
	for _ in $(seq 50); do grep -q "serving on UDP" "$log" && break; sleep 0.1; done
	if ! grep -q "serving on UDP" "$log"; then
		echo "FAIL: the gateway did not start"; tail -20 "$log"; fail=$((fail+1)); return
	fi
	bash "$H/run-client.sh" --gw 203.0.113.1 --psk labsecret --user labuser --pass labpass \
		--ike "$ike" --esp "$esp" --pcap "$pcap" --timeout 150 >"$tmp/$name-client.log" 2>&1
	local crc=$?
	grep 'LAB-RESULT' "$tmp/$name-client.log"
	kill -TERM "$gwpid"; wait "$gwpid"; local grc=$?; gwpid=""
	if [ $crc != 0 ] || ! grep -q 'OVERALL=PASS' "$tmp/$name-client.log"; then
		echo "FAIL: $name: the VM client did not get through"; tail -40 "$log"
		fail=$((fail+1))
	fi
	grep -q "PPP user labuser authenticated\|PPP user labuser up" "$log" || { echo "FAIL: $name: no PPP user line"; fail=$((fail+1)); }
	grep -q "auth=\[<auth $auth>" "$tmp/$name-client.log" ||
		{ echo "FAIL: $name: the client did not use $auth"; fail=$((fail+1)); }
	grep -q "session end: user labuser" "$log" || { echo "FAIL: $name: no session summary"; fail=$((fail+1)); }
	grep -q "vpn-gateway stopped" "$log" && [ $grc = 0 ] || { echo "FAIL: $name: unclean exit $grc"; fail=$((fail+1)); }
	if command -v tshark >/dev/null && [ -s "$pcap" ]; then
		local d malformed
		d=$(tshark -r "$pcap" -d udp.port==4500,udpencap -T fields -e _ws.col.Protocol 2>/dev/null | sort | uniq -c)
		malformed=$(tshark -r "$pcap" -Y '_ws.malformed || _ws.expert.severity >= 6291456' 2>/dev/null | wc -l)
		echo "$d" | sed 's/^/    /'
		echo "$d" | grep -q ISAKMP || { echo "FAIL: $name: no ISAKMP in the capture"; fail=$((fail+1)); }
		echo "$d" | grep -q ESP || { echo "FAIL: $name: no ESP in the capture"; fail=$((fail+1)); }
		[ "$malformed" = 0 ] || { echo "FAIL: $name: $malformed malformed/warning packets"; fail=$((fail+1)); }
	fi
	bash "$H/lab-net.sh" down >/dev/null 2>&1
}

run_case seed seed.cfg '3des-sha1-modp1024!' '3des-sha1!' 'chap MD5'
run_case modern modern.cfg 'aes128-sha1-modp2048!' 'aes128-sha256!' 'chap MS-v2'

echo "vm_interop: $fail failure(s)"
[ $fail = 0 ]
