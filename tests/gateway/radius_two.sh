#!/usr/bin/env bash
# Several gateways, one user base (issue #12; docs/radius-two-gateways.md):
# two vpn-gateway instances and one FreeRADIUS whose users, addresses
# (sqlippool) and accounting (radacct) live in one SQL database (SQLite
# here; for PostgreSQL only the dialect and the connection in
# mods-enabled/sql change).
# In network namespaces made on the fly (rgr-<pid>-NAME, nothing in the
# root namespace):
#
#   inet: bridge 203.0.113.0/24
#     gw1   vpn-gateway 203.0.113.1 (LAN 192.168.10.1 on a veth)
#     gw2   vpn-gateway 203.0.113.2 (LAN 192.168.10.1 on a veth)
#     rad   FreeRADIUS 203.0.113.10: sql + sqlippool on SQLite
#     c1 .. c4   vpn-client road warriors 203.0.113.21 .. .24
#
# The pool table holds three addresses (192.168.77.100-102).  Asserted:
#  - clients of both gateways get distinct addresses from the one pool, and
#    the DNS server of the users' SQL group (radgroupreply);
#  - one user ("multi") logged in on both gateways is in radacct twice;
#  - a user with Simultaneous-Use := 1 ("single") logged in on gateway 1 is
#    refused on gateway 2, and its client is told (E=691 and the server's
#    text); radpostauth records the Access-Reject;
#  - with the pool used up a further login is refused (the gateway never
#    falls back to a pool of its own);
#  - a client that disconnects sends Stop: its radacct row is closed, its
#    pool row is free again, and the next new client gets that address;
#  - at the end every session is closed in radacct and every row is free.
#
# FreeRADIUS runs from a temporary copy of /etc/freeradius/3.0 with the
# package's SQLite schema and queries, two of them corrected (see
# docs/radius-two-gateways.md, "Two fixes to the shipped queries").
# Runs when ROADGATE_E2E=1; needs root and ip netns (else exit 77), freeradius (rlm_sql_sqlite,
# rlm_sqlippool) and sqlite3 (scripts/deps.d/radius.txt: missing is a
# failure); the build tree in $top_builddir.  Stops only the processes it
# started; removes everything on exit (KEEP_TMP=1 keeps the logs and the
# database).
set -u
build=${top_builddir:-.}
GW=$build/examples/gateway/vpn-gateway
VC=${VPN_CLIENT:-$build/examples/client/vpn-client}
# Namespaces named after this run: runs in other trees at the same time
# (make -j check, distcheck) do not meet.
R=rgr-$(printf %x $$)
NS=($R-inet $R-gw1 $R-gw2 $R-rad $R-c1 $R-c2 $R-c3 $R-c4)
SECRET='rad1us-Tw0-S3cret'
POOL=(192.168.77.100 192.168.77.101 192.168.77.102)
GROUP_DNS=192.168.10.153
fail=0 pass=0
pids=()

