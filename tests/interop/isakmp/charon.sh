#!/usr/bin/env bash
# Interop with strongSwan charon (IKEv1, built from Debian's source with the
# load-tester fake kernel) through the shared harness:
#   1. charon initiator (iop-ss-cli, behind NAT) -> our responder in iop-ss-srv
#      (203.0.113.10, PSK lab-psk-123) for 3des-sha1-modp1024 and
#      aes256-sha1-modp2048: Main Mode + Quick Mode transport udp/1701, NAT-T;
#   2. our initiator (iop-ss-cli, behind NAT) -> charon responder.
# Runs only with ROADGATE_INTEROP=1 as root where network namespaces work;
# otherwise exit 77 (skip).  The harness is found via $ROADGATE_SHARED
# (default $top_srcdir/../shared).  No addresses or routes in the root namespace.
set -u
[ "${ROADGATE_INTEROP:-0}" = 1 ] || { echo "ROADGATE_INTEROP is not 1: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "not root: skip"; exit 77; }
shared=${ROADGATE_SHARED:-${top_srcdir:-.}/../shared}
H=$shared/interop/strongswan
[ -x "$H/netns.sh" ] || { echo "no harness at $H: skip"; exit 77; }
peer=${top_builddir:-.}/tests/interop/isakmp/isakmp_udp_peer
[ -x "$peer" ] || { echo "ERROR: missing $peer"; exit 1; }
"$H/netns.sh" check; rc=$?; [ $rc = 77 ] && exit 77; [ $rc = 0 ] || exit 1
"$H/build.sh" && "$H/netns.sh" up || exit 1
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	"$H/responder.sh" stop >/dev/null 2>&1
	"$H/netns.sh" down >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
fail=0
for ike in 3des-sha1-modp1024 aes256-sha1-modp2048; do
	ip netns exec iop-ss-srv "$peer" responder 203.0.113.10 lab-psk-123 30 \
		>"$work/resp.out" 2>"$work/resp.err" & pid=$!
	sleep 0.5
	"$H/initiator.sh" 203.0.113.10 lab-psk-123 "$ike" aes128-sha1; rc=$?
	wait "$pid"; prc=$?; pid=
	cat "$work/resp.out"
	if [ $rc != 0 ] || [ $prc != 0 ] || ! grep -q "nat-t=yes" "$work/resp.out"; then
		echo "FAIL: charon initiator -> our responder ($ike): initiator rc=$rc responder rc=$prc"
		tail -20 "$work/resp.err"; fail=1
	else
		echo "PASS: charon initiator -> our responder ($ike)"
	fi
done
"$H/responder.sh" start lab-psk-123 || exit 1
for ike in 3des-sha1-modp1024 aes256-sha1-modp2048; do
	ip netns exec iop-ss-cli "$peer" initiator 198.51.100.10 203.0.113.10 lab-psk-123 20 "$ike" \
		>"$work/init.out" 2>"$work/init.err"; rc=$?
	cat "$work/init.out"
	if [ $rc != 0 ] || ! grep -q "nat-t=yes" "$work/init.out"; then
		echo "FAIL: our initiator -> charon responder ($ike)"; tail -20 "$work/init.err"; fail=1
	else
		echo "PASS: our initiator -> charon responder ($ike)"
	fi
done
"$H/responder.sh" wait 5 || fail=1
exit $fail
