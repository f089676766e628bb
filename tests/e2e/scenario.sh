#!/usr/bin/env bash
# The seed's scenario, end to end, in network namespaces made on the fly.
#
#   office LAN                   office gateway                 "internet"
#   rgd-office 192.168.10.10 -- [rgd-gw vpn-gateway] -- rgd-inet router 203.0.113.254
#   (HTTP server, answers ping)  vlan1 192.168.10.1        | 198.51.100.1 (bridge)
#                                eth0  203.0.113.1         |-- rgd-www   198.51.100.99 (internet host)
#                                                          |-- rgd-hotel 198.51.100.2  hotel NAT (masquerade)
#                                                          |     10.0.0.1 -- rgd-road1 10.0.0.11 (road warrior)
#                                                          |              -- rgd-road2 10.0.0.12 (road warrior)
#                                                          |-- rgd-road3 198.51.100.3  (no NAT: plain ESP)
#
# The gateway runs examples/gateway/seed.cfg, the router's own script (users
# dialin1..4, PPP template 1 with CHAP and pool myippool, the firewall with
# enhanced NAT and rules 1-3).  Its interfaces eth0 and vlan1 are mapped to
# the namespace's veths with --map.  The three road warriors are vpn-client,
# dialing at the same time, as the seed's Windows XP laptops would.
#
# usage: scenario.sh demo   narrate each step for a reader (scripts/demo.sh)
#        scenario.sh test   the same with every step asserted (make check)
#        scenario.sh extra  the negative and long cases (tests/e2e/e2e.sh)
# Needs root, ip netns, nftables, python3, traceroute; the build tree in
# $top_builddir.  Everything it makes is removed on exit, also on failure or
# Ctrl-C.  Stops only the processes it started.
set -u
mode=${1:-demo}
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$src/_build/demo}
GW=$build/examples/gateway/vpn-gateway
VC=$build/examples/client/vpn-client
CTL=$build/examples/gateway/vpn-ctl
NS=(rgd-office rgd-gw rgd-inet rgd-www rgd-hotel rgd-road1 rgd-road2 rgd-road3)
# The namespaces have fixed names (the demo shows them), so two runs must not
# overlap: `make -j check` starts scenario_test.sh and extra_test.sh together.
# The second waits here for the first (an flock, released when this shell
# exits; the processes it starts do not inherit it).
lock=${ROADGATE_E2E_LOCK:-/run/lock/roadgate-e2e.lock}
exec 9>"$lock" || { echo "scenario.sh: cannot open $lock" >&2; exit 1; }
if ! flock -n 9; then
	echo "scenario.sh: another run holds $lock; waiting for it"
	flock -w 1200 9 || { echo "scenario.sh: $lock still held after 20 minutes" >&2; exit 1; }
fi
tmp=$(mktemp -d /tmp/rgd.XXXXXX)
pids=()
failures=0
t0=$SECONDS

say() { printf '%s\n' "$*"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { say "  OK: $*"; }
bad() { say "  FAIL: $*"; failures=$((failures + 1)); }
nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }

cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.3; done
		kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ "${KEEP_TMP:-0}" = 1 ] && say "logs kept in $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

bg() {  # bg LOG NS CMD...: start a process in a namespace; its PID in BGPID
	local log=$1 n=$2; shift 2
	ip netns exec "$n" "$@" >"$log" 2>&1 9>&- &
	BGPID=$!
	pids+=("$BGPID")
}

