#!/usr/bin/env bash
# vpn-client against the real Linux L2TP/IPsec server: strongSwan (IKEv1 PSK,
# transport mode) + xl2tpd + pppd in a VM (../shared/interop/vm,
# run-responder.sh), owning 203.0.113.1.  vpn-client runs in a laptop
# namespace behind the harness's masquerading NAT (iop-vm-nat), so NAT-T and
# ESP in UDP are used, and must get PPP up and ping the server's PPP address
# (192.168.42.1) through the tunnel, once with CHAP-MD5 and once with
# MS-CHAPv2 (where it checks the server's authenticator).  Then it must
# disconnect in order.
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
[ -f "$H/lab-net.sh" ] || { echo "SKIP: no VM harness at $H"; exit 77; }
vc=$builddir/examples/client/vpn-client
[ -x "$vc" ] || { echo "FAIL: $vc not built"; exit 1; }

bash "$H/lab-net.sh" check >/dev/null; rc=$?
[ $rc = 77 ] && { echo "SKIP: namespaces or tap devices cannot be made here"; exit 77; }
[ $rc = 0 ] || { echo "FAIL: lab-net.sh check exited $rc"; exit 1; }
bash "$H/build-image.sh" >/tmp/rg-vm-build.log 2>&1 || { tail -20 /tmp/rg-vm-build.log; echo "FAIL: build-image.sh"; exit 1; }

ns=rgc-laptop
tmp=$(mktemp -d /tmp/rg-vmcl.XXXXXX)
vcpid=""
cleanup() {
	[ -n "$vcpid" ] && kill "$vcpid" 2>/dev/null && wait "$vcpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	bash "$H/lab-net.sh" down >/dev/null 2>&1
	[ "${KEEP_TMP:-0}" = 1 ] && echo "logs kept in $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

fail=0
run_case() {  # run_case AUTH
	local auth=$1 log=$tmp/client-$1.log
	echo "== vpn-client -> strongSwan/xl2tpd/pppd responder, PPP $auth"
	bash "$H/lab-net.sh" up vmgw >/dev/null || { echo "FAIL: lab-net up vmgw"; fail=$((fail+1)); return; }
	if ! bash "$H/run-responder.sh" --auth "$auth" >"$tmp/responder-$auth.log" 2>&1; then
		echo "FAIL: the responder VM did not come up"; tail -5 "$tmp/responder-$auth.log"
		fail=$((fail+1)); return
	fi
	# The laptop: a namespace on the home NAT's LAN (a second LAN of it).
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns"
	ip link add lap0 netns "$ns" type veth peer name homelan2 netns iop-vm-nat
	ip -n "$ns" link set lo up
	ip -n "$ns" link set lap0 up
	ip -n "$ns" addr add 192.168.2.10/24 dev lap0
	ip -n "$ns" route add default via 192.168.2.1
	ip -n iop-vm-nat addr add 192.168.2.1/24 dev homelan2
	ip -n iop-vm-nat link set homelan2 up
	ip netns exec iop-vm-nat iptables -t nat -A POSTROUTING -s 192.168.2.0/24 -o nat-wan -j MASQUERADE
	ip netns exec "$ns" env VPN_PSK=labsecret VPN_PASSWORD=labpass "$vc" --gw 203.0.113.1 \
		--user labuser --auth "$auth" --ike 'aes128-sha1-modp2048,3des-sha1-modp1024' \
		--esp 'aes128-sha1,3des-sha1' --split 192.168.42.0/24 --tun vc0 >"$log" 2>&1 &
	vcpid=$!
	local up=0
	for _ in $(seq 400); do grep -q "interface vc0 up" "$log" && { up=1; break; }; kill -0 "$vcpid" 2>/dev/null || break; sleep 0.1; done
	if [ $up = 0 ]; then
		echo "FAIL: $auth: vpn-client did not connect"; tail -20 "$log"; fail=$((fail+1))
	else
		grep -o 'connected: address [0-9.]*' "$log" | head -1 | sed 's/^/    /'
		if ip netns exec "$ns" ping -c 3 -i 0.3 -w 10 -q 192.168.42.1 >"$tmp/ping-$auth" 2>&1; then
			echo "    ping through the tunnel: $(grep -o '[0-9]* received' "$tmp/ping-$auth")"
		else
			echo "FAIL: $auth: no ping through the tunnel"; cat "$tmp/ping-$auth"; fail=$((fail+1))
		fi
		grep -q 'NAT-T (ESP in UDP' "$log" || { echo "FAIL: $auth: NAT-T not used"; fail=$((fail+1)); }
		case $auth in
		chap) grep -q 'authentication *CHAP (MD5)' "$log" || { echo "FAIL: CHAP-MD5 not used"; fail=$((fail+1)); } ;;
		mschapv2) grep -q 'authentication *MS-CHAP v2' "$log" || { echo "FAIL: MS-CHAPv2 not used"; fail=$((fail+1)); } ;;
		esac
	fi
	kill -TERM "$vcpid" 2>/dev/null; wait "$vcpid" 2>/dev/null; vcpid=""
	[ $up = 1 ] && { grep -q 'disconnected' "$log" || { echo "FAIL: $auth: no orderly disconnect"; fail=$((fail+1)); }; }
	ip netns del "$ns" 2>/dev/null
	bash "$H/lab-net.sh" down >/dev/null 2>&1
}

run_case chap
run_case mschapv2
echo "vm_responder: $fail failure(s)"
[ $fail = 0 ]
