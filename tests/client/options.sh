#!/usr/bin/env bash
# vpn-client's command line and config file: every refusal names the option
# and exits 2 before anything is opened; switches in a config file are yes
# or no; secrets come from a file or the environment.  No root, no network.
set -u
VC=${top_builddir:-.}/examples/client/vpn-client
[ -x "$VC" ] || { echo "FAIL: $VC not built"; exit 1; }
work=$(mktemp -d /tmp/rgvcopt.XXXXXX); trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect NAME WANT-RC WANT-TEXT ARGS...
	local name=$1 rc_want=$2 want=$3 out rc; shift 3
	out=$(env -u VPN_PSK -u VPN_PASSWORD "$VC" "$@" 2>&1); rc=$?
	if [ "$rc" = "$rc_want" ] && printf '%s\n' "$out" | grep -qF -- "$want"; then
		echo "ok: $name"
	else
		echo "FAIL: $name: exit $rc (want $rc_want), output: $out"; fail=1
	fi
}
expect "--ike-life below 10 is named" 2 'vpn-client: --ike-life: bad value "5"' --gw 192.0.2.1 --ike-life 5
expect "--esp-life below 10 is named" 2 '--esp-life: bad value "9"' --gw 192.0.2.1 --esp-life 9
expect "--load 0 is named" 2 '--load: bad value "0"' --gw 192.0.2.1 --load 0
expect "--rate 0 is named" 2 '--rate: bad value "0"' --gw 192.0.2.1 --rate 0
expect "a bad --gw is named" 2 '--gw: bad value "192.0.2"' --gw 192.0.2
expect "an unknown --auth is named" 2 '--auth: bad value "eap"' --gw 192.0.2.1 --auth eap
expect "an unknown option" 2 'unknown option' --gw 192.0.2.1 --bogus
expect "no gateway" 2 '--gw is required' --user u
expect "no pre-shared key" 2 'no pre-shared key' --gw 192.0.2.1 --user u

printf 'gw = 192.0.2.1\npersist = maybe\n' >"$work/a.conf"
expect "a switch takes yes or no" 2 "$work/a.conf:2: persist takes yes or no, not \"maybe\"" --config "$work/a.conf"
printf 'gw = 192.0.2.1\n# a comment\nike-life = 3\n' >"$work/b.conf"
expect "a bad value in the file names file, line and option" 2 "$work/b.conf:3: --ike-life: bad value \"3\"" --config "$work/b.conf"
printf 'gw = 192.0.2.1\npersist = no\nforce-natt = yes\nuser = u\n' >"$work/c.conf"
expect "switches with no and yes are read (the next problem is the key)" 2 'no pre-shared key' --config "$work/c.conf"
printf 'gw = 192.0.2.1\nnonsense = 1\n' >"$work/d.conf"
expect "an unknown name in the file" 2 "$work/d.conf:2: unknown option nonsense" --config "$work/d.conf"
expect "a missing config file" 2 "$work/none.conf" --config "$work/none.conf"

out=$("$VC" --help); rc=$?
[ $rc = 0 ] && printf '%s\n' "$out" | grep -q -- '-h, --help'; r=$?
[ $r = 0 ] && echo "ok: --help lists itself" || { echo "FAIL: --help"; fail=1; }
exit $fail
