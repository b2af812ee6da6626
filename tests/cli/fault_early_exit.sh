#!/bin/sh
# An expert that answers and exits without reading its stdin (small or 5 MB items) is answered, no hang.
. "${0%/*}/../setup"
{ echo short; yes 'film good' | head -n 500000 | tr '\n' ' '; echo; echo after; } >"$T/in"
[ "$(wc -c <"$T/in")" -gt 5000000 ] || fail "test data too small"
for j in 1 3; do
	for cmd in 'echo positive; exit 0' 'echo positive'; do
		expect_status 0 timeout 60 "$CASCADE" -q -j $j --target 1 -e "$cmd" <"$T/in" >"$T/out"
		check_lines 3 "$T/out"
		check_columns "$T/out"
		[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "positive expert|positive expert|positive expert|" ] ||
			fail "-j $j -e '$cmd': $(cut -f 1,2 "$T/out" | tr '\t\n' ' |')"
	done
done
