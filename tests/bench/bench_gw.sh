#!/usr/bin/env bash
# bench_gw.sh - vpn-gateway under vpn-client --load, over veths between
# network namespaces made on the fly (`make bench`; needs root, prints a
# skip line otherwise).
#
#   rgb-cl: vpn-client --load           rgb-gw: vpn-gateway (gw-bench.cfg)    rgb-off: office
#   198.51.100.2-6/24 rgb-c0 ======== rgb-g0 203.0.113.1/24 (eth0)
#                                       rgb-g1 192.168.10.1/24 (vlan1) ==== rgb-o0 192.168.10.10/24
#                                       rgb-tun (pools 192.168.128-167.x)
#
# The gateway is pinned to CPU 0 (taskset), the load client and the other
# helpers to CPU 1 (except for the setup-rate probe, below).  Each source
# address of the load client stands for one NAT (gw-bench.cfg gives each
# its own PPP template and pool).  The machine may be shared: every rate is
# also given per second of the measured process's own CPU time (/proc
# utime + stime, like bench_esp's thread CPU clock), and the ratios use
# those, so what other processes take of a core is not counted against the
# gateway.  Prints:
#
#   bench: name=gw.setup.<group> setups_per_s=S p99_ms=P concurrent=C ratio=R ...
#     S: full setups (Main Mode + Quick Mode + L2TP + PPP/MS-CHAPv2 + IPCP)
#        per second: the best steady rate (at most 1% failures) of a ladder
#        of offered rates (RGB_OFFERS, default 250 500 1000 for modp1024,
#        RGB_OFFERS_2048 75 150 300), RGB_PROBE_SECS (8) seconds of new
#        clients each; the load client runs two threads on both
#        cores there, since a client needs as much Diffie-Hellman per setup
#        as the gateway and on one core each could not outrun it;
#        setups_per_cpu_s = setups per second of gateway CPU; gw_cpu its
#        share of its core; bottleneck= the load client if it fell more than
#        a second behind its own schedule, else the gateway;
#     P: setup latency p99 of a second run of RGB_CONCURRENT clients
#        (RGB_CONCURRENT_2048 for modp2048) at 300/s (100/s), not overloaded;
#     C: clients of that run still up after RGB_HOLD seconds (10 for
#        modp2048) with traffic: a ping every 5 s, a 200-byte UDP packet a
#        second to the office; rss_kb_per_client: the gateway's VmRSS with
#        them minus without, per client;
#     R: setups_per_cpu_s / libisakmp's own in-memory Main Mode + Quick Mode
#        rate per second of CPU (bench_gw_ikeref, best of 3: the DH bound).
#   bench: name=gw.throughput.<suite>.<up|down>.<1|64> mbps=M gw_cpu=G ratio=R ...
#     M: inner IP Mbit/s delivered with 1,400-byte packets (1,388 for
#        AES-CBC: the tunnel MTU) through 1 or 64 tunnels, the sender
#        offering more than the gateway takes: up = load client ->
#        ESP-in-UDP -> gateway -> TUN -> office (counted there), down =
#        office -> TUN -> gateway -> ESP-in-UDP -> load client (counted by
#        the client after decryption); G: the gateway's share of its core;
#        mbps_per_core = M / G;
#     R: mbps_per_core / the same of this machine's ceiling measured in the
#        same round (bench_gw_ceiling: batched UDP receive -> the same
#        cipher through libesp -> TUN write, and TUN read -> cipher ->
#        batched UDP send, nothing else, on the same paths and core);
#     bottleneck= the side whose input queue overflowed: the gateway's UDP
#        socket (up) or TUN queue (down), else the client's sockets.
#   RGB_ROUNDS rounds of each (ceiling and gateway alternating), best kept.
#
# Environment: RGB_SECS (throughput window, default 5), RGB_ROUNDS (default
# 2), RGB_OFFERS, RGB_OFFERS_2048, RGB_PROBE_SECS, RGB_CONCURRENT (10000),
# RGB_CONCURRENT_2048 (1000), RGB_HOLD (60), RGB_CONC_RATE (300),
# RGB_CONC_RATE_2048 (100), RGB_ONLY=setup|throughput, RGB_KEEP=1 keeps the
# logs.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$src}
GW=$build/examples/gateway/vpn-gateway
VC=$build/examples/client/vpn-client
CEIL=$build/tests/bench/bench_gw_ceiling
IKEREF=$build/tests/bench/bench_gw_ikeref
CFG=$src/tests/bench/gw-bench.cfg
SECS=${RGB_SECS:-5}
ROUNDS=${RGB_ROUNDS:-2}
PROBE_SECS=${RGB_PROBE_SECS:-8}
CONC=${RGB_CONCURRENT:-10000}
CONC2048=${RGB_CONCURRENT_2048:-1000}
HOLD=${RGB_HOLD:-60}
ONLY=${RGB_ONLY:-}
NS=(rgb-gw rgb-cl rgb-off)
GWIP=203.0.113.1
OFFICE=192.168.10.10
POOL1=192.168.128.1
PSK=benchsecret
PW=bench-password
HZ=$(getconf CLK_TCK)
pids=()
tmp=

