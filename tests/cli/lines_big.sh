#!/bin/sh
# A 5 MB line is one item, passed whole to the expert (no pipe deadlock).
. "${0%/*}/../setup"
{ echo short; yes 'film good' | head -n 500000 | tr '\n' ' '; echo; echo after; } >"$T/in"
[ "$(wc -c <"$T/in")" -gt 5000000 ] || fail "test data too small"
expect_status 0 "$CASCADE" <"$T/in" >"$T/out"
check_lines 3 "$T/out"
# An expert that answers the line's last word: it must have read all 5 MB.
expect_status 0 "$CASCADE" --target 1 -e 'awk "{ print \$NF }"' <"$T/in" >"$T/out"
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(cut -f 1 "$T/out" | tr '\n' ' ')" = "short good after " ] ||
	fail "wrong labels: $(cut -f 1 "$T/out" | tr '\n' ' ')"
# An expert that answers without reading its stdin: no deadlock, its answer counts.
expect_status 0 timeout 30 "$CASCADE" --target 1 -e 'echo good' <"$T/in" >"$T/out"
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "good expert|good expert|good expert|" ] ||
	fail "non-reading expert: $(cut -f 1,2 "$T/out")"