waitfor() {  # waitfor FILE PATTERN SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

link() {  # link NS1 IF1 NS2 IF2: a veth pair between two namespaces
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	nsx "$1" ip link set "$2" up
	nsx "$3" ip link set "$4" up
}

net_up() {
	local n
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	for n in "${NS[@]}"; do
		ip netns add "$n" || return 1
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	# The office: the LAN host and the gateway's vlan1.
	link rgd-office eth0 rgd-gw vlan1
	nsx rgd-office ip addr add 192.168.10.10/24 dev eth0
	nsx rgd-office ip route add default via 192.168.10.1
	nsx rgd-gw ip addr add 192.168.10.1/24 dev vlan1
	# The gateway's internet side.
	link rgd-gw eth0 rgd-inet togw
	nsx rgd-gw ip addr add 203.0.113.1/24 dev eth0
	nsx rgd-gw ip route add default via 203.0.113.254
	nsx rgd-gw sysctl -qw net.ipv4.ip_forward=1
	nsx rgd-inet ip addr add 203.0.113.254/24 dev togw
	# The internet: a router with a bridge for everyone else.
	nsx rgd-inet ip link add br0 type bridge
	nsx rgd-inet ip link set br0 up
	nsx rgd-inet ip addr add 198.51.100.1/24 dev br0
	nsx rgd-inet sysctl -qw net.ipv4.ip_forward=1
	for n in www hotel road3; do
		ip link add "to$n" netns rgd-inet type veth peer name wan netns "rgd-$n"
		nsx rgd-inet ip link set "to$n" master br0 up
		nsx "rgd-$n" ip link set wan up
	done
	nsx rgd-www ip addr add 198.51.100.99/24 dev wan
	nsx rgd-www ip route add default via 198.51.100.1
	nsx rgd-road3 ip addr add 198.51.100.3/24 dev wan
	nsx rgd-road3 ip route add default via 198.51.100.1
	# The hotel: a NAT (masquerade) in front of two laptops.
	nsx rgd-hotel ip addr add 198.51.100.2/24 dev wan
	nsx rgd-hotel ip route add default via 198.51.100.1
	nsx rgd-hotel ip link add lan type bridge
	nsx rgd-hotel ip link set lan up
	nsx rgd-hotel ip addr add 10.0.0.1/24 dev lan
	nsx rgd-hotel sysctl -qw net.ipv4.ip_forward=1
	for n in 1 2; do
		ip link add "road$n" netns rgd-hotel type veth peer name eth0 netns "rgd-road$n"
		nsx rgd-hotel ip link set "road$n" master lan up
		nsx "rgd-road$n" ip link set eth0 up
		nsx "rgd-road$n" ip addr add "10.0.0.1$n/24" dev eth0
		nsx "rgd-road$n" ip route add default via 10.0.0.1
	done
	nsx rgd-hotel nft -f - <<-'EOF' || return 1
	table ip hotel {
		chain post { type nat hook postrouting priority 100; oifname "wan" masquerade; }
	}
	EOF
	# The office host's web server, with a file to download.
	mkdir -p "$tmp/www"
	head -c 3000000 /dev/urandom >"$tmp/www/report.bin"
	(cd "$tmp/www" && sha256sum report.bin | cut -d' ' -f1 >"$tmp/report.sha256")
	# (http.server's own server_bind asks DNS for its name, which no
	# namespace here can answer: these servers skip that.)
	bg "$tmp/office-http.log" rgd-office python3 -c '
import functools, http.server, socketserver, sys
class S(http.server.ThreadingHTTPServer):
    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "office", 80
S(("192.168.10.10", 80), functools.partial(http.server.SimpleHTTPRequestHandler,
    directory=sys.argv[1])).serve_forever()' "$tmp/www"
	# The internet host tells each visitor its address.
	bg "$tmp/www-http.log" rgd-www python3 -c '
import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = ("you are " + self.client_address[0] + "\n").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(b)))
        self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
class S(http.server.HTTPServer):
    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "www", 80
S(("198.51.100.99", 80), H).serve_forever()'
	local i
	for ((i = 0; i < 100; i++)); do
		nsx rgd-office ss -Hltn 'sport = :80' | grep -q . && nsx rgd-www ss -Hltn 'sport = :80' | grep -q . && break
		sleep 0.1
	done
	nsx rgd-road1 ping -c1 -W2 198.51.100.99 >/dev/null || { say "internet not reachable"; return 1; }
}

gw_start() {  # gw_start [ARGS...]
	GWLOG=$tmp/gateway.log
	local ctlopt=()
	[ -x "$CTL" ] && ctlopt=(--ctl "$tmp/ctl.sock")
	bg "$GWLOG" rgd-gw "$GW" -c "${GWCFG:-$src/examples/gateway/seed.cfg}" \
		--map eth0=eth0 --map vlan1=vlan1 "${ctlopt[@]}" "$@"
	GWPID=$BGPID
	waitfor "$GWLOG" "serving on UDP" 10
}

CLIENTS=0
clog() { local v="CLOG_${1//-/_}"; echo "${!v}"; }   # the log of a namespace's last client

