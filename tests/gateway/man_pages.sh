#!/usr/bin/env bash
# man_pages.sh - the manual pages doc/man/vpn-gateway.8, vpn-ctl.8 and
# vpn-client.8 against the programs they describe:
#  1. groff formats each page without a warning (-ww: all of them), and so
#     does man(1) when it is man-db;
#  2. every long option printed by the program's --help is in its page;
#  3. every command and every NAME= parameter printed by vpn-ctl --help is in
#     vpn-ctl.8.
# So a page cannot drift from the code.  Skips (77) only without groff.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}

command -v groff >/dev/null 2>&1 || { echo "SKIP: groff is not installed"; exit 77; }

fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

tmp=$(mktemp -d /tmp/rgman.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The page as plain ASCII text, one paragraph per line (a line length no
# paragraph reaches, no hyphenation), blanks collapsed: a phrase of the page
# can then be searched for as it reads.
render() {
	GROFF_NO_SGR=1 groff -man -Tascii -rLL=5000n -rHY=0 "$1" 2>/dev/null |
	    sed -e 's/.\x08//g' | tr -s ' \t' '  '
}

# has TEXT FILE: TEXT occurs in FILE as a phrase (not inside a longer
# option or word: no letter, digit or '-' right before or after it).
has() {
	awk -v t="$1" '
	BEGIN { n = length(t) }
	{
		s = $0
		while ((i = index(s, t)) > 0) {
			b = i > 1 ? substr(s, i - 1, 1) : ""
			a = substr(s, i + n, 1)
			if (b !~ /[A-Za-z0-9-]/ && (a !~ /[A-Za-z0-9-]/ || t ~ /=$/))
				{ found = 1; exit }
			s = substr(s, i + 1)
		}
	}
	END { exit found ? 0 : 1 }' "$2"
}

pages="vpn-gateway:examples/gateway/vpn-gateway vpn-ctl:examples/gateway/vpn-ctl
vpn-client:examples/client/vpn-client"
for pair in $pages; do
	name=${pair%%:*}
	prog=$build/${pair#*:}
	page=$src/doc/man/$name.8
	if [ ! -f "$page" ]; then bad "$page is missing"; continue; fi
	if [ ! -x "$prog" ]; then bad "$prog is not built"; continue; fi

	# 0. The title names the program, section 8.
	up=$(echo "$name" | tr a-z A-Z)
	if grep -q "^\.TH $up 8 " "$page"; then
		ok "$name.8: .TH $up 8"
	else
		bad "$name.8: no \".TH $up 8\" line"
	fi

	# 1. No warning from groff (every warning category), nor from man.
	groff -man -Tutf8 -ww -z "$page" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc = 0 ] && [ ! -s "$tmp/err" ]; then
		ok "$name.8: groff -man -Tutf8 -ww: no warning"
	else
		bad "$name.8: groff -man -Tutf8 -ww exits $rc:"; sed 's/^/    /' "$tmp/err"
	fi
	if man --version 2>/dev/null | grep -q '^man [0-9]'; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$page" >/dev/null 2>"$tmp/err"; rc=$?
		if [ $rc = 0 ] && [ ! -s "$tmp/err" ]; then
			ok "$name.8: man --warnings -l: no warning"
		else
			bad "$name.8: man --warnings -l exits $rc:"; sed 's/^/    /' "$tmp/err"
		fi
	fi

	# 2. Every long option of --help, in the rendered page and in the source
	# (as \-\-name, the way a man page writes a dash).
	render "$page" >"$tmp/$name.txt"
	if ! "$prog" --help >"$tmp/help" 2>&1; then
		bad "$name --help does not exit 0"
		continue
	fi
	opts=$(grep -oE -- '--[a-z][a-z-]*[a-z]' "$tmp/help" | sort -u)
	n=0 missing=""
	for o in $opts; do
		n=$((n + 1))
		esc=$(printf '%s' "$o" | sed 's/-/\\-/g')
		if ! has "$o" "$tmp/$name.txt" || ! grep -qF -- "$esc" "$page"; then
			missing="$missing $o"
		fi
	done
	if [ "$n" -lt 5 ]; then
		bad "$name --help: only $n long options found, the extraction is broken"
	elif [ -z "$missing" ]; then
		ok "$name.8: all $n long options of --help"
	else
		bad "$name.8 lacks options of --help:$missing"
	fi
done

# 3. vpn-ctl: every command of --help ("  show isakmp sa      IKE SAs ...":
# the words up to the first double blank) and every NAME= parameter.
ctl=$build/examples/gateway/vpn-ctl
if [ -x "$ctl" ] && [ -f "$tmp/vpn-ctl.txt" ]; then
	"$ctl" --help >"$tmp/ctlhelp" 2>&1
	awk '/^Commands/ { on = 1; next } on && /^$/ { exit }
	    on && /^  [a-z]/ { sub(/^ +/, ""); sub(/  .*/, ""); print }' \
	    "$tmp/ctlhelp" >"$tmp/cmds"
	n=0 missing=""
	while IFS= read -r c; do
		n=$((n + 1))
		has "$c" "$tmp/vpn-ctl.txt" || missing="$missing [$c]"
	done <"$tmp/cmds"
	if [ "$n" -lt 10 ]; then
		bad "vpn-ctl --help: only $n commands found, the extraction is broken"
	elif [ -z "$missing" ]; then
		ok "vpn-ctl.8: all $n commands of --help"
	else
		bad "vpn-ctl.8 lacks commands of --help:$missing"
	fi
	n=0 missing=""
	for p in $(grep -oE '(^|[^a-z])[a-z]+=' "$tmp/ctlhelp" | sed 's/^[^a-z]*//' | sort -u); do
		n=$((n + 1))
		has "$p" "$tmp/vpn-ctl.txt" || missing="$missing $p"
	done
	if [ "$n" -lt 5 ]; then
		bad "vpn-ctl --help: only $n parameters found, the extraction is broken"
	elif [ -z "$missing" ]; then
		ok "vpn-ctl.8: all $n parameters of --help"
	else
		bad "vpn-ctl.8 lacks parameters of --help:$missing"
	fi
fi

exit $fail
