#!/usr/bin/env bash
# ctl_cli.sh - vpn-ctl against a control socket served by the real command
# interpreter (tests/gateway/test_ctl --serve): answers, exit status 0/1/2,
# --json documents that python3's json accepts, commands from stdin, help.
set -u
build=${top_builddir:-.}
CTL=$build/examples/gateway/vpn-ctl
SRV=$build/tests/gateway/test_ctl
for f in "$CTL" "$SRV"; do [ -x "$f" ] || { echo "missing $f"; exit 1; }; done
work=$(mktemp -d /tmp/rgcli.XXXXXX)
sock=$work/ctl.sock
"$SRV" --serve "$sock" & srv=$!
cleanup() { kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "FAIL: no socket"; exit 1; }
fail=0
check() {  # check NAME CONDITION-EXIT-STATUS
	if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}

out=$("$CTL" --socket "$sock" show debug); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^isakmp   debug off$'; check "show debug answers, exit 0" $?

out=$("$CTL" -s "$sock" en isa deb); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^isakmp   debug on$'; check "abbreviated enable isakmp debug" $?

err=$("$CTL" -s "$sock" show bogus 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && echo "$err" | grep -q '^error: unknown object "bogus"'; check "refused command: exit 1, error on stderr" $?

out=$("$CTL" -s "$sock" --json show bogus); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q '"code":"unknown_word"'; check "refused command in JSON on stdout" $?

"$CTL" -s "$work/nothing.sock" show ppp >/dev/null 2>&1; rc=$?
[ $rc = 2 ]; check "no daemon: exit 2" $?

out=$("$CTL" -s "$sock" show user="Jane Doe"); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^User Jane Doe: not connected'; check "a word with a blank is quoted" $?

out=$(printf 'show debug\n# a comment\n\nshow ppp\n' | "$CTL" -s "$sock"); rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | grep -c 'debug o')" = 6 ] && echo "$out" | grep -q '(no PPP sessions)'
check "commands from stdin on one connection" $?

out=$(printf 'show debug\nshow nothing\nshow ppp\n' | "$CTL" -s "$sock" 2>/dev/null); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q '(no PPP sessions)'; check "stdin: a refusal does not stop the rest" $?

if command -v python3 >/dev/null 2>&1; then
	for c in "show isakmp sa" "show ipsec sa" "show l2tp" "show l2tp tunnel" "show l2tp session" \
	    "show ppp" "show fire session" "show fire nat" "show fire" "show counters" "show config" \
	    "show user=dialin1" "show failures" "show debug" "help" "disable all debug"; do
		"$CTL" -s "$sock" --json $c | python3 -c '
import json, sys
text = sys.stdin.read()
assert text.endswith("\n") and text.count("\n") == 1, "one document, one line"
d = json.loads(text)
assert d["schema"] == "roadgate-ctl/1" and d["ok"] is True, d
'
		check "--json $c: python3 json accepts it" $?
	done
else
	echo "python3 missing: JSON checked by test_show's strict parser only"
fi

# OpenMetrics, read by the Prometheus client library's own OpenMetrics parser
# (Debian's python3-prometheus-client, for the system python3).
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
out=$("$CTL" -s "$sock" --format=openmetrics show counters); rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | tail -1)" = "# EOF" ]; check "--format=openmetrics: exit 0, ends with # EOF" $?
if "$py" -c 'import prometheus_client' 2>/dev/null; then
	echo "$out" | "$py" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
fams = {f.name: f for f in parse(sys.stdin.read())}
for name, kind in (("roadgate_clients", "gauge"), ("roadgate_peers", "gauge"),
                   ("roadgate_setups", "counter"), ("roadgate_setup_failures", "counter"),
                   ("roadgate_bytes", "counter"), ("roadgate_packets", "counter"),
                   ("roadgate_drops", "counter"), ("roadgate_events", "counter"),
                   ("roadgate_level", "gauge")):
    assert fams[name].type == kind, (name, fams[name].type)
assert fams["roadgate_bytes"].unit == "bytes"
assert fams["roadgate_clients"].samples[0].value == 0
drops = {(s.labels["library"], s.labels["reason"]) for s in fams["roadgate_drops"].samples}
assert ("gateway", "l2tp_clear_refused") in drops and ("fw.drop", "wrong_if") in drops
assert len(fams["roadgate_drops"].samples) > 100
'
	check "the OpenMetrics parser of prometheus_client accepts it, families and types" $?
else
	echo "FAIL: python3-prometheus-client is missing (scripts/install-deps.sh installs it)"; fail=1
fi
out=$("$CTL" -s "$sock" --json --format=openmetrics show counters); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q '"code":"bad_parameter"'; check "--json with --format=openmetrics is refused" $?
out=$("$CTL" -s "$sock" -f xml show counters 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q 'expected table or openmetrics'; check "an unknown format is refused" $?

out=$("$CTL" --help); rc=$?
[ $rc = 0 ] && for w in "show isakmp sa" "show ipsec sa" "show l2tp" "show ppp" "show fire session" \
    "show fire nat" "show counters" "show config" "show user=NAME" "disconnect user=NAME" \
    "disconnect peer=IP" "enable|disable" "--json" "openmetrics"; do
	echo "$out" | grep -qF -- "$w" || { echo "--help lacks $w"; rc=1; }
done
[ $rc = 0 ]; check "--help names every command" $?
[ "$(echo "$out" | awk 'length > 80' | wc -l)" = 0 ]; check "--help fits 80 columns" $?

exit $fail