client_start() {  # client_start NS USER PASSWORD [ARGS...] ; sets CPID_<ns>, CLOG_<ns>
	local n=$1 user=$2 pass=$3; shift 3
	CLIENTS=$((CLIENTS + 1))
	local log=$tmp/$n-$CLIENTS.log
	eval "CLOG_${n//-/_}=\$log"
	bg "$log" "$n" env VPN_PSK=labsecret VPN_PASSWORD="$pass" "$VC" --gw 203.0.113.1 \
		--user "$user" --tun vpn0 --auth chap --ike 3des-sha1-modp1024 --esp 3des-sha1 "$@"
	eval "CPID_${n//-/_}=$BGPID"
}

client_addr() {  # the PPP address of the client in namespace $1
	nsx "$1" ip -4 -o addr show dev vpn0 2>/dev/null | awk '{print $4}' | cut -d/ -f1
}

ctl() { [ -x "$CTL" ] && nsx rgd-gw "$CTL" --socket "$tmp/ctl.sock" "$@"; }

# The internet side of the gateway, captured while the clients work.
capture_start() {
	CAPPID=""
	command -v tshark >/dev/null || return 0
	bg "$tmp/capture.log" rgd-inet tshark -q -i togw -w "$tmp/internet.pcap"
	CAPPID=$BGPID
	waitfor "$tmp/capture.log" "Capturing on" 10
}

