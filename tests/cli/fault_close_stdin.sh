#!/bin/sh
# An expert that closes its stdin at once, then answers, is answered (small and 5 MB items).
. "${0%/*}/../setup"
{ echo short; yes 'film good' | head -n 500000 | tr '\n' ' '; echo; echo after; } >"$T/in"
for cmd in 'exec 0<&-; echo positive' 'exec 0<&-; sleep 0.2; echo positive'; do
	expect_status 0 timeout 60 "$CASCADE" -q -j 2 --target 1 -e "$cmd" <"$T/in" >"$T/out"
	check_lines 3 "$T/out"
	check_columns "$T/out"
	[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "positive expert|positive expert|positive expert|" ] ||
		fail "-e '$cmd': $(cut -f 1,2 "$T/out" | tr '\t\n' ' |')"
done