# Whole-system tests in namespaces run when asked (scripts/test-all.sh asks
# in its gcc and ASan builds, not in distcheck's copy).
[ "${ROADGATE_E2E:-0}" = 1 ] || { echo "SKIP: set ROADGATE_E2E=1"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
ip netns add $R-probe 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
ip netns del $R-probe
# With root and namespaces, what is missing is a failure: the packages come
# from scripts/deps.d/radius.txt (scripts/install-deps.sh).
command -v freeradius >/dev/null || { echo "FAIL: freeradius not installed (scripts/install-deps.sh)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 not installed (scripts/install-deps.sh)"; exit 1; }
[ -d /etc/freeradius/3.0/mods-config/sql/ippool/sqlite ] ||
	{ echo "FAIL: no FreeRADIUS 3 SQLite ippool queries in /etc/freeradius/3.0"; exit 1; }
[ -x "$GW" ] || { echo "FAIL: $GW not built"; exit 1; }
[ -x "$VC" ] || { echo "FAIL: $VC not built"; exit 1; }

tmp=$(mktemp -d /tmp/rgr2.XXXXXX)
chmod 755 "$tmp"
DB=$tmp/radius.sqlite
cleanup() {
	local p n
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ "${KEEP_TMP:-0}" = 1 ] && echo "logs and database kept in $tmp" || rm -rf "$tmp"
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
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
sqlwait() {  # sqlwait QUERY EXPECTED SECONDS: until the query prints EXPECTED
	local i
	for ((i = 0; i < $3 * 10; i++)); do [ "$(sql "$1")" = "$2" ] && return 0; sleep 0.1; done
	return 1
}

# ---- the network ----------------------------------------------------------
net_up() {
	local n
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	for n in "${NS[@]}"; do
		ip netns add "$n" || return 1
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	nsx $R-inet ip link add br0 type bridge
	nsx $R-inet ip link set br0 up
	for n in gw1:1 gw2:2 rad:10 c1:21 c2:22 c3:23 c4:24; do
		local name=${n%%:*} host=${n##*:}
		ip link add "to$name" netns $R-inet type veth peer name eth0 netns "$R-$name" || return 1
		nsx $R-inet ip link set "to$name" master br0 up
		nsx "$R-$name" ip link set eth0 up
		nsx "$R-$name" ip addr add "203.0.113.$host/24" dev eth0
	done
	for n in gw1 gw2; do
		nsx "$R-$n" ip link add vlan1 type veth peer name vlan1p
		nsx "$R-$n" ip addr add 192.168.10.1/24 dev vlan1
		nsx "$R-$n" ip link set vlan1 up
		nsx "$R-$n" ip link set vlan1p up
		nsx "$R-$n" sysctl -qw net.ipv4.ip_forward=1
	done
}

# ---- FreeRADIUS: users, pool and accounting in one SQL database -------------
# What docs/radius-two-gateways.md shows, written into a copy of the
# package's configuration.
rad_conf() {  # rad_conf DIR
	local d=$1 q
	cp -rL /etc/freeradius/3.0 "$d" || return 1
	mkdir -p "$tmp/radlog" "$tmp/radrun"
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
	client gw2 {
		ipaddr = 203.0.113.2
		secret = $SECRET
		require_message_authenticator = yes
		nas_type = other
	}
	EOF

	# The sql module: the dialect and the connection are the only lines
	# an operator on PostgreSQL changes.
	cat >"$d/mods-available/sql" <<-EOF
	sql {
		dialect = "sqlite"
		driver = "rlm_sql_\${dialect}"
		sqlite {
			filename = "$DB"
			busy_timeout = 2000
		}
		# postgresql: server = "db.example", port = 5432,
		# login = "radius", password = "...", radius_db = "radius"
		acct_table1 = "radacct"
		acct_table2 = "radacct"
		postauth_table = "radpostauth"
		authcheck_table = "radcheck"
		groupcheck_table = "radgroupcheck"
		authreply_table = "radreply"
		groupreply_table = "radgroupreply"
		usergroup_table = "radusergroup"
		read_groups = yes
		delete_stale_sessions = yes
		pool {
			start = 1
			min = 1
			max = 8
			spare = 2
			uses = 0
			retry_delay = 5
			lifetime = 0
			idle_timeout = 60
		}
		client_table = "nas"
		group_attribute = "SQL-Group"
		\$INCLUDE \${modconfdir}/\${.:name}/main/\${dialect}/queries.conf
	}
	EOF
	cat >"$d/mods-available/sqlippool" <<-'EOF'
	sqlippool {
		sql_module_instance = "sql"
		dialect = ${modules.sql.dialect}
		ippool_table = "radippool"
		pool_name = "Pool-Name"
		attribute_name = Framed-IP-Address
		req_attribute_name = Framed-IP-Address
		lease_duration = 3600
		allocate_clear_timeout = 1
		pool_key = "%{NAS-Port}"
		messages {
			exists = "Existing IP: %{reply:${..attribute_name}} (did %{Called-Station-Id} cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
			success = "Allocated IP: %{reply:${..attribute_name}} from %{control:${..pool_name}} (did %{Called-Station-Id} cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
			clear = "Released IP %{request:${..attribute_name}} (did %{Called-Station-Id} cli %{Calling-Station-Id} user %{User-Name})"
			failed = "IP Allocation FAILED from %{control:${..pool_name}} (did %{Called-Station-Id} cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
			nopool = "No ${..pool_name} defined (did %{Called-Station-Id} cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
		}
		$INCLUDE ${modconfdir}/sql/ippool/${dialect}/queries.conf
	}
	EOF
	ln -sf ../mods-available/sql "$d/mods-enabled/sql"
	ln -sf ../mods-available/sqlippool "$d/mods-enabled/sqlippool"

	# The virtual server of the gateways (replaces the package's default).
	rm -f "$d/sites-enabled/default"
	cat >"$d/sites-enabled/default" <<-'EOF'
	server default {
	listen {
		type = auth
		ipaddr = *
		port = 0
	}
	listen {
		type = acct
		ipaddr = *
		port = 0
	}
	authorize {
		preprocess
		chap
		mschap
		sql
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		mschap
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		sql
		sqlippool
	}
	session {
		sql
	}
	post-auth {
		sqlippool
		if (notfound) {
			update reply {
				&Reply-Message := "No address left in pool %{control:Pool-Name}"
			}
			reject
		}
		sql
		Post-Auth-Type REJECT {
			sql
			attr_filter.access_reject
		}
	}
	}
	EOF

	# Two fixes to the shipped queries (FreeRADIUS 3.2.1, unchanged up to
	# 3.2.9): allocate_find lacks an AND (every allocation fails, as if
	# the pool were full), and simul_verify_query compares the user name
	# with %{SQL-Group} (no row is ever verified: Simultaneous-Use never
	# refuses).  The count alone decides; checkrad is not used.
	q=$d/mods-config/sql/ippool/sqlite/queries.conf
	sed -i "/^allocate_find = /,/LIMIT 1\"/s|^\(\s*\)expiry_time < datetime('now') \\\\|\1AND expiry_time < datetime('now') \\\\|" "$q"
	grep -A5 '^allocate_find = ' "$q" | grep -q "AND expiry_time < datetime('now')" ||
		{ echo "cannot correct allocate_find in $q"; return 1; }
	q=$d/mods-config/sql/main/sqlite/queries.conf
	sed -i '/^simul_verify_query = /,/^$/d' "$q"
	! grep -q '^simul_verify_query' "$q" || { echo "cannot drop simul_verify_query"; return 1; }
}

# The database: the package's schemas, the users (one SQL group "vpn" that
# draws from vpnpool and gets a DNS server), and the pool's rows.
db_init() {
	local s=/etc/freeradius/3.0/mods-config/sql a
	sqlite3 "$DB" <"$s/main/sqlite/schema.sql" || return 1
	sqlite3 "$DB" <"$s/ippool/sqlite/schema.sql" || return 1
	sql "INSERT INTO radcheck (username, attribute, op, value) VALUES
		('multi', 'Cleartext-Password', ':=', 'multi-pass'),
		('single', 'Cleartext-Password', ':=', 'single-pass'),
		('single', 'Simultaneous-Use', ':=', '1'),
		('late', 'Cleartext-Password', ':=', 'late-pass');
	INSERT INTO radusergroup (username, groupname, priority) VALUES
		('multi', 'vpn', 1), ('single', 'vpn', 1), ('late', 'vpn', 1);
	INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES
		('vpn', 'Pool-Name', ':=', 'vpnpool');
	INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
		('vpn', 'MS-Primary-DNS-Server', ':=', '$GROUP_DNS');" || return 1
	# radippool's id is "int(11) PRIMARY KEY", not SQLite's rowid alias:
	# a row without one has a NULL id, and pool_check (SELECT id) then
	# takes the pool for missing.  Number the rows.  A new row's
	# expiry_time defaults to its insertion time, and allocate_find wants
	# one before now: say "free since 1970" instead.
	for a in "${!POOL[@]}"; do
		sql "INSERT INTO radippool (id, pool_name, framedipaddress, expiry_time)
		     VALUES ($((a + 1)), 'vpnpool', '${POOL[a]}', datetime(0, 'unixepoch'));" || return 1
	done
}

rad_start() {
	local d=$tmp/raddb
	rad_conf "$d" || return 1
	db_init || return 1
	nsx $R-rad freeradius -C -d "$d" >"$tmp/radius-check.log" 2>&1 ||
		{ tail -30 "$tmp/radius-check.log"; return 1; }
	bg "$tmp/radius.log" $R-rad freeradius -X -d "$d"
	waitfor "$tmp/radius.log" "Ready to process requests" 20
}

# ---- the gateways: the same script, their own name and address ------------
gw_start() {  # gw_start N; GWPID_N
	local n=$1 cfg=$tmp/gw$1.cfg
	cat >"$cfg" <<-EOF
	create enco key=1 type=general value=labsecret
	set system name="rg-gw$n"
	create ppp template=1 authentication=pap,chap,mschapv2 bap=off echo=30 lqr=off ippool=local
	set ppp dnsprimary=192.168.10.53
	enable l2tp
	enable l2tp server=lns
	add l2tp ip=1.1.1.1-255.255.255.254 ppptemplate=1
	enable ip
	add ip interface=vlan1 ipaddress=192.168.10.1 mask=255.255.255.0
	add ip interface=eth0 ipaddress=203.0.113.$n mask=255.255.255.0
	add ip route=0.0.0.0 mask=0.0.0.0 interface=eth0 nexthop=203.0.113.254
	# This gateway's own pool (the router's users, none here) ...
	create ip pool=local ip=192.168.$((7 + n)).1-192.168.$((7 + n)).49
	# ... and the range sqlippool hands out, here only to be routed.
	create ip pool=vpnpool ip=192.168.77.100-192.168.77.102
	add radius server=203.0.113.10 secret=$SECRET port=1812 accport=1813
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
	"$GW" --check "$cfg" >"$tmp/gw$n-check.log" 2>&1 || { cat "$tmp/gw$n-check.log"; return 1; }
	bg "$tmp/gw$n.log" "$R-gw$n" "$GW" -c "$cfg" --map eth0=eth0 --map vlan1=vlan1 \
		--tun rg0 --no-steer -d ppp
	eval "GWPID_$n=$BGPID"
	waitfor "$tmp/gw$n.log" "serving on UDP" 10
}

# ---- clients -----------------------------------------------------------------
CL_PID=() CL_LOG=()
client() {  # client K GW USER PASSWORD AUTH: client K ($R-cK) dials gateway GW
	local k=$1 log=$tmp/c$1-$3-gw$2.log
	bg "$log" "$R-c$k" env VPN_PSK=labsecret VPN_PASSWORD="$4" "$VC" --gw "203.0.113.$2" \
		--user "$3" --tun vpn0 --auth "$5" --ike aes128-sha1-modp2048 --esp aes128-sha1 \
		--split 192.168.10.0/24
	CL_PID[k]=$BGPID
	CL_LOG[k]=$log
}
client_addr() { nsx "$R-c$1" ip -4 -o addr show dev vpn0 2>/dev/null | awk '{print $4}' | cut -d/ -f1; }
up() {  # up K: waits until client K is connected; prints its address
	if waitfor "${CL_LOG[$1]}" "connected: address" 30; then
		client_addr "$1"
		return 0
	fi
	return 1
}
refused() {  # refused K: waits until client K gave up (never connected)
	local i
	for i in $(seq 300); do
		grep -q "connected: address" "${CL_LOG[$1]}" && return 1
		grep -q "connection failed\|authentication failed\|E=691" "${CL_LOG[$1]}" && return 0
		kill -0 "${CL_PID[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	! grep -q "connected: address" "${CL_LOG[$1]}"
}
hangup() { stop "${CL_PID[$1]}"; }
in_pool() { local a; for a in "${POOL[@]}"; do [ "$1" = "$a" ] && return 0; done; return 1; }
pool_row() {  # pool_row ADDRESS: nasipaddress|username|free (expiry_time <= now)
	sql "SELECT nasipaddress, username, expiry_time <= datetime('now') FROM radippool
	     WHERE framedipaddress = '$1';"
}
open_sessions() {  # open_sessions USER: nasipaddress|framedipaddress of its open radacct rows
	sql "SELECT nasipaddress, framedipaddress FROM radacct
	     WHERE username = '$1' AND acctstoptime IS NULL ORDER BY nasipaddress;"
}

# ---------------------------------------------------------------------------
echo "== network, FreeRADIUS (sql + sqlippool on SQLite), two gateways"
net_up || { echo "FAIL: namespaces"; exit 1; }
rad_start || { bad "FreeRADIUS did not start"; tail -40 "$tmp/radius.log"; exit 1; }
ok "FreeRADIUS ready on 203.0.113.10; pool table: $(sql "SELECT COUNT(*) FROM radippool WHERE pool_name = 'vpnpool'") addresses"
gw_start 1 || { bad "gateway 1 did not start"; tail -20 "$tmp/gw1.log"; exit 1; }
gw_start 2 || { bad "gateway 2 did not start"; tail -20 "$tmp/gw2.log"; exit 1; }
ok "gateways 203.0.113.1 and 203.0.113.2 serving"

echo "== one user on both gateways, distinct addresses from the one pool"
client 1 1 multi multi-pass chap
A=$(up 1) || { bad "multi on gateway 1 did not connect"; tail -5 "${CL_LOG[1]}"; tail -30 "$tmp/gw1.log"; }
client 2 2 multi multi-pass chap
B=$(up 2) || { bad "multi on gateway 2 did not connect"; tail -5 "${CL_LOG[2]}"; tail -30 "$tmp/gw2.log"; }
if in_pool "$A" && in_pool "$B" && [ "$A" != "$B" ]; then
	ok "multi: $A on gateway 1, $B on gateway 2 (both from vpnpool, distinct)"
else
	bad "multi: addresses '$A' and '$B' are not two distinct pool addresses"
fi
nsx $R-c1 ping -q -c 2 -w 5 192.168.10.1 >/dev/null && nsx $R-c2 ping -q -c 2 -w 5 192.168.10.1 >/dev/null &&
	ok "both clients reach their office through their tunnel" || bad "ping through the tunnels"
grep -q "DNS *$GROUP_DNS" "${CL_LOG[1]}" && grep -q "DNS *$GROUP_DNS" "${CL_LOG[2]}" &&
	ok "both clients were given DNS $GROUP_DNS (radgroupreply MS-Primary-DNS-Server)" ||
	bad "the group's DNS server did not reach the clients"
if sqlwait "SELECT COUNT(*) FROM radacct WHERE username = 'multi' AND acctstoptime IS NULL" 2 10; then
	ok "radacct: multi twice, open: $(open_sessions multi | tr '\n' ' ')"
else
	bad "radacct: multi not twice: $(open_sessions multi | tr '\n' ' ')"
fi
[ "$(pool_row "$A")" = "203.0.113.1|multi|0" ] && [ "$(pool_row "$B")" = "203.0.113.2|multi|0" ] &&
	ok "radippool: $A leased to 203.0.113.1, $B to 203.0.113.2" ||
	bad "radippool rows: $A '$(pool_row "$A")', $B '$(pool_row "$B")'"

echo "== Simultaneous-Use := 1 across the gateways; the pool used up"
client 3 1 single single-pass mschapv2
C=$(up 3) || { bad "single on gateway 1 did not connect"; tail -5 "${CL_LOG[3]}"; }
in_pool "$C" && [ "$C" != "$A" ] && [ "$C" != "$B" ] && ok "single: $C on gateway 1 (the third address)" ||
	bad "single: address '$C'"
sqlwait "SELECT COUNT(*) FROM radacct WHERE username = 'single' AND acctstoptime IS NULL" 1 10 ||
	bad "radacct: no open session of single"
client 4 2 single single-pass mschapv2
if refused 4; then
	ok "single on gateway 2 refused: $(grep -o 'E=691.*\|authentication failed.*' "${CL_LOG[4]}" | head -1)"
else
	bad "single was admitted twice"
fi
grep -q "already logged in" "${CL_LOG[4]}" && ok "the client was told: $(grep -o 'You are already logged in[^"]*' "${CL_LOG[4]}" | head -1)" ||
	bad "the client was not told why (no Reply-Message in its log)"
grep -q "PPP user single from peer .*: authentication failed (rejected by RADIUS" "$tmp/gw2.log" &&
	ok "gateway 2 mapped the Access-Reject to a PPP failure" || bad "no refusal in gateway 2's log"
[ "$(sql "SELECT COUNT(*) FROM radacct WHERE username = 'single' AND acctstoptime IS NULL")" = 1 ] &&
	ok "radacct: single still once (gateway 1)" || bad "radacct: single is not exactly once"
[ "$(sql "SELECT reply FROM radpostauth WHERE username = 'single' ORDER BY id DESC LIMIT 1")" = Access-Reject ] &&
	ok "radpostauth: the refused login is recorded as Access-Reject" || bad "radpostauth"
hangup 4
client 4 2 late late-pass pap
if refused 4; then
	ok "pool used up: late refused ($(grep -o 'No address left in pool [a-z]*' "${CL_LOG[4]}" | head -1))"
else
	bad "late was admitted with the pool used up (address $(client_addr 4))"
fi
hangup 4

echo "== a Stop record releases the address"
hangup 1
if sqlwait "SELECT COUNT(*) FROM radacct WHERE username = 'multi' AND nasipaddress = '203.0.113.1' AND acctstoptime IS NULL" 0 10; then
	ok "radacct: multi's session on gateway 1 closed ($(sql "SELECT acctterminatecause FROM radacct WHERE username = 'multi' AND nasipaddress = '203.0.113.1'"))"
else
	bad "radacct: multi's gateway 1 session still open"
fi
sqlwait "SELECT expiry_time <= datetime('now') FROM radippool WHERE framedipaddress = '$A'" 1 10 &&
	ok "radippool: $A is free again ($(pool_row "$A"))" || bad "radippool: $A not released ($(pool_row "$A"))"
sleep 1.2	# allocate_find takes rows whose expiry_time is before now
client 1 2 late late-pass pap
D=$(up 1) || { bad "late did not connect after the release"; tail -5 "${CL_LOG[1]}"; }
[ "$D" = "$A" ] && ok "a new client (late on gateway 2) got the released $A" || bad "late got '$D', not $A"

echo "== everyone leaves: every session closed, every address free"
for k in 1 2 3; do hangup "$k"; done
sqlwait "SELECT COUNT(*) FROM radacct WHERE acctstoptime IS NULL" 0 15 &&
	ok "radacct: no open session ($(sql "SELECT COUNT(*) FROM radacct") sessions recorded)" ||
	bad "radacct: open sessions left: $(sql "SELECT username, nasipaddress FROM radacct WHERE acctstoptime IS NULL" | tr '\n' ' ')"
sqlwait "SELECT COUNT(*) FROM radippool WHERE expiry_time > datetime('now')" 0 10 &&
	ok "radippool: every address free" || bad "radippool: leases left"
stop "$GWPID_1"
stop "$GWPID_2"
grep -q "$SECRET" "$tmp"/gw*.log && bad "a secret appears in a gateway log" || ok "no secret in the gateway logs"

echo "-- radacct (the sessions of the test)"
sqlite3 -header -column "$DB" "SELECT username, nasipaddress AS nas, framedipaddress AS address,
	acctsessionid, time(acctstarttime, 'unixepoch') AS start, time(acctstoptime, 'unixepoch') AS stop,
	acctinputoctets AS octets_in, acctoutputoctets AS octets_out, acctterminatecause AS cause
	FROM radacct ORDER BY radacctid;" | sed 's/^/    /'
echo "-- radippool"
sqlite3 -header -column "$DB" "SELECT framedipaddress, nasipaddress, username, pool_key, expiry_time
	FROM radippool ORDER BY id;" | sed 's/^/    /'

echo "radius_two: $pass passed, $fail failed"
[ "$fail" = 0 ]
