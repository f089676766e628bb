#!/usr/bin/env bash
# Independent oracle for libfw: the same packet trace through Linux nftables
# (conntrack, masquerade) in network namespaces and through libfw
# (fw_replay); verdicts must agree and each NAT's port mapping must be
# consistent.  Runs only with ROADGATE_INTEROP=1 as root with ip netns and
# nft working; otherwise exits 77 (skip).  Namespaces are named rg-fw-*; the
# test addresses (192.168.1.x, 203.0.113.x, 198.51.100.x) exist only inside
# them and nothing is routed outside.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bld=${top_builddir:-.}
replay=$bld/tests/interop/fw/fw_replay

[ "${ROADGATE_INTEROP:-0}" = 1 ] || { echo "skip: ROADGATE_INTEROP!=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skip: not root"; exit 77; }
command -v ip >/dev/null && command -v nft >/dev/null && command -v python3 >/dev/null \
	|| { echo "skip: needs ip, nft, python3"; exit 77; }
[ -x "$replay" ] || { echo "skip: $replay not built"; exit 77; }

ns="rg-fw-lan rg-fw-gw rg-fw-wan"
cleanup() { for n in $ns; do ip netns del "$n" 2>/dev/null; done; rm -rf "$work"; }
work=$(mktemp -d)
trap cleanup EXIT
for n in $ns; do ip netns del "$n" 2>/dev/null; done
if ! ip netns add rg-fw-probe 2>/dev/null; then echo "skip: ip netns unusable"; exit 77; fi
if ! ip netns exec rg-fw-probe nft list ruleset >/dev/null 2>&1; then
	ip netns del rg-fw-probe; echo "skip: nft unusable in a namespace"; exit 77
fi
ip netns del rg-fw-probe

set -e
for n in $ns; do
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
ip link add lan0 netns rg-fw-lan type veth peer name gwl netns rg-fw-gw
ip link add wan0 netns rg-fw-wan type veth peer name gww netns rg-fw-gw
ip -n rg-fw-lan addr add 192.168.1.10/24 dev lan0
ip -n rg-fw-lan addr add 192.168.1.11/24 dev lan0
ip -n rg-fw-lan link set lan0 up
ip -n rg-fw-lan route add default via 192.168.1.1
ip -n rg-fw-gw addr add 192.168.1.1/24 dev gwl
ip -n rg-fw-gw addr add 203.0.113.1/24 dev gww
ip -n rg-fw-gw link set gwl up
ip -n rg-fw-gw link set gww up
ip -n rg-fw-gw route add 198.51.100.0/24 dev gww
ip netns exec rg-fw-gw sysctl -qw net.ipv4.ip_forward=1
ip -n rg-fw-wan addr add 198.51.100.7/24 dev wan0
ip -n rg-fw-wan link set wan0 up
ip -n rg-fw-wan route add 203.0.113.0/24 dev wan0
ip -n rg-fw-wan route add 192.168.1.0/24 via 203.0.113.1

# The seed's policy in nftables: vlan1 (gwl) private, eth0 (gww) public,
# enhanced NAT = masquerade, rules 1 and 2 = UDP 500/4500 to the gateway;
# rule 3 = no telnet from vlan1 to 198.51.100.0-198.51.100.127 (a range);
# vlan1 clamps the MSS of SYN and SYN+ACK to 1400 both ways; ICMP Redirect
# and Source Quench from the public side are dropped (libfw does so by
# itself, issue #13 item 12; conntrack would pass them as related).
ip netns exec rg-fw-gw nft -f - <<'NFT'
table ip fw {
	chain mss {
		type filter hook forward priority -150; policy accept;
		iifname "gwl" tcp flags & syn == syn tcp option maxseg size > 1400 tcp option maxseg size set 1400
		oifname "gwl" tcp flags & syn == syn tcp option maxseg size > 1400 tcp option maxseg size set 1400
	}
	chain input {
		type filter hook input priority 0; policy drop;
		iifname "gww" icmp type { redirect, source-quench } drop
		ct state established,related accept
		iifname "lo" accept
		iifname "gwl" accept
		iifname "gww" ip daddr 203.0.113.1 udp dport 500 accept
		iifname "gww" ip daddr 203.0.113.1 udp dport 4500 accept
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		iifname "gww" icmp type { redirect, source-quench } drop
		ct state established,related accept
		iifname "gwl" ip daddr 198.51.100.0/25 tcp dport 23 drop
		iifname "gwl" oifname "gww" accept
	}
	chain postrouting {
		type nat hook postrouting priority 100;
		oifname "gww" masquerade
	}
}
NFT
# The end hosts only listen: their kernels must not answer (RST, ICMP).
for n in rg-fw-lan rg-fw-wan; do
	ip netns exec "$n" nft -f - <<'NFT'
table ip quiet {
	chain input { type filter hook input priority 0; policy drop; }
}
NFT
done
python3 "$here/trace.py" trace > "$work/trace"
python3 "$here/trace.py" nft > "$work/nft.out"
"$replay" "$work/trace" > "$work/libfw.out"
set +e
python3 "$here/trace.py" compare "$work/nft.out" "$work/libfw.out"
