#!/usr/bin/env bash
# gwconf-check, the command vpn-gateway --check is built from: exit status,
# printed configuration, located errors, key file, interface map, JSON.
set -u
bin=${top_builddir:-.}/examples/gateway/gwconf-check
ex=${top_srcdir:-.}/examples/gateway
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {  # check DESCRIPTION CONDITION...
	local what=$1; shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		fail=1
	fi
}

[ -x "$bin" ] || { echo "no $bin"; exit 1; }

# The How To's script: accepted, with its notices on stderr.
"$bin" "$ex/seed.cfg" >"$tmp/out" 2>"$tmp/err"
check "seed.cfg exits 0" test $? -eq 0
check "seed.cfg prints the isakmp policy" \
	grep -qx 'create isakmp policy=roaming1 peer=any key=1 authtype=preshared encalg=3desouter hashalg=sha group=2 expiryseconds=86400 mode=main localid=local senddeletes=true sendnotify=true sendidalways=false nattraversal=true heartbeatmode=none msgbackoff=incremental msgretrylimit=8 msgtimeout=4 retryikeattempts=0 phase2xchglimit=none' "$tmp/out"
check "seed.cfg prints no secret" bash -c "! grep -q -e friend1 -e labsecret '$tmp/out'"
check "seed.cfg notices" grep -q 'seed.cfg:78:1: notice: "enable ssh server" ignored' "$tmp/err"

# modern.cfg, as JSON.
"$bin" -j "$ex/modern.cfg" >"$tmp/json" 2>"$tmp/err"
check "modern.cfg -j exits 0" test $? -eq 0
check "modern.cfg JSON has the GCM proposal" grep -q '"encalg":"aes256gcm"' "$tmp/json"

# A broken script: exit 1, every problem located, nothing on stdout.
cat >"$tmp/bad.cfg" <<'EOF'
create ipsec policy=p int=eth0 action=ipsec bundle=9
add fire policy=main rule=1 int=eth0 action=allow prot=udp gblprt=500
EOF
"$bin" "$tmp/bad.cfg" >"$tmp/out" 2>"$tmp/err"
check "bad.cfg exits 1" test $? -eq 1
check "bad.cfg prints nothing" test ! -s "$tmp/out"
check "bad.cfg: unknown parameter located" grep -q "bad.cfg:2:60: unknown parameter \"gblprt\" for \"add firewall policy rule\"" "$tmp/err"
check "bad.cfg: missing bundle located" grep -q "bad.cfg:1:52: ipsec policy \"p\" names bundle specification 9, which does not exist" "$tmp/err"

# The PSK from a key file: refused when others may read it, merged at 0600.
grep -v '^create enco key=1 ' "$ex/modern.cfg" >"$tmp/nokey.cfg"
echo 'key=1 value=labsecret' >"$tmp/keys"
chmod 644 "$tmp/keys"
"$bin" -k "$tmp/keys" "$tmp/nokey.cfg" >/dev/null 2>"$tmp/err"
check "key file 0644 refused" test $? -eq 1
check "key file 0644 message" grep -q 'key file is accessible by group or others (mode 0644): run chmod 600 on it' "$tmp/err"
chmod 600 "$tmp/keys"
"$bin" -k "$tmp/keys" "$tmp/nokey.cfg" >"$tmp/out" 2>"$tmp/err"
check "key file 0600 merged" test $? -eq 0
check "key file shown as such" grep -q '^# enco key 1 is read from the key file$' "$tmp/out"
"$bin" "$tmp/nokey.cfg" >/dev/null 2>"$tmp/err"
check "no key: refused" test $? -eq 1

# Interface map.
echo 'vlan1=br-lan' >"$tmp/ifmap"
"$bin" -m "$tmp/ifmap" -i eth0=ens3 "$ex/seed.cfg" >"$tmp/out" 2>/dev/null
check "interface map" grep -q '^# interface eth0 is host interface ens3$' "$tmp/out"
check "interface map file" grep -q '^# interface vlan1 is host interface br-lan$' "$tmp/out"
"$bin" -i 'eth0=a/b' "$ex/seed.cfg" >/dev/null 2>&1
check "bad -i refused" test $? -eq 2

exit $fail
