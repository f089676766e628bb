#!/usr/bin/env bash
# vpn-gateway against a real FreeRADIUS (issue #12), in network namespaces
# made on the fly (rgr-<pid>-NAME, nothing in the root namespace):
#
#   inet: bridge 203.0.113.0/24
#     gw1  vpn-gateway 203.0.113.1 (LAN 192.168.10.1 on a veth)
#     rad  FreeRADIUS 203.0.113.10 (files, detail)
#     c1, c2  vpn-client road warriors 203.0.113.21, .22
#   203.0.113.9 is a RADIUS server that does not exist (failover).
#
# Cases: PAP, CHAP-MD5, MS-CHAPv2 accepted and refused; Framed-IP-Address;
# MS-Primary/Secondary-DNS-Server reach the client; Reply-Message of a
# refusal reaches the client; accounting Start/Interim/Stop in the detail
# file with the octets of a known transfer; failover from the dead first
# server; Disconnect-Request from radclient drops exactly that session;
# Disconnect-Requests from an unknown address and with a wrong secret are
# dropped and counted; a server that never answers fails the login after
# the configured time.  Two gateways sharing one SQL user base, address
# pool and accounting: radius_two.sh.
#
# FreeRADIUS runs from a generated configuration in a temporary directory.
# Needs root and ip netns (else exit 77), freeradius, freeradius-utils
# (scripts/deps.d/radius.txt); the build tree in $top_builddir.
# Stops only the processes it started; everything is removed on exit.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-.}
GW=$build/examples/gateway/vpn-gateway
VC=${VPN_CLIENT:-$build/examples/client/vpn-client}
# Namespaces named after this run (rgr-<pid>-...): runs in other trees at the
# same time (make -j check, distcheck) do not meet.
R=rgr-$(printf %x $$)
NS=($R-inet $R-gw1 $R-rad $R-c1 $R-c2)
SECRET='rad1us-T3st-S3cret'
fail=0 pass=0
pids=()

