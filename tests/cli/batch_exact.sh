#!/bin/sh
# --batch 4 with an expert that answers each line: every item answered by the expert, in order.
. "${0%/*}/../setup"
seq 1 10 | sed 's/^/item /' >"$T/in"
for j in 1 3; do
	rm -f "$CALLS"
	expect_status 0 timeout 60 "$CASCADE" -q -j $j --batch 4 --target 1 -e "$X/echoeach" <"$T/in" >"$T/out"
	check_lines 10 "$T/out"
	check_columns "$T/out"
	[ "$(count_source expert "$T/out")" -eq 10 ] || fail "-j $j: not all lines expert"
	cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "-j $j: answers not each item's own, in order: $(cut -f 1 "$T/out" | tr '\n' '|')"
	[ "$(ncalls)" -eq 3 ] || fail "-j $j: 10 items in batches of 4 took $(ncalls) calls, expected 3"
done