skip() { echo "bench: name=gw skipped ($*)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
for f in "$GW" "$VC" "$CEIL" "$IKEREF" "$CFG"; do [ -e "$f" ] || skip "$f missing"; done
command -v ip >/dev/null && command -v taskset >/dev/null || skip "needs ip and taskset"
[ "$(nproc)" -ge 2 ] || skip "needs 2 cores (gateway and load on their own)"
ip netns add rgb-probe 2>/dev/null && ip netns del rgb-probe || skip "ip netns does not work here"
# The namespaces have fixed names: two runs at once would tear down each
# other's network.  The second waits for the first (flock -o: the lock stays
# with this run, not with the daemons it starts).
if [ -z "${RGB_LOCKED:-}" ]; then
	RGB_LOCKED=1 exec flock -o -w 3600 "${RGB_LOCK:-/run/lock/roadgate-bench.lock}" bash "$0" "$@"
fi
tmp=$(mktemp -d /tmp/rgb.XXXXXX)

nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }
say() { printf '%s\n' "$*"; }
info() { printf '  %s\n' "$*"; }

stop_pid() {  # stop_pid PID: TERM, wait up to 12 s, then KILL
	local p=$1 i
	kill -TERM "$p" 2>/dev/null || return 0
	for ((i = 0; i < 120; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

cleanup() {
	local p n
	for p in "${pids[@]}"; do stop_pid "$p"; done
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	if [ -n "$tmp" ]; then
		if [ "${RGB_KEEP:-0}" = 1 ]; then say "  logs kept in $tmp"; else rm -rf "$tmp"; fi
	fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

bg() {  # bg LOG NS CPU CMD...: start CMD in NS pinned to CPU; PID in BGPID
	local log=$1 n=$2 cpu=$3; shift 3
	ip netns exec "$n" taskset -c "$cpu" "$@" >"$log" 2>&1 &
	BGPID=$!
	pids+=("$BGPID")
}

forget() {  # forget PID: drop from the cleanup list once stopped
	local p keep=()
	for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	pids=("${keep[@]}")
}

waitfor() {  # waitfor FILE PATTERN SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

net_up() {
	local n a
	for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	for n in "${NS[@]}"; do ip netns add "$n" && nsx "$n" ip link set lo up || return 1; done
	ip link add rgb-g0 netns rgb-gw type veth peer name rgb-c0 netns rgb-cl || return 1
	ip link add rgb-g1 netns rgb-gw type veth peer name rgb-o0 netns rgb-off || return 1
	nsx rgb-gw ip addr add $GWIP/24 dev rgb-g0
	nsx rgb-gw ip addr add 192.168.10.1/24 dev rgb-g1
	nsx rgb-gw ip link set rgb-g0 up
	nsx rgb-gw ip link set rgb-g1 up
	nsx rgb-gw ip route add 198.51.100.0/24 dev rgb-g0
	for a in 2 3 4 5 6; do nsx rgb-cl ip addr add 198.51.100.$a/24 dev rgb-c0; done
	nsx rgb-cl ip link set rgb-c0 up
	nsx rgb-cl ip route add 203.0.113.0/24 dev rgb-c0
	nsx rgb-off ip addr add $OFFICE/24 dev rgb-o0
	nsx rgb-off ip link set rgb-o0 up
	nsx rgb-off ip route add default via 192.168.10.1
	for n in "${NS[@]}"; do
		nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	done
	nsx rgb-gw sysctl -qw net.ipv4.ip_forward=1
	# The office drops and counts the upstream stream as it arrives (nft,
	# before routing); without nft the kernel's "no port" counter counts it
	# (then each packet also costs an ICMP error attempt, on CPU 0).
	OFFICE_NFT=0
	if command -v nft >/dev/null && nsx rgb-off nft -f - <<-'EOF'
		table ip rgb {
			chain pre {
				type filter hook prerouting priority -300; policy accept;
				udp dport 9 counter drop
			}
		}
	EOF
	then
		OFFICE_NFT=1
	fi
	# No offloads: every packet is a packet (the ceiling's premise).
	if command -v ethtool >/dev/null; then
		nsx rgb-gw ethtool -K rgb-g0 tso off gso off gro off >/dev/null 2>&1
		nsx rgb-gw ethtool -K rgb-g1 tso off gso off gro off >/dev/null 2>&1
		nsx rgb-cl ethtool -K rgb-c0 tso off gso off gro off >/dev/null 2>&1
		nsx rgb-off ethtool -K rgb-o0 tso off gso off gro off >/dev/null 2>&1
	fi
	nsx rgb-cl ping -c1 -W2 $GWIP >/dev/null && nsx rgb-off ping -c1 -W2 192.168.10.1 >/dev/null
}

# ---- measurement helpers -----------------------------------------------

# Upstream packets that reached the office.
office_count() {
	if [ "$OFFICE_NFT" = 1 ]; then
		nsx rgb-off nft list chain ip rgb pre | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
	else
		udp rgb-off NoPorts
	fi
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
udp() {  # udp NS FIELD: a Udp: counter of a namespace
	nsx "$1" awk -v f="$2" '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
	    else { print $c[f]; exit } }' /proc/net/snmp
}
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
field() { sed -n "s/^load: $2=\\([^ ]*\\).*/\\1/p" "$1" | tail -1; }
cfield() { sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

# The machine's load outside this bench: /proc/loadavg and the share of
# CPU time spent in niced processes (the other jobs on this machine).
cpustat() { awk '/^cpu /{print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $3}' /proc/stat; }
machine_note() {  # machine_note "BEFORE" "AFTER": "load=... others_nice=..%"
	local t1 n1 t2 n2
	read -r t1 n1 <<<"$1"
	read -r t2 n2 <<<"$2"
	printf 'machine: loadavg=%s niced_others=%s%%' "$(cut -d' ' -f1 /proc/loadavg)" \
	    "$(calc "($n2 - $n1) * 100 / (($t2 - $t1) > 0 ? ($t2 - $t1) : 1)" 0)"
}

GWPID=
GWLOG=
GW_CRASHES=0
gw_start() {  # gw_start TAG
	GWLOG=$tmp/gw.$1.log
	bg "$GWLOG" rgb-gw 0 "$GW" -c "$CFG" --map eth0=rgb-g0 --map vlan1=rgb-g1 \
	    --tun rgb-tun --no-steer --max-clients 12000 -q
	GWPID=$BGPID
	local i
	# Up once it has routed the last pool address to its TUN (it runs
	# "ip route" for each CIDR block of the pools: seconds on a busy host).
	for ((i = 0; i < 900; i++)); do
		nsx rgb-gw ip route show 192.168.167.254 2>/dev/null | grep -q rgb-tun && break
		kill -0 "$GWPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$GWPID" 2>/dev/null || { say "  vpn-gateway did not start:"; tail -5 "$tmp/gw.$1.log"; return 1; }
	sleep 0.3
}
gw_stop() {
	[ -n "$GWPID" ] || return 0
	if ! kill -0 "$GWPID" 2>/dev/null; then
		wait "$GWPID"
		say "  vpn-gateway exited early (status $?):"
		grep -m3 -E 'ERROR|SUMMARY|free|abort|error' "$GWLOG" | sed 's/^/    /'
		GW_CRASHES=$((GW_CRASHES + 1))
	fi
	stop_pid "$GWPID"
	forget "$GWPID"
	GWPID=
}
gw_alive() { [ -n "$GWPID" ] && kill -0 "$GWPID" 2>/dev/null; }

LCPID=
lc_start() {  # lc_start LOG N RATE HOLD IKE ESP [more vpn-client options]
	local log=$1 n=$2 rate=$3 hold=$4 ike=$5 esp=$6
	shift 6
	bg "$log" rgb-cl 1 env VPN_PSK=$PSK VPN_PASSWORD=$PW "$VC" --gw $GWIP --user bench \
	    --load "$n" --rate "$rate" --duration "$hold" --ike "$ike" --esp "$esp" "$@"
	LCPID=$BGPID
}
lc_wait() {  # lc_wait SECONDS: the load client's end
	local i
	for ((i = 0; i < $1 * 10; i++)); do kill -0 "$LCPID" 2>/dev/null || break; sleep 0.1; done
	stop_pid "$LCPID"
	forget "$LCPID"
	LCPID=
}

# ---- setup rate and concurrent clients -----------------------------------

# A load run against a fresh gateway: sets R_* from the load client's report
# and the gateway's CPU during the ramp.
setup_run() {  # setup_run TAG N RATE HOLD THREADS CPUS IKE [vpn-client options]
	local tag=$1 n=$2 rate=$3 hold=$4 th=$5 cpus=$6 ike=$7 log g0 g1 d0 d1 m0 m1 t0 t1
	shift 7
	gw_start "$tag" || return 1
	R_RSS0=$(rss_kb "$GWPID")
	log=$tmp/lc.$tag.log
	m0=$(cpustat); g0=$(ticks "$GWPID"); d0=$(udp rgb-gw RcvbufErrors); t0=$(now)
	bg "$log" rgb-cl "$cpus" env VPN_PSK=$PSK VPN_PASSWORD=$PW "$VC" --gw $GWIP --user bench \
	    --load "$n" --rate "$rate" --duration "$hold" --threads "$th" --ike "$ike" \
	    --esp aes128gcm16 "$@"
	LCPID=$BGPID
	waitfor "$log" "phase=hold" $((n / 50 + 200))
	g1=$(ticks "$GWPID"); d1=$(udp rgb-gw RcvbufErrors); t1=$(now); m1=$(cpustat)
	R_GWCPU=$(calc "($g1 - $g0) / $HZ" 3)
	R_GWSHARE=$(calc "$R_GWCPU / ($t1 - $t0)" 2)
	R_GWDROP=$((d1 - d0))
	R_MACHINE=$(machine_note "$m0" "$m1")
	if [ "$hold" -gt 4 ]; then
		sleep "$(calc "$hold / 2" 0)"
		R_RSS1=$(rss_kb "$GWPID")
	fi
	waitfor "$log" "phase=done" $((hold + n / 500 + 60))
	lc_wait 30
	R_HALFOPEN=$(grep -c 'half-open limit' "$GWLOG")
	gw_stop
	R_LOG=$log
	R_OK=$(field "$log" setups_ok)
	[ "${R_OK:-0}" -gt 0 ] || { say "  $tag: no client came up: $(tail -n 3 "$log" | tr '\n' ' ')"; return 1; }
	R_SPCPU=$(calc "$R_OK / ($R_GWCPU > 0 ? $R_GWCPU : 1)" 1)
	return 0
}

setup_case() {  # setup_case GROUP "OFFERS" CONCURRENT CONC_RATE HOLD
	local g=$1 offers=$2 conc=$3 crate=$4 hold=$5 ref rate=0 lag lcpu bn=none p99 per
	local i x offer spcpu=0 share=0 best_offer=0 ok fail
	ref=0
	for i in 1 2 3; do
		x=$("$IKEREF" "$g" 300 | sed -n 's/.*sa_per_s=\([^ ]*\).*/\1/p')
		[ -n "$x" ] && awk "BEGIN { exit !($x > $ref) }" && ref=$x
	done
	[ "$ref" != 0 ] || { say "  bench_gw_ikeref $g failed"; return 1; }

	# 1. The rate: a ladder of offered rates, RGB_PROBE_SECS seconds of
	# clients each; the best steady rate with at most 1% failures counts.
	# The load client runs two threads on both cores there: a client needs
	# as much Diffie-Hellman per setup as the gateway, so on one core each
	# neither could show the other's limit.
	for offer in $offers; do
		setup_run "probe-$g-$offer" $((offer * PROBE_SECS)) "$offer" 1 2 0,1 \
		    "aes128-sha1-$g" --ping 0 || continue
		x=$(field "$R_LOG" setups_per_s)
		lag=$(field "$R_LOG" ramp_lag_max_ms)
		lcpu=$(field "$R_LOG" setup_cpu_ms_per_client)
		ok=$R_OK
		fail=$(field "$R_LOG" setups_failed)
		info "setup $g offered $offer/s: $ok up, $fail failed, steady $x/s (overall" \
		    "$(field "$R_LOG" setups_per_s_overall)/s), p50 $(field "$R_LOG" setup_p50_ms) ms, p99" \
		    "$(field "$R_LOG" setup_p99_ms) ms; gateway $(calc "$R_GWCPU * 1000 / $ok" 2) ms CPU" \
		    "per setup, $R_GWSHARE of its core, socket drops $R_GWDROP, Main Modes refused" \
		    "(half-open limit) $R_HALFOPEN; load client $lcpu ms CPU per setup, ramp lag max" \
		    "$lag ms; $R_MACHINE"
		grep '^load: failure' "$R_LOG" | head -3 | sed 's/^/    /'
		[ $((fail * 100)) -le $((ok + fail)) ] || continue
		if awk "BEGIN { exit !($x > $rate) }"; then
			rate=$x; best_offer=$offer; spcpu=$R_SPCPU; share=$R_GWSHARE
			# The side that could not keep up: the client if it fell more
			# than a second behind its own schedule, else the gateway.
			if awk "BEGIN { exit !($lag > 1000) }"; then bn=client; else bn=gateway; fi
		fi
	done

	# 2. Concurrent clients: CONCURRENT at CONC_RATE per second, held HOLD
	# seconds with traffic (ping every 5 s, 1 packet/s of 200 bytes to the
	# office), the client on its own core.
	setup_run "conc-$g" "$conc" "$crate" "$hold" 1 1 "aes128-sha1-$g" \
	    --ping 5 --pps 1 --size 200 --target $OFFICE:9 || return 1
	p99=$(field "$R_LOG" setup_p99_ms)
	per=$(calc "(${R_RSS1:-0} - ${R_RSS0:-0}) / ($(field "$R_LOG" held) > 0 ? $(field "$R_LOG" held) : 1)" 1)
	info "concurrent $g: $R_OK up of $conc at $crate/s (steady $(field "$R_LOG" setups_per_s)/s," \
	    "p50 $(field "$R_LOG" setup_p50_ms) ms), $(field "$R_LOG" held) held, $(field "$R_LOG" up_at_end)" \
	    "up after ${hold}s, dropped $(field "$R_LOG" dropped_while_up); ping p50 $(field "$R_LOG" rtt_p50_ms)" \
	    "ms p99 $(field "$R_LOG" rtt_p99_ms) ms, replies $(field "$R_LOG" ping_replies)/$(field "$R_LOG" ping_sent);" \
	    "gateway RSS $R_RSS0 -> ${R_RSS1:-?} kB, $R_SPCPU setups per CPU-second; $R_MACHINE"
	grep -E '^load: (failure|drop) ' "$R_LOG" | head -3 | sed 's/^/    /'
	say "bench: name=gw.setup.$g setups_per_s=$rate p99_ms=$p99 concurrent=$(field "$R_LOG" up_at_end)" \
	    "rss_kb_per_client=$per gw_cpu=$share setups_per_cpu_s=$spcpu ratio=$(calc "$spcpu / $ref" 2)" \
	    "(offered=$best_offer/s ref_sa_per_cpu_s=$ref bottleneck=$bn)"
}

# ---- throughput ------------------------------------------------------------

tun_drops() { nsx rgb-gw cat /sys/class/net/rgb-tun/statistics/tx_dropped 2>/dev/null || echo 0; }

tun_sysctls() {
	local k
	for k in forwarding accept_local; do nsx rgb-gw sysctl -qw net.ipv4.conf.rgb-tun.$k=1; done
	nsx rgb-gw sysctl -qw net.ipv4.conf.rgb-tun.rp_filter=0
}

# Window: USR1 to PIDS at both ends, counters around SECS seconds.  Sets
# W_T (s), W_GW (gateway CPU s), W_OFF (office datagrams), W_GWDROP and
# W_CLDROP (UDP receive buffer drops in the gateway's / client's namespace).
window() {  # window SUBJECT_PID PIDS...
	local subj=$1 t0 t1 g0 g1 o0 o1 d0 d1 e0 e1
	shift
	kill -USR1 "$@" 2>/dev/null
	t0=$(now); g0=$(ticks "$subj"); o0=$(office_count)
	d0=$(udp rgb-gw RcvbufErrors); e0=$(udp rgb-cl RcvbufErrors)
	sleep "$SECS"
	kill -USR1 "$@" 2>/dev/null
	t1=$(now); g1=$(ticks "$subj"); o1=$(office_count)
	d1=$(udp rgb-gw RcvbufErrors); e1=$(udp rgb-cl RcvbufErrors)
	W_T=$(calc "$t1 - $t0" 3)
	W_GW=$(calc "($g1 - $g0) / $HZ" 3)
	W_OFF=$((o1 - o0))
	W_GWDROP=$((d1 - d0))
	W_CLDROP=$((e1 - e0))
	sleep 0.2
}

# The window's two "ceiling:"/"load: snapshot" lines (the first two: a
# report at exit follows them): the difference of one counter.
snapdiff() {  # snapdiff LOG PATTERN KEY
	grep "$2" "$1" | head -2 | sed -n "s/.* $3=\\([0-9.]*\\).*/\\1/p" |
	    awk 'NR == 1 { a = $1 } NR == 2 { printf "%s", $1 - a }'
}

# Best rounds: V[key] the best value; with a note, N[key] what goes with it.
declare -A V N
best() {  # best KEY VALUE [NOTE]: keep the larger; 0 if it was kept
	local k=$1 v=$2
	if [ -z "${V[$k]:-}" ] || awk "BEGIN { exit !($v > ${V[$k]}) }"; then
		V[$k]=$v
		N[$k]=${3:-}
		return 0
	fi
	return 1
}
get() { echo "${V[$1]:-0}"; }

# Ceiling upstream: ceiling up-tx (CPU 1) -> up-rx (CPU 0) -> TUN -> office.
ceil_up() {  # ceil_up SUITE SIZE ROUND
	local s=$1 size=$2 r=$3 rx tx pk cpu
	bg "$tmp/ceil.up-rx.$s.$r.log" rgb-gw 0 "$CEIL" up-rx --suite "$s" --port 4500 --tun rgb-tun
	rx=$BGPID
	waitfor "$tmp/ceil.up-rx.$s.$r.log" ready 5 || return 1
	tun_sysctls
	bg "$tmp/ceil.up-tx.$s.$r.log" rgb-cl 1 "$CEIL" up-tx --suite "$s" --dst $GWIP:4500 \
	    --src 198.51.100.2:20000 --from $POOL1 --target $OFFICE:9 --size "$size"
	tx=$BGPID
	sleep 1
	window "$rx" "$rx" "$tx"
	stop_pid "$tx"; stop_pid "$rx"; forget "$tx"; forget "$rx"
	cpu=$(calc "$(snapdiff "$tmp/ceil.up-rx.$s.$r.log" "mode=up-rx t_ns" cpu_ms) / 1000" 3)
	pk=$W_OFF
	C_MBPS=$(calc "$pk * $size * 8 / $W_T / 1e6")
	C_CORE=$(calc "$pk * $size * 8 / ($cpu > 0 ? $cpu : 1) / 1e6")
	C_CPU=$(calc "$cpu / $W_T" 2)
	info "ceiling $s up round $r: $C_MBPS Mbit/s at $C_CPU of a core = $C_CORE Mbit/s per core" \
	    "(sender $(snapdiff "$tmp/ceil.up-tx.$s.$r.log" "mode=up-tx t_ns" pkts) pkts, receiver drops $W_GWDROP)"
}

# Ceiling downstream: office blast (CPU 1) -> TUN -> down (CPU 0) -> down-rx (CPU 1).
ceil_down() {  # ceil_down SUITE SIZE ROUND
	local s=$1 size=$2 r=$3 dn rx bl pk cpu
	bg "$tmp/ceil.down-rx.$s.$r.log" rgb-cl 1 "$CEIL" down-rx --suite "$s" --port 20000 --src 198.51.100.2
	rx=$BGPID
	bg "$tmp/ceil.down.$s.$r.log" rgb-gw 0 "$CEIL" down --suite "$s" --tun rgb-tun \
	    --dst 198.51.100.2:20000 --src $GWIP:4500
	dn=$BGPID
	waitfor "$tmp/ceil.down.$s.$r.log" ready 5 || return 1
	tun_sysctls
	nsx rgb-gw ip route replace 192.168.128.0/24 dev rgb-tun
	bg "$tmp/ceil.blast.$s.$r.log" rgb-off 1 "$CEIL" blast --dst $POOL1:9 --count 64 --size "$size"
	bl=$BGPID
	sleep 1
	window "$dn" "$dn" "$rx" "$bl"
	stop_pid "$bl"; stop_pid "$dn"; stop_pid "$rx"; forget "$bl"; forget "$dn"; forget "$rx"
	cpu=$(calc "$(snapdiff "$tmp/ceil.down.$s.$r.log" "mode=down t_ns" cpu_ms) / 1000" 3)
	pk=$(snapdiff "$tmp/ceil.down-rx.$s.$r.log" "mode=down-rx t_ns" pkts)
	C_MBPS=$(calc "${pk:-0} * $size * 8 / $W_T / 1e6")
	C_CORE=$(calc "${pk:-0} * $size * 8 / ($cpu > 0 ? $cpu : 1) / 1e6")
	C_CPU=$(calc "$cpu / $W_T" 2)
	C_PPS=$(calc "${pk:-0} / $W_T" 0)
	info "ceiling $s down round $r: $C_MBPS Mbit/s at $C_CPU of a core = $C_CORE Mbit/s per core" \
	    "(blast $(snapdiff "$tmp/ceil.blast.$s.$r.log" "mode=blast t_ns" pkts) pkts, receiver drops $W_CLDROP)"
}

# The gateway's data path, TUNNELS tunnels, one direction.
gw_tput() {  # gw_tput SUITE TUNNELS DIR ROUND BLAST_PPS -> G_MBPS G_CORE G_CPU G_NOTE
	local s=$1 n=$2 dir=$3 r=$4 bpps=$5 log pk bytes bl= size lcus gwus q0 q1
	local esp=$s
	gw_start "tput-$s-$dir-$n-$r" || return 1
	log=$tmp/lc.tput.$s.$dir.$n.$r.log
	if [ "$dir" = up ]; then
		lc_start "$log" "$n" 200 $((SECS + 30)) aes128-sha1-modp1024 "$esp" --ping 0 \
		    --pps 100000000 --size 1400 --target $OFFICE:9
	else
		lc_start "$log" "$n" 200 $((SECS + 30)) aes128-sha1-modp1024 "$esp" --ping 0
	fi
	if ! waitfor "$log" "phase=hold" 60; then
		say "  load client did not reach the hold phase: $(tail -2 "$log" | tr '\n' ' ')"
		lc_wait 1; gw_stop; return 1
	fi
	if [ "$dir" = down ]; then
		bg "$tmp/blast.$s.$n.$r.log" rgb-off 1 "$CEIL" blast --dst $POOL1:9 --count "$n" \
		    --size "$TSIZE" --pps "$bpps"
		bl=$BGPID
	fi
	sleep 1
	q0=$(tun_drops)
	window "$GWPID" "$LCPID" ${bl:+"$bl"}
	q1=$(tun_drops)
	[ -n "$bl" ] && { stop_pid "$bl"; forget "$bl"; }
	# The measurement is taken: stop the clients (they disconnect), then
	# the gateway; gw_stop reports if it died meanwhile.
	kill -TERM "$LCPID" 2>/dev/null
	lc_wait 30
	gw_stop
	size=$(field "$log" data_size)
	[ "$dir" = up ] || size=$TSIZE
	if [ "$dir" = up ]; then
		pk=$W_OFF
		bytes=$((pk * size))
	else
		pk=$(snapdiff "$log" "load: snapshot" rx_pkts)
		bytes=$(snapdiff "$log" "load: snapshot" rx_bytes)
	fi
	G_MBPS=$(calc "${bytes:-0} * 8 / $W_T / 1e6")
	G_CORE=$(calc "${bytes:-0} * 8 / ($W_GW > 0 ? $W_GW : 1) / 1e6")
	G_CPU=$(calc "$W_GW / $W_T" 2)
	lcus=$(calc "$(snapdiff "$log" "load: snapshot" cpu_ms) * 1000 / (($(snapdiff "$log" "load: snapshot" wire_tx) + $(snapdiff "$log" "load: snapshot" wire_rx)) + 1)" 2)
	gwus=$(calc "$W_GW * 1e6 / (${pk:-0} + 1)" 2)
	# Who was the limit: the side whose input queue overflowed.  Up: the
	# gateway's UDP socket (RcvbufErrors in its namespace); down: its TUN
	# queue (tx_dropped: the kernel had more for the gateway than it
	# read) or the client's sockets (RcvbufErrors in the client's).
	if [ "$dir" = up ]; then
		G_NOTE="client sent $(snapdiff "$log" "load: snapshot" tx_pkts) pkts, $pk reached the office, the gateway's socket dropped $W_GWDROP; client ${lcus} us/pkt, gateway ${gwus} us/pkt"
		if [ "$W_GWDROP" -gt $((pk / 50)) ]; then G_BOTTLENECK=gateway
		else G_BOTTLENECK=client; fi
	else
		G_NOTE="blast offered $(snapdiff "$tmp/blast.$s.$n.$r.log" "mode=blast t_ns" pkts) pkts, the gateway's TUN queue dropped $((q1 - q0)), the client got $pk, its sockets dropped $W_CLDROP; client ${lcus} us/pkt, gateway ${gwus} us/pkt"
		if [ "$W_CLDROP" -gt $((pk / 50)) ]; then G_BOTTLENECK=client
		elif [ $((q1 - q0)) -gt $((pk / 50)) ]; then G_BOTTLENECK=gateway
		else G_BOTTLENECK=blaster; fi
	fi
	info "gateway $s $dir x$n round $r: $G_MBPS Mbit/s at $G_CPU of a core = $G_CORE Mbit/s per core; $G_NOTE"
	TSIZE_SEEN=$size
}

throughput() {
	local s dir n r size key m0 m1 bpps
	for s in aes128gcm16 aes128-sha1 3des-sha1; do
		# The packet size: 1,400 bytes, or the tunnel's MTU when smaller:
		# the gateway's PPP MRU is 1500 minus the worst-case ESP-in-UDP,
		# L2TP and PPP overhead (gw_suite_mtu), 1388 for AES-CBC/SHA1.
		case $s in aes128-sha1) TSIZE=1388 ;; *) TSIZE=1400 ;; esac
		for ((r = 1; r <= ROUNDS; r++)); do
			m0=$(cpustat)
			ceil_up "$s" "$TSIZE" "$r" &&
			    best "c.$s.up" "$C_CORE" && V[cm.$s.up]=$C_MBPS
			for n in 1 64; do
				TSIZE_SEEN=
				gw_tput "$s" "$n" up "$r" 0 || continue
				[ "${TSIZE_SEEN:-0}" = "$TSIZE" ] ||
				    info "(the load client used ${TSIZE_SEEN:-?}-byte packets, not $TSIZE)"
				key="$s.up.$n"
				best "g.$key" "$G_CORE" "$G_BOTTLENECK" &&
				    { V[gm.$key]=$G_MBPS; V[gc.$key]=$G_CPU; }
			done
			ceil_down "$s" "$TSIZE" "$r" &&
			    best "c.$s.down" "$C_CORE" && V[cm.$s.down]=$C_MBPS
			bpps=$(calc "${C_PPS:-100000} * 1.3" 0)
			for n in 1 64; do
				gw_tput "$s" "$n" down "$r" "$bpps" || continue
				key="$s.down.$n"
				best "g.$key" "$G_CORE" "$G_BOTTLENECK" &&
				    { V[gm.$key]=$G_MBPS; V[gc.$key]=$G_CPU; }
			done
			m1=$(cpustat)
			info "$s round $r: $(machine_note "$m0" "$m1")"
		done
		for dir in up down; do
			for n in 1 64; do
				key="$s.$dir.$n"
				local bn=${N[g.$key]:-none}
				say "bench: name=gw.throughput.$s.$dir.$n mbps=$(get "gm.$key") gw_cpu=$(get "gc.$key")" \
				    "mbps_per_core=$(get "g.$key") ratio=$(calc "$(get "g.$key") / ($(get "c.$s.$dir") > 0 ? $(get "c.$s.$dir") : 1)" 2)" \
				    "(ceiling_mbps=$(get "cm.$s.$dir") ceiling_mbps_per_core=$(get "c.$s.$dir") size=$TSIZE bottleneck=$bn)"
			done
		done
	done
}

# ---- main ------------------------------------------------------------------

net_up || skip "could not build the namespaces"
say "  machine: $(nproc) cores, loadavg $(cut -d' ' -f1-3 /proc/loadavg); gateway on CPU 0, everything else on CPU 1"
if [ "$ONLY" != throughput ]; then
	setup_case modp1024 "${RGB_OFFERS:-250 500 1000}" "$CONC" "${RGB_CONC_RATE:-300}" "$HOLD"
	setup_case modp2048 "${RGB_OFFERS_2048:-75 150 300}" "$CONC2048" "${RGB_CONC_RATE_2048:-100}" 10
fi
if [ "$ONLY" != setup ]; then
	throughput
fi
[ "$GW_CRASHES" = 0 ] || say "  vpn-gateway died $GW_CRASHES time(s) during these runs (see above)"
exit 0