# Whole-system tests in namespaces run when asked (scripts/test-all.sh asks
# in its gcc and ASan builds, not in distcheck's copy).
[ "${ROADGATE_E2E:-0}" = 1 ] || { echo "SKIP: set ROADGATE_E2E=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
ip netns add $R-probe 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
ip netns del $R-probe
command -v freeradius >/dev/null || { echo "SKIP: freeradius not installed (scripts/install-deps.sh)"; exit 77; }
command -v radclient >/dev/null || { echo "SKIP: radclient not installed"; exit 77; }
[ -x "$GW" ] || { echo "FAIL: $GW not built"; exit 1; }
[ -x "$VC" ] || { echo "SKIP: $VC not built"; exit 77; }

tmp=$(mktemp -d /tmp/rgr.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ "${KEEP_TMP:-0}" = 1 ] && echo "logs kept in $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo interrupted; exit 130' INT TERM

ok() { echo "  OK: $*"; pass=$((pass + 1)); }
bad() { echo "  FAIL: $*"; fail=$((fail + 1)); }
nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }
bg() {  # bg LOG NS CMD...
	local log=$1 n=$2; shift 2
	ip netns exec "$n" "$@" >"$log" 2>&1 &
	BGPID=$!
	pids+=("$BGPID")
}
stop() {  # stop PID: TERM and wait (our own processes only)
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null
}
waitfor() {  # waitfor FILE PATTERN SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# ---- the network ----------------------------------------------------------
net_up() {
	local n i=0
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	for n in "${NS[@]}"; do
		ip netns add "$n" || return 1
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	nsx $R-inet ip link add br0 type bridge
	nsx $R-inet ip link set br0 up
	for n in gw1:1 rad:10 c1:21 c2:22; do
		local name=${n%%:*} host=${n##*:}
		ip link add "to$name" netns $R-inet type veth peer name eth0 netns "$R-$name" || return 1
		nsx $R-inet ip link set "to$name" master br0 up
		nsx "$R-$name" ip link set eth0 up
		nsx "$R-$name" ip addr add "203.0.113.$host/24" dev eth0
	done
	nsx $R-gw1 ip link add vlan1 type veth peer name vlan1p
	nsx $R-gw1 ip addr add 192.168.10.1/24 dev vlan1
	nsx $R-gw1 ip link set vlan1 up
	nsx $R-gw1 ip link set vlan1p up
	nsx $R-gw1 sysctl -qw net.ipv4.ip_forward=1
}

# ---- FreeRADIUS -------------------------------------------------------------
rad_conf() {  # rad_conf DIR: a FreeRADIUS configuration made from the package's
	local d=$1
	cp -rL /etc/freeradius/3.0 "$d"
	mkdir -p "$tmp/radlog/radacct" "$tmp/radrun"
	sed -i -e 's|^\(\s*\)user = freerad|\1#user = freerad|' \
		-e 's|^\(\s*\)group = freerad|\1#group = freerad|' \
		-e "s|^logdir = .*|logdir = $tmp/radlog|" \
		-e "s|^run_dir = .*|run_dir = $tmp/radrun|" "$d/radiusd.conf"
	cat >"$d/clients.conf" <<-EOF
	client gw1 {
		ipaddr = 203.0.113.1
		secret = $SECRET
		require_message_authenticator = yes
		nas_type = other
	}
	EOF
	cat - "$d/mods-config/files/authorize" >"$d/users.new" <<-'EOF'
	papuser Cleartext-Password := "pap-pass"
	    Framed-IP-Address = 192.168.77.10,
	    Class = "pap-class-1",
	    Acct-Interim-Interval = 60,
	    Reply-Message = "hello papuser"
	chapuser Cleartext-Password := "chap-pass"
	    Framed-IP-Address = 192.168.77.11
	msuser Cleartext-Password := "ms-pass"
	    Framed-IP-Address = 192.168.77.12,
	    MS-Primary-DNS-Server = 192.168.10.153,
	    MS-Secondary-DNS-Server = 192.168.10.154,
	    Session-Timeout = 3600
	DEFAULT Auth-Type := Reject
	    Reply-Message = "Unknown user.\r\nAsk the office."
	EOF
	mv "$d/users.new" "$d/mods-config/files/authorize"
}

rad_start() {
	local d=$tmp/raddb
	rad_conf "$d" || return 1
	nsx $R-rad freeradius -C -d "$d" >"$tmp/radius-check.log" 2>&1 ||
		{ tail -30 "$tmp/radius-check.log"; return 1; }
	bg "$tmp/radius.log" $R-rad freeradius -X -d "$d"
	RADPID=$BGPID
	waitfor "$tmp/radius.log" "Ready to process requests" 20
}

# ---- the gateways ----------------------------------------------------------
gw_conf() {  # gw_conf N OUT [EXTRA-LINES]
	local n=$1 out=$2
	cat >"$out" <<-EOF
	create enco key=1 type=general value=labsecret
	set system name="rg-gw$n"
	add user=localuser password=local-pass login=no
	create ppp template=1 authentication=pap,chap,mschapv2 bap=off echo=30 lqr=off ippool=local
	set ppp dnsprimary=192.168.10.53
	enable l2tp
	enable l2tp server=lns
	add l2tp ip=1.1.1.1-255.255.255.254 ppptemplate=1
	enable ip
	add ip interface=vlan1 ipaddress=192.168.10.1 mask=255.255.255.0
	add ip interface=eth0 ipaddress=203.0.113.$n mask=255.255.255.0
	add ip route=0.0.0.0 mask=0.0.0.0 interface=eth0 nexthop=203.0.113.254
	create ip pool=local ip=192.168.8.1-192.168.8.49
	create ip pool=vpnpool ip=192.168.77.1-192.168.77.254
	create ipsec saspecification=1 keymanagement=isakmp protocol=esp encalg=aes128 hashalg=sha mode=transport
	create ipsec bundlespecification=1 keymanagement=isakmp string="1" expiryseconds=3600
	create ipsec policy=isakmp interface=eth0 action=permit lport=500
	create ipsec policy=isakmp_float interface=eth0 action=permit lport=4500
	create ipsec policy=all_roaming interface=eth0 action=ipsec keymanagement=isakmp bundlespecification=1 isakmppolicy=p1 peeraddress=any transportprotocol=udp lport=1701
	create ipsec policy=internet interface=eth0 action=permit
	enable ipsec
	create isakmp policy=p1 peer=any key=1 encalg=aes128 hashalg=sha group=14 expiryseconds=28800 nattraversal=on senddeletes=true
	enable isakmp
	EOF
	printf '%s\n' "${@:3}" >>"$out"
}

gw_start() {  # gw_start N [EXTRA-LINES]; GWPID_N, GWLOG_N
	local n=$1
	gw_conf "$n" "$tmp/gw$n.cfg" "${@:2}"
	"$GW" --check "$tmp/gw$n.cfg" >"$tmp/gw$n-check.log" 2>&1 ||
		{ cat "$tmp/gw$n-check.log"; return 1; }
	bg "$tmp/gw$n.log" "$R-gw$n" "$GW" -c "$tmp/gw$n.cfg" --map eth0=eth0 --map vlan1=vlan1 \
		--tun rg0 --no-steer -d ppp
	eval "GWPID_$n=$BGPID"
	waitfor "$tmp/gw$n.log" "serving on UDP" 10
}

client() {  # client NS GW USER PASSWORD AUTH LOG: connects, sets CLPID
	local n=$1 gw=$2 user=$3 pw=$4 auth=$5 log=$6
	bg "$log" "$n" env VPN_PSK=labsecret VPN_PASSWORD="$pw" "$VC" --gw "$gw" --user "$user" \
		--tun vpn0 --auth "$auth" --ike aes128-sha1-modp2048 --esp aes128-sha1 --split 192.168.10.0/24
	CLPID=$BGPID
}

client_addr() { nsx "$1" ip -4 -o addr show dev vpn0 2>/dev/null | awk '{print $4}' | cut -d/ -f1; }

detail_file() { cat "$tmp"/radlog/radacct/*/detail-* 2>/dev/null; }

# One login: expect "up" or "refused".
login_case() {  # login_case NAME USER PASSWORD AUTH up|refused [ADDRESS]
	local name=$1 user=$2 pw=$3 auth=$4 want=$5 addr=${6:-} log=$tmp/c-$1.log
	client $R-c1 203.0.113.1 "$user" "$pw" "$auth" "$log"
	if [ "$want" = up ]; then
		if waitfor "$log" "connected: address" 30; then
			local a; a=$(client_addr $R-c1)
			if [ -n "$addr" ] && [ "$a" != "$addr" ]; then
				bad "$name: address $a, not $addr"
			else
				ok "$name: $user up with $a"
			fi
		else
			bad "$name: $user did not connect"; tail -5 "$log"; tail -20 "$tmp/gw1.log"
		fi
	else
		local i
		for i in $(seq 300); do grep -q "connected: address" "$log" && break
			kill -0 "$CLPID" 2>/dev/null || break
			grep -qi "authentication\|auth.*fail\|E=691\|refused" "$log" && break; sleep 0.1; done
		if grep -q "connected: address" "$log"; then bad "$name: $user was admitted"
		else ok "$name: $user refused ($(grep -o 'E=[0-9]*\|authentication failed[^;]*' "$log" | head -1))"; fi
	fi
	stop "$CLPID"
	sleep 0.5
}

# ---------------------------------------------------------------------------
echo "== network and FreeRADIUS (files, detail)"
net_up || { echo "FAIL: namespaces"; exit 1; }
rad_start || { bad "FreeRADIUS did not start"; tail -40 "$tmp/radius.log"; exit 1; }
ok "FreeRADIUS ready on 203.0.113.10 (require_message_authenticator = yes for both gateways)"

echo "== gateway 1: a dead first server, then FreeRADIUS (timeout 1 s, 1 retry)"
gw_start 1 "add radius server=203.0.113.9 secret=$SECRET port=1812 accport=1813 timeout=1 retries=1" \
	"add radius server=203.0.113.10 secret=$SECRET port=1812 accport=1813 timeout=2 retries=2" \
	"set radius interiminterval=60" || { bad "gateway 1 did not start"; tail -20 "$tmp/gw1.log"; exit 1; }
ok "gateway 1 serving"

echo "== authentication through the whole path"
login_case pap papuser pap-pass pap up 192.168.77.10
grep -q "did not answer" "$tmp/gw1.log" && grep -q "accepted by RADIUS 203.0.113.10" "$tmp/gw1.log" &&
	ok "failover: 203.0.113.9 did not answer, 203.0.113.10 accepted" || bad "no failover seen in the gateway log"
login_case pap-wrong papuser wrong-pass pap refused
login_case chap chapuser chap-pass chap up 192.168.77.11
login_case chap-wrong chapuser wrong-pass chap refused
login_case mschapv2 msuser ms-pass mschapv2 up 192.168.77.12
grep -q "DNS *192.168.10.153 192.168.10.154" "$tmp/c-mschapv2.log" &&
	ok "MS-Primary/Secondary-DNS-Server reached the client: $(grep -o 'DNS .*' "$tmp/c-mschapv2.log" | head -1 | tr -s ' ')" ||
	bad "the client did not get the DNS servers of the Access-Accept ($(grep -o 'DNS .*' "$tmp/c-mschapv2.log" | head -1))"
login_case pap-dns papuser pap-pass pap up 192.168.77.10
grep -q "DNS *192.168.10.53 *$" "$tmp/c-pap-dns.log" && ok "without them, the script's DNS (set ppp dnsprimary=)" ||
	bad "papuser's DNS: $(grep -o 'DNS .*' "$tmp/c-pap-dns.log" | head -1)"
login_case mschapv2-wrong msuser wrong-pass mschapv2 refused
grep -q "E=691" "$tmp/c-mschapv2-wrong.log" && ok "MS-CHAPv2 refusal carries E=691 from MS-CHAP-Error" ||
	bad "no E=691 in the client's log"
login_case unknown nobody some-pass chap refused
grep -q 'the server says "Unknown user. Ask the office."' "$tmp/c-unknown.log" &&
	ok "the Reply-Message of the Access-Reject reached the client (line break made a space)" ||
	bad "no Reply-Message at the client: $(grep -o 'server says.*' "$tmp/c-unknown.log")"
login_case local localuser local-pass chap up
grep -q "Access-Request" "$tmp/radius.log" && ok "FreeRADIUS saw Access-Requests" || bad "no Access-Request at FreeRADIUS"
grep -qi "Message-Authenticator.*missing\|invalid Message-Authenticator" "$tmp/radius.log" &&
	bad "FreeRADIUS complained about Message-Authenticator" || ok "every Access-Request passed FreeRADIUS's Message-Authenticator check"

echo "== accounting of a known transfer"
client $R-c1 203.0.113.1 papuser pap-pass pap "$tmp/c-acct.log"
if waitfor "$tmp/c-acct.log" "connected: address" 30; then
	nsx $R-c1 ping -q -c 20 -i 0.1 -s 972 192.168.10.1 >"$tmp/ping.log" 2>&1
	received=$(grep -o '[0-9]* received' "$tmp/ping.log" | cut -d' ' -f1)
	sleep 1
	stop "$CLPID"
	sleep 2
	rec=$(detail_file | awk '/Acct-Status-Type = Stop/,/^$/' | tail -40)
	in=$(echo "$rec" | grep -o 'Acct-Input-Octets = [0-9]*' | tail -1 | awk '{print $3}')
	pk=$(echo "$rec" | grep -o 'Acct-Input-Packets = [0-9]*' | tail -1 | awk '{print $3}')
	detail_file | grep -q 'Acct-Status-Type = Start' && ok "Start record in the detail file" || bad "no Start record"
	if [ -n "$in" ] && [ "$in" -ge 20000 ] && [ "$in" -le 21000 ]; then
		ok "Stop: Acct-Input-Octets $in for 20 pings of 1000 bytes ($pk packets, $received replies)"
	else
		bad "Stop: Acct-Input-Octets '$in' for 20 x 1000 bytes"
	fi
	echo "$rec" | grep -q 'Acct-Terminate-Cause = User-Request' && ok "Acct-Terminate-Cause = User-Request" || bad "no User-Request cause"
	echo "$rec" | grep -q 'Class = 0x7061702d636c6173732d31' && ok "Class echoed in accounting" || bad "Class not echoed"
	echo "$rec" | grep -q 'Calling-Station-Id = "203.0.113.21:' && ok "Calling-Station-Id is the client's outer ip:port" || bad "Calling-Station-Id"
	echo "$rec" >"$tmp/stop-record.txt"
else
	bad "accounting client did not connect"
fi

echo "== Disconnect-Request (RFC 5176) from radclient"
client $R-c1 203.0.113.1 papuser pap-pass pap "$tmp/c-dm1.log"; P1=$CLPID
client $R-c2 203.0.113.1 chapuser chap-pass chap "$tmp/c-dm2.log"; P2=$CLPID
if waitfor "$tmp/c-dm1.log" "connected: address" 30 && waitfor "$tmp/c-dm2.log" "connected: address" 30; then
	echo 'User-Name = "papuser"' | nsx $R-rad radclient -x 203.0.113.1:3799 disconnect "$SECRET" >"$tmp/dm.log" 2>&1
	grep -q "Disconnect-ACK" "$tmp/dm.log" && ok "Disconnect-ACK for papuser" || { bad "no Disconnect-ACK"; cat "$tmp/dm.log"; }
	sleep 3
	grep -q "disconnected\|PPP.*terminat\|ended" "$tmp/c-dm1.log" && ok "papuser's client was disconnected" || bad "papuser still connected"
	nsx $R-c2 ping -q -c 2 -W 2 192.168.10.1 >/dev/null && ok "chapuser's session untouched" || bad "chapuser lost too"
	echo 'User-Name = "nobody"' | nsx $R-rad radclient -x 203.0.113.1:3799 disconnect "$SECRET" >"$tmp/dm2.log" 2>&1
	grep -q "Disconnect-NAK" "$tmp/dm2.log" && grep -q "Error-Cause = Session-Context-Not-Found" "$tmp/dm2.log" &&
		ok "unknown user: Disconnect-NAK with Error-Cause Session-Context-Not-Found" || { bad "unknown user not NAKed"; cat "$tmp/dm2.log"; }
	echo 'User-Name = "chapuser"' | nsx $R-rad radclient -r 1 -t 1 -x 203.0.113.1:3799 disconnect wrong-secret >"$tmp/dm3.log" 2>&1
	echo 'User-Name = "chapuser"' | nsx $R-c1 radclient -r 1 -t 1 -x 203.0.113.1:3799 disconnect "$SECRET" >"$tmp/dm4.log" 2>&1
	sleep 1
	nsx $R-c2 ping -q -c 2 -W 2 192.168.10.1 >/dev/null && ok "wrong secret / unknown address: chapuser still up" || bad "a forged Disconnect-Request dropped a client"
	grep -q "not a configured server, dropped" "$tmp/gw1.log" && ok "request from an unknown address: dropped and logged" || bad "no log line for the unknown address"
	grep -q "Disconnect/CoA: request from 203.0.113.10 dropped: bad authenticator" "$tmp/gw1.log" && ok "wrong secret: dropped and logged" || bad "no log line for the wrong secret"
	stop "$P1"; stop "$P2"
else
	bad "Disconnect clients did not connect"
fi

echo "== a RADIUS server that never answers"
stop "$GWPID_1"
gw_start 1 "add radius server=203.0.113.9 secret=$SECRET port=1812 accport=1813 timeout=1 retries=1" || bad "gateway restart"
t0=$SECONDS
login_case dead papuser pap-pass pap refused
grep -q "no server answered for user papuser\|no RADIUS answer" "$tmp/gw1.log" &&
	ok "login failed after the configured time ($((SECONDS - t0)) s) with a log line" || bad "no log line for the dead server"
grep -q "$SECRET" "$tmp"/gw*.log && bad "a secret appears in a gateway log" || ok "no secret in the gateway logs"
stop "$GWPID_1"
grep 'RADIUS: .* authentications sent' "$tmp/gw1.log" | tail -1 | sed 's/^/    /'

echo "radius: $pass passed, $fail failed"
[ "$fail" = 0 ]