capture_check() {
	[ -n "$CAPPID" ] || { say "  (no tshark: capture skipped)"; return 0; }
	kill -INT "$CAPPID" 2>/dev/null; wait "$CAPPID" 2>/dev/null
	local protos bad
	protos=$(tshark -r "$tmp/internet.pcap" -T fields -e _ws.col.Protocol 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	bad=$(tshark -r "$tmp/internet.pcap" -Y '(isakmp || esp || udpencap || l2tp) && (_ws.malformed || _ws.expert.severity >= 6291456)' 2>/dev/null | wc -l)
	if echo "$protos" | grep -q ISAKMP && echo "$protos" | grep -q ESP && [ "$bad" = 0 ]; then
		ok "the internet link dissects in tshark as ISAKMP, ESP and ESP in UDP, 0 warnings ($protos)"
	else
		bad "capture: protocols $protos, $bad malformed or warning packets"
	fi
	tshark -r "$tmp/internet.pcap" -Y 'udp.port == 1701 && !esp' 2>/dev/null | grep -q . &&
		bad "clear L2TP seen on the internet link" || ok "no clear L2TP on the internet link"
}

# ---------------------------------------------------------------------------
scenario_main() {
	step "1. The network: office LAN, gateway, internet, a hotel NAT with two laptops, a third laptop without NAT"
	net_up || { bad "could not build the namespaces"; return; }
	ok "namespaces ${NS[*]}"

	step "2. The office gateway starts with the router's own script (examples/gateway/seed.cfg)"
	if gw_start; then ok "vpn-gateway is serving (log: $GWLOG)"; else bad "vpn-gateway did not start"; tail -20 "$GWLOG"; return; fi
	grep -E 'ready|steered' "$GWLOG" | sed 's/^/    /'

	capture_start
	step "3. Three road warriors dial at the same time (dialin1, dialin2 behind the hotel NAT; dialin3 with no NAT)"
	client_start rgd-road1 dialin1 friend1
	client_start rgd-road2 dialin2 friend2
	client_start rgd-road3 dialin3 friend3
	local n all=1
	for n in rgd-road1 rgd-road2 rgd-road3; do
		if waitfor "$(clog $n)" "interface vpn0 up" 40; then
			ok "$n: $(grep -o 'connected: address [0-9.]*, MTU [0-9]*' "$(clog $n)" | head -1)"
		else
			bad "$n did not connect"; tail -15 "$(clog $n)" | sed 's/^/    /'; all=0
		fi
	done
	[ $all = 1 ] || return
	[ "$(client_addr rgd-road1)" = 192.168.8.50 ] && ok "dialin1 got its static address 192.168.8.50 (add user ... ip=)" ||
		bad "dialin1 has $(client_addr rgd-road1), not its static 192.168.8.50"
	grep -q 'NAT-T (ESP in UDP' "$(clog rgd-road2)" && ok "rgd-road2 uses NAT-T (ESP in UDP 4500) through the hotel NAT" ||
		bad "rgd-road2 did not use NAT-T"
	grep -q 'NAT-T' "$(clog rgd-road3)" && bad "rgd-road3 should not need NAT-T" || ok "rgd-road3 uses plain ESP (IP protocol 50)"

	step "4. Each laptop pings the office host, and traces the route to it (the seed's own test)"
	for n in rgd-road1 rgd-road2 rgd-road3; do
		if nsx "$n" ping -c 3 -i 0.3 -w 10 -q 192.168.10.10 >"$tmp/$n.ping" 2>&1; then
			ok "$n: $(grep -o '[0-9]* received' "$tmp/$n.ping") of 3, $(grep -o 'rtt.*' "$tmp/$n.ping")"
		else
			bad "$n: ping failed"; cat "$tmp/$n.ping"
		fi
		nsx "$n" traceroute -n -I -q 1 -w 2 -m 4 192.168.10.10 >"$tmp/$n.trace" 2>&1
		local hops; hops=$(awk 'NR>1 {print $2}' "$tmp/$n.trace" | tr '\n' ' ')
		if grep -q '192.168.10.10' "$tmp/$n.trace" && ! grep -q ' 10.0.0.1 \| 198.51.100.1 ' "$tmp/$n.trace"; then
			ok "$n: traceroute through the tunnel: $hops(no hotel or internet router on the way)"
		else
			bad "$n: traceroute does not show the tunnel: $hops"
		fi
	done

	step "5. Each laptop downloads a file from the office web server through the tunnel"
	for n in rgd-road1 rgd-road2 rgd-road3; do
		local h; h=$(nsx "$n" python3 -c '
import hashlib, urllib.request
print(hashlib.sha256(urllib.request.urlopen("http://192.168.10.10/report.bin", timeout=20).read()).hexdigest())' 2>"$tmp/$n.dl")
		if [ "$h" = "$(cat "$tmp/report.sha256")" ]; then ok "$n: 3,000,000 bytes, SHA-256 matches"; else bad "$n: download failed or corrupt"; cat "$tmp/$n.dl"; fi
	done

	step "6. A laptop reaches the internet through the office's enhanced NAT (nat=enhanced int=dyn-dynamic)"
	local seen; seen=$(nsx rgd-road2 python3 -c '
import urllib.request; print(urllib.request.urlopen("http://198.51.100.99/", timeout=10).read().decode().strip())' 2>&1)
	if [ "$seen" = "you are 203.0.113.1" ]; then ok "the internet host saw the office's address: \"$seen\""; else bad "internet through the office: got \"$seen\""; fi

	capture_check
	step "7. What the gateway's operator sees"
	if [ -x "$CTL" ]; then
		for c in "show isakmp sa" "show ipsec sa" "show l2tp session" "show ppp" "show fire session"; do
			say "  vpn-ctl $c"; ctl $c 2>&1 | sed 's/^/    /'
		done
		# What a monitoring system scrapes, read by Prometheus' own parser.
		local py=python3 sum; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
		if sum=$(ctl --format=openmetrics show counters | "$py" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
f = {m.name: m for m in parse(sys.stdin.read())}
v = lambda n, **l: sum(s.value for s in f[n].samples if all(s.labels.get(k) == x for k, x in l.items()))
assert v("roadgate_clients") == 3 and v("roadgate_setups", stage="client") == 3
d = sorted(((s.value, s.labels["library"] + "." + s.labels["reason"])
           for s in f["roadgate_drops"].samples if s.value), reverse=True)
print("%d clients, %d setups, %d failed, %d ESP bytes in; drop counters: %s" % (
      v("roadgate_clients"), v("roadgate_setups", stage="client"), v("roadgate_setup_failures"),
      v("roadgate_bytes", layer="esp", direction="in"),
      ", ".join("%s %d" % (n, x) for x, n in d[:4]) if d else "none"))' 2>&1); then
			ok "vpn-ctl --format=openmetrics show counters: $sum"
		else
			bad "OpenMetrics counters: $sum"
		fi
	else
		grep -E 'IPsec SA up|L2TP session|PPP user .* up' "$GWLOG" | sed 's/^/    /'
	fi

	if [ "${HOLD:-0}" != 0 ]; then say "  (HOLD: pausing $HOLD s before the teardown)"; sleep "$HOLD"; fi
	step "8. The laptops disconnect (PPP Terminate, CDN, StopCCN, Deletes), then the gateway stops"
	for n in rgd-road1 rgd-road2 rgd-road3; do
		local v="CPID_${n//-/_}"
		kill -TERM "${!v}" 2>/dev/null
	done
	sleep 2
	for n in rgd-road1 rgd-road2 rgd-road3; do
		grep -q 'disconnected' "$(clog $n)" && ok "$n: disconnected in order" || bad "$n: no orderly disconnect"
	done
	local ends; ends=$(grep -c 'session end: user' "$GWLOG")
	[ "$ends" = 3 ] && ok "the gateway logged 3 session summaries" || bad "$ends session summaries, not 3"
	grep 'session end' "$GWLOG" | sed 's/^.*session end: /    /'
	kill -TERM "$GWPID"; wait "$GWPID" 2>/dev/null
	grep -q 'vpn-gateway stopped' "$GWLOG" && ok "vpn-gateway stopped" || bad "vpn-gateway did not stop cleanly"
}


# ---------------------------------------------------------------------------
# The negative and long cases (mode "extra"), each on the same network.
extra_main() {
	step "1. The network, and the gateway with the seed's script (LCP echo every 5 s for the test)"
	net_up || { bad "could not build the namespaces"; return; }
	sed 's/echo=30/echo=5/' "$src/examples/gateway/seed.cfg" >"$tmp/seed-fast.cfg"
	GWCFG=$tmp/seed-fast.cfg
	gw_start || { bad "vpn-gateway did not start"; tail -20 "$GWLOG"; return; }
	ok "vpn-gateway serving"

	step "2. A wrong pre-shared key is refused, with the reason in the gateway's log"
	bg "$tmp/psk.log" rgd-road3 env VPN_PSK=wrongkey VPN_PASSWORD=friend3 "$VC" --gw 203.0.113.1 \
		--user dialin3 --tun vpn0 --ike 3des-sha1-modp1024 --esp 3des-sha1
	local p=$BGPID
	if waitfor "$GWLOG" "Phase 1 with peer 198.51.100.3.*failed\|HASH.*198.51.100.3\|198.51.100.3.*HASH\|wrong pre-shared key" 30; then
		ok "gateway: $(grep -m1 'Phase 1 with peer 198.51.100.3\|HASH\|pre-shared' "$GWLOG" | cut -c14-)"
	else
		bad "no log line for the wrong PSK"; tail -5 "$GWLOG"
	fi
	grep -q "interface vpn0 up" "$tmp/psk.log" && bad "the client with a wrong PSK got in" || ok "the client did not get in"
	kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null

	step "3. A wrong password is refused at PPP, and the client is told why"
	client_start rgd-road2 dialin2 not-friend2
	local v="CPID_rgd_road2"
	for _ in $(seq 300); do kill -0 "${!v}" 2>/dev/null || break; sleep 0.1; done
	grep -q "connection failed: PPP authentication failed" "$(clog rgd-road2)" &&
		ok "client: $(grep -m1 -o 'connection failed: PPP authentication failed.*' "$(clog rgd-road2)")" ||
		bad "the client was not told: $(tail -1 "$(clog rgd-road2)")"
	grep -q "PPP user dialin2 from peer .*authentication failed" "$GWLOG" &&
		ok "gateway: $(grep -m1 -o 'PPP user dialin2 from peer .*authentication failed.*' "$GWLOG")" ||
		bad "no gateway log line for the wrong password"

	step "4. L2TP sent in clear (not through IPsec) is refused"
	nsx rgd-road3 python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("0.0.0.0",1701)); s.sendto(bytes.fromhex("c80200140000000000000000800800000000000100"), ("203.0.113.1",1701))'
	waitfor "$GWLOG" "did not come through IPsec" 5 && ok "gateway: $(grep -m1 -o 'L2TP from .* did not come through IPsec' "$GWLOG")" ||
		bad "clear L2TP was not refused with a log line"

	step "5. A client that vanishes is found (LCP echo) and its address goes back to the pool"
	client_start rgd-road2 dialin2 friend2
	if waitfor "$(clog rgd-road2)" "interface vpn0 up" 40; then
		local addr; addr=$(client_addr rgd-road2)
		v="CPID_rgd_road2"
		kill -STOP "${!v}"
		if waitfor "$GWLOG" "session end: user dialin2 .*address $addr" 40; then
			ok "gateway: $(grep -o "PPP user dialin2 down: [a-z ]*" "$GWLOG" | tail -1); session of $addr ended"
		else
			bad "the vanished client was not detected"
		fi
		kill -CONT "${!v}"; kill -KILL "${!v}"; wait "${!v}" 2>/dev/null
		client_start rgd-road1 dialin4 friend4
		waitfor "$(clog rgd-road1)" "interface vpn0 up" 40 && ok "the next client got $(client_addr rgd-road1) from the pool" ||
			bad "the next client did not connect"
		v="CPID_rgd_road1"; kill -TERM "${!v}"; wait "${!v}" 2>/dev/null
	else
		bad "dialin2 did not connect"
	fi

	step "6. A rekey every 20 s (phase 2) and 40 s (phase 1) with traffic loses no connection"
	client_start rgd-road3 dialin3 friend3 --esp-life 20 --ike-life 40
	if waitfor "$(clog rgd-road3)" "interface vpn0 up" 40; then
		nsx rgd-road3 ping -i 0.5 -c 130 -q 192.168.10.10 >"$tmp/rekey.ping" 2>&1
		local recv rk
		recv=$(grep -o '[0-9]* received' "$tmp/rekey.ping" | cut -d' ' -f1)
		rk=$(grep -c 'IPsec SA up with peer 198.51.100.3.*(rekey)' "$GWLOG")
		if [ "${recv:-0}" -ge 127 ] && [ "$rk" -ge 2 ]; then
			ok "$recv of 130 pings answered across $rk IPsec rekeys; the PPP session stayed up"
		else
			bad "$recv of 130 pings, $rk rekeys"
		fi
		v="CPID_rgd_road3"; kill -TERM "${!v}"; wait "${!v}" 2>/dev/null
	else
		bad "dialin3 did not connect"
	fi

	step "7. The gateway restarts; a client with --persist reconnects"
	client_start rgd-road2 dialin2 friend2 --persist
	if waitfor "$(clog rgd-road2)" "interface vpn0 up" 40; then
		kill -TERM "$GWPID"; wait "$GWPID" 2>/dev/null
		waitfor "$(clog rgd-road2)" "connection ended\|reconnecting" 20 && ok "client: $(grep -m1 -o 'connection ended.*' "$(clog rgd-road2)")" ||
			bad "the client did not notice the gateway leaving"
		mv "$GWLOG" "$tmp/gateway-1.log"
		gw_start || bad "the gateway did not start again"
		for _ in $(seq 400); do [ "$(grep -c 'interface vpn0 up' "$(clog rgd-road2)")" -ge 2 ] && break; sleep 0.1; done
		[ "$(grep -c 'interface vpn0 up' "$(clog rgd-road2)")" -ge 2 ] && ok "the client reconnected on its own" ||
			bad "the client did not reconnect"
		nsx rgd-road2 ping -c 2 -w 10 -q 192.168.10.10 >/dev/null && ok "and pings the office again" || bad "no ping after the reconnect"
	else
		bad "dialin2 did not connect"
	fi
}
case $mode in
extra)
	[ "$(id -u)" = 0 ] || { echo "scenario: needs root"; exit 77; }
	ip netns add rgd-probe 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
	ip netns del rgd-probe
	for f in "$GW" "$VC"; do [ -x "$f" ] || { echo "scenario: $f is not built"; exit 2; }; done
	extra_main
	;;
demo|test)
	[ "$(id -u)" = 0 ] || { echo "scenario: needs root"; exit 77; }
	ip netns add rgd-probe 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
	ip netns del rgd-probe
	for f in "$GW" "$VC"; do [ -x "$f" ] || { echo "scenario: $f is not built"; exit 2; }; done
	scenario_main
	;;
*)
	echo "usage: $0 demo|test|extra"; exit 2 ;;
esac
step "Done in $((SECONDS - t0)) s: $([ $failures = 0 ] && echo 'every step worked' || echo "$failures step(s) FAILED")"
[ $failures = 0 ]
